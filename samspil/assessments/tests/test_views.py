"""Pages of the joint assessment through the test client: the flow, what each reader sees, refusals, the access log,
the PDF, compare and the number of queries."""

import datetime
import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from samspil.assessments.choices import AssessmentStatus, Method
from samspil.assessments.models import Assessment, AssessmentReport, AssessmentSection
from samspil.assessments.tests import factories as af
from samspil.audit.models import AccessLogEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def logged(response) -> Counter:
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    return Counter(rows.values_list("citizen_id", "shown"))


def url(name, pathway, *args):
    return reverse(f"assessments:{name}", args=[pathway.public_id, *args])


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_whole_flow_through_the_pages(client, world):
    pathway = world.pathway
    client.force_login(world.coordinator)
    response = client.post(
        url("start", pathway),
        {"method": Method.ICS, "subject": str(world.citizen.public_id), "purpose": "Trivsel i skolen"},
    )
    assessment = Assessment.objects.get(pathway=pathway)
    assert response.status_code == 302 and response["Location"] == url("detail", pathway, assessment.public_id)
    # The family's view first: a section before it is refused on the page.
    client.force_login(world.colleague)
    refused = client.post(
        url("section_add", pathway, assessment.public_id), {"area": af.ICS_AREA, "strengths": "Glad", "concerns": ""}
    )
    assert refused.status_code == 422 and not AssessmentSection.objects.exists()
    response = client.post(
        url("family_view", pathway, assessment.public_id),
        {"family_view-family_view": "Vi vil have ro om morgenen.", "family_view-version": "1"},
    )
    assert response.status_code == 302
    # Two team members write their sections.
    for user, area, text in (
        (world.colleague, af.ICS_AREA, "Går glad i skole"),
        (world.coordinator, af.ICS_AREA_2, "Mad hver dag"),
    ):
        client.force_login(user)
        page = client.get(url("section_add", pathway, assessment.public_id))
        assert page.status_code == 200 and "optgroup" in page.content.decode()
        response = client.post(
            url("section_add", pathway, assessment.public_id),
            {"area": area, "strengths": text, "concerns": "", "internal_note": f"Intern {user.pk}"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert AssessmentSection.objects.filter(assessment=assessment).count() == 2
    # The coordinator records a finding, compiles and approves.
    client.force_login(world.coordinator)
    response = client.post(
        url("finding_add", pathway, assessment.public_id),
        {"finding-area": af.ICS_AREA, "finding-kind": "need", "finding-text": "Brug for fast morgenrutine"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    response = client.post(
        url("compile", pathway, assessment.public_id),
        {"summary": "Samlet: ro og rutiner", "version": assessment.version},
    )
    report = AssessmentReport.objects.get(assessment=assessment)
    assert response.status_code == 302 and response["Location"] == url("report", pathway, assessment.public_id, 1)
    response = client.post(url("approve", pathway, assessment.public_id, 1))
    assert response.status_code == 302
    report.refresh_from_db()
    assessment.refresh_from_db()
    assert report.approved_by == world.coordinator and assessment.status == AssessmentStatus.APPROVED
    content = client.get(url("report", pathway, assessment.public_id, 1)).content.decode()
    assert "Går glad i skole" in content and "Mad hver dag" in content and "Brug for fast morgenrutine" in content
    assert f"Intern {world.colleague.pk}" in content  # the coordinator reads the internal notes
    # The overview's line names the assessment and links the list.
    overview = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    assert 'id="overview-assessments"' in overview and url("list", pathway) in overview


def test_a_section_is_changed_by_its_author_only(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    section = af.make_section(assessment, world.colleague_place, strengths="Oprindelig")
    edit = url("section_edit", world.pathway, assessment.public_id, section.public_id)
    client.force_login(world.coordinator)
    page = client.get(edit)
    assert page.status_code == 200 and "<textarea" not in page.content.decode()  # read-only for the others
    response = client.post(edit, {"strengths": "Overskrevet", "concerns": "", "version": "1"})
    assert response.status_code == 422
    section.refresh_from_db()
    assert section.strengths == "Oprindelig"
    client.force_login(world.colleague)
    assert "<textarea" in client.get(edit).content.decode()
    response = client.post(edit, {"strengths": "Ændret", "concerns": "", "version": "1"})
    assert response.status_code == 302
    stale = client.post(edit, {"strengths": "Forældet", "concerns": "", "version": "1"})
    assert stale.status_code == 422
    assert "Forældet" in stale.content.decode() and "saved-value" in stale.content.decode()  # kept, saved shown
    section.refresh_from_db()
    assert section.strengths == "Ændret" and section.version == 2


def test_readers_and_refusals(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    af.make_section(assessment, world.colleague_place, internal_note="Hemmelig note")
    af.make_report(assessment, approved=True)
    detail = url("detail", world.pathway, assessment.public_id)
    grant_user = f.make_staff(world.jobs)
    f.AccessGrantFactory(pathway=world.pathway, user=grant_user)
    client.force_login(grant_user)  # may view, not contribute: no internal notes, no forms
    response = client.get(detail)
    content = response.content.decode()
    assert response.status_code == 200 and "Går glad i skole" in content and "Hemmelig note" not in content
    assert url("study_add", world.pathway, assessment.public_id) not in content
    assert url("family_view", world.pathway, assessment.public_id) not in content
    assert logged(response) == {(world.citizen.pk, "assessment"): 1}
    report = client.get(url("report", world.pathway, assessment.public_id, 1))
    assert report.status_code == 200 and "Hemmelig note" not in report.content.decode()
    assert client.get(url("pdf", world.pathway, assessment.public_id, 1) + "?udgave=sag").status_code == 403
    assert client.post(url("study_add", world.pathway, assessment.public_id), {}).status_code == 403
    client.force_login(world.outsider)
    assert client.get(detail).status_code == 404
    client.force_login(world.colleague)
    assert client.post(url("compile", world.pathway, assessment.public_id), {}).status_code == 403
    other = af.make_assessment(f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children))
    assert client.get(url("detail", world.pathway, other.public_id)).status_code == 404  # another pathway's


def test_the_pdf_editions(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Vi vil have ro")
    af.make_section(assessment, world.colleague_place, strengths="Spiller fodbold", internal_note="Kun til sagen")
    af.make_finding(assessment, text="Brug for rutiner")
    af.make_report(assessment, approved=True, summary="Samlet vurdering af familien")
    client.force_login(world.colleague)
    base = url("pdf", world.pathway, assessment.public_id, 1)
    citizen = client.get(base)
    assert citizen.status_code == 200 and citizen["Content-Type"] == "application/pdf"
    assert world.citizen.full_name.split()[0] not in citizen["Content-Disposition"]
    text = pdf_text(citizen)
    for expected in ("Vi vil have ro", "Spiller fodbold", "Brug for rutiner", "Samlet vurdering af familien"):
        assert expected in text
    assert "Kun til sagen" not in text
    assert logged(citizen) == {(world.citizen.pk, "assessment.pdf.citizen"): 1}
    case_file = client.get(base + "?udgave=sag")
    assert "Kun til sagen" in pdf_text(case_file)
    assert logged(case_file) == {(world.citizen.pk, "assessment.pdf.case_file"): 1}


def test_compare_area_by_area(client, world):
    first = af.make_assessment(world.pathway, method=Method.VUM, family_view="Før")
    area = af.first_vum_area()
    af.make_section(first, world.colleague_place, area=area, level=af.level("Svært"), strengths="Før-tekst")
    af.make_report(first, approved=True)
    second = af.make_assessment(world.pathway, method=Method.VUM, family_view="Nu", previous=first)
    af.make_section(second, world.colleague_place, area=area, level=af.level("Let"), strengths="Nu-tekst")
    client.force_login(world.colleague)
    response = client.get(url("compare", world.pathway, second.public_id))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Før-tekst" in content and "Nu-tekst" in content
    svaert, let = (lvl for lvl in (af.level("Svært"), af.level("Let")))
    from samspil.assessments import methods

    assert f"{methods.level_label(svaert)} → {methods.level_label(let)}" in content
    assert logged(response) == {(world.citizen.pk, "assessment.compare"): 1}
    alone = af.make_assessment(world.pathway, method=Method.RESOURCE_PROFILE)
    assert client.get(url("compare", world.pathway, alone.public_id)).status_code == 200


def test_a_family_pathway_logs_every_member(client, world):
    household = f.make_family(world.municipality, adults=2, children=1)
    family = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, family=True, household=household
    )
    assessment = af.make_assessment(family)
    client.force_login(world.coordinator)
    response = client.get(url("detail", family, assessment.public_id))
    members = {m.citizen_id for m in household.memberships.all()}
    assert response.status_code == 200
    assert logged(response) == {(pk, "assessment"): 1 for pk in members}


def queries(client, target) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured)


def test_the_assessment_page_has_constant_queries(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    areas = [area.key for group in af.methods.areas(Method.ICS) for area in group.areas]
    plan = f.PlanFactory(pathway=world.pathway)
    places = [world.colleague_place] + [
        f.TeamMemberFactory(pathway=world.pathway, department=world.children) for _ in range(3)
    ]

    def grow(count):
        done = AssessmentSection.objects.filter(assessment=assessment).count()
        for index in range(done, done + count):
            af.make_section(assessment, places[index // len(areas)], area=areas[index % len(areas)])
            finding = af.make_finding(assessment, area=areas[index % len(areas)])
            finding.goals.add(f.GoalFactory(plan=plan, description=f"Mål nummer {index}"))
            af.make_study(assessment, responsible=places[0])

    client.force_login(world.coordinator)
    target = url("detail", world.pathway, assessment.public_id)
    grow(3)
    client.get(target)  # warm-up
    small = queries(client, target)
    grow(40)
    assert queries(client, target) == small
    assert "Mål nummer 42" in client.get(target).content.decode()  # the goals answering a finding, linked
    report_small = af.make_report(assessment)
    grow(10)
    report_large = af.make_report(assessment)
    assert queries(client, url("report", world.pathway, assessment.public_id, report_small.number)) == queries(
        client, url("report", world.pathway, assessment.public_id, report_large.number)
    )


def test_a_vum_section_through_the_page_stores_the_codes(client, world):
    assessment = af.make_assessment(world.pathway, method=Method.VUM, family_view="Jeg vil gerne i arbejde")
    area, moderate = af.first_vum_area(), af.level("Moderat")
    client.force_login(world.colleague)
    form = client.get(url("section_add", world.pathway, assessment.public_id)).content.decode()
    assert f'value="{moderate}"' in form and f'value="{area}"' in form and "Ikke vurderet" in form
    missing = client.post(url("section_add", world.pathway, assessment.public_id), {"area": area, "strengths": "X"})
    assert missing.status_code == 422 and not AssessmentSection.objects.exists()  # the level is required
    response = client.post(
        url("section_add", world.pathway, assessment.public_id),
        {"area": area, "level": moderate, "strengths": "Går til træning", "concerns": ""},
    )
    assert response.status_code == 302
    section = AssessmentSection.objects.get()
    assert (section.area, section.level) == (area, moderate)
    page = client.get(url("detail", world.pathway, assessment.public_id)).content.decode()
    assert section.level_label in page and section.area_label in page


def test_refused_writes_answer_the_page_with_the_error(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    study = af.make_study(assessment)
    client.force_login(world.colleague)
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d.%m.%Y")
    prefix = f"study-{study.public_id}"
    response = client.post(
        url("study_done", world.pathway, assessment.public_id, study.public_id), {f"{prefix}-done_on": future}
    )
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()
    study.refresh_from_db()
    assert study.done_on is None
    stale = client.post(
        url("family_view", world.pathway, assessment.public_id),
        {"family_view-family_view": "Min nye tekst", "family_view-version": "0"},
    )
    assert stale.status_code == 422 and "Min nye tekst" in stale.content.decode()
    assessment.refresh_from_db()
    assert assessment.family_view == "Ro"


def test_the_coordinator_changes_and_removes_a_finding(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    finding = af.make_finding(assessment, text="Første tekst")
    client.force_login(world.coordinator)
    edit = url("finding_edit", world.pathway, assessment.public_id, finding.public_id)
    assert "Første tekst" in client.get(edit).content.decode()
    response = client.post(edit, {"area": af.ICS_AREA, "kind": "strength", "text": "Ny tekst", "version": "1"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.text, finding.kind, finding.version) == ("Ny tekst", "strength", 2)
    response = client.post(url("finding_remove", world.pathway, assessment.public_id, finding.public_id))
    assert response.status_code == 302 and not assessment.findings.exists()


def test_edits_without_a_version_are_refused(client, world):
    """A section or finding edit must carry the version the writer saw: without it, 422 and nothing saved."""
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    section = af.make_section(assessment, world.colleague_place, strengths="Oprindelig")
    finding = af.make_finding(assessment, text="Første tekst")
    client.force_login(world.colleague)
    response = client.post(
        url("section_edit", world.pathway, assessment.public_id, section.public_id),
        {"strengths": "Uden version", "concerns": ""},
    )
    assert response.status_code == 422 and "Uden version" in response.content.decode()
    client.force_login(world.coordinator)
    response = client.post(
        url("finding_edit", world.pathway, assessment.public_id, finding.public_id),
        {"area": af.ICS_AREA, "kind": "strength", "text": "Uden version"},
    )
    assert response.status_code == 422
    section.refresh_from_db()
    finding.refresh_from_db()
    assert (section.strengths, section.version) == ("Oprindelig", 1)
    assert (finding.text, finding.version) == ("Første tekst", 1)


def test_compiling_an_undone_change_says_the_status_is_back(client, world):
    assessment = af.make_assessment(world.pathway, family_view="Ro")
    af.make_section(assessment, world.colleague_place, strengths="Glad")
    client.force_login(world.coordinator)
    assessment.refresh_from_db()
    compile_url = url("compile", world.pathway, assessment.public_id)
    assert client.post(compile_url, {"summary": "Samlet", "version": assessment.version}).status_code == 302
    study = af.make_study(assessment)  # a change, undone
    client.post(url("study_remove", world.pathway, assessment.public_id, study.public_id))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    response = client.post(compile_url, {"summary": "Samlet", "version": assessment.version}, follow=True)
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPILED and assessment.reports.count() == 1
    message = list(response.context["messages"])[-1]  # earlier posts were not followed
    assert message.level_tag == "success" and "1" in message.message
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        compiled = gettext("The combined report was compiled as version %(number)s. Approve it when the team agrees.")
    assert message.message != compiled % {"number": 1}
    assert client.post(url("approve", world.pathway, assessment.public_id, 1)).status_code == 302


def test_start_a_follow_up_at_a_status_meeting(client, world):
    first = af.make_assessment(world.pathway, method=Method.RESOURCE_PROFILE)
    meeting = f.MeetingFactory(pathway=world.pathway, meeting_type="status")
    client.force_login(world.coordinator)
    form = client.get(url("start", world.pathway) + f"?opfoelgning={first.public_id}").content.decode()
    assert f'value="{first.public_id}" selected' in form
    response = client.post(
        url("start", world.pathway),
        {
            "method": Method.RESOURCE_PROFILE,
            "subject": str(world.citizen.public_id),
            "previous": str(first.public_id),
            "meeting": str(meeting.public_id),
        },
    )
    assert response.status_code == 302
    second = Assessment.objects.get(number=2)
    assert second.previous == first and second.started_at_meeting == meeting
