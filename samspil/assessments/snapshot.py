"""The combined report's content as one JSON document (`AssessmentReport.snapshot`), and its citizen version.

`build_snapshot(assessment)` freezes the whole assessment with the display texts of the day, so an old report reads
the same after the code system, a name or a department changes:

    {
      "method": "ics", "method_label": "ICS (børn)", "number": 1,
      "subject": "Emma Hansen", "purpose": "...", "family_view": "...", "summary": "...",
      "studies": [{"kind", "label", "description", "responsible", "done_on" (ISO date or "")}],
      "groups": [                                   # the method's groups in reading order, only those with content
        {"key", "label", "areas": [                 # only areas with a section or a finding
          {"key", "label",
           "sections": [{"author", "department", "strengths", "concerns", "level", "level_label", "internal_note"}],
           "findings": [{"id" (public id), "kind", "kind_label", "text", "member"}]}]}],
    }

`citizen_version(snapshot)` is the same without the sections' internal notes: what the family sees in the portal and
in the citizen PDF. Nothing else in a report is internal (analysis-meeting minutes never enter an assessment).
"""

import copy

from django.utils.translation import gettext

from samspil.assessments import methods


def _member_name(citizen) -> str:
    return citizen.full_name if citizen is not None else ""


def build_snapshot(assessment) -> dict:
    """The assessment as it stands, read with its rows (2 queries for sections and findings, 1 for studies)."""
    sections = list(
        assessment.sections.select_related("author__user", "author__department", "author__external_contact").order_by(
            "area", "id"
        )
    )
    findings = list(assessment.findings.select_related("member").order_by("area", "id"))
    studies = list(assessment.studies.select_related("responsible__user", "responsible__external_contact"))
    by_area_sections: dict[str, list] = {}
    for section in sections:
        by_area_sections.setdefault(section.area, []).append(
            {
                "author": section.author.display_name,
                "department": section.author.department.name if section.author.department_id else "",
                "strengths": section.strengths,
                "concerns": section.concerns,
                "level": section.level,
                "level_label": methods.level_label(section.level),
                "internal_note": section.internal_note,
            }
        )
    by_area_findings: dict[str, list] = {}
    for finding in findings:
        by_area_findings.setdefault(finding.area, []).append(
            {
                "id": str(finding.public_id),
                "kind": finding.kind,
                "kind_label": str(finding.get_kind_display()),
                "text": finding.text,
                "member": _member_name(finding.member),
            }
        )
    groups = []
    known = set()
    for group in methods.areas(assessment.method):
        areas = []
        for area in group.areas:
            known.add(area.key)
            if area.key in by_area_sections or area.key in by_area_findings:
                areas.append(
                    {
                        "key": area.key,
                        "label": str(area.label),
                        "sections": by_area_sections.get(area.key, []),
                        "findings": by_area_findings.get(area.key, []),
                    }
                )
        if areas:
            groups.append({"key": group.key, "label": str(group.label), "areas": areas})
    unknown = sorted((set(by_area_sections) | set(by_area_findings)) - known)
    if unknown:  # a key the method no longer has (a code system change): kept, under its own key
        groups.append(
            {
                "key": "other",
                "label": gettext("Other areas"),
                "areas": [
                    {
                        "key": key,
                        "label": key,
                        "sections": by_area_sections.get(key, []),
                        "findings": by_area_findings.get(key, []),
                    }
                    for key in unknown
                ],
            }
        )
    return {
        "method": assessment.method,
        "method_label": str(assessment.get_method_display()),
        "number": assessment.number,
        "subject": assessment.subject.full_name,
        "purpose": assessment.purpose,
        "family_view": assessment.family_view,
        "summary": assessment.summary,
        "studies": [
            {
                "kind": study.kind,
                "label": str(study.get_kind_display()),
                "description": study.description,
                "responsible": study.responsible.display_name if study.responsible_id else "",
                "done_on": study.done_on.isoformat() if study.done_on else "",
            }
            for study in studies
        ],
        "groups": groups,
    }


def citizen_version(snapshot: dict) -> dict:
    """The report without the sections' internal notes (a copy; the stored snapshot is never changed)."""
    shown = copy.deepcopy(snapshot)
    for group in shown.get("groups", []):
        for area in group.get("areas", []):
            for section in area.get("sections", []):
                section.pop("internal_note", None)
    return shown
