from django import template
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe

from samspil.core.templatetags.samspil import status_badge

register = template.Library()


@register.simple_tag
def mine_rows(rows, coordinator_role: str, member_role: str):
    """The rows of *Mine forløb*'s table (`selectors.MineRow`): the citizen or family with the link to the overview,
    programme, status, coordinator, the user's role and the day it opened.

    Written in Python rather than as a template loop for the reason of `plans.agreement_rows`: a page of 50 rows
    spent most of its time in the template engine. Every value is escaped.
    """
    roles = {True: escape(coordinator_role), False: escape(member_role)}
    dates: dict = {}
    lines = []
    for row in rows:
        opened = dates.get(row.opened_on)
        if opened is None:
            opened = dates[row.opened_on] = formats.date_format(row.opened_on, "SHORT_DATE_FORMAT")
        lines.append(
            f'<tr><td><a href="{escape(row.url)}">{escape(row.name)}</a></td><td>{escape(row.programme)}</td>'
            f'<td><span class="badge {status_badge(row.status)}">{escape(row.status_label)}</span></td>'
            f"<td>{escape(row.coordinator)}</td><td>{roles[bool(row.is_mine)]}</td><td>{opened}</td></tr>"
        )
    # Safe: every value above went through escape; the badge class and the date are the app's own.
    return mark_safe("\n".join(lines))
