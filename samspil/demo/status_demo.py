"""The demo's status history: where each citizen stands, the target groups and the outcomes of closed pathways.

Written through the results services as the pathway's coordinator, each entry with the clock on its own day (as the
loader does): a start entry for every pathway past the referral (at its held start meeting when there is one), an
entry at every held status meeting, and a closing entry for every closed pathway. The values are drawn per citizen
from a stream seeded by stable keys (programme, birth date, opening date), so they are the same on every load; the
road to education's young people move towards education and work so the documentation model reads like seed 002
(about 60 % in education and 20 % employed now). A pathway that already has entries is left alone, and a pathway
with a target group keeps it, so running it twice writes nothing.
"""

import datetime
import random

import time_machine
from django.db import transaction
from django.utils import timezone

from samspil.audit.context import bound
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting
from samspil.pathways import programmes as prog
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway, TargetGroup
from samspil.results import services
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    Housing,
    PathwayOutcome,
    Placement,
    PlacementKind,
    StatusOccasion,
    SubstanceUse,
)
from samspil.results.models import StatusEntry

E = EducationEmployment

# The closing reasons of the demo (demo/data.py STATUS_REASONS["closed"]) and the outcome each tells.
_OUTCOME_BY_REASON_START = (
    ("Målene er nået", PathwayOutcome.GOAL_REACHED),
    ("Borgeren er flyttet", PathwayOutcome.MOVED),
    ("Er i uddannelse", PathwayOutcome.GOAL_REACHED),
)


def closing_outcome(reason: str) -> str:
    """The outcome a demo closing reason tells (`PathwayOutcome`); "other" for any other reason."""
    for start, outcome in _OUTCOME_BY_REASON_START:
        if reason.startswith(start):
            return outcome
    return PathwayOutcome.OTHER


def _at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


# Where the road to education's young people stand now, in turn (seed 002's shares: 6 of 10 in education, 2 employed).
YOUNG_NOW = (
    E.UPPER_SECONDARY,
    E.PREPARATORY,
    E.EMPLOYED,
    E.UPPER_SECONDARY,
    E.NONE,
    E.PREPARATORY,
    E.SUBSIDISED_EMPLOYMENT,
    E.UPPER_SECONDARY,
    E.BENEFIT,
    E.HIGHER_EDUCATION,
)


def _young_start(rng: random.Random, age: int) -> str:
    if age < 16:
        return E.PRIMARY_SCHOOL
    return rng.choices([E.NONE, E.PRIMARY_SCHOOL, E.PREPARATORY, E.BENEFIT], weights=[5, 2, 2, 1])[0]


def _young_later(rng: random.Random) -> str:
    # Seed 002: of the first 100 young people, 64 % in education and 18 % employed.
    return rng.choices(
        [E.PREPARATORY, E.UPPER_SECONDARY, E.HIGHER_EDUCATION, E.EMPLOYED, E.SUBSIDISED_EMPLOYMENT, E.NONE, E.BENEFIT],
        weights=[20, 36, 4, 14, 6, 12, 8],
    )[0]


def _adult_start(rng: random.Random) -> str:
    return rng.choices([E.BENEFIT, E.NONE], weights=[8, 2])[0]


def _adult_later(rng: random.Random) -> str:
    return rng.choices(
        [E.BENEFIT, E.SUBSIDISED_EMPLOYMENT, E.EMPLOYED, E.PREPARATORY, E.UPPER_SECONDARY, E.NONE],
        weights=[40, 20, 15, 10, 5, 10],
    )[0]


def _benefit(rng: random.Random, status: str, age: int) -> str:
    if status != E.BENEFIT:
        return ""
    if age < 30:
        return Benefit.EDUCATION_ASSISTANCE
    return rng.choice(
        [Benefit.SOCIAL_ASSISTANCE, Benefit.SICKNESS_BENEFIT, Benefit.RESOURCE_PROGRAMME, Benefit.JOB_CLARIFICATION]
    )


