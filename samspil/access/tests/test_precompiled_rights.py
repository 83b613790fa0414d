"""`pathway_get` runs its rights query precompiled (`core.db.precompiled_rows`): the same answers as building it."""

import datetime

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.access.access import PathwayAccess
from samspil.core import db
from samspil.core.db import STAND_IN_IDS
from samspil.pathways import selectors
from samspil.pathways.models import Pathway
from tests import factories as f

pytestmark = pytest.mark.django_db


def built(user, pathway, annotations=None):
    """The row as `pathway_get` read it before it was precompiled: built and compiled now."""
    from samspil.access import scopes

    return (
        Pathway.objects.filter(municipality_id=user.municipality_id, public_id=pathway.public_id)
        .annotate(**scopes.pathway_rights(user), **(annotations or {}))
        .select_related("programme", "citizen", "household", "coordinator", "lead_department", "target_group")
        .first()
    )


def kept_queries() -> dict:
    return connections["default"].__dict__.get("_samspil_precompiled", {})


@pytest.fixture(autouse=True)
def _none_kept():
    """Each test starts with no kept queries: the tests before it (any module) share the connection and its kept
    queries, and some of these tests look at which keys are kept."""
    kept_queries().clear()


def precompiled(user, pathway, annotations=None):
    return selectors._pathway_with_rights(user, pathway.public_id, annotations)


def same(a, b) -> None:
    assert (a is None) == (b is None)
    if a is None:
        return
    assert PathwayAccess.from_row(a) == PathwayAccess.from_row(b)
    assert a.pk == b.pk and a.citizen_id == b.citizen_id
    assert a.programme.name == b.programme.name and a.coordinator.get_full_name() == b.coordinator.get_full_name()


def test_every_user_gets_the_rights_the_built_query_gives_on_every_pathway(world):
    granted = f.make_staff(world.health, "caseworker")
    f.AccessGrantFactory(pathway=world.pathway, user=granted)
    glass = f.make_staff(world.health, "caseworker")
    f.BreakGlassAccessFactory(pathway=world.pathway, user=glass)
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    teen = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.TeamMemberFactory(pathway=teen, user=world.jobworker, department=world.jobs)
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    other = f.PathwayFactory(municipality=world.other_municipality)
    users = [world.coordinator, world.colleague, world.jobworker, world.outsider, world.head, granted, glass]
    for user in users:
        for pathway in (world.pathway, teen, other):
            for _ in range(2):  # the first call compiles, the second runs the kept SQL
                same(precompiled(user, pathway), built(user, pathway))
    assert precompiled(world.coordinator, other) is None  # another municipality's pathway: not found


def test_a_grant_ends_to_the_second_with_the_query_kept(world):
    """The moment is a parameter of the kept SQL: a grant that expires between two reads is gone at the second."""
    user = f.make_staff(world.health, "caseworker")
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        f.AccessGrantFactory(
            pathway=world.pathway, user=user, valid_from=start, valid_until=start + datetime.timedelta(seconds=30)
        )
        assert PathwayAccess.from_row(precompiled(user, world.pathway)).may_view
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        row = precompiled(user, world.pathway)
        assert not PathwayAccess.from_row(row).may_view
        same(row, built(user, world.pathway))


def test_the_kept_query_is_compiled_once_and_read_in_one_statement(world):
    precompiled(world.coordinator, world.pathway)
    cache = kept_queries()
    entries = dict(cache)
    with CaptureQueriesContext(connection) as queries:
        precompiled(world.coordinator, world.pathway)
    assert len(queries) == 1 and dict(cache) == entries


def test_a_query_that_reads_the_clock_while_it_is_built_is_not_kept(world):
    """A build that reads the clock itself cannot be precompiled: found by building twice, then built each time."""
    from django.db.models import BooleanField, ExpressionWrapper, Q

    def build(values):
        recent = ExpressionWrapper(Q(created_at__gte=timezone.now()), output_field=BooleanField())
        return Pathway.objects.filter(public_id=values["public_id"]).annotate(opened_recently=recent)

    variables = {"public_id": db.Variable(world.pathway.public_id, *STAND_IN_IDS, Pathway._meta.get_field("public_id"))}
    rows = db.precompiled_rows(build, key=("test clock",), variables=variables)
    assert [row.pk for row in rows] == [world.pathway.pk] and rows[0].opened_recently is False
    kept = [entry for key, entry in kept_queries().items() if key[0] == "test clock"]
    assert kept and kept[0][1] is db._UNCACHED
    assert [row.pk for row in db.precompiled_rows(build, key=("test clock",), variables=variables)] == [
        world.pathway.pk
    ]


