"""The management overview: numbers for leaders, never names or case content."""

import pytest
from django.urls import reverse

from samspil.audit.models import AccessLogEntry
from samspil.organisations import selectors
from samspil.pathways.choices import PathwayStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/ledelse/"


def test_leader_sees_counts_for_the_department_and_no_names(client, world):
    f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=world.programme,
        status=PathwayStatus.CLOSED,
    )
    f.PathwayFactory(coordinator=world.stranger)  # another municipality: not counted
    client.force_login(world.head)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert world.children.name in content and world.programme.name in content
    assert world.citizen.full_name not in content and world.citizen.cpr_masked not in content
    assert world.coordinator.get_full_name() not in content
    [figures] = response.context["figures"]
    assert figures.open_total == 1
    assert figures.team_places == 2  # the coordinator's and the colleague's places; the jobworker is in jobs
    assert {(row["status"], row["n"]) for row in figures.by_programme_and_status} == {
        (PathwayStatus.ACTIVE, 1),
        (PathwayStatus.CLOSED, 1),
    }
    assert not AccessLogEntry.objects.exists()  # no citizen data was read


def test_caseworkers_and_anonymous_do_not_get_the_overview(client, world):
    assert client.get(URL)["Location"].startswith("/konto/log-ind/")
    client.force_login(world.coordinator)
    assert client.get(URL).status_code == 404
    assert selectors.department_figures(actor=world.coordinator) == []


def test_url_is_the_contract():
    assert reverse("organisations:leadership") == URL
