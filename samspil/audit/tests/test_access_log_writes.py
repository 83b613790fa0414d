"""One INSERT per page view: a request collects its access-log rows and the audit middleware writes them at once.

Outside a request (Celery, commands, a selector called directly) rows are written at once, as before.
"""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.middleware import AuditContextMiddleware
from samspil.audit.models import AccessLogEntry
from samspil.audit.services import access_record, access_record_each
from tests import factories as f

pytestmark = pytest.mark.django_db


def access_log_inserts(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if 'INSERT INTO "audit_accesslogentry"' in query["sql"]]


def call(view, user):
    request = RequestFactory().get("/")
    request.user = user
    return AuditContextMiddleware(view)(request)


def test_several_reads_in_one_request_are_one_insert(world):
    others = [f.CitizenFactory(municipality=world.municipality) for _ in range(4)]

    def view(request):
        access_record(actor=request.user, citizens=[world.citizen], shown="pathway.overview", purpose="coordination")
        access_record(actor=request.user, citizens=others, shown="pathway.list", purpose="coordination")
        access_record_each(
            actor=request.user,
            reads=[(world.citizen, world.pathway), (others[0], None)],
            shown="pathway.worklist",
            purpose="coordination",
        )
        assert not AccessLogEntry.objects.exists()  # collected, not written yet
        return HttpResponse("ok")

    with CaptureQueriesContext(connection) as captured:
        response = call(view, world.coordinator)
    assert response.status_code == 200
    assert len(access_log_inserts(captured)) == 1
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert sorted(rows.values_list("shown", flat=True)) == sorted(
        ["pathway.overview"] + ["pathway.list"] * 4 + ["pathway.worklist"] * 2
    )
    assert {row.actor_id for row in rows} == {world.coordinator.pk}


def test_a_request_without_reads_writes_nothing(world):
    with CaptureQueriesContext(connection) as captured:
        call(lambda request: HttpResponse("ok"), world.coordinator)
    assert not access_log_inserts(captured)


def test_a_read_in_a_rolled_back_transaction_is_still_logged(world):
    def view(request):
        try:
            with transaction.atomic():
                access_record(actor=request.user, citizens=[world.citizen], shown="pathway.overview", purpose="x")
                raise ValueError("the view's work failed")
        except ValueError:
            pass
        return HttpResponse("shown anyway")

    response = call(view, world.coordinator)
    assert AccessLogEntry.objects.filter(request_id=response["X-Request-Id"], citizen=world.citizen).count() == 1


def test_a_failed_write_turns_the_page_into_an_error(world, monkeypatch):
    def fail(rows):
        raise DatabaseError("disk full")

    monkeypatch.setattr("samspil.audit.middleware.access_log_write", fail)

    def view(request):
        access_record(actor=request.user, citizens=[world.citizen], shown="pathway.overview", purpose="coordination")
        return HttpResponse("the citizen's data")

    response = call(view, world.coordinator)
    assert response.status_code == 500
    assert b"the citizen's data" not in response.content


def test_a_streamed_response_is_logged_before_it_leaves(world):
    def view(request):
        access_record(actor=request.user, citizens=[world.citizen], shown="plan.pdf", purpose="coordination")
        return StreamingHttpResponse(iter([b"%PDF-"]))

    response = call(view, world.coordinator)
    assert AccessLogEntry.objects.filter(request_id=response["X-Request-Id"]).count() == 1  # before any content
    assert b"".join(response.streaming_content) == b"%PDF-"


def test_outside_a_request_rows_are_written_at_once(world):
    access_record(actor=world.coordinator, citizens=[world.citizen], shown="x", purpose="coordination")
    assert AccessLogEntry.objects.filter(shown="x").count() == 1


def test_the_worklist_writes_its_log_in_one_insert(client, world):
    for _ in range(12):  # as tests/test_query_counts.py: coordinated pathways with an overdue agreement
        pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
        goal = f.GoalFactory(plan=f.PlanFactory(pathway=pathway))
        f.AgreementFactory(goal=goal, due_on=timezone.localdate() - datetime.timedelta(days=2))
        f.MeetingFactory(pathway=pathway, starts_at=timezone.now() + datetime.timedelta(days=2))
    client.force_login(world.coordinator)
    for url in (reverse("pathways:worklist"), reverse("pathways:mine")):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
        assert rows.count() >= 12, (url, list(rows.values_list("shown", flat=True)))
        assert len(access_log_inserts(captured)) == 1, url


