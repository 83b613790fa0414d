"""The scopes of this app's models (see samspil/access/policy.py).

- The catalogue (`Service`) is configuration: every staff member of the municipality may read it.
- What hangs off a pathway (interventions, financing decisions and shares, exemption uses) is visible exactly
  when the pathway is, for VIEW, CONTRIBUTE and MANAGE. For AGGREGATE (rows that may only feed figures):
  controllers get every row of the municipality; department heads, team leaders and project leaders get the
  rows that touch one of the departments where they hold that role (it grants, it provided the service when
  it was granted (`Intervention.service_department`), or it pays); nobody else anything.
- A controller's review of a pathway's financing (`FinancingReview` and its shares) is visible with the pathway
  for VIEW, CONTRIBUTE and MANAGE (the team sees the request and the answer). For AGGREGATE it answers only the
  reviews that name the user as controller, while the user is a controller (`policy.can_see_costs`): the narrow
  rule by which a controller reaches one pathway's financing (never its case content) — see `review_access`.
- Operating costs per programme hold no citizen data: readable (VIEW, AGGREGATE) by controllers (all) and the
  aggregate roles (the programmes with pathways coordinated from one of their departments); written through
  the service, which checks who may register them.
"""

from django.db.models import Q

from samspil.access import policy
from samspil.access.scopes import municipality_configuration_scope, pathway_child_scope
from samspil.economy.models import (
    FinancingDecision,
    FinancingReview,
    FinancingReviewShare,
    FinancingShare,
    Intervention,
    LegalExemptionUse,
    OperatingCost,
    Service,
)
from samspil.organisations.choices import AGGREGATE_ROLES
from samspil.organisations.models import Membership
from samspil.pathways.models import Pathway

policy.register(Service)(municipality_configuration_scope)


def led_department_ids(user):
    """The departments where the user currently holds an aggregate role (a subquery of ids)."""
    return Membership.objects.current().filter(user=user, role__in=AGGREGATE_ROLES).values("department_id")


def _intervention_touches(departments, prefix: str = "") -> Q:
    """For an Intervention row (reached through `prefix`): granted, provided or paid by one of `departments`."""
    paid = FinancingShare.objects.filter(department_id__in=departments).values("decision__intervention_id")
    itself = f"{prefix[:-2]}_id__in" if prefix else "pk__in"
    return (
        Q(**{f"{prefix}granting_department_id__in": departments})
        | Q(**{f"{prefix}service_department_id__in": departments})
        | Q(**{itself: paid})
    )


def _aggregate(queryset, user):
    if policy.can_see_costs(user):
        return queryset
    if not policy.can_see_aggregates(user):
        return queryset.none()
    departments = led_department_ids(user)
    model = queryset.model
    if model is Intervention:
        return queryset.filter(_intervention_touches(departments))
    if model is FinancingDecision:
        return queryset.filter(_intervention_touches(departments, "intervention__"))
    if model is FinancingShare:
        return queryset.filter(_intervention_touches(departments, "decision__intervention__"))
    # LegalExemptionUse: coordinated from one of the departments, or tied to an intervention touching them.
    touching = Intervention.objects.filter(_intervention_touches(departments)).values("pk")
    return queryset.filter(Q(pathway__lead_department_id__in=departments) | Q(intervention_id__in=touching))


@policy.register(Intervention, FinancingDecision, FinancingShare, LegalExemptionUse)
def economy_pathway_child_scope(queryset, user, action):
    if action == policy.AGGREGATE:
        return _aggregate(queryset, user)
    return pathway_child_scope(queryset, user, action)


@policy.register(FinancingReview, FinancingReviewShare)
def financing_review_scope(queryset, user, action):
    if action != policy.AGGREGATE:
        return pathway_child_scope(queryset, user, action)
    if not policy.can_see_costs(user):
        return queryset.none()
    field = "controller_id" if queryset.model is FinancingReview else "review__controller_id"
    return queryset.filter(**{field: user.pk})


@policy.register(OperatingCost)
def operating_cost_scope(queryset, user, action):
    if action not in (policy.VIEW, policy.AGGREGATE):
        return queryset.none()
    if policy.can_see_costs(user):
        return queryset
    if policy.can_see_aggregates(user):
        coordinated = Pathway.objects.filter(lead_department_id__in=led_department_ids(user)).values("programme_id")
        return queryset.filter(programme_id__in=coordinated)
    return queryset.none()
