"""The coordinator's worklist and its counts on "Mine forløb"."""

import calendar
import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting
from samspil.pathways import worklist
from samspil.pathways.models import Pathway
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


# --- the rules judged from kept facts agree with the rules read straight from the rows --------------------------


def reference_tasks(actor) -> dict[int, dict]:
    """Every active pathway the actor coordinates, judged by the rules as written, straight from its rows at the
    clock's moment (no kept facts, no precomputed days)."""
    from samspil.access import policy
    from samspil.meetings.choices import CADENCE_TYPES
    from samspil.meetings.selectors import next_status_meeting_due

    now, today = timezone.now(), timezone.localdate()
    judged = {}
    for p in worklist.active_pathways(actor, policy.MANAGE).select_related("programme", "citizen"):
        meetings = Meeting.objects.filter(pathway=p)
        planned = [m.starts_at for m in meetings.filter(status=MeetingStatus.PLANNED)]
        held = meetings.filter(status=MeetingStatus.HELD, meeting_type__in=CADENCE_TYPES).order_by("-starts_at").first()
        revision = PlanRevision.objects.filter(pathway=p).order_by("-saved_at").first()
        due = next_status_meeting_due(
            cadence_days=p.programme.status_meeting_cadence_days,
            last_cadence_meeting=held.starts_at if held else None,
            opened_on=p.opened_on,
        )
        opened = timezone.make_aware(datetime.datetime.combine(p.opened_on, datetime.time.min))
        transition_meeting = meetings.filter(
            meeting_type=MeetingType.TRANSITION_18, status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD]
        )
        judged[p.pk] = {
            "overdue": Agreement.objects.overdue(today).filter(pathway=p).count(),
            "to_record": sum(start <= now for start in planned),
            "to_hold": sum(now < start < now + datetime.timedelta(days=worklist.UPCOMING_DAYS) for start in planned),
            "status_due": due if due and due <= today + datetime.timedelta(days=worklist.DUE_SOON_DAYS) else None,
            "stale": now - (revision.saved_at if revision else opened)
            > datetime.timedelta(days=settings.SAMSPIL_PLAN_REVISION_DAYS),
            "transition": worklist.transition_due(
                born=p.citizen.birth_date if p.citizen_id else None,
                opened_on=p.opened_on,
                min_age=p.programme.min_age,
                has_meeting=transition_meeting.exists(),
                today=today,
            ),
        }
    return judged


def as_judged(rows) -> dict[int, dict]:
    """The worklist's rows (`PathwayTasks`) in `reference_tasks`' form."""
    return {
        t.pathway.pk: {
            "overdue": t.overdue_agreements,
            "to_record": len(t.meetings_to_record),
            "to_hold": len(t.meetings_to_hold),
            "status_due": t.status_meeting_due,
            "stale": t.plan_stale,
            "transition": t.transition_18_on,
        }
        for t in rows
    }


def assert_rules_agree(actor) -> dict[int, dict]:
    """The worklist's rows, its figures on every page and *Mine forløb*'s figures are the reference's."""
    reference = reference_tasks(actor)
    every = worklist.worklist_counts(actor=actor).rows
    assert as_judged(every) == {pk: judged for pk, judged in reference.items() if any(judged.values())}
    # The order is the urgency's (an overdue status meeting is late, one due soon is not), then the longest open.
    today = timezone.localdate()

    def urgency(j):
        if j["overdue"] or j["to_record"] or (j["status_due"] and j["status_due"] < today):
            return 0
        return 1 if j["to_hold"] or j["status_due"] or j["transition"] else 2

    places = dict(Pathway.objects.filter(pk__in=reference).values_list("pk", "opened_on"))
    public_ids = dict(Pathway.objects.filter(pk__in=reference).values_list("pk", "public_id"))
    expected = sorted(
        (pk for pk, j in reference.items() if any(j.values())),
        key=lambda pk: (urgency(reference[pk]), places[pk], public_ids[pk]),
    )
    assert [row.pathway.pk for row in every] == expected
    figures = {
        "overdue_agreements": sum(j["overdue"] for j in reference.values()),
        "meetings_to_record": sum(j["to_record"] for j in reference.values()),
        "meetings_to_hold": sum(j["to_hold"] for j in reference.values()),
        "status_meetings_due": sum(1 for j in reference.values() if j["status_due"]),
        "plans_stale": sum(1 for j in reference.values() if j["stale"]),
        "transitions_due": sum(1 for j in reference.values() if j["transition"]),
    }
    totals = worklist.worklist_totals(actor=actor)
    assert {name: getattr(totals, name) for name in worklist.TOTALS} == figures
    for page_size in (None, 1, 3):
        page = worklist.worklist_page(actor=actor, page_size=page_size)
        assert {name: getattr(page, name) for name in worklist.TOTALS} == figures
    return reference


