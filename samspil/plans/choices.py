"""Enumerations of the shared plan.

Goal types and follow-up results use KL's national code systems (version 2020-09-08) as stored values, so the
data can later be reported in the national formats: goal types are FFB concepts under *Måltype*
(`../shared/data/kl-ffb-codesystem.json`), follow-up results FSIII concepts under *Resultat af opfølgning*
(`../shared/data/kl-fsiii-codesystem.json`). The Danish labels in the catalogue are the code systems' display
texts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

FFB_SYSTEM = "http://kl.dk/fhir/common/caresocial/CodeSystem/FFB"
FSIII_SYSTEM = "http://kl.dk/fhir/common/caresocial/CodeSystem/FSIII"


class LifeArea(models.TextChoices):
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    FAMILY_NETWORK = "family_network", _("Family and network")
    ECONOMY = "economy", _("Economy")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    LEISURE = "leisure", _("Leisure")
    WELLBEING_DEVELOPMENT = "wellbeing_development", _("Well-being and development (children)")
    SCHOOL = "school", _("School (children)")


class GoalType(models.TextChoices):
    """FFB *Måltype* (code system FFB, concept b5257b2d-0fbf-4d00-bf38-d298c8568116)."""

    DEVELOP = "d41c8072-52f8-42b5-9375-ddbea454d27f", _("Develop functioning")
    MAINTAIN = "10752a63-00b4-4958-b7f4-9f3a18f74266", _("Maintain functioning")
    LIMIT_LOSS = "e47c22bd-d88d-48ab-882b-419923e1f44e", _("Limit loss of functioning")


class Horizon(models.TextChoices):
    SHORT = "short", _("Short term")
    LONG = "long", _("Long term")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ACHIEVED = "achieved", _("Achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpResult(models.TextChoices):
    """FSIII *Resultat af opfølgning* (concept E). E4 *Revisitation* is the reassessment of the need."""

    CONTINUE = "E1", _("Continued")
    CHANGE = "E2", _("Changed within the frame")
    END = "E3", _("Ended")
    REASSESS = "E4", _("Reassessed (revisitation)")


class OwnerKind(models.TextChoices):
    TEAM_MEMBER = "team_member", _("A team member (staff, external partner or network person)")
    CITIZEN = "citizen", _("The citizen or a family member")


class AgreementStatus(models.TextChoices):
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")
    CANCELLED = "cancelled", _("Cancelled")


# An agreement can be overdue only while someone is still to do it.
OPEN_AGREEMENT_STATUSES = (AgreementStatus.AGREED, AgreementStatus.IN_PROGRESS)


class PdfEdition(models.TextChoices):
    CITIZEN = "borger", _("Citizen version")
    CASE_FILE = "sag", _("Case-file version")
