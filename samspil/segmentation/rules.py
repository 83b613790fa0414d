"""The figures of segmentation, as pure functions over per-person totals (no database access here).

Definitions (the same for `consumption_report` and the pages):
- A person's *total* is the sum of `amount_dkk` over all their imported rows.
- The *most expensive p %* of N persons are the first ceil(p · N) persons when sorted by total, highest
  first (ties broken by the person's id, so the figure is stable). With N = 100 and p = 1 % that is one
  person; with N = 150 and p = 1 % it is two.
- `share_top(p)` is the sum of those persons' totals divided by the total of everyone (0 when the total is 0).
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samspil.segmentation.choices import RuleCombination

CURVE_POINTS = (1, 3, 5, 10, 20, 50)  # per cent of persons, for the table beside the curve


@dataclass(frozen=True, slots=True)
class PersonTotal:
    subject_id: int
    total: Decimal
    departments: int
    services: int


def top_count(percent, persons: int) -> int:
    """ceil(p · N) persons, computed exactly (Decimal), and never more than N."""
    return min(persons, math.ceil(Decimal(str(percent)) * persons / 100))


def ranked(people: list[PersonTotal]) -> list[PersonTotal]:
    return sorted(people, key=lambda person: (-person.total, person.subject_id))


def share_top(ranked_people: list[PersonTotal], percent, grand_total: Decimal) -> Decimal:
    if not grand_total:
        return Decimal(0)
    count = top_count(percent, len(ranked_people))
    return sum((person.total for person in ranked_people[:count]), Decimal(0)) / grand_total


def concentration_curve(ranked_people: list[PersonTotal], grand_total: Decimal, points: int = 100) -> list[tuple]:
    """(per cent of persons, per cent of total cost they hold), most expensive first, at `points` steps."""
    if not ranked_people or not grand_total:
        return []
    n = len(ranked_people)
    cumulative, running = [], Decimal(0)
    for person in ranked_people:
        running += person.total
        cumulative.append(running)
    curve = [(0.0, 0.0)]
    for step in range(1, points + 1):
        count = max(1, math.ceil(step * n / points))
        curve.append((step * 100 / points, float(cumulative[count - 1] / grand_total * 100)))
    return curve


def distribution(values, cap: int) -> list[tuple[str, int]]:
    """How many persons have 1, 2, … values, with the last bucket "cap or more"."""
    counts = [0] * cap
    for value in values:
        counts[min(value, cap) - 1] += 1
    return [(str(i + 1) if i + 1 < cap else f"{cap}+", count) for i, count in enumerate(counts)]


def candidates(ranked_people: list[PersonTotal], rule) -> list[PersonTotal]:
    """The persons the rule selects, in ranked order. An empty rule selects no one."""
    if rule is None or rule.is_empty:
        return []
    top = top_count(rule.top_percent, len(ranked_people)) if rule.top_percent is not None else None
    tests = []
    if rule.min_departments is not None:
        tests.append(lambda position, person: person.departments >= rule.min_departments)
    if top is not None:
        tests.append(lambda position, person: position < top)
    if rule.min_total_dkk is not None:
        tests.append(lambda position, person: person.total >= rule.min_total_dkk)
    combine = all if rule.combination == RuleCombination.ALL else any
    return [
        person for position, person in enumerate(ranked_people) if combine(test(position, person) for test in tests)
    ]


def rule_description(rule) -> str:
    """The rule in words, with AND/OR spelled out."""
    if rule is None or rule.is_empty:
        return _("No conditions: no citizen is a candidate.")
    parts = []
    if rule.min_departments is not None:
        parts.append(
            ngettext(
                "services from at least %(n)s department",
                "services from at least %(n)s departments",
                rule.min_departments,
            )
            % {"n": rule.min_departments}
        )
    if rule.top_percent is not None:
        parts.append(_("among the most expensive %(p)s %% of citizens") % {"p": _number(rule.top_percent)})
    if rule.min_total_dkk is not None:
        parts.append(_("a total cost of at least %(amount)s kr.") % {"amount": _number(rule.min_total_dkk)})
    joiner = _(" AND ") if rule.combination == RuleCombination.ALL else _(" OR ")
    return _("Candidate: %(conditions)s.") % {"conditions": joiner.join(parts)}


def _number(value) -> str:
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
