"""MitID through NemLog-in (OIOSAML 3): the whole exchange against the session's pysaml2 IdP, success and every
refusal. Each refusal shows the Danish page (403), writes one `LoginRefusal` row and leaves nobody logged in; the
CPR number is never in the session, a log line or a URL of the exchange."""

import datetime
import logging

import pytest
import time_machine
from django.utils import timezone
from saml2.samlp import STATUS_AUTHN_FAILED

from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.citizens import cpr
from samspil.identity.choices import LoginMethod, RefusalReason
from samspil.identity.models import LoginRefusal, UsedAssertion
from samspil.identity.tests.providers import (
    CPR_ATTRIBUTE,
    LOA_ATTRIBUTE,
    OTHER_SP,
    assert_no_cpr,
    edit_saml_response,
    post_to_acs,
    saml_log_in,
    saml_to_idp,
    session_user_id,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

START = "/identitet/mitid/log-ind/"


def digits_of(citizen) -> str:
    return cpr.decrypt(citizen.cpr_encrypted)


def mitid(citizen=None, *, digits: str | None = None, loa: str = "Substantial") -> dict:
    return {CPR_ATTRIBUTE: [digits or digits_of(citizen)], LOA_ATTRIBUTE: [loa]}


@pytest.fixture
def watch_logs(caplog):
    caplog.set_level(logging.DEBUG, logger="samspil")
    return caplog


def assert_refused(response, client, *, reason: str, heading: str, method: str = LoginMethod.MITID_SAML):
    page = response.content.decode()
    assert response.status_code == 403
    assert heading in page
    assert "Det kan du gøre" in page
    row = LoginRefusal.objects.get()
    assert (row.method, row.reason) == (method, reason)
    assert row.request_id == response["X-Request-Id"]
    assert row.request_id in page  # the reference the person can give the municipality
    assert session_user_id(client) is None
    return row


# --- success ---------------------------------------------------------------------------------------------------


def test_a_citizen_logs_in_with_mitid_and_gets_one_account(client, citizen_saml, idp, watch_logs):
    citizen = f.CitizenFactory(first_name="Sofie", last_name="Jensen", email="sofie@example.test")
    idp.answer.attributes = mitid(citizen)

    exchange = saml_log_in(client, f"{START}?next=/borger/forloeb/")

    assert exchange.response.status_code == 302
    assert exchange.response["Location"] == "/borger/forloeb/"
    user = User.objects.get(citizen=citizen)
    assert session_user_id(client) == str(user.pk)
    assert (user.kind, user.municipality, user.first_name, user.last_name) == (
        AccountKind.CITIZEN,
        citizen.municipality,
        "Sofie",
        "Jensen",
    )
    assert user.email == "sofie@example.test"
    assert user.username.startswith("borger-") and digits_of(citizen) not in user.username
    assert not user.has_usable_password()
    assert client.session["samspil_login_method"] == "mitid_saml"
    saml_session = client.session["samspil_saml"]
    assert saml_session["side"] == "citizen" and saml_session["issuer"] == idp.entity_id
    assert "persistent-id-1" in saml_session["name_id"] and saml_session["session_index"]
    assert "samspil_saml_requests" not in client.session  # nothing of the exchange stays
    assert UsedAssertion.objects.count() == 1
    assert LoginRefusal.objects.count() == 0
    assert_no_cpr(digits_of(citizen), client=client, exchange=exchange, caplog=watch_logs)

    client.logout()
    again = saml_log_in(client, START)
    assert again.response["Location"] == "/borger/"
    assert User.objects.filter(citizen=citizen).count() == 1  # the same account again
    assert session_user_id(client) == str(user.pk)


def test_a_custody_holder_logs_in_to_their_own_account(client, citizen_saml, idp, watch_logs):
    child = f.CitizenFactory(born=f.years_ago(9))
    parent = f.CitizenFactory(municipality=child.municipality, first_name="Mette")
    f.GuardianshipFactory(child=child, guardian=parent)
    idp.answer.attributes = mitid(parent)

    exchange = saml_log_in(client, START)

    assert exchange.response.status_code == 302
    user = User.objects.get(citizen=parent)
    assert session_user_id(client) == str(user.pk) and user.first_name == "Mette"
    assert not User.objects.filter(citizen=child).exists()
    assert_no_cpr(digits_of(parent), client=client, exchange=exchange, caplog=watch_logs)


def test_an_encrypted_assertion_as_nemlog_in_sends_it(client, citizen_saml, idp, watch_logs):
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen)
    idp.answer.encrypt_assertion = True

    exchange = saml_to_idp(client, START)
    from base64 import b64decode

    assert digits_of(citizen) not in b64decode(exchange.saml_response).decode()  # really encrypted
    response = post_to_acs(client, exchange)

    assert response.status_code == 302
    assert session_user_id(client) == str(User.objects.get(citizen=citizen).pk)


