"""OpenID Connect (a MitID broker for citizens, Entra ID for staff) against the session's pyop provider over HTTPS:
discovery, authorisation with state, nonce and PKCE, the code exchanged for an ID token checked against the JWKS."""

import logging
from urllib.parse import parse_qs, urlparse

import pytest

from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.citizens import cpr
from samspil.identity.choices import LoginMethod, RefusalReason
from samspil.identity.models import ExternalIdentity, LoginRefusal
from samspil.identity.tests.providers import CLIENT_ID, assert_no_cpr, oidc_log_in, session_user_id
from tests import factories as f

pytestmark = pytest.mark.django_db

CITIZEN_START = "/identitet/mitid/log-ind/"
STAFF_START = "/identitet/medarbejder/log-ind/"
SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/loa/Substantial"


def digits_of(citizen) -> str:
    return cpr.decrypt(citizen.cpr_encrypted)


@pytest.fixture
def watch_logs(caplog):
    caplog.set_level(logging.DEBUG, logger="samspil")
    caplog.set_level(logging.DEBUG, logger="authlib")
    return caplog


def state_keys(client) -> list[str]:
    keys = list(client.session.keys())  # Django's session is not iterable
    return [key for key in keys if key.startswith("_state_")]


def assert_refused(exchange, client, *, reason: str, heading: str, method: str = LoginMethod.MITID_OIDC):
    response = exchange.response
    assert response.status_code == 403
    assert heading in response.content.decode()
    row = LoginRefusal.objects.get()
    assert (row.method, row.reason) == (method, reason)
    assert row.request_id == response["X-Request-Id"]
    assert session_user_id(client) is None


def test_a_citizen_logs_in_through_the_broker(client, citizen_oidc, op, watch_logs):
    citizen = f.CitizenFactory(first_name="Ali")
    op.answer.claims = {"dk.cpr": digits_of(citizen), "loa": SUBSTANTIAL}

    exchange = oidc_log_in(client, f"{CITIZEN_START}?next=/borger/x/", op)

    assert exchange.response.status_code == 302 and exchange.response["Location"] == "/borger/x/"
    user = User.objects.get(citizen=citizen)
    assert user.kind == AccountKind.CITIZEN and user.first_name == "Ali"
    assert session_user_id(client) == str(user.pk)
    assert client.session["samspil_login_method"] == "mitid_oidc"
    assert not state_keys(client)  # state, nonce and PKCE verifier are gone
    authorize = parse_qs(urlparse(exchange.urls[1]).query)
    assert authorize["client_id"] == [CLIENT_ID] and authorize["code_challenge_method"] == ["S256"]
    assert authorize["nonce"] and authorize["state"] and "ssn" in authorize["scope"][0].split()
    assert_no_cpr(digits_of(citizen), client=client, exchange=exchange, caplog=watch_logs)


def test_the_level_may_come_in_acr_alone(client, citizen_oidc, op):
    citizen = f.CitizenFactory()
    op.answer.claims = {"dk.cpr": digits_of(citizen), "acr": SUBSTANTIAL}
    oidc_log_in(client, CITIZEN_START, op)
    assert session_user_id(client) == str(User.objects.get(citizen=citizen).pk)


def test_an_id_token_signed_with_another_key_is_refused(client, citizen_oidc, op, watch_logs):
    citizen = f.CitizenFactory()
    op.answer.claims = {"dk.cpr": digits_of(citizen), "loa": SUBSTANTIAL}
    op.answer.foreign_key = True

    exchange = oidc_log_in(client, CITIZEN_START, op)

    assert_refused(exchange, client, reason=RefusalReason.SIGNATURE, heading="Vi kunne ikke bruge dit log-in")
    assert not User.objects.filter(citizen=citizen).exists()
    assert_no_cpr(digits_of(citizen), client=client, exchange=exchange, caplog=watch_logs)


def test_an_id_token_for_another_client_is_refused(client, citizen_oidc, op):
    citizen = f.CitizenFactory()
    op.answer.claims = {"dk.cpr": digits_of(citizen), "loa": SUBSTANTIAL, "azp": CLIENT_ID}
    op.answer.audience = "another-client"

    exchange = oidc_log_in(client, CITIZEN_START, op)

    assert_refused(exchange, client, reason=RefusalReason.AUDIENCE, heading="Vi kunne ikke bruge dit log-in")


