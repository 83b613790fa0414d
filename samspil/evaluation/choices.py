"""The enumerations of measurement rounds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    FOLLOW_UP = "follow_up", _("Follow-up")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class CohortRule(models.TextChoices):
    """How the baseline picks its cohort (the follow-ups keep the baseline's)."""

    OPENED_BETWEEN = "opened_between", _("Pathways opened between two dates")
    OPEN_ON = "open_on", _("Pathways open on the round's date")


class AnsweredVia(models.TextChoices):
    PORTAL = "portal", _("The citizen in the portal")
    CASEWORKER = "caseworker", _("With a caseworker")
