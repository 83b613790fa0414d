"""Append-only in the database (PostgreSQL): no TRUNCATE, plan versions guarded, and an application role that
owns nothing and so cannot switch the triggers off (issue 8, security test)."""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from samspil.audit import context, db_roles
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.audit.services import access_record, event_record
from samspil.plans import services as plan_services
from samspil.plans.models import PlanRevision

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"),
]

AUDIT_TABLES = ["audit_accesslogentry", "audit_changelogentry", "audit_auditevent"]


def refused(statement, params=None, match=None):
    """Run `statement` in a savepoint and return the database's refusal."""
    with pytest.raises(DatabaseError, match=match) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(error.value)


def run(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


@pytest.fixture
def revision(world):
    """A saved plan version, an access-log row and a change-log row (made without the services' access checks,
    which this test is not about)."""
    with context.bound(actor_id=world.coordinator.pk, request_id="revision-request"):
        plan = plan_services.plan_for(world.pathway)
        event = event_record(
            actor=world.coordinator,
            code="plan.wishes_updated",
            municipality_id=world.municipality.pk,
            pathway=world.pathway,
        )
        access_record(actor=world.coordinator, citizens=[world.citizen], shown="test", purpose="coordination")
        return PlanRevision.objects.create(
            municipality=world.municipality,
            plan=plan,
            pathway=world.pathway,
            number=1,
            saved_by=world.coordinator,
            event=event,
            snapshot={"wishes": "Et arbejde"},
        )


def record_response(revision, actor, *, agreed, comment=""):
    """What `plans.services.revision_record_citizen_agreement` writes."""
    revision.citizen_seen_at = timezone.now()
    revision.citizen_agreed = agreed
    revision.citizen_comment = comment
    revision.citizen_response_recorded_by = actor
    revision.save(update_fields=sorted(PlanRevision.CITIZEN_RESPONSE_FIELDS))


# --- the triggers, even for the owner -------------------------------------------------------------------------


@pytest.mark.parametrize("table", [*AUDIT_TABLES, "plans_planrevision"])
def test_truncate_is_refused_even_for_the_owner(revision, table):
    run("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE stops at the test's pending foreign-key checks first
    refused(f"TRUNCATE {table} CASCADE", match="append-only: TRUNCATE is refused")
    assert run(f"SELECT 1 FROM {table}") > 0  # noqa: S608


def test_a_plan_version_cannot_be_changed_or_deleted(revision):
    refused("UPDATE plans_planrevision SET snapshot = '{}' WHERE id = %s", [revision.pk], match="append-only")
    refused("UPDATE plans_planrevision SET number = 99 WHERE id = %s", [revision.pk], match="append-only")
    refused("DELETE FROM plans_planrevision WHERE id = %s", [revision.pk], match="append-only")
    # Not even together with a first response.
    refused(
        "UPDATE plans_planrevision SET citizen_seen_at = now(), citizen_response_recorded_by_id = saved_by_id, "
        "snapshot = '{}' WHERE id = %s",
        [revision.pk],
        match="append-only",
    )


def test_the_citizens_response_is_recorded_once(world, revision):
    with context.bound(actor_id=world.coordinator.pk, request_id="response-request"):
        record_response(revision, world.coordinator, agreed=False, comment="Ikke enig")
    revision.refresh_from_db()
    assert revision.citizen_agreed is False and revision.citizen_comment == "Ikke enig"
    # A second time, past the ORM guard: the database refuses too.
    refused(
        "UPDATE plans_planrevision SET citizen_agreed = true, updated_at = now() WHERE id = %s",
        [revision.pk],
        match="only the citizen's response may be recorded, once",
    )


# --- the application role -------------------------------------------------------------------------------------


@pytest.fixture
def app_role(revision):
    """A fresh role with the application's grants, created inside the test's transaction (rolled back after)."""
    name = f"samspil_test_app_{uuid.uuid4().hex[:8]}"
    run(db_roles.create_role_statement(name, password=None))
    db_roles.apply(name)
    return name


@pytest.fixture
def as_app(app_role):
    run(f'SET LOCAL ROLE "{app_role}"')
    yield app_role
    run("RESET ROLE")


def test_the_app_role_cannot_switch_the_append_only_rules_off(as_app, revision):
    for table in AUDIT_TABLES:
        assert "permission denied" in refused(f"TRUNCATE {table}")
        assert "must be owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert "must be owner" in refused(f"DROP TRIGGER {table}_append_only ON {table}")
        assert "must be owner" in refused(f"DROP TRIGGER {table}_no_truncate ON {table}")
        assert "permission denied" in refused(f"UPDATE {table} SET request_id = 'x'")  # noqa: S608
        assert "permission denied" in refused(f"DELETE FROM {table}")  # noqa: S608
    assert "permission denied" in refused("TRUNCATE plans_planrevision")
    assert "must be owner" in refused("ALTER TABLE plans_planrevision DISABLE TRIGGER ALL")
    for function in ("samspil_append_only", "samspil_no_truncate", "samspil_plan_revision_guard"):
        refused(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        assert "must be owner" in refused(f"DROP FUNCTION {function}()")
        refused(f"ALTER FUNCTION {function}() OWNER TO CURRENT_USER")


def test_the_app_role_writes_an_access_log_row_and_reads_the_audit_tables(as_app, world):
    before = AccessLogEntry.objects.count()
    with context.bound(actor_id=world.colleague.pk, request_id="app-role-request"):
        access_record(actor=world.colleague, citizens=[world.citizen], shown="test", purpose="coordination")
    assert AccessLogEntry.objects.count() == before + 1
    assert AuditEvent.objects.exists() and ChangeLogEntry.objects.exists()


def test_the_app_role_may_record_the_citizens_response_and_nothing_else_on_a_version(as_app, world, revision):
    assert "permission denied" in refused("UPDATE plans_planrevision SET snapshot = '{}'")
    assert "permission denied" in refused("DELETE FROM plans_planrevision")
    with context.bound(actor_id=world.coordinator.pk, request_id="response-request"):
        record_response(revision, world.coordinator, agreed=True)
    revision.refresh_from_db()
    assert revision.citizen_agreed is True and revision.citizen_seen_at <= timezone.now()


def test_the_app_role_works_on_ordinary_tables(as_app, world):
    world.citizen.phone = "55667788"
    world.citizen.save()  # UPDATE on a case table, plus an INSERT into the change log
    assert ChangeLogEntry.objects.filter(after__phone="55667788").exists()


def test_a_superuser_or_a_member_of_the_owner_is_refused(revision):
    with pytest.raises(db_roles.RoleError, match="superuser"):
        db_roles.check_role("postgres")
    owner = run_scalar("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_accesslogentry'")
    name = f"samspil_test_owner_{uuid.uuid4().hex[:8]}"
    run(db_roles.create_role_statement(name, password=None))
    run(f'GRANT "{owner}" TO "{name}"')
    with pytest.raises(db_roles.RoleError, match="owns"):
        db_roles.check_role(name)


def run_scalar(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()[0]


def test_the_command_prints_the_grants_and_refuses_an_unknown_role(db):
    out = StringIO()
    call_command("db_roles", "--app-role", "samspil_app", "--print", stdout=out)
    sql = out.getvalue()
    assert 'GRANT SELECT, INSERT ON "audit_accesslogentry" TO "samspil_app";' in sql
    assert '"citizen_seen_at"' in sql and "TRUNCATE" not in sql
    with pytest.raises(CommandError, match="does not exist"):
        call_command("db_roles", "--app-role", f"missing_{uuid.uuid4().hex[:8]}")
