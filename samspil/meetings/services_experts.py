"""Writes for outside experts at an analysis meeting: invite, end, and what cancelling and accepting do to them.

The coordinator (MANAGE on the pathway, checked inside the transaction like every pathway service) invites a staff
member who is not on the pathway's team, or an external contact person, to one analysis meeting that is planned and
not over, with the reason or expertise. The expert becomes a participant of the meeting (attendance is recorded with
the others'). A staff expert is told by e-mail with the link to the meeting's expert page; an external expert gets
the partners' one-time link (`partners.services.invitation_send` with `meeting`), accepted as every partner
invitation. The access is the rule in `meetings.experts`; it ends by itself when the meeting ends, and at once when
the coordinator ends it or cancels the meeting. Each write records its event in the same transaction; the change log
is written by the models.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.meetings.choices import MeetingType
from samspil.meetings.models import Meeting, MeetingExpert, MeetingParticipant
from samspil.pathways.models import TeamMember

EXPERTISE_MAX = 300


def _when(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")


def _event(*, actor, code: str, meeting: Meeting, **data) -> None:
    event_record(
        actor=actor,
        code=code,
        municipality_id=meeting.municipality_id,
        pathway=meeting.pathway,
        data={"meeting_type": meeting.meeting_type, "when": _when(meeting), **data},
    )


def _locked_meeting(*, actor, meeting: Meeting) -> Meeting:
    pathway = policy.require(actor, policy.MANAGE, meeting.pathway)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk, pathway=pathway)
    locked.pathway = pathway
    return locked


def expert_invitable_check(meeting: Meeting) -> None:
    """A ValidationError unless outside experts can be invited to the meeting: an analysis meeting of an open
    pathway, planned and not over."""
    if not meeting.pathway.is_open:
        raise ValidationError(_("The pathway is closed."))
    if meeting.meeting_type != MeetingType.ANALYSIS:
        raise ValidationError(_("Outside experts can be invited to an analysis meeting only."))
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if not meeting.is_planned or meeting.ends_at <= timezone.now():
        raise ValidationError(_("The meeting is over: outside experts can be invited to a coming meeting only."))


def _staff_expert(*, pathway, user):
    """The staff member, checked: an active staff account of the municipality who is not the coordinator and holds no
    current place on the team (they see the pathway through the team already)."""
    User = get_user_model()
    user = User.objects.filter(pk=user.pk, municipality_id=pathway.municipality_id).first()
    if user is None or not policy.is_municipal_staff(user):
        raise ValidationError(_("Choose a staff member of the municipality."))
    if user.pk == pathway.coordinator_id or TeamMember.objects.current().filter(pathway=pathway, user=user).exists():
        raise ValidationError(
            _("%(name)s is on the pathway's team and is invited to its meetings as a team member.")
            % {"name": user.get_full_name()}
        )
    return user


def _external_expert(*, pathway, contact):
    """The external contact person, checked: of the municipality, with an e-mail address and no closed account, and
    not on the team."""
    from samspil.organisations.models import ExternalContact
    from samspil.partners.services import contact_invitable_check

    contact = (
        ExternalContact.objects.filter(pk=contact.pk, municipality_id=pathway.municipality_id)
        .select_related("organisation")
        .first()
    )
    if contact is None:
        raise ValidationError(_("Choose an external contact person."))
    if TeamMember.objects.current().filter(pathway=pathway, external_contact=contact).exists():
        raise ValidationError(
            _("%(name)s is on the pathway's team and is invited to its meetings as a team member.")
            % {"name": contact.name}
        )
    contact_invitable_check(contact)
    return contact


def _staff_organisation(user) -> str:
    from samspil.organisations.models import Membership

    names = (
        Membership.objects.current()
        .filter(user=user)
        .select_related("department")
        .order_by("department__name")
        .values_list("department__name", flat=True)
    )
    return ", ".join(dict.fromkeys(names))[:200]


@transaction.atomic
def expert_invite(*, actor, meeting: Meeting, expertise: str, user=None, external_contact=None) -> MeetingExpert:
    """Invite an outside expert (a staff member not on the team, or an external contact) to one analysis meeting,
    with the reason or expertise; read-only access to what the meeting needs until the meeting ends."""
    meeting = _locked_meeting(actor=actor, meeting=meeting)
    pathway = meeting.pathway
    expert_invitable_check(meeting)
    if (user is None) == (external_contact is None):
        raise ValidationError(_("Choose either a staff member or an external contact person."))
    expertise = (expertise or "").strip()
    if not expertise:
        raise ValidationError(_("Write why the expert is invited: their expertise or the question for them."))
    if len(expertise) > EXPERTISE_MAX:
        raise ValidationError(_("Write the reason in at most %(max)d characters.") % {"max": EXPERTISE_MAX})
    live = MeetingExpert.objects.select_for_update().filter(meeting=meeting, ended_at__isnull=True)
    if user is not None:
        user = _staff_expert(pathway=pathway, user=user)
        if live.filter(user=user).exists():
            raise ValidationError(_("%(name)s is already invited to the meeting.") % {"name": user.get_full_name()})
        name, organisation = user.get_full_name() or user.username, _staff_organisation(user)
    else:
        external_contact = _external_expert(pathway=pathway, contact=external_contact)
        if live.filter(external_contact=external_contact).exists():
            raise ValidationError(_("%(name)s is already invited to the meeting.") % {"name": external_contact.name})
        name = external_contact.name
        organisation = external_contact.organisation.name if external_contact.organisation_id else ""
    expert = MeetingExpert(
        municipality_id=meeting.municipality_id,
        meeting=meeting,
        user=user,
        external_contact=external_contact,
        name=name[:160],
        organisation=organisation,
        expertise=expertise,
        invited_by=actor,
    )
    expert.full_clean()
    expert.save()
    # An expert invited again after an ended invitation keeps the one participant row, now on the new invitation.
    earlier = (
        MeetingParticipant.objects.select_for_update()
        .filter(meeting=meeting, expert__user=user, expert__external_contact=external_contact)
        .first()
    )
    if earlier is not None:
        earlier.expert = expert
        earlier.save(update_fields=["expert", "updated_at"])
    else:
        MeetingParticipant.objects.create(
            municipality_id=meeting.municipality_id, meeting=meeting, expert=expert, name=name
        )
    if external_contact is not None:
        from samspil.partners.choices import PartnerLevel
        from samspil.partners.models import PartnerInvitation
        from samspil.partners.services import invitation_end, invitation_send

        for old in PartnerInvitation.objects.select_for_update().filter(
            meeting=meeting, external_contact=external_contact, ended_at__isnull=True
        ):
            invitation_end(old, actor=actor, reason=_("Replaced by a new invitation."), at=timezone.now())
        invitation_send(
            actor=actor,
            contact=external_contact,
            level=PartnerLevel.READ,
            pathway=pathway,
            meeting=meeting,
            news="expert_invitation",
        )
    else:
        from samspil.portal.notify import notify

        link = settings.SAMSPIL_BASE_URL + reverse("meeting_experts:meeting", args=[meeting.public_id])
        notify(email=user.email, news="expert_invitation", link=link)
    _event(actor=actor, code="meeting.expert_invited", meeting=meeting, name=name, expertise=expertise)
    return expert


def _end(expert: MeetingExpert, *, actor, reason: str, at) -> None:
    """End an expert's invitation (locked by the caller) and the partner link that goes with it."""
    from samspil.partners.models import PartnerInvitation
    from samspil.partners.services import invitation_end

    expert.ended_at, expert.ended_by, expert.end_reason = at, actor, reason[:200]
    expert.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
    if expert.external_contact_id:
        for invitation in PartnerInvitation.objects.select_for_update().filter(
            meeting_id=expert.meeting_id, external_contact_id=expert.external_contact_id, ended_at__isnull=True
        ):
            invitation_end(invitation, actor=actor, reason=reason, at=at)


