"""The staff scope of outside experts' invitations: visible exactly when their meeting's pathway is (the coordinator
and the team see who is invited). An expert's own access is not a scope: it is the rule in `meetings.experts`."""

from samspil.access import policy
from samspil.access.scopes import meeting_child_scope
from samspil.meetings.models import MeetingExpert

policy.register(MeetingExpert)(meeting_child_scope)
