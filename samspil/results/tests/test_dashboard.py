"""The documentation model's pages: leaders get figures only (small numbers hidden), a caseworker their own caseload
(names, logged), everyone else 404 (logged). On the ten pathways of `test_documentation`."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.organisations.choices import StaffRole
from samspil.pathways.models import Programme
from samspil.results import documentation as doc
from samspil.results.models import ProgrammeFigures
from samspil.results.tests.test_documentation import E, days_ago, status, ten_pathways
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, query="", status=200):
    client.force_login(user)
    response = client.get(reverse(f"programme_results:{name}", args=args) + query)
    assert response.status_code == status, response.content[:500]
    return response


def text(response) -> str:
    return response.content.decode()


def citizen_names(world) -> list[str]:
    return [pathway.citizen.full_name for pathway in world.pathways]


def test_the_leader_sees_the_programme_s_figures_and_no_names(client):
    world = ten_pathways()
    response = page(client, world.leader, "programme", "vejen")
    content = text(response)
    headline = response.context["model"].headline
    assert headline.citizens.value == 10 and headline.in_education_share.percent == 60
    assert "60 %" in content
    assert "Anna Andersen" in content and "Bo Berg" in content and "Type 1" in content
    assert not [name for name in citizen_names(world) if name in content]
    assert not AccessLogEntry.objects.filter(actor=world.leader).exists()
    # The hidden figures are words on the page.
    assert _("fewer than 5") in content and _("not shown") in content


def test_a_head_of_department_and_a_controller_see_it_too(client):
    world = ten_pathways()
    for role in (StaffRole.DEPARTMENT_HEAD, StaffRole.CONTROLLER, StaffRole.TEAM_LEADER):
        page(client, f.make_staff(world.dept_b, role), "programme", "vejen")


def test_a_cohort(client):
    world = ten_pathways()
    query = f"?fra={days_ago(205):%d.%m.%Y}&til={days_ago(150):%d.%m.%Y}"  # pathways 0-5: six in education
    response = page(client, world.leader, "programme", "vejen", query=query)
    model = response.context["model"]
    assert model.headline.citizens.value == 6 and model.headline.in_education_share.percent == 100
    assert response.context["whole"].headline.citizens.value == 10
    assert response.context["export_url"].endswith(query)


@pytest.mark.parametrize(
    "query",
    ["?fra=31.02.2026", "?til=i+morgen", f"?fra={days_ago(10):%d.%m.%Y}&til={days_ago(20):%d.%m.%Y}"],
)
def test_a_bad_cohort_is_a_danish_error_and_422(client, query):
    world = ten_pathways()
    response = page(client, world.leader, "programme", "vejen", query=query, status=422)
    assert response.context["form"].errors
    assert response.context["model"].headline.citizens.value == 10  # the whole programme meanwhile
    assert "alert-error" in text(response)
    # Exporting with the same filter gives the page with the error, not a file.
    assert page(client, world.leader, "export", "vejen", query=query, status=422)["Content-Type"].startswith(
        "text/html"
    )


def test_the_date_error_is_danish(client):
    world = ten_pathways()
    response = page(client, world.leader, "programme", "vejen", query="?fra=31.02.2026", status=422)
    assert "Datoen findes ikke eller er skrevet på en anden måde" in text(response) or _(
        "The date does not exist or is written differently. Write it like 22.11.2026."
    ) in text(response)


def test_caseworkers_and_strangers_get_404_logged(client):
    world = ten_pathways()
    for name in ("programme", "export", "overview_export"):
        args = ("vejen",) if name != "overview_export" else ()
        page(client, world.a, name, *args, status=404)
    assert AuditEvent.objects.filter(code="access.denied", actor=world.a).count() == 3
    page(client, world.leader, "programme", "findes-ikke", status=404)
    other = f.ProgrammeFactory(code="andet")  # another municipality's
    page(client, world.leader, "programme", other.code, status=404)
    admin = f.make_staff(world.dept_a, StaffRole.ADMINISTRATOR)
    page(client, admin, "overview", status=404)


def test_the_overview_for_leaders(client):
    world = ten_pathways()
    response = page(client, world.leader, "overview")
    assert reverse("programme_results:programme", args=["vejen"]) in text(response)
    assert "60 %" in text(response)
    assert not response.context["own"]


def test_the_overview_for_a_caseworker_links_to_the_own_caseload(client):
    world = ten_pathways()
    response = page(client, world.b, "overview")
    assert not response.context["overview"]
    assert [(programme.code, n) for programme, n in response.context["own"]] == [("vejen", 3)]
    assert reverse("programme_results:caseload", args=["vejen"]) in text(response)
    assert not AccessLogEntry.objects.filter(actor=world.b).exists()


def test_the_caseload_shows_the_own_citizens_and_logs_each(client):
    world = ten_pathways()
    response = page(client, world.b, "caseload", "vejen")
    content = text(response)
    own = world.pathways[7:]
    assert all(pathway.citizen.full_name in content for pathway in own)
    assert not [p.citizen.full_name for p in world.pathways[:7] if p.citizen.full_name in content]
    assert str(world.pathways[8].citizen.status_entries.first().get_education_employment_display()) in content
    logged = AccessLogEntry.objects.filter(actor=world.b, shown="results.caseload")
    assert sorted(logged.values_list("citizen_id", "pathway_id")) == sorted((p.citizen_id, p.pk) for p in own)
    assert len(set(logged.values_list("request_id", flat=True))) == 1


def test_leaders_without_a_case_role_get_no_caseload(client):
    world = ten_pathways()
    page(client, world.leader, "caseload", "vejen", status=404)


def test_the_export_has_every_table_and_never_a_hidden_number(client):
    world = ten_pathways()
    response = page(client, world.leader, "export", "vejen")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="resultater-vejen.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6
    headline = list(book.worksheets[0].iter_rows(values_only=True))
    assert headline[0][:3] == (_("Cohort"), _("Citizens"), _("In education"))
    assert headline[1][1:5] == (10, 6, 60, "<5")  # 2 employed: hidden as text
    coordinators = list(book.worksheets[1].iter_rows(values_only=True))
    assert [row[0] for row in coordinators[1:]] == ["Anna Andersen", "Bo Berg"]
    assert coordinators[2][1] == "<5"  # Bo's 3 citizens
    assert coordinators[1][1] == _("not shown")  # Anna's 7, else 10 - 7 gives Bo's
    # Goals are counted over the pathways behind them (10 here), like the economy's amounts: shown.
    assert list(book.worksheets[-1].iter_rows(values_only=True))[1] == (2, 3)
    for sheet in book.worksheets[:-1]:
        for row in list(sheet.iter_rows(values_only=True))[1:]:
            assert all(not isinstance(value, int) or value == 0 or value >= 5 for value in row[1:]), row


def test_the_export_of_a_cohort_and_of_the_overview(client):
    world = ten_pathways()
    query = f"?fra={days_ago(205):%d.%m.%Y}&til={days_ago(150):%d.%m.%Y}"
    response = page(client, world.leader, "export", "vejen", query=query)
    assert f"resultater-vejen-{days_ago(205):%Y%m%d}-{days_ago(150):%Y%m%d}.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert list(book.worksheets[0].iter_rows(values_only=True))[1][1:4] == (6, 6, 100)
    overview = openpyxl.load_workbook(io.BytesIO(page(client, world.leader, "overview_export").content))
    rows = {row[0]: row for row in overview.worksheets[0].iter_rows(values_only=True)}
    assert rows["Vejen til uddannelse"][1:4] == (10, 6, 60)


def test_the_programme_page_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    small = ten_pathways()
    client.force_login(small.leader)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse("programme_results:programme", args=["vejen"]))
    large = ten_pathways(extra_pathways=25)
    client.force_login(large.leader)
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = client.get(reverse("programme_results:programme", args=["vejen"]))
    assert response.context["model"].headline.citizens.value == 35


def test_a_cohort_of_a_small_programme_does_not_show_the_whole_programme_s_hidden_count(client):
    """The comparison line under a cohort's headline shows the whole programme's citizens only when that count is
    shown itself: 1-4 is "fewer than 5" on the programme's own page, so it must not appear as a number here."""
    dept = f.DepartmentFactory(name="Børn og Unge")
    coordinator = f.make_staff(dept, StaffRole.CASEWORKER)
    programme = f.ProgrammeFactory(municipality=dept.municipality, code="lille", name="Lille program")
    for days in (30, 20, 10):
        f.PathwayFactory(coordinator=coordinator, lead_department=dept, programme=programme, opened_on=days_ago(days))
    leader = f.make_staff(dept, StaffRole.PROJECT_LEADER)
    query = f"?fra={days_ago(25):%d.%m.%Y}&til={days_ago(5):%d.%m.%Y}"
    response = page(client, leader, "programme", "lille", query=query)
    assert response.context["whole"].headline.citizens.hidden
    content = text(response)
    assert _("The whole programme, for comparison: %(n)s citizens.") % {"n": 3} not in content
    assert "3 " + _("citizens") not in content