def test_annotations_other_than_a_views_method_are_built_every_time(world):
    from django.db.models import Value

    row = precompiled(world.coordinator, world.pathway, {"marker": Value(7)})
    assert row.marker == 7 and not any(key[1] for key in kept_queries() if key[0] == "pathway_get")


def test_a_changed_setting_makes_the_kept_queries_again(world, settings):
    precompiled(world.coordinator, world.pathway)
    before = dict(kept_queries())
    settings.SAMSPIL_PAGE_SIZE = 7
    precompiled(world.coordinator, world.pathway)
    after = kept_queries()
    changed = [key for key in before if key in after and after[key] is not before[key]]
    assert changed and all(after[key][0] > before[key][0] for key in changed)


def test_the_next_day_compiles_its_own(world):
    """The day is in the key (the team place and consent rules are the day's): tomorrow the membership has ended."""
    from samspil.organisations.models import Membership

    today = timezone.localdate()
    Membership.objects.filter(user=world.coordinator).update(active_to=today)
    assert PathwayAccess.from_row(precompiled(world.coordinator, world.pathway)).is_coordinator
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        row = precompiled(world.coordinator, world.pathway)
        assert not PathwayAccess.from_row(row).is_coordinator
        same(row, built(world.coordinator, world.pathway))


def test_mine_forloeb_precompiled_pages_and_filters_as_the_built_query(world):
    """*Mine forløb*'s rows (precompiled, keyed by the filters used) are the API's rows (built each time), for every
    filter and page."""
    from samspil.pathways.choices import PathwayStatus

    other_programme = f.ProgrammeFactory(municipality=world.municipality)
    for n in range(7):
        f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            programme=other_programme if n % 2 else world.pathway.programme,
            status=PathwayStatus.PAUSED if n % 3 == 0 else PathwayStatus.ACTIVE,
            opened_on=timezone.localdate() - datetime.timedelta(days=n // 2),  # days shared: the cursor's tie-break
        )
    for status in ("", PathwayStatus.ACTIVE, PathwayStatus.PAUSED):
        for programme in (None, str(other_programme.public_id)):
            for _ in range(2):  # compiled, then kept
                cursor, rows, expected = "", [], []
                while True:
                    page = selectors.pathway_list_mine(
                        actor=world.coordinator,
                        status=status,
                        programme_id=programme,
                        cursor=cursor,
                        page_size=2,
                        as_rows=True,
                    )
                    built_page = selectors.pathway_list_mine(
                        actor=world.coordinator, status=status, programme_id=programme, cursor=cursor, page_size=2
                    )
                    rows += [row.public_id for row in page.rows]
                    expected += [pathway.public_id for pathway in built_page.rows]
                    assert page.next_cursor == built_page.next_cursor
                    if not page.next_cursor:
                        break
                    cursor = page.next_cursor
                assert rows == expected and len(set(rows)) == len(rows)
    assert any(isinstance(entry, tuple) for entry in kept_queries().values())


def test_a_kept_query_keeps_no_rows_of_a_past_run_in_its_prefetches(world):
    """Django hands a prefetch queryset the first instance as a hint: each run gets its own prefetch querysets."""
    from django.db.models import Prefetch

    from samspil.pathways.models import TeamMember

    def build(values):
        return Pathway.objects.filter(public_id=values["public_id"]).prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.order_by("id"))
        )

    variables = {"public_id": db.Variable(world.pathway.public_id, *STAND_IN_IDS, Pathway._meta.get_field("public_id"))}
    for _ in range(2):
        rows = db.precompiled_rows(build, key=("test prefetch",), variables=variables)
        assert [m.pk for m in rows[0].team.all()] == list(
            TeamMember.objects.filter(pathway=world.pathway).order_by("id").values_list("pk", flat=True)
        )
    kept = next(entry for key, entry in kept_queries().items() if key[0] == "test prefetch")[1][0]
    assert all(not lookup.queryset._hints for lookup in kept._prefetch_related_lookups)


