"""SAMSPIL_PASSWORD_LOGIN off: no password form, every password refused (the admin's log-in too); and the start-up
check that production does not run password log-in without TOTP (issue 9, part 2)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from tests import factories as f

pytestmark = pytest.mark.django_db

REFUSED = "Log-ind med brugernavn og adgangskode er slået fra. Log ind med kommunens log-in i stedet."


@pytest.fixture
def passwords_off(settings):
    settings.SAMSPIL_PASSWORD_LOGIN = False


def test_the_log_in_page_has_no_password_form_when_it_is_off(client, passwords_off, settings):
    settings.DEMO_MODE = True  # nor the demo users' passwords
    response = client.get("/konto/log-ind/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="password"' not in html and 'name="username"' not in html
    assert "Log ind med kommunens log-in." in html
    assert "demo-koordinator" not in html


def test_a_password_post_is_refused_when_it_is_off(client, world, passwords_off):
    response = client.post("/konto/log-ind/", {"username": world.coordinator.username, "password": f.PASSWORD})
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_log_in_refuses_passwords_when_it_is_off(client, world, passwords_off):
    admin = f.make_staff(world.children, is_staff=True)
    response = client.post("/admin/login/", {"username": admin.username, "password": f.PASSWORD})
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_refused_password_is_not_counted_against_the_user(client, world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 1
    settings.SAMSPIL_PASSWORD_LOGIN = False
    client.post("/konto/log-ind/", {"username": world.coordinator.username, "password": f.PASSWORD})
    settings.SAMSPIL_PASSWORD_LOGIN = True
    response = client.post("/konto/log-ind/", {"username": world.coordinator.username, "password": f.PASSWORD})
    assert response.status_code == 302


def test_the_password_form_is_there_by_default(client):
    html = client.get("/konto/log-ind/").content.decode()
    assert 'type="password"' in html and "slået fra" not in html


def test_the_refusal_is_the_same_for_every_user_name(client, world, passwords_off):
    # The refusal is the same for every name: it does not tell whether the account exists.
    known = client.post("/konto/log-ind/", {"username": world.coordinator.username, "password": "x"})
    unknown = client.post("/konto/log-ind/", {"username": "findes-ikke", "password": "x"})
    assert known.status_code == unknown.status_code == 403
    assert REFUSED in known.content.decode() and REFUSED in unknown.content.decode()


# --- start-up ----------------------------------------------------------------------------------------------------


def start(**env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh process, as a start-up does (the test keys come from conftest's environment)."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samspil.config.settings",
        "DJANGO_DEBUG": "0",
        **env,
    }
    for name in ("SAMSPIL_PASSWORD_LOGIN", "SAMSPIL_REQUIRE_TOTP"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SAMSPIL_REQUIRE_TOTP)",
        ],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_totp_by_default():
    started = start()
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip() == "True"


def test_production_refuses_password_log_in_without_totp():
    started = start(SAMSPIL_REQUIRE_TOTP="0")
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "SAMSPIL_REQUIRE_TOTP is off while SAMSPIL_PASSWORD_LOGIN is on" in started.stderr


def test_production_without_password_log_in_needs_no_totp():
    started = start(SAMSPIL_PASSWORD_LOGIN="0", SAMSPIL_REQUIRE_TOTP="0")
    assert started.returncode == 0, started.stderr[-2000:]


def test_development_does_not_require_totp_by_default():
    started = start(DJANGO_DEBUG="1")
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip() == "False"
