"""Imported service consumption: who drew which services from which department, and at what cost.

The data come from the municipality's source systems as files (see `reader.py`), are personal data, and
are read only by the roles with the segmentation purpose (`policy.can_segment`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.citizens import cpr
from samspil.citizens.models import years_between
from samspil.core.models import ScopedQuerySet, TenantModel
from samspil.segmentation.choices import CitizenType, ImportMode, ImportStatus, ReferralStatus, RuleCombination


class ConsumptionImport(TenantModel):
    """One import of one file: who, when, which file, how it went, and every bad row by line number."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_file = models.CharField(_("stored file"), max_length=255, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    mode = models.CharField(_("bad rows"), max_length=20, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_present = models.PositiveIntegerField(_("rows already imported"), default=0)
    rows_bad = models.PositiveIntegerField(_("bad rows"), default=0)
    # The first `importer.BAD_ROWS_KEPT` bad rows as [line number, reason code] (`rows_bad` counts them all);
    # the codes are explained by `reader.REASONS`. No cell value (a CPR number!) is ever kept.
    bad_rows = models.JSONField(_("bad rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("consumption import")
        verbose_name_plural = _("consumption imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ConsumptionSubject(TenantModel):
    """A person in the imported data, known by CPR number (encrypted, with the citizens' blind index).

    The person need not be registered as a citizen; `citizen` links them once they are.
    """

    cpr_encrypted = models.TextField(_("CPR number (encrypted)"), editable=False)
    cpr_index = models.CharField(_("CPR blind index"), max_length=64, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered citizen"),
    )

    class Meta:
        verbose_name = _("person in imported data")
        verbose_name_plural = _("persons in imported data")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "cpr_index"], name="consumption_subject_unique_cpr"),
        ]

    def __str__(self):
        return self.reference

    def set_cpr(self, digits: str) -> None:
        self.cpr_encrypted = cpr.encrypt(digits)
        self.cpr_index = cpr.blind_index(digits)
        self.birth_date = cpr.birth_date(digits)

    @property
    def reference(self) -> str:
        """A pseudonymous reference: enough to talk about the person, nothing that identifies them."""
        return f"P-{self.public_id.hex[:8].upper()}"

    @property
    def age(self) -> int:
        return years_between(self.birth_date, timezone.localdate())

    def reveal_cpr(self) -> str:
        """The CPR number in clear. Only for registering the person as a citizen."""
        return cpr.decrypt(self.cpr_encrypted)


