"""`database_tally` (the leaders' pages) counts in SQL what `tally(documentation_rows(...))` counts in Python: the same
citizens, statuses, meetings and goals, on any day and cohort, for one-citizen and family pathways alike."""

import datetime

import pytest
from django.utils import timezone

from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.pathways.models import Pathway
from samspil.plans.choices import GoalStatus
from samspil.results import documentation as doc
from samspil.results.tests.test_documentation import E, days_ago, status, ten_pathways
from tests import factories as f

pytestmark = pytest.mark.django_db


def family_in(programme, world):
    """A family of three in the programme: one member left and joined again (two rows, counted once), statuses on two
    members (one of them twice the same day: the later entry wins), a meeting with the family and two goals."""
    family = f.PathwayFactory(
        family=True,
        programme=programme,
        municipality=programme.municipality,
        coordinator=world.b,
        opened_on=days_ago(90),
    )
    household = Pathway.objects.get(pk=family.pk).household
    first = f.HouseholdMemberFactory(household=household).citizen
    again = f.HouseholdMemberFactory(household=household, member_to=days_ago(40)).citizen
    f.HouseholdMemberFactory(household=household, citizen=again, member_from=days_ago(20))
    f.HouseholdMemberFactory(household=household)
    status(family, first, days_ago(80), E.NONE)
    status(family, first, days_ago(10), E.PREPARATORY)
    status(family, first, days_ago(10), E.EMPLOYED)
    status(family, again, days_ago(60), E.BENEFIT)
    held = f.MeetingFactory(
        pathway=family,
        meeting_type=MeetingType.STATUS,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=15),
    )
    f.MeetingParticipantFactory(meeting=held, citizen=first, attended=True)
    plan = f.PlanFactory(pathway=family)
    f.GoalFactory(plan=plan, status=GoalStatus.ACHIEVED)
    f.GoalFactory(plan=plan, status=GoalStatus.CANCELLED)
    return family


def both(programme, *, on=None, opened_from=None, opened_to=None):
    pathways = doc.programme_pathways(programme, opened_from=opened_from, opened_to=opened_to)
    return doc.database_tally(pathways, on=on), doc.tally(doc.documentation_rows(pathways, on=on))


@pytest.mark.parametrize(
    ("on", "opened_from", "opened_to"),
    [(None, None, None), (30, None, None), (175, None, None), (None, 165, 125), (None, 100, None), (5, None, 150)],
)
def test_the_database_counts_what_the_rows_count(on, opened_from, opened_to):
    world = ten_pathways()
    family_in(world.programme, world)
    in_sql, in_python = both(
        world.programme,
        on=days_ago(on) if on is not None else None,
        opened_from=days_ago(opened_from) if opened_from is not None else None,
        opened_to=days_ago(opened_to) if opened_to is not None else None,
    )
    assert in_sql == in_python
    assert in_sql.figures() == in_python.figures()
    for by in doc.GROUP:
        assert in_sql.breakdown(by) == in_python.breakdown(by)
    assert in_sql.distribution() == in_python.distribution()


def test_the_family_is_counted_member_by_member():
    world = ten_pathways()
    family_in(world.programme, world)
    figures = doc.database_tally(doc.programme_pathways(world.programme)).figures()
    # The ten of `ten_pathways` and three family members (the one who left and came back once), one employed.
    assert (figures.citizens, figures.pathways) == (13, 11)
    assert (figures.employed, figures.in_education, figures.unknown) == (3, 6, 2)
    assert (figures.goals_reached, figures.goals_total) == (3, 4)
    assert figures.meetings_minimum_met == 3  # the family's one meeting is short of the programme's two


def test_two_queries_whatever_the_size(django_assert_num_queries):
    small = ten_pathways()
    with django_assert_num_queries(2):
        doc.database_tally(doc.programme_pathways(small.programme))
    large = ten_pathways(extra_pathways=25)
    family_in(large.programme, large)
    with django_assert_num_queries(2):
        assert doc.database_tally(doc.programme_pathways(large.programme)).figures().pathways == 36


def test_an_empty_programme():
    assert doc.database_tally(doc.programme_pathways(f.ProgrammeFactory())) == doc.Tally({}, {})
