"""The shared plan (*den fælles plan*) of a pathway: the citizen's wishes, goals, agreements and follow-ups, and
every saved version of it.

Every row carries the pathway (denormalised where it hangs off another row), so the access policy scopes it
exactly as the pathway, and the change log files it on the pathway's record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import AppendOnlyError, ChangeLogged
from samspil.core.models import ScopedQuerySet, TenantModel
from samspil.plans.choices import (
    OPEN_AGREEMENT_STATUSES,
    AgreementStatus,
    FollowUpResult,
    GoalStatus,
    GoalType,
    Horizon,
    LifeArea,
    OwnerKind,
)


class Plan(ChangeLogged, TenantModel):
    """The one shared plan of a pathway, created on first use (`services.plan_for`).

    `version` guards the citizen's wishes against two people saving at once; goals and agreements carry
    their own versions, so adding an agreement never conflicts with someone editing the wishes.
    """

    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="plans", verbose_name=_("pathway")
    )
    citizen_wishes = models.TextField(
        _("the citizen's own wishes"), blank=True, help_text=_("In the citizen's own words.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("shared plan")
        verbose_name_plural = _("shared plans")
        constraints = [
            # The pathway belongs to exactly one municipality, so this is one plan per pathway.
            models.UniqueConstraint(fields=["municipality", "pathway"], name="plan_one_per_pathway"),
        ]

    def __str__(self):
        return str(_("Shared plan"))


class Goal(ChangeLogged, TenantModel):
    """A goal in the plan, for one life area, for the citizen, one family member or the whole family."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals", verbose_name=_("plan"))
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    member = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for"),
        help_text=_("A family member; empty means the citizen, or the whole family."),
    )
    life_area = models.CharField(_("life area"), max_length=30, choices=LifeArea.choices)
    description = models.TextField(_("goal"))
    goal_type = models.CharField(_("goal type"), max_length=40, choices=GoalType.choices)
    indicator = models.TextField(_("measurable target"))
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    responsible_department = models.ForeignKey(
        "organisations.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=100, blank=True, help_text=_("For example LAB § 40 stk. 3, SEL § 141.")
    )
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["pathway", "status"]), models.Index(fields=["plan", "position"])]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        """The description, short enough for a heading or an event text."""
        text = " ".join(self.description.split())
        return text if len(text) <= 80 else text[:79] + "…"


class GoalComment(ChangeLogged, TenantModel):
    """A comment on a goal in the citizen's own words, written in the portal by the citizen or a custody holder.

    Not part of the plan's versions (it does not change the plan): it stands beside the goal, for the team on the
    staff plan and goal pages and for the family in the portal. `author` is the portal account that wrote it,
    `person` the citizen that account belongs to (the one the team reads as "Kommentar fra …").
    """

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="comments", verbose_name=_("goal"))
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    person = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    text = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment on a goal")
        verbose_name_plural = _("comments on goals")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["goal", "created_at"])]

    def __str__(self):
        return gettext("Comment from %(name)s") % {"name": self.person}


