"""Consent in the portal (issue 9, part 5): what has been consented to, giving it digitally, withdrawing it per
department — which cuts that department's access at once and tells the coordinator (timeline, e-mail without names)."""

import pytest
from django.core import mail
from django.urls import reverse

from samspil.access.choices import ConsentForm, ConsentGiverRole
from samspil.access.models import Consent, ConsentScope
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.organisations.choices import StaffRole
from samspil.pathways.choices import PathwayStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def adult(world):
    """The world's adult citizen with read access to the portal, a consent covering the job centre and health, and a
    health worker on the team."""
    world.citizen.email = "borger@example.test"
    world.citizen.save()
    f.grant_portal(world.pathway, world.citizen, "read")
    world.nurse = f.make_staff(world.health)
    f.TeamMemberFactory(pathway=world.pathway, user=world.nurse, department=world.health)
    world.consent = f.ConsentFactory(pathway=world.pathway, giver=world.citizen, departments=[world.jobs, world.health])
    world.account = f.portal_account(world.citizen)
    return world


def overview_status(client, user, pathway) -> int:
    client.force_login(user)
    return client.get(reverse("pathways:overview", args=[pathway.public_id])).status_code


def withdraw_url(pathway, consent, department):
    return reverse("portal:consent_withdraw", args=[pathway.public_id, consent.public_id, department.public_id])


