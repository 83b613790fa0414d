"""The download of all the account's data (GDPR art. 15) as PDF and JSON: what is in it, what never is (analysis
meetings and minutes, internal notes, CPR numbers, another citizen's address), and the access-log rows it writes."""

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.audit.services import access_record
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET_MINUTES = "Analysemødets fortrolige drøftelse"
INTERNAL_NOTE = "Intern bemærkning om motivationen"


@pytest.fixture
def adult(world):
    """The world's adult with a plan (goal, agreement, follow-up with an internal note), a saved version with a
    response, a meeting with the citizen and an analysis meeting with minutes, a consent and portal access."""
    citizen = world.citizen
    citizen.street, citizen.postcode, citizen.city = "Borgergade 7", "8000", "Aarhus C"
    citizen.save()
    f.grant_portal(world.pathway, citizen, "read")
    world.account = f.portal_account(citizen)
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway), description="Få en læreplads")
    f.AgreementFactory(goal=goal, what="Søge tre lærepladser")
    f.GoalFollowUpFactory(goal=goal, note="Godt i gang", internal_note=INTERNAL_NOTE)
    revision = f.make_revision(world.pathway)
    revision.citizen_seen_at, revision.citizen_agreed, revision.citizen_comment = timezone.now(), True, "Det er fint"
    revision.citizen_response_recorded_by = world.coordinator
    revision.save(
        update_fields=["citizen_seen_at", "citizen_agreed", "citizen_comment", "citizen_response_recorded_by"]
    )
    meeting = f.MeetingFactory(pathway=world.pathway, meeting_type="start", location="Jobcentret, lokale 4")
    f.MeetingParticipantFactory(meeting=meeting)
    f.MeetingFactory(
        pathway=world.pathway, meeting_type="analysis", held=True, minutes=SECRET_MINUTES, location="Lukket lokale 9"
    )
    f.ConsentFactory(pathway=world.pathway, giver=citizen, departments=[world.jobs])
    access_record(
        actor=world.jobworker,
        citizens=[citizen],
        shown="plan",
        purpose=AccessPurpose.COORDINATION,
        pathway=world.pathway,
    )
    return world


