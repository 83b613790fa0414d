"""Pathway reads: scoped, and every read of a citizen's data logged exactly once per citizen."""

import datetime
import uuid
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samspil.access import policy
from samspil.audit import context
from samspil.audit.choices import AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.pathways import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


def logged(request_id: str, shown: str | None = None) -> Counter:
    """How many access-log rows each citizen got in the request."""
    rows = AccessLogEntry.objects.filter(request_id=request_id)
    if shown:
        rows = rows.filter(shown=shown)
    return Counter(rows.values_list("citizen_id", flat=True))


def overview_as(actor, pathway):
    """The overview as the page shows it to `actor`; `request_id` names the request, whose read the view logs."""
    client = Client()
    client.force_login(actor)
    response = client.get(reverse("pathways:overview", args=[pathway.public_id]))
    assert response.status_code == 200
    overview = response.context["overview"]
    overview.request_id = response["X-Request-Id"]
    return overview


# --- pathway_get -------------------------------------------------------------------------------------------


def test_pathway_get_is_404_for_missing_and_out_of_scope_alike_and_logs_the_denial(world):
    with pytest.raises(Http404):
        selectors.pathway_get(actor=world.outsider, public_id=uuid.uuid4(), path="/forloeb/x/")
    with pytest.raises(Http404):
        selectors.pathway_get(actor=world.outsider, public_id="not-a-uuid")
    assert not AuditEvent.objects.filter(code="access.denied").exists()  # nothing to link a denial to
    with pytest.raises(Http404):
        selectors.pathway_get(actor=world.outsider, public_id=world.pathway.public_id, path="/forloeb/y/")
    denial = AuditEvent.objects.get(code="access.denied")
    assert (denial.pathway, denial.actor, denial.data) == (world.pathway, world.outsider, {"path": "/forloeb/y/"})


def test_pathway_get_in_another_municipality_is_404_without_linking_the_foreign_pathway(world):
    with pytest.raises(Http404):
        selectors.pathway_get(actor=world.stranger, public_id=world.pathway.public_id)
    assert not AuditEvent.objects.filter(code="access.denied", pathway=world.pathway).exists()


def test_pathway_get_for_a_stronger_action_is_403_for_the_team(world):
    with pytest.raises(PermissionDenied):
        selectors.pathway_get(actor=world.colleague, public_id=world.pathway.public_id, action=policy.MANAGE)
    assert (
        selectors.pathway_get(actor=world.coordinator, public_id=world.pathway.public_id, action=policy.MANAGE)
        == world.pathway
    )


# --- the overview page logs each citizen once (the view's hook, `PathwayMixin`) -------------------------------


def test_overview_of_a_citizen_pathway_logs_one_row(world):
    overview = overview_as(world.colleague, world.pathway)
    assert overview.citizens == [world.citizen]
    assert logged(overview.request_id) == {world.citizen.pk: 1}
    row = AccessLogEntry.objects.get(request_id=overview.request_id)
    assert (row.actor, row.pathway, row.shown, row.purpose, row.via) == (
        world.colleague,
        world.pathway,
        "pathway.overview",
        "coordination",
        AccessVia.SCOPE,
    )


def test_overview_of_a_family_pathway_logs_one_row_per_member(world):
    household = f.make_family(world.municipality, adults=2, children=2)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    overview = overview_as(world.coordinator, pathway)
    members = set(household.memberships.values_list("citizen_id", flat=True))
    assert {c.pk for c in overview.citizens} == members
    assert logged(overview.request_id) == dict.fromkeys(members, 1)  # the adults are members and guardians: once


