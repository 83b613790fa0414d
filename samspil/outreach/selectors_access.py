"""Reads for drop-in staff's access to their centre's pages, on the cooperation agreement's page: the project
leader's view of who of the centre's contact persons is invited, has access or has had it ended.

The invitations are read through the scope (`policy.restrict`, see `partners.scopes`): the project leader only.
No citizen data, so nothing here is access-logged.
"""

from dataclasses import dataclass

from samspil.access import policy
from samspil.partners.choices import InvitationState
from samspil.partners.models import PartnerInvitation


@dataclass(frozen=True)
class ContactAccess:
    """One contact person of the centre and their live invitation to the centre's pages (None: not invited, or
    ended). `state` is an `InvitationState` or "" when not invited."""

    contact: object
    invitation: PartnerInvitation | None

    @property
    def state(self) -> str:
        return self.invitation.state() if self.invitation else ""

    @property
    def state_label(self) -> str:
        return InvitationState(self.state).label if self.state else ""

    @property
    def has_access(self) -> bool:
        return self.state == InvitationState.ACCEPTED

    @property
    def may_invite(self) -> bool:
        return bool(self.contact.email) and not self.has_access


def drop_in_access(*, actor, centre) -> list[ContactAccess]:
    """Every contact person of `centre`, by name, with their live drop-in invitation: two queries."""
    live = {
        invitation.external_contact_id: invitation
        for invitation in policy.restrict(PartnerInvitation.objects, actor, policy.VIEW)
        .filter(centre=centre, ended_at__isnull=True)
        .select_related("account")
    }
    return [ContactAccess(contact, live.get(contact.pk)) for contact in centre.contacts.order_by("name", "id")]
