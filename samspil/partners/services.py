"""Writes for external partners: invite, change the access level, end the access, accept an invitation, and the
partner's own agreements.

The coordinator's services check MANAGE through the policy inside their transaction, like every pathway service.
The partner's services resolve the pathway through the one partner rule (`portal.access.partner_pathway_get`)
inside theirs. Each records its event in the same transaction; the change log is written automatically.

An invitation to a drop-in centre's pages is made and ended by the project leader in `outreach.services_access`,
through the same `invitation_send` and `invitation_end`; it is accepted here, exactly as a pathway invitation.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.accounts.choices import AccountKind
from samspil.audit import context
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.partners.choices import InvitationState, PartnerLevel
from samspil.partners.models import PartnerInvitation, token_hash
from samspil.partners.selectors import invitation_for_token
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, TeamMember
from samspil.portal.access import partner_pathway_get
from samspil.portal.notify import notify

TOKEN_BYTES = 32  # 256 bits of randomness in every one-time link


# --- the coordinator ------------------------------------------------------------------------------------------


def _external_place(*, pathway: Pathway, member: TeamMember) -> TeamMember:
    """The team place, locked, if it is a current external place on `pathway`; else a ValidationError."""
    member = (
        TeamMember.objects.select_for_update(of=("self",))
        .select_related("external_contact")
        .filter(pk=member.pk, pathway=pathway)
        .first()
    )
    if member is None:
        raise Http404
    if member.kind != TeamMemberKind.EXTERNAL:
        raise ValidationError(_("Only an external professional on the team can be invited to Samspil."))
    if not member.is_current:
        raise ValidationError(_("%(name)s is not on the team today.") % {"name": member.display_name})
    return member


def invitation_end(invitation: PartnerInvitation, *, actor, reason: str, at: datetime.datetime) -> None:
    """End an invitation (locked by the caller): its link no longer works, and the access it gave ends at once."""
    invitation.ended_at, invitation.ended_by, invitation.end_reason = at, actor, reason[:200]
    invitation.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])


def contact_invitable_check(contact) -> None:
    """A ValidationError unless the contact person can be invited: an e-mail address, and no closed account."""
    if not contact.email:
        raise ValidationError(
            _("%(name)s has no e-mail address. Add it to the contact person first.") % {"name": contact.name}
        )
    account = get_user_model().objects.filter(external_contact=contact).first()
    if account is not None and not account.is_active:
        raise ValidationError(
            _("%(name)s's account in Samspil has been closed. Ask the administrator.") % {"name": contact.name}
        )


def invitation_send(
    *,
    actor,
    contact,
    level: str,
    pathway=None,
    team_member=None,
    centre=None,
    meeting=None,
    news: str = "invitation",
) -> PartnerInvitation:
    """A new invitation of `contact` with a fresh one-time token, to a pathway's team place, to a drop-in centre's
    pages (`centre`) or, as an outside expert, to one analysis meeting (`meeting`, with its `pathway`; the link expires
    with the meeting at the latest); the link goes by e-mail (`notify` kind `news`, after the commit) and nothing else
    holds it.

    Inside the caller's transaction, after it has checked who may invite whom (`contact_invitable_check`) and ended
    the live invitation this one replaces."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = timezone.now() + datetime.timedelta(days=settings.SAMSPIL_PARTNER_INVITATION_DAYS)
    if meeting is not None:
        expires_at = min(expires_at, meeting.ends_at)
    invitation = PartnerInvitation.objects.create(
        municipality_id=(pathway or centre).municipality_id,
        pathway=pathway,
        team_member=team_member,
        centre=centre,
        meeting=meeting,
        external_contact=contact,
        level=level,
        email=contact.email,
        token_hash=token_hash(token),
        expires_at=expires_at,
        invited_by=actor,
    )
    link = settings.SAMSPIL_BASE_URL + reverse("partners:invitation", args=[token])
    notify(email=contact.email, news=news, link=link)
    return invitation


