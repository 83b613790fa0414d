"""The standing core team (*tværfagligt kerneteam*, seed 003 p. 4–5) and its caseload status meetings.

A `CoreTeam` belongs to a programme: 3–4 professionals from the relevant departments and a team leader
(`CoreTeamMember`, dated). Families (pathways) are assigned to it (`CoreTeamCase`, dated, so the caseload has a
history); assigning a pathway gives the current members a team place on it (`services.case_assign`), so their
access follows the one pathway rule (consent and legal bases included) and nothing here opens a pathway by itself.

The team meets physically at a fixed cadence (`status_meeting_cadence_days`) and goes through every family in the
caseload where something changed since the last held meeting (`selectors.caseload_changes`: a new plan version,
overdue agreements, a new financing decision, a status change, new in the caseload). A `CaseloadMeeting` records
who attended and how (`CaseloadAttendance`: in person, online, absent), its minutes, and one `CaseloadItem` per
family discussed with the changes seen and the decision, which is shown on that pathway.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import ScopedQuerySet, TenantModel
from samspil.coreteams.choices import Attendance, CaseloadMeetingStatus


class CoreTeam(ChangeLogged, TenantModel):
    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="core_teams", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=160)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("team leader")
    )
    status_meeting_cadence_days = models.PositiveSmallIntegerField(
        _("status meeting every (days)"), default=14, help_text=_("The fixed cadence of the caseload status meeting.")
    )
    location = models.CharField(_("usual meeting place"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("core team")
        verbose_name_plural = _("core teams")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "name"], name="core_team_name_unique"),
        ]

    def change_log_shown_on(self):
        """The overview of each pathway the core team has (had) names it."""
        return models.Q(core_team_cases__team_id=self.pk)

    def __str__(self):
        return self.name


class CurrentQuerySet(ScopedQuerySet):
    """Rows in force on a day: `<from> ≤ day` and no end or an end on or after the day."""

    start_field = "active_from"
    end_field = "active_to"

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(**{f"{self.start_field}__lte": on}),
            Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": on}),
        )


class CoreTeamMember(ChangeLogged, TenantModel):
    team = models.ForeignKey(CoreTeam, on_delete=models.PROTECT, related_name="members", verbose_name=_("core team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="core_team_places",
        verbose_name=_("staff member"),
    )
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    profession = models.CharField(
        _("profession"), max_length=120, blank=True, help_text=_("E.g. PPR, family therapist.")
    )
    active_from = models.DateField(_("from"), default=timezone.localdate)
    active_to = models.DateField(_("to"), null=True, blank=True)

    objects = CurrentQuerySet.as_manager()

    class Meta:
        verbose_name = _("core team member")
        verbose_name_plural = _("core team members")
        ordering = ["team_id", "active_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="core_team_member_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.department})"


class CaseQuerySet(CurrentQuerySet):
    start_field = "assigned_from"
    end_field = "assigned_to"


class CoreTeamCase(ChangeLogged, TenantModel):
    """A family (pathway) in the core team's caseload, from one day to another."""

    team = models.ForeignKey(CoreTeam, on_delete=models.PROTECT, related_name="cases", verbose_name=_("core team"))
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="core_team_cases", verbose_name=_("pathway")
    )
    assigned_from = models.DateField(_("from"), default=timezone.localdate)
    assigned_to = models.DateField(_("to"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    places = models.ManyToManyField(
        "pathways.TeamMember",
        blank=True,
        related_name="+",
        verbose_name=_("team places added"),
        help_text=_("The team places the assignment added on the pathway; ending the assignment ends them."),
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("family in the caseload")
        verbose_name_plural = _("families in the caseload")
        ordering = ["team_id", "assigned_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway"], condition=Q(assigned_to__isnull=True), name="core_team_case_one_open"
            ),
            models.CheckConstraint(
                condition=Q(assigned_to__isnull=True) | Q(assigned_to__gte=models.F("assigned_from")),
                name="core_team_case_dates_ordered",
            ),
        ]

    def __str__(self):
        return gettext("In the caseload of %(team)s") % {"team": self.team}


class CaseloadMeeting(ChangeLogged, TenantModel):
    team = models.ForeignKey(CoreTeam, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("core team"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseloadMeetingStatus.choices, default=CaseloadMeetingStatus.PLANNED
    )
    changes_since = models.DateTimeField(
        _("changes since"),
        null=True,
        blank=True,
        help_text=_("The start of the previous held meeting, fixed when this one is recorded."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("caseload status meeting")
        verbose_name_plural = _("caseload status meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="caseload_meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return gettext("Caseload status meeting %(date)s") % {
            "date": timezone.localtime(self.starts_at).strftime("%d.%m.%Y")
        }


class CaseloadAttendance(ChangeLogged, TenantModel):
    meeting = models.ForeignKey(
        CaseloadMeeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(CoreTeamMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    attendance = models.CharField(_("attendance"), max_length=20, choices=Attendance.choices, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="caseload_attendance_unique"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_attendance_display() or '–'}"


class CaseloadItem(ChangeLogged, TenantModel):
    """One family discussed at a caseload meeting: the changes seen (codes of `choices.Change` with counts, frozen
    when recorded) and the team's decision, shown on the pathway."""

    meeting = models.ForeignKey(
        CaseloadMeeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("meeting")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="caseload_items", verbose_name=_("pathway")
    )
    changes = models.JSONField(_("changes"), default=dict)
    decision = models.TextField(_("decision"), blank=True)
    plan_to_be_revised = models.BooleanField(_("the plan is to be revised"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("family at the caseload meeting")
        verbose_name_plural = _("families at the caseload meeting")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "pathway"], name="caseload_item_unique"),
        ]

    def __str__(self):
        return gettext("Caseload meeting: %(decision)s") % {"decision": self.decision[:60] or "–"}
