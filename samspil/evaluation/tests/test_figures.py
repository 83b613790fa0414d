"""Known-answer tests of the evaluation's figures (`samspil.evaluation.figures`): small data sets worked by hand."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from samspil.documents.models import Message
from samspil.economy.choices import ServiceUnit
from samspil.economy.tests.factories import ExemptionFactory, InterventionFactory, ServiceFactory, make_decision
from samspil.evaluation import figures
from samspil.organisations.choices import DepartmentKind
from samspil.pathways.choices import PathwayStatus, TeamRole
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    PathwayOutcome,
    StatusOccasion,
    SubstanceUse,
)
from samspil.results.models import StatusEntry
from samspil.segmentation.tests.factories import row, run_import, write_csv
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
date = datetime.date
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
ON = date(2026, 6, 30)  # the twelve months up to it: 01.07.2025–30.06.2026


class World:
    pass


@pytest.fixture
def world():
    w = World()
    w.m = f.MunicipalityFactory()
    w.children = f.DepartmentFactory(municipality=w.m, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    w.jobs = f.DepartmentFactory(municipality=w.m, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
    w.benefits = f.DepartmentFactory(municipality=w.m, name="Ydelse", kind=DepartmentKind.BENEFITS)
    w.coordinator = f.make_staff(w.children)
    w.jobworker = f.make_staff(w.jobs)
    w.benefitworker = f.make_staff(w.benefits)
    w.programme = f.ProgrammeFactory(municipality=w.m)
    return w


def pathway(w, *, opened_on, closed_on=None, outcome="", **fields):
    status = PathwayStatus.CLOSED if closed_on else PathwayStatus.ACTIVE
    return f.PathwayFactory(
        coordinator=w.coordinator,
        lead_department=w.children,
        programme=w.programme,
        opened_on=opened_on,
        closed_on=closed_on,
        status=status,
        outcome=outcome,
        **fields,
    )


def status(w, p, citizen, on, education, substance="", **fields):
    return StatusEntry.objects.create(
        municipality=w.m,
        pathway=p,
        citizen=citizen,
        recorded_on=on,
        occasion=fields.pop("occasion", StatusOccasion.STATUS_MEETING),
        education_employment=education,
        substance_use=substance,
        recorded_by=w.coordinator,
        **fields,
    )


def staff_on_team(w, p, user, department, active_from, active_to=None):
    return f.TeamMemberFactory(
        pathway=p,
        user=user,
        department=department,
        role=TeamRole.CASEWORKER,
        active_from=active_from,
        active_to=active_to,
    )


def message(p, author, *, at, citizen=None):
    with time_machine.travel(at, tick=False):
        return Message.objects.create(
            municipality=p.municipality, pathway=p, author=author, author_person=citizen, body="Hej"
        )


# --- (1) WHO-5 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "score"),
    [([0, 0, 0, 0, 0], 0), ([5, 5, 5, 5, 5], 100), ([3, 4, 2, 5, 1], 60), ((1, 1, 1, 1, 2), 24)],
)
def test_who5_is_the_raw_score_times_four(items, score):
    assert figures.who5_score(items) == score


@pytest.mark.parametrize("items", [[], [1, 2, 3, 4], [1, 2, 3, 4, 5, 0], [1, 2, 3, 4, 6], [1, 2, 3, 4, -1]])
def test_who5_refuses_a_wrong_count_or_range(items):
    with pytest.raises(ValueError):
        figures.who5_score(items)


@pytest.mark.parametrize("bad", [2.5, "3", None, True])
def test_who5_refuses_an_answer_that_is_not_a_whole_number(bad):
    with pytest.raises(ValueError):
        figures.who5_score([1, 2, 3, 4, bad])


def test_the_twelve_months_up_to_a_day():
    assert figures.twelve_months_up_to(ON) == (date(2025, 7, 1), ON)
    assert figures.twelve_months_up_to(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))


# --- (2) objective outcomes ------------------------------------------------------------------------------------


@pytest.fixture
def cohort(world, tmp_path):
    """Six pathways of the cohort and one outside it, worked by hand in the test below."""
    w = world
    w.p1 = pathway(w, opened_on=date(2025, 1, 1))
    w.p2 = pathway(w, opened_on=date(2025, 3, 1), closed_on=date(2025, 12, 31), outcome=PathwayOutcome.GOAL_REACHED)
    household = f.HouseholdFactory(municipality=w.m)
    w.x = f.HouseholdMemberFactory(household=household).citizen
    w.y = f.HouseholdMemberFactory(household=household).citizen
    w.p3 = pathway(w, opened_on=date(2025, 6, 1), citizen=None, household=household)
    w.p4 = pathway(w, opened_on=date(2026, 1, 1), closed_on=date(2026, 5, 1), outcome=PathwayOutcome.GOAL_REACHED)
    w.p5 = pathway(w, opened_on=date(2026, 1, 1), closed_on=date(2026, 4, 1), outcome=PathwayOutcome.NOT_REACHED)
    w.p6 = pathway(w, opened_on=date(2026, 2, 1), closed_on=date(2026, 8, 1), outcome=PathwayOutcome.GOAL_REACHED)
    w.other = pathway(w, opened_on=date(2025, 1, 1))
    w.a, w.b, w.z = w.p1.citizen, w.p2.citizen, w.other.citizen
    w.ids = [w.p1.pk, w.p2.pk, w.p3.pk, w.p4.pk, w.p5.pk, w.p6.pk]

    # Status: a from no work and problematic use to upper-secondary and no use (after ON: employed, not counted);
    # b from a benefit and in treatment to employed, still problematic; x no work, occasional use; y nothing.
    E, S = EducationEmployment, SubstanceUse
    status(w, w.p1, w.a, date(2025, 1, 1), E.NONE, S.PROBLEMATIC, occasion=StatusOccasion.START)
    status(w, w.p1, w.a, date(2026, 3, 1), E.UPPER_SECONDARY, S.NONE)
    status(w, w.p1, w.a, date(2026, 7, 15), E.EMPLOYED, S.NONE)
    status(w, w.p2, w.b, date(2025, 3, 1), E.BENEFIT, S.IN_TREATMENT, benefit=Benefit.SICKNESS_BENEFIT)
    status(w, w.p2, w.b, date(2025, 12, 31), E.EMPLOYED, S.PROBLEMATIC, occasion=StatusOccasion.CLOSING)
    status(w, w.p3, w.x, date(2025, 6, 1), E.NONE, S.OCCASIONAL)
    status(w, w.other, w.z, date(2025, 6, 1), E.EMPLOYED, S.PROBLEMATIC)
    status(w, w.other, w.z, date(2026, 6, 1), E.EMPLOYED, S.NONE)

    # Imported consumption. Benefits are the records of the benefits department (Ydelse).
    stranger = f.random_cpr(born=date(1970, 5, 5))
    rows = [
        row(w.a.reveal_cpr(), department="Ydelse", start="2026-01-01", end="2026-01-31", amount="1000.00"),
        row(w.a.reveal_cpr(), department="Jobcenter", start="2026-01-01", end="2026-01-31", amount="5000.00"),
        row(w.a.reveal_cpr(), department="Ukendt afdeling", start="2026-01-01", end="2026-01-31", amount="400.00"),
        # 61 days, 31 of them (July) in the window: 610 × 31/61
        row(w.b.reveal_cpr(), department="Ydelse", start="2025-06-01", end="2025-07-31", amount="610.00"),
        # 61 days, 30 of them (June) in the window: 6100 × 30/61
        row(w.x.reveal_cpr(), department="Ydelse", start="2026-06-01", end="2026-07-31", amount="6100.00"),
        # 62 days, 31 of them (January 2026)
        row(w.y.reveal_cpr(), department="Børn og Unge", start="2025-12-01", end="2026-01-31", amount="620.00"),
        row(w.z.reveal_cpr(), department="Ydelse", start="2026-01-01", end="2026-01-31", amount="9999.00"),
        row(stranger, department="Ydelse", start="2026-01-01", end="2026-01-31", amount="777.00"),
        row(w.a.reveal_cpr(), department="Ydelse", start="2025-01-01", end="2025-06-30", amount="50000.00"),
    ]
    run_import(w.m, write_csv(tmp_path / "forbrug.csv", rows))
    return w


def test_objective_outcomes_known_answers(cohort, django_assert_max_num_queries):
    w = cohort
    # Teams on ON: p1 coordinator + job centre worker (a second one left the day before, an external professional is
    # no staff); p3 coordinator + job centre worker (the benefits worker starts the day after); p6 coordinator only.
    staff_on_team(w, w.p1, w.jobworker, w.jobs, date(2025, 2, 1))
    staff_on_team(w, w.p1, f.make_staff(w.jobs), w.jobs, date(2025, 2, 1), date(2026, 6, 29))
    f.TeamMemberFactory(pathway=w.p1, external=True)
    staff_on_team(w, w.p3, w.jobworker, w.jobs, date(2025, 6, 1))
    staff_on_team(w, w.p3, w.benefitworker, w.benefits, date(2026, 7, 1))

    # Messages: two from the citizen side in the window (the first and the last day, late evening Copenhagen time),
    # none counted from the day before the window, the day after, staff, or a pathway outside the cohort.
    a_account = f.portal_account(w.a)
    message(w.p1, a_account, citizen=w.a, at=datetime.datetime(2025, 7, 1, 0, 30, tzinfo=CPH))
    message(w.p1, a_account, citizen=w.a, at=datetime.datetime(2026, 6, 30, 23, 30, tzinfo=CPH))
    message(w.p1, a_account, citizen=w.a, at=datetime.datetime(2025, 6, 30, 23, 30, tzinfo=CPH))
    message(w.p1, a_account, citizen=w.a, at=datetime.datetime(2026, 7, 1, 0, 30, tzinfo=CPH))
    message(w.p1, w.coordinator, at=datetime.datetime(2026, 5, 1, 10, 0, tzinfo=CPH))
    message(w.other, f.portal_account(w.z), citizen=w.z, at=datetime.datetime(2026, 5, 1, 10, 0, tzinfo=CPH))

    with django_assert_max_num_queries(10):
        result = figures.objective_outcomes(pathway_ids=w.ids, on=ON)

    assert result.pathways == 6
    assert result.citizens == 7  # a, b, x, y and the citizens of p4, p5, p6
    assert result.with_status == 3  # a, b, x (y has no entry; a's entry after ON does not count)
    assert (result.in_education, result.employed, result.in_work_or_education) == (1, 1, 2)
    assert result.in_work_or_education_share == D(2) / D(3)
    assert result.benefit_amount == D("1000.00") + D("310.00") + D("3000.00")
    assert (result.substance_problem_at_start, result.out_of_substance_abuse) == (2, 1)  # a out, b not
    # p2: 01.03.2025 → 31.12.2025 = 305 days; p4: 01.01.2026 → 01.05.2026 = 120 days (p5 not reached, p6 after ON)
    assert result.successful_closed == 2
    assert result.successful_mean_days == D("212.5")
    assert result.self_initiated_contacts == 2
    # open on ON: p1 (2), p3 (2), p6 (1) → 5/3
    assert result.caseworkers_mean == D("1.7")


def test_objective_outcomes_of_an_empty_cohort():
    result = figures.objective_outcomes(pathway_ids=[], on=ON)
    assert (result.pathways, result.with_status, result.benefit_amount) == (0, 0, D("0.00"))
    assert result.successful_mean_days is None and result.caseworkers_mean is None
    assert result.in_work_or_education_share is None


def test_objective_outcomes_accept_a_queryset_of_ids(cohort):
    from samspil.pathways.models import Pathway

    ids = Pathway.objects.filter(pk__in=[cohort.p1.pk, cohort.p2.pk]).values_list("pk", flat=True)
    result = figures.objective_outcomes(pathway_ids=ids, on=ON)
    assert (result.pathways, result.with_status, result.in_work_or_education) == (2, 2, 2)


# --- (5) the cost of the target group --------------------------------------------------------------------------


def test_an_intervention_s_cost_in_a_period_is_the_economy_s_proration():
    month = {
        "unit": ServiceUnit.PER_MONTH,
        "unit_price": D("3100.00"),
        "quantity": D("1"),
        "starts_on": date(2025, 12, 15),
        "ends_on": None,
    }
    assert figures.intervention_cost_in_period(month, date(2026, 1, 16), date(2026, 1, 31)) == D("1600.00")
    assert figures.intervention_cost_in_period(month, date(2026, 1, 1), date(2026, 3, 31)) == D("9300.00")
    # closed on 10.01.2026: ten days of January
    assert figures.intervention_cost_in_period(month, date(2026, 1, 1), date(2026, 3, 31), date(2026, 1, 10)) == D(
        "1000.00"
    )
    one_off = {**month, "unit": ServiceUnit.ONE_OFF, "unit_price": D("700.00")}
    assert figures.intervention_cost_in_period(one_off, date(2026, 1, 1), date(2026, 3, 31)) == D("0.00")
    assert figures.intervention_cost_in_period(one_off, date(2025, 12, 15), date(2025, 12, 15)) == D("700.00")


def test_target_group_cost_known_answers(cohort, django_assert_max_num_queries):
    w = cohort
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    monthly = ServiceFactory(department=w.children, unit=ServiceUnit.PER_MONTH, unit_price=D("3100.00"))
    cheaper = ServiceFactory(department=w.children, unit=ServiceUnit.PER_MONTH, unit_price=D("2800.00"))
    one_off = ServiceFactory(department=w.children, unit=ServiceUnit.ONE_OFF, unit_price=D("700.00"))
    InterventionFactory(pathway=w.p1, service=monthly, starts_on=date(2025, 12, 15))  # 3 × 3100 = 9300
    # 14.02–30.04: February 15/28 of 2800 = 1500, March 2800
    InterventionFactory(pathway=w.p3, service=cheaper, starts_on=date(2026, 2, 14), ends_on=date(2026, 4, 30))
    InterventionFactory(pathway=w.p1, service=one_off, starts_on=date(2025, 11, 1))  # before the period
    InterventionFactory(pathway=w.p1, service=one_off, starts_on=date(2026, 3, 31))  # 700
    InterventionFactory(pathway=w.p1, service=monthly, starts_on=date(2026, 4, 1))  # after the period
    InterventionFactory(pathway=w.p2, service=monthly, starts_on=date(2026, 1, 1))  # p2 is not in this cohort
    closed = pathway(w, opened_on=date(2026, 1, 1), closed_on=date(2026, 2, 10), outcome=PathwayOutcome.OTHER)
    InterventionFactory(pathway=closed, service=cheaper, starts_on=date(2026, 2, 1))  # 10/28 of 2800 = 1000

    with django_assert_max_num_queries(6):
        result = figures.target_group_cost(pathway_ids=[w.p1.pk, w.p3.pk, closed.pk], start=start, end=end)

    assert result.pathways == 3
    assert result.citizens == 4  # a, x, y and the closed pathway's citizen
    assert result.economy == D("9300.00") + D("4300.00") + D("700.00") + D("1000.00")
    # a: Ydelse 1000 + Jobcenter 5000 + an unknown department 400 (every department counts here); y: 620 × 31/62;
    # x's record lies after the period, a's 50,000 before it.
    assert result.consumption == D("6400.00") + D("310.00")
    assert result.total == D("15300.00") + D("6710.00")


# --- (7) mono- and cross-disciplinary efforts ------------------------------------------------------------------


def test_efforts_known_answers(world, django_assert_max_num_queries):
    w = world
    start, end = date(2026, 1, 1), date(2026, 3, 31)
    q1 = pathway(w, opened_on=date(2025, 1, 1))  # team: the coordinator (Børn og Unge) …
    staff_on_team(w, q1, w.jobworker, w.jobs, date(2025, 1, 1), date(2025, 12, 31))  # … a place ended before
    q2 = pathway(w, opened_on=date(2025, 1, 1))
    staff_on_team(w, q2, w.jobworker, w.jobs, date(2025, 6, 1))  # team spans Børn og Unge and Jobcenter

    ours = ServiceFactory(department=w.children)
    theirs = ServiceFactory(department=w.jobs)
    one_off = ServiceFactory(department=w.children, unit=ServiceUnit.ONE_OFF, unit_price=D("700.00"))
    InterventionFactory(pathway=q1, service=ours)  # mono: paid and teamed by Børn og Unge
    InterventionFactory(pathway=q1, service=theirs)  # cross: Jobcenter pays, Børn og Unge's team
    shared = InterventionFactory(pathway=q1, service=ours)
    make_decision(shared, [(w.children, "50"), (w.jobs, "50")], decided_on=date(2026, 1, 1))  # cross: two payers
    later = InterventionFactory(pathway=q1, service=ours, starts_on=date(2025, 6, 1))
    make_decision(later, [(w.children, "100")], decided_on=date(2025, 6, 1))
    make_decision(later, [(w.children, "50"), (w.jobs, "50")], decided_on=date(2026, 5, 1))  # mono in the period
    InterventionFactory(pathway=q2, service=ours)  # cross: the team spans two departments
    InterventionFactory(pathway=q1, service=ours, starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))  # ended
    InterventionFactory(pathway=q1, service=one_off, starts_on=date(2026, 4, 1))  # one-off after the period
    InterventionFactory(pathway=q1, service=one_off, starts_on=date(2026, 2, 1))  # mono
    outside = pathway(w, opened_on=date(2025, 1, 1))
    InterventionFactory(pathway=outside, service=theirs)  # not in the cohort

    with django_assert_max_num_queries(4):
        result = figures.efforts(pathway_ids=[q1.pk, q2.pk], start=start, end=end)
    assert (result.interventions, result.mono_disciplinary, result.cross_disciplinary) == (6, 3, 3)
    assert result.pathways == 2


def test_efforts_on_a_pathway_closed_before_the_period_count_nothing(world):
    closed = pathway(world, opened_on=date(2025, 1, 1), closed_on=date(2025, 12, 1), outcome=PathwayOutcome.OTHER)
    InterventionFactory(pathway=closed, service=ServiceFactory(department=world.children))
    result = figures.efforts(pathway_ids=[closed.pk], start=date(2026, 1, 1), end=date(2026, 3, 31))
    assert (result.interventions, result.pathways) == (0, 0)


# --- (10) exemptions -------------------------------------------------------------------------------------------


def test_exemption_counts_are_exact_by_law_and_normalised_paragraph(world):
    w = world
    p = pathway(w, opened_on=date(2025, 1, 1))
    used = date(2026, 1, 10)
    for law, paragraph in [
        ("LAB", "kap. 9"),
        ("LAB", "Kap 9"),
        ("LAB", "kap. 10"),
        ("LAS", "kapitel 6a"),
        ("LAS", "§ 74"),
        ("Styringsloven", "§6, stk.4"),
        ("SEL", "Jens Hansen"),  # written before the strict format: counted, never shown
    ]:
        ExemptionFactory(pathway=p, law=law, paragraph=paragraph, used_on=used)
    ExemptionFactory(pathway=p, law="LAB", paragraph="kap. 9", used_on=date(2025, 12, 31))  # before the period
    ExemptionFactory(law="LAB", paragraph="kap. 9", used_on=used)  # another municipality

    counts = figures.exemption_counts(municipality=w.m, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert [(c.law, c.paragraph, c.uses) for c in counts] == [
        ("LAB", "kap. 9", 2),
        ("LAB", "kap. 10", 1),
        ("LAS", "kap. 6a", 1),
        ("LAS", "§ 74", 1),
        ("SEL", "", 1),
        ("Styringsloven", "§ 6, stk. 4", 1),
    ]
    assert counts[0].label == "LAB kap. 9"
    assert figures.exemption_counts(municipality=w.m.pk, start=used, end=used)[0].uses == 2