@transaction.atomic
def partner_invite(*, actor, member: TeamMember, level: str) -> PartnerInvitation:
    """Invite an external team member to Samspil with read or read-and-write access to this pathway.

    The contact person gets an e-mail with a one-time link (no name, no content), valid for
    `SAMSPIL_PARTNER_INVITATION_DAYS`. A place that already has access accepted keeps it and only gets the new
    level (no new e-mail); an unaccepted or expired invitation is replaced by the new one.
    """
    pathway = policy.require(actor, policy.MANAGE, member.pathway)
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed."))
    if level not in PartnerLevel.values:
        raise ValidationError(_("Choose what the partner may do."))
    member = _external_place(pathway=pathway, member=member)
    contact = member.external_contact
    contact_invitable_check(contact)
    now = timezone.now()
    live = PartnerInvitation.objects.select_for_update().filter(team_member=member, ended_at__isnull=True).first()
    if live is not None and live.accepted_at is not None:
        if live.level != level:
            live.level = level
            live.save(update_fields=["level", "updated_at"])
            event_record(
                actor=actor,
                code="partner.level_changed",
                municipality_id=pathway.municipality_id,
                pathway=pathway,
                data={"name": contact.name, "partner_level": level},
            )
        return live
    if live is not None:
        invitation_end(live, actor=actor, reason=_("Replaced by a new invitation."), at=now)
    invitation = invitation_send(actor=actor, contact=contact, level=level, pathway=pathway, team_member=member)
    event_record(
        actor=actor,
        code="partner.invited",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": contact.name, "partner_level": level},
    )
    return invitation


