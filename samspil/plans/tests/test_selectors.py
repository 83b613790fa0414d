"""Plan reads: constant query counts and the comparison of two versions (the views log the reads)."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.pathways.selectors import pathway_get
from samspil.plans import selectors, services
from samspil.plans.choices import AgreementStatus, FollowUpResult, GoalStatus, OwnerKind
from samspil.plans.snapshot import diff_snapshots
from tests import factories as f
from tests.explain import plan_nodes
from tests.test_query_counts import assert_same_count, round_trips

pytestmark = pytest.mark.django_db


def resolved(actor, pathway):
    """The pathway as the views get it: through the policy, with the access basis the access log needs."""
    return pathway_get(actor=actor, public_id=pathway.public_id)


def goal_fields(**overrides):
    return {
        "life_area": "employment",
        "description": "Få et fritidsjob",
        "goal_type": "d41c8072-52f8-42b5-9375-ddbea454d27f",
        "indicator": "Har et job i tre måneder",
        "horizon": "short",
        **overrides,
    }


def test_compare_orders_the_versions_and_unknown_numbers_are_404(world):
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Et", expected_version=1)
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="To", expected_version=2)
    pathway = pathway_get(actor=world.coordinator, public_id=world.pathway.public_id)
    comparison = selectors.plan_compare(actor=world.coordinator, pathway=pathway, from_number=2, to_number=1)
    assert (comparison.before.number, comparison.after.number) == (1, 2)
    assert (comparison.diff.wishes.before, comparison.diff.wishes.after) == ("Et", "To")
    assert not AccessLogEntry.objects.exists()  # the selector reads; the view logs (plans/tests/test_views.py)
    with pytest.raises(Http404):
        selectors.plan_compare(actor=world.coordinator, pathway=pathway, from_number=1, to_number=9)


def test_reading_the_plan_does_not_create_it(world):
    page = selectors.plan_page(actor=world.coordinator, pathway=resolved(world.coordinator, world.pathway))
    assert page.plan.pk is None and page.plan.version == 1 and page.goals == []


def test_family_goals_are_grouped_by_member_then_the_whole_family(world):
    household = f.make_family(world.municipality, adults=1, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    child = household.memberships.get(role="child").citizen
    services.goal_add(actor=world.coordinator, pathway=pathway, **goal_fields(life_area="family_network"))
    services.goal_add(actor=world.coordinator, pathway=pathway, member=child, **goal_fields(life_area="school"))
    page = selectors.plan_page(actor=world.coordinator, pathway=resolved(world.coordinator, pathway))
    titles = [(group.title, [area.life_area for area in group.areas]) for group in page.groups]
    assert titles == [(child.full_name, ["school"]), ("Hele familien", ["family_network"])]


# --- the diff ------------------------------------------------------------------------------------------------


def test_diff_finds_added_removed_and_changed_goals_and_agreements(world):
    keep = services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields())
    gone = services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields(description="Flytte"))
    agreement = services.agreement_create(
        actor=world.coordinator, goal=keep, what="Søge job", owner_kind=OwnerKind.CITIZEN
    )
    pathway = world.pathway
    before = pathway.plans.get().revisions.order_by("-number").first().snapshot
    services.goal_update(
        actor=world.coordinator,
        goal=keep,
        expected_version=1,
        status=GoalStatus.ACHIEVED,
        **goal_fields(indicator="Har et job i seks måneder"),
    )
    services.agreement_update_status(
        actor=world.coordinator, agreement=agreement, status=AgreementStatus.DONE, expected_version=1
    )
    services.agreement_create(
        actor=world.coordinator,
        goal=keep,
        what="Ringe til mentor",
        owner_kind=OwnerKind.TEAM_MEMBER,
        owner=world.colleague_place,
    )
    services.goal_follow_up(
        actor=world.coordinator, goal=keep, result=FollowUpResult.END, assessed_on=timezone.localdate()
    )
    new = services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields(description="Tage kørekort"))
    after = pathway.plans.get().revisions.order_by("-number").first().snapshot
    # A removed goal: the plan has no delete, but an older version compared the other way round shows it.
    diff = diff_snapshots(before, after)
    assert [g["description"] for g in diff.goals_added] == ["Tage kørekort"]
    assert diff.goals_removed == [] and diff.wishes is None
    (change,) = diff.goals_changed
    assert change.title == "Få et fritidsjob"
    assert {(c.label, c.before, c.after) for c in change.changes} == {
        ("Målbart succeskriterium", "Har et job i tre måneder", "Har et job i seks måneder"),
        ("Status", "Aktiv", "Nået"),
    } or {(c.before, c.after) for c in change.changes} == {
        ("Har et job i tre måneder", "Har et job i seks måneder"),
        ("Aktiv", "Nået"),
    }
    assert [a["what"] for a in change.agreements_added] == ["Ringe til mentor"]
    (agreement_change,) = change.agreements_changed
    assert [(c.before, c.after) for c in agreement_change.changes] == [("Aftalt", "Udført")]
    assert [row["result"] for row in change.follow_ups_added] == ["E3"]
    backwards = diff_snapshots(after, before)
    assert [g["description"] for g in backwards.goals_removed] == ["Tage kørekort"]
    assert new.pk and gone.pk


# --- constant queries ------------------------------------------------------------------------------------------


def grow_plan(world, pathway, items: int):
    """`items` plan items: goals with agreements (team member, citizen, overdue) and follow-ups."""
    plan = services.plan_for(pathway)
    external = f.TeamMemberFactory(pathway=pathway, external=True)
    made = 0
    while made < items:
        goal = f.GoalFactory(plan=plan, responsible_department=world.jobs)
        f.AgreementFactory(goal=goal, owner_kind="team_member", owner=world.colleague_place)
        f.AgreementFactory(goal=goal, owner_kind="team_member", owner=external)
        f.AgreementFactory(goal=goal, due_on=timezone.localdate() - datetime.timedelta(days=3))
        f.GoalFollowUpFactory(goal=goal, internal_note="Intern")
        made += 5
    f.make_revision(pathway)


def page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    return round_trips(statements), statements


@pytest.mark.parametrize("viewer", ["coordinator", "colleague"])
def test_plan_page_has_constant_queries(client, world, viewer):
    pathway = world.pathway
    client.force_login(getattr(world, viewer))
    url = reverse("plans:plan", args=[pathway.public_id])
    grow_plan(world, pathway, 5)
    client.get(url)  # warm-up
    small = page_queries(client, url)
    grow_plan(world, pathway, 195)
    response = client.get(url)
    assert len(response.context["page"].goals) == 40
    large = page_queries(client, url)
    assert_same_count(small, large, "plan items")
    assert large[0] <= 25


def test_goal_page_has_constant_queries(client, world):
    pathway = world.pathway
    client.force_login(world.coordinator)
    plan = services.plan_for(pathway)
    goal = f.GoalFactory(plan=plan)
    url = reverse("plans:goal", args=[pathway.public_id, goal.public_id])
    for _ in range(5):
        f.AgreementFactory(goal=goal, owner_kind="team_member", owner=world.colleague_place)
    client.get(url)
    small = page_queries(client, url)
    for _ in range(100):
        f.AgreementFactory(goal=goal)
        f.GoalFollowUpFactory(goal=goal)
    large = page_queries(client, url)
    assert_same_count(small, large, "agreements")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_latest_version_is_read_from_the_index_not_by_sorting_every_version(world):
    """A plan saved many times: the page's latest version comes from the (municipality, plan, number) index, one row,
    not from all the plan's versions read and sorted (issue 13: a page costs what it shows, not its history)."""
    from samspil.plans.models import Plan, PlanRevision

    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Et", expected_version=1)
    first = PlanRevision.objects.get(pathway=world.pathway)
    fields = {
        field.attname: getattr(first, field.attname)
        for field in PlanRevision._meta.concrete_fields
        if field.attname not in {"id", "public_id", "number"}
    }
    PlanRevision.objects.bulk_create(PlanRevision(**fields, number=number) for number in range(2, 2001))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_planrevision")
    pathway = resolved(world.coordinator, world.pathway)
    with CaptureQueriesContext(connection) as queries:
        page = selectors.plan_page(actor=world.coordinator, pathway=pathway, goals=False)
    assert page.revision_count == 2000
    (sql,) = [query["sql"] for query in queries if query["sql"].startswith(f'SELECT "{Plan._meta.db_table}"')]
    nodes = plan_nodes(sql)
    versions = [node for node in nodes if node.get("Relation Name") == PlanRevision._meta.db_table]
    assert versions and all(node.get("Index Name") == "plan_revision_unique_number" for node in versions), versions
    assert not [node for node in nodes if node["Node Type"] == "Sort" and "number" in str(node.get("Sort Key"))]
