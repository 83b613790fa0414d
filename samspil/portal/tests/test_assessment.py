"""The joint assessment in the portal (`portal:assessment`, `portal:assessment_pdf`): the family reads the latest
approved combined report in its citizen version — never a report that is not approved, never an internal note, never
an analysis meeting — with the plan's goals that answer each finding, downloads it as a PDF, and every read is logged.
"""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from samspil.assessments.choices import FindingKind
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.meetings.choices import MeetingType
from samspil.pathways.models import Programme
from samspil.pathways.programmes import ONE_FAMILY
from samspil.pathways.selectors import subject_citizens
from samspil.portal.tests import assessment_data as ad
from tests import factories as f

pytestmark = pytest.mark.django_db

INTERNAL = "INTERN-UDREDNING-HEMMELIG-5521"
MINUTES = "ANALYSEMOEDE-REFERAT-HEMMELIG-8812"


@pytest.fixture
def family(world):
    """A family pathway (Én familie – én indgang): a mother with custody of a 6-year-old, her portal right, and an
    ICS assessment of the child with two professionals' sections (one with an internal note) and two findings."""
    household = f.make_family(world.municipality, adults=1, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=Programme.objects.get(municipality=world.municipality, code=ONE_FAMILY),
        citizen=None,
        household=household,
    )
    mother, child = sorted(subject_citizens(pathway), key=lambda citizen: citizen.birth_date)
    colleague = f.TeamMemberFactory(pathway=pathway, user=world.colleague, department=world.children)
    jobs = f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    f.grant_portal(pathway, mother, by=world.coordinator)
    assessment = ad.make_assessment(pathway, subject=child, family_view="Vi vil gerne have mere ro om aftenen.")
    ad.make_section(assessment, colleague, strengths="Leger godt med andre børn", internal_note=INTERNAL)
    ad.make_section(assessment, jobs, area=ad.ICS_SAFETY, strengths="Mor har fast arbejde", concerns="Lange dage")
    concern = ad.make_finding(assessment, text="Barnet sover for lidt")
    strength = ad.make_finding(assessment, area=ad.ICS_SAFETY, kind=FindingKind.STRENGTH, text="Trygge rammer")
    return {
        "pathway": pathway,
        "mother": mother,
        "child": child,
        "account": f.portal_account(mother),
        "assessment": assessment,
        "concern": concern,
        "strength": strength,
    }


def page_url(pathway, name="portal:assessment"):
    return reverse(name, args=[pathway.public_id])


