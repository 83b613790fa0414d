"""Kept parts of a pathway's pages (`pathways.fragments`): the pathway's content generation, moved on by the
database with every change, keys them; the viewer's rights, the day and the CSRF token are their own per view."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.audit.services import event_record
from samspil.documents.models import Message
from samspil.pathways.models import Pathway
from samspil.plans import services
from tests import factories as f

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def generation(pathway) -> int:
    return Pathway.objects.values_list("content_generation", flat=True).get(pk=pathway.pk)


def plan_url(pathway) -> str:
    return reverse("plans:plan", args=[pathway.public_id])


def goals_read(queries) -> int:
    return sum('"plans_goal"' in query["sql"] or '"plans_agreement"' in query["sql"] for query in queries)


@pytest.fixture
def plan(world):
    goal = services.goal_add(
        actor=world.coordinator,
        pathway=world.pathway,
        life_area="housing",
        description="Få egen bolig",
        goal_type="10752a63-00b4-4958-b7f4-9f3a18f74266",
        indicator="Bor i egen bolig",
        horizon="long",
    )
    services.agreement_create(
        actor=world.coordinator,
        goal=goal,
        what="Søge boligstøtte",
        owner_kind="citizen",
        due_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    services.goal_follow_up(
        actor=world.coordinator,
        goal=goal,
        result="E4",
        assessed_on=timezone.localdate(),
        note="Vi ser på det igen",
        internal_note="FORTROLIGT: bekymring fra skolen",
    )
    f.as_committed()
    return goal


def test_every_change_of_a_pathway_moves_its_generation_on_and_no_save_writes_back_an_old_one(world):
    f.as_committed()  # the world was made in this (the test's) transaction: what follows is a new one
    read_before = Pathway.objects.get(pk=world.pathway.pk)
    start = read_before.content_generation
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Et hjem", expected_version=1)
    after_change = generation(world.pathway)
    assert after_change == start + 1  # the plan, its version and its event: one move in one transaction
    f.as_committed()
    event_record(
        actor=world.coordinator,
        code="pathway.status_changed",
        municipality_id=world.pathway.municipality_id,
        pathway=world.pathway,
    )
    assert generation(world.pathway) == after_change + 1
    f.as_committed()
    # A pathway read before those changes and saved now keeps the database's number (and moves it on: it changed).
    read_before.referral_reason = "Ny henvisningsgrund"
    read_before.save()
    assert generation(world.pathway) == after_change + 2
    read_before.refresh_from_db()
    read_before.save(update_fields=["referral_reason", "content_generation"])  # asked to: still not written
    assert generation(world.pathway) == after_change + 2


def test_a_transaction_moves_a_pathway_on_once_and_again_after_a_rolled_back_savepoint(world):
    from django.db import transaction

    f.as_committed()
    start, mid = generation(world.pathway), world.pathway.municipality_id
    with transaction.atomic():
        services.plan_update_wishes(
            actor=world.coordinator, pathway=world.pathway, wishes="Et hjem", expected_version=1
        )
        event_record(actor=world.coordinator, code="pathway.status_changed", municipality_id=mid, pathway=world.pathway)
        assert generation(world.pathway) == start + 1
        try:
            with transaction.atomic():
                event_record(
                    actor=world.coordinator, code="pathway.status_changed", municipality_id=mid, pathway=world.pathway
                )
                assert generation(world.pathway) == start + 1
                raise RuntimeError
        except RuntimeError:
            pass
        assert generation(world.pathway) == start + 1
    f.as_committed()
    with transaction.atomic():
        try:
            with transaction.atomic():  # the move is made inside a savepoint that is rolled back
                event_record(
                    actor=world.coordinator, code="pathway.status_changed", municipality_id=mid, pathway=world.pathway
                )
                assert generation(world.pathway) == start + 2
                raise RuntimeError
        except RuntimeError:
            pass
        assert generation(world.pathway) == start + 1
        event_record(actor=world.coordinator, code="pathway.status_changed", municipality_id=mid, pathway=world.pathway)
        assert generation(world.pathway) == start + 2  # moved on again: the rolled-back move does not count


def test_the_pathways_a_transaction_changed_are_read_once_for_many(world):
    """`changed_in_transaction_ids` is what `changed_in_transaction` answers of each pathway, in one set: empty
    outside a transaction, and a copy, not the connection's own set that the commit empties."""
    from unittest import mock

    from django.db import transaction

    from samspil.audit.signals import changed_in_transaction, changed_in_transaction_ids

    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    f.as_committed()
    with transaction.atomic():
        assert changed_in_transaction_ids() == frozenset()
        event_record(
            actor=world.coordinator,
            code="pathway.status_changed",
            municipality_id=world.pathway.municipality_id,
            pathway=world.pathway,
        )
        changed = changed_in_transaction_ids()
        assert changed == {world.pathway.pk}
        assert changed_in_transaction(world.pathway.pk) and not changed_in_transaction(other.pk)
        f.as_committed()
        assert changed == {world.pathway.pk} and changed_in_transaction_ids() == frozenset()
        event_record(
            actor=world.coordinator,
            code="pathway.status_changed",
            municipality_id=world.pathway.municipality_id,
            pathway=other,
        )
        assert changed_in_transaction_ids() == {other.pk}
        with mock.patch.object(connection, "in_atomic_block", False):  # no transaction open: nothing is uncommitted
            assert changed_in_transaction_ids() == frozenset() and not changed_in_transaction(other.pk)


