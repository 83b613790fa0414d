"""The one rule for outside experts at an analysis meeting: whose invitation gives access, to which meeting, until when.

An outside expert (`MeetingExpert`) is invited by the pathway's coordinator to one analysis meeting (*analysemøde*,
held without the citizen and the family): a staff member who is not on the pathway's team, or an external contact
person. The invitation gives **read-only** access to what the meeting needs — the meeting (time, place, checklist,
participants), the latest combined assessment report without internal notes, and the plan's goals without internal
notes — and nothing else of the pathway. It is in force

- from the moment it is made until the meeting ends (`Meeting.ends_at`: a meeting moved to a later time moves the
  end with it), and
- while the meeting is an analysis meeting that is not cancelled, the pathway is not closed, and the coordinator has
  not ended the invitation (`ended_at`);
- for a **staff** expert: while the account is an active staff account of the municipality
  (`policy.is_municipal_staff`);
- for an **external** expert: while the contact's partner account is active and has accepted the one-time link of the
  meeting's `partners.PartnerInvitation` (with `meeting`), which has not been ended.

Every page of an expert resolves its meeting through `staff_expert_get` / `partner_expert_get` here: 404 and an
`access.denied` event (on the pathway, when the meeting exists in the account's municipality) for anything else,
exactly like a meeting that does not exist. The pages (`meetings.views_experts`) write the access log.
The staff scopes (`Pathway.visible_to`) know nothing of experts: an invitation never opens the pathway's own pages.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from samspil.access import policy
from samspil.audit.choices import AccessVia
from samspil.audit.services import access_denied_record
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting, MeetingExpert
from samspil.pathways.choices import PathwayStatus


@dataclass(frozen=True)
class ExpertAccess:
    """An expert's read access to one meeting: the invitation, until when, and the access log's basis.

    Staff experts' reads are logged with the basis "time-limited grant" (the coordinator's time-limited, read-only
    permission), external experts' with "invited partner"; the log's "what was shown" says "analysis meeting expert".
    """

    expert: MeetingExpert
    until: object  # an aware datetime: when the meeting ends

    @property
    def via(self) -> str:
        return AccessVia.PARTNER if self.expert.is_external else AccessVia.GRANT

    may_write = False


def in_force_filter(now=None) -> Q:
    """`MeetingExpert` rows whose invitation is in force at `now` (both kinds; the partner's link is checked apart)."""
    now = now or timezone.now()
    return (
        Q(
            ended_at__isnull=True,
            created_at__lte=now,
            meeting__meeting_type=MeetingType.ANALYSIS,
            meeting__ends_at__gt=now,
        )
        & ~Q(meeting__status=MeetingStatus.CANCELLED)
        & ~Q(meeting__pathway__status=PathwayStatus.CLOSED)
    )


def _experts():
    return MeetingExpert.objects.select_related(
        "meeting__pathway__programme",
        "meeting__pathway__citizen",
        "meeting__pathway__household",
        "meeting__pathway__coordinator",
        "meeting__pathway__lead_department",
    )


def _accepted_link(user):
    """An accepted, not ended meeting invitation of the partner account for the expert's meeting and contact."""
    from samspil.partners.models import PartnerInvitation

    return PartnerInvitation.objects.filter(
        meeting_id=OuterRef("meeting_id"),
        external_contact_id=OuterRef("external_contact_id"),
        account=user,
        accepted_at__isnull=False,
        ended_at__isnull=True,
    )


def staff_experts(user):
    """The staff account's expert invitations in force (a queryset), soonest meeting first; none for anyone else."""
    if not policy.is_municipal_staff(user):
        return MeetingExpert.objects.none()
    return (
        _experts()
        .filter(in_force_filter(), municipality_id=user.municipality_id, user=user)
        .order_by("meeting__starts_at", "id")
    )


def partner_experts(user):
    """The partner account's expert invitations in force (a queryset), soonest meeting first; none for anyone else."""
    from samspil.portal.access import partner_contact_id

    contact_id = partner_contact_id(user)
    if contact_id is None:
        return MeetingExpert.objects.none()
    return (
        _experts()
        .filter(in_force_filter(), municipality_id=user.municipality_id, external_contact_id=contact_id)
        .filter(Exists(_accepted_link(user)))
        .order_by("meeting__starts_at", "id")
    )


def _get(*, user, experts, meeting_public_id, path: str) -> ExpertAccess:
    try:
        meeting_public_id = uuid.UUID(str(meeting_public_id))
    except ValueError:
        raise Http404 from None
    expert = experts.filter(meeting__public_id=meeting_public_id).first()
    if expert is not None:
        return ExpertAccess(expert=expert, until=expert.meeting.ends_at)
    meeting = None
    if getattr(user, "municipality_id", None):
        meeting = (
            Meeting.objects.filter(municipality_id=user.municipality_id, public_id=meeting_public_id)
            .select_related("pathway")
            .first()
        )
    access_denied_record(
        actor=user,
        path=path,
        pathway=meeting.pathway if meeting else None,
        municipality_id=getattr(user, "municipality_id", None),
    )
    raise Http404


def staff_expert_get(*, user, meeting_public_id, path: str = "") -> ExpertAccess:
    """The staff account's access to the meeting as an outside expert, or 404 (logged)."""
    return _get(user=user, experts=staff_experts(user), meeting_public_id=meeting_public_id, path=path)


def partner_expert_get(*, user, meeting_public_id, path: str = "") -> ExpertAccess:
    """The partner account's access to the meeting as an outside expert, or 404 (logged)."""
    return _get(user=user, experts=partner_experts(user), meeting_public_id=meeting_public_id, path=path)