def prepared_runs(prefix: str) -> int:
    """How often this connection ran prepared statements that start with `prefix` (custom and generic plans)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(generic_plans + custom_plans), 0) FROM pg_prepared_statements WHERE statement LIKE %s",
            [prefix + "%"],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_a_kept_query_runs_prepared_with_the_same_answers(world, monkeypatch):
    """The kept SQL runs as a prepared statement (planned once per connection, not on every read), answers as the
    built query does, timestamps included, and runs unprepared when DATABASE_PREPARE_KEPT_QUERIES is off."""
    assert connection.settings_dict["PREPARE_KEPT_QUERIES"]  # on by default
    statement = 'SELECT "pathways_pathway"."id"'
    before = prepared_runs(statement)
    for _ in range(3):
        row = precompiled(world.coordinator, world.pathway)
        reference = built(world.coordinator, world.pathway)
        same(row, reference)
        assert (row.created_at, row.opened_on, row.citizen.created_at) == (
            reference.created_at,
            reference.opened_on,
            reference.citizen.created_at,
        )
        assert row.created_at.utcoffset() == reference.created_at.utcoffset()
    assert prepared_runs(statement) >= before + 3
    monkeypatch.setitem(connection.settings_dict, "PREPARE_KEPT_QUERIES", False)
    unprepared = prepared_runs(statement)
    same(precompiled(world.coordinator, world.pathway), built(world.coordinator, world.pathway))
    assert prepared_runs(statement) == unprepared


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_prepared_statement_survives_a_migration_elsewhere_that_changes_a_column_it_reads():
    """PostgreSQL refuses a prepared statement whose result type changed ("cached plan must not change result
    type"), as after a migration run by another process changes a column's length. Outside a transaction the kept
    queries' cursor forgets the connection's prepared statements and runs the statement again, prepared afresh.
    (Two connections of their own, outside the test's transaction: the change needs a lock the test would hold.)"""
    import psycopg

    settings_dict = connection.settings_dict

    def connect():
        return psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"],
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            password=settings_dict["PASSWORD"] or None,
            autocommit=True,
            prepare_threshold=1_000_000,  # as the settings give the app's connections
        )

    select = "SELECT name FROM samspil_test_prepared WHERE name = %s"
    with connect() as migrating, connect() as app:
        migrating.execute("CREATE TABLE samspil_test_prepared (name varchar(5))")
        try:
            migrating.execute("INSERT INTO samspil_test_prepared VALUES ('Aarhu')")
            cursor = db._prepared_cursor_class()(app)
            for _ in range(2):
                assert cursor.execute(select, ["Aarhu"]).fetchall() == [("Aarhu",)]
            migrating.execute("ALTER TABLE samspil_test_prepared ALTER COLUMN name TYPE varchar(6)")
            for _ in range(2):
                assert cursor.execute(select, ["Aarhu"]).fetchall() == [("Aarhu",)]
            prepared = app.execute("SELECT statement FROM pg_prepared_statements").fetchall()
            assert [row[0] for row in prepared] == [select.replace("%s", "$1")]
        finally:
            migrating.execute("DROP TABLE samspil_test_prepared")


@pytest.mark.parametrize("action", ["contribute", "manage", "view"])
def test_a_services_locked_re_read_gives_the_built_answer_for_every_user_and_keeps_contribute_and_manage(world, action):
    """`policy.require` (a service's locked re-read) is kept like `pathway_get`: the same row or the same refusal
    for every user, compiled once per user and action (VIEW's scope reads the clock: built every time)."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction
    from django.http import Http404

    from samspil.access import policy

    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    other = f.PathwayFactory(municipality=world.other_municipality)

    def answer(user, pathway):
        try:
            with transaction.atomic():
                row = policy.require(user, action, pathway)
        except (Http404, PermissionDenied) as refused:
            return type(refused).__name__
        return row.pk, PathwayAccess.from_row(row)

    users = [world.coordinator, world.colleague, world.jobworker, world.outsider, world.head, world.stranger]
    first = {(user.pk, pathway.pk): answer(user, pathway) for user in users for pathway in (world.pathway, other)}
    again = {(user.pk, pathway.pk): answer(user, pathway) for user in users for pathway in (world.pathway, other)}
    assert first == again
    assert first[(world.coordinator.pk, world.pathway.pk)][0] == world.pathway.pk
    assert first[(world.coordinator.pk, other.pk)] == "Http404"
    assert first[(world.outsider.pk, world.pathway.pk)] == (
        "PermissionDenied" if action != "view" else first[(world.outsider.pk, world.pathway.pk)]
    )
    for (user_pk, pathway_pk), given in first.items():
        if isinstance(given, tuple):  # allowed: the rights the built `pathway_get` row gives
            user = next(user for user in users if user.pk == user_pk)
            assert given[1] == PathwayAccess.from_row(built(user, Pathway.objects.get(pk=pathway_pk)))
    kept = [entry for key, entry in kept_queries().items() if key[0] == "policy.require"]
    assert kept and all((entry[1] is db._UNCACHED) == (action == "view") for entry in kept)


def test_a_kept_query_works_out_its_columns_converters_once(world, monkeypatch):
    """The converters of a kept query's columns (dates, UUIDs, timestamps: the backend's and the fields') are worked
    out when it is compiled; every run converts its values with them, as the built query does."""
    calls = []
    original = type(connection.ops).get_db_converters

    def counted(ops, expression):
        calls.append(expression)
        return original(ops, expression)

    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    monkeypatch.setattr(type(connection.ops), "get_db_converters", counted)
    first = precompiled(world.coordinator, world.pathway)
    assert calls  # compiled: worked out
    calls.clear()
    again = precompiled(world.coordinator, other)
    assert not calls  # a run with other values: the kept converters
    for row, pathway in ((first, world.pathway), (again, other)):
        expected = built(world.coordinator, pathway)
        same(row, expected)
        assert row.public_id == expected.public_id and isinstance(row.public_id, type(expected.public_id))
        assert row.opened_on == expected.opened_on and row.created_at == expected.created_at


def test_a_kept_locking_read_outside_a_transaction_is_refused_as_the_built_one_is(world, monkeypatch):
    """Django refuses `select_for_update` outside a transaction when it compiles the query; a kept query is compiled
    once, so its later runs are checked too (the lock would end with the statement). The test's own transaction
    stands in for the service's; autocommit is then reported on, as outside any transaction."""
    from django.db.transaction import TransactionManagementError

    from samspil.access import policy

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite takes no row locks")
    assert policy.require(world.coordinator, policy.CONTRIBUTE, world.pathway).pk == world.pathway.pk  # kept
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)
    with pytest.raises(TransactionManagementError):
        policy.require(world.coordinator, policy.CONTRIBUTE, world.pathway)


