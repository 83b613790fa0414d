"""The programme's meeting rules, and what of a meeting may reach the citizen."""

import datetime

import pytest
from django.utils import timezone

from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.selectors import meeting_rules, minutes_for_citizen
from tests import factories as f

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def pathway(world):
    world.programme.status_meeting_cadence_days = 90
    world.programme.min_citizen_meetings = 3
    world.programme.save()
    world.pathway.opened_on = days_ago(200)
    world.pathway.save()
    return world.pathway


def held(pathway, *, days: int, meeting_type=MeetingType.STATUS, citizen_attended=True):
    meeting = f.MeetingFactory(
        pathway=pathway,
        meeting_type=meeting_type,
        status=MeetingStatus.HELD,
        starts_at=f.copenhagen_time(days=-days),  # local midday: the local day is the same at any hour
    )
    if meeting_type != MeetingType.ANALYSIS:
        f.MeetingParticipantFactory(meeting=meeting, attended=citizen_attended)
    return meeting


def test_without_meetings_the_status_meeting_is_due_cadence_days_after_opening(pathway):
    rules = meeting_rules(pathway)
    assert rules.next_status_due == days_ago(200) + datetime.timedelta(days=90)
    assert rules.is_overdue


def test_the_last_held_start_or_status_meeting_restarts_the_cadence(pathway):
    held(pathway, days=100, meeting_type=MeetingType.START)
    held(pathway, days=30)
    held(pathway, days=5, meeting_type=MeetingType.NETWORK)  # a network meeting does not restart it
    f.MeetingFactory(pathway=pathway, starts_at=timezone.now() - datetime.timedelta(days=2))  # planned, not held
    rules = meeting_rules(pathway)
    assert rules.next_status_due == days_ago(30) + datetime.timedelta(days=90)
    assert not rules.is_overdue


def test_overdue_only_after_the_due_day(pathway):
    held(pathway, days=90)
    assert meeting_rules(pathway).next_status_due == timezone.localdate()
    assert not meeting_rules(pathway).is_overdue
    assert meeting_rules(pathway, today=timezone.localdate() + datetime.timedelta(days=1)).is_overdue


def test_a_closed_pathway_is_never_overdue(pathway):
    pathway.status, pathway.closed_on = "closed", timezone.localdate()
    pathway.save()
    assert not meeting_rules(pathway).is_overdue


def test_no_cadence_no_due_date(pathway):
    pathway.programme.status_meeting_cadence_days = None
    pathway.programme.save()
    rules = meeting_rules(pathway)
    assert rules.next_status_due is None and not rules.is_overdue


def test_minimum_not_met_then_met(pathway):
    held(pathway, days=60, meeting_type=MeetingType.START)
    held(pathway, days=30)
    rules = meeting_rules(pathway)
    assert (rules.held_with_citizen, rules.min_required, rules.met) == (2, 3, False)
    held(pathway, days=3, meeting_type=MeetingType.NETWORK)
    rules = meeting_rules(pathway)
    assert (rules.held_with_citizen, rules.met) == (3, True)


def test_analysis_meetings_and_absent_citizens_do_not_count(pathway):
    held(pathway, days=60)
    held(pathway, days=50, meeting_type=MeetingType.ANALYSIS)
    held(pathway, days=40, citizen_attended=False)
    held(pathway, days=35, citizen_attended=None)  # attendance never recorded
    analysis = f.MeetingFactory(pathway=pathway, held=True, meeting_type=MeetingType.ANALYSIS)
    # Even a (wrongly) present citizen row would not make an analysis meeting count.
    f.MeetingParticipantFactory(meeting=analysis, attended=True)
    cancelled = f.MeetingFactory(pathway=pathway, status=MeetingStatus.CANCELLED)
    f.MeetingParticipantFactory(meeting=cancelled, attended=True)
    assert meeting_rules(pathway).held_with_citizen == 1


def test_analysis_minutes_never_reach_the_citizen(world):
    analysis = f.MeetingFactory(
        pathway=world.pathway, held=True, meeting_type=MeetingType.ANALYSIS, minutes="Fortroligt fra psykologen"
    )
    status = f.MeetingFactory(pathway=world.pathway, held=True, minutes="Vi aftalte praktik")
    assert not analysis.includes_citizen
    assert minutes_for_citizen(analysis) is None
    assert minutes_for_citizen(status) == "Vi aftalte praktik"
