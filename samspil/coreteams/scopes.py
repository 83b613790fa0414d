"""Scopes of the core team's rows for staff (see samspil/access/policy.py).

The team and its members are configuration (who is on which team): every staff member of the municipality reads
them. A family in the caseload and the decision about it are visible exactly when the pathway is. The caseload
meetings and their attendance are the team's own: its current members, its leader, and the programme's project
leaders (`access.may_follow_team`).
"""

from samspil.access import policy
from samspil.access.scopes import municipality_configuration_scope, pathway_child_scope
from samspil.coreteams import access
from samspil.coreteams.models import (
    CaseloadAttendance,
    CaseloadItem,
    CaseloadMeeting,
    CoreTeam,
    CoreTeamCase,
    CoreTeamMember,
)

policy.register(CoreTeam, CoreTeamMember)(municipality_configuration_scope)
policy.register(CoreTeamCase, CaseloadItem)(pathway_child_scope)


@policy.register(CaseloadMeeting)
def caseload_meeting_scope(queryset, user, action):
    if action not in (policy.VIEW, policy.CONTRIBUTE, policy.MANAGE):
        return queryset.none()
    return queryset.filter(team__in=access.teams_of(user, action))


@policy.register(CaseloadAttendance)
def caseload_attendance_scope(queryset, user, action):
    if action not in (policy.VIEW, policy.CONTRIBUTE, policy.MANAGE):
        return queryset.none()
    return queryset.filter(meeting__team__in=access.teams_of(user, action))
