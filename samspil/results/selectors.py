"""Reads of where citizens stand (`StatusEntry`).

`status_history` reads the history of one pathway the view has already resolved in scope (`PathwayMixin` logs the
read). `status_on` and `status_at_start` are bulk helpers for figures over many pathways (the documentation model,
the evaluation's measures): they take pathway ids the caller has already scoped (a list or a queryset of ids), read
in one query and log nothing themselves — the caller decides what is shown and logs it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from samspil.citizens.models import Citizen
from samspil.pathways.models import Pathway
from samspil.results.models import StatusEntry

StatusKey = tuple[int, int]  # (pathway_id, citizen_id)


def _entries(pathway_ids: Iterable[int] | QuerySet) -> QuerySet:
    if not isinstance(pathway_ids, QuerySet):
        pathway_ids = list(pathway_ids)
    return StatusEntry.objects.filter(pathway_id__in=pathway_ids)


def _first_per_citizen(entries: QuerySet, order_by: list) -> dict[StatusKey, StatusEntry]:
    """The first entry of each (pathway, citizen) in `order_by`, in one query (a window function)."""
    ranked = entries.annotate(
        status_rank=Window(RowNumber(), partition_by=[F("pathway_id"), F("citizen_id")], order_by=order_by)
    ).filter(status_rank=1)
    return {(entry.pathway_id, entry.citizen_id): entry for entry in ranked}


def status_on(pathway_ids: Iterable[int] | QuerySet, on: datetime.date) -> dict[StatusKey, StatusEntry]:
    """Each citizen's status on `on` per pathway: the latest entry on or before that date (one query).

    Keyed by `(pathway_id, citizen_id)`; a citizen with no entry by then is missing from the dict. Entries of the same
    date are ordered by when they were written (the later one wins).
    """
    return _first_per_citizen(
        _entries(pathway_ids).filter(recorded_on__lte=on), [F("recorded_on").desc(), F("id").desc()]
    )


def status_at_start(
    pathway_ids: Iterable[int] | QuerySet, on: datetime.date | None = None
) -> dict[StatusKey, StatusEntry]:
    """Each citizen's first recorded status per pathway (the baseline), optionally only entries on or before `on`.

    Keyed by `(pathway_id, citizen_id)` like `status_on`; one query.
    """
    entries = _entries(pathway_ids)
    if on is not None:
        entries = entries.filter(recorded_on__lte=on)
    return _first_per_citizen(entries, [F("recorded_on").asc(), F("id").asc()])


@dataclass
class CitizenHistory:
    """One citizen of a pathway with their entries, newest first."""

    citizen: Citizen
    entries: list[StatusEntry] = field(default_factory=list)

    @property
    def current(self) -> StatusEntry | None:
        return self.entries[0] if self.entries else None


def status_history(pathway: Pathway, subjects: list[Citizen] | None = None) -> list[CitizenHistory]:
    """The dated history of every citizen the pathway is about (for a family: each member), newest entry first.

    `subjects` are the pathway's citizens when the caller already has them (`pathways.selectors.subject_citizens`);
    a citizen with entries who is no longer a member (left the family) is listed after them. Two queries at most.
    """
    if subjects is None:
        from samspil.pathways.selectors import subject_citizens

        subjects = subject_citizens(pathway)
    histories = {citizen.pk: CitizenHistory(citizen=citizen) for citizen in subjects}
    entries = (
        StatusEntry.objects.filter(pathway=pathway)
        .select_related("citizen", "recorded_by", "meeting")
        .order_by("-recorded_on", "-id")
    )
    for entry in entries:
        history = histories.get(entry.citizen_id)
        if history is None:
            history = histories[entry.citizen_id] = CitizenHistory(citizen=entry.citizen)
        history.entries.append(entry)
    return list(histories.values())
