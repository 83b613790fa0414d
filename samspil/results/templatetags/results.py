"""The leaders' figure tables written in Python: a programme's table per coordinator can have hundreds of rows of
eight cells each, which as includes of `_cell.html` and `_share.html` took most of the page's time. The markup and
the words are the same as those includes'."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def cell_text(cell, numbers: dict | None = None) -> str:
    """`_cell.html`: the count, or why it is not shown (`numbers`: counts already written, by value)."""
    if cell.hidden:
        return gettext("fewer than 5") if cell.small else gettext("not shown")
    return _written(numbers, cell.value, lambda: conditional_escape(localize(cell.value)))


def share_text(share, numbers: dict | None = None) -> str:
    """`_share.html`: the percentage with at most one decimal, "–" without a denominator, or "not shown"."""
    if share.value is None:
        return gettext("not shown") if share.hidden else "–"
    percent = share.percent
    return _written(numbers, ("%", percent), lambda: conditional_escape(f"{floatformat(percent, '-1')} %"))


def _written(numbers: dict | None, key, write) -> str:
    """A number as the template would write it, once per value in a table (the same counts and shares recur in
    every row, and localising a number is most of a cell's cost)."""
    if numbers is None:
        return write()
    if key not in numbers:
        numbers[key] = write()
    return numbers[key]


@register.simple_tag
def figure_rows(rows):
    """The body rows of `_figures_table.html`: label, citizens, in education, employed, other, meetings met."""
    numbers, lines = {}, []
    for row in rows:
        lines.append(
            format_html(
                '<tr>\n      <th scope="row">{}</th>\n'
                '      <td class="align-text-right">{}</td>\n'
                '      <td class="align-text-right">{} <span class="muted">({})</span></td>\n'
                '      <td class="align-text-right">{} <span class="muted">({})</span></td>\n'
                '      <td class="align-text-right">{}</td>\n'
                '      <td class="align-text-right">{} <span class="muted">({})</span></td>\n'
                "    </tr>",
                row.label,
                cell_text(row.citizens, numbers),
                cell_text(row.in_education, numbers),
                share_text(row.in_education_share, numbers),
                cell_text(row.employed, numbers),
                share_text(row.employed_share, numbers),
                cell_text(row.other, numbers),
                cell_text(row.meetings_met, numbers),
                share_text(row.meetings_met_share, numbers),
            )
        )
    return mark_safe("\n".join(lines))  # each line is format_html's