def test_overview_of_a_minor_logs_the_child_and_each_custody_holder(world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    mother = f.GuardianshipFactory(child=child).guardian
    father = f.GuardianshipFactory(child=child, relation="father").guardian
    former = f.GuardianshipFactory(child=child, valid_to=timezone.localdate() - datetime.timedelta(days=1)).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    overview = overview_as(world.coordinator, pathway)
    assert {g.guardian for g in overview.guardianships} == {mother, father}
    assert logged(overview.request_id) == {child.pk: 1, mother.pk: 1, father.pk: 1}
    assert former.pk not in logged(overview.request_id)


def test_overview_records_the_basis_of_access(world):
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    read = overview_as(world.outsider, world.pathway).request_id
    assert AccessLogEntry.objects.get(request_id=read).via == AccessVia.GRANT
    f.BreakGlassAccessFactory(pathway=world.pathway, user=world.head)
    read = overview_as(world.head, world.pathway).request_id
    assert AccessLogEntry.objects.get(request_id=read).via == AccessVia.BREAK_GLASS


def test_overview_hides_grants_and_break_glass_from_everyone_but_the_coordinator(world):
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    f.BreakGlassAccessFactory(pathway=world.pathway, user=world.head)
    as_coordinator = overview_as(world.coordinator, world.pathway)
    as_colleague = overview_as(world.colleague, world.pathway)
    assert (len(as_coordinator.grants), len(as_coordinator.break_glass)) == (1, 1)
    assert (as_colleague.grants, as_colleague.break_glass) == ([], [])


def test_overview_splits_current_and_former_team(world):
    world.colleague_place.active_to = timezone.localdate() - datetime.timedelta(days=1)
    world.colleague_place.save()
    overview = overview_as(world.coordinator, world.pathway)
    assert world.colleague_place in overview.former_team
    assert world.colleague_place not in overview.team
    assert world.jobworker_place in overview.team


def test_cpr_reveal_logs_one_row_for_that_citizen_and_an_event(world, client):
    client.force_login(world.coordinator)
    response = client.post(reverse("pathways:cpr_reveal", args=[world.pathway.public_id, world.citizen.public_id]))
    assert response.status_code == 200
    assert response.context["cpr_number"] == world.citizen.reveal_cpr()
    reveal = response["X-Request-Id"]
    assert logged(reveal) == {world.citizen.pk: 1}
    assert AccessLogEntry.objects.get(request_id=reveal).shown == "citizen.cpr"
    events = AuditEvent.objects.filter(request_id=reveal, code="citizen.cpr_revealed", pathway=world.pathway)
    assert events.count() == 1


def test_cpr_reveal_of_a_custody_holder_logs_only_the_custody_holder(world, client):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    client.force_login(world.coordinator)
    response = client.post(reverse("pathways:cpr_reveal", args=[pathway.public_id, mother.public_id]))
    assert response.status_code == 200
    assert logged(response["X-Request-Id"]) == {mother.pk: 1}


def test_cpr_reveal_of_someone_not_on_the_pathway_is_404(world):
    pathway = selectors.pathway_get(actor=world.coordinator, public_id=world.pathway.public_id)
    stranger = f.CitizenFactory(municipality=world.municipality)
    with pytest.raises(Http404):
        selectors.pathway_reveal_cpr(actor=world.coordinator, pathway=pathway, citizen_public_id=stranger.public_id)
    assert not AccessLogEntry.objects.filter(shown="citizen.cpr").exists()


def test_access_log_reading_is_itself_logged(world, client):
    overview_as(world.colleague, world.pathway)
    pathway = selectors.pathway_get(actor=world.coordinator, public_id=world.pathway.public_id, action=policy.MANAGE)
    entries = selectors.pathway_access_log(actor=world.coordinator, pathway=pathway).entries
    assert [(e.actor, e.shown) for e in entries] == [(world.colleague, "pathway.overview")]
    client.force_login(world.coordinator)
    review = client.get(reverse("pathways:access_log", args=[world.pathway.public_id]))["X-Request-Id"]
    row = AccessLogEntry.objects.get(request_id=review)
    assert (row.shown, row.purpose, row.citizen) == ("pathway.access_log", "access_review", world.citizen)


# --- "Mine forløb" -----------------------------------------------------------------------------------------


def list_page(actor, cursor="", page_size=3, request_id="list"):
    with context.bound(actor_id=actor.pk, request_id=request_id):
        return selectors.pathway_list_mine(actor=actor, cursor=cursor, page_size=page_size)


def test_mine_lists_only_what_i_coordinate_or_am_on_the_team_of(world):
    colleague_coordinates = f.PathwayFactory(coordinator=f.make_staff(world.children), lead_department=world.children)
    f.TeamMemberFactory(pathway=colleague_coordinates, user=world.outsider, department=world.children)
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)  # a grant is VIEW, not "mine"
    f.BreakGlassAccessFactory(
        pathway=f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children), user=world.outsider
    )
    outsider_coordinates = f.PathwayFactory(coordinator=world.outsider, lead_department=world.children)
    f.PathwayFactory(coordinator=world.stranger)  # another municipality

    page = list_page(world.outsider, page_size=50)
    assert {p.pk for p in page.rows} == {colleague_coordinates.pk, outsider_coordinates.pk}
    assert [p.is_mine for p in sorted(page.rows, key=lambda p: p.pk)] == [False, True]


def test_mine_does_not_list_a_team_place_the_consent_does_not_cover(world):
    assert list_page(world.jobworker, page_size=50).rows == []
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    assert [p.pk for p in list_page(world.jobworker, page_size=50).rows] == [world.pathway.pk]


