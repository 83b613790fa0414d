import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.audit.models import AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.implementation import rules, selectors, services
from samspil.implementation.choices import DocumentationFigure, GroupKind, TheoryKind
from samspil.implementation.models import (
    GroupMeeting,
    Implementation,
    Milestone,
    Phase,
    ProgrammeGroup,
    ResponsibilityCell,
    ResponsibilityRole,
)
from samspil.implementation.tests.helpers import START, at, staff
from samspil.pathways.choices import CollaborationModel
from samspil.results.measures import Measure
from tests import factories as f

pytestmark = pytest.mark.django_db


def setup(org, start=START):
    return services.implementation_setup(actor=org.leader, programme=org.programme, start_on=start)


# --- the template ---------------------------------------------------------------------------------------------


def test_seed_002_gives_four_phases_with_a_start_up_of_four_months_and_its_eight_activities(org):
    setup(org)
    phases = list(Phase.objects.filter(programme=org.programme).order_by("position"))
    assert [p.name for p in phases] == [
        "Fase 1: Politisk beslutning",
        "Fase 2: Opstart",
        "Fase 3: Pilottest",
        "Fase 4: Understøttelse af den løbende drift",
    ]
    decision, start_up, pilot, operations = phases
    assert (decision.planned_start, decision.planned_end) == (START, datetime.date(2026, 3, 4))  # two months
    assert (start_up.planned_start, start_up.planned_end) == (datetime.date(2026, 3, 5), datetime.date(2026, 7, 4))
    assert pilot.planned_start == datetime.date(2026, 7, 5)
    assert operations.planned_end is None
    assert start_up.checklist.order_by("position").first().text == "Udpeg projektejer og projektleder"
    assert start_up.checklist.count() == 8
    groups = {g.kind: g for g in ProgrammeGroup.objects.filter(programme=org.programme)}
    assert groups[GroupKind.LEADER_GROUP].cadence_days == 91  # quarterly in the test phase
    assert groups[GroupKind.IMPLEMENTATION_GROUP].cadence_days == 61  # every second month
    roles = [r.name for r in ResponsibilityRole.objects.filter(programme=org.programme)]
    assert roles == [
        "Projektejer",
        "Tværfaglig ledergruppe",
        "Projektleder",
        "Projektkoordinator",
        "Implementeringsgruppe",
    ]
    decide = ResponsibilityCell.objects.get(
        task__programme=org.programme,
        task__name="Beslutning om samarbejdsmodellen skal sættes i drift",
        role__name="Tværfaglig ledergruppe",
    )
    assert decide.code == "A"
    assert AuditEvent.objects.filter(code="programme.implementation_set_up").count() == 1


def test_kl_gives_start_up_mid_term_status_with_its_checklist_and_completion(org):
    org.programme.model = CollaborationModel.KL_COHERENCE
    org.programme.save()
    setup(org)
    phases = list(Phase.objects.filter(programme=org.programme).order_by("position"))
    assert [p.code for p in phases] == ["opstart", "midtvejsstatus", "afslutning"]
    assert "Tværgående ledergruppe etableret" in [i.text for i in phases[1].checklist.all()]


def test_other_programmes_get_the_default_and_setting_up_twice_adds_nothing(org):
    org.programme.model = CollaborationModel.DROP_IN
    org.programme.save()
    setup(org)
    setup(org)
    assert Implementation.objects.count() == 1
    assert list(Phase.objects.values_list("code", flat=True).order_by("position")) == ["opstart", "pilottest", "drift"]


# --- who may write ---------------------------------------------------------------------------------------------


def test_an_aggregate_role_without_the_project_leader_role_may_not_write(org):
    implementation = setup(org)
    with pytest.raises(PermissionDenied):
        services.implementation_setup(actor=org.head, programme=org.programme)
    with pytest.raises(PermissionDenied):
        services.implementation_update(
            actor=org.head, implementation=implementation, expected_version=implementation.version, owner_name="X"
        )
    with pytest.raises(PermissionDenied):
        services.scale_up_step_add(actor=org.caseworker, programme=org.programme, on_date=START, target_count=5)


def test_another_municipality_cannot_be_written(org):
    implementation = setup(org)
    other = f.DepartmentFactory()
    from samspil.organisations.choices import StaffRole

    stranger = staff(other, StaffRole.PROJECT_LEADER)
    with pytest.raises(PermissionDenied):
        services.implementation_update(
            actor=stranger, implementation=implementation, expected_version=implementation.version, owner_name="X"
        )


# --- versions and validation ----------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_writes_nothing(org):
    implementation = setup(org)
    services.implementation_update(
        actor=org.leader, implementation=implementation, expected_version=1, owner_name="Lone Riis", leader=org.leader
    )
    with pytest.raises(ConflictError):
        services.implementation_update(
            actor=org.leader, implementation=implementation, expected_version=1, owner_name="Y"
        )
    implementation.refresh_from_db()
    assert (implementation.owner_name, implementation.version) == ("Lone Riis", 2)
    assert implementation.leader_display == "Pia Projekt"


