"""Build the demo municipality "Demokommune" (code 999): staff, partners, citizens, families and pathways.

Everything is fictional and deterministic. The loader first draws the whole demo from `random.Random(2026)`
without looking at the database (so the draws never depend on what exists), then writes what is missing,
finding existing rows by stable keys: municipality code, department and unit names, usernames,
organisation and contact names, each citizen's CPR number (through the blind index), a family's first
adult, and a pathway's programme and citizen (or family). Running it again changes nothing.

Pathways are written through the pathway services, as their coordinator, so policy checks, status
history, audit events and the change log are exactly what the product itself would write. The demo's
history lies in the past: each step runs with the clock set to its moment (`_clock`, a time-machine travel
that stands still), up to `REFERENCE_DATE`. Ages are counted from that date too, so the CPR numbers stay the
same from day to day.

Then the shared plan and the meetings, through the plan and meeting services in the same way: every open
pathway of demo-koordinator that has got past the referral, and about a third of the other open pathways,
get the citizen's wishes, goals, agreements (some done, a few overdue), follow-ups, a held start meeting,
held status meetings, a planned next status meeting, and on one family pathway an analysis meeting. They
are drawn from a stream of their own (`WORK_SEED`), so the people and pathways above stay as they were. A
pathway that already has a plan or a meeting is left alone. The one date that follows the real clock is
that of the planned next status meetings: they lie within two weeks after the later of `REFERENCE_DATE`
and the day the demo is loaded, so the worklist shows them as coming up; two of demo-koordinator's
pathways instead have a status meeting just before `REFERENCE_DATE` that is still to be recorded.
"""

import datetime
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from samspil.access.choices import ConsentForm, ConsentGiverRole
from samspil.access.models import Consent, LegalBasis
from samspil.access.scopes import YOUNG_PERSON_CONSENT_AGE
from samspil.audit.context import bound
from samspil.citizens import cpr
from samspil.citizens.choices import GuardianRelation, HouseholdRelation, HouseholdRole
from samspil.citizens.models import ADULT_AGE, Citizen, Guardianship, Household, HouseholdMember, years_between
from samspil.demo import data
from samspil.demo.consumption import load_demo_consumption
from samspil.demo.evaluation_demo import evaluation_demo
from samspil.demo.family_demo import family_demo
from samspil.demo.implementation_demo import implementation_demo
from samspil.demo.outreach_demo import outreach_demo
from samspil.demo.status_demo import closing_outcome, status_demo
from samspil.economy import costs as economy_costs
from samspil.economy import services as economy_services
from samspil.economy.models import FinancingDecision, Intervention, LegalExemptionUse, OperatingCost, Service
from samspil.economy.selectors import granting_departments
from samspil.meetings import services as meeting_services
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting, MeetingDecision
from samspil.organisations.choices import CASE_ROLES, StaffRole
from samspil.organisations.models import (
    Department,
    ExternalContact,
    ExternalOrganisation,
    Membership,
    Municipality,
    Unit,
)
from samspil.pathways import programmes as prog
from samspil.pathways import services
from samspil.pathways.choices import PathwayStatus, TeamMemberKind
from samspil.pathways.models import Pathway, Programme, StatusChange, TeamMember
from samspil.plans import services as plan_services
from samspil.plans.choices import AgreementStatus, FollowUpResult, GoalType, OwnerKind
from samspil.plans.models import Agreement, Goal, GoalFollowUp, PlanRevision
from samspil.plans.models import Plan as SharedPlan
from samspil.segmentation.models import ConsumptionRecord

RNG_SEED = 2026
# The demo's "today": ages are counted from it and all pathway history lies before it.
REFERENCE_DATE = datetime.date(2026, 11, 1)
MEMBERSHIP_START = datetime.date(2023, 1, 1)
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the demo accounts (demo mode only)

FAMILY_COUNT = 58
YOUNG_SINGLE_COUNT = 34
ADULT_SINGLE_COUNT = 58

KOORDINATOR = "demo-koordinator"
FAGPERSON = "demo-fagperson"
# The demo citizens who log in through Demo-MitID (demo mode only), each with portal access to one pathway:
# demo-ung: the 17-year-old in "Vejen til uddannelse" on demo-koordinator's caseload (write);
# demo-borger: an adult in "Tværgående borgerforløb" (write);
# demo-forælder: a custody holder in the family demo-koordinator coordinates in "Én familie – én indgang" (write).
DEMO_CITIZEN_USERNAMES = ("demo-ung", "demo-borger", "demo-forælder")
NAMED_USERNAMES = frozenset(spec[0] for spec in data.NAMED_STAFF)

# Departments (besides the coordinator's) that staff on a programme's teams come from.
TEAM_DEPARTMENTS = {
    prog.ROAD_TO_EDUCATION: ["Jobcenter", "Ungeindsatsen (UU)", "Misbrugscenter", "Sundhed", "Skole og Dagtilbud"],
    prog.ONE_FAMILY: ["Sundhed", "Skole og Dagtilbud", "Jobcenter", "Børn og Unge"],
    prog.CROSS_SECTOR: ["Jobcenter", "Ydelse", "Voksen og Social", "Misbrugscenter", "Sundhed"],
    prog.KL_COHERENCE: ["Sundhed", "Voksen og Social", "Ydelse", "Misbrugscenter"],
    prog.DROP_IN: ["Jobcenter", "Ydelse", "Misbrugscenter", "Sundhed"],
}
# External organisations whose contacts may join a programme's teams.
TEAM_ORGANISATIONS = {
    prog.ROAD_TO_EDUCATION: ["Demoby Skole", "Demo Bostøtte ApS", "Region Demo, Psykiatrien"],
    prog.ONE_FAMILY: ["Demoby Skole", "Region Demo, Psykiatrien", "Demo Bostøtte ApS"],
    prog.CROSS_SECTOR: ["Region Demo, Psykiatrien", "Demo Bostøtte ApS", "Værestedet Lyspunktet"],
    prog.KL_COHERENCE: ["Region Demo, Psykiatrien", "Demo Bostøtte ApS"],
    prog.DROP_IN: ["Værestedet Lyspunktet", "Café Fællesrummet", "Foreningen Åbne Døre (privat værested)"],
}
# Pathways per programme opened by coordinators other than demo-koordinator.
PATHWAY_COUNTS = {
    prog.ROAD_TO_EDUCATION: 6,  # plus demo-koordinator's eight
    prog.ONE_FAMILY: 9,  # plus demo-koordinator's one
    prog.CROSS_SECTOR: 12,
    prog.KL_COHERENCE: 12,
    prog.DROP_IN: 12,
}
# Status a pathway has reached, and the steps that led there from "referred".
S = PathwayStatus
STATUS_PATHS = [
    (8, []),
    (17, [S.ASSESSMENT]),
    (30, [S.ASSESSMENT, S.ACTIVE]),
    (6, [S.ASSESSMENT, S.ACTIVE, S.PAUSED, S.ACTIVE]),
    (12, [S.ASSESSMENT, S.ACTIVE, S.FOLLOW_UP]),
    (5, [S.ASSESSMENT, S.ACTIVE, S.PAUSED]),
    (3, [S.ASSESSMENT, S.PAUSED]),
    (10, [S.ASSESSMENT, S.ACTIVE, S.FOLLOW_UP, S.CLOSED]),
    (6, [S.ASSESSMENT, S.ACTIVE, S.CLOSED]),
    (2, [S.CLOSED]),
]


# --- the plan: drawn from the seed, independent of the database -------------------------------------------


