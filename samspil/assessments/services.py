"""Writes for the joint assessment (*tværfaglig udredning*).

Who does what (seed 003 p. 4: "teamet vurderer, hvilke udredninger der skal foretages … familien får mulighed for at
italesætte deres egne behov … én samlet afrapportering"):

- the coordinator (`manage`) starts an assessment, records the findings, compiles the combined report and
  approves it;
- the team (`contribute`: the coordinator and covered team places) decides the investigations, records the
  family's own view, and each professional writes their own sections, one per area of the method. Sections can be
  written only once the family's view is recorded: the family speaks first.

Every service re-checks the pathway inside its transaction (`policy.require`, which locks the pathway row, so the
numbers of assessments and reports are taken under that lock), refuses a closed pathway, checks `version` where
two people can edit the same row, and records its event in the same transaction; the change log is written by the
`ChangeLogged` models. A refused write saves nothing.

After a compile, any change to the content (family view, studies, sections, findings) sets the assessment back to
*in progress*: the report no longer says what the assessment says, and a new compile (a new report version) is
needed before an approval. When the change is undone, compiling makes no new version: it gives the assessment the
last report's status back (compiled, or approved if that report is approved).
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.access import policy
from samspil.assessments import methods, snapshot
from samspil.assessments.choices import AssessmentStatus, FindingKind, Method, StudyKind
from samspil.assessments.models import Assessment, AssessmentReport, AssessmentSection, AssessmentStudy, Finding
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, TeamMember

CONFLICT = gettext_lazy(
    "Someone else saved this while you were working on it. Nothing of yours was saved; your text is kept below. "
    "Compare it with what is saved now, then save again."
)


def _event(*, actor, code: str, assessment: Assessment, **data) -> None:
    event_record(
        actor=actor,
        code=code,
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        data={"number": assessment.number, "method": assessment.method, **data},
    )


def _open(pathway: Pathway) -> None:
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed."))


def _locked_assessment(*, actor, action: str, assessment: Assessment) -> Assessment:
    """Re-check the pathway inside the transaction (locking it), then lock the assessment row."""
    pathway = policy.require(actor, action, assessment.pathway)
    _open(pathway)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk, pathway=pathway)
    locked.pathway = pathway
    return locked


def _check_version(saved_version: int, expected_version: int) -> None:
    """The version the writer saw must be the saved one; a write without it is refused (never skipped)."""
    if expected_version is None:
        raise ValidationError(_("The form is missing its version: reload the page and save again."))
    if saved_version != expected_version:
        raise ConflictError(str(CONFLICT))


def _changed(assessment: Assessment, *changed_fields: str) -> None:
    """The content changed: a compiled or approved assessment is in progress again until it is compiled anew. One
    save (one change-log row) with the assessment's own `changed_fields`, if any."""
    assessment.version += 1
    fields = [*changed_fields, "version", "updated_at"]
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        assessment.status = AssessmentStatus.IN_PROGRESS
        fields.append("status")
    assessment.save(update_fields=fields)


def _subjects(pathway: Pathway) -> list:
    from samspil.pathways.selectors import subject_citizens

    return subject_citizens(pathway)


def _current_member(pathway: Pathway, public_id) -> TeamMember:
    member = TeamMember.objects.current().filter(pathway=pathway, public_id=public_id).first()
    if member is None:
        raise ValidationError(_("Only a current member of the team can be responsible."))
    return member


def own_place(actor, pathway: Pathway) -> TeamMember | None:
    """The actor's current staff place on the pathway's team: the author of the sections they write."""
    return (
        TeamMember.objects.current()
        .filter(pathway=pathway, user=actor, kind=TeamMemberKind.STAFF)
        .select_related("department")
        .order_by("-active_from", "-id")
        .first()
    )