def test_one_statement_of_the_same_text_for_one_row_or_many_with_every_column_written(world):
    """PostgreSQL: one array per column, unnested; elsewhere one bulk INSERT. Either way every value lands."""
    from samspil.audit.services import access_record_subjects

    others = [f.CitizenFactory(municipality=world.municipality) for _ in range(30)]
    unknown = type("Subject", (), {"citizen_id": None, "cpr_index": "idx-1", "municipality_id": world.municipality.pk})

    def one(request):
        access_record(actor=request.user, citizens=[world.citizen], shown="pathway.overview", purpose="coordination")
        return HttpResponse("ok")

    def many(request):
        access_record_each(
            actor=request.user,
            reads=[(citizen, world.pathway) for citizen in others],
            shown="pathway.worklist",
            purpose="coordination",
        )
        access_record_subjects(actor=request.user, subjects=[unknown], shown="segmentation.list", purpose="management")
        return HttpResponse("ok")

    statements = []
    for view in (one, many):
        with CaptureQueriesContext(connection) as captured:
            response = call(view, world.coordinator)
        [statement] = access_log_inserts(captured)
        statements.append(statement)
        assert response.status_code == 200
    if connection.vendor == "postgresql":
        assert statements[0].split(" SELECT ")[0] == statements[1].split(" SELECT ")[0]
        assert "unnest(" in statements[1]
    if connection.vendor == "postgresql" and connection.settings_dict.get("PREPARE_KEPT_QUERIES"):
        # Prepared, as the kept queries are (`core.db.prepared_statement_cursor`), and one statement: the two views'
        # arrays differ in their values (a NULL pathway, small and large ids), not in the parameters' types.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['INSERT INTO "audit_accesslogentry"%'],
            )
            assert cursor.fetchone()[0] == 1
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert rows.count() == 31
    assert {(row.citizen_id, row.pathway_id, row.shown, row.purpose) for row in rows if row.citizen_id} == {
        (citizen.pk, world.pathway.pk, "pathway.worklist", "coordination") for citizen in others
    }
    nameless = rows.get(citizen__isnull=True)
    assert (nameless.subject_index, nameless.pathway_id, nameless.shown, nameless.purpose) == (
        "idx-1",
        None,
        "segmentation.list",
        "management",
    )
    assert {row.actor_id for row in rows} == {world.coordinator.pk}
    if connection.vendor == "postgresql":
        assert len({row.created_at for row in rows}) == 1  # one page view, one moment
    assert {row.municipality_id for row in rows} == {world.municipality.pk}


def test_every_value_is_written_as_it_was_given(world):
    """The rows travel as array literals on PostgreSQL: quotes, backslashes, commas, braces, spaces, the word NULL
    and an empty text are values, and None is NULL."""
    from samspil.audit.services import AccessRow, access_log_write

    tricky = ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", ""]
    rows = [
        AccessRow(
            municipality_id=world.municipality.pk,
            actor_id=world.coordinator.pk,
            citizen_id=world.citizen.pk if n % 2 else None,
            subject_index=text or "idx",
            pathway_id=world.pathway.pk if n % 3 else None,
            shown=text,
            purpose="coordination",
            via="scope",
            request_id=f"req-{n}",
        )
        for n, text in enumerate(tricky)
    ]
    access_log_write(rows)
    written = {
        row.request_id: row for row in AccessLogEntry.objects.filter(request_id__startswith="req-", shown__in=tricky)
    }
    assert len(written) == len(tricky)
    for n, text in enumerate(tricky):
        row = written[f"req-{n}"]
        assert (row.shown, row.subject_index) == (text, text or "idx")
        assert row.citizen_id == (world.citizen.pk if n % 2 else None)
        assert row.pathway_id == (world.pathway.pk if n % 3 else None)
