"""Build the demo municipality "Demokommune" (code 999): staff, partners, citizens, families and pathways.

Everything is fictional and deterministic. The loader first draws the whole demo from `random.Random(2026)`
without looking at the database (so the draws never depend on what exists), then writes what is missing,
finding existing rows by stable keys: municipality code, department and unit names, usernames,
organisation and contact names, each citizen's CPR number (through the blind index), a family's first
adult, and a pathway's programme and citizen (or family). Running it again changes nothing.

Pathways are written through the pathway services, as their coordinator, so policy checks, status
history, audit events and the change log are exactly what the product itself would write. The demo's
history lies in the past: each step runs with the clock set to its moment (`_clock`), up to
`REFERENCE_DATE`. Ages are counted from that date too, so the CPR numbers stay the same from day to day.
"""

import datetime
import functools
import random
import unicodedata
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.apps import apps
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
from samspil.citizens.choices import GuardianRelation, HouseholdRole
from samspil.citizens.models import ADULT_AGE, Citizen, Guardianship, Household, HouseholdMember, years_between
from samspil.demo import data
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
    actions: list[Action] = field(default_factory=list)


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
    family = rng.choice(families_for_programme)
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
    for family in rng.sample(families_for_programme, PATHWAY_COUNTS[prog.ONE_FAMILY]):
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
    return Plan(staff=staff, families=families, citizens=citizens, pathways=pathways)


# --- writing: find by stable keys, create what is missing ---------------------------------------------------

_REAL_NOW = timezone.now


@contextmanager
def _clock(moment: datetime.datetime):
    """Run the block as if it were `moment`, so every date and timestamp the services write tells the demo's story.

    `timezone.now` is replaced for the block (`timezone.localdate` and auto timestamps read it), and so is
    the default of model fields declared `default=timezone.now`, which hold the original function.
    """

    def now():
        return moment

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(timezone, "now", now))
        for model_field in _fields_defaulting_to_now():
            stack.enter_context(mock.patch.object(model_field, "_get_default", now))
        yield


@functools.cache
def _fields_defaulting_to_now() -> tuple:
    return tuple(
        model_field
        for model in apps.get_models()
        for model_field in model._meta.concrete_fields
        if model_field.default is _REAL_NOW
    )


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
            for person, role in [(adult, HouseholdRole.ADULT) for adult in family.adults] + [
                (child, HouseholdRole.CHILD) for child in family.children
            ]:
                citizen = self.citizen_of[id(person)]
                if (household_id, citizen.pk) not in memberships:
                    new_members.append(
                        HouseholdMember(
                            municipality_id=self.municipality_id, household_id=household_id, citizen=citizen, role=role
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

    def pathways(self, programmes):
        existing = set(
            Pathway.objects.filter(municipality_id=self.municipality_id).values_list(
                "programme_id", "citizen_id", "household_id"
            )
        )
        for plan in self.plan.pathways:
            programme = programmes[plan.programme]
            citizen = self.citizen_of[id(plan.citizen)]
            if plan.programme == prog.ONE_FAMILY:
                key = (programme.pk, None, self.household_of[id(plan.citizen.family)])
            else:
                key = (programme.pk, citizen.pk, None)
            if key in existing:
                continue
            self.pathway(plan, programme, citizen)
            self.created["pathways"] += 1

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
            )
        else:
            raise ValueError(action.kind)
        return pathway, refs


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
    }
    for code, name in ((definition.code, definition.name) for definition in prog.DEFINITIONS):
        counts[f"  pathways in {name}"] = Pathway.objects.filter(programme__code=code, **scoped).count()
    return counts


@transaction.atomic
def load_demo() -> tuple[Municipality, Counter]:
    """Build or complete the demo municipality. Returns it and what this run created (empty when nothing)."""
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
    return municipality, +writer.created
