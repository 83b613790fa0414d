"""The demo's baseline and follow-up for *Tværgående borgerforløb* (seed 001, "Mål for indsatsen").

Written through the evaluation services, each step with the clock on its own moment (as the loader does), by the
people who would write it: the project leader opens and closes the rounds (and records an anonymous interview), the
coordinators record WHO-5 with their citizens and assess their pathways, staff answer the coordination questionnaire
and the department heads give the leader group's assessment.

- The baseline (measured 180 days before the reference date) takes the programme's pathways opened before it as its
  cohort; it is closed a month later.
- Follow-up 1 (measured two weeks before the reference date) measures the same cohort and stays open, so the pages
  show an open round: a citizen with a portal account has not answered yet (the portal invites them).
- The answers are drawn from streams seeded by stable keys (the pathway's opening date and the citizen's birth date),
  and the follow-up is a little better than the baseline — WHO-5 up by about ten points, the staff's and the
  leaders' assessments up by about one step — as a first year of a working programme would plausibly read.

Runs once: when the programme already has a round, nothing is written.
"""

import datetime
import random

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.accounts.models import User
from samspil.audit.context import bound
from samspil.citizens.models import years_between
from samspil.evaluation import services
from samspil.evaluation.choices import CohortRule
from samspil.evaluation.models import MeasurementRound, RoundPathway
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from samspil.pathways.models import Programme
from samspil.pathways.selectors import subject_citizens

PROGRAMME_CODE = "tvaergaaende-borgerforloeb"
REFERENCE_DATE = datetime.date(2026, 11, 1)  # the loader's REFERENCE_DATE
BASELINE_ON = REFERENCE_DATE - datetime.timedelta(days=180)
FOLLOW_UP_ON = REFERENCE_DATE - datetime.timedelta(days=14)
PERIOD_DAYS = 165  # both rounds count costs and efforts over the same length of time
DAY = datetime.timedelta(days=1)


def _at(day: datetime.date, hour: int = 10) -> time_machine.travel:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())
    return time_machine.travel(moment, tick=False)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _users(municipality, roles, limit: int) -> list[User]:
    ids = (
        Membership.objects.filter(municipality=municipality, role__in=roles)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=list(ids)[:limit]).order_by("pk"))


def _quietly(write) -> bool:
    """Run one write; a refusal (the coordinator was not yet on the pathway then, say) is skipped."""
    try:
        write()
    except (ValidationError, PermissionDenied, Http404):
        return False
    return True


def evaluation_demo(municipality) -> int:
    """Write the demo's two rounds and their answers. Returns how many answers it wrote (0 when already there)."""
    programme = Programme.objects.filter(municipality=municipality, code=PROGRAMME_CODE).first()
    if programme is None or MeasurementRound.objects.filter(programme=programme).exists():
        return 0
    leaders = _users(municipality, [StaffRole.PROJECT_LEADER], 1)
    if not leaders:
        return 0
    project_leader = leaders[0]
    heads = _users(municipality, [StaffRole.DEPARTMENT_HEAD, StaffRole.TEAM_LEADER], 6)
    staff = _users(municipality, [StaffRole.CASEWORKER, StaffRole.PROFESSIONAL], 9)
    with_accounts = set(
        User.objects.filter(municipality=municipality, citizen__isnull=False).values_list("citizen_id", flat=True)
    )

    with _at(BASELINE_ON - 2 * DAY), bound(actor_id=project_leader.pk):
        baseline = services.round_open(
            actor=project_leader,
            programme=programme,
            title="Baselinemåling ved opstart",
            measured_on=BASELINE_ON,
            period_start=BASELINE_ON - PERIOD_DAYS * DAY,
            period_end=BASELINE_ON,
            cohort_rule=CohortRule.OPENED_BETWEEN,
            cohort_from=REFERENCE_DATE - 600 * DAY,
            cohort_to=BASELINE_ON,
        )
    cohort = list(
        RoundPathway.objects.filter(round=baseline)
        .select_related("pathway__coordinator", "pathway__citizen", "pathway__household")
        .order_by("pathway_id")
    )
    written = _answers(baseline, cohort, staff, heads, first_day=BASELINE_ON, later=False, skip_citizens=set())
    with _at(BASELINE_ON + 5 * DAY), bound(actor_id=project_leader.pk):
        interview = _quietly(
            lambda: services.interview_record(
                actor=project_leader,
                round=baseline,
                pathway=None,
                interviewed_on=BASELINE_ON + 5 * DAY,
                notes=(
                    "Anonymt interview med en borger i målgruppen. Borgeren har haft sager i jobcentret, i "
                    "Voksen og Social og i Sundhed på samme tid og har fortalt sin historie "
                    "\u201cmindst seks gange\u201d. "
                    "Ønsker én at ringe til og ét møde, hvor alle er til stede."
                ),
            )
        )
        written += interview
    with _at(BASELINE_ON + 30 * DAY), bound(actor_id=project_leader.pk):
        services.round_close(actor=project_leader, round=baseline)

    with _at(FOLLOW_UP_ON - 2 * DAY), bound(actor_id=project_leader.pk):
        follow_up = services.round_open(
            actor=project_leader,
            programme=programme,
            title="Opfølgning efter et halvt år",
            measured_on=FOLLOW_UP_ON,
            period_start=FOLLOW_UP_ON - PERIOD_DAYS * DAY,
            period_end=FOLLOW_UP_ON,
        )
    written += _answers(
        follow_up, cohort, staff, heads, first_day=FOLLOW_UP_ON, later=True, skip_citizens=with_accounts
    )
    if cohort:
        pathway = cohort[0].pathway
        with _at(FOLLOW_UP_ON + 3 * DAY), bound(actor_id=pathway.coordinator_id):
            written += _quietly(
                lambda: services.interview_record(
                    actor=pathway.coordinator,
                    round=follow_up,
                    pathway=pathway,
                    interviewed_on=FOLLOW_UP_ON + 3 * DAY,
                    notes=(
                        "Borgeren oplever, at det er blevet lettere: én koordinator, én plan, og møderne holdes med "
                        "alle parter. Savner stadig, at ydelsen og aktiveringen hænger sammen i tid."
                    ),
                )
            )
    return written


