"""Writes of the core teams: the team and its members, the caseload (assigning and ending families) and the caseload
status meeting (schedule, record, cancel). Keyword-only, one transaction each, the access check first.

**Team places.** Only the pathway's coordinator changes its team (the access model's MANAGE), so only the coordinator
puts a family in a caseload: assigning it gives each current member of the team a team place on the pathway (a staff
`TeamMember` in the department the member represents), unless they already hold one. A member who joins later gets a
place at once only on the families whose pathway the actor who adds them coordinates; on every other family the
place is missing until the family's coordinator gives it (`case_places_add`, from the team page, which lists the
missing places), and an event on each such pathway says so. Access through a grant or break-glass never counts for
a write here. Whether a place opens anything is still decided by the one pathway rule (the
department must be covered: the coordinating department, a legal basis or a consent). The places the caseload
added are remembered on the assignment (`CoreTeamCase.places`): ending the assignment ends them, and a member who
leaves the team loses the places the caseload gave them. A place the member held before (or the coordinator's)
is never touched.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.coreteams import access
from samspil.coreteams.choices import Attendance, CaseloadMeetingStatus
from samspil.coreteams.models import (
    CaseloadAttendance,
    CaseloadItem,
    CaseloadMeeting,
    CoreTeam,
    CoreTeamCase,
    CoreTeamMember,
)
from samspil.coreteams.selectors import caseload_changes, meeting_members, previous_held
from samspil.organisations.models import Membership
from samspil.pathways.choices import PathwayStatus, TeamMemberKind, TeamRole
from samspil.pathways.models import Pathway, TeamMember


def _conflict() -> ConflictError:
    return ConflictError(_("Someone else saved a change in the meantime. The page shows what is saved now; try again."))


def _lock_team(actor, team: CoreTeam, action: str) -> CoreTeam:
    """The team locked for this transaction, if the actor may `action` it (else PermissionDenied, nothing saved)."""
    if not access.teams_of(actor, action).filter(pk=team.pk).exists():
        raise PermissionDenied
    return CoreTeam.objects.select_for_update().get(pk=team.pk)


def _may(actor, team: CoreTeam, action: str) -> bool:
    return access.teams_of(actor, action).filter(pk=team.pk).exists()


def _check_staff(*, municipality_id: int, user, department=None, message: str) -> None:
    memberships = Membership.objects.current().filter(user=user, municipality_id=municipality_id)
    if department is not None:
        memberships = memberships.filter(department=department)
    if user is None or not user.is_active or not memberships.exists():
        raise ValidationError(message)


# --- the team -------------------------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, programme, name: str, leader, cadence_days: int, location: str = "") -> CoreTeam:
    """A new core team of a programme: the municipality's project leaders."""
    if not policy.can_run_programmes(actor) or programme.municipality_id != actor.municipality_id:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    _check_staff(
        municipality_id=actor.municipality_id,
        user=leader,
        message=_("The team leader must be a current staff member of the municipality."),
    )
    if cadence_days < 1:
        raise ValidationError({"cadence_days": _("The cadence must be at least one day.")})
    if CoreTeam.objects.filter(municipality_id=actor.municipality_id, programme=programme, name__iexact=name).exists():
        raise ValidationError({"name": _("The programme already has a core team of that name.")})
    team = CoreTeam.objects.create(
        municipality_id=actor.municipality_id,
        programme=programme,
        name=name,
        leader=leader,
        status_meeting_cadence_days=cadence_days,
        location=location.strip(),
    )
    event_record(
        actor=actor,
        code="coreteam.created",
        municipality_id=team.municipality_id,
        data={"team": team.name, "programme": programme.name},
    )
    return team