@dataclass(eq=False)
class CitizenPlan:
    first_name: str
    last_name: str
    female: bool
    birth_date: datetime.date
    cpr: str
    street: str
    phone: str = ""
    email: str = ""
    family: "FamilyPlan | None" = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        return years_between(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(REFERENCE_DATE)


@dataclass(eq=False)
class FamilyPlan:
    name: str
    adults: list[CitizenPlan]
    children: list[CitizenPlan]


@dataclass
class StaffPlan:
    username: str
    first_name: str
    last_name: str
    job_title: str
    phone: str
    email: str
    memberships: list[tuple[str, str | None, str]]  # department, unit, role
    team_role: str
    is_staff: bool = False


@dataclass
class Action:
    at: datetime.datetime
    kind: str
    data: dict


@dataclass(eq=False)
class PathwayPlan:
    programme: str
    coordinator: str
    citizen: CitizenPlan  # in a family programme: the child the family is referred for
    opened_at: datetime.datetime
    referral_reason: str
    lead_department: str = ""
    actions: list[Action] = field(default_factory=list)
    # The shared plan and meetings (see `_plan_work`); empty for pathways the demo leaves without them.
    work: list[Action] = field(default_factory=list)


@dataclass
class Plan:
    staff: list[StaffPlan]
    families: list[FamilyPlan]
    citizens: list[CitizenPlan]
    pathways: list[PathwayPlan]


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace(" ", "")


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment on `day`, in Danish time."""
    naive = datetime.datetime.combine(day, datetime.time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _birthday(born: datetime.date, age: int) -> datetime.date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born 29 February
        return born.replace(year=born.year + age, day=28)


class _Planner:
    def __init__(self):
        self.rng = random.Random(RNG_SEED)
        self.cprs: set[str] = set()
        self.house_numbers: set[tuple[str, int]] = set()

    # people -----------------------------------------------------------------------------------------------

    def first_name(self, female: bool) -> str:
        return self.rng.choice(data.FEMALE_NAMES if female else data.MALE_NAMES)

    def phone(self) -> str:
        return f"99 {self.rng.randint(30, 99)} {self.rng.randint(0, 99):02d} {self.rng.randint(0, 99):02d}"

    def cpr_for(self, born: datetime.date, female: bool) -> str:
        """Ten digits valid by format and date: the seventh digit selects the century as `cpr.birth_date` reads it;
        the last digit is even for women, odd for men. No modulus-11 check (not required since 2007)."""
        while True:
            seventh = self.rng.choice((0, 1, 2, 3) if born.year < 2000 else (4, 5, 6, 7, 8, 9))
            serial = self.rng.randint(0, 99)
            last = self.rng.choice((0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9))
            digits = f"{born:%d%m%y}{seventh}{serial:02d}{last}"
            if digits not in self.cprs:
                assert cpr.birth_date(digits) == born, digits
                self.cprs.add(digits)
                return digits

    def address(self) -> str:
        while True:
            street, number = self.rng.choice(data.STREETS), self.rng.randint(1, 120)
            if (street, number) not in self.house_numbers:
                self.house_numbers.add((street, number))
                return f"{street} {number}"

    def citizen(self, *, age: int, last_name: str, street: str, female: bool | None = None) -> CitizenPlan:
        female = self.rng.random() < 0.5 if female is None else female
        born = REFERENCE_DATE - datetime.timedelta(days=age * 365 + self.rng.randint(1, 364))
        first = self.first_name(female)
        person = CitizenPlan(
            first_name=first,
            last_name=last_name,
            female=female,
            birth_date=born,
            cpr=self.cpr_for(born, female),
            street=street,
        )
        if person.age >= 13:
            person.phone = self.phone()
        if person.age >= ADULT_AGE and self.rng.random() < 0.4:
            person.email = f"{_ascii(first)}.{_ascii(last_name)}{self.rng.randint(1, 99)}@demo.example"
        return person

    def child_age(self) -> int:
        # A cluster of teenagers: the target group of "Vejen til uddannelse".
        return self.rng.randint(15, 17) if self.rng.random() < 0.3 else self.rng.randint(0, 14)

    def families(self) -> list[FamilyPlan]:
        surnames = self.rng.sample(data.LAST_NAMES, FAMILY_COUNT)
        families = []
        for surname in surnames:
            street = self.address()
            child_count = self.rng.choices((1, 2, 3, 4), weights=(35, 40, 20, 5))[0]
            ages = sorted((self.child_age() for _ in range(child_count)), reverse=True)
            first_parent_female = self.rng.random() < 0.6
            adults = [
                self.citizen(
                    age=min(ages[0] + self.rng.randint(22, 38), 62),
                    last_name=surname,
                    street=street,
                    female=first_parent_female,
                )
            ]
            if self.rng.random() < 0.7:
                own_name = self.rng.choice(data.LAST_NAMES) if self.rng.random() < 0.25 else surname
                adults.append(
                    self.citizen(
                        age=adults[0].age + self.rng.randint(-4, 5),
                        last_name=own_name,
                        street=street,
                        female=not first_parent_female,
                    )
                )
            children = [self.citizen(age=age, last_name=surname, street=street) for age in ages]
            family = FamilyPlan(name=f"Familien {surname}", adults=adults, children=children)
            for person in adults + children:
                person.family = family
            families.append(family)
        return families

    def singles(self) -> list[CitizenPlan]:
        people = [
            self.citizen(
                age=self.rng.randint(19, 22), last_name=self.rng.choice(data.LAST_NAMES), street=self.address()
            )
            for _ in range(YOUNG_SINGLE_COUNT)
        ]
        for _ in range(ADULT_SINGLE_COUNT):
            age = self.rng.choice((self.rng.randint(24, 64), self.rng.randint(24, 64), self.rng.randint(45, 80)))
            people.append(self.citizen(age=age, last_name=self.rng.choice(data.LAST_NAMES), street=self.address()))
        return people

    def staff(self) -> list[StaffPlan]:
        staff = []
        for username, first, last, title, memberships, is_staff in data.NAMED_STAFF:
            staff.append(
                StaffPlan(
                    username=username,
                    first_name=first,
                    last_name=last,
                    job_title=title,
                    phone=f"99 20 00 {len(staff) + 1:02d}",
                    email=f"{_ascii(first)}.{_ascii(last)}@{data.STAFF_EMAIL_DOMAIN}",
                    memberships=memberships,
                    team_role="caseworker",
                    is_staff=is_staff,
                )
            )
        usernames = {plan.username for plan in staff}
        for department, unit, role, title, team_role, count in data.STAFF_POSITIONS:
            for _ in range(count):
                female = self.rng.random() < 0.65
                first, last = self.first_name(female), self.rng.choice(data.LAST_NAMES)
                handle = f"{_ascii(first)}.{_ascii(last)}"
                while f"demo-{handle}" in usernames:
                    handle = f"{_ascii(first)}.{_ascii(last)}{self.rng.randint(2, 9)}"
                usernames.add(f"demo-{handle}")
                staff.append(
                    StaffPlan(
                        username=f"demo-{handle}",
                        first_name=first,
                        last_name=last,
                        job_title=title,
                        phone=f"99 20 {len(staff) // 100 + 10:02d} {len(staff) % 100:02d}",
                        email=f"{handle}@{data.STAFF_EMAIL_DOMAIN}",
                        memberships=[(department, unit, role)],
                        team_role=team_role,
                    )
                )
        return staff

    # pathways ---------------------------------------------------------------------------------------------

    def status_path(self, *, still_open: bool = False) -> list[str]:
        choices = [(weight, path) for weight, path in STATUS_PATHS if not (still_open and S.CLOSED in path)]
        weights, paths = zip(*choices, strict=True)
        return list(self.rng.choices(paths, weights=weights)[0])

    def schedule(self, person: CitizenPlan, steps: list[str], min_age: int | None):
        """The opening moment and one moment per status step, all before the reference date."""
        if steps:
            latest = REFERENCE_DATE - datetime.timedelta(days=10 + 35 * len(steps))
            earliest = REFERENCE_DATE - datetime.timedelta(days=540)
        else:
            latest = REFERENCE_DATE - datetime.timedelta(days=12)  # the team is formed within ten days
            earliest = REFERENCE_DATE - datetime.timedelta(days=60)
        if person.family is None:  # lives alone: was an adult when the pathway began
            min_age = max(min_age or 0, ADULT_AGE)
        if min_age is not None:
            earliest = max(earliest, _birthday(person.birth_date, min_age) + datetime.timedelta(days=7))
        assert earliest <= latest, (person.full_name, steps)
        opened = earliest + datetime.timedelta(days=self.rng.randint(0, (latest - earliest).days))
        if not steps:
            return opened, []
        # Assessment starts within weeks of the referral; the later steps spread over the time since.
        first_step = opened + datetime.timedelta(days=self.rng.randint(14, 40))
        span = (REFERENCE_DATE - datetime.timedelta(days=2) - first_step).days
        offsets = sorted(self.rng.sample(range(7, span + 1), len(steps) - 1))
        step_days = [first_step] + [first_step + datetime.timedelta(days=offset) for offset in offsets]
        return opened, step_days

    def pathway(
        self,
        *,
        programme: str,
        coordinator: str,
        person: CitizenPlan,
        lead_department: str,
        staff_pools: dict[str, list[StaffPlan]],
        contacts: dict[str, list[tuple[str, str]]],
        steps: list[str] | None = None,
        with_fagperson: bool = False,
        consent: bool = True,
        min_age: int | None = None,
    ) -> PathwayPlan:
        rng = self.rng
        steps = self.status_path() if steps is None else steps
        opened, step_days = self.schedule(person, steps, min_age)
        plan = PathwayPlan(
            programme=programme,
            coordinator=coordinator,
            citizen=person,
            opened_at=_moment(opened, rng),
            referral_reason=rng.choice(data.REFERRAL_REASONS[programme]),
            lead_department=lead_department,
        )

        def at(days_after_opening: int) -> datetime.datetime:
            return _moment(opened + datetime.timedelta(days=days_after_opening), rng)

        # The team: staff from other departments, external professionals, the private network.
        options = [name for name in TEAM_DEPARTMENTS[programme] if name != lead_department]
        team_departments = rng.sample(options, rng.randint(1, 3))
        if with_fagperson:
            team_departments = ["Jobcenter", *[name for name in team_departments if name != "Jobcenter"]]
        for index, department in enumerate(team_departments):
            if with_fagperson and index == 0:
                username, team_role = FAGPERSON, "caseworker"
            else:
                member = rng.choice([staff for staff in staff_pools[department] if staff.username != coordinator])
                username, team_role = member.username, member.team_role
            plan.actions.append(
                Action(
                    at(rng.randint(1, 6)), "staff", {"username": username, "department": department, "role": team_role}
                )
            )
        organisations = [
            name for name in TEAM_ORGANISATIONS[programme] if name != "Demoby Skole" or person.age < ADULT_AGE
        ]
        for organisation in rng.sample(organisations, rng.randint(0 if programme != prog.DROP_IN else 1, 2)):
            name, role = rng.choice(contacts[organisation])
            plan.actions.append(
                Action(at(rng.randint(1, 8)), "external", {"contact": name, "role": role, "ref": f"external-{name}"})
            )
        relations = data.NETWORK_RELATIONS + (
            data.NETWORK_RELATIONS_CARE if programme == prog.ROAD_TO_EDUCATION else []
        )
        for relation in rng.sample(relations, rng.choice((0, 1, 1, 2))):
            female = relation in ("Mormor", "Farmor", "Moster", "Storesøster", "Plejemor") or (
                relation not in ("Morfar", "Onkel", "Storebror", "Plejefar") and rng.random() < 0.5
            )
            plan.actions.append(
                Action(
                    at(rng.randint(1, 10)),
                    "network",
                    {
                        "name": f"{self.first_name(female)} {rng.choice(data.LAST_NAMES)}",
                        "relation": relation,
                        "phone": self.phone(),
                    },
                )
            )

        # Consent to share with the team's departments, from whoever must give it at the time.
        consent_day = rng.randint(2, 10)
        if consent:
            departments = list(team_departments)
            if len(departments) > 1 and not with_fagperson and rng.random() < 0.15:
                departments.pop()  # the citizen did not want one department to receive data
            age = person.age_on(opened + datetime.timedelta(days=consent_day))
            givers = []
            if programme == prog.ONE_FAMILY or age < ADULT_AGE:
                guardian = person.family.adults[0]
                givers.append((ConsentGiverRole.CUSTODY_HOLDER, guardian))
            if programme != prog.ONE_FAMILY and age >= YOUNG_PERSON_CONSENT_AGE:
                givers.append((ConsentGiverRole.CITIZEN, person))
            form = rng.choices((ConsentForm.WRITTEN, ConsentForm.DIGITAL, ConsentForm.ORAL), weights=(5, 4, 1))[0]
            expires_after = rng.choice((None, None, None, 730))
            moment = at(consent_day)
            for giver_role, giver in givers:
                plan.actions.append(
                    Action(
                        moment,
                        "consent",
                        {
                            "giver": giver,
                            "departments": departments,
                            "form": form,
                            "expires_after": expires_after,
                            "purpose": data.CONSENT_PURPOSES[programme],
                            "ref": f"consent-{giver_role}",
                        },
                    )
                )

        # Now and then: a legal basis instead, a withdrawn consent, a member who left the team.
        if not with_fagperson and consent:
            last_day = (step_days[-1] - opened).days if steps else (REFERENCE_DATE - opened).days - 1
            if rng.random() < 0.15:
                kind = "minor" if person.age < ADULT_AGE or programme == prog.ONE_FAMILY else "adult"
                plan.actions.append(
                    Action(
                        at(consent_day),
                        "legal_basis",
                        {
                            "department": rng.choice(team_departments),
                            "reference": rng.choice(data.LEGAL_BASES[kind]),
                            "note": "Oplysningerne er nødvendige for at koordinere indsatsen.",
                        },
                    )
                )
            if rng.random() < 0.06 and last_day > consent_day + 1:
                withdrawing_role = givers[0][0]
                plan.actions.append(
                    Action(
                        at(rng.randint(consent_day + 1, last_day)),
                        "withdraw",
                        {
                            "ref": f"consent-{withdrawing_role}",
                            "reason": "Har trukket samtykket tilbage i en telefonsamtale med koordinatoren.",
                        },
                    )
                )
            externals = [action for action in plan.actions if action.kind == "external"]
            if externals and rng.random() < 0.2 and last_day > 12:
                plan.actions.append(
                    Action(
                        at(rng.randint(11, last_day)),
                        "end_member",
                        {"ref": externals[0].data["ref"], "reason": "Indsatsen er afsluttet."},
                    )
                )

        previous = S.REFERRED
        for status, day in zip(steps, step_days, strict=True):
            resumed = previous == S.PAUSED
            reason = "Forløbet genoptages efter pausen." if resumed else rng.choice(data.STATUS_REASONS[status])
            plan.actions.append(Action(_moment(day, rng), "status", {"to_status": status, "reason": reason}))
            previous = status
        plan.actions.sort(key=lambda action: action.at)
        return plan


def _plan() -> Plan:
    planner = _Planner()
    rng = planner.rng
    staff = planner.staff()
    families = planner.families()
    singles = planner.singles()
    citizens = [person for family in families for person in family.adults + family.children] + singles

    staff_pools: dict[str, list[StaffPlan]] = {}
    for plan in staff:
        if plan.username in NAMED_USERNAMES:
            continue
        for department, _unit, role in plan.memberships:
            if role in CASE_ROLES:
                staff_pools.setdefault(department, []).append(plan)
    coordinators: dict[str, list[str]] = {}
    for plan in staff:
        for department, _unit, role in plan.memberships:
            if role == StaffRole.CASEWORKER and plan.username not in NAMED_USERNAMES:
                coordinators.setdefault(department, []).append(plan.username)
    contacts = {
        name: [(contact[0], contact[4]) for contact in org_contacts]
        for name, _kind, _address, _phone, _agreed, org_contacts in data.EXTERNAL_ORGANISATIONS
    }
    common = {"staff_pools": staff_pools, "contacts": contacts}

    used: set[int] = set()

    def pick(candidates):
        candidates = [person for person in candidates if id(person) not in used]
        person = rng.choice(candidates)
        used.add(id(person))
        return person

    young = [person for person in citizens if 16 <= person.age <= 21]
    teens = [person for person in young if person.age < ADULT_AGE]
    young_adults = [person for person in young if person.age >= 19]
    adults = [person for person in citizens if 24 <= person.age <= 64]
    vulnerable = [person for person in singles if 25 <= person.age <= 75]
    # One child per family for "Én familie – én indgang"; the family is the pathway's subject.
    family_children = {}
    for family in families:
        small = [child for child in family.children if child.age <= 14]
        if small:
            family_children[id(family)] = small[0]
    families_for_programme = [family for family in families if id(family) in family_children]

    pathways: list[PathwayPlan] = []
    vejen = {"programme": prog.ROAD_TO_EDUCATION, "lead_department": "Børn og Unge", "min_age": 15, **common}
    # demo-koordinator: eight young people in "Vejen til uddannelse", three with demo-fagperson on the team
    # and consent that covers the job centre, one with demo-fagperson but no consent yet, and one family.
    pathways.append(
        planner.pathway(
            coordinator=KOORDINATOR, person=pick(teens), with_fagperson=True, steps=[S.ASSESSMENT, S.ACTIVE], **vejen
        )
    )
    pathways.append(
        planner.pathway(
            coordinator=KOORDINATOR, person=pick(young_adults), with_fagperson=True, steps=[S.ASSESSMENT], **vejen
        )
    )
    pathways.append(
        planner.pathway(
            coordinator=KOORDINATOR, person=pick(young_adults), with_fagperson=True, steps=[], consent=False, **vejen
        )
    )
    for _ in range(5):  # still open, so the coordinator's walk through the demo always finds work to do
        steps = planner.status_path(still_open=True)
        pathways.append(planner.pathway(coordinator=KOORDINATOR, person=pick(young), steps=steps, **vejen))

    def free(families):
        """Families none of whose members is in a pathway yet: a citizen has one open coordinated pathway at a time."""
        return [fam for fam in families if not any(id(person) in used for person in fam.adults + fam.children)]

    family = rng.choice(free(families_for_programme))
    families_for_programme.remove(family)
    pathways.append(
        planner.pathway(
            programme=prog.ONE_FAMILY,
            coordinator=KOORDINATOR,
            person=family_children[id(family)],
            lead_department="Børnehandicap",
            with_fagperson=True,
            steps=[S.ASSESSMENT, S.ACTIVE],
            **common,
        )
    )
    used.update(id(person) for person in family.adults + family.children)

    for _ in range(PATHWAY_COUNTS[prog.ROAD_TO_EDUCATION]):
        pathways.append(
            planner.pathway(coordinator=rng.choice(coordinators["Børn og Unge"]), person=pick(young), **vejen)
        )
    for family in rng.sample(free(families_for_programme), PATHWAY_COUNTS[prog.ONE_FAMILY]):
        pathways.append(
            planner.pathway(
                programme=prog.ONE_FAMILY,
                coordinator=rng.choice(coordinators["Børnehandicap"]),
                person=family_children[id(family)],
                lead_department="Børnehandicap",
                **common,
            )
        )
        used.update(id(person) for person in family.adults + family.children)
    cross_sector_coordinators = [
        (department, username)
        for department in ("Voksen og Social", "Jobcenter", "Ydelse", "Sundhed", "Misbrugscenter")
        for username in coordinators[department]
    ]
    for _ in range(PATHWAY_COUNTS[prog.CROSS_SECTOR]):
        department, username = rng.choice(cross_sector_coordinators)
        pathways.append(
            planner.pathway(
                programme=prog.CROSS_SECTOR,
                coordinator=username,
                person=pick(adults),
                lead_department=department,
                **common,
            )
        )
    for _ in range(PATHWAY_COUNTS[prog.KL_COHERENCE]):
        pathways.append(
            planner.pathway(
                programme=prog.KL_COHERENCE,
                coordinator=rng.choice(coordinators["Jobcenter"]),
                person=pick(adults),
                lead_department="Jobcenter",
                min_age=18,
                **common,
            )
        )
    for _ in range(PATHWAY_COUNTS[prog.DROP_IN]):
        pathways.append(
            planner.pathway(
                programme=prog.DROP_IN,
                coordinator=rng.choice(coordinators["Voksen og Social"]),
                person=pick(vulnerable),
                lead_department="Voksen og Social",
                min_age=18,
                **common,
            )
        )
    _plan_work(pathways)
    return Plan(staff=staff, families=families, citizens=citizens, pathways=pathways)


# --- the shared plan and meetings: drawn from their own seed, after everything else ------------------------

# Their own stream of draws, so adding plan content never changes the people and pathways drawn above.
WORK_SEED = f"{RNG_SEED}:plans"
OTHER_PLANS_SHARE = 1 / 3  # of the other coordinators' open pathways
TO_RECORD_COUNT = 2  # demo-koordinator's pathways with a past meeting still to record
FUTURE_MEETING_DAYS = (3, 13)  # planned status meetings: within the worklist's two weeks from the anchor
WORK_COUNTED = {
    "wishes": "plan wishes",
    "goal": "goals",
    "agreement": "agreements",
    "agreement_status": "agreement status changes",
    "follow_up": "goal follow-ups",
    "schedule": "meetings",
    "record": "meetings recorded as held",
}
GOAL_TYPES = {"develop": GoalType.DEVELOP, "maintain": GoalType.MAINTAIN, "limit_loss": GoalType.LIMIT_LOSS}


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time(hour, minute))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _weekday_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _weekday_on_or_after(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _steps(plan: PathwayPlan) -> list[tuple[str, datetime.datetime]]:
    return [(action.data["to_status"], action.at) for action in plan.actions if action.kind == "status"]


@dataclass
class _Team:
    """Who is on a pathway's team (as planned), to name the owners of agreements."""

    coordinator: str
    lead_department: str
    staff: list[tuple[str, str]]  # username, department (besides the coordinator)
    externals: list[tuple[str, str]]  # contact, team role (those still on the team)
    network: list[str]

    @classmethod
    def of(cls, plan: PathwayPlan) -> "_Team":
        ended = {action.data["ref"] for action in plan.actions if action.kind == "end_member"}
        return cls(
            coordinator=plan.coordinator,
            lead_department=plan.lead_department,
            staff=[(a.data["username"], a.data["department"]) for a in plan.actions if a.kind == "staff"],
            externals=[
                (a.data["contact"], a.data["role"])
                for a in plan.actions
                if a.kind == "external" and a.data["ref"] not in ended
            ],
            network=[a.data["name"] for a in plan.actions if a.kind == "network"],
        )

    def has_department(self, name: str) -> bool:
        return name == self.lead_department or any(department == name for _user, department in self.staff)


class _WorkPlanner:
    """Draws one pathway's shared plan and meetings: a held start meeting with wishes, goals and agreements; a
    held status meeting when the pathway became active; follow-ups; and the next status meeting."""

    def __init__(self, plan: PathwayPlan, rng: random.Random):
        self.plan, self.rng = plan, rng
        self.team = _Team.of(plan)
        self.family = plan.programme == prog.ONE_FAMILY
        self.name = "Familien" if self.family else plan.citizen.first_name
        self.work: list[Action] = []
        self.agreements: list[tuple[str, datetime.datetime, datetime.date]] = []  # ref, created, due

    def add(self, at: datetime.datetime, kind: str, **values) -> datetime.datetime:
        self.work.append(Action(at, kind, values))
        return at

    def later(self, at: datetime.datetime) -> datetime.datetime:
        return at + datetime.timedelta(minutes=self.rng.randint(1, 4))

    def owner(self, who: str):
        """The planned owner for "who" (see `data.GOALS`), or None when nobody of that kind is on the team."""
        rng, team = self.rng, self.team
        if who == "citizen":
            parent = self.plan.citizen.family.adults[0] if self.family and rng.random() < 0.5 else None
            return ("citizen", parent)
        if who in ("coordinator", team.lead_department):
            return ("staff", team.coordinator)
        if who == "network":
            return ("network", rng.choice(team.network)) if team.network else None
        if who.startswith("role:"):
            contacts = [contact for contact, role in team.externals if role == who.removeprefix("role:")]
            return ("external", rng.choice(contacts)) if contacts else None
        staff = [username for username, department in team.staff if department == who]
        return ("staff", rng.choice(staff)) if staff else None

    def place(self) -> dict:
        rng = self.rng
        values = {"location": rng.choice(data.MEETING_PLACES[self.plan.programme]), "online_link": ""}
        if rng.random() < 0.15:
            values["online_link"] = data.ONLINE_MEETING_LINK.format(code=rng.randint(100_000, 999_999))
        return values

    def agreement(self, at, *, goal: str, owner, what: str, due_on: datetime.date, meeting: str | None = None):
        ref = f"agreement-{len(self.agreements) + 1}"
        # A decision at the meeting puts a team member's agreement straight into the plan.
        meeting = meeting if owner[0] != "citizen" else None
        at = self.add(at, "agreement", ref=ref, goal=goal, owner=owner, what=what, due_on=due_on, meeting=meeting)
        self.agreements.append((ref, at, due_on))
        return at

    def draw(self, *, analysis: bool, to_record: bool) -> list[Action]:
        rng, plan = self.rng, self.plan
        steps = _steps(plan)
        opened = plan.opened_at.date()
        day = datetime.timedelta(days=1)

        # The start meeting, planned once the team is formed, held just before the assessment begins.
        start_day = _weekday_on_or_before(steps[0][1].date() - day)
        assert start_day > opened + 10 * day, plan.citizen.full_name
        start = _at(start_day, rng.choice((9, 10, 13)))
        self.add(
            _moment(opened + 10 * day, rng),
            "schedule",
            ref="start",
            meeting_type=MeetingType.START,
            starts_at=start,
            minutes=90,
            invite="all",
            **self.place(),
        )
        t = self.add(
            start + datetime.timedelta(minutes=90 + rng.choice((30, 60, 120))),
            "record",
            ref="start",
            minutes=rng.choice(data.START_MINUTES).format(name=self.name),
            absent=rng.random() < 0.25,
        )
        last_held = start_day

        # At the start meeting: the wishes, two or three goals, one to three agreements under each.
        t = self.add(self.later(t), "wishes", text=rng.choice(data.WISHES[plan.programme]))
        minor = plan.citizen.age_on(start_day) < ADULT_AGE
        templates = [goal for goal in data.GOALS[plan.programme] if goal[7] != "minor" or (minor and not self.family)]
        goals: list[tuple[str, list]] = []  # ref, options left unused
        goal_count = rng.choice((2, 2, 3))
        for template in rng.sample(templates, len(templates)):
            if len(goals) == goal_count:
                break
            area, description, indicator, horizon, goal_type, basis, department, for_whom, options = template
            options = [(owner, what) for who, what in options if (owner := self.owner(who)) is not None]
            if not options:
                continue
            department = department or self.team.lead_department
            member = None
            if self.family and for_whom in ("child", "parent"):
                member = plan.citizen if for_whom == "child" else plan.citizen.family.adults[0]
            ref = f"goal-{len(goals) + 1}"
            t = self.add(
                self.later(t),
                "goal",
                ref=ref,
                life_area=area,
                description=description,
                indicator=indicator,
                horizon=horizon,
                goal_type=GOAL_TYPES[goal_type],
                legal_basis=basis,
                department=department if self.team.has_department(department) else None,
                member=member,
            )
            chosen = rng.sample(options, min(len(options), rng.choice((1, 2, 2, 3))))
            for owner, what in chosen:
                due = start_day + datetime.timedelta(days=rng.randint(14, 70))
                t = self.agreement(
                    self.later(t), goal=ref, owner=owner, what=what, due_on=due, meeting="start" if not goals else None
                )
            goals.append((ref, [option for option in options if option not in chosen]))
        after_start = t

        # A status meeting held when the plan was adopted (the pathway became active), with a follow-up.
        active = next((at for status, at in steps if status == S.ACTIVE), None)
        status_day = _weekday_on_or_before(active.date()) if active else None
        if status_day and status_day >= start_day + 7 * day:
            t = self.held_status_meeting(after=self.later(after_start), day=status_day, ref="status")
            last_held = status_day
            t = self.follow_up(self.later(t), goals[0][0])
            ref, unused = goals[-1]
            if unused:
                owner, what = rng.choice(unused)
                due = status_day + datetime.timedelta(days=rng.randint(14, 45))
                t = self.agreement(self.later(t), goal=ref, owner=owner, what=what, due_on=due, meeting="status")
            last_record = t
        else:
            last_record = after_start
            follow_up_day = start_day + datetime.timedelta(days=rng.randint(28, 60))
            if follow_up_day < REFERENCE_DATE - day:
                self.follow_up(_moment(follow_up_day, rng), goals[0][0])

        # A pathway that has run for a while had its latest status meeting a few weeks ago, with a follow-up
        # (unless its latest meeting is the one still to record).
        recent_day = _weekday_on_or_before(REFERENCE_DATE - datetime.timedelta(days=rng.randint(14, 35)))
        if steps[-1][0] != S.PAUSED and not to_record and recent_day > last_held + 45 * day:
            t = self.held_status_meeting(after=self.later(last_record), day=recent_day, ref="recent")
            last_held, last_record = recent_day, self.follow_up(self.later(t), goals[-1][0])

        # The team's analysis meeting, without the family, between the start and the status meeting.
        if analysis:
            if status_day:  # halfway between the two
                analysis_day = _weekday_on_or_before(start_day + (status_day - start_day) / 2)
            else:
                analysis_day = _weekday_on_or_before(start_day + datetime.timedelta(days=rng.randint(10, 20)))
            assert start_day < analysis_day < (status_day or REFERENCE_DATE), plan.citizen.full_name
            start = _at(analysis_day, 13)
            self.add(
                self.later(after_start),
                "schedule",
                ref="analysis",
                meeting_type=MeetingType.ANALYSIS,
                starts_at=start,
                minutes=60,
                invite="professionals",
                location=data.ANALYSIS_PLACE,
                online_link="",
            )
            self.add(start + datetime.timedelta(minutes=90), "record", ref="analysis", minutes=data.ANALYSIS_MINUTES)

        # The next status meeting: one still to record (it has been held but nobody wrote it down), or one
        # ahead. A paused pathway has none.
        if steps[-1][0] != S.PAUSED:
            meeting = {"ref": "next", "meeting_type": MeetingType.STATUS, "minutes": 60, "invite": "all"}
            if to_record:
                meeting["starts_at"] = _at(
                    _weekday_on_or_before(REFERENCE_DATE - datetime.timedelta(days=rng.randint(3, 9))), 10
                )
                assert meeting["starts_at"].date() > last_held, plan.citizen.full_name
            else:
                meeting["future_days"] = rng.randint(*FUTURE_MEETING_DAYS)
                meeting["hour"] = rng.choice((9, 10, 13, 14))
            self.add(self.later(last_record), "schedule", **meeting, **self.place())

        # How the agreements went: most of those due are done, a few are overdue or were not done.
        for ref, created, due in self.agreements:
            first, last = created.date() + day, REFERENCE_DATE - day
            if due <= REFERENCE_DATE - 2 * day:
                outcome = rng.choices(("done", "open", "not_done", "in_progress"), weights=(14, 2, 3, 1))[0]
                when = {
                    "done": due - datetime.timedelta(days=rng.randint(0, 10)),
                    "not_done": due + datetime.timedelta(days=rng.randint(1, 10)),
                    "in_progress": first + datetime.timedelta(days=rng.randint(0, max(0, (due - first).days))),
                }.get(outcome)
            else:
                outcome = "in_progress" if rng.random() < 0.35 else "open"
                when = first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))
            if outcome == "open" or first > last:
                continue
            notes = {
                "done": data.AGREEMENT_DONE_NOTES,
                "not_done": data.AGREEMENT_NOT_DONE_NOTES,
                "in_progress": data.AGREEMENT_IN_PROGRESS_NOTES,
            }[outcome]
            self.add(
                _moment(min(max(when, first), last), rng),
                "agreement_status",
                ref=ref,
                status=AgreementStatus(outcome),
                note=rng.choice(notes),
            )
        self.work.sort(key=lambda action: action.at)
        return self.work

    def held_status_meeting(self, *, after: datetime.datetime, day: datetime.date, ref: str) -> datetime.datetime:
        """Schedule a status meeting (for everyone on the team) and record it as held; returns when it was recorded."""
        rng = self.rng
        start = _at(day, rng.choice((9, 10, 13, 14)))
        self.add(
            after,
            "schedule",
            ref=ref,
            meeting_type=MeetingType.STATUS,
            starts_at=start,
            minutes=60,
            invite="all",
            **self.place(),
        )
        return self.add(
            start + datetime.timedelta(minutes=60 + rng.choice((30, 60, 90))),
            "record",
            ref=ref,
            minutes=rng.choice(data.STATUS_MINUTES).format(name=self.name),
            absent=rng.random() < 0.3,
        )

    def follow_up(self, at: datetime.datetime, goal: str) -> datetime.datetime:
        rng = self.rng
        return self.add(
            at,
            "follow_up",
            goal=goal,
            result=rng.choices((FollowUpResult.CONTINUE, FollowUpResult.CHANGE), weights=(3, 1))[0],
            note=rng.choice(data.FOLLOW_UP_NOTES),
            internal_note=rng.choice(data.FOLLOW_UP_INTERNAL_NOTES),
        )


