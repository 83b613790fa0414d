"""The programme's status report as PDF (reportlab), in the house style of the plan PDF (`plans.pdf`).

From a fixed template: the phase, milestones done and overdue, the organisation, the change theory, the scale-up
plan against the actual count, the documentation model's headline (when `samspil.results.documentation` exists
and answers), and the next steps. Programme figures only: no name of a citizen, counts from 1 to 4 shown as
"fewer than 5".
"""

import io
import logging

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from samspil.plans.pdf import _canvas_class, _date, _font, _styles, _table, _text

logger = logging.getLogger(__name__)


def _count(cell) -> str:
    if cell.hidden:
        return _("fewer than 5") if cell.small else _("not shown")
    return str(cell.value)


def documentation_headline(*, actor, programme) -> str | None:
    """The documentation model's headline ("of the N citizens, X % are in education and Y % employed") from
    `samspil.results.documentation`, imported lazily; None when it cannot be had (the section is then left out)."""
    try:
        from samspil.results.documentation import programme_documentation

        # A report is a document of its moment: counted now, not read as kept for the pages.
        headline = programme_documentation(actor=actor, programme=programme, recount=True).headline
    except Exception:  # a sibling's figure must never stop the status report
        logger.exception("The documentation model's headline failed for programme %s", programme.pk)
        return None
    citizens, education, employed = headline.citizens, headline.in_education, headline.employed
    if citizens.hidden or not citizens.value:
        return _("Fewer than 5 citizens: the figures are not shown.")
    if education.hidden or employed.hidden:
        return _("Of the %(n)s citizens, the shares in education and employed are not shown (small numbers).") % {
            "n": citizens.value
        }
    return _("Of the %(n)s citizens, %(education)s %% are in education and %(employed)s %% employed.") % {
        "n": citizens.value,
        "education": round(100 * education.value / citizens.value),
        "employed": round(100 * employed.value / citizens.value),
    }


def render_status_report(page, organisation: dict, *, actor) -> bytes:
    """`page`: `selectors.ProgrammePage`; `organisation`: `selectors.organisation(...)`."""
    with translation.override("da"):
        font = _font()
        styles = _styles(font)
        programme = page.programme
        buffer = io.BytesIO()
        title = _("Status report")
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
            title=f"{title}: {programme.name}",
            lang="da-DK",
        )
        width = doc.width

        def p(text, style="body"):
            return Paragraph(_text(str(text)), styles[style])

        implementation = page.implementation
        current = page.current_phase
        facts = [
            (_("Programme"), programme.name),
            (_("Current phase"), current.name if current else _("No phase is running")),
            (_("Project owner"), (implementation.owner_display if implementation else "") or "–"),
            (_("Project leader"), (implementation.leader_display if implementation else "") or "–"),
            (_("Pathways in the programme"), _count(page.pathways)),
            (_("Pilot cases"), _count(page.pilots)),
            (_("Printed"), _date(page.today)),
        ]
        story = [
            p(title, "title"),
            p(programme.name, "h2"),
            _table([[p(label, "small"), p(value)] for label, value in facts], [50 * mm, width - 50 * mm], header=False),
        ]

        story.append(p(_("Phases"), "h2"))
        if page.phases:
            rows = [[p(_("Phase"), "small"), p(_("Planned"), "small"), p(_("Actual"), "small"), p(_("State"), "small")]]
            state_labels = {"done": _("Done"), "current": _("Current"), "planned": _("Not started")}
            for phase in page.phases:
                done = sum(1 for item in phase.checklist.all() if item.done_on)
                total = len(phase.checklist.all())
                state = state_labels[phase.state] + (f" · {_('behind schedule')}" if phase.behind else "")
                if total:
                    state += " · " + _("%(done)s of %(total)s activities done") % {"done": done, "total": total}
                rows.append(
                    [
                        p(phase.name),
                        p(f"{_date(phase.planned_start)} – {_date(phase.planned_end)}"),
                        p(f"{_date(phase.actual_start)} – {_date(phase.actual_end)}"),
                        p(state),
                    ]
                )
            story.append(_table(rows, [width * 0.34, width * 0.2, width * 0.2, width * 0.26]))
        else:
            story.append(p(_("The implementation has not been set up yet.")))

        story.append(p(_("Milestones"), "h2"))
        story.append(
            p(
                _("%(done)s done, %(overdue)s overdue, %(total)s in all.")
                % {"done": len(page.done_milestones), "overdue": len(page.overdue), "total": len(page.milestones)}
            )
        )
        if page.overdue:
            story.append(p(_("Overdue"), "h3"))
            rows = [[p(_("Date"), "small"), p(_("Activity"), "small"), p(_("Responsible"), "small")]]
            rows += [[p(_date(m.due_on)), p(m.activity), p(m.owner)] for m in page.overdue]
            story.append(_table(rows, [28 * mm, width - 78 * mm, 50 * mm]))

        story.append(p(_("Organisation"), "h2"))
        for summary in organisation["groups"]:
            group = summary.group
            line = group.name
            if group.cadence_days:
                line += " · " + _("meets every %(days)s days") % {"days": group.cadence_days}
            story.append(p(line, "h3"))
            members = ", ".join(f"{m.display_name} ({m.role})" if m.role else m.display_name for m in summary.members)
            story.append(p(members or _("No members yet.")))
            nxt = summary.next_meeting
            if nxt.planned_on:
                story.append(p(_("Next meeting: %(date)s") % {"date": _date(nxt.planned_on)}, "small"))
            elif nxt.due_on:
                text = _("Next meeting due: %(date)s") % {"date": _date(nxt.due_on)}
                story.append(p(text + (f" ({_('overdue')})" if nxt.is_overdue else ""), "small"))

        story.append(p(_("Change theory"), "h2"))
        if any(column.items for column in page.theory):
            for column in page.theory:
                if not column.items:
                    continue
                story.append(p(column.label, "h3"))
                for item in column.items:
                    text = item.text
                    if item.indicator_display:
                        text += f" — {_('shown by')}: {item.indicator_display}"
                    story.append(p(f"• {text}"))
        else:
            story.append(p(_("No change theory has been written yet.")))

        story.append(p(_("Scale-up"), "h2"))
        if page.scale_up:
            rows = [[p(_("By"), "small"), p(_("Target"), "small"), p(_("Actual"), "small"), p(_("Reached"), "small")]]
            for row in page.scale_up:
                reached = "–" if row.reached is None else (_("Yes") if row.reached else _("No"))
                rows.append(
                    [
                        p(_date(row.step.on_date)),
                        p(str(row.step.target_count)),
                        p(f"{_count(row.actual)} ({_date(row.counted_on)})"),
                        p(reached),
                    ]
                )
            story.append(_table(rows, [width * 0.25] * 4))
        else:
            story.append(p(_("No scale-up plan yet.")))

        headline = documentation_headline(actor=actor, programme=programme)
        if headline:
            story += [p(_("The documentation model"), "h2"), p(headline)]

        story.append(p(_("Next steps"), "h2"))
        steps = page.next_steps
        if steps:
            for m in steps:
                mark = f" ({_('overdue')})" if m.overdue else ""
                story.append(p(f"• {_date(m.due_on)}: {m.activity} — {m.owner}{mark}"))
        else:
            story.append(p(_("No open milestones.")))
        story.append(Spacer(1, 4 * mm))
        doc.build(
            story,
            canvasmaker=_canvas_class(font=font, footer_left=f"{title} · {programme.name}", footer_note=""),
        )
    return buffer.getvalue()
