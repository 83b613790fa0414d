"""The worklist's rows written by the `worklist_rows` tag are the markup of the template loop it replaced, character
for character, in both languages, for every kind of cell (no database: the rows are built in memory)."""

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import translation

from samspil.citizens.models import Citizen, Household
from samspil.meetings.choices import MeetingType
from samspil.meetings.models import Meeting
from samspil.pathways.models import Pathway, Programme
from samspil.pathways.worklist import PathwayTasks

# The loop as worklist.html had it before the tag.
LOOP = Template(
    """{% load i18n %}{% for row in rows %}{% with p=row.pathway %}
    <tr>
      <td data-title="{% translate 'Citizen or family' %}"><a href="{% url 'pathways:overview' p.public_id %}">{% if p.citizen_id %}{{ p.citizen.full_name }}{% else %}{{ p.household.name }}{% endif %}</a><br><span class="muted">{{ p.programme.name }}</span></td>
      <td data-title="{% translate 'Agreements' %}">{% if row.overdue_agreements %}<a href="{% url 'plans:plan' p.public_id %}"><span class="badge badge-error">{% blocktranslate count n=row.overdue_agreements %}{{ n }} overdue{% plural %}{{ n }} overdue{% endblocktranslate %}</span></a>{% else %}–{% endif %}</td>
      <td data-title="{% translate 'Meetings' %}">
        {% for m in row.meetings_to_record %}<a href="{% url 'meetings:detail' p.public_id m.public_id %}">{% translate "Write the minutes" %}: {{ m.get_meeting_type_display }} {{ m.starts_at|date:"SHORT_DATE_FORMAT" }}</a><br>{% endfor %}
        {% for m in row.meetings_to_hold %}<a href="{% url 'meetings:detail' p.public_id m.public_id %}">{{ m.get_meeting_type_display }} {{ m.starts_at|date:"SHORT_DATETIME_FORMAT" }}</a><br>{% endfor %}
        {% if row.transition_18_on %}<span class="badge badge-warning">{% translate "Turns 18" %} {{ row.transition_18_on|date:"SHORT_DATE_FORMAT" }}</span> <a href="{% url 'meetings:schedule' p.public_id %}?type=transition_18">{% translate "Plan the transition meeting" %}</a><br>{% endif %}
        {% if not row.meetings_to_record and not row.meetings_to_hold and not row.transition_18_on %}–{% endif %}
      </td>
      <td data-title="{% translate 'Status meeting' %}">{% if row.status_meeting_due %}{% if row.status_meeting_overdue %}<span class="badge badge-error">{% translate "Overdue" %}</span>{% else %}<span class="badge badge-warning">{% translate "Due" %}</span>{% endif %} {{ row.status_meeting_due|date:"SHORT_DATE_FORMAT" }}{% else %}–{% endif %}</td>
      <td data-title="{% translate 'Plan' %}">{% if row.plan_stale %}<span class="badge badge-warning">{% translate "Not revised" %}</span> {% if row.plan_revised_at %}{% translate "since" %} {{ row.plan_revised_at|date:"SHORT_DATE_FORMAT" }}{% else %}{% translate "no plan yet" %}{% endif %}{% else %}–{% endif %}</td>
    </tr>
  {% endwith %}{% endfor %}"""  # noqa: E501  (the template's own lines)
)
TAG = Template("{% load pathways %}{% worklist_rows rows %}")

UTC = datetime.UTC
TODAY = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


def _meeting(kind: str, at: datetime.datetime) -> Meeting:
    return Meeting(public_id=uuid.uuid4(), meeting_type=kind, starts_at=at)


def _rows() -> list[PathwayTasks]:
    programme = Programme(name="Vejen til <uddannelse> & job")
    citizen = Citizen(pk=7, first_name="Åse", last_name="O'Brien <Ø>")
    household = Household(pk=3, name='Familien "Hansen" & co')
    own = Pathway(public_id=uuid.uuid4(), citizen=citizen, programme=programme)
    family = Pathway(public_id=uuid.uuid4(), household=household, programme=programme)
    late_evening = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # the 10th in Copenhagen
    return [
        PathwayTasks(
            pathway=own,
            overdue_agreements=1,
            meetings_to_record=[_meeting(MeetingType.STATUS, late_evening)],
            meetings_to_hold=[
                _meeting(MeetingType.NETWORK, datetime.datetime(2026, 3, 12, 8, 15, tzinfo=UTC)),
                _meeting(MeetingType.TRANSITION_18, datetime.datetime(2026, 3, 20, 13, 0, tzinfo=UTC)),
            ],
            status_meeting_due=datetime.date(2026, 3, 1),  # overdue
            plan_revised_at=datetime.datetime(2025, 2, 28, 23, 30, tzinfo=UTC),  # 1 March in Copenhagen
            plan_stale=True,
            transition_18_on=datetime.date(2026, 6, 2),
        ),
        PathwayTasks(
            pathway=family,
            overdue_agreements=1234,
            status_meeting_due=datetime.date(2026, 3, 20),  # due soon, not late
            plan_stale=True,  # never revised
        ),
        PathwayTasks(pathway=own),  # nothing: dashes everywhere
    ]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_tag_writes_the_template_loops_markup(language, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # a count of 1.234 as the template localises it
    rows = _rows()
    with time_machine.travel(TODAY, tick=False), translation.override(language):
        expected = LOOP.render(Context({"rows": rows}))
        written = TAG.render(Context({"rows": rows}))
    assert written == expected
    assert "O&#x27;Brien &lt;Ø&gt;" in written and "&quot;Hansen&quot; &amp; co" in written
    assert written.count("<tr>") == 3


def test_the_worklist_page_uses_the_tag():
    from pathlib import Path

    from django.conf import settings

    page = Path(settings.BASE_DIR) / "samspil" / "pathways" / "templates" / "pathways" / "worklist.html"
    assert "{% worklist_rows worklist.rows %}" in page.read_text(encoding="utf-8")
