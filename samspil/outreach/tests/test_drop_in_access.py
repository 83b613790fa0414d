"""Drop-in staff's access to their centre's pages: the project leader invites one of the centre's contact persons
from the cooperation agreement's page, the contact accepts through the partners' one-time link (the same link and
the same acceptance as a pathway invitation), the pages open, and ending the access closes them at once.

The world (`conftest.world`) with a project leader in *Børn og Unge* and `test_contacts.build_drop_in`: a centre with
an agreement in force and its contact person Vera, and a second centre with an agreement of its own. Danish texts are
asserted after the translations are merged: these tests check statuses, data, URLs and element ids.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.audit import context
from samspil.audit.models import AuditEvent
from samspil.organisations.choices import StaffRole
from samspil.outreach import access, services_access
from samspil.outreach.tests import factories as of
from samspil.outreach.tests.test_contacts import build_drop_in
from samspil.partners import services as partner_services
from samspil.partners.choices import InvitationState
from samspil.partners.models import PartnerInvitation, token_hash
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Lang-nok-adgangskode-2026"  # passes Django's validators
ACCEPT = "/partner/invitation/"
DROP_IN_HOME = "/partner/vaerested/"


@pytest.fixture
def leader(world):
    return f.make_staff(world.children, StaffRole.PROJECT_LEADER)


@pytest.fixture
def drop_in(world):
    drop_in = build_drop_in(world)
    drop_in.contact.email = "vera@havnen.test"
    drop_in.contact.save()
    return drop_in


def detail_url(agreement):
    return reverse("outreach:agreements_detail", args=[agreement.public_id])


def token_from_mail() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def invite(leader, drop_in, contact=None):
    """Invite through the service as the project leader; returns (invitation, the token from the e-mail)."""
    from django.test import TestCase

    mail.outbox.clear()
    with context.bound(actor_id=leader.pk), TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services_access.drop_in_invite(
            actor=leader, agreement=drop_in.agreement, contact=contact or drop_in.contact
        )
    return invitation, token_from_mail()


def open_link(client, token):
    """Open the e-mail's link: a usable token goes into the session, and the browser on to the acceptance page."""
    response = client.get(reverse("partners:invitation", args=[token]))
    if response.status_code == 302:
        assert response["Location"] == ACCEPT
        return client.get(ACCEPT)
    return response


def test_invite_accept_and_the_pages_open(client, world, leader, drop_in, django_capture_on_commit_callbacks):
    client.force_login(leader)
    page = client.get(detail_url(drop_in.agreement))
    [row] = page.context["drop_in_access"]
    assert row.contact == drop_in.contact and row.invitation is None and row.may_invite
    assert f'id="drop-in-invite-{drop_in.contact.public_id}"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url(drop_in.agreement),
            {"action": "access_invite", "access_invite-contact": str(drop_in.contact.public_id)},
        )
    assert response.status_code == 302 and response["Location"] == detail_url(drop_in.agreement)
    invitation = PartnerInvitation.objects.get()
    assert (invitation.centre, invitation.external_contact, invitation.invited_by) == (
        drop_in.centre,
        drop_in.contact,
        leader,
    )
    assert invitation.pathway is None and invitation.team_member is None
    assert invitation.state() == InvitationState.PENDING
    message = mail.outbox[0]
    assert message.to == ["vera@havnen.test"]
    token = token_from_mail()
    assert invitation.token_hash == token_hash(token) != token
    assert drop_in.contact.name not in message.subject + message.body  # the e-mail names no one
    invited = AuditEvent.objects.get(code="outreach.drop_in_invited")
    assert invited.actor == leader and invited.data["centre"] == drop_in.centre.name
    [row] = client.get(detail_url(drop_in.agreement)).context["drop_in_access"]
    assert row.invitation == invitation and row.state == InvitationState.PENDING
    client.logout()

    # The contact opens the link: the same acceptance page as a pathway invitation, saying it is the centre's pages.
    page = open_link(client, token)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="invitation-drop-in"' in content and drop_in.centre.name in content
    assert leader.get_full_name() in content
    response = client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    account = User.objects.get(kind=AccountKind.PARTNER)
    assert (account.external_contact, account.municipality, account.username) == (
        drop_in.contact,
        world.municipality,
        "vera@havnen.test",
    )
    invitation.refresh_from_db()
    assert invitation.account == account and invitation.state() == InvitationState.ACCEPTED
    assert AuditEvent.objects.get(code="outreach.drop_in_accepted").actor == account
    assert not AuditEvent.objects.filter(code="partner.accepted").exists()

    # The ordinary log-in, and the front page sends drop-in staff to their centre's pages, which open.
    logged_in = client.post(reverse("accounts:login"), {"username": account.username, "password": PASSWORD})
    assert logged_in.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("outreach_partner:home") == DROP_IN_HOME
    assert client.get(DROP_IN_HOME).status_code == 200
    assert client.get(reverse("outreach_partner:create")).status_code == 200
    assert access.partner_centre(account) == drop_in.centre