def _answers(round, cohort, staff, heads, *, first_day, later: bool, skip_citizens: set) -> int:
    """WHO-5 with the citizens (15 or older, about 85 % answer), the coordinators' assessment of about 70 % of the
    pathways, the coordination questionnaire and the leader group's assessment."""
    lift = 1 if later else 0
    written = 0
    for index, row in enumerate(cohort):
        pathway = row.pathway
        day = first_day + (index % 10) * DAY
        key = f"{pathway.opened_on.isoformat()}|{pathway.pk % 7}"
        for citizen in subject_citizens(pathway):
            rng = random.Random(f"who5|{key}|{citizen.birth_date}|{round.number}")
            if years_between(citizen.birth_date, round.measured_on) < 15:
                continue
            if rng.random() < 0.15 or citizen.pk in skip_citizens:
                continue
            base = random.Random(f"who5|{key}|{citizen.birth_date}")  # the same person's level in both rounds
            level = base.choice([1, 2, 2, 2, 3])
            items = [
                _clamp(level + base.choice([-1, 0, 0, 1]) + (lift if rng.random() < 0.6 else 0), 0, 5) for _ in range(5)
            ]
            with _at(day), bound(actor_id=pathway.coordinator_id):
                written += _quietly(
                    lambda p=pathway, c=citizen, i=items: services.who5_record(
                        actor=p.coordinator, round=round, pathway=p, citizen=c, items=i
                    )
                )
        rng = random.Random(f"quality|{key}|{round.number}")
        # Every pathway but each tenth gets the team's assessment: by position, not by a draw from the key, which
        # holds the pathway's id (another on PostgreSQL, whose sequences do not roll back between tests).
        if index % 10 != 9:
            items = [_clamp(rng.choice([2, 3, 3]) + lift, 1, 5) for _ in range(4)]
            with _at(day, 14), bound(actor_id=pathway.coordinator_id):
                written += _quietly(
                    lambda p=pathway, i=items: services.pathway_quality_record(
                        actor=p.coordinator, round=round, pathway=p, items=i
                    )
                )
    for index, user in enumerate(staff):
        rng = random.Random(f"coordination|{user.username}|{round.number}")
        items = [_clamp(rng.choice([2, 2, 3]) + lift, 1, 5) for _ in range(5)]
        with _at(first_day + (index % 7) * DAY, 11), bound(actor_id=user.pk):
            written += _quietly(lambda u=user, i=items: services.coordination_record(actor=u, round=round, items=i))
    for index, user in enumerate(heads):
        rng = random.Random(f"leaders|{user.username}|{round.number}")
        steering, budgets = _clamp(rng.choice([2, 2, 3]) + lift, 1, 5), _clamp(rng.choice([1, 2, 2]) + lift, 1, 5)
        comment = (
            "Ledergruppen mødes nu fast og træffer beslutninger på tværs."
            if later
            else "Styringen sker i hver forvaltning for sig."
        )
        with _at(first_day + (index % 5) * DAY, 15), bound(actor_id=user.pk):
            written += _quietly(
                lambda u=user, s=steering, b=budgets, c=comment: services.leader_assessment_record(
                    actor=u, round=round, steering=s, budgets=b, steering_comment=c
                )
            )
    return written
