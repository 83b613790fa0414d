from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardianRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    OTHER_CUSTODY = "other_custody", _("Other custody holder")


class HouseholdRole(models.TextChoices):
    ADULT = "adult", _("Adult")
    CHILD = "child", _("Child")
