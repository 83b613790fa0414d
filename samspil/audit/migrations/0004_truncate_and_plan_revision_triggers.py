"""On PostgreSQL, close what 0002 left open: TRUNCATE of the audit tables, and the plan versions.

- A `BEFORE TRUNCATE` statement trigger on the three audit tables and on `plans_planrevision` refuses to empty
  them (0002's row triggers do not fire on TRUNCATE).
- `plans_planrevision` gets a row trigger that refuses DELETE and every UPDATE except the one the product makes:
  recording the citizen's response (seen, agrees or not, comment, who recorded it) once, on a version that has
  none, with every other column unchanged.

Triggers stop raw SQL and consoles, but the owner of a table can still disable or drop them: run the
application under a role that does not own the tables (`manage.py db_roles`, README "Production").
"""

from django.db import migrations

APPEND_ONLY_TABLES = ["audit_accesslogentry", "audit_changelogentry", "audit_auditevent", "plans_planrevision"]

NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION samspil_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: TRUNCATE is refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

# The columns the citizen's response may set once (PlanRevision.CITIZEN_RESPONSE_FIELDS).
PLAN_REVISION_GUARD = """
CREATE OR REPLACE FUNCTION samspil_plan_revision_guard() RETURNS trigger AS $$
DECLARE
    response_columns text[] := ARRAY[
        'citizen_seen_at', 'citizen_agreed', 'citizen_comment', 'citizen_response_recorded_by_id', 'updated_at'
    ];
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.citizen_seen_at IS NULL
        AND OLD.citizen_agreed IS NULL
        AND OLD.citizen_comment = ''
        AND OLD.citizen_response_recorded_by_id IS NULL
        AND NEW.citizen_seen_at IS NOT NULL
        AND NEW.citizen_response_recorded_by_id IS NOT NULL
        AND (to_jsonb(NEW) - response_columns) = (to_jsonb(OLD) - response_columns)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: only the citizen''s response may be recorded, once', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the "%" in RAISE is not a placeholder.
    schema_editor.execute(NO_TRUNCATE, params=None)
    schema_editor.execute(PLAN_REVISION_GUARD, params=None)
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION samspil_no_truncate()"
        )
    schema_editor.execute(
        "CREATE TRIGGER plans_planrevision_append_only BEFORE UPDATE OR DELETE ON plans_planrevision "
        "FOR EACH ROW EXECUTE FUNCTION samspil_plan_revision_guard()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS plans_planrevision_append_only ON plans_planrevision")
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS samspil_plan_revision_guard()")
    schema_editor.execute("DROP FUNCTION IF EXISTS samspil_no_truncate()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_access_log_subject_index"), ("plans", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