def _plan_work(pathways: list[PathwayPlan]) -> None:
    """Give demo-koordinator's open pathways, and about a third of the others, a shared plan and meetings.

    A pathway still only referred has none yet: it is where the coordinator starts a plan from scratch.
    """
    rng = random.Random(WORK_SEED)
    open_pathways = [plan for plan in pathways if _steps(plan) and S.CLOSED not in dict(_steps(plan))]
    mine = [plan for plan in open_pathways if plan.coordinator == KOORDINATOR]
    others = [plan for plan in open_pathways if plan.coordinator != KOORDINATOR]
    chosen = mine + rng.sample(others, round(len(others) * OTHER_PLANS_SHARE))

    def last_held(plan) -> datetime.date:
        return max(at.date() for status, at in _steps(plan) if status in (S.ASSESSMENT, S.ACTIVE))

    candidates = [
        plan
        for plan in mine
        if _steps(plan)[-1][0] != S.PAUSED and last_held(plan) < REFERENCE_DATE - datetime.timedelta(days=20)
    ]
    to_record = {id(plan) for plan in rng.sample(candidates, min(TO_RECORD_COUNT, len(candidates)))}
    family = next((plan for plan in mine if plan.programme == prog.ONE_FAMILY), None)
    for plan in pathways:
        if plan in chosen:
            plan.work = _WorkPlanner(plan, rng).draw(analysis=plan is family, to_record=id(plan) in to_record)


