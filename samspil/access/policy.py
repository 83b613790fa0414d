"""The access policy: one place that decides what a user may see and do.

Every tenant-owned model registers one scope function here. `Model.objects.visible_to(user, action)`
calls it; a model without a registered scope raises instead of returning everything.
"""

from collections.abc import Callable

from django.db import models
from django.utils import timezone

from samspil.accounts.choices import AccountKind
from samspil.core.db import STAND_IN_MOMENTS, JoinedText, Variable, precompiled_rows
from samspil.organisations.choices import AGGREGATE_ROLES, BREAK_GLASS_ROLES, CASE_ROLES, COST_ROLES, StaffRole


class ScopeNotRegistered(LookupError):
    pass


class UnknownAction(ValueError):
    pass


# Pathway actions, from the weakest to the strongest.
VIEW = "view"  # read the pathway: coordinator, team (with consent or legal basis), grant, break-glass
CONTRIBUTE = "contribute"  # work in it: coordinator and team
MANAGE = "manage"  # change team, status, consent and grants; read the access log: the coordinator
# Citizens only: find a citizen by name or CPR number to register or open a pathway (case roles).
INTAKE = "intake"
# Rows that may only feed figures, never be shown one by one with who they are about: costs for
# controllers, imported service consumption for the roles with the segmentation purpose. Pathways and
# everything hanging off them answer nothing for this action.
AGGREGATE = "aggregate"
ACTIONS = (VIEW, CONTRIBUTE, MANAGE, INTAKE, AGGREGATE)

ScopeFunction = Callable[[models.QuerySet, object, str], models.QuerySet]
_registry: dict[type[models.Model], ScopeFunction] = {}


def register(*model_classes):
    def decorator(function: ScopeFunction) -> ScopeFunction:
        for model_class in model_classes:
            _registry[model_class] = function
        return function

    return decorator


def registered_models() -> set[type[models.Model]]:
    return set(_registry)


def restrict(queryset: models.QuerySet, user, action: str) -> models.QuerySet:
    if action not in ACTIONS:
        raise UnknownAction(action)
    model = queryset.model._meta.concrete_model
    try:
        scope = _registry[model]
    except KeyError:
        raise ScopeNotRegistered(f"No access scope is registered for {model.__name__}") from None
    if not is_municipal_staff(user):
        return queryset.none()
    return scope(queryset.filter(municipality_id=user.municipality_id), user, action)


def is_municipal_staff(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.kind == AccountKind.STAFF
        and user.municipality_id
    )


def _current_roles(user) -> set[str]:
    cached = getattr(user, "_samspil_roles", None)
    if cached is None:
        from samspil.organisations.models import Membership

        cached = set(Membership.objects.current().filter(user=user).values_list("role", flat=True))
        user._samspil_roles = cached
    return cached


def current_roles_subquery(user) -> models.Subquery:
    """The user's current roles as one text value, to read in a query the page makes anyway (one query less).

    `user` is a user, or `OuterRef("pk")` in a query of users (the session's user, `accounts.backends`). Hand the
    value to `remember_roles`; it is the same set `_current_roles` would read.
    """
    from samspil.organisations.models import Membership

    roles = (
        Membership.objects.current()
        .filter(user=user)
        .order_by()
        .values("user")
        .annotate(roles=JoinedText("role"))
        .values("roles")
    )
    return models.Subquery(roles, output_field=models.TextField())


def remember_roles(user, roles: str | None) -> None:
    """Keep the roles read by `current_roles_subquery` on the user for the rest of the request."""
    if getattr(user, "_samspil_roles", None) is None and user is not None and user.is_authenticated:
        user._samspil_roles = set(JoinedText.split(roles))


def can_do_case_work(user) -> bool:
    """Search citizens, register them, open pathways, use break-glass."""
    return is_municipal_staff(user) and bool(_current_roles(user) & CASE_ROLES)


def can_break_glass(user) -> bool:
    """Break-glass is for caseworkers and team leaders, not for every professional with a case role."""
    return is_municipal_staff(user) and bool(_current_roles(user) & BREAK_GLASS_ROLES)


def current_department_ids(user) -> set[int]:
    from samspil.organisations.models import Membership

    return set(Membership.objects.current().filter(user=user).values_list("department_id", flat=True))


def can_see_aggregates(user) -> bool:
    return is_municipal_staff(user) and bool(_current_roles(user) & AGGREGATE_ROLES)


def can_run_programmes(user) -> bool:
    """Run the municipality's programmes: their organisation, implementation plan and measurement rounds."""
    return is_municipal_staff(user) and StaffRole.PROJECT_LEADER in _current_roles(user)


def can_see_costs(user) -> bool:
    """Costs of the whole municipality (as figures): the controller's role."""
    return is_municipal_staff(user) and bool(_current_roles(user) & COST_ROLES)


def can_read_cost_reports(user) -> bool:
    """The cost reports, as figures: controllers for the municipality, aggregate roles for the departments they lead
    (project leaders and controllers also register operating costs)."""
    return can_see_costs(user) or can_see_aggregates(user)


def can_segment(user) -> bool:
    """Import service consumption, read the cost curve and candidate lists: roles given that purpose."""
    from django.conf import settings

    return is_municipal_staff(user) and bool(_current_roles(user) & set(settings.SAMSPIL_SEGMENTATION_ROLES))


def require(user, action: str, pathway):
    """Re-read `pathway` locked in the current transaction if `user` may do `action` on it.

    Raises Http404 when the user may not see it at all (exactly as if it did not exist) and
    PermissionDenied when they may see it but not do this. Call inside `transaction.atomic`. The locked row
    carries the user's `access` (`access.PathwayAccess`) as it is now, for the service's further questions.
    """
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from samspil.access import scopes
    from samspil.access.access import PathwayAccess
    from samspil.access.models import AccessGrant
    from samspil.pathways.models import Pathway

    def build(values):
        return (
            Pathway.objects.visible_to(user, action)
            # Only the pathway row: the rights read the subject's birth date through an outer join to the citizen.
            .select_for_update(of=("self",))
            .filter(pk=values["pk"])
            .annotate(**scopes.pathway_rights(user, at=values["now"]))
            .order_by("pk")[:1]
        )

    # Compiled once per user, action and day, as `pathways.selectors.pathway_get`'s read (building the scope and the
    # rights cost a write more than the database did). VIEW's scope reads the clock itself: built every time.
    rows = precompiled_rows(
        build,
        key=("policy.require", action, user.pk, user.municipality_id, user.kind, user.is_active),
        variables={
            "pk": Variable(pathway.pk, -1, -2, Pathway._meta.pk),
            "now": Variable(timezone.now(), *STAND_IN_MOMENTS, AccessGrant._meta.get_field("valid_until")),
        },
    )
    locked = rows[0] if rows else None
    if locked is not None:
        locked.access = PathwayAccess.from_row(locked)
        return locked
    if action != VIEW and Pathway.objects.visible_to(user, VIEW).filter(pk=pathway.pk).exists():
        raise PermissionDenied
    raise Http404