def test_the_plan_page_is_rendered_once_per_change_and_shows_every_change_at_once(client, world, plan):
    client.force_login(world.coordinator)
    first = client.get(plan_url(world.pathway))
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(plan_url(world.pathway))
    assert kept.status_code == 200 and goals_read(queries) == 0
    assert TOKEN.sub("", kept.content.decode()) == TOKEN.sub("", first.content.decode())
    assert "Søge boligstøtte" in kept.content.decode()

    services.agreement_create(actor=world.coordinator, goal=plan, what="Ringe til udlejer", owner_kind="citizen")
    f.as_committed()
    with CaptureQueriesContext(connection) as queries:
        changed = client.get(plan_url(world.pathway)).content.decode()
    assert goals_read(queries) > 0 and "Ringe til udlejer" in changed and "Søge boligstøtte" in changed


def test_a_page_rendered_by_a_transaction_that_changed_the_pathway_is_not_kept(client, world, plan):
    services.agreement_create(actor=world.coordinator, goal=plan, what="Ringe til udlejer", owner_kind="citizen")
    client.force_login(world.coordinator)
    client.get(plan_url(world.pathway))
    with CaptureQueriesContext(connection) as queries:
        again = client.get(plan_url(world.pathway))
    assert goals_read(queries) > 0 and "Ringe til udlejer" in again.content.decode()


@pytest.mark.parametrize("coordinator_first", [True, False])
def test_each_viewers_rights_get_their_own_page(client, world, plan, coordinator_first):
    reader = f.make_staff(world.health, "caseworker")
    f.AccessGrantFactory(pathway=world.pathway, user=reader)
    f.as_committed()
    coordinator, granted = Client(), Client()
    coordinator.force_login(world.coordinator)
    granted.force_login(reader)
    order = [coordinator, granted] if coordinator_first else [granted, coordinator]
    pages = {id(viewer): viewer.get(plan_url(world.pathway)).content.decode() for viewer in order * 2}
    assert "FORTROLIGT" in pages[id(coordinator)] and 'name="wishes-citizen_wishes"' in pages[id(coordinator)]
    assert "FORTROLIGT" not in pages[id(granted)] and 'name="wishes-citizen_wishes"' not in pages[id(granted)]


