"""Password log-in: staff only; demo accounts only in demo mode; citizens never (they will use MitID)."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def log_in(client, username, password=f.PASSWORD):
    return client.post("/konto/log-ind/", {"username": username, "password": password})


@pytest.fixture
def demo_user(world):
    user = f.make_staff(world.children, username="demo-koordinator", is_demo_account=True)
    user.set_password("demo")
    user.save()
    return user


def test_tests_run_with_demo_mode_off(settings):
    assert settings.DEMO_MODE is False and settings.DEBUG is False


def test_staff_logs_in_and_lands_on_my_pathways(client, world):
    response = log_in(client, world.coordinator.username)
    assert response.status_code == 302 and response["Location"] == "/"  # the front page sends on by role
    assert client.get("/")["Location"] == "/forloeb/"  # a coordinator: their pathways


def test_wrong_password_shows_the_form_again(client, world):
    response = log_in(client, world.coordinator.username, "forkert")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_demo_account_is_refused_when_demo_mode_is_off(client, demo_user, settings):
    settings.DEMO_MODE = False
    assert authenticate(username="demo-koordinator", password="demo") is None
    response = log_in(client, "demo-koordinator", "demo")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert response.context["demo_users"] == []  # and the page does not offer the demo users


def test_demo_account_logs_in_in_demo_mode(client, demo_user, settings):
    settings.DEMO_MODE = True
    assert authenticate(username="demo-koordinator", password="demo") == demo_user
    assert "demo-koordinator" in {name for name, _ in client.get("/konto/log-ind/").context["demo_users"]}
    response = log_in(client, "demo-koordinator", "demo")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(demo_user.pk)


def test_citizen_account_never_logs_in_with_a_password(client, world, settings):
    settings.DEMO_MODE = True
    account = f.CitizenAccountFactory(municipality=world.municipality)
    assert authenticate(username=account.username, password=f.PASSWORD) is None
    response = log_in(client, account.username)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_inactive_staff_cannot_log_in(world):
    world.coordinator.is_active = False
    world.coordinator.save()
    assert authenticate(username=world.coordinator.username, password=f.PASSWORD) is None


def test_logout_is_post_only(client, world):
    client.force_login(world.coordinator)
    assert client.get("/konto/log-ud/").status_code == 405
    response = client.post("/konto/log-ud/")
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/"
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_user_name_even_for_the_right_password(client, world, settings):
    settings.SAMSPIL_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert log_in(client, world.coordinator.username, "forkert").status_code == 200
    response = log_in(client, world.coordinator.username)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "locked" in {error.code for error in response.context["form"].non_field_errors().as_data()}


def test_the_log_in_page_lists_every_demo_staff_user_with_a_description(client, settings):
    settings.DEMO_MODE = True
    response = client.get("/konto/log-ind/")
    listed = dict(response.context["demo_users"])
    expected = {
        "demo-koordinator",
        "demo-fagperson",
        "demo-udenfor",
        "demo-leder",
        "demo-controller",
        "demo-projektleder",
        "demo-admin",
        "demo-vaerested",
    }
    assert set(listed) == expected  # README's demo users, the controller, project leader and drop-in staff included
    assert all(str(description) for description in listed.values())
    assert f"<code>demo-controller</code> – {listed['demo-controller']}" in response.content.decode()


# --- the session's user: one query, with the current roles ----------------------------------------------------


def session_user(user_id):
    from samspil.accounts.backends import SamspilBackend

    return SamspilBackend().get_user(user_id)


def test_the_session_user_comes_with_municipality_and_roles_in_one_query(world, django_assert_num_queries):
    from samspil.access import policy

    with django_assert_num_queries(1):
        user = session_user(world.coordinator.pk)
        assert user.municipality == world.municipality
        assert policy.can_do_case_work(user) and not policy.can_see_aggregates(user)
    assert user == world.coordinator


def test_users_asked_in_turn_each_get_their_own_roles(world):
    """The query is compiled once and kept: every user still gets their own row and roles, and a role that ends
    counts from the next request."""
    from django.db import connections

    from samspil.access import policy
    from samspil.core import db
    from samspil.organisations.models import Membership

    for _ in range(2):
        head, coordinator = session_user(world.head.pk), session_user(world.coordinator.pk)
        kept_queries = connections["default"].__dict__["_samspil_precompiled"]
        kept = [entry for key, entry in kept_queries.items() if key[0] == "session_user"]
        assert kept and all(entry[1] is not db._UNCACHED for entry in kept)  # compiled once, kept
        assert (head, coordinator) == (world.head, world.coordinator)
        assert policy.can_see_aggregates(head) and not policy.can_do_case_work(head)
        assert policy.can_do_case_work(coordinator) and not policy.can_see_aggregates(coordinator)
    stranger = session_user(world.stranger.pk)
    assert stranger.municipality == world.other_municipality
    today = timezone.localdate()
    ended = {"active_from": today - datetime.timedelta(days=30), "active_to": today - datetime.timedelta(days=1)}
    Membership.objects.filter(user=world.coordinator).update(**ended)
    assert not policy.can_do_case_work(session_user(world.coordinator.pk))
    assert session_user(world.coordinator.pk + 10_000) is None


def test_a_citizen_account_has_no_roles(world):
    from samspil.access import policy

    account = session_user(f.CitizenAccountFactory(municipality=world.municipality).pk)
    assert account is not None and account._samspil_roles == set()  # read with the user: none
    assert policy._current_roles(account) == set()


def test_the_async_session_user_is_the_same_user_by_the_same_rule(world):
    """`request.auser()` asks `aget_user`: a citizen's session holds (ModelBackend's own would refuse it as a
    password log-in), with the roles read in the same query."""
    from asgiref.sync import async_to_sync

    from samspil.accounts.backends import SamspilBackend

    citizen = f.CitizenAccountFactory(municipality=world.municipality)
    assert async_to_sync(SamspilBackend().aget_user)(citizen.pk) == citizen
    coordinator = async_to_sync(SamspilBackend().aget_user)(world.coordinator.pk)
    assert coordinator == world.coordinator and coordinator._samspil_roles
