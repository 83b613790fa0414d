"""Joint-assessment rows for the plan's and the portal's tests, written straight to the models (the assessment
services are tested in samspil/assessments): an assessment with a section, findings, and a frozen combined report."""

from django.utils import timezone

from samspil.assessments import methods
from samspil.assessments.choices import AssessmentStatus, FindingKind, Method
from samspil.assessments.models import Assessment, AssessmentReport, AssessmentSection, Finding
from samspil.assessments.snapshot import build_snapshot
from samspil.pathways.selectors import subject_citizens

ICS_HEALTH = "ics.child.health"
ICS_SAFETY = "ics.parenting.safety"


def make_assessment(pathway, *, subject=None, number=None, method=Method.ICS, **fields) -> Assessment:
    if number is None:
        number = Assessment.objects.filter(pathway=pathway).count() + 1
    return Assessment.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        number=number,
        method=method,
        subject=subject or (pathway.citizen if pathway.citizen_id else subject_citizens(pathway)[0]),
        started_by=pathway.coordinator,
        family_view=fields.pop("family_view", "Vi vil gerne have ro på hjemme."),
        **fields,
    )


def make_finding(assessment, *, area=ICS_HEALTH, kind=FindingKind.CONCERN, text="Sover for lidt", member=None):
    return Finding.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        area=area,
        kind=kind,
        text=text,
        member=member,
    )


def make_section(assessment, author, *, area=ICS_HEALTH, **fields) -> AssessmentSection:
    return AssessmentSection.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        area=area,
        author=author,
        written_by=author.user or assessment.pathway.coordinator,
        strengths=fields.pop("strengths", "Går glad i skole"),
        concerns=fields.pop("concerns", "Trætte morgener"),
        **fields,
    )


def make_report(assessment, *, approved=True, summary="Familien har brug for en fælles indsats.") -> AssessmentReport:
    """Freeze the assessment as its next combined report (approved unless told otherwise)."""
    assessment.summary = summary
    assessment.status = AssessmentStatus.APPROVED if approved else AssessmentStatus.COMPILED
    assessment.save(update_fields=["summary", "status", "updated_at"])
    now = timezone.now()
    coordinator = assessment.pathway.coordinator
    return AssessmentReport.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        number=AssessmentReport.objects.filter(assessment=assessment).count() + 1,
        snapshot=build_snapshot(assessment),
        compiled_by=coordinator,
        compiled_at=now,
        approved_by=coordinator if approved else None,
        approved_at=now if approved else None,
    )


def area_label(key: str) -> str:
    return str(methods.area_label(Method.ICS, key))
