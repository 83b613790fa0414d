"""Plan writes: each checks the policy, saves, writes an event, a change-log row and ONE new plan version —
or, when refused or stale, leaves nothing at all."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.audit.models import AppendOnlyError, ChangeLogEntry
from samspil.core.exceptions import ConflictError
from samspil.pathways.choices import PathwayStatus
from samspil.plans import services
from samspil.plans.choices import AgreementStatus, FollowUpResult, GoalStatus, GoalType, Horizon, LifeArea, OwnerKind
from samspil.plans.models import Agreement, Goal, GoalFollowUp, Plan, PlanRevision
from tests import factories as f
from tests.audit_asserts import assert_change, assert_event, audit_counts

pytestmark = pytest.mark.django_db

CREATE, UPDATE = ChangeLogEntry.Action.CREATE, ChangeLogEntry.Action.UPDATE


def goal_fields(**overrides) -> dict:
    return {
        "life_area": LifeArea.EMPLOYMENT,
        "description": "Komme i praktik i en cykelbutik",
        "goal_type": GoalType.DEVELOP,
        "indicator": "Møder op tre dage om ugen i fire uger",
        "horizon": Horizon.SHORT,
        "legal_basis": "LAB § 40 stk. 3",
        **overrides,
    }


def counts() -> tuple:
    return (*audit_counts(), PlanRevision.objects.count(), Goal.objects.count(), Agreement.objects.count())


@pytest.fixture
def goal(world, request_id):
    with request_id(world.coordinator, "goal-request"):
        return services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields())


# --- plan_for and the wishes ----------------------------------------------------------------------------------


def test_plan_for_creates_one_plan_per_pathway(world):
    plan = services.plan_for(world.pathway)
    assert services.plan_for(world.pathway) == plan
    assert plan.municipality_id == world.pathway.municipality_id
    assert Plan.objects.count() == 1


def test_wishes_write_event_change_log_and_a_version(world, request_id):
    with request_id(world.colleague, "wishes-request"):
        plan = services.plan_update_wishes(
            actor=world.colleague, pathway=world.pathway, wishes="  Jeg vil have en lærlingeplads  ", expected_version=1
        )
    assert plan.citizen_wishes == "Jeg vil have en lærlingeplads" and plan.version == 2
    assert_event("plan.wishes_updated", actor=world.colleague, request_id="wishes-request", pathway=world.pathway)
    assert_change(plan, UPDATE, actor=world.colleague, request_id="wishes-request")
    revision = PlanRevision.objects.get()
    assert (revision.number, revision.saved_by, revision.pathway) == (1, world.colleague, world.pathway)
    assert revision.snapshot["wishes"] == "Jeg vil have en lærlingeplads"
    assert revision.event.code == "plan.wishes_updated"


def test_stale_wishes_raise_a_conflict_and_write_nothing(world):
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Første", expected_version=1)
    before = counts()
    with pytest.raises(ConflictError) as caught:
        services.plan_update_wishes(actor=world.colleague, pathway=world.pathway, wishes="Anden", expected_version=1)
    assert "Someone else" in caught.value.message or "En anden" in caught.value.message
    assert counts() == before
    assert Plan.objects.get().citizen_wishes == "Første"


def test_unchanged_wishes_make_no_new_version(world):
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Samme", expected_version=1)
    before = counts()
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes=" Samme ", expected_version=2)
    assert counts() == before


# --- who may write ------------------------------------------------------------------------------------------


def test_outsider_gets_404_and_nothing_is_written(world):
    before = counts()
    with pytest.raises(Http404):
        services.goal_add(actor=world.outsider, pathway=world.pathway, **goal_fields())
    with pytest.raises(Http404):
        services.goal_add(actor=world.stranger, pathway=world.pathway, **goal_fields())
    assert counts() == before


def test_read_only_grant_holder_is_refused(world):
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.plan_update_wishes(actor=world.outsider, pathway=world.pathway, wishes="x", expected_version=1)
    assert counts() == before


def test_team_member_without_a_sharing_basis_cannot_edit(world):
    # The job centre's caseworker is on the team, but no consent or legal basis covers the job centre.
    with pytest.raises(Http404):
        services.goal_add(actor=world.jobworker, pathway=world.pathway, **goal_fields())


def test_a_closed_pathways_plan_cannot_change(world):
    world.pathway.status = PathwayStatus.CLOSED
    world.pathway.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields())


# --- goals --------------------------------------------------------------------------------------------------


def test_goal_add_writes_event_change_log_and_version(world, goal):
    assert goal.position == 1 and goal.member is None and goal.status == GoalStatus.ACTIVE
    assert_event("goal.added", actor=world.coordinator, request_id="goal-request", pathway=world.pathway)
    assert_change(goal, CREATE, actor=world.coordinator, request_id="goal-request")
    revision = PlanRevision.objects.get()
    assert revision.snapshot["goals"][0]["description"] == "Komme i praktik i en cykelbutik"
    assert revision.snapshot["goals"][0]["goal_type_label"] == "Udvikle funktionsevne"


def test_goal_needs_a_measurable_target(world):
    with pytest.raises(ValidationError):
        services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields(indicator="  "))


def test_goal_member_must_be_in_the_family(world):
    household = f.make_family(world.municipality, adults=1, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    member = household.memberships.first().citizen
    goal = services.goal_add(actor=world.coordinator, pathway=pathway, member=member, **goal_fields())
    assert goal.member == member
    with pytest.raises(ValidationError):
        services.goal_add(actor=world.coordinator, pathway=pathway, member=world.citizen, **goal_fields())


def test_goal_update_bumps_the_version_and_saves_a_version_of_the_plan(world, goal, request_id):
    with request_id(world.colleague, "update-request"):
        updated = services.goal_update(
            actor=world.colleague,
            goal=goal,
            expected_version=1,
            status=GoalStatus.ACHIEVED,
            **goal_fields(description="Komme i praktik hos en tømrer"),
        )
    assert updated.version == 2 and updated.status == GoalStatus.ACHIEVED
    assert_event("goal.updated", actor=world.colleague, request_id="update-request", pathway=world.pathway)
    row = assert_change(updated, UPDATE, actor=world.colleague, request_id="update-request")
    assert {"description", "status", "version"} <= set(row.changed_fields)
    assert list(PlanRevision.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_stale_goal_update_conflicts_and_writes_nothing(world, goal):
    services.goal_update(
        actor=world.coordinator, goal=goal, expected_version=1, status="active", **goal_fields(indicator="Ny")
    )
    before = counts()
    with pytest.raises(ConflictError):
        services.goal_update(
            actor=world.colleague, goal=goal, expected_version=1, status="active", **goal_fields(indicator="Anden")
        )
    assert counts() == before
    assert Goal.objects.get().indicator == "Ny"


def test_follow_up_keeps_the_internal_note_and_uses_fsiii_codes(world, goal, request_id):
    with request_id(world.coordinator, "follow-request"):
        follow_up = services.goal_follow_up(
            actor=world.coordinator,
            goal=goal,
            result=FollowUpResult.CHANGE,
            assessed_on=timezone.localdate(),
            note="Praktikken flyttes",
            internal_note="Mistanke om misbrug",
        )
    assert follow_up.result == "E2" and follow_up.assessed_by == world.coordinator
    event = assert_event("goal.followed_up", actor=world.coordinator, request_id="follow-request")
    assert_change(follow_up, CREATE, actor=world.coordinator, request_id="follow-request")
    snapshot = PlanRevision.objects.order_by("-number").first().snapshot
    assert snapshot["goals"][0]["follow_ups"][0]["result_label"] == "Ændres inden for rammen"
    assert "ændres inden for rammen" in event.text.lower() or "changed within the frame" in event.text.lower()


def test_follow_up_cannot_be_in_the_future(world, goal):
    with pytest.raises(ValidationError):
        services.goal_follow_up(
            actor=world.coordinator,
            goal=goal,
            result=FollowUpResult.CONTINUE,
            assessed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert not GoalFollowUp.objects.exists()


# --- agreements ---------------------------------------------------------------------------------------------


def test_agreement_for_a_team_member(world, goal, request_id):
    with request_id(world.coordinator, "agreement-request"):
        agreement = services.agreement_create(
            actor=world.coordinator,
            goal=goal,
            what="Ringe til cykelbutikken",
            owner_kind=OwnerKind.TEAM_MEMBER,
            owner=world.colleague_place,
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        )
    assert agreement.owner == world.colleague_place and agreement.status == AgreementStatus.AGREED
    assert not agreement.is_overdue
    assert_event("agreement.added", actor=world.coordinator, request_id="agreement-request", pathway=world.pathway)
    assert_change(agreement, CREATE, actor=world.coordinator, request_id="agreement-request")
    snapshot = PlanRevision.objects.order_by("-number").first().snapshot
    assert snapshot["goals"][0]["agreements"][0]["owner_name"] == world.colleague_place.display_name


def test_an_agreement_under_a_goal_removed_meanwhile_is_404_and_writes_nothing(world, goal, request_id):
    read = Goal.objects.get(pk=goal.pk)  # the goal as the page read it
    with request_id(world.coordinator, "removal"):
        Goal.objects.filter(pk=goal.pk).delete()
    before = counts()
    with pytest.raises(Http404):
        services.agreement_create(actor=world.coordinator, goal=read, what="Ring", owner_kind=OwnerKind.CITIZEN)
    assert counts() == before


def test_the_version_names_the_citizen_as_saved_when_the_pathway_is_locked(world, goal, request_id):
    """The subject's name in a version is read after the pathway's lock: a rename saved meanwhile is in it, and a
    change the caller made to its own copy of the citizen but never saved is not."""
    world.pathway.citizen.first_name = "Ugemt"  # the request's copy, never saved
    renamed = type(world.pathway.citizen).objects.get(pk=world.pathway.citizen_id)
    renamed.first_name = "Omdøbt"
    renamed.save()  # saved by someone else after the request read the pathway
    with request_id(world.coordinator, "subject"):
        services.agreement_create(actor=world.coordinator, goal=goal, what="Ringe", owner_kind=OwnerKind.CITIZEN)
    revision = PlanRevision.objects.filter(pathway=world.pathway).order_by("-number").first()
    assert revision.delta["agreements"][0]["row"]["owner_name"].startswith("Omdøbt")


def test_agreement_from_a_meeting_names_it_in_the_event(world, goal, request_id):
    class Meeting:  # the meetings app passes its meeting; the plan only names it
        pathway_id = world.pathway.pk
        public_id = "m-1"

        def __str__(self):
            return "statusmødet 22.11.2026"

    with request_id(world.coordinator, "meeting-request"):
        services.agreement_create(
            actor=world.coordinator,
            goal=goal,
            what="Søge kontanthjælp",
            owner_kind=OwnerKind.CITIZEN,
            meeting=Meeting(),
        )
    event = assert_event("agreement.added_at_meeting", actor=world.coordinator, request_id="meeting-request")
    assert "statusmødet 22.11.2026" in event.text and event.data["meeting_id"] == "m-1"


def test_agreement_owner_must_be_on_this_team(world, goal):
    other_place = f.TeamMemberFactory()  # another pathway's team
    with pytest.raises(ValidationError):
        services.agreement_create(
            actor=world.coordinator, goal=goal, what="x", owner_kind=OwnerKind.TEAM_MEMBER, owner=other_place
        )
    assert not Agreement.objects.exists()


def test_overdue_only_while_open(world, goal):
    agreement = f.AgreementFactory(goal=goal, due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert agreement.is_overdue
    agreement.status = AgreementStatus.DONE
    assert not agreement.is_overdue


def test_agreement_status_sets_completion_and_conflicts_when_stale(world, goal, request_id):
    agreement = services.agreement_create(actor=world.coordinator, goal=goal, what="Søge job", owner_kind="citizen")
    with request_id(world.colleague, "status-request"):
        done = services.agreement_update_status(
            actor=world.colleague,
            agreement=agreement,
            status=AgreementStatus.DONE,
            follow_up_note="Sendt",
            expected_version=1,
        )
    assert done.completed_on == timezone.localdate() and done.version == 2
    event = assert_event("agreement.status_changed", actor=world.colleague, request_id="status-request")
    assert event.data == {"what": "Søge job", "agreement_from": "agreed", "agreement_to": "done"}
    assert_change(done, UPDATE, actor=world.colleague, request_id="status-request")
    before = counts()
    with pytest.raises(ConflictError):
        services.agreement_update_status(
            actor=world.coordinator, agreement=agreement, status=AgreementStatus.CANCELLED, expected_version=1
        )
    assert counts() == before


# --- versions and the citizen's response ------------------------------------------------------------------


def test_each_change_makes_exactly_one_version_numbered_in_order(world, goal):
    services.agreement_create(actor=world.coordinator, goal=goal, what="A", owner_kind="citizen")
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Ønske", expected_version=1)
    assert list(PlanRevision.objects.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
    latest = PlanRevision.objects.get(number=3).snapshot
    assert latest["wishes"] == "Ønske" and latest["goals"][0]["agreements"][0]["what"] == "A"


def test_a_version_is_append_only(world, goal):
    revision = PlanRevision.objects.get()
    revision.snapshot = {}
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        revision.delete()
    with pytest.raises(AppendOnlyError):
        PlanRevision.objects.filter(pk=revision.pk).update(number=9)


def test_coordinator_records_the_citizens_agreement_once(world, goal, request_id):
    revision = PlanRevision.objects.get()
    with request_id(world.coordinator, "agree-request"):
        services.revision_record_citizen_agreement(
            actor=world.coordinator, revision=revision, agreed=True, comment="Det er en god plan"
        )
    revision.refresh_from_db()
    assert revision.citizen_agreed is True and revision.citizen_seen_at is not None
    assert revision.citizen_response_recorded_by == world.coordinator
    assert_event("plan.citizen_agreed", actor=world.coordinator, request_id="agree-request", pathway=world.pathway)
    assert_change(revision, UPDATE, actor=world.coordinator, request_id="agree-request")
    assert PlanRevision.objects.count() == 1  # no new version: the response belongs to the version seen
    with pytest.raises(ValidationError):
        services.revision_record_citizen_agreement(actor=world.coordinator, revision=revision, agreed=False)


def test_team_member_cannot_record_the_citizens_agreement(world, goal):
    revision = PlanRevision.objects.get()
    with pytest.raises(PermissionDenied):
        services.revision_record_citizen_agreement(actor=world.colleague, revision=revision, agreed=True)
    revision.refresh_from_db()
    assert revision.citizen_seen_at is None
