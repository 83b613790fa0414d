"""The documentation model's figures, worked out by hand on a small programme (`ten_pathways`).

The ten pathways of one programme (minimum two meetings with the citizen), pathway i opened 200 - 10·i days ago:

| i | coordinator / department | target group | start | now (5 days ago)      | meetings with the citizen | goals   |
|---|--------------------------|--------------|-------|-----------------------|---------------------------|---------|
| 0 | A / a                    | type 1       | none  | primary school        | 2 (met)                   | 1 ✓ 1 ✗ |
| 1 | A / a                    | type 1       | none  | preparatory           | 2 (met)                   | 1 ✓ 1 … |
| 2 | A / a                    | type 1       | none  | upper secondary       | 2 (met)                   | |
| 3 | A / a                    | type 1       | none  | upper secondary       | 1 (+ analysis, absent, planned) | |
| 4 | A / a                    | type 1       | none  | higher education      | 0                         | |
| 5 | A / a                    | type 2       | none  | preparatory           | 0                         | |
| 6 | A / a                    | type 2       | none  | employed              | 0                         | |
| 7 | B / b                    | type 2       | none  | wage subsidy / flexjob| 0                         | |
| 8 | B / b                    | none         | none  | benefit               | 0                         | |
| 9 | B / b                    | none         | —     | —                     | 0                         | |

(goals: ✓ achieved, ✗ cancelled, … active.) So: 10 citizens, 6 in education (0.6), 2 employed (0.2), 1 unknown,
3 with the minimum of meetings (0.3), goals 2 of 3.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.organisations.choices import StaffRole
from samspil.pathways.models import Pathway, Programme, TargetGroup
from samspil.plans.choices import GoalStatus
from samspil.results import documentation as doc
from samspil.results.choices import Benefit, EducationEmployment, StatusOccasion
from samspil.results.models import StatusEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

E = EducationEmployment
NOW = [
    E.PRIMARY_SCHOOL,
    E.PREPARATORY,
    E.UPPER_SECONDARY,
    E.UPPER_SECONDARY,
    E.HIGHER_EDUCATION,
    E.PREPARATORY,
    E.EMPLOYED,
    E.SUBSIDISED_EMPLOYMENT,
    E.BENEFIT,
    None,
]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def status(pathway, citizen, on: datetime.date, value, occasion=StatusOccasion.OTHER):
    return StatusEntry.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        citizen=citizen,
        recorded_on=on,
        occasion=occasion,
        education_employment=value,
        benefit=Benefit.SOCIAL_ASSISTANCE if value == E.BENEFIT else "",
        recorded_by=pathway.coordinator,
    )


def meeting(pathway, *, attended=True, kind=MeetingType.STATUS, state=MeetingStatus.HELD, days=7):
    held = f.MeetingFactory(
        pathway=pathway,
        meeting_type=kind,
        status=state,
        starts_at=timezone.now() - datetime.timedelta(days=days),
    )
    if kind != MeetingType.ANALYSIS:
        f.MeetingParticipantFactory(meeting=held, attended=attended)
    return held


def ten_pathways(programme=None, *, extra_pathways: int = 0):
    """The world of the module's docstring (plus `extra_pathways` more like pathway 9, for query counts)."""
    dept_a = f.DepartmentFactory(name="Børn og Unge")
    municipality = dept_a.municipality
    dept_b = f.DepartmentFactory(municipality=municipality, name="Jobcenter")
    coordinator_a = f.make_staff(dept_a, StaffRole.CASEWORKER, first_name="Anna", last_name="Andersen")
    coordinator_b = f.make_staff(dept_b, StaffRole.CASEWORKER, first_name="Bo", last_name="Berg")
    programme = programme or f.ProgrammeFactory(
        municipality=municipality, code="vejen", name="Vejen til uddannelse", min_citizen_meetings=2
    )
    type_1 = TargetGroup.objects.create(municipality=municipality, programme=programme, code="t1", name="Type 1")
    type_2 = TargetGroup.objects.create(municipality=municipality, programme=programme, code="t2", name="Type 2")
    pathways = []
    for i in range(10 + extra_pathways):
        a = i < 7
        pathway = f.PathwayFactory(
            coordinator=coordinator_a if a else coordinator_b,
            lead_department=dept_a if a else dept_b,
            programme=programme,
            opened_on=days_ago(200 - 10 * i) if i < 10 else days_ago(300),
            target_group=type_1 if i < 5 else type_2 if i < 8 else None,
        )
        pathways.append(pathway)
        if i < 9:
            status(pathway, pathway.citizen, pathway.opened_on, E.NONE, StatusOccasion.START)
            status(pathway, pathway.citizen, days_ago(5), NOW[i])
    for pathway in pathways[:3]:
        meeting(pathway, days=20)
        meeting(pathway, days=10)
    meeting(pathways[3])
    meeting(pathways[3], kind=MeetingType.ANALYSIS)
    meeting(pathways[3], attended=False)
    meeting(pathways[3], state=MeetingStatus.PLANNED, days=-3)
    plan = f.PlanFactory(pathway=pathways[0])
    f.GoalFactory(plan=plan, status=GoalStatus.ACHIEVED)
    f.GoalFactory(plan=plan, status=GoalStatus.CANCELLED)
    plan = f.PlanFactory(pathway=pathways[1])
    f.GoalFactory(plan=plan, status=GoalStatus.ACHIEVED)
    f.GoalFactory(plan=plan, status=GoalStatus.ACTIVE)
    leader = f.make_staff(dept_a, StaffRole.PROJECT_LEADER)
    return SimpleNamespace(
        municipality=municipality,
        programme=programme,
        pathways=pathways,
        a=coordinator_a,
        b=coordinator_b,
        dept_a=dept_a,
        dept_b=dept_b,
        type_1=type_1,
        type_2=type_2,
        leader=leader,
    )


