"""When the partner's access is in force, and which kinds of account reach which pages."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from samspil.audit import context
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.partners.choices import InvitationState
from samspil.partners.tests.conftest import accepted_partner, invite
from samspil.pathways import services as pathway_services
from tests import factories as f

pytestmark = pytest.mark.django_db


def pathway_url(pw):
    return reverse("partners:pathway", args=[pw.pathway.public_id])


def test_ending_the_team_place_ends_the_access_at_once(client, pw):
    account, invitation = accepted_partner(pw.coordinator, pw.place)
    client.force_login(account)
    assert client.get(pathway_url(pw)).status_code == 200
    staff = client.__class__()
    staff.force_login(pw.coordinator)
    key = f"end-{pw.place.public_id}"
    response = staff.post(
        reverse("pathways:team_end", args=[pw.pathway.public_id, pw.place.public_id]),
        {
            f"{key}-reason": "Forløbet på værestedet er slut",
            f"{key}-active_to": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state() == InvitationState.ENDED and invitation.ended_by == pw.coordinator
    assert AuditEvent.objects.filter(code="partner.access_ended_with_place", pathway=pw.pathway).count() == 1
    refused = client.get(pathway_url(pw))
    assert refused.status_code == 404
    assert not AccessLogEntry.objects.filter(request_id=refused["X-Request-Id"]).exists()
    assert AuditEvent.objects.filter(code="access.denied", pathway=pw.pathway, actor=account).count() == 1
    assert pw.citizen.full_name not in client.get(reverse("partners:home")).content.decode()


def test_a_place_ended_from_a_later_day_keeps_the_access_until_then(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place)
    last_day = timezone.localdate() + datetime.timedelta(days=3)
    with context.bound(actor_id=pw.coordinator.pk):
        pathway_services.team_member_end(actor=pw.coordinator, member=pw.place, reason="Slut", active_to=last_day)
    client.force_login(account)
    assert client.get(pathway_url(pw)).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        client.force_login(account)
        assert client.get(pathway_url(pw)).status_code == 404


def test_the_coordinator_ends_the_access(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place)
    staff = client.__class__()
    staff.force_login(pw.coordinator)
    url = reverse("pathways:partner_access_end", args=[pw.pathway.public_id, pw.place.public_id])
    response = staff.post(url, {f"partner-end-{pw.place.public_id}-reason": "Samarbejdet er slut"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(code="partner.access_ended", pathway=pw.pathway)
    assert event.data["reason"] == "Samarbejdet er slut"
    client.force_login(account)
    assert client.get(pathway_url(pw)).status_code == 404
    again = staff.post(url, {})
    assert again.status_code == 422  # nothing left to end


def test_an_inactive_account_has_no_session(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place)
    client.force_login(account)
    account.is_active = False
    account.save()
    response = client.get(pathway_url(pw))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_an_invitation_never_accepted_gives_no_access(client, pw):
    accepted, _invitation = accepted_partner(pw.coordinator, pw.place)
    second = f.TeamMemberFactory(pathway=pw.other_pathway, external=True, external_contact=pw.contact)
    invite(pw.coordinator, second)  # pending
    client.force_login(accepted)
    assert client.get(reverse("partners:pathway", args=[pw.other_pathway.public_id])).status_code == 404


def test_partner_accounts_never_reach_staff_pages_nor_the_portal(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place)
    client.force_login(account)
    pathway = pw.pathway.public_id
    for url in (
        reverse("pathways:mine"),
        reverse("pathways:tasks"),
        reverse("pathways:overview", args=[pathway]),
        reverse("plans:plan", args=[pathway]),
        reverse("meetings:list", args=[pathway]),
        reverse("citizens:search"),
        reverse("api:pathways"),
        reverse("api:pathway", args=[pathway]),
        "/borger/",
    ):
        assert client.get(url).status_code == 404, url
    assert not AccessLogEntry.objects.filter(actor=account).exists()


@pytest.mark.parametrize("who", ["coordinator", "colleague", "citizen"])
def test_staff_and_citizens_get_404_on_partner_pages(client, pw, who):
    accepted_partner(pw.coordinator, pw.place)
    user = f.portal_account(pw.citizen) if who == "citizen" else getattr(pw, who)
    client.force_login(user)
    for url in (reverse("partners:home"), pathway_url(pw), reverse("partners:plan", args=[pw.pathway.public_id])):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not AccessLogEntry.objects.filter(request_id=response["X-Request-Id"]).exists()
    assert AuditEvent.objects.filter(code="access.denied", actor=user).count() == 3


def test_the_anonymous_are_sent_to_the_log_in_page(client, pw):
    response = client.get(pathway_url(pw))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
