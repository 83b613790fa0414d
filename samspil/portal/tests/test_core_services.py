"""The portal's plan services (`portal.services`), the citizen's edition of a plan version, the database guard on a
plan version's answer, and the number of queries of the core pages."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samspil.audit import context
from samspil.audit.models import AuditEvent
from samspil.plans import services as plan_services
from samspil.plans.models import GoalComment, Plan, PlanRevision
from samspil.plans.snapshot import citizen_edition
from samspil.portal import services
from samspil.portal.access import portal_pathway_get
from samspil.portal.choices import PortalLevel
from samspil.portal.models import PortalRight
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def young(world):
    """A young person of 16 with write access to their pathway, which has a plan with one goal and one version."""
    citizen = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=citizen)
    f.grant_portal(pathway, citizen, PortalLevel.WRITE)
    account = f.portal_account(citizen)
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=pathway, citizen_wishes="Før"))
    f.make_revision(pathway)
    return account, portal_pathway_get(user=account, public_id=pathway.public_id), goal


def bound(account):
    return context.bound(actor_id=account.pk, request_id="portal-request")


def test_a_right_taken_away_between_the_page_and_the_click_writes_nothing(young):
    account, pathway, goal = young
    PortalRight.objects.filter(pathway=pathway, citizen=account.citizen).update(level=PortalLevel.READ)
    with bound(account), pytest.raises(Http404):
        services.portal_wishes_update(actor=account, pathway=pathway, wishes="Efter", expected_version=1)
    with bound(account), pytest.raises(Http404):
        services.portal_goal_comment_add(actor=account, pathway=pathway, goal=goal, text="Hej")
    assert Plan.objects.get(pathway=pathway).citizen_wishes == "Før"
    assert not GoalComment.objects.exists()
    assert not AuditEvent.objects.filter(code__startswith="portal.").exists()


def test_a_goal_of_another_pathway_is_404(young, world):
    account, pathway, _goal = young
    elsewhere = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway))
    with bound(account), pytest.raises(Http404):
        services.portal_goal_comment_add(actor=account, pathway=pathway, goal=elsewhere, text="Hej")
    assert not GoalComment.objects.exists()


def test_control_characters_never_reach_the_plan(young):
    account, pathway, goal = young
    with bound(account):
        services.portal_wishes_update(
            actor=account, pathway=pathway, wishes="Et\x1fjob\x00\nog en bolig", expected_version=1
        )
        comment = services.portal_goal_comment_add(actor=account, pathway=pathway, goal=goal, text="Ja\x1etak\x07")
    assert Plan.objects.get(pathway=pathway).citizen_wishes == "Etjob\nog en bolig"
    assert comment.text == "Jatak"


def test_the_answer_is_the_citizens_own_and_the_coordinator_cannot_record_another(young, world):
    account, pathway, _goal = young
    revision = PlanRevision.objects.get(pathway=pathway)
    with bound(account):
        services.portal_revision_respond(actor=account, pathway=pathway, revision=revision, agreed=True, comment="Fint")
    revision.refresh_from_db()
    assert revision.is_own_response and revision.citizen_responded_by == account.citizen
    assert revision.citizen_response_recorded_by == account and revision.citizen_comment == "Fint"
    with pytest.raises(ValidationError):
        plan_services.revision_record_citizen_agreement(actor=world.coordinator, revision=revision, agreed=False)
    assert PlanRevision.objects.get(pk=revision.pk).citizen_agreed is True


def test_the_database_keeps_the_answer_and_who_gave_it(young, world):
    """On PostgreSQL the plan-version guard (plans/0003) lets the portal's answer through once, with the person who
    gave it, and refuses changing it afterwards, the person included."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan-version guard is a PostgreSQL trigger")
    account, pathway, _goal = young
    revision = PlanRevision.objects.get(pathway=pathway)
    with bound(account):
        services.portal_revision_respond(actor=account, pathway=pathway, revision=revision, agreed=False)
    other = f.CitizenFactory(municipality=world.municipality)
    for statement, params in (
        ("UPDATE plans_planrevision SET citizen_responded_by_id = %s WHERE id = %s", [other.pk, revision.pk]),
        ("UPDATE plans_planrevision SET citizen_agreed = true WHERE id = %s", [revision.pk]),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    assert PlanRevision.objects.get(pk=revision.pk).citizen_responded_by_id == account.citizen_id
    # A version without an answer cannot be given a "responder" alone either.
    second = plan_services.plan_change_record(
        actor=world.coordinator, pathway=pathway, plan=Plan.objects.get(pathway=pathway), code="goal.added", data={}
    )
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE plans_planrevision SET citizen_responded_by_id = %s WHERE id = %s", [other.pk, second.pk]
        )


