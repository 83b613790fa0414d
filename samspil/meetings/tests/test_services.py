"""Meeting services: what they write, the events and change log, and what they refuse."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.audit.models import ChangeLogEntry
from samspil.core.exceptions import ConflictError
from samspil.meetings import services
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting, MeetingParticipant
from samspil.pathways.models import Programme
from samspil.pathways.programmes import checklist_seed, programmes_seed
from tests import factories as f
from tests.audit_asserts import assert_change, assert_event, audit_counts

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 13, minute: int = 30) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def schedule(world, actor=None, **overrides):
    values = {
        "actor": actor or world.coordinator,
        "pathway": world.pathway,
        "meeting_type": MeetingType.STATUS,
        "starts_at": at(3),
        "ends_at": at(3, 15),
        "location": "Rådhuset",
        "online_link": "",
        "invite_team_member_ids": [world.colleague_place.public_id],
        "invite_citizen": True,
    }
    return services.meeting_schedule(**{**values, **overrides})


def test_schedule_invites_and_copies_the_checklist(world, request_id):
    f.ChecklistItemFactory(programme=world.programme, meeting_type="status", text="Målene er gennemgået", position=2)
    f.ChecklistItemFactory(programme=world.programme, meeting_type="status", text="Ønsker drøftet", position=1)
    f.ChecklistItemFactory(programme=world.programme, meeting_type="status", text="Gammelt punkt", active=False)
    f.ChecklistItemFactory(programme=world.programme, meeting_type="start", text="Kun til startmøder")
    with request_id(world.coordinator, "schedule-1"):
        meeting = schedule(world)
    assert meeting.status == MeetingStatus.PLANNED and meeting.version == 1
    names = {p.name for p in meeting.participants.all()}
    assert names == {world.colleague_place.display_name, world.citizen.full_name}
    assert [e.text for e in meeting.checklist.all()] == ["Ønsker drøftet", "Målene er gennemgået"]
    assert_event("meeting.scheduled", actor=world.coordinator, request_id="schedule-1", pathway=world.pathway)
    row = assert_change(meeting, ChangeLogEntry.Action.CREATE, actor=world.coordinator, request_id="schedule-1")
    assert row.pathway == world.pathway
    participant = meeting.participants.get(is_citizen=True)
    assert assert_change(participant, "create", actor=world.coordinator, request_id="schedule-1").pathway_id == (
        world.pathway.pk
    )


def test_an_analysis_meeting_refuses_the_citizen(world):
    before = audit_counts()
    with pytest.raises(ValidationError, match="uden borgeren"):
        schedule(world, meeting_type=MeetingType.ANALYSIS, invite_citizen=True)
    assert audit_counts() == before and not Meeting.objects.exists()
    meeting = schedule(world, meeting_type=MeetingType.ANALYSIS, invite_citizen=False)
    assert not meeting.participants.filter(is_citizen=True).exists()


def test_a_family_meeting_invites_every_family_member(world):
    household = f.make_family(world.municipality, adults=2, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    meeting = services.meeting_schedule(
        actor=world.coordinator,
        pathway=pathway,
        meeting_type=MeetingType.START,
        starts_at=at(1),
        ends_at=at(1, 15),
        location="Hjemme hos familien",
        invite_team_member_ids=[],
        invite_citizen=True,
    )
    assert meeting.participants.filter(is_citizen=True).count() == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": at(3, 13)}, "slutte, efter"),
        ({"location": " ", "online_link": ""}, "mødestedet"),
        ({"meeting_type": "party"}, "Ukendt"),
    ],
)
def test_schedule_refuses_bad_input(world, overrides, message):
    with pytest.raises(ValidationError, match=message):
        schedule(world, **overrides)
    assert not Meeting.objects.exists()


def test_only_current_team_members_can_be_invited(world):
    other = f.TeamMemberFactory()  # on another pathway (another municipality)
    with pytest.raises(ValidationError, match="nuværende medlemmer"):
        schedule(world, invite_team_member_ids=[other.public_id])
    assert not Meeting.objects.exists()


def test_team_members_may_schedule_and_others_may_not(world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    assert schedule(world, actor=world.jobworker).scheduled_by == world.jobworker
    with pytest.raises(Http404):
        schedule(world, actor=world.outsider)
    grantee = f.make_staff(world.health)
    f.AccessGrantFactory(pathway=world.pathway, user=grantee)
    with pytest.raises(PermissionDenied):  # a grant reads, it does not contribute
        schedule(world, actor=grantee)


def recorded(world, meeting, **overrides):
    values = {
        "actor": world.coordinator,
        "meeting": meeting,
        "minutes": "Vi talte om praktik.",
        "attendance": [p.public_id for p in meeting.participants.all()],
        "checklist": {e.public_id: (True, "ok") for e in meeting.checklist.all()},
        "expected_version": meeting.version,
    }
    return services.meeting_record(**{**values, **overrides})


def past_meeting(world, **kwargs):
    meeting = schedule(world, starts_at=at(-1), ends_at=at(-1, 15), **kwargs)
    return meeting


def test_record_marks_held_with_attendance_and_checklist(world, request_id):
    f.ChecklistItemFactory(programme=world.programme, meeting_type="status", text="Mål gennemgået")
    f.ChecklistItemFactory(programme=world.programme, meeting_type="status", text="Næste møde aftalt")
    meeting = past_meeting(world)
    first, second = meeting.checklist.all()
    citizen = meeting.participants.get(is_citizen=True)
    with request_id(world.colleague, "record-1"):
        meeting = recorded(
            world,
            meeting,
            actor=world.colleague,
            attendance=[citizen.public_id],
            checklist={first.public_id: (True, "Alle mål")},
        )
    assert meeting.status == MeetingStatus.HELD and meeting.version == 2 and meeting.recorded_by == world.colleague
    assert dict(meeting.participants.values_list("is_citizen", "attended")) == {True: True, False: False}
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.done, first.note, second.done) == (True, "Alle mål", False)
    assert_event("meeting.held", actor=world.colleague, request_id="record-1", pathway=world.pathway)
    change = assert_change(meeting, "update", actor=world.colleague, request_id="record-1")
    assert {"status", "minutes", "version"} <= set(change.changed_fields)
    # Recording again changes the minutes: another event, still no silent overwrite (the version moves on).
    with request_id(world.coordinator, "record-2"):
        meeting = recorded(world, meeting, minutes="Rettet referat")
    assert meeting.version == 3
    assert_event("meeting.minutes_recorded", actor=world.coordinator, request_id="record-2")


def test_a_stale_version_is_a_conflict_and_writes_nothing(world):
    meeting = past_meeting(world)
    recorded(world, meeting, minutes="Den første skrev dette")
    before = audit_counts()
    with pytest.raises(ConflictError):
        recorded(world, meeting, minutes="Den anden skrev dette", expected_version=1)
    meeting.refresh_from_db()
    assert meeting.minutes == "Den første skrev dette" and meeting.version == 2
    assert audit_counts() == before
    assert not MeetingParticipant.objects.filter(meeting=meeting, attended=None).exists()


def test_a_meeting_in_the_future_cannot_be_recorded(world):
    meeting = schedule(world)
    with pytest.raises(ValidationError, match="når det er begyndt"):
        recorded(world, meeting)


def test_cancel_needs_a_reason_and_only_a_planned_meeting(world, request_id):
    meeting = schedule(world)
    with pytest.raises(ValidationError, match="hvorfor"):
        services.meeting_cancel(actor=world.coordinator, meeting=meeting, reason=" ", expected_version=1)
    with request_id(world.coordinator, "cancel-1"):
        meeting = services.meeting_cancel(actor=world.coordinator, meeting=meeting, reason="Syg", expected_version=1)
    assert meeting.status == MeetingStatus.CANCELLED
    event = assert_event("meeting.cancelled", actor=world.coordinator, request_id="cancel-1", pathway=world.pathway)
    assert "Syg" in event.text
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=world.coordinator, meeting=meeting, reason="Igen", expected_version=2)
    with pytest.raises(ValidationError, match="aflyst"):
        recorded(world, meeting)


def test_decision(world, request_id):
    meeting = past_meeting(world)
    with request_id(world.colleague, "decide-1"):
        decision = services.meeting_decision_add(actor=world.colleague, meeting=meeting, text=" Praktik i foråret ")
    assert decision.text == "Praktik i foråret" and decision.decided_by == world.colleague
    assert_event("meeting.decision_added", actor=world.colleague, request_id="decide-1", pathway=world.pathway)
    assert assert_change(decision, "create", actor=world.colleague, request_id="decide-1").pathway == world.pathway
    with pytest.raises(ValidationError):
        services.meeting_decision_add(actor=world.colleague, meeting=meeting, text="  ")


def test_programmes_come_with_a_checklist_and_seeding_again_writes_nothing(db):
    municipality = f.MunicipalityFactory()  # the signal seeds the five programmes
    road = Programme.objects.get(municipality=municipality, code="vejen-til-uddannelse")
    texts = list(road.checklist_items.filter(meeting_type="start").values_list("text", flat=True))
    assert "Borgerens egne ønsker og mål er drøftet" in texts
    assert "Mål for uddannelse og beskæftigelse er drøftet" in texts
    count = road.checklist_items.count()
    road.checklist_items.filter(meeting_type="status").first().delete()  # the municipality removes a point
    programmes_seed(municipality=municipality)
    assert checklist_seed(programme=road) == []
    assert road.checklist_items.count() == count - 1  # removed points do not come back


def test_a_decision_creates_an_agreement_in_the_plan(world, request_id):
    from samspil.plans.models import Agreement

    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway))
    meeting = past_meeting(world)
    with request_id(world.coordinator, "agree-1"):
        decision = services.meeting_decision_agreement_add(
            actor=world.coordinator,
            meeting=meeting,
            goal=goal,
            what="Søge tre praktikpladser",
            owner_kind="team_member",
            owner=world.colleague_place,
            due_on=timezone.localdate() + datetime.timedelta(days=14),
        )
    agreement = Agreement.objects.get()
    assert decision.agreement == agreement and agreement.goal == goal and agreement.owner == world.colleague_place
    assert "Søge tre praktikpladser" in decision.text
    assert_event("agreement.added_at_meeting", actor=world.coordinator, request_id="agree-1", pathway=world.pathway)
    assert_event("meeting.decision_added", actor=world.coordinator, request_id="agree-1", pathway=world.pathway)


def test_a_goal_of_another_pathway_is_refused_and_nothing_is_written(world):
    from samspil.plans.models import Agreement

    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=other))
    meeting = past_meeting(world)
    before = audit_counts()
    with pytest.raises(ValidationError):
        services.meeting_decision_agreement_add(
            actor=world.coordinator, meeting=meeting, goal=goal, what="Noget", owner_kind="citizen"
        )
    assert not Agreement.objects.exists() and audit_counts() == before
