"""Plan versions stored as deltas with checkpoints: every version reads back (`revision.snapshot`) exactly as the
whole plan read from the database at that moment, one version or many at a time in one query, and a save costs the
same queries and writes the same size on a plan of 30 items and of 1,000."""

import datetime
import json
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.audit.models import AppendOnlyError
from samspil.audit.services import event_record
from samspil.plans import services
from samspil.plans.choices import AgreementStatus, GoalStatus, GoalType, Horizon, LifeArea, OwnerKind
from samspil.plans.models import Agreement, Goal, PlanRevision, revision_snapshots_load
from samspil.plans.snapshot import build_snapshot
from samspil.portal.tests.assessment_data import make_assessment, make_finding
from tests import factories as f

pytestmark = pytest.mark.django_db


def as_stored(snapshot: dict) -> dict:
    """A snapshot as it reads back from the JSON column."""
    return json.loads(json.dumps(snapshot))


def whole(pathway) -> dict:
    """What the whole plan reads as from the database now (how every version used to be saved)."""
    plan = services.plan_for(pathway)
    return as_stored(build_snapshot(plan, subject_name=pathway.subject_name, is_family=not pathway.citizen_id))


@pytest.fixture
def family(world):
    household = f.make_family(world.municipality, adults=2, children=2)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    place = f.TeamMemberFactory(pathway=pathway, user=world.colleague, department=world.children)
    members = [membership.citizen for membership in household.memberships.all()]
    assessment = make_assessment(pathway)
    findings = [make_finding(assessment, text=f"Fund {n}") for n in range(4)]
    return pathway, place, members, findings


def random_changes(world, family, rng: random.Random, steps: int) -> dict[int, dict]:
    """`steps` random writes through the services; the whole plan as the database had it after each, by the number
    of the version the write saved."""
    pathway, place, members, findings = family
    actor, today = world.coordinator, timezone.localdate()
    expected = {}

    def goal_values():
        return {
            "life_area": rng.choice(LifeArea.values),
            "description": rng.choice(["Faste sengetider", "Komme i skole hver dag", "Et fritidsjob"]),
            "goal_type": rng.choice(GoalType.values),
            "indicator": rng.choice(["Fem dage om ugen", "I fire uger"]),
            "horizon": rng.choice(Horizon.values),
            "member": rng.choice([None, *members]),
            "responsible_department": rng.choice([None, world.jobs, world.health]),
            "legal_basis": rng.choice(["", "SEL § 52"]),
        }

    for step in range(steps):
        goals = list(Goal.objects.filter(pathway=pathway))
        agreements = list(Agreement.objects.filter(pathway=pathway))
        kind = (
            "goal_add"
            if not goals
            else rng.choice(
                ["goal_add", "goal_update", "follow_up", "agreement", "agreement", "agreement", "status", "wishes"]
            )
        )
        if kind == "status" and not agreements:
            kind = "agreement"
        if kind == "goal_add":
            services.goal_add(
                actor=actor, pathway=pathway, findings=rng.sample(findings, rng.randint(0, 2)), **goal_values()
            )
        elif kind == "goal_update":
            goal = rng.choice(goals)
            services.goal_update(
                actor=actor,
                goal=goal,
                expected_version=goal.version,
                status=rng.choice(GoalStatus.values),
                findings=rng.choice([None, rng.sample(findings, rng.randint(0, 3))]),
                **goal_values(),
            )
        elif kind == "follow_up":
            services.goal_follow_up(
                actor=actor,
                goal=rng.choice(goals),
                result=rng.choice(["E1", "E2", "E3"]),
                assessed_on=today - datetime.timedelta(days=rng.randint(0, 3)),
                note=rng.choice(["", "Går godt"]),
                internal_note=rng.choice(["", "Intern"]),
            )
        elif kind == "agreement":
            owner_kind = rng.choice([OwnerKind.CITIZEN, OwnerKind.TEAM_MEMBER])
            services.agreement_create(
                actor=actor,
                goal=rng.choice(goals),
                what=f"Aftale {step}",
                owner_kind=owner_kind,
                owner=place if owner_kind == OwnerKind.TEAM_MEMBER else None,
                owner_member=rng.choice([None, *members]) if owner_kind == OwnerKind.CITIZEN else None,
                # None sorts last on PostgreSQL and first on SQLite: the versions follow the database's order
                due_on=rng.choice([None, today, today + datetime.timedelta(days=rng.randint(1, 3))]),
            )
        elif kind == "status":
            agreement = rng.choice(agreements)
            status = rng.choice([s for s in AgreementStatus.values if s != agreement.status])
            services.agreement_update_status(
                actor=actor, agreement=agreement, status=status, expected_version=agreement.version, follow_up_note="ok"
            )
        else:
            plan = services.plan_for(pathway)
            services.plan_update_wishes(
                actor=actor, pathway=pathway, wishes=f"Ønske {step}", expected_version=plan.version
            )
        expected[PlanRevision.objects.filter(pathway=pathway).order_by("-number").first().number] = whole(pathway)
    return expected


