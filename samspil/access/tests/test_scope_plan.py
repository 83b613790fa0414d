"""The pathway scope reads the user's own rows by index, not every pathway of the municipality (PostgreSQL only).

*Mine forløb* must cost the same for a user with five pathways in a municipality of 3,500 or 35,000 pathways
(issue 13). The scope narrows to `pathway_candidates` — the pathways the user coordinates, their team places that
have not ended, their grants and break-glass openings that have not expired — each branch an index range on the
user, and reads the pathways by primary key. These tests ask PostgreSQL for the plan (`EXPLAIN (FORMAT JSON)`) of
`Pathway.objects.visible_to(user, …)` and of the query `pathway_list_mine` runs, and fail when the user's own rows
are not read by Index Only Scan or when any pathway is read by Seq Scan.

The planner's choice depends on the statistics, so the test builds a municipality where it is a real choice: a
few thousand pathways, team places, grants and break-glass rows of other users, and runs `VACUUM ANALYZE` on the
tables involved. VACUUM is what makes an Index Only Scan possible at all (it sets the visibility map; without it
every index-only read visits the table anyway and the planner rightly prefers a plain index), and VACUUM sees only
committed rows. So these tests do not run in the usual rolled-back transaction: the fixture commits its rows with
bulk inserts (no change-log or access-log rows, which are append-only and could not be removed), and deletes them
again afterwards by municipality (a flush would TRUNCATE the append-only tables, which their triggers refuse). No
planner setting (`enable_seqscan`) is changed: the plan asserted is the one production gets.
"""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.access import policy, scopes
from samspil.access.models import AccessGrant, BreakGlassAccess
from samspil.accounts.choices import AccountKind
from samspil.accounts.models import User
from samspil.citizens.models import Citizen
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Department, Membership, Municipality
from samspil.pathways import selectors
from samspil.pathways.choices import PathwayStatus, TeamMemberKind, TeamRole
from samspil.pathways.models import Pathway, Programme, TeamMember
from tests import factories as f
from tests.explain import plan_nodes

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")

OTHER_PATHWAYS = 3000  # the municipality around the user: enough that reading all of it is the expensive plan
OTHER_USERS = 60
# The fixture's tables, in the order their rows are deleted (the foreign keys are checked at commit anyway).
TABLES = (
    "access_breakglassaccess",
    "access_accessgrant",
    "pathways_teammember",
    "pathways_pathway",
    "citizens_citizen",
    "pathways_programme",
    "organisations_membership",
    "accounts_user",
    "organisations_department",
)


