"""Copy the service's department onto each intervention, so moving a service later does not move past costs."""

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    Intervention = apps.get_model("economy", "Intervention")
    for intervention in Intervention.objects.filter(service_department__isnull=True).select_related("service"):
        Intervention.objects.filter(pk=intervention.pk).update(service_department_id=intervention.service.department_id)


class Migration(migrations.Migration):
    dependencies = [
        ("economy", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="intervention",
            name="service_department",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.department",
                verbose_name="department of the service",
                help_text="The service's department when it was granted: moving the service later does not move this.",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="intervention",
            name="service_department",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.department",
                verbose_name="department of the service",
                help_text="The service's department when it was granted: moving the service later does not move this.",
            ),
        ),
    ]