@transaction.atomic
def team_update(
    *, actor, team: CoreTeam, expected_version: int, name: str, leader, cadence_days: int, location: str, active: bool
) -> CoreTeam:
    team = _lock_team(actor, team, policy.MANAGE)
    if team.version != expected_version:
        raise _conflict()
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    if leader.pk != team.leader_id:
        _check_staff(
            municipality_id=team.municipality_id,
            user=leader,
            message=_("The team leader must be a current staff member of the municipality."),
        )
    if cadence_days < 1:
        raise ValidationError({"cadence_days": _("The cadence must be at least one day.")})
    duplicate = CoreTeam.objects.filter(
        municipality_id=team.municipality_id, programme_id=team.programme_id, name__iexact=name
    ).exclude(pk=team.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("The programme already has a core team of that name.")})
    if not active and CoreTeamCase.objects.current().filter(team=team).exists():
        raise ValidationError(_("End the families' assignments before the team is made inactive."))
    team.name, team.leader, team.status_meeting_cadence_days = name, leader, cadence_days
    team.location, team.active, team.version = location.strip(), active, team.version + 1
    team.save()
    event_record(
        actor=actor,
        code="coreteam.changed",
        municipality_id=team.municipality_id,
        data={"team": team.name, "programme": team.programme.name},
    )
    return team


# --- team places on the pathways --------------------------------------------------------------------------------


def _add_place(*, actor, case: CoreTeamCase, member: CoreTeamMember, on: datetime.date) -> None:
    """Give the member a team place on the case's pathway (if they hold none), remembered on the case."""
    pathway = case.pathway
    if TeamMember.objects.current(on).filter(pathway=pathway, user_id=member.user_id).exists():
        return
    if not Membership.objects.current().filter(user_id=member.user_id, department_id=member.department_id).exists():
        return  # no longer in the department: a place would open nothing and misstate who represents it
    place = TeamMember(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        kind=TeamMemberKind.STAFF,
        role=TeamRole.PROFESSIONAL,
        user_id=member.user_id,
        department_id=member.department_id,
        active_from=on,
    )
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:
        return  # a place was added in the meantime
    case.places.add(place)
    event_record(
        actor=actor,
        code="team.member_added",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"name": place.display_name, "role": place.role},
    )


def _end_places(*, actor, places, on: datetime.date, reason: str) -> None:
    for place in places:
        place = TeamMember.objects.select_for_update().select_related("pathway").get(pk=place.pk)
        if place.active_to is not None and place.active_to <= on:
            continue
        if place.user_id == place.pathway.coordinator_id:
            continue  # the coordinator stays on the team until coordination is handed over
        place.active_to = max(on, place.active_from)
        place.end_reason = reason[:200]
        place.save(update_fields=["active_to", "end_reason", "updated_at"])
        event_record(
            actor=actor,
            code="team.member_ended",
            municipality_id=place.municipality_id,
            pathway=place.pathway,
            data={"name": place.display_name, "reason": place.end_reason},
        )


# --- members --------------------------------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *, actor, team: CoreTeam, user, department, profession: str = "", active_from: datetime.date | None = None
) -> CoreTeamMember:
    team = _lock_team(actor, team, policy.MANAGE)
    today = timezone.localdate()
    active_from = active_from or today
    if active_from > today:
        raise ValidationError({"active_from": _("A member is added from today or an earlier day.")})
    _check_staff(
        municipality_id=team.municipality_id,
        user=user,
        department=department,
        message=_("%(name)s does not work in %(department)s.") % {"name": user, "department": department},
    )
    if CoreTeamMember.objects.filter(team=team, user=user, active_to__isnull=True).exists():
        raise ValidationError({"user": _("%(name)s is already on the core team.") % {"name": user.get_full_name()}})
    member = CoreTeamMember.objects.create(
        municipality_id=team.municipality_id,
        team=team,
        user=user,
        department=department,
        profession=profession.strip(),
        active_from=active_from,
    )
    cases = [
        case
        for case in CoreTeamCase.objects.current(today).filter(team=team).select_related("pathway")
        if case.pathway.status != PathwayStatus.CLOSED
    ]
    coordinated = _coordinated_ids(actor, [case.pathway_id for case in cases])
    for case in cases:
        if case.pathway_id in coordinated:
            _add_place(actor=actor, case=case, member=member, on=today)
        elif not TeamMember.objects.current(today).filter(pathway=case.pathway, user_id=user.pk).exists():
            event_record(
                actor=actor,
                code="coreteam.place_missing",
                municipality_id=team.municipality_id,
                pathway=case.pathway,
                data={"name": user.get_full_name(), "team": team.name},
            )
    event_record(
        actor=actor,
        code="coreteam.member_added",
        municipality_id=team.municipality_id,
        data={"name": user.get_full_name(), "team": team.name},
    )
    return member


