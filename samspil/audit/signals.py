from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save

from samspil.audit import context
from samspil.audit.models import ChangeLogEntry, ChangeLogged


def pathway_changed(pathway_id: int | None) -> None:
    """Move the pathway's `content_generation` on: something of it changed (a change-log row or a business event
    was written for it). In the writer's transaction, so a reader sees the new number only with the change; a page
    kept under the old number (`pathways.fragments`) is never shown again."""
    if pathway_id is not None:
        _move_on(Q(pk=pathway_id), [pathway_id])


def _move_on(which: Q, pathway_ids: list) -> None:
    if connection.in_atomic_block:
        # Once per transaction is enough: a reader sees the new number only with the commit, and nothing read inside
        # the transaction is kept (`changed_in_transaction`). A write of several rows (an agreement, its change-log
        # row, the plan's version and its event) moved the row on three times before.
        moved = _moved_in_transaction()
        pathway_ids = [pk for pk in pathway_ids if pk not in moved]
        if not pathway_ids:
            return
        which = Q(pk__in=pathway_ids)
        changed = _changed_pathways()
        changed.update(pathway_ids)

        def committed(ids=tuple(pathway_ids)):
            changed.difference_update(ids)

        transaction.on_commit(committed)
        moved.update(dict.fromkeys(pathway_ids, committed))
    pathways = apps.get_model("pathways", "Pathway")._base_manager
    pathways.filter(which).update(content_generation=F("content_generation") + 1)


def _moved_in_transaction() -> dict:
    """The pathways whose number the open transaction has moved on, each with the commit callback registered with
    the move. Django drops a callback when the savepoint or transaction it was registered in rolls back, and runs and
    forgets it at the commit: a pathway whose callback is no longer waiting was moved on by a transaction that is
    over (or by a savepoint that was rolled back, with the move), and is moved on again."""
    waiting = {id(callback) for _, callback, _ in connection.run_on_commit}
    kept = getattr(connection, "samspil_moved_pathways", {})
    moved = {pk: callback for pk, callback in kept.items() if id(callback) in waiting}
    connection.samspil_moved_pathways = moved
    return moved


def _shown_on_changed(instance: ChangeLogged) -> None:
    """The pathways whose pages show the row besides its own (`ChangeLogged.change_log_shown_on`) move on too. In a
    transaction their rows are locked in the order of their ids first, so two writers of overlapping sets wait for
    each other instead of deadlocking."""
    which = instance.change_log_shown_on()
    if which is None:
        return
    pathways = apps.get_model("pathways", "Pathway")._base_manager.filter(which).order_by("pk")
    if connection.in_atomic_block:
        pathways = pathways.select_for_update(of=("self",))
    ids = sorted(set(pathways.values_list("pk", flat=True)))
    if ids:
        _move_on(Q(pk__in=ids), ids)


def _changed_pathways() -> set:
    """The pathways changed in the connection's open transaction (left over after a rollback, which only means that
    a page of them is not kept until they are changed and committed again)."""
    changed = getattr(connection, "samspil_changed_pathways", None)
    if changed is None:
        changed = connection.samspil_changed_pathways = set()
    return changed


def changed_in_transaction(pathway_id: int) -> bool:
    """Whether the open transaction has changed the pathway: what it renders of it may yet be rolled back."""
    return connection.in_atomic_block and pathway_id in _changed_pathways()


def changed_in_transaction_ids() -> frozenset:
    """Every pathway the open transaction has changed (`changed_in_transaction` of each), read once: for a caller
    that asks of many pathways (the worklist's facts of every pathway a user coordinates)."""
    if not connection.in_atomic_block:
        return frozenset()
    return frozenset(_changed_pathways())


def _write(instance: ChangeLogged, action: str, before: dict | None, after: dict | None) -> None:
    ctx = context.current()
    ChangeLogEntry.objects.create(
        municipality_id=instance.municipality_id,
        actor_id=ctx.actor_id,
        request_id=ctx.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        pathway_id=instance.change_log_pathway_id,
        before=before,
        after=after,
    )
    pathway_changed(instance.change_log_pathway_id)
    _shown_on_changed(instance)


def on_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, ChangeLogged):
        return
    before = None if created else instance.change_log_before()
    after = instance.change_log_state()
    if before == after:
        return
    _write(instance, ChangeLogEntry.Action.CREATE if created else ChangeLogEntry.Action.UPDATE, before, after)
    instance._change_log_before = after


def on_delete(sender, instance, **kwargs):
    if isinstance(instance, ChangeLogged):
        _write(instance, ChangeLogEntry.Action.DELETE, instance.change_log_state(), None)


post_save.connect(on_save, dispatch_uid="samspil.audit.change_log.save")
post_delete.connect(on_delete, dispatch_uid="samspil.audit.change_log.delete")
