"""The caseload status meeting lists exactly the families with a change since the last held meeting; attendance;
decisions landing on the pathway; the team places the caseload gives and takes."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samspil.access import policy
from samspil.audit import context
from samspil.audit.models import AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.coreteams import selectors, services
from samspil.coreteams.choices import CaseloadMeetingStatus, Change
from samspil.coreteams.models import CaseloadItem, CoreTeamCase, CoreTeamMember
from samspil.coreteams.tests.factories import TeamWorld
from samspil.economy.tests.factories import InterventionFactory, make_decision
from samspil.pathways.models import Pathway, StatusChange, TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def _past(days: float):
    return time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=False)


def _agreement(pathway, due_on):
    from samspil.plans.models import Plan

    plan = Plan.objects.filter(pathway=pathway).first() or f.PlanFactory(pathway=pathway)
    return f.AgreementFactory(goal=f.GoalFactory(plan=plan), due_on=due_on)


@pytest.fixture
def w():
    with _past(30):  # the team and its members from a month ago
        return TeamWorld()


def test_the_meeting_lists_exactly_the_families_with_a_change_since_the_last_held_one(w):
    with _past(20):
        a, b, c, d, e = (w.family() for _ in range(5))
        f.make_revision(e)  # a plan version before the last meeting: no change now
        _agreement(
            e, timezone.localdate() + datetime.timedelta(days=4)
        )  # overdue since 16 days, i.e. already before the last meeting
    with _past(14):
        first = w.schedule()
        w.record(first)
    assert {i.pathway_id for i in first.items.all()} == {a.pk, b.pk, c.pk, d.pk, e.pk}  # the first: all new
    assert all(Change.NEW_CASE in i.changes for i in first.items.all())

    # Since then (eight days ago): one change of each kind, each on its own family; e changes nothing.
    with _past(8):
        f.make_revision(a)
        f.make_revision(a)
        _agreement(b, timezone.localdate() - datetime.timedelta(days=3))
        _agreement(e, timezone.localdate() + datetime.timedelta(days=3))
        make_decision(InterventionFactory(pathway=c), [(w.children, "100")], decided_on=timezone.localdate())
        StatusChange.objects.create(
            municipality=w.municipality, pathway=d, from_status="active", to_status="paused", changed_by=w.coordinator
        )
        g = w.family()  # new in the caseload

    with _past(7):
        second = w.schedule()
        since, families = selectors.meeting_families(second)
        assert since == first.starts_at
        listed = {fam.pathway.pk: fam.changes for fam in families}
        assert listed == {
            a.pk: {Change.PLAN_VERSION: 2},
            b.pk: {Change.OVERDUE_AGREEMENT: 1},
            c.pk: {Change.FINANCING_DECISION: 1},
            d.pk: {Change.STATUS_CHANGE: 1},
            g.pk: {Change.NEW_CASE: 1},
        }

        w.record(second, decisions={a.pk: ("Planen revideres med familien.", True)})
        second.refresh_from_db()
        assert second.status == CaseloadMeetingStatus.HELD and second.changes_since == first.starts_at
        assert dict(second.items.values_list("pathway_id", "changes")) == listed  # frozen as seen

    # A family that leaves the caseload is not listed any more.
    with context.bound(actor_id=w.leader.pk, request_id="test"):
        services.case_end(
            actor=w.coordinator,
            case=CoreTeamCase.objects.get(pathway=b, assigned_to__isnull=True),
            assigned_to=timezone.localdate() - datetime.timedelta(days=1),
        )
    f.make_revision(b)
    f.make_revision(e)
    third = w.schedule()
    assert [fam.pathway.pk for fam in selectors.meeting_families(third)[1]] == [e.pk]


def test_the_changes_are_read_in_a_fixed_number_of_queries(w, django_assert_num_queries):
    with _past(20):
        families = [w.family() for _ in range(3)]
    with _past(14):
        w.record(w.schedule())
    for p in families:
        f.make_revision(p)
    with django_assert_num_queries(5):
        small = selectors.caseload_changes(w.team, timezone.now() - datetime.timedelta(days=14))
    for _ in range(6):
        f.make_revision(w.family())
    with django_assert_num_queries(5):
        large = selectors.caseload_changes(w.team, timezone.now() - datetime.timedelta(days=14))
    assert len(small) == 3 and len(large) == 9


def test_a_decision_lands_on_the_pathway_overview_and_timeline(client, w):
    pathway = w.family()
    meeting = w.schedule()
    w.record(meeting, decisions={pathway.pk: ("Familien tilbydes familiebehandling.", True)})

    event = AuditEvent.objects.get(pathway=pathway, code="coreteam.decision_revise")
    assert event.data["decision"] == "Familien tilbydes familiebehandling."
    client.force_login(w.coordinator)
    html = client.get(f"/forloeb/{pathway.public_id}/").content.decode()
    assert 'id="overview-coreteam"' in html
    assert "Familien tilbydes familiebehandling." in html
    assert str(meeting.public_id) in html


def test_recording_again_changes_the_decision_and_writes_one_more_event(w):
    pathway = w.family()
    meeting = w.schedule()
    w.record(meeting, decisions={pathway.pk: ("Første beslutning", False)})
    w.record(meeting, decisions={pathway.pk: ("Første beslutning", False)})  # unchanged: no new event
    w.record(meeting, decisions={pathway.pk: ("Ændret beslutning", False)})
    assert AuditEvent.objects.filter(pathway=pathway, code="coreteam.decision").count() == 2
    assert CaseloadItem.objects.get(meeting=meeting, pathway=pathway).decision == "Ændret beslutning"


def test_attendance_of_every_member_is_required_and_a_stale_version_is_refused(w):
    pathway = w.family()
    meeting = w.schedule()
    partial = {w.members[0].pk: "in_person"}
    with pytest.raises(ValidationError), context.bound(actor_id=w.coordinator.pk, request_id="t"):
        services.meeting_record(
            actor=w.coordinator,
            meeting=meeting,
            expected_version=meeting.version,
            attendance=partial,
            minutes="x",
            decisions={},
        )
    meeting.refresh_from_db()
    assert meeting.status == CaseloadMeetingStatus.PLANNED and not meeting.items.exists()
    with pytest.raises(ConflictError), context.bound(actor_id=w.coordinator.pk, request_id="t"):
        services.meeting_record(
            actor=w.coordinator,
            meeting=meeting,
            expected_version=meeting.version - 1,
            attendance={m.pk: "in_person" for m in w.members},
            minutes="x",
            decisions={pathway.pk: ("Nej", False)},
        )
    assert not CaseloadItem.objects.exists()


def test_a_meeting_is_recorded_only_once_begun(w):
    w.family()
    meeting = w.schedule(timezone.now() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError):
        w.record(meeting)


def test_not_in_person_is_warned_on_the_page(client, w):
    w.family()
    meeting = w.schedule()
    attendance = {w.members[0].pk: "in_person", w.members[1].pk: "remote", w.members[2].pk: "absent"}
    w.record(meeting, attendance=attendance)
    client.force_login(w.leader)
    html = client.get(f"/kerneteamer/moeder/{meeting.public_id}/").content.decode()
    assert 'id="attendance-warning"' in html
    assert "Sara Sundhed" in html.split('id="attendance-warning"')[1].split("</div>")[0]


def test_a_decision_for_a_family_the_recorder_may_not_see_is_refused(w):
    pathway = w.family()
    meeting = w.schedule()
    assert not Pathway.objects.visible_to(w.nurse, policy.VIEW).filter(pk=pathway.pk).exists()
    with pytest.raises(ValidationError):
        w.record(meeting, decisions={pathway.pk: ("Skjult", False)}, minutes=None, actor=w.nurse)
    assert not CaseloadItem.objects.exists()


# --- team places ----------------------------------------------------------------------------------------------------


def test_assigning_gives_the_members_places_and_ending_takes_only_those(w):
    pathway = f.PathwayFactory(
        family=True, coordinator=w.coordinator, lead_department=w.children, programme=w.programme
    )
    f.HouseholdMemberFactory(household=pathway.household)
    earlier = f.TeamMemberFactory(pathway=pathway, user=w.nurse, department=w.health)  # held before the team
    case = w.assign(pathway)
    current = TeamMember.objects.current().filter(pathway=pathway)
    assert set(current.values_list("user_id", flat=True)) == {w.coordinator.pk, w.nurse.pk, w.job_worker.pk}
    assert [p.user_id for p in case.places.all()] == [w.job_worker.pk]  # the coordinator and the nurse were on it

    with context.bound(actor_id=w.leader.pk, request_id="t"):
        services.case_end(actor=w.coordinator, case=case)
    still = TeamMember.objects.filter(pathway=pathway, active_to__isnull=True)
    assert set(still.values_list("pk", flat=True)) == {
        earlier.pk,
        TeamMember.objects.get(pathway=pathway, user=w.coordinator).pk,
    }
    assert AuditEvent.objects.filter(pathway=pathway, code="team.member_ended").count() == 1


def test_a_member_who_joins_or_leaves_gets_or_loses_the_caseload_places(w):
    pathway = w.family()
    newcomer = f.make_staff(w.health, first_name="Nina", last_name="Ny")
    with context.bound(actor_id=w.leader.pk, request_id="t"):
        member = services.member_add(actor=w.leader, team=w.team, user=newcomer, department=w.health)
    assert not TeamMember.objects.filter(pathway=pathway, user=newcomer).exists()  # the leader does not coordinate it
    with context.bound(actor_id=w.coordinator.pk, request_id="t"):
        services.case_places_add(actor=w.coordinator, case=CoreTeamCase.objects.get(pathway=pathway))
    assert TeamMember.objects.current().filter(pathway=pathway, user=newcomer).exists()
    with context.bound(actor_id=w.leader.pk, request_id="t"):
        services.member_end(actor=w.leader, member=member)
    assert not TeamMember.objects.current().filter(pathway=pathway, user=newcomer, active_to__isnull=True).exists()


def test_refusals_save_nothing(w):
    other_programme = f.ProgrammeFactory(municipality=w.municipality)
    stranger = f.PathwayFactory(coordinator=w.coordinator, lead_department=w.children, programme=other_programme)
    with pytest.raises(ValidationError):
        w.assign(stranger)
    with pytest.raises(PermissionDenied):  # a member does not manage the team
        services.member_add(actor=w.nurse, team=w.team, user=w.outsider, department=w.children)
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(
            actor=w.outsider,
            team=w.team,
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(hours=1),
            location="x",
        )
    with pytest.raises(ValidationError):  # not in the department they would represent
        services.member_add(actor=w.leader, team=w.team, user=w.outsider, department=w.health)
    pathway = w.family()
    with pytest.raises(ValidationError):  # already in a caseload
        w.assign(pathway)
    assert CoreTeamCase.objects.count() == 1
    assert CoreTeamMember.objects.filter(team=w.team).count() == 3
    assert not w.team.meetings.exists()


def test_the_member_warning_outside_three_to_four(w):
    assert selectors.member_warning(3) == "" and selectors.member_warning(4) == ""
    assert selectors.member_warning(2) and selectors.member_warning(5)
