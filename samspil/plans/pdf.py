"""The shared plan as a printable PDF in Danish, made with reportlab.

Two editions. The citizen's version (`borger`) holds what the citizen may see: their wishes, the goals,
agreements and follow-ups with their notes. Follow-up notes on goals and agreements are part of the plan the
citizen works from and are shown; a follow-up's `internal_note` is for the professionals and appears only in
the case-file version (`sag`), whose every page says so in the footer. The citizen's version is drawn from
`snapshot.citizen_edition`, the one definition of what the citizen may read (the portal uses it too).

The plan PDF never contains meeting minutes, in either edition: notes from meetings (above all from analysis
meetings held without the citizen or the family) belong to the meetings app and are not part of the plan.
No CPR number is printed.
"""

import datetime
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from samspil.plans.choices import OPEN_AGREEMENT_STATUSES, PdfEdition
from samspil.plans.snapshot import citizen_edition

# The design system's own typeface (vendored with DKFDS) covers Danish and far beyond Latin-1, and is embedded
# so the text can be extracted and read aloud. reportlab's built-in Helvetica is the fallback.
FONT_FILE = (
    Path(settings.BASE_DIR) / "samspil/static/vendor/dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf"
)
FONT_NAME = "IBMPlexSans"
GRID = colors.HexColor("#bfbfbf")
HEADER = colors.HexColor("#e6eef7")


def _font() -> str:
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    if FONT_FILE.exists():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
        # One weight only is vendored: emphasis in paragraphs falls back to the regular face.
        pdfmetrics.registerFontFamily(
            FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
        )
        return FONT_NAME
    return "Helvetica"


