from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from samspil.organisations.models import Municipality
from samspil.pathways.programmes import programmes_seed


@receiver(post_save, sender=Municipality, dispatch_uid="samspil.pathways.seed_programmes")
def seed_programmes(sender, instance, created, raw=False, **kwargs):
    """A new municipality starts with the five collaboration models as programmes."""
    if created and not raw:
        programmes_seed(municipality=instance)


def _coordinators_of(instance) -> set[int]:
    """Whom a changed row's pathway counts for in the worklist's figures: its coordinator, and for a pathway whose
    coordinator changed, the one before too."""
    from samspil.pathways.models import Pathway

    if isinstance(instance, Pathway):
        return {instance.coordinator_id, getattr(instance, "_worklist_coordinator_before", None)} - {None}
    pathway_id = instance.change_log_pathway_id
    if pathway_id is None:
        return set()
    return set(Pathway.objects.filter(pk=pathway_id).values_list("coordinator_id", flat=True))


def _figures_changed(sender, instance, raw=False, **kwargs):
    """An agreement, meeting, saved plan version or pathway changed: the coordinators' kept worklist figures
    (*Mine forløb*, `worklist.worklist_totals_kept`) count again, once the change is committed (a view counting
    in between keeps the old generation, which is then replaced)."""
    if raw:
        return
    from samspil.pathways.worklist import forget_worklist_totals

    coordinators = _coordinators_of(instance)
    if coordinators:
        transaction.on_commit(lambda: forget_worklist_totals(*coordinators), robust=True)


def _remember_coordinator(sender, instance, raw=False, **kwargs):
    """Before a pathway is saved: its coordinator as loaded (the change log's before-state is moved on by the time
    `post_save` receivers after it run)."""
    if not raw:
        instance._worklist_coordinator_before = (instance.change_log_before() or {}).get("coordinator_id")


def _connect_figure_signals() -> None:
    from samspil.meetings.models import Meeting
    from samspil.pathways.models import Pathway
    from samspil.plans.models import Agreement, PlanRevision

    pre_save.connect(_remember_coordinator, sender=Pathway, dispatch_uid="samspil.pathways.worklist_figures.before")
    for model in (Agreement, Meeting, PlanRevision, Pathway):
        uid = f"samspil.pathways.worklist_figures.{model.__name__}"
        post_save.connect(_figures_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_figures_changed, sender=model, dispatch_uid=f"{uid}.delete")


_connect_figure_signals()
