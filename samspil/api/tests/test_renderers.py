"""The API answers JSON to everyone: a browser (`Accept: text/html`) and `?format=api` got a 500 (issue 8)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def staff_client(world):
    client = Client(raise_request_exception=True)  # a 500 fails the test with its traceback
    client.force_login(world.coordinator)
    return client


@pytest.mark.parametrize("accept", ["text/html", BROWSER_ACCEPT, "application/xml", "application/json"])
@pytest.mark.parametrize("name", ["api:pathways", "api:root"])
def test_every_accept_header_gets_json(staff_client, world, accept, name):
    response = staff_client.get(reverse(name), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_the_pathway_detail_answers_a_browser_in_json(staff_client, world):
    response = staff_client.get(reverse("api:pathway", args=[world.pathway.public_id]), HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response.json()["id"] == str(world.pathway.public_id)


@pytest.mark.parametrize("fmt", ["api", "json", "html", "nonsense"])
def test_the_format_parameter_never_leaves_json(staff_client, fmt):
    response = staff_client.get(reverse("api:pathways"), {"format": fmt}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "results" in response.json()


def test_errors_for_a_browser_are_json_too(world):
    response = Client().get(reverse("api:pathways"), HTTP_ACCEPT="text/html")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_schema_still_offers_yaml_and_json(staff_client):
    assert b"openapi:" in staff_client.get(reverse("api:schema")).content
    as_json = staff_client.get(reverse("api:schema"), {"format": "json"})
    assert as_json.status_code == 200 and "openapi" in as_json.json()