def _world() -> User:
    """A municipality of OTHER_PATHWAYS pathways and one user with three coordinated pathways, two team places, a
    grant and a break-glass opening, all inserted in bulk and committed."""
    today, now = timezone.localdate(), timezone.now()
    municipality = Municipality.objects.bulk_create([f.MunicipalityFactory.build(name="Plantestkommune")])[0]
    department = Department.objects.bulk_create([f.DepartmentFactory.build(municipality=municipality)])[0]
    programme = Programme.objects.bulk_create([f.ProgrammeFactory.build(municipality=municipality)])[0]
    users = User.objects.bulk_create(
        # no password: hashing one per user would cost the fixture most of its time
        User(username=f"plan-{n}", kind=AccountKind.STAFF, municipality=municipality, password="!")
        for n in range(OTHER_USERS + 2)
    )
    me, colleague, others = users[0], users[1], users[2:]
    Membership.objects.bulk_create(
        Membership(municipality=municipality, user=user, department=department, role=StaffRole.CASEWORKER)
        for user in users
    )
    citizens = Citizen.objects.bulk_create([f.CitizenFactory.build(municipality=municipality) for _ in range(8)])

    def pathway(coordinator, citizen=None, n=0):
        return Pathway(
            municipality=municipality,
            programme=programme,
            citizen=citizen or citizens[0],
            coordinator=coordinator,
            lead_department=department,
            status=PathwayStatus.ACTIVE if citizen else PathwayStatus.CLOSED,
            opened_on=today - datetime.timedelta(days=n % 700 + 1),
            closed_on=None if citizen else today,
        )

    reached = Pathway.objects.bulk_create(
        [pathway(me, citizens[n + 1]) for n in range(3)] + [pathway(colleague, citizens[n + 4]) for n in range(4)]
    )
    rows = Pathway.objects.bulk_create(pathway(others[n % OTHER_USERS], n=n) for n in range(OTHER_PATHWAYS))

    def place(pathway, user, active_to=None):
        return TeamMember(
            municipality=municipality,
            pathway=pathway,
            kind=TeamMemberKind.STAFF,
            user=user,
            department=department,
            role=TeamRole.PROFESSIONAL,
            active_from=pathway.opened_on,
            active_to=active_to,
        )

    TeamMember.objects.bulk_create(
        [place(p, me) for p in reached[3:5]]
        + [place(p, me, active_to=today - datetime.timedelta(days=1)) for p in rows[:40]]  # ended: not candidates
        + [
            place(p, others[(n + k + 1) % OTHER_USERS], active_to=today - datetime.timedelta(days=1) if k else None)
            for n, p in enumerate(rows)
            for k in range(3)
        ]
    )

    def grant(pathway, user, days):
        return AccessGrant(
            municipality=municipality,
            pathway=pathway,
            user=user,
            reason="Vikar",
            valid_from=now - datetime.timedelta(days=2),
            valid_until=now + datetime.timedelta(days=days),
            granted_by=pathway.coordinator,
        )

    def glass(pathway, user, hours):
        return BreakGlassAccess(
            municipality=municipality,
            pathway=pathway,
            user=user,
            reason="Akut henvendelse fra politiet",
            expires_at=now + datetime.timedelta(hours=hours),
        )

    AccessGrant.objects.bulk_create(
        [grant(reached[5], me, 1)] + [grant(p, others[n % OTHER_USERS], n % 3 - 1) for n, p in enumerate(rows[:1500])]
    )
    BreakGlassAccess.objects.bulk_create(
        [glass(reached[6], me, 8)] + [glass(p, others[n % OTHER_USERS], n % 3 - 1) for n, p in enumerate(rows[:1500])]
    )
    with connection.cursor() as cursor:
        for table in (*TABLES, "organisations_municipality"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return me


def _remove(municipality_id) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE municipality_id = %s", [municipality_id])  # noqa: S608
        cursor.execute("DELETE FROM organisations_municipality WHERE id = %s", [municipality_id])


@pytest.fixture(scope="module")
def user_of_five_pathways(django_db_setup, django_db_blocker):
    """Built once for the module's plan tests, removed after them."""
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        # The list's access log is not the subject here, and its rows could not be deleted (append-only).
        patch.setattr(selectors, "access_record_each", lambda **kwargs: None)
        assert connection.get_autocommit()
        try:
            yield _world()
        finally:
            municipality_id = Municipality.objects.filter(name="Plantestkommune").values_list("pk", flat=True).first()
            if municipality_id is not None:
                _remove(municipality_id)


def reads(nodes, node_type: str, relation: str) -> list[dict]:
    return [node for node in nodes if node["Node Type"] == node_type and node.get("Relation Name") == relation]


def assert_starts_from_the_users_rows(nodes, *, grants: bool):
    def described():
        return "\n".join(
            f"{node['Node Type']} {node.get('Relation Name', '')} {node.get('Index Name', '')} "
            f"{node.get('Index Cond', '')}"
            for node in nodes
        )

    assert not reads(nodes, "Seq Scan", "pathways_pathway"), f"a Seq Scan reads every pathway:\n{described()}"
    branches = [("pathways_pathway", "coordinator_id"), ("pathways_teammember", "user_id")]
    if grants:
        branches += [("access_accessgrant", "user_id"), ("access_breakglassaccess", "user_id")]
    for relation, column in branches:
        index_only = [n for n in reads(nodes, "Index Only Scan", relation) if column in n.get("Index Cond", "")]
        assert index_only, f"{relation} is not read by Index Only Scan on ({column}, …):\n{described()}"
    assert reads(nodes, "Seq Scan", "pathways_teammember") == [], described()
    by_key = [n for n in reads(nodes, "Index Scan", "pathways_pathway") if "id = ANY" in n.get("Index Cond", "")]
    assert by_key, f"the pathways are not read by primary key from the user's ids:\n{described()}"


@on_postgresql
def test_the_view_scope_reads_the_users_own_rows_by_index_only(user_of_five_pathways):
    me = user_of_five_pathways
    scope = Pathway.objects.visible_to(me, policy.VIEW)
    assert scope.count() == 7  # three coordinated, two team places, one grant, one break-glass opening
    sql, params = scope.values("pk").query.sql_with_params()
    assert_starts_from_the_users_rows(plan_nodes(sql, params), grants=True)


@on_postgresql
def test_the_contribute_scope_reads_the_users_own_rows_by_index_only(user_of_five_pathways):
    me = user_of_five_pathways
    sql, params = Pathway.objects.visible_to(me, policy.CONTRIBUTE).values("pk").query.sql_with_params()
    assert_starts_from_the_users_rows(plan_nodes(sql, params), grants=False)


@on_postgresql
def test_mine_forloeb_reads_the_users_own_rows_by_index_only(user_of_five_pathways):
    me = user_of_five_pathways
    with CaptureQueriesContext(connection) as queries:
        page = selectors.pathway_list_mine(actor=me)
    assert len(page.rows) == 5
    # The list's query is the one that narrows pathways to the user's ids (`scopes.AmongIds`), in its subquery of
    # the page's ids (`selectors._mine_filtered`).
    (sql,) = [q["sql"] for q in queries.captured_queries if '."id" = ANY(ARRAY(' in q["sql"]]
    assert_starts_from_the_users_rows(plan_nodes(sql), grants=False)


# --- the candidates themselves, on every database -----------------------------------------------------------------


@pytest.mark.django_db  # also what makes pytest-django set up the test database for the tests above
def test_the_candidates_are_the_users_rows_that_can_still_count(world):
    """Coordinated pathways, places not ended, grants and openings not expired: a superset of the scope, nothing
    from rows that can no longer count (a user's history does not grow the query)."""
    colleague, now = world.colleague, timezone.now()
    left = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    f.TeamMemberFactory(
        pathway=left,
        user=colleague,
        department=world.children,
        active_from=timezone.localdate() - datetime.timedelta(days=30),
        active_to=timezone.localdate() - datetime.timedelta(days=1),
    )
    granted = f.AccessGrantFactory(pathway=f.PathwayFactory(coordinator=world.coordinator), user=colleague)
    expired = f.AccessGrantFactory(
        pathway=f.PathwayFactory(coordinator=world.coordinator),
        user=colleague,
        valid_from=now - datetime.timedelta(days=2),
        valid_until=now - datetime.timedelta(days=1),
    )
    opened = f.BreakGlassAccessFactory(pathway=f.PathwayFactory(coordinator=world.coordinator), user=colleague)
    closed = f.BreakGlassAccessFactory(
        pathway=f.PathwayFactory(coordinator=world.coordinator), user=colleague, expires_at=now
    )
    own = f.PathwayFactory(coordinator=colleague, lead_department=world.children)

    def candidates(action):
        among = scopes.AmongIds(F("pk"), scopes.pathway_candidates(colleague, action))
        return set(Pathway.objects.filter(among).values_list("pk", flat=True))

    assert candidates(policy.CONTRIBUTE) == {world.pathway.pk, own.pk}
    assert candidates(policy.VIEW) == {world.pathway.pk, own.pk, granted.pathway_id, opened.pathway_id}
    assert expired.pathway_id not in candidates(policy.VIEW) and closed.pathway_id not in candidates(policy.VIEW)
    assert set(Pathway.objects.visible_to(colleague, policy.VIEW).values_list("pk", flat=True)) == {
        world.pathway.pk,
        own.pk,
        granted.pathway_id,
        opened.pathway_id,
    }
