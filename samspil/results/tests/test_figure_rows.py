"""`results.figure_rows` writes the same rows as the includes of `_cell.html` and `_share.html` did."""

import pytest
from django.template import Context, Template
from django.utils import translation

from samspil.organisations.suppression import Cell
from samspil.results.documentation import FigureCells

INCLUDES = Template(
    """{% for row in rows %}<tr>
      <th scope="row">{{ row.label }}</th>
      <td class="align-text-right">{% include "results/dashboard/_cell.html" with cell=row.citizens %}</td>
      <td class="align-text-right">{% include "results/dashboard/_cell.html" with cell=row.in_education %} <span class="muted">({% include "results/dashboard/_share.html" with share=row.in_education_share %})</span></td>
      <td class="align-text-right">{% include "results/dashboard/_cell.html" with cell=row.employed %} <span class="muted">({% include "results/dashboard/_share.html" with share=row.employed_share %})</span></td>
      <td class="align-text-right">{% include "results/dashboard/_cell.html" with cell=row.other %}</td>
      <td class="align-text-right">{% include "results/dashboard/_cell.html" with cell=row.meetings_met %} <span class="muted">({% include "results/dashboard/_share.html" with share=row.meetings_met_share %})</span></td>
    </tr>{% if not forloop.last %}
{% endif %}{% endfor %}"""  # noqa: E501
)
TAG = Template("{% load results %}{% figure_rows rows %}")


def cells(label, citizens, in_education, employed, met, *, hidden=()) -> FigureCells:
    row = FigureCells(
        label=label,
        citizens=Cell(citizens, citizens),
        in_education=Cell(in_education, in_education),
        employed=Cell(employed, employed),
        other=Cell(citizens - in_education - employed, citizens - in_education - employed),
        meetings_met=Cell(met, met),
        meetings_not_met=Cell(citizens - met, citizens - met),
    )
    for name in hidden:
        getattr(row, name).hidden = True
    return row


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_tag_writes_what_the_includes_wrote(language):
    rows = [
        cells("Anna <Andersen> & co", 1234, 617, 300, 1000),
        cells("Bo Berg", 12, 3, 0, 7, hidden=["in_education", "other"]),
        cells("Ingen", 0, 0, 0, 0),
        cells("Lille", 3, 1, 1, 2, hidden=["citizens", "in_education", "employed", "other", "meetings_met"]),
    ]
    with translation.override(language):
        expected = INCLUDES.render(Context({"rows": rows}))
        written = TAG.render(Context({"rows": rows}))
    assert written == expected
    assert "&lt;Andersen&gt; &amp; co" in written
    assert ("færre end 5" if language == "da" else "fewer than 5") in written
