"""Meetings of a pathway: start, status, analysis, network and transition meetings, with their checklist.

Every meeting row hangs off a pathway and is visible exactly when the pathway is (see `access/scopes.py`).
The checklist items per programme and meeting type are configuration, edited in the Django admin.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.meetings.choices import WITHOUT_CITIZEN, MeetingStatus, MeetingType


class ChecklistItem(ChangeLogged, TenantModel):
    """One point on a programme's meeting checklist (*mødetjekliste*) for one meeting type.

    Scheduling a meeting copies the active items into the meeting, so editing the list later does not
    rewrite what earlier meetings documented.
    """

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.CASCADE, related_name="checklist_items", verbose_name=_("programme")
    )
    meeting_type = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["programme", "meeting_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "programme", "meeting_type", "text"], name="checklist_item_unique_text"
            ),
        ]

    def __str__(self):
        return self.text


class Meeting(ChangeLogged, TenantModel):
    """A meeting in a pathway: when and where, who was invited and came, the checklist, minutes and decisions."""

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("pathway")
    )
    meeting_type = models.CharField(_("meeting type"), max_length=20, choices=MeetingType.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(condition=~Q(location="", online_link=""), name="meeting_has_place"),
        ]
        indexes = [
            models.Index(fields=["pathway", "starts_at"]),
            models.Index(fields=["municipality", "status", "starts_at"]),
        ]

    def __str__(self):
        when = formats.date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")
        return f"{self.get_meeting_type_display()} {when}"

    @property
    def includes_citizen(self) -> bool:
        """Whether the citizen or family takes part in this kind of meeting (never in an analysis meeting)."""
        return self.meeting_type not in WITHOUT_CITIZEN

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def awaits_minutes(self) -> bool:
        """Planned, but its time has come: someone should record it as held (or cancel it)."""
        return self.is_planned and self.has_begun


class MeetingExpert(ChangeLogged, TenantModel):
    """An outside expert invited to one analysis meeting (*analysemøde*) by the coordinator: a staff member who is not
    on the pathway's team (`user`), or an external contact person (`external_contact`, who reads through a partner
    account and the one-time link of a `partners.PartnerInvitation` with this meeting).

    The invitation gives read-only access to what the meeting needs (the meeting, the latest combined assessment report
    without internal notes, the plan's goals) from the moment it is made until the meeting ends (`meeting.ends_at`, so
    a moved meeting moves it), and not after the meeting is cancelled or the coordinator has ended it (`ended_at`).
    The one rule is `meetings.experts`. The expert is also a participant of the meeting (`MeetingParticipant.expert`),
    so attendance is recorded with the others'.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="experts", verbose_name=_("meeting"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_expert_invitations",
        verbose_name=_("staff member"),
    )
    external_contact = models.ForeignKey(
        "organisations.ExternalContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_expert_invitations",
        verbose_name=_("external contact"),
    )
    # The name and organisation when invited: the meeting documents who was asked, even if names change later.
    name = models.CharField(_("name"), max_length=160)
    organisation = models.CharField(_("department or organisation"), max_length=200, blank=True)
    expertise = models.CharField(_("expertise and reason"), max_length=300)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    ended_at = models.DateTimeField(_("access ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outside expert")
        verbose_name_plural = _("outside experts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(external_contact__isnull=True))
                | (Q(user__isnull=True) & Q(external_contact__isnull=False)),
                name="meeting_expert_one_person",
            ),
            models.UniqueConstraint(
                fields=["municipality", "meeting", "user"],
                condition=Q(ended_at__isnull=True, user__isnull=False),
                name="meeting_expert_one_live_per_user",
            ),
            models.UniqueConstraint(
                fields=["municipality", "meeting", "external_contact"],
                condition=Q(ended_at__isnull=True, external_contact__isnull=False),
                name="meeting_expert_one_live_per_contact",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"]), models.Index(fields=["external_contact", "ended_at"])]

    def __str__(self):
        return gettext("Outside expert at the analysis meeting: %(name)s") % {"name": self.name}

    @property
    def change_log_pathway_id(self):
        return self.meeting.pathway_id

    @property
    def is_external(self) -> bool:
        return self.external_contact_id is not None

    @property
    def access_until(self):
        """When the access ends by itself: when the meeting ends."""
        return self.meeting.ends_at

    def in_force(self, now=None) -> bool:
        """Whether the invitation gives access now (for a staff expert; an external expert also needs an accepted
        partner invitation, see `meetings.experts`)."""
        now = now or timezone.now()
        meeting = self.meeting
        return (
            self.ended_at is None
            and meeting.meeting_type in WITHOUT_CITIZEN
            and not meeting.is_cancelled
            and self.created_at <= now < meeting.ends_at
        )


def _one_participant(*, citizen=False, team_member=False, expert=False) -> Q:
    """A participant row is exactly one of: the citizen (or a family member), a team member, an outside expert."""
    return Q(is_citizen=citizen, citizen__isnull=not citizen, team_member__isnull=not team_member) & Q(
        expert__isnull=not expert
    )


class MeetingParticipant(ChangeLogged, TenantModel):
    """Someone invited to a meeting: a team member, the citizen (or a family member), or an outside expert at an
    analysis meeting, and whether they came."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    team_member = models.ForeignKey(
        "pathways.TeamMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_places",
        verbose_name=_("team member"),
    )
    expert = models.OneToOneField(
        MeetingExpert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("outside expert"),
    )
    is_citizen = models.BooleanField(_("the citizen or family"), default=False)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_places",
        verbose_name=_("citizen"),
    )
    # The name when invited: the meeting documents who was there even if the team changes later.
    name = models.CharField(_("name"), max_length=160)
    invited = models.BooleanField(_("invited"), default=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        ordering = ["-is_citizen", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_one_participant(citizen=True)
                | _one_participant(team_member=True)
                | _one_participant(expert=True),
                name="meeting_participant_one_person",
            ),
            models.UniqueConstraint(
                fields=["municipality", "meeting", "team_member"],
                condition=Q(team_member__isnull=False),
                name="meeting_participant_unique_member",
            ),
            models.UniqueConstraint(
                fields=["municipality", "meeting", "citizen"],
                condition=Q(citizen__isnull=False),
                name="meeting_participant_unique_citizen",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def change_log_pathway_id(self):
        return self.meeting.pathway_id


class MeetingChecklistEntry(ChangeLogged, TenantModel):
    """One checklist point of one meeting, copied from the programme's checklist when it was scheduled."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("meeting"))
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    done = models.BooleanField(_("done"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("checklist point")
        verbose_name_plural = _("checklist points")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "meeting", "text"], name="meeting_checklist_unique_text"),
        ]

    def __str__(self):
        return self.text

    @property
    def change_log_pathway_id(self):
        return self.meeting.pathway_id


class MeetingDecision(ChangeLogged, TenantModel):
    """A decision taken at a meeting, possibly one that changed the shared plan: an agreement it created, a
    follow-up of a goal it recorded, or a goal it changed, and the plan version that change saved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting"))
    text = models.TextField(_("decision"))
    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("agreement in the plan"),
        help_text=_("The agreement the decision created in the shared plan."),
    )
    goal = models.ForeignKey(
        "plans.Goal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("goal in the plan"),
        help_text=_("The goal the decision followed up on or changed."),
    )
    follow_up = models.ForeignKey(
        "plans.GoalFollowUp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("follow-up in the plan"),
        help_text=_("The follow-up of a goal the decision recorded in the shared plan."),
    )
    revision = models.ForeignKey(
        "plans.PlanRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name=_("plan version"),
        help_text=_("The version of the plan the decision's change saved."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "agreement"],
                condition=Q(agreement__isnull=False),
                name="meeting_decision_one_per_agreement",
            ),
            models.UniqueConstraint(
                fields=["municipality", "follow_up"],
                condition=Q(follow_up__isnull=False),
                name="meeting_decision_one_per_follow_up",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def changes_plan(self) -> bool:
        return bool(self.agreement_id or self.goal_id)

    @property
    def change_log_pathway_id(self):
        return self.meeting.pathway_id