@transaction.atomic
def partner_access_end(*, actor, member: TeamMember, reason: str = "") -> PartnerInvitation:
    """End the invitation or access of a team place at once (the partner's next request gets 404)."""
    pathway = policy.require(actor, policy.MANAGE, member.pathway)
    invitation = (
        PartnerInvitation.objects.select_for_update()
        .select_related("external_contact")
        .filter(pathway=pathway, team_member_id=member.pk, ended_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise ValidationError(_("There is no invitation or access to end."))
    invitation_end(invitation, actor=actor, reason=reason.strip(), at=timezone.now())
    event_record(
        actor=actor,
        code="partner.access_ended",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": invitation.external_contact.name, "reason": invitation.end_reason or "–"},
    )
    return invitation


def partner_access_end_with_place(*, actor, member: TeamMember) -> None:
    """Ending a team place ends its partner's invitation and access (`pathways.services.team_member_end` calls this
    inside its transaction, after the place is saved). A place ended from a later day keeps the access until then:
    the partner rule reads the place's dates."""
    if member.kind != TeamMemberKind.EXTERNAL or member.active_to is None:
        return
    if member.active_to > timezone.localdate():
        return
    live = (
        PartnerInvitation.objects.select_for_update()
        .select_related("external_contact")
        .filter(team_member=member, ended_at__isnull=True)
        .first()
    )
    if live is None:
        return
    invitation_end(live, actor=actor, reason=_("The place on the team was ended."), at=timezone.now())
    event_record(
        actor=actor,
        code="partner.access_ended_with_place",
        municipality_id=member.municipality_id,
        pathway=member.pathway,
        data={"name": live.external_contact.name},
    )


# --- the invited contact ----------------------------------------------------------------------------------------


class InvitationUnusable(Exception):
    """The link cannot be used: `reason` is "unknown", "expired", "used", "ended", "account_closed", or, when
    accepting, "has_account" (the contact must log in first) or "other_account" (logged in as someone else)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_problem(invitation: PartnerInvitation | None) -> str:
    """Why the link cannot be used now, or "" when it can."""
    if invitation is None:
        return "unknown"
    state = invitation.state()
    if state == InvitationState.ENDED or not _still_given(invitation):
        return "ended"
    if state == InvitationState.ACCEPTED:
        return "used"
    if state == InvitationState.EXPIRED:
        return "expired"
    account = existing_account(invitation)
    if account is not None and not account.is_active:
        return "account_closed"
    return ""


def _still_given(invitation: PartnerInvitation) -> bool:
    """Whether what the invitation was given for is still there: the team place is current, the contact person
    still belongs to the drop-in centre, or the outside expert's invitation to the analysis meeting is in force."""
    if invitation.is_meeting:
        from samspil.meetings.experts import in_force_filter
        from samspil.meetings.models import MeetingExpert

        return MeetingExpert.objects.filter(
            in_force_filter(), meeting_id=invitation.meeting_id, external_contact_id=invitation.external_contact_id
        ).exists()
    if invitation.is_drop_in:
        return invitation.external_contact.organisation_id == invitation.centre_id
    return invitation.team_member.is_current


def existing_account(invitation: PartnerInvitation):
    """The partner account the invited contact already has, or None."""
    return get_user_model().objects.filter(external_contact_id=invitation.external_contact_id).first()


def partner_username(email: str) -> str:
    """The user name of a new partner account: the e-mail address, or `partner-<random>` when an account (of any
    kind) already has that name."""
    User = get_user_model()
    candidate = User.normalize_username(email)
    if candidate and not User.objects.filter(username=candidate).exists():
        return candidate
    while True:
        candidate = f"partner-{secrets.token_hex(4)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def partner_account_candidate(invitation: PartnerInvitation):
    """The partner account accepting would create (not saved): names and e-mail from the contact person."""
    contact = invitation.external_contact
    first_name, _space, last_name = contact.name.strip().rpartition(" ")
    if not first_name:
        first_name, last_name = last_name, ""
    return get_user_model()(
        username=partner_username(contact.email or invitation.email),
        kind=AccountKind.PARTNER,
        external_contact=contact,
        municipality_id=contact.municipality_id,
        first_name=first_name[:150],
        last_name=last_name[:150],
        email=contact.email or invitation.email,
    )


def _locked_usable(token: str) -> PartnerInvitation:
    invitation = invitation_for_token(token, lock=True)
    problem = invitation_problem(invitation)
    if problem:
        raise InvitationUnusable(problem)
    return invitation


def _accept(invitation: PartnerInvitation, account) -> None:
    invitation.accepted_at, invitation.account = timezone.now(), account
    invitation.save(update_fields=["accepted_at", "account", "updated_at"])
    if invitation.is_meeting:
        from samspil.meetings.services_experts import expert_accepted_record

        expert_accepted_record(invitation=invitation, account=account)
        return
    if invitation.is_drop_in:
        event_record(
            actor=account,
            code="outreach.drop_in_accepted",
            municipality_id=invitation.municipality_id,
            data={"centre": invitation.centre.name},
        )
        return
    event_record(
        actor=account,
        code="partner.accepted",
        municipality_id=invitation.municipality_id,
        pathway=invitation.pathway,
        data={"name": invitation.external_contact.name, "partner_level": invitation.level},
    )


@transaction.atomic
def partner_invitation_accept_new(*, token: str, password: str):
    """Accept an invitation by creating the contact's partner account with `password` (Django's validators).

    Raises `InvitationUnusable` for a link that cannot be used, ValidationError for a refused password. The account
    logs in afterwards like any other (password, then two-factor authentication).
    """
    invitation = _locked_usable(token)
    if existing_account(invitation) is not None:
        raise InvitationUnusable("has_account")
    account = partner_account_candidate(invitation)
    validate_password(password, user=account)
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # the same contact accepted another invitation at the same moment
        raise InvitationUnusable("has_account") from None
    with context.bound(actor_id=account.pk, request_id=context.current().request_id):
        _accept(invitation, account)
    return account


@transaction.atomic
def partner_invitation_accept_existing(*, token: str, account) -> PartnerInvitation:
    """Accept an invitation as the contact's own partner account, logged in."""
    invitation = _locked_usable(token)
    if (
        not getattr(account, "is_partner_account", False)
        or account.external_contact_id != invitation.external_contact_id
        or account.municipality_id != invitation.municipality_id
    ):
        raise InvitationUnusable("other_account")
    _accept(invitation, account)
    return invitation


# --- the partner's own agreements -------------------------------------------------------------------------------


@transaction.atomic
def partner_agreement_complete(*, actor, pathway: Pathway, agreement_public_id, note: str, expected_version: int):
    """Mark one of the partner's own agreements done, with a follow-up note; the plan saves a new version.

    Needs write access in force (`partner_pathway_get(write=True)`, 404 otherwise) and an agreement owned by the
    partner's team place; a stale `expected_version` raises `ConflictError` and writes nothing.
    """
    from samspil.plans.choices import AgreementStatus
    from samspil.plans.models import Agreement
    from samspil.plans.services import plan_change_record
    from samspil.plans.snapshot import Changes

    # Lock the pathway's row first: it serialises the plan's version numbers (as the plan services do) and waits
    # for a coordinator ending the access at this moment; then the partner rule is asked again, inside the lock.
    Pathway.objects.select_for_update().filter(pk=pathway.pk).first()
    pathway = partner_pathway_get(user=actor, public_id=pathway.public_id, write=True)
    access = pathway.portal_access
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("goal__plan")
        .filter(pathway=pathway, public_id=agreement_public_id, owner=access.team_member)
        .first()
    )
    if agreement is None:
        raise Http404
    if agreement.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this agreement while you were working on it. Your note is kept in the form; "
                "see the agreement as it is now, and save again."
            )
        )
    if not agreement.is_open:
        raise ValidationError(
            _("The agreement is already marked “%(status)s”.") % {"status": agreement.get_status_display()}
        )
    from_status = agreement.status
    agreement.status = AgreementStatus.DONE
    agreement.follow_up_note = note.strip() or agreement.follow_up_note
    agreement.completed_on = timezone.localdate()
    agreement.version += 1
    agreement.save(update_fields=["status", "follow_up_note", "completed_on", "version", "updated_at"])
    plan_change_record(
        actor=actor,
        pathway=pathway,
        plan=agreement.goal.plan,
        code="agreement.status_changed",
        data={"what": str(agreement), "agreement_from": from_status, "agreement_to": agreement.status},
        changes=Changes(agreements=(agreement,)),
    )
    return agreement