# --- the citizen's edition ------------------------------------------------------------------------------------


def test_the_citizens_edition_leaves_out_every_internal_field_and_changes_nothing():
    snapshot = {
        "schema": 1,
        "wishes": "Et job",
        "internal_summary": "X",
        "goals": [
            {
                "id": "g",
                "description": "Mål",
                "internal_assessment": "X",
                "agreements": [{"id": "a", "what": "Ring", "internal_note": "X"}],
                "follow_ups": [{"id": "f", "note": "Synlig", "internal_note": "X"}],
            }
        ],
    }
    edition = citizen_edition(snapshot)
    assert "X" not in repr(edition)
    assert edition["wishes"] == "Et job" and edition["goals"][0]["follow_ups"][0]["note"] == "Synlig"
    assert snapshot["goals"][0]["follow_ups"][0]["internal_note"] == "X"  # the stored snapshot is untouched


# --- queries ------------------------------------------------------------------------------------------------------


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured.captured_queries)


def test_the_portal_plan_page_reads_the_same_number_of_queries_for_5_and_50_goals(client, young):
    account, pathway, _goal = young
    plan = Plan.objects.get(pathway=pathway)
    client.force_login(account)
    address = reverse("portal:plan", args=[pathway.public_id])

    def grow(count):
        for _ in range(count):
            more = f.GoalFactory(plan=plan)
            f.AgreementFactory(goal=more)
            f.GoalFollowUpFactory(goal=more, internal_note="Intern")
            GoalComment.objects.create(
                municipality=pathway.municipality,
                goal=more,
                pathway=pathway,
                author=account,
                person=account.citizen,
                text="Min kommentar",
            )
        f.make_revision(pathway)

    grow(4)
    client.get(address)
    small = count_queries(client, address)
    grow(45)
    assert count_queries(client, address) == small


def test_the_home_page_reads_the_same_number_of_queries_for_1_and_6_pathways(client, world):
    parent = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(40))
    account = f.portal_account(parent)
    client.force_login(account)

    def add_child():
        child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9))
        f.GuardianshipFactory(child=child, guardian=parent)
        f.grant_portal(
            f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child), parent
        )
        family = f.make_family(world.municipality, adults=1, children=1)
        f.HouseholdMemberFactory(household=family, citizen=parent)
        pathway = f.PathwayFactory(
            coordinator=world.coordinator, lead_department=world.children, citizen=None, household=family
        )
        f.grant_portal(pathway, parent)

    add_child()
    client.get(reverse("portal:home"))
    small = count_queries(client, reverse("portal:home"))
    for _ in range(5):
        add_child()
    assert count_queries(client, reverse("portal:home")) == small


def test_the_staff_plan_page_reads_comments_without_a_query_of_their_own(client, world, young):
    account, pathway, goal = young
    client.force_login(world.coordinator)
    address = reverse("plans:plan", args=[pathway.public_id])
    client.get(address)
    before = count_queries(client, address)
    for text in ("Første", "Anden", "Tredje"):
        with bound(account):
            services.portal_goal_comment_add(actor=account, pathway=pathway, goal=goal, text=text)
    assert count_queries(client, address) == before
    html = client.get(address).content.decode()
    assert html.index("Første") < html.index("Anden") < html.index("Tredje")  # oldest first
