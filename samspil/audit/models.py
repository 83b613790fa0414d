"""The three audit trails: access log (every read), change log (every change), business events.

All three are append-only: rows are written once and never updated or deleted, neither through the
ORM (refused here) nor, on PostgreSQL, through SQL (refused by a trigger, see the migrations).
"""

import datetime
import decimal
import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.core.models import ScopedQuerySet


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} is append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} is append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only")


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


class ChangeLogged(models.Model):
    """Mixin: every save and delete of the model writes a change-log row with before and after.

    Subclasses name fields whose values must never reach the log in `change_log_redacted` and say which
    pathway a row belongs to through `change_log_pathway_id`.
    """

    change_log_redacted: frozenset = frozenset()
    change_log_ignored = frozenset({"id", "created_at", "updated_at"})

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Keep the loaded values as they are (cheap); the "before" state is only worked out if the row is saved.
        instance._change_log_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def change_log_before(self) -> dict | None:
        """The state as last loaded or saved, or None for a row this process never read."""
        before = getattr(self, "_change_log_before", None)
        if before is None and hasattr(self, "_change_log_loaded"):
            before = self.change_log_state(self._change_log_loaded)
        return before

    def change_log_state(self, values: dict | None = None) -> dict:
        source = self.__dict__ if values is None else values
        state = {}
        for field in self._meta.concrete_fields:
            if field.attname in self.change_log_ignored or field.attname not in source:
                continue
            value = source[field.attname]
            if field.attname in self.change_log_redacted:
                value = "•••" + hashlib.sha256(str(value).encode()).hexdigest()[:6] if value else ""
            state[field.attname] = _json_value(value)
        return state

    @property
    def change_log_pathway_id(self) -> int | None:
        return getattr(self, "pathway_id", None)

    def change_log_shown_on(self):
        """The pathways besides `change_log_pathway_id`'s whose pages show this row (a citizen on each of their
        pathways): a filter on `Pathway`, or None. Their content generation moves on with the row (`audit.signals`),
        so no kept page of theirs shows it as it was."""
        return None


class ChangeLogEntry(AppendOnlyModel):
    """One change of one record: who, when, in which request, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("who")
    )
    request_id = models.CharField(_("request id"), max_length=64)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # content_type and pathway lead the (content_type, object_id) and (pathway, created_at) indexes, which serve their
    # look-ups: no index of their own, written on every change.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    object_id = models.BigIntegerField(_("record"))
    object_repr = models.CharField(_("record"), max_length=200)
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("pathway"),
        db_index=False,
    )
    before = models.JSONField(_("before"), null=True)
    after = models.JSONField(_("after"), null=True)

    class Meta:
        verbose_name = _("change-log entry")
        verbose_name_plural = _("change log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pathway", "created_at"]), models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


class AccessLogEntry(AppendOnlyModel):
    """One read of one citizen's data: who, when, what was shown, for what purpose, on which basis.

    On PostgreSQL the table is partitioned by month on `created_at` (migration 0006, `manage.py audit_partitions`,
    `manage.py audit_retention`); its primary key there is `(id, created_at)`, and `id` alone stays unique through
    its identity sequence. Only the indexes the readers use exist (below): no single-column ones. The foreign keys
    have no database constraint (migration 0007): a constraint checks and KEY SHARE-locks the user, citizen, pathway
    and municipality row for every row inserted, which more than doubled the cost of a page view's INSERT (measured:
    docs/architecture.md); the rows are written only by `audit.services` from loaded objects, and PROTECT still
    holds in the ORM (Django looks for rows before deleting a user, citizen or pathway, through the indexes below).
    """

    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
        db_index=False,
        db_constraint=False,
    )
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("citizen"),
        db_index=False,
        db_constraint=False,
    )
    # A person who is not (yet) a registered citizen, e.g. in imported service consumption, is logged by
    # the CPR blind index (the citizens' `cpr_index`), so the read can be found for them later.
    subject_index = models.CharField(_("CPR blind index"), max_length=64, blank=True)
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("pathway"),
        db_index=False,
        db_constraint=False,
    )
    shown = models.CharField(_("what was shown"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=20, choices=AccessPurpose.choices)
    via = models.CharField(_("access basis"), max_length=20, choices=AccessVia.choices, default=AccessVia.SCOPE)
    request_id = models.CharField(_("request id"), max_length=64)

    class Meta:
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the coordinator's access-log page, the experts' reads
            models.Index(fields=["pathway", "created_at"], name="audit_acces_pathway_da2890_idx"),
            # the citizen's insight page
            models.Index(fields=["citizen", "created_at"], name="audit_acces_citizen_36864d_idx"),
            # what one employee has read (a misuse review), and the PROTECT check when a user is deleted
            models.Index(fields=["actor", "created_at"], name="audit_alog_actor_created_idx"),
            # reads of a person known only by blind index (insight, segmentation)
            models.Index(
                fields=["subject_index", "created_at"],
                name="audit_alog_subject_index_idx",
                condition=~models.Q(subject_index=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(citizen__isnull=False) | ~models.Q(subject_index=""),
                name="access_log_names_a_person",
            )
        ]

    def __str__(self):
        return f"{self.actor_id} → {self.citizen_id or 'index'}: {self.shown}"


class AuditEvent(AppendOnlyModel):
    """A business event with a stable code from `samspil.audit.events`, shown on timelines."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("who")
    )
    request_id = models.CharField(_("request id"), max_length=64)
    code = models.CharField(_("event"), max_length=60)
    # The (pathway, created_at) index serves the pathway's look-ups: no index of its own, written on every event.
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("pathway"),
        db_index=False,
    )
    data = models.JSONField(_("details"), default=dict)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pathway", "created_at"]), models.Index(fields=["code", "created_at"])]

    def __str__(self):
        return self.code

    @property
    def text(self) -> str:
        from samspil.audit.events import describe

        return describe(self.code, self.data)
