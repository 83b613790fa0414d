"""Where a citizen stands (*status*), recorded as dated history, and how a pathway ended.

The categories are those of seed 002's documentation model (education and employment status over time) and of seed
001's objective outcomes (work or education, benefit, substance abuse, housing). The groupings below are the one
definition of "in education" and "employed" every figure uses (`results.documentation`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatusOccasion(models.TextChoices):
    START = "start", _("Start of the pathway")
    STATUS_MEETING = "status_meeting", _("Status meeting")
    CLOSING = "closing", _("Closing")
    OTHER = "other", _("Other update")


class EducationEmployment(models.TextChoices):
    NONE = "none", _("Not in education or work")
    PRIMARY_SCHOOL = "primary_school", _("Primary school")
    PREPARATORY = "preparatory", _("Preparatory education (FGU and the like)")
    UPPER_SECONDARY = "upper_secondary", _("Upper-secondary or vocational education")
    HIGHER_EDUCATION = "higher_education", _("Higher education")
    EMPLOYED = "employed", _("Ordinary employment")
    SUBSIDISED_EMPLOYMENT = "subsidised_employment", _("Job with wage subsidy or flexjob")
    BENEFIT = "benefit", _("On a benefit")


IN_EDUCATION = frozenset(
    {
        EducationEmployment.PRIMARY_SCHOOL,
        EducationEmployment.PREPARATORY,
        EducationEmployment.UPPER_SECONDARY,
        EducationEmployment.HIGHER_EDUCATION,
    }
)
EMPLOYED = frozenset({EducationEmployment.EMPLOYED, EducationEmployment.SUBSIDISED_EMPLOYMENT})


class Benefit(models.TextChoices):
    """The benefit a citizen receives when their status is "on a benefit"."""

    SOCIAL_ASSISTANCE = "social_assistance", _("Social assistance (kontanthjælp)")
    EDUCATION_ASSISTANCE = "education_assistance", _("Education assistance (uddannelseshjælp)")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sickness benefit (sygedagpenge)")
    RESOURCE_PROGRAMME = "resource_programme", _("Resource programme benefit (ressourceforløbsydelse)")
    JOB_CLARIFICATION = "job_clarification", _("Job clarification benefit (jobafklaringsydelse)")
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit", _("Unemployment benefit (dagpenge)")
    FLEXJOB_WAITING = "flexjob_waiting", _("Flexjob waiting benefit (ledighedsydelse)")
    DISABILITY_PENSION = "disability_pension", _("Disability pension (førtidspension)")
    OTHER = "other", _("Other benefit")


class Placement(models.TextChoices):
    """For young people in care: whether they are or were placed outside the home (*anbragt*)."""

    NOT_PLACED = "not_placed", _("Not placed")
    PLACED = "placed", _("Placed (anbragt)")
    PREVIOUSLY_PLACED = "previously_placed", _("Previously placed (tidligere anbragt)")


class PlacementKind(models.TextChoices):
    """Where a young person is (or was last) placed."""

    FOSTER_FAMILY = "foster_family", _("Foster family")
    NETWORK_FOSTER_FAMILY = "network_foster_family", _("Network foster family")
    RESIDENTIAL_INSTITUTION = "residential_institution", _("Residential institution (døgninstitution)")
    SOCIAL_CARE_HOME = "social_care_home", _("Socio-educational home (opholdssted)")
    OWN_ROOM = "own_room", _("Own room or flat (eget værelse)")
    BOARDING_SCHOOL = "boarding_school", _("Boarding school (efterskole)")
    OTHER = "other", _("Other")


class Housing(models.TextChoices):
    OWN_HOME = "own_home", _("Own home")
    WITH_PARENTS = "with_parents", _("With parents or family")
    PLACED = "placed", _("Placed outside the home")
    SUPPORTED_HOUSING = "supported_housing", _("Supported housing (botilbud)")
    SHELTER = "shelter", _("Shelter (forsorgshjem)")
    HOMELESS = "homeless", _("Homeless")
    OTHER = "other", _("Other")


class SubstanceUse(models.TextChoices):
    NONE = "none", _("No substance use problem")
    OCCASIONAL = "occasional", _("Occasional use")
    PROBLEMATIC = "problematic", _("Problematic use")
    IN_TREATMENT = "in_treatment", _("In treatment")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


# "Out of substance abuse" (seed 001's objective outcome): from one of these at the start to NONE or OCCASIONAL now.
SUBSTANCE_PROBLEM = frozenset({SubstanceUse.PROBLEMATIC, SubstanceUse.IN_TREATMENT})


class PathwayOutcome(models.TextChoices):
    """How a pathway ended, required when it is closed (the free-text reason stays beside it)."""

    GOAL_REACHED = "goal_reached", _("Goal reached")
    PARTLY_REACHED = "partly_reached", _("Goal partly reached")
    NOT_REACHED = "not_reached", _("Goal not reached")
    MOVED = "moved", _("Moved away")
    OTHER = "other", _("Other")


# A successful pathway, for "pathway duration of successful pathways" (seed 001).
SUCCESSFUL_OUTCOMES = frozenset({PathwayOutcome.GOAL_REACHED})
