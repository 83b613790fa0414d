"""The scope of this app's model for staff (see samspil/access/policy.py): a pathway invitation is visible exactly
when its pathway is; a drop-in centre's invitation to the project leader, who gives and ends that access
(`outreach.access.can_manage`). Partner accounts never read through `visible_to`: their rules are `portal.access`
and `outreach.access.partner_centre`."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.partners.models import PartnerInvitation


@policy.register(PartnerInvitation)
def invitation_scope(queryset, user, action):
    from samspil.outreach import access as outreach_access

    pathway_rows = pathway_child_scope(queryset.filter(centre__isnull=True), user, action)
    if action != policy.INTAKE and outreach_access.can_manage(user):
        return pathway_rows | queryset.filter(centre__isnull=False)
    return pathway_rows
