"""Template tags of the citizen's portal."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from samspil.core.chrome import object_url
from samspil.core.dates import short_datetime
from samspil.core.markup import escape_text

register = template.Library()

# The tabs of one pathway, in order: the URL name, the label, and whether the tab is current only on its own page
# (the overview, whose address is the start of every other tab's) or on every page under it too.
PATHWAY_TABS = (
    ("portal:pathway", gettext_lazy("Overview"), True),
    ("portal:plan", gettext_lazy("The plan"), False),
    ("portal:assessment", gettext_lazy("Assessment"), False),
    ("portal:consent", gettext_lazy("Consent"), False),
    ("portal:insight", gettext_lazy("Insight"), False),
    ("portal:documents", gettext_lazy("Documents"), False),
    ("portal:messages", gettext_lazy("Messages"), False),
)


@register.simple_tag(takes_context=True)
def pathway_tabs(context, pathway) -> list[tuple[str, str, str, bool]]:
    """The tabs of `pathway` for the page at the request's path: (URL name, address, label, current), each address
    written into its pattern reversed once per process (`core.chrome.object_url`)."""
    request = context.get("request")
    path = request.path if request is not None else ""
    tabs = []
    for url_name, label, exact in PATHWAY_TABS:
        url = object_url(url_name, pathway.public_id)
        tabs.append((url_name, url, label, path == url if exact else url in path))
    return tabs


# The cards' labels, marked for `makemessages` (the tag translates them when it writes).
INSIGHT_LABELS = (
    gettext_noop("You yourself"),
    gettext_noop("Role"),
    gettext_noop("What"),
    gettext_noop("Why"),
    gettext_noop("Basis"),
    gettext_noop("Reason given"),
)


@register.simple_tag
def insight_rows(rows, subjects: int):
    """The cards of the insight page's log (`portal.insight.InsightRow`), `subjects` the number of people it covers
    (with more than one, each card says whose data was read).

    Written in Python for the reason of `pathways.templatetags.pathways.mine_rows`: a page of 50 cards spent most of
    its time in the template engine. The markup is the template loop's it replaced, character for character
    (`portal/tests/test_insight_rows.py` holds it to that in both languages); every value is escaped as the template
    escaped it, the times in local time.
    """
    t = {
        text: gettext(text)  # as `{% translate %}` writes a literal: a translation is not escaped
        for text in INSIGHT_LABELS
    }
    about = gettext("about %(name)s")
    cards = []
    for row in rows:
        local = template_localtime(row.created_at)
        when = escape_text(short_datetime(local))
        whose = f" · {about % {'name': escape_text(row.about)}}" if subjects > 1 and row.about else ""
        role = ""
        if not row.is_own:
            department = f", {escape_text(row.department)}" if row.department else ""
            role = f"<dt>{t['Role']}</dt><dd>{escape_text(row.role)}{department}</dd>"
        via = escape_text(row.via)
        if row.via_code == "break_glass":
            via = f'<span class="badge badge-warning">{via}</span>'
        reason = ""
        if row.break_glass_reason:
            reason = f"<dt>{t['Reason given']}</dt><dd>{escape_text(row.break_glass_reason)}</dd>"
        cards.append(
            f'\n    <li class="card mb-4"><div class="card-content">\n'
            f'      <p class="mt-0 mb-2"><time datetime="{escape_text(local.isoformat())}">{when}</time>{whose}</p>\n'
            f'      <p class="h4 mt-0 mb-2">{t["You yourself"] if row.is_own else escape_text(row.who)}</p>\n'
            f'      <dl class="facts">\n'
            f"        {role}\n"
            f"        <dt>{t['What']}</dt><dd>{escape_text(row.what)}</dd>\n"
            f"        <dt>{t['Why']}</dt><dd>{escape_text(row.why)}</dd>\n"
            f"        <dt>{t['Basis']}</dt><dd>{via}</dd>\n"
            f"        {reason}\n"
            f"      </dl>\n"
            f"    </div></li>\n    "
        )
    # Safe: every value above went through escape_text; the translations and the markup are the app's own.
    return mark_safe("".join(cards))
