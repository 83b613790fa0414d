"""The drop-in-centre model's vocabulary (seed 004, KORA: *Styrkelse af værestedernes rolle*).

The element codes are the ones the import file uses (`import_outreach`); the English labels translate to the seed's
own words: *fremskudt sagsbehandling*, *fremskudt misbrugsindsats*, *styrket SKP-ordning*, *holdbaserede aktiviteter*.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.economy.choices import ProgrammeElement


class Element(models.TextChoices):
    OUTREACH_CASEWORK = "fremskudt_sagsbehandling", _("Outreach casework")
    OUTREACH_SUBSTANCE_ABUSE = "fremskudt_misbrugsindsats", _("Outreach substance-abuse work")
    SUPPORT_CONTACT = "skp", _("Strengthened support and contact person scheme")
    GROUP_ACTIVITIES = "holdbaseret", _("Group activities")


# The operating-cost element (`economy.OperatingCost.element`) each outreach element's *enhedsudgift* is taken from.
COST_ELEMENT = {
    Element.OUTREACH_CASEWORK: ProgrammeElement.OUTREACH_CASEWORK,
    Element.OUTREACH_SUBSTANCE_ABUSE: ProgrammeElement.OUTREACH_SUBSTANCE_ABUSE,
    Element.SUPPORT_CONTACT: ProgrammeElement.SUPPORT_CONTACT,
    Element.GROUP_ACTIVITIES: ProgrammeElement.GROUP_ACTIVITIES,
}

# The elements a conversation is registered under (group activities have sessions and participants instead).
CONVERSATION_ELEMENTS = (Element.OUTREACH_CASEWORK, Element.OUTREACH_SUBSTANCE_ABUSE, Element.SUPPORT_CONTACT)


class AgreementSide(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    CENTRE = "centre", _("Drop-in centre")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Identity(models.TextChoices):
    """Who the citizen of a conversation is: nobody knows (anonymous), the centre's name for them, or their CPR."""

    ANONYMOUS = "anonymous", _("Anonymous")
    PSEUDONYM = "pseudonym", _("Known by the centre's name for them")
    REGISTERED = "registered", _("Registered (CPR number)")


class Origin(models.TextChoices):
    """How the contact came about."""

    CITIZEN = "citizen", _("The citizen approached the staff member")
    DROP_IN_STAFF = "drop_in_staff", _("The drop-in centre's staff made the contact")
    OUTREACH = "outreach", _("The staff member approached the citizen")
    SUPPORT_CONTACT = "support_contact", _("Through a support and contact person")
    APPOINTMENT = "appointment", _("Agreed in advance")
    OTHER = "other", _("Other")


class Topic(models.TextChoices):
    """What the conversation was about (one or more)."""

    EMPLOYMENT = "employment", _("Work and employment")
    BENEFITS = "benefits", _("Benefits and income")
    HOUSING = "housing", _("Housing")
    SUBSTANCE_USE = "substance_use", _("Alcohol and drugs")
    HEALTH = "health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    ECONOMY = "economy", _("Finances and debt")
    NETWORK = "network", _("Network and relationships")
    EDUCATION = "education", _("Education")
    PRACTICAL = "practical", _("Letters and practical help")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    """What was decided on the spot (*myndighedsafgørelser på stedet*)."""

    VISITATION = "visitation", _("Referral to an offer (visitation)")
    ACTION_PLAN = "action_plan", _("Action plan (handleplan)")
    ONE_OFF_GRANT = "one_off_grant", _("One-off grant")
    TREATMENT = "treatment", _("Referral to treatment")
    NONE = "none", _("No decision")


class FollowUp(models.TextChoices):
    NONE = "none", _("No follow-up")
    NEW_CONVERSATION = "new_conversation", _("New conversation at the centre")
    AT_DEPARTMENT = "at_department", _("Meeting at the department")
    HANDED_OVER = "handed_over", _("Handed over to another caseworker")
    OTHER = "other", _("Other")


class Rating(models.IntegerChoices):
    """KORA's citizen form: *1) Meget lav grad … 5) Meget høj grad*."""

    VERY_LOW = 1, _("1) To a very low degree")
    LOW = 2, _("2) To a low degree")
    SOME = 3, _("3) To some degree")
    HIGH = 4, _("4) To a high degree")
    VERY_HIGH = 5, _("5) To a very high degree")


# The three questions of the citizen's form, by field name.
RATING_QUESTIONS = (
    ("safe", _("Did you feel safe and welcome in the conversation?")),
    ("relevant", _("Was the content of the conversation relevant to your situation?")),
    ("place", _("How much did it matter that the conversation took place at the drop-in centre?")),
)


class RatingSource(models.TextChoices):
    LINK = "link", _("The citizen, through the link")
    PAPER = "paper", _("Typed in from the paper form")
    IMPORT = "import", _("Imported")


class AppointmentPlace(models.TextChoices):
    CENTRE = "centre", _("At the drop-in centre")
    OFFICE = "office", _("At the department")


class AppointmentOutcome(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled in time")
    NO_SHOW = "no_show", _("Did not show")
