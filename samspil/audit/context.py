"""Who is acting and in which request, for audit rows written deep inside services and signals."""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None
    request_id: str


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("samspil_audit", default=None)
# Inside a request (`collecting`, bound by the audit middleware): the access-log rows read so far, written by the
# middleware in one statement when the view is done. None outside a request: rows are written at once.
_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar("samspil_audit_pending", default=None)


def current() -> AuditContext:
    return _current.get() or AuditContext(actor_id=None, request_id="system")


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(*, actor_id: int | None, request_id: str | None = None):
    """Bind the acting user (and a request id) for everything that runs inside the block."""
    token = _current.set(AuditContext(actor_id=actor_id, request_id=request_id or new_request_id()))
    try:
        yield
    finally:
        _current.reset(token)


def pending_access_rows() -> list | None:
    """The request's list of access-log rows still to be written, or None outside a request."""
    return _pending.get()


@contextmanager
def collecting():
    """Collect the access-log rows of everything inside the block instead of writing them; yields the list."""
    rows: list = []
    token = _pending.set(rows)
    try:
        yield rows
    finally:
        _pending.reset(token)