class ConsumptionRecord(models.Model):
    """One row of an imported file: a service a person drew from a department in a period, and its cost.

    Deliberately not a `PublicIdModel`: rows are never reached by URL, and a million random UUIDs would
    cost a unique index for nothing. The row is identified for idempotency by `row_hash` (a keyed hash of
    the normalised row) and `occurrence` (how many identical rows came before it in the same file).
    """

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,  # the unique key starts with it
        db_constraint=False,  # set by the importer from the person's municipality; a FK check per row costs seconds
    )
    subject = models.ForeignKey(
        ConsumptionSubject, on_delete=models.PROTECT, related_name="records", verbose_name=_("person")
    )
    source_import = models.ForeignKey(
        ConsumptionImport,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
        db_index=False,
        # No database foreign key (the ORM still protects the import): with a million rows, each checked
        # foreign key costs seconds at commit, and import jobs are never deleted.
        db_constraint=False,
    )
    department = models.CharField(_("department (as in the file)"), max_length=200)
    department_ref = models.ForeignKey(
        "organisations.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
        db_index=False,
        db_constraint=False,  # as above; a deleted department is set to NULL by the ORM
    )
    service_code = models.CharField(_("service code"), max_length=60)
    service_name = models.CharField(_("service"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    amount_dkk = models.DecimalField(_("amount (kr.)"), max_digits=14, decimal_places=2)
    # A UUID column holds the 128-bit key compactly and compares as bytes (a text key would be compared
    # by collation in every index insert of a million-row import).
    row_hash = models.UUIDField(_("row key"), editable=False)
    occurrence = models.PositiveIntegerField(_("occurrence in the file"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consumption record")
        verbose_name_plural = _("consumption records")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "row_hash", "occurrence"], name="consumption_record_unique_row"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="consumption_period"),
        ]

    def __str__(self):
        return f"{self.service_name} {self.period_start}–{self.period_end}"


class CandidateRule(ChangeLogged, TenantModel):
    """The municipality's rule for who is a candidate for a coordinated pathway. Empty conditions are unused."""

    min_departments = models.PositiveSmallIntegerField(
        _("at least this many departments"), null=True, blank=True, default=3
    )
    top_percent = models.DecimalField(
        _("among the most expensive (per cent of citizens)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=5,
    )
    min_total_dkk = models.DecimalField(
        _("total cost at least (kr.)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    combination = models.CharField(
        _("a citizen is a candidate when they meet"),
        max_length=3,
        choices=RuleCombination.choices,
        default=RuleCombination.ANY,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("candidate rule")
        verbose_name_plural = _("candidate rules")
        constraints = [
            models.UniqueConstraint(fields=["municipality"], name="candidate_rule_one_per_municipality"),
            models.CheckConstraint(
                condition=Q(top_percent__isnull=True) | Q(top_percent__gt=0, top_percent__lte=100),
                name="candidate_rule_top_percent",
            ),
        ]

    def __str__(self):
        return str(self.describe())

    @property
    def is_empty(self) -> bool:
        return self.min_departments is None and self.top_percent is None and self.min_total_dkk is None

    def describe(self) -> str:
        from samspil.segmentation.rules import rule_description

        return rule_description(self)


class CandidateClassification(TenantModel):
    """A classification of a person into one of KL's citizen types; every classification is kept as history."""

    subject = models.ForeignKey(
        ConsumptionSubject, on_delete=models.PROTECT, related_name="classifications", verbose_name=_("person")
    )
    citizen_type = models.PositiveSmallIntegerField(_("citizen type"), choices=CitizenType.choices)
    note = models.TextField(_("note"), blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("classified by")
    )

    class Meta:
        verbose_name = _("citizen-type classification")
        verbose_name_plural = _("citizen-type classifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "created_at"])]

    def __str__(self):
        return self.get_citizen_type_display()


class Referral(ChangeLogged, TenantModel):
    """A candidate handed to a coordinator (*henvisning*): the person is known only by the imported CPR number.

    A segmentation role refers a person in the imported data to a caseworker for a programme; the caseworker sees
    the referral on *Mine opgaver* and on `/borgere/henvisninger/`, and either takes it on (registers the citizen,
    typing the name, and opens the pathway as its coordinator) or declines it with a reason. The referrer never
    invents a name and never sees the pathway.
    """

    subject = models.ForeignKey(
        ConsumptionSubject, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="segmentation_referrals",
        verbose_name=_("coordinator"),
    )
    department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("coordinating department"),
        help_text=_("The coordinator's place the pathway is to be led from."),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    decided_at = models.DateTimeField(_("taken on or declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pathway"),
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "subject", "programme"],
                condition=Q(status=ReferralStatus.OPEN),
                name="referral_one_open_per_person_and_programme",
            ),
        ]
        indexes = [models.Index(fields=["coordinator", "status"])]

    def __str__(self):
        # Pseudonymous: it is listed on the coordinator's task list, which logs no read.
        return gettext("Referral to %(programme)s (%(reference)s)") % {
            "programme": self.programme.name,
            "reference": self.subject.reference,
        }

    def get_absolute_url(self) -> str:
        return reverse("citizens:referral", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN

    @property
    def change_log_pathway_id(self):
        # The referral is about a person, not (yet) a pathway: its change-log rows belong to no pathway's log.
        return None
