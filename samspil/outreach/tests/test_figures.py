"""Known answers for the evaluation's figures (`outreach.figures`), worked by hand on small data sets.

The period is 01.01.2026–31.03.2026 throughout (explicit dates: the figures take the period as arguments, so no test
depends on today's date).

The registrations (department: the job centre; H = Havnen, B = Broen):

| id  | centre | date       | element     | citizen                                   | rating (safe, relevant, place) |
|-----|--------|------------|-------------|-------------------------------------------|--------------------------------|
| r0  | H      | 31.12.2025 | casework    | anonymous                                 | — (before the period)          |
| r1  | H      | 05.01.2026 | casework    | anonymous                                 | 5, 4, –                        |
| r2  | H      | 06.01.2026 | casework    | anonymous                                 |                                |
| r3  | H      | 01.02.2026 | casework    | "Jens" at H (p1, never linked)            | 3, 5, 4                        |
| r4  | H      | 15.02.2026 | skp         | p1                                        |                                |
| r5  | H      | 01.03.2026 | misbrug     | C1 (CPR)                                  | 4, –, 2                        |
| r6  | B      | 10.03.2026 | casework    | "Lise" at B (p2), later linked to C1      |                                |
| r9  | B      | 01.01.2026 | holdbaseret | C2 (CPR)                                  | –, –, – (a form left empty)    |
| r10 | H      | 31.03.2026 | casework    | C1 (CPR)                                  |                                |
| r11 | B      | 01.04.2026 | casework    | C2 (CPR)                                  | — (after the period)           |

Citizens: r1, r2 (each anonymous registration is its own), p1 (twice, once), C1 (r5, r6 through p2's link, r10),
C2 → 5. Staff forms 8 (r1–r6, r9, r10). Citizen forms 4 (r1, r3, r5, r9). Citizens with both: r1, p1, C1, C2 → 4.
"""

import datetime
from decimal import Decimal

import pytest

from samspil.economy.models import OperatingCost
from samspil.outreach import figures
from samspil.outreach.choices import Element
from samspil.outreach.models import Appointment, CitizenRating, GroupActivity, GroupParticipant, GroupSession
from samspil.outreach.tests.factories import make_agreement, make_centre, make_person, make_registration
from tests import factories as f

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
CASEWORK, MISBRUG, SKP, HOLD = (e.value for e in Element)


def d(month, day, year=2026):
    return datetime.date(year, month, day)


def rate(registration, safe=None, relevant=None, place=None):
    return CitizenRating.objects.create(
        municipality=registration.municipality,
        registration=registration,
        safe=safe,
        relevant=relevant,
        place=place,
        source="paper",
    )


class Data:
    pass


@pytest.fixture
def data(world):
    x = Data()
    x.world = world
    x.m = world.municipality
    x.staff = world.jobworker
    x.havnen = make_centre(x.m, "Havnen")
    x.broen = make_centre(x.m, "Broen")
    x.c1 = f.CitizenFactory(municipality=x.m)
    x.c2 = f.CitizenFactory(municipality=x.m)
    x.p1 = make_person(x.havnen, "Jens")
    x.p2 = make_person(x.broen, "Lise")

    def reg(centre, day, element=CASEWORK, **who):
        return make_registration(centre, world.jobs, recorded_by=x.staff, occurred_on=day, element=element, **who)

    x.r0 = reg(x.havnen, d(12, 31, 2025))
    x.r1 = reg(x.havnen, d(1, 5))
    x.r2 = reg(x.havnen, d(1, 6))
    x.r3 = reg(x.havnen, d(2, 1), person=x.p1)
    x.r4 = reg(x.havnen, d(2, 15), SKP, person=x.p1)
    x.r5 = reg(x.havnen, d(3, 1), MISBRUG, citizen=x.c1)
    x.r6 = reg(x.broen, d(3, 10), person=x.p2)
    x.r9 = reg(x.broen, d(1, 1), HOLD, citizen=x.c2)
    x.r10 = reg(x.havnen, d(3, 31), citizen=x.c1)
    x.r11 = reg(x.broen, d(4, 1), citizen=x.c2)
    rate(x.r0, 1, 1, 1)
    rate(x.r1, 5, 4)
    rate(x.r3, 3, 5, 4)
    rate(x.r5, 4, None, 2)
    rate(x.r9)
    rate(x.r11, 1, 1, 1)
    return x


