"""The scopes of this app's models (see samspil/access/policy.py).

Imported service consumption is personal data kept for one purpose: finding the citizens who need a
coordinated pathway. Only the roles given that purpose (`policy.can_segment`) read it, to VIEW single
persons (the candidate list, which is access-logged) or to AGGREGATE them into figures. Everyone else,
and every other action, gets nothing: the data do not follow the pathway scope, a caseworker on a
citizen's pathway does not see what was imported about them.
"""

from samspil.access import policy
from samspil.segmentation.models import (
    CandidateClassification,
    CandidateRule,
    ConsumptionImport,
    ConsumptionRecord,
    ConsumptionSubject,
)

SEGMENTATION_ACTIONS = (policy.VIEW, policy.AGGREGATE)


@policy.register(ConsumptionImport, ConsumptionSubject, ConsumptionRecord, CandidateRule, CandidateClassification)
def segmentation_scope(queryset, user, action):
    if action in SEGMENTATION_ACTIONS and policy.can_segment(user):
        return queryset
    return queryset.none()
