"""Writing audit rows. Views and services call these; nothing else writes the audit tables."""

import logging

from samspil.audit import context
from samspil.audit.choices import AccessVia
from samspil.audit.events import EVENTS
from samspil.audit.models import AccessLogEntry, AuditEvent

logger = logging.getLogger("samspil.audit")


def event_record(*, actor, code: str, municipality_id: int, pathway=None, data: dict | None = None) -> AuditEvent:
    """Record a business event. The code must be registered, so every event has a display text."""
    if code not in EVENTS:
        raise ValueError(f"Unregistered audit event code: {code}")
    return AuditEvent.objects.create(
        municipality_id=municipality_id,
        actor=actor,
        request_id=context.current().request_id,
        code=code,
        pathway=pathway,
        data={key: str(value) for key, value in (data or {}).items()},
    )


def access_record(*, actor, citizens, shown: str, purpose: str, pathway=None, via: str = AccessVia.SCOPE) -> None:
    """Write one access-log row per citizen whose data is shown, in one statement."""
    request_id = context.current().request_id
    rows = [
        AccessLogEntry(
            municipality_id=citizen.municipality_id,
            actor=actor,
            citizen=citizen,
            pathway=pathway,
            shown=shown,
            purpose=purpose,
            via=via,
            request_id=request_id,
        )
        for citizen in citizens
    ]
    AccessLogEntry.objects.bulk_create(rows)


def access_record_each(*, actor, reads, shown: str, purpose: str, via: str = AccessVia.SCOPE) -> None:
    """Like `access_record`, for reads that each concern a (citizen, pathway or None) pair; duplicates are one read."""
    request_id = context.current().request_id
    seen, rows = set(), []
    for citizen, pathway in reads:
        key = (citizen.pk, getattr(pathway, "pk", None))
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            AccessLogEntry(
                municipality_id=citizen.municipality_id,
                actor=actor,
                citizen=citizen,
                pathway=pathway,
                shown=shown,
                purpose=purpose,
                via=via,
                request_id=request_id,
            )
        )
    AccessLogEntry.objects.bulk_create(rows)


def access_record_subjects(*, actor, subjects, shown: str, purpose: str, via: str = AccessVia.SCOPE) -> None:
    """One access-log row per person shown who may not be a registered citizen (imported data).

    Each subject has `municipality_id`, `cpr_index` (the citizens' blind index) and `citizen_id` (or None);
    the row names the citizen when there is one and always carries the index, so it is found later.
    """
    request_id = context.current().request_id
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            municipality_id=subject.municipality_id,
            actor=actor,
            citizen_id=subject.citizen_id,
            subject_index=subject.cpr_index,
            shown=shown,
            purpose=purpose,
            via=via,
            request_id=request_id,
        )
        for subject in subjects
    )


def access_denied_record(*, actor, path: str, pathway=None, municipality_id: int | None = None) -> None:
    """A refused read: logged for security review (without the path's query string).

    With a pathway, or with `municipality_id` (a refused page that belongs to no pathway), it is also an event.
    """
    logger.warning("access denied user=%s path=%s", getattr(actor, "pk", None), path)
    if pathway is None and municipality_id is not None:
        event_record(actor=actor, code="access.denied", municipality_id=municipality_id, data={"path": path})
    if pathway is not None:
        event_record(
            actor=actor,
            code="access.denied",
            municipality_id=pathway.municipality_id,
            pathway=pathway,
            data={"path": path},
        )
