"""The programme's description for the citizen (the portal), filled in for the five programmes that already exist.

Only empty descriptions are filled, by programme code, from the definitions in `pathways/programmes.py`: a text the
municipality has written itself is left alone, and a programme of its own gets none (it writes one in the admin).
"""

from django.db import migrations, models


def fill_descriptions(apps, schema_editor):
    from samspil.pathways.programmes import DEFINITIONS

    Programme = apps.get_model("pathways", "Programme")
    for definition in DEFINITIONS:
        Programme.objects.filter(code=definition.code, citizen_description="").update(
            citizen_description=definition.citizen_description
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="citizen_description",
            field=models.TextField(
                blank=True,
                help_text="What the programme is, in two sentences of plain language, shown to the citizen in the portal.",
                verbose_name="description for the citizen",
            ),
        ),
        migrations.RunPython(fill_descriptions, migrations.RunPython.noop),
    ]