# --- starting ----------------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_start(
    *,
    actor,
    pathway: Pathway,
    method: str,
    subject_id: uuid.UUID,
    purpose: str = "",
    previous_id: uuid.UUID | None = None,
    meeting_id: uuid.UUID | None = None,
) -> Assessment:
    """Start an assessment of the citizen or a current member of the family, numbered per pathway; optionally a
    follow-up of an earlier assessment of the same pathway and person (`previous_id`), started at a status meeting
    of the pathway (`meeting_id`, planned or held)."""
    from samspil.meetings.choices import MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting

    pathway = policy.require(actor, policy.MANAGE, pathway)
    _open(pathway)
    if method not in Method.values:
        raise ValidationError(_("Choose the method of the assessment."))
    subject = next((c for c in _subjects(pathway) if str(c.public_id) == str(subject_id)), None)
    if subject is None:
        raise ValidationError(_("The assessed person must be the citizen or a current member of the family."))
    previous = None
    if previous_id:
        previous = Assessment.objects.filter(pathway=pathway, public_id=previous_id).first()
        if previous is None:
            raise ValidationError(_("The earlier assessment is not one of this pathway's."))
        if previous.method != method or previous.subject_id != subject.pk:
            raise ValidationError(
                _("A follow-up assessment uses the same method and is about the same person as the earlier one.")
            )
    meeting = None
    if meeting_id:
        meeting = Meeting.objects.filter(
            pathway=pathway,
            public_id=meeting_id,
            meeting_type=MeetingType.STATUS,
            status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
        ).first()
        if meeting is None:
            raise ValidationError(_("The meeting must be a planned or held status meeting of this pathway."))
    number = (Assessment.objects.filter(pathway=pathway).aggregate(n=Max("number"))["n"] or 0) + 1
    assessment = Assessment(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        number=number,
        method=method,
        subject=subject,
        purpose=purpose.strip(),
        previous=previous,
        started_at_meeting=meeting,
        started_by=actor,
    )
    assessment.full_clean()
    assessment.save()
    _event(actor=actor, code="assessment.started", assessment=assessment)
    return assessment


# --- the investigations ------------------------------------------------------------------------------------------


@transaction.atomic
def study_add(
    *,
    actor,
    assessment: Assessment,
    kind: str,
    description: str = "",
    responsible_id: uuid.UUID | None = None,
) -> AssessmentStudy:
    assessment = _locked_assessment(actor=actor, action=policy.CONTRIBUTE, assessment=assessment)
    if kind not in StudyKind.values:
        raise ValidationError(_("Choose the investigation."))
    description = description.strip()
    if kind == StudyKind.OTHER and not description:
        raise ValidationError(_("Describe the other investigation."))
    responsible = _current_member(assessment.pathway, responsible_id) if responsible_id else None
    study = AssessmentStudy(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        kind=kind,
        description=description,
        responsible=responsible,
    )
    study.full_clean()
    study.save()
    _changed(assessment)
    _event(actor=actor, code="assessment.study_added", assessment=assessment, study=study.get_kind_display())
    return study


def _locked_study(*, actor, study: AssessmentStudy) -> tuple[Assessment, AssessmentStudy]:
    assessment = _locked_assessment(actor=actor, action=policy.CONTRIBUTE, assessment=study.assessment)
    locked = AssessmentStudy.objects.select_for_update().filter(pk=study.pk, assessment=assessment).first()
    if locked is None:  # removed meanwhile
        raise ConflictError(_("The investigation was removed by someone else meanwhile."))
    return assessment, locked


@transaction.atomic
def study_done(*, actor, study: AssessmentStudy, done_on: datetime.date | None) -> AssessmentStudy:
    """Record the day the investigation was done (or clear it). Not in the future."""
    assessment, study = _locked_study(actor=actor, study=study)
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError(_("An investigation cannot be done on a future date."))
    if study.done_on == done_on:
        return study
    study.done_on = done_on
    study.save(update_fields=["done_on", "updated_at"])
    _changed(assessment)
    _event(
        actor=actor,
        code="assessment.study_done" if done_on else "assessment.study_reopened",
        assessment=assessment,
        study=study.get_kind_display(),
    )
    return study


