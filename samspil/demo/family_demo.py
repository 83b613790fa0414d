"""The demo's *Én familie – én indgang* (seed 003) beyond the family plan: the standing core team with its caseload
and status meetings, the joint assessment (ICS) of demo-koordinator's family with a combined report the family
reads in the portal, a goal of the plan answering a finding, the department heads' coordination group, and a
financing split waiting for the controller's review.

Everything is written through the services, as the actor who would do it, under a clock standing on the day the
step happened (laid out backwards from an anchor day, the later of the loader's `REFERENCE_DATE` and the day the
demo is loaded, as `implementation_demo` does). Each part is skipped when it exists, so running it twice writes
nothing.
"""

import datetime
from collections import Counter

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samspil.assessments import services as assessment_services
from samspil.assessments.models import Assessment
from samspil.audit.context import bound
from samspil.citizens.models import HouseholdMember
from samspil.coreteams import services as team_services
from samspil.coreteams.models import CaseloadMeeting, CoreTeam
from samspil.demo.implementation_demo import project_leader
from samspil.economy import services as economy_services
from samspil.economy.models import FinancingReview
from samspil.implementation import services as implementation_services
from samspil.implementation.choices import GroupKind
from samspil.implementation.models import ProgrammeGroup
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from samspil.pathways import programmes as prog
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, Programme, TeamMember
from samspil.plans.models import Goal