def test_rows_by_ids_are_the_built_rows_for_every_number_of_ids_from_a_kept_query_per_number_of_places(world):
    """`precompiled_rows_by_ids`: the ids fill the fewest places that hold them, repeated ids are one; more ids than
    the most places, and none, are built as usual."""
    pathways = [world.pathway, *(f.PathwayFactory(coordinator=world.coordinator) for _ in range(5))]
    ids = [pathway.pk for pathway in pathways]

    def build(wanted):
        return Pathway.objects.filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True)

    def by_ids(wanted, places=(1, 2, 4)):
        return db.precompiled_rows_by_ids(build, wanted, key=("test_by_ids",), field=Pathway._meta.pk, places=places)

    for count in range(1, len(ids) + 1):
        wanted = ids[:count]
        assert by_ids([*reversed(wanted), wanted[0]]) == sorted(wanted)
    assert sorted(key[2] for key in kept_queries() if key[0] == "test_by_ids") == [1, 2, 4]
    assert by_ids([ids[0], -5]) == [ids[0]]  # an id no row has
    assert by_ids([pathways[1], ids[0]]) == sorted(ids[:2])  # an instance stands for its id
    with CaptureQueriesContext(connection) as queries:
        assert by_ids([]) == []
    assert len(queries) == 0  # Django's own answer to `IN ()`: no query
    assert by_ids(ids, places=(1, 2)) == sorted(ids)  # more ids than places: built
    assert len([key for key in kept_queries() if key[0] == "test_by_ids"]) == 3
