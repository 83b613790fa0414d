from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    Housing,
    Placement,
    PlacementKind,
    StatusOccasion,
    SubstanceUse,
)


class StatusEntry(ChangeLogged, TenantModel):
    """Where a citizen on a pathway stands on a date: education and employment, placement, housing, substance use.

    Dated history, never rewritten: a correction is a new entry (the change log keeps who wrote what). Recorded at the
    start, at each status meeting (`meeting`) and at closing; the latest entry on or before a date is the citizen's
    status on that date. A family pathway records an entry per member it is about.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="status_entries", verbose_name=_("pathway")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="status_entries", verbose_name=_("citizen")
    )
    recorded_on = models.DateField(_("date"), default=timezone.localdate)
    occasion = models.CharField(_("occasion"), max_length=20, choices=StatusOccasion.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_entries",
        verbose_name=_("meeting"),
    )
    education_employment = models.CharField(
        _("education and employment"), max_length=30, choices=EducationEmployment.choices
    )
    benefit = models.CharField(_("benefit"), max_length=30, choices=Benefit.choices, blank=True)
    placement = models.CharField(
        _("placed outside the home"),
        max_length=20,
        choices=Placement.choices,
        blank=True,
        help_text=_("For young people in care; empty when it does not apply."),
    )
    placement_kind = models.CharField(_("where placed"), max_length=30, choices=PlacementKind.choices, blank=True)
    placement_note = models.CharField(_("placement, details"), max_length=200, blank=True)
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices, blank=True)
    substance_use = models.CharField(_("substance use"), max_length=20, choices=SubstanceUse.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("status entry")
        verbose_name_plural = _("status entries")
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(education_employment=EducationEmployment.BENEFIT, benefit__gt="")
                | (~Q(education_employment=EducationEmployment.BENEFIT) & Q(benefit="")),
                name="status_entry_benefit_with_status",
            ),
            models.CheckConstraint(
                condition=Q(placement__in=[Placement.PLACED, Placement.PREVIOUSLY_PLACED])
                | Q(placement_kind="", placement_note=""),
                name="status_entry_placement_kind_when_placed",
            ),
        ]
        indexes = [
            models.Index(fields=["pathway", "citizen", "recorded_on"]),
            models.Index(fields=["municipality", "recorded_on"]),
        ]

    def __str__(self):
        return f"{self.recorded_on:%d.%m.%Y} · {self.get_education_employment_display()}"

    @property
    def change_log_pathway_id(self):
        return self.pathway_id


class ProgrammeFigures(models.Model):
    """The documentation model's counts of one programme as counted at `counted_at` (`documentation.Tally`): kept so
    the leaders' pages read one row instead of counting every pathway of the programme on each view.

    Counts only, by coordinator, department, target group and status, before the small-number rule (which is applied
    when they are shown). One row per programme, replaced when the figures are counted again
    (`documentation.kept_tallies`); a row of another day or another `layout` is counted again before it is used.
    """

    programme = models.OneToOneField(
        "pathways.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    on = models.DateField(_("the day counted for"))
    counted_at = models.DateTimeField(_("counted at"))
    counting = models.UUIDField(_("counting"))  # new with each counting: names what is kept of it elsewhere
    layout = models.PositiveSmallIntegerField(_("layout of the counts"))
    citizens = models.JSONField(_("citizens by group and status"))
    pathways = models.JSONField(_("pathways and goals by group"))

    class Meta:
        verbose_name = _("kept programme figures")
        verbose_name_plural = _("kept programme figures")

    def __str__(self):
        return f"{self.programme_id} · {self.counted_at:%d.%m.%Y %H:%M}"