REFERENCE_DATE = datetime.date(2026, 11, 1)  # the loader's
KOORDINATOR = "demo-koordinator"
CONTROLLER = "demo-controller"


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _clock(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def _family_pathway(municipality) -> Pathway | None:
    return (
        Pathway.objects.filter(
            municipality=municipality, programme__code=prog.ONE_FAMILY, coordinator__username=KOORDINATOR
        )
        .exclude(household=None)
        .order_by("id")
        .first()
    )


def _staff_places(pathway: Pathway, on: datetime.date) -> list[TeamMember]:
    return list(
        TeamMember.objects.current(on)
        .filter(pathway=pathway, kind=TeamMemberKind.STAFF)
        .select_related("user", "department")
        .order_by("id")
    )


def _core_team(municipality, programme, pathway, coordinator, anchor) -> int:
    """*Kerneteam Børnehandicap*: demo-koordinator and the family's professionals from other departments, a team
    leader, the family in the caseload, one status meeting held two weeks ago and the next one planned."""
    if CoreTeam.objects.filter(programme=programme).exists():
        return 0
    leader_membership = (
        Membership.objects.current()
        .filter(municipality=municipality, role=StaffRole.TEAM_LEADER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    leader = leader_membership.user if leader_membership else coordinator
    start = anchor - datetime.timedelta(days=120)
    with _clock(_at(start)), bound(actor_id=project_leader(municipality).pk):
        team = team_services.team_create(
            actor=project_leader(municipality),
            programme=programme,
            name="Kerneteam Børnehandicap",
            leader=leader,
            cadence_days=14,
            location="Rådhuset, mødelokale 3",
        )
        places = _staff_places(pathway, start)
        users, departments = set(), set()
        for place in sorted(places, key=lambda p: p.user_id != coordinator.pk):  # the family coordinator first
            if place.user_id in users or place.department_id in departments or len(users) == 4:
                continue
            users.add(place.user_id)
            departments.add(place.department_id)
            team_services.member_add(
                actor=project_leader(municipality),
                team=team,
                user=place.user,
                department=place.department,
                profession="Familiekoordinator" if place.user_id == coordinator.pk else place.department.name,
                active_from=start,
            )
    with _clock(_at(start)), bound(actor_id=coordinator.pk):
        team_services.case_assign(actor=coordinator, team=team, pathway=pathway, assigned_from=start)
    held = anchor - datetime.timedelta(days=14)
    with _clock(_at(held - datetime.timedelta(days=7))), bound(actor_id=leader.pk):
        meeting = team_services.meeting_schedule(
            actor=leader,
            team=team,
            starts_at=_at(held, 9),
            ends_at=_at(held, 11),
            location=team.location,
        )
    members = list(team.members.order_by("id"))
    with _clock(_at(held, 11, 30)), bound(actor_id=coordinator.pk):
        team_services.meeting_record(
            actor=coordinator,
            meeting=meeting,
            expected_version=meeting.version,
            attendance={
                member.pk: ("remote" if index == len(members) - 1 and index > 1 else "in_person")
                for index, member in enumerate(members)
            },
            minutes="Gennemgang af sagsstammen. Familien Clausen: udredningen er i gang; skolen beskriver mere ro.",
            decisions={
                pathway.pk: (
                    "Udredningen afsluttes inden næste statusmøde; PPR deltager i analysemødet.",
                    True,
                )
            },
        )
    with _clock(_at(anchor - datetime.timedelta(days=1))), bound(actor_id=leader.pk):
        team_services.meeting_schedule(
            actor=leader,
            team=team,
            starts_at=_at(held + datetime.timedelta(days=team.status_meeting_cadence_days), 9),
            ends_at=_at(held + datetime.timedelta(days=team.status_meeting_cadence_days), 11),
            location=team.location,
        )
    return CaseloadMeeting.objects.filter(team=team).count()


ICS_SECTIONS = {
    "ics.child.health": (
        "Sover bedre efter ny aftenrutine; trives med fysioterapi.",
        "Hyppige infektioner giver fravær.",
    ),
    "ics.child.education": ("Glad for sin klasse og sin støttelærer.", "Trættes hurtigt sidst på dagen."),
    "ics.parenting.stability": (
        "Forældrene samarbejder tæt om hverdagen.",
        "Mor er presset af skiftende arbejdstider.",
    ),
    "ics.family.network": ("Mormor henter to dage om ugen.", "Få aflastningsmuligheder i weekenden."),
}
FINDINGS = [
    ("ics.child.education", "concern", "Barnet har brug for kortere skoledage i en periode og hjælp til overgange."),
    ("ics.parenting.stability", "need", "Familien har brug for aflastning, så forældrene kan fastholde arbejdet."),
    ("ics.family.network", "strength", "Et stabilt netværk, som familien selv ønsker at bruge mere."),
]


def _assessment(pathway, coordinator, anchor) -> int:
    """An ICS assessment of the family's child: the family's view first, the coordinator's and another
    professional's sections, three findings, compiled and approved; a goal of the plan answers the first finding."""
    if Assessment.objects.filter(pathway=pathway).exists():
        return 0
    child = (
        HouseholdMember.objects.filter(household=pathway.household, role="child", member_to=None)
        .select_related("citizen")
        .order_by("id")
        .first()
    )
    if child is None:
        return 0
    day = anchor - datetime.timedelta(days=30)
    places = _staff_places(pathway, day)
    own_place = next((p for p in places if p.user_id == coordinator.pk), None)
    with _clock(_at(day)), bound(actor_id=coordinator.pk):
        assessment = assessment_services.assessment_start(
            actor=coordinator,
            pathway=pathway,
            method="ics",
            subject_id=child.citizen.public_id,
            purpose="Hvordan får barnet en skoledag, der hænger sammen, og familien en hverdag, der kan holde?",
        )
        assessment_services.study_add(
            actor=coordinator,
            assessment=assessment,
            kind="child_study",
            description="Børnefaglig undersøgelse",
            responsible_id=own_place.public_id if own_place else None,
        )
        assessment.refresh_from_db()
        assessment = assessment_services.family_view_record(
            actor=coordinator,
            assessment=assessment,
            text=(
                "Vi ønsker, at skoledagen bliver overskuelig, og at vi som forældre kan blive ved med at arbejde. "
                "Vi vil gerne have hjælp ét sted fra og ikke fortælle vores historie forfra hver gang."
            ),
            expected_version=assessment.version,
        )
    from samspil.access.access import pathway_access

    others = [p.user for p in places if p.user_id != coordinator.pk]
    contributing = [
        u for u in others if pathway_access(actor=u, pathway=Pathway.objects.get(pk=pathway.pk)).may_contribute
    ]
    authors = [coordinator, *contributing[:1]]
    for index, (area, (strengths, concerns)) in enumerate(ICS_SECTIONS.items()):
        author = authors[index % len(authors)]
        with _clock(_at(day + datetime.timedelta(days=2 + index))), bound(actor_id=author.pk):
            assessment_services.section_create(
                actor=author, assessment=assessment, area=area, strengths=strengths, concerns=concerns
            )
    findings = []
    with _clock(_at(day + datetime.timedelta(days=10))), bound(actor_id=coordinator.pk):
        for area, kind, text in FINDINGS:
            findings.append(
                assessment_services.finding_add(
                    actor=coordinator, assessment=assessment, area=area, kind=kind, text=text
                )
            )
        assessment.refresh_from_db()
        report = assessment_services.assessment_compile(
            actor=coordinator,
            assessment=assessment,
            summary=(
                "Barnet trives i sin klasse, men dagene er for lange, og familien mangler aflastning. Teamet anbefaler "
                "kortere skoledage i en periode og aflastning, som skole, Børnehandicap og Jobcenter planlægger sammen."
            ),
            expected_version=assessment.version,
        )
    with _clock(_at(day + datetime.timedelta(days=12))), bound(actor_id=coordinator.pk):
        assessment_services.report_approve(actor=coordinator, report=report)
        goal = Goal.objects.filter(pathway=pathway).order_by("id").first()
        if goal is not None:
            from samspil.plans import services as plan_services

            plan_services.goal_update(
                actor=coordinator,
                goal=goal,
                expected_version=goal.version,
                life_area=goal.life_area,
                description=goal.description,
                goal_type=goal.goal_type,
                indicator=goal.indicator,
                horizon=goal.horizon,
                status=goal.status,
                member=goal.member,
                responsible_department=goal.responsible_department,
                legal_basis=goal.legal_basis,
                findings=[findings[0]],
            )
    return 1


def _coordination_group(municipality, programme, anchor) -> int:
    """The department heads' coordination group (seed 003 p. 6: monthly), with its last meeting and a decision."""
    if ProgrammeGroup.objects.filter(programme=programme, kind=GroupKind.COORDINATION_GROUP).exists():
        return 0
    actor = project_leader(municipality)
    heads = (
        Membership.objects.current()
        .filter(municipality=municipality, role=StaffRole.DEPARTMENT_HEAD)
        .select_related("user")
        .order_by("id")
    )
    start = anchor - datetime.timedelta(days=90)
    with _clock(_at(start)), bound(actor_id=actor.pk):
        group = implementation_services.group_create(
            actor=actor,
            programme=programme,
            kind=GroupKind.COORDINATION_GROUP,
            name="Koordinationsgruppe",
            cadence_days=None,
            purpose="Afdelingscheferne prioriterer det tværfaglige samarbejde og den fælles finansiering.",
        )
        seen = set()
        for membership in heads:
            if membership.user_id not in seen:
                seen.add(membership.user_id)
                implementation_services.group_member_add(
                    actor=actor, group=group, user=membership.user, role="Afdelingschef", member_from=start
                )
    held = anchor - datetime.timedelta(days=20)
    with _clock(_at(held)), bound(actor_id=actor.pk):
        meeting = implementation_services.group_meeting_create(
            actor=actor, group=group, held_on=held, agenda="Sagsstammen, fælles finansiering, analysemøder"
        )
        implementation_services.group_decision_add(
            actor=actor,
            meeting=meeting,
            text="Controllerne deltager i kerneteamets statusmøde, når en fordeling skal genvurderes.",
        )
    return 1


def _financing_review(pathway, coordinator) -> int:
    """demo-koordinator has asked demo-controller to review the family's split (open, waiting for the answer)."""
    if FinancingReview.objects.filter(pathway=pathway).exists():
        return 0
    controller = get_user_model().objects.filter(username=CONTROLLER).first()
    if controller is None or not pathway.interventions.exists():
        return 0
    with bound(actor_id=coordinator.pk):
        economy_services.financing_review_request(
            actor=coordinator,
            pathway=pathway,
            controller=controller,
            question="Er fordelingen mellem Børnehandicap, Skole og Jobcenter rimelig for aflastningen?",
        )
    return 1


def family_demo(municipality) -> Counter:
    """Write the demo's core team, joint assessment, coordination group and financing review. Returns what it
    created (empty on a second run)."""
    created: Counter = Counter()
    programme = Programme.objects.filter(municipality=municipality, code=prog.ONE_FAMILY).first()
    pathway = _family_pathway(municipality)
    coordinator = get_user_model().objects.filter(username=KOORDINATOR).first()
    if programme is None or pathway is None or coordinator is None:
        return created
    anchor = max(REFERENCE_DATE, timezone.localdate())
    with transaction.atomic():
        created["joint assessments"] += _assessment(pathway, coordinator, anchor)
        created["caseload status meetings"] += _core_team(municipality, programme, pathway, coordinator, anchor)
        created["coordination groups"] += _coordination_group(municipality, programme, anchor)
    with transaction.atomic(), _clock(_at(anchor - datetime.timedelta(days=2))):
        created["financing reviews"] += _financing_review(pathway, coordinator)
    return +created
