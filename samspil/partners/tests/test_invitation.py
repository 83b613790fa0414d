"""The coordinator invites an external team member; the contact accepts with the one-time link."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.audit.models import AuditEvent
from samspil.partners.choices import InvitationState, PartnerLevel
from samspil.partners.models import PartnerInvitation, token_hash
from samspil.partners.tests.conftest import PASSWORD, accepted_partner, invite, token_from_mail
from tests import factories as f

pytestmark = pytest.mark.django_db


def invite_url(pathway, place):
    return reverse("pathways:partner_invite", args=[pathway.public_id, place.public_id])


def link(token):
    return reverse("partners:invitation", args=[token])


ACCEPT = "/partner/invitation/"


def open_link(client, token):
    """Open the e-mail's link: a usable token goes into the session, and the browser on to the acceptance page."""
    response = client.get(link(token))
    if response.status_code == 302:
        assert response["Location"] == ACCEPT  # the token leaves the address bar at once
        return client.get(ACCEPT)
    return response


def test_the_coordinator_invites_and_the_email_carries_a_one_time_link_but_no_name(
    client, pw, django_capture_on_commit_callbacks
):
    client.force_login(pw.coordinator)
    key = f"invite-{pw.place.public_id}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(pw.pathway, pw.place), {f"{key}-level": "write"})
    assert response.status_code == 302
    invitation = PartnerInvitation.objects.get(team_member=pw.place)
    assert invitation.level == PartnerLevel.WRITE
    assert invitation.external_contact == pw.contact
    assert invitation.invited_by == pw.coordinator
    assert invitation.state() == InvitationState.PENDING
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=13, hours=23)
    message = mail.outbox[0]
    assert message.to == ["pia@fyrtaarnet.test"]
    token = token_from_mail()
    assert invitation.token_hash == token_hash(token) != token  # only the hash is stored
    assert token not in str(PartnerInvitation.objects.filter(pk=invitation.pk).values().first())
    for secret in (pw.citizen.first_name, pw.citizen.last_name, pw.citizen.reveal_cpr(), pw.contact.name):
        assert secret not in message.subject + message.body
    assert "Du er blevet inviteret til et forløb i Samspil." in message.body
    assert AuditEvent.objects.filter(pathway=pw.pathway, code="partner.invited").count() == 1
    # The coordinator sees the state on the overview.
    page = client.get(reverse("pathways:overview", args=[pw.pathway.public_id])).content.decode()
    assert "Inviteret, endnu ikke accepteret" in page
    assert "Afslut adgang til Samspil" in page


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_only_the_coordinator_may_invite(client, pw, world, who):
    client.force_login(getattr(world, who))
    response = client.post(invite_url(pw.pathway, pw.place), {f"invite-{pw.place.public_id}-level": "read"})
    assert response.status_code == (403 if who == "colleague" else 404)
    assert not PartnerInvitation.objects.exists()
    assert not mail.outbox


def test_a_staff_place_or_a_contact_without_email_cannot_be_invited(client, pw, world):
    client.force_login(pw.coordinator)
    key = f"invite-{world.colleague_place.public_id}"
    response = client.post(invite_url(pw.pathway, world.colleague_place), {f"{key}-level": "read"})
    assert response.status_code == 422
    assert "Kun en ekstern fagperson på teamet kan inviteres til Samspil." in response.content.decode()
    pw.contact.email = ""
    pw.contact.save()
    key = f"invite-{pw.place.public_id}"
    response = client.post(invite_url(pw.pathway, pw.place), {f"{key}-level": "read"})
    assert response.status_code == 422
    assert "har ingen e-mailadresse" in response.content.decode()
    assert not PartnerInvitation.objects.exists()
    assert not mail.outbox


def test_accepting_creates_a_partner_account_which_then_logs_in_with_its_password(client, pw):
    invitation, token = invite(pw.coordinator, pw.place)
    page = open_link(client, token)
    assert page.status_code == 200
    content = page.content.decode()
    assert pw.coordinator.get_full_name() in content
    # The link names no citizen (the full name: a first name such as "Inge" can be part of another name).
    assert pw.citizen.full_name not in content
    assert "pia@fyrtaarnet.test" in content  # the user name the account will get
    weak = client.post(ACCEPT, {"password1": "kort", "password2": "kort"})
    assert weak.status_code == 422
    assert "Denne adgangskode er for kort" in weak.content.decode()
    assert not User.objects.filter(kind=AccountKind.PARTNER).exists()
    response = client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    account = User.objects.get(kind=AccountKind.PARTNER)
    assert (account.external_contact, account.municipality) == (pw.contact, pw.municipality)
    assert (account.first_name, account.last_name, account.email) == ("Pia Partner", "Jensen", "pia@fyrtaarnet.test")
    assert account.username == "pia@fyrtaarnet.test"
    assert not account.is_staff and not account.is_superuser
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.account == account
    accepted = AuditEvent.objects.get(pathway=pw.pathway, code="partner.accepted")
    assert accepted.actor == account
    # The ordinary log-in (TOTP is off in the suite), then the front page sends the partner to their pages.
    client.logout()
    logged_in = client.post(reverse("accounts:login"), {"username": "PIA@fyrtaarnet.test", "password": PASSWORD})
    assert logged_in.status_code == 302
    home = client.get(reverse("home"))
    assert home["Location"] == reverse("partners:home")
    listing = client.get(reverse("partners:home")).content.decode()
    assert pw.citizen.full_name in listing


