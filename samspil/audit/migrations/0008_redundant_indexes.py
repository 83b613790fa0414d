"""An event's and a change-log row's pathway, and a change-log row's content type, lose their single-column indexes:
each leads a composite index ((pathway, created_at), (content_type, object_id)), which serves the look-ups and the
foreign-key checks as well, and every change wrote both."""

import django.db.models.deletion
from django.db import migrations, models

# (index, table, column): the single-column indexes Django made for these foreign keys.
INDEXES = [
    ("audit_auditevent_pathway_id_0615cfed", "audit_auditevent", "pathway_id"),
    ("audit_changelogentry_content_type_id_2a4f306c", "audit_changelogentry", "content_type_id"),
    ("audit_changelogentry_pathway_id_6d80ac42", "audit_changelogentry", "pathway_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_access_log_no_fk_constraints"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pathways", "0007_content_generation"),
    ]

    operations = [
        # Only the indexes go: Django's AlterField would also drop and re-add (and so re-check) the foreign keys, a
        # scan of the whole table, and on SQLite copy the table.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [f"DROP INDEX IF EXISTS {name}" for name, _table, _column in INDEXES],
                    reverse_sql=[
                        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})" for name, table, column in INDEXES
                    ],
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="pathway",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pathways.pathway",
                        verbose_name="pathway",
                    ),
                ),
                migrations.AlterField(
                    model_name="changelogentry",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                migrations.AlterField(
                    model_name="changelogentry",
                    name="pathway",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pathways.pathway",
                        verbose_name="pathway",
                    ),
                ),
            ],
        ),
    ]
