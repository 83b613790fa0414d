"""The 404 page a demo audience sees: the site's own Danish page, never Django's technical debug page."""

import uuid

import pytest

pytestmark = pytest.mark.django_db

TECHNICAL_PAGE = "You’re seeing this error because you have"  # Django's debug 404 says this


@pytest.fixture
def demo_mode(settings):
    settings.DEBUG = True
    settings.DEMO_MODE = True


def test_an_unknown_address_in_demo_mode_shows_the_danish_404_page(client, demo_mode):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Siden blev ikke fundet" in page
    assert TECHNICAL_PAGE not in page and "URLconf" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]  # still a page of the site


def test_a_view_raising_404_in_demo_mode_shows_the_danish_404_page(client, demo_mode, world):
    client.force_login(world.outsider)
    response = client.get(f"/forloeb/{uuid.uuid4()}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Siden blev ikke fundet" in page and TECHNICAL_PAGE not in page
    assert world.outsider.get_full_name() in page  # rendered with the request: the menu knows who is logged in


def test_a_missing_slash_is_still_added_in_demo_mode(client, demo_mode):
    response = client.get("/forloeb")
    assert response.status_code == 301 and response["Location"] == "/forloeb/"


def test_developers_without_demo_mode_keep_the_technical_page(client, settings):
    settings.DEBUG = True
    settings.DEMO_MODE = False
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert TECHNICAL_PAGE in response.content.decode()


def test_production_shows_the_danish_404_page(client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.content.decode()
