"""The access log's monthly partitions on PostgreSQL: made ahead, rows never lost, retention drops whole months, and
the append-only triggers hold on the parent and on every partition. On SQLite the log is one table."""

import datetime
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from samspil.audit import context, db_roles, partitions
from samspil.audit.models import AccessLogEntry
from samspil.audit.services import access_record
from samspil.audit.tasks import access_log_partitions_task

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the access log is partitioned on PostgreSQL only"
)


def scalar(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def refused(sql, params=None) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE stops at pending foreign-key checks first
        cursor.execute(sql, params)
    return str(error.value)


def log_read(world, shown="x") -> AccessLogEntry:
    with context.bound(actor_id=world.coordinator.pk, request_id=f"read-{shown}"):
        access_record(actor=world.coordinator, citizens=[world.citizen], shown=shown, purpose="coordination")
    return AccessLogEntry.objects.get(shown=shown)


def partition_of(entry) -> str:
    return scalar("SELECT tableoid::regclass::text FROM audit_accesslogentry WHERE id = %s", [entry.pk])


def month_name(day: datetime.date) -> str:
    return f"audit_accesslogentry_p{day:%Y%m}"


# --- the partitions -------------------------------------------------------------------------------------------


@postgresql_only
def test_the_table_is_partitioned_by_month_with_a_default():
    assert scalar("SELECT relkind FROM pg_class WHERE oid = 'audit_accesslogentry'::regclass") == "p"
    assert scalar("SELECT pg_get_partkeydef('audit_accesslogentry'::regclass)") == "RANGE (created_at)"
    assert scalar("SELECT to_regclass('audit_accesslogentry_default') IS NOT NULL")
    partitions.ensure()
    names = {partition.name for partition in partitions.partitions()}
    this = partitions.this_month()
    for offset in range(4):  # this month and three ahead
        assert month_name(partitions.add_months(this, offset)) in names


@postgresql_only
def test_a_read_lands_in_its_months_partition_and_keeps_its_id(world):
    partitions.ensure()
    entry = log_read(world)
    assert partition_of(entry) == month_name(partitions.this_month())
    assert AccessLogEntry.objects.get(pk=entry.pk).shown == "x"
    assert scalar(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'audit_accesslogentry_pkey'"
    ) == ("PRIMARY KEY (id, created_at)")


@postgresql_only
def test_making_partitions_is_idempotent():
    partitions.ensure(ahead=6)
    assert partitions.ensure(ahead=6) == []
    out = StringIO()
    call_command("audit_partitions", "--ahead", "6", stdout=out)
    assert "0 partition(s) made" in out.getvalue()


@postgresql_only
def test_a_read_of_a_month_without_partition_waits_in_the_default_and_moves_when_the_month_is_made(world):
    far = timezone.now() + datetime.timedelta(days=3650)
    with time_machine.travel(far, tick=False):
        entry = log_read(world, "future")
    assert partition_of(entry) == "audit_accesslogentry_default"
    made = partitions.ensure(ahead=0)  # this month exists already; the default's month is made and its row moved
    assert made == [month_name(partitions.this_month(far))]
    assert partition_of(entry) == month_name(partitions.this_month(far))
    assert scalar("SELECT count(*) FROM audit_accesslogentry_default") == 0
    assert AccessLogEntry.objects.get(pk=entry.pk).created_at == entry.created_at


# --- the append-only triggers, on the parent and on a partition ------------------------------------------------


@postgresql_only
def test_every_partition_has_the_append_only_triggers():
    partitions.ensure()
    tables = [partition.name for partition in partitions.partitions()] + ["audit_accesslogentry_default"]
    for table in tables:
        triggers = {
            row[0]
            for row in _rows("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table])
        }
        assert triggers == {"audit_accesslogentry_append_only", f"{table}_no_truncate"}, table


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@postgresql_only
@pytest.mark.parametrize("where", ["parent", "partition", "default"])
def test_update_delete_and_truncate_are_refused(world, where):
    partitions.ensure()
    if where == "default":
        with time_machine.travel(timezone.now() + datetime.timedelta(days=3650), tick=False):
            entry = log_read(world)
    else:
        entry = log_read(world)
    table = "audit_accesslogentry" if where == "parent" else partition_of(entry)
    assert "append-only" in refused(f"UPDATE {table} SET shown = 'y' WHERE id = %s", [entry.pk])  # noqa: S608
    assert "append-only" in refused(f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    assert "TRUNCATE is refused" in refused(f"TRUNCATE {table} CASCADE")
    assert AccessLogEntry.objects.get(pk=entry.pk).shown == "x"


@postgresql_only
def test_a_new_partition_gets_the_triggers_too(world):
    month = partitions.add_months(partitions.this_month(), 30)
    partitions.ensure(ahead=30)
    name = month_name(month)
    assert "TRUNCATE is refused" in refused(f"TRUNCATE {name}")
    with time_machine.travel(datetime.datetime.combine(month, datetime.time(12), datetime.UTC), tick=False):
        entry = log_read(world)
    assert partition_of(entry) == name
    assert "append-only" in refused(f"DELETE FROM {name}")  # noqa: S608


@postgresql_only
def test_the_app_role_writes_through_the_parent_and_cannot_touch_a_partition(world):
    partitions.ensure()
    entry = log_read(world)
    name = partition_of(entry)
    role = f"samspil_test_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(db_roles.create_role_statement(role, password=None))
    db_roles.apply(role)
    with connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
    try:
        log_read(world, "as-app")  # INSERT through the parent, routed to the month's partition
        for statement in (f"UPDATE {name} SET shown = 'y'", f"DELETE FROM {name}", f"TRUNCATE {name}"):  # noqa: S608
            assert "permission denied" in refused(statement)
        assert "must be owner" in refused(f"ALTER TABLE {name} DISABLE TRIGGER ALL")
        assert "must be owner" in refused(f"ALTER TABLE audit_accesslogentry DETACH PARTITION {name}")
        assert not partitions.owns_table()
        assert access_log_partitions_task() == "not owner"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


# --- retention ------------------------------------------------------------------------------------------------


@postgresql_only
def test_retention_drops_whole_months_past_the_period_and_keeps_the_rest(world, settings):
    settings.SAMSPIL_ACCESS_LOG_RETENTION_MONTHS = 60
    this = partitions.this_month()
    old, edge, kept = (partitions.add_months(this, -n) for n in (70, 61, 60))
    for month in (old, edge, kept):
        scalar("SELECT samspil_access_log_partition(%s)", [month])
    with time_machine.travel(datetime.datetime.combine(old, datetime.time(12), datetime.UTC), tick=False):
        ancient = log_read(world, "ancient")
    with time_machine.travel(datetime.datetime.combine(kept, datetime.time(12), datetime.UTC), tick=False):
        recent = log_read(world, "recent")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3650), tick=False):
        waiting = log_read(world, "waiting")  # in the default partition
    today = log_read(world, "today")

    out = StringIO()
    call_command("audit_retention", "--dry-run", stdout=out)
    assert f"would drop {month_name(old)}" in out.getvalue()
    assert f"would drop {month_name(edge)}" in out.getvalue()
    assert month_name(kept) not in out.getvalue()
    assert AccessLogEntry.objects.filter(pk=ancient.pk).exists()  # a dry run drops nothing

    out = StringIO()
    call_command("audit_retention", stdout=out)
    names = {partition.name for partition in partitions.partitions()}
    assert month_name(old) not in names and month_name(edge) not in names
    assert month_name(kept) in names and month_name(this) in names
    assert scalar("SELECT to_regclass(%s) IS NULL", [month_name(old)])  # dropped, not merely detached
    assert scalar("SELECT to_regclass('audit_accesslogentry_default') IS NOT NULL")
    assert not AccessLogEntry.objects.filter(pk=ancient.pk).exists()
    assert set(AccessLogEntry.objects.values_list("shown", flat=True)) >= {"recent", "waiting", "today"}
    assert {recent.pk, waiting.pk, today.pk} <= set(AccessLogEntry.objects.values_list("pk", flat=True))


@postgresql_only
def test_retention_follows_pythons_clock_and_the_months_option(world):
    this = partitions.this_month()
    assert partitions.retention_cutoff(months=6) == partitions.add_months(this, -6)
    expired = {partition.name for partition in partitions.expired(months=12)}
    assert month_name(partitions.add_months(this, -13)) in expired
    assert month_name(partitions.add_months(this, -12)) not in expired  # ended 11 months ago and a bit
    with pytest.raises(CommandError, match="at least one month"):
        call_command("audit_retention", "--months", "0", stdout=StringIO())


@postgresql_only
def test_the_beat_task_makes_and_drops(settings):
    settings.SAMSPIL_ACCESS_LOG_RETENTION_MONTHS = 12
    assert access_log_partitions_task().startswith("made ")
    assert not partitions.expired()


def test_the_beat_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit-access-log-partitions"]
    assert entry["task"] == "samspil.audit.access_log_partitions"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's answer")
def test_on_sqlite_the_commands_say_so():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("audit_retention", "--dry-run", stdout=StringIO())
    out = StringIO()
    call_command("audit_partitions", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert access_log_partitions_task() == "not partitioned"
