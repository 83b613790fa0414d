from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import PublicIdModel, ScopedQuerySet, TenantModel
from samspil.organisations.choices import DepartmentKind, ExternalOrganisationKind, StaffRole


class Municipality(PublicIdModel):
    """A municipality: the tenant. Every record holding citizen data belongs to exactly one."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(
        _("municipality code"),
        max_length=3,
        unique=True,
        help_text=_("The three-digit municipality code, e.g. 101 for Copenhagen."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(ChangeLogged, TenantModel):
    """An administrative department (*forvaltning / afdeling*) with its own law, plan and IT system."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=DepartmentKind.choices)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name"),
        ]

    def __str__(self):
        return self.name


class Unit(ChangeLogged, TenantModel):
    """A unit (*team / enhed*) inside a department."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="units", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "department", "name"], name="unit_unique_name"),
        ]

    def __str__(self):
        return f"{self.department} · {self.name}"


class MembershipQuerySet(ScopedQuerySet):
    def current(self):
        today = timezone.localdate()
        return self.filter(Q(active_from__lte=today), Q(active_to__isnull=True) | Q(active_to__gte=today))


class Membership(ChangeLogged, TenantModel):
    """A staff member's place in a department, with a role. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("staff member")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("department")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=30, choices=StaffRole.choices)
    active_from = models.DateField(_("from"), default=timezone.localdate)
    active_to = models.DateField(_("to"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "user", "department", "role", "active_from"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class ExternalOrganisation(ChangeLogged, TenantModel):
    """A partner outside the municipality's departments: drop-in centre, school, provider, region."""

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=30, choices=ExternalOrganisationKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    cooperation_agreement_on = models.DateField(
        _("cooperation agreement signed"),
        null=True,
        blank=True,
        help_text=_("For drop-in centres: the date of the cooperation agreement with the municipality."),
    )

    class Meta:
        verbose_name = _("external organisation")
        verbose_name_plural = _("external organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="external_org_unique_name"),
        ]

    def change_log_shown_on(self):
        """The team tables that name one of its contacts."""
        return models.Q(team__external_contact__organisation_id=self.pk)

    def __str__(self):
        return self.name


class ExternalContact(ChangeLogged, TenantModel):
    """A contact person at an external organisation, who can be put on a pathway's team."""

    organisation = models.ForeignKey(
        ExternalOrganisation, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=160)
    title = models.CharField(_("title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("external contact")
        verbose_name_plural = _("external contacts")
        ordering = ["name"]

    def change_log_shown_on(self):
        """The team tables that name the contact, with their phone and e-mail."""
        return models.Q(team__external_contact_id=self.pk)

    def __str__(self):
        return f"{self.name} ({self.organisation})"
