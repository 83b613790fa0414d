"""Two PostgreSQL roles: the owner runs the migrations, the application runs as a role that owns nothing.

A table's owner can TRUNCATE it, disable or drop its triggers and replace their functions, so the append-only
triggers (audit/migrations 0002 and 0004) hold only against a role that does not own the tables. `grants()`
gives the application role exactly what the product needs:

- every table: SELECT, INSERT, UPDATE, DELETE;
- the audit tables: SELECT and INSERT only;
- the plan versions (`plans_planrevision`): SELECT, INSERT, and UPDATE of the citizen's response columns only
  (the trigger also allows that update only once);
- `django_migrations`: SELECT only;
- the sequences: USAGE and SELECT (inserts into identity columns).

Never TRUNCATE, REFERENCES or TRIGGER, no ownership, no CREATE in the schema. Run it (`manage.py db_roles`) as the
owner after every `migrate`: tables a migration adds get their privileges only then.
"""

from django.db import connection as default_connection

APPEND_ONLY = ("audit_accesslogentry", "audit_changelogentry", "audit_auditevent", "identity_loginrefusal")
PLAN_REVISIONS = "plans_planrevision"
CITIZEN_RESPONSE_COLUMNS = (
    "citizen_seen_at",
    "citizen_agreed",
    "citizen_comment",
    "citizen_response_recorded_by_id",
    "citizen_responded_by_id",  # the person who answered in the portal (plans/0002, guard plans/0003)
    "updated_at",
)
READ_ONLY = ("django_migrations",)


class RoleError(Exception):
    """The role cannot be used as the application's role (it owns the tables, or is a superuser)."""


def grants(app_role: str, *, connection=default_connection) -> list[str]:
    """The SQL that gives `app_role` the application's privileges on the current database and schema."""
    quote = connection.ops.quote_name
    role = quote(app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
    tables = sorted(connection.introspection.table_names(include_views=False))
    statements = [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {quote(database)} TO {role}",
        f"GRANT USAGE ON SCHEMA {quote(schema)} TO {role}",
        f"REVOKE CREATE ON SCHEMA {quote(schema)} FROM {role}",
        # Start from nothing, so running it again also takes back what is no longer wanted.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote(schema)} FROM {role}",
    ]
    for table in tables:
        if table in APPEND_ONLY:
            privileges = "SELECT, INSERT"
        elif table in READ_ONLY:
            privileges = "SELECT"
        elif table == PLAN_REVISIONS:
            columns = ", ".join(quote(column) for column in CITIZEN_RESPONSE_COLUMNS)
            privileges = f"SELECT, INSERT, UPDATE ({columns})"
        else:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {privileges} ON {quote(table)} TO {role}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {role}")
    return statements


def check_role(app_role: str, *, connection=default_connection) -> None:
    """Refuse a role that would make the triggers moot: a superuser, the owner of a table, or a member of it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        found = cursor.fetchone()
        if found is None:
            raise RoleError(f"The role {app_role!r} does not exist; create it first (or use --create-role).")
        if found[0]:
            raise RoleError(f"The role {app_role!r} is a superuser: it could bypass every trigger.")
        cursor.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND pg_has_role(%s, c.relowner, 'MEMBER')
            LIMIT 1
            """,
            [app_role],
        )
        owned = cursor.fetchone()
        if owned is not None:
            raise RoleError(
                f"The role {app_role!r} owns (or is a member of the owner of) the table {owned[0]}: it could "
                "disable the append-only triggers. Use a role that owns nothing."
            )


def create_role_statement(app_role: str, *, password: str | None, connection=default_connection) -> str:
    role = connection.ops.quote_name(app_role)
    if password is None:
        return f"CREATE ROLE {role} NOLOGIN"
    # A literal, not a parameter: utility statements take no parameters. Quoted by doubling quotes.
    literal = "'" + password.replace("'", "''") + "'"
    return f"CREATE ROLE {role} LOGIN PASSWORD {literal}"


def apply(app_role: str, *, connection=default_connection) -> list[str]:
    """Check the role and grant; returns the statements run."""
    check_role(app_role, connection=connection)
    statements = grants(app_role, connection=connection)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
