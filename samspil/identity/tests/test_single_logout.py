"""Single logout against the session's pysaml2 IdP: from the log-out button (SP-initiated) and from the provider
(IdP-initiated LogoutRequest), both signed by the HTTP-Redirect binding."""

import html
import re
from urllib.parse import urlparse

import pytest
import requests
from django.contrib.messages import get_messages

from samspil.citizens import cpr
from samspil.identity.choices import Side
from samspil.identity.models import ExternalIdentity
from samspil.identity.tests.providers import CPR_ATTRIBUTE, LOA_ATTRIBUTE, saml_log_in, session_user_id
from tests import factories as f

pytestmark = pytest.mark.django_db

_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0;url=([^"]+)">')


def log_in_citizen(client, idp):
    citizen = f.CitizenFactory()
    idp.answer.attributes = {CPR_ATTRIBUTE: [cpr.decrypt(citizen.cpr_encrypted)], LOA_ATTRIBUTE: ["Substantial"]}
    saml_log_in(client, "/identitet/mitid/log-ind/")
    assert session_user_id(client) is not None
    return citizen


def local(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.path}?{parsed.query}"


def test_the_log_out_button_logs_out_at_the_provider_too(client, citizen_saml, idp):
    log_in_citizen(client, idp)
    name_id = client.session["samspil_saml"]["name_id"]
    session_index = client.session["samspil_saml"]["session_index"]

    page = client.post("/konto/log-ud/")

    assert page.status_code == 200  # a page that forwards: the CSP's form-action would stop a redirect after a POST
    assert session_user_id(client) is None
    to_idp = html.unescape(_REFRESH.search(page.content.decode()).group(1))
    assert to_idp.startswith(f"{idp.base}/slo?SAMLRequest=") and "Signature=" in to_idp
    assert "Fortsæt med at logge ud af MitID" in page.content.decode()

    back = requests.get(to_idp, allow_redirects=False, timeout=10)  # the IdP checks the signature and answers
    assert back.status_code == 302, back.text
    request = idp.logout_requests[-1]
    assert request.name_id.text in name_id
    assert [index.text for index in request.session_index] == [session_index]

    done = client.get(local(back.headers["Location"]))

    assert done.status_code == 302 and done["Location"] == "/borger/log-ind/"
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["Du er logget ud."]
    assert "samspil_saml_logout" not in client.session


def test_the_provider_logs_the_person_out(client, citizen_saml, idp):
    log_in_citizen(client, idp)
    saml = client.session["samspil_saml"]
    url = idp.logout_request_url(Side.CITIZEN, name_id="persistent-id-1", session_index=saml["session_index"])

    answer = client.get(local(url))

    assert session_user_id(client) is None
    assert answer.status_code == 302 and answer["Location"].startswith(f"{idp.base}/slo?SAMLResponse=")
    assert "Signature=" in answer["Location"]
    assert requests.get(answer["Location"], timeout=10).status_code == 200  # the IdP verified our answer
    assert idp.logout_responses[-1].status_ok()


def test_an_unsigned_logout_request_is_refused(client, citizen_saml, idp):
    log_in_citizen(client, idp)
    saml = client.session["samspil_saml"]
    url = idp.logout_request_url(
        Side.CITIZEN, name_id="persistent-id-1", session_index=saml["session_index"], sign=False
    )

    response = client.get(local(url))

    assert response.status_code == 400
    assert "Log-ud-beskeden kunne ikke bruges." in response.content.decode()
    assert session_user_id(client) is not None


def test_a_tampered_logout_request_signature_is_refused(client, citizen_saml, idp):
    log_in_citizen(client, idp)
    saml = client.session["samspil_saml"]
    url = idp.logout_request_url(Side.CITIZEN, name_id="persistent-id-1", session_index=saml["session_index"])
    tampered = re.sub(r"Signature=([^&]{8})", lambda m: "Signature=" + m.group(1)[::-1], url)

    response = client.get(local(tampered))

    assert response.status_code == 400
    assert session_user_id(client) is not None


def test_a_logout_request_for_someone_else_leaves_this_session(client, citizen_saml, idp):
    log_in_citizen(client, idp)
    url = idp.logout_request_url(Side.CITIZEN, name_id="another-person", session_index="x")

    response = client.get(local(url))

    assert response.status_code == 302  # answered, as the protocol wants
    assert session_user_id(client) is not None


def test_a_staff_saml_session_logs_out_at_the_provider(client, staff_saml, idp, world):
    ExternalIdentity.objects.create(user=world.coordinator, issuer=idp.entity_id, subject="staff-1")
    idp.answer.name_id = "staff-1"
    saml_log_in(client, "/identitet/medarbejder/log-ind/")
    assert session_user_id(client) == str(world.coordinator.pk)

    page = client.post("/konto/log-ud/")
    to_idp = html.unescape(_REFRESH.search(page.content.decode()).group(1))
    back = requests.get(to_idp, allow_redirects=False, timeout=10)
    done = client.get(local(back.headers["Location"]))

    assert session_user_id(client) is None
    assert done["Location"] == "/konto/log-ind/"


def test_other_sessions_log_out_as_before(client, world):
    client.force_login(world.coordinator)
    response = client.post("/konto/log-ud/")
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/"
    assert session_user_id(client) is None


def test_a_citizen_without_a_saml_session_goes_to_the_portal_log_in(client):
    client.force_login(f.portal_account(f.CitizenFactory()))
    response = client.post("/konto/log-ud/")
    assert response.status_code == 302 and response["Location"] == "/borger/log-ind/"
    assert session_user_id(client) is None


def test_a_posted_logout_request_without_the_cookie_is_posted_again_from_this_site(client, citizen_saml, idp):
    log_in_citizen(client, idp)
    cookie = client.cookies.pop("sessionid")

    page = client.post("/identitet/mitid/saml/slo/", {"SAMLRequest": "PHNhbWxwOkxvZ291dFJlcXVlc3Q+", "RelayState": "r"})

    assert page.status_code == 200
    from samspil.identity.tests.providers import read_auto_post_form

    action, fields = read_auto_post_form(page.content.decode())
    assert action == "/identitet/mitid/saml/slo/"
    expected = {"SAMLRequest": "PHNhbWxwOkxvZ291dFJlcXVlc3Q+", "RelayState": "r", "samspil_resubmitted": "1"}
    assert expected.items() <= fields.items()
    client.cookies["sessionid"] = cookie
    assert session_user_id(client) is not None  # nothing happened to the session yet
