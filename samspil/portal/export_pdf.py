"""The data download (`portal.export`) as a PDF in Danish, in the shared plan PDF's style (reportlab, A4, IBM Plex
Sans embedded, "Side n af m" in the footer). No CPR number; the file name holds no name."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from samspil.plans.pdf import _canvas_class, _font, _styles, _table, _text
from samspil.portal.export import PDF_ACCESS_LOG_LIMIT, ExportData, Item, Section, _date


def _value(value) -> str:
    return "–" if value in (None, "") else str(value)


def _nested(items: list[Item], styles: dict, width: float):
    """A list of records inside a field: one small table, a column per field."""
    if not items:
        return Paragraph("–", styles["body"])
    labels = [f.label for f in items[0].fields if f.pdf]
    rows = [[Paragraph(_text(label), styles["small"]) for label in labels]]
    for item in items:
        rows.append([Paragraph(_text(_value(f.value)), styles["small"]) for f in item.fields if f.pdf])
    return _table(rows, [width / len(labels)] * len(labels))


def _item(item: Item, styles: dict, width: float) -> list:
    rows = []
    for f in item.fields:
        if not f.pdf:
            continue
        label = Paragraph(_text(f.label), styles["small"])
        if isinstance(f.value, list):
            rows.append([label, _nested(f.value, styles, width - 45 * mm - 8)])
        else:
            rows.append([label, Paragraph(_text(_value(f.value)), styles["body"])])
    return [Paragraph(_text(item.title), styles["h3"]), _table(rows, [45 * mm, width - 45 * mm], header=False)]


def _access_log(section: Section, styles: dict, width: float, total: int) -> list:
    flow = [Paragraph(_text(section.intro), styles["body"])]
    if not section.items:
        return [*flow, Paragraph(_text(_("No one has looked at your data yet.")), styles["body"])]
    if total > PDF_ACCESS_LOG_LIMIT:
        flow.append(
            Paragraph(
                _text(
                    _(
                        "The newest %(shown)s of %(total)s reads are listed here. The JSON file and the insight page "
                        "hold them all."
                    )
                    % {"shown": PDF_ACCESS_LOG_LIMIT, "total": total}
                ),
                styles["body"],
            )
        )
    header = [_("When"), _("Who"), _("What"), _("Why and on which basis")]
    rows = [[Paragraph(_text(text), styles["small"]) for text in header]]
    for item in section.items[:PDF_ACCESS_LOG_LIMIT]:
        value = {f.key: f.value for f in item.fields}
        who = ", ".join(part for part in (value["who"], value["role"], value["department"]) if part)
        why = _text(f"{value['purpose']} · {value['basis']}")
        if value["break_glass_reason"]:
            why += "<br/>" + _text(f"{_('Reason')}: {value['break_glass_reason']}")
        what = value["what"] + (f" ({value['about']})" if value["about"] else "")
        rows.append(
            [
                Paragraph(_text(value["when"]), styles["small"]),
                Paragraph(_text(who), styles["small"]),
                Paragraph(_text(what), styles["small"]),
                Paragraph(why, styles["small"]),
            ]
        )
    flow.append(_table(rows, [28 * mm, 48 * mm, 48 * mm, width - 124 * mm]))
    return flow


def render_export_pdf(data: ExportData) -> bytes:
    with translation.override("da"):
        font = _font()
        styles = _styles(font)
        buffer = io.BytesIO()
        title = _("Your data in Samspil")
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
            title=title,
            lang="da-DK",
        )
        width = doc.width
        story = [
            Paragraph(_text(title), styles["title"]),
            Paragraph(
                _text(
                    _(
                        "Everything Samspil holds about you that you may see (the General Data Protection Regulation, "
                        "article 15), made %(date)s for %(name)s."
                    )
                    % {"date": _date(data.created_at), "name": data.person.full_name}
                ),
                styles["body"],
            ),
            Spacer(1, 3 * mm),
        ]
        for section in data.sections:
            heading = section.title
            if section.pathway is not None:
                heading = f"{heading} – {section.pathway.programme.name}"
            story.append(Paragraph(_text(heading), styles["h2"]))
            if section.key == "access_log":
                story += _access_log(section, styles, width, data.access_log_total)
                continue
            if section.intro:
                story.append(Paragraph(_text(section.intro), styles["body"]))
            if not section.items:
                story.append(Paragraph(_text(_("Nothing yet.")), styles["body"]))
            for item in section.items:
                story.append(KeepTogether(_item(item, styles, width)))
        doc.build(
            story,
            canvasmaker=_canvas_class(font=font, footer_left=title, footer_note=_("Personal: keep it safe")),
        )
    return buffer.getvalue()
