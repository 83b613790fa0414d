from django.db import models
from django.utils.translation import gettext_lazy as _


class GuardianRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    OTHER_CUSTODY = "other_custody", _("Other custody holder")


class HouseholdRole(models.TextChoices):
    ADULT = "adult", _("Adult")
    CHILD = "child", _("Child")


class HouseholdRelation(models.TextChoices):
    """How a member of a family pathway's household is related to the family: who lives in the home, in the words of
    case work. Custody is not a relation here: it is recorded on `Guardianship`, apart from who lives in the home."""

    INDEX_CHILD = "index_child", _("The child the pathway is about")
    SIBLING = "sibling", _("Sibling")
    HALF_SIBLING = "half_sibling", _("Half-sibling")
    PARENT = "parent", _("Parent")
    PARENT_WITHOUT_CUSTODY = "parent_no_custody", _("Parent without custody")
    STEP_PARENT = "step_parent", _("Step-parent")
    FOSTER_PARENT = "foster_parent", _("Foster parent")
    OTHER_ADULT = "other_adult", _("Other adult in the home")
    OTHER_CHILD = "other_child", _("Other child in the home")


CHILD_RELATIONS = frozenset(
    {
        HouseholdRelation.INDEX_CHILD,
        HouseholdRelation.SIBLING,
        HouseholdRelation.HALF_SIBLING,
        HouseholdRelation.OTHER_CHILD,
    }
)


def role_of_relation(relation: str) -> str:
    """The member's generation in the family (`HouseholdRole`), which follows from the relation."""
    return HouseholdRole.CHILD if relation in CHILD_RELATIONS else HouseholdRole.ADULT