class _Person:
    """The drawn story of one citizen on one pathway: fixed traits and a status for each occasion."""

    def __init__(self, pathway: Pathway, citizen, rng: random.Random):
        self.rng, self.citizen = rng, citizen
        self.age = _age(citizen, pathway.opened_on)
        self.young_programme = pathway.programme.code == prog.ROAD_TO_EDUCATION
        self.child = self.age < 18
        self.placement = ""
        if self.young_programme:
            self.placement = rng.choices(
                [Placement.PLACED, Placement.PREVIOUSLY_PLACED, Placement.NOT_PLACED], [4, 4, 2]
            )[0]
        self.placement_kind = ""
        if self.placement in (Placement.PLACED, Placement.PREVIOUSLY_PLACED):
            self.placement_kind = rng.choice(
                [
                    PlacementKind.FOSTER_FAMILY,
                    PlacementKind.NETWORK_FOSTER_FAMILY,
                    PlacementKind.RESIDENTIAL_INSTITUTION,
                    PlacementKind.SOCIAL_CARE_HOME,
                    PlacementKind.OWN_ROOM,
                ]
            )
        self.problem_use = not self.child and rng.random() < (0.5 if pathway.programme.code == prog.DROP_IN else 0.2)

    def values(self, occasion_index: int, status: str | None = None) -> dict:
        rng = self.rng
        if status is not None:
            pass
        elif self.child and not self.young_programme:
            status = E.PRIMARY_SCHOOL if self.age >= 6 else E.NONE
        elif self.young_programme or self.age < 25:
            status = _young_start(rng, self.age) if occasion_index == 0 else _young_later(rng)
        else:
            status = _adult_start(rng) if occasion_index == 0 else _adult_later(rng)
        housing = Housing.PLACED if self.placement == Placement.PLACED else ""
        if not housing:
            housing = (
                Housing.WITH_PARENTS if self.age < 18 else rng.choice([Housing.OWN_HOME, Housing.SUPPORTED_HOUSING])
            )
            if self.problem_use and occasion_index == 0 and rng.random() < 0.3:
                housing = rng.choice([Housing.SHELTER, Housing.HOMELESS])
        if self.age < 13:
            substance = ""
        elif self.problem_use:
            substance = SubstanceUse.PROBLEMATIC if occasion_index == 0 else rng.choice(list(SubstanceUse)[:4])
        else:
            substance = SubstanceUse.NONE
        return {
            "education_employment": status,
            "benefit": _benefit(rng, status, self.age),
            "placement": self.placement,
            "placement_kind": self.placement_kind,
            "placement_note": "",
            "housing": housing,
            "substance_use": substance,
            "note": "",
        }


def _age(citizen, on: datetime.date) -> int:
    born = citizen.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _target_group(pathway: Pathway, groups: dict, person: _Person | None, rng: random.Random):
    options = groups.get(pathway.programme_id, [])
    if not options:
        return None
    if pathway.programme.code == prog.ROAD_TO_EDUCATION and person is not None:
        code = {Placement.PLACED: "anbragt", Placement.PREVIOUSLY_PLACED: "tidligere-anbragt"}.get(
            person.placement, "andre-udsatte-unge"
        )
        return next((group for group in options if group.code == code), options[0])
    if pathway.programme.code == prog.KL_COHERENCE and person is not None and person.age < 30:
        return next((group for group in options if group.code == "type-6"), options[-1])
    return rng.choice(options)


# A young person on demo-koordinator's caseload whose 18th birthday (1 March 2027) is less than six months after the
# demo's `REFERENCE_DATE`: the worklist warns of the transition at 18 until the transition meeting is planned.
TRANSITION_YOUNG = {"first_name": "Mikkel", "last_name": "Holm", "cpr_number": "0103094377", "street": "Åvej 12"}
TRANSITION_OPENED = datetime.date(2026, 8, 20)


def transition_demo(municipality) -> int:
    """Register the young person turning 18 and open their pathway in the road to education, as demo-koordinator
    (through the citizen and pathway services, the clock on the opening day). Returns 1 when it wrote, else 0."""
    from samspil.accounts.models import User
    from samspil.citizens import services as citizen_services
    from samspil.citizens.cpr import normalise
    from samspil.pathways import services as pathway_services
    from samspil.pathways.models import Programme

    coordinator = User.objects.filter(municipality=municipality, username="demo-koordinator").first()
    programme = Programme.objects.filter(municipality=municipality, code=prog.ROAD_TO_EDUCATION).first()
    if coordinator is None or programme is None:
        return 0
    digits = normalise(TRANSITION_YOUNG["cpr_number"])
    if citizen_services.citizen_find_by_cpr(municipality_id=municipality.pk, digits=digits) is not None:
        return 0
    with (
        transaction.atomic(),
        time_machine.travel(_at(TRANSITION_OPENED, 10), tick=False),
        bound(actor_id=coordinator.pk),
    ):
        citizen = citizen_services.citizen_create(
            actor=coordinator, postcode="9999", city="Demokommune", **TRANSITION_YOUNG
        )
        pathway_services.pathway_open(  # referred: the coordinator starts the plan from scratch
            actor=coordinator,
            programme=programme,
            citizen=citizen,
            referral_reason="Tidligere anbragt; fylder 18 år til marts, og overgangen til voksenlivet skal planlægges.",
        )
    return 1


