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
    assert (figures.open_total.value, figures.open_total.hidden) == (1, True)
    # the coordinator's and the colleague's places; the jobworker is in jobs
    assert (figures.team_places.value, figures.team_places.hidden) == (2, True)
    assert "fewer than 5" in content or "færre end 5" in content
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


def test_one_hidden_count_hides_the_next_smallest_so_the_total_cannot_give_it_away(world):
    """Open pathways 3 (hidden) + 6 + 7 = 16 shown: the 6 is hidden too, or 16 - 6 - 7 would reveal the 3."""
    # The world's own pathway is one of the three "few" (same programme, coordinated from the children's department).
    programmes = {
        "few": world.programme,
        "middle": f.ProgrammeFactory(municipality=world.municipality),
        "many": f.ProgrammeFactory(municipality=world.municipality),
    }
    for name, n in {"few": 2, "middle": 6, "many": 7}.items():
        for _ in range(n):
            f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=programmes[name])
    [figures] = [x for x in selectors.department_figures(actor=world.head) if x.department == world.children]
    shown = {row["programme__name"]: row["cell"] for row in figures.by_programme_and_status}
    few, middle, many = (shown[programmes[name].name] for name in ("few", "middle", "many"))
    assert few.value == 3 and few.hidden and middle.hidden and not many.hidden
    assert not figures.open_total.hidden
