"""Plan versions as deltas: a version is stored whole (`snapshot`, a checkpoint) or as the changes from the version
before it (`delta`, on its chain from `checkpoint_number`). Every existing version has its snapshot: a checkpoint,
so no data is migrated. The append-only guard (audit/0004, plans/0003) compares whole rows, new columns included.
A goal's next position is read on the new (plan, position) index."""

from django.db import migrations, models

import samspil.plans.models


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_revision_guard_own_response")]

    operations = [
        migrations.AddField(
            model_name="planrevision",
            name="checkpoint_number",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The version whose stored snapshot this one builds on.",
                null=True,
                verbose_name="checkpoint",
            ),
        ),
        migrations.AddField(
            model_name="planrevision",
            name="delta",
            field=models.JSONField(blank=True, null=True, verbose_name="changes from the version before"),
        ),
        migrations.AlterField(
            model_name="planrevision",
            name="snapshot",
            field=samspil.plans.models.SnapshotField(
                blank=True, db_column="snapshot", null=True, verbose_name="content"
            ),
        ),
        migrations.AddConstraint(
            model_name="planrevision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("snapshot__isnull", False),
                    models.Q(("checkpoint_number__isnull", False), ("delta__isnull", False)),
                    _connector="OR",
                ),
                name="plan_revision_snapshot_or_delta",
            ),
        ),
        migrations.AddIndex(
            model_name="goal",
            index=models.Index(fields=["plan", "position"], name="plans_goal_plan_id_bee59d_idx"),
        ),
    ]