class GoalFollowUp(ChangeLogged, TenantModel):
    """An assessment of a goal on a date: continue, change, end or reassess.

    `note` is part of the plan the citizen sees; `internal_note` is for the professionals only and never
    appears in the citizen's version of the plan.
    """

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("goal"))
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway")
    )
    result = models.CharField(_("result of the follow-up"), max_length=5, choices=FollowUpResult.choices)
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    note = models.TextField(_("note"), blank=True)
    internal_note = models.TextField(
        _("internal note"), blank=True, help_text=_("Never shown in the citizen's version of the plan.")
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["assessed_on", "id"]

    def __str__(self):
        return f"{self.get_result_display()} ({self.assessed_on:%d.%m.%Y})"


class AgreementQuerySet(ScopedQuerySet):
    def open(self):
        """Agreements someone is still to do."""
        return self.filter(status__in=OPEN_AGREEMENT_STATUSES)

    def overdue(self, today):
        """Open agreements whose due date has passed: the one rule behind `Agreement.is_overdue_on`."""
        return self.open().filter(due_on__lt=today)


class Agreement(ChangeLogged, TenantModel):
    """Something one person has agreed to do for a goal, possibly by a date (*en aftale*).

    The owner is a team member (staff, external partner or network person) or the citizen; in a family,
    `owner_member` names the family member (empty: the citizen, or the family).
    """

    # goal, pathway and owner lead an index of Meta.indexes each, which serves their look-ups and the foreign-key
    # checks: a single-column index of their own would only be written on every save.
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("goal"), db_index=False
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway"), db_index=False
    )
    what = models.TextField(_("what"))
    owner_kind = models.CharField(_("who does it"), max_length=20, choices=OwnerKind.choices)
    owner = models.ForeignKey(
        "pathways.TeamMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("team member"),
        db_index=False,
    )
    owner_member = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family member"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.AGREED
    )
    follow_up_note = models.TextField(_("follow-up note"), blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_kind=OwnerKind.TEAM_MEMBER) & Q(owner__isnull=False) & Q(owner_member__isnull=True))
                | (Q(owner_kind=OwnerKind.CITIZEN) & Q(owner__isnull=True)),
                name="agreement_owner_fits_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["pathway", "status", "due_on"]),
            models.Index(fields=["owner", "status"]),
            # A goal's agreements in their order (the plan's, and the row after a changed one in a version's delta).
            models.Index(fields=["goal", "due_on", "id"]),
        ]

    def __str__(self):
        text = " ".join(self.what.split())
        return text if len(text) <= 80 else text[:79] + "…"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_AGREEMENT_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, today) -> bool:
        """In memory, the rule of `AgreementQuerySet.overdue`."""
        return self.is_open and self.due_on is not None and self.due_on < today


class SnapshotField(models.JSONField):
    """`PlanRevision.snapshot`: the whole plan as stored, kept under the attribute `checkpoint` (None for a version
    saved as a delta), while `revision.snapshot` is the whole plan of every version (`PlanRevision.full_snapshot`).

    The field keeps its name and column, so queries (`defer("snapshot")`, `filter(snapshot__…)`) and the
    database's append-only guard read as before; Django's own reads and writes (saving, serialising, refreshing)
    use the stored value.
    """

    def get_attname(self):
        return "checkpoint"

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        if hasattr(cls, "full_snapshot"):  # not on the migrations' historical models
            setattr(cls, name, property(cls.full_snapshot, cls._snapshot_store))


class PlanRevisionQuerySet(ScopedQuerySet):
    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        # The versions read together are rebuilt together: the first `snapshot` read of one of them reads the chains
        # of all in one query (see `revision_snapshots_load`).
        if fresh and self._iterable_class is models.query.ModelIterable and len(self._result_cache) > 1:
            batch = list(self._result_cache)
            for revision in batch:
                revision._revision_batch = batch

    def update(self, **kwargs):
        raise AppendOnlyError("PlanRevision is append-only")

    def delete(self):
        raise AppendOnlyError("PlanRevision is append-only")