@pytest.mark.parametrize("seed", [13, 2026])
def test_every_version_reads_back_as_the_whole_plan_of_its_moment(world, family, request_id, monkeypatch, seed):
    monkeypatch.setattr(PlanRevision, "CHECKPOINT_EVERY", 6)
    pathway = family[0]
    with request_id(world.coordinator, "revisions"):
        expected = random_changes(world, family, random.Random(seed), 40)
    assert len(expected) == 40  # one version per write (each write here changes something)
    stored = dict(PlanRevision.objects.filter(pathway=pathway).values_list("number", "checkpoint_number"))
    checkpoints = sorted(number for number, base in stored.items() if base == number)
    assert checkpoints[0] == 1 and len(checkpoints) >= 40 // 6  # the first, then every sixth
    assert PlanRevision.objects.filter(pathway=pathway, snapshot__isnull=True).count() == 40 - len(checkpoints)
    # one version at a time, from a fresh instance ...
    for number, snapshot in expected.items():
        assert PlanRevision.objects.get(pathway=pathway, number=number).snapshot == snapshot, number
    # ... and every version of a list in one query, the contents deferred or not
    for queryset in (PlanRevision.objects.all(), PlanRevision.objects.defer("snapshot")):
        revisions = list(queryset.filter(pathway=pathway).order_by("-number"))
        with CaptureQueriesContext(connection) as read:
            assert {revision.number: revision.snapshot for revision in revisions} == expected
        assert len(read) <= 1


def test_a_version_saved_whole_before_deltas_is_a_checkpoint(world, request_id):
    goal = Goal.objects.create(
        municipality=world.municipality,
        plan=services.plan_for(world.pathway),
        pathway=world.pathway,
        life_area=LifeArea.EMPLOYMENT,
        description="Et arbejde",
        goal_type=GoalType.DEVELOP,
        indicator="Ansat i seks måneder",
        horizon=Horizon.LONG,
        position=1,
    )
    with request_id(world.coordinator, "legacy"):
        # a version as saved before deltas: its whole snapshot, no delta, no checkpoint number
        legacy = PlanRevision.objects.create(
            municipality=world.municipality,
            plan=goal.plan,
            pathway=world.pathway,
            number=1,
            saved_by=world.coordinator,
            event=event_record(
                actor=world.coordinator, code="goal.added", municipality_id=world.municipality.pk, pathway=world.pathway
            ),
            snapshot=whole(world.pathway),
        )
    assert legacy.checkpoint_number is None and legacy.delta is None
    with request_id(world.coordinator, "after"):
        services.agreement_create(actor=world.coordinator, goal=goal, what="Ringe til jobcentret", owner_kind="citizen")
    latest = PlanRevision.objects.get(number=2)
    assert latest.checkpoint is None and latest.delta["agreements"][0]["row"]["what"] == "Ringe til jobcentret"
    assert latest.snapshot == whole(world.pathway)


