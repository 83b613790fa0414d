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


def access_denied_record(*, actor, path: str, pathway=None) -> None:
    """A refused read: logged for security review (without the path's query string)."""
    logger.warning("access denied user=%s path=%s", getattr(actor, "pk", None), path)
    if pathway is not None:
        event_record(
            actor=actor,
            code="access.denied",
            municipality_id=pathway.municipality_id,
            pathway=pathway,
            data={"path": path},
        )