def link_p2(x):
    """Link "Lise" at Broen to C1 the way the person's row records it: her registration keeps `citizen` empty, so
    the figures must follow the person's link (whatever the linking service also fills in)."""
    x.p2.citizen = x.c1
    x.p2.save(update_fields=["citizen"])


def as_tuple(row):
    return (row.citizens, row.citizen_forms, row.staff_forms, row.citizens_with_both)


# --- Tabel 1.1 -----------------------------------------------------------------------------------------------


def test_table_1_1_total_counts_each_anonymous_registration_once_and_merges_a_linked_pseudonym(data):
    before_link = figures.kora_total(data.m.pk, START, END)
    assert as_tuple(before_link) == (6, 4, 8, 4)  # r1, r2, p1, C1, p2, C2: Lise is not yet known to be C1
    link_p2(data)
    assert as_tuple(figures.kora_total(data.m.pk, START, END)) == (5, 4, 8, 4)


def test_table_1_1_per_centre_counts_a_citizen_at_each_centre(data):
    link_p2(data)
    table = figures.kora_table(data.m.pk, START, END, by=figures.BY_CENTRE)
    assert as_tuple(table[data.havnen.pk]) == (4, 3, 6, 3)  # r1, r2, p1, C1; forms r1, r3, r5
    assert as_tuple(table[data.broen.pk]) == (2, 1, 2, 1)  # C1 (through Lise), C2; form r9
    assert set(table) == {data.havnen.pk, data.broen.pk}


def test_table_1_1_per_element(data):
    link_p2(data)
    table = figures.kora_table(data.m.pk, START, END, by=figures.BY_ELEMENT)
    assert as_tuple(table[CASEWORK]) == (4, 2, 5, 2)  # r1, r2, p1, C1 (r6 and r10); forms r1, r3
    assert as_tuple(table[MISBRUG]) == (1, 1, 1, 1)
    assert as_tuple(table[SKP]) == (1, 0, 1, 0)
    assert as_tuple(table[HOLD]) == (1, 1, 1, 1)  # a rating with every question unanswered is still a form


def test_table_1_1_narrowed_to_a_centre_and_an_element(data):
    assert as_tuple(figures.kora_total(data.m.pk, START, END, centre_id=data.havnen.pk, element=CASEWORK)) == (
        4,  # r1, r2, p1, C1 (r10)
        2,
        4,
        2,
    )


def test_table_1_1_period_boundaries_are_included(data):
    assert figures.kora_total(data.m.pk, d(1, 1), d(1, 1)).staff_forms == 1  # r9, on the first day
    assert figures.kora_total(data.m.pk, d(3, 31), d(3, 31)).staff_forms == 1  # r10, on the last day
    assert figures.kora_total(data.m.pk, d(12, 31, 2025), d(12, 31, 2025)).staff_forms == 1  # r0
    assert figures.kora_total(data.m.pk, d(4, 2), d(4, 30)).staff_forms == 0


def test_table_1_1_of_another_municipality_is_empty(data):
    other = f.MunicipalityFactory()
    assert as_tuple(figures.kora_total(other.pk, START, END)) == (0, 0, 0, 0)


