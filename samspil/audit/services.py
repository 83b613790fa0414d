"""Writing audit rows. Views and services call these; nothing else writes the audit tables."""

import functools
import logging
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from samspil.audit import context
from samspil.audit.choices import AccessVia
from samspil.audit.events import EVENTS
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.audit.signals import pathway_changed
from samspil.core.db import prepared_statement_cursor

logger = logging.getLogger("samspil.audit")


# Events no pathway page shows (the overview's timeline leaves them out): they do not move the pathway's content
# generation on, so a refused read neither throws away its kept pages nor waits for a writer's lock on its row.
EVENTS_NOT_SHOWN = frozenset({"access.denied"})


def event_record(*, actor, code: str, municipality_id: int, pathway=None, data: dict | None = None) -> AuditEvent:
    """Record a business event. The code must be registered, so every event has a display text."""
    if code not in EVENTS:
        raise ValueError(f"Unregistered audit event code: {code}")
    event = AuditEvent.objects.create(
        municipality_id=municipality_id,
        actor=actor,
        request_id=context.current().request_id,
        code=code,
        pathway=pathway,
        data={key: str(value) for key, value in (data or {}).items()},
    )
    if code not in EVENTS_NOT_SHOWN:
        pathway_changed(event.pathway_id)  # the pathway's pages show its events
    return event


class AccessRow(NamedTuple):
    """One access-log row to be written (`AccessLogEntry`'s columns but the id and the time)."""

    municipality_id: int
    actor_id: int
    citizen_id: int | None
    subject_index: str
    pathway_id: int | None
    shown: str
    purpose: str
    via: str
    request_id: str


class Read(NamedTuple):
    """A citizen or pathway read as plain values: what an access-log row needs of it (`access_record_each` takes
    it where a model instance would do), so a list page read with `.values()` builds no instance to log its rows."""

    pk: int
    municipality_id: int


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
    actor_id = getattr(actor, "pk", actor)
    seen, rows = set(), []
    for citizen, pathway, subject_index, municipality_id in reads:
        key = (getattr(citizen, "pk", citizen), getattr(pathway, "pk", None), subject_index)
        if key in seen:
            continue
        seen.add(key)
        citizen_id, pathway_id, _ = key
        rows.append(
            AccessRow(municipality_id, actor_id, citizen_id, subject_index, pathway_id, shown, purpose, via, request_id)
        )
    pending = context.pending_access_rows()
    if pending is not None:
        pending.extend(rows)
    else:
        access_log_write(rows)


def access_log_write(rows: list[AccessRow]) -> None:
    """Write access-log rows in one INSERT statement, however many.

    On PostgreSQL the statement takes the time of the write and one array per column, unnested, so its text (and
    plan) is the same for one row or two hundred, and no model instance is built per row; elsewhere Django's
    `bulk_create` with `batch_size=None` (SQLite splits by its limit of variables per statement).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        AccessLogEntry.objects.bulk_create([AccessLogEntry(**row._asdict()) for row in rows], batch_size=None)
        return
    # Prepared (`core.db.prepared_statement_cursor`). Each column goes as one array literal, a text parameter cast on
    # the server: the parameters' types are the same on every call, so the connection keeps one prepared statement.
    # Python lists would be typed by their values (int2[], int4[] or int8[]; an all-NULL array untyped), and psycopg
    # prepares one statement per combination of types.
    with prepared_statement_cursor() as cursor:
        cursor.execute(
            _unnest_insert(), [timezone.now(), *(_array_literal(column) for column in zip(*rows, strict=True))]
        )


def _array_literal(values) -> str:
    """A PostgreSQL array literal: NULL for None, every other value a double-quoted element with `\\` and `"` escaped
    by a backslash, so commas, braces, spaces and the word NULL in a value stay part of it."""
    return (
        "{"
        + ",".join(
            "NULL" if value is None else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
            for value in values
        )
        + "}"
    )


@functools.cache
def _unnest_insert() -> str:
    meta = AccessLogEntry._meta
    columns = [meta.get_field(name).column for name in AccessRow._fields]
    types = {"municipality_id": "bigint", "actor_id": "bigint", "citizen_id": "bigint", "pathway_id": "bigint"}
    arrays = ", ".join(f"%s::{types.get(name, 'text')}[]" for name in AccessRow._fields)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    return (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608  (our own table and column names)
        f'("created_at", {quoted}) SELECT %s, rows.* FROM unnest({arrays}) AS rows'
    )


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