def test_the_headline_of_all_ten():
    world = ten_pathways()
    figures = doc.figures_of(doc.programme_rows(world.programme))
    assert figures.citizens == 10
    assert figures.in_education == 6 and figures.in_education_share == 0.6
    assert figures.employed == 2 and figures.employed_share == 0.2
    assert figures.unknown == 1
    assert figures.meetings_minimum_met == 3 and figures.meetings_minimum_met_share == 0.3
    assert (figures.goals_reached, figures.goals_total) == (2, 3)


def test_each_row_has_the_status_at_start_and_now_meetings_and_goals():
    world = ten_pathways()
    rows = {row.pathway_id: row for row in doc.programme_rows(world.programme)}
    first, fourth, last = rows[world.pathways[0].pk], rows[world.pathways[3].pk], rows[world.pathways[9].pk]
    assert (first.start, first.now) == (E.NONE, E.PRIMARY_SCHOOL)
    assert (first.meetings_held, first.meetings_required, first.meetings_met) == (2, 2, True)
    assert (first.goals_reached, first.goals_total) == (1, 1)  # the cancelled goal does not count
    # An analysis meeting, one the citizen missed and a planned one do not count: one meeting with the citizen.
    assert (fourth.meetings_held, fourth.meetings_met) == (1, False)
    assert (last.start, last.now) == (doc.UNKNOWN, doc.UNKNOWN)


def test_the_status_on_an_earlier_day_is_the_entry_then():
    world = ten_pathways()
    rows = doc.programme_rows(world.programme, on=days_ago(30))
    figures = doc.figures_of(rows)
    assert figures.citizens == 10
    assert figures.in_education == 0 and figures.employed == 0  # everyone was still "none" 30 days ago
    assert {row.now for row in rows} == {E.NONE, doc.UNKNOWN}
    # Meetings held 10 and 7 days ago had not happened yet: only pathways 0-2's meeting 20 days ago.
    assert figures.meetings_minimum_met == 0
    # A pathway opened after the day asked is not in the model on that day.
    assert doc.figures_of(doc.programme_rows(world.programme, on=days_ago(175))).citizens == 3


