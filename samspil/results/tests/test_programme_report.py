"""`manage.py programme_report`: the documentation model's figures as JSON, on the ten pathways of
`test_documentation` (6 of 10 in education, 2 employed, 3 with the minimum of meetings)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from samspil.results.tests.test_documentation import days_ago, ten_pathways
from tests import factories as f

pytestmark = pytest.mark.django_db


def report(*args) -> dict:
    out = io.StringIO()
    call_command("programme_report", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_programme_as_json():
    ten_pathways()
    figures = report("--programme", "vejen", "--json")
    assert figures["citizens"] == 10
    assert figures["in_education_share"] == 0.6
    assert figures["employed_share"] == 0.2
    assert figures["meetings_minimum_met_share"] == 0.3
    assert (figures["in_education"], figures["employed"], figures["status_unknown"]) == (6, 2, 1)
    assert "cohort" not in figures


def test_a_cohort():
    ten_pathways()
    figures = report(
        "--programme",
        "vejen",
        "--json",
        "--cohort-from",
        days_ago(165).isoformat(),
        "--cohort-to",
        days_ago(125).isoformat(),
    )
    assert figures["citizens"] == 10  # the programme as a whole, and beside it ...
    cohort = figures["cohort"]
    assert (cohort["from"], cohort["to"]) == (days_ago(165).isoformat(), days_ago(125).isoformat())
    assert cohort["citizens"] == 4
    assert (cohort["in_education_share"], cohort["employed_share"], cohort["meetings_minimum_met_share"]) == (
        0.5,
        0.5,
        0.0,
    )
    # One limit only: everyone opened from that day on (pathways 5-9).
    assert (
        report("--programme", "vejen", "--json", "--cohort-from", days_ago(150).isoformat())["cohort"]["citizens"] == 5
    )


def test_of_the_first_n():
    """Seed 002's "of the first 100": the first four by start date are pathways 0-3, all in education; three of them
    held the minimum of two meetings with the citizen (pathway 3 held one; its analysis meeting does not count)."""
    ten_pathways()
    cohort = report("--programme", "vejen", "--json", "--first", "4")["cohort"]
    assert cohort["first"] == 4 and cohort["citizens"] == 4
    assert (cohort["in_education_share"], cohort["employed_share"], cohort["meetings_minimum_met_share"]) == (
        1.0,
        0.0,
        0.75,
    )


def test_the_status_on_another_day():
    ten_pathways()
    figures = report("--programme", "vejen", "--json", "--on", days_ago(30).isoformat())
    assert (figures["citizens"], figures["in_education_share"], figures["on"]) == (10, 0.0, days_ago(30).isoformat())


def test_the_text_report_is_danish():
    ten_pathways()
    out = io.StringIO()
    call_command("programme_report", "--programme", "vejen", stdout=out)
    assert "I uddannelse: 6 (60,0%)" in out.getvalue()
    assert "Mindste antal møder holdt: 3 (30,0%)" in out.getvalue()


def test_an_empty_programme_has_null_shares():
    f.ProgrammeFactory(code="tom")
    figures = report("--programme", "tom", "--json")
    assert figures["citizens"] == 0 and figures["in_education_share"] is None


@pytest.mark.parametrize(
    "args, message",
    [
        (["--programme", "findes-ikke"], "Der er intet program med koden 'findes-ikke'"),
        (["--programme", "vejen", "--cohort-from", "2026-02-30"], "Datoen '2026-02-30' findes ikke"),
        (["--programme", "vejen", "--cohort-to", "22.11.2026"], "Datoen '22.11.2026' findes ikke"),
        (["--programme", "vejen", "--cohort-from", "2026-06-01", "--cohort-to", "2026-01-01"], "skal ligge før"),
        (["--programme", "vejen", "--municipality", "999999"], "Der er ingen kommune med koden '999999'"),
        (["--programme", "vejen", "--first", "0"], "--first skal være et helt tal på mindst 1"),
    ],
)
def test_danish_errors(args, message):
    ten_pathways()
    with pytest.raises(CommandError, match=message):
        call_command("programme_report", *args, stdout=io.StringIO())


def test_more_than_one_municipality_needs_the_code():
    world = ten_pathways()
    f.MunicipalityFactory()
    with pytest.raises(CommandError, match="Angiv --municipality"):
        call_command("programme_report", "--programme", "vejen", stdout=io.StringIO())
    figures = report("--programme", "vejen", "--json", "--municipality", world.municipality.code)
    assert figures["citizens"] == 10