def latest_birth_date_warned(today: datetime.date) -> datetime.date:
    """The latest birth date whose transition warning has begun by `today` (`transition_warning_from` only grows
    with the birth date, so every earlier birth date is warned too): the boundary the sample sits on."""
    born = worklist.months_before(today, -worklist.TRANSITION_WARNING_MONTHS)
    born = born.replace(year=born.year - 18, day=min(born.day, 28) if born.month == 2 else born.day)
    day = datetime.timedelta(days=1)
    while worklist.transition_warning_from(born) > today:
        born -= day
    while worklist.transition_warning_from(born + day) <= today:
        born += day
    return born


def varied_pathways(world, rng):
    """Pathways on either side of every boundary of the rules: the opening day against the cadence and the plan's
    age, the last status meeting just before and after midnight, birth dates around the transition warning and
    around the opening day, 29 February, programmes for young people or adults, with and without meetings."""
    today = timezone.localdate()
    young = f.ProgrammeFactory(municipality=world.municipality, min_age=15, max_age=23, status_meeting_cadence_days=30)
    adults = f.ProgrammeFactory(municipality=world.municipality, min_age=18, status_meeting_cadence_days=None)
    none = f.ProgrammeFactory(municipality=world.municipality, min_age=None, status_meeting_cadence_days=0)
    latest = latest_birth_date_warned(today)
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
def test_the_rules_judged_from_kept_facts_agree_with_the_rows(world, kind):
    """On either side of every boundary, and again later the same day and the next day from the facts kept then:
    meetings that have begun since, a meeting that has come within two weeks, plans grown old at the minute."""
    import random

    import time_machine

    moment = timezone.make_aware(moment_after(timezone.localdate(), kind))
    with time_machine.travel(moment, tick=False):
        varied_pathways(world, random.Random(moment.toordinal()))
        # Exactly now (to record), exactly two weeks ahead (not yet to hold), and ones the clock passes below.
        for days in (0, 1 / 24, 5 / 24, worklist.UPCOMING_DAYS, worklist.UPCOMING_DAYS + 3 / 24):
            meeting(world, world.pathway, starts_in_days=days)
        f.as_committed()
        python = assert_rules_agree(world.coordinator)
    # The sample reaches both sides of the rules.
    assert any(j["transition"] for j in python.values()) and any(j["status_due"] for j in python.values())
    assert any(j["stale"] for j in python.values()) and not all(j["stale"] for j in python.values())
    assert python[world.pathway.pk]["to_record"] == 1 and python[world.pathway.pk]["to_hold"] == 2
    for later in (datetime.timedelta(hours=6), datetime.timedelta(days=1, hours=2), datetime.timedelta(days=40)):
        with (
            time_machine.travel(moment + later, tick=False),
            mock.patch.object(worklist, "_fresh_facts", wraps=worklist._fresh_facts) as read,
        ):
            assert_rules_agree(world.coordinator)
        same_day = timezone.localdate(moment + later) == timezone.localdate(moment)
        assert (read.call_count == 0) is same_day  # the same day: judged from the facts kept at `moment`


def test_the_facts_of_a_few_pathways_read_by_the_kept_query_are_the_built_ones(world):
    """A view after a few of the user's pathways changed reads their facts through one kept query (up to
    `worklist.FEW`, the ids padded); they are the facts the built query reads for the same pathways among many."""
    import random

    from django.db import connections

    from samspil.core import db

    varied_pathways(world, random.Random(7))
    f.as_committed()
    ids = list(Pathway.objects.filter(coordinator=world.coordinator).order_by("pk").values_list("pk", flat=True))
    assert len(ids) > worklist.FEW
    today = timezone.localdate()
    built = worklist._fresh_facts(ids, today)
    rng = random.Random(11)
    for size in (1, 2, 3, worklist.FEW, 1):
        few = rng.sample(ids, size)
        assert worklist._fresh_facts(few, today) == {pk: built[pk] for pk in few}
    kept = connections["default"].__dict__["_samspil_precompiled"]
    names = {key[0] for key, (_generation, query) in kept.items() if query is not db._UNCACHED}
    assert {"worklist_planned", "worklist_fresh_facts"} <= names


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


def test_the_kept_facts_are_judged_at_each_request_s_own_moment(world):
    """The facts are kept per user and day; a later request the same day judges them at its own moment: a meeting at
    noon is to hold at 11 and to record at 13, and the next page still follows the first. The query of the pathways
    the user coordinates is compiled once per user (`core.db.precompiled_rows`)."""
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
        noon.starts_at, noon.ends_at = at(12), at(13)
        noon.save()
        f.as_committed()
        before = worklist.worklist_page(actor=world.coordinator, page_size=2)
        assert (before.meetings_to_hold, before.meetings_to_record, before.overdue_agreements) == (1, 0, 3)
        second = worklist.worklist_page(actor=world.coordinator, page_size=2, cursor=before.next_cursor)
    with (
        time_machine.travel(at(13), tick=False),
        mock.patch.object(worklist, "_fresh_facts", wraps=worklist._fresh_facts) as read,
    ):
        after = worklist.worklist_page(actor=world.coordinator, page_size=2)
        assert (after.meetings_to_hold, after.meetings_to_record, after.overdue_agreements) == (0, 1, 3)
        assert after.rows[0].pathway == world.pathway and after.rows[0].meetings_to_record == [noon]
        again = worklist.worklist_page(actor=world.coordinator, page_size=2, cursor=after.next_cursor)
        every = worklist.worklist_page(actor=world.coordinator, page_size=None)
    assert read.call_count == 0  # judged from the facts kept at 11
    listed = [row.pathway for row in [*after.rows, *again.rows]]
    assert len(listed) == len(set(listed)) == 4 == len(every.rows)
    assert {row.pathway for row in second.rows} <= {row.pathway for row in every.rows}
    kept = connections["default"].__dict__["_samspil_precompiled"]
    names = {key[0] for key, (_generation, query) in kept.items() if query is not db._UNCACHED}
    assert "worklist_coordinated" in names


