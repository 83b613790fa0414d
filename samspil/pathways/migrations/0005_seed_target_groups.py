"""Give the programmes of existing municipalities their target groups (`programmes.TARGET_GROUPS`) and the road to
education its transition-at-18 handover rule. Idempotent: existing groups (by code) and a rule already set are kept.
New municipalities get both from `programmes_seed`."""

from django.db import migrations

ROAD_TO_EDUCATION_HANDOVER = ["adult_social", "job_centre"]


def seed(apps, schema_editor):
    from samspil.pathways.programmes import ROAD_TO_EDUCATION, TARGET_GROUPS

    Programme = apps.get_model("pathways", "Programme")
    TargetGroup = apps.get_model("pathways", "TargetGroup")
    for programme in Programme.objects.filter(code__in=list(TARGET_GROUPS)):
        existing = set(TargetGroup.objects.filter(programme=programme).values_list("code", flat=True))
        TargetGroup.objects.bulk_create(
            TargetGroup(
                municipality_id=programme.municipality_id,
                programme=programme,
                code=code,
                name=name,
                description=description,
                position=position,
            )
            for position, (code, name, description) in enumerate(TARGET_GROUPS[programme.code], start=1)
            if code not in existing
        )
    for programme in Programme.objects.filter(code=ROAD_TO_EDUCATION):
        if not programme.transition_handover_department_kinds:
            programme.transition_handover_department_kinds = ROAD_TO_EDUCATION_HANDOVER
            programme.save(update_fields=["transition_handover_department_kinds"])


class Migration(migrations.Migration):
    dependencies = [("pathways", "0004_programme_transition_handover")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
