"""The scope of this app's model for staff (see samspil/access/policy.py): an invitation is visible exactly when its
pathway is. Partner accounts never read through `visible_to`: their one rule is `portal.access`."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.partners.models import PartnerInvitation

policy.register(PartnerInvitation)(pathway_child_scope)
