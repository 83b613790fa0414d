from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    STAFF = "staff", _("Staff member")
    CITIZEN = "citizen", _("Citizen or parent")
    PARTNER = "partner", _("External partner")