def test_a_delta_version_is_append_only_and_its_snapshot_cannot_be_replaced(world, request_id):
    with request_id(world.coordinator, "w"):
        goal = services.goal_add(
            actor=world.coordinator,
            pathway=world.pathway,
            life_area=LifeArea.EMPLOYMENT,
            description="Et arbejde",
            goal_type=GoalType.DEVELOP,
            indicator="Ansat",
            horizon=Horizon.LONG,
        )
        services.agreement_create(actor=world.coordinator, goal=goal, what="Ringe", owner_kind="citizen")
    revision = PlanRevision.objects.get(number=2)
    assert revision.checkpoint is None
    revision.snapshot = {}
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        PlanRevision.objects.filter(pk=revision.pk).update(delta={})


def make_plan(world, items: int):
    """A pathway whose plan has `items` goals and agreements (nine agreements a goal, as in the bench data), saved
    whole once."""
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    plan = services.plan_for(pathway)
    goals = Goal.objects.bulk_create(
        Goal(
            municipality=world.municipality,
            plan=plan,
            pathway=pathway,
            life_area=LifeArea.EMPLOYMENT,
            description=f"Mål {n}",
            goal_type=GoalType.DEVELOP,
            indicator="Fem dage om ugen",
            horizon=Horizon.SHORT,
            responsible_department=world.jobs,
            position=n,
        )
        for n in range(items // 10)
    )
    Agreement.objects.bulk_create(
        Agreement(
            municipality=world.municipality,
            goal=goal,
            pathway=pathway,
            what=f"Aftale {n}",
            owner_kind=OwnerKind.CITIZEN,
            due_on=timezone.localdate() + datetime.timedelta(days=n),
        )
        for goal in goals
        for n in range(9)
    )
    f.make_revision(pathway)
    return pathway, goals[0]


def agreement_save(world, goal):
    """Queries and the stored size of one `agreement_create`."""
    with CaptureQueriesContext(connection) as saved:
        services.agreement_create(
            actor=world.coordinator,
            goal=goal,
            what="Ringe til jobcentret",
            owner_kind=OwnerKind.CITIZEN,
            due_on=timezone.localdate() + datetime.timedelta(days=4),
        )
    revision = PlanRevision.objects.filter(pathway=goal.pathway).order_by("-number").first()
    assert revision.checkpoint is None  # a delta
    return len(saved), len(json.dumps(revision.delta)), revision


def test_saving_an_agreement_costs_the_same_on_30_and_on_1000_items(world, request_id):
    with request_id(world.coordinator, "sizes"):
        _small, small_goal = make_plan(world, 30)
        big, big_goal = make_plan(world, 1000)
        agreement_save(world, small_goal)  # warm-up (content types, the session's first statements)
        agreement_save(world, big_goal)
        small_queries, small_size, _ = agreement_save(world, small_goal)
        big_queries, big_size, big_revision = agreement_save(world, big_goal)
    assert big_queries == small_queries
    assert abs(big_size - small_size) <= 16 and big_size < 2_000  # one agreement, not the plan (~255 KB)
    assert big_revision.snapshot == whole(big)
    assert len(big_revision.snapshot["goals"]) == 100


def test_a_comparison_of_two_far_apart_versions_reads_only_their_chains(world, request_id, monkeypatch):
    monkeypatch.setattr(PlanRevision, "CHECKPOINT_EVERY", 5)
    pathway, goal = make_plan(world, 30)
    with request_id(world.coordinator, "chains"):
        for n in range(20):
            services.agreement_create(actor=world.coordinator, goal=goal, what=f"Aftale {n}", owner_kind="citizen")
    first, last = PlanRevision.objects.filter(pathway=pathway, number__in=[3, 20]).defer("snapshot").order_by("number")
    with CaptureQueriesContext(connection) as read:
        revision_snapshots_load([first, last])
    (query,) = read.captured_queries
    # two ranges, the chains 1..3 and 16..20 (checkpoints 1, 6, 11, 16), not every version between
    assert query["sql"].count('"number" >=') == 2 and query["sql"].count('"number" <=') == 2
    assert first.snapshot["goals"][0]["agreements"] != last.snapshot["goals"][0]["agreements"]
    assert len(first.snapshot["goals"][0]["agreements"]) == 9 + 2  # version 1 is the plan as made, 2.. one more each
    assert len(last.snapshot["goals"][0]["agreements"]) == 9 + 19
