"""The access log at national scale: on PostgreSQL, partitioned by month on `created_at`, with fewer indexes.

On PostgreSQL the table is rebuilt as a partitioned table (RANGE on `created_at`, one partition per calendar month
in UTC, named `audit_accesslogentry_pYYYYMM`, and a DEFAULT partition so no row is ever refused):

- the primary key is `(id, created_at)` — a partitioned table's unique keys must include the partition key; Django
  keeps `id` as the model's primary key (ids come from the same identity sequence, continued from the old table,
  and nothing has a foreign key to the access log);
- the rows are copied, the old table dropped, and only the indexes the readers use are built: `(citizen,
  created_at)` (the citizen's insight page), `(pathway, created_at)` (the coordinator's access-log page, the
  experts' reads), `(actor, created_at)` (a review of what one employee has read, and the PROTECT check when a user
  is deleted) and `(subject_index, created_at)` where `subject_index <> ''` (reads by blind index);
- the foreign keys are made again here (PostgreSQL 15 allows them on a partitioned table); 0007 then drops their
  constraints, after measuring what they cost on insert;
- the append-only row trigger on the parent is cloned by PostgreSQL to every partition; the TRUNCATE statement
  trigger is not, so `samspil_access_log_partition(month)` creates it on each partition it makes;
- partitions are made for 24 months back and 3 ahead of the migration's Python clock (`timezone.now()`), and
  `manage.py audit_partitions` (Celery beat, daily) keeps making the coming months'. A row for a month without a
  partition lands in the DEFAULT partition; making that month's partition later moves such rows into it (detach
  the default, make the month, attach a new default, re-insert the old default's rows through the parent, drop the
  detached table: rows are never UPDATEd or DELETEd).

On SQLite nothing is partitioned; the two new indexes are added.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.utils import timezone

TABLE = "audit_accesslogentry"
MONTHS_BACK, MONTHS_AHEAD = 24, 3

# Makes the partition for the month of `month` (idempotent; returns whether it made one). Month bounds in UTC.
PARTITION_FUNCTION = """
CREATE OR REPLACE FUNCTION samspil_access_log_partition(month date) RETURNS boolean AS $$
DECLARE
    first_day timestamptz := (date_trunc('month', month)::timestamp) AT TIME ZONE 'UTC';
    next_day timestamptz := ((date_trunc('month', month) + interval '1 month')::timestamp) AT TIME ZONE 'UTC';
    name text := 'audit_accesslogentry_p' || to_char(month, 'YYYYMM');
    moving boolean := false;