# --- writing: find by stable keys, create what is missing ---------------------------------------------------


def _clock(moment: datetime.datetime) -> time_machine.travel:
    """Run the block as if it were `moment`, so every date and timestamp the services write tells the demo's story.

    time-machine moves Python's clock itself, so everything that reads it follows: `timezone.now` and
    `timezone.localdate`, model fields declared `default=timezone.now`, `auto_now` timestamps. The clock stands
    still (`tick=False`): every row a step writes gets the step's moment.
    """
    return time_machine.travel(moment, tick=False)


class _Writer:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.created: Counter = Counter()

    def municipality(self) -> Municipality:
        municipality = Municipality.objects.filter(code=data.MUNICIPALITY_CODE).first()
        if municipality is None:
            municipality = Municipality.objects.create(code=data.MUNICIPALITY_CODE, name=data.MUNICIPALITY_NAME)
            self.created["municipality"] += 1
        self.municipality_id = municipality.pk
        return municipality

    def organisation(self):
        existing = {
            department.name: department
            for department in Department.objects.filter(municipality_id=self.municipality_id)
        }
        for name, kind, _units in data.DEPARTMENTS:
            if name not in existing:
                existing[name] = Department.objects.create(municipality_id=self.municipality_id, name=name, kind=kind)
                self.created["departments"] += 1
        self.departments = existing
        units = {
            (unit.department_id, unit.name): unit for unit in Unit.objects.filter(municipality_id=self.municipality_id)
        }
        for name, _kind, unit_names in data.DEPARTMENTS:
            department = existing[name]
            for unit_name in unit_names:
                if (department.pk, unit_name) not in units:
                    units[department.pk, unit_name] = Unit.objects.create(
                        municipality_id=self.municipality_id, department=department, name=unit_name
                    )
                    self.created["units"] += 1
        self.units = units

    def staff(self):
        User = get_user_model()
        plans = self.plan.staff
        users = {user.username: user for user in User.objects.filter(username__in=[p.username for p in plans])}
        foreign = [user.username for user in users.values() if user.municipality_id != self.municipality_id]
        if foreign:
            raise ValueError(f"These usernames belong to another municipality: {', '.join(sorted(foreign))}")
        missing = [plan for plan in plans if plan.username not in users]
        if missing:
            password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
            User.objects.bulk_create(
                [
                    User(
                        username=plan.username,
                        first_name=plan.first_name,
                        last_name=plan.last_name,
                        email=plan.email,
                        job_title=plan.job_title,
                        phone=plan.phone,
                        password=password,
                        kind="staff",
                        municipality_id=self.municipality_id,
                        is_demo_account=True,
                        is_staff=plan.is_staff,
                    )
                    for plan in missing
                ]
            )
            self.created["staff"] += len(missing)
            users = {user.username: user for user in User.objects.filter(username__in=[p.username for p in plans])}
        self.users = users

        held = set(
            Membership.objects.filter(municipality_id=self.municipality_id).values_list(
                "user_id", "department_id", "role"
            )
        )
        new = []
        for plan in plans:
            user = users[plan.username]
            for department_name, unit_name, role in plan.memberships:
                department = self.departments[department_name]
                if (user.pk, department.pk, role) in held:
                    continue
                unit = self.units[department.pk, unit_name] if unit_name else None
                new.append(
                    Membership(
                        municipality_id=self.municipality_id,
                        user=user,
                        department=department,
                        unit=unit,
                        role=role,
                        active_from=MEMBERSHIP_START,
                    )
                )
        Membership.objects.bulk_create(new)
        self.created["memberships"] += len(new)

        # demo-admin configures the organisation and the programmes in the Django admin; no case content.
        permissions = Permission.objects.filter(
            content_type__app_label="organisations", codename__regex=r"^(view|add|change)_"
        ) | Permission.objects.filter(
            content_type__app_label="pathways", codename__in=["view_programme", "add_programme", "change_programme"]
        )
        admin = users["demo-admin"]
        wanted = set(permissions.values_list("pk", flat=True))
        if set(admin.user_permissions.values_list("pk", flat=True)) != wanted:
            admin.user_permissions.set(wanted)
            self.created["admin permission sets"] += 1

    def partners(self):
        organisations = {
            organisation.name: organisation
            for organisation in ExternalOrganisation.objects.filter(municipality_id=self.municipality_id)
        }
        contacts = {
            (contact.organisation_id, contact.name): contact
            for contact in ExternalContact.objects.filter(municipality_id=self.municipality_id)
        }
        self.contacts = {}
        for name, kind, address, phone, agreed, org_contacts in data.EXTERNAL_ORGANISATIONS:
            organisation = organisations.get(name)
            if organisation is None:
                organisation = ExternalOrganisation.objects.create(
                    municipality_id=self.municipality_id,
                    name=name,
                    kind=kind,
                    address=address,
                    phone=phone,
                    cooperation_agreement_on=datetime.date.fromisoformat(agreed) if agreed else None,
                )
                self.created["external organisations"] += 1
            for contact_name, title, contact_phone, email, _role in org_contacts:
                contact = contacts.get((organisation.pk, contact_name))
                if contact is None:
                    contact = ExternalContact.objects.create(
                        municipality_id=self.municipality_id,
                        organisation=organisation,
                        name=contact_name,
                        title=title,
                        phone=contact_phone,
                        email=email,
                    )
                    self.created["external contacts"] += 1
                self.contacts[contact_name] = contact

    def citizens(self):
        plans = self.plan.citizens
        index = {cpr.blind_index(plan.cpr): plan for plan in plans}
        existing = {
            citizen.cpr_index: citizen
            for citizen in Citizen.objects.filter(municipality_id=self.municipality_id, cpr_index__in=list(index))
        }
        new = []
        for cpr_index, plan in index.items():
            if cpr_index in existing:
                continue
            citizen = Citizen(
                municipality_id=self.municipality_id,
                first_name=plan.first_name,
                last_name=plan.last_name,
                phone=plan.phone,
                email=plan.email,
                street=plan.street,
                postcode=data.POSTCODE,
                city=data.CITY,
            )
            citizen.set_cpr(plan.cpr)
            new.append(citizen)
        Citizen.objects.bulk_create(new, batch_size=200)
        self.created["citizens"] += len(new)
        if new:
            existing = {
                citizen.cpr_index: citizen
                for citizen in Citizen.objects.filter(municipality_id=self.municipality_id, cpr_index__in=list(index))
            }
        self.citizen_of = {id(plan): existing[cpr_index] for cpr_index, plan in index.items()}

        # Families: found through their first adult's household membership.
        memberships = {
            (member.household_id, member.citizen_id)
            for member in HouseholdMember.objects.filter(municipality_id=self.municipality_id)
        }
        household_of_citizen = dict(
            HouseholdMember.objects.filter(municipality_id=self.municipality_id).values_list(
                "citizen_id", "household_id"
            )
        )
        new_members = []
        self.household_of = {}
        for family in self.plan.families:
            head = self.citizen_of[id(family.adults[0])]
            household_id = household_of_citizen.get(head.pk)
            if household_id is None:
                household_id = Household.objects.create(municipality_id=self.municipality_id, name=family.name).pk
                self.created["households"] += 1
            self.household_of[id(family)] = household_id
            # Every adult holds custody (below) and lives in the home: a parent; the first child is the one the
            # pathway is about, the others are siblings. Members since the eldest child was born (each child since
            # birth), so the plan's work dated in the past finds them members of the family.
            births = [self.citizen_of[id(child)].birth_date for child in family.children]
            together_since = min(births) if births else REFERENCE_DATE - datetime.timedelta(days=5 * 365)
            for person, role, relation in [
                (adult, HouseholdRole.ADULT, HouseholdRelation.PARENT) for adult in family.adults
            ] + [
                (child, HouseholdRole.CHILD, HouseholdRelation.SIBLING if i else HouseholdRelation.INDEX_CHILD)
                for i, child in enumerate(family.children)
            ]:
                citizen = self.citizen_of[id(person)]
                if (household_id, citizen.pk) not in memberships:
                    new_members.append(
                        HouseholdMember(
                            municipality_id=self.municipality_id,
                            household_id=household_id,
                            citizen=citizen,
                            role=role,
                            relation=relation,
                            member_from=max(citizen.birth_date, together_since),
                        )
                    )
        HouseholdMember.objects.bulk_create(new_members)
        self.created["household members"] += len(new_members)

        # Custody: every adult of the family holds custody of its minors.
        held = set(
            Guardianship.objects.filter(municipality_id=self.municipality_id).values_list("child_id", "guardian_id")
        )
        new_guardianships = []
        for family in self.plan.families:
            for child in family.children:
                if child.age >= ADULT_AGE:
                    continue
                for adult in family.adults:
                    child_id, guardian_id = self.citizen_of[id(child)].pk, self.citizen_of[id(adult)].pk
                    if (child_id, guardian_id) not in held:
                        new_guardianships.append(
                            Guardianship(
                                municipality_id=self.municipality_id,
                                child_id=child_id,
                                guardian_id=guardian_id,
                                relation=GuardianRelation.MOTHER if adult.female else GuardianRelation.FATHER,
                                has_custody=True,
                                valid_from=child.birth_date,
                            )
                        )
        Guardianship.objects.bulk_create(new_guardianships)
        self.created["guardianships"] += len(new_guardianships)

    def key(self, plan: PathwayPlan, programme) -> tuple:
        """A pathway's stable key: its programme and citizen, or in a family programme its household."""
        if plan.programme == prog.ONE_FAMILY:
            return (programme.pk, None, self.household_of[id(plan.citizen.family)])
        return (programme.pk, self.citizen_of[id(plan.citizen)].pk, None)

    def pathways(self, programmes):
        existing = set(
            Pathway.objects.filter(municipality_id=self.municipality_id).values_list(
                "programme_id", "citizen_id", "household_id"
            )
        )
        for plan in self.plan.pathways:
            programme = programmes[plan.programme]
            if self.key(plan, programme) in existing:
                continue
            self.pathway(plan, programme, self.citizen_of[id(plan.citizen)])
            self.created["pathways"] += 1

    def portal_accounts(self):
        """The demo citizens' portal accounts and their portal access (`DEMO_CITIZEN_USERNAMES`). Idempotent."""
        from samspil.portal.choices import PortalLevel
        from samspil.portal.models import PortalRight

        scoped = Pathway.objects.filter(municipality_id=self.municipality_id).select_related("citizen", "household")
        mine = scoped.filter(coordinator__username=KOORDINATOR).order_by("id")
        young_pathway = next(
            p
            for p in mine.filter(programme__code=prog.ROAD_TO_EDUCATION)
            if p.citizen is not None and years_between(p.citizen.birth_date, REFERENCE_DATE) == ADULT_AGE - 1
        )
        adult_pathway = (
            scoped.filter(programme__code=prog.CROSS_SECTOR).exclude(status=PathwayStatus.CLOSED).order_by("id").first()
        )
        family_pathway = mine.filter(programme__code=prog.ONE_FAMILY).first()
        adults = HouseholdMember.objects.filter(household=family_pathway.household, role=HouseholdRole.ADULT)
        parent = (
            Guardianship.objects.filter(guardian__in=adults.values("citizen_id"), has_custody=True)
            .select_related("guardian")
            .order_by("id")
            .first()
            .guardian
        )
        accounts = [
            ("demo-ung", young_pathway.citizen, young_pathway),
            ("demo-borger", adult_pathway.citizen, adult_pathway),
            ("demo-forælder", parent, family_pathway),
        ]
        User = get_user_model()
        with _clock(_moment(REFERENCE_DATE, random.Random(WORK_SEED))):
            for username, citizen, pathway in accounts:
                account = User.objects.filter(citizen=citizen).first()
                if account is None:
                    account = User(
                        username=username,
                        kind="citizen",
                        citizen=citizen,
                        municipality_id=self.municipality_id,
                        first_name=citizen.first_name,
                        last_name=citizen.last_name,
                        email=citizen.email,
                        is_demo_account=True,
                    )
                    account.set_unusable_password()
                    account.save()
                    self.created["demo citizen accounts"] += 1
                _, made = PortalRight.objects.get_or_create(
                    municipality_id=self.municipality_id,
                    pathway=pathway,
                    citizen=citizen,
                    defaults={"level": PortalLevel.WRITE, "set_by": pathway.coordinator},
                )
                self.created["portal access"] += made

    def plans(self, programmes):
        """Write the shared plan and meetings of every pathway that has none yet (no plan and no meeting)."""
        # Planned meetings lie ahead of whichever is later, the demo's "today" or the real one, so the
        # worklist shows them as coming up. The only date in the demo that follows the real clock.
        anchor = max(REFERENCE_DATE, timezone.localdate())
        scoped = {"municipality_id": self.municipality_id}
        pathways = {
            (pathway.programme_id, pathway.citizen_id, pathway.household_id): pathway
            for pathway in Pathway.objects.filter(**scoped)
        }
        started = set(SharedPlan.objects.filter(**scoped).values_list("pathway_id", flat=True)) | set(
            Meeting.objects.filter(**scoped).values_list("pathway_id", flat=True)
        )
        for plan in self.plan.pathways:
            if not plan.work:
                continue
            pathway = pathways.get(self.key(plan, programmes[plan.programme]))
            if pathway is None or pathway.pk in started or not pathway.is_open:
                continue
            actor = self.users[plan.coordinator]
            refs: dict = {}
            for action in plan.work:
                with _clock(action.at), bound(actor_id=actor.pk):
                    self.work(actor, pathway, action, refs, anchor)
            self.created["pathways given a plan and meetings"] += 1

    def owner(self, pathway, owner) -> dict:
        kind, key = owner
        if kind == "citizen":
            return {"owner_kind": OwnerKind.CITIZEN, "owner_member": self.citizen_of[id(key)] if key else None}
        if kind == "staff":
            found = {"kind": TeamMemberKind.STAFF, "user": self.users[key]}
        elif kind == "external":
            found = {"kind": TeamMemberKind.EXTERNAL, "external_contact": self.contacts[key]}
        else:
            found = {"kind": TeamMemberKind.NETWORK, "name": key}
        members = TeamMember.objects.current().filter(pathway=pathway)
        # Someone who has left the team since (a demo run on a database in use): the coordinator does it.
        member = members.filter(**found).first() or members.filter(user_id=pathway.coordinator_id).first()
        return {"owner_kind": OwnerKind.TEAM_MEMBER, "owner": member}

    def work(self, actor, pathway, action: Action, refs: dict, anchor: datetime.date):
        values = action.data
        kind = action.kind
        if kind == "wishes":
            plan = SharedPlan.objects.filter(pathway=pathway).first()
            plan_services.plan_update_wishes(
                actor=actor, pathway=pathway, wishes=values["text"], expected_version=plan.version if plan else 1
            )
        elif kind == "goal":
            refs[values["ref"]] = plan_services.goal_add(
                actor=actor,
                pathway=pathway,
                life_area=values["life_area"],
                description=values["description"],
                goal_type=values["goal_type"],
                indicator=values["indicator"],
                horizon=values["horizon"],
                member=self.citizen_of[id(values["member"])] if values["member"] else None,
                responsible_department=self.departments[values["department"]] if values["department"] else None,
                legal_basis=values["legal_basis"],
            )
        elif kind == "agreement":
            owner = self.owner(pathway, values["owner"])
            goal = refs[values["goal"]]
            if values["meeting"]:
                refs[values["ref"]] = meeting_services.meeting_decision_agreement_add(
                    actor=actor,
                    meeting=refs[values["meeting"]],
                    goal=goal,
                    what=values["what"],
                    owner_kind=owner["owner_kind"],
                    owner=owner.get("owner"),
                    due_on=values["due_on"],
                ).agreement
            else:
                refs[values["ref"]] = plan_services.agreement_create(
                    actor=actor, goal=goal, what=values["what"], due_on=values["due_on"], **owner
                )
        elif kind == "agreement_status":
            agreement = refs[values["ref"]]
            refs[values["ref"]] = plan_services.agreement_update_status(
                actor=actor,
                agreement=agreement,
                status=values["status"],
                expected_version=agreement.version,
                follow_up_note=values["note"],
            )
        elif kind == "follow_up":
            plan_services.goal_follow_up(
                actor=actor,
                goal=refs[values["goal"]],
                result=values["result"],
                assessed_on=timezone.localdate(),
                note=values["note"],
                internal_note=values["internal_note"],
            )
        elif kind == "schedule":
            starts_at = values.get("starts_at") or _at(
                _weekday_on_or_after(anchor + datetime.timedelta(days=values["future_days"])), values["hour"]
            )
            members = TeamMember.objects.current().filter(pathway=pathway)
            professionals = values["invite"] == "professionals"
            if professionals:
                members = members.exclude(kind=TeamMemberKind.NETWORK)
            refs[values["ref"]] = meeting_services.meeting_schedule(
                actor=actor,
                pathway=pathway,
                meeting_type=values["meeting_type"],
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=values["minutes"]),
                location=values["location"],
                online_link=values["online_link"],
                invite_team_member_ids=list(members.values_list("public_id", flat=True)),
                invite_citizen=not professionals,
            )
        elif kind == "record":
            meeting = Meeting.objects.get(pk=refs[values["ref"]].pk)
            participants = list(meeting.participants.select_related("team_member"))
            came = [participant.public_id for participant in participants]
            if values.get("absent"):  # one of the others on the team could not come
                others = [p.public_id for p in participants if p.team_member_id and p.team_member.user_id != actor.pk]
                if others:
                    came.remove(others[-1])
            refs[values["ref"]] = meeting_services.meeting_record(
                actor=actor,
                meeting=meeting,
                minutes=values["minutes"],
                attendance=came,
                checklist={entry.public_id: (True, "") for entry in meeting.checklist.all()},
                expected_version=meeting.version,
            )
        else:
            raise ValueError(kind)
        self.created[WORK_COUNTED[kind]] += 1

    def pathway(self, plan: PathwayPlan, programme, citizen):
        actor = self.users[plan.coordinator]
        with _clock(plan.opened_at), bound(actor_id=actor.pk):
            pathway = services.pathway_open(
                actor=actor, programme=programme, citizen=citizen, referral_reason=plan.referral_reason
            )
        refs = {}
        for action in plan.actions:
            with _clock(action.at), bound(actor_id=actor.pk):
                pathway, refs = self.act(actor, pathway, action, refs)

    def act(self, actor, pathway, action: Action, refs: dict):
        values = action.data
        if action.kind == "staff":
            services.team_member_add(
                actor=actor,
                pathway=pathway,
                kind=TeamMemberKind.STAFF,
                role=values["role"],
                user=self.users[values["username"]],
                department=self.departments[values["department"]],
            )
        elif action.kind == "external":
            refs[values["ref"]] = services.team_member_add(
                actor=actor,
                pathway=pathway,
                kind=TeamMemberKind.EXTERNAL,
                role=values["role"],
                external_contact=self.contacts[values["contact"]],
            )
        elif action.kind == "network":
            services.team_member_add(
                actor=actor,
                pathway=pathway,
                kind=TeamMemberKind.NETWORK,
                role="network",
                name=values["name"],
                relation=values["relation"],
                phone=values["phone"],
            )
        elif action.kind == "consent":
            given_on = timezone.localdate()
            expires_on = (
                given_on + datetime.timedelta(days=values["expires_after"]) if values["expires_after"] else None
            )
            refs[values["ref"]] = services.consent_record(
                actor=actor,
                pathway=pathway,
                giver=self.citizen_of[id(values["giver"])],
                purpose=values["purpose"],
                departments=[self.departments[name] for name in values["departments"]],
                form=values["form"],
                given_on=given_on,
                expires_on=expires_on,
            )
        elif action.kind == "legal_basis":
            services.legal_basis_record(
                actor=actor,
                pathway=pathway,
                department=self.departments[values["department"]],
                reference=values["reference"],
                note=values["note"],
            )
        elif action.kind == "withdraw":
            consent = refs.get(values["ref"])
            if consent is not None:
                services.consent_withdraw(actor=actor, consent=consent, reason=values["reason"])
        elif action.kind == "end_member":
            services.team_member_end(actor=actor, member=refs[values["ref"]], reason=values["reason"])
        elif action.kind == "status":
            pathway = services.pathway_change_status(
                actor=actor,
                pathway=pathway,
                to_status=values["to_status"],
                reason=values["reason"],
                expected_version=pathway.version,
                outcome=closing_outcome(values["reason"]) if values["to_status"] == PathwayStatus.CLOSED else "",
            )
        else:
            raise ValueError(action.kind)
        return pathway, refs

    # --- economy (issue 4) ---------------------------------------------------------------------------------

    def economy(self, programmes):
        """The service catalogue, interventions with joint financing and exemption uses on demo-koordinator's first
        open pathways (those with none yet), and operating costs for the months before the demo's "today"."""
        controller = self.users["demo-controller"]
        services_by_code = self.catalogue(controller)
        pathways = {
            (pathway.programme_id, pathway.citizen_id, pathway.household_id): pathway
            for pathway in Pathway.objects.filter(municipality_id=self.municipality_id).select_related("programme")
        }
        candidates = []
        for plan in self.plan.pathways:
            pathway = pathways.get(self.key(plan, programmes[plan.programme]))
            koordinator = self.users[KOORDINATOR].pk
            if (
                plan.coordinator == KOORDINATOR
                and pathway
                and pathway.is_open
                and pathway.coordinator_id == koordinator
            ):
                candidates.append(pathway)
        # At most two per programme first, so the reports have more than one programme; then any others.
        per_programme: Counter = Counter()
        chosen = []
        for pathway in candidates:
            if per_programme[pathway.programme_id] < 2:
                per_programme[pathway.programme_id] += 1
                chosen.append(pathway)
        chosen += [pathway for pathway in candidates if pathway not in chosen]
        chosen = chosen[: len(data.INTERVENTIONS)]
        for index, pathway in enumerate(chosen):
            if Intervention.objects.filter(pathway=pathway).exists():
                continue
            with transaction.atomic():  # a pathway's economy is seeded whole or not at all, so a rerun completes it
                self.interventions(index, pathway, services_by_code)
        self.background_interventions(chosen, services_by_code)
        self.operating_costs(controller, sorted({p.programme for p in chosen}, key=lambda p: p.name))

    def background_interventions(self, chosen, services_by_code: dict):
        """One or two interventions on every other open pathway, granted by its coordinator on the coordinating
        department's budget, so the management reports have figures above the small-number limit."""
        catalogue = sorted(services_by_code.values(), key=lambda service: service.code)
        by_department: dict[int, list] = {}
        for service in catalogue:
            by_department.setdefault(service.department_id, []).append(service)
        quantity = {"per_month": Decimal("1"), "per_hour": Decimal("10"), "one_off": Decimal("1")}
        others = (
            Pathway.objects.filter(municipality_id=self.municipality_id, interventions__isnull=True)
            .exclude(pk__in=[pathway.pk for pathway in chosen])
            .select_related("coordinator", "lead_department")
            .order_by("pk")
        )
        for index, pathway in enumerate(others):
            if not pathway.is_open:
                continue
            own = by_department.get(pathway.lead_department_id) or catalogue
            services = [own[index % len(own)]]
            if index % 2 == 0:
                services.append(catalogue[(index * 7) % len(catalogue)])
            starts_on = max(pathway.opened_on, self.months_before(1 + index % 8))
            with transaction.atomic(), _clock(_at(starts_on, 11)), bound(actor_id=pathway.coordinator_id):
                for service in dict.fromkeys(services):
                    economy_services.intervention_grant(
                        actor=pathway.coordinator,
                        pathway=pathway,
                        service=service,
                        starts_on=starts_on,
                        ends_on=None,
                        quantity=quantity[service.unit],
                        granting_department=pathway.lead_department,
                        note="",
                    )
                    self.created["interventions"] += 1

    def catalogue(self, controller) -> dict:
        existing = {service.code: service for service in Service.objects.filter(municipality_id=self.municipality_id)}
        organisations = {o.name: o for o in ExternalOrganisation.objects.filter(municipality_id=self.municipality_id)}
        for code, name, department, legal_basis, unit, price, provider in data.SERVICES:
            if code in existing:
                continue
            provider_unit = provider_organisation = None
            if provider and provider[0] == "unit":
                provider_unit = self.units[self.departments[provider[1]].pk, provider[2]]
            elif provider:
                provider_organisation = organisations[provider[1]]
            with _clock(_at(REFERENCE_DATE - datetime.timedelta(days=400), 9)), bound(actor_id=controller.pk):
                existing[code] = economy_services.service_create(
                    actor=controller,
                    department=self.departments[department],
                    code=code,
                    name=name,
                    legal_basis=legal_basis,
                    unit=unit,
                    unit_price=Decimal(price),
                    provider_unit=provider_unit,
                    provider_organisation=provider_organisation,
                )
            self.created["services"] += 1
        return existing

    @staticmethod
    def months_before(months: int) -> datetime.date:
        day = economy_costs.first_of_month(REFERENCE_DATE)
        for _ in range(months):
            day = economy_costs.first_of_month(day - datetime.timedelta(days=1))
        return day

    def granter(self, pathway, department):
        """(who grants, on behalf of which department): a team member with the authority to grant for the
        department (*visitationskompetence*), else the coordinator on behalf of the coordinating department."""
        places = (
            TeamMember.objects.current()
            .filter(pathway=pathway, department=department, user__isnull=False)
            .select_related("user")
        )
        for place in places:
            if department in granting_departments(actor=place.user, pathway=pathway):
                return place.user, department
        coordinator = self.users[KOORDINATOR]
        if department in granting_departments(actor=coordinator, pathway=pathway):
            return coordinator, department
        return coordinator, pathway.lead_department

    def interventions(self, index: int, pathway, services_by_code: dict):
        actor = self.users[KOORDINATOR]
        granted = []
        for code, months_ago, duration, quantity, department in data.INTERVENTIONS[index]:
            starts_on = max(pathway.opened_on, self.months_before(months_ago))
            ends_on = None
            if duration is not None:
                end_month = starts_on
                for _ in range(duration):
                    end_month = economy_costs.next_month(end_month)
                ends_on = end_month - datetime.timedelta(days=1)
            with _clock(_at(starts_on, 10)):
                granter, granting_department = self.granter(pathway, self.departments[department])
                with bound(actor_id=granter.pk):
                    granted.append(
                        economy_services.intervention_grant(
                            actor=granter,
                            pathway=pathway,
                            service=services_by_code[code],
                            starts_on=starts_on,
                            ends_on=ends_on,
                            quantity=Decimal(quantity),
                            granting_department=granting_department,
                            note="",
                        )
                    )
            self.created["interventions"] += 1
        for (pathway_index, intervention_index), decisions in data.FINANCING.items():
            if pathway_index != index:
                continue
            intervention = granted[intervention_index]
            for months_ago, reason, motivated, note, shares in decisions:
                decided_on = max(intervention.starts_on, self.months_before(months_ago) + datetime.timedelta(days=9))
                with _clock(_at(decided_on, 14)), bound(actor_id=actor.pk):
                    economy_services.financing_decide(
                        actor=actor,
                        pathway=pathway,
                        intervention=intervention,
                        shares=[(self.departments[name], Decimal(percent)) for name, percent in shares],
                        reason=reason,
                        decided_on=decided_on,
                        family_motivated=motivated,
                        motivation_note=note,
                    )
                self.created["financing decisions"] += 1
        for (pathway_index, intervention_index), law, paragraph, reason in data.EXEMPTION_USES:
            if pathway_index != index:
                continue
            intervention = granted[intervention_index] if intervention_index is not None else None
            used_on = intervention.starts_on if intervention else max(pathway.opened_on, self.months_before(3))
            with _clock(_at(used_on, 11)), bound(actor_id=actor.pk):
                economy_services.exemption_register(
                    actor=actor,
                    pathway=pathway,
                    law=law,
                    paragraph=paragraph,
                    reason=reason,
                    used_on=used_on,
                    intervention=intervention,
                )
            self.created["exemption uses"] += 1

    def operating_costs(self, controller, programmes: list):
        existing = set(
            OperatingCost.objects.filter(municipality_id=self.municipality_id).values_list(
                "programme_id", "month", "element"
            )
        )
        for position, programme in enumerate(programmes):
            for months_ago in range(data.OPERATING_COST_MONTHS, 0, -1):
                month = self.months_before(months_ago)
                for element, amount in data.OPERATING_COSTS.items():
                    if (programme.pk, month, element) in existing:
                        continue
                    moment = _at(economy_costs.last_of_month(month), 15)
                    with _clock(moment), bound(actor_id=controller.pk):
                        economy_services.operating_cost_register(
                            actor=controller,
                            programme=programme,
                            month=month,
                            element=element,
                            # The programmes differ in size: a tenth less for each next one.
                            amount=economy_costs.to_ore(Decimal(amount) * (1 - Decimal(position) / 10)),
                        )
                    self.created["operating costs"] += 1


