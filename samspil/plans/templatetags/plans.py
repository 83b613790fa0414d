import datetime
import functools

from django import template
from django.template.defaultfilters import linebreaksbr
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from samspil.core.dates import short_date
from samspil.plans.choices import AgreementStatus

register = template.Library()


@register.filter
def iso_date(value: str) -> str:
    """A date stored as ISO text in a plan version, shown as 22.11.2026; anything else as it is, escaped (the tags
    here write it into their HTML)."""
    try:
        return short_date(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return escape(value or "")


STATUS_BADGES = {"active": "badge-info", "achieved": "badge-success"}


def _per_language(build):
    """`build()` made once per active language and kept: the fixed, translated and escaped texts of a tag."""
    kept = functools.lru_cache(maxsize=8)(lambda language: build())
    return functools.wraps(build)(lambda: kept(translation.get_language()))


@register.simple_tag
def goal_card(goal, page, level: int, show_link: bool):
    """One goal of the plan as a card: description, status, type and horizon, target, department, legal basis,
    its agreements, its follow-ups (with the internal note: staff pages only), the comments the citizen or a custody
    holder wrote on it in the portal and, on the plan page, the link to the goal's own page.

    Written in Python rather than as an included template because the plan page shows many goals and the
    template engine was the page's largest cost (see docs/benchmarks.md); the fixed texts are translated and
    escaped once per language (`_card_texts`), the link to a goal's page reversed once per page (`_goal_url`).
    Every value is escaped.
    """
    level = int(level)
    texts = _card_texts()
    facts = [f"<dt>{texts['target']}</dt><dd>{_lines(goal.indicator)}</dd>"]
    if goal.responsible_department_id:
        facts.append(f"<dt>{texts['department']}</dt><dd>{escape(goal.responsible_department.name)}</dd>")
    if goal.legal_basis:
        facts.append(f"<dt>{texts['legal_basis']}</dt><dd>{escape(goal.legal_basis)}</dd>")
    answered = getattr(goal, "answered_findings", None)
    if answered:
        facts.append(
            format_html(
                '<dt>{}</dt><dd><ul class="nobullet-list answered-findings">{}</ul></dd>',
                _("Answers findings from the assessment"),
                format_html_join(
                    "",
                    '<li><a href="{}#finding-{}">{}</a></li>',
                    (
                        (
                            reverse("assessments:detail", args=[page.pathway.public_id, finding.assessment_public_id]),
                            finding.public_id,
                            finding.label,
                        )
                        for finding in answered
                    ),
                ),
            )
        )
    agreements = goal.agreements.all()
    title = escape(goal.title)
    if agreements:
        # A region of its own that scrolls on a small screen, focusable so the keyboard can scroll it (WCAG 2.1.1).
        table = (
            f'<div class="table--responsive-scroll" tabindex="0" role="region" aria-label="{texts["agreements"]}: '
            f'{title}"><table class="table table--compact agreements"><caption>{texts["agreements"]}</caption>'
            f"<thead><tr>{texts['agreement_head']}</tr></thead><tbody>\n"
            f"{agreement_rows(agreements, page.whole_title)}\n</tbody></table></div>"
        )
    else:
        table = texts["no_agreements"]
    follow_ups = ""
    if goal.follow_ups.all():
        items = []
        for follow_up in goal.follow_ups.all():
            note = f"<br>{_lines(follow_up.note)}" if follow_up.note else ""
            internal = (
                f"<br>{texts['internal_note']} {_lines(follow_up.internal_note)}"
                if follow_up.internal_note and page.shows_internal_notes
                else ""
            )
            items.append(
                f"<li><strong>{short_date(follow_up.assessed_on)}: {escape(follow_up.result_label)}</strong> · "
                f"{escape(follow_up.assessed_by.get_full_name())}{note}{internal}</li>"
            )
        follow_ups = (
            f'<h{level + 1} class="h5">{texts["follow_ups"]}</h{level + 1}>'
            f'<ul class="nobullet-list follow-ups">{"".join(items)}</ul>'
        )
    comments = goal_comments(goal, page, level)
    link = ""
    if show_link:
        label = texts["change_goal"] if page.can_contribute else texts["open_goal"]
        url = _goal_url(page, goal)
        link = f'<p class="mb-0"><a href="{url}">{label}<span class="sr-only">: {title}</span></a></p>'
    # Safe: every text above went through escape / linebreaksbr (`_lines`) or format_html.
    return mark_safe(
        f'<article class="card mb-4 goal" id="maal-{goal.public_id}"><div class="card-content">'
        f'<h{level} class="mt-0">{_lines(goal.description)}</h{level}><p><span class="badge '
        f'{STATUS_BADGES.get(goal.status, "")}">{escape(goal.status_label)}</span> {escape(goal.goal_type_label)} · '
        f'{escape(goal.horizon_label)}</p><dl class="facts">{"".join(facts)}</dl>{table}{follow_ups}{comments}{link}'
        "</div></article>"
    )


def _lines(value) -> str:
    """`linebreaksbr` for a plain (not yet safe) text: escaped, each line break a <br>."""
    text = escape(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br>")


_GOAL_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def _goal_url(page, goal) -> str:
    """The goal's page, by the plan page's URL pattern reversed once per page (`reverse` is slow per row)."""
    pattern = getattr(page, "_goal_url_pattern", None)
    if pattern is None:
        pattern = reverse("plans:goal", args=[page.pathway.public_id, _GOAL_ID_PLACEHOLDER])
        page._goal_url_pattern = pattern
    return pattern.replace(_GOAL_ID_PLACEHOLDER, str(goal.public_id))


@_per_language
def _card_texts() -> dict:
    """The fixed texts of a goal card, escaped."""
    heads = (_("What"), _("Who does it"), _("Due"), _("Status"))
    return {
        "target": escape(_("Measurable target")),
        "department": escape(_("Responsible department")),
        "legal_basis": escape(_("Legal basis")),
        "agreements": escape(_("Agreements")),
        "agreement_head": "".join(f'<th scope="col">{escape(head)}</th>' for head in heads),
        "no_agreements": format_html('<p class="muted">{}</p>', _("No agreements under this goal yet.")),
        "internal_note": format_html('<span class="badge">{}</span>', _("Internal note")),
        "follow_ups": escape(_("Follow-ups")),
        "change_goal": escape(_("Change the goal, add agreements or follow up")),
        "open_goal": escape(_("Open the goal")),
    }


def goal_comments(goal, page, level: int) -> str:
    """The comments on a goal from the portal (`goal.citizen_comments`, read with the goals), each marked as the
    writer's own words: the citizen's (a subject of the pathway) or a custody holder's."""
    comments = getattr(goal, "citizen_comments", None)
    if not comments:
        return ""
    subjects = {citizen.pk for citizen in page.citizens}
    items = []
    for comment in comments:
        if comment.person_id in subjects:
            who = _("Comment from %(name)s (the citizen's own words)") % {"name": comment.person_name}
        else:
            who = _("Comment from %(name)s (custody holder, own words)") % {"name": comment.person_name}
        items.append(
            format_html(
                "<li><strong>{}</strong> · {}<br>{}</li>",
                who,
                short_date(timezone.localtime(comment.created_at).date()),
                linebreaksbr(comment.text),
            )
        )
    return format_html(
        '<h{} class="h5">{}</h{}><ul class="nobullet-list goal-comments">{}</ul>',
        level + 1,
        _("Comments from the portal"),
        level + 1,
        mark_safe("".join(items)),  # each item built by format_html
    )


@register.simple_tag
def agreement_rows(agreements, whole_title: str):
    """The rows of a goal's agreement table: what, who does it, due, status (with the overdue badge).

    Written in Python rather than as a template loop because a plan page shows hundreds of agreements and the
    template engine spent most of the page's time on them (see docs/benchmarks.md): the labels, today's date
    and the date format are looked up once, not once per row. Every value is escaped.
    """
    today = timezone.localdate()
    texts = _texts()
    rows = []
    for agreement in agreements:
        if agreement.owner_id:
            owner = agreement.owner.display_name
        elif agreement.owner_member_id:
            owner = agreement.owner_member.full_name
        else:
            owner = whole_title
        what = _lines(agreement.what)
        if agreement.follow_up_note:
            what += f'<br><span class="muted">{texts["follow_up"]}: {_lines(agreement.follow_up_note)}</span>'
        status = texts["statuses"].get(agreement.status) or escape(agreement.status)
        if agreement.is_overdue_on(today):
            status += texts["overdue"]
        if agreement.completed_on:
            status += f'<br><span class="muted">{short_date(agreement.completed_on)}</span>'
        due = short_date(agreement.due_on) if agreement.due_on else "–"
        rows.append(
            f'<tr id="aftale-{agreement.public_id}"><td>{what}</td><td>{escape(owner)}</td><td>{due}</td>'
            f"<td>{status}</td></tr>"
        )
    # Safe: the texts went through linebreaksbr / escape, the rest are labels, dates and a UUID.
    return mark_safe("\n".join(rows))


@_per_language
def _texts() -> dict:
    """The fixed texts of the agreement rows, escaped."""
    return {
        "statuses": {value: escape(str(label)) for value, label in AgreementStatus.choices},  # str: not lazy
        "overdue": format_html(' <span class="badge badge-error overdue">{}</span>', _("Overdue")),
        "follow_up": escape(_("Follow-up")),
    }


# --- the citizen's edition (the portal) ------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def citizen_goal_body(context, goal: dict, page, pathway) -> str:
    """One goal of a plan version in the citizen's edition (a `plans.snapshot.citizen_edition` row), inside its
    card: the description as the card's heading, status and life area, the target and department, the agreements
    (with "Mark as done" on the account's own open ones when it may write), the follow-ups and, on the plan page
    (`page`, a `portal.selectors.PortalPlan`), the comments written on it. A saved version passes no `page`.

    Written in Python for the same reason as `goal_card`: the portal's plan page spent most of its time in the
    template engine. The fixed texts are translated once per language (`_citizen_texts`), the form's URL is reversed
    once per page. Every value is escaped.
    """
    texts = _citizen_texts()
    goal_id = escape(goal["id"])
    level = 4 if pathway.household_id else 3
    badge = {"achieved": " badge-success", "active": " badge-info"}.get(goal.get("status"), "")
    parts = [
        f'<h{level} class="mt-0" id="goal-{goal_id}">{_lines(goal.get("description", ""))}</h{level}>',
        f'<p><span class="badge{badge}">{escape(goal.get("status_label", ""))}</span> '
        f"{escape(goal.get('life_area_label', ''))}</p>",
        f'<dl class="facts"><dt>{texts["target"]}</dt><dd>{_lines(goal.get("indicator", ""))}</dd>',
    ]
    if goal.get("responsible_department"):
        parts.append(f"<dt>{texts['department']}</dt><dd>{escape(goal['responsible_department'])}</dd>")
    parts.append(f'</dl><p class="h5 mt-5 mb-2">{texts["agreements"]}</p>')
    agreements = goal.get("agreements") or []
    if agreements:
        mine = page.mine if page and page.may_write else {}
        items = [
            _citizen_agreement(context, agreement, mine.get(agreement["id"]), pathway, texts)
            for agreement in agreements
        ]
        parts.append(f'<ul class="nobullet-list agreements">{"".join(items)}</ul>')
    else:
        parts.append(texts["no_agreements"])
    follow_ups = goal.get("follow_ups") or []
    if follow_ups:
        items = [
            f"<li><strong>{iso_date(row.get('assessed_on'))}: {escape(row.get('result_label', ''))}</strong> · "
            f"{escape(row.get('assessed_by', ''))}{'<br>' + _lines(row['note']) if row.get('note') else ''}</li>"
            for row in follow_ups
        ]
        parts.append(f'<p class="h5 mt-5 mb-2">{texts["follow_ups"]}</p>')
        parts.append(f'<ul class="nobullet-list follow-ups">{"".join(items)}</ul>')
    comments = page.comments.get(goal["id"]) if page else None
    if comments:
        items = [
            format_html(
                "<li><strong>{}</strong> · {}<br>{}</li>",
                _("Comment from %(name)s") % {"name": comment.person.full_name},
                short_date(timezone.localtime(comment.created_at).date()),
                linebreaksbr(comment.text),
            )
            for comment in comments
        ]
        parts.append(f'<p class="h5 mt-5 mb-2">{texts["comments"]}</p>')
        parts.append(f'<ul class="nobullet-list goal-comments">{"".join(items)}</ul>')
    # Safe: every text above went through escape / linebreaksbr (`_lines`) or format_html.
    return mark_safe("".join(parts))


def _citizen_agreement(context, agreement: dict, mine, pathway, texts: dict) -> str:
    due = f" · {texts['due']}: {iso_date(agreement['due_on'])}" if agreement.get("due_on") else ""
    completed = f" {iso_date(agreement['completed_on'])}" if agreement.get("completed_on") else ""
    note = agreement.get("follow_up_note")
    follow_up = f"<br>{texts['follow_up']}: {_lines(note)}" if note else ""
    form = ""
    if mine is not None:
        form = (
            f'<form method="post" action="{_done_url(context, pathway, agreement["id"])}" class="mt-2">'
            f'{_csrf_input(context)}<input type="hidden" name="done-{escape(agreement["id"])}-version" '
            f'value="{int(mine.version)}"><button type="submit" class="button button-secondary">{texts["done"]}'
            f'<span class="sr-only">: {escape(agreement.get("what", ""))}</span></button></form>'
        )
    return (
        f'<li class="agreement" id="aftale-{escape(agreement["id"])}"><strong>{_lines(agreement.get("what", ""))}'
        f'</strong><br><span class="muted">{texts["who"]}: {escape(agreement.get("owner_name", ""))}{due} · '
        f"{escape(agreement.get('status_label', ''))}{completed}</span>{follow_up}{form}</li>"
    )


def _done_url(context, pathway, agreement_id: str) -> str:
    """The portal's "done" URL of an agreement, by the pattern reversed once per render."""
    key = "_citizen_done_url_pattern"
    pattern = context.render_context.get(key)
    if pattern is None:
        pattern = reverse("portal:agreement_done", args=[pathway.public_id, _GOAL_ID_PLACEHOLDER])
        context.render_context[key] = pattern
    return escape(pattern.replace(_GOAL_ID_PLACEHOLDER, str(agreement_id)))


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` writes (its own node, rendered here)."""
    return CsrfTokenNode().render(context)


@_per_language
def _citizen_texts() -> dict:
    """The fixed texts of a goal in the citizen's edition, escaped."""
    return {
        "target": escape(_("How you will know the goal is reached")),
        "department": escape(_("Responsible department")),
        "agreements": escape(_("Agreements")),
        "no_agreements": format_html('<p class="muted">{}</p>', _("No agreements under this goal yet.")),
        "who": escape(_("Who does it")),
        "due": escape(_("Due")),
        "follow_up": escape(_("Follow-up")),
        "follow_ups": escape(_("Follow-ups")),
        "comments": escape(_("Comments")),
        "done": escape(_("Mark as done")),
    }
