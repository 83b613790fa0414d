from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceUnit(models.TextChoices):
    """How a service is priced. Per month and per hour are recurring; one-off is paid once."""

    PER_MONTH = "per_month", _("per month")
    PER_HOUR = "per_hour", _("per hour")
    ONE_OFF = "one_off", _("one-off")


RECURRING_UNITS = frozenset({ServiceUnit.PER_MONTH, ServiceUnit.PER_HOUR})


class ProgrammeElement(models.TextChoices):
    """The elements of a programme whose operating costs are registered month by month."""

    IMPLEMENTATION_TEAM = "implementation_team", _("Implementation team")
    OUTREACH_CASEWORK = "outreach_casework", _("Outreach casework")
    OUTREACH_SUBSTANCE_ABUSE = "outreach_substance_abuse", _("Outreach substance-abuse work")
    SUPPORT_CONTACT = "support_contact", _("Support and contact persons")
    GROUP_ACTIVITIES = "group_activities", _("Group activities")
    PROJECT_MANAGEMENT = "project_management", _("Project management")


class Law(models.TextChoices):
    """The laws a free-municipality exemption may be used from (short names, as caseworkers write them).

    Seed 001's application (Bilag 1) names LAB (*lov om en aktiv beskæftigelsesindsats*), Styringsloven (*lov om
    organisering og understøttelse af beskæftigelsesindsatsen*), LAS (*lov om aktiv socialpolitik*) and
    Sygedagpengeloven; the stored values never change (the report groups on them).
    """

    LAB = "LAB", "LAB"
    SEL = "SEL", "SEL"
    BARNETS_LOV = "Barnets Lov", "Barnets Lov"
    LAS = "LAS", "LAS"
    SUNDHEDSLOVEN = "Sundhedsloven", "Sundhedsloven"
    STYRINGSLOVEN = "Styringsloven", "Styringsloven"
    SYGEDAGPENGELOVEN = "Sygedagpengeloven", "Sygedagpengeloven"


class ReviewStatus(models.TextChoices):
    """Where a controller's review of a pathway's financing stands (seed 003 p. 11: "et tættere samarbejde mellem
    sagsbehandlere og controllere")."""

    OPEN = "open", _("Awaiting the controller")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewVerdict(models.TextChoices):
    AGREES = "agrees", _("Agrees with the split")
    OTHER_SPLIT = "other_split", _("Proposes another split")


class ReviewSharePart(models.TextChoices):
    """Whose split a share of a review belongs to: the one proposed with the request, or the controller's."""

    PROPOSAL = "proposal", _("Proposed split")
    COUNTER = "counter", _("The controller's split")
