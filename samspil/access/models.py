from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.access.choices import ConsentForm, ConsentGiverRole
from samspil.audit.models import ChangeLogged
from samspil.core.models import ScopedQuerySet, TenantModel


class ConsentQuerySet(ScopedQuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(given_on__lte=on), Q(expires_on__isnull=True) | Q(expires_on__gte=on), withdrawn_at__isnull=True
        )


class Consent(ChangeLogged, TenantModel):
    """Consent to share a pathway's data with named departments, given by the citizen or a custody holder.

    For a minor, a custody holder's consent is needed (and from 15 the young person's own as well).
    Withdrawal removes the departments' access from that moment; the record itself stays.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="consents", verbose_name=_("pathway")
    )
    giver = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("the person consenting"),
    )
    giver_role = models.CharField(_("given by"), max_length=20, choices=ConsentGiverRole.choices)
    giver_name = models.CharField(_("name of the person consenting"), max_length=160)
    form = models.CharField(_("form"), max_length=10, choices=ConsentForm.choices, default=ConsentForm.WRITTEN)
    purpose = models.CharField(_("purpose"), max_length=300)
    departments = models.ManyToManyField(
        "organisations.Department",
        through="ConsentScope",
        related_name="+",
        verbose_name=_("departments that may share data"),
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("given_on")),
                name="consent_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_giver_role_display()}: {self.giver_name}"

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return (
            self.withdrawn_at is None
            and self.given_on <= today
            and (self.expires_on is None or self.expires_on >= today)
        )


class ConsentScopeQuerySet(ScopedQuerySet):
    def not_withdrawn(self):
        """Departments the consent still covers: neither this department nor the whole consent was withdrawn."""
        return self.filter(withdrawn_at__isnull=True, consent__withdrawn_at__isnull=True)


class ConsentScope(ChangeLogged, TenantModel):
    """One department a consent covers.

    A consent can be withdrawn for one department and stay in force for the others (the citizen withdraws per
    department in the portal): `withdrawn_at` and `withdrawn_by` on this row. When the last department is withdrawn,
    the consent itself is withdrawn too (`Consent.withdrawn_at`); a withdrawal of the whole consent marks every
    department. `pathways.services.consent_departments_withdraw` is the one writer of both.
    """

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="scopes")
    department = models.ForeignKey("organisations.Department", on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = ConsentScopeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "consent", "department"], name="consent_scope_unique")
        ]

    def __str__(self):
        return gettext("Consent: %(department)s") % {"department": self.department}

    @property
    def change_log_pathway_id(self):
        return self.consent.pathway_id


class LegalBasisQuerySet(ScopedQuerySet):
    def in_force(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))


class LegalBasis(ChangeLogged, TenantModel):
    """A statutory basis that lets a department receive a pathway's data without consent."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="legal_bases", verbose_name=_("pathway")
    )
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    reference = models.CharField(
        _("legal reference"), max_length=120, help_text=_("For example: Barnets Lov § 92, SEL § 49 b, LAB § 40 stk. 3.")
    )
    note = models.TextField(_("note"), blank=True)
    valid_from = models.DateField(_("from"), default=timezone.localdate)
    valid_to = models.DateField(_("to"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = LegalBasisQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["-valid_from", "-id"]

    def __str__(self):
        return f"{self.department}: {self.reference}"


class AccessGrantQuerySet(ScopedQuerySet):
    def in_force(self, at=None):
        at = at or timezone.now()
        return self.filter(valid_from__lte=at, valid_until__gt=at, revoked_at__isnull=True)


class AccessGrant(ChangeLogged, TenantModel):
    """A time-limited permission for one staff member to read a pathway they are not on the team of."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="grants", verbose_name=_("pathway")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants", verbose_name=_("staff member")
    )
    reason = models.CharField(_("reason"), max_length=300)
    valid_from = models.DateTimeField(_("from"), default=timezone.now)
    valid_until = models.DateTimeField(_("until"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="grant_dates_ordered")
        ]
        # The user's grants that have not expired, with their pathways (`scopes.pathway_candidates`, index-only).
        indexes = [models.Index(fields=["user", "valid_until", "pathway"], name="grant_user_in_force_idx")]

    def __str__(self):
        return gettext("Access for %(name)s until %(date)s") % {
            "name": self.user,
            "date": _local_date(self.valid_until),
        }


class BreakGlassQuerySet(ScopedQuerySet):
    def in_force(self, at=None):
        return self.filter(expires_at__gt=at or timezone.now())


class BreakGlassAccess(ChangeLogged, TenantModel):
    """An opening of a pathway outside the user's scope, with the reason given. Shown to the coordinator."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="break_glass", verbose_name=_("pathway")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    reason = models.CharField(_("reason"), max_length=500)
    expires_at = models.DateTimeField(_("expires"))

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        ordering = ["-created_at", "-id"]
        # The user's openings that have not expired, with their pathways (`scopes.pathway_candidates`, index-only).
        indexes = [models.Index(fields=["user", "expires_at", "pathway"], name="break_glass_user_open_idx")]

    def __str__(self):
        return gettext("Break-glass access for %(name)s until %(date)s") % {
            "name": self.user,
            "date": _local_date(self.expires_at),
        }


def _local_date(moment) -> str:
    """A moment as the local date, written 12.12.2026 (for readable record names in the change log)."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT") if moment else "–"