def test_the_page_shows_the_consents_and_who_can_see_the_pathway_now(client, adult):
    client.force_login(adult.account)
    response = client.get(reverse("portal:consent", args=[adult.pathway.public_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hvem kan se dit forløb nu" in html and "Dit samtykke" in html
    assert "Jobcenter" in html and "Sundhed" in html and "Børn og Unge" in html
    assert withdraw_url(adult.pathway, adult.consent, adult.jobs) in html
    rows = AccessLogEntry.objects.filter(actor=adult.account)
    assert [(r.citizen_id, r.shown, r.via, r.pathway_id) for r in rows] == [
        (adult.citizen.pk, "portal.consent", "own", adult.pathway.pk)
    ]


def test_withdrawal_cuts_that_departments_access_at_once_and_tells_the_coordinator(
    client, adult, django_capture_on_commit_callbacks
):
    adult.coordinator.email = "koordinator@kommune.test"
    adult.coordinator.save()
    holder = f.make_staff(adult.jobs, StaffRole.TEAM_LEADER)
    grant = f.AccessGrantFactory(pathway=adult.pathway, user=holder)
    assert overview_status(client, adult.jobworker, adult.pathway) == 200
    mail.outbox.clear()

    client.force_login(adult.account)
    url = withdraw_url(adult.pathway, adult.consent, adult.jobs)
    assert client.get(url).status_code == 200  # the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(url)
    assert with_commit.status_code == 302
    followed = client.get(with_commit["Location"]).content.decode()
    assert "Fra nu af kan Jobcenter ikke se dit forløb" in followed

    scope = ConsentScope.objects.get(consent=adult.consent, department=adult.jobs)
    assert scope.withdrawn_at is not None and scope.withdrawn_by == adult.account
    adult.consent.refresh_from_db()
    assert adult.consent.withdrawn_at is None  # still in force for health
    # The job centre's team member is out at once; health and the coordinator's department stay.
    assert overview_status(client, adult.jobworker, adult.pathway) == 404
    assert overview_status(client, adult.nurse, adult.pathway) == 200
    assert overview_status(client, adult.colleague, adult.pathway) == 200
    grant.refresh_from_db()
    assert grant.revoked_at == scope.withdrawn_at  # the staff withdrawal's consequences, shared
    assert overview_status(client, holder, adult.pathway) == 404

    event = AuditEvent.objects.get(code="consent.withdrawn_in_portal", pathway=adult.pathway)
    assert event.actor == adult.account and "Jobcenter" in event.text
    client.force_login(adult.coordinator)
    html = client.get(reverse("pathways:overview", args=[adult.pathway.public_id])).content.decode()
    assert "(borgeren, via portalen) trak samtykket tilbage for Jobcenter" in html
    assert "Tilbagekaldt</span> for Jobcenter" in html

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["koordinator@kommune.test"]
    text = message.subject + message.body
    assert "samtykke" in text.lower()
    for name in (adult.citizen.first_name, adult.citizen.last_name, "Jobcenter"):
        assert name not in text


def test_withdrawing_the_last_department_withdraws_the_consent(client, adult):
    client.force_login(adult.account)
    client.post(withdraw_url(adult.pathway, adult.consent, adult.jobs))
    client.post(withdraw_url(adult.pathway, adult.consent, adult.health))
    adult.consent.refresh_from_db()
    assert adult.consent.withdrawn_at is not None
    assert overview_status(client, adult.nurse, adult.pathway) == 404
    client.force_login(adult.account)
    again = client.post(withdraw_url(adult.pathway, adult.consent, adult.health))
    assert again.status_code == 422
    assert "allerede trukket tilbage" in again.content.decode()
    assert AuditEvent.objects.filter(code="consent.withdrawn_in_portal").count() == 2


def test_giving_consent_digitally_opens_the_department_and_tells_the_coordinator(
    client, adult, django_capture_on_commit_callbacks
):
    psychiatry = f.DepartmentFactory(municipality=adult.municipality, name="Psykiatri")
    therapist = f.make_staff(psychiatry)
    f.TeamMemberFactory(pathway=adult.pathway, user=therapist, department=psychiatry)
    assert overview_status(client, therapist, adult.pathway) == 404
    mail.outbox.clear()

    client.force_login(adult.account)
    page = client.get(reverse("portal:consent", args=[adult.pathway.public_id])).content.decode()
    assert "Psykiatri" in page and "Koordineret forløb i" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:consent", args=[adult.pathway.public_id]),
            {"departments": [str(psychiatry.public_id)], "purpose": "Samarbejde om mit forløb", "expires_on": ""},
        )
    assert response.status_code == 302
    consent = Consent.objects.get(pathway=adult.pathway, scopes__department=psychiatry)
    assert (consent.giver, consent.giver_role, consent.form, consent.recorded_by) == (
        adult.citizen,
        ConsentGiverRole.CITIZEN,
        ConsentForm.DIGITAL,
        adult.account,
    )
    assert overview_status(client, therapist, adult.pathway) == 200
    event = AuditEvent.objects.get(code="consent.given_in_portal")
    assert event.actor == adult.account and "Psykiatri" in event.text
    assert len(mail.outbox) == 1 and adult.citizen.last_name not in mail.outbox[0].body


def test_bad_input_is_refused_with_a_danish_message_and_nothing_saved(client, adult):
    client.force_login(adult.account)
    url = reverse("portal:consent", args=[adult.pathway.public_id])
    response = client.post(url, {"purpose": "x", "expires_on": "31.02.2020"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Vælg mindst én afdeling." in html
    coordinating = client.post(url, {"departments": [str(adult.children.public_id)], "purpose": "x"})
    assert coordinating.status_code == 422  # the coordinating department is not offered: it needs no consent
    assert Consent.objects.filter(pathway=adult.pathway).count() == 1


def test_only_the_persons_own_consent_can_be_withdrawn(client, world):
    young = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16), first_name="Sofie")
    mother = f.GuardianshipFactory(child=young).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=young)
    f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    own = f.ConsentFactory(pathway=pathway, giver=young, departments=[world.jobs])
    parents = f.ConsentFactory(
        pathway=pathway, giver=mother, giver_role=ConsentGiverRole.CUSTODY_HOLDER, departments=[world.jobs]
    )
    f.grant_portal(pathway, young, "read")
    f.grant_portal(pathway, mother, "read")
    assert overview_status(client, world.jobworker, pathway) == 200  # 15-17: both consents in force

    client.force_login(f.portal_account(mother))
    html = client.get(reverse("portal:consent", args=[pathway.public_id])).content.decode()
    assert "Samtykke fra Sofie" in html and withdraw_url(pathway, own, world.jobs) not in html
    assert client.post(withdraw_url(pathway, own, world.jobs)).status_code == 404
    assert client.get(withdraw_url(pathway, own, world.jobs)).status_code == 404

    client.force_login(f.portal_account(young))
    assert client.post(withdraw_url(pathway, parents, world.jobs)).status_code == 404
    assert client.post(withdraw_url(pathway, own, world.jobs)).status_code == 302
    # The young person's own consent is needed as well as a custody holder's: the job centre is out.
    assert overview_status(client, world.jobworker, pathway) == 404
    assert not ConsentScope.objects.filter(consent=parents, withdrawn_at__isnull=False).exists()


def test_the_custody_holder_consents_for_a_child_and_a_stranger_gets_404(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    f.grant_portal(pathway, mother, "read")
    client.force_login(f.portal_account(mother))
    url = reverse("portal:consent", args=[pathway.public_id])
    response = client.post(url, {"departments": [str(world.jobs.public_id)], "purpose": "Samarbejde"})
    assert response.status_code == 302
    consent = Consent.objects.get(pathway=pathway)
    assert (consent.giver, consent.giver_role) == (mother, ConsentGiverRole.CUSTODY_HOLDER)
    assert overview_status(client, world.jobworker, pathway) == 200

    client.force_login(f.portal_account(f.CitizenFactory(municipality=world.municipality)))
    assert client.get(url).status_code == 404
    assert client.post(url, {"departments": [str(world.jobs.public_id)], "purpose": "x"}).status_code == 404
    assert Consent.objects.filter(pathway=pathway).count() == 1


def test_on_a_closed_pathway_consent_can_be_withdrawn_but_not_given(client, adult):
    adult.pathway.status = PathwayStatus.CLOSED
    adult.pathway.save()
    client.force_login(adult.account)
    page = client.get(reverse("portal:consent", args=[adult.pathway.public_id])).content.decode()
    assert "Forløbet er afsluttet" in page
    response = client.post(
        reverse("portal:consent", args=[adult.pathway.public_id]),
        {"departments": [str(adult.jobs.public_id)], "purpose": "x"},
    )
    assert response.status_code == 422
    assert client.post(withdraw_url(adult.pathway, adult.consent, adult.jobs)).status_code == 302
