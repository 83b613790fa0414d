"""A goal's agreements in their order, (goal, due_on, id): the plan reads them so, and a version's delta looks up the
row after a changed one, which without it scanned the agreements by id from the changed one onwards."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('citizens', '0003_household_member_history'),
        ('organisations', '0001_initial'),
        ('pathways', '0007_content_generation'),
        ('plans', '0004_revision_deltas'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['goal', 'due_on', 'id'], name='plans_agree_goal_id_3b9f97_idx'),
        ),
    ]
