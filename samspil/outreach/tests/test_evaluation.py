"""The evaluation page `/vaeresteder/evaluering/` and its exports: who may read it, the period form, the small-number
rule for leaders (exact figures for the project leader, who reads every registration anyway), XLSX and CSV.

Assertions are on data, status codes, element ids and the exports' values, never on Danish text (the translations
are merged later)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.evaluation.figures import twelve_months_up_to
from samspil.organisations.choices import StaffRole
from samspil.outreach.models import CitizenRating
from samspil.outreach.tests.factories import make_agreement, make_centre, make_person, make_registration
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "outreach:evaluation"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def people(world):
    children = world.children
    return {
        "project_leader": f.make_staff(children, StaffRole.PROJECT_LEADER),
        "head": world.head,
        "controller": f.make_staff(f.DepartmentFactory(municipality=world.municipality), StaffRole.CONTROLLER),
        "caseworker": world.coordinator,
    }


@pytest.fixture
def one_rated_conversation(world):
    """Havnen: "Store Jens" had one conversation five days ago, rated 5, 4 and 3 (the browser test's situation)."""
    centre = make_centre(world.municipality, "Havnen")
    make_agreement(centre, starts_on=days_ago(400))
    person = make_person(centre)
    registration = make_registration(
        centre, world.jobs, recorded_by=world.jobworker, person=person, occurred_on=days_ago(5)
    )
    CitizenRating.objects.create(
        municipality=world.municipality, registration=registration, safe=5, relevant=4, place=3, source="link"
    )
    return centre


def get(client, user, name=URL, status=200, **query):
    client.force_login(user)
    response = client.get(reverse(name), query)
    assert response.status_code == status, response.content[:800]
    return response


def test_the_project_leader_sees_the_registration_and_the_rating_exactly(client, people, one_rated_conversation):
    response = get(client, people["project_leader"])
    page = response.context["page"]
    assert (page.start, page.end) == twelve_months_up_to(timezone.localdate())  # the default: the last 12 months
    assert page.exact
    assert [(row.label, row.staff_forms.value, row.staff_forms.hidden) for row in page.by_centre] == [
        ("Havnen", 1, False)
    ]
    assert (page.total.citizens.value, page.total.citizen_forms.value, page.total.citizens_with_both.value) == (1, 1, 1)
    safe = page.ratings[0]
    assert (safe.n.value, safe.n.hidden, str(safe.mean.shown)) == (1, False, "5.00")
    content = response.content.decode()
    for element_id in ('id="kora-centre-table"', 'id="ratings-table"', 'id="exact-note"', 'id="unit-cost-table"'):
        assert element_id in content
    # Figures only: no access-log row, no person on the page.
    assert not AccessLogEntry.objects.exists()
    assert "Store Jens" not in content


def test_leaders_get_the_small_number_rule(client, people, one_rated_conversation):
    for role in ("head", "controller"):
        page = get(client, people[role]).context["page"]
        assert not page.exact
        assert page.total.staff_forms.value == 1 and page.total.staff_forms.hidden
        assert page.by_centre[0].citizens.hidden
        assert page.ratings[0].mean.shown is None
    content = get(client, people["head"]).content.decode()
    assert 'id="exact-note"' not in content


def test_the_project_leader_may_hide_small_numbers_for_publishing(client, people, one_rated_conversation):
    page = get(client, people["project_leader"], small_numbers="on").context["page"]
    assert not page.exact and page.total.staff_forms.hidden


def test_a_head_cannot_ask_for_exact_figures(client, people, one_rated_conversation):
    response = get(client, people["head"], small_numbers="")
    assert "small_numbers" not in response.context["form"].fields
    assert response.context["page"].total.staff_forms.hidden


def test_a_caseworker_gets_404(client, people):
    get(client, people["caseworker"], status=404)
    get(client, people["caseworker"], name="outreach:evaluation_xlsx", status=404)
    get(client, people["caseworker"], name="outreach:evaluation_csv", status=404)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "31.02.2026"}, "from"),
        ({"from": "01.06.2026", "to": "01.01.2026"}, "__all__"),
        ({"from": "01.01.2015", "to": "01.01.2026"}, "__all__"),
        ({"from": "01.01.2026", "to": "31.03.2026", "before_after": "01.04.2026"}, "before_after"),
        ({"from": "01.01.2026", "to": "31.03.2026", "before_after": "01.01.2026"}, "before_after"),
        ({"element": "nonsense"}, "element"),
        ({"centre": "not-a-centre"}, "centre"),
    ],
)
def test_bad_input_gets_a_message_on_the_form(client, people, query, field):
    response = get(client, people["head"], status=422, **query)
    assert field in response.context["form"].errors
    assert response.context["page"] is None
    get(client, people["head"], name="outreach:evaluation_xlsx", status=422, **query)


