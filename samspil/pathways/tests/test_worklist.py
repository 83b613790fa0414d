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


# --- the rules in SQL agree with the rules in Python ---------------------------------------------------------


def python_rules(actor):
    """Every active coordinated pathway judged by the Python rules (`worklist._pathway_tasks`), by pathway id."""
    moment = worklist._Moment.current()
    planned: dict[int, list] = {}
    for m in worklist.planned_meetings_until(moment.now):
        planned.setdefault(m.pathway_id, []).append(m)
    pathways = worklist._rules_queryset(actor, moment).select_related("programme", "citizen")
    return {p.pk: worklist._pathway_tasks(p, planned.get(p.pk, []), moment) for p in pathways}


def sql_rules(actor) -> dict[str, set]:
    moment = worklist._Moment.current()
    queryset = worklist._rules_queryset(actor, moment)
    rules = worklist._rules(moment)
    return {name: set(queryset.filter(rule).values_list("pk", flat=True)) for name, rule in rules.items()}


def varied_pathways(world, rng):
    """Pathways on either side of every boundary of the rules: the opening day against the cadence and the plan's
    age, the last status meeting just before and after midnight, birth dates around the transition warning and
    around the opening day, 29 February, programmes for young people or adults, with and without meetings."""
    today = timezone.localdate()
    young = f.ProgrammeFactory(municipality=world.municipality, min_age=15, max_age=23, status_meeting_cadence_days=30)
    adults = f.ProgrammeFactory(municipality=world.municipality, min_age=18, status_meeting_cadence_days=None)
    none = f.ProgrammeFactory(municipality=world.municipality, min_age=None, status_meeting_cadence_days=0)
    latest = worklist._latest_birth_date_warned(today)
    births = [latest, latest + datetime.timedelta(days=1), latest - datetime.timedelta(days=1), f.years_ago(30)]
    births += [datetime.date(y, 2, 29) for y in range(today.year - 18, today.year - 16) if y % 4 == 0]
    day = datetime.timedelta(days=1)
    for born in births:
        birthday = worklist.eighteenth_birthday(born)
        for opened_on in (birthday, birthday + day, birthday - day, today - datetime.timedelta(days=400)):
            opened_on = min(opened_on, today)
            programme = rng.choice([young, young, adults, none])
            citizen = f.CitizenFactory(municipality=world.municipality, born=born)
            f.PathwayFactory(
                coordinator=world.coordinator,
                lead_department=world.children,
                programme=programme,
                citizen=citizen,
                opened_on=opened_on,
            )
    for opened_days in (0, 30, 37, 38, 39, 89, 90, 91, 200):
        pathway = f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            programme=young,
            opened_on=today - datetime.timedelta(days=opened_days),
        )
        choice = rng.randrange(6)
        if choice == 0:
            overdue_agreement(world, pathway, days=rng.choice([1, 5]))
        elif choice == 1:
            meeting(world, pathway, starts_in_days=rng.choice([-1, 2, 13, 15]))
        elif choice == 2:
            meeting(world, pathway, starts_in_days=0, meeting_type=MeetingType.TRANSITION_18)
    for held_days in (22, 23, 24, 36, 37, 38):
        for hour in (0, 23):
            pathway = f.PathwayFactory(
                coordinator=world.coordinator,
                lead_department=world.children,
                programme=young,
                opened_on=today - datetime.timedelta(days=100),
            )
            starts = timezone.make_aware(
                datetime.datetime.combine(today - datetime.timedelta(days=held_days), datetime.time(hour, 30))
            )
            Meeting.objects.create(
                municipality=world.municipality,
                pathway=pathway,
                meeting_type=MeetingType.STATUS,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=20),
                location="Rådhuset",
                status=MeetingStatus.HELD,
                scheduled_by=world.coordinator,
            )


def assert_rules_agree(actor):
    python = python_rules(actor)
    sql = sql_rules(actor)
    assert sql["status_due"] == {pk for pk, t in python.items() if t.status_meeting_due}
    assert sql["status_overdue"] == {pk for pk, t in python.items() if t.status_meeting_overdue}
    assert sql["stale"] == {pk for pk, t in python.items() if t.plan_stale}
    assert sql["transition"] == {pk for pk, t in python.items() if t.transition_18_on}
    assert sql["overdue"] == {pk for pk, t in python.items() if t.overdue_agreements}
    assert sql["to_record"] == {pk for pk, t in python.items() if t.meetings_to_record}
    assert sql["to_hold"] == {pk for pk, t in python.items() if t.meetings_to_hold}
    with_tasks = {pk for pk, t in python.items() if t.has_tasks}
    assert {row.pathway.pk for row in worklist.worklist_counts(actor=actor).rows} == with_tasks
    totals = worklist.worklist_totals(actor=actor)
    assert totals.overdue_agreements == sum(t.overdue_agreements for t in python.values())
    assert totals.meetings_to_record == sum(len(t.meetings_to_record) for t in python.values())
    assert totals.meetings_to_hold == sum(len(t.meetings_to_hold) for t in python.values())
    assert totals.status_meetings_due == sum(1 for t in python.values() if t.status_meeting_due)
    assert totals.plans_stale == sum(1 for t in python.values() if t.plan_stale)
    assert totals.transitions_due == sum(1 for t in python.values() if t.transition_18_on)
    return python


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2027, 6, 15, 10, 0),
        datetime.datetime(2028, 2, 29, 0, 20),  # just after midnight on a leap day
        datetime.datetime(2027, 3, 28, 23, 50),  # late on the night summer time begins
    ],
)
def test_the_sql_rules_agree_with_the_python_rules(world, moment):
    import random

    import time_machine

    with time_machine.travel(timezone.make_aware(moment), tick=False):
        varied_pathways(world, random.Random(moment.toordinal()))
        python = assert_rules_agree(world.coordinator)
    # The sample reaches both sides of the rules.
    assert any(t.transition_18_on for t in python.values()) and any(t.status_meeting_due for t in python.values())
    assert any(t.plan_stale for t in python.values()) and not all(t.plan_stale for t in python.values())
