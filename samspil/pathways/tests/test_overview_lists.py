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
    from samspil.pathways.models import TeamMember

    others = TeamMember.objects.filter(pathway=world.pathway).count()  # the staff places shown before the network
    add_history(world, world.pathway)
    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[world.pathway.public_id])
    content = client.get(url).content.decode()
    size = selectors.OVERVIEW_LIST_SIZE
    assert shown(content, "Netværk") == size - others
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
    """The empty forms are rendered once per process per key (`core.form_cache`): a changed pathway gets its own."""
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


def test_a_cut_team_keeps_the_coordinator_and_staff_and_the_latest_former_places(client, world):
    """External professionals and private network sort before staff by their codes: the cut must not hide the
    coordinator or the municipality's staff, and the former places shown are those that ended last."""
    today = timezone.localdate()
    pathway = world.pathway
    for i in range(MORE):
        f.TeamMemberFactory(pathway=pathway, network=True, name=f"Netværk {i:02d}")
        f.TeamMemberFactory(pathway=pathway, external=True)
        f.TeamMemberFactory(
            pathway=pathway,
            network=True,
            name=f"Tidligere {i:02d}",
            active_from=today - datetime.timedelta(days=400),
            active_to=today - datetime.timedelta(days=100 - i),  # the higher the number, the later it ended
        )
    overview = selectors.pathway_overview(
        actor=world.coordinator, pathway=selectors.pathway_get(actor=world.coordinator, public_id=pathway.public_id)
    )
    assert overview.team[0].user_id == pathway.coordinator_id
    staff = [m for m in overview.team if m.kind == "staff"]
    assert staff and all(m.kind == "staff" for m in overview.team[: len(staff)])
    assert {"team", "former_team"} <= overview.cut
    names = [m.name for m in overview.former_team]
    assert names == [f"Tidligere {i:02d}" for i in range(MORE - 1, MORE - 1 - selectors.OVERVIEW_LIST_SIZE, -1)]
    client.force_login(world.coordinator)
    content = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    assert world.coordinator.get_full_name() in content


def test_a_cut_consent_list_keeps_the_consents_in_force(world):
    """The consent that is the basis of sharing is shown before newer withdrawn or expired ones."""
    pathway = world.pathway
    today = timezone.localdate()
    in_force = f.ConsentFactory(
        pathway=pathway, departments=[world.jobs], purpose="Gældende", given_on=today - datetime.timedelta(days=300)
    )
    for i in range(MORE):
        f.ConsentFactory(
            pathway=pathway,
            departments=[world.jobs],
            purpose=f"Udløbet {i:02d}",
            given_on=today - datetime.timedelta(days=30),
            expires_on=today - datetime.timedelta(days=1),
        )
    pathway = selectors.pathway_get(actor=world.coordinator, public_id=pathway.public_id)
    overview = selectors.pathway_overview(actor=world.coordinator, pathway=pathway)
    consents = overview.consents
    assert "consents" in overview.cut and len(consents) == selectors.OVERVIEW_LIST_SIZE
    assert in_force.pk in [c.pk for c in consents]
    shown_in_force = [c.in_force for c in consents]
    assert shown_in_force == sorted(shown_in_force, reverse=True)  # every one in force before any other


def test_show_all_does_not_link_to_itself_even_past_the_timeline_cap(client, world, monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_TIMELINE_ALL", 3)
    add_history(world, world.pathway)
    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[world.pathway.public_id])
    assert "?vis=alle#" not in client.get(url, {"vis": "alle"}).content.decode()


def test_the_giver_of_a_consent_shown_is_logged_as_read(client, world):
    """A custody holder whose custody has ended is named in the consent table, so the page's read names them."""
    from samspil.access.choices import ConsentGiverRole
    from samspil.audit.models import AccessLogEntry

    former_parent = f.CitizenFactory(municipality=world.municipality, first_name="Tidligere", last_name="Forælder")
    f.ConsentFactory(
        pathway=world.pathway,
        departments=[world.jobs],
        giver=former_parent,
        giver_role=ConsentGiverRole.CUSTODY_HOLDER,
    )
    client.force_login(world.coordinator)
    response = client.get(reverse("pathways:overview", args=[world.pathway.public_id]))
    assert "Tidligere Forælder" in response.content.decode()
    logged = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"], citizen=former_parent)
    assert logged.count() == 1


def test_the_kept_list_queries_read_each_pathway_and_role_its_own_rows(world):
    """The lists' SQL is compiled once and kept (`_first_kept`): a second pathway read on the same connection gets
    its own consents, legal bases, status changes and timeline, and the coordinator-only events stay the
    coordinator's when someone else reads the same pathway next."""
    from django.db import connections

    from samspil.access.models import AccessGrant

    connections["default"].__dict__.pop("_samspil_precompiled", None)
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    add_history(world, world.pathway)
    f.ConsentFactory(pathway=other, departments=[world.jobs], purpose="Andet forløb")
    f.LegalBasisFactory(pathway=other, department=world.jobs, reference="Andet § 1")
    first = selectors.pathway_overview(
        actor=world.coordinator,
        pathway=selectors.pathway_get(actor=world.coordinator, public_id=world.pathway.public_id),
    )
    second = selectors.pathway_overview(
        actor=world.coordinator, pathway=selectors.pathway_get(actor=world.coordinator, public_id=other.public_id)
    )
    assert {c.pathway_id for c in first.consents} == {world.pathway.pk} and "consents" in first.cut
    assert [c.purpose for c in second.consents] == ["Andet forløb"] and "consents" not in second.cut
    assert [b.reference for b in second.legal_bases] == ["Andet § 1"]
    assert all(change.pathway_id == other.pk for change in second.status_changes)
    assert all(event.pathway_id == other.pk for event in second.timeline)
    kept = [key for key in connections["default"].__dict__["_samspil_precompiled"] if key[0] == "overview_list"]
    assert {key[1] for key in kept} >= {"consents", "legal_bases", "status_changes", "timeline"}

    grant = AccessGrant.objects.filter(pathway=world.pathway, user=world.outsider).first()
    with context.bound(actor_id=world.coordinator.pk):
        event_record(
            actor=world.coordinator,
            code="grant.created",
            municipality_id=world.pathway.municipality_id,
            pathway=world.pathway,
            data={"name": "Udefra", "reason": grant.reason},
        )
    as_coordinator = selectors.pathway_overview(
        actor=world.coordinator,
        pathway=selectors.pathway_get(actor=world.coordinator, public_id=world.pathway.public_id),
    )
    as_outsider = selectors.pathway_overview(
        actor=world.outsider, pathway=selectors.pathway_get(actor=world.outsider, public_id=world.pathway.public_id)
    )
    assert "grant.created" in {event.code for event in as_coordinator.timeline}
    assert "grant.created" not in {event.code for event in as_outsider.timeline}
