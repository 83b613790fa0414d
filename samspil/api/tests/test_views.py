"""The API: scoped and logged like the pages, public ids only, JSON errors."""

import pytest
from django.urls import reverse

from samspil.audit.models import AccessLogEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_my_pathways_lists_only_mine_by_public_id(client, world):
    f.PathwayFactory(coordinator=world.outsider, lead_department=world.children)
    client.force_login(world.coordinator)
    response = client.get(reverse("api:pathways"))
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [str(world.pathway.public_id)]
    assert body["results"][0]["subject"] == world.citizen.full_name
    assert body["next"] is None
    assert str(world.pathway.pk) not in {str(value) for value in body["results"][0].values()}
    assert list(
        AccessLogEntry.objects.filter(request_id=response["X-Request-Id"]).values_list("citizen_id", flat=True)
    ) == [world.citizen.pk]


def test_my_pathways_pages_with_a_cursor(client, world, settings):
    settings.SAMSPIL_PAGE_SIZE = 1
    f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    client.force_login(world.coordinator)
    first = client.get(reverse("api:pathways")).json()
    assert len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert first["results"][0]["id"] != second["results"][0]["id"]


def test_pathway_detail_is_logged_once(client, world):
    client.force_login(world.colleague)
    response = client.get(reverse("api:pathway", args=[world.pathway.public_id]))
    assert response.status_code == 200
    assert response.json()["id"] == str(world.pathway.public_id)
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert list(rows.values_list("citizen_id", "shown")) == [(world.citizen.pk, "api.pathway")]


def test_api_errors_are_json(client, world):
    response = client.get(reverse("api:pathways"))
    assert response.status_code == 403
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_schema_is_served(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/forloeb/" in response.content


def test_unknown_api_path_is_a_json_404(client, world):
    client.force_login(world.coordinator)
    response = client.get("/api/v1/findes-ikke/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
