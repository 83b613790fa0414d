"""`make bench`: a Copenhagen-scale municipality in PostgreSQL, every page measured as a ratio to the floor view.

Seeding (idempotent and additive: what is present is reused, what a newer bench needs is added) puts 35,000
pathways with about one million plan items into the bench database (`BENCH_DATABASE_URL`, default
`samspil_bench`), and 3,500 into `<name>_small`. Then, against one gunicorn (workers = cores) and one client, the
pages are requested round-robin with the floor view between them ([floor, page 1, floor, page 2, …]), so the
machine's noise falls on both; each page's median and p95 are reported in ms and as a ratio to the floor's median
and p95 of the same run. Also: *Mine forløb* of a user with five pathways at both sizes, a mixed load of 16 clients
against the floor under the same load, saving an agreement on a 1,000-item plan against a 30-item plan, and the
access log at about 100,000 rows and at a large size generated inside PostgreSQL (`<name>_log`, `<name>_log_large`,
copies of the small database). The small size is seeded, and each size of the access log generated and its write
timed, by subprocesses of this command with their own DATABASE_URL (`--phase small`, `--phase log`, `--phase
log-write`), each answering with one JSON document. The two municipality sizes are then measured side by side, the
small one on a second gunicorn (`--small-port`, default the port + 1), and so are the access log's two sizes, each
on its own gunicorn (the port and the small port).
"""

import contextlib
import datetime
import http.client
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from samspil.accounts.models import User
from samspil.citizens.models import Citizen
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.organisations.models import Department, Membership, Municipality
from samspil.pathways.choices import PathwayStatus, TeamMemberKind, TeamRole
from samspil.pathways.models import Pathway, Programme, StatusChange, TeamMember

MUNICIPALITY_CODE = "901"
PATHWAYS = 35_000
SMALL_PATHWAYS = 3_500
GOALS_PER_PATHWAY = 6
AGREEMENTS_PER_GOAL = 4  # 6 goals + 24 agreements = 30 plan items a pathway, about 1.05 million in all
BENCH_USER = "bench-koordinator"
BENCH_PATHWAYS = 200  # the bench user's own pathways: more than one page of "Mine forløb"
BIG_PLAN_ITEMS = 200  # 20 goals × (1 + 9 agreements)
BIG_PLAN_REASON = "bench: 200 plan items"
FIVE_USER = "bench-fem"  # a coordinator with exactly five pathways (the size test)
FIVE_REASON = "bench: five pathways"
LEADER_USER = "bench-leder"  # a department head: the programme's results dashboard
CITIZEN_USER = "bench-borger"  # the portal account of the overview pathway's citizen
PLAN_1000_REASON = "bench: 1000 plan items"  # 20 goals × (1 + 49 agreements)
PLAN_30_REASON = "bench: 30 plan items, writes"  # 6 goals × (1 + 4 agreements)
WRITE_POOL = 40  # the bench user's pathways the mixed load adds agreements to (never the measured ones)
DEFAULT_PORT = 8765
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/samspil_bench"
LOG_ROWS_SMALL = 100_000
LOG_ROWS_LARGE = 100_000_000
LOG_TARGET_ROWS = 500  # the measured citizen's own access history, the same at every size
LOG_CHUNK = 10_000_000
BATCH = 5000

INSIGHT_PAGE = "Portal: indsigt"  # the citizen's insight page: in the ratio table and at both sizes of the log

# Goals of issue 13: the ratio to the floor (median and p95) a page may reach.
PAGE_GOALS = {
    "Forløbsoverblik": 3.0,
    "Plan, 200 punkter": 3.0,
    "Mine forløb": 4.0,
    "Arbejdsliste": 4.0,
    "Portal: forside": 4.0,
    "Portal: plan": 4.0,
    INSIGHT_PAGE: 4.0,
    "Udredning": 4.0,
    "Resultater (leder)": 4.0,
    "Resultater, alle programmer": 4.0,
}
SIZE_TOLERANCE = 0.10  # Mine forløb (five pathways) at 3,500 and at 35,000 pathways
MIXED_GOAL = 0.35  # mixed-load throughput / floor throughput under the same load
WRITE_GOAL = 1.5  # saving an agreement on a 1,000-item plan / on a 30-item plan
MIX = (("overview", 40), ("plan", 30), ("mine", 20), ("add_agreement", 10))
IMPORT_START = "<!-- bench-import:start -->"
IMPORT_END = "<!-- bench-import:end -->"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- pure parts: URLs, ports, percentiles, ratios ------------------------------------------------------------------


def database_name(url: str) -> str:
    """The database name in a database URL (its path, without the query)."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


def database_url_with_name(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name)))


def bench_port(environ=None) -> int:
    """BENCH_PORT, or 8765."""
    value = (environ if environ is not None else os.environ).get("BENCH_PORT", "").strip()
    if not value:
        return DEFAULT_PORT
    port = int(value)
    if not 0 < port < 65536:
        raise ValueError(f"BENCH_PORT must be a TCP port, not {value!r}")
    return port


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0.95: the value 95 % of the sample is at or below)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summarise(values: list[float]) -> dict:
    return {"median": statistics.median(values), "p95": percentile(values, 0.95), "n": len(values)}


def ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else float("inf")


def interleaved_order(pages: list[str], floor: str = "floor") -> list[str]:
    """One round of the measurement: the floor before every page."""
    order = []
    for page in pages:
        order += [floor, page]
    return order


def ratio_rows(timings: dict[str, list[float]], *, floor: str = "floor", goals: dict | None = None) -> list[dict]:
    """Per page: median and p95 in ms, and as ratios to the floor's median and p95; the goal and whether it is met
    (both ratios at or under it)."""
    goals = PAGE_GOALS if goals is None else goals
    base = summarise(timings[floor])
    rows = [{"page": floor, **base, "r_median": 1.0, "r_p95": 1.0, "goal": None, "met": None}]
    for name, values in timings.items():
        if name == floor:
            continue
        own = summarise(values)
        r_median, r_p95 = ratio(own["median"], base["median"]), ratio(own["p95"], base["p95"])
        goal = goals.get(name)
        met = None if goal is None else (r_median <= goal and r_p95 <= goal)
        rows.append({"page": name, **own, "r_median": r_median, "r_p95": r_p95, "goal": goal, "met": met})
    return rows


def within(a: float, b: float, tolerance: float) -> bool:
    """Are a and b within `tolerance` of each other (relative to the smaller)?"""
    low, high = sorted([a, b])
    return low > 0 and (high - low) / low <= tolerance + 1e-9


def verdict(met: bool | None) -> str:
    return "–" if met is None else ("**met**" if met else "**not met**")


# --- seeding -------------------------------------------------------------------------------------------------------


@dataclass
class Spec:
    """One pathway to seed: its number (unique in the database), coordinator, lead department, marker and plan."""

    n: int
    coordinator: User
    lead: Department
    reason: str = "bench"
    goals: int = GOALS_PER_PATHWAY
    agreements: int = AGREEMENTS_PER_GOAL


@dataclass
class World:
    """What the seeding of pathways needs of the municipality's organisation."""

    municipality: Municipality
    programme: Programme
    lead: Department
    others: list
    dept_of: dict
    rng: random.Random


@dataclass
class Seeded:
    user: User
    overview_pathway: Pathway
    big_plan_pathway: Pathway
    five_user: User | None = None
    leader: User | None = None
    citizen_account: User | None = None
    plan_1000: Pathway | None = None
    plan_30: Pathway | None = None
    write_pool: list = field(default_factory=list)


def _create_pathways(world: World, specs: list[Spec]) -> list[Pathway]:
    """Citizens, pathways, status changes, team places (the coordinator, up to three colleagues and a network
    person), plans, goals and agreements for `specs`, in bulk. Call inside a transaction."""
    from samspil.plans.choices import AgreementStatus, GoalType, Horizon, LifeArea, OwnerKind
    from samspil.plans.models import Agreement, Goal, Plan

    rng, municipality, today = world.rng, world.municipality, timezone.localdate()
    citizens = []
    for spec in specs:
        born = today - datetime.timedelta(days=rng.randint(16 * 365, 70 * 365))
        digits = f"{born:%d%m%y}{(4 if born.year >= 2000 else 1)}{spec.n % 1000:03d}"
        citizen = Citizen(
            municipality=municipality,
            first_name="Borger",
            last_name=f"Nr. {spec.n:05d}",
            street="Benchvej 1",
            postcode="9999",
            city="Benchby",
        )
        citizen.set_cpr(digits)
        citizen.cpr_index = f"{citizen.cpr_index[:54]}{spec.n:010d}"  # unique even where dates repeat
        citizens.append(citizen)
    Citizen.objects.bulk_create(citizens, batch_size=BATCH)
    rows = [
        Pathway(
            municipality=municipality,
            programme=world.programme,
            citizen=citizen,
            coordinator=spec.coordinator,
            lead_department=spec.lead,
            status=PathwayStatus.ACTIVE,
            opened_on=today - datetime.timedelta(days=rng.randint(1, 700)),
            referral_reason=spec.reason,
        )
        for spec, citizen in zip(specs, citizens, strict=True)
    ]
    Pathway.objects.bulk_create(rows, batch_size=BATCH)
    StatusChange.objects.bulk_create(
        [
            StatusChange(municipality=municipality, pathway=p, to_status=p.status, changed_by=p.coordinator)
            for p in rows
        ],
        batch_size=BATCH,
    )
    members = []
    for p in rows:
        members.append(
            TeamMember(
                municipality=municipality,
                pathway=p,
                kind=TeamMemberKind.STAFF,
                user=p.coordinator,
                department=p.lead_department,
                role=TeamRole.CASEWORKER,
                active_from=p.opened_on,
            )
        )
        for colleague in rng.sample(world.others, 3):
            if colleague.pk != p.coordinator_id:
                members.append(
                    TeamMember(
                        municipality=municipality,
                        pathway=p,
                        kind=TeamMemberKind.STAFF,
                        user=colleague,
                        department=world.dept_of[colleague.pk],
                        role=TeamRole.PROFESSIONAL,
                        active_from=p.opened_on,
                    )
                )
        members.append(
            TeamMember(
                municipality=municipality,
                pathway=p,
                kind=TeamMemberKind.NETWORK,
                name="Netværksperson",
                relation="moster",
                role=TeamRole.NETWORK,
                active_from=p.opened_on,
            )
        )
    TeamMember.objects.bulk_create(members, batch_size=BATCH)
    places = {}
    for member in members:
        places.setdefault(member.pathway_id, []).append(member)
    plans = [Plan(municipality=municipality, pathway=p, citizen_wishes="Jeg vil gerne have et job.") for p in rows]
    Plan.objects.bulk_create(plans, batch_size=BATCH)
    goals, per_goal = [], []
    for plan, p, spec in zip(plans, rows, specs, strict=True):
        for g in range(spec.goals):
            goals.append(
                Goal(
                    municipality=municipality,
                    plan=plan,
                    pathway=p,
                    life_area=rng.choice(LifeArea.values),
                    description=f"Mål {g + 1}: komme i gang med uddannelse eller arbejde",
                    goal_type=GoalType.DEVELOP,
                    indicator="Er startet inden for et halvt år",
                    horizon=Horizon.SHORT,
                    position=g,
                )
            )
            per_goal.append(spec.agreements)
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    agreements = []
    for goal, number in zip(goals, per_goal, strict=True):
        team = places[goal.pathway_id]
        for a in range(number):
            agreements.append(
                Agreement(
                    municipality=municipality,
                    goal=goal,
                    pathway=goal.pathway,
                    what=f"Aftale {a + 1}: deltage i møde med jobcentret",
                    owner_kind=OwnerKind.TEAM_MEMBER,
                    owner=team[a % len(team)],
                    due_on=today + datetime.timedelta(days=rng.randint(-30, 90)),
                    status=rng.choice([AgreementStatus.AGREED, AgreementStatus.IN_PROGRESS, AgreementStatus.DONE]),
                )
            )
    Agreement.objects.bulk_create(agreements, batch_size=BATCH)
    return rows


