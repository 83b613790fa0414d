"""The insight page's cards written by the `insight_rows` tag are the markup of the template loop it replaced,
character for character, in both languages, for every kind of card (no database: the rows are built in memory)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from samspil.portal.insight import InsightRow

# The loop as insight.html had it before the tag.
LOOP = Template(
    """{% load i18n %}{% for row in page.rows %}
    <li class="card mb-4"><div class="card-content">
      <p class="mt-0 mb-2"><time datetime="{{ row.created_at|date:'c' }}">{{ row.created_at|date:"SHORT_DATETIME_FORMAT" }}</time>{% if page.subjects|length > 1 and row.about %} · {% blocktranslate trimmed with name=row.about %}about {{ name }}{% endblocktranslate %}{% endif %}</p>
      <p class="h4 mt-0 mb-2">{% if row.is_own %}{% translate "You yourself" %}{% else %}{{ row.who }}{% endif %}</p>
      <dl class="facts">
        {% if not row.is_own %}<dt>{% translate "Role" %}</dt><dd>{{ row.role }}{% if row.department %}, {{ row.department }}{% endif %}</dd>{% endif %}
        <dt>{% translate "What" %}</dt><dd>{{ row.what }}</dd>
        <dt>{% translate "Why" %}</dt><dd>{{ row.why }}</dd>
        <dt>{% translate "Basis" %}</dt><dd>{% if row.via_code == "break_glass" %}<span class="badge badge-warning">{{ row.via }}</span>{% else %}{{ row.via }}{% endif %}</dd>
        {% if row.break_glass_reason %}<dt>{% translate "Reason given" %}</dt><dd>{{ row.break_glass_reason }}</dd>{% endif %}
      </dl>
    </div></li>
    {% endfor %}"""  # noqa: E501  (the template's own lines)
)
TAG = Template("{% load portal %}{% insight_rows page.rows page.subjects|length %}")

UTC = datetime.UTC


def _row(**values) -> InsightRow:
    defaults = {
        "created_at": datetime.datetime(2026, 11, 21, 23, 30, 15, 123456, tzinfo=UTC),  # the 22nd in Copenhagen
        "who": "Åse O'Brien <Ø>",
        "is_own": False,
        "role": "Sagsbehandler",
        "department": 'Børn & "Familie"',
        "what": "Forløbsoverblik",
        "why": "Koordinering af indsatsen",
        "via": "Koordinator eller team",
        "via_code": "scope",
        "about": "Ida <lille>",
    }
    return InsightRow(**(defaults | values))


def _rows() -> list[InsightRow]:
    return [
        _row(),
        _row(department="", about=""),  # no department, whose data unknown
        _row(who="Du selv", is_own=True, role="Borgeren, i portalen", department=""),  # own: no role shown
        _row(
            created_at=datetime.datetime(2026, 7, 1, 8, 5, tzinfo=UTC),  # summer time
            via="Nødadgang",
            via_code="break_glass",
            break_glass_reason="Akut bekymring <for> barnet & familien",
        ),
        _row(role="Ekstern samarbejdspartner", department='Værestedet "Huset"', via_code="grant", via="Adgang givet"),
    ]


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("subjects", [1, 2])
def test_the_tag_writes_the_template_loops_markup(language, subjects):
    page = {"rows": _rows(), "subjects": ["a", "b"][:subjects]}
    with translation.override(language):
        expected = LOOP.render(Context({"page": page}))
        written = TAG.render(Context({"page": page}))
    assert written == expected
    assert "&lt;Ø&gt;" in written and "&lt;for&gt;" in written and "Børn &amp; &quot;Familie&quot;" in written
    assert ("Ida &lt;lille&gt;" in written) == (subjects > 1)
    assert 'datetime="2026-11-22T00:30:15.123456+01:00">22.11.2026 00:30</time>' in written
    assert 'datetime="2026-07-01T10:05:00+02:00">01.07.2026 10:05</time>' in written


def test_no_rows_write_nothing():
    assert TAG.render(Context({"page": {"rows": [], "subjects": []}})) == ""
