"""*Mine opgaver*: every staff user's task list, its counts in the menu, and each role's start page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.organisations.choices import StaffRole
from samspil.pathways import tasks
from samspil.pathways.choices import PathwayStatus
from samspil.plans.choices import AgreementStatus
from samspil.plans.models import Agreement
from tests import factories as f

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def goal_in(pathway):
    from samspil.plans.models import Plan

    plan = Plan.objects.filter(pathway=pathway).first() or f.PlanFactory(pathway=pathway)
    return f.GoalFactory(plan=plan)


def agreement_of(place, *, due_in: int | None, what: str = "", status=AgreementStatus.AGREED, pathway=None):
    goal = goal_in(pathway or place.pathway)
    return f.AgreementFactory(
        goal=goal,
        owner_kind="team_member",
        owner=place,
        due_on=None if due_in is None else days(due_in),
        status=status,
        **({"what": what} if what else {}),
    )


def meeting(pathway, *, starts_in_hours: float, scheduled_by=None, invite=(), status="planned"):
    starts = timezone.now() + datetime.timedelta(hours=starts_in_hours)
    made = f.MeetingFactory(
        pathway=pathway,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        scheduled_by=scheduled_by or pathway.coordinator,
        status=status,
    )
    for place in invite:
        f.MeetingParticipantFactory(meeting=made, is_citizen=False, citizen=None, team_member=place)
    return made


# --- what is on the list -------------------------------------------------------------------------------------


def test_a_team_member_sees_the_open_agreements_they_own_overdue_first(world):
    late = agreement_of(world.colleague_place, due_in=-3, what="Sende ansøgning")
    later = agreement_of(world.colleague_place, due_in=-1, what="Ringe til skolen")
    soon = agreement_of(world.colleague_place, due_in=5, what="Bestille tid")
    undated = agreement_of(world.colleague_place, due_in=None, what="Følge op")
    agreement_of(world.colleague_place, due_in=-5, status=AgreementStatus.DONE)  # done: not a task
    f.AgreementFactory(goal=goal_in(world.pathway), due_on=days(-9))  # the citizen's

    result = tasks.tasks_for_page(actor=world.colleague)

    assert [a.pk for a in result.agreements] == [late.pk, later.pk, soon.pk, undated.pk]
    assert result.overdue_agreements == 2
    # The coordinator owns none of them.
    assert tasks.tasks_for_page(actor=world.coordinator).agreements == []


def test_agreements_in_closed_or_no_longer_shared_pathways_are_not_tasks(world):
    closed = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, status=PathwayStatus.CLOSED
    )
    closed_place = f.TeamMemberFactory(pathway=closed, user=world.colleague, department=world.children)
    agreement_of(closed_place, due_in=-2)
    # A place in a department the citizen's consent does not cover: the pathway is not the user's to work in.
    uncovered = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    health_worker = f.make_staff(world.health, StaffRole.CASEWORKER)
    agreement_of(f.TeamMemberFactory(pathway=uncovered, user=health_worker, department=world.health), due_in=-2)

    assert tasks.tasks_for_page(actor=world.colleague).agreements == []
    assert tasks.tasks_for_page(actor=health_worker).is_empty


def test_meetings_the_user_is_invited_to_and_those_they_must_record(world):
    ahead = meeting(world.pathway, starts_in_hours=26, invite=[world.colleague_place])
    meeting(world.pathway, starts_in_hours=24 * 30, invite=[world.colleague_place])  # beyond the horizon
    meeting(world.pathway, starts_in_hours=30)  # not invited
    own = meeting(world.pathway, starts_in_hours=-2, scheduled_by=world.colleague, invite=[world.colleague_place])
    by_coordinator = meeting(world.pathway, starts_in_hours=-3, invite=[world.colleague_place])
    meeting(world.pathway, starts_in_hours=-30, scheduled_by=world.colleague, status="held")

    colleague = tasks.tasks_for_page(actor=world.colleague)
    assert [m.pk for m in colleague.meetings_ahead] == [ahead.pk]
    assert [m.pk for m in colleague.meetings_to_record] == [own.pk]  # the coordinator records theirs

    coordinator = tasks.tasks_for_page(actor=world.coordinator)
    assert [m.pk for m in coordinator.meetings_to_record] == [by_coordinator.pk, own.pk]
    assert coordinator.meetings_ahead == []  # the coordinator was not invited


def test_the_coordinator_sees_their_pathways_with_something_due_and_a_former_coordinator_does_not(world):
    f.AgreementFactory(goal=goal_in(world.pathway), due_on=days(-4))
    f.make_revision(world.pathway)  # a fresh plan: only the agreement is due

    rows = tasks.tasks_for_page(actor=world.coordinator).coordinated
    assert [(row.pathway.pk, row.overdue_agreements) for row in rows] == [(world.pathway.pk, 1)]
    assert tasks.tasks_for_page(actor=world.colleague).coordinated == []

    # Leaving the coordinating department ends the coordinator's rights, and with them the tasks, though the
    # pathway still names them as its coordinator.
    from samspil.organisations.models import Membership

    Membership.objects.filter(user=world.coordinator, department=world.children).update(
        active_from=days(-100), active_to=days(-1)
    )
    assert tasks.tasks_for_page(actor=world.coordinator).coordinated == []


def test_task_counts_for_the_menu_in_one_query(world, django_assert_num_queries):
    agreement_of(world.colleague_place, due_in=-3)
    agreement_of(world.colleague_place, due_in=4)
    meeting(world.pathway, starts_in_hours=-2, scheduled_by=world.colleague)
    with django_assert_num_queries(1):
        counts = tasks.task_counts(actor=world.colleague)
    assert counts == {"overdue": 1, "meetings_to_record": 1, "total": 2}
    assert tasks.task_counts(actor=world.outsider)["total"] == 0


# --- the page ------------------------------------------------------------------------------------------------


def english(client):
    client.cookies["django_language"] = "en"  # the msgids, whatever the state of the compiled catalogue
    return client


def test_the_page_lists_the_tasks_and_logs_each_citizen_once(client, world):
    agreement_of(world.colleague_place, due_in=-3, what="Sende ansøgning")
    meeting(world.pathway, starts_in_hours=-2, scheduled_by=world.colleague)
    meeting(world.pathway, starts_in_hours=20, invite=[world.colleague_place])
    english(client).force_login(world.colleague)

    response = client.get(reverse("pathways:tasks"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sende ansøgning" in html and world.citizen.full_name in html
    status_url = reverse("plans:agreement_status", args=[world.pathway.public_id, Agreement.objects.get().public_id])
    assert f'action="{status_url}"' in html
    assert "Write the minutes" in html and "Take part" in html
    # The menu names the count in words for screen readers: "My tasks, 2 due".
    assert '<em class="sr-only">, 2 due</em>' in html
    rows = AccessLogEntry.objects.filter(actor=world.colleague, shown="pathway.tasks")
    assert list(rows.values_list("citizen_id", "pathway_id")) == [(world.citizen.pk, world.pathway.pk)]


def test_a_family_pathway_logs_every_family_member(client, world):
    family = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        citizen=None,
        household=f.make_family(world.municipality, adults=1, children=1),
    )
    place = f.TeamMemberFactory(pathway=family, user=world.colleague, department=world.children)
    agreement_of(place, due_in=2)
    client.force_login(world.colleague)
    assert client.get(reverse("pathways:tasks")).status_code == 200
    assert AccessLogEntry.objects.filter(actor=world.colleague, shown="pathway.tasks", pathway=family).count() == 2


def test_the_page_is_for_staff_only(client, world):
    url = reverse("pathways:tasks")
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(f.CitizenAccountFactory(municipality=world.municipality))
    assert client.get(url).status_code in (302, 404)  # a citizen account is no staff session
    client.force_login(world.outsider)
    response = english(client).get(url)
    assert response.status_code == 200 and "You have no open tasks" in response.content.decode()
    assert not AccessLogEntry.objects.filter(actor=world.outsider).exists()


def test_completing_an_agreement_from_the_task_list_comes_back_to_it(client, world):
    agreement = agreement_of(world.colleague_place, due_in=-1)
    client.force_login(world.colleague)
    url = reverse("plans:agreement_status", args=[world.pathway.public_id, agreement.public_id])
    prefix = f"status-{agreement.public_id}"
    data = {f"{prefix}-status": "done", f"{prefix}-follow_up_note": "", f"{prefix}-version": agreement.version}

    response = client.post(url, {**data, "next": reverse("pathways:tasks")})

    assert response.status_code == 302 and response["Location"] == reverse("pathways:tasks")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DONE and agreement.completed_on == timezone.localdate()
    assert tasks.tasks_for_page(actor=world.colleague).agreements == []


def test_a_next_to_another_site_is_ignored(client, world):
    agreement = agreement_of(world.colleague_place, due_in=-1)
    client.force_login(world.colleague)
    url = reverse("plans:agreement_status", args=[world.pathway.public_id, agreement.public_id])
    prefix = f"status-{agreement.public_id}"
    data = {f"{prefix}-status": "done", f"{prefix}-follow_up_note": "", f"{prefix}-version": agreement.version}
    response = client.post(url, {**data, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:goal", args=[world.pathway.public_id, agreement.goal.public_id])


def add_tasks(world, count: int):
    """`count` of each kind of task for the colleague: an agreement, a meeting ahead, one to record; half of them
    in family pathways; and as many coordinated pathways with an overdue agreement for the coordinator."""
    for i in range(count):
        pathway = f.PathwayFactory(
            coordinator=world.coordinator,
            lead_department=world.children,
            **(
                {"citizen": None, "household": f.make_family(world.municipality, adults=1, children=1)} if i % 2 else {}
            ),
        )
        place = f.TeamMemberFactory(pathway=pathway, user=world.colleague, department=world.children)
        agreement_of(place, due_in=i - count // 2)
        meeting(pathway, starts_in_hours=30 + i, invite=[place])
        meeting(pathway, starts_in_hours=-1 - i, scheduled_by=world.colleague)


@pytest.mark.parametrize("who", ["colleague", "coordinator"])
def test_the_page_has_a_constant_number_of_queries(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    url = reverse("pathways:tasks")
    add_tasks(world, 5)
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_tasks(world, 45)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), "\n".join(q["sql"][:200] for q in large.captured_queries)


# --- where each role lands -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "landing"),
    [
        ("coordinator", "pathways:mine"),  # coordinates a pathway: the caseload and the worklist counts
        ("colleague", "pathways:tasks"),  # on a team, coordinates nothing
        ("outsider", "pathways:tasks"),  # a caseworker on no team: the (empty) task list, not an empty caseload
        ("head", "organisations:leadership"),
        ("controller", "economy:overview"),
        ("administrator", "admin:index"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, world, who, landing):
    if who == "controller":
        user = f.make_staff(world.jobs, StaffRole.CONTROLLER)
    elif who == "administrator":
        user = f.make_staff(world.jobs, StaffRole.ADMINISTRATOR, is_staff=True)
    else:
        user = getattr(world, who)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_logging_in_goes_through_the_front_page(client, world):
    response = client.post(reverse("accounts:login"), {"username": world.head.username, "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_my_pathways_points_a_leader_to_their_pages(client, world):
    english(client).force_login(world.head)
    html = client.get(reverse("pathways:mine")).content.decode()
    assert 'id="role-pages"' in html and reverse("organisations:leadership") in html
    assert 'name="status"' not in html  # no filters over nothing


def test_a_referral_to_the_user_is_on_their_task_list(client, tmp_path):
    """A controller's referral of a candidate (issue 8, item 5) waits on the coordinator's task list, named only by
    programme and pseudonymous reference, with a link to take it on."""
    from samspil.organisations.choices import DepartmentKind
    from samspil.organisations.models import Membership
    from samspil.segmentation import services
    from samspil.segmentation.models import ConsumptionSubject
    from samspil.segmentation.tests.factories import controller, people_with_costs

    boss = controller()
    jobcentre = f.DepartmentFactory(municipality=boss.municipality, kind=DepartmentKind.JOB_CENTRE)
    caseworker = f.make_staff(jobcentre)
    people_with_costs(tmp_path, boss.municipality, [100])
    referral = services.referral_create(
        actor=boss,
        subject=ConsumptionSubject.objects.get(municipality=boss.municipality),
        programme=f.ProgrammeFactory(
            municipality=boss.municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE
        ),
        membership=Membership.objects.get(user=caseworker),
    )
    assert [r.pk for r in tasks.tasks_for_page(actor=caseworker).referrals] == [referral.pk]
    client.force_login(caseworker)
    html = client.get(reverse("pathways:tasks")).content.decode()
    assert referral.get_absolute_url() in html
    assert tasks.tasks_for_page(actor=boss).referrals == []