def _world(municipality: Municipality, bench_user: User, rng: random.Random) -> World:
    departments = {d.kind: d for d in Department.objects.filter(municipality=municipality)}
    kinds = list(DepartmentKind)
    others = list(User.objects.filter(municipality=municipality, username__regex=r"^bench-[0-9]{4}$").order_by("id"))
    dept_of = {user.pk: departments[kinds[i % len(kinds)]] for i, user in enumerate(others)}
    programme = Programme.objects.filter(municipality=municipality).order_by("id").first()
    return World(municipality, programme, departments[DepartmentKind.CHILDREN_YOUTH], others, dept_of, rng)


def _seed_base(pathways: int) -> None:
    """The municipality, 700 staff, the bench user and `pathways` pathways with their plans."""
    rng = random.Random(35000)
    started = time.monotonic()
    municipality = Municipality.objects.create(name="Benchmark Kommune", code=MUNICIPALITY_CODE)
    departments = {
        kind: Department.objects.create(municipality=municipality, name=str(kind.label), kind=kind)
        for kind in DepartmentKind
    }
    lead = departments[DepartmentKind.CHILDREN_YOUTH]
    programme = Programme.objects.filter(municipality=municipality).order_by("id").first()
    Programme.objects.filter(pk=programme.pk).update(coordinator_department_kind="", min_age=None, max_age=None)
    password = make_password("bench")
    staff = [
        User(
            username=f"bench-{n:04d}",
            first_name="Medarbejder",
            last_name=f"{n:04d}",
            municipality=municipality,
            password=password,
            email=f"bench-{n:04d}@bench.example",
        )
        for n in range(700)
    ]
    staff.append(
        User(
            username=BENCH_USER,
            first_name="Bench",
            last_name="Koordinator",
            municipality=municipality,
            password=password,
            email="bench@bench.example",
        )
    )
    User.objects.bulk_create(staff, batch_size=BATCH)
    staff = list(User.objects.filter(municipality=municipality).order_by("id"))
    bench_user = next(user for user in staff if user.username == BENCH_USER)
    others = [user for user in staff if user.pk != bench_user.pk]
    kinds = list(DepartmentKind)
    Membership.objects.bulk_create(
        [
            Membership(
                municipality=municipality,
                user=user,
                department=departments[kinds[i % len(kinds)]],
                role=StaffRole.CASEWORKER,
            )
            for i, user in enumerate(others)
        ]
        + [Membership(municipality=municipality, user=bench_user, department=lead, role=StaffRole.CASEWORKER)],
        batch_size=BATCH,
    )
    world = _world(municipality, bench_user, rng)
    _log(f"organisation: {time.monotonic() - started:.1f} s")
    for start in range(0, pathways, BATCH):
        count = min(BATCH, pathways - start)
        specs = []
        for n in range(start, start + count):
            mine = n < BENCH_PATHWAYS
            coordinator = bench_user if mine else others[n % len(others)]
            big = n == 0
            specs.append(
                Spec(
                    n=n,
                    coordinator=coordinator,
                    lead=lead if mine else world.dept_of[coordinator.pk],
                    reason=BIG_PLAN_REASON if big else "bench",
                    goals=20 if big else GOALS_PER_PATHWAY,
                    agreements=9 if big else AGREEMENTS_PER_GOAL,
                )
            )
        with transaction.atomic():
            _create_pathways(world, specs)
        _log(f"pathways {start + count:>6}/{pathways}: {time.monotonic() - started:.0f} s")


def _staff_user(municipality, username: str, first: str, last: str, department, role) -> User:
    user = User.objects.create(
        username=username,
        first_name=first,
        last_name=last,
        municipality=municipality,
        password=make_password("bench"),
        email=f"{username}@bench.example",
    )
    Membership.objects.create(municipality=municipality, user=user, department=department, role=role)
    return user


def _seed_additions(bench_user: User) -> list[str]:
    """What a newer bench needs beside the base data; each part only when it is missing. Returns what was added."""
    from samspil.accounts.choices import AccountKind
    from samspil.portal.models import PortalRight

    added = []
    municipality = bench_user.municipality
    world = _world(municipality, bench_user, random.Random(13))
    next_n = 900_000 + Pathway.objects.filter(municipality=municipality).exclude(referral_reason="bench").count()
    with transaction.atomic():
        if not User.objects.filter(username=FIVE_USER).exists():
            five = _staff_user(municipality, FIVE_USER, "Fem", "Forløb", world.lead, StaffRole.CASEWORKER)
            _create_pathways(
                world, [Spec(n=next_n + i, coordinator=five, lead=world.lead, reason=FIVE_REASON) for i in range(5)]
            )
            next_n += 5
            added.append("a coordinator with five pathways")
        if not User.objects.filter(username=LEADER_USER).exists():
            _staff_user(municipality, LEADER_USER, "Bench", "Leder", world.lead, StaffRole.DEPARTMENT_HEAD)
            added.append("a department head")
        for reason, goals, agreements in ((PLAN_1000_REASON, 20, 49), (PLAN_30_REASON, 6, 4)):
            if not Pathway.objects.filter(municipality=municipality, referral_reason=reason).exists():
                _create_pathways(
                    world,
                    [Spec(next_n, bench_user, world.lead, reason=reason, goals=goals, agreements=agreements)],
                )
                next_n += 1
                added.append(reason)
        overview = _overview_pathway(bench_user)
        if not User.objects.filter(username=CITIZEN_USER).exists():
            citizen = overview.citizen
            User.objects.create(
                username=CITIZEN_USER,
                kind=AccountKind.CITIZEN,
                citizen=citizen,
                municipality=municipality,
                first_name=citizen.first_name,
                last_name=citizen.last_name,
                password=make_password(None),
            )
            PortalRight.objects.update_or_create(
                municipality=municipality,
                pathway=overview,
                citizen=citizen,
                defaults={"level": "write", "set_by": bench_user},
            )
            added.append("a portal account for the overview pathway's citizen")
    if _seed_assessment(bench_user, overview):
        added.append("a joint assessment on the overview pathway")
    if _seed_plan_version(bench_user, overview):
        added.append("a saved version of the overview pathway's plan")
    meetings = _seed_meetings(municipality)
    if meetings:
        added.append(f"{meetings:,} meetings")
    if added:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return added


def _seed_meetings(municipality) -> int:
    """Meetings on every pathway of the municipality, as a year of use leaves them (the worklist and *Mine forløb*
    judge each pathway by its meetings; without any the bench measured them on empty indexes): a held start meeting
    a week after the opening, a held status meeting one to two months ago, a status meeting planned in the next two
    weeks on one in four, and one held but not yet recorded (planned, two days ago) on one in twenty. In one
    statement; none when the municipality has meetings already. Returns how many were made."""
    from samspil.meetings.models import Meeting

    if Meeting.objects.filter(municipality=municipality).exists():
        return 0
    sql = """
        INSERT INTO meetings_meeting (public_id, created_at, updated_at, municipality_id, pathway_id, meeting_type,
            starts_at, ends_at, location, online_link, status, minutes, cancel_reason, scheduled_by_id,
            recorded_by_id, recorded_at, version)
        SELECT gen_random_uuid(), c.now, c.now, p.municipality_id, p.id, m.meeting_type, m.starts_at,
            m.starts_at + interval '1 hour', 'Rådhuset', '', m.status,
            CASE WHEN m.status = 'held' THEN 'Referat fra mødet.' ELSE '' END, '', p.coordinator_id,
            CASE WHEN m.status = 'held' THEN p.coordinator_id END,
            CASE WHEN m.status = 'held' THEN m.starts_at + interval '2 hours' END, 1
        FROM pathways_pathway p
        CROSS JOIN (SELECT %s::timestamptz AS now) c
        CROSS JOIN LATERAL (
            VALUES
                ('start', p.opened_on + interval '7 days 10 hours', 'held', true),
                ('status', c.now - (30 + p.id %% 30) * interval '1 day', 'held', true),
                ('status', c.now + (1 + p.id %% 13) * interval '1 day', 'planned', p.id %% 4 = 0),
                ('status', c.now - interval '2 days', 'planned', p.id %% 20 = 0)
        ) AS m (meeting_type, starts_at, status, wanted)
        WHERE p.municipality_id = %s AND p.coordinator_id IS NOT NULL AND m.wanted
            AND (m.meeting_type <> 'start' OR m.starts_at < c.now)
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), municipality.pk])
        made = cursor.rowcount
        # Written around the change log: the pathways' content moved on all the same (kept pages and worklist facts).
        cursor.execute(
            "UPDATE pathways_pathway SET content_generation = content_generation + 1 WHERE municipality_id = %s",
            [municipality.pk],
        )
        return made


def _seed_assessment(bench_user: User, pathway: Pathway) -> bool:
    """One joint assessment on the overview pathway, through the services: the family's view, two sections and two
    findings, compiled."""
    from samspil.assessments import methods
    from samspil.assessments import services as assessment_services
    from samspil.assessments.models import Assessment
    from samspil.audit.context import bound

    if Assessment.objects.filter(pathway=pathway).exists():
        return False
    method = "resource_profile"
    areas = list(methods._index(method))[:2]
    with transaction.atomic(), bound(actor_id=bench_user.pk):
        assessment = assessment_services.assessment_start(
            actor=bench_user,
            pathway=pathway,
            method=method,
            subject_id=pathway.citizen.public_id,
            purpose="Hvad skal der til, for at borgeren kan komme i uddannelse eller job?",
        )
        assessment = assessment_services.family_view_record(
            actor=bench_user,
            assessment=assessment,
            text="Jeg vil gerne i gang, men jeg har brug for hjælp ét sted fra.",
            expected_version=assessment.version,
        )
        for area in areas:
            assessment_services.section_create(
                actor=bench_user,
                assessment=assessment,
                area=area,
                strengths="Møder stabilt op og har et godt netværk.",
                concerns="Har svært ved lange dage og mangler en plan for økonomien.",
            )
            assessment_services.finding_add(
                actor=bench_user, assessment=assessment, area=area, kind="need", text="Behov for en fast kontakt."
            )
    return True


def _seed_plan_version(bench_user: User, pathway: Pathway) -> bool:
    """A saved version of the overview pathway's plan, as every plan written through the services has one (the
    base data's goals are bulk-created without): the citizen's wishes, written through the plan service. The
    portal's plan page shows the latest saved version."""
    from samspil.audit.context import bound
    from samspil.plans import services as plan_services
    from samspil.plans.models import PlanRevision

    if PlanRevision.objects.filter(pathway=pathway).exists():
        return False
    plan = plan_services.plan_for(pathway)
    with transaction.atomic(), bound(actor_id=bench_user.pk):
        plan_services.plan_update_wishes(
            actor=bench_user,
            pathway=pathway,
            wishes="Jeg vil gerne have et arbejde og et sted at bo, og jeg vil kun fortælle min historie én gang.",
            expected_version=plan.version,
        )
    return True


def _overview_pathway(user: User) -> Pathway:
    return (
        Pathway.objects.filter(coordinator=user, referral_reason="bench")
        .select_related("citizen")
        .order_by("id")
        .first()
    )


def load() -> Seeded:
    """The seeded bench world, found by its markers."""
    user = User.objects.get(username=BENCH_USER)
    overview = _overview_pathway(user)
    pool = list(
        Pathway.objects.filter(coordinator=user, referral_reason="bench")
        .exclude(pk=overview.pk)
        .order_by("id")[:WRITE_POOL]
    )
    return Seeded(
        user=user,
        overview_pathway=overview,
        big_plan_pathway=Pathway.objects.get(coordinator=user, referral_reason=BIG_PLAN_REASON),
        five_user=User.objects.filter(username=FIVE_USER).first(),
        leader=User.objects.filter(username=LEADER_USER).first(),
        citizen_account=User.objects.filter(username=CITIZEN_USER).first(),
        plan_1000=Pathway.objects.filter(coordinator=user, referral_reason=PLAN_1000_REASON).first(),
        plan_30=Pathway.objects.filter(coordinator=user, referral_reason=PLAN_30_REASON).first(),
        write_pool=pool,
    )


def seed(*, pathways: int = PATHWAYS) -> Seeded:
    """Idempotent and additive: a municipality that exists with the bench user is reused, and only what is missing
    of the newer additions is added."""
    if not User.objects.filter(username=BENCH_USER).exists():
        _seed_base(pathways)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        _log("bench data already seeded; reusing it")
    added = _seed_additions(User.objects.get(username=BENCH_USER))
    if added:
        _log("added: " + "; ".join(added))
    return load()


