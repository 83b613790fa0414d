"""The overview's long lists: the first rows, and a link to all of them; the page's cost does not grow with history."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit import context
from samspil.audit.services import event_record
from samspil.pathways import selectors
from samspil.pathways.models import StatusChange
from tests import factories as f

pytestmark = pytest.mark.django_db

MORE = selectors.OVERVIEW_LIST_SIZE + 3


def shown(content: str, word: str) -> int:
    """How many of the rows "<word> 00", "<word> 01", … the page names (a name may appear twice in its row)."""
    return len(set(re.findall(rf"{word} (\d\d)", content)))


def add_history(world, pathway):
    """More than a page's worth of team places (current and former), consents, legal bases, status changes, grants
    and events."""
    today = timezone.localdate()
    for i in range(MORE):
        f.TeamMemberFactory(pathway=pathway, network=True, name=f"Netværk {i:02d}")
        f.TeamMemberFactory(
            pathway=pathway,
            network=True,
            name=f"Tidligere {i:02d}",
            active_from=today - datetime.timedelta(days=30),
            active_to=today - datetime.timedelta(days=1),
        )
        f.ConsentFactory(pathway=pathway, departments=[world.jobs], purpose=f"Formål {i:02d}")
        f.LegalBasisFactory(pathway=pathway, department=world.jobs, reference=f"Lov § {i:02d}")
        StatusChange.objects.create(
            municipality=pathway.municipality,
            pathway=pathway,
            from_status=pathway.status,
            to_status=pathway.status,
            reason=f"Årsag {i:02d}",
            changed_by=world.coordinator,
        )
        f.AccessGrantFactory(pathway=pathway, user=world.outsider, reason=f"Adgang {i:02d}")
    for i in range(selectors.OVERVIEW_TIMELINE_SIZE + 3):
        with context.bound(actor_id=world.coordinator.pk):
            event_record(
                actor=world.coordinator,
                code="team.member_added",
                municipality_id=pathway.municipality_id,
                pathway=pathway,
                data={"name": f"Person {i}", "role": "fagperson"},
            )


def test_the_overview_shows_the_first_rows_of_each_list_and_links_to_all(client, world):
    add_history(world, world.pathway)
    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[world.pathway.public_id])
    content = client.get(url).content.decode()
    size = selectors.OVERVIEW_LIST_SIZE
    assert shown(content, "Netværk") == size
    assert shown(content, "Tidligere") == size
    assert shown(content, "Formål") == size
    assert shown(content, "Lov §") == size
    assert shown(content, "Årsag") == size
    assert shown(content, "Adgang") == size
    for anchor in ("team", "samtykke", "statushistorik", "adgang", "timeline"):
        assert f'href="{url}?vis=alle#{anchor}"' in content

    everything = client.get(url, {"vis": "alle"}).content.decode()
    assert shown(everything, "Netværk") == MORE
    assert shown(everything, "Tidligere") == MORE
    assert shown(everything, "Formål") == MORE
    assert shown(everything, "Lov §") == MORE
    assert shown(everything, "Årsag") == MORE
    assert shown(everything, "Adgang") == MORE
    assert "?vis=alle#" not in everything


def test_short_lists_have_no_link_to_all(client, world):
    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[world.pathway.public_id])
    assert "?vis=alle" not in client.get(url).content.decode()


def test_the_overview_selector_reads_one_more_row_than_it_shows(world):
    add_history(world, world.pathway)
    pathway = selectors.pathway_get(actor=world.coordinator, public_id=world.pathway.public_id)
    overview = selectors.pathway_overview(actor=world.coordinator, pathway=pathway, limit=3, timeline_size=4)
    assert len(overview.status_changes) == 3 and len(overview.consents) == 3 and len(overview.timeline) == 4
    assert len(overview.former_team) == 3 and len(overview.grants) == 3
    assert {"team", "former_team", "consents", "legal_bases", "status_changes", "outside_access", "timeline"} <= set(
        overview.cut
    )
    complete = selectors.pathway_overview(actor=world.coordinator, pathway=pathway, limit=None, timeline_size=500)
    assert len(complete.status_changes) > MORE and complete.cut == frozenset()  # and the one of the opening


def test_the_empty_status_form_follows_the_pathways_status_and_version(client, world):
    """The empty forms are rendered once per process per key (`pathways.form_cache`): a changed pathway gets its own."""
    from samspil.pathways import services
    from samspil.pathways.choices import PathwayStatus

    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[world.pathway.public_id])
    before = client.get(url).content.decode()
    assert f'name="status-version" value="{world.pathway.version}"' in before
    assert f'<option value="{PathwayStatus.PAUSED}">' in before
    services.pathway_change_status(
        actor=world.coordinator,
        pathway=world.pathway,
        to_status=PathwayStatus.PAUSED,
        reason="Pause",
        expected_version=world.pathway.version,
    )
    world.pathway.refresh_from_db()
    after = client.get(url).content.decode()
    assert f'name="status-version" value="{world.pathway.version}"' in after
    assert f'<option value="{PathwayStatus.PAUSED}">' not in after
