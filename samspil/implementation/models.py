"""Programme management: how the municipality implements a programme (seed 002's four phases, KL's three).

Everything here is about the programme, never about a citizen: the organisation (project owner, project leader,
groups, their members, meetings and decisions), the role and responsibility matrix, the change theory, the
implementation plan (phases, checklists, milestones) and the scale-up plan. Pilot cases are `Pathway.pilot`; the
pages show them as a count only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.implementation.choices import DocumentationFigure, GroupKind, Responsibility, TheoryKind
from samspil.results.measures import Measure


class Implementation(ChangeLogged, TenantModel):
    """The implementation of one programme in the municipality: who owns it and who leads it day to day.

    The project owner sits at director level; the project leader runs the implementation (seed 002, 4.1). Each is
    a staff user or a name and title (someone outside Samspil).
    """

    programme = models.OneToOneField(
        "pathways.Programme", on_delete=models.PROTECT, related_name="implementation", verbose_name=_("programme")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project owner"),
    )
    owner_name = models.CharField(_("project owner (name)"), max_length=160, blank=True)
    owner_title = models.CharField(_("project owner (title)"), max_length=160, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project leader"),
    )
    leader_name = models.CharField(_("project leader (name)"), max_length=160, blank=True)
    leader_title = models.CharField(_("project leader (title)"), max_length=160, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    matrix_version = models.PositiveIntegerField(_("version of the responsibility matrix"), default=1)

    class Meta:
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")

    def __str__(self):
        return str(_("Implementation of %(programme)s") % {"programme": self.programme})

    @property
    def owner_display(self) -> str:
        return _person(self.owner, self.owner_name, self.owner_title)

    @property
    def leader_display(self) -> str:
        return _person(self.leader, self.leader_name, self.leader_title)


def _person(user, name: str, title: str) -> str:
    shown = user.get_full_name() if user is not None else name
    return f"{shown}, {title}" if shown and title else shown or ""


class ProgrammeGroup(ChangeLogged, TenantModel):
    """A group of the implementation organisation: the leader group, the implementation group, a steering group or
    an implementation team, with how often it meets."""

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="groups", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=GroupKind.choices)
    name = models.CharField(_("name"), max_length=160)
    purpose = models.TextField(_("purpose"), blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("meets every (days)"), null=True, blank=True, help_text=_("Empty: no fixed cadence.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("programme group")
        verbose_name_plural = _("programme groups")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "name"], name="programme_group_unique_name"),
            models.CheckConstraint(
                condition=Q(cadence_days__gt=0) | Q(cadence_days__isnull=True), name="group_cadence"
            ),
        ]

    def __str__(self):
        return self.name


class GroupMember(ChangeLogged, TenantModel):
    """A member of a programme group: a staff user, an external contact or a named person (a user representative),
    with their role in the group, from one date to another."""

    group = models.ForeignKey(ProgrammeGroup, on_delete=models.PROTECT, related_name="members", verbose_name=_("group"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    external_contact = models.ForeignKey(
        "organisations.ExternalContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("external contact"),
    )
    name = models.CharField(_("name"), max_length=160, blank=True)
    role = models.CharField(_("role in the group"), max_length=160, blank=True)
    member_from = models.DateField(_("member from"))
    member_to = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["member_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, external_contact__isnull=True, name="")
                    | Q(user__isnull=True, external_contact__isnull=False, name="")
                    | (Q(user__isnull=True, external_contact__isnull=True) & ~Q(name=""))
                ),
                name="group_member_one_person",
            ),
            models.CheckConstraint(
                condition=Q(member_to__isnull=True) | Q(member_to__gte=models.F("member_from")),
                name="group_member_dates",
            ),
        ]

    def __str__(self):
        return str(_("%(name)s in %(group)s") % {"name": self.display_name, "group": self.group})

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name()
        if self.external_contact_id:
            return f"{self.external_contact.name} ({self.external_contact.organisation.name})"
        return self.name

    def is_current(self, day) -> bool:
        return self.member_from <= day and (self.member_to is None or self.member_to >= day)


class GroupMeeting(ChangeLogged, TenantModel):
    """A meeting of a programme group: its agenda before, its minutes after."""

    group = models.ForeignKey(
        ProgrammeGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return str(
            _("Meeting of %(group)s on %(date)s") % {"group": self.group, "date": self.held_on.strftime("%d.%m.%Y")}
        )


class GroupDecision(ChangeLogged, TenantModel):
    """A decision made at a group meeting, with who follows it up and by when."""

    meeting = models.ForeignKey(
        GroupMeeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))
    owner = models.CharField(_("owner"), max_length=160, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("group decision")
        verbose_name_plural = _("group decisions")
        ordering = ["id"]

    def __str__(self):
        return str(_("Decision: %(text)s") % {"text": self.text[:60]})


class ResponsibilityRole(ChangeLogged, TenantModel):
    """A column of the role and responsibility matrix: a role or a person (the project owner, the leader group…)."""

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="responsibility_roles", verbose_name=_("programme")
    )
    name = models.CharField(_("role"), max_length=160)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role in the matrix")
        verbose_name_plural = _("roles in the matrix")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "name"], name="responsibility_role_unique")
        ]

    def __str__(self):
        return self.name


class ResponsibilityTask(ChangeLogged, TenantModel):
    """A row of the role and responsibility matrix: a task or activity of the implementation."""

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="responsibility_tasks", verbose_name=_("programme")
    )
    name = models.CharField(_("task"), max_length=240)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("task in the matrix")
        verbose_name_plural = _("tasks in the matrix")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class ResponsibilityCell(ChangeLogged, TenantModel):
    """One cell of the matrix: what a role has to do with a task (R, A, C or I). No row: nothing."""

    task = models.ForeignKey(ResponsibilityTask, on_delete=models.CASCADE, related_name="cells", verbose_name=_("task"))
    role = models.ForeignKey(ResponsibilityRole, on_delete=models.CASCADE, related_name="cells", verbose_name=_("role"))
    code = models.CharField(_("responsibility"), max_length=1, choices=Responsibility.choices)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "task", "role"], name="responsibility_cell_unique")
        ]

    def __str__(self):
        return f"{self.task} · {self.role}: {self.code}"


class TheoryItem(ChangeLogged, TenantModel):
    """One box of the change theory: a resource, an activity, or a short-, medium- or long-term result.

    A result names what shows it: one of seed 001's ten measures, or a figure of the documentation model.
    """

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="theory_items", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TheoryKind.choices)
    text = models.TextField(_("text"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    measure = models.CharField(_("shown by the measure"), max_length=30, choices=Measure.choices, blank=True)
    figure = models.CharField(
        _("shown by the documentation model's figure"), max_length=40, choices=DocumentationFigure.choices, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("change theory item")
        verbose_name_plural = _("change theory items")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(measure="") | Q(figure=""), name="theory_item_one_indicator"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def indicator_display(self) -> str:
        if self.measure:
            return self.get_measure_display()
        if self.figure:
            return self.get_figure_display()
        return ""


class Phase(ChangeLogged, TenantModel):
    """A phase of the implementation plan (from the model's template), planned and as it went."""

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="phases", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("started"), null=True, blank=True)
    actual_end = models.DateField(_("ended"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "code"], name="phase_unique_code"),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="phase_planned_dates",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | (Q(actual_start__isnull=False) & Q(actual_end__gte=models.F("actual_start"))),
                name="phase_actual_dates",
            ),
        ]

    def __str__(self):
        return self.name


