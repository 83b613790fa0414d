"""The scopes of this app's models (see samspil/access/policy.py).

Imported service consumption is personal data kept for one purpose: finding the citizens who need a
coordinated pathway. Only the roles given that purpose (`policy.can_segment`) read it, to VIEW single
persons (the candidate list, which is access-logged) or to AGGREGATE them into figures. Everyone else,
and every other action, gets nothing: the data do not follow the pathway scope, a caseworker on a
citizen's pathway does not see what was imported about them.
"""

from django.db.models import Q

from samspil.access import policy
from samspil.segmentation.models import (
    CandidateClassification,
    CandidateRule,
    ConsumptionImport,
    ConsumptionRecord,
    ConsumptionSubject,
    Referral,
)

SEGMENTATION_ACTIONS = (policy.VIEW, policy.AGGREGATE)


@policy.register(ConsumptionImport, ConsumptionSubject, ConsumptionRecord, CandidateRule, CandidateClassification)
def segmentation_scope(queryset, user, action):
    if action in SEGMENTATION_ACTIONS and policy.can_segment(user):
        return queryset
    return queryset.none()


@policy.register(Referral)
def referral_scope(queryset, user, action):
    """A referral is read (VIEW) by the coordinator it names, while they hold a case role, and by the segmentation
    role who made it; the segmentation roles count all of them (AGGREGATE). It is not case content of a pathway:
    a team does not see how its citizen was found."""
    if action == policy.AGGREGATE:
        return queryset if policy.can_segment(user) else queryset.none()
    if action != policy.VIEW:
        return queryset.none()
    readers = Q()
    if policy.can_do_case_work(user):
        readers |= Q(coordinator=user)
    if policy.can_segment(user):
        readers |= Q(created_by=user)
    return queryset.filter(readers) if readers else queryset.none()
