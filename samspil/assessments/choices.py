"""Enumerations of the joint assessment (*tværfaglig udredning*)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """The assessment methods the models name (DOMAIN.md, seed 003 p. 7 and 10)."""

    ICS = "ics", _("ICS (children)")
    VUM = "vum", _("VUM 2.0 (adults)")
    RESOURCE_PROFILE = "resource_profile", _("Resource profile (job centre)")


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPILED = "compiled", _("Compiled, awaiting approval")
    APPROVED = "approved", _("Approved")


class StudyKind(models.TextChoices):
    """The investigations the team decides to make as part of the assessment (seed 003 p. 4: "fx en børnefaglig
    undersøgelse")."""

    CHILD_STUDY = "child_study", _("Child welfare investigation (børnefaglig undersøgelse)")
    PARENTING_CAPACITY = "parenting_capacity", _("Parenting capacity investigation")
    PPR = "ppr", _("Educational psychological assessment (PPR)")
    HEALTH = "health", _("Health information")
    VUM = "vum", _("Adult assessment (VUM 2.0)")
    RESOURCE_PROFILE = "resource_profile", _("Resource profile")
    OTHER = "other", _("Other investigation")


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    CONCERN = "concern", _("Concern")
    NEED = "need", _("Need")
