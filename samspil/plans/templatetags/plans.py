import datetime
import functools

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from samspil.plans.choices import AgreementStatus

register = template.Library()


@register.filter
def iso_date(value: str) -> str:
    """A date stored as ISO text in a plan version, shown as 22.11.2026."""
    try:
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value or ""


STATUS_BADGES = {"active": "badge-info", "achieved": "badge-success"}


@register.simple_tag
def goal_card(goal, page, level: int, show_link: bool):
    """One goal of the plan as a card: description, status, type and horizon, target, department, legal basis,
    its agreements, its follow-ups (with the internal note: staff pages only), the comments the citizen or a custody
    holder wrote on it in the portal and, on the plan page, the link to the goal's own page.

    Written in Python rather than as an included template because the plan page shows many goals and the
    template engine was the page's largest cost (see docs/benchmarks.md). Every value is escaped.
    """
    level = int(level)
    facts = [format_html("<dt>{}</dt><dd>{}</dd>", _("Measurable target"), linebreaksbr(goal.indicator))]
    if goal.responsible_department_id:
        facts.append(
            format_html("<dt>{}</dt><dd>{}</dd>", _("Responsible department"), goal.responsible_department.name)
        )
    if goal.legal_basis:
        facts.append(format_html("<dt>{}</dt><dd>{}</dd>", _("Legal basis"), goal.legal_basis))
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
    if agreements:
        # A region of its own that scrolls on a small screen, focusable so the keyboard can scroll it (WCAG 2.1.1).
        table = format_html(
            '<div class="table--responsive-scroll" tabindex="0" role="region" aria-label="{}: {}">'
            '<table class="table table--compact agreements">'
            "<caption>{}</caption><thead><tr>"
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>\n{}\n</tbody></table></div>",
            _("Agreements"),
            goal.title,
            _("Agreements"),
            _("What"),
            _("Who does it"),
            _("Due"),
            _("Status"),
            agreement_rows(agreements, page.whole_title),
        )
    else:
        table = format_html('<p class="muted">{}</p>', _("No agreements under this goal yet."))
    follow_ups = ""
    if goal.follow_ups.all():
        items = []
        for follow_up in goal.follow_ups.all():
            note = format_html("<br>{}", linebreaksbr(follow_up.note)) if follow_up.note else ""
            internal = (
                format_html(
                    '<br><span class="badge">{}</span> {}', _("Internal note"), linebreaksbr(follow_up.internal_note)
                )
                if follow_up.internal_note and page.shows_internal_notes
                else ""
            )
            items.append(
                format_html(
                    "<li><strong>{}: {}</strong> · {}{}{}</li>",
                    _short_date(follow_up.assessed_on),
                    follow_up.result_label,
                    follow_up.assessed_by.get_full_name(),
                    note,
                    internal,
                )
            )
        follow_ups = format_html(
            '<h{} class="h5">{}</h{}><ul class="nobullet-list follow-ups">{}</ul>',
            level + 1,
            _("Follow-ups"),
            level + 1,
            mark_safe("".join(items)),  # each item built by format_html
        )
    comments = goal_comments(goal, page, level)
    link = ""
    if show_link:
        link = format_html(
            '<p class="mb-0"><a href="{}">{}<span class="sr-only">: {}</span></a></p>',
            reverse("plans:goal", args=[page.pathway.public_id, goal.public_id]),
            _("Change the goal, add agreements or follow up") if page.can_contribute else _("Open the goal"),
            goal.title,
        )
    return format_html(
        '<article class="card mb-4 goal" id="maal-{}"><div class="card-content">'
        '<h{} class="mt-0">{}</h{}><p><span class="badge {}">{}</span> {} · {}</p>'
        '<dl class="facts">{}</dl>{}{}{}{}</div></article>',
        goal.public_id,
        level,
        linebreaksbr(goal.description),
        level,
        STATUS_BADGES.get(goal.status, ""),
        goal.status_label,
        goal.goal_type_label,
        goal.horizon_label,
        mark_safe("".join(facts)),  # each fact built by format_html
        table,
        follow_ups,
        comments,
        link,
    )


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
                _short_date(timezone.localtime(comment.created_at).date()),
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
        what = linebreaksbr(agreement.what)
        if agreement.follow_up_note:
            what += f'<br><span class="muted">{texts["follow_up"]}: {linebreaksbr(agreement.follow_up_note)}</span>'
        status = texts["statuses"].get(agreement.status) or escape(agreement.status)
        if agreement.is_overdue_on(today):
            status += texts["overdue"]
        if agreement.completed_on:
            status += f'<br><span class="muted">{_short_date(agreement.completed_on)}</span>'
        due = _short_date(agreement.due_on) if agreement.due_on else "–"
        rows.append(
            f'<tr id="aftale-{agreement.public_id}"><td>{what}</td><td>{escape(owner)}</td><td>{due}</td>'
            f"<td>{status}</td></tr>"
        )
    # Safe: the texts went through linebreaksbr / escape, the rest are labels, dates and a UUID.
    return mark_safe("\n".join(rows))


def _texts() -> dict:
    """The fixed texts of the agreement rows in the active language, escaped, made once per language."""
    return _texts_in(translation.get_language())


@functools.lru_cache(maxsize=8)
def _texts_in(language: str) -> dict:
    with translation.override(language):
        return {
            "statuses": {value: escape(label) for value, label in AgreementStatus.choices},
            "overdue": format_html(' <span class="badge badge-error overdue">{}</span>', _("Overdue")),
            "follow_up": escape(_("Follow-up")),
        }


def _short_date(value) -> str:
    return _date_in(value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _date_in(value, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
