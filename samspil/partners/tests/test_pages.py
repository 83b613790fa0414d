"""What an invited partner sees and does, what they never see, and the access log of every read."""

from collections import Counter

import pytest
from django.urls import reverse

from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.partners.tests.conftest import ADDRESS, ANALYSIS_MINUTES, CANCEL_REASON, INTERNAL_NOTE, accepted_partner
from samspil.plans.choices import AgreementStatus
from samspil.plans.models import PlanRevision
from tests import factories as f

pytestmark = pytest.mark.django_db


def partner_urls(pw) -> dict:
    pathway = pw.pathway.public_id
    return {
        "partner.home": reverse("partners:home"),
        "partner.pathway": reverse("partners:pathway", args=[pathway]),
        "partner.plan": reverse("partners:plan", args=[pathway]),
        "partner.plan_pdf": reverse("partners:plan_pdf", args=[pathway]),
        "partner.meeting": reverse("partners:meeting_ics", args=[pathway, pw.invited_meeting.public_id]),
    }


def reads(response) -> list:
    return list(
        AccessLogEntry.objects.filter(request_id=response["X-Request-Id"]).values_list(
            "citizen_id", "pathway_id", "shown", "purpose", "via"
        )
    )


@pytest.fixture
def partner(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place, level="write")
    client.force_login(account)
    return account


def test_the_partner_sees_the_invited_pathway_and_nothing_internal(client, pw, partner):
    pages = {name: client.get(url) for name, url in partner_urls(pw).items()}
    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(pages, 200)
    texts = {name: response.content.decode("utf-8", "replace") for name, response in pages.items()}
    everything = "".join(texts.values())
    for secret in (INTERNAL_NOTE, ANALYSIS_MINUTES, CANCEL_REASON, ADDRESS, pw.citizen.reveal_cpr()):
        assert secret not in everything
    pathway_page = texts["partner.pathway"]
    assert pw.citizen.full_name in pathway_page
    assert pw.coordinator.get_full_name() in pathway_page and pw.coordinator.email in pathway_page
    assert "Følge med til praktikstedet" in pathway_page  # their own agreement
    assert "Søge om mentorstøtte" not in pathway_page  # a colleague's
    assert f"meeting-{pw.invited_meeting.public_id}" in pathway_page
    assert f"meeting-{pw.analysis_meeting.public_id}" in pathway_page  # invited: when and where, never the minutes
    assert f"meeting-{pw.other_meeting.public_id}" not in pathway_page
    plan_page = texts["partner.plan"]
    assert "Komme i praktik" in plan_page and "Det går fremad" in plan_page  # the citizen's version
    assert pages["partner.plan_pdf"]["Content-Type"] == "application/pdf"
    assert texts["partner.meeting"].startswith("BEGIN:VCALENDAR")
    assert pw.other_pathway.subject_name not in texts["partner.home"]


def test_every_read_writes_exactly_one_access_log_row_per_citizen_with_via_partner(client, pw, partner):
    shown = {"partner.plan_pdf": "partner.plan"}
    for name, url in partner_urls(pw).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert reads(response) == [
            (pw.citizen.pk, pw.pathway.pk, shown.get(name, name), AccessPurpose.COORDINATION, AccessVia.PARTNER)
        ], name
        assert AccessLogEntry.objects.filter(request_id=response["X-Request-Id"], actor=partner).count() == 1


def test_a_family_pathway_logs_each_member_once(client, pw):
    family = f.PathwayFactory(family=True, coordinator=pw.coordinator, lead_department=pw.pathway.lead_department)
    members = [f.HouseholdMemberFactory(household=family.household).citizen for _ in range(2)]
    place = f.TeamMemberFactory(pathway=family, external=True, external_contact=pw.contact)
    account, _invitation = accepted_partner(pw.coordinator, place)
    client.force_login(account)
    for url in (reverse("partners:home"), reverse("partners:pathway", args=[family.public_id])):
        response = client.get(url)
        assert response.status_code == 200
        rows = Counter(citizen for citizen, *_rest in reads(response))
        assert rows == Counter({member.pk: 1 for member in members})


def test_a_pathway_the_partner_is_not_invited_to_is_404_and_logged(client, pw, partner):
    for url in (
        reverse("partners:pathway", args=[pw.other_pathway.public_id]),
        reverse("partners:plan", args=[pw.other_pathway.public_id]),
        reverse("partners:meeting_ics", args=[pw.pathway.public_id, pw.other_meeting.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not reads(response)
    assert AuditEvent.objects.filter(code="access.denied", pathway=pw.other_pathway, actor=partner).count() == 2


def test_with_write_access_the_partner_marks_their_own_agreement_done(client, pw, partner):
    agreement = pw.own_agreement
    key = f"done-{agreement.public_id}"
    url = reverse("partners:agreement_done", args=[pw.pathway.public_id, agreement.public_id])
    versions = PlanRevision.objects.filter(pathway=pw.pathway).count()
    response = client.post(
        url, {f"{key}-note": "Vi var på praktikstedet tirsdag.", f"{key}-version": agreement.version}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DONE
    assert agreement.follow_up_note == "Vi var på praktikstedet tirsdag."
    assert agreement.completed_on is not None
    assert PlanRevision.objects.filter(pathway=pw.pathway).count() == versions + 1  # a new version of the plan
    event = AuditEvent.objects.get(code="agreement.status_changed", pathway=pw.pathway)
    assert event.actor == partner
    page = client.get(reverse("partners:pathway", args=[pw.pathway.public_id])).content.decode()
    assert "Aftalen er markeret som udført." in page


def test_a_stale_version_keeps_the_note_and_changes_nothing(client, pw, partner):
    agreement = pw.own_agreement
    key = f"done-{agreement.public_id}"
    url = reverse("partners:agreement_done", args=[pw.pathway.public_id, agreement.public_id])
    response = client.post(url, {f"{key}-note": "Min tekst", f"{key}-version": agreement.version - 1 + 5})
    assert response.status_code == 422
    content = response.content.decode()
    assert "Min tekst" in content and "Din note er bevaret i formularen" in content
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AGREED


def test_a_colleagues_agreement_cannot_be_marked_done(client, pw, partner):
    other = pw.other_agreement
    key = f"done-{other.public_id}"
    url = reverse("partners:agreement_done", args=[pw.pathway.public_id, other.public_id])
    assert client.post(url, {f"{key}-note": "", f"{key}-version": other.version}).status_code == 404
    other.refresh_from_db()
    assert other.status == AgreementStatus.AGREED


def test_with_read_access_marking_done_is_refused(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place, level="read")
    client.force_login(account)
    page = client.get(reverse("partners:pathway", args=[pw.pathway.public_id])).content.decode()
    assert "Følge med til praktikstedet" in page and "Markér som udført" not in page
    agreement = pw.own_agreement
    key = f"done-{agreement.public_id}"
    url = reverse("partners:agreement_done", args=[pw.pathway.public_id, agreement.public_id])
    response = client.post(url, {f"{key}-note": "", f"{key}-version": agreement.version})
    assert response.status_code == 404
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.AGREED
    assert AuditEvent.objects.filter(code="access.denied", pathway=pw.pathway, actor=account).count() == 1
