from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingType(models.TextChoices):
    START = "start", _("Start meeting")
    STATUS = "status", _("Status meeting")
    ANALYSIS = "analysis", _("Analysis meeting (without the citizen or family)")
    NETWORK = "network", _("Network meeting")
    TRANSITION_18 = "transition_18", _("Transition meeting at 18")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# Held without the citizen or family: never invites them, never counts toward the citizen minimum, and its
# minutes never reach anything the citizen sees.
WITHOUT_CITIZEN = frozenset({MeetingType.ANALYSIS})
# The meetings that restart the programme's status-meeting cadence.
CADENCE_TYPES = (MeetingType.START, MeetingType.STATUS)