@transaction.atomic
def study_remove(*, actor, study: AssessmentStudy) -> None:
    assessment, study = _locked_study(actor=actor, study=study)
    label = study.get_kind_display()
    study.delete()
    _changed(assessment)
    _event(actor=actor, code="assessment.study_removed", assessment=assessment, study=label)


# --- the family's own view ---------------------------------------------------------------------------------------


@transaction.atomic
def family_view_record(*, actor, assessment: Assessment, text: str, expected_version: int) -> Assessment:
    """What the citizen or family themselves say about their situation, wishes and needs: written first."""
    assessment = _locked_assessment(actor=actor, action=policy.CONTRIBUTE, assessment=assessment)
    _check_version(assessment.version, expected_version)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the family's own view."))
    if text == assessment.family_view:
        return assessment
    first = not assessment.family_view
    assessment.family_view = text
    assessment.family_view_recorded_by = actor
    assessment.family_view_recorded_at = timezone.now()
    _changed(assessment, "family_view", "family_view_recorded_by", "family_view_recorded_at")
    _event(
        actor=actor,
        code="assessment.family_view_recorded" if first else "assessment.family_view_changed",
        assessment=assessment,
    )
    return assessment


# --- the sections ------------------------------------------------------------------------------------------------


def _section_values(method: str, *, area: str, level: str) -> None:
    if not methods.is_area(method, area):
        raise ValidationError(_("Choose an area of the assessment's method."))
    if method == Method.VUM:
        if level not in {lvl.key for lvl in methods.vum_levels()}:
            raise ValidationError(_("Choose the function level (choose “Ikke vurderet” when it was not assessed)."))
    elif level:
        raise ValidationError(_("A function level belongs to VUM 2.0 only."))


@transaction.atomic
def section_create(
    *,
    actor,
    assessment: Assessment,
    area: str,
    strengths: str = "",
    concerns: str = "",
    level: str = "",
    internal_note: str = "",
) -> AssessmentSection:
    """The actor's own section on one area, as their current staff place on the team. Needs the family's view."""
    assessment = _locked_assessment(actor=actor, action=policy.CONTRIBUTE, assessment=assessment)
    if not assessment.family_view:
        raise ValidationError(
            _(
                "Record the family's own view first: the family says what they see and need before the "
                "professionals write their sections."
            )
        )
    author = own_place(actor, assessment.pathway)
    if author is None:
        raise ValidationError(_("Only a professional on the team writes a section: you have no current team place."))
    _section_values(assessment.method, area=area, level=level)
    strengths, concerns, internal_note = strengths.strip(), concerns.strip(), internal_note.strip()
    if not (strengths or concerns):
        raise ValidationError(_("Write at least one of the two texts."))
    if AssessmentSection.objects.filter(assessment=assessment, area=area, author=author).exists():
        raise ValidationError(_("You have already written a section on this area: change that one instead."))
    section = AssessmentSection(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        area=area,
        author=author,
        strengths=strengths,
        concerns=concerns,
        level=level,
        internal_note=internal_note,
        written_by=actor,
    )
    section.full_clean()
    section.save()
    _changed(assessment)
    _event(
        actor=actor,
        code="assessment.section_written",
        assessment=assessment,
        area=methods.area_label(assessment.method, area),
    )
    return section


