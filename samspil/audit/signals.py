from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save

from samspil.audit import context
from samspil.audit.models import ChangeLogEntry, ChangeLogged


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