# --- *Mine forløb*'s figures, from the same kept facts -------------------------------------------------------------


def mine_figures(client) -> int:
    response = client.get(reverse("pathways:mine"))
    assert response.status_code == 200 and response.context["tasks"] is not None
    return response.context["tasks"].overdue_agreements


def facts_read(client) -> list[list[int]]:
    """The pathways whose facts one view of *Mine forløb* reads afresh, per read."""
    with mock.patch.object(worklist, "_fresh_facts", wraps=worklist._fresh_facts) as read:
        assert client.get(reverse("pathways:mine")).status_code == 200
    return [sorted(call.args[0]) for call in read.call_args_list]


def test_mine_shows_a_change_at_once_and_reads_only_the_changed_pathway_again(world, client):
    f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)  # kept, never read again
    someone_elses = f.PathwayFactory(coordinator=world.outsider, lead_department=world.children)
    client.force_login(world.coordinator)
    f.as_committed()
    assert mine_figures(client) == 0
    assert facts_read(client) == []  # kept: nothing read again
    agreement = overdue_agreement(world, world.pathway)
    f.as_committed()
    assert facts_read(client) == [[world.pathway.pk]]  # the change shows at once, read for its pathway only
    assert mine_figures(client) == 1
    agreement.status = AgreementStatus.DONE
    agreement.save()
    f.as_committed()
    assert mine_figures(client) == 0
    overdue_agreement(world, world.pathway)
    f.as_committed()
    Agreement.objects.get(pk=agreement.pk).delete()
    f.as_committed()
    assert facts_read(client) == [[world.pathway.pk]]  # a deleted agreement moves the pathway on too
    overdue_agreement(world, someone_elses)
    f.as_committed()
    assert facts_read(client) == [] and mine_figures(client) == 1  # someone else's pathway is not theirs to count


def test_what_a_transaction_changed_is_not_kept_until_it_commits(world, client):
    """Facts read in the transaction that changed the pathway could still be rolled back: read again each time."""
    client.force_login(world.coordinator)
    f.as_committed()
    mine_figures(client)
    overdue_agreement(world, world.pathway)  # not committed (the test's transaction never is)
    assert facts_read(client) == [[world.pathway.pk]]
    assert facts_read(client) == [[world.pathway.pk]]
    f.as_committed()
    assert facts_read(client) == [[world.pathway.pk]]
    assert facts_read(client) == []


def test_a_handover_shows_at_once_for_the_coordinator_before_and_after(world, client):
    overdue_agreement(world, world.pathway)
    heir = f.make_staff(world.children)
    f.as_committed()
    client.force_login(world.coordinator)
    assert mine_figures(client) == 1
    client.force_login(heir)
    assert mine_figures(client) == 0
    world.pathway.coordinator = heir
    world.pathway.save()
    f.as_committed()
    assert mine_figures(client) == 1
    client.force_login(world.coordinator)
    assert mine_figures(client) == 0


def test_an_agreement_due_today_counts_as_overdue_from_midnight(world):
    """The overdue count is kept for one day: past midnight every pathway's facts are read again."""
    import time_machine

    agreement = overdue_agreement(world, world.pathway)
    late = timezone.localtime().replace(hour=23, minute=59, second=50) + datetime.timedelta(days=2)
    agreement.due_on = late.date()
    agreement.save()
    with time_machine.travel(late, tick=False):
        f.as_committed()
        assert worklist.worklist_totals(actor=world.coordinator).overdue_agreements == 0
        assert worklist.worklist_totals(actor=world.coordinator).overdue_agreements == 0
    with time_machine.travel(late + datetime.timedelta(seconds=20), tick=False):
        assert worklist.worklist_totals(actor=world.coordinator).overdue_agreements == 1


def test_a_cache_that_fails_never_fails_the_page_or_the_change(world, client):
    """The cache down: *Mine forløb* and the worklist count as without it, and a saved change is not refused."""
    from django.core.cache import cache

    client.force_login(world.coordinator)
    with (
        mock.patch.object(cache, "get", side_effect=ConnectionError("cache down")),
        mock.patch.object(cache, "set", side_effect=ConnectionError("cache down")),
    ):
        assert worklist.worklist_totals(actor=world.coordinator).overdue_agreements == 0
        overdue_agreement(world, world.pathway)
        f.as_committed()
        assert worklist.worklist_totals(actor=world.coordinator).overdue_agreements == 1
        assert worklist.worklist_page(actor=world.coordinator).rows[0].pathway == world.pathway