def test_a_staff_member_and_a_name_both_given_is_refused_on_the_field(org):
    implementation = setup(org)
    with pytest.raises(ValidationError) as error:
        services.implementation_update(
            actor=org.leader, implementation=implementation, expected_version=1, owner=org.head, owner_name="Lone"
        )
    assert list(error.value.message_dict) == ["owner_name"]


def test_a_member_is_a_user_an_external_contact_or_a_name(org):
    setup(org)
    group = ProgrammeGroup.objects.get(programme=org.programme, kind=GroupKind.LEADER_GROUP)
    member = services.group_member_add(actor=org.leader, group=group, name="Brugerrepræsentant", member_from=START)
    assert member.display_name == "Brugerrepræsentant"
    with pytest.raises(ValidationError):
        services.group_member_add(actor=org.leader, group=group, user=org.head, name="Også", member_from=START)
    with pytest.raises(ValidationError):
        services.group_member_end(actor=org.leader, member=member, member_to=START - datetime.timedelta(days=1))
    services.group_member_add(actor=org.leader, group=group, user=org.head, member_from=START)
    with pytest.raises(ValidationError):  # already a member
        services.group_member_add(actor=org.leader, group=group, user=org.head, member_from=START)


def test_a_result_of_the_change_theory_names_its_measure_an_activity_none(org):
    item = services.theory_item_add(
        actor=org.leader,
        programme=org.programme,
        kind=TheoryKind.LONG_TERM,
        text="Flere i job",
        measure=Measure.QUALITY_OF_LIFE,
    )
    assert item.indicator_display.startswith("1.")
    figure = services.theory_item_add(
        actor=org.leader,
        programme=org.programme,
        kind=TheoryKind.MEDIUM_TERM,
        text="Flere i uddannelse",
        figure=DocumentationFigure.IN_EDUCATION,
    )
    assert figure.indicator_display == DocumentationFigure.IN_EDUCATION.label
    with pytest.raises(ValidationError):
        services.theory_item_add(
            actor=org.leader,
            programme=org.programme,
            kind=TheoryKind.ACTIVITY,
            text="Møder",
            measure=Measure.COORDINATION,
        )


def test_minutes_cannot_be_written_before_the_meeting(org):
    setup(org)
    group = ProgrammeGroup.objects.get(programme=org.programme, kind=GroupKind.LEADER_GROUP)
    ahead = timezone.localdate() + datetime.timedelta(days=3)
    meeting = services.group_meeting_create(actor=org.leader, group=group, held_on=ahead)
    with pytest.raises(ValidationError):
        services.group_meeting_update(
            actor=org.leader, meeting=meeting, expected_version=1, held_on=ahead, agenda="", minutes="Referat"
        )


