from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: import nothing if a row is bad")
    SKIP_BAD_ROWS = "skip_bad_rows", _("Skip bad rows: import the good rows and report the bad ones")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Not imported: the file has bad rows")
    FAILED = "failed", _("Failed")


class RuleCombination(models.TextChoices):
    ALL = "all", _("all of the conditions (AND)")
    ANY = "any", _("at least one of the conditions (OR)")


class CitizenType(models.IntegerChoices):
    """KL's citizen types in the models for coherence between employment, health and social services."""

    MUSCULOSKELETAL = 1, _("1: Musculoskeletal disorders")
    MENTAL_SICKNESS_BENEFIT = 2, _("2: Mental illness, on sickness benefit")
    MENTAL_CASH_BENEFIT = 3, _("3: Mental illness, on cash benefit")
    PHYSICAL_AND_MENTAL = 4, _("4: Combined physical and mental disorders")
    DIFFUSE_LIFESTYLE = 5, _("5: Diffuse conditions with lifestyle challenges")
    YOUNG_MENTAL = 6, _("6: Young people with mental illness, possibly with substance abuse")


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TAKEN = "taken", _("Taken on")
    DECLINED = "declined", _("Declined")
