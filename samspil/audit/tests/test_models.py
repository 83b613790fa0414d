"""The audit trails are append-only: through the ORM everywhere, and on PostgreSQL in the database too."""

import pytest
from django.db import DatabaseError, connection, transaction

from samspil.audit import context
from samspil.audit.events import EVENTS, describe
from samspil.audit.models import AccessLogEntry, AppendOnlyError, AuditEvent, ChangeLogEntry
from samspil.audit.services import access_record, event_record
from tests import factories as f

pytestmark = pytest.mark.django_db

AUDIT_MODELS = [AccessLogEntry, AuditEvent, ChangeLogEntry]


@pytest.fixture
def one_of_each(world):
    with context.bound(actor_id=world.coordinator.pk, request_id="audit-request"):
        event_record(
            actor=world.coordinator,
            code="pathway.opened",
            municipality_id=world.municipality.pk,
            pathway=world.pathway,
            data={"programme": "X"},
        )
        access_record(
            actor=world.coordinator,
            citizens=[world.citizen],
            shown="test",
            purpose="coordination",
            pathway=world.pathway,
        )
        world.citizen.phone = "11223344"
        world.citizen.save()  # a change-log row
    return {model: model.objects.filter(request_id="audit-request").get() for model in AUDIT_MODELS}


@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: m.__name__)
def test_orm_refuses_updates_and_deletes(one_of_each, model):
    row = one_of_each[model]
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(request_id="rewritten")
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.get(pk=row.pk).request_id == "audit-request"


@pytest.mark.parametrize("model", AUDIT_MODELS, ids=lambda m: m.__name__)
def test_database_refuses_raw_updates_and_deletes_on_postgresql(one_of_each, model):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers exist on PostgreSQL only")
    table, pk = model._meta.db_table, one_of_each[model].pk
    for statement in (
        f"UPDATE {table} SET request_id = 'rewritten' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [pk])
    assert model.objects.get(pk=pk).request_id == "audit-request"


def test_change_log_records_actor_request_and_before_after(world):
    with context.bound(actor_id=world.colleague.pk, request_id="edit-request"):
        world.citizen.phone = "99887766"
        world.citizen.save()
    row = ChangeLogEntry.objects.get(request_id="edit-request")
    assert (row.actor_id, row.action, row.changed_fields) == (world.colleague.pk, "update", ["phone"])
    assert row.after["phone"] == "99887766"


def test_saving_without_a_change_writes_no_row(world):
    before = ChangeLogEntry.objects.count()
    world.citizen.save()
    assert ChangeLogEntry.objects.count() == before


def test_unregistered_event_code_is_refused(world):
    with pytest.raises(ValueError, match="Unregistered"):
        event_record(actor=world.coordinator, code="pathway.teleported", municipality_id=world.municipality.pk)


def test_every_event_has_a_display_text_that_formats():
    for code, template in EVENTS.items():
        names = [part.split("}")[0] for part in str(template).split("{")[1:]]
        text = describe(code, dict.fromkeys(names, "X"))
        assert "{" not in text and text != code, code


def test_access_record_writes_one_row_per_citizen_in_one_statement(world, django_assert_num_queries):
    others = [f.CitizenFactory(municipality=world.municipality) for _ in range(3)]
    with django_assert_num_queries(1):
        access_record(actor=world.coordinator, citizens=[world.citizen, *others], shown="x", purpose="coordination")
    assert AccessLogEntry.objects.filter(shown="x").count() == 4
