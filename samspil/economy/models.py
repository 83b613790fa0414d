"""Economy: the service catalogue, interventions granted on a pathway, joint financing between departments,
operating costs per programme element, and uses of free-municipality exemptions.

Rows that hang off a pathway carry it (denormalised where they hang off another row), so the access policy
scopes them exactly as the pathway and the change log files them on the pathway's record. Money is Decimal
in kroner with øre precision; `costs.py` computes every amount shown.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.economy.choices import (
    RECURRING_UNITS,
    Law,
    ProgrammeElement,
    ReviewSharePart,
    ReviewStatus,
    ReviewVerdict,
    ServiceUnit,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class Service(ChangeLogged, TenantModel):
    """A service in the municipality's catalogue (*ydelseskatalog*): what a department can grant, and its price.

    The provider is an internal unit or an external organisation, or none (the department itself).
    """

    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="services", verbose_name=_("department")
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=160)
    legal_basis = models.CharField(
        _("legal basis"), max_length=100, help_text=_("The paragraph, for example SEL § 85 or LAB § 31 b.")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=ServiceUnit.choices)
    unit_price = models.DecimalField(_("unit price (kr.)"), **MONEY)
    provider_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("internal provider"),
    )
    provider_organisation = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("external provider"),
    )
    active = models.BooleanField(_("can be granted"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="service_unique_code"),
            models.CheckConstraint(
                condition=Q(provider_unit__isnull=True) | Q(provider_organisation__isnull=True),
                name="service_at_most_one_provider",
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.legal_basis})"

    @property
    def provider(self):
        return self.provider_unit or self.provider_organisation


class Intervention(ChangeLogged, TenantModel):
    """A service granted to the citizen (or family) of a pathway (*en bevilget indsats*).

    `unit`, `unit_price` and `service_department` are copied from the catalogue when the service is granted, so
    a later change in the catalogue (price or department) never rewrites what an intervention has cost or who
    it was for. `quantity` is units per month for services
    priced per month or per hour, and the number of units for a one-off service.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="interventions", verbose_name=_("pathway")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("service")
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty while the intervention goes on."))
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, choices=ServiceUnit.choices)
    unit_price = models.DecimalField(_("unit price when granted (kr.)"), **MONEY)
    granting_department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granting department"),
    )
    service_department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department of the service"),
        help_text=_("The service's department when it was granted: moving the service later does not move this."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="intervention_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="intervention_quantity_positive"),
        ]
        indexes = [models.Index(fields=["pathway", "starts_on"])]

    def __str__(self):
        return str(self.service.name) if self.service_id else str(_("Intervention"))

    @property
    def is_recurring(self) -> bool:
        return self.unit in RECURRING_UNITS

    def is_ongoing(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class FinancingDecision(ChangeLogged, TenantModel):
    """A decision on who pays how much of an intervention (*fælles finansiering*).

    Every re-assessment is a new decision; all are kept. Each month is paid by the split in force in it: the
    first decision from the intervention's start, each later one from the month of its `decided_on`
    (`costs.split_by_decisions`). Without any decision the granting department pays everything.
    """

    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, related_name="financing_decisions", verbose_name=_("intervention")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    reason = models.TextField(_("reason"))
    family_motivated = models.BooleanField(_("the family is motivated"), default=False)
    motivation_note = models.TextField(_("about the family's motivation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )

    class Meta:
        verbose_name = _("financing decision")
        verbose_name_plural = _("financing decisions")
        ordering = ["decided_on", "id"]

    def __str__(self):
        return f"{self.intervention} ({self.decided_on:%d.%m.%Y})"


class FinancingShare(ChangeLogged, TenantModel):
    """One department's share, in percent, of an intervention under one financing decision."""

    decision = models.ForeignKey(
        FinancingDecision, on_delete=models.PROTECT, related_name="shares", verbose_name=_("decision")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("financing share")
        verbose_name_plural = _("financing shares")
        ordering = ["-percent", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "department"], name="financing_share_one_per_department"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=Decimal("100")), name="financing_share_in_range"
            ),
        ]

    def __str__(self):
        from django.template.defaultfilters import floatformat

        return f"{self.department}: {floatformat(self.percent, '-2')} %"  # Jobcenter: 33,33 %


class OperatingCost(ChangeLogged, TenantModel):
    """The operating cost of one element of a programme in one month (`month` is the first day of it).

    Registering the same programme, month and element again replaces the amount (the change log keeps the old).
    """

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    month = models.DateField(_("month"))
    element = models.CharField(_("programme element"), max_length=40, choices=ProgrammeElement.choices)
    amount = models.DecimalField(_("amount (kr.)"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )

    class Meta:
        verbose_name = _("operating cost")
        verbose_name_plural = _("operating costs")
        ordering = ["-month", "programme__name", "element"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "programme", "month", "element"], name="operating_cost_one_per_element"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="operating_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.programme} {self.month:%m.%Y} {self.get_element_display()}"


class LegalExemptionUse(ChangeLogged, TenantModel):
    """One use of an exemption from a law under the free-municipality experiment (*frikommuneforsøg*)."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exemption_uses",
        verbose_name=_("intervention"),
    )
    law = models.CharField(_("law"), max_length=30, choices=Law.choices)
    paragraph = models.CharField(_("paragraph"), max_length=60, help_text=_("For example § 31 b, stk. 2 or kap. 9."))
    reason = models.TextField(_("reason"))
    used_on = models.DateField(_("date"), default=timezone.localdate)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )

    class Meta:
        verbose_name = _("use of a legal exemption")
        verbose_name_plural = _("uses of legal exemptions")
        ordering = ["used_on", "id"]

    def __str__(self):
        return f"{self.law} {self.paragraph}"


class FinancingReview(ChangeLogged, TenantModel):
    """A controller asked to review a pathway's financing split (seed 003 p. 11: *et tættere samarbejde mellem
    sagsbehandlere og controllere*).

    Someone working in the pathway (`contribute`) asks one named controller, with a question, about the split of the
    pathway's interventions as a whole or of one intervention (`intervention`), optionally with a proposed split that
    is not yet a `FinancingDecision` (shares with part `proposal`). While the review is open the controller reads
    that pathway's financing without its case content (`review_access`); the answer (agrees, or another split with
    shares of part `counter`, and a comment) closes it and is shown on the pathway's economy page. A withdrawn
    review is closed without an answer. Nothing is ever deleted.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="financing_reviews", verbose_name=_("pathway")
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="financing_reviews",
        verbose_name=_("intervention"),
        help_text=_("Empty: the pathway's interventions as a whole."),
    )
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("controller")
    )
    question = models.TextField(_("question"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    verdict = models.CharField(_("answer"), max_length=20, choices=ReviewVerdict.choices, blank=True)
    comment = models.TextField(_("the controller's comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("financing review")
        verbose_name_plural = _("financing reviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["controller", "status"]), models.Index(fields=["pathway", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.ANSWERED) | (Q(answered_at__isnull=False) & ~Q(verdict="")),
                name="financing_review_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="financing_review_withdrawn_has_date",
            ),
        ]

    def __str__(self):
        return f"{_('Financing review')} {self.reference}"

    @property
    def reference(self) -> str:
        """How the controller's pages name the pathway: "Forløb 3F2A9C1B" (the start of its id), never the citizen."""
        return self.reference_of(self.pathway.public_id) if self.pathway_id else ""

    @staticmethod
    def reference_of(pathway_public_id) -> str:
        return f"{_('Pathway')} {pathway_public_id.hex[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN

    @property
    def proposal(self) -> list:
        """The split proposed with the request (from the prefetched shares; empty: the split in force)."""
        return [share for share in self.shares.all() if share.part == ReviewSharePart.PROPOSAL]

    @property
    def counter(self) -> list:
        """The controller's split, when the answer proposes another."""
        return [share for share in self.shares.all() if share.part == ReviewSharePart.COUNTER]


class FinancingReviewShare(ChangeLogged, TenantModel):
    """One department's share in a review: of the split proposed with the request, or of the controller's."""

    review = models.ForeignKey(
        FinancingReview, on_delete=models.PROTECT, related_name="shares", verbose_name=_("financing review")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    part = models.CharField(_("split"), max_length=20, choices=ReviewSharePart.choices)
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("share in a financing review")
        verbose_name_plural = _("shares in financing reviews")
        ordering = ["part", "-percent", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "part", "department"], name="financing_review_share_unique"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=Decimal("100")), name="financing_review_share_in_range"
            ),
        ]

    def __str__(self):
        from django.template.defaultfilters import floatformat

        return f"{self.get_part_display()}: {self.department} {floatformat(self.percent, '-2')} %"
