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


def _access_rows(*, actor, reads, shown: str, purpose: str, via: str) -> None:
    """The one access-log writer: one row per distinct read.

    In a request the rows join the request's list, and the audit middleware writes the whole list in one INSERT
    when the view is done (`access_log_write`), before the response leaves; outside one (Celery, commands, the
    shell, a selector called directly) they are written at once, in one statement.

    Each read is `(citizen, pathway, subject_index, municipality_id)`: the citizen (a row or its id; None for a
    person known only from imported data), the pathway it was read in (or None), the person's blind index (or "")
    and the municipality the row belongs to. The same read twice in one call is one row.
    """
    request_id = context.current().request_id
    seen, rows = set(), []
    for citizen, pathway, subject_index, municipality_id in reads:
        key = (getattr(citizen, "pk", citizen), getattr(pathway, "pk", None), subject_index)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            AccessLogEntry(
                municipality_id=municipality_id,
                actor=actor,
                citizen_id=getattr(citizen, "pk", citizen),
                pathway=pathway,
                subject_index=subject_index,
                shown=shown,
                purpose=purpose,
                via=via,
                request_id=request_id,
            )
        )
    pending = context.pending_access_rows()
    if pending is not None:
        pending.extend(rows)
    else:
        access_log_write(rows)


def access_log_write(rows: list[AccessLogEntry]) -> None:
    """Write access-log rows in one INSERT statement, however many (`batch_size=None`: PostgreSQL has no limit to
    split on; SQLite splits by its limit of variables per statement)."""
    if rows:
        AccessLogEntry.objects.bulk_create(rows, batch_size=None)


def access_record(*, actor, citizens, shown: str, purpose: str, pathway=None, via: str = AccessVia.SCOPE) -> None:
    """One access-log row per citizen whose data is shown (read in one pathway, or in none)."""
    reads = [(citizen, pathway, "", citizen.municipality_id) for citizen in citizens]
    _access_rows(actor=actor, reads=reads, shown=shown, purpose=purpose, via=via)


def access_record_each(*, actor, reads, shown: str, purpose: str, via: str = AccessVia.SCOPE) -> None:
    """Like `access_record`, for reads that each concern a (citizen, pathway or None) pair; duplicates are one read."""
    rows = [(citizen, pathway, "", citizen.municipality_id) for citizen, pathway in reads]
    _access_rows(actor=actor, reads=rows, shown=shown, purpose=purpose, via=via)


def access_record_subjects(*, actor, subjects, shown: str, purpose: str, via: str = AccessVia.SCOPE) -> None:
    """One access-log row per person shown who may not be a registered citizen (imported data).

    Each subject has `municipality_id`, `cpr_index` (the citizens' blind index) and `citizen_id` (or None);
    the row names the citizen when there is one and always carries the index, so it is found later.
    """
    reads = [(subject.citizen_id, None, subject.cpr_index, subject.municipality_id) for subject in subjects]
    _access_rows(actor=actor, reads=reads, shown=shown, purpose=purpose, via=via)


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
