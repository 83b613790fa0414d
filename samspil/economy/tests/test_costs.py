"""The cost rule (samspil/economy/costs.py) with answers worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from samspil.economy import costs
from samspil.economy.choices import ServiceUnit

D = Decimal


def months(unit=ServiceUnit.PER_MONTH, price="3100", quantity="1", start=None, end=None, until=None):
    return costs.monthly_costs(
        unit=unit,
        unit_price=D(price),
        quantity=D(quantity),
        starts_on=start,
        ends_on=end,
        until=until,
    )


def test_full_months_cost_the_rate():
    result = months(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31), until=datetime.date(2026, 12, 31))
    assert result == {
        datetime.date(2026, 1, 1): D("3100.00"),
        datetime.date(2026, 2, 1): D("3100.00"),
        datetime.date(2026, 3, 1): D("3100.00"),
    }
    assert costs.total(result) == D("9300.00")


def test_a_part_month_is_prorated_by_the_days_of_that_month():
    # 3,100 kr. a month from 15 January to 14 February: January 17/31 days, February 14/28 days.
    result = months(start=datetime.date(2026, 1, 15), end=datetime.date(2026, 2, 14), until=datetime.date(2026, 12, 31))
    assert result == {datetime.date(2026, 1, 1): D("1700.00"), datetime.date(2026, 2, 1): D("1550.00")}


def test_per_hour_is_rate_times_hours_per_month_and_rounds_to_ore():
    # 10 hours a month at 412.50 kr. = 4,125 kr. a month; 1 day of 30 in April = 137.50 kr.
    result = months(
        unit=ServiceUnit.PER_HOUR,
        price="412.50",
        quantity="10",
        start=datetime.date(2026, 4, 30),
        end=None,
        until=datetime.date(2026, 4, 30),
    )
    assert result == {datetime.date(2026, 4, 1): D("137.50")}
    # One third of a month: 100/3 rounds half up to øre.
    third = months(
        price="100", start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 10), until=datetime.date(2026, 5, 1)
    )
    assert third == {datetime.date(2026, 4, 1): D("33.33")}


def test_an_ongoing_intervention_counts_up_to_the_given_date():
    result = months(start=datetime.date(2026, 10, 1), end=None, until=datetime.date(2026, 11, 15))
    assert result == {datetime.date(2026, 10, 1): D("3100.00"), datetime.date(2026, 11, 1): D("1550.00")}
    # The date also cuts off an ended intervention: the cost so far on that date.
    ended = months(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 31), until=datetime.date(2026, 10, 31))
    assert costs.total(ended) == D("3100.00")


def test_nothing_before_the_start():
    assert months(start=datetime.date(2027, 1, 1), end=None, until=datetime.date(2026, 11, 1)) == {}


def test_one_off_is_paid_once_in_the_month_of_the_start():
    result = months(
        unit=ServiceUnit.ONE_OFF,
        price="2500",
        quantity="2",
        start=datetime.date(2026, 3, 20),
        until=datetime.date(2026, 11, 1),
    )
    assert result == {datetime.date(2026, 3, 1): D("5000.00")}
    assert costs.monthly_rate(unit=ServiceUnit.ONE_OFF, unit_price=D("2500"), quantity=D("2")) is None


def test_leap_february():
    result = months(start=datetime.date(2028, 2, 15), end=datetime.date(2028, 2, 29), until=datetime.date(2028, 3, 1))
    assert result == {datetime.date(2028, 2, 1): D("1603.45")}  # 3100 × 15/29 = 1603.448…


@pytest.mark.parametrize(
    ("amount", "shares", "expected"),
    [
        ("100.00", [("a", "50"), ("b", "50")], {"a": D("50.00"), "b": D("50.00")}),
        (
            "100.00",
            [("a", "33.33"), ("b", "33.33"), ("c", "33.34")],
            {"a": D("33.33"), "b": D("33.33"), "c": D("33.34")},
        ),
        ("0.10", [("a", "33.33"), ("b", "33.33"), ("c", "33.34")], {"a": D("0.03"), "b": D("0.03"), "c": D("0.04")}),
        ("1000.01", [("a", "60"), ("b", "40")], {"a": D("600.01"), "b": D("400.00")}),
    ],
)
def test_split_adds_up_to_the_amount_exactly(amount, shares, expected):
    parts = costs.split(D(amount), [(key, D(p)) for key, p in shares])
    assert parts == expected
    assert sum(parts.values()) == D(amount)


def test_months_between_crosses_the_year():
    assert costs.months_between(datetime.date(2025, 12, 31), datetime.date(2026, 2, 1)) == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


def test_a_closed_pathway_stops_the_count():
    assert costs.cost_until(datetime.date(2026, 11, 1), datetime.date(2026, 6, 30)) == datetime.date(2026, 6, 30)
    assert costs.cost_until(datetime.date(2026, 11, 1), None) == datetime.date(2026, 11, 1)
    assert costs.cost_until(datetime.date(2026, 5, 1), datetime.date(2026, 6, 30)) == datetime.date(2026, 5, 1)
