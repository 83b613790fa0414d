"""An agreement's goal, pathway and owner, and a plan version's pathway, lose their single-column indexes: each leads an
index of the model's Meta.indexes ((goal, due_on, id), (pathway, status, due_on), (owner, status), (pathway,
saved_at)), which serves the look-ups and the foreign-key checks as well, and every saved agreement and version wrote
all of them."""

import django.db.models.deletion
from django.db import migrations, models

# (index, table, column): the single-column indexes Django made for these foreign keys.
INDEXES = [
    ("plans_agreement_goal_id_b077da3c", "plans_agreement", "goal_id"),
    ("plans_agreement_owner_id_7c0ee98e", "plans_agreement", "owner_id"),
    ("plans_agreement_pathway_id_0f94776a", "plans_agreement", "pathway_id"),
    ("plans_planrevision_pathway_id_102b9f7b", "plans_planrevision", "pathway_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0007_content_generation"),
        ("plans", "0005_agreement_goal_order"),
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
                    model_name="agreement",
                    name="goal",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreements",
                        to="plans.goal",
                        verbose_name="goal",
                    ),
                ),
                migrations.AlterField(
                    model_name="agreement",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agreements",
                        to="pathways.teammember",
                        verbose_name="team member",
                    ),
                ),
                migrations.AlterField(
                    model_name="agreement",
                    name="pathway",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pathways.pathway",
                        verbose_name="pathway",
                    ),
                ),
                migrations.AlterField(
                    model_name="planrevision",
                    name="pathway",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pathways.pathway",
                        verbose_name="pathway",
                    ),
                ),
            ],
        ),
    ]
