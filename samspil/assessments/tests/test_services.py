"""Services of the joint assessment: what they write and record, and what they refuse (saving nothing)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.assessments import methods, selectors, services
from samspil.assessments.choices import AssessmentStatus, FindingKind, Method, StudyKind
from samspil.assessments.models import Assessment, AssessmentReport, AssessmentSection, AssessmentStudy, Finding
from samspil.assessments.snapshot import citizen_version
from samspil.assessments.tests import factories as af
from samspil.audit.models import ChangeLogEntry
from samspil.core.exceptions import ConflictError
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.pathways.choices import PathwayStatus
from tests import factories as f
from tests.audit_asserts import assert_change, assert_event, audit_counts

pytestmark = pytest.mark.django_db


def start(world, actor=None, **overrides):
    values = {
        "actor": actor or world.coordinator,
        "pathway": world.pathway,
        "method": Method.ICS,
        "subject_id": world.citizen.public_id,
        "purpose": "Hvordan trives barnet?",
    }
    return services.assessment_start(**{**values, **overrides})


def with_view(world, **overrides):
    assessment = start(world, **overrides)
    return services.family_view_record(
        actor=world.coordinator, assessment=assessment, text="Vi ønsker ro i hverdagen.", expected_version=1
    )


def write(world, assessment, actor, area=af.ICS_AREA, **fields):
    values = {"strengths": "Glad for skolen", "concerns": "Sover dårligt", "internal_note": ""}
    return services.section_create(actor=actor, assessment=assessment, area=area, **{**values, **fields})


def test_start_numbers_per_pathway_and_records_the_event(world, request_id):
    with request_id(world.coordinator, "start-1"):
        first = start(world)
    second = start(world)
    assert (first.number, second.number) == (1, 2)
    assert first.status == AssessmentStatus.IN_PROGRESS and first.subject == world.citizen
    assert_event("assessment.started", actor=world.coordinator, request_id="start-1", pathway=world.pathway)
    assert assert_change(first, ChangeLogEntry.Action.CREATE, actor=world.coordinator, request_id="start-1").pathway_id
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=world.programme)
    assert start(world, pathway=other, subject_id=other.citizen.public_id).number == 1


def test_start_is_the_coordinators_and_refusals_save_nothing(world):
    stranger = f.CitizenFactory(municipality=world.municipality)
    before = audit_counts()
    with pytest.raises(PermissionDenied):
        start(world, actor=world.colleague)  # on the team: may view and contribute, not manage
    with pytest.raises(Http404):
        start(world, actor=world.outsider)
    with pytest.raises(ValidationError):
        start(world, subject_id=stranger.public_id)
    with pytest.raises(ValidationError):
        start(world, method="ics2")
    assert Assessment.objects.count() == 0 and audit_counts() == before


def test_a_follow_up_uses_the_same_method_and_person_and_a_status_meeting(world):
    first = start(world)
    with pytest.raises(ValidationError):
        start(world, method=Method.VUM, previous_id=first.public_id)
    analysis = f.MeetingFactory(pathway=world.pathway, meeting_type=MeetingType.ANALYSIS)
    with pytest.raises(ValidationError):
        start(world, previous_id=first.public_id, meeting_id=analysis.public_id)
    cancelled = f.MeetingFactory(pathway=world.pathway, meeting_type=MeetingType.STATUS, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError):
        start(world, previous_id=first.public_id, meeting_id=cancelled.public_id)
    status = f.MeetingFactory(pathway=world.pathway, meeting_type=MeetingType.STATUS)
    second = start(world, previous_id=first.public_id, meeting_id=status.public_id)
    assert second.previous == first and second.started_at_meeting == status and second.number == 2


def test_a_family_assessment_is_about_a_member_of_the_family(world):
    household = f.make_family(world.municipality, adults=2, children=2)
    family = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, family=True, household=household
    )
    child = next(m.citizen for m in household.memberships.select_related("citizen") if m.citizen.is_minor)
    assessment = services.assessment_start(
        actor=world.coordinator, pathway=family, method=Method.ICS, subject_id=child.public_id
    )
    assert assessment.subject == child


def test_sections_wait_for_the_familys_view(world):
    assessment = start(world)
    before = audit_counts()
    with pytest.raises(ValidationError, match="familiens eget perspektiv"):
        write(world, assessment, world.colleague)
    assert AssessmentSection.objects.count() == 0 and audit_counts() == before
    with pytest.raises(ValidationError):
        services.family_view_record(actor=world.colleague, assessment=assessment, text="  ", expected_version=1)
    services.family_view_record(actor=world.colleague, assessment=assessment, text="Ro.", expected_version=1)
    assert write(world, assessment, world.colleague).author == world.colleague_place


def test_each_professional_writes_their_own_section(world, request_id):
    assessment = with_view(world)
    with request_id(world.colleague, "section-1"):
        mine = write(world, assessment, world.colleague, internal_note="Mor virker træt")
    theirs = write(world, assessment, world.coordinator)
    assert mine.author == world.colleague_place and theirs.author.user == world.coordinator
    assert_event("assessment.section_written", actor=world.colleague, request_id="section-1", pathway=world.pathway)
    with pytest.raises(ValidationError):  # one section per area and author
        write(world, assessment, world.colleague)
    with pytest.raises(ValidationError):  # nobody edits another's section
        services.section_update(
            actor=world.coordinator, section=mine, expected_version=1, strengths="Overskrevet", concerns=""
        )
    mine.refresh_from_db()
    assert mine.strengths == "Glad for skolen" and mine.version == 1
    with pytest.raises(Http404):  # the job centre's place is not covered by any sharing basis
        write(world, assessment, world.jobworker, area=af.ICS_AREA_2)
    with pytest.raises(ValidationError):  # an area of another method
        write(world, assessment, world.colleague, area="rp.education")
    with pytest.raises(ValidationError):  # a level belongs to VUM only
        write(world, assessment, world.colleague, area=af.ICS_AREA_2, level=af.level("Let"))
    with pytest.raises(ValidationError):
        write(world, assessment, world.colleague, area=af.ICS_AREA_2, strengths="", concerns="")
    assert AssessmentSection.objects.count() == 2


def test_a_section_edit_checks_the_version(world):
    assessment = with_view(world)
    section = write(world, assessment, world.colleague)
    updated = services.section_update(
        actor=world.colleague, section=section, expected_version=1, strengths="Bedre", concerns="Sover bedre"
    )
    assert updated.version == 2
    with pytest.raises(ConflictError):
        services.section_update(
            actor=world.colleague, section=section, expected_version=1, strengths="Forældet", concerns=""
        )
    section.refresh_from_db()
    assert section.strengths == "Bedre"


def test_vum_stores_the_ffb_codes_with_their_display_texts(world):
    assessment = with_view(world, method=Method.VUM)
    area = af.first_vum_area()
    with pytest.raises(ValidationError):  # VUM needs a level (Ikke vurderet when not assessed)
        write(world, assessment, world.colleague, area=area)
    with pytest.raises(ValidationError):
        write(world, assessment, world.colleague, area=area, level="Moderat")  # a text, not a code
    moderate = af.level("Moderat")
    section = write(world, assessment, world.colleague, area=area, level=moderate)
    section.refresh_from_db()
    assert section.area == area and section.level == moderate  # codes, not texts
    assert section.area != section.area_label and section.area_label == methods.area_label(Method.VUM, area)
    assert section.level_label.startswith("Moderat") and section.level_label != moderate
    labels = [lvl.label for lvl in methods.vum_levels()]
    assert labels[0].startswith("Ingen") and labels[-2].startswith("Fuldstændig") and labels[-1] == "Ikke vurderet"
    content = af.make_report(assessment).snapshot
    stored = content["groups"][0]["areas"][0]["sections"][0]
    assert stored["level"] == moderate and stored["level_label"] == section.level_label


def test_studies_are_the_teams_and_done_not_in_the_future(world, request_id):
    assessment = start(world)
    with pytest.raises(ValidationError):
        services.study_add(actor=world.colleague, assessment=assessment, kind=StudyKind.OTHER)  # needs a description
    with pytest.raises(ValidationError):
        services.study_add(
            actor=world.colleague,
            assessment=assessment,
            kind=StudyKind.PPR,
            responsible_id=f.TeamMemberFactory(
                pathway=world.pathway, active_to=timezone.localdate() - datetime.timedelta(days=1)
            ).public_id,
        )
    with request_id(world.colleague, "study-1"):
        study = services.study_add(
            actor=world.colleague,
            assessment=assessment,
            kind=StudyKind.CHILD_STUDY,
            responsible_id=world.colleague_place.public_id,
        )
    assert_event("assessment.study_added", actor=world.colleague, request_id="study-1", pathway=world.pathway)
    with pytest.raises(ValidationError):
        services.study_done(
            actor=world.colleague, study=study, done_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    services.study_done(actor=world.colleague, study=study, done_on=timezone.localdate())
    study.refresh_from_db()
    assert study.done_on == timezone.localdate()
    services.study_remove(actor=world.coordinator, study=study)
    assert not AssessmentStudy.objects.exists()


def test_findings_are_the_coordinators(world):
    assessment = with_view(world)
    with pytest.raises(PermissionDenied):
        services.finding_add(
            actor=world.colleague, assessment=assessment, area=af.ICS_AREA, kind=FindingKind.NEED, text="Ro"
        )
    with pytest.raises(ValidationError):
        services.finding_add(
            actor=world.coordinator, assessment=assessment, area="nowhere", kind=FindingKind.NEED, text="Ro"
        )
    finding = services.finding_add(
        actor=world.coordinator, assessment=assessment, area=af.ICS_AREA, kind=FindingKind.NEED, text="Fast rytme"
    )
    assert selectors.finding_choices(world.pathway) == [(str(finding.public_id), selectors.finding_label(finding))]
    changed = services.finding_update(
        actor=world.coordinator,
        finding=finding,
        expected_version=1,
        area=af.ICS_AREA,
        kind=FindingKind.CONCERN,
        text="Fast døgnrytme",
    )
    assert changed.version == 2 and changed.kind == FindingKind.CONCERN
    with pytest.raises(ConflictError):
        services.finding_update(
            actor=world.coordinator, finding=finding, expected_version=1, area=af.ICS_AREA, kind="need", text="X"
        )
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway))
    finding.goals.add(goal)
    with pytest.raises(ValidationError):  # a goal answers it: it stays
        services.finding_remove(actor=world.coordinator, finding=finding)
    finding.goals.clear()
    services.finding_remove(actor=world.coordinator, finding=finding)
    assert not Finding.objects.exists()


def test_compile_freezes_a_numbered_report_and_approve_once(world, request_id):
    assessment = with_view(world)
    with pytest.raises(ValidationError):  # no section yet
        services.assessment_compile(actor=world.coordinator, assessment=assessment, summary="S", expected_version=2)
    write(world, assessment, world.colleague, internal_note="Kun for fagfolk")
    write(world, assessment, world.coordinator, area=af.ICS_AREA_2)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.assessment_compile(
            actor=world.colleague, assessment=assessment, summary="S", expected_version=assessment.version
        )
    with pytest.raises(ConflictError):
        services.assessment_compile(
            actor=world.coordinator, assessment=assessment, summary="S", expected_version=assessment.version - 1
        )
    assert not AssessmentReport.objects.exists()
    with request_id(world.coordinator, "compile-1"):
        report = services.assessment_compile(
            actor=world.coordinator,
            assessment=assessment,
            summary="Samlet vurdering",
            expected_version=assessment.version,
        )
    assert_event("assessment.compiled", actor=world.coordinator, request_id="compile-1", pathway=world.pathway)
    assessment.refresh_from_db()
    assert report.number == 1 and assessment.status == AssessmentStatus.COMPILED
    assert report.snapshot["summary"] == "Samlet vurdering" and report.snapshot["family_view"]
    assert [a["key"] for g in report.snapshot["groups"] for a in g["areas"]] == [af.ICS_AREA, af.ICS_AREA_2]
    again = services.assessment_compile(  # nothing changed since version 1: no new version, status as it was
        actor=world.coordinator,
        assessment=assessment,
        summary="Samlet vurdering",
        expected_version=assessment.version,
    )
    assert again == report and again.unchanged and AssessmentReport.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=world.colleague, report=report)
    with request_id(world.coordinator, "approve-1"):
        services.report_approve(actor=world.coordinator, report=report)
    assert_event("assessment.approved", actor=world.coordinator, request_id="approve-1", pathway=world.pathway)
    report.refresh_from_db()
    assessment.refresh_from_db()
    assert report.approved_by == world.coordinator and assessment.status == AssessmentStatus.APPROVED
    assert selectors.latest_approved_report(world.pathway) == report
    with pytest.raises(ValidationError):  # once
        services.report_approve(actor=world.coordinator, report=report)


def test_a_change_after_compiling_needs_a_new_compile_before_approval(world):
    assessment = with_view(world)
    section = write(world, assessment, world.colleague)
    assessment.refresh_from_db()
    first = services.assessment_compile(
        actor=world.coordinator, assessment=assessment, summary="Første", expected_version=assessment.version
    )
    services.section_update(actor=world.colleague, section=section, expected_version=1, strengths="Ny", concerns="")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    with pytest.raises(ValidationError):  # the report no longer says what the assessment says
        services.report_approve(actor=world.coordinator, report=first)
    second = services.assessment_compile(
        actor=world.coordinator, assessment=assessment, summary="Anden", expected_version=assessment.version
    )
    assert second.number == 2
    with pytest.raises(ValidationError):  # only the latest version
        services.report_approve(actor=world.coordinator, report=first)
    services.report_approve(actor=world.coordinator, report=second)
    first.refresh_from_db()
    assert first.approved_at is None and first.snapshot["groups"][0]["areas"][0]["sections"][0]["strengths"] != "Ny"


def test_an_undone_change_compiles_back_to_the_last_reports_status(world, request_id):
    """Add an investigation and remove it again: the assessment says what the last report says. Compiling gives it
    that report's status back (compiled, or approved when that report is approved) instead of refusing, so it is
    never stuck in progress."""
    assessment = with_view(world)
    write(world, assessment, world.colleague)
    assessment.refresh_from_db()

    def undo_a_change():
        study = services.study_add(actor=world.colleague, assessment=assessment, kind=StudyKind.CHILD_STUDY)
        services.study_remove(actor=world.colleague, study=study)
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.IN_PROGRESS

    def compile_again():
        return services.assessment_compile(
            actor=world.coordinator, assessment=assessment, summary="Samlet", expected_version=assessment.version
        )

    first = compile_again()
    assessment.refresh_from_db()
    undo_a_change()
    again = compile_again()
    assessment.refresh_from_db()
    assert again == first and again.unchanged and AssessmentReport.objects.count() == 1
    assert assessment.status == AssessmentStatus.COMPILED
    services.report_approve(actor=world.coordinator, report=first)  # approvable again
    assessment.refresh_from_db()
    undo_a_change()
    with request_id(world.coordinator, "restore-1"):
        again = compile_again()
    assessment.refresh_from_db()
    assert again == first and again.unchanged and AssessmentReport.objects.count() == 1
    assert assessment.status == AssessmentStatus.APPROVED
    assert_event("assessment.status_restored", actor=world.coordinator, request_id="restore-1", pathway=world.pathway)
    assert selectors.latest_approved_report(world.pathway) == first


def test_a_section_or_finding_edit_without_a_version_is_refused(world):
    assessment = with_view(world)
    section = write(world, assessment, world.colleague)
    finding = services.finding_add(
        actor=world.coordinator, assessment=assessment, area=af.ICS_AREA, kind=FindingKind.NEED, text="Fast rytme"
    )
    before = audit_counts()
    with pytest.raises(ValidationError):
        services.section_update(
            actor=world.colleague, section=section, expected_version=None, strengths="Uden version", concerns=""
        )
    with pytest.raises(ValidationError):
        services.finding_update(
            actor=world.coordinator,
            finding=finding,
            expected_version=None,
            area=af.ICS_AREA,
            kind=FindingKind.NEED,
            text="Uden version",
        )
    section.refresh_from_db()
    finding.refresh_from_db()
    assert (section.strengths, section.version) == ("Glad for skolen", 1)
    assert (finding.text, finding.version) == ("Fast rytme", 1)
    assert audit_counts() == before


def test_the_citizen_version_has_no_internal_notes(world):
    assessment = with_view(world)
    write(world, assessment, world.colleague, internal_note="Mor virker træt – kun internt")
    report = af.make_report(assessment, approved=True)
    assert "Mor virker træt" in str(report.snapshot)
    shown = citizen_version(report.snapshot)
    assert "Mor virker træt" not in str(shown) and "internal_note" not in str(shown)
    assert "Mor virker træt" in str(report.snapshot)  # the stored snapshot is untouched


def test_a_closed_pathway_takes_no_writes(world):
    assessment = with_view(world)
    world.pathway.status = PathwayStatus.CLOSED
    world.pathway.closed_on = timezone.localdate()
    world.pathway.save()
    before = audit_counts()
    with pytest.raises(ValidationError):
        write(world, assessment, world.colleague)
    with pytest.raises(ValidationError):
        start(world)
    assert audit_counts() == before