def test_the_link_works_once(client, pw):
    _invitation, token = invite(pw.coordinator, pw.place)
    assert open_link(client, token).status_code == 200
    assert client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    response = client.get(link(token))
    assert response.status_code == 410
    assert "Invitationen er allerede accepteret." in response.content.decode()
    assert client.get(ACCEPT).status_code == 404  # the session no longer holds it
    assert User.objects.filter(kind=AccountKind.PARTNER).count() == 1


def test_an_expired_invitation_says_so_and_creates_nothing(client, pw, settings):
    settings.SESSION_COOKIE_AGE = 30 * 24 * 3600  # the session outlives the invitation: the link's own expiry refuses
    invitation, token = invite(pw.coordinator, pw.place)
    assert open_link(client, token).status_code == 200  # opened in time, but not accepted then
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = client.get(link(token))
        assert response.status_code == 410
        content = response.content.decode()
        assert "Invitationen udløb den" in content
        assert "Bed koordinatoren om at invitere dig igen." in content
        refused = client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD})
        assert refused.status_code == 410
    assert not User.objects.filter(kind=AccountKind.PARTNER).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unknown_or_ended_link_is_refused(client, pw):
    assert client.get(link("ikke-et-gyldigt-token")).status_code == 404
    _invitation, token = invite(pw.coordinator, pw.place)
    client.force_login(pw.coordinator)
    end_url = reverse("pathways:partner_access_end", args=[pw.pathway.public_id, pw.place.public_id])
    assert client.post(end_url, {f"partner-end-{pw.place.public_id}-reason": "Fejl"}).status_code == 302
    client.logout()
    response = client.get(link(token))
    assert response.status_code == 410
    assert "Invitationen er trukket tilbage" in response.content.decode()


def test_a_new_invitation_replaces_an_unaccepted_one(client, pw):
    first, first_token = invite(pw.coordinator, pw.place)
    _second, second_token = invite(pw.coordinator, pw.place, level="write")
    first.refresh_from_db()
    assert first.state() == InvitationState.ENDED
    assert client.get(link(first_token)).status_code == 410
    assert open_link(client, second_token).status_code == 200


def test_changing_the_level_of_accepted_access_sends_nothing(pw):
    _account, invitation = accepted_partner(pw.coordinator, pw.place, level="read")
    mail.outbox.clear()
    from samspil.audit import context
    from samspil.partners import services

    with context.bound(actor_id=pw.coordinator.pk):
        same = services.partner_invite(actor=pw.coordinator, member=pw.place, level="write")
    assert same.pk == invitation.pk and same.level == PartnerLevel.WRITE and same.accepted_at is not None
    assert not mail.outbox
    assert AuditEvent.objects.filter(code="partner.level_changed", pathway=pw.pathway).count() == 1


def test_a_contact_with_an_account_logs_in_first_and_then_accepts(client, pw):
    account, _invitation = accepted_partner(pw.coordinator, pw.place)
    second_place = f.TeamMemberFactory(pathway=pw.other_pathway, external=True, external_contact=pw.contact)
    invitation, token = invite(pw.coordinator, second_place)
    anonymous = open_link(client, token)
    assert anonymous.status_code == 200
    content = anonymous.content.decode()
    assert "Du har allerede en konto i Samspil. Log ind først" in content
    assert "next=%2Fpartner%2Finvitation%2F" in content and token not in content
    # The ordinary log-in keeps the session, and with it the invitation.
    login = client.post(reverse("accounts:login"), {"username": account.username, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get(ACCEPT).status_code == 200
    response = client.post(ACCEPT)
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:pathway", args=[pw.other_pathway.public_id])
    invitation.refresh_from_db()
    assert invitation.account == account
    assert User.objects.filter(kind=AccountKind.PARTNER).count() == 1


def test_someone_else_logged_in_cannot_accept(client, pw):
    _invitation, token = invite(pw.coordinator, pw.place)
    client.force_login(pw.colleague)
    response = open_link(client, token)
    assert response.status_code == 403
    assert "Du er logget ind som en anden." in response.content.decode()
    assert client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 403
    assert not User.objects.filter(kind=AccountKind.PARTNER).exists()
