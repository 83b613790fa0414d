"""On PostgreSQL, let the plan versions' guard (audit/0004) accept the citizen's own response from the portal.

The response may now also name the person who gave it themselves (`citizen_responded_by_id`). The guard still
refuses DELETE and every UPDATE except setting the empty response columns once, with every other column unchanged;
the new column is one of the response columns, empty before and set only together with the rest.
"""

import importlib

from django.db import migrations

PLAN_REVISION_GUARD = """
CREATE OR REPLACE FUNCTION samspil_plan_revision_guard() RETURNS trigger AS $$
DECLARE
    response_columns text[] := ARRAY[
        'citizen_seen_at', 'citizen_agreed', 'citizen_comment', 'citizen_response_recorded_by_id',
        'citizen_responded_by_id', 'updated_at'
    ];
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.citizen_seen_at IS NULL
        AND OLD.citizen_agreed IS NULL
        AND OLD.citizen_comment = ''
        AND OLD.citizen_response_recorded_by_id IS NULL
        AND OLD.citizen_responded_by_id IS NULL
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
    schema_editor.execute(PLAN_REVISION_GUARD, params=None)  # params=None: the "%" in RAISE is no placeholder


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = importlib.import_module("samspil.audit.migrations.0004_truncate_and_plan_revision_triggers")
    schema_editor.execute(previous.PLAN_REVISION_GUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_truncate_and_plan_revision_triggers"),
        ("plans", "0002_goal_comment_and_own_response"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
