"""Plan changes decided at a meeting: a goal's follow-up and a goal's change, through the plan's own services.

What is checked: the decision references what it changed and the plan version it saved; the plan change is the
same as on the plan page (revision, event, optimistic locking, access); and what is said at a meeting held
without the citizen never reaches the citizen's version of the plan.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samspil.audit.models import AccessLogEntry
from samspil.core.exceptions import ConflictError
from samspil.meetings import services
from samspil.meetings.choices import MeetingType
from samspil.meetings.models import MeetingDecision
from samspil.plans.models import GoalFollowUp, PlanRevision
from samspil.plans.snapshot import build_snapshot
from tests import factories as f
from tests.audit_asserts import assert_event, audit_counts

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 13) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def held_meeting(world, meeting_type=MeetingType.STATUS):
    return services.meeting_schedule(
        actor=world.coordinator,
        pathway=world.pathway,
        meeting_type=meeting_type,
        starts_at=at(-1),
        ends_at=at(-1, 15),
        location="Rådhuset",
        invite_team_member_ids=[world.colleague_place.public_id],
        invite_citizen=meeting_type != MeetingType.ANALYSIS,
    )


@pytest.fixture
def goal(world):
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway), description="Komme i praktik")
    f.make_revision(world.pathway)
    return goal


# --- services ------------------------------------------------------------------------------------------------


def test_a_follow_up_from_the_meeting_is_in_the_plan_and_a_new_version(world, goal, request_id):
    meeting = held_meeting(world)
    versions = PlanRevision.objects.count()
    with request_id(world.colleague, "meeting-follow-up"):
        decision = services.meeting_decision_follow_up_add(
            actor=world.colleague,
            meeting=meeting,
            goal=goal,
            result="E2",
            assessed_on=timezone.localdate(),
            note="Praktikken flyttes til en anden arbejdsplads",
            internal_note="Mentor bekymret",
        )
    follow_up = GoalFollowUp.objects.get()
    assert (follow_up.goal, follow_up.result, follow_up.assessed_by) == (goal, "E2", world.colleague)
    revision = PlanRevision.objects.order_by("-number").first()
    assert PlanRevision.objects.count() == versions + 1
    assert [row["result"] for row in revision.snapshot["goals"][0]["follow_ups"]] == ["E2"]
    assert (decision.follow_up, decision.goal, decision.revision) == (follow_up, goal, revision)
    assert "Komme i praktik" in decision.text
    event = assert_event(
        "goal.followed_up", actor=world.colleague, request_id="meeting-follow-up", pathway=world.pathway
    )
    assert event.data["meeting_id"] == str(meeting.public_id) and revision.event == event
    assert_event("meeting.decision_added", actor=world.colleague, request_id="meeting-follow-up", pathway=world.pathway)


def test_a_goal_change_from_the_meeting_uses_the_goals_version(world, goal, request_id):
    meeting = held_meeting(world)
    with request_id(world.coordinator, "meeting-goal"):
        decision = services.meeting_decision_goal_update(
            actor=world.coordinator,
            meeting=meeting,
            goal=goal,
            expected_version=goal.version,
            description="Komme i praktik i en butik",
            indicator=goal.indicator,
            status="achieved",
        )
    goal.refresh_from_db()
    assert (goal.description, goal.status, goal.version) == ("Komme i praktik i en butik", "achieved", 2)
    assert goal.horizon == "short" and goal.legal_basis == "LAB § 40 stk. 3"  # the rest is kept as saved
    assert decision.goal == goal and decision.revision == PlanRevision.objects.order_by("-number").first()
    assert decision.revision.snapshot["goals"][0]["status"] == "achieved"
    assert_event("goal.updated", actor=world.coordinator, request_id="meeting-goal", pathway=world.pathway)
    # Someone else's change in between: the plan page's conflict, and nothing written.
    before = audit_counts()
    with pytest.raises(ConflictError):
        services.meeting_decision_goal_update(
            actor=world.colleague,
            meeting=meeting,
            goal=goal,
            expected_version=1,
            description="Noget andet",
            indicator=goal.indicator,
            status="active",
        )
    assert audit_counts() == before and MeetingDecision.objects.count() == 1
    # A decision that changes nothing is refused.
    with pytest.raises(ValidationError):
        services.meeting_decision_goal_update(
            actor=world.coordinator,
            meeting=meeting,
            goal=goal,
            expected_version=goal.version,
            description=goal.description,
            indicator=goal.indicator,
            status=goal.status,
        )


def test_plan_changes_are_refused_outside_the_team_and_for_other_pathways_goals(world, goal):
    meeting = held_meeting(world)
    other_goal = f.GoalFactory(plan=f.PlanFactory(pathway=f.PathwayFactory(coordinator=world.coordinator)))
    before = audit_counts()
    with pytest.raises(ValidationError):
        services.meeting_decision_follow_up_add(
            actor=world.coordinator, meeting=meeting, goal=other_goal, result="E1", assessed_on=timezone.localdate()
        )
    with pytest.raises(Http404):
        services.meeting_decision_follow_up_add(
            actor=world.outsider, meeting=meeting, goal=goal, result="E1", assessed_on=timezone.localdate()
        )
    assert audit_counts() == before and not GoalFollowUp.objects.exists()


def test_an_analysis_meeting_writes_internal_notes_only_and_they_never_reach_the_citizen(client, world, goal):
    meeting = held_meeting(world, MeetingType.ANALYSIS)
    with pytest.raises(ValidationError):
        services.meeting_decision_follow_up_add(
            actor=world.coordinator,
            meeting=meeting,
            goal=goal,
            result="E4",
            assessed_on=timezone.localdate(),
            note="Vi tvivler på motivationen",
        )
    assert not GoalFollowUp.objects.exists()
    services.meeting_decision_follow_up_add(
        actor=world.coordinator,
        meeting=meeting,
        goal=goal,
        result="E4",
        assessed_on=timezone.localdate(),
        internal_note="Analysemøde: tvivl om motivationen",
    )
    snapshot = build_snapshot(goal.plan, subject_name=world.pathway.subject_name, is_family=False)
    assert snapshot["goals"][0]["follow_ups"][0]["note"] == ""
    client.force_login(world.coordinator)
    url = reverse("plans:pdf", args=[world.pathway.public_id])

    def text(edition):
        reader = PdfReader(io.BytesIO(client.get(f"{url}?udgave={edition}").content))
        return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)

    assert "tvivl om motivationen" not in text("borger")
    assert "tvivl om motivationen" in text("sag")
    # The meeting page offers no note for the citizen's version at such a meeting.
    page = client.get(reverse("meetings:detail", args=[world.pathway.public_id, meeting.public_id]))
    assert 'name="follow_up-internal_note"' in page.content.decode()
    assert 'name="follow_up-note"' not in page.content.decode()


# --- the meeting page ----------------------------------------------------------------------------------------


def test_follow_up_from_the_meeting_page_shows_in_the_plan_and_the_versions(client, world, goal):
    meeting = held_meeting(world)
    client.force_login(world.colleague)
    detail = reverse("meetings:detail", args=[world.pathway.public_id, meeting.public_id])
    url = reverse("meetings:follow_up_add", args=[world.pathway.public_id, meeting.public_id])
    data = {
        "follow_up-goal": str(goal.public_id),
        "follow_up-result": "E1",
        "follow_up-assessed_on": timezone.localdate().strftime("%d.%m.%Y"),
        "follow_up-note": "Fortsætter som aftalt",
        "follow_up-internal_note": "",
    }
    invalid = client.post(url, {**data, "follow_up-result": ""}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 422 and not GoalFollowUp.objects.exists()
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Opfølgning i planen" in page or "Follow-up in the plan" in page
    revision = PlanRevision.objects.order_by("-number").first()
    compare = reverse("plans:compare", args=[world.pathway.public_id])
    assert f"{compare}?fra={revision.number - 1}&amp;til={revision.number}" in page
    plan = client.get(reverse("plans:plan", args=[world.pathway.public_id])).content.decode()
    assert "Fortsætter som aftalt" in plan
    assert AccessLogEntry.objects.filter(actor=world.colleague, shown="meeting").exists()
    assert client.get(detail).status_code == 200


def test_goal_change_from_the_meeting_page_keeps_the_users_text_on_a_conflict(client, world, goal):
    meeting = held_meeting(world)
    client.force_login(world.coordinator)
    key = f"goal-{goal.public_id}"
    url = reverse("meetings:goal_update", args=[world.pathway.public_id, meeting.public_id, goal.public_id])
    data = {
        f"{key}-description": "Min nye formulering",
        f"{key}-indicator": goal.indicator,
        f"{key}-status": "active",
        f"{key}-version": str(goal.version),
    }
    goal.description = "Kollegaens formulering"  # saved by someone else meanwhile
    goal.version += 1
    goal.save()
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Min nye formulering" in page and "Kollegaens formulering" in page
    assert f'name="{key}-version" value="{goal.version}"' in page
    response = client.post(url, {**data, f"{key}-version": str(goal.version)})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.description == "Min nye formulering"
    assert MeetingDecision.objects.get().goal == goal