def test_an_unknown_cpr_number_is_refused(client, citizen_oidc, op, watch_logs):
    digits = f.random_cpr()
    op.answer.claims = {"dk.cpr": digits, "loa": SUBSTANTIAL}

    exchange = oidc_log_in(client, CITIZEN_START, op)

    assert_refused(exchange, client, reason=RefusalReason.UNKNOWN_CPR, heading="Vi kunne ikke finde dig i Samspil")
    assert_no_cpr(digits, client=client, exchange=exchange, caplog=watch_logs)


def test_a_low_level_is_refused(client, citizen_oidc, op):
    citizen = f.CitizenFactory()
    op.answer.claims = {"dk.cpr": digits_of(citizen), "loa": "https://data.gov.dk/concept/core/nsis/loa/Low"}

    exchange = oidc_log_in(client, CITIZEN_START, op)

    assert_refused(exchange, client, reason=RefusalReason.ASSURANCE_TOO_LOW, heading="Dit log-in var ikke sikkert nok")
    assert not User.objects.filter(citizen=citizen).exists()


def test_a_missing_cpr_claim_is_refused(client, citizen_oidc, op):
    op.answer.claims = {"loa": SUBSTANTIAL}
    exchange = oidc_log_in(client, CITIZEN_START, op)
    assert_refused(
        exchange, client, reason=RefusalReason.MISSING_ATTRIBUTE, heading="Der mangler oplysninger i dit log-in"
    )


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(client, citizen_oidc, op):
    citizen = f.CitizenFactory()
    op.answer.claims = {"dk.cpr": digits_of(citizen), "loa": SUBSTANTIAL}
    started = client.get(CITIZEN_START)
    import requests

    callback = requests.get(started["Location"], allow_redirects=False, verify=op.ca_file, timeout=10).headers[
        "Location"
    ]
    from django.test import Client

    other = Client()  # the code and state reach another browser (a stolen or injected code)
    response = other.get(f"{urlparse(callback).path}?{urlparse(callback).query}")

    assert response.status_code == 403
    assert LoginRefusal.objects.get().reason == RefusalReason.NO_REQUEST
    assert session_user_id(other) is None


def test_an_error_from_the_provider_is_refused(client, citizen_oidc, op):
    client.get(CITIZEN_START)
    state = state_keys(client)[0].rsplit("_", 1)[-1]

    response = client.get(f"/identitet/mitid/oidc/callback/?error=access_denied&state={state}")

    assert response.status_code == 403
    assert "Du er ikke blevet logget ind" in response.content.decode()
    assert LoginRefusal.objects.get().reason == RefusalReason.IDP_ERROR


def test_an_unreachable_provider_is_a_danish_page(client, citizen_oidc, settings):
    settings.SAMSPIL_MITID_OIDC = {
        **settings.SAMSPIL_MITID_OIDC,
        "discovery_url": "https://127.0.0.1:9/.well-known/openid-configuration",
    }
    response = client.get(CITIZEN_START)
    assert response.status_code == 403
    assert "Log-in kan ikke nås lige nu" in response.content.decode()
    assert LoginRefusal.objects.get().reason == RefusalReason.IDP_UNAVAILABLE


# --- staff through Entra ID -------------------------------------------------------------------------------------


def test_a_staff_member_logs_in_by_oid(client, staff_oidc, op, world):
    ExternalIdentity.objects.create(user=world.colleague, issuer=op.base, subject="entra-oid-1")
    op.answer.claims = {"oid": "entra-oid-1", "email": world.coordinator.email}

    exchange = oidc_log_in(client, STAFF_START, op)

    assert exchange.response.status_code == 302 and exchange.response["Location"] == "/"
    assert session_user_id(client) == str(world.colleague.pk)
    assert client.session["samspil_login_method"] == "staff_oidc"
    assert client.get("/forloeb/").status_code == 200


def test_an_unknown_staff_oid_is_refused(client, staff_oidc, op, world):
    op.answer.claims = {"oid": "nobody-here", "email": world.coordinator.email}

    exchange = oidc_log_in(client, STAFF_START, op)

    assert_refused(
        exchange,
        client,
        reason=RefusalReason.UNKNOWN_STAFF_SUBJECT,
        heading="Din konto er ikke sat op til dette log-in",
        method=LoginMethod.STAFF_OIDC,
    )
    row = LoginRefusal.objects.get()
    assert (row.issuer, row.subject) == (op.base, "nobody-here")
