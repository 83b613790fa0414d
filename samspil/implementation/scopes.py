"""Scopes of this app's models (see samspil/access/policy.py).

Programme management holds no case content: it is about the programme. Aggregate roles and project leaders read
it (VIEW); project leaders write it (CONTRIBUTE, MANAGE). Nobody else gets anything, and AGGREGATE and INTAKE
give nothing.
"""

from samspil.access import policy
from samspil.implementation.models import (
    GroupDecision,
    GroupMeeting,
    GroupMember,
    Implementation,
    Milestone,
    Phase,
    PhaseChecklistItem,
    ProgrammeGroup,
    ResponsibilityCell,
    ResponsibilityRole,
    ResponsibilityTask,
    ScaleUpStep,
    TheoryItem,
)


def can_read(user) -> bool:
    return policy.can_see_aggregates(user) or policy.can_run_programmes(user)


def can_write(user) -> bool:
    return policy.can_run_programmes(user)


@policy.register(
    Implementation,
    ProgrammeGroup,
    GroupMember,
    GroupMeeting,
    GroupDecision,
    ResponsibilityRole,
    ResponsibilityTask,
    ResponsibilityCell,
    TheoryItem,
    Phase,
    PhaseChecklistItem,
    Milestone,
    ScaleUpStep,
)
def programme_management_scope(queryset, user, action):
    if action == policy.VIEW and can_read(user):
        return queryset
    if action in (policy.CONTRIBUTE, policy.MANAGE) and can_write(user):
        return queryset
    return queryset.none()
