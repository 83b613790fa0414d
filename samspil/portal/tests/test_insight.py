"""Insight in the portal (issue 9, part 5): who looked at the data, when, what, why and on which basis — across every
pathway, intake reads without a pathway, reads by blind index from segmentation, and break-glass with its reason."""

import datetime
import re
import uuid
from dataclasses import dataclass
from html import unescape

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.access.models import BreakGlassAccess
from samspil.audit import context
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry
from samspil.audit.services import access_record, access_record_subjects
from samspil.organisations.choices import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def read(actor, citizen, *, at, pathway=None, shown="pathway.overview", via=AccessVia.SCOPE, purpose=None):
    with time_machine.travel(at, tick=False), context.bound(actor_id=actor.pk, request_id=f"r-{uuid.uuid4()}"):
        access_record(
            actor=actor,
            citizens=[citizen],
            shown=shown,
            purpose=purpose or AccessPurpose.COORDINATION,
            pathway=pathway,
            via=via,
        )


@dataclass
class Subject:  # a person in imported consumption, not linked to the citizen: found by the blind index only
    municipality_id: int
    cpr_index: str
    citizen_id: int | None = None


def read_by_blind_index(actor, world, *, at):
    """A segmentation read of the world's citizen by blind index only (no citizen on the row)."""
    with time_machine.travel(at, tick=False):
        access_record_subjects(
            actor=actor,
            subjects=[Subject(world.municipality.pk, world.citizen.cpr_index)],
            shown="segmentation.candidate",
            purpose=AccessPurpose.SEGMENTATION,
            via=AccessVia.SCOPE,
        )


def entries(response) -> list[str]:
    html = response.content.decode()
    if 'id="insight-rows"' not in html:
        return []
    block = html[html.index('id="insight-rows"') : html.index("</ol>", html.index('id="insight-rows"'))]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in block.split("<li")[1:]]


@pytest.fixture
def adult(world):
    f.grant_portal(world.pathway, world.citizen, "read")
    world.account = f.portal_account(world.citizen)
    world.coordinator.job_title = "Familiekoordinator"
    world.coordinator.save()
    return world


def insight(client, world, **params):
    client.force_login(world.account)
    return client.get(reverse("portal:insight", args=[world.pathway.public_id]), params)


def test_staff_reads_are_shown_with_name_role_department_what_why_and_basis(client, adult):
    now = timezone.now()
    read(adult.coordinator, adult.citizen, at=now - datetime.timedelta(hours=2), pathway=adult.pathway)
    read(adult.jobworker, adult.citizen, at=now - datetime.timedelta(hours=1), pathway=adult.pathway, shown="plan")
    response = insight(client, adult)
    assert response.status_code == 200
    rows = entries(response)
    assert len(rows) == 2
    newest, oldest = rows
    assert adult.jobworker.get_full_name() in newest and "Koordinator / sagsbehandler, Jobcenter" in newest
    assert "Den fælles plan" in newest and "Koordinering af forløbet" in newest
    assert adult.coordinator.get_full_name() in oldest and "Familiekoordinator, Børn og Unge" in oldest
    assert "Forløbsoverblik" in oldest and "Koordinator eller team" in oldest


