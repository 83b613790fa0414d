"""Writes for meetings: schedule, record as held, cancel, record a decision.

Each service checks CONTRIBUTE on the pathway inside its transaction (the coordinator and the team work in
meetings), validates, saves, and records the business event in the same transaction; the change log is
written automatically by the `ChangeLogged` models.
"""

import datetime
import uuid
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.meetings.choices import WITHOUT_CITIZEN, MeetingStatus, MeetingType
from samspil.meetings.models import ChecklistItem, Meeting, MeetingChecklistEntry, MeetingDecision, MeetingParticipant
from samspil.pathways.models import Pathway, TeamMember


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
    """Re-check the pathway inside the transaction, then lock the meeting row."""
    pathway = policy.require(actor, policy.CONTRIBUTE, meeting.pathway)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk, pathway=pathway)
    locked.pathway = pathway
    return locked


def _check_version(meeting: Meeting, expected_version: int) -> None:
    if meeting.version != expected_version:
        raise ConflictError(
            _(
                "Someone else saved this meeting while you were working on it. Nothing of yours was saved; "
                "your text is kept below. Compare it with what is saved now, then save again."
            )
        )


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    pathway: Pathway,
    meeting_type: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    location: str = "",
    online_link: str = "",
    invite_team_member_ids: Iterable[uuid.UUID] = (),
    invite_citizen: bool = True,
) -> Meeting:
    """Schedule a meeting, invite current team members (by public id) and the citizen or family, and copy the
    programme's checklist for the meeting type. An analysis meeting is held without the citizen or family."""
    pathway = policy.require(actor, policy.CONTRIBUTE, pathway)
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed."))
    if meeting_type not in MeetingType.values:
        raise ValidationError(_("Unknown meeting type."))
    if meeting_type in WITHOUT_CITIZEN and invite_citizen:
        raise ValidationError(_("An analysis meeting is held without the citizen and the family; do not invite them."))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("meeting times must be aware datetimes")
    if ends_at <= starts_at:
        raise ValidationError(_("The meeting must end after it starts."))
    location, online_link = location.strip(), online_link.strip()
    if not location and not online_link:
        raise ValidationError(_("Give the place of the meeting or a link to the online meeting."))
    wanted = {uuid.UUID(str(public_id)) for public_id in invite_team_member_ids}
    members = list(
        TeamMember.objects.current()
        .filter(pathway=pathway, public_id__in=wanted)
        .select_related("user", "external_contact")
    )
    if len(members) != len(wanted):
        raise ValidationError(_("Only current members of the team can be invited."))
    meeting = Meeting(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        meeting_type=meeting_type,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        online_link=online_link,
        scheduled_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    # One by one, not bulk_create: every row gets its change-log row on the pathway's record.
    for member in members:
        MeetingParticipant.objects.create(
            municipality_id=pathway.municipality_id, meeting=meeting, team_member=member, name=member.display_name
        )
    if invite_citizen:
        from samspil.pathways.selectors import subject_citizens

        for citizen in subject_citizens(pathway):
            MeetingParticipant.objects.create(
                municipality_id=pathway.municipality_id,
                meeting=meeting,
                is_citizen=True,
                citizen=citizen,
                name=citizen.full_name,
            )
    items = ChecklistItem.objects.filter(programme_id=pathway.programme_id, meeting_type=meeting_type, active=True)
    for item in items.order_by("position", "id"):
        MeetingChecklistEntry.objects.create(
            municipality_id=pathway.municipality_id, meeting=meeting, text=item.text, position=item.position
        )
    _event(actor=actor, code="meeting.scheduled", meeting=meeting)
    return meeting


def family_member_invitations_withdraw(*, pathway: Pathway, citizen, from_day: datetime.date) -> int:
    """A family member whose membership ended on `from_day` is no longer invited to the family's planned meetings that
    start on or after that day: their invitation is removed (the family's other members stay invited). Held and
    cancelled meetings, and meetings before that day, keep who was invited. Called by
    `citizens.services.household_member_end` inside its transaction (the coordinator's MANAGE already checked).
    Returns the number of invitations removed."""
    start = timezone.make_aware(datetime.datetime.combine(from_day, datetime.time.min))
    places = MeetingParticipant.objects.filter(
        municipality_id=pathway.municipality_id,
        meeting__pathway=pathway,
        meeting__status=MeetingStatus.PLANNED,
        meeting__starts_at__gte=start,
        is_citizen=True,
        citizen=citizen,
        attended__isnull=True,
    )
    removed = 0
    for place in places:  # one by one: each removal gets its change-log row on the pathway's record
        place.delete()
        removed += 1
    return removed


@transaction.atomic
def meeting_record(
    *,
    actor,
    meeting: Meeting,
    minutes: str,
    attendance: Iterable[uuid.UUID],
    checklist: Mapping[uuid.UUID, tuple[bool, str]],
    expected_version: int,
) -> Meeting:
    """Record a meeting as held: minutes, who attended (the public ids of the participants who came; everyone
    else did not), and the checklist (done and note per entry public id; entries left out are not done).

    A meeting saved by someone else since `expected_version` raises ConflictError and writes nothing.
    Recording a held meeting again updates its minutes, attendance and checklist.
    """
    meeting = _locked_meeting(actor=actor, meeting=meeting)
    _check_version(meeting, expected_version)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if not meeting.has_begun:
        raise ValidationError(_("A meeting can be recorded as held once it has begun."))
    attended = {uuid.UUID(str(public_id)) for public_id in attendance}
    checklist = {uuid.UUID(str(public_id)): value for public_id, value in checklist.items()}
    participants = list(meeting.participants.all())
    entries = list(meeting.checklist.all())
    unknown = (attended - {p.public_id for p in participants}) | (set(checklist) - {e.public_id for e in entries})
    if unknown:
        raise ValidationError(_("The form does not match the meeting any more. Reload the page."))
    for participant in participants:
        participant.meeting = meeting
        came = participant.public_id in attended
        if participant.attended != came:
            participant.attended = came
            participant.save(update_fields=["attended", "updated_at"])
    for entry in entries:
        entry.meeting = meeting
        done, note = checklist.get(entry.public_id, (False, entry.note))
        note = (note or "").strip()
        if (entry.done, entry.note) != (bool(done), note):
            entry.done, entry.note = bool(done), note
            entry.save(update_fields=["done", "note", "updated_at"])
    first_time = not meeting.is_held
    meeting.status = MeetingStatus.HELD
    meeting.minutes = minutes.strip()
    meeting.recorded_by = actor
    meeting.recorded_at = timezone.now()
    meeting.version += 1
    meeting.save(update_fields=["status", "minutes", "recorded_by", "recorded_at", "version", "updated_at"])
    _event(actor=actor, code="meeting.held" if first_time else "meeting.minutes_recorded", meeting=meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str, expected_version: int) -> Meeting:
    """Cancel a planned meeting, with the reason."""
    meeting = _locked_meeting(actor=actor, meeting=meeting)
    _check_version(meeting, expected_version)
    if not meeting.is_planned:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for cancelling the meeting."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.version += 1
    meeting.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
    _event(actor=actor, code="meeting.cancelled", meeting=meeting, reason=reason)
    from samspil.meetings.services_experts import experts_end_with_meeting

    experts_end_with_meeting(actor=actor, meeting=meeting)  # an outside expert's access ends with the meeting
    return meeting


@transaction.atomic
def meeting_decision_add(*, actor, meeting: Meeting, text: str) -> MeetingDecision:
    """Record a decision taken at the meeting."""
    meeting = _locked_meeting(actor=actor, meeting=meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the decision."))
    decision = MeetingDecision(municipality_id=meeting.municipality_id, meeting=meeting, text=text, decided_by=actor)
    decision.full_clean()
    decision.save()
    _event(actor=actor, code="meeting.decision_added", meeting=meeting)
    return decision


@transaction.atomic
def meeting_decision_agreement_add(
    *,
    actor,
    meeting: Meeting,
    goal,
    what: str,
    owner_kind: str,
    owner: TeamMember | None = None,
    due_on: datetime.date | None = None,
) -> MeetingDecision:
    """A decision that creates an agreement under a goal of the shared plan, in one transaction.

    The plan's own service writes the agreement (and its plan event naming the meeting); the decision
    records that the meeting made it.
    """
    from samspil.plans.services import agreement_create

    meeting = _locked_meeting(actor=actor, meeting=meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if goal.pathway_id != meeting.pathway_id:
        raise ValidationError(_("Choose a goal of this pathway's plan."))
    agreement = agreement_create(
        actor=actor, goal=goal, what=what, owner_kind=owner_kind, owner=owner, due_on=due_on, meeting=meeting
    )
    return _plan_decision(
        actor=actor,
        meeting=meeting,
        text=_("Agreement under the goal “%(goal)s”: %(what)s") % {"goal": goal.title, "what": agreement.what},
        goal=goal,
        agreement=agreement,
    )


def _meeting_for_plan_change(*, actor, meeting: Meeting, goal) -> Meeting:
    """The meeting, locked after the pathway's re-check, if a plan change may be decided there about `goal`."""
    meeting = _locked_meeting(actor=actor, meeting=meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("The meeting was cancelled."))
    if goal.pathway_id != meeting.pathway_id:
        raise ValidationError(_("Choose a goal of this pathway's plan."))
    return meeting


def _plan_decision(*, actor, meeting: Meeting, text: str, goal, agreement=None, follow_up=None) -> MeetingDecision:
    """Record the decision that made a plan change, linked to what it changed and to the version it saved.

    The plan service has just saved that version under the pathway's row lock, so it is the plan's latest: read
    from the end of the (municipality, plan, number) index, as the plan service finds it, not by sorting every
    version of the pathway.
    """
    from samspil.plans.models import PlanRevision

    revision = (
        PlanRevision.objects.filter(municipality_id=meeting.municipality_id, plan_id=goal.plan_id)
        .order_by("-number")
        .first()
    )
    decision = MeetingDecision(
        municipality_id=meeting.municipality_id,
        meeting=meeting,
        text=text,
        goal=goal,
        agreement=agreement,
        follow_up=follow_up,
        revision=revision,
        decided_by=actor,
    )
    decision.full_clean()
    decision.save()
    _event(actor=actor, code="meeting.decision_added", meeting=meeting)
    return decision


@transaction.atomic
def meeting_decision_follow_up_add(
    *,
    actor,
    meeting: Meeting,
    goal,
    result: str,
    assessed_on: datetime.date,
    note: str = "",
    internal_note: str = "",
) -> MeetingDecision:
    """A decision that records a follow-up of a goal (FSIII: continue, change, end, reassess) in the shared plan.

    The plan's own service writes the follow-up and the new plan version, with the same checks and event as on
    the plan page. A meeting held without the citizen (an analysis meeting) may only write an internal note:
    what is said there never reaches the citizen's version of the plan.
    """
    from samspil.plans.choices import FollowUpResult
    from samspil.plans.services import goal_follow_up

    meeting = _meeting_for_plan_change(actor=actor, meeting=meeting, goal=goal)
    if not meeting.includes_citizen and note.strip():
        raise ValidationError(
            _(
                "This meeting is held without the citizen and the family, so its notes are internal: write the "
                "note as an internal note."
            )
        )
    follow_up = goal_follow_up(
        actor=actor,
        goal=goal,
        result=result,
        assessed_on=assessed_on,
        note=note,
        internal_note=internal_note,
        meeting=meeting,
    )
    label = FollowUpResult(follow_up.result).label
    return _plan_decision(
        actor=actor,
        meeting=meeting,
        text=_("Follow-up of the goal “%(goal)s”: %(result)s") % {"goal": goal.title, "result": label},
        goal=goal,
        follow_up=follow_up,
    )


@transaction.atomic
def meeting_decision_goal_update(
    *, actor, meeting: Meeting, goal, expected_version: int, description: str, indicator: str, status: str
) -> MeetingDecision:
    """A decision that changes a goal's description, measurable target or status in the shared plan.

    The plan's own `goal_update` does the change, so the version check (a conflict raises ConflictError and
    writes nothing), the checks, the event and the new plan version are those of the plan page; the goal's
    other fields stay as they are saved. A decision that changes nothing is refused.
    """
    from samspil.plans.choices import GoalStatus
    from samspil.plans.models import Goal
    from samspil.plans.services import goal_update

    meeting = _meeting_for_plan_change(actor=actor, meeting=meeting, goal=goal)
    saved = (
        Goal.objects.select_for_update(of=("self",)).select_related("member", "responsible_department").get(pk=goal.pk)
    )
    before = (saved.description, saved.indicator, saved.status)
    updated = goal_update(
        actor=actor,
        goal=saved,
        expected_version=expected_version,
        life_area=saved.life_area,
        description=description,
        goal_type=saved.goal_type,
        indicator=indicator,
        horizon=saved.horizon,
        status=status,
        member=saved.member,
        responsible_department=saved.responsible_department,
        legal_basis=saved.legal_basis,
        meeting=meeting,
    )
    if updated.version == saved.version:
        raise ValidationError(_("Nothing in the goal was changed."))
    changes = []
    if updated.description != before[0]:
        changes.append(_("new description"))
    if updated.indicator != before[1]:
        changes.append(_("new measurable target"))
    if updated.status != before[2]:
        changes.append(_("status: %(status)s") % {"status": GoalStatus(updated.status).label})
    return _plan_decision(
        actor=actor,
        meeting=meeting,
        text=_("The goal “%(goal)s” was changed: %(changes)s") % {"goal": updated.title, "changes": ", ".join(changes)},
        goal=updated,
    )
