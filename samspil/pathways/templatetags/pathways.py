import datetime
import uuid

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from samspil.core.dates import short_date, short_datetime
from samspil.core.markup import escape_text
from samspil.core.templatetags.samspil import status_badge

register = template.Library()


@register.simple_tag
def mine_rows(rows, coordinator_role: str, member_role: str):
    """The rows of *Mine forløb*'s table (`selectors.MineRow`): the citizen or family with the link to the overview,
    programme, status, coordinator, the user's role and the day it opened.

    Written in Python rather than as a template loop for the reason of `plans.agreement_rows`: a page of 50 rows
    spent most of its time in the template engine. Every value is escaped.
    """
    roles = {True: escape_text(coordinator_role), False: escape_text(member_role)}
    lines = []
    for row in rows:
        opened = short_date(row.opened_on)
        lines.append(
            f'<tr><td><a href="{escape_text(row.url)}">{escape_text(row.name)}</a></td>'
            f"<td>{escape_text(row.programme)}</td>"
            f'<td><span class="badge {status_badge(row.status)}">{escape_text(row.status_label)}</span></td>'
            f"<td>{escape_text(row.coordinator)}</td><td>{roles[bool(row.is_mine)]}</td><td>{opened}</td></tr>"
        )
    # Safe: every value above went through escape_text; the badge class and the date are the app's own.
    return mark_safe("\n".join(lines))


@register.simple_tag
def worklist_rows(rows):
    """The rows of the worklist's table (`worklist.PathwayTasks`), written in Python for the reason of `mine_rows`:
    25 rows of cells, badges and links were most of the page's time in the template engine. The markup is the
    template loop's it replaced, character for character (`tests/test_worklist_rows.py` holds it to that in both
    languages); every value is escaped as the template escaped it, and dates and times are in local time.
    """
    t = {
        text: gettext(text)  # as `{% translate %}` writes a literal: a translation is not escaped
        for text in (
            "Citizen or family",
            "Agreements",
            "Meetings",
            "Status meeting",
            "Plan",
            "Write the minutes",
            "Turns 18",
            "Plan the transition meeting",
            "Overdue",
            "Due",
            "Not revised",
            "since",
            "no plan yet",
        )
    }
    ids = (uuid.UUID(int=1), uuid.UUID(int=2))
    urls = {
        "overview": reverse("pathways:overview", args=[ids[0]]),
        "plan": reverse("plans:plan", args=[ids[0]]),
        "meeting": reverse("meetings:detail", args=ids),
        "schedule": reverse("meetings:schedule", args=[ids[0]]),
    }

    def url(name: str, *values) -> str:
        found = urls[name]
        for placeholder, value in zip(ids, values, strict=False):
            found = found.replace(str(placeholder), str(value))
        return escape_text(found)

    def day(value, format_name: str = "SHORT_DATE_FORMAT") -> str:
        if format_name == "SHORT_DATE_FORMAT" and not isinstance(value, datetime.datetime):
            return escape_text(short_date(value))
        if format_name == "SHORT_DATETIME_FORMAT":
            return escape_text(short_datetime(template_localtime(value)))
        return escape_text(formats.date_format(template_localtime(value), format_name))

    lines = []
    for row in rows:
        p = row.pathway
        name = p.citizen.full_name if p.citizen_id else p.household.name
        who = (
            f'<td data-title="{t["Citizen or family"]}">'
            f'<a href="{url("overview", p.public_id)}">{escape_text(name)}</a>'
            f'<br><span class="muted">{escape_text(p.programme.name)}</span></td>'
        )
        if row.overdue_agreements:
            count = escape_text(formats.localize(row.overdue_agreements))
            label = ngettext("%(n)s overdue", "%(n)s overdue", row.overdue_agreements) % {"n": count}
            agreements = f'<a href="{url("plan", p.public_id)}"><span class="badge badge-error">{label}</span></a>'
        else:
            agreements = "–"
        to_record = "".join(
            f'<a href="{url("meeting", p.public_id, m.public_id)}">{t["Write the minutes"]}: '
            f"{escape_text(m.get_meeting_type_display())} {day(m.starts_at)}</a><br>"
            for m in row.meetings_to_record
        )
        to_hold = "".join(
            f'<a href="{url("meeting", p.public_id, m.public_id)}">{escape_text(m.get_meeting_type_display())} '
            f"{day(m.starts_at, 'SHORT_DATETIME_FORMAT')}</a><br>"
            for m in row.meetings_to_hold
        )
        transition = ""
        if row.transition_18_on:
            transition = (
                f'<span class="badge badge-warning">{t["Turns 18"]} {day(row.transition_18_on)}</span> '
                f'<a href="{url("schedule", p.public_id)}?type=transition_18">'
                f"{t['Plan the transition meeting']}</a><br>"
            )
        nothing = "" if row.meetings_to_record or row.meetings_to_hold or row.transition_18_on else "–"
        if row.status_meeting_due:
            badge = (
                f'<span class="badge badge-error">{t["Overdue"]}</span>'
                if row.status_meeting_overdue
                else f'<span class="badge badge-warning">{t["Due"]}</span>'
            )
            status = f"{badge} {day(row.status_meeting_due)}"
        else:
            status = "–"
        if row.plan_stale:
            since = f"{t['since']} {day(row.plan_revised_at)}" if row.plan_revised_at else t["no plan yet"]
            plan = f'<span class="badge badge-warning">{t["Not revised"]}</span> {since}'
        else:
            plan = "–"
        lines.append(
            f'\n    <tr>\n      {who}\n      <td data-title="{t["Agreements"]}">{agreements}</td>'
            f'\n      <td data-title="{t["Meetings"]}">\n        {to_record}\n        {to_hold}\n        {transition}'
            f"\n        {nothing}\n      </td>"
            f'\n      <td data-title="{t["Status meeting"]}">{status}</td>'
            f'\n      <td data-title="{t["Plan"]}">{plan}</td>\n    </tr>\n  '
        )
    # Safe: every value above went through escape_text; the badge classes and the markup are the app's own.
    return mark_safe("".join(lines))
