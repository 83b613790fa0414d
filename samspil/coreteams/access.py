"""Who may do what with a core team — the one set of rules for this app's pages and services.

- **view** (read the team, its caseload meetings and the list of families): a current member, the team leader and
  the municipality's project leaders (department heads read aggregates in the coordination group). Which families
  a reader sees by name still follows each pathway's own rule: a family the reader cannot see is counted, never
  named.
- **contribute** (record a caseload meeting, attendance and decisions): a current member or the team leader.
- **manage** (the team itself: members, cadence, assigning and ending families, scheduling): the team leader and
  the municipality's project leaders.
"""

from django.db.models import Q
from django.utils import timezone

from samspil.access import policy


def teams_of(user, action):
    """The teams of the user's municipality the user may `action` (a queryset of `CoreTeam`)."""
    from samspil.coreteams.models import CoreTeam

    if not policy.is_municipal_staff(user):
        return CoreTeam.objects.none()
    teams = CoreTeam.objects.filter(municipality_id=user.municipality_id)
    today = timezone.localdate()
    is_leader = Q(leader=user)
    is_member = Q(
        members__user=user,
        members__active_from__lte=today,
    ) & (Q(members__active_to__isnull=True) | Q(members__active_to__gte=today))
    if action == policy.MANAGE:
        if policy.can_run_programmes(user):
            return teams
        return teams.filter(is_leader)
    if action in (policy.VIEW, policy.CONTRIBUTE):
        if action == policy.VIEW and policy.can_run_programmes(user):
            return teams
        return teams.filter(is_leader | is_member).distinct()
    return teams.none()