def summary(municipality) -> dict[str, int]:
    """What the municipality holds now: the counts the command prints."""
    scoped = {"municipality_id": municipality.pk}
    User = get_user_model()
    counts = {
        "departments": Department.objects.filter(**scoped).count(),
        "units": Unit.objects.filter(**scoped).count(),
        "staff": User.objects.filter(municipality=municipality, kind="staff").count(),
        "memberships": Membership.objects.filter(**scoped).count(),
        "external organisations": ExternalOrganisation.objects.filter(**scoped).count(),
        "external contacts": ExternalContact.objects.filter(**scoped).count(),
        "citizens": Citizen.objects.filter(**scoped).count(),
        "households": Household.objects.filter(**scoped).count(),
        "household members": HouseholdMember.objects.filter(**scoped).count(),
        "guardianships": Guardianship.objects.filter(**scoped).count(),
        "programmes": Programme.objects.filter(**scoped).count(),
        "pathways": Pathway.objects.filter(**scoped).count(),
        "team members": TeamMember.objects.filter(**scoped).count(),
        "status changes": StatusChange.objects.filter(**scoped).count(),
        "consents": Consent.objects.filter(**scoped).count(),
        "legal bases": LegalBasis.objects.filter(**scoped).count(),
        "shared plans": SharedPlan.objects.filter(**scoped).count(),
        "goals": Goal.objects.filter(**scoped).count(),
        "agreements": Agreement.objects.filter(**scoped).count(),
        "goal follow-ups": GoalFollowUp.objects.filter(**scoped).count(),
        "plan versions": PlanRevision.objects.filter(**scoped).count(),
        "meetings": Meeting.objects.filter(**scoped).count(),
        "meeting decisions": MeetingDecision.objects.filter(**scoped).count(),
        "services": Service.objects.filter(**scoped).count(),
        "interventions": Intervention.objects.filter(**scoped).count(),
        "financing decisions": FinancingDecision.objects.filter(**scoped).count(),
        "exemption uses": LegalExemptionUse.objects.filter(**scoped).count(),
        "operating costs": OperatingCost.objects.filter(**scoped).count(),
        "consumption rows (segmentation)": ConsumptionRecord.objects.filter(**scoped).count(),
    }
    for status in MeetingStatus.values:
        counts[f"  meetings {status}"] = Meeting.objects.filter(status=status, **scoped).count()
    for code, name in ((definition.code, definition.name) for definition in prog.DEFINITIONS):
        counts[f"  pathways in {name}"] = Pathway.objects.filter(programme__code=code, **scoped).count()
    return counts


