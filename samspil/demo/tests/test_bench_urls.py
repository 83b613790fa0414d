"""The floor view is the benchmark's only: not mounted unless SAMSPIL_BENCH is on."""

import importlib

import pytest
from django.urls import clear_url_caches

from samspil.config import urls as root_urls
from tests import factories as f


def _reload_urls():
    clear_url_caches()
    importlib.reload(root_urls)


@pytest.fixture
def bench_on(settings):
    settings.SAMSPIL_BENCH = True
    _reload_urls()
    yield
    settings.SAMSPIL_BENCH = False
    _reload_urls()  # every later test sees the production URLs again


@pytest.fixture
def member(db):
    membership = f.MembershipFactory()
    return membership.user


def test_the_floor_is_not_mounted_by_default(client, member, settings):
    assert settings.SAMSPIL_BENCH is False
    _reload_urls()
    client.force_login(member)
    assert client.get("/_bench/gulv/").status_code == 404
    assert client.get("/_bench/side/").status_code == 404
    assert not any("_bench" in str(pattern.pattern) for pattern in root_urls.urlpatterns)


def test_the_floor_reads_the_session_the_user_and_one_row_when_on(
    bench_on, client, member, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(3):  # the session, the user, the membership
        response = client.get("/_bench/gulv/")
    assert response.status_code == 200
    assert response.content.decode().startswith("ok ") and response.content.decode().strip() != "ok 0"
    assert client.get("/_bench/side/").status_code == 200


def test_the_floor_needs_a_log_in(bench_on, client, db):
    response = client.get("/_bench/gulv/")
    assert response.status_code == 302 and "next=" in response["Location"]
    assert client.post("/_bench/gulv/").status_code in (302, 403, 405)
