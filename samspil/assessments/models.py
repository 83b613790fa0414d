"""The joint assessment (*tværfaglig udredning*, seed 003 p. 4 and 10) of a pathway.

An `Assessment` is made by one method (`choices.Method`: ICS, VUM 2.0, the resource profile) about one subject (the
citizen, or one member of a family). The team decides which investigations it consists of (`AssessmentStudy`, e.g.
a *børnefaglig undersøgelse*), the family's own view is written first (`family_view`), then each professional
writes sections (`AssessmentSection`: one per author and area of the method, see `methods.py`). The coordinator
records the findings (`Finding`, per area: a strength, a concern or a need) and compiles **one combined report**
(`AssessmentReport`, *én samlet afrapportering*): a numbered, frozen snapshot of the whole assessment, which the
coordinator approves; the latest approved report is the one the family sees (its citizen version leaves out the
sections' internal notes) and the one printed.

Goals of the plan and interventions point to the findings they answer (`Finding.goals`, `Finding.interventions`).
A later assessment of the same pathway names the earlier one (`previous`) and may be started at a status meeting
(`started_at_meeting`), so the two can be compared area by area.

Every row carries the pathway, so the access policy scopes it exactly as the pathway and the change log files it on
the pathway's record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.assessments import methods
from samspil.assessments.choices import AssessmentStatus, FindingKind, Method, StudyKind
from samspil.audit.models import AppendOnlyError, ChangeLogged
from samspil.core.models import ScopedQuerySet, TenantModel


class Assessment(ChangeLogged, TenantModel):
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("pathway")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    subject = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed person"),
        help_text=_("The citizen, or the family member the assessment is about."),
    )
    purpose = models.TextField(_("purpose and questions"), blank=True)
    family_view = models.TextField(
        _("the family's own view"),
        blank=True,
        help_text=_(
            "Written first: what the citizen or family themselves say about their situation, wishes and needs."
        ),
    )
    family_view_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family_view_recorded_at = models.DateTimeField(_("family's view recorded"), null=True, blank=True)
    summary = models.TextField(
        _("combined assessment"),
        blank=True,
        help_text=_("The team's joint conclusion across the sections, written by the coordinator when compiling."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="later",
        verbose_name=_("earlier assessment"),
    )
    started_at_meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments_started",
        verbose_name=_("started at meeting"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("joint assessment")
        verbose_name_plural = _("joint assessments")
        ordering = ["pathway_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "number"], name="assessment_number_unique"),
        ]

    def __str__(self):
        return gettext("Assessment %(number)s – %(method)s") % {
            "number": self.number,
            "method": self.get_method_display(),
        }


class AssessmentStudy(ChangeLogged, TenantModel):
    """One investigation the team decided to make as part of the assessment, and who is responsible for it."""

    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="studies", verbose_name=_("assessment")
    )
    kind = models.CharField(_("investigation"), max_length=30, choices=StudyKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    responsible = models.ForeignKey(
        "pathways.TeamMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["assessment_id", "id"]

    def __str__(self):
        return self.get_kind_display()


class AssessmentSection(ChangeLogged, TenantModel):
    """One professional's contribution on one area of the method: strengths and concerns (ICS; resources and
    barriers in the resource profile), and for VUM 2.0 the FFB function level. The internal note never reaches the
    citizen version."""

    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="sections", verbose_name=_("assessment")
    )
    area = models.CharField(_("area"), max_length=64, help_text=_("A key of the method's areas (see methods.py)."))
    author = models.ForeignKey(
        "pathways.TeamMember", on_delete=models.PROTECT, related_name="+", verbose_name=_("professional")
    )
    strengths = models.TextField(_("strengths"), blank=True)
    concerns = models.TextField(_("concerns"), blank=True)
    level = models.CharField(
        _("function level"),
        max_length=64,
        blank=True,
        help_text=_("VUM 2.0: an FFB Funktionsevneniveau code."),
    )
    internal_note = models.TextField(_("internal note"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("assessment section")
        verbose_name_plural = _("assessment sections")
        ordering = ["assessment_id", "area", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area", "author"], name="assessment_section_unique"),
        ]

    def __str__(self):
        return self.area_label

    @property
    def area_label(self) -> str:
        return methods.area_label(self.assessment.method, self.area)

    @property
    def level_label(self) -> str:
        return methods.level_label(self.level)


class Finding(ChangeLogged, TenantModel):
    """A conclusion of the assessment on one area, which goals and interventions can point to."""

    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="findings", verbose_name=_("assessment")
    )
    area = models.CharField(_("area"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    member = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family member"),
        help_text=_("Empty: the assessed person."),
    )
    goals = models.ManyToManyField(
        "plans.Goal", blank=True, related_name="findings", verbose_name=_("goals answering it")
    )
    interventions = models.ManyToManyField(
        "economy.Intervention", blank=True, related_name="findings", verbose_name=_("interventions answering it")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["assessment_id", "area", "id"]

    def __str__(self):
        return f"{self.area_label}: {self.get_kind_display()}"

    @property
    def area_label(self) -> str:
        return methods.area_label(self.assessment.method, self.area)


class AssessmentReportQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("An assessment report is frozen; approve it through services.report_approve.")

    def delete(self):
        raise AppendOnlyError("An assessment report is never deleted.")


class AssessmentReport(TenantModel):
    """*Én samlet afrapportering*: a numbered, frozen snapshot of the assessment (family view, studies, sections,
    findings, combined assessment) made when the coordinator compiles it. Only the approval is set afterwards,
    once. `snapshot` keeps the display texts of the day so an old report reads the same."""

    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("assessment")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("compiled by")
    )
    compiled_at = models.DateTimeField(_("compiled"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = AssessmentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("combined report")
        verbose_name_plural = _("combined reports")
        ordering = ["assessment_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="assessment_report_number_unique"),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="assessment_report_approval_complete",
            ),
        ]

    def __str__(self):
        return gettext("Combined report, version %(number)s") % {"number": self.number}

    APPROVAL_FIELDS = frozenset({"approved_by", "approved_at", "updated_at"})

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk and not (update_fields and set(update_fields) <= self.APPROVAL_FIELDS):
            raise AppendOnlyError("A compiled report is frozen; only its approval is recorded, once.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An assessment report is never deleted.")