class NotADemoDatabase(Exception):
    """The database holds a municipality other than the demo's: the demo is never loaded next to real data."""


def _refuse_other_municipalities() -> None:
    others = list(
        Municipality.objects.exclude(code=data.MUNICIPALITY_CODE).order_by("name").values_list("name", "code")
    )
    if others:
        named = ", ".join(f"{name} ({code})" for name, code in others)
        raise NotADemoDatabase(
            f"This database holds {named}, not only the demo municipality {data.MUNICIPALITY_NAME} "
            f"({data.MUNICIPALITY_CODE}). The demo is loaded only into a database of its own."
        )


@transaction.atomic
def load_demo() -> tuple[Municipality, Counter]:
    """Build or complete the demo municipality. Returns it and what this run created (empty when nothing).

    Raises `NotADemoDatabase`, before writing anything, when the database holds another municipality.
    """
    _refuse_other_municipalities()
    plan = _plan()
    writer = _Writer(plan)
    municipality = writer.municipality()
    before = {programme.code: programme.updated_at for programme in Programme.objects.filter(municipality=municipality)}
    programmes = {programme.code: programme for programme in prog.programmes_seed(municipality=municipality)}
    writer.created["programmes created or updated"] += sum(
        1 for code, programme in programmes.items() if before.get(code) != programme.updated_at
    )
    writer.organisation()
    writer.staff()
    writer.partners()
    writer.citizens()
    writer.pathways(programmes)
    writer.plans(programmes)
    writer.created["status entries"] += status_demo(municipality)
    writer.economy(programmes)
    writer.created["measurement answers"] += evaluation_demo(municipality)
    writer.created["programme implementations"] += implementation_demo(municipality)
    writer.created.update(outreach_demo(municipality))
    writer.created.update(family_demo(municipality))
    writer.portal_accounts()
    if load_demo_consumption(municipality) is not None:
        writer.created["consumption imports"] += 1
    return municipality, +writer.created