@transaction.atomic
def section_update(
    *,
    actor,
    section: AssessmentSection,
    expected_version: int,
    strengths: str = "",
    concerns: str = "",
    level: str = "",
    internal_note: str = "",
) -> AssessmentSection:
    """Change one's own section (never another professional's), with its version checked."""
    assessment = _locked_assessment(actor=actor, action=policy.CONTRIBUTE, assessment=section.assessment)
    section = AssessmentSection.objects.select_for_update().select_related("author").get(pk=section.pk)
    if section.author.user_id != actor.pk:
        raise ValidationError(_("Only the professional who wrote a section can change it."))
    _check_version(section.version, expected_version)
    _section_values(assessment.method, area=section.area, level=level)
    strengths, concerns, internal_note = strengths.strip(), concerns.strip(), internal_note.strip()
    if not (strengths or concerns):
        raise ValidationError(_("Write at least one of the two texts."))
    new = {"strengths": strengths, "concerns": concerns, "level": level, "internal_note": internal_note}
    if all(getattr(section, name) == value for name, value in new.items()):
        return section
    for name, value in new.items():
        setattr(section, name, value)
    section.written_by = actor
    section.version += 1
    section.save(update_fields=[*new, "written_by", "version", "updated_at"])
    _changed(assessment)
    _event(
        actor=actor,
        code="assessment.section_changed",
        assessment=assessment,
        area=methods.area_label(assessment.method, section.area),
    )
    return section


# --- findings ----------------------------------------------------------------------------------------------------


