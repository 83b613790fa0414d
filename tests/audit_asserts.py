"""Assertions on the audit trail shared by the service tests."""

from django.contrib.contenttypes.models import ContentType

from samspil.audit.models import AuditEvent, ChangeLogEntry


def assert_event(code: str, *, actor, request_id: str, pathway=None) -> AuditEvent:
    """Exactly one business event with `code` was recorded in the request, by the actor, on the pathway."""
    events = list(AuditEvent.objects.filter(code=code, request_id=request_id))
    assert len(events) == 1, f"expected one {code!r} event in request {request_id}, found {len(events)}"
    event = events[0]
    assert event.actor_id == actor.pk
    if pathway is not None:
        assert event.pathway_id == pathway.pk
    assert event.text and event.text != code, "the event has no display text"
    return event


def assert_change(instance, action: str, *, actor, request_id: str) -> ChangeLogEntry:
    """Exactly one change-log row for `instance` with `action`, written in the request, with before/after."""
    rows = list(
        ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            action=action,
            request_id=request_id,
        )
    )
    assert len(rows) == 1, f"expected one {action} change-log row for {instance!r}, found {len(rows)}"
    row = rows[0]
    assert row.actor_id == actor.pk
    assert row.municipality_id == instance.municipality_id
    if action == ChangeLogEntry.Action.CREATE:
        assert row.before is None and row.after
    elif action == ChangeLogEntry.Action.UPDATE:
        assert row.before and row.after and row.changed_fields
    return row


def audit_counts() -> tuple[int, int]:
    return AuditEvent.objects.count(), ChangeLogEntry.objects.count()