def test_the_loa_may_come_as_a_danish_name_or_a_uri(client, citizen_saml, idp):
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen, loa="https://data.gov.dk/concept/core/nsis/loa/Høj")
    saml_log_in(client, START)
    assert session_user_id(client) is not None


def test_an_unsafe_next_is_ignored(client, citizen_saml, idp):
    idp.answer.attributes = mitid(f.CitizenFactory())
    exchange = saml_log_in(client, f"{START}?next=https://evil.example/")
    assert exchange.response["Location"] == "/borger/"


def test_the_authn_request_is_signed_and_asks_for_the_minimum_level(client, citizen_saml, idp, settings):
    settings.SAMSPIL_MITID_MINIMUM_LOA = "Høj"
    started = client.get(START)
    assert "Signature=" in started["Location"] and "SigAlg=" in started["Location"]
    from urllib.parse import parse_qs, urlparse

    from saml2 import BINDING_HTTP_REDIRECT

    message = parse_qs(urlparse(started["Location"]).query)["SAMLRequest"][0]
    request = idp.idp.unravel(message, BINDING_HTTP_REDIRECT).decode()
    assert "https://data.gov.dk/concept/core/nsis/loa/High" in request
    assert 'Comparison="minimum"' in request


# --- refusals ----------------------------------------------------------------------------------------------------


def test_a_tampered_signature_is_refused(client, citizen_saml, idp, watch_logs):
    victim, attacker = f.CitizenFactory(), f.CitizenFactory()
    idp.answer.attributes = mitid(attacker)
    exchange = saml_to_idp(client, START)
    forged = edit_saml_response(exchange.saml_response, digits_of(attacker), digits_of(victim))

    response = post_to_acs(client, exchange, forged)

    assert_refused(response, client, reason=RefusalReason.SIGNATURE, heading="Vi kunne ikke bruge dit log-in")
    assert not User.objects.filter(citizen__in=[victim, attacker]).exists()
    assert_no_cpr(digits_of(victim), client=client, exchange=exchange, caplog=watch_logs)
    assert_no_cpr(digits_of(attacker), client=client, exchange=exchange, caplog=watch_logs)
    assert "log-in refused: method=mitid_saml reason=signature" in watch_logs.text


def test_an_unsigned_assertion_is_refused(client, citizen_saml, idp):
    idp.answer.attributes = mitid(f.CitizenFactory())
    idp.answer.sign_assertion = False

    response = saml_log_in(client, START).response

    assert_refused(response, client, reason=RefusalReason.SIGNATURE, heading="Vi kunne ikke bruge dit log-in")


def test_an_assertion_for_another_audience_is_refused(client, citizen_saml, idp, watch_logs):
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen)
    idp.answer.audience = OTHER_SP

    exchange = saml_log_in(client, START)

    assert_refused(exchange.response, client, reason=RefusalReason.AUDIENCE, heading="Vi kunne ikke bruge dit log-in")
    assert "beregnet til en anden tjeneste" in exchange.response.content.decode()
    assert_no_cpr(digits_of(citizen), client=client, exchange=exchange, caplog=watch_logs)


def test_an_expired_assertion_is_refused(client, citizen_saml, idp, watch_logs):
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen)
    exchange = saml_to_idp(client, START)  # the IdP's assertions live five minutes

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10), tick=False):
        response = post_to_acs(client, exchange)

    assert_refused(response, client, reason=RefusalReason.EXPIRED, heading="Log-in tog for lang tid")
    assert not User.objects.filter(citizen=citizen).exists()


