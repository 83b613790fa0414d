import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from samspil.segmentation import rules, selectors
from samspil.segmentation.choices import RuleCombination
from samspil.segmentation.models import CandidateRule
from samspil.segmentation.tests.factories import controller, people_with_costs

pytestmark = pytest.mark.django_db


@pytest.fixture
def hundred(tmp_path):
    """100 persons costing 1, 2, …, 100 kr.; person i draws on (i % 4) + 1 departments."""
    user = controller()
    people_with_costs(tmp_path, user.municipality, range(1, 101), departments=[(i % 4) + 1 for i in range(100)])
    return user


def test_concentration_shares_of_known_data(hundred):
    figures = selectors.figures(hundred)
    assert figures.citizens == 100 and figures.total_dkk == Decimal(5050)
    # ceil(p · 100) persons: 1, 3, 5 → 100; 100+99+98; 100+…+96
    assert figures.share(1) == Decimal(100) / Decimal(5050)
    assert figures.share(3) == Decimal(297) / Decimal(5050)
    assert figures.share(5) == Decimal(490) / Decimal(5050)
    assert figures.shares[50] == Decimal(sum(range(51, 101))) / Decimal(5050)
    assert figures.curve[0] == (0.0, 0.0) and figures.curve[-1] == (100.0, 100.0)
    assert figures.departments == [("1", 25), ("2", 25), ("3", 25), ("4", 25), ("5", 0), ("6+", 0)]


def test_top_count_is_the_ceiling():
    assert [rules.top_count(1, n) for n in (1, 99, 100, 101, 150)] == [1, 1, 1, 2, 2]
    assert rules.top_count(Decimal("2.5"), 40) == 1 and rules.top_count(100, 7) == 7


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # persons 1..100 cost i kr. and reach (i-1) % 4 + 1 departments; 4 departments: 4, 8, …, 100 (25 persons)
        ({"min_departments": 4, "top_percent": None, "combination": RuleCombination.ANY}, 25),
        ({"min_departments": None, "top_percent": 5, "combination": RuleCombination.ANY}, 5),
        # 4 departments OR top 5 % (96..100, of which 96 and 100 reach 4): 25 + 3
        ({"min_departments": 4, "top_percent": 5, "combination": RuleCombination.ANY}, 28),
        # 4 departments AND top 5 %: 96 and 100
        ({"min_departments": 4, "top_percent": 5, "combination": RuleCombination.ALL}, 2),
        ({"min_departments": None, "top_percent": None, "min_total_dkk": 91, "combination": RuleCombination.ALL}, 10),
        ({"min_departments": None, "top_percent": None, "combination": RuleCombination.ANY}, 0),
    ],
)
def test_the_candidate_rule(hundred, rule, expected):
    CandidateRule.objects.create(municipality=hundred.municipality, **rule)
    assert len(selectors.figures(hundred).candidates) == expected


def test_the_default_rule_is_three_departments_or_the_top_five_percent(hundred):
    figures = selectors.figures(hundred)
    assert figures.rule.pk is None
    # 3 or 4 departments: 50 persons; plus top 5 % (96..100) not among them: 97 (1 dept), 98 (2 depts) → 52
    assert len(figures.candidates) == 52
    with translation.override("en"):
        assert "OR" in figures.rule.describe()
    with translation.override("da"):
        assert "ELLER" in figures.rule.describe()


def test_consumption_report_json(hundred, capsys):
    call_command("consumption_report", "--json", "--municipality", hundred.municipality.code)
    report = json.loads(capsys.readouterr().out)
    assert report["citizens"] == 100 and report["total_dkk"] == "5050.00"
    assert report["share_top_1pct"] == f"{100 / 5050:.6f}"
    assert report["share_top_3pct"] == f"{297 / 5050:.6f}" and report["share_top_5pct"] == f"{490 / 5050:.6f}"
    assert report["candidates"] == 52 and report["rule"]["combination"] == "any"


def test_consumption_report_table(hundred, capsys):
    call_command("consumption_report", "--municipality", hundred.municipality.code)
    out = capsys.readouterr().out
    assert "Citizens in the data: 100" in out and "Candidates: 52" in out


def test_figures_follow_each_new_import(tmp_path):
    from samspil.segmentation.tests.factories import row, run_import, write_csv
    from tests import factories as f

    user = controller()
    assert selectors.figures(user).citizens == 0
    run_import(user.municipality, write_csv(tmp_path / "a.csv", [row(f.random_cpr(), amount="10")]))
    assert selectors.figures(user).total_dkk == Decimal(10)
    run_import(user.municipality, write_csv(tmp_path / "b.csv", [row(f.random_cpr(), amount="5")]))
    assert (selectors.figures(user).citizens, selectors.figures(user).total_dkk) == (2, Decimal(15))
