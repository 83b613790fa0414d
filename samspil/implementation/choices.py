"""Enumerations of programme management (the implementation organisation, the change theory, the plan)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    """Seed 002's leader and implementation groups; seed 004's (Figur 3.1) steering group, implementation team and
    the working groups the implementation team sets up for specific activities or challenges; seed 003's
    coordination group of department heads."""

    LEADER_GROUP = "leader_group", _("Cross-disciplinary leader group")
    IMPLEMENTATION_GROUP = "implementation_group", _("Implementation group")
    STEERING_GROUP = "steering_group", _("Steering group")
    IMPLEMENTATION_TEAM = "implementation_team", _("Implementation team")
    WORKING_GROUP = "working_group", _("Working group")
    # Seed 003 (Én familie – én indgang, p. 6): the department heads meet once a month about the model's families.
    COORDINATION_GROUP = "coordination_group", _("Cross-disciplinary coordination group")


# Seed 003 p. 6: the coordination group "mødes fast én gang om måneden".
COORDINATION_GROUP_CADENCE_DAYS = 30


class Responsibility(models.TextChoices):
    """The cells of the role and responsibility matrix (RACI)."""

    RESPONSIBLE = "R", _("Responsible (does it)")
    ACCOUNTABLE = "A", _("Accountable (decides)")
    CONSULTED = "C", _("Consulted")
    INFORMED = "I", _("Informed")


class TheoryKind(models.TextChoices):
    """The steps of a change theory, in the order it is read: resources → activities → results."""

    RESOURCE = "resource", _("Resource")
    ACTIVITY = "activity", _("Activity")
    SHORT_TERM = "short_term", _("Short-term result")
    MEDIUM_TERM = "medium_term", _("Medium-term result")
    LONG_TERM = "long_term", _("Long-term result")


RESULT_KINDS = (TheoryKind.SHORT_TERM, TheoryKind.MEDIUM_TERM, TheoryKind.LONG_TERM)


class DocumentationFigure(models.TextChoices):
    """The figures of the documentation model (seed 002) a result of the change theory can point at."""

    CITIZENS = "citizens", _("Documentation model: citizens in the programme")
    IN_EDUCATION = "in_education_share", _("Documentation model: share in education")
    EMPLOYED = "employed_share", _("Documentation model: share employed")
    MEETINGS_MET = "meetings_minimum_met_share", _("Documentation model: share with the minimum of meetings held")
