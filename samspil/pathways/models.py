from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import ScopedQuerySet, TenantModel
from samspil.organisations.choices import DepartmentKind
from samspil.pathways.choices import (
    OPEN_STATUSES,
    CollaborationModel,
    PathwayStatus,
    SubjectKind,
    TeamMemberKind,
    TeamRole,
)
from samspil.results.choices import PathwayOutcome


class Programme(ChangeLogged, TenantModel):
    """A collaboration programme the municipality runs, with its rules stored as data."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    model = models.CharField(_("collaboration model"), max_length=30, choices=CollaborationModel.choices)
    description = models.TextField(_("description"), blank=True)
    citizen_description = models.TextField(
        _("description for the citizen"),
        blank=True,
        help_text=_("What the programme is, in two sentences of plain language, shown to the citizen in the portal."),
    )
    target_group = models.TextField(_("target group"))
    subject_kind = models.CharField(
        _("pathway for"), max_length=10, choices=SubjectKind.choices, default=SubjectKind.CITIZEN
    )
    coordinator_department_kind = models.CharField(
        _("coordinator's department"),
        max_length=30,
        choices=DepartmentKind.choices,
        blank=True,
        help_text=_("The kind of department the coordinator must come from; empty means any."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    status_meeting_cadence_days = models.PositiveSmallIntegerField(
        _("status meeting every (days)"), null=True, blank=True
    )
    min_citizen_meetings = models.PositiveSmallIntegerField(_("minimum meetings with the citizen"), default=0)
    active = models.BooleanField(_("open for new pathways"), default=True)
    transition_handover_department_kinds = models.JSONField(
        _("coordination may pass at 18 to"),
        default=list,
        blank=True,
        help_text=_(
            "Department kinds coordination may be handed to at the transition to adulthood (18), for example adult "
            "social services or the job centre; the plan carries on in the same pathway. Empty: no such handover."
        ),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="programme_unique_code"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="programme_age_range",
            ),
        ]

    def change_log_shown_on(self):
        """Every pathway of the programme shows its name, and its meeting rules decide what is due."""
        return models.Q(programme_id=self.pk)

    def __str__(self):
        return self.name


class TargetGroup(ChangeLogged, TenantModel):
    """A target group (*målgruppe*) of a programme: KL's citizen types 1–6 for the KL programme (seed 000), the
    programme's own criteria elsewhere. A pathway carries one; the results count pathways per target group."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="target_groups", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("criteria"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "programme", "code"], name="target_group_unique_code"),
        ]

    def change_log_shown_on(self):
        return models.Q(target_group_id=self.pk)

    def __str__(self):
        return self.name


