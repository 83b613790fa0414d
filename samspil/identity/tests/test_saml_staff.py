"""Staff log in through the municipality's SAML identity provider (AD FS, KOMBIT's context handler): matched to an
existing staff account by provider and stable subject identifier, never by e-mail; nothing is created from the
assertion; an unknown subject is refused with the Danish page, a row and no session."""

import pytest
from django.contrib.auth import SESSION_KEY

from samspil.accounts.models import User
from samspil.identity.choices import LoginMethod, RefusalReason
from samspil.identity.models import ExternalIdentity, LoginRefusal
from samspil.identity.tests.providers import OBJECT_ID_ATTRIBUTE, saml_log_in, session_user_id
from samspil.organisations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

START = "/identitet/medarbejder/log-ind/"


def link(user, idp, subject: str) -> ExternalIdentity:
    return ExternalIdentity.objects.create(user=user, issuer=idp.entity_id, subject=subject)


def test_a_staff_member_logs_in_by_persistent_name_id(client, staff_saml, idp, world):
    link(world.coordinator, idp, "ad-guid-1234")
    idp.answer.name_id = "ad-guid-1234"
    idp.answer.attributes = {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": ["x@y.dk"]}
    memberships, users = Membership.objects.count(), User.objects.count()

    exchange = saml_log_in(client, f"{START}?next=/forloeb/")

    assert exchange.response.status_code == 302 and exchange.response["Location"] == "/forloeb/"
    assert client.session[SESSION_KEY] == str(world.coordinator.pk)
    assert client.session["samspil_login_method"] == "staff_saml"
    assert client.session["samspil_saml"]["side"] == "staff"
    assert (Membership.objects.count(), User.objects.count()) == (memberships, users)  # nothing made
    assert client.get("/forloeb/").status_code == 200  # no TOTP step: the provider did the strong log-in


def test_the_subject_may_be_a_configured_attribute(client, staff_saml, idp, world, settings):
    settings.SAMSPIL_STAFF_SAML = {**settings.SAMSPIL_STAFF_SAML, "subject_attribute": OBJECT_ID_ATTRIBUTE}
    link(world.colleague, idp, "7b6f-object-id")
    idp.answer.name_id = "something-else"
    idp.answer.attributes = {OBJECT_ID_ATTRIBUTE: ["7b6f-object-id"]}

    saml_log_in(client, START)

    assert session_user_id(client) == str(world.colleague.pk)


def test_the_same_e_mail_does_not_log_in(client, staff_saml, idp, world):
    """Matching is never by e-mail: an identity whose e-mail is the coordinator's is still unknown."""
    idp.answer.name_id = "someone-else"
    idp.answer.attributes = {
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": [world.coordinator.email]
    }

    response = saml_log_in(client, START).response

    assert response.status_code == 403
    assert session_user_id(client) is None


def test_an_unknown_staff_subject_is_refused(client, staff_saml, idp, world, caplog):
    link(world.coordinator, idp, "known-subject")
    idp.answer.name_id = "unknown-subject-42"

    response = saml_log_in(client, START).response

    page = response.content.decode()
    assert response.status_code == 403
    assert "Din konto er ikke sat op til dette log-in" in page
    assert "Bed din Samspil-administrator" in page
    assert "unknown-subject-42" in page  # what the administrator links
    row = LoginRefusal.objects.get()
    assert (row.method, row.reason) == (LoginMethod.STAFF_SAML, RefusalReason.UNKNOWN_STAFF_SUBJECT)
    assert (row.issuer, row.subject) == (idp.entity_id, "unknown-subject-42")
    assert row.request_id == response["X-Request-Id"]
    assert session_user_id(client) is None
    assert "reason=unknown_staff_subject" in caplog.text
    assert ExternalIdentity.objects.count() == 1 and User.objects.filter(username__contains="unknown").count() == 0


def test_the_same_subject_at_another_provider_is_unknown(client, staff_saml, idp, world):
    ExternalIdentity.objects.create(user=world.coordinator, issuer="https://other-idp.example", subject="ad-1")
    idp.answer.name_id = "ad-1"
    response = saml_log_in(client, START).response
    assert response.status_code == 403
    assert LoginRefusal.objects.get().reason == RefusalReason.UNKNOWN_STAFF_SUBJECT


def test_a_transient_name_id_cannot_name_an_account(client, staff_saml, idp, world):
    link(world.coordinator, idp, "transient-abc")
    idp.answer.name_id = "transient-abc"
    idp.answer.name_id_format = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"

    response = saml_log_in(client, START).response

    assert response.status_code == 403
    assert "Der mangler oplysninger i dit log-in" in response.content.decode()
    assert LoginRefusal.objects.get().reason == RefusalReason.MISSING_ATTRIBUTE
    assert session_user_id(client) is None


def test_a_citizen_account_is_never_logged_in_as_staff(client, staff_saml, idp):
    citizen_account = f.portal_account(f.CitizenFactory())
    ExternalIdentity.objects.create(
        user=citizen_account, municipality=citizen_account.municipality, issuer=idp.entity_id, subject="sneaky"
    )
    idp.answer.name_id = "sneaky"

    response = saml_log_in(client, START).response

    assert response.status_code == 403
    assert LoginRefusal.objects.get().reason == RefusalReason.UNKNOWN_STAFF_SUBJECT
    assert session_user_id(client) is None


def test_an_inactive_staff_account_is_refused(client, staff_saml, idp, world):
    world.outsider.is_active = False
    world.outsider.save()
    link(world.outsider, idp, "left-the-job")
    idp.answer.name_id = "left-the-job"

    response = saml_log_in(client, START).response

    assert response.status_code == 403
    assert "Din konto er lukket" in response.content.decode()
    assert LoginRefusal.objects.get().reason == RefusalReason.ACCOUNT_CLOSED


def test_the_staff_log_in_page_shows_the_button(client, staff_saml):
    page = client.get("/konto/log-ind/?next=/forloeb/").content.decode()
    assert "Log ind med Testkommunes log-in" in page
    assert 'href="/identitet/medarbejder/log-ind/?next=/forloeb/"' in page


def test_without_a_staff_provider_there_is_no_button_and_its_urls_answer_404(client, settings):
    settings.SAMSPIL_STAFF_LOGIN = ""
    assert "Log ind med" not in client.get("/konto/log-ind/").content.decode()
    for path in (START, "/identitet/medarbejder/saml/metadata/", "/identitet/medarbejder/oidc/callback/"):
        assert client.get(path).status_code == 404
    assert client.post("/identitet/medarbejder/saml/acs/", {"SAMLResponse": "x"}).status_code == 404


def test_an_unreachable_provider_is_a_danish_page(client, staff_saml, settings):
    settings.SAMSPIL_STAFF_SAML = {**settings.SAMSPIL_STAFF_SAML, "idp_metadata_url": "http://127.0.0.1:9/metadata"}

    response = client.get(START)

    assert response.status_code == 403
    assert "Log-in kan ikke nås lige nu" in response.content.decode()
    row = LoginRefusal.objects.get()
    assert (row.method, row.reason) == (LoginMethod.STAFF_SAML, RefusalReason.IDP_UNAVAILABLE)