def download(client, user, pathway, fmt):
    client.force_login(user)
    return client.get(reverse(f"portal:export_{fmt}", args=[pathway.public_id]))


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_json_holds_the_persons_data_and_nothing_internal(client, adult):
    response = download(client, adult.account, adult.pathway, "json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert adult.citizen.last_name not in response["Content-Disposition"]
    body = response.content.decode()
    data = json.loads(body)
    assert data["person"][0]["address"] == "Borgergade 7, 8000 Aarhus C"
    assert data["pathways"][0]["programme"] == adult.programme.name
    plan = data["plan"][0]["records"]
    assert "Få en læreplads" in json.dumps(plan, ensure_ascii=False)
    version = data["plan_versions"][0]["records"][0]
    assert (version["response"], version["response_comment"]) == ("Enig", "Det er fint")
    assert "Søge tre lærepladser" in json.dumps(data["agreements"], ensure_ascii=False)
    meetings = data["meetings"][0]["records"]
    assert [m["place"] for m in meetings] == ["Jobcentret, lokale 4"]
    assert data["consents"][0]["records"][0]["departments"][0]["department"] == "Jobcenter"
    assert data["portal_rights"][0]["records"][0]["level"] == "Må læse"
    log = data["access_log"]
    assert any(row["who"] == adult.jobworker.get_full_name() and row["what"] == "Den fælles plan" for row in log)
    for never in (SECRET_MINUTES, "Lukket lokale 9", INTERNAL_NOTE, "internal_note", adult.citizen.reveal_cpr()):
        assert never not in body
    assert adult.citizen.reveal_cpr().replace("-", "") not in body


def test_the_pdf_has_the_same_content_in_danish(client, adult):
    response = download(client, adult.account, adult.pathway, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Dine data i Samspil" in text and "Borgergade 7" in text
    assert "Få en læreplads" in text and "Søge tre lærepladser" in text and "Jobcentret, lokale 4" in text
    assert "Hvem har set dine oplysninger" in text and adult.jobworker.get_full_name() in text
    for never in (SECRET_MINUTES, "Lukket lokale 9", INTERNAL_NOTE):
        assert never not in text


def test_the_download_is_logged_as_a_data_request(client, adult):
    download(client, adult.account, adult.pathway, "json")
    rows = AccessLogEntry.objects.filter(actor=adult.account)
    assert [(r.citizen_id, r.pathway_id, r.shown, r.purpose, r.via) for r in rows] == [
        (adult.citizen.pk, adult.pathway.pk, "portal.export", AccessPurpose.DATA_REQUEST, AccessVia.OWN)
    ]
    assert len({r.request_id for r in rows}) == 1


@pytest.fixture
def family(world):
    """A child whose parents both hold custody; the father has protected name and address. Both use the portal."""
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(11), street="Barnevej 1")
    mother = f.GuardianshipFactory(child=child, guardian__street="Morvej 2").guardian
    father = f.GuardianshipFactory(
        child=child, relation="father", guardian__street="Hemmelig Allé 99", guardian__address_protected=True
    ).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    for parent in (mother, father):
        f.grant_portal(pathway, parent, "read")
    f.ConsentFactory(pathway=pathway, giver=father, giver_role="custody_holder", departments=[world.jobs])
    father_account = f.portal_account(father)
    access_record(
        actor=father_account,
        citizens=[child],
        shown="portal.plan",
        purpose=AccessPurpose.PORTAL,
        pathway=pathway,
        via=AccessVia.CUSTODY,
    )
    return world, pathway, child, mother, father


def test_a_parent_never_sees_the_other_parents_address_in_the_portal_or_the_download(client, family):
    _world, pathway, child, mother, father = family
    account = f.portal_account(mother)
    client.force_login(account)
    pages = [
        client.get(reverse("portal:consent", args=[pathway.public_id])),
        client.get(reverse("portal:insight", args=[pathway.public_id])),
        download(client, account, pathway, "json"),
    ]
    texts = [page.content.decode() for page in pages] + [pdf_text(download(client, account, pathway, "pdf"))]
    assert all(page.status_code == 200 for page in pages)
    assert father.full_name in texts[0]  # named as the giver of a consent, and as a reader in the log
    assert father.full_name in texts[1]
    for text in texts:
        assert "Hemmelig Allé" not in text
        assert "Barnevej" not in text  # the child's address is not the parent's own either
    assert "Morvej 2" in texts[2] and "Morvej 2" in texts[3]  # the mother's own
    # The download logs the child and the mother's own record, as custody holder.
    rows = AccessLogEntry.objects.filter(actor=account, shown="portal.export")  # two downloads: JSON and PDF
    assert sorted((r.citizen_id, r.via) for r in rows) == sorted(
        [(child.pk, AccessVia.CUSTODY), (mother.pk, AccessVia.CUSTODY)] * 2
    )


def test_every_pathway_the_account_reaches_is_in_the_download(client, family):
    world, pathway, child, mother, _father = family
    own = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        citizen=mother,
        programme=f.ProgrammeFactory(municipality=world.municipality, name="Voksenforløbet"),
    )
    f.grant_portal(own, mother, "read")
    account = f.portal_account(mother)
    data = json.loads(download(client, account, pathway, "json").content)
    assert [p["programme"] for p in data["pathways"]] == [pathway.programme.name, "Voksenforløbet"]
    rows = AccessLogEntry.objects.filter(actor=account, shown="portal.export")
    assert sorted((r.citizen_id, r.pathway_id, r.via) for r in rows) == sorted(
        [
            (child.pk, pathway.pk, AccessVia.CUSTODY),
            (mother.pk, pathway.pk, AccessVia.CUSTODY),
            (mother.pk, own.pk, AccessVia.OWN),
        ]
    )


def test_a_stranger_and_staff_get_404(client, family):
    world, pathway, *_ = family
    assert (
        download(
            client, f.portal_account(f.CitizenFactory(municipality=world.municipality)), pathway, "json"
        ).status_code
        == 404
    )
    assert download(client, world.coordinator, pathway, "pdf").status_code == 404
    assert not AccessLogEntry.objects.filter(shown="portal.export").exists()


def test_a_version_made_at_an_analysis_meeting_does_not_name_the_meeting(client, adult):
    """An agreement decided at an analysis meeting saves a plan version; the download must not say where."""
    from samspil.audit import context
    from samspil.meetings.services import meeting_decision_agreement_add
    from samspil.plans.models import Goal

    analysis = f.MeetingFactory(pathway=adult.pathway, meeting_type="analysis", held=True, location="Lukket lokale 9")
    with context.bound(actor_id=adult.coordinator.pk, request_id="test"):
        meeting_decision_agreement_add(
            actor=adult.coordinator,
            meeting=analysis,
            goal=Goal.objects.get(pathway=adult.pathway),
            what="Kontakte skolen",
            owner_kind="citizen",
        )
    for fmt in ("json", "pdf"):
        response = download(client, adult.account, adult.pathway, fmt)
        text = response.content.decode() if fmt == "json" else pdf_text(response)
        assert "Kontakte skolen" in text  # the agreement itself is the citizen's
        assert "nalyse" not in text, fmt  # "Analysemøde" / "analysis": never where it was decided
