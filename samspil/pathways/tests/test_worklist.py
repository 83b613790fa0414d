"""The coordinator's worklist and its counts on "Mine forløb"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting
from samspil.pathways import worklist
from samspil.plans.choices import AgreementStatus, GoalType, Horizon, LifeArea, OwnerKind
from samspil.plans.models import Agreement, Goal, Plan, PlanRevision
from tests import factories as f

pytestmark = pytest.mark.django_db


def overdue_agreement(world, pathway, days=2):
    plan, _ = Plan.objects.get_or_create(municipality=world.municipality, pathway=pathway)
    goal = Goal.objects.create(
        municipality=world.municipality,
        plan=plan,
        pathway=pathway,
        life_area=LifeArea.HOUSING,
        description="Egen bolig",
        goal_type=GoalType.DEVELOP,
        indicator="Har lejekontrakt",
        horizon=Horizon.LONG,
    )
    return Agreement.objects.create(
        municipality=world.municipality,
        goal=goal,
        pathway=pathway,
        what="Søge bolig",
        owner_kind=OwnerKind.CITIZEN,
        due_on=timezone.localdate() - datetime.timedelta(days=days),
    )


def meeting(world, pathway, *, starts_in_days, status=MeetingStatus.PLANNED, meeting_type=MeetingType.STATUS):
    starts = timezone.now() + datetime.timedelta(days=starts_in_days)
    return Meeting.objects.create(
        municipality=world.municipality,
        pathway=pathway,
        meeting_type=meeting_type,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        location="Rådhuset",
        status=status,
        scheduled_by=world.coordinator,
    )


def test_worklist_counts_what_needs_doing(world):
    world.programme.status_meeting_cadence_days = 30
    world.programme.save()
    world.pathway.opened_on = timezone.localdate() - datetime.timedelta(days=200)
    world.pathway.save()
    overdue_agreement(world, world.pathway)
    done = overdue_agreement(world, world.pathway)
    done.status = AgreementStatus.DONE
    done.save()
    meeting(world, world.pathway, starts_in_days=-1)  # to record
    meeting(world, world.pathway, starts_in_days=3)  # to hold
    meeting(world, world.pathway, starts_in_days=30)  # too far ahead
    meeting(world, world.pathway, starts_in_days=-40, status=MeetingStatus.HELD)  # last status meeting: 40 days ago

    result = worklist.worklist_counts(actor=world.coordinator)
    assert result.overdue_agreements == 1
    assert result.meetings_to_record == 1
    assert result.meetings_to_hold == 1
    assert result.status_meetings_due == 1  # 40 days since the last, cadence 30: overdue
    assert result.rows[0].status_meeting_overdue
    assert result.plans_stale == 1  # no revision in 200 days

    # Only the coordinator's own pathways count.
    assert worklist.worklist_counts(actor=world.colleague).rows == []


def test_a_recent_revision_and_a_recent_status_meeting_clear_the_row(world, request_id):
    from samspil.plans import services as plan_services

    world.programme.status_meeting_cadence_days = 30
    world.programme.save()
    world.pathway.opened_on = timezone.localdate() - datetime.timedelta(days=200)
    world.pathway.save()
    with request_id(world.coordinator):
        plan_services.plan_update_wishes(
            actor=world.coordinator, pathway=world.pathway, wishes="Jeg vil gerne i skole", expected_version=1
        )
    assert PlanRevision.objects.filter(pathway=world.pathway).exists()
    meeting(world, world.pathway, starts_in_days=-2, status=MeetingStatus.HELD)
    result = worklist.worklist_counts(actor=world.coordinator)
    assert result.rows == []


def test_worklist_page_and_counts_on_my_pathways(world, client):
    overdue_agreement(world, world.pathway)
    client.force_login(world.coordinator)
    page = client.get(reverse("pathways:mine")).content.decode()
    assert 'id="worklist-counts"' in page
    response = client.get(reverse("pathways:worklist"))
    assert response.status_code == 200
    assert world.citizen.full_name in response.content.decode()
    assert AccessLogEntry.objects.filter(shown="pathway.worklist", citizen=world.citizen).count() == 1


def test_worklist_queries_do_not_grow_with_the_caseload(world, client, django_assert_max_num_queries):
    client.force_login(world.coordinator)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("pathways:worklist")).status_code == 200
        return len(captured)

    for _ in range(4):
        p = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=world.programme)
        overdue_agreement(world, p)
        meeting(world, p, starts_in_days=2)
    few = count()
    for _ in range(40):
        p = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, programme=world.programme)
        overdue_agreement(world, p)
        meeting(world, p, starts_in_days=2)
    assert count() == few