def pdf_text(response) -> str:
    """The PDF's text with its line breaks (a table cell wraps) as spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages).split())


def test_before_a_report_is_approved_the_family_sees_none(client, family):
    ad.make_report(family["assessment"], approved=False)  # compiled, awaiting approval
    client.force_login(family["account"])
    response = client.get(page_url(family["pathway"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="no-assessment"' in html and "Barnet sover for lidt" not in html
    assert client.get(page_url(family["pathway"], "portal:assessment_pdf")).status_code == 404
    overview = client.get(reverse("portal:pathway", args=[family["pathway"].public_id])).content.decode()
    assert 'id="udredning"' not in overview


def test_the_family_reads_the_approved_report_without_internal_notes(client, family, world):
    report = ad.make_report(family["assessment"], summary="Familien får en fælles indsats om søvn.")
    pathway = family["pathway"]
    client.force_login(family["account"])
    overview = client.get(reverse("portal:pathway", args=[pathway.public_id])).content.decode()
    assert 'id="udredning"' in overview and page_url(pathway) in overview
    response = client.get(page_url(pathway))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Vi vil gerne have mere ro om aftenen.",
        "Leger godt med andre børn",
        "Mor har fast arbejde",
        "Barnet sover for lidt",
        "Trygge rammer",
        "Familien får en fælles indsats om søvn.",
        family["child"].full_name,
        world.colleague.get_full_name(),  # the professionals who wrote the sections
        world.jobworker.get_full_name(),
    ):
        assert text in html
    assert INTERNAL not in html
    assert report.snapshot["groups"][0]["areas"][0]["sections"][0]["internal_note"] == INTERNAL  # kept for staff
    assert page_url(pathway, "portal:assessment_pdf") in html


def test_each_read_is_logged_once_per_member_of_the_family(client, family):
    ad.make_report(family["assessment"])
    pathway = family["pathway"]
    client.force_login(family["account"])
    for name in ("portal:assessment", "portal:assessment_pdf"):
        before = AccessLogEntry.objects.count()
        assert client.get(page_url(pathway, name)).status_code == 200
        rows = AccessLogEntry.objects.order_by("pk")[before:]
        assert sorted(row.citizen_id for row in rows) == sorted(c.pk for c in subject_citizens(pathway))
        assert {(row.shown, row.purpose, row.via, row.pathway_id) for row in rows} == {
            ("portal.assessment", AccessPurpose.PORTAL, AccessVia.OWN, pathway.pk)
        }


def test_the_pdf_is_the_citizen_edition(client, family):
    ad.make_report(family["assessment"])
    client.force_login(family["account"])
    response = client.get(page_url(family["pathway"], "portal:assessment_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="udredning-1-v1-borgerudgave-')
    assert family["child"].last_name not in disposition
    text = pdf_text(response)
    assert "Barnet sover for lidt" in text and INTERNAL not in text


def test_the_latest_approved_version_is_shown_never_a_newer_unapproved_one(client, family):
    ad.make_report(family["assessment"], summary="Første godkendte vurdering")
    later = ad.make_assessment(family["pathway"], subject=family["child"])
    ad.make_finding(later, text="Søvnen er blevet bedre")
    ad.make_report(later, summary="Opfølgende vurdering")
    ad.make_finding(later, text="Nyt fund efter godkendelsen")
    ad.make_report(later, approved=False, summary="Endnu ikke godkendt")
    client.force_login(family["account"])
    html = client.get(page_url(family["pathway"])).content.decode()
    assert "Opfølgende vurdering" in html and "Søvnen er blevet bedre" in html
    assert "Første godkendte vurdering" not in html
    assert "Endnu ikke godkendt" not in html and "Nyt fund efter godkendelsen" not in html
    text = pdf_text(client.get(page_url(family["pathway"], "portal:assessment_pdf")))
    assert "Opfølgende vurdering" in text and "Endnu ikke godkendt" not in text


def test_a_finding_names_the_goals_of_the_plan_that_answer_it(client, family, world):
    from samspil.plans import services

    ad.make_report(family["assessment"])
    goal = services.goal_add(
        actor=world.coordinator,
        pathway=family["pathway"],
        member=family["child"],
        life_area="health",
        description="Faste sengetider i hverdagen",
        goal_type="d41c8072-52f8-42b5-9375-ddbea454d27f",
        indicator="I seng kl. 20 fem aftener om ugen",
        horizon="short",
        findings=[family["concern"]],
    )
    client.force_login(family["account"])
    html = client.get(page_url(family["pathway"])).content.decode()
    concern = html.split(f'id="fund-{family["concern"].public_id}"', 1)[1].split("</li>\n", 1)[0]
    strength = html.split(f'id="fund-{family["strength"].public_id}"', 1)[1].split("</ul>", 1)[0]
    link = reverse("portal:plan", args=[family["pathway"].public_id]) + f"#maal-{goal.public_id}"
    assert link in concern and "Faste sengetider i hverdagen" in concern
    assert "Faste sengetider" not in strength


def test_an_analysis_meeting_never_reaches_the_page(client, family):
    f.MeetingFactory(pathway=family["pathway"], meeting_type=MeetingType.ANALYSIS, minutes=MINUTES, location=MINUTES)
    ad.make_report(family["assessment"])
    client.force_login(family["account"])
    assert MINUTES not in client.get(page_url(family["pathway"])).content.decode()
    assert MINUTES not in pdf_text(client.get(page_url(family["pathway"], "portal:assessment_pdf")))


def test_staff_and_others_get_404_and_the_nav_leads_there(client, family, world):
    ad.make_report(family["assessment"])
    for user in (world.coordinator, f.portal_account(world.citizen)):
        client.force_login(user)
        for name in ("portal:assessment", "portal:assessment_pdf"):
            assert client.get(page_url(family["pathway"], name)).status_code == 404
    client.force_login(family["account"])
    plan = client.get(reverse("portal:plan", args=[family["pathway"].public_id])).content.decode()
    nav = plan.split('class="portal-nav-list', 1)[1].split("</ul>", 1)[0]
    assert page_url(family["pathway"]) in nav


def test_the_page_reads_the_same_number_of_queries_for_few_and_many_findings(client, family, world):
    from samspil.plans.models import Goal

    def grow(count):
        for i in range(count):
            finding = ad.make_finding(family["assessment"], text=f"Fund {i}")
            goal = f.GoalFactory(plan=plan, pathway=family["pathway"])
            goal.findings.add(finding)
        ad.make_report(family["assessment"])

    plan = f.PlanFactory(pathway=family["pathway"])
    client.force_login(family["account"])
    address = page_url(family["pathway"])
    grow(3)
    client.get(address)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured.captured_queries)

    small = count()
    grow(40)
    assert Goal.objects.filter(findings__assessment=family["assessment"]).count() == 43
    assert count() == small


def test_the_data_download_holds_every_approved_report_without_internal_notes(client, family):
    first = ad.make_report(family["assessment"], summary="Første godkendte vurdering")
    ad.make_report(family["assessment"], approved=False, summary="Endnu ikke godkendt")
    client.force_login(family["account"])
    pathway = family["pathway"]
    data = client.get(reverse("portal:export_json", args=[pathway.public_id])).json()
    (section,) = [entry for entry in data["assessments"] if entry["opened_on"] == pathway.opened_on.isoformat()]
    (record,) = section["records"]
    assert record["summary"] == "Første godkendte vurdering"
    assert record["content"] == {**record["content"], "number": first.snapshot["number"]}
    assert any("Barnet sover for lidt" in area["findings"] for area in record["areas"])
    assert "Leger godt med andre børn" in str(record["areas"])
    dumped = str(data)
    assert INTERNAL not in dumped and "Endnu ikke godkendt" not in dumped
    text = pdf_text(client.get(reverse("portal:export_pdf", args=[pathway.public_id])))
    assert "Barnet sover for lidt" in text and INTERNAL not in text and "Endnu ikke godkendt" not in text


def test_a_former_member_named_in_a_finding_is_logged_as_read(client, family):
    """A stepfather who moved out is no longer a member, but a finding about him stays in the report: reading it is
    logged for him too, as the staff pages log a family pathway's former members."""
    import datetime

    from django.utils import timezone

    pathway = family["pathway"]
    moved_out = f.HouseholdMemberFactory(
        household=pathway.household,
        relation="step_parent",
        member_from=timezone.localdate() - datetime.timedelta(days=400),
        member_to=timezone.localdate() - datetime.timedelta(days=30),
    ).citizen
    ad.make_finding(family["assessment"], area=ad.ICS_SAFETY, text="Savner kontakten til stedfar", member=moved_out)
    ad.make_report(family["assessment"])
    client.force_login(family["account"])
    before = AccessLogEntry.objects.count()
    html = client.get(page_url(pathway)).content.decode()
    assert "Savner kontakten til stedfar" in html and moved_out.full_name in html
    logged = {row.citizen_id for row in AccessLogEntry.objects.order_by("pk")[before:]}
    assert logged == {citizen.pk for citizen in subject_citizens(pathway)} | {moved_out.pk}
    assert moved_out not in subject_citizens(pathway)