class PhaseChecklistItem(ChangeLogged, TenantModel):
    """An activity of a phase to tick off (seed 002's start-up activities, KL's mid-term checklist)."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="checklist", verbose_name=_("phase"))
    text = models.CharField(_("activity"), max_length=240)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    done_on = models.DateField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticked off by"),
    )

    class Meta:
        verbose_name = _("checklist activity")
        verbose_name_plural = _("checklist activities")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class Milestone(ChangeLogged, TenantModel):
    """A row of the implementation plan (seed 002's template: theme, activity, content, date, participants,
    owner, follow-up, precondition), done on a date or overdue once its date has passed."""

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="milestones", verbose_name=_("programme")
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, null=True, blank=True, related_name="milestones", verbose_name=_("phase")
    )
    theme = models.CharField(_("theme"), max_length=160, blank=True)
    activity = models.CharField(_("activity"), max_length=240)
    content = models.TextField(_("content"), blank=True)
    due_on = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=240, blank=True)
    owner = models.CharField(_("responsible"), max_length=160)
    follow_up = models.CharField(_("follow-up"), max_length=240, blank=True)
    precondition = models.CharField(_("precondition"), max_length=240, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.activity

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due_on < today


class ScaleUpStep(ChangeLogged, TenantModel):
    """A step of the scale-up plan: by this date, this many pathways in the programme (from the pilot to all)."""

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="scale_up_steps", verbose_name=_("programme")
    )
    on_date = models.DateField(_("by"))
    target_count = models.PositiveIntegerField(_("target number of pathways"))
    note = models.CharField(_("note"), max_length=240, blank=True)

    class Meta:
        verbose_name = _("scale-up step")
        verbose_name_plural = _("scale-up steps")
        ordering = ["on_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "on_date"], name="scale_up_step_unique_date")
        ]

    def __str__(self):
        return str(
            _("%(count)s pathways by %(date)s")
            % {"count": self.target_count, "date": self.on_date.strftime("%d.%m.%Y")}
        )
