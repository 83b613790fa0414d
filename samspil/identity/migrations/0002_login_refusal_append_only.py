"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE of the refused log-ins in the database itself, with the audit
trails' trigger functions (audit/migrations 0002 and 0004)."""

from django.db import migrations

TABLE = "identity_loginrefusal"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION samspil_append_only()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION samspil_no_truncate()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial"), ("audit", "0004_truncate_and_plan_revision_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
