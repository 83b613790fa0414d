"""Whose joint assessment a reader of a family pathway reads in the portal: their own, and those of the minors in their
custody — never another member's (a parent's VUM 2.0 is not a 16-year-old sibling's to read), on the page, in the PDF
and in the data download."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from samspil.assessments.choices import Method
from samspil.pathways.models import Programme
from samspil.pathways.programmes import ONE_FAMILY
from samspil.pathways.selectors import subject_citizens
from samspil.portal.tests import assessment_data as ad
from tests import factories as f

pytestmark = pytest.mark.django_db

CHILD_SUMMARY = "BARNETS-SAMLEDE-VURDERING-1177"
TEEN_SUMMARY = "DEN-UNGES-SAMLEDE-VURDERING-2288"
PARENT_SUMMARY = "MORS-VUM-VURDERING-3399"


@pytest.fixture
def family(world):
    """A mother and a father with custody of a 6-year-old and a 16-year-old; an approved ICS of each child and an
    approved VUM 2.0 of the mother; portal rights for the mother, the father and the 16-year-old."""
    household = f.make_family(world.municipality, adults=2, children=1)
    teen = f.HouseholdMemberFactory(household=household, role="child", citizen__born=f.years_ago(16)).citizen
    pathway = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=Programme.objects.get(municipality=world.municipality, code=ONE_FAMILY),
        citizen=None,
        household=household,
    )
    people = sorted(subject_citizens(pathway), key=lambda citizen: citizen.birth_date)
    mother, father, child = people[0], people[1], people[-1]
    for adult in (mother, father):
        f.GuardianshipFactory(child=teen, guardian=adult)
    for person in (mother, father, teen):
        f.grant_portal(pathway, person, by=world.coordinator)
    child_report = ad.make_report(ad.make_assessment(pathway, subject=child), summary=CHILD_SUMMARY)
    teen_report = ad.make_report(ad.make_assessment(pathway, subject=teen), summary=TEEN_SUMMARY)
    parent_report = ad.make_report(
        ad.make_assessment(pathway, subject=mother, method=Method.VUM), summary=PARENT_SUMMARY
    )
    return {
        "pathway": pathway,
        "mother": f.portal_account(mother),
        "father": f.portal_account(father),
        "teen": f.portal_account(teen),
        "child_report": child_report,
        "teen_report": teen_report,
        "parent_report": parent_report,
    }


def _page(client, account, pathway) -> str:
    client.force_login(account)
    response = client.get(reverse("portal:assessment", args=[pathway.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def _pdf(client, account, pathway, report) -> object:
    client.force_login(account)
    url = reverse("portal:assessment_pdf", args=[pathway.public_id])
    return client.get(f"{url}?udredning={report.assessment.public_id}")


def test_the_mother_reads_both_children_and_her_own_assessment(client, family):
    content = _page(client, family["mother"], family["pathway"])
    assert CHILD_SUMMARY in content and TEEN_SUMMARY in content and PARENT_SUMMARY in content


def test_the_father_reads_the_children_but_not_the_mothers_vum(client, family):
    content = _page(client, family["father"], family["pathway"])
    assert CHILD_SUMMARY in content and TEEN_SUMMARY in content
    assert PARENT_SUMMARY not in content
    assert _pdf(client, family["father"], family["pathway"], family["parent_report"]).status_code == 404


def test_the_sixteen_year_old_reads_only_their_own(client, family):
    content = _page(client, family["teen"], family["pathway"])
    assert TEEN_SUMMARY in content
    assert CHILD_SUMMARY not in content and PARENT_SUMMARY not in content
    assert _pdf(client, family["teen"], family["pathway"], family["parent_report"]).status_code == 404
    assert _pdf(client, family["teen"], family["pathway"], family["child_report"]).status_code == 404
    own = _pdf(client, family["teen"], family["pathway"], family["teen_report"])
    assert own.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(own.content)).pages)
    assert TEEN_SUMMARY in " ".join(text.split())


def test_the_data_download_holds_only_the_readers_assessments(client, family):
    client.force_login(family["teen"])
    response = client.get(reverse("portal:export_json", args=[family["pathway"].public_id]))
    assert response.status_code == 200
    text = json.dumps(json.loads(response.content), ensure_ascii=False)
    assert TEEN_SUMMARY in text
    assert PARENT_SUMMARY not in text and CHILD_SUMMARY not in text