def test_an_assertion_within_the_clock_skew_is_accepted(client, citizen_saml, idp):
    idp.answer.attributes = mitid(f.CitizenFactory())
    exchange = saml_to_idp(client, START)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5, seconds=30), tick=False):
        response = post_to_acs(client, exchange)  # 30 s past NotOnOrAfter, within the 60 s skew
    assert response.status_code == 302 and session_user_id(client) is not None


def test_a_replayed_assertion_is_refused(client, citizen_saml, idp, watch_logs):
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen)
    exchange = saml_log_in(client, START)
    assert session_user_id(client) is not None

    response = post_to_acs(client, exchange)  # the same answer again

    assert_refused(response, client, reason=RefusalReason.REPLAYED, heading="Dette log-in er allerede brugt")
    assert_no_cpr(digits_of(citizen), client=client, exchange=exchange, caplog=watch_logs)


def test_a_replay_from_another_browser_is_refused(client, citizen_saml, idp, django_user_model):
    from django.test import Client

    idp.answer.attributes = mitid(f.CitizenFactory())
    exchange = saml_log_in(client, START)

    other = Client()
    assert other.session.session_key  # a session of its own, without the request
    response = post_to_acs(other, exchange)

    assert_refused(response, other, reason=RefusalReason.REPLAYED, heading="Dette log-in er allerede brugt")


def test_the_replay_check_holds_across_app_servers(client, citizen_saml, idp):
    """Another app server has no memory of this one: the used assertion is in the shared database."""
    idp.answer.attributes = mitid(f.CitizenFactory())
    exchange = saml_to_idp(client, START)
    pending = client.session["samspil_saml_requests"]
    post_to_acs(client, exchange)

    session = client.session  # the same browser's request arrives at a server where the request is still open
    session["samspil_saml_requests"] = pending
    session.save()
    client.logout()
    session = client.session
    session["samspil_saml_requests"] = pending
    session.save()
    response = post_to_acs(client, exchange)

    assert_refused(response, client, reason=RefusalReason.REPLAYED, heading="Dette log-in er allerede brugt")


def test_an_answer_to_no_request_of_this_browser_is_refused(client, citizen_saml, idp):
    from django.test import Client

    idp.answer.attributes = mitid(f.CitizenFactory())
    exchange = saml_to_idp(client, START)
    other = Client()
    assert other.session.session_key

    response = post_to_acs(other, exchange)

    assert_refused(response, other, reason=RefusalReason.NO_REQUEST, heading="Vi kunne ikke finde dit log-in")


def test_a_low_assurance_level_is_refused(client, citizen_saml, idp, watch_logs):
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen, loa="Lav")

    exchange = saml_log_in(client, START)

    assert_refused(
        exchange.response, client, reason=RefusalReason.ASSURANCE_TOO_LOW, heading="Dit log-in var ikke sikkert nok"
    )
    assert not User.objects.filter(citizen=citizen).exists()
    assert_no_cpr(digits_of(citizen), client=client, exchange=exchange, caplog=watch_logs)


def test_without_the_attribute_the_authn_context_gives_the_level(client, citizen_saml, idp):
    citizen = f.CitizenFactory()
    idp.answer.attributes = {CPR_ATTRIBUTE: [digits_of(citizen)]}
    idp.answer.authn_class = "https://data.gov.dk/concept/core/nsis/loa/Low"
    response = saml_log_in(client, START).response
    assert_refused(response, client, reason=RefusalReason.ASSURANCE_TOO_LOW, heading="Dit log-in var ikke sikkert nok")

    idp.answer.authn_class = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    assert saml_log_in(client, START).response.status_code == 302
    assert session_user_id(client) == str(User.objects.get(citizen=citizen).pk)


def test_the_minimum_level_is_a_setting(client, citizen_saml, idp, settings):
    settings.SAMSPIL_MITID_MINIMUM_LOA = "Høj"
    idp.answer.attributes = mitid(f.CitizenFactory(), loa="Substantial")
    response = saml_log_in(client, START).response
    assert_refused(response, client, reason=RefusalReason.ASSURANCE_TOO_LOW, heading="Dit log-in var ikke sikkert nok")