def test_the_period_and_filters(client, people, world, one_rated_conversation):
    other = make_centre(world.municipality, "Broen")
    make_registration(other, world.jobs, recorded_by=world.jobworker, occurred_on=days_ago(60))
    leader = people["project_leader"]
    start, end = days_ago(120), days_ago(30)  # relative to the clock: Havnen's agreement (400 days) is in force
    page = get(client, leader, **{"from": start.isoformat(), "to": end.strftime("%d.%m.%Y")}).context["page"]
    assert (page.start, page.end, page.total.staff_forms.value) == (start, end, 1)
    assert [row.label for row in page.by_centre] == ["Broen", "Havnen"]  # Havnen: an agreement in force, no rows
    page = get(client, leader, centre=str(one_rated_conversation.public_id)).context["page"]
    assert [row.label for row in page.by_centre] == ["Havnen"] and page.total.staff_forms.value == 1
    page = get(client, leader, element="skp").context["page"]
    assert page.total.staff_forms.value == 0 and [row.key for row in page.by_element] == ["skp"]
    page = get(client, leader, to="31.03.2026").context["page"]  # the twelve months up to the last day
    assert (page.start, page.end) == (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    page = get(client, leader, before_after=f"{days_ago(30):%d.%m.%Y}").context["page"]
    assert len(page.no_show_split) == 2 and page.split_on == days_ago(30)


def test_the_xlsx_has_every_table_with_the_same_suppression(client, people, one_rated_conversation):
    response = get(client, people["head"], name="outreach:evaluation_xlsx")
    start, end = twelve_months_up_to(timezone.localdate())
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="vaeresteder-evaluering-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 8
    rows = list(book.worksheets[1].iter_rows(values_only=True))  # Tabel 1.1 per centre
    assert rows[1] == ("Havnen", "<5", "<5", "<5", "<5")
    ratings = list(book.worksheets[5].iter_rows(values_only=True))
    assert ratings[1][1:3] == ("<5", "<5")  # answers hidden, and the mean with them

    exact = openpyxl.load_workbook(
        io.BytesIO(get(client, people["project_leader"], name="outreach:evaluation_xlsx").content)
    )
    assert list(exact.worksheets[1].iter_rows(values_only=True))[1] == ("Havnen", 1, 1, 1, 1)
    assert list(exact.worksheets[5].iter_rows(values_only=True))[1][1:4] == (1, 5, 0)  # n, mean 5.00, no 1s


def test_the_csv_is_utf8_with_bom_semicolons_and_the_same_suppression(client, people, one_rated_conversation):
    response = get(client, people["head"], name="outreach:evaluation_csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert all(len(line) == 4 for line in lines)
    havnen = [line for line in lines[1:] if line[1] == "Havnen"]
    assert havnen and {line[3] for line in havnen} == {"<5"}
    exact = get(client, people["project_leader"], name="outreach:evaluation_csv").content.decode("utf-8")
    exact_lines = list(csv.reader(io.StringIO(exact.lstrip("\ufeff")), delimiter=";"))
    assert [line[3] for line in exact_lines[1:] if line[1] == "Havnen"][:4] == ["1", "1", "1", "1"]
    mean = [line[3] for line in exact_lines if line[3] == "5,00"]
    assert mean  # a decimal comma


def test_the_page_makes_a_constant_number_of_queries(client, people, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    centre = make_centre(world.municipality, "Havnen")
    make_registration(centre, world.jobs, recorded_by=world.jobworker, occurred_on=days_ago(3))
    client.force_login(people["head"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(URL))
    for index in range(40):
        other = make_centre(world.municipality, f"Sted {index}")
        person = make_person(other, f"Navn {index}")
        for days in (20, 80, 200):
            make_registration(other, world.jobs, recorded_by=world.jobworker, person=person, occurred_on=days_ago(days))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(URL))
    assert response.context["page"].total.staff_forms.value == 121


def test_operating_costs_are_shown_as_under_economy(client, people, world, one_rated_conversation):
    """The unit costs' amounts follow the economy's rule for operating costs: controllers and project leaders read
    every programme's, a department head only those of programmes coordinated from their department."""
    from decimal import Decimal

    from samspil.economy.models import OperatingCost

    programme = f.ProgrammeFactory(municipality=world.municipality)
    make_agreement(one_rated_conversation, programme=programme, starts_on=days_ago(400), title="Med program")
    OperatingCost.objects.create(
        municipality=world.municipality,
        programme=programme,
        # Last month: wholly inside the evaluated year, whatever day it is (this month is cut at yesterday and
        # counts only its days so far, which failed this test from the 6th of a month on).
        month=(timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
        element="outreach_casework",
        amount=Decimal("5000"),
        registered_by=people["controller"],
    )
    for role in ("controller", "project_leader"):
        page = get(client, people[role]).context["page"]
        casework = page.unit_costs[0]
        assert page.costs_shown and casework.amount_shown == Decimal("5000.00")
    page = get(client, people["project_leader"]).context["page"]
    assert page.unit_costs[0].unit_cost == Decimal("5000.00")  # one citizen, exact for the project leader

    response = get(client, people["head"])
    page = response.context["page"]
    assert not page.costs_shown and page.unit_costs[0].amount_shown is None and page.unit_costs[0].unit_cost is None
    assert 'id="cost-not-shown"' in response.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(get(client, people["head"], name="outreach:evaluation_xlsx").content))
    row = list(book.worksheets[6].iter_rows(values_only=True))[1]
    assert row[1] != 5000 and row[3] != 5000

    f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=programme)
    assert get(client, people["head"]).context["page"].costs_shown  # now coordinated from the head's department
