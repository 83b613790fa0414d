"""The scopes of this app's models registered here rather than in access/scopes.py (see samspil/access/policy.py):
a comment on a goal is visible exactly when its pathway is. Portal accounts never read through `visible_to`: their
one rule is `portal.access`."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.plans.models import GoalComment

policy.register(GoalComment)(pathway_child_scope)