class Pathway(ChangeLogged, TenantModel):
    """A coordinated pathway (*forløb*) for one citizen or one family: one coordinator, one team, one plan."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("programme")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathways",
        verbose_name=_("citizen"),
    )
    household = models.ForeignKey(
        "citizens.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathways",
        verbose_name=_("family"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_pathways",
        verbose_name=_("coordinator"),
    )
    lead_department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        related_name="led_pathways",
        verbose_name=_("coordinating department"),
    )
    status = models.CharField(_("status"), max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.REFERRED)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    referral_reason = models.TextField(_("reason for referral"), blank=True)
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathways",
        verbose_name=_("target group"),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=PathwayOutcome.choices,
        blank=True,
        help_text=_("How the pathway ended; required when it is closed."),
    )
    pilot = models.BooleanField(
        _("pilot case"), default=False, help_text=_("One of the cases the programme was tried on before scale-up.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Moved on by the database whenever anything of the pathway changes (`audit.signals.pathway_changed`): the
    # rendered pages are kept by it (`pathways.fragments`). Never written by a save (`save` below).
    content_generation = models.BigIntegerField(_("content generation"), default=0, editable=False)

    change_log_ignored = ChangeLogged.change_log_ignored | {"content_generation"}

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(citizen__isnull=False) & Q(household__isnull=True))
                | (Q(citizen__isnull=True) & Q(household__isnull=False)),
                name="pathway_one_subject",
            ),
            models.UniqueConstraint(
                fields=["municipality", "programme", "citizen"],
                condition=Q(status__in=OPEN_STATUSES),
                name="pathway_one_open_per_citizen",
            ),
            models.UniqueConstraint(
                fields=["municipality", "programme", "household"],
                condition=Q(status__in=OPEN_STATUSES),
                name="pathway_one_open_per_household",
            ),
        ]
        indexes = [
            models.Index(fields=["coordinator", "status", "id"]),
            models.Index(fields=["municipality", "lead_department", "status"]),
        ]

    def __str__(self):
        return f"{self.programme} · {self.subject_name}"

    def save(self, *args, **kwargs):
        """Saves every field but `content_generation`, which only the database moves on: a pathway read before a
        change elsewhere must not write back the number it read (a page kept under it would be shown again)."""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [name for name in kwargs["update_fields"] if name != "content_generation"]
        elif self.pk is not None and not self._state.adding and not args and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "content_generation" and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def subject_name(self) -> str:
        return self.citizen.full_name if self.citizen_id else self.household.name

    def subject_ids(self) -> list[int]:
        """The ids of the citizens the pathway is about: the citizen, or every current member of the family (a member
        whose membership ended is history, not a subject)."""
        if self.citizen_id:
            return [self.citizen_id]
        from samspil.citizens.models import HouseholdMember

        return list(
            HouseholdMember.objects.current()
            .filter(household_id=self.household_id)
            .order_by("member_from", "id")
            .values_list("citizen_id", flat=True)
        )

    @property
    def is_open(self) -> bool:
        return self.status != PathwayStatus.CLOSED

    @property
    def change_log_pathway_id(self):
        return self.pk


class StatusChange(ChangeLogged, TenantModel):
    """One step in a pathway's lifecycle, with the reason. The history is never rewritten."""

    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="status_changes", verbose_name=_("pathway")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PathwayStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PathwayStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        if not self.from_status:
            return str(self.get_to_status_display())
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class TeamMemberQuerySet(ScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(active_from__lte=on), Q(active_to__isnull=True) | Q(active_to__gte=on))


class TeamMember(ChangeLogged, TenantModel):
    """A person on a pathway's cross-disciplinary team: staff, an external professional or a network person."""

    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="team", verbose_name=_("pathway"))
    kind = models.CharField(_("kind"), max_length=10, choices=TeamMemberKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("staff member"),
    )
    department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    external_contact = models.ForeignKey(
        "organisations.ExternalContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("external contact"),
    )
    name = models.CharField(_("name"), max_length=160, blank=True)
    relation = models.CharField(_("relation to the citizen"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role on the team"), max_length=20, choices=TeamRole.choices)
    active_from = models.DateField(_("from"), default=timezone.localdate)
    active_to = models.DateField(_("to"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["kind", "active_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=TeamMemberKind.STAFF) & Q(user__isnull=False) & Q(department__isnull=False))
                | (Q(kind=TeamMemberKind.EXTERNAL) & Q(external_contact__isnull=False))
                | (Q(kind=TeamMemberKind.NETWORK) & ~Q(name="")),
                name="team_member_kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="team_member_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["municipality", "pathway", "user"],
                condition=Q(user__isnull=False, active_to__isnull=True),
                name="team_member_one_open_place_per_user",
            ),
        ]
        indexes = [
            # The user's places that have not ended, with their pathways, read by Index Only Scan: the team-place
            # branch of `access.scopes.pathway_candidates` (and every "my places" list by its prefix).
            models.Index(fields=["user", "active_to", "pathway"], name="team_member_user_places_idx"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == TeamMemberKind.STAFF:
            return str(self.user)
        if self.kind == TeamMemberKind.EXTERNAL:
            return self.external_contact.name
        return self.name

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.active_from <= today and (self.active_to is None or self.active_to >= today)
