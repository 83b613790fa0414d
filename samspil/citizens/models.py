import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.citizens import cpr
from samspil.citizens.choices import GuardianRelation, HouseholdRelation, HouseholdRole
from samspil.core.models import ScopedQuerySet, TenantModel

ADULT_AGE = 18


def years_between(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def eighteenth_birthday(born: datetime.date) -> datetime.date:
    """The day a person born on `born` comes of age: the birthday 18 years on (1 March for a 29 February in a common
    year)."""
    try:
        return born.replace(year=born.year + ADULT_AGE)
    except ValueError:
        return datetime.date(born.year + ADULT_AGE, 3, 1)


def adult_birth_date_limit() -> datetime.date:
    """Citizens born after this date are minors today."""
    return years_ago(timezone.localdate(), ADULT_AGE)


def citizen_pathways(citizen_id: int, through: str = "pk") -> Q:
    """A filter on `Pathway`: the pathways about the citizen whose `through` (a lookup from the citizen) is
    `citizen_id`, alone or as a member of a family (`ChangeLogged.change_log_shown_on`)."""
    return Q(**{f"citizen__{through}": citizen_id}) | Q(**{f"household__memberships__citizen__{through}": citizen_id})


class Citizen(ChangeLogged, TenantModel):
    """A citizen. The CPR number is stored encrypted and found through a keyed blind index."""

    first_name = models.CharField(_("first name(s)"), max_length=120)
    last_name = models.CharField(_("last name"), max_length=120)
    cpr_encrypted = models.TextField(_("CPR number (encrypted)"), editable=False)
    cpr_index = models.CharField(_("CPR blind index"), max_length=64, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    address_protected = models.BooleanField(
        _("protected name and address"),
        default=False,
        help_text=_(
            "Navne- og adressebeskyttelse: the address is never shown to other citizens (a parent never sees the "
            "other parent's address) and never leaves the municipality."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    change_log_redacted = frozenset({"cpr_encrypted", "cpr_index"})

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "cpr_index"], name="citizen_unique_cpr"),
        ]
        indexes = [models.Index(fields=["municipality", "last_name", "first_name"])]

    def change_log_shown_on(self) -> Q:
        """The pathways about the citizen (alone or in a family) and about children they hold custody of."""
        return citizen_pathways(self.pk) | citizen_pathways(self.pk, through="guardianships__guardian_id")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def set_cpr(self, digits: str) -> None:
        self.cpr_encrypted = cpr.encrypt(digits)
        self.cpr_index = cpr.blind_index(digits)
        self.birth_date = cpr.birth_date(digits)

    @property
    def cpr_masked(self) -> str:
        return f"{self.birth_date:%d%m%y}-••••"

    def reveal_cpr(self) -> str:
        """The CPR number in clear. Call only from a service that logs the reveal."""
        return cpr.formatted(cpr.decrypt(self.cpr_encrypted))

    @property
    def age(self) -> int:
        return years_between(self.birth_date, timezone.localdate())

    @property
    def is_minor(self) -> bool:
        return self.age < ADULT_AGE

    @property
    def address(self) -> str:
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street, place) if part)


def custody_held_on(on: datetime.date) -> Q:
    """For Guardianship rows: custody held on `on` (begun, not ended). The one rule of the portal, the portal rights
    and who may consent as custody holder."""
    return Q(has_custody=True, valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class Guardianship(ChangeLogged, TenantModel):
    """A custody holder (or parent) of a minor citizen."""

    child = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="guardianships", verbose_name=_("child"))
    guardian = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="wards", verbose_name=_("guardian"))
    relation = models.CharField(_("relation"), max_length=20, choices=GuardianRelation.choices)
    has_custody = models.BooleanField(_("has custody"), default=True)
    valid_from = models.DateField(_("from"), default=timezone.localdate)
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "child", "guardian", "valid_from"], name="guardianship_unique"
            ),
            models.CheckConstraint(condition=~Q(child=models.F("guardian")), name="guardianship_not_self"),
        ]

    def change_log_shown_on(self) -> Q:
        return citizen_pathways(self.child_id)

    def __str__(self):
        return f"{self.guardian} → {self.child}"


class Household(ChangeLogged, TenantModel):
    """A family treated as one unit, for pathways that have one plan for the whole family."""

    name = models.CharField(_("name"), max_length=160)
    members = models.ManyToManyField(
        Citizen, through="HouseholdMember", related_name="households", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name"]

    def change_log_shown_on(self) -> Q:
        return Q(household_id=self.pk)

    def __str__(self):
        return self.name


def household_member_current_on(on: datetime.date, prefix: str = "") -> Q:
    """For HouseholdMember rows (or through a relation, with `prefix` such as "household__memberships__"): a member
    of the family on `on` — joined on or before that day and not ended by it. `member_to` is the day the membership
    ended (the member moved out or was registered in error): from that day on they are no longer a member.

    The one rule of "a member of the family now": the pathway's subjects, portal access, meeting invitations,
    consent givers and the plan's member choices all read it."""
    return Q(**{f"{prefix}member_from__lte": on}) & (
        Q(**{f"{prefix}member_to__isnull": True}) | Q(**{f"{prefix}member_to__gt": on})
    )


class HouseholdMemberQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None):
        """The memberships in force on `on` (today by default)."""
        return self.filter(household_member_current_on(on or timezone.localdate()))


class HouseholdMember(ChangeLogged, TenantModel):
    """A person living in a family's home, with their relation to the family, from a date and (when it ended) to one.

    Ended rows are kept as the family's history; a person can join again later (a new row). Only one open row per
    person and household. Custody is separate: `Guardianship` says who holds custody, whether or not they live here.
    """

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("household")
    )
    citizen = models.ForeignKey(
        Citizen, on_delete=models.PROTECT, related_name="household_memberships", verbose_name=_("citizen")
    )
    role = models.CharField(_("role"), max_length=10, choices=HouseholdRole.choices)
    relation = models.CharField(_("relation to the family"), max_length=20, choices=HouseholdRelation.choices)
    member_from = models.DateField(_("member from"), default=timezone.localdate)
    member_to = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("The day the membership ended: from this day on the person is no longer part of the family."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["member_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "household", "citizen"],
                condition=Q(member_to__isnull=True),
                name="household_member_one_open_row",
            ),
            models.CheckConstraint(
                condition=Q(member_to__isnull=True) | Q(member_to__gte=models.F("member_from")),
                name="household_member_dates_ordered",
            ),
        ]

    def change_log_shown_on(self) -> Q:
        return Q(household_id=self.household_id)

    def __str__(self):
        return f"{self.citizen} ({self.get_relation_display() or self.get_role_display()})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.member_from <= on and (self.member_to is None or self.member_to > on)