def test_break_glass_intake_and_segmentation_reads_are_included(client, adult):
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(hours=3), tick=False):
        BreakGlassAccess.objects.create(
            municipality=adult.municipality,
            pathway=adult.pathway,
            user=adult.outsider,
            reason="Akut henvendelse fra skolen om borgeren",
            expires_at=now,
        )
    read(
        adult.outsider,
        adult.citizen,
        at=now - datetime.timedelta(hours=2),
        pathway=adult.pathway,
        via=AccessVia.BREAK_GLASS,
    )
    read(
        adult.jobworker,
        adult.citizen,
        at=now - datetime.timedelta(hours=4),
        shown="citizen.intake",
        via=AccessVia.INTAKE,
        purpose=AccessPurpose.INTAKE,
    )  # no pathway
    controller = f.make_staff(adult.jobs, StaffRole.CONTROLLER)

    read_by_blind_index(controller, adult, at=now - datetime.timedelta(hours=5))
    other = f.CitizenFactory(municipality=adult.municipality)
    read(adult.coordinator, other, at=now - datetime.timedelta(hours=1))  # someone else's data: never shown

    rows = entries(insight(client, adult))
    assert len(rows) == 3
    glass, intake, segmentation = rows
    assert "Nødadgang" in glass and "Akut henvendelse fra skolen om borgeren" in glass
    assert "Åbning af et forløb" in intake and "Modtagelse: finde borgeren" in intake
    assert controller.get_full_name() in segmentation and "Økonomimedarbejder, Jobcenter" in segmentation
    assert "En kandidats indlæste ydelsesforbrug" in segmentation


def test_own_reads_are_you_yourself_and_can_be_hidden(client, adult):
    now = timezone.now()
    read(adult.coordinator, adult.citizen, at=now - datetime.timedelta(hours=2), pathway=adult.pathway)
    read(
        adult.account,
        adult.citizen,
        at=now - datetime.timedelta(hours=1),
        pathway=adult.pathway,
        shown="portal.plan",
        via=AccessVia.OWN,
        purpose=AccessPurpose.PORTAL,
    )
    rows = entries(insight(client, adult))
    assert len(rows) == 2 and "Dig selv" in rows[0] and "Dig selv" not in rows[1]
    assert adult.citizen.last_name not in rows[0]
    hidden = insight(client, adult, egne="skjul")
    assert len(entries(hidden)) == 1 and "Vis også din egen brug af portalen" in hidden.content.decode()


def test_the_pages_read_is_logged_for_the_person_it_concerns(client, adult):
    insight(client, adult)
    logged = AccessLogEntry.objects.filter(actor=adult.account)
    assert [(e.citizen_id, e.pathway_id, e.shown, e.purpose, e.via) for e in logged] == [
        (adult.citizen.pk, adult.pathway.pk, "portal.insight", AccessPurpose.PORTAL, AccessVia.OWN)
    ]


def test_a_custody_holder_sees_the_childs_log_not_their_own_data(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9), first_name="Lily")
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.grant_portal(pathway, mother, "read")
    account = f.portal_account(mother)
    now = timezone.now()
    read(world.coordinator, child, at=now - datetime.timedelta(hours=2), pathway=pathway)
    read(world.coordinator, mother, at=now - datetime.timedelta(hours=1), pathway=pathway)  # the mother's own record
    client.force_login(account)
    response = client.get(reverse("portal:insight", args=[pathway.public_id]))
    rows = entries(response)
    assert len(rows) == 1 and world.coordinator.get_full_name() in rows[0]
    assert "Lily" in response.content.decode()
    logged = AccessLogEntry.objects.get(actor=account)
    assert (logged.citizen_id, logged.via) == (child.pk, AccessVia.CUSTODY)
    client.force_login(f.portal_account(f.CitizenFactory(municipality=world.municipality)))
    assert client.get(reverse("portal:insight", args=[pathway.public_id])).status_code == 404


def test_keyset_pages_neither_skip_nor_repeat_rows_sharing_a_moment(client, adult, settings):
    settings.SAMSPIL_PAGE_SIZE = 4
    now = timezone.now()
    actors = [f.make_staff(adult.children) for _ in range(3)]
    for i in range(3):  # three moments with three reads each: pages cut through them
        moment = now - datetime.timedelta(minutes=10 * (i + 1))
        for actor in actors:
            read(actor, adult.citizen, at=moment, pathway=adult.pathway)
    seen, params, pages = [], {}, 0
    while True:
        response = insight(client, adult, **params)
        assert response.status_code == 200
        seen += entries(response)
        pages += 1
        found = re.search(r'href="\?([^"]*efter=[^"]*)" rel="next"', response.content.decode())
        if not found:
            break
        params = dict(part.split("=", 1) for part in unescape(found.group(1)).split("&"))
    assert pages == 3 and len(seen) == len(set(seen)) == 9
    counts = {actor.get_full_name(): sum(actor.get_full_name() in row for row in seen) for actor in actors}
    assert set(counts.values()) == {3}


