from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalLevel(models.TextChoices):
    """What the coordinator lets one person (the citizen or a custody holder) do with a pathway in the portal."""

    NONE = "none", _("No portal access")
    READ = "read", _("May read")
    WRITE = "write", _("May read and write")


class Capacity(models.TextChoices):
    """Why a portal account reaches a pathway."""

    SELF = "self", _("Your own pathway")
    CUSTODY = "custody", _("As custody holder")
    PARTNER = "partner", _("Invited partner")


class PortalActor(models.TextChoices):
    """Who wrote something through the portal, as the team's timeline names them after their name (the values are
    those of `Capacity`): "Anna Jensen (borgeren, via portalen) skrev egne ønsker …"."""

    SELF = "self", _("the citizen, via the portal")
    CUSTODY = "custody", _("custody holder, via the portal")