def status_demo(municipality) -> int:
    """Write the demo's status history, target groups and closing entries (and the young person turning 18).
    Returns how many entries it wrote."""
    transition_demo(municipality)
    pathways = list(
        Pathway.objects.filter(municipality=municipality)
        .select_related("programme", "citizen", "household", "coordinator")
        .order_by("id")
    )
    with_entries = set(
        StatusEntry.objects.filter(municipality=municipality).values_list("pathway_id", flat=True).distinct()
    )
    meetings: dict[int, list] = {}
    for meeting in Meeting.objects.filter(
        pathway__municipality=municipality,
        status=MeetingStatus.HELD,
        meeting_type__in=[MeetingType.START, MeetingType.STATUS],
    ).order_by("starts_at", "id"):
        meetings.setdefault(meeting.pathway_id, []).append(meeting)
    groups: dict[int, list] = {}
    for group in TargetGroup.objects.filter(municipality=municipality, active=True).order_by("position"):
        groups.setdefault(group.programme_id, []).append(group)
    written = young = 0
    for pathway in pathways:
        if pathway.citizen_id:
            subjects = [pathway.citizen]
        else:
            subjects = [m.citizen for m in pathway.household.memberships.select_related("citizen").order_by("id")]
        born = subjects[0].birth_date.isoformat() if subjects else ""
        key = f"{pathway.programme.code}|{pathway.opened_on.isoformat()}|{born}"
        rng = random.Random(key)
        people = [
            _Person(pathway, citizen, random.Random(f"{key}|{citizen.birth_date}|{index}"))
            for index, citizen in enumerate(subjects)
        ]
        final = None
        if pathway.programme.code == prog.ROAD_TO_EDUCATION:
            final = YOUNG_NOW[young % len(YOUNG_NOW)]
            young += 1
        if pathway.pk not in with_entries and pathway.status != PathwayStatus.REFERRED:
            written += _history(pathway, people, meetings.get(pathway.pk, []), final)
        if pathway.target_group_id is None:
            group = _target_group(pathway, groups, people[0] if people else None, rng)
            if group is not None:
                with (
                    transaction.atomic(),
                    time_machine.travel(_at(pathway.opened_on, 15), tick=False),
                    bound(actor_id=pathway.coordinator_id),
                ):
                    pathway.refresh_from_db(fields=["version"])
                    services.pathway_target_group_set(
                        actor=pathway.coordinator, pathway=pathway, target_group=group, expected_version=pathway.version
                    )
    return written


def _history(pathway: Pathway, people: list[_Person], held: list[Meeting], final: str | None) -> int:
    """The entries of one pathway: start, each held status meeting, closing; `final`: the latest status, if fixed."""
    start_meeting = next((m for m in held if m.meeting_type == MeetingType.START), None)
    start_day = timezone.localtime(start_meeting.starts_at).date() if start_meeting else pathway.opened_on
    occasions = [(StatusOccasion.START, start_meeting, start_day)]
    occasions += [
        (StatusOccasion.STATUS_MEETING, meeting, timezone.localtime(meeting.starts_at).date())
        for meeting in held
        if meeting.meeting_type == MeetingType.STATUS
    ]
    if pathway.status == PathwayStatus.CLOSED and pathway.closed_on:
        occasions.append((StatusOccasion.CLOSING, None, pathway.closed_on))
    written = 0
    for index, (occasion, meeting, day) in enumerate(occasions):
        day = max(day, pathway.opened_on)
        clock = time_machine.travel(_at(day, 16), tick=False)
        with transaction.atomic(), clock, bound(actor_id=pathway.coordinator_id):
            for person in people:
                if person.citizen.pk not in pathway.subject_ids():  # not (yet) a member of the family that day
                    continue
                services.status_entry_record(
                    actor=pathway.coordinator,
                    pathway=pathway,
                    citizen=person.citizen,
                    occasion=occasion,
                    meeting=meeting,
                    recorded_on=day,
                    **person.values(index, final if index == len(occasions) - 1 else None),
                )
                written += 1
    return written