@transaction.atomic
def member_end(*, actor, member: CoreTeamMember, active_to: datetime.date | None = None) -> CoreTeamMember:
    team = _lock_team(actor, member.team, policy.MANAGE)
    member = CoreTeamMember.objects.select_for_update().get(pk=member.pk, team=team)
    active_to = active_to or timezone.localdate()
    if member.active_to is not None:
        raise ValidationError(_("%(name)s has already left the core team.") % {"name": member.user.get_full_name()})
    if active_to < member.active_from:
        raise ValidationError({"active_to": _("The end date is before the start date.")})
    member.active_to = active_to
    member.save(update_fields=["active_to", "updated_at"])
    places = TeamMember.objects.filter(
        pk__in=CoreTeamCase.places.through.objects.filter(coreteamcase__team=team).values("teammember_id"),
        user_id=member.user_id,
        active_to__isnull=True,
    )
    _end_places(
        actor=actor, places=list(places), on=active_to, reason=_("Left the core team %(team)s") % {"team": team.name}
    )
    event_record(
        actor=actor,
        code="coreteam.member_ended",
        municipality_id=team.municipality_id,
        data={"name": member.user.get_full_name(), "team": team.name},
    )
    return member


# --- the caseload ---------------------------------------------------------------------------------------------------


def _coordinated_ids(actor, pathway_ids) -> set[int]:
    """The pathways among `pathway_ids` the actor may MANAGE (coordinates): the only ones whose team they change."""
    if not pathway_ids:
        return set()
    return set(Pathway.objects.visible_to(actor, policy.MANAGE).filter(pk__in=pathway_ids).values_list("pk", flat=True))


def _pathway_for_case(actor, team: CoreTeam, pathway: Pathway, *, ending: bool = False) -> Pathway:
    """The pathway locked, if the actor may put it in (or take it out of) the team's caseload.

    Putting a family in gives the members team places, so it is the coordinator's (MANAGE on the pathway) who is a
    member, the leader or a manager of the team. Taking it out only ends the places the caseload gave: the
    coordinator, or a manager of the team who works in the pathway themselves (CONTRIBUTE: coordinator or a covered
    team place). A grant or break-glass opening never suffices.
    """
    on_team = _may(actor, team, policy.MANAGE) or _may(actor, team, policy.CONTRIBUTE)
    if not on_team:
        raise PermissionDenied
    if ending and _may(actor, team, policy.MANAGE):
        return policy.require(actor, policy.CONTRIBUTE, pathway)
    return policy.require(actor, policy.MANAGE, pathway)


@transaction.atomic
def case_assign(*, actor, team: CoreTeam, pathway: Pathway, assigned_from: datetime.date | None = None) -> CoreTeamCase:
    team = CoreTeam.objects.select_for_update().get(pk=team.pk)
    pathway = _pathway_for_case(actor, team, pathway)
    today = timezone.localdate()
    assigned_from = assigned_from or today
    if not team.active:
        raise ValidationError(_("The core team is not active."))
    if pathway.programme_id != team.programme_id:
        raise ValidationError({"pathway": _("The pathway belongs to another programme than the core team.")})
    if pathway.status == PathwayStatus.CLOSED:
        raise ValidationError({"pathway": _("The pathway is closed.")})
    if assigned_from > today:
        raise ValidationError({"assigned_from": _("A family is assigned from today or an earlier day.")})
    existing = CoreTeamCase.objects.filter(pathway=pathway, assigned_to__isnull=True).select_related("team").first()
    if existing is not None:
        raise ValidationError(
            {"pathway": _("The family is already in the caseload of %(team)s.") % {"team": existing.team.name}}
        )
    try:
        with transaction.atomic():
            case = CoreTeamCase.objects.create(
                municipality_id=team.municipality_id,
                team=team,
                pathway=pathway,
                assigned_from=assigned_from,
                assigned_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"pathway": _("The family is already in a core team's caseload.")}) from None
    for member in CoreTeamMember.objects.current(today).filter(team=team):
        _add_place(actor=actor, case=case, member=member, on=today)
    event_record(
        actor=actor,
        code="coreteam.case_assigned",
        municipality_id=team.municipality_id,
        pathway=pathway,
        data={"team": team.name},
    )
    return case