@transaction.atomic
def expert_end(*, actor, expert: MeetingExpert, reason: str = "") -> MeetingExpert:
    """End an outside expert's access before the meeting ends (the expert's next request gets 404)."""
    meeting = _locked_meeting(actor=actor, meeting=expert.meeting)
    expert = MeetingExpert.objects.select_for_update().filter(pk=expert.pk, meeting=meeting).first()
    if expert is None:
        raise ValidationError(_("The expert is not invited to this meeting."))
    expert.meeting = meeting
    if expert.ended_at is not None:
        raise ValidationError(_("The expert's access has already ended."))
    if meeting.ends_at <= timezone.now():
        raise ValidationError(_("The meeting is over, and the expert's access ended with it."))
    reason = (reason or "").strip()
    _end(expert, actor=actor, reason=reason, at=timezone.now())
    _event(actor=actor, code="meeting.expert_ended", meeting=meeting, name=expert.name, reason=reason or "–")
    return expert


def experts_end_with_meeting(*, actor, meeting: Meeting) -> None:
    """Cancelling a meeting ends its experts' invitations (`meetings.services.meeting_cancel` calls this inside its
    transaction, after the meeting is saved)."""
    reason = _("The meeting was cancelled.")
    now = timezone.now()
    for expert in MeetingExpert.objects.select_for_update().filter(meeting=meeting, ended_at__isnull=True):
        expert.meeting = meeting
        _end(expert, actor=actor, reason=reason, at=now)
        _event(actor=actor, code="meeting.expert_ended", meeting=meeting, name=expert.name, reason=reason)


def expert_accepted_record(*, invitation, account) -> None:
    """The external expert accepted the one-time link (`partners.services`, inside its transaction): the event on
    the pathway's timeline."""
    meeting = Meeting.objects.select_related("pathway").get(pk=invitation.meeting_id)
    _event(actor=account, code="meeting.expert_accepted", meeting=meeting)
