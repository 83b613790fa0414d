"""The demo's baseline and follow-up of *Tværgående borgerforløb*: written once, plausible, shown with figures."""

import pytest

from samspil.demo import loader
from samspil.demo.evaluation_demo import PROGRAMME_CODE, evaluation_demo
from samspil.evaluation import selectors
from samspil.evaluation.models import (
    CitizenInterview,
    CoordinationResponse,
    LeaderAssessment,
    MeasurementRound,
    PathwayQualityResponse,
    Who5Response,
)
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_baseline_and_an_open_follow_up_with_better_figures():
    municipality, created = loader.load_demo()
    rounds = list(MeasurementRound.objects.filter(programme__code=PROGRAMME_CODE, municipality=municipality))
    assert [(r.number, r.status) for r in rounds] == [(0, "closed"), (1, "open")]
    baseline, follow_up = rounds
    assert baseline.cohort.count() == follow_up.cohort.count() >= 5
    for round in rounds:
        assert Who5Response.objects.filter(round=round).count() >= 5
        assert PathwayQualityResponse.objects.filter(round=round).count() >= 5
        assert CoordinationResponse.objects.filter(round=round).count() >= 5
        assert LeaderAssessment.objects.filter(round=round).count() >= 5
    assert CitizenInterview.objects.filter(round__in=rounds).count() == 2
    assert created["measurement answers"] > 0

    leader = Membership.objects.filter(municipality=municipality, role=StaffRole.PROJECT_LEADER).first().user
    report = selectors.round_report(user=leader, round=follow_up)
    who5 = report.measures[0].rows[0]
    assert not who5.baseline.hidden and not who5.current.hidden
    assert who5.current.value > who5.baseline.value
    coordination = next(m for m in report.measures if m.number == 6).rows[0]
    assert coordination.current.value > coordination.baseline.value

    assert evaluation_demo(municipality) == 0  # idempotent
    assert MeasurementRound.objects.filter(municipality=municipality).count() == 2