def test_a_broken_cursor_is_a_danish_message_and_the_newest_page(client, adult):
    read(adult.coordinator, adult.citizen, at=timezone.now(), pathway=adult.pathway)
    response = insight(client, adult, efter="ikke-en-markør")
    assert response.status_code == 422
    assert "Linket til næste side er ikke gyldigt" in response.content.decode()
    assert len(entries(response)) == 1


def test_queries_do_not_grow_however_many_reads_and_readers(client, adult):
    """At most two log queries a person and key (the window, then the months before it when the window does not fill
    the page), however many reads and readers; more reads never cost more queries."""
    client.force_login(adult.account)
    url = reverse("portal:insight", args=[adult.pathway.public_id])

    def grow(count):
        now = timezone.now()
        for i in range(count):
            actor = f.make_staff(adult.jobs if i % 2 else adult.children)
            via = AccessVia.BREAK_GLASS if i % 3 == 0 else AccessVia.SCOPE
            if via == AccessVia.BREAK_GLASS:
                f.BreakGlassAccessFactory(pathway=adult.pathway, user=actor)
            read(actor, adult.citizen, at=now - datetime.timedelta(seconds=i + 1), pathway=adult.pathway, via=via)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    grow(5)
    client.get(url)  # warm-up
    small = count()  # the window does not fill the page: each key asked again for the months before it
    grow(60)
    assert count() == small - 2  # the window fills it: by citizen and by blind index, once each
    grow(60)
    assert count() == small - 2


def log_selects(captured) -> list[str]:
    table = AccessLogEntry._meta.db_table
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and table in query["sql"]
    ]


def test_a_page_the_window_fills_never_asks_the_months_before_it(adult, settings):
    """Reads this month and last fill the page: each log query is bounded below by the window (`recent_start`), so
    PostgreSQL plans it over the window's partitions only, and the older reads are not asked for."""
    from samspil.portal.insight import insight_page, recent_start

    settings.SAMSPIL_PAGE_SIZE = 3
    now = timezone.now()
    start = recent_start(now)
    for hours in range(1, 5):
        read(adult.coordinator, adult.citizen, at=now - datetime.timedelta(hours=hours), pathway=adult.pathway)
    read(adult.jobworker, adult.citizen, at=start - datetime.timedelta(days=3), pathway=adult.pathway)
    subjects = [adult.citizen]
    with CaptureQueriesContext(connection) as captured:
        page = insight_page(user=adult.account, subjects=subjects)
    selects = log_selects(captured)
    assert len(selects) == 2  # by citizen and by blind index, each in the window
    assert all(
        '"created_at" >=' in sql and '"created_at" <' not in sql.replace('"created_at" <=', "") for sql in selects
    )
    assert [row.who for row in page.rows] == [adult.coordinator.get_full_name()] * 3 and page.next_cursor


