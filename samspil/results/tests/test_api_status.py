"""The REST API of where the citizen stands: read and record a pathway's status entries."""

import pytest
from django.urls import reverse

from samspil.audit.models import AccessLogEntry
from samspil.results.choices import EducationEmployment
from samspil.results.models import StatusEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(pathway):
    return reverse("api:status_entries", args=[pathway.public_id])


def test_record_and_list_through_the_api(world, client):
    client.force_login(world.colleague)
    response = client.post(
        url(world.pathway),
        {"occasion": "other", "education_employment": "benefit", "benefit": "social_assistance", "note": "API"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["education_employment"] == "benefit" and body["citizen"] == str(world.citizen.public_id)
    assert StatusEntry.objects.get().recorded_by == world.colleague
    response = client.get(url(world.pathway))
    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["benefit"] == "social_assistance" and "id" in entry and "pk" not in entry
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert [(row.citizen_id, row.shown) for row in rows] == [(world.citizen.pk, "api.status")]


def test_invalid_input_is_a_danish_422_and_saves_nothing(world, client):
    client.force_login(world.coordinator)
    response = client.post(
        url(world.pathway), {"occasion": "other", "education_employment": "benefit"}, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert "benefit" in error["fields"]
    assert error["fields"]["benefit"]  # the service's message (Danish once the catalogue is compiled)
    response = client.post(url(world.pathway), {"occasion": "other"}, content_type="application/json")
    assert response.status_code == 422 and "education_employment" in response.json()["error"]["fields"]
    other = f.CitizenFactory(municipality=world.municipality)
    response = client.post(
        url(world.pathway),
        {"occasion": "other", "education_employment": "none", "citizen": str(other.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 422 and "citizen" in response.json()["error"]["fields"]
    assert not StatusEntry.objects.exists()


def test_scope_reading_and_recording(world, client):
    client.force_login(world.outsider)
    assert client.get(url(world.pathway)).status_code == 404
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    assert client.get(url(world.pathway)).status_code == 200
    response = client.post(
        url(world.pathway), {"occasion": "other", "education_employment": "none"}, content_type="application/json"
    )
    assert response.status_code == 403 and not StatusEntry.objects.exists()
    client.logout()
    assert client.get(url(world.pathway)).status_code in (401, 403)


def test_the_schema_still_generates(world, client):
    client.force_login(world.coordinator)
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "borgerstatus" in response.content.decode()
    assert EducationEmployment.SUBSIDISED_EMPLOYMENT.value in response.content.decode()
