"""The project leader gives a drop-in centre's contact person access to the centre's pages (`/partner/vaerested/`),
and ends it: from the cooperation agreement's page (`views_agreements.AgreementDetailView`).

The invitation is a `partners.PartnerInvitation` with `centre` set, made and ended through the partners' own
`invitation_send` / `invitation_end`: the same one-time link (the token stored only as its hash), the same e-mail
without names, the same way of accepting it (`partners.views.InvitationAcceptView`, which creates the partner account
or links the one the contact has). From then on `access.partner_centre` is the one rule: an accepted invitation, not
ended, and an agreement in force. Ending the invitation shuts the pages at the next request.

Both services are the project leader's only (`access.can_manage`), re-read the agreement through the scope locked,
validate with Danish messages, and record their event in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.organisations.models import ExternalContact
from samspil.outreach import access
from samspil.outreach.models import CooperationAgreement
from samspil.partners.choices import PartnerLevel
from samspil.partners.models import PartnerInvitation
from samspil.partners.services import contact_invitable_check, invitation_end, invitation_send


def _agreement_locked(actor, agreement: CooperationAgreement) -> CooperationAgreement:
    if not access.can_manage(actor):
        raise PermissionDenied
    locked = (
        policy.restrict(CooperationAgreement.objects, actor, policy.MANAGE)
        .select_for_update(of=("self",))
        .select_related("centre")
        .filter(pk=agreement.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    return locked


def _live(centre, contact):
    return (
        PartnerInvitation.objects.select_for_update()
        .filter(municipality_id=centre.municipality_id, centre=centre, external_contact=contact, ended_at__isnull=True)
        .first()
    )


@transaction.atomic
def drop_in_invite(*, actor, agreement: CooperationAgreement, contact: ExternalContact) -> PartnerInvitation:
    """Invite one of the centre's contact persons to the centre's pages: an e-mail with a one-time link, valid for
    `SAMSPIL_PARTNER_INVITATION_DAYS`. An unaccepted or expired invitation of the same contact is replaced by the new
    one; a contact who has access already is refused (end it first). The agreement must not have ended."""
    agreement = _agreement_locked(actor, agreement)
    centre = agreement.centre
    contact = (
        ExternalContact.objects.select_for_update()
        .filter(pk=contact.pk, municipality_id=agreement.municipality_id, organisation=centre)
        .first()
    )
    if contact is None:
        raise ValidationError(_("Choose one of the centre's own contact persons."))
    if agreement.ends_on is not None and agreement.ends_on < timezone.localdate():
        raise ValidationError(_("The agreement has ended. Invite the centre's staff from the agreement in force."))
    contact_invitable_check(contact)
    live = _live(centre, contact)
    if live is not None and live.accepted_at is not None:
        raise ValidationError(_("%(name)s already has access to the drop-in centre's pages.") % {"name": contact.name})
    if live is not None:
        invitation_end(live, actor=actor, reason=_("Replaced by a new invitation."), at=timezone.now())
    invitation = invitation_send(
        actor=actor, contact=contact, level=PartnerLevel.WRITE, centre=centre, news="drop_in_invitation"
    )
    event_record(
        actor=actor,
        code="outreach.drop_in_invited",
        municipality_id=agreement.municipality_id,
        data={"name": contact.name, "centre": centre.name},
    )
    return invitation


@transaction.atomic
def drop_in_access_end(
    *, actor, agreement: CooperationAgreement, invitation_public_id, reason: str = ""
) -> PartnerInvitation:
    """End a contact person's invitation to, or access to, the centre's pages at once (their next request gets
    404). The invitation must be a live one of the agreement's centre."""
    agreement = _agreement_locked(actor, agreement)
    invitation = (
        PartnerInvitation.objects.select_for_update(of=("self",))
        .select_related("external_contact")
        .filter(
            municipality_id=agreement.municipality_id,
            centre=agreement.centre,
            public_id=invitation_public_id,
            ended_at__isnull=True,
        )
        .first()
    )
    if invitation is None:
        raise ValidationError(_("There is no invitation or access to end."))
    invitation_end(invitation, actor=actor, reason=(reason or "").strip(), at=timezone.now())
    event_record(
        actor=actor,
        code="outreach.drop_in_access_ended",
        municipality_id=agreement.municipality_id,
        data={
            "name": invitation.external_contact.name,
            "centre": agreement.centre.name,
            "reason": invitation.end_reason or "–",
        },
    )
    return invitation
