from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentGiverRole(models.TextChoices):
    CITIZEN = "citizen", _("The citizen")
    CUSTODY_HOLDER = "custody_holder", _("Custody holder")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("Written")
    DIGITAL = "digital", _("Digital (MitID)")
    ORAL = "oral", _("Oral, noted in the file")