@transaction.atomic
def case_end(*, actor, case: CoreTeamCase, assigned_to: datetime.date | None = None) -> CoreTeamCase:
    team = CoreTeam.objects.select_for_update().get(pk=case.team_id)
    pathway = _pathway_for_case(actor, team, case.pathway, ending=True)
    case = CoreTeamCase.objects.select_for_update().get(pk=case.pk, team=team)
    assigned_to = assigned_to or timezone.localdate()
    if case.assigned_to is not None:
        raise ValidationError(_("The family has already left the caseload."))
    if assigned_to < case.assigned_from:
        raise ValidationError({"assigned_to": _("The end date is before the start date.")})
    case.assigned_to = assigned_to
    case.save(update_fields=["assigned_to", "updated_at"])
    _end_places(
        actor=actor,
        places=list(case.places.all()),
        on=assigned_to,
        reason=_("The family left the caseload of %(team)s") % {"team": team.name},
    )
    event_record(
        actor=actor,
        code="coreteam.case_ended",
        municipality_id=team.municipality_id,
        pathway=pathway,
        data={"team": team.name},
    )
    return case


@transaction.atomic
def case_places_add(*, actor, case: CoreTeamCase) -> int:
    """The coordinator gives the current members of the team the team places they lack on the family's pathway (a
    member who joined after the family was assigned, added by someone else). Returns how many places were given."""
    team = CoreTeam.objects.select_for_update().get(pk=case.team_id)
    _pathway_for_case(actor, team, case.pathway)
    today = timezone.localdate()
    case = CoreTeamCase.objects.select_for_update().select_related("pathway").get(pk=case.pk, team=team)
    if case.assigned_to is not None and case.assigned_to < today:
        raise ValidationError(_("The family has already left the caseload."))
    if case.pathway.status == PathwayStatus.CLOSED:
        raise ValidationError(_("The pathway is closed."))
    before = case.places.count()
    for member in CoreTeamMember.objects.current(today).filter(team=team):
        _add_place(actor=actor, case=case, member=member, on=today)
    return case.places.count() - before


