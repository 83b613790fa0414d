from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseloadMeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    """Seed 003 p. 5: the status meeting is held as a physical meeting, not by collecting status notes."""

    IN_PERSON = "in_person", _("Present in person")
    REMOTE = "remote", _("Took part online")
    ABSENT = "absent", _("Absent")


class Change(models.TextChoices):
    """What makes a family come up at the caseload status meeting (a change since the last one)."""

    PLAN_VERSION = "plan_version", _("New plan version")
    OVERDUE_AGREEMENT = "overdue_agreement", _("Overdue agreements")
    FINANCING_DECISION = "financing_decision", _("New financing decision")
    STATUS_CHANGE = "status_change", _("Status change")
    NEW_CASE = "new_case", _("New in the caseload")
