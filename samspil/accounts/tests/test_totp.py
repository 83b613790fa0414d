"""TOTP after a password log-in (issue 9, part 2): enrolment, the code step, the middleware that holds the session
until the code is verified, and the log-in methods that need no code.

The suite runs with TOTP not required (conftest.py); every test here switches it on. Codes are computed from the
device's key with django-otp's own TOTP, on a clock pinned by time-machine.
"""

import base64
import datetime
import logging
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspil.accounts.choices import AccountKind
from samspil.audit.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

# 10:00:05 in a 30-second step: the step lasts until 10:00:30.
MOMENT = datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC)
VERIFY, SETUP = "/konto/totp/", "/konto/totp/opsaet/"


@pytest.fixture(autouse=True)
def totp_required(settings):
    settings.SAMSPIL_REQUIRE_TOTP = True


@pytest.fixture(autouse=True)
def clock():
    """Every test at MOMENT, the world's data included (autouse fixtures come first)."""
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def code(device, *, drift_steps=0) -> str:
    """The code the user's app shows now (or `drift_steps` steps away)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - drift_steps * device.step):06d}"


def wrong(device) -> str:
    return f"{(int(code(device)) + 1) % 1_000_000:06d}"


def log_in(client, user, password=f.PASSWORD, **extra):
    return client.post("/konto/log-ind/", {"username": user.username, "password": password}, **extra)


def confirmed(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Samspil", confirmed=True)


def events(code_):
    return list(AuditEvent.objects.filter(code=code_))


def partner_account(world):
    contact = f.ExternalContactFactory(organisation__municipality=world.municipality)
    return f.StaffUserFactory(kind=AccountKind.PARTNER, external_contact=contact, municipality=world.municipality)


# --- enrolment ---------------------------------------------------------------------------------------------------


def test_a_first_password_log_in_is_taken_through_enrolment(client, world, clock):
    user = world.coordinator
    assert log_in(client, user)["Location"] == "/"
    assert client.session["samspil_login_method"] == "password"
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2F"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sæt totrinsbekræftelse op" in html
    assert '<svg role="img" focusable="false"' in html and "<title>QR-kode til godkendelsesappen</title>" in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed  # it does not count before a code proves it
    typed = re.search(r'<code id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", typed)  # in groups of four for typing
    assert base64.b32decode(typed.replace(" ", "")) == device.bin_key
    assert client.get(SETUP).content.decode().count(typed) == 1  # a reload shows the same key
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(SETUP, {"token": code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/")["Location"] == "/forloeb/"  # through to the coordinator's start page
    assert [e.actor for e in events("account.totp_enrolled")] == [user]
    # Enrolled: the key is never shown again.
    assert client.get(SETUP)["Location"] == "/"


def test_enrolment_refuses_a_wrong_code_and_the_device_does_not_count(client, world, clock):
    log_in(client, world.coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.coordinator)
    response = client.post(SETUP, {"token": wrong(device)})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Koden er forkert eller udløbet." in html
    assert "<title>Fejl: Sæt totrinsbekræftelse op" in html
    assert base64.b32encode(device.bin_key).decode()[:4] in html  # the QR code and key stay on the page
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/forloeb/")["Location"].startswith(SETUP)
    assert [e.actor for e in events("account.totp_failed")] == [world.coordinator]


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456"])
def test_a_code_that_is_not_six_digits_is_refused_on_the_form(client, world, clock, typed):
    log_in(client, world.coordinator)
    confirmed(world.coordinator)
    response = client.post(VERIFY, {"token": typed})
    assert response.status_code == 422
    assert "Indtast den 6-cifrede kode, appen viser" in response.content.decode()
    assert not events("account.totp_failed")  # not a guess at the code: not counted


def test_spaces_in_the_code_are_ignored(client, world, clock):
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    typed = code(device)
    response = client.post(VERIFY, {"token": f" {typed[:3]} {typed[3:]} "})
    assert response.status_code == 302


# --- the code step -------------------------------------------------------------------------------------------------


def test_a_user_with_a_device_enters_the_code_and_reaches_the_page_asked_for(client, world, clock):
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    response = client.get("/forloeb/?side=2")
    assert response["Location"] == f"{VERIFY}?next=%2Fforloeb%2F%3Fside%3D2"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Indtast din kode" in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # no second device while one is confirmed
    session_key = client.session.session_key

    response = client.post(VERIFY, {"token": code(device), "next": "/forloeb/?side=2"})
    assert response.status_code == 302 and response["Location"] == "/forloeb/?side=2"
    assert client.session.session_key != session_key  # a new session key for the stronger log-in
    assert client.get("/forloeb/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"  # nothing more to enter


def test_a_code_from_a_minute_ago_is_refused_as_expired(client, world, clock):
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    response = client.post(VERIFY, {"token": code(device, drift_steps=-2)})
    assert response.status_code == 422
    assert "Koden er forkert eller udløbet." in response.content.decode()
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith(VERIFY)


def test_the_previous_step_is_still_accepted(client, world, clock):
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    assert client.post(VERIFY, {"token": code(device, drift_steps=-1)}).status_code == 302


def test_a_used_code_is_refused_when_replayed(client, world, clock):
    device = confirmed(world.coordinator)
    used = code(device)
    log_in(client, world.coordinator)
    assert client.post(VERIFY, {"token": used}).status_code == 302
    client.post("/konto/log-ud/")

    clock.shift(10)  # the same 30-second step: the app still shows the same code
    log_in(client, world.coordinator)
    response = client.post(VERIFY, {"token": used})
    assert response.status_code == 422
    assert "Koden er allerede brugt." in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)

    clock.shift(30)  # the next step: a new code works
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302


def test_django_otp_makes_the_user_wait_after_a_wrong_code(client, world, clock):
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    client.post(VERIFY, {"token": wrong(device)})
    response = client.post(VERIFY, {"token": code(device)})  # at once, even the right code
    assert response.status_code == 422
    assert "For mange forkerte koder. Vent 1 sekund, og prøv igen." in response.content.decode()
    clock.shift(2)
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302


def test_the_log_in_throttle_locks_the_code_step_and_a_new_password_does_not_unlock_it(
    client, world, clock, settings, clock_cache
):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 3
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    for _ in range(2):
        assert "Koden er forkert" in client.post(VERIFY, {"token": wrong(device)}).content.decode()
        clock.shift(60)  # past django-otp's own back-off
    response = client.post(VERIFY, {"token": wrong(device)})
    assert "For mange mislykkede forsøg. Vent 15 minutter, og prøv igen." in response.content.decode()
    clock.shift(60)
    assert client.post(VERIFY, {"token": code(device)}).status_code == 422  # the right code too

    client.post("/konto/log-ud/")
    log_in(client, world.coordinator)  # the right password clears the password counter only
    assert client.post(VERIFY, {"token": code(device)}).status_code == 422
    clock.shift(15 * 60)
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302
    assert len(events("account.totp_failed")) == 3


# --- the middleware --------------------------------------------------------------------------------------------


BLOCKED = ["/", "/forloeb/", "/forloeb/opgaver/", "/borgere/soeg/", "/konto/sikkerhed/", "/admin/", "/konto/log-ind/"]


@pytest.mark.parametrize("path", BLOCKED)
def test_every_page_sends_an_unverified_password_log_in_to_the_code(client, world, clock, path):
    confirmed(world.coordinator)
    log_in(client, world.coordinator)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(f"{VERIFY}?next=")


def test_a_post_is_not_carried_out_before_the_code(client, world, clock):
    confirmed(world.coordinator)
    log_in(client, world.coordinator)
    response = client.post(reverse("citizens:search"), {"query": "Hansen"})
    assert response.status_code == 302 and response["Location"] == VERIFY  # no `next` for a POST


def test_htmx_requests_get_a_whole_page_redirect(client, world, clock):
    log_in(client, world.coordinator)
    response = client.get("/forloeb/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == SETUP


def test_the_api_answers_json(client, world, clock):
    log_in(client, world.coordinator)
    response = client.get("/api/v1/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"


def test_log_out_health_and_the_language_switch_stay_open(client, world, clock):
    log_in(client, world.coordinator)
    assert client.get("/healthz").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": SETUP})["Location"] == SETUP
    response = client.post("/konto/log-ud/")
    assert response["Location"] == "/konto/log-ind/" and "_auth_user_id" not in client.session


def test_the_admin_log_in_is_followed_by_the_code(client, world, clock):
    admin = f.make_staff(world.children, is_staff=True)
    device = confirmed(admin)
    response = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": f.PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.session["samspil_login_method"] == "password"
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.post(VERIFY, {"token": code(device), "next": "/admin/"})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# --- who is asked ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["staff_saml", "staff_oidc"])
def test_an_identity_provider_log_in_is_not_asked_for_a_code(client, world, method):
    confirmed(world.coordinator)
    client.force_login(world.coordinator)
    session = client.session
    session["samspil_login_method"] = method
    session.save()
    assert client.get("/")["Location"] == "/forloeb/"
    assert client.get("/forloeb/").status_code == 200
    assert client.get(VERIFY)["Location"] == "/"  # nothing to enter


@pytest.mark.parametrize("method", ["mitid_saml", "mitid_oidc", "demo_mitid"])
def test_a_citizen_is_never_asked_for_a_code(client, world, method):
    account = f.portal_account(world.citizen)
    client.force_login(account)
    session = client.session
    session["samspil_login_method"] = method
    session.save()
    # Not held at the code: the staff page answers a citizen's account as it always does.
    assert client.get("/konto/sikkerhed/").status_code == 404
    assert client.get(VERIFY).status_code == 404  # a citizen's account never has a password
    assert client.get(SETUP).status_code == 404


def test_a_staff_session_that_does_not_say_how_it_logged_in_counts_as_a_password(client, world):
    client.force_login(world.coordinator)  # no samspil_login_method: fails closed
    assert client.get("/forloeb/")["Location"].startswith(SETUP)


def test_with_totp_not_required_a_password_is_enough(client, world, settings):
    settings.SAMSPIL_REQUIRE_TOTP = False
    log_in(client, world.coordinator)
    assert client.get("/")["Location"] == "/forloeb/"
    assert client.get(VERIFY)["Location"] == "/"


def test_a_partner_logs_in_with_password_and_code_and_lands_on_the_partner_pages(client, world, clock):
    partner = partner_account(world)
    assert log_in(client, partner)["Location"] == "/"
    assert client.get("/")["Location"] == f"{SETUP}?next=%2F"
    assert client.get(reverse("partners:home"))["Location"].startswith(SETUP)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=partner)
    response = client.post(SETUP, {"token": code(device), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == reverse("partners:home")
    assert [e.actor for e in events("account.totp_enrolled")] == [partner]


# --- seeing it, resetting it -----------------------------------------------------------------------------------


def test_the_user_sees_that_totp_is_set_up(client, world, clock):
    device = confirmed(world.coordinator)
    log_in(client, world.coordinator)
    client.post(VERIFY, {"token": code(device)})
    html = client.get("/konto/sikkerhed/").content.decode()
    assert "Du loggede ind med" in html and "Brugernavn og adgangskode" in html
    assert "Sat op med en godkendelsesapp den" in html and "Senest brugt 02.03.2026 10:00" in html


def test_after_an_identity_provider_the_security_page_says_no_code_is_needed(client, world):
    client.force_login(world.coordinator)
    session = client.session
    session["samspil_login_method"] = "staff_oidc"
    session.save()
    html = client.get("/konto/sikkerhed/").content.decode()
    assert "Kommunens log-in (OpenID Connect)" in html
    assert "Ikke nødvendig: Du logger ind gennem en identitetsudbyder" in html


def test_the_security_page_is_closed_to_citizens(client, world):
    client.force_login(f.portal_account(world.citizen))
    assert client.get("/konto/sikkerhed/").status_code == 404


def test_an_administrator_resets_a_users_totp(client, world, clock):
    user = world.colleague
    device = confirmed(user)
    # The user is logged in and verified in their own browser.
    from django.test import Client

    users_browser = Client()
    log_in(users_browser, user)
    users_browser.post(VERIFY, {"token": code(device)})
    assert users_browser.get("/forloeb/").status_code == 200

    operator = f.StaffUserFactory(municipality=None, is_staff=True, is_superuser=True)
    client.force_login(operator)
    session = client.session
    session["samspil_login_method"] = "staff_oidc"
    session.save()
    listing = client.get("/admin/accounts/user/")
    assert "Nulstil totrinsbekræftelse (mistet telefon)" in listing.content.decode()
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_totp", "_selected_action": [user.pk], "index": 0},
        follow=True,
    )
    assert "Totrinsbekræftelsen er nulstillet for 1 bruger." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    [event] = events("account.totp_reset")
    assert event.actor == operator and event.municipality_id == user.municipality_id
    assert event.text == f"nulstillede totrinsbekræftelsen for {user}"
    # The verified session is asked to set up a new app.
    assert users_browser.get("/forloeb/")["Location"].startswith(SETUP)


def test_the_admin_does_not_show_totp_secrets(client, world):
    operator = f.StaffUserFactory(municipality=None, is_staff=True, is_superuser=True)
    client.force_login(operator)
    session = client.session
    session["samspil_login_method"] = "staff_saml"
    session.save()
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_no_code_or_secret_reaches_the_log(client, world, clock, caplog):
    log_in(client, world.coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.coordinator)
    typed_wrong, right = wrong(device), code(device)
    with caplog.at_level(logging.INFO, logger="samspil.accounts"):
        client.post(SETUP, {"token": typed_wrong})
        clock.shift(2)
        client.post(SETUP, {"token": code(device)})
    text = caplog.text
    assert "totp code refused" in text and "totp enrolled" in text
    secret = base64.b32encode(device.bin_key).decode()
    for value in (typed_wrong, right, device.key, secret, secret[:8]):
        assert value not in text


def test_the_page_header_leads_to_the_security_page(client, world, settings):
    settings.SAMSPIL_REQUIRE_TOTP = False
    client.force_login(world.coordinator)
    html = client.get("/forloeb/").content.decode()
    assert '<a href="/konto/sikkerhed/">' in html and "log-in og sikkerhed" in html