def test_a_cohort_by_start_date():
    world = ten_pathways()
    # Pathways 4-7 (opened 160, 150, 140 and 130 days ago).
    rows = doc.programme_rows(world.programme, opened_from=days_ago(165), opened_to=days_ago(125))
    figures = doc.figures_of(rows)
    assert figures.citizens == 4
    assert figures.in_education_share == 0.5 and figures.employed_share == 0.5
    assert figures.meetings_minimum_met_share == 0.0
    # Both limits are included.
    rows = doc.programme_rows(world.programme, opened_from=days_ago(160), opened_to=days_ago(130))
    assert doc.figures_of(rows).citizens == 4
    # "Of the first five": the five opened first.
    first_five = doc.cohort(doc.programme_rows(world.programme), first=5)
    assert [row.pathway_id for row in first_five] == [p.pk for p in world.pathways[:5]]
    assert doc.figures_of(first_five).in_education_share == 1.0


def test_per_coordinator_department_and_target_group():
    world = ten_pathways()
    rows = doc.programme_rows(world.programme)
    coordinators = doc.by_coordinator(rows)
    assert (coordinators[world.a.pk].citizens, coordinators[world.a.pk].in_education) == (7, 6)
    assert (coordinators[world.a.pk].employed, coordinators[world.a.pk].meetings_minimum_met) == (1, 3)
    assert (coordinators[world.b.pk].citizens, coordinators[world.b.pk].employed) == (3, 1)
    departments = doc.by_department(rows)
    assert departments[world.dept_a.pk].in_education_share == round(6 / 7, 4)
    assert departments[world.dept_b.pk].in_education_share == 0.0
    groups = doc.by_target_group(rows)
    assert {key: value.citizens for key, value in groups.items()} == {
        world.type_1.pk: 5,
        world.type_2.pk: 3,
        doc.NO_TARGET_GROUP: 2,
    }


def test_status_at_start_against_now():
    world = ten_pathways()
    spread = doc.distribution(doc.programme_rows(world.programme))
    assert spread[E.NONE] == (9, 0)
    assert spread[E.UPPER_SECONDARY] == (0, 2)
    assert spread[E.PREPARATORY] == (0, 2)
    assert spread[doc.UNKNOWN] == (1, 1)
    assert sum(start for start, _ in spread.values()) == sum(now for _, now in spread.values()) == 10


def test_a_family_counts_each_member():
    family = f.PathwayFactory(family=True, programme__min_citizen_meetings=0)
    programme = family.programme
    f.HouseholdMemberFactory(household=family.household)
    f.HouseholdMemberFactory(household=family.household)
    first, second = family.subject_ids()
    status(family, Pathway.objects.get(pk=family.pk).household.members.get(pk=first), days_ago(3), E.EMPLOYED)
    rows = doc.programme_rows(programme)
    assert sorted(row.citizen_id for row in rows) == sorted([first, second])
    figures = doc.figures_of(rows)
    assert (figures.citizens, figures.pathways, figures.employed_share) == (2, 1, 0.5)
    assert figures.meetings_minimum_met_share == 1.0  # a minimum of none is met


def test_an_empty_programme_has_no_shares():
    figures = doc.figures_of(doc.programme_rows(f.ProgrammeFactory()))
    assert figures.citizens == 0
    assert figures.in_education_share is None and figures.as_json()["employed_share"] is None


def test_the_rows_are_read_in_a_constant_number_of_queries(django_assert_num_queries):
    small = ten_pathways()
    with django_assert_num_queries(5) as small_queries:  # no family: no members to read
        assert len(doc.programme_rows(small.programme)) == 10
    large = ten_pathways(extra_pathways=25)
    with django_assert_num_queries(len(small_queries.captured_queries)):
        assert len(doc.programme_rows(large.programme)) == 35


# --- the leaders' figures, suppressed ------------------------------------------------------------------------


def test_the_small_number_rule_on_the_headline():
    world = ten_pathways()
    documentation = doc.programme_documentation(actor=world.leader, programme=world.programme)
    headline = documentation.headline
    assert headline.citizens.value == 10 and not headline.citizens.hidden
    assert headline.in_education_share.percent == 60.0
    assert headline.employed.hidden and headline.employed_share.value is None  # 2 employed: fewer than 5
    assert headline.other.hidden
    # 3 met the minimum (hidden), so 7 did not is hidden too: else 10 - 7 would give it away.
    assert headline.meetings_met.hidden and headline.meetings_not_met.hidden
    assert headline.meetings_met_share.value is None