def test_table_1_1_in_a_constant_number_of_queries(data, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures.kora_total(data.m.pk, START, END)
    with django_assert_num_queries(1):
        figures.kora_table(data.m.pk, START, END, by=figures.BY_CENTRE)


# --- demand --------------------------------------------------------------------------------------------------


def test_demand_per_month_and_centre(data):
    result = figures.demand(data.m.pk, START, END, by=figures.BY_CENTRE)
    assert result.months == [d(1, 1), d(2, 1), d(3, 1)]
    h, b = data.havnen.pk, data.broen.pk
    assert [(result.count(m, h), result.count(m, b)) for m in result.months] == [(2, 1), (2, 0), (2, 1)]
    assert [result.month_total(m) for m in result.months] == [3, 2, 3]


def test_demand_per_month_and_element(data):
    result = figures.demand(data.m.pk, START, END, by=figures.BY_ELEMENT)
    assert result.count(d(1, 1), CASEWORK) == 2
    assert result.count(d(1, 1), HOLD) == 1
    assert result.count(d(2, 1), SKP) == 1
    assert result.count(d(3, 1), CASEWORK) == 2  # r6, r10
    assert result.count(d(3, 1), MISBRUG) == 1


# --- ratings -------------------------------------------------------------------------------------------------


def test_ratings_mean_of_the_answers_given_and_distribution(data):
    result = figures.ratings(data.m.pk, START, END)
    safe, relevant, place = result["safe"], result["relevant"], result["place"]
    assert (safe.n, safe.mean, safe.distribution) == (3, Decimal("4.00"), {1: 0, 2: 0, 3: 1, 4: 1, 5: 1})
    assert (relevant.n, relevant.mean, relevant.distribution) == (2, Decimal("4.50"), {1: 0, 2: 0, 3: 0, 4: 1, 5: 1})
    assert (place.n, place.mean, place.distribution) == (2, Decimal("3.00"), {1: 0, 2: 1, 3: 0, 4: 1, 5: 0})


def test_ratings_without_answers_have_no_mean(data):
    result = figures.ratings(data.m.pk, START, END, element=HOLD)  # r9: a form with every question left empty
    assert [(item.n, item.mean) for item in result.values()] == [(0, None), (0, None), (0, None)]


# --- enhedsudgift --------------------------------------------------------------------------------------------


def cost(x, programme, month, element, amount):
    return OperatingCost.objects.create(
        municipality=x.m,
        programme=programme,
        month=month,
        element=element,
        amount=Decimal(amount),
        registered_by=x.staff,
    )


@pytest.fixture
def cost_data(data):
    """Programme P is named by Havnen's agreement (in force from 01.06.2025); Q by an agreement that ended on
    31.12.2025 (its costs are left out); Broen's agreement names no programme.

    P's costs: casework 3.000 kr. in each of January, February and March (and 7.000 in December, 5.000 in April,
    outside the period), SKP 1.000 in January, group activities 2.000 in February, the implementation team 600 in
    March; nothing for substance-abuse work. Q: casework 99.999 in January.

    Group activities: a session on 10.02.2026 with 6 participants not named and, named, p1, C3 (seen nowhere else)
    and p2 (linked to C1); a session on 02.04.2026 (after the period) with 10 not named and C4.
    """
    x = data
    link_p2(x)
    x.programme = f.ProgrammeFactory(municipality=x.m, name="Værestedsmodellen")
    other = f.ProgrammeFactory(municipality=x.m, name="Gammel model")
    make_agreement(x.havnen, programme=x.programme, starts_on=d(6, 1, 2025))
    make_agreement(x.broen, programme=None, starts_on=d(6, 1, 2025))
    make_agreement(x.broen, programme=other, starts_on=d(1, 1, 2025), ends_on=d(12, 31, 2025), title="Old")
    for month in (1, 2, 3):
        cost(x, x.programme, d(month, 1), "outreach_casework", "3000")
    cost(x, x.programme, d(12, 1, 2025), "outreach_casework", "7000")
    cost(x, x.programme, d(4, 1), "outreach_casework", "5000")
    cost(x, x.programme, d(1, 1), "support_contact", "1000")
    cost(x, x.programme, d(2, 1), "group_activities", "2000")
    cost(x, x.programme, d(3, 1), "implementation_team", "600")
    cost(x, other, d(1, 1), "outreach_casework", "99999")
    activity = GroupActivity.objects.create(municipality=x.m, centre=x.havnen, title="Madlavning", starts_on=d(1, 1))
    session = GroupSession.objects.create(municipality=x.m, activity=activity, held_on=d(2, 10), anonymous_count=6)
    c3, c4 = f.CitizenFactory(municipality=x.m), f.CitizenFactory(municipality=x.m)
    for who in ({"person": x.p1}, {"citizen": c3}, {"person": x.p2}):
        GroupParticipant.objects.create(municipality=x.m, session=session, **who)
    later = GroupSession.objects.create(municipality=x.m, activity=activity, held_on=d(4, 2), anonymous_count=10)
    GroupParticipant.objects.create(municipality=x.m, session=later, citizen=c4)
    return x


def test_unit_cost_per_element_and_in_total(cost_data):
    result = figures.unit_costs(cost_data.m.pk, START, END)
    assert result.programmes == [(cost_data.programme.pk, "Værestedsmodellen")]
    casework, misbrug, skp, hold = (result.by_element[e] for e in (CASEWORK, MISBRUG, SKP, HOLD))
    assert (casework.amount, casework.citizens, casework.unit_cost) == (Decimal("9000.00"), 4, Decimal("2250.00"))
    assert (misbrug.amount, misbrug.citizens, misbrug.unit_cost) == (None, 1, None)  # no cost registered
    assert (skp.amount, skp.citizens, skp.unit_cost) == (Decimal("1000.00"), 1, Decimal("1000.00"))
    # r9's C2, and the named participants p1, C3 and C1 (through p2): 4; the 6 not named are beside, not divided.
    assert (hold.amount, hold.citizens, hold.unit_cost) == (Decimal("2000.00"), 4, Decimal("500.00"))
    assert result.anonymous_participations == 6
    # Without: casework + SKP + the implementation team; the conversation elements' citizens r1, r2, p1, C1.
    without = result.total_without
    assert (without.amount, without.citizens, without.unit_cost) == (Decimal("10600.00"), 4, Decimal("2650.00"))
    # With: + group activities; r1, r2, p1, C1, C2 and C3.
    with_ = result.total_with
    assert (with_.amount, with_.citizens, with_.unit_cost) == (Decimal("12600.00"), 6, Decimal("2100.00"))
    assert result.as_json() == {
        CASEWORK: 2250.0,
        MISBRUG: None,
        SKP: 1000.0,
        HOLD: 500.0,
        figures.WITH_GROUP_ACTIVITIES: 2100.0,
        figures.WITHOUT_GROUP_ACTIVITIES: 2650.0,
    }


def test_unit_cost_with_no_citizens_is_none_not_a_division_error(cost_data):
    cost(cost_data, cost_data.programme, d(5, 1), "outreach_substance_abuse", "500")
    result = figures.unit_costs(cost_data.m.pk, d(5, 1), d(5, 31))  # no registration in May
    item = result.by_element[MISBRUG]
    assert (item.amount, item.citizens, item.unit_cost) == (Decimal("500.00"), 0, None)
    assert result.total_with.unit_cost is None


def test_unit_cost_takes_each_month_by_its_days_in_the_period(data):
    programme = f.ProgrammeFactory(municipality=data.m)
    make_agreement(data.havnen, programme=programme, starts_on=d(1, 1))
    cost(data, programme, d(1, 1), "outreach_casework", "3100")  # 16 of January's 31 days: 1.600
    cost(data, programme, d(2, 1), "outreach_casework", "2800")  # 14 of February's 28 days: 1.400
    result = figures.unit_costs(data.m.pk, d(1, 16), d(2, 14))
    item = result.by_element[CASEWORK]
    assert item.amount == Decimal("3000.00")
    assert item.citizens == 1  # r3 (p1) on 01.02
    assert item.unit_cost == Decimal("3000.00")


def test_unit_cost_without_a_programme_named_counts_no_costs(data):
    make_agreement(data.havnen, programme=None, starts_on=d(1, 1))
    result = figures.unit_costs(data.m.pk, START, END)
    assert result.programmes == []
    assert all(item.amount is None and item.unit_cost is None for item in result.by_element.values())
    assert result.total_with.amount is None


# --- no-shows ------------------------------------------------------------------------------------------------


@pytest.fixture
def appointments(data):
    """The job centre: at the office 10.01 attended, 11.01 and 12.01 no-show, 13.01 cancelled in time, 14.01 not
    held yet; at Havnen 05.02 and 06.02 attended, 07.02 no-show, 01.03 attended. Children and youth at the office:
    02.03 no-show, 03.03 attended. Outside the period: 31.12.2025 and 01.04.2026, both no-shows."""
    x = data

    def appointment(department, day, place, outcome):
        Appointment.objects.create(
            municipality=x.m,
            department=department,
            occurred_on=day,
            place=place,
            centre=x.havnen if place == "centre" else None,
            citizen_ref="ref",
            outcome=outcome,
        )

    jobs, children = x.world.jobs, x.world.children
    for day, outcome in ((10, "attended"), (11, "no_show"), (12, "no_show"), (13, "cancelled"), (14, "")):
        appointment(jobs, d(1, day), "office", outcome)
    for day, outcome in ((d(2, 5), "attended"), (d(2, 6), "attended"), (d(2, 7), "no_show"), (d(3, 1), "attended")):
        appointment(jobs, day, "centre", outcome)
    appointment(children, d(3, 2), "office", "no_show")
    appointment(children, d(3, 3), "office", "attended")
    appointment(jobs, d(12, 31, 2025), "office", "no_show")
    appointment(jobs, d(4, 1), "office", "no_show")
    return x


def test_no_show_rate_leaves_out_cancelled_in_time_and_not_held_yet(appointments):
    result = figures.no_shows(appointments.m.pk, START, END)
    assert (result.total.attended, result.total.no_show, result.total.rate) == (5, 4, 0.4444)
    assert result.rates_by_place() == {"centre": 0.25, "office": 0.6}
    jobs, children = appointments.world.jobs.pk, appointments.world.children.pk
    assert result.by_department[jobs].rate == 0.4286  # 3 of 7
    assert result.by_department[children].rate == 0.5
    assert [item.rate for item in result.by_month.values()] == [0.6667, 0.3333, 0.3333]
    assert result.before is None and result.after is None


def test_no_show_rate_before_and_after_a_day_that_belongs_to_after(appointments):
    result = figures.no_shows(appointments.m.pk, START, END, split_on=d(2, 5))
    assert (result.before.attended, result.before.no_show, result.before.rate) == (1, 2, 0.6667)
    assert (result.after.attended, result.after.no_show, result.after.rate) == (4, 2, 0.3333)


def test_no_show_rate_without_appointments_is_none(data):
    result = figures.no_shows(data.m.pk, START, END)
    assert result.total.rate is None
    assert result.rates_by_place() == {"centre": None, "office": None}


# --- the page's cells and the small-number rule --------------------------------------------------------------


def test_a_leader_sees_1_to_4_hidden_and_the_next_smallest_hidden_beside_it(world):
    """Centre A: 7 anonymous registrations, 5 of them rated. Centre B: 3 anonymous registrations. For a leader:
    B's 3 is hidden; of A's 7 and B's 3 adding up to the total 10, exactly one would be hidden, so A's 7 is hidden
    too and the total stays. A's 5 citizen forms beside its 2 registrations without one: the 2 is hidden (never
    shown), so the 5 is hidden as well."""
    m = world.municipality
    a, b = make_centre(m, "A"), make_centre(m, "B")
    for day in range(1, 8):
        registration = make_registration(a, world.jobs, recorded_by=world.jobworker, occurred_on=d(1, day))
        if day <= 5:
            rate(registration, 4, 4, 4)
    for day in range(1, 4):
        make_registration(b, world.jobs, recorded_by=world.jobworker, occurred_on=d(2, day))

    page = figures.evaluation_cells(municipality_id=m.pk, start=START, end=END)
    row_a, row_b = page.by_centre
    assert (row_a.label, row_b.label) == ("A", "B")
    assert row_b.citizens.hidden and row_b.citizens.small
    assert row_a.citizens.hidden and not row_a.citizens.small  # secondary
    assert not page.total.citizens.hidden and page.total.citizens.value == 10
    assert row_a.citizen_forms.hidden  # 7 − 5 = 2 would give away a small number
    safe = page.ratings[0]
    assert not safe.n.hidden and safe.mean.shown == Decimal("4.00")
    assert safe.distribution[3][1].value == 5 and not safe.distribution[3][1].hidden

    exact = figures.evaluation_cells(municipality_id=m.pk, start=START, end=END, exact=True)
    assert not any(cell.hidden for row in [*exact.by_centre, exact.total] for cell in (row.citizens, row.citizen_forms))


def test_a_leader_sees_no_mean_no_rate_and_no_unit_cost_behind_a_hidden_count(appointments):
    x = appointments
    programme = f.ProgrammeFactory(municipality=x.m)
    make_agreement(x.havnen, programme=programme, starts_on=d(1, 1))
    cost(x, programme, d(1, 1), "support_contact", "1000")
    page = figures.evaluation_cells(municipality_id=x.m.pk, start=START, end=END, split_on=d(2, 5))
    safe = page.ratings[0]
    assert safe.n.value == 3 and safe.n.hidden and safe.mean.shown is None
    # The answers' distribution is hidden whole, zeros too: "none below 3" would tell what the three answered.
    assert all(cell.hidden for _value, cell in safe.distribution)
    skp = next(row for row in page.unit_costs if row.key == SKP)
    assert skp.amount == Decimal("1000.00") and skp.citizens.hidden and skp.unit_cost is None
    at_centre = page.no_show_by_place[0]  # 3 attended, 1 no-show
    assert at_centre.n.value == 4 and at_centre.n.hidden and at_centre.rate.value is None
    assert [(row.attended.value, row.no_show.value) for row in page.no_show_split] == [(1, 2), (4, 2)]
    assert all(row.no_show.hidden and row.rate.value is None for row in page.no_show_split)
    # Before: 3 appointments, so its attended and no-shows are hidden with it. After: 6, hidden too, since the
    # 9 in all minus 6 would give the 3 back; the 9 itself stays.
    before, after = page.no_show_split
    assert before.n.hidden and before.attended.hidden
    assert after.n.hidden and not after.n.small and after.attended.hidden
    assert not page.no_show_total.n.hidden and page.no_show_total.n.value == 9
