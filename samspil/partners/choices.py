from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerLevel(models.TextChoices):
    """What the coordinator lets an invited external professional do with a pathway."""

    READ = "read", _("May read")
    WRITE = "write", _("May read and write")


class InvitationState(models.TextChoices):
    """Where an invitation stands (worked out from its dates, never stored)."""

    PENDING = "pending", _("Invited, not yet accepted")
    EXPIRED = "expired", _("The invitation has expired")
    ACCEPTED = "accepted", _("Has access")
    ENDED = "ended", _("Access ended")
