"""The log-in throttle: one counter per normalised user name, one per client address (issue 8, security test)."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from samspil.accounts.models import User
from samspil.accounts.usernames import client_address, normalise_username
from tests import factories as f

pytestmark = pytest.mark.django_db


def log_in(client, username, password=f.PASSWORD, address="127.0.0.1", **extra):
    return client.post("/konto/log-ind/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def error_codes(response):
    return {error.code for error in response.context["form"].non_field_errors().as_data()}


@pytest.fixture
def demo(world):
    return f.make_staff(world.children, username="demo")


@pytest.mark.parametrize("spelling", ["ｄｅｍｏ", "DEMO", "Demo ", " dEmO", "ＤＥＭＯ"])
def test_equivalent_spellings_normalise_to_the_stored_name(spelling):
    assert normalise_username(spelling) == "demo"


def test_ligatures_normalise_to_their_letters():
    assert normalise_username("ﬁn") == "fin" and normalise_username("ﬀ") == "ff"


@pytest.mark.parametrize("spelling", ["ｄｅｍｏ", "DEMO", "Demo"])
def test_an_equivalent_spelling_logs_in_to_the_same_account(client, demo, spelling):
    response = log_in(client, spelling)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(demo.pk)


def test_equivalent_spellings_share_one_failure_counter(client, demo, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 3
    # Each from its own address, so only the user-name counter can be what locks.
    for n, spelling in enumerate(["ｄｅｍｏ", "DEMO", "Demo "]):
        assert log_in(client, spelling, "forkert", address=f"10.0.0.{n}").status_code == 200
    response = log_in(client, "demo", address="10.0.0.9")
    assert "_auth_user_id" not in client.session
    assert "locked" in error_codes(response)


def test_ligature_spellings_share_the_counter(client, world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 2
    user = f.make_staff(world.children, username="fine")
    assert user.username == "fine"
    log_in(client, "ﬁne", "forkert", address="10.0.1.1")
    log_in(client, "FINE", "forkert", address="10.0.1.2")
    response = log_in(client, "fine", address="10.0.1.3")
    assert "_auth_user_id" not in client.session and "locked" in error_codes(response)


def test_the_lock_message_is_danish(client, demo, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 1
    log_in(client, "demo", "forkert")
    response = log_in(client, "demo")
    assert "locked" in error_codes(response)
    assert "For mange mislykkede forsøg. Vent 15 minutter, og prøv igen." in response.content.decode()


def test_one_address_trying_many_user_names_is_locked(client, world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    staff = [f.make_staff(world.children) for _ in range(6)]
    for user in staff[:3]:  # password spraying: one guess per account
        assert "locked" not in error_codes(log_in(client, user.username, "Sommer2026!", address="192.0.2.7"))
    # The fourth failure reaches the limit and already says so.
    assert "locked" in error_codes(log_in(client, staff[3].username, "Sommer2026!", address="192.0.2.7"))
    # The address is now locked, even for an account it has not tried, and even with the right password.
    response = log_in(client, staff[5].username, address="192.0.2.7")
    assert "_auth_user_id" not in client.session and "locked" in error_codes(response)
    # Another address is not.
    assert log_in(client, staff[5].username, address="192.0.2.8").status_code == 302


def test_a_successful_log_in_clears_the_user_name_counter_but_not_the_address_counter(client, world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 3
    settings.SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    mine, other = f.make_staff(world.children), f.make_staff(world.children)
    log_in(client, other.username, "forkert", address="192.0.2.1")
    log_in(client, other.username, "forkert", address="192.0.2.1")
    # Logging in to one's own account does not reset the address's failures.
    assert log_in(client, mine.username, address="192.0.2.1").status_code == 302
    client.logout()
    assert "locked" in error_codes(log_in(client, other.username, "forkert", address="192.0.2.1"))
    assert "locked" in error_codes(log_in(client, mine.username, address="192.0.2.1"))


def test_the_admin_log_in_is_throttled_too(client, world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 2
    admin = f.make_staff(world.children, is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": admin.username, "password": "forkert"})
    client.post("/admin/login/", {"username": admin.username, "password": f.PASSWORD})
    assert "_auth_user_id" not in client.session


def test_authenticate_without_a_request_still_counts_the_user_name(world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        assert authenticate(username=world.coordinator.username, password="forkert") is None
    assert authenticate(username=world.coordinator.username, password=f.PASSWORD) is None


# --- the client address behind proxies ------------------------------------------------------------------------


def request_with(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/konto/log-ind/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.SAMSPIL_TRUSTED_PROXIES = 0
    assert client_address(request_with("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_with_one_proxy_the_client_is_the_last_forwarded_address(settings):
    settings.SAMSPIL_TRUSTED_PROXIES = 1
    # The client forged the first entry; the proxy appended the address it really saw.
    assert client_address(request_with("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_with_two_proxies_the_client_is_second_from_the_right(settings):
    settings.SAMSPIL_TRUSTED_PROXIES = 2
    assert client_address(request_with("10.0.0.3", "1.2.3.4, 198.51.100.1, 10.0.0.2")) == "198.51.100.1"


def test_a_short_forwarded_header_falls_back_to_the_remote_address(settings):
    settings.SAMSPIL_TRUSTED_PROXIES = 2
    assert client_address(request_with("10.0.0.3", "198.51.100.1")) == "10.0.0.3"


def test_behind_a_proxy_each_client_has_its_own_address_counter(client, world, settings):
    settings.SAMSPIL_TRUSTED_PROXIES = 1
    settings.SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS = 2
    user = f.make_staff(world.children)
    for name in ["a", "b"]:
        log_in(client, name, "forkert", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert "locked" in error_codes(
        log_in(client, user.username, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    )
    # Another client behind the same proxy is not locked, whatever it forges on the left.
    response = log_in(client, user.username, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2")
    assert response.status_code == 302


# --- one account per normalised name ----------------------------------------------------------------------------


def test_user_names_are_stored_normalised(world):
    user = f.make_staff(world.children, username="Ｋａｒｉｎ.Hansen")
    user.refresh_from_db()
    assert user.username == "karin.hansen"
    assert User.objects.create_user(username="ＮＹ", password="x" * 12).username == "ny"


def test_a_second_account_whose_name_normalises_equal_is_refused(world, demo):
    twin = User(username="ＤＥＭＯ", municipality=world.municipality)
    twin.set_password(f.PASSWORD)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "username" in refused.value.message_dict


def test_the_user_admin_refuses_a_name_that_normalises_to_an_existing_one(client, world, demo):
    operator = f.StaffUserFactory(municipality=None, is_staff=True, is_superuser=True)
    client.force_login(operator)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "ＤＥＭＯ",
            "password1": "en-lang-adgangskode-1",
            "password2": "en-lang-adgangskode-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200 and "username" in response.context["adminform"].form.errors
    assert User.objects.filter(username="demo").count() == 1
