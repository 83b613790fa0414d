"""Helpers for the joint assessment in tests (on top of tests/factories.py). Rows are written directly; the services
are tested on their own."""

from django.utils import timezone

from samspil.assessments import methods
from samspil.assessments.choices import AssessmentStatus, FindingKind, Method, StudyKind
from samspil.assessments.models import Assessment, AssessmentReport, AssessmentSection, AssessmentStudy, Finding
from samspil.assessments.snapshot import build_snapshot

ICS_AREA = "ics.child.health"
ICS_AREA_2 = "ics.parenting.basic_care"


def first_vum_area() -> str:
    return methods.vum_groups()[0].areas[0].key


def level(word: str) -> str:
    """The FFB function level code whose display text starts with `word` (Ingen, Let, Moderat, Svært, …)."""
    return next(lvl.key for lvl in methods.vum_levels() if lvl.label.startswith(word))


def make_assessment(pathway, *, method=Method.ICS, subject=None, started_by=None, family_view="", **fields):
    if subject is None:
        subject = pathway.citizen or pathway.household.memberships.first().citizen
    number = fields.pop("number", None) or (Assessment.objects.filter(pathway=pathway).count() + 1)
    return Assessment.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        number=number,
        method=method,
        subject=subject,
        purpose=fields.pop("purpose", "Hvad skal der til, for at familien kan stå på egne ben?"),
        family_view=family_view,
        family_view_recorded_by=(started_by or pathway.coordinator) if family_view else None,
        family_view_recorded_at=timezone.now() if family_view else None,
        started_by=started_by or pathway.coordinator,
        **fields,
    )


def make_study(assessment, *, kind=StudyKind.CHILD_STUDY, responsible=None, **fields):
    return AssessmentStudy.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        kind=kind,
        responsible=responsible,
        **fields,
    )


def make_section(assessment, author, *, area=None, **fields):
    area = area or (first_vum_area() if assessment.method == Method.VUM else ICS_AREA)
    if assessment.method == Method.VUM:
        fields.setdefault("level", level("Moderat"))
    return AssessmentSection.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        area=area,
        author=author,
        strengths=fields.pop("strengths", "Går glad i skole"),
        concerns=fields.pop("concerns", "Sover dårligt"),
        internal_note=fields.pop("internal_note", ""),
        written_by=author.user,
        **fields,
    )


def make_finding(assessment, *, area=None, kind=FindingKind.CONCERN, text="Behov for fast døgnrytme", **fields):
    area = area or (first_vum_area() if assessment.method == Method.VUM else ICS_AREA)
    return Finding.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        area=area,
        kind=kind,
        text=text,
        **fields,
    )


def make_report(assessment, *, by=None, approved=False, summary="Familien har brug for en fælles indsats."):
    by = by or assessment.pathway.coordinator
    assessment.summary = summary
    assessment.status = AssessmentStatus.APPROVED if approved else AssessmentStatus.COMPILED
    assessment.save(update_fields=["summary", "status"])
    number = AssessmentReport.objects.filter(assessment=assessment).count() + 1
    now = timezone.now()
    return AssessmentReport.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        number=number,
        snapshot=build_snapshot(assessment),
        compiled_by=by,
        compiled_at=now,
        approved_by=by if approved else None,
        approved_at=now if approved else None,
    )


def permission_world_assessments(key, pathway, *, coordinator, author_place) -> dict:
    """The permission matrix's assessment on a pathway: the family's view, an investigation, the team member with
    consent's section (with an internal note), a finding and an approved report."""
    assessment = make_assessment(pathway, started_by=coordinator, family_view="Vi vil gerne have ro på hverdagen.")
    study = make_study(assessment, responsible=author_place)
    section = make_section(assessment, author_place, internal_note="Intern note om søvn")
    finding = make_finding(assessment)
    report = make_report(assessment, by=coordinator, approved=True)
    return {
        (key, "assessment_id"): assessment.public_id,
        (key, "study_id"): study.public_id,
        (key, "section_id"): section.public_id,
        (key, "finding_id"): finding.public_id,
        (key, "report_number"): report.number,
    }
