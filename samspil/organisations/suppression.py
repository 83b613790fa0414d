"""Small-number suppression: the one rule every report of figures about citizens uses.

1. Primary: a figure covering 1 to 4 (`SMALL_COUNT`) distinct pathways is hidden, so it cannot point at one citizen.
2. Secondary: when figures add up to a total that is shown and exactly one of them is hidden, the total minus the
   others would give it away, so the next smallest shown figure is hidden too (or, when there is none, the total).

A figure is a `Cell`: its value (an amount or a count) and the number of distinct pathways behind it.
"""

from dataclasses import dataclass
from decimal import Decimal

# Counts from 1 to this number are shown as "fewer than 5".
SMALL_COUNT = 4


@dataclass
class Cell:
    """A figure in a report (an amount, or a count) with the number of distinct pathways it covers.

    `hidden` is set by `protect`; templates show a hidden cell as "fewer than 5" (`small`) or "not shown".
    """

    value: Decimal | int
    pathways: int
    hidden: bool = False

    @property
    def small(self) -> bool:
        return 0 < self.pathways <= SMALL_COUNT

    @property
    def n(self):
        return self.value

    @property
    def amount(self):
        return self.value

    @property
    def suppressed(self) -> bool:
        return self.hidden


def count_cell(n: int) -> Cell:
    """A count of pathways or citizens: hidden when the count itself is 1 to 4."""
    cell = Cell(value=n, pathways=n)
    cell.hidden = cell.small
    return cell


def protect(cells: list[Cell], total: Cell | None = None, *, prefer_total: bool = False) -> None:
    """Apply the suppression rule of the module's docstring to `cells`, which add up to `total` (if shown).

    Primary: every cell (and the total) covering 1 to 4 pathways is hidden. Secondary: if the total is shown and
    exactly one cell is hidden, the next smallest shown cell with pathways is hidden too, or, when there is none
    (or `prefer_total`), the total.
    """
    for cell in [*cells, *([total] if total is not None else [])]:
        if cell.small:
            cell.hidden = True
    if total is None or total.hidden:
        return
    if sum(1 for cell in cells if cell.hidden) != 1:
        return
    candidates = sorted((c for c in cells if not c.hidden and c.pathways), key=lambda c: c.value)
    if candidates and not prefer_total:
        candidates[0].hidden = True
    else:
        total.hidden = True