def test_ending_the_access_closes_the_pages_at_once(client, world, leader, drop_in):
    staff = of.make_drop_in_staff(drop_in.contact, invited_by=leader)
    invitation = PartnerInvitation.objects.get(account=staff)
    client.force_login(staff)
    assert client.get(DROP_IN_HOME).status_code == 200

    client.force_login(leader)
    [row] = client.get(detail_url(drop_in.agreement)).context["drop_in_access"]
    assert row.has_access and not row.may_invite
    response = client.post(
        detail_url(drop_in.agreement),
        {"action": "access_end", "access_end-row": str(invitation.public_id), "access_end-reason": "Stoppet"},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state() == InvitationState.ENDED
    assert (invitation.ended_by, invitation.end_reason) == (leader, "Stoppet")
    ended = AuditEvent.objects.get(code="outreach.drop_in_access_ended")
    assert ended.actor == leader and ended.data["reason"] == "Stoppet"
    [row] = client.get(detail_url(drop_in.agreement)).context["drop_in_access"]
    assert row.invitation is None and row.may_invite  # may be invited again

    # The same session of the drop-in staff member: 404 at once, logged; the front page no longer sends them there.
    client.force_login(staff)
    before = AuditEvent.objects.count()
    assert client.get(DROP_IN_HOME).status_code == 404
    assert client.get(reverse("outreach_partner:create")).status_code == 404
    assert AuditEvent.objects.filter(code="access.denied", actor=staff).count() == AuditEvent.objects.count() - before
    assert client.get(reverse("home"))["Location"] == reverse("partners:home")
    # Ending it twice: the page says there is nothing to end, and changes nothing.
    client.force_login(leader)
    again = client.post(
        detail_url(drop_in.agreement), {"action": "access_end", "access_end-row": str(invitation.public_id)}
    )
    assert again.status_code == 422 and again.context["page_error"]
    assert AuditEvent.objects.filter(code="outreach.drop_in_access_ended").count() == 1


def test_an_ended_invitation_link_is_refused(client, leader, drop_in):
    invitation, token = invite(leader, drop_in)
    with context.bound(actor_id=leader.pk):
        services_access.drop_in_access_end(
            actor=leader, agreement=drop_in.agreement, invitation_public_id=invitation.public_id
        )
    response = client.get(reverse("partners:invitation", args=[token]))
    assert response.status_code == 410 and response.context["problem"] == "ended"
    assert not User.objects.filter(kind=AccountKind.PARTNER).exists()


def test_an_expired_link_is_refused_and_creates_nothing(client, leader, drop_in, settings):
    settings.SESSION_COOKIE_AGE = 30 * 24 * 3600  # the session outlives the invitation: the link's own expiry refuses
    invitation, token = invite(leader, drop_in)
    assert open_link(client, token).status_code == 200  # opened in time, not accepted then
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = client.get(reverse("partners:invitation", args=[token]))
        assert response.status_code == 410 and response.context["problem"] == "expired"
        assert client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 410
    assert not User.objects.filter(kind=AccountKind.PARTNER).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    # Inviting again replaces the expired invitation with a new link.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        second, second_token = invite(leader, drop_in)
        invitation.refresh_from_db()
        assert invitation.state() == InvitationState.ENDED and second.state() == InvitationState.PENDING
        assert open_link(client, second_token).status_code == 200


def test_a_used_link_works_once(client, leader, drop_in):
    _invitation, token = invite(leader, drop_in)
    assert open_link(client, token).status_code == 200
    assert client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    response = client.get(reverse("partners:invitation", args=[token]))
    assert response.status_code == 410 and response.context["problem"] == "used"
    assert client.get(ACCEPT).status_code == 404  # the session no longer holds it
    assert User.objects.filter(kind=AccountKind.PARTNER).count() == 1


def test_another_centres_contact_cannot_use_the_link(client, world, leader, drop_in):
    other_contact = f.ExternalContactFactory(
        municipality=world.municipality, organisation=drop_in.other_centre, name="Ole Solstrålen"
    )
    other_staff = of.make_drop_in_staff(other_contact, invited_by=leader)
    invitation, token = invite(leader, drop_in)
    client.force_login(other_staff)
    refused = open_link(client, token)
    assert refused.status_code == 403 and refused.context["problem"] == "other_account"
    assert client.post(ACCEPT).status_code == 403
    assert client.post(ACCEPT, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 403
    with pytest.raises(partner_services.InvitationUnusable):
        partner_services.partner_invitation_accept_existing(token=token, account=other_staff)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None and invitation.account is None
    assert access.partner_centre(other_staff) == drop_in.other_centre  # their own centre, not this one
    # Nor can the project leader invite another centre's contact from this agreement.
    client.force_login(leader)
    response = client.post(
        detail_url(drop_in.agreement),
        {"action": "access_invite", "access_invite-contact": str(other_contact.public_id)},
    )
    assert response.status_code == 422 and response.context["page_error"]
    with context.bound(actor_id=leader.pk), pytest.raises(ValidationError):
        services_access.drop_in_invite(actor=leader, agreement=drop_in.agreement, contact=other_contact)
    assert PartnerInvitation.objects.filter(external_contact=other_contact).count() == 1  # their own, accepted


def test_a_contact_with_an_account_logs_in_first_and_then_accepts(client, world, leader, drop_in):
    account = f.StaffUserFactory(
        municipality=world.municipality, kind=AccountKind.PARTNER, external_contact=drop_in.contact
    )
    assert access.partner_centre(account) is None  # a partner account of the centre's contact alone opens nothing
    invitation, token = invite(leader, drop_in)
    page = open_link(client, token)
    assert page.status_code == 200 and page.context["problem"] == "log_in_first"
    assert (
        client.post(reverse("accounts:login"), {"username": account.username, "password": f.PASSWORD}).status_code
        == 302
    )
    assert client.get(ACCEPT).status_code == 200
    response = client.post(ACCEPT)
    assert response.status_code == 302 and response["Location"] == DROP_IN_HOME
    invitation.refresh_from_db()
    assert invitation.account == account
    assert client.get(DROP_IN_HOME).status_code == 200
    assert User.objects.filter(kind=AccountKind.PARTNER).count() == 1


def test_only_the_project_leader_invites_and_sees_the_access(client, world, leader, drop_in):
    client.force_login(world.coordinator)
    page = client.get(detail_url(drop_in.agreement))
    assert page.status_code == 200 and page.context["drop_in_access"] is None
    assert 'id="drop-in-access"' not in page.content.decode()
    response = client.post(
        detail_url(drop_in.agreement),
        {"action": "access_invite", "access_invite-contact": str(drop_in.contact.public_id)},
    )
    assert response.status_code == 403
    with context.bound(actor_id=world.coordinator.pk), pytest.raises(PermissionDenied):
        services_access.drop_in_invite(actor=world.coordinator, agreement=drop_in.agreement, contact=drop_in.contact)
    client.force_login(world.stranger)
    assert client.get(detail_url(drop_in.agreement)).status_code == 404
    assert not PartnerInvitation.objects.exists() and not mail.outbox


def test_what_cannot_be_invited(client, world, leader, drop_in):
    client.force_login(leader)

    def post_invite():
        return client.post(
            detail_url(drop_in.agreement),
            {"action": "access_invite", "access_invite-contact": str(drop_in.contact.public_id)},
        )

    drop_in.contact.email = ""
    drop_in.contact.save()
    response = post_invite()
    assert response.status_code == 422 and drop_in.contact.name in response.context["page_error"]
    [row] = response.context["drop_in_access"]
    assert not row.may_invite
    drop_in.contact.email = "vera@havnen.test"
    drop_in.contact.save()
    of.make_drop_in_staff(drop_in.contact, invited_by=leader)
    assert post_invite().status_code == 422  # has access already: end it first
    assert PartnerInvitation.objects.count() == 1 and not mail.outbox
    drop_in.agreement.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    drop_in.agreement.save()
    with context.bound(actor_id=leader.pk), pytest.raises(ValidationError):
        services_access.drop_in_invite(actor=leader, agreement=drop_in.agreement, contact=drop_in.contact)


def test_the_pages_need_the_agreement_in_force_and_the_invitation(world, leader, drop_in):
    staff = of.make_drop_in_staff(drop_in.contact, invited_by=leader)
    assert access.partner_centre(staff) == drop_in.centre
    # An old agreement that has ended does not hide the one in force.
    of.make_agreement(
        drop_in.centre,
        starts_on=timezone.localdate() - datetime.timedelta(days=900),
        ends_on=timezone.localdate() - datetime.timedelta(days=201),
    )
    assert access.partner_centre(User.objects.get(pk=staff.pk)) == drop_in.centre
    drop_in.agreement.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    drop_in.agreement.save()
    assert access.partner_centre(User.objects.get(pk=staff.pk)) is None
    drop_in.agreement.ends_on = None
    drop_in.agreement.save()
    # A pending (not accepted) invitation opens nothing.
    pending = of.make_drop_in_staff(
        f.ExternalContactFactory(municipality=world.municipality, organisation=drop_in.centre), invited_by=leader
    )
    PartnerInvitation.objects.filter(account=pending).update(accepted_at=None, account=None)
    assert access.partner_centre(User.objects.get(pk=pending.pk)) is None


def test_a_pathway_invitation_and_a_drop_in_invitation_are_one_or_the_other(world, leader, drop_in):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        of.make_drop_in_invitation(drop_in.contact, invited_by=leader).__class__.objects.filter(
            centre=drop_in.centre
        ).update(pathway=world.pathway)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerInvitation.objects.create(
            municipality=world.municipality,
            external_contact=drop_in.contact,
            email="vera@havnen.test",
            token_hash=token_hash("nothing"),
            expires_at=timezone.now(),
            invited_by=leader,
        )