def _finding_values(assessment: Assessment, *, area: str, kind: str, text: str, member_id) -> tuple[str, object]:
    if not methods.is_area(assessment.method, area):
        raise ValidationError(_("Choose an area of the assessment's method."))
    if kind not in FindingKind.values:
        raise ValidationError(_("Choose the kind of finding."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the finding."))
    member = None
    if member_id:
        member = next((c for c in _subjects(assessment.pathway) if str(c.public_id) == str(member_id)), None)
        if member is None:
            raise ValidationError(_("The family member must be a current member of the family."))
    return text, member


@transaction.atomic
def finding_add(
    *, actor, assessment: Assessment, area: str, kind: str, text: str, member_id: uuid.UUID | None = None
) -> Finding:
    """A conclusion on one area (a strength, a concern, a need), which goals and interventions can answer."""
    assessment = _locked_assessment(actor=actor, action=policy.MANAGE, assessment=assessment)
    text, member = _finding_values(assessment, area=area, kind=kind, text=text, member_id=member_id)
    finding = Finding(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        area=area,
        kind=kind,
        text=text,
        member=member,
    )
    finding.full_clean()
    finding.save()
    _changed(assessment)
    _event(
        actor=actor,
        code="assessment.finding_added",
        assessment=assessment,
        area=methods.area_label(assessment.method, area),
    )
    return finding


def _locked_finding(*, actor, finding: Finding) -> tuple[Assessment, Finding]:
    assessment = _locked_assessment(actor=actor, action=policy.MANAGE, assessment=finding.assessment)
    locked = Finding.objects.select_for_update().filter(pk=finding.pk, assessment=assessment).first()
    if locked is None:
        raise ConflictError(_("The finding was removed by someone else meanwhile."))
    return assessment, locked


@transaction.atomic
def finding_update(
    *,
    actor,
    finding: Finding,
    expected_version: int,
    area: str,
    kind: str,
    text: str,
    member_id: uuid.UUID | None = None,
) -> Finding:
    assessment, finding = _locked_finding(actor=actor, finding=finding)
    _check_version(finding.version, expected_version)
    text, member = _finding_values(assessment, area=area, kind=kind, text=text, member_id=member_id)
    if (finding.area, finding.kind, finding.text, finding.member_id) == (area, kind, text, getattr(member, "pk", None)):
        return finding
    finding.area, finding.kind, finding.text, finding.member = area, kind, text, member
    finding.version += 1
    finding.save(update_fields=["area", "kind", "text", "member", "version", "updated_at"])
    _changed(assessment)
    _event(
        actor=actor,
        code="assessment.finding_changed",
        assessment=assessment,
        area=methods.area_label(assessment.method, area),
    )
    return finding


@transaction.atomic
def finding_remove(*, actor, finding: Finding) -> None:
    """Remove a finding no goal or intervention answers (one they answer is changed instead, so the link holds)."""
    assessment, finding = _locked_finding(actor=actor, finding=finding)
    if finding.goals.exists() or finding.interventions.exists():
        raise ValidationError(
            _("Goals or interventions answer this finding: change the finding instead of removing it.")
        )
    area = methods.area_label(assessment.method, finding.area)
    finding.delete()
    _changed(assessment)
    _event(actor=actor, code="assessment.finding_removed", assessment=assessment, area=area)


# --- the combined report -----------------------------------------------------------------------------------------


@transaction.atomic
def assessment_compile(*, actor, assessment: Assessment, summary: str, expected_version: int) -> AssessmentReport:
    """Write the combined assessment and freeze the whole as the next numbered report (*én samlet afrapportering*),
    status compiled, awaiting approval. Refused without the family's view or a section.

    When the assessment says exactly what the last report says (a change was undone: a study added and removed), no
    new version is made: the assessment gets that report's status back (approved if that report is approved,
    otherwise compiled) and the last report is returned with `unchanged` set, so the page can say so."""
    assessment = _locked_assessment(actor=actor, action=policy.MANAGE, assessment=assessment)
    _check_version(assessment.version, expected_version)
    summary = summary.strip()
    if not summary:
        raise ValidationError(_("Write the combined assessment."))
    if not assessment.family_view:
        raise ValidationError(_("The family's own view is not recorded yet."))
    if not assessment.sections.exists():
        raise ValidationError(_("No professional has written a section yet."))
    assessment.summary = summary
    content = snapshot.build_snapshot(assessment)
    last = assessment.reports.order_by("-number").first()
    if last is not None and last.snapshot == content:
        status = AssessmentStatus.APPROVED if last.approved_at is not None else AssessmentStatus.COMPILED
        if assessment.status != status:
            assessment.status = status
            assessment.version += 1
            assessment.save(update_fields=["summary", "status", "version", "updated_at"])
            _event(actor=actor, code="assessment.status_restored", assessment=assessment, report=last.number)
        last.unchanged = True
        return last
    report = AssessmentReport.objects.create(
        municipality_id=assessment.municipality_id,
        pathway=assessment.pathway,
        assessment=assessment,
        number=(last.number if last else 0) + 1,
        snapshot=content,
        compiled_by=actor,
        compiled_at=timezone.now(),
    )
    assessment.status = AssessmentStatus.COMPILED
    assessment.version += 1
    assessment.save(update_fields=["summary", "status", "version", "updated_at"])
    _event(actor=actor, code="assessment.compiled", assessment=assessment, report=report.number)
    report.unchanged = False
    return report


@transaction.atomic
def report_approve(*, actor, report: AssessmentReport) -> AssessmentReport:
    """Approve the latest report, once, while the assessment is as compiled: it is then what the family sees."""
    assessment = _locked_assessment(actor=actor, action=policy.MANAGE, assessment=report.assessment)
    report = AssessmentReport.objects.select_for_update().get(pk=report.pk, assessment=assessment)
    if report.approved_at is not None:
        raise ValidationError(_("This version of the report is already approved."))
    latest = assessment.reports.aggregate(n=Max("number"))["n"]
    if report.number != latest:
        raise ValidationError(_("Only the latest version of the report can be approved."))
    if assessment.status != AssessmentStatus.COMPILED:
        raise ValidationError(
            _("The assessment was changed after this version was compiled: compile it again, then approve.")
        )
    report.approved_by = actor
    report.approved_at = timezone.now()
    report.save(update_fields=["approved_by", "approved_at", "updated_at"])
    assessment.status = AssessmentStatus.APPROVED
    assessment.version += 1
    assessment.save(update_fields=["status", "version", "updated_at"])
    _event(actor=actor, code="assessment.approved", assessment=assessment, report=report.number)
    return report
