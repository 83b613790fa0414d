"""`manage.py outreach_report`: the evaluation's exact figures as JSON or a Danish table, on the hand-worked data of
`test_figures` (its docstrings give the answers)."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from samspil.evaluation.figures import twelve_months_up_to
from samspil.outreach.tests.test_figures import appointments, cost_data, data  # noqa: F401 (fixtures)
from tests import factories as f

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("outreach_report", *args, stdout=out)
    return out.getvalue()


def report(municipality, *args) -> dict:
    return json.loads(run("--json", "--municipality", municipality.code, *args))


def test_the_json_has_every_figure_of_the_period(cost_data, appointments):  # noqa: F811
    result = report(cost_data.m, "--from", "2026-01-01", "--to", "2026-03-31", "--before-after", "2026-02-05")
    assert (result["from"], result["to"]) == ("2026-01-01", "2026-03-31")
    assert (result["registrations"], result["citizens"], result["citizen_forms"], result["citizens_with_both"]) == (
        8,
        5,
        4,
        4,
    )
    assert result["by_centre"] == {
        "Broen": {"citizens": 2, "citizen_forms": 1, "registrations": 2, "citizens_with_both": 1},
        "Havnen": {"citizens": 4, "citizen_forms": 3, "registrations": 6, "citizens_with_both": 3},
    }
    assert result["by_element"]["skp"] == {
        "citizens": 1,
        "citizen_forms": 0,
        "registrations": 1,
        "citizens_with_both": 0,
    }
    assert result["ratings"] == {"safe": 4.0, "relevant": 4.5, "place": 3.0}
    assert result["rating_answers"] == {"safe": 3, "relevant": 2, "place": 2}
    assert result["rating_distribution"]["place"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert result["unit_cost_by_element"] == {
        "fremskudt_sagsbehandling": 2250.0,
        "fremskudt_misbrugsindsats": None,
        "skp": 1000.0,
        "holdbaseret": 500.0,
        "total_with_group_activities": 2100.0,
        "total_without_group_activities": 2650.0,
    }
    assert result["unit_cost_detail"]["holdbaseret"] == {"amount": 2000.0, "citizens": 4, "unit_cost": 500.0}
    assert result["anonymous_participations"] == 6
    assert result["programmes"] == ["Værestedsmodellen"]
    assert result["no_show_rate"] == {"centre": 0.25, "office": 0.6}
    assert result["no_show"]["all"] == {"attended": 5, "no_show": 4, "rate": 0.4444}
    assert result["no_show"]["before"]["rate"] == 0.6667 and result["no_show"]["after"]["rate"] == 0.3333


def test_the_text_table_is_danish_with_danish_numbers(cost_data, appointments):  # noqa: F811
    text = run("--municipality", cost_data.m.code, "--from", "2026-01-01", "--to", "2026-03-31")
    assert "01.01.2026 – 31.03.2026" in text
    assert "Alle væresteder" in text
    assert "12.600,00 kr. /     6 borgere =     2.100,00 kr." in text
    assert "60,0 %  (3 af 5)" in text


def test_the_default_period_is_the_twelve_months_up_to_today(data):  # noqa: F811
    result = report(data.m)
    start, end = twelve_months_up_to(timezone.localdate())
    assert (result["from"], result["to"]) == (start.isoformat(), end.isoformat())
    only_to = report(data.m, "--to", "2026-03-31")
    assert only_to["from"] == "2025-04-01"
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)
    only_from = report(data.m, "--from", ten_days_ago.isoformat())
    assert (only_from["from"], only_from["to"]) == (ten_days_ago.isoformat(), timezone.localdate().isoformat())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-30"], "findes ikke"),
        (["--to", "31.03.2026"], "findes ikke"),
        (["--from", "2026-04-01", "--to", "2026-03-31"], "--from"),
        (["--from", "2026-01-01", "--to", "2026-03-31", "--before-after", "2026-01-01"], "--before-after"),
        (["--municipality", "nowhere"], "nowhere"),
    ],
)
def test_bad_options_get_a_clear_error(world, args, message):
    if "--municipality" not in args:
        args = ["--municipality", world.municipality.code, *args]
    with pytest.raises(CommandError, match=message):
        run("--json", *args)


def test_more_than_one_municipality_needs_the_option(world):
    f.MunicipalityFactory()
    with pytest.raises(CommandError, match="--municipality"):
        run("--json")


def test_an_empty_period_gives_zeros_and_nulls(world):
    result = report(world.municipality, "--from", "2026-01-01", "--to", "2026-01-31")
    assert (result["registrations"], result["citizens"]) == (0, 0)
    assert result["ratings"] == {"safe": None, "relevant": None, "place": None}
    assert set(result["unit_cost_by_element"].values()) == {None}
    assert result["no_show_rate"] == {"centre": None, "office": None}
    assert datetime.date.fromisoformat(result["from"]) == datetime.date(2026, 1, 1)