def test_pages_run_from_the_window_into_the_months_before_it_in_order(adult, settings):
    """A citizen read rarely: the window holds fewer reads than a page, so the months before it are asked too, and
    the pages (by citizen and by blind index, across the window's edge and a year back) give every read once, newest
    first, as the whole log does."""
    from samspil.portal.insight import insight_all, insight_page, recent_start

    settings.SAMSPIL_PAGE_SIZE = 3
    now = timezone.now()
    start = recent_start(now)
    moments = [
        now - datetime.timedelta(minutes=5),
        start + datetime.timedelta(minutes=1),
        start,  # the window's first moment is in it
        start - datetime.timedelta(microseconds=1),
        start - datetime.timedelta(days=40),
        start - datetime.timedelta(days=400),
    ]
    readers = [f.make_staff(adult.children) for _ in moments]
    for reader, moment in zip(readers, moments, strict=True):
        read(reader, adult.citizen, at=moment, pathway=adult.pathway)

    searcher = f.make_staff(adult.jobs, StaffRole.CONTROLLER)
    read_by_blind_index(searcher, adult, at=start - datetime.timedelta(days=10))
    subjects = [adult.citizen]
    expected = [readers[0], readers[1], readers[2], readers[3], searcher, readers[4], readers[5]]
    whole = insight_all(user=adult.account, subjects=subjects)
    assert [row.who for row in whole] == [reader.get_full_name() for reader in expected]

    from samspil.pathways.access_log import Cursor

    seen, after, pages = [], None, 0
    while True:
        with CaptureQueriesContext(connection) as captured:
            page = insight_page(user=adult.account, subjects=subjects, after=after)
        assert len(log_selects(captured)) <= 4
        seen += [row.who for row in page.rows]
        pages += 1
        if not page.next_cursor:
            break
        after = Cursor.decode(page.next_cursor)
    assert pages == 3 and seen == [row.who for row in whole]


@pytest.mark.parametrize(
    ("moment", "status"),
    [
        ("0001-01-05T00:00:00+00:00", 200),  # its window would begin before year 1: asked from the beginning
        ("0001-01-01T00:00:00+01:00", 422),  # before year 1 in UTC: not a cursor this page made
    ],
)
def test_a_made_up_cursor_at_the_start_of_time_is_a_page_not_an_error(client, adult, moment, status):
    from samspil.pathways.access_log import Cursor

    read(adult.coordinator, adult.citizen, at=timezone.now(), pathway=adult.pathway)
    after = Cursor(moment=datetime.datetime.fromisoformat(moment), seen_at_moment=0).encode()
    response = insight(client, adult, efter=after)
    assert response.status_code == status
    assert len(entries(response)) == (0 if status == 200 else 1)  # a broken cursor shows the newest entries


def test_the_window_begins_on_the_first_of_last_month_in_utc():
    from samspil.portal.insight import recent_start

    utc = datetime.UTC
    assert recent_start(datetime.datetime(2026, 1, 15, 12, tzinfo=utc)) == datetime.datetime(2025, 12, 1, tzinfo=utc)
    assert recent_start(datetime.datetime(2026, 12, 1, tzinfo=utc)) == datetime.datetime(2026, 11, 1, tzinfo=utc)
    # Midnight in Copenhagen on 1 March is still February in UTC, where the partitions are cut.
    copenhagen = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert recent_start(copenhagen) == datetime.datetime(2026, 1, 1, tzinfo=utc)


@pytest.mark.django_db
def test_an_entry_whose_reader_is_gone_is_left_out_as_the_join_left_it_out():
    """The log has no foreign-key constraints (audit/0007): a row whose reader no longer exists is not shown, and
    the page does not fail."""
    from samspil.portal.insight import _with_readers

    reader = f.StaffUserFactory()
    kept = AccessLogEntry(pk=1, actor_id=reader.pk)
    gone = AccessLogEntry(pk=2, actor_id=reader.pk + 10_000)
    assert _with_readers([kept, gone]) == [kept] and kept.actor == reader
    assert _with_readers([]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_log_queries_are_compiled_once_but_planned_for_their_values(adult):
    """Kept compiled per connection (`core.db.precompiled_rows`), never prepared: a generic plan would read and sort
    a much-read citizen's whole month."""
    from samspil.portal.insight import insight_page

    read(adult.coordinator, adult.citizen, at=timezone.now(), pathway=adult.pathway)
    table = AccessLogEntry._meta.db_table
    for _ in range(7):
        page = insight_page(user=adult.account, subjects=[adult.citizen])
        assert [row.who for row in page.rows] == [adult.coordinator.get_full_name()]
    kept = [key for key in connections["default"].__dict__.get("_samspil_precompiled", {}) if key[0] == "insight_log"]
    assert {key[1] for key in kept} == {"citizen", "index"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", [f'SELECT %FROM "{table}"%']
        )
        assert cursor.fetchall() == []