def test_an_unknown_cpr_number_is_refused(client, citizen_saml, idp, watch_logs):
    f.CitizenFactory()
    digits = f.random_cpr()
    idp.answer.attributes = mitid(digits=digits)

    exchange = saml_log_in(client, START)

    row = assert_refused(
        exchange.response, client, reason=RefusalReason.UNKNOWN_CPR, heading="Vi kunne ikke finde dig i Samspil"
    )
    assert digits not in str(row.__dict__)
    assert not User.objects.filter(kind=AccountKind.CITIZEN).exists()
    assert_no_cpr(digits, client=client, exchange=exchange, caplog=watch_logs)
    page = exchange.response.content.decode()
    assert digits not in page and f"{digits[:6]}-{digits[6:]}" not in page


def test_a_citizen_known_in_two_municipalities_is_refused(client, citizen_saml, idp):
    here = f.CitizenFactory()
    f.CitizenFactory(cpr=digits_of(here))  # the same person in another municipality
    idp.answer.attributes = mitid(here)

    response = saml_log_in(client, START).response

    assert_refused(
        response,
        client,
        reason=RefusalReason.SEVERAL_MUNICIPALITIES,
        heading="Vi kan ikke se, hvilken kommune du hører til",
    )
    assert not User.objects.filter(kind=AccountKind.CITIZEN).exists()


@pytest.mark.parametrize("missing", [CPR_ATTRIBUTE, LOA_ATTRIBUTE])
def test_a_missing_attribute_is_refused(client, citizen_saml, idp, missing):
    attributes = mitid(f.CitizenFactory())
    del attributes[missing]
    idp.answer.attributes = attributes
    idp.answer.authn_class = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"  # no NSIS level

    response = saml_log_in(client, START).response

    assert_refused(
        response, client, reason=RefusalReason.MISSING_ATTRIBUTE, heading="Der mangler oplysninger i dit log-in"
    )


def test_an_error_status_from_the_idp_is_refused(client, citizen_saml, idp):
    idp.answer.error_status = STATUS_AUTHN_FAILED  # the person cancelled at MitID

    response = saml_log_in(client, START).response

    assert_refused(response, client, reason=RefusalReason.IDP_ERROR, heading="Du er ikke blevet logget ind")
    assert "Prøv igen, når du er klar." in response.content.decode()


def test_a_closed_account_is_refused(client, citizen_saml, idp):
    citizen = f.CitizenFactory()
    f.portal_account(citizen, is_active=False)
    idp.answer.attributes = mitid(citizen)

    response = saml_log_in(client, START).response

    assert_refused(response, client, reason=RefusalReason.ACCOUNT_CLOSED, heading="Din konto er lukket")


def test_a_refusal_ends_the_session_the_browser_had(client, citizen_saml, idp):
    staff = f.StaffUserFactory()
    client.force_login(staff)
    idp.answer.attributes = mitid(digits=f.random_cpr())

    saml_log_in(client, START)

    assert session_user_id(client) is None


# --- the browser's cookie on the provider's POST ------------------------------------------------------------------


def test_a_post_without_the_session_cookie_is_posted_again_from_this_site(client, citizen_saml, idp):
    """SameSite=Lax: the browser leaves the session cookie out of the IdP's cross-site POST."""
    citizen = f.CitizenFactory()
    idp.answer.attributes = mitid(citizen)
    exchange = saml_to_idp(client, START)
    cookie = client.cookies.pop("sessionid")

    bounce = post_to_acs(client, exchange)

    page = bounce.content.decode()
    assert bounce.status_code == 200
    assert 'id="identity-resubmit"' in page and "identity/resubmit.js" in page
    assert LoginRefusal.objects.count() == 0 and UsedAssertion.objects.count() == 0
    from samspil.identity.tests.providers import read_auto_post_form

    action, fields = read_auto_post_form(page)
    assert action == exchange.acs_path and fields["samspil_resubmitted"] == "1"
    client.cookies["sessionid"] = cookie  # the POST from our own page carries it
    response = client.post(action, fields)

    assert response.status_code == 302
    assert session_user_id(client) == str(User.objects.get(citizen=citizen).pk)


def test_a_resubmitted_post_without_a_session_is_refused(client, citizen_saml, idp):
    idp.answer.attributes = mitid(f.CitizenFactory())
    exchange = saml_to_idp(client, START)
    client.cookies.pop("sessionid")

    response = client.post(exchange.acs_path, {"SAMLResponse": exchange.saml_response, "samspil_resubmitted": "1"})

    assert_refused(response, client, reason=RefusalReason.NO_REQUEST, heading="Vi kunne ikke finde dit log-in")