# --- HTTP against gunicorn -----------------------------------------------------------------------------------------


def session_cookie(user: User) -> str:
    """A logged-in session as an identity provider makes it (staff: the municipality's log-in, citizens: MitID), so
    no TOTP step stands in front of the pages."""
    from samspil.accounts.second_factor import LOGIN_METHOD_SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[LOGIN_METHOD_SESSION_KEY] = "mitid_saml" if user.kind == "citizen" else "staff_saml"
    session.save()
    return session.session_key


@dataclass
class Page:
    name: str
    path: str
    cookie: str
    method: str = "GET"
    body: str = ""
    expect: tuple = (200,)
    csrf_cookie: str = ""
    port: int = 0  # another server than the run's (the small size's); 0: the run's own


class HttpClient:
    """One client: one connection at a time (gunicorn's sync workers close it after each response)."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, page: Page) -> tuple[float, int, bytes]:
        cookie = f"sessionid={page.cookie}" + (f"; csrftoken={page.csrf_cookie}" if page.csrf_cookie else "")
        headers = {"Cookie": cookie, "Host": "127.0.0.1"}
        if page.method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(page.method, page.path, body=page.body or None, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        elapsed = (time.perf_counter() - started) * 1000
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return elapsed, response.status, body

    def timed(self, page: Page) -> float:
        elapsed, status, _body = self.request(page)
        if status not in page.expect:
            raise RuntimeError(f"{page.name} ({page.method} {page.path}) answered {status}")
        return elapsed


def _require_free_port(port: int, setting: str = "BENCH_PORT") -> None:
    """Another server on the port would answer in gunicorn's place (and measure the wrong thing): refuse first."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a listener refuses it, TIME_WAIT does not
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise RuntimeError(f"port {port} is in use: stop what listens there or set {setting}") from None


def require_ports(port: int, small_port: int | None) -> None:
    """Before any seeding: the run's port and the small size's (None: not measured) are valid, distinct and free."""
    ports = {"BENCH_PORT": port} | ({"--small-port": small_port} if small_port is not None else {})
    for setting, value in ports.items():
        if not 0 < value < 65536:
            raise RuntimeError(f"{setting} {value} is not a port")
    if small_port == port:
        raise RuntimeError(f"--small-port {small_port} is the run's own port: choose another")
    for setting, value in ports.items():
        _require_free_port(value, setting)


def server_workers() -> int:
    """The bench's gunicorn workers: one sync worker per core."""
    return os.cpu_count() or 2


class Server:
    """gunicorn with `server_workers()` sync workers on the current DATABASE_URL (or `database_url`), the bench pages
    mounted."""

    def __init__(self, port: int, *, database_url: str = ""):
        self.port = port
        self.database_url = database_url
        self.process = None

    def __enter__(self):
        _require_free_port(self.port)
        env = {
            **os.environ,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SAMSPIL_BENCH": "1",
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "samspil.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(server_workers()),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        for _ in range(300):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                probe.request("GET", "/healthz")
                probe.getresponse().read()
                break
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=60)


# Rounds asked before measuring: enough that each gunicorn worker has served every page once (a worker compiles its
# kept queries and, with the local-memory cache, keeps its own page bodies), as in a server that has been running.
WARMUP_ROUNDS = 8


def new_server_warmup() -> int:
    """Rounds not kept on a gunicorn just started: each of its workers is to have served every page first, and which
    worker answers is the kernel's choice, so twice as many rounds as workers, and never fewer than `WARMUP_ROUNDS`."""
    return max(WARMUP_ROUNDS, 2 * server_workers())


def interleaved(
    port: int, floor: Page, pages: list[Page], *, rounds: int, warmup: int = WARMUP_ROUNDS
) -> dict[str, list[float]]:
    """One client, round-robin over [floor, page 1, floor, page 2, …]; `rounds` samples of each page and
    `rounds × len(pages)` of the floor. The first `warmup` rounds are not kept."""
    return interleaved_pairs(port, [(floor, page) for page in pages], rounds=rounds, warmup=warmup)


def interleaved_pairs(
    port: int, pairs: list[tuple[Page, Page]], *, rounds: int, warmup: int = 3
) -> dict[str, list[float]]:
    """One client, round-robin over the pairs, each page after its own floor: [floor a, page a, floor b, page b, …].
    A page with its own `port` is asked there (one connection per server), so pages of two servers (the two
    municipality sizes) are measured in the same run. The first `warmup` rounds are not kept."""
    clients: dict[int, HttpClient] = {}

    def client(page: Page) -> HttpClient:
        at = page.port or port
        if at not in clients:
            clients[at] = HttpClient(at)
        return clients[at]

    timings: dict[str, list[float]] = {}
    for floor, page in pairs:
        timings.setdefault(floor.name, [])
        timings.setdefault(page.name, [])
    for round_ in range(warmup + rounds):
        for floor, page in pairs:
            floor_ms = client(floor).timed(floor)
            page_ms = client(page).timed(page)
            if round_ >= warmup:
                timings[floor.name].append(floor_ms)
                timings[page.name].append(page_ms)
    return timings


_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf(port: int, page: Page) -> tuple[str, str]:
    """The CSRF cookie and a form token, from a GET of `page` (a page with a form)."""
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection_.request("GET", page.path, headers={"Cookie": f"sessionid={page.cookie}", "Host": "127.0.0.1"})
    response = connection_.getresponse()
    body = response.read()
    cookies = response.msg.get_all("Set-Cookie") or []
    connection_.close()
    cookie = next((c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")), "")
    match = _CSRF_INPUT.search(body)
    if response.status != 200 or not cookie or not match:
        raise RuntimeError(f"no CSRF token from {page.path} ({response.status})")
    return cookie, match.group(1).decode()


def agreement_post(pathway: Pathway, cookie: str, csrf_pair: tuple[str, str], *, name: str, label: str = "") -> Page:
    """A POST of the plan's agreement form (the non-HTMX form answers 302 to the plan)."""
    from samspil.plans.models import Goal

    goal = Goal.objects.filter(pathway=pathway).order_by("position", "id").first()
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf_pair[1],
            "agreement-what": f"Bench-aftale {label}".strip(),
            "agreement-owner": "citizen:",
            "agreement-due_on": "",
        }
    )
    return Page(
        name,
        reverse("plans:agreement_add", args=[pathway.public_id, goal.public_id]),
        cookie,
        method="POST",
        body=body,
        expect=(302,),
        csrf_cookie=csrf_pair[0],
    )