def test_mine_keyset_pagination_has_no_gaps_or_duplicates(world):
    today = timezone.localdate()
    # Several on the same day, so the public id must break ties.
    for days in (0, 0, 0, 1, 2, 2, 5, 9):
        f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            opened_on=today - datetime.timedelta(days=days),
        )
    expected = sorted(
        world.coordinator.coordinated_pathways.all(), key=lambda p: (p.opened_on, p.public_id), reverse=True
    )
    assert len(expected) == 9

    seen, cursor, sizes = [], "", []
    for page_number in range(10):
        page = list_page(world.coordinator, cursor=cursor, request_id=f"page-{page_number}")
        sizes.append(len(page.rows))
        seen.extend(page.rows)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sizes == [3, 3, 3]
    assert [p.pk for p in seen] == [p.pk for p in expected]


def test_mine_s_page_of_rows_pages_like_the_api_and_cuts_the_page_before_it_joins(world):
    """The web page's rows (`as_rows`) page exactly as the API's pathways do, the coordinator's own marked; the list's
    query sorts and cuts the pathways to the page in a subquery and joins names only to that page's rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    for days in (0, 0, 3, 3, 7):
        f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            opened_on=today - datetime.timedelta(days=days),
        )
    colleagues = f.PathwayFactory(coordinator=f.make_staff(world.children), lead_department=world.children)
    f.TeamMemberFactory(pathway=colleagues, user=world.coordinator, department=world.children)
    expected = list_page(world.coordinator, page_size=50).rows
    assert len(expected) == 7

    seen, cursor = [], ""
    with context.bound(actor_id=world.coordinator.pk, request_id="rows"):
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                page = selectors.pathway_list_mine(actor=world.coordinator, cursor=cursor, page_size=3, as_rows=True)
            seen.extend(page.rows)
            (listed,) = [q["sql"] for q in queries.captured_queries if '"is_mine"' in q["sql"]]
            inner = listed.partition(" IN (SELECT ")[2]
            # The page's ids first (3 rows and one to know of more), then the rows: the whole query has no limit.
            assert "DESC LIMIT 4) ORDER BY" in inner and not listed.rstrip().split()[-2].startswith("LIMIT")
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert [row.public_id for row in seen] == [p.public_id for p in expected]
    assert {row.public_id: row.is_mine for row in seen} == {
        p.public_id: p.public_id != colleagues.public_id for p in expected
    }


def test_mine_next_cursor_is_none_on_an_exactly_full_last_page(world):
    for _ in range(2):
        f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    page = list_page(world.coordinator, page_size=3)
    assert len(page.rows) == 3 and page.next_cursor is None


def test_mine_ignores_a_broken_cursor(world):
    assert [p.pk for p in list_page(world.coordinator, cursor="!!garbage!!").rows] == [world.pathway.pk]


def test_mine_logs_each_listed_citizen_once(world):
    household = f.make_family(world.municipality, adults=1, children=2)
    f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household)
    list_page(world.coordinator, page_size=50, request_id="mine")
    members = set(household.memberships.values_list("citizen_id", flat=True))
    assert logged("mine", "pathway.list") == dict.fromkeys(members | {world.citizen.pk}, 1)


def test_mine_filters_by_status_and_programme(world):
    paused = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, status="paused")
    with context.bound(actor_id=world.coordinator.pk, request_id="filter"):
        by_status = selectors.pathway_list_mine(actor=world.coordinator, status="paused")
        by_programme = selectors.pathway_list_mine(actor=world.coordinator, programme_id=world.programme.public_id)
    assert [p.pk for p in by_status.rows] == [paused.pk]
    assert [p.pk for p in by_programme.rows] == [world.pathway.pk]


def test_mine_offers_each_municipality_its_own_programmes_to_filter_by(world):
    """The filter's query is kept per municipality: asked in turn, each user gets their own municipality's."""
    from samspil.pathways.models import Programme

    other = f.ProgrammeFactory(municipality=world.other_municipality, name="Andet program")
    own = list(Programme.objects.filter(municipality=world.municipality).order_by("name"))
    theirs = list(Programme.objects.filter(municipality=world.other_municipality).order_by("name"))
    assert world.programme in own and other in theirs and not set(own) & set(theirs)
    for _ in range(2):
        assert selectors.programmes_to_filter_by(actor=world.coordinator) == own
        assert selectors.programmes_to_filter_by(actor=world.stranger) == theirs
    account = f.CitizenAccountFactory(municipality=world.municipality)
    assert selectors.programmes_to_filter_by(actor=account) == []
