"""The coordinator's worklist and its counts on "Mine forløb"."""

import calendar
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


def test_the_worklist_judges_each_pathway_once_and_reads_only_the_rows_it_shows(world, client, monkeypatch):
    """The facts query writes the overdue count into its SQL once (not once per use: in the select, the urgency,
    the filter and the figures), and the page reads only its own pathways, padded places and all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(worklist, "PAGE_SIZE", 3)
    late = []
    for _ in range(4):
        pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
        overdue_agreement(world, pathway)
        late.append(pathway)
    client.force_login(world.coordinator)
    url = reverse("pathways:worklist")
    with CaptureQueriesContext(connection) as captured:
        first = client.get(url).context["worklist"]
    facts = [q["sql"] for q in captured if '"pk"' in q["sql"] and "plans_agreement" in q["sql"]]
    assert len(facts) == 1 and facts[0].count('FROM "plans_agreement"') == 1
    assert (len(first.rows), first.overdue_agreements) == (3, 4)
    second = client.get(url, {"efter": first.next_cursor}).context["worklist"]  # one row in three places
    assert [row.pathway.pk for row in second.rows] == [
        p.pk for p in late if p.pk not in {r.pathway.pk for r in first.rows}
    ]
    assert second.next_cursor is None and second.overdue_agreements == 4
    (shown,) = [row.pathway for row in second.rows]
    rest = next(p for p in late if p.pk == shown.pk)
    assert (shown.programme.name, shown.subject_name) == (rest.programme.name, rest.subject_name)


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
    # The page counts the figures from its facts query: the same figures as the aggregate, whatever the page size.
    figures = {name: getattr(totals, name) for name in worklist.TOTALS}
    for page_size in (None, 1, 3):
        first = worklist.worklist_page(actor=actor, page_size=page_size)
        assert {name: getattr(first, name) for name in worklist.TOTALS} == figures
    return python


def moment_after(today: datetime.date, kind: str) -> datetime.datetime:
    """A moment after `today` (the suite's clock, which CI moves a year ahead; the world is made today, so the
    moment must not be before it): an ordinary day, just after midnight on the next 29 February, or late on the
    night the next summer time begins (the last Sunday of March)."""
    if kind == "ordinary":
        return datetime.datetime.combine(today + datetime.timedelta(days=200), datetime.time(10, 0))
    if kind == "leap day":
        year = today.year + 1
        while not calendar.isleap(year):
            year += 1
        return datetime.datetime(year, 2, 29, 0, 20)
    year = today.year + 1
    last_sunday = max(week[calendar.SUNDAY] for week in calendar.monthcalendar(year, 3))
    return datetime.datetime(year, 3, last_sunday, 23, 50)


@pytest.mark.parametrize("kind", ["ordinary", "leap day", "summer time"])
def test_the_sql_rules_agree_with_the_python_rules(world, kind):
    import random

    import time_machine

    moment = moment_after(timezone.localdate(), kind)
    with time_machine.travel(timezone.make_aware(moment), tick=False):
        varied_pathways(world, random.Random(moment.toordinal()))
        python = assert_rules_agree(world.coordinator)
    # The sample reaches both sides of the rules.
    assert any(t.transition_18_on for t in python.values()) and any(t.status_meeting_due for t in python.values())
    assert any(t.plan_stale for t in python.values()) and not all(t.plan_stale for t in python.values())


def test_the_worklist_page_shows_and_logs_one_page_the_most_urgent_first(world, client, monkeypatch):
    monkeypatch.setattr(worklist, "PAGE_SIZE", 2)
    late, soon = [], []
    for _ in range(3):
        pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
        meeting(world, pathway, starts_in_days=3)
        soon.append(pathway)
        pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
        overdue_agreement(world, pathway)
        late.append(pathway)
    client.force_login(world.coordinator)
    url = reverse("pathways:worklist")
    response = client.get(url)
    page = response.context["worklist"]
    # Only the first page is read, shown and logged: two of the pathways with an overdue agreement.
    assert [row.pathway.pk in {p.pk for p in late} for row in page.rows] == [True, True]
    logged = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"], shown="pathway.worklist")
    assert set(logged.values_list("pathway_id", flat=True)) == {row.pathway.pk for row in page.rows}
    assert logged.count() == 2
    # The figures cover every pathway, not only the page.
    assert (page.overdue_agreements, page.meetings_to_hold) == (3, 3)
    assert 'id="worklist-counts"' in response.content.decode() and "efter=" in response.content.decode()
    # "Show more" walks the rest without gaps or repeats, the late ones before the ones due soon.
    seen = [row.pathway.pk for row in page.rows]
    while page.next_cursor:
        page = client.get(url, {"efter": page.next_cursor}).context["worklist"]
        assert len(page.rows) <= 2
        assert (page.overdue_agreements, page.meetings_to_hold) == (3, 3)  # a later page reads them on its own
        seen.extend(row.pathway.pk for row in page.rows)
    expected = {row.pathway.pk for row in worklist.worklist_counts(actor=world.coordinator).rows}
    assert len(seen) == len(set(seen)) and set(seen) == expected
    assert set(seen[:3]) == {p.pk for p in late} and {p.pk for p in soon} <= set(seen[3:])


# --- compiled once per user and day -----------------------------------------------------------------------------


def test_the_kept_queries_judge_each_request_at_its_own_moment(world):
    """The worklist's two queries are compiled once per user and day (`core.db.precompiled_rows`); a later request
    the same day runs them at its own moment: a meeting at noon is to hold at 11 and to record at 13, and the next
    page still follows the first."""
    import time_machine
    from django.db import connections

    from samspil.core import db

    today = timezone.localdate() + datetime.timedelta(days=3)
    at = lambda hour: timezone.make_aware(datetime.datetime.combine(today, datetime.time(hour)))  # noqa: E731
    with time_machine.travel(at(11), tick=False):
        for _ in range(3):
            p = f.PathwayFactory(
                coordinator=world.coordinator, lead_department=world.children, programme=world.programme
            )
            overdue_agreement(world, p)
        noon = meeting(world, world.pathway, starts_in_days=0)
        Meeting.objects.filter(pk=noon.pk).update(starts_at=at(12), ends_at=at(13))
        before = worklist.worklist_page(actor=world.coordinator, page_size=2)
        assert (before.meetings_to_hold, before.meetings_to_record, before.overdue_agreements) == (1, 0, 3)
        second = worklist.worklist_page(actor=world.coordinator, page_size=2, cursor=before.next_cursor)
    with time_machine.travel(at(13), tick=False):
        after = worklist.worklist_page(actor=world.coordinator, page_size=2)
        assert (after.meetings_to_hold, after.meetings_to_record, after.overdue_agreements) == (0, 1, 3)
        assert after.rows[0].pathway == world.pathway and after.rows[0].meetings_to_record == [noon]
        again = worklist.worklist_page(actor=world.coordinator, page_size=2, cursor=after.next_cursor)
        every = worklist.worklist_page(actor=world.coordinator, page_size=None)
    listed = [row.pathway for row in [*after.rows, *again.rows]]
    assert len(listed) == len(set(listed)) == 4 == len(every.rows)
    assert {row.pathway for row in second.rows} <= {row.pathway for row in every.rows}
    kept = connections["default"].__dict__["_samspil_precompiled"]
    names = {key[0] for key, (_generation, query) in kept.items() if query is not db._UNCACHED}
    assert {"worklist_facts", "worklist_totals"} <= names


# --- *Mine forløb*'s figures, kept -------------------------------------------------------------------------------


def mine_figures(client, user) -> int:
    response = client.get(reverse("pathways:mine"))
    assert response.status_code == 200 and response.context["tasks"] is not None
    return response.context["tasks"].overdue_agreements


def totals_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("pathways:mine")).status_code == 200
    return sum("overdue_agreements" in query["sql"] for query in queries)


def test_mine_keeps_its_figures_and_counts_again_after_a_change_in_a_coordinated_pathway(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    assert mine_figures(client, world.coordinator) == 0
    assert totals_queries(client) == 0  # kept: no query
    with django_capture_on_commit_callbacks(execute=True):
        agreement = overdue_agreement(world, world.pathway)
    assert mine_figures(client, world.coordinator) == 1  # the change counts at once
    assert totals_queries(client) == 0
    with django_capture_on_commit_callbacks(execute=True):
        agreement.status = AgreementStatus.DONE
        agreement.save()
    assert mine_figures(client, world.coordinator) == 0
    with django_capture_on_commit_callbacks(execute=True):
        agreement.delete()
    assert totals_queries(client) == 1  # a deleted agreement counts again too


def test_a_change_counts_only_once_committed_and_only_for_the_pathways_coordinators(
    world, client, django_capture_on_commit_callbacks
):
    other = f.PathwayFactory(coordinator=world.outsider, lead_department=world.children)
    client.force_login(world.coordinator)
    mine_figures(client, world.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        overdue_agreement(world, world.pathway)
    assert callbacks and totals_queries(client) == 0  # not committed yet: the kept figures stand
    for callback in callbacks:
        callback()
    assert totals_queries(client) == 1
    with django_capture_on_commit_callbacks(execute=True):
        overdue_agreement(world, other)  # someone else's pathway
    assert totals_queries(client) == 0


def test_a_handover_counts_again_for_the_coordinator_before_and_after(
    world, client, django_capture_on_commit_callbacks
):
    overdue_agreement(world, world.pathway)
    client.force_login(world.coordinator)
    assert mine_figures(client, world.coordinator) == 1
    heir = f.make_staff(world.children)
    client.force_login(heir)
    assert mine_figures(client, heir) == 0
    with django_capture_on_commit_callbacks(execute=True):
        world.pathway.coordinator = heir
        world.pathway.save()
    assert mine_figures(client, heir) == 1
    client.force_login(world.coordinator)
    assert mine_figures(client, world.coordinator) == 0


def test_kept_figures_count_again_after_a_minute_and_on_another_day(world, clock_cache):
    from unittest import mock

    import time_machine

    start = timezone.now()
    with mock.patch.object(worklist, "worklist_totals", wraps=worklist.worklist_totals) as counted:
        with time_machine.travel(start, tick=False):
            worklist.worklist_totals_kept(actor=world.coordinator)
        with time_machine.travel(start + datetime.timedelta(seconds=worklist.TOTALS_TTL_SECONDS - 1), tick=False):
            worklist.worklist_totals_kept(actor=world.coordinator)
        assert counted.call_count == 1  # kept
        with time_machine.travel(start + datetime.timedelta(seconds=worklist.TOTALS_TTL_SECONDS + 1), tick=False):
            worklist.worklist_totals_kept(actor=world.coordinator)
        assert counted.call_count == 2  # a minute on: a meeting may have begun, so counted again
    from django.core.cache import cache

    cache.clear()  # what was kept above may still be within its minute of the time below
    midnight = timezone.localtime(start).replace(hour=23, minute=59, second=50)
    with mock.patch.object(worklist, "worklist_totals", wraps=worklist.worklist_totals) as counted:
        with time_machine.travel(midnight, tick=False):
            worklist.worklist_totals_kept(actor=world.coordinator)
        with time_machine.travel(midnight + datetime.timedelta(seconds=20), tick=False):
            worklist.worklist_totals_kept(actor=world.coordinator)
        assert counted.call_count == 2  # past midnight, within the minute: another day's rules count again


def test_a_change_while_counting_is_not_kept_as_the_new_figures(world):
    """The figures counted before a change commits are kept with the generation they began in; the change replaces
    it, so the next view counts again instead of showing them for a minute."""
    from unittest import mock

    real = worklist.worklist_totals

    def counted_then_changed(**kwargs):
        figures = real(**kwargs)
        worklist.forget_worklist_totals(world.coordinator.pk)  # a change commits while the view is counting
        return figures

    with mock.patch.object(worklist, "worklist_totals", side_effect=counted_then_changed):
        worklist.worklist_totals_kept(actor=world.coordinator)
    with mock.patch.object(worklist, "worklist_totals", wraps=real) as counted:
        worklist.worklist_totals_kept(actor=world.coordinator)
        worklist.worklist_totals_kept(actor=world.coordinator)
    assert counted.call_count == 1  # counted again once, then kept


def test_a_cache_that_fails_never_fails_the_page_or_the_change(world, client, django_capture_on_commit_callbacks):
    """The cache down: *Mine forløb* counts as without it, and a saved change is not answered with an error."""
    from unittest import mock

    from django.core.cache import cache

    client.force_login(world.coordinator)
    with (
        mock.patch.object(cache, "get_many", side_effect=ConnectionError("cache down")),
        mock.patch.object(cache, "set_many", side_effect=ConnectionError("cache down")),
    ):
        assert mine_figures(client, world.coordinator) == 0
        with django_capture_on_commit_callbacks(execute=True):
            overdue_agreement(world, world.pathway)
        assert mine_figures(client, world.coordinator) == 1