def test_a_kept_page_carries_each_sessions_own_csrf_token(world, plan):
    other = f.make_staff(world.children, "professional")
    f.TeamMemberFactory(pathway=world.pathway, user=other, department=world.children)
    f.as_committed()
    first = Client(enforce_csrf_checks=True)
    first.force_login(world.colleague)
    assert first.get(plan_url(world.pathway)).status_code == 200
    second = Client(enforce_csrf_checks=True)
    second.force_login(other)
    with CaptureQueriesContext(connection) as queries:
        response = second.get(plan_url(world.pathway))
    page = response.content.decode()
    # The page the colleague's view kept: two team places of a covered department have the same rights.
    assert response.status_code == 200 and goals_read(queries) == 0 and 'name="wishes-citizen_wishes"' in page
    assert "\x00" not in page
    token = TOKEN.search(page).group(1)
    response = second.post(
        reverse("plans:wishes", args=[world.pathway.public_id]),
        {"wishes-citizen_wishes": "Et hjem med have", "wishes-version": 1, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    f.as_committed()
    assert "Et hjem med have" in second.get(plan_url(world.pathway)).content.decode()


def test_a_kept_page_follows_the_day(client, world, plan):
    evening = timezone.localtime().replace(hour=23, minute=50)
    with time_machine.travel(evening, tick=False) as clock:
        services.agreement_create(
            actor=world.coordinator, goal=plan, what="Ringe til udlejer", owner_kind="citizen", due_on=evening.date()
        )
        f.as_committed()
        client.force_login(world.coordinator)
        assert "Overskredet" not in client.get(plan_url(world.pathway)).content.decode()
        clock.shift(datetime.timedelta(minutes=20))  # past midnight: the agreement due yesterday is overdue
        assert "Overskredet" in client.get(plan_url(world.pathway)).content.decode()


def test_nothing_is_kept_when_the_setting_is_zero(client, world, plan, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.force_login(world.coordinator)
    client.get(plan_url(world.pathway))
    with CaptureQueriesContext(connection) as queries:
        client.get(plan_url(world.pathway))
    assert goals_read(queries) > 0


# --- the overview ----------------------------------------------------------------------------------------------


def overview_url(pathway) -> str:
    return reverse("pathways:overview", args=[pathway.public_id])


def overview_read(queries) -> int:
    return sum('FROM "pathways_statuschange"' in query["sql"] for query in queries)  # the status history


def test_the_overview_is_rendered_once_per_change_and_logs_the_same_citizens_each_time(client, world):
    guardian = f.CitizenFactory(municipality=world.municipality)
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9))
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, programme=world.programme, citizen=child
    )
    f.GuardianshipFactory(child=child, guardian=guardian)
    f.as_committed()
    client.force_login(world.coordinator)
    first = client.get(overview_url(pathway))
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(overview_url(pathway))
    assert kept.status_code == 200 and overview_read(queries) == 0
    assert TOKEN.sub("", kept.content.decode()) == TOKEN.sub("", first.content.decode())
    logged = [
        set(AccessLogEntry.objects.filter(request_id=response["X-Request-Id"]).values_list("citizen_id", flat=True))
        for response in (first, kept)
    ]
    assert logged[0] == logged[1] == {child.pk, guardian.pk}

    # The custody holder's name changes in the citizen's own record: the child's overview shows it at once.
    guardian.first_name = "Zuvakeb"
    guardian.save()
    f.as_committed()
    assert "Zuvakeb" in client.get(overview_url(pathway)).content.decode()


def test_a_kept_overview_shows_each_viewer_their_own_unread_messages(client, world):
    account = f.portal_account(world.citizen)
    f.grant_portal(world.pathway, world.citizen, "write", by=world.coordinator)
    Message.objects.create(
        municipality=world.municipality,
        pathway=world.pathway,
        author=account,
        author_person=world.citizen,
        body="Jeg kan ikke komme i morgen",
    )
    f.as_committed()
    colleague = Client()
    colleague.force_login(world.colleague)
    client.force_login(world.coordinator)
    assert "1 ny" in colleague.get(overview_url(world.pathway)).content.decode()
    colleague.get(reverse("documents:messages", args=[world.pathway.public_id]))  # the colleague reads the thread
    with CaptureQueriesContext(connection) as queries:
        seen = colleague.get(overview_url(world.pathway)).content.decode()
    assert overview_read(queries) == 0 and "1 ny" not in seen
    assert "1 ny" in client.get(overview_url(world.pathway)).content.decode()


def test_a_plan_form_saved_through_htmx_answers_with_the_plan_as_saved(client, world, plan):
    client.force_login(world.coordinator)
    client.get(plan_url(world.pathway))  # kept under the generation before the save
    response = client.post(
        reverse("plans:wishes", args=[world.pathway.public_id]),
        {"wishes-citizen_wishes": "Et hjem med have", "wishes-version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Et hjem med have" in response.content.decode()


@pytest.mark.parametrize("what", ["programme", "external contact", "custody"])
def test_a_change_of_what_a_pathway_shows_from_outside_it_moves_it_on(world, what):
    contact = f.TeamMemberFactory(pathway=world.pathway, external=True).external_contact
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    f.as_committed()
    before = generation(world.pathway), generation(other)
    if what == "programme":
        world.programme.name = "Nyt navn"
        world.programme.save()
    elif what == "external contact":
        contact.phone = "12345678"
        contact.save()
    else:
        f.GuardianshipFactory(child=world.citizen, guardian=f.CitizenFactory(municipality=world.municipality))
    assert generation(world.pathway) > before[0] and generation(other) == before[1]


def test_a_refused_read_does_not_move_the_pathway_on(client, world):
    start = generation(world.pathway)
    client.force_login(world.stranger)
    assert client.get(overview_url(world.pathway)).status_code == 404
    assert generation(world.pathway) == start


def test_a_page_of_kept_parts_carries_one_csrf_token(client, world, plan):
    """The layout's forms and the kept parts' forms are given the request's one token, and it is accepted."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    client.get(plan_url(world.pathway))  # the parts are kept; this view fills in their token
    page = client.get(plan_url(world.pathway)).content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(TOKEN.findall(page)) > 3 and len(tokens) == 1
    response = client.post(
        reverse("plans:wishes", args=[world.pathway.public_id]),
        {"wishes-citizen_wishes": "Et hjem med have", "wishes-version": 1, "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302