# --- the caseload status meeting ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *, actor, team: CoreTeam, starts_at: datetime.datetime, ends_at: datetime.datetime, location: str
) -> CaseloadMeeting:
    team = _lock_team(actor, team, policy.MANAGE)
    if not team.active:
        raise ValidationError(_("The core team is not active."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})
    location = location.strip() or team.location
    if not location:
        raise ValidationError(
            {"location": _("Give the place: the caseload status meeting is held as a physical meeting.")}
        )
    meeting = CaseloadMeeting.objects.create(
        municipality_id=team.municipality_id,
        team=team,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        scheduled_by=actor,
    )
    event_record(
        actor=actor,
        code="coreteam.meeting_scheduled",
        municipality_id=team.municipality_id,
        data={"team": team.name, "when": timezone.localtime(starts_at).strftime("%d.%m.%Y %H:%M")},
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: CaseloadMeeting, reason: str) -> CaseloadMeeting:
    team = _lock_team(actor, meeting.team, policy.MANAGE)
    meeting = CaseloadMeeting.objects.select_for_update().get(pk=meeting.pk, team=team)
    if meeting.status != CaseloadMeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    meeting.status, meeting.cancel_reason = CaseloadMeetingStatus.CANCELLED, reason.strip()[:300]
    meeting.version += 1
    meeting.save()
    event_record(
        actor=actor,
        code="coreteam.meeting_cancelled",
        municipality_id=team.municipality_id,
        data={"team": team.name, "when": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")},
    )
    return meeting


@transaction.atomic
def meeting_record(
    *,
    actor,
    meeting: CaseloadMeeting,
    expected_version: int,
    attendance: dict[int, str],
    minutes: str | None,
    decisions: dict[int, tuple[str, bool]],
) -> CaseloadMeeting:
    """Record the caseload status meeting: attendance of every member (by member id), the minutes, and per family
    (by pathway id) the decision and whether the plan is to be revised.

    The first recording fixes the families: every family with a change since the previous held meeting, with the
    changes frozen on its item. It may be recorded again (the meeting's version checked); each new or changed
    decision is an event on the family's pathway, so it shows on the timeline. A decision can be written only for a
    family the actor works in (CONTRIBUTE: coordinator or a covered team place; the families the team page names).

    The minutes are free text about the whole meeting, so they are written (and read) only by someone who sees every
    family on it; `minutes=None` leaves them as they are (the form of a member who does not see them all).
    """
    team = _lock_team(actor, meeting.team, policy.CONTRIBUTE)
    meeting = CaseloadMeeting.objects.select_for_update().get(pk=meeting.pk, team=team)
    if meeting.version != expected_version:
        raise _conflict()
    if meeting.status == CaseloadMeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting was cancelled."))
    now = timezone.now()
    if meeting.starts_at > now:
        raise ValidationError(_("The meeting can be recorded once it has begun."))
    members = meeting_members(meeting)
    missing = [m for m in members if attendance.get(m.pk) not in Attendance.values]
    if missing:
        raise ValidationError(
            _("Record the attendance of every member: %(names)s.")
            % {"names": ", ".join(m.user.get_full_name() for m in missing)}
        )
    first = meeting.status == CaseloadMeetingStatus.PLANNED
    if first:
        previous = previous_held(meeting)
        meeting.changes_since = previous.starts_at if previous else None
        day = max(timezone.localdate(), timezone.localtime(meeting.starts_at).date())
        for row in caseload_changes(team, meeting.changes_since, day):
            CaseloadItem.objects.create(
                municipality_id=team.municipality_id, meeting=meeting, pathway=row.pathway, changes=row.changes
            )
    items = {item.pathway_id: item for item in meeting.items.select_for_update().select_related("pathway")}
    unknown = set(decisions) - set(items)
    if unknown:
        raise ValidationError(_("A decision was given for a family that is not on the meeting's list."))
    visible = set(
        Pathway.objects.visible_to(actor, policy.CONTRIBUTE).filter(pk__in=list(items)).values_list("pk", flat=True)
    )
    if minutes is not None and minutes.strip() != meeting.minutes and set(items) - visible:
        raise ValidationError(_("Only a member who may see every family on the meeting writes the minutes."))
    stamp = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")
    for pathway_id, (text, revise) in decisions.items():
        item = items[pathway_id]
        text = text.strip()
        if text == item.decision and revise == item.plan_to_be_revised:
            continue
        if pathway_id not in visible:
            raise ValidationError(_("A decision was given for a family you may not see."))
        item.decision, item.plan_to_be_revised, item.decided_by = text, revise, actor
        item.version += 1
        item.save()
        if text or revise:
            event_record(
                actor=actor,
                code="coreteam.decision_revise" if revise else "coreteam.decision",
                municipality_id=team.municipality_id,
                pathway=item.pathway,
                data={"team": team.name, "date": stamp, "decision": text or "–"},
            )
    for member in members:
        row, _created = CaseloadAttendance.objects.get_or_create(
            meeting=meeting, member=member, defaults={"municipality_id": team.municipality_id}
        )
        if row.attendance != attendance[member.pk]:
            row.attendance = attendance[member.pk]
            row.save()
    if minutes is not None:
        meeting.minutes = minutes.strip()
    meeting.status = CaseloadMeetingStatus.HELD
    meeting.recorded_by, meeting.recorded_at = actor, now
    meeting.version += 1
    meeting.save()
    event_record(
        actor=actor,
        code="coreteam.meeting_recorded",
        municipality_id=team.municipality_id,
        data={"team": team.name, "when": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")},
    )
    return meeting
