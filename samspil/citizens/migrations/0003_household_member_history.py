"""A complete family: each household member's relation to the family, the dates of their membership (history kept,
a person may join again), who added and ended it and why. Custody stays on Guardianship.

Existing rows: `member_from` is the household's creation day (in Copenhagen); the relation follows from the role and
the custody on record — per household the first child added is the child the pathway is about, other children are
siblings; an adult holding custody of a child of the household is a parent, one recorded without custody a parent
without custody, any other adult an other adult in the home.
"""

import zoneinfo

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def relations_from_roles(apps, schema_editor):
    Household = apps.get_model("citizens", "Household")
    HouseholdMember = apps.get_model("citizens", "HouseholdMember")
    Guardianship = apps.get_model("citizens", "Guardianship")
    for household in Household.objects.all().iterator():
        members = list(HouseholdMember.objects.filter(household=household).order_by("id"))
        if not members:
            continue
        start = household.created_at.astimezone(COPENHAGEN).date()
        children = [m.citizen_id for m in members if m.role == "child"]
        custody = set(
            Guardianship.objects.filter(child_id__in=children, valid_to__isnull=True, has_custody=True).values_list(
                "guardian_id", flat=True
            )
        )
        without = set(
            Guardianship.objects.filter(child_id__in=children, valid_to__isnull=True, has_custody=False).values_list(
                "guardian_id", flat=True
            )
        )
        index_child = children[0] if children else None
        for member in members:
            if member.role == "child":
                relation = "index_child" if member.citizen_id == index_child else "sibling"
            elif member.citizen_id in custody:
                relation = "parent"
            elif member.citizen_id in without:
                relation = "parent_no_custody"
            else:
                relation = "other_adult"
            HouseholdMember.objects.filter(pk=member.pk).update(relation=relation, member_from=start)


class Migration(migrations.Migration):
    dependencies = [
        ("citizens", "0002_citizen_address_protected"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="householdmember",
            options={
                "ordering": ["member_from", "id"],
                "verbose_name": "household member",
                "verbose_name_plural": "household members",
            },
        ),
        migrations.RemoveConstraint(model_name="householdmember", name="household_member_unique"),
        migrations.AddField(
            model_name="householdmember",
            name="relation",
            field=models.CharField(
                choices=[
                    ("index_child", "The child the pathway is about"),
                    ("sibling", "Sibling"),
                    ("half_sibling", "Half-sibling"),
                    ("parent", "Parent"),
                    ("parent_no_custody", "Parent without custody"),
                    ("step_parent", "Step-parent"),
                    ("foster_parent", "Foster parent"),
                    ("other_adult", "Other adult in the home"),
                    ("other_child", "Other child in the home"),
                ],
                default="other_adult",
                max_length=20,
                verbose_name="relation to the family",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="householdmember",
            name="member_from",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="member from"),
        ),
        migrations.AddField(
            model_name="householdmember",
            name="member_to",
            field=models.DateField(
                blank=True,
                help_text="The day the membership ended: from this day on the person is no longer part of the family.",
                null=True,
                verbose_name="member until",
            ),
        ),
        migrations.AddField(
            model_name="householdmember",
            name="added_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="added by",
            ),
        ),
        migrations.AddField(
            model_name="householdmember",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ended by",
            ),
        ),
        migrations.AddField(
            model_name="householdmember",
            name="end_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason for ending"),
        ),
        migrations.AddField(
            model_name="householdmember",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="version"),
        ),
        migrations.RunPython(relations_from_roles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="householdmember",
            constraint=models.UniqueConstraint(
                condition=Q(("member_to__isnull", True)),
                fields=("municipality", "household", "citizen"),
                name="household_member_one_open_row",
            ),
        ),
        migrations.AddConstraint(
            model_name="householdmember",
            constraint=models.CheckConstraint(
                condition=Q(("member_to__isnull", True), ("member_to__gte", models.F("member_from")), _connector="OR"),
                name="household_member_dates_ordered",
            ),
        ),
    ]