class PlanRevision(ChangeLogged, TenantModel):
    """One saved version of the whole plan, kept for good (*notatpligt*): every change makes a new one.

    A version is stored whole (a checkpoint: the first, every `CHECKPOINT_EVERY`th, and any saved without saying
    what changed) or as a delta against the version before it (`plans.snapshot.build_delta`), so saving costs what
    changed, not the size of the plan. `snapshot` is always the whole plan: a checkpoint's stored snapshot, or the
    nearest checkpoint with the deltas after it applied, read in one query and kept on the instance.

    Append-only like the audit tables, with one exception: the citizen's response (seen, agreed, comment) is
    not known when the version is saved, so it may be set once, later. Everything else is written once.
    `citizen_response_recorded_by` is the account that recorded the response: the coordinator on the citizen's
    behalf, or the portal account of the person who answered themselves, who is then `citizen_responded_by`. The
    snapshot holds the plan as it was, with the display labels of that day, so an old version reads the same
    even when the choices change.
    """

    CITIZEN_RESPONSE_FIELDS = frozenset(
        {
            "citizen_seen_at",
            "citizen_agreed",
            "citizen_comment",
            "citizen_response_recorded_by",
            "citizen_responded_by",
            "updated_at",
        }
    )
    change_log_ignored = ChangeLogged.change_log_ignored | {"snapshot", "checkpoint", "delta"}
    CHECKPOINT_EVERY = 25

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("plan"))
    # The (pathway, saved_at) index of Meta.indexes serves the pathway's look-ups: no index of its own.
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="+", verbose_name=_("pathway"), db_index=False
    )
    number = models.PositiveIntegerField(_("version number"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saved by")
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    event = models.ForeignKey("audit.AuditEvent", on_delete=models.PROTECT, related_name="+", verbose_name=_("change"))
    snapshot = SnapshotField(_("content"), db_column="snapshot", null=True, blank=True)
    delta = models.JSONField(_("changes from the version before"), null=True, blank=True)
    checkpoint_number = models.PositiveIntegerField(
        _("checkpoint"), null=True, blank=True, help_text=_("The version whose stored snapshot this one builds on.")
    )
    citizen_seen_at = models.DateTimeField(_("seen by the citizen"), null=True, blank=True)
    citizen_agreed = models.BooleanField(_("the citizen agrees"), null=True, blank=True)
    citizen_comment = models.TextField(_("the citizen's comment"), blank=True)
    citizen_response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("response recorded by"),
    )
    citizen_responded_by = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered in the portal by"),
        help_text=_("The citizen or custody holder who gave the response themselves; empty when staff recorded it."),
    )

    objects = PlanRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "plan", "number"], name="plan_revision_unique_number"),
            models.CheckConstraint(
                condition=Q(snapshot__isnull=False) | Q(delta__isnull=False, checkpoint_number__isnull=False),
                name="plan_revision_snapshot_or_delta",
            ),
        ]
        indexes = [models.Index(fields=["pathway", "saved_at"])]

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})

    def full_snapshot(self) -> dict | None:
        """The whole plan of this version (`snapshot`)."""
        cached = self.__dict__.get("_snapshot_full")
        if cached is not None:
            return cached
        if "checkpoint" in self.__dict__ and self.checkpoint is not None:
            return self.checkpoint
        if self.pk is None:
            return self.__dict__.get("checkpoint")
        batch = [
            revision
            for revision in getattr(self, "_revision_batch", ())
            if revision.pk is not None and revision.plan_id == self.plan_id
        ]
        revision_snapshots_load(batch if self in batch else [self])
        return self.__dict__["_snapshot_full"]

    def _snapshot_store(self, value) -> None:
        self.checkpoint = value
        self.__dict__.pop("_snapshot_full", None)

    @property
    def has_citizen_response(self) -> bool:
        return self.citizen_seen_at is not None

    @property
    def is_own_response(self) -> bool:
        """The response was given by the person themselves in the portal, not recorded on their behalf."""
        return self.citizen_responded_by_id is not None

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            before = self.change_log_before() or {}
            if (
                fields is None
                or not set(fields) <= self.CITIZEN_RESPONSE_FIELDS
                or before.get("citizen_seen_at") is not None
            ):
                raise AppendOnlyError("A plan version is append-only; only the citizen's response may be set, once")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("PlanRevision is append-only")


def revision_snapshots_load(revisions) -> None:
    """Rebuild the whole plan of each of `revisions` (of any plans) in one query per plan, and keep it on each
    instance, so a page that reads many versions (a comparison, the citizen's data download) reads every chain
    once: the rows from each version's checkpoint to the version, those already loaded not read again."""
    from samspil.plans.snapshot import snapshots_from_chain

    by_plan: dict[int, list[PlanRevision]] = {}
    for revision in revisions:
        if "_snapshot_full" not in revision.__dict__:
            by_plan.setdefault(revision.plan_id, []).append(revision)
    for plan_id, wanted in by_plan.items():
        needed = set()
        for revision in wanted:
            needed.update(range(revision.checkpoint_number or revision.number, revision.number + 1))
        rows = {
            revision.number: (revision.number, revision.__dict__["checkpoint"], revision.__dict__["delta"])
            for revision in wanted
            if "checkpoint" in revision.__dict__ and "delta" in revision.__dict__
        }
        missing = sorted(needed - rows.keys())
        if missing:
            ranges, start = Q(), missing[0]
            for previous, number in zip(missing, [*missing[1:], None], strict=True):
                if number != previous + 1:
                    ranges |= Q(number__gte=start, number__lte=previous)
                    start = number
            found = PlanRevision.objects.filter(
                ranges, municipality_id=wanted[0].municipality_id, plan_id=plan_id
            ).values_list("number", "snapshot", "delta")
            rows.update((row[0], row) for row in found)
        snapshots = snapshots_from_chain(rows[number] for number in sorted(needed))
        for revision in wanted:
            revision.__dict__["_snapshot_full"] = snapshots[revision.number]