def _text(value: str) -> str:
    """User text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(value or "").replace("\n", "<br/>")


def _date(value) -> str:
    if not value:
        return "–"
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return formats.date_format(value, "d.m.Y")


def _is_overdue(agreement: dict) -> bool:
    due = agreement.get("due_on")
    return (
        bool(due)
        and agreement.get("status") in OPEN_AGREEMENT_STATUSES
        and datetime.date.fromisoformat(due) < timezone.localdate()
    )


def _styles(font: str) -> dict:
    base = getSampleStyleSheet()
    styles = {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=font, fontSize=20, leading=24, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=font, fontSize=14, leading=18, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=font, fontSize=12, leading=15, spaceBefore=8),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=font, fontSize=9, leading=11),
    }
    return styles


def _table(rows: list[list], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEADER))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), HEADER))
    table.setStyle(TableStyle(style))
    return table


def _canvas_class(*, font: str, footer_left: str, footer_note: str):
    """A canvas that writes the footer with 'Side n af m' once the number of pages is known."""

    class FooterCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.setFillColor(colors.HexColor("#545454"))
                self.drawString(18 * mm, 10 * mm, footer_left)
                if footer_note:
                    self.drawCentredString(A4[0] / 2, 10 * mm, footer_note)
                self.drawRightString(
                    A4[0] - 18 * mm, 10 * mm, _("Page %(page)s of %(total)s") % {"page": number, "total": total}
                )
                super().showPage()
            super().save()

    return FooterCanvas


def _goal_block(goal: dict, number: int, styles: dict, *, case_file: bool, width: float) -> list:
    body, small = styles["body"], styles["small"]
    flow = [Paragraph(f"{_('Goal')} {number}: {_text(goal['description'])}", styles["h3"])]
    facts = [
        (_("Life area"), goal.get("life_area_label", "")),
        (_("Goal type"), goal.get("goal_type_label", "")),
        (_("Measurable target"), goal.get("indicator", "")),
        (_("Horizon"), goal.get("horizon_label", "")),
        (_("Responsible department"), goal.get("responsible_department") or "–"),
        (_("Legal basis"), goal.get("legal_basis") or "–"),
        (_("Status"), goal.get("status_label", "")),
    ]
    if goal.get("findings"):  # only in the case-file edition: the citizen's edition leaves them out
        facts.append((_("Answers findings from the assessment"), goal.get("findings_text", "")))
    flow.append(
        _table(
            [[Paragraph(_text(label), small), Paragraph(_text(value), body)] for label, value in facts],
            [45 * mm, width - 45 * mm],
            header=False,
        )
    )
    agreements = goal.get("agreements", [])
    flow.append(Spacer(1, 3 * mm))
    if agreements:
        rows = [[Paragraph(_text(text), small) for text in (_("Agreement"), _("Who does it"), _("Due"), _("Status"))]]
        for agreement in agreements:
            status = agreement.get("status_label", "")
            if _is_overdue(agreement):
                status = f"{status} – {_('Overdue')}"
            what = _text(agreement["what"])
            if agreement.get("follow_up_note"):
                what += f"<br/><i>{_('Follow-up')}: {_text(agreement['follow_up_note'])}</i>"
            rows.append(
                [
                    Paragraph(what, body),
                    Paragraph(_text(agreement.get("owner_name", "")), body),
                    Paragraph(_date(agreement.get("due_on")), body),
                    Paragraph(_text(status), body),
                ]
            )
        flow.append(_table(rows, [width - 105 * mm, 45 * mm, 25 * mm, 35 * mm]))
    else:
        flow.append(Paragraph(_text(_("No agreements under this goal yet.")), small))
    follow_ups = goal.get("follow_ups", [])
    if follow_ups:
        flow.append(Spacer(1, 3 * mm))
        header = [_("Follow-up"), _("Result"), _("Note")]
        widths = [25 * mm, 40 * mm, width - 65 * mm]
        if case_file:
            header.append(_("Internal note"))
            widths = [25 * mm, 40 * mm, (width - 65 * mm) / 2, (width - 65 * mm) / 2]
        rows = [[Paragraph(_text(text), small) for text in header]]
        for follow_up in follow_ups:
            row = [
                Paragraph(_date(follow_up.get("assessed_on")), body),
                Paragraph(_text(follow_up.get("result_label", "")), body),
                Paragraph(_text(follow_up.get("note") or "–"), body),
            ]
            if case_file:
                row.append(Paragraph(_text(follow_up.get("internal_note") or "–"), body))
            rows.append(row)
        flow.append(_table(rows, widths))
    return flow


def render_plan_pdf(document, *, edition: str) -> bytes:
    """The PDF of `document` (a `selectors.PlanDocument`) in the given edition (`PdfEdition`)."""
    case_file = edition == PdfEdition.CASE_FILE
    with translation.override("da"):
        font = _font()
        styles = _styles(font)
        pathway, snapshot, revision = document.pathway, document.snapshot, document.revision
        if not case_file:
            snapshot = citizen_edition(snapshot)
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
            title=_("The shared plan"),
            lang="da-DK",
        )
        width = doc.width
        story = [
            Paragraph(_text(_("The shared plan")), styles["title"]),
            Paragraph(_text(pathway.subject_name), styles["h2"]),
        ]
        if not pathway.citizen_id:
            names = ", ".join(citizen.full_name for citizen in document.citizens)
            story.append(Paragraph(f"{_('Family members')}: {_text(names)}", styles["body"]))
        if revision is not None:
            saved = _("Version %(number)s, saved %(date)s by %(name)s") % {
                "number": revision.number,
                "date": _date(timezone.localtime(revision.saved_at).date()),
                "name": revision.saved_by.get_full_name(),
            }
        else:
            saved = _("No version of the plan has been saved yet.")
        facts = [
            (_("Programme"), pathway.programme.name),
            (_("Coordinator"), f"{pathway.coordinator.get_full_name()} ({pathway.lead_department.name})"),
            (_("Version"), saved),
            (_("Printed"), _date(timezone.localdate())),
            (_("Edition"), str(PdfEdition(edition).label)),
        ]
        story += [
            Spacer(1, 3 * mm),
            _table(
                [
                    [Paragraph(_text(label), styles["small"]), Paragraph(_text(value), styles["body"])]
                    for label, value in facts
                ],
                [45 * mm, width - 45 * mm],
                header=False,
            ),
            Paragraph(_text(_("The citizen's own wishes")), styles["h2"]),
            Paragraph(_text(snapshot.get("wishes") or _("No wishes have been written yet.")), styles["body"]),
        ]
        goals = snapshot.get("goals", [])
        story.append(Paragraph(_text(_("Goals and agreements")), styles["h2"]))
        if not goals:
            story.append(Paragraph(_text(_("No goals have been set yet.")), styles["body"]))
        groups: dict[str, list] = {}
        for goal in goals:
            groups.setdefault(goal.get("member_name", ""), []).append(goal)
        number = 0
        for member_name, member_goals in groups.items():
            if len(groups) > 1 or not pathway.citizen_id:
                story.append(Paragraph(_text(member_name), styles["h2"]))
            for goal in member_goals:
                number += 1
                story.append(KeepTogether(_goal_block(goal, number, styles, case_file=case_file, width=width)))
        footer_note = _("Case-file version – contains internal notes") if case_file else _("Citizen version")
        doc.build(
            story,
            canvasmaker=_canvas_class(
                font=font, footer_left=f"{_('The shared plan')} · {pathway.subject_name}", footer_note=footer_note
            ),
        )
    return buffer.getvalue()