def test_the_small_number_rule_on_the_tables():
    world = ten_pathways()
    documentation = doc.programme_documentation(actor=world.leader, programme=world.programme)
    anna, bo = documentation.by_coordinator
    assert (anna.label, bo.label) == ("Anna Andersen", "Bo Berg")
    assert bo.citizens.hidden  # 3
    assert anna.citizens.hidden  # else 10 - 7 gives Bo's 3
    assert anna.employed.hidden  # 1
    assert anna.in_education.hidden  # else 7 - 6 - 0 gives the 1 employed
    assert bo.in_education.hidden  # a 0, hidden so that Anna's 6 is not the headline's 6 minus 0 ...
    assert not documentation.headline.in_education.hidden  # ... and the headline keeps its figure
    type_1, type_2, none = documentation.by_target_group
    assert (type_1.label, type_2.label, str(none.label)) == ("Type 1", "Type 2", str(_("No target group")))
    assert type_1.citizens.value == 5 and not type_1.citizens.hidden
    assert type_2.citizens.hidden and none.citizens.hidden
    for table in (documentation.by_coordinator, documentation.by_department, documentation.by_target_group):
        for row in table:
            for cell in row.cells():
                assert cell.hidden or cell.value == 0 or cell.value >= 5


def test_the_distribution_hides_small_counts_and_what_gives_them_away():
    world = ten_pathways()
    documentation = doc.programme_documentation(actor=world.leader, programme=world.programme)
    rows = {str(row.label): row for row in documentation.distribution}
    assert rows[str(E.NONE.label)].start.hidden  # 9, else 10 - 9 gives the 1 unknown
    assert all(row.now.hidden or row.now.value == 0 for row in documentation.distribution)


def test_shares_from_hidden_counts_are_hidden():
    documentation_share = doc.Share(count=doc.count_cell(3), of=doc.count_cell(10))
    assert documentation_share.hidden and documentation_share.value is None
    assert doc.Share(count=doc.count_cell(6), of=doc.count_cell(3)).value is None
    assert doc.Share(count=doc.count_cell(6), of=doc.count_cell(10)).value == 0.6


def test_only_leaders_get_the_figures():
    world = ten_pathways()
    with pytest.raises(PermissionError):
        doc.programme_documentation(actor=world.a, programme=world.programme)
    with pytest.raises(PermissionError):
        doc.programmes_overview(actor=world.a)


def test_the_overview_has_every_programme_of_the_municipality():
    world = ten_pathways()
    foreign = f.ProgrammeFactory(name="Another municipality's")
    overview = {item.programme: item.figures for item in doc.programmes_overview(actor=world.leader)}
    # The programmes seeded for every new municipality are there too, without pathways.
    assert set(overview) == set(Programme.objects.filter(municipality=world.municipality)) and foreign not in overview
    assert overview[world.programme].in_education_share.percent == 60.0
    assert all(cells.citizens.value == 0 for programme, cells in overview.items() if programme != world.programme)


# --- the caseworker's own caseload ---------------------------------------------------------------------------


def test_the_caseload_is_the_pathways_the_caseworker_coordinates_and_is_logged():
    from samspil.audit.models import AccessLogEntry

    world = ten_pathways()
    rows = doc.caseload_for_page(actor=world.b, programme=world.programme)
    assert [item.pathway for item in rows] == sorted(
        world.pathways[7:], key=lambda p: (p.citizen.last_name, p.citizen.first_name)
    )
    assert {item.row.now for item in rows} == {E.SUBSIDISED_EMPLOYMENT, E.BENEFIT, doc.UNKNOWN}
    logged = AccessLogEntry.objects.filter(actor=world.b, shown="results.caseload")
    assert sorted(logged.values_list("pathway_id", "citizen_id")) == sorted(
        (p.pk, p.citizen_id) for p in world.pathways[7:]
    )
    assert doc.caseload_for_page(actor=world.leader, programme=world.programme) == []
