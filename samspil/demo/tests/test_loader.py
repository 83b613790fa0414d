"""The demo municipality: built once, with shared plans and meetings, and a second run changes nothing."""

import re

import pytest

from samspil.demo import loader
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting, MeetingDecision
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway
from samspil.plans.models import Agreement, Goal, GoalFollowUp
from samspil.plans.models import Plan as SharedPlan

pytestmark = pytest.mark.django_db

# Ten digits, with or without the dash or space after the birth date: the ways a CPR number is written.
CPR_LIKE = re.compile(r"\d{6}[- ]?\d{4}")


def test_demo_has_plans_and_meetings_and_a_second_run_changes_nothing():
    municipality, created = loader.load_demo()
    assert created["pathways given a plan and meetings"] > 0

    mine = Pathway.objects.filter(coordinator__username=loader.KOORDINATOR).exclude(status=PathwayStatus.CLOSED)
    for pathway in mine:
        has_plan = SharedPlan.objects.filter(pathway=pathway).exists()
        # A pathway still only referred is where the coordinator starts a plan from scratch.
        assert has_plan == (pathway.status != PathwayStatus.REFERRED), pathway
        if has_plan:
            assert Goal.objects.filter(pathway=pathway).count() >= 2
            assert Meeting.objects.filter(
                pathway=pathway, meeting_type=MeetingType.START, status=MeetingStatus.HELD
            ).exists()
    to_record = Meeting.objects.filter(pathway__in=mine, status=MeetingStatus.PLANNED, minutes="")
    assert 1 <= sum(1 for meeting in to_record if meeting.awaits_minutes) <= 2
    analysis = Meeting.objects.get(meeting_type=MeetingType.ANALYSIS)
    assert not analysis.participants.filter(is_citizen=True).exists()
    assert MeetingDecision.objects.filter(agreement__isnull=False).exists()
    assert GoalFollowUp.objects.exists()

    texts = [*Meeting.objects.values_list("minutes", flat=True), *Agreement.objects.values_list("what", flat=True)]
    texts += [*SharedPlan.objects.values_list("citizen_wishes", flat=True)]
    texts += [note for pair in GoalFollowUp.objects.values_list("note", "internal_note") for note in pair]
    assert not [text for text in texts if CPR_LIKE.search(text)]

    counts = loader.summary(municipality)
    again_municipality, again = loader.load_demo()
    assert again_municipality == municipality
    assert not again
    assert loader.summary(municipality) == counts