def test_a_phase_cannot_end_before_it_started_nor_start_in_the_future(org):
    setup(org)
    phase = Phase.objects.get(programme=org.programme, code="opstart")
    with pytest.raises(ValidationError):
        services.phase_update(
            actor=org.leader,
            phase=phase,
            expected_version=1,
            planned_start=None,
            planned_end=None,
            actual_start=START,
            actual_end=START - datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.phase_update(
            actor=org.leader,
            phase=phase,
            expected_version=1,
            planned_start=None,
            planned_end=None,
            actual_start=timezone.localdate() + datetime.timedelta(days=1),
            actual_end=None,
        )


# --- the rules on the right day -------------------------------------------------------------------------------


def test_the_current_phase_is_the_last_one_started_and_not_ended(org):
    setup(org)
    with time_machine.travel(at(datetime.date(2026, 8, 1)), tick=False):
        phases = {p.code: p for p in Phase.objects.filter(programme=org.programme)}
        for code, start, end in (
            ("politisk-beslutning", START, datetime.date(2026, 3, 4)),
            ("opstart", datetime.date(2026, 3, 5), datetime.date(2026, 7, 10)),
            ("pilottest", datetime.date(2026, 7, 11), None),
        ):
            phase = phases[code]
            services.phase_update(
                actor=org.leader,
                phase=phase,
                expected_version=phase.version,
                planned_start=phase.planned_start,
                planned_end=phase.planned_end,
                actual_start=start,
                actual_end=end,
            )
        page = selectors.programme_page(actor=org.leader, programme=org.programme, today=timezone.localdate())
    assert page.current_phase.code == "pilottest"
    states = {p.code: p.state for p in page.phases}
    assert states == {"politisk-beslutning": "done", "opstart": "done", "pilottest": "current", "drift": "planned"}
    all_phases = list(Phase.objects.filter(programme=org.programme))
    assert rules.current_phase(all_phases, datetime.date(2026, 7, 10)).code == "opstart"  # its last day
    assert rules.current_phase(all_phases, datetime.date(2025, 12, 31)) is None  # not begun


def test_a_milestone_is_overdue_from_the_day_after_its_date_until_done(org):
    due = datetime.date(2026, 9, 15)
    with time_machine.travel(at(datetime.date(2026, 9, 1)), tick=False):
        milestone = services.milestone_add(
            actor=org.leader, programme=org.programme, activity="Første læringsmøde", owner="Projektleder", due_on=due
        )
    for day, overdue in ((due, False), (due + datetime.timedelta(days=1), True)):
        page = selectors.programme_page(actor=org.head, programme=org.programme, today=day)
        assert [m.activity for m in page.overdue] == (["Første læringsmøde"] if overdue else []), day
        rows = {row.programme.code: row for row in selectors.programme_list(actor=org.head, today=day)}
        assert rows["vejen"].overdue == (1 if overdue else 0)
    with time_machine.travel(at(due + datetime.timedelta(days=2)), tick=False):
        services.milestone_done(actor=org.leader, milestone=milestone, expected_version=milestone.version)
        assert Milestone.objects.get().done_on == due + datetime.timedelta(days=2)
    assert (
        selectors.programme_page(
            actor=org.head, programme=org.programme, today=due + datetime.timedelta(days=5)
        ).overdue
        == []
    )


def test_a_group_meeting_is_due_its_cadence_after_the_last_one_and_overdue_after(org):
    setup(org)
    group = ProgrammeGroup.objects.get(programme=org.programme, kind=GroupKind.LEADER_GROUP)  # every 91 days
    held = datetime.date(2026, 3, 2)
    with time_machine.travel(at(held), tick=False):
        services.group_meeting_create(actor=org.leader, group=group, held_on=held)
    meetings = list(GroupMeeting.objects.filter(group=group))
    due = held + datetime.timedelta(days=91)
    assert rules.next_meeting(group, meetings, due) == rules.NextMeeting(planned_on=None, due_on=due, is_overdue=False)
    assert rules.next_meeting(group, meetings, due + datetime.timedelta(days=1)).is_overdue
    planned = services.group_meeting_create(actor=org.leader, group=group, held_on=due + datetime.timedelta(days=20))
    meetings.append(planned)
    later = rules.next_meeting(group, meetings, due + datetime.timedelta(days=1))
    assert (later.planned_on, later.is_overdue) == (planned.held_on, False)


# --- scale-up ----------------------------------------------------------------------------------------------------


def test_the_scale_up_plan_counts_the_pathways_opened_by_each_step(org):
    coordinator = org.caseworker
    for opened in [datetime.date(2026, 2, 1)] * 6 + [datetime.date(2026, 5, 1)] * 3 + [datetime.date(2026, 9, 1)]:
        f.PathwayFactory(
            coordinator=coordinator, lead_department=org.department, programme=org.programme, opened_on=opened
        )
    f.PathwayFactory(coordinator=coordinator, lead_department=org.department, opened_on=datetime.date(2026, 2, 1))
    for on_date, target in (
        (datetime.date(2026, 3, 1), 5),
        (datetime.date(2026, 6, 1), 10),
        (datetime.date(2027, 1, 1), 30),
    ):
        services.scale_up_step_add(actor=org.leader, programme=org.programme, on_date=on_date, target_count=target)
    with pytest.raises(ValidationError):  # lower than the step before
        services.scale_up_step_add(
            actor=org.leader, programme=org.programme, on_date=datetime.date(2026, 7, 1), target_count=4
        )
    rows = selectors.scale_up_rows(org.head, org.programme, datetime.date(2026, 10, 1))
    assert [(r.actual.value, r.actual.hidden, r.reached) for r in rows] == [
        (6, False, True),
        (9, False, False),
        (10, False, None),  # ahead: counted today
    ]
    assert rows[2].counted_on == datetime.date(2026, 10, 1)
    assert selectors.scale_up_rows(org.head, org.programme, datetime.date(2026, 1, 15))[0].actual.value == 0


def test_pilot_cases_are_marked_by_the_coordinator_and_shown_as_a_count_with_small_counts_hidden(org):
    pathways = [
        f.PathwayFactory(coordinator=org.caseworker, lead_department=org.department, programme=org.programme)
        for _ in range(6)
    ]
    for pathway in pathways[:3]:
        services.pathway_set_pilot(actor=org.caseworker, pathway=pathway, pilot=True, expected_version=pathway.version)
    page = selectors.programme_page(actor=org.head, programme=org.programme, today=timezone.localdate())
    assert (page.pilots.value, page.pilots.hidden, page.pathways.value, page.pathways.hidden) == (3, True, 6, False)
    assert AuditEvent.objects.filter(code="pathway.pilot_set", pathway=pathways[0]).exists()
    with pytest.raises(ConflictError):
        services.pathway_set_pilot(actor=org.caseworker, pathway=pathways[0], pilot=False, expected_version=1)
    with pytest.raises((PermissionDenied, Http404)):  # the project leader is not the coordinator
        services.pathway_set_pilot(actor=org.leader, pathway=pathways[4], pilot=True, expected_version=1)