def load_run(port: int, pick, *, clients: int, seconds: float, seed: int = 0) -> dict:
    """`clients` threads for `seconds`, each asking `pick(rng)` for its next Page: throughput, p95 per kind, errors
    (any status that is not 2xx or 3xx, or a broken connection). Each `seed` its own sequence of requests."""
    lock = threading.Lock()
    timings: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds

    def worker(number: int):
        rng = random.Random(seed * 1000 + number)
        client = HttpClient(port)
        while time.perf_counter() < deadline:
            page = pick(rng)
            try:
                elapsed, status, _body = client.request(page)
                ok = 200 <= status < 400
            except (OSError, http.client.HTTPException):
                elapsed, ok = 0.0, False
                client = HttpClient(port)
            with lock:
                if ok:
                    timings.setdefault(page.name, []).append(elapsed)
                else:
                    errors[page.name] = errors.get(page.name, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return load_summary(time.perf_counter() - started, timings, errors)


def load_summary(seconds: float, timings: dict[str, list[float]], errors: dict[str, int]) -> dict:
    """A load's throughput (every answer over `seconds`), each kind's median and p95, its errors; `timings` kept for
    `combined_load`."""
    done = sum(len(values) for values in timings.values())
    return {
        "seconds": seconds,
        "requests": done,
        "throughput": done / seconds if seconds else 0.0,
        "kinds": {name: summarise(values) for name, values in sorted(timings.items())},
        "errors": errors,
        "timings": timings,
    }


def combined_load(runs: list[dict]) -> dict:
    """Slices of one load as if one run: their answers over their seconds, each kind's timings together."""
    timings: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for run in runs:
        for name, values in run["timings"].items():
            timings.setdefault(name, []).extend(values)
        for name, count in run["errors"].items():
            errors[name] = errors.get(name, 0) + count
    return load_summary(sum(run["seconds"] for run in runs), timings, errors)


def weighted_picker(pages: dict[str, list[Page]], mix=MIX):
    """A pick(rng) for `load_run`: a kind by its weight in `mix`, then one of that kind's pages."""
    names = [name for name, _weight in mix]
    weights = [weight for _name, weight in mix]

    def pick(rng: random.Random) -> Page:
        return rng.choice(pages[rng.choices(names, weights)[0]])

    return pick


# --- the phases ----------------------------------------------------------------------------------------------------

FLOOR_PATH = "/_bench/gulv/"
LAYOUT_PATH = "/_bench/side/"
FIVE_PAGE = "Mine forløb (5 forløb)"


def _cookies(seeded: Seeded) -> dict:
    people = {
        "user": seeded.user,
        "five": seeded.five_user,
        "leader": seeded.leader,
        "citizen": seeded.citizen_account,
    }
    return {key: session_cookie(user) for key, user in people.items() if user is not None}


def floor_page(cookie: str) -> Page:
    return Page("floor", FLOOR_PATH, cookie)


def page_set(seeded: Seeded, cookies: dict) -> list[Page]:
    """The pages of the ratio table, each with the session of the user it is for."""
    overview, big = seeded.overview_pathway, seeded.big_plan_pathway
    user = cookies["user"]
    pages = [
        Page("Forløbsoverblik", reverse("pathways:overview", args=[overview.public_id]), user),
        Page("Plan, 200 punkter", reverse("plans:plan", args=[big.public_id]), user),
        Page("Mine forløb", reverse("pathways:mine"), user),
        Page("Arbejdsliste", reverse("pathways:worklist"), user),
        Page("Side med layout", LAYOUT_PATH, user),
        Page("Udredning", reverse("assessments:list", args=[overview.public_id]), user),
    ]
    if "five" in cookies:
        pages.append(Page(FIVE_PAGE, reverse("pathways:mine"), cookies["five"]))
    if "citizen" in cookies:
        pages.append(Page("Portal: forside", reverse("portal:home"), cookies["citizen"]))
        pages.append(Page("Portal: plan", reverse("portal:plan", args=[overview.public_id]), cookies["citizen"]))
        pages.append(Page(INSIGHT_PAGE, reverse("portal:insight", args=[overview.public_id]), cookies["citizen"]))
    if "leader" in cookies:
        code = overview.programme.code
        pages.append(Page("Resultater (leder)", reverse("programme_results:programme", args=[code]), cookies["leader"]))
        pages.append(Page("Resultater, alle programmer", reverse("programme_results:overview"), cookies["leader"]))
    return pages


def run_main(
    seeded: Seeded,
    *,
    port: int,
    requests: int,
    writes: int,
    clients: int,
    seconds: float,
    small: dict | None = None,
    small_port: int = 0,
) -> dict:
    """The ratio table, both municipality sizes side by side (with `small`, from `prepare_small` and its database's
    `url`, on `small_port`), the writes and the mixed load against the bench database."""
    cookies = _cookies(seeded)
    floor = floor_page(cookies["user"])
    pages = page_set(seeded, cookies)
    analyze_log()
    results = {}
    with Server(port):
        started = time.monotonic()
        results["pages"] = ratio_rows(interleaved(port, floor, pages, rounds=requests))
        results["rounds"] = requests
        _log(f"ratio table: {time.monotonic() - started:.0f} s")
        for row in results["pages"]:
            _log(f"  {row['page']}: {row['median']:.1f} / {row['p95']:.1f} ms, {row['r_median']:.2f}×")
        if small and "five" in cookies:
            started = time.monotonic()
            results["sizes"] = measure_sizes(port, cookies, small, small_port=small_port, requests=requests)
            _log(f"both sizes: {time.monotonic() - started:.0f} s")
        if writes and seeded.plan_1000 and seeded.plan_30:
            started = time.monotonic()
            pair = csrf(port, Page("plan", reverse("plans:plan", args=[seeded.plan_30.public_id]), cookies["user"]))
            on_30 = agreement_post(seeded.plan_30, cookies["user"], pair, name="Aftale, plan med 30 punkter")
            on_1000 = agreement_post(seeded.plan_1000, cookies["user"], pair, name="Aftale, plan med 1.000 punkter")
            results["writes"] = ratio_rows(
                interleaved(port, on_30, [on_1000], rounds=writes, warmup=2), floor=on_30.name, goals={}
            )
            _log(f"writes: {time.monotonic() - started:.0f} s")
        if seconds > 0:
            pair = csrf(
                port, Page("plan", reverse("plans:plan", args=[seeded.write_pool[0].public_id]), cookies["user"])
            )
            mix = {
                "overview": [pages[0]],
                "plan": [pages[1]],
                "mine": [pages[2]],
                "add_agreement": [
                    agreement_post(pathway, cookies["user"], pair, name="Ny aftale", label=str(n))
                    for n, pathway in enumerate(seeded.write_pool)
                ],
            }
            results["mixed"] = mixed_load(port, floor, weighted_picker(mix), clients=clients, seconds=seconds)
    return results


def analyze_log() -> None:
    """The access log's statistics as autovacuum keeps them on a steady system. Each run of the bench logs thousands
    of reads of one citizen (every view of the overview) within minutes, faster than autovacuum's threshold, and with
    the month's estimate for that citizen left at a few rows PostgreSQL read and sorted all their rows of the month
    for the insight page (4,877 rows, 6 ms) instead of stopping after the page."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_log_table()}")


def prepare_small(seeded: Seeded) -> dict:
    """The small size, seeded in this database: its size and the sessions of the floor's user and the five-pathway
    user, for the run that measures both sizes side by side (`measure_sizes`)."""
    cookies = _cookies(seeded)
    return {
        "pathways": Pathway.objects.filter(municipality_id=seeded.user.municipality_id).count(),
        "cookies": {"user": cookies["user"], "five": cookies["five"]},
    }


SMALL_FLOOR = "floor (small size)"


def measure_sizes(port: int, cookies: dict, small: dict, *, small_port: int, requests: int) -> dict:
    """*Mine forløb* of the five-pathway user at both sizes in one run: the large size on the running server, the
    small one on a second gunicorn on its own database (`small["url"]`, prepared by `prepare_small`), requests
    round-robin [floor, page] at the large size, then at the small, so a slower moment of the machine falls on both
    sizes; each size's ratio is to its own floor. The answer is what `sizes_result` takes."""
    mine = reverse("pathways:mine")
    large_pair = (floor_page(cookies["user"]), Page(FIVE_PAGE, mine, cookies["five"]))
    small_pair = (
        Page(SMALL_FLOOR, FLOOR_PATH, small["cookies"]["user"], port=small_port),
        Page(FIVE_PAGE + " (small size)", mine, small["cookies"]["five"], port=small_port),
    )
    with Server(small_port, database_url=small["url"]):
        # The large size's workers have served the page in the ratio table; the small size's are new: enough rounds
        # not kept for each of its workers to have served both pages (imports, templates, kept queries) first.
        timings = interleaved_pairs(port, [large_pair, small_pair], rounds=requests, warmup=new_server_warmup())

    def rows(pair):
        floor, page = pair
        own = ratio_rows({floor.name: timings[floor.name], FIVE_PAGE: timings[page.name]}, floor=floor.name)
        return [{**row, "page": "floor"} if row["page"] == floor.name else row for row in own]

    return {"small": {"pathways": small["pathways"], "pages": rows(small_pair)}, "large": rows(large_pair)}


# --- the access log ------------------------------------------------------------------------------------------------


def _log_table() -> str:
    from samspil.audit.models import AccessLogEntry

    return AccessLogEntry._meta.db_table


def _log_marker(cursor) -> int:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_log_generated (rows bigint NOT NULL)")
    cursor.execute("SELECT coalesce(sum(rows), 0) FROM bench_log_generated")
    return int(cursor.fetchone()[0])


def log_insert_sql(table: str) -> str:
    """One INSERT … SELECT … FROM generate_series: rows spread over 24 months, over the bench municipality's staff,
    citizens and pathways (never the measured citizen's pathway), with plausible `shown`, `purpose` and `via`. Works
    on a plain table and on one partitioned by month (as long as the months have partitions).

    Each step's rows go from the newest day to the oldest in order, as a real log fills a month at a time: the
    indexes being written are then one month's, which stay in memory. Rows spread day by day over all 730 at once
    touched every partition's indexes on every row, and the generation slowed from 125,000 to 30,000 rows a second
    by 20 million (PostgreSQL's default 128 MB of shared buffers)."""
    return f"""
        WITH p AS (
            SELECT array_agg(id ORDER BY id) AS pathways, array_agg(citizen_id ORDER BY id) AS citizens
            FROM pathways_pathway
            WHERE municipality_id = %(municipality)s AND citizen_id IS NOT NULL AND id <> %(target)s
        ), a AS (
            SELECT array_agg(id ORDER BY id) AS actors FROM accounts_user
            WHERE municipality_id = %(municipality)s AND kind = 'staff'
        )
        INSERT INTO {table}
            (municipality_id, created_at, actor_id, citizen_id, subject_index, pathway_id, shown, purpose, via,
             request_id)
        SELECT %(municipality)s,
               now() - ((g - %(start)s) * 730 / (%(stop)s - %(start)s + 1)) * interval '1 day'
                     - (g %% 86400) * interval '1 second',
               a.actors[(1 + (g / 50) %% cardinality(a.actors))::int],
               p.citizens[(1 + (g * 7919) %% cardinality(p.citizens))::int],
               '',
               p.pathways[(1 + (g * 7919) %% cardinality(p.pathways))::int],
               (%(shown)s::text[])[(1 + (g / 50) %% cardinality(%(shown)s::text[]))::int],
               (%(purpose)s::text[])[(1 + (g / 50) %% cardinality(%(purpose)s::text[]))::int],
               (%(via)s::text[])[(1 + (g / 50) %% cardinality(%(via)s::text[]))::int],
               'bench-' || (g / 50)
        FROM p, a, generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
    """  # noqa: S608  (the table name is the model's own)


LOG_SHOWN = ["pathway.list", "pathway.worklist", "pathway.overview", "plan", "meeting", "citizen.search"]
LOG_PURPOSE = ["coordination", "coordination", "coordination", "coordination", "intake", "portal"]
LOG_VIA = ["scope", "scope", "scope", "grant", "intake", "own"]


def log_steps(present: int, target: int) -> list[int]:
    """The row counts the generation stops at: 1M and 10M first (to time them), then every 10M."""
    steps = [n for n in (1_000_000, 10_000_000) if present < n < target]
    n = 20_000_000
    while n < target:
        if n > present:
            steps.append(n)
        n += LOG_CHUNK
    if target > present:
        steps.append(target)
    return steps


def _log_partitions(cursor, months: int = 25) -> None:
    """When the table is partitioned by month (samspil.audit.partitions), the months the rows fall in get their
    partitions first, as the monthly task makes them; on a plain table there is nothing to do."""
    cursor.execute("SELECT to_regprocedure('samspil_access_log_partition(date)') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return
    first = timezone.now().date().replace(day=1)
    for back in range(months + 1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        cursor.execute("SELECT samspil_access_log_partition(%s)", [datetime.date(year, month + 1, 1)])


def ensure_log_rows(target: int, seeded: Seeded) -> list[dict]:
    """Grow the access log to `target` generated rows (reused when present), plus the measured citizen's own
    history of LOG_TARGET_ROWS rows; each step timed."""
    table, timings = _log_table(), []
    overview = seeded.overview_pathway
    with connection.cursor() as cursor:
        present = _log_marker(cursor)
        _log_partitions(cursor)
        cursor.execute(
            f"SELECT count(*) FROM {table} WHERE citizen_id = %s AND request_id LIKE 'bench-own-%%'",  # noqa: S608
            [overview.citizen_id],
        )
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"""INSERT INTO {table} (municipality_id, created_at, actor_id, citizen_id, subject_index,
                    pathway_id, shown, purpose, via, request_id)
                    SELECT %s, now() - g * interval '1 day', %s, %s, '', %s, 'pathway.overview', 'coordination',
                           'scope', 'bench-own-' || g
                    FROM generate_series(1, %s) AS g""",  # noqa: S608
                [overview.municipality_id, seeded.user.pk, overview.citizen_id, overview.pk, LOG_TARGET_ROWS],
            )
        for stop in log_steps(present, target):
            started = time.monotonic()
            cursor.execute(
                log_insert_sql(table),
                {
                    "municipality": overview.municipality_id,
                    "target": overview.pk,
                    "start": present + 1,
                    "stop": stop,
                    "shown": LOG_SHOWN,
                    "purpose": LOG_PURPOSE,
                    "via": LOG_VIA,
                },
            )
            cursor.execute("INSERT INTO bench_log_generated VALUES (%s)", [stop - present])
            elapsed = time.monotonic() - started
            timings.append({"from": present, "to": stop, "seconds": elapsed})
            _log(f"access log: {present:,} → {stop:,} rows in {elapsed:.0f} s ({(stop - present) / elapsed:,.0f}/s)")
            present = stop
        started = time.monotonic()
        cursor.execute(f"ANALYZE {table}")
        timings.append({"analyze": time.monotonic() - started})
    return timings


LOG_WRITE_FLOOR = "bench_log_write_floor"


def timed_log_write(seeded: Seeded, *, samples: int, citizens: int = 50) -> dict:
    """One page view's log rows (`audit.services.access_record`, `citizens` rows as *Mine forløb*), in-process, each
    sample after the same statement with the same rows into an empty table like the log (its columns, defaults and
    indexes; a temporary table of this connection): the floor that differs from the write only in the log's size, so
    the machine's noise falls on both and the sizes compare by `r_median`. On another database than PostgreSQL the
    floor is not timed."""
    from samspil.audit import services
    from samspil.audit.context import bound
    from samspil.audit.models import AccessLogEntry

    shown = list(
        Citizen.objects.filter(municipality_id=seeded.user.municipality_id).exclude(
            pk=seeded.overview_pathway.citizen_id
        )[:citizens]
    )
    floor_sql = None
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {LOG_WRITE_FLOOR} (LIKE {table} INCLUDING ALL)")
        floor_sql = services._unnest_insert().replace(f"INSERT INTO {table} ", f"INSERT INTO {LOG_WRITE_FLOOR} ", 1)
    rows = [
        services.AccessRow(
            citizen.municipality_id, seeded.user.pk, citizen.pk, "", None, "pathway.list", "coordination", "scope", ""
        )
        for citizen in shown
    ]
    timings, floors, warmup = [], [], 10  # the first writes find the log's indexes cold
    for n in range(samples + warmup):
        floor = None
        if floor_sql:
            started = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(floor_sql, [timezone.now(), *(list(column) for column in zip(*rows, strict=True))])
            floor = (time.perf_counter() - started) * 1000
        with bound(actor_id=seeded.user.pk):
            started = time.perf_counter()
            with transaction.atomic():
                services.access_record(actor=seeded.user, citizens=shown, shown="pathway.list", purpose="coordination")
            elapsed = (time.perf_counter() - started) * 1000
        if n >= warmup:
            timings.append(elapsed)
            if floor is not None:
                floors.append(floor)
    written = summarise(timings)
    if not floors:
        return written
    floor = summarise(floors)
    return {**written, "floor": floor["median"], "r_median": ratio(written["median"], floor["median"])}


LOG_PAGES = ("Adgangslog (koordinator)", INSIGHT_PAGE, FIVE_PAGE + ", skriver loggen")


def prepare_log(seeded: Seeded, *, rows: int) -> dict:
    """The access log at `rows` generated rows, in this database: its size, the generation's steps and the sessions
    and paths of the pages that read the log, for `measure_log` to measure both sizes side by side. The write of a
    page view's rows is timed after that (`timed_log_write`, its own phase), not here, right after the generation
    and `ANALYZE`, whose checkpoint and autovacuum weigh on the log's WAL-logged write more than on its floor."""
    generation = ensure_log_rows(rows, seeded)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_log_table()}")  # noqa: S608
        total = cursor.fetchone()[0]
    cookies = _cookies(seeded)
    overview = seeded.overview_pathway
    pages = [
        [LOG_PAGES[0], reverse("pathways:access_log", args=[overview.public_id]), "user"],
        [LOG_PAGES[1], reverse("portal:insight", args=[overview.public_id]), "citizen"],
        [LOG_PAGES[2], reverse("pathways:mine"), "five"],
    ]
    return {
        "rows": total,
        "generation": generation,
        "cookies": {key: cookies[key] for key in ("user", "citizen", "five")},
        "paths": pages,
    }


def measure_log(parts: dict[str, dict], *, ports: dict[str, int], requests: int) -> dict[str, list[dict]]:
    """The pages that read the access log at both sizes in one run: a gunicorn on each size's database
    (`parts[size]["url"]`, prepared by `prepare_log`) on `ports[size]`, requests round-robin [floor, page] at one
    size, then the same at the other, page by page, so a slower moment of the machine falls on both sizes (as
    `measure_sizes` does for the municipality); each size's ratios are to its own floor. The answer: each size's
    ratio rows, as `log_result` and `log_section` take them."""
    pairs, names = [], {}
    for page_name, _path, who in parts[next(iter(parts))]["paths"]:
        for size, part in parts.items():
            floor = Page(f"floor ({size})", FLOOR_PATH, part["cookies"]["user"], port=ports[size])
            path_here = next(entry[1] for entry in part["paths"] if entry[0] == page_name)
            page = Page(f"{page_name} ({size})", path_here, part["cookies"][who], port=ports[size])
            names[page.name] = (size, page_name)
            pairs.append((floor, page))
    with contextlib.ExitStack() as servers:
        for size, part in parts.items():
            servers.enter_context(Server(ports[size], database_url=part["url"]))
        # New workers on both: enough rounds not kept for each of them to have served every page first.
        timings = interleaved_pairs(ports[next(iter(parts))], pairs, rounds=requests, warmup=new_server_warmup())
    answer = {}
    for size in parts:
        floor_name = f"floor ({size})"
        own = {"floor": timings[floor_name]}
        own.update({page_name: timings[name] for name, (at, page_name) in names.items() if at == size})
        answer[size] = ratio_rows(own, goals={})
    return answer


# --- databases beside the bench database ---------------------------------------------------------------------------


def _admin_connection(url: str):
    import psycopg

    return psycopg.connect(database_url_with_name(url, "postgres"), autocommit=True)


def database_exists(url: str, name: str) -> bool:
    with _admin_connection(url) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def create_database(url: str, name: str, *, template: str | None = None, attempts: int = 30) -> bool:
    """CREATE DATABASE `name` (from `template`), unless it exists. A template must have no other connection:
    retried for a while."""
    from psycopg import errors, sql

    if database_exists(url, name):
        return False
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
    for attempt in range(attempts):
        try:
            with _admin_connection(url) as admin:
                admin.execute(statement)
            return True
        except errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(2)
    return False


def run_phase(url: str, phase: str, args: list[str]) -> dict:
    """This command in a subprocess on another database (migrated first); its JSON answer."""
    env = {**os.environ, "DATABASE_URL": url}
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    subprocess.run([sys.executable, manage, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
    out = subprocess.run(  # noqa: S603
        [sys.executable, manage, "bench", "--phase", phase, *args], env=env, check=True, stdout=subprocess.PIPE
    )
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


# --- the report ----------------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"{os.cpu_count()} cores ({cpu}){memory}; Python {platform.python_version()}; PostgreSQL {version}"


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _x(value: float) -> str:
    return f"{value:.2f}×"


def ratio_table(rows: list[dict], *, floor_label: str = "floor") -> str:
    lines = [
        f"| page | median ms | p95 ms | median ÷ {floor_label} | p95 ÷ {floor_label} | goal | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        goal = f"≤ {row['goal']:g}×" if row.get("goal") else ""
        lines.append(
            f"| {row['page']} | {row['median']:.1f} | {row['p95']:.1f} | {_x(row['r_median'])} | {_x(row['r_p95'])} "
            f"| {goal} | {verdict(row.get('met')) if row.get('goal') else ''} |"
        )
    return "\n".join(lines)


def _row(rows: list[dict], name: str) -> dict | None:
    return next((row for row in rows if row["page"] == name), None)


def sizes_result(small: dict | None, large_rows: list[dict] | None) -> dict | None:
    """Mine forløb of the five-pathway user at both sizes: each ratio to its own floor, and whether the median ratios
    are within SIZE_TOLERANCE (the p95 ratios are reported beside them)."""
    if not small or not large_rows:
        return None
    a, b = _row(small["pages"], FIVE_PAGE), _row(large_rows, FIVE_PAGE)
    if a is None or b is None:
        return None
    return {
        "small": a,
        "large": b,
        "small_pathways": small["pathways"],
        "met": within(a["r_median"], b["r_median"], SIZE_TOLERANCE),
    }


def sizes_section(sizes: dict | None, large_pathways: int) -> str:
    if sizes is None:
        return "## Municipality size\n\nNot measured in this run."
    a, b = sizes["small"], sizes["large"]
    change = (b["r_median"] - a["r_median"]) / a["r_median"] * 100
    return "\n".join(
        [
            "## Municipality size: *Mine forløb* of a coordinator with five pathways",
            "",
            "Both sizes in the same run, each against its own floor: a second gunicorn serves the small size's"
            " database, and one client asks [floor, page] at the large size, then at the small, round after round, so"
            " the machine's noise falls on both.",
            "",
            "| pathways in the municipality | median ms | p95 ms | median ÷ floor | p95 ÷ floor |",
            "|---:|---:|---:|---:|---:|",
            f"| {sizes['small_pathways']:,} | {a['median']:.1f} | {a['p95']:.1f} | {_x(a['r_median'])} "
            f"| {_x(a['r_p95'])} |",
            f"| {large_pathways:,} | {b['median']:.1f} | {b['p95']:.1f} | {_x(b['r_median'])} | {_x(b['r_p95'])} |",
            "",
            f"Goal: the two median ratios within {SIZE_TOLERANCE:.0%} of each other: {verdict(sizes['met'])} "
            f"(median ratio {change:+.0f} % from {sizes['small_pathways']:,} to {large_pathways:,}).",
        ]
    )


MIXED_SLICES = 4  # the mix's seconds in this many slices, each between two slices of the floor


def mixed_load(port: int, floor: Page, pick, *, clients: int, seconds: float, slices: int = MIXED_SLICES) -> dict:
    """`seconds` of the mix against the floor under the same load, interleaved as the pages are: the floor, a slice
    of the mix, the floor, … , the floor (each slice `seconds / slices`), so a machine that speeds up or slows down
    during the run falls on both."""
    part = seconds / slices
    _log(f"mixed load: {clients} clients, {slices} slices of {part:.0f} s, each between two of the floor")
    runs = [("floor", load_run(port, lambda rng: floor, clients=clients, seconds=part))]
    for number in range(slices):  # each slice its own draw of the mix, not the first one again
        runs.append(("mixed", load_run(port, pick, clients=clients, seconds=part, seed=number)))
        runs.append(("floor", load_run(port, lambda rng: floor, clients=clients, seconds=part)))
    return mixed_results(runs, clients=clients, seconds=seconds)


def mixed_results(runs: list[tuple[str, dict]], *, clients: int, seconds: float) -> dict:
    """The mix's slices together against the floor's median slice. The floor's slices after the mix's can be slowed
    by its aftermath (autovacuum, a checkpoint: a floor run after the writes once read 40 % slower and flattered the
    mix) or by another process, and the fastest of several is biased upwards; the median is neither. Each slice's
    throughput is kept for the report (the machine's spread during the run)."""
    combined = {load: combined_load([run for name, run in runs if name == load]) for load in ("mixed", "floor")}
    for run in combined.values():
        run.pop("timings")
    sliced = [
        {"load": name, "requests": run["requests"], "throughput": run["throughput"], "errors": run["errors"]}
        for name, run in runs
    ]
    floor = statistics.median(part["throughput"] for part in sliced if part["load"] == "floor")
    return {"clients": clients, "seconds": seconds, **combined, "slices": sliced, "floor_throughput": floor}


def mixed_result(mixed: dict | None) -> dict | None:
    if not mixed:
        return None
    floor = mixed.get("floor_throughput", mixed["floor"]["throughput"])
    share = ratio(mixed["mixed"]["throughput"], floor) if floor else 0
    errors = sum(mixed["mixed"]["errors"].values()) + sum(mixed["floor"]["errors"].values())
    return {"share": share, "errors": errors, "met": share >= MIXED_GOAL and errors == 0}


def mixed_section(mixed: dict | None) -> str:
    if not mixed:
        return "## Mixed load\n\nNot measured in this run."
    result = mixed_result(mixed)
    slices = mixed.get("slices") or []
    mixes = [part for part in slices if part["load"] == "mixed"]
    lines = [
        "## Mixed load",
        "",
        f"{mixed['clients']} client threads for {mixed.get('seconds', mixed['mixed']['seconds']):.0f} s on the mix "
        "(40 % overview, 30 % plan with 200 items, 20 % *Mine forløb*, 10 % adding an agreement by POST to a pool of "
        f"the bench user's pathways) and {mixed['clients']} on the floor view"
        + (
            f", interleaved as the pages are: the mix in {len(mixes)} slices, each between two slices of the floor as "
            "long, so the machine's drift during the run falls on both; the share is of the floor's median slice."
            if mixes
            else "."
        )
        + " Throughput counts every answer until the last request in flight ended.",
        "",
        "| load | requests | req/s | errors |",
        "|---|---:|---:|---:|",
    ]
    for name, part in (("mixed", mixed["mixed"]), ("floor", mixed["floor"])):
        lines.append(f"| {name} | {part['requests']:,} | {part['throughput']:.1f} | {sum(part['errors'].values())} |")
    if "floor_throughput" in mixed:
        lines.append(f"| floor, median slice | | {mixed['floor_throughput']:.1f} | |")
    if slices:
        lines += ["", "| slice | load | requests | req/s | errors |", "|---:|---|---:|---:|---:|"]
        for number, part in enumerate(slices, 1):
            errors = sum(part["errors"].values())
            lines.append(f"| {number} | {part['load']} | {part['requests']:,} | {part['throughput']:.1f} | {errors} |")
    lines += ["", "| kind | requests | median ms | p95 ms |", "|---|---:|---:|---:|"]
    for name in ("mixed", "floor"):
        for kind, values in mixed[name]["kinds"].items():
            lines.append(f"| {kind} | {values['n']:,} | {values['median']:.1f} | {values['p95']:.1f} |")
    lines += [
        "",
        f"Goal: throughput ≥ {MIXED_GOAL:.0%} of the floor's under the same load, zero errors: "
        f"{verdict(result['met'])} ({result['share']:.0%}, {result['errors']} errors"
        + (f": {mixed['mixed']['errors'] | mixed['floor']['errors']}" if result["errors"] else "")
        + ").",
    ]
    if slices:
        fastest, share = mixed_harshest(mixed)
        lines[-1] += f" Held to the fastest floor slice alone ({fastest:.1f} req/s) the share would be {share:.0%}."
    return "\n".join(lines)


def mixed_harshest(mixed: dict) -> tuple[float, float]:
    """The fastest slice of the floor and the mix's share of it: the reading least kind to the mix, for the report."""
    fastest = max(part["throughput"] for part in mixed["slices"] if part["load"] == "floor")
    return fastest, ratio(mixed["mixed"]["throughput"], fastest) if fastest else 0.0


def writes_result(rows: list[dict] | None) -> dict | None:
    if not rows or len(rows) < 2:
        return None
    large = rows[1]
    return {"r_median": large["r_median"], "r_p95": large["r_p95"], "met": large["r_median"] <= WRITE_GOAL}


def writes_section(rows: list[dict] | None, count: int) -> str:
    result = writes_result(rows)
    if result is None:
        return "## Writes\n\nNot measured in this run."
    return "\n".join(
        [
            "## Writes: saving an agreement",
            "",
            f"The plan's agreement form posted (CSRF token and all, answered with a redirect) {count} times on each "
            "plan, alternating.",
            "",
            ratio_table(rows, floor_label="30 items"),
            "",
            f"Goal: the 1,000-item plan ≤ {WRITE_GOAL:g}× the 30-item plan (median): {verdict(result['met'])} "
            f"({_x(result['r_median'])}, p95 {_x(result['r_p95'])}).",
        ]
    )


def log_result(small: dict | None, large: dict | None) -> dict | None:
    """Each log page's median ratio to its floor, and the in-process write's median, at both sizes: met when none of
    them is more than SIZE_TOLERANCE above its value at the small size."""
    if not small or not large:
        return None
    checks = {}
    for row in small["pages"][1:]:
        other = _row(large["pages"], row["page"])
        if other:
            checks[row["page"]] = other["r_median"] <= row["r_median"] * (1 + SIZE_TOLERANCE)
    key = "r_median" if "r_median" in small["write"] and "r_median" in large["write"] else "median"
    a, b = small["write"][key], large["write"][key]
    checks["write"] = b <= a * (1 + SIZE_TOLERANCE)
    return {"checks": checks, "met": all(checks.values())}


def log_section(small: dict | None, large: dict | None, *, note: str = "") -> str:
    if not small and not large:
        return "## Access log at two sizes\n\nNot measured in this run."
    lines = ["## Access log at two sizes", ""]
    lines.append(
        "Rows generated inside PostgreSQL by one `INSERT … SELECT` from `generate_series` per step, spread over 24 "
        "months and over the bench municipality's staff, citizens and pathways; the measured citizen has the same "
        f"{LOG_TARGET_ROWS} rows of history at every size. Each size in its own copy of the small database, both "
        "measured in one run: a gunicorn on each, requests round-robin [floor, page] at one size, then at the other, "
        "page by page, so a slower moment of the machine falls on both; each size's ratios are to its own floor. "
        "The write is `audit.services.access_record` for 50 citizens (what one *Mine forløb* page "
        "logs), timed in-process, each in its own transaction and after the same statement with the same rows into an "
        "empty table like the log (columns, defaults, indexes): the write's ratio to that floor is what grows if the "
        "log's size costs."
    )
    if note:
        lines += ["", note]
    lines += [""]
    header = "| page | " + " | ".join(
        f"{part['rows']:,} rows: median ms | ÷ floor | p95 ÷ floor" for part in (small, large) if part
    )
    lines += [header + " |", "|---|" + "---:|---:|---:|" * sum(1 for part in (small, large) if part)]
    names = [row["page"] for row in (small or large)["pages"]]
    for name in names:
        cells = []
        for part in (small, large):
            if not part:
                continue
            row = _row(part["pages"], name)
            cells.append(f"{row['median']:.1f} | {_x(row['r_median'])} | {_x(row['r_p95'])}" if row else "– | – | –")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = [
        f"{part['write']['median']:.2f} | "
        + (_x(part["write"]["r_median"]) if "r_median" in part["write"] else "–")
        + f" | p95 {part['write']['p95']:.2f} ms"
        for part in (small, large)
        if part
    ]
    lines.append("| write: one page view's rows (50) | " + " | ".join(cells) + " |")
    for part in (small, large):
        if part and any("to" in step for step in part["generation"]):
            steps = ", ".join(
                f"{step['from']:,} → {step['to']:,} in {step['seconds']:.0f} s"
                for step in part["generation"]
                if "to" in step
            )
            lines += ["", f"Generated this run ({part['rows']:,} rows): {steps}."]
    result = log_result(small, large)
    if result:
        failed = [name for name, ok in result["checks"].items() if not ok]
        lines += [
            "",
            f"Goal: the same cost at both sizes (within {SIZE_TOLERANCE:.0%}): {verdict(result['met'])}"
            + (f" (grew: {', '.join(failed)})" if failed else "")
            + ".",
        ]
    return "\n".join(lines)


def goals_summary(results: dict) -> str:
    lines = ["## Goals (issue 13)", ""]
    for name, goal in PAGE_GOALS.items():
        row = _row(results.get("pages") or [], name)
        if row is None:
            lines.append(f"- {name} ≤ {goal:g}× the floor: not measured.")
        else:
            lines.append(
                f"- {name} ≤ {goal:g}× the floor: {verdict(row['met'])} "
                f"(median {_x(row['r_median'])}, p95 {_x(row['r_p95'])})."
            )
    sizes = results.get("sizes")
    lines.append(
        f"- *Mine forløb* (five pathways) within {SIZE_TOLERANCE:.0%} at both sizes: "
        + (
            f"{verdict(sizes['met'])} (median {_x(sizes['small']['r_median'])} at {sizes['small_pathways']:,} "
            f"pathways, {_x(sizes['large']['r_median'])} at the large size)"
            if sizes
            else "not measured"
        )
        + "."
    )
    mixed = mixed_result(results.get("mixed"))
    lines.append(
        f"- Mixed load ≥ {MIXED_GOAL:.0%} of the floor's throughput, zero errors: "
        + (f"{verdict(mixed['met'])} ({mixed['share']:.0%}, {mixed['errors']} errors)" if mixed else "not measured")
        + "."
    )
    writes = writes_result(results.get("writes"))
    lines.append(
        f"- Saving an agreement on 1,000 items ≤ {WRITE_GOAL:g}× on 30: "
        + (f"{verdict(writes['met'])} ({_x(writes['r_median'])})" if writes else "not measured")
        + "."
    )
    log = log_result((results.get("log") or {}).get("small"), (results.get("log") or {}).get("large"))
    lines.append("- Access log the same cost at both sizes: " + (verdict(log["met"]) if log else "not measured") + ".")
    return "\n".join(lines)


def _preserved_import_section(path: Path) -> str:
    """The import benchmark's section (written by `make bench-import`), kept as it is."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(IMPORT_START), text.find(IMPORT_END)
    if start == -1 or end == -1 or end < start:
        return ""
    return text[start : end + len(IMPORT_END)]


def render_report(results: dict) -> str:
    counts = results.get("counts") or {}
    sizes = results.get("sizes")
    log = results.get("log") or {}
    parts = [
        "# Benchmarks",
        "",
        "Made by `make bench` (samspil/demo/bench.py); goals from issue 13. Every page is measured against the floor "
        "view (`/_bench/gulv/`: the session, the user and one indexed row, mounted only when SAMSPIL_BENCH is on) "
        "in the same run, one gunicorn (workers = cores) and one client, requests round-robin [floor, page 1, floor, "
        "page 2, …], so the machine's noise falls on both: the ratios matter, not the milliseconds.",
        "",
        f"## Run of {results['date']}",
        "",
        f"Machine: {results['machine']}. Server: gunicorn, {server_workers()} sync workers, DEBUG off, no Redis. "
        f"Load average (1/5/15 min) at the start {results['load_start']}, at the end {results['load_end']}"
        + (f". {results['note']}" if results.get("note") else "")
        + ".",
        "",
        f"Seeded: {counts.get('pathways', 0):,} pathways, {counts.get('items', 0):,} plan items (goals and "
        f"agreements); the small size {sizes['small_pathways']:,} pathways."
        if sizes
        else f"Seeded: {counts.get('pathways', 0):,} pathways, {counts.get('items', 0):,} plan items.",
        "",
        "## Pages as a ratio to the floor",
        "",
        f"{results.get('rounds', 0)} requests of each page, each after a request of the floor.",
        "",
        ratio_table(results["pages"]) if results.get("pages") else "Not measured in this run.",
        "",
        goals_summary(results),
        "",
        sizes_section(sizes, counts.get("pathways", 0)),
        "",
        mixed_section(results.get("mixed")),
        "",
        writes_section(results.get("writes"), results.get("write_count", 0)),
        "",
        log_section(log.get("small"), log.get("large"), note=log.get("note", "")),
        "",
        NOTES,
    ]
    return "\n".join(parts)


def write_report(results: dict, *, path: Path) -> str:
    """Write docs/benchmarks.md, keeping the import benchmark's section; returns the text."""
    preserved = _preserved_import_section(path)
    text = render_report(results)
    if preserved:
        text += f"\n{preserved}\n"
    path.write_text(text, encoding="utf-8")
    return text


NOTES = """## Earlier rounds

Issue 3 (22.11.2026, the same machine, 35,000 pathways; absolute ms for one client, before the floor view): Mine
forløb 9 queries, p95 54 ms; Arbejdsliste 8 / 93 ms; Forløbsoverblik 10 / 35 ms; plan with 200 items 10 / 46 ms.

### Found on the way

- PostgreSQL's JIT compiler spent about 1.3 s compiling the access-policy query of *Mine forløb* on this data set;
  the app turns JIT off per connection (`DATABASE_DISABLE_JIT`, default on), which took that page from ~1.8 s
  to ~55 ms.
- The policy scope first narrows by index (pathways the user coordinates or has any team place, grant or
  break-glass row on) before the exact consent rules run.
- Before the second round (same data, same machine): Mine forløb 9 queries, p95 65 ms; Arbejdsliste 8 / 112 ms;
  Forløbsoverblik 14 / 66 ms; plan with 200 items 11 / 174 ms. The time was Python, not the database:
  - A page about one pathway (`pathway_get`) filtered through the whole scope and then annotated the same rules
    again (~25 ms to build and compile). It now reads the user's rights on that one row as annotations
    (`scopes.pathway_rights`, the scope's own rules, tested to agree with it), so 404 and 403 come from the same
    row, and the team-place and coordinator rules are built once per user and day (they depend on nothing
    else; grants and break-glass, in force to the second, are built each time): ~12 ms. The same query reads the
    user's current roles for the menu, and the page's own figures (the overview's meeting rules), so the
    role look-up and the two meeting-rule queries are gone.
  - The plan page spent ~28 ms in the template engine on 200 items (`get_FOO_display`, per-row translations and
    includes). Goal cards and agreement rows are written by template tags with labels and dates looked up once
    (~9 ms); the owners of agreements come from the team loaded once instead of a join per row; the plan and its
    latest version are one query.
  - The overview reads grants and break-glass openings in one query (a UNION) and each consent with the names of
    its departments (a string aggregate) instead of a second query.
- A meeting page reads the meeting with a plain filter on the pathway already resolved, instead of building the
  policy query a second time.
- The leaders' results pages (04.12.2026, on this data, 20 rounds interleaved with the floor, outside a full run):
  the programme's page went from 146× to 73× the floor and the programmes overview from 104× to 48× when the
  documentation model's counting moved from Python rows into the database (`documentation.database_tally`).
- The same day and harness: the worklist from 12.9× to 8.2× with its figures and rows compiled once per user and
  day (`worklist._Moment` works out every moment its rules compare with beforehand); the assessment list from
  4.3× to 3.4× (compiled once) and the portal's front page from 3.9× to 3.5× (its pathways read without a DISTINCT
  that PostgreSQL took ~5 ms to plan).
- Later the same day (same harness, a slower hour: the floor at 4.6–4.8 ms instead of ~3.5 ms): the portal's plan
  from 10.6× to 5.7× — the bench's overview plan now has a saved version, as every plan written through the
  services has (the page read the whole plan from the tables when none was saved), each goal is written by one
  template tag, and the comment form under each goal is rendered once and copied; *Mine forløb* from 6.3× to 5.3×
  and the worklist from 7.7× to 7.0× when a page view's access-log rows became one `INSERT … unnest()` without a
  model instance per row (50 rows: 4.4–4.8 ms → 1.8–2.0 ms); a citizen's request no longer rewrites the session
  (the idle window moves on at most once a minute).
- Then, the same harness (20–30 rounds, the floor at 4.5–5.1 ms): the overview's consents, legal bases, status
  changes and timeline compiled once (`_first_kept`), the 200-item plan's agreement statuses kept as plain strings
  (they were lazy proxies translated and escaped again for every row), *Mine forløb*'s rows written by a tag, the
  main menu rendered once per page instead of twice, and the portal tabs' unread count read with the pathway. With
  all of it: the overview 6.4×, the 200-item plan 7.7–8.0×, *Mine forløb* 4.7×, the worklist 6.6–7.6×, the
  portal's plan 5.2–5.5×, the portal's front page 2.8–3.0×, the assessment list 3.2–3.4×, the layout page 1.7×.
  The run-to-run spread on this machine is about ±10 %.
- The leaders' results pages, the same harness (20 rounds): counting the bench programme (35,007 pathways) took
  ~0.3 s however it was done, so the pages now read each programme's counts as kept for up to 10 minutes
  (`results.ProgrammeFigures`; the page says when they were counted and can count again at once). That alone
  took the programme's page from ~73× to 29×: the rest was its table per coordinator (702 rows, eight includes
  each). Written by one tag with each number formatted once per table: 10.8× → 5.1×; the suppressed tables and
  their HTML kept per counting in the process: 3.2–3.3×. The programmes overview, now measured in the run too:
  2.6×.
- Two full runs ten minutes apart on 04.12.2026, same code and data (the first at 22:53 UTC with the floor at
  4.3 ms, the second at 23:02 with it at 5.2 ms): *Mine forløb* of the five-pathway coordinator −2 % and then
  +14 % from 3,507 to 35,007 pathways, the overview 6.60× and 6.98×, *Mine forløb* 4.67× and 4.98×, the mixed load
  12 % and 10 %. The spread between runs on this machine is about ±10 %, so one run's verdict on a goal within
  10 % is not firm. The first run's access-log write was timed against a floor reading one row (1.1 and 0.5 ms):
  too light to cancel noise, it read 2.15× and 2.47× while the write itself took 2.40 and 1.30 ms; it is now timed
  against the same statement into an empty table like the log.
- 05.12.2026, on a new machine with freshly seeded data, the same harness (20–40 rounds): the two municipality
  sizes are now measured side by side in one run (a second gunicorn on the small database), and three such runs
  read +2 %, +0 % and −2 % for *Mine forløb* of the five-pathway coordinator, where two separate runs the day
  before had read −2 % and +14 %. The portal's plan 6.5× → 4.2× once the pathway, the account's right and the
  unread count were one query and the plan's, its latest version's, the comments' and the custody query were each
  compiled once per connection. The worklist 7.9× → 6.3–6.5× once its 25 rows were written by a tag; reading its
  figures with the first page's rows as window aggregates removed the second pass over the rules (5 ms) but made
  the rows' query ~3 ms slower, a small net gain. Counting overdue agreements with COUNT(*) lets PostgreSQL count
  them in the (pathway, status, due_on) index (~2.6 → ~1.4 ms over 202 pathways). Still the largest parts: the
  rights query's planning (3.5–6 ms on the overview and the plan; `DATABASE_PREPARE_THRESHOLD` removes it, but the
  floor gains as much in ratio terms) and the template engine.
- 06.12.2026, again a new machine (seeding 35,000 pathways in ~2 minutes). Measured in the process by leaving one
  part out at a time: *Mine forløb*'s box of worklist figures was ~5 ms of its ~16 ms (the figures' query over 202
  pathways ~3 ms, and its rendering), so the figures are now kept per user for a minute with a generation token that
  any committed change to the user's pathways replaces: 4.5× → 3.6×. That figure is the kept case (the bench asks
  the same page again and again, as a coordinator returning to the start page does); the first view after log-in or
  after a change in one of the user's pathways still counts them, ~4.5×. The session's user is now read with its
  current roles in one kept query (every page with the menu one query less, every request one compile less): the
  pages gained ~0.5–2 ms, but the floor reads the user too and gained ~0.4 ms, so the ratios hardly moved (the
  portal's plan even read 4.1×). The portal's plan then skips the custody query for someone who reaches the pathway
  as themselves and renders its comment form once per process: 3.9×. Prepared statements for the kept queries alone
  (psycopg's `prepare=True` on a server-binding cursor) saved nothing: PostgreSQL kept choosing custom plans for the
  worklist's and *Mine forløb*'s queries. The worklist's rows query spends ~2.6 ms planning and ~5 ms running, much
  of it because Django writes each per-pathway count into the SQL once per use (the select, the urgency, the filter,
  the window figures: ~31 subplans); PostgreSQL does not share equal subplans. The access-log generation slowed from
  125,000 to 30,000 rows a second by 20 million rows, spread day by day over 24 months; filling the days in order
  kept it at 80,000–95,000 a second, and the 100,000,000-row size was generated and measured for the first time (the
  last 80 million rows in ~16 minutes; 26 GB on disk).
- 06.12.2026, later (a new machine again). The bench now seeds meetings (80,224 on the large size: a held start and
  status meeting per pathway, a status meeting planned on one in four, one to record on one in twenty); until then
  the worklist and *Mine forløb* were measured on an empty meetings table. The worklist reads one row of judged
  facts per coordinated pathway and orders, cuts and sums them in Python, instead of one query that filtered,
  ordered and window-counted on the rules (Django wrote each subquery once per use: 14 KB of SQL and ~31 subplans
  per pathway → 4.7 KB; planning 1.6 → 0.6 ms, running 4.6 → 2.3 ms before the meetings). The kept queries now run
  as prepared statements: the note above that this "saved nothing" was wrong, for psycopg prepares nothing on a
  connection whose `prepare_threshold` is None (Django's default), not even when asked to, so nothing had been
  prepared; with a threshold set, `pathway_get` fell from 4.7 to 0.86 ms in the process (115 of 120 runs on a
  generic plan). Two runs an hour apart read differently, as the floor did (4.7 and 3.5 ms): without the access
  log, the overview 5.4×, the 200-item plan 7.6×, *Mine forløb* 3.0×, the worklist 4.9×, saving an agreement 1.45×,
  the mixed load 9 %; the full run (this report) 6.4×, 9.3×, 3.2×, 5.3×, 1.38× and 11 %. In milliseconds the pages
  fell against the run of 01:59 (the overview 28.4 → 22.1, the plan 34.5 → 32.0, the worklist 21.3 → 18.2,
  *Mine forløb* 13.3 → 11.2, now with meetings), but the floor's own kept query is prepared too, so the ratios
  moved less than the times.
- 06.12.2026, a third session the same day (a new machine; its floor read 4.6–5.3 ms against 3.5 ms in the morning,
  so compare ratios). The overview's and the plan's bodies are kept in the cache under the pathway's content
  generation, which the database moves on with every change (`pathways.fragments`); a kept view makes 4 queries
  (session, user, the pathway with the rights, the access log). In the process: the plan 28.7 → 7.0 ms, the
  overview 24.7 → ~10 ms (the floor 2.6 ms). A service's locked re-read (`policy.require`) is compiled once per user
  and action like `pathway_get`'s read (saving an agreement ~100 → ~50 ms in the process on a noisy hour), and a
  posted plan form no longer reads the plan's goals for its choices (the 1,000-item save fell to the 30-item one's
  cost). Four runs without the access log (09:32, 09:36, 09:48, 09:54) read: the overview 2.66× / 2.60× / 2.25× /
  2.40× (p95 3.50× and 3.60× in the first two, when a gunicorn worker that had not yet served the page in the
  three warm-up rounds rendered it in the measured ones: the bench now warms up 8 rounds), the plan 2.44× / 2.39×
  / 2.11× / 2.21×, *Mine forløb* 4.06× / 3.85× / 3.47× / 3.58×, the worklist 7.17× / 6.62× / 6.35× / 6.35×, the
  portal's plan 4.57× / 3.84× / 3.92× / 3.85×, saving an agreement 1.38× / 1.54× / 1.58× / 1.02×, the mixed load
  23 % / 19 % / 29 % / 26 %. The worklist and *Mine forløb* read higher than in the morning on the same code
  (checked in the process against the code before this session's changes: the same), and the runs moved by
  ±15 % between each other: this machine's hour, not the change.
- 06.12.2026, a fourth session (a new machine again; floor 3.9–5.0 ms). The worklist and *Mine forløb*'s figures
  judge each pathway in Python at the request's moment from facts kept under its content generation
  (`worklist._facts_of`: one cache entry per user and day; a view reads the coordinated pathways with their
  generations and afresh only those that moved on). The worklist's facts query had been ~9 ms of a 28 ms page at
  202 pathways; in the process the page fell 27.7 → ~18 ms (the floor 2.4 ms), and *Mine forløb* no longer counts
  every pathway again after a change in one (the figures' per-user token and its minute are gone: a change, a
  handover, a meeting that begins shows at once). Three runs without the access log: 12:24 (without the small
  size and the writes) the worklist 3.54×, *Mine forløb* 3.65×, the mixed load 23 %; 12:42 the worklist 3.54×,
  *Mine forløb* 3.73×, the mixed load 39 % — but against a floor run of 354 req/s, where the others read 550–590;
  12:49 (this report) 3.58× and 3.54×, the mixed load 25 %. The floor under load ran right after the writes and the
  mix, and once read slow enough to flatter the mix, so the bench now runs it before and after the mix and holds the
  goal to the faster run. By kind, each alone under 16 clients (12 s each, against a floor of ~550 req/s): the
  overview ~3×, the plan ~2.5×, *Mine forløb* ~4.6×, saving an agreement ~8–10× — about 3.8× for the mix, the 25 %
  measured; 35 % needs ~2.9×.
- 06.12.2026, a fifth session (a new machine: Intel Xeon 2.8 GHz, 2 cores; floor 4.5–5.5 ms, and its throughput
  under load 380–515 req/s from one minute to the next). Measured by process (CPU time per request under 16
  clients): the Python of the gunicorn workers was three quarters of every page, and the layout's header, menu and
  footer about 2 ms of each page in the template engine (the layout page 5.1 ms against a 2.9 ms floor). The chrome
  is now rendered once per viewer state and kept (`core.chrome`); the menu is built in Python; the long kept
  queries' parse is kept (`core.db._kept_query_class`); days in the long lists are written once per day
  (`core.dates`); a transaction moves a pathway's content generation on once (a saved agreement wrote the pathway
  row three times, two of them not HOT: 13 indexes). Three runs without the access log: 15:26 (after the chrome) the
  layout 1.33×, the overview 1.92×, the plan 1.82×, the mixed load 23 % (98 req/s against a floor of 433); 15:38
  the layout 1.17×, the overview 2.02×, the plan 1.69×, *Mine forløb* 3.49×, the worklist 3.30×, the mixed load
  22 % (114.6 against 513 and 384 req/s). Each kind alone right after (15 s each): the floor 447 and 426 req/s,
  the mix 134.6 (30–32 %), the mix without its writes 155.7, *Mine forløb* 4.6×, saving an agreement 8.6×: the
  writes, a tenth of the requests, are over a quarter of the mix's cost, and the floor's own swing from run to
  run (±15 %) is as large as the distance to the goal. 15:58 (this report; a write on a goal now reads the goal
  once): the layout 1.21×, the overview 1.86×, the plan 1.74×, *Mine forløb* 3.44×, the worklist 3.49×,
  the mixed load 34 % (160.7 req/s against 462 and 479; goal 35 %, not met).
- 06.12.2026, a sixth session (a new machine: AMD EPYC, 2 cores; floor 3.7–4.5 ms, 480–530 req/s under load). The code
  of the fifth session read the mix at 31 % here. Saving an agreement made 23 queries, most of its Python spent
  building and compiling them: the goal's pathway and plan now come with what the request read, and the delta's
  re-read, the next row, the goal, the team and the departments run kept compiled (21 queries; CPU in the process 19.5
  → 13 ms, measured while the citizen was copied from the request: one read less, since put back). A kept query's
  column converters are worked out once (`core.db._KeptConverters`). *Mine forløb* after a save in one of the user's
  pathways read that pathway's facts with a query built and compiled on the view (15.5 ms CPU against 11 without the
  save); a few changed pathways now share one kept query. The portal's tabs are reversed once per process
  (`core.chrome.object_url`). Runs without the access log: 18:41 (the write) the mixed load 31 % (157.7 req/s against
  510 and 489), the overview 2.11×, the portal's plan 4.19×, a leader's results 4.03×; 19:07 (the converters, the
  tabs) 31 % (161.1 against 527 and 518); 19:16 (the facts) 33 % (173.3 against 526 and 484), every page within its
  goal; 19:20 (this report, the same code) 34 % (172.4 against 505 and 457), with *Mine forløb* 4.07×, the worklist
  4.02× and a leader's results 4.17× (3.54×, 3.77× and 3.81× at 19:16). Under load each kind's median was 2.9–3.4× the
  floor's (the overview and the plan 2.9×, *Mine forløb* and the write 3.3–3.4×) against 1.9–3.7× one request at a
  time.
- 06.12.2026, a seventh session (another new machine: AMD EPYC, 2 cores; its speed moved by a third within the
  session, the floor under load at 380–600 req/s). The code of the sixth session had no clean run here (the first
  shared the machine with tests); the same load for 20 s at a time read it at 30–38 %. Measured per kind under
  load (CPU of the gunicorn workers, PostgreSQL and the client from /proc): the server was 97 % busy on the floor
  but 85–90 % on the mix; with PostgreSQL's
  `synchronous_commit` off (a test only, not a setting) the mix was 97 % busy and 9 % faster, so the rest is the
  workers waiting for their commits, every page view's access log included. Five workers instead of two kept the CPU
  busy but cost more CPU per request: the mix was no faster (133–147 req/s against 147–173), and the bench keeps
  workers = cores. PostgreSQL's share of a save was 10.1 ms of CPU: the plan's latest version was found by sorting
  all its versions, four times, and the bench's own writes had given the pool's first plan 1,338 versions, so every
  run made the next one's writes dearer. It is now read from the (municipality, plan, number) index, and the delta's
  next row from a (goal, due_on, id) index: 5.6 ms. One CSRF token per request instead of three, the access log's
  INSERT prepared with each column as one array literal (psycopg typed Python lists by their values and dumped them
  element by element: 50 rows 0.64 → 0.28 ms of CPU, one row 0.19 → 0.12), and the row tags' escaping without
  Django's lazy-string wrapper. Runs without the access log:
  22:14 (the token) 29 % (144.5 req/s against 502 and 427); 22:33 (the indexes) 29 % (175.7 against 565 and 604);
  22:49 (the INSERT, the escaping) 33 % (197.5 against 590 and 594), the overview 2.10× (p95 3.29×), *Mine forløb*
  3.85×, the worklist 4.05×, the portal's plan 4.09×, a leader's results 4.25× against a floor of 3.3 ms, the
  fastest yet; 22:50 (the same code) 30 % (174.1 against 587 and 579), the worklist 4.08×, the portal's plan 4.05×,
  a leader's results 4.29×. The final run (the array literals) was that session's report.
- 07.12.2026, an eighth session (another new machine: AMD EPYC, 2 cores; the floor 6.5–7.9 ms one at a time and
  330–440 req/s under load, slower than the last). The first run, on the seventh session's code, read every page
  within its goal (the floor being slow) and the mix at 27 % (118.3 req/s). Each kind alone under 16 clients (12 s
  each, the floor 426 req/s): the overview 2.3×, the plan 2.2×, *Mine forløb* 3.9×, saving an agreement 7.9× —
  3.15× weighted, 32 % expected, 27 % measured: the mix costs more than its parts. Part of that is *Mine forløb*
  after a save in one of the user's pathways (the pool is theirs): 19.1 ms of CPU in the process against 13.0 alone.
  Its facts' subqueries were built on every view that read a changed pathway, though the kept query runs without
  them, and each of the ~200 pathways asked the connection proxy whether the open transaction had changed it; both
  are gone (17.8 against 12.3 ms; the rest of the gap shows in no profile: caches the save left cold). Python's
  collector was measured in the workers under the mix: 0.15 ms of 9.4 ms CPU a request (the floor 0.06 of 3.5), so
  `gc.freeze()` or other thresholds were left alone. The machine was 91–93 % busy under the mix, 95–96 % under
  the floor: the commit waits of the seventh session's notes, smaller here. The layout's five `{% static %}`
  look-ups are now kept with the chrome. The final run (this report): every page within its goal, the mix 34 %
  (141.8 req/s against 415.4 and 370.4).
- 07.12.2026, a ninth session (another new machine: AMD EPYC, 2 cores; the floor 7.5–8.3 ms one at a time and
  220–295 req/s under load, the slowest yet). Three runs without the access log: 05:21 on the eighth session's code,
  every page within its goal and the mix 34.6 % (101.2 req/s against 292.8 and 255.8); 05:46 after the write path's
  redundant indexes went (an agreement's goal, pathway and owner, the pathway of a plan version, an event and a
  change-log row, a change-log row's content type: 9 of the 44 index entries a saved agreement wrote, each led a
  composite index), 37 % (101.6 against 221.5 and 274.5); 06:03 (this report, the same code) 31 % (89.2 against 232.0
  and 284.3). The mix's own throughput moved with the machine, not with the change, and the floor's two runs of one
  report differed by up to 24 %. In the process a saved agreement cost 23–32 ms of CPU here (21 queries, none over
  1 ms; ~39 model instances, 9 of them the departments a goal form offers, read for an agreement form too).
  A full run with the access log at 100,000,000 rows was begun and stopped: the rows went in at 40,000 a second on
  this machine, about 40 minutes for the large size, which the session could not spare before CI.
- 07.12.2026, a tenth session (another new machine: AMD EPYC, 2 cores, faster than the last: the floor 4.6–6.7 ms one
  at a time, 370–490 req/s under load). The access log was grown to 100,000,000 rows in 27 minutes (64,000– 103,000
  rows a second; the database 27 GB). The mixed load is now interleaved with the floor as the pages are: the floor, a
  quarter of the mix, the floor, … , the floor, 15 s each, held to the floor's median slice. The faster of one floor
  run before and one after the mix was biased upwards, and the last report's two floor runs differed by 22 %, all of
  it against the mix; within one run here the floor's slices spread 372–488 and 407–489 req/s. 09:42 (the first run)
  36 %, 32 % against the fastest floor slice; 09:52 35 % (157.0 req/s against a median slice of 443.1), 32 %. A review
  found that every slice drew the same sequence of requests (each thread's generator was seeded by its number alone);
  each slice now draws its own. 10:05 (this report, that code) 33 % (188.4 req/s against a median slice of 575.2), 28
  % against the fastest: the floor's slices spread 433–672 req/s in that one run, the widest yet, and the mix's four
  slices rose 162 → 224. In the same run the access log's coordinator page read 10.58× at 100,000 rows and 11.66× at
  100,000,000 (+10.2 %, just over the goal; 10.68× and 10.50× at 09:52, 9.95× and 10.09× at 09:42): the two log sizes
  are measured one after the other, each in its own phase against its own floor (4.1 and 5.1 ms here), not side by
  side as the municipality sizes are, so the machine's drift between the phases falls on one of them only. The
  citizen's insight page, measured before only beside the access log and without a goal (6.9–7.0× at both sizes), is
  now in the ratio table with the portal's 4×: its 50 cards are written in Python (23.8 → ~12–14 ms of CPU in the
  process), the labels are read once per page, the readers are one query for the rows shown instead of three joins in
  each of the two log queries (PostgreSQL plans each log query over every month's partition, 30 here: 3.1 → 1.9 ms and
  2.6 → 1.2 ms of planning), and the linked persons are read once instead of twice: 4.84×, 4.87× and 5.24× in the
  three full runs, **not met**. What is left is that planning (two queries, ~3 ms) and the Python of the page (~12 ms
  against the floor's ~2). Keeping the two log queries as prepared statements was tried and dropped: PostgreSQL then
  chose a generic plan that read and sorted all of a citizen's rows of the month (5.6 ms for 4,877 rows, against 0.4
  ms for the plan made for the values). The bench's own runs log thousands of reads of one citizen within minutes,
  faster than autovacuum analyses the month, and with the stale estimate the planner read all of them for the insight
  page (6 ms) until the bench began to `ANALYZE` the log before it measures (what autovacuum keeps on a steady system;
  a citizen read thousands of times within a month would meet the same plan in production until the month is
  analysed). The coordinator's access-log page reads 10.5–10.7× the floor at both sizes (no goal: its filter form's
  widgets, 200 change-log rows and 50 refusals in the template engine).
- 07.12.2026, an eleventh session (another new machine: AMD EPYC, 2 cores; the floor 3.6–5.4 ms one at a time,
  350–500 req/s under load; the access log grown to 100,000,000 rows again in about 27 minutes, 55,000–100,000 rows a
  second). The access log's two sizes are now measured side by side as the municipality sizes are: each size's phase
  generates and analyses, then a gunicorn on each database and the three pages round-robin [floor, page] at one
  size, then at the other (`measure_log`), and last each size's write in its own phase. With the write timed right
  after the generation and `ANALYZE` (a first cut) the large size's write read 1.06× against 0.95× (+12 %, not met);
  after the pages, as before, 1.04× against 0.99×. The citizen's insight page now asks its two log queries first for
  this month and the last (UTC, as the partitions are cut), where PostgreSQL plans them over 3–5 partitions (0.3–0.7
  ms of planning against 1.6–2 ms over all 29), and for the months before only when those do not fill the page
  (every older row ranks below every row in the window): 5.24× → 4.46× in a ratio table alone. Then the queries
  compiled once per shape and connection but not prepared (`precompiled_rows(prepare=False)`: the generic plan
  problem of the tenth session's notes stands, also with an index in the page's exact order, tried here: the
  generic plan estimates a citizen's rows as the average and reads and sorts them all), the cards' moments written
  by `strftime` with the format translated once (`core.dates.short_datetime`: Django's `date_format` took 1.1 ms for
  50), and a page's labels and each staff reader's role per day worked out once (`get_role_display` built the
  choices dict per row): 4.15× → 3.72× and 3.83× in ratio tables alone, 3.84× in the first full run, 3.66× in this
  report (12:49). The mixed load read 34 % in both full runs (the first: 479.7 req/s the fastest floor slice, 33 %
  against it; 12:49: 153.3 req/s against a median floor slice of 456.1, 31 % against the fastest), **not met**.
  Measured one kind at a time under the same 16 clients, in core-milliseconds a request: the floor 4.9 (gunicorn
  3.5, PostgreSQL 0.6, the client 0.5), the overview 9.6, the 200-item plan 12.0, *Mine forløb* 21.6 (gunicorn 13.5,
  PostgreSQL 5.0) and adding an agreement 22.6 (gunicorn 15.3, PostgreSQL 5.2; in-process about 9 of its 21 ms are
  waits on its 21 queries, the commit included): weighted 14.0, 35 %. *Mine forløb* and the write, 30 % of the mix,
  are 47 % of its cost; nothing this session made them cheaper. The coordinator's access-log page read 10.50× and
  9.11× at the two sizes (no goal beyond the same cost).
- 07.12.2026, a twelfth session (another new machine: Intel Xeon, 2 cores, 24 GiB; the floor 3.1–3.8 ms one at a
  time, 510–655 req/s under load; the access log generated to 100,000,000 rows again, 15–20 minutes beside tests).
  The first full run, on the eleventh session's code right after seeding (14:44–15:06), met every goal but one: the
  mixed load read 37 % here (239.6 req/s against a median floor slice of 643.9; 34 % on the last machine with the
  same code), but the citizen's insight page read 4.26× (4.17× in a ratio table after it), **not met** on this
  machine. In the process 1.0 ms of `insight_page`'s 4.2 ms was Django building three small queries by a list of
  ids on every view (the readers, their memberships, the linked drop-in persons); they are now kept per number of
  places (`core.db.precompiled_rows_by_ids`: the ids fill the fewest of 1, 2, 4 … 64 places, the rest repeat the
  last id), which the worklist's own two paddings now use too: `insight_page` 3.2 ms, the page 3.47× in a ratio
  table. *Mine forløb*'s list query now cuts the page before it joins (a subquery sorts the scope on the pathway's
  own columns and takes the page; only those rows are joined to their names and judged by the coordinator rule):
  1.83 → 0.81 ms of execution for the bench user's 202 pathways, planning unchanged (1.63 / 1.67 ms), the list
  2.13 → 1.96 ms in the process. Each kind alone under the same 16 clients for 12 s (core-milliseconds a request):
  the floor 3.57 (528 req/s, the CPU 94 % busy), the mix 8.79 (195.2 req/s, 37 %; 86 % busy: the workers wait for
  their commits), the overview 5.82, the plan 5.59, adding an agreement 16.6 (*Mine forløb*'s window lost a
  PostgreSQL process's ticks and is not given). This report (15:22): every goal met, the mixed load 38 % (206.2
  req/s against 537.0; 37 % against the fastest floor slice), the insight page 3.46×, the access log's pages and
  write the same at both sizes. The mixed load's share moves more between machines (34 % and 37 % with the same
  code) than with this session's changes.
"""
