"""One version of the combined report (*én samlet afrapportering*) as a printable PDF in Danish (reportlab).

`report_pdf(report, *, edition)` — `edition` is "citizen" or "case_file" (`EDITIONS`):

- the **citizen edition** is drawn from `snapshot.citizen_version`, the one definition of what the family may read
  (the portal shows the same): everything of the report but the sections' internal notes;
- the **case-file edition** carries the internal notes, and says so on every page; the staff view offers it to the
  coordinator and covered team places only (`access.shows_internal_notes`), like the plan's.

The PDF prints the frozen snapshot of the report (display texts of the day), never the live assessment, so a printed
version reads the same as the page of that version. No CPR number; analysis-meeting minutes never enter a report.
The layout helpers (font, table, footer with "Side n af m") are the plan PDF's.
"""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from samspil.assessments.selectors import section_labels
from samspil.assessments.snapshot import citizen_version
from samspil.plans.pdf import _canvas_class, _date, _font, _styles, _table, _text

CITIZEN = "citizen"
CASE_FILE = "case_file"
EDITIONS = (CITIZEN, CASE_FILE)


def _area_block(area: dict, *, method: str, case_file: bool, styles: dict, width: float) -> list:
    body, small = styles["body"], styles["small"]
    first, second = section_labels(method)
    flow = [Paragraph(_text(area["label"]), styles["h3"])]
    for section in area.get("sections", []):
        who = section.get("author", "")
        if section.get("department"):
            who += f" ({section['department']})"
        rows = [[Paragraph(_text(_("Professional")), small), Paragraph(_text(who), body)]]
        if method == "vum":
            rows.append(
                [Paragraph(_text(_("Function level")), small), Paragraph(_text(section.get("level_label", "")), body)]
            )
        rows.append([Paragraph(_text(first), small), Paragraph(_text(section.get("strengths") or "–"), body)])
        rows.append([Paragraph(_text(second), small), Paragraph(_text(section.get("concerns") or "–"), body)])
        if case_file:
            rows.append(
                [
                    Paragraph(_text(_("Internal note")), small),
                    Paragraph(_text(section.get("internal_note") or "–"), body),
                ]
            )
        flow += [_table(rows, [40 * mm, width - 40 * mm], header=False), Spacer(1, 2 * mm)]
    findings = area.get("findings", [])
    if findings:
        rows = [[Paragraph(_text(text), small) for text in (_("Finding"), _("Kind"), _("Family member"))]]
        for finding in findings:
            rows.append(
                [
                    Paragraph(_text(finding.get("text", "")), body),
                    Paragraph(_text(finding.get("kind_label", "")), body),
                    Paragraph(_text(finding.get("member") or "–"), body),
                ]
            )
        flow += [_table(rows, [width - 75 * mm, 35 * mm, 40 * mm]), Spacer(1, 2 * mm)]
    return flow


def report_pdf(report, *, edition: str) -> bytes:
    """The PDF of `report` (an `AssessmentReport`) in the given edition ("citizen" or "case_file")."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}")
    case_file = edition == CASE_FILE
    content = report.snapshot if case_file else citizen_version(report.snapshot)
    pathway = report.pathway
    with translation.override("da"):
        font = _font()
        styles = _styles(font)
        title = _("Joint assessment %(number)s – combined report") % {"number": content.get("number", "")}
        buffer = io.BytesIO()
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
        if report.approved_at:
            approval = _("Approved %(date)s by %(name)s") % {
                "date": _date(timezone.localtime(report.approved_at).date()),
                "name": report.approved_by.get_full_name(),
            }
        else:
            approval = _("Not approved yet")
        facts = [
            (_("Assessed person"), content.get("subject", "")),
            (_("Method"), content.get("method_label", "")),
            (_("Programme"), pathway.programme.name),
            (_("Coordinator"), pathway.coordinator.get_full_name()),
            (
                _("Version"),
                _("Version %(number)s, compiled %(date)s by %(name)s")
                % {
                    "number": report.number,
                    "date": _date(timezone.localtime(report.compiled_at).date()),
                    "name": report.compiled_by.get_full_name(),
                },
            ),
            (_("Approval"), approval),
            (_("Printed"), _date(timezone.localdate())),
            (_("Edition"), _("Case-file version") if case_file else _("Citizen version")),
        ]
        story = [
            Paragraph(_text(title), styles["title"]),
            Paragraph(_text(pathway.subject_name), styles["h2"]),
            _table(
                [
                    [Paragraph(_text(label), styles["small"]), Paragraph(_text(value), styles["body"])]
                    for label, value in facts
                ],
                [45 * mm, width - 45 * mm],
                header=False,
            ),
        ]
        if content.get("purpose"):
            story += [
                Paragraph(_text(_("Purpose and questions")), styles["h2"]),
                Paragraph(_text(content["purpose"]), styles["body"]),
            ]
        story += [
            Paragraph(_text(_("The family's own view")), styles["h2"]),
            Paragraph(_text(content.get("family_view") or "–"), styles["body"]),
        ]
        studies = content.get("studies", [])
        if studies:
            story.append(Paragraph(_text(_("Investigations")), styles["h2"]))
            rows = [[Paragraph(_text(t), styles["small"]) for t in (_("Investigation"), _("Responsible"), _("Done"))]]
            for study in studies:
                label = study.get("label", "")
                if study.get("description"):
                    label += f" – {study['description']}"
                rows.append(
                    [
                        Paragraph(_text(label), styles["body"]),
                        Paragraph(_text(study.get("responsible") or "–"), styles["body"]),
                        Paragraph(_date(study.get("done_on")), styles["body"]),
                    ]
                )
            story.append(_table(rows, [width - 75 * mm, 45 * mm, 30 * mm]))
        story.append(Paragraph(_text(_("The professionals' sections and the findings")), styles["h2"]))
        groups = content.get("groups", [])
        if not groups:
            story.append(Paragraph(_text(_("No sections have been written.")), styles["body"]))
        for group in groups:
            story.append(Paragraph(_text(group["label"]), styles["h2"]))
            for area in group.get("areas", []):
                story.append(
                    KeepTogether(
                        _area_block(
                            area, method=content.get("method", ""), case_file=case_file, styles=styles, width=width
                        )
                    )
                )
        story += [
            Paragraph(_text(_("Combined assessment")), styles["h2"]),
            Paragraph(_text(content.get("summary") or "–"), styles["body"]),
        ]
        footer_note = _("Case-file version – contains internal notes") if case_file else _("Citizen version")
        doc.build(
            story,
            canvasmaker=_canvas_class(
                font=font,
                footer_left=f"{_('Joint assessment')} {content.get('number', '')} · {pathway.subject_name}",
                footer_note=footer_note,
            ),
        )
    return buffer.getvalue()
