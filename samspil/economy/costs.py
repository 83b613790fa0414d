"""What an intervention costs, month by month, and how a cost is split between paying departments.

Pure functions on plain values (and objects with the intervention's fields): no queries. Every page, report
and chart computes its amounts here, so they always agree.

The proration rule
------------------
- **Per month / per hour** (recurring): the monthly rate is `unit_price × quantity` (for a service priced
  per hour, `quantity` is hours per month). A calendar month the intervention covers only in part costs
  the rate × (days covered ÷ days in that month). Both the first and the last day count as covered. Each
  month's amount is rounded to øre (half up), and the total is the sum of the rounded months.
- **One-off**: `unit_price × quantity`, all of it in the month of the start date.
- **Up to when**: up to the end date, or, while ongoing (no end date), up to `until` (default: today). A
  given `until` also cuts an ended intervention off, so "cost so far on a date" is the same function. Nothing
  is counted before the start or after `until`; an intervention starting after `until` costs nothing yet.
- **A closed pathway** stops its interventions' costs on the day it was closed (`cost_until`), even when an
  intervention was never given an end date.

Who pays which month
--------------------
A re-assessment of the financing never rewrites the months before it. Each month is split by the decision in
force in that month (`split_by_decisions`): the first decision covers the intervention from its start; each
later decision covers from the month of its `decided_on` (a decision taken during a month applies to the whole
of that month) until the next one. Without any decision the granting department pays all of it.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from samspil.economy.choices import RECURRING_UNITS, ServiceUnit

ORE = Decimal("0.01")
HUNDRED = Decimal("100")


def to_ore(amount: Decimal) -> Decimal:
    return amount.quantize(ORE, rounding=ROUND_HALF_UP)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: datetime.date) -> datetime.date:
    return (last_of_month(day) + datetime.timedelta(days=1)).replace(day=1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every calendar month from `start`'s month to `end`'s month, both included."""
    months = []
    month = first_of_month(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def monthly_rate(*, unit: str, unit_price: Decimal, quantity: Decimal) -> Decimal | None:
    """The cost of a full month of a recurring service; None for a one-off service."""
    if unit not in RECURRING_UNITS:
        return None
    return to_ore(Decimal(unit_price) * Decimal(quantity))


def monthly_costs(
    *,
    unit: str,
    unit_price: Decimal,
    quantity: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    until: datetime.date,
) -> dict[datetime.date, Decimal]:
    """The cost in each calendar month (keyed by its first day), by the rule in the module's docstring."""
    if starts_on > until:
        return {}
    price = Decimal(unit_price) * Decimal(quantity)
    if unit == ServiceUnit.ONE_OFF:
        return {first_of_month(starts_on): to_ore(price)}
    last_day = until if ends_on is None else min(ends_on, until)
    costs = {}
    for month in months_between(starts_on, last_day):
        month_end = last_of_month(month)
        covered = (min(month_end, last_day) - max(month, starts_on)).days + 1
        costs[month] = to_ore(price * covered / month_end.day)
    return costs


def intervention_months(intervention, until: datetime.date) -> dict[datetime.date, Decimal]:
    """`monthly_costs` of anything carrying an intervention's fields (the model, or a `values()` row)."""
    get = intervention.get if isinstance(intervention, dict) else lambda name: getattr(intervention, name)
    return monthly_costs(
        unit=get("unit"),
        unit_price=get("unit_price"),
        quantity=get("quantity"),
        starts_on=get("starts_on"),
        ends_on=get("ends_on"),
        until=until,
    )


def cost_until(until: datetime.date, pathway_closed_on: datetime.date | None) -> datetime.date:
    """Count up to `until`, or up to the day the pathway was closed if that was earlier."""
    return min(until, pathway_closed_on) if pathway_closed_on else until


def total(months: dict[datetime.date, Decimal]) -> Decimal:
    return sum(months.values(), Decimal("0.00"))


def split(amount: Decimal, shares: Iterable[tuple[object, Decimal]]) -> dict[object, Decimal]:
    """Split `amount` by percent shares (adding up to 100) in øre, so the parts add up to `amount` exactly.

    Each part is rounded down to øre, and the øre left over go one by one to the largest remainders (ties: in
    the order given). Keys are whatever identifies the payer (a department id).
    """
    shares = list(shares)
    if not shares:
        return {}
    amount = to_ore(Decimal(amount))
    exact = [(key, amount * Decimal(percent) / HUNDRED) for key, percent in shares]
    parts = {key: value.quantize(ORE, rounding=ROUND_DOWN) for key, value in exact}
    left = int((amount - sum(parts.values())) / ORE)
    by_remainder = sorted(range(len(exact)), key=lambda i: -(exact[i][1] - parts[exact[i][0]]))
    for index in by_remainder[:left]:
        parts[exact[index][0]] += ORE
    return parts


def add_into(target: dict, source: dict) -> dict:
    """Add the amounts of `source` into `target` key by key (both dicts of Decimal)."""
    for key, value in source.items():
        target[key] = target.get(key, Decimal("0.00")) + value
    return target


def percentages(amounts: dict[object, Decimal]) -> dict[object, Decimal]:
    """Each key's share of the sum of `amounts` in percent with two decimals, adding up to exactly 100.00.

    The largest-remainder rule of `split`: each share rounded down, the hundredths left over to the largest
    remainders. All zero (or no amounts): every share is 0.
    """
    whole = sum(amounts.values(), Decimal("0"))
    if not whole:
        return {key: Decimal("0.00") for key in amounts}
    exact = [(key, HUNDRED * Decimal(amount) / whole) for key, amount in amounts.items()]
    parts = {key: value.quantize(ORE, rounding=ROUND_DOWN) for key, value in exact}
    left = int((HUNDRED - sum(parts.values())) / ORE)
    by_remainder = sorted(range(len(exact)), key=lambda i: -(exact[i][1] - parts[exact[i][0]]))
    for index in by_remainder[: max(left, 0)]:
        parts[exact[index][0]] += ORE
    return parts


def split_by_month(
    months: dict[datetime.date, Decimal], shares: list[tuple[object, Decimal]]
) -> dict[object, dict[datetime.date, Decimal]]:
    """Each payer's part of each month's cost."""
    result: dict = defaultdict(dict)
    for month, amount in months.items():
        for key, part in split(amount, shares).items():
            result[key][month] = part
    return dict(result)


Shares = list[tuple[object, Decimal]]


def shares_in_force(month: datetime.date, decisions: list[tuple[datetime.date, Shares]], default: Shares) -> Shares:
    """The shares of the decision in force in `month` (see "Who pays which month").

    `decisions` are (decided_on, shares) in the order they were taken; `default` applies without any decision.
    """
    if not decisions:
        return default
    in_force = decisions[0][1]  # the first decision covers the intervention from its start
    for decided_on, shares in decisions[1:]:
        if first_of_month(decided_on) <= month:
            in_force = shares
    return in_force


def split_by_decisions(
    months: dict[datetime.date, Decimal], decisions: list[tuple[datetime.date, Shares]], default: Shares
) -> dict[object, dict[datetime.date, Decimal]]:
    """Each payer's part of each month's cost, each month split by the decision in force in it."""
    result: dict = defaultdict(dict)
    for month, amount in months.items():
        for key, part in split(amount, shares_in_force(month, decisions, default)).items():
            result[key][month] = part
    return dict(result)


def payer_totals(by_payer: dict[object, dict[datetime.date, Decimal]]) -> dict[object, Decimal]:
    """Each payer's total over the months of `split_by_decisions`."""
    return {key: total(months) for key, months in by_payer.items()}