BEGIN
    IF to_regclass(quote_ident(name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    IF to_regclass('audit_accesslogentry_default') IS NOT NULL AND EXISTS (
        SELECT 1 FROM audit_accesslogentry_default WHERE created_at >= first_day AND created_at < next_day
    ) THEN
        -- The default partition holds rows of this month: take it out, make the month, put a new default in,
        -- and send the old default's rows through the parent to where they now belong.
        moving := true;
        ALTER TABLE audit_accesslogentry DETACH PARTITION audit_accesslogentry_default;
        ALTER TABLE audit_accesslogentry_default RENAME TO audit_accesslogentry_default_moving;
    END IF;
    EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_accesslogentry FOR VALUES FROM (%L) TO (%L)', name, first_day, next_day
    );
    EXECUTE format(
        'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION samspil_no_truncate()',
        name || '_no_truncate', name
    );
    IF moving THEN
        PERFORM samspil_access_log_default_partition();
        INSERT INTO audit_accesslogentry SELECT * FROM audit_accesslogentry_default_moving;
        DROP TABLE audit_accesslogentry_default_moving;
    END IF;
    RETURN true;
END;
$$ LANGUAGE plpgsql;
"""

DEFAULT_PARTITION_FUNCTION = """
CREATE OR REPLACE FUNCTION samspil_access_log_default_partition() RETURNS void AS $$
BEGIN
    IF to_regclass('audit_accesslogentry_default') IS NULL THEN
        CREATE TABLE audit_accesslogentry_default PARTITION OF audit_accesslogentry DEFAULT;
        CREATE TRIGGER audit_accesslogentry_default_no_truncate BEFORE TRUNCATE ON audit_accesslogentry_default
            FOR EACH STATEMENT EXECUTE FUNCTION samspil_no_truncate();
    END IF;
END;
$$ LANGUAGE plpgsql;
"""

COLUMNS = (
    "id, created_at, shown, purpose, via, request_id, actor_id, citizen_id, municipality_id, pathway_id, subject_index"
)

INDEXES = {
    "audit_acces_citizen_36864d_idx": "(citizen_id, created_at)",
    "audit_acces_pathway_da2890_idx": "(pathway_id, created_at)",
    "audit_alog_actor_created_idx": "(actor_id, created_at)",
    "audit_alog_subject_index_idx": "(subject_index, created_at) WHERE NOT (subject_index = '')",
}

FOREIGN_KEYS = {
    "actor_id": "accounts_user",
    "citizen_id": "citizens_citizen",
    "municipality_id": "organisations_municipality",
    "pathway_id": "pathways_pathway",
}


def _months(now: datetime.datetime):
    first = now.date().replace(day=1)
    for offset in range(-MONTHS_BACK, MONTHS_AHEAD + 1):
        year, month = divmod(first.year * 12 + first.month - 1 + offset, 12)
        yield datetime.date(year, month + 1, 1)


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        model = apps.get_model("audit", "AccessLogEntry")
        schema_editor.add_index(model, models.Index(fields=["actor", "created_at"], name="audit_alog_actor_created_idx"))
        schema_editor.add_index(
            model,
            models.Index(
                fields=["subject_index", "created_at"],
                name="audit_alog_subject_index_idx",
                condition=~models.Q(subject_index=""),
            ),
        )
        return
    run = schema_editor.execute
    run(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    run(
        f"CREATE TABLE {TABLE}_new (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS) "
        f"PARTITION BY RANGE (created_at)"
    )
    run(f"ALTER TABLE {TABLE}_new ADD CONSTRAINT {TABLE}_new_pkey PRIMARY KEY (id, created_at)")
    # The identity continues where the old table's ended.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{TABLE}', 'id'), pg_get_serial_sequence('{TABLE}_new', 'id')")
        old_sequence, new_sequence = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {old_sequence}")  # noqa: S608
        last_value, is_called = cursor.fetchone()
    run("SELECT setval(%s, %s, %s)", [new_sequence, last_value, is_called])
    run(f"ALTER TABLE {TABLE} RENAME TO {TABLE}_unpartitioned")
    run(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
    run(DEFAULT_PARTITION_FUNCTION, params=None)
    run(PARTITION_FUNCTION, params=None)
    run("SELECT samspil_access_log_default_partition()")
    for month in _months(timezone.now()):
        run("SELECT samspil_access_log_partition(%s)", [month])
    run(f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}_unpartitioned")  # noqa: S608
    run(f"DROP TABLE {TABLE}_unpartitioned")
    run(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {TABLE}_new_pkey TO {TABLE}_pkey")
    run(f"ALTER SEQUENCE {new_sequence} RENAME TO {TABLE}_id_seq")
    for name, definition in INDEXES.items():
        using, _, where = definition.partition(" WHERE ")
        run(f"CREATE INDEX {name} ON {TABLE} {using}" + (f" WHERE {where}" if where else ""))
    for column, target in FOREIGN_KEYS.items():
        run(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_{column}_fk FOREIGN KEY ({column}) REFERENCES {target} (id) "
            f"DEFERRABLE INITIALLY DEFERRED"
        )
    # Row triggers on the parent are cloned to every partition, now and later; TRUNCATE triggers are per table.
    run(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION samspil_append_only()"
    )
    run(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION samspil_no_truncate()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        raise IrreversibleError("The partitioned access log is not turned back into one table.")
    model = apps.get_model("audit", "AccessLogEntry")
    for name in ("audit_alog_actor_created_idx", "audit_alog_subject_index_idx"):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def _fk(to, verbose_name, *, null):
    return models.ForeignKey(
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to=to,
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("audit", "0005_portal_access_bases"),
        ("citizens", "0001_initial"),
        ("organisations", "0001_initial"),
        ("pathways", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry", name="actor", field=_fk(settings.AUTH_USER_MODEL, "who", null=False)
                ),
                migrations.AlterField(
                    model_name="accesslogentry", name="citizen", field=_fk("citizens.citizen", "citizen", null=True)
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="municipality",
                    field=_fk("organisations.municipality", "municipality", null=False),
                ),
                migrations.AlterField(
                    model_name="accesslogentry", name="pathway", field=_fk("pathways.pathway", "pathway", null=True)
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="created_at",
                    field=models.DateTimeField(auto_now_add=True, verbose_name="when"),
                ),
                migrations.AlterField(
                    model_name="accesslogentry",
                    name="subject_index",
                    field=models.CharField(blank=True, max_length=64, verbose_name="CPR blind index"),
                ),
                migrations.AddIndex(
                    model_name="accesslogentry",
                    index=models.Index(fields=["actor", "created_at"], name="audit_alog_actor_created_idx"),
                ),
                migrations.AddIndex(
                    model_name="accesslogentry",
                    index=models.Index(
                        condition=models.Q(("subject_index", ""), _negated=True),
                        fields=["subject_index", "created_at"],
                        name="audit_alog_subject_index_idx",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
