"""The scopes of this app's models for staff (see samspil/access/policy.py): a portal right is visible exactly when
its pathway is. Portal accounts never read through `visible_to`: their one rule is `portal.access`."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.portal.models import PortalRight

policy.register(PortalRight)(pathway_child_scope)