# --- the kept figures ---------------------------------------------------------------------------------------


def in_education(response) -> int:
    return response.context["model"].headline.in_education.value


def noon() -> datetime.datetime:
    """Today at noon: a test that moves the clock on by minutes never crosses midnight (another day is counted)."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(12)))


def tables_of(model) -> str:
    """The tables per coordinator, department and target group as the page writes them for `model`."""
    return render_to_string("results/dashboard/_programme_tables.html", {"model": model})


def test_the_programme_page_reads_the_kept_figures_until_they_are_too_old_or_counted_again(client, settings):
    """The whole programme's figures are counted once and kept: a status recorded afterwards shows when they are
    counted again, after SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS or at once with the button; the page says when."""
    settings.SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS = 600
    world = ten_pathways()
    start = noon()
    with time_machine.travel(start, tick=False):
        first = page(client, world.leader, "programme", "vejen")
    assert in_education(first) == 6
    assert first.context["counted_at"] == start
    assert f"{timezone.localtime(start):%H:%M}" in text(first) and 'id="recount-form"' in text(first)
    kept = ProgrammeFigures.objects.get(programme=world.programme)
    assert kept.on == timezone.localdate(start) and kept.counted_at == start

    status(world.pathways[9], world.pathways[9].citizen, timezone.localdate(start), E.UPPER_SECONDARY)
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        assert in_education(page(client, world.leader, "programme", "vejen")) == 6  # the kept figures
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=1), tick=False):
        later = page(client, world.leader, "programme", "vejen")
    assert in_education(later) == 7 and later.context["counted_at"] == start + datetime.timedelta(minutes=10, seconds=1)
    assert ProgrammeFigures.objects.count() == 1

    # A cohort is counted for the page, and the whole programme beside it with it: both show a new status at once.
    status(world.pathways[7], world.pathways[7].citizen, timezone.localdate(start), E.UPPER_SECONDARY)
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=30), tick=False):
        response = page(client, world.leader, "programme", "vejen", query=f"?fra={days_ago(400):%d.%m.%Y}")
    assert in_education(response) == 8 and response.context["whole"].headline.in_education.value == 8
    assert response.context["counted_at"] is None and 'id="recount-form"' not in text(response)

    status(world.pathways[8], world.pathways[8].citizen, timezone.localdate(start), E.UPPER_SECONDARY)
    with time_machine.travel(start + datetime.timedelta(minutes=11), tick=False):
        response = client.post(reverse("programme_results:programme", args=["vejen"]))
        assert response.status_code == 302 and response["Location"] == reverse(
            "programme_results:programme", args=["vejen"]
        )
        again = client.get(response["Location"])
    assert in_education(again) == 9 and again.context["counted_at"] == start + datetime.timedelta(minutes=11)
    # The suppressed tables, and the page's fragment of them, are kept under the new counting's key.
    counting = ProgrammeFigures.objects.get(programme=world.programme).counting
    assert str(counting) in again.context["model"].kept_key
    assert again.context["model"].kept_key != later.context["model"].kept_key
    assert tables_of(again.context["model"]) in text(again)
    assert _("The figures have been counted again.") in text(again)


def test_kept_figures_of_another_day_or_layout_are_counted_again(client, settings, monkeypatch):
    world = ten_pathways()
    start = noon()
    with time_machine.travel(start, tick=False):
        page(client, world.leader, "programme", "vejen")
    status(world.pathways[9], world.pathways[9].citizen, timezone.localdate(start), E.UPPER_SECONDARY)
    ProgrammeFigures.objects.update(on=timezone.localdate(start) - datetime.timedelta(days=1))
    with time_machine.travel(start + datetime.timedelta(seconds=1), tick=False):
        assert in_education(page(client, world.leader, "programme", "vejen")) == 7
    status(world.pathways[8], world.pathways[8].citizen, timezone.localdate(start), E.UPPER_SECONDARY)
    monkeypatch.setattr(doc, "FIGURES_LAYOUT", doc.FIGURES_LAYOUT + 1)
    with time_machine.travel(start + datetime.timedelta(seconds=2), tick=False):
        assert in_education(page(client, world.leader, "programme", "vejen")) == 8
    assert ProgrammeFigures.objects.get().layout == doc.FIGURES_LAYOUT


def test_the_kept_figures_are_the_counted_ones():
    """Kept as JSON and read back, the counts give the same figures and breakdowns."""
    world = ten_pathways()
    counted = doc.database_tally(doc.programme_pathways(world.programme))
    kept = doc.kept_tallies([world.programme])[world.programme.pk]
    row = ProgrammeFigures.objects.get(programme=world.programme)
    assert doc.Tally.from_json(row.citizens, row.pathways) == counted == kept.tally
    assert counted.breakdown("target_group_id") == doc.Tally.from_json(row.citizens, row.pathways).breakdown(
        "target_group_id"
    )


def test_the_overview_reads_the_kept_figures_and_only_leaders_count_again(client):
    world = ten_pathways()
    other = f.ProgrammeFactory(municipality=world.municipality, code="andet", name="Andet program")
    start = noon()
    with time_machine.travel(start, tick=False):
        response = page(client, world.leader, "overview")
    assert response.context["counted_at"] == start and 'id="recount-form"' in text(response)
    programmes = set(Programme.objects.filter(municipality=world.municipality).values_list("pk", flat=True))
    assert {world.programme.pk, other.pk} <= programmes
    assert set(ProgrammeFigures.objects.values_list("programme_id", flat=True)) == programmes
    status(world.pathways[9], world.pathways[9].citizen, timezone.localdate(start), E.UPPER_SECONDARY)
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        overview = page(client, world.leader, "overview").context["overview"]
        assert [item.figures.in_education.value for item in overview if item.programme == world.programme] == [6]
        client.force_login(world.a)  # a caseworker sees the overview of the own caseload, and cannot count
        assert client.post(reverse("programme_results:overview")).status_code == 403
        client.force_login(world.leader)
        assert client.post(reverse("programme_results:overview")).status_code == 302
        overview = page(client, world.leader, "overview").context["overview"]
    assert [item.figures.in_education.value for item in overview if item.programme == world.programme] == [7]
    assert {item.counted_at for item in overview} == {start + datetime.timedelta(minutes=1)}


def test_the_export_cannot_be_posted(client):
    world = ten_pathways()
    client.force_login(world.leader)
    assert client.post(reverse("programme_results:export", args=["vejen"])).status_code == 405


def test_one_counting_is_written_in_each_language_and_only_leaders_count_again(client):
    world = ten_pathways()
    with time_machine.travel(noon(), tick=False):
        danish = page(client, world.leader, "programme", "vejen")
        client.cookies["django_language"] = "en"
        english = page(client, world.leader, "programme", "vejen")
    assert danish.context["model"].kept_key != english.context["model"].kept_key
    assert "Ingen målgruppe" in text(danish) and "No target group" in text(english)
    assert "No target group" not in text(danish) and "Ingen målgruppe" not in text(english)
    assert ProgrammeFigures.objects.count() == 1  # counted once, written twice
    with translation.override("en"):
        assert tables_of(english.context["model"]) in text(english)
    client.force_login(world.a)  # a caseworker: the programme's figures are not theirs to count
    assert client.post(reverse("programme_results:programme", args=["vejen"])).status_code == 404


def test_figures_counted_in_the_future_are_counted_again(client):
    """A clock set back (a test, a corrected server clock) never shows figures from after now."""
    world = ten_pathways()
    with time_machine.travel(noon() + datetime.timedelta(minutes=5), tick=False):
        page(client, world.leader, "programme", "vejen")
    status(world.pathways[9], world.pathways[9].citizen, timezone.localdate(), E.UPPER_SECONDARY)
    with time_machine.travel(noon(), tick=False):
        response = page(client, world.leader, "programme", "vejen")
    assert in_education(response) == 7 and response.context["counted_at"] == noon()


def test_the_error_page_of_an_export_counts_again_on_the_programme_page(client):
    world = ten_pathways()
    response = page(client, world.leader, "export", "vejen", query="?fra=xx", status=422)
    assert f'action="{reverse("programme_results:programme", args=["vejen"])}"' in text(response)


def test_a_cohort_page_counts_the_whole_programme_with_the_cohort(client):
    world = ten_pathways()
    with time_machine.travel(noon(), tick=False):
        page(client, world.leader, "programme", "vejen")
    extra = f.PathwayFactory(
        coordinator=world.a, lead_department=world.dept_a, programme=world.programme, opened_on=days_ago(1)
    )
    with time_machine.travel(noon() + datetime.timedelta(minutes=1), tick=False):
        response = page(client, world.leader, "programme", "vejen", query=f"?fra={days_ago(3):%d.%m.%Y}")
    assert extra.opened_on >= days_ago(3)
    assert response.context["whole"].headline.citizens.value == 11
