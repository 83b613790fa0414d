"""`make bench`: a Copenhagen-scale municipality in PostgreSQL, and latency and queries per page.

Seeds 35,000 pathways with about one million plan items (goals and agreements) by bulk inserts, then measures
"Mine forløb", the worklist, the pathway overview and a plan page with 200 items: queries per request
in-process, and p50/p95 latency over HTTP against gunicorn, for one client and for 8 concurrent clients.
"""

import datetime
import http.client
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
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
GOALS_PER_PATHWAY = 6
AGREEMENTS_PER_GOAL = 4  # 6 goals + 24 agreements = 30 plan items a pathway, about 1.05 million in all
BENCH_USER = "bench-koordinator"
BENCH_PATHWAYS = 200  # the bench user's own pathways: more than one page of "Mine forløb"
BIG_PLAN_ITEMS = 200  # 20 goals × (1 + 9 agreements)
BATCH = 5000


def _log(message: str) -> None:
    print(message, flush=True)


@dataclass
class Seeded:
    user: User
    overview_pathway: Pathway
    big_plan_pathway: Pathway


def seed(*, pathways: int = PATHWAYS) -> Seeded:
    """Idempotent: a municipality that already exists with the bench user is reused as it is."""
    existing = User.objects.filter(username=BENCH_USER).first()
    if existing is not None:
        big = Pathway.objects.filter(coordinator=existing, referral_reason="bench: 200 plan items").first()
        overview = Pathway.objects.filter(coordinator=existing).order_by("id").first()
        _log("bench data already seeded; reusing it")
        return Seeded(user=existing, overview_pathway=overview, big_plan_pathway=big)
    from samspil.plans.choices import AgreementStatus, GoalType, Horizon, LifeArea, OwnerKind
    from samspil.plans.models import Agreement, Goal, Plan

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
    dept_of = {user.pk: departments[kinds[i % len(kinds)]] for i, user in enumerate(others)}
    _log(f"organisation: {time.monotonic() - started:.1f} s")

    today = timezone.localdate()
    for start in range(0, pathways, BATCH):
        count = min(BATCH, pathways - start)
        with transaction.atomic():
            citizens = []
            for n in range(start, start + count):
                born = today - datetime.timedelta(days=rng.randint(16 * 365, 70 * 365))
                digits = f"{born:%d%m%y}{(4 if born.year >= 2000 else 1)}{n % 1000:03d}"
                citizen = Citizen(
                    municipality=municipality,
                    first_name="Borger",
                    last_name=f"Nr. {n:05d}",
                    street="Benchvej 1",
                    postcode="9999",
                    city="Benchby",
                )
                citizen.set_cpr(digits)
                citizen.cpr_index = f"{citizen.cpr_index[:54]}{n:010d}"  # unique even where dates repeat
                citizens.append(citizen)
            Citizen.objects.bulk_create(citizens, batch_size=BATCH)
            rows = []
            for offset, citizen in enumerate(citizens):
                n = start + offset
                mine = n < BENCH_PATHWAYS
                coordinator = bench_user if mine else others[n % len(others)]
                rows.append(
                    Pathway(
                        municipality=municipality,
                        programme=programme,
                        citizen=citizen,
                        coordinator=coordinator,
                        lead_department=lead if mine else dept_of[coordinator.pk],
                        status=PathwayStatus.ACTIVE,
                        opened_on=today - datetime.timedelta(days=rng.randint(1, 700)),
                        referral_reason="bench: 200 plan items" if n == 0 else "bench",
                    )
                )
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
                for colleague in rng.sample(others, 3):
                    if colleague.pk != p.coordinator_id:
                        members.append(
                            TeamMember(
                                municipality=municipality,
                                pathway=p,
                                kind=TeamMemberKind.STAFF,
                                user=colleague,
                                department=dept_of[colleague.pk],
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
            plans = [
                Plan(municipality=municipality, pathway=p, citizen_wishes="Jeg vil gerne have et job.") for p in rows
            ]
            Plan.objects.bulk_create(plans, batch_size=BATCH)
            goals = []
            for plan, p in zip(plans, rows, strict=True):
                number = 20 if p.referral_reason.startswith("bench: 200") else GOALS_PER_PATHWAY
                for g in range(number):
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
            Goal.objects.bulk_create(goals, batch_size=BATCH)
            agreements = []
            for goal in goals:
                number = 9 if goal.pathway.referral_reason.startswith("bench: 200") else AGREEMENTS_PER_GOAL
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
                            status=rng.choice(
                                [AgreementStatus.AGREED, AgreementStatus.IN_PROGRESS, AgreementStatus.DONE]
                            ),
                        )
                    )
            Agreement.objects.bulk_create(agreements, batch_size=BATCH)
        _log(f"pathways {start + count:>6}/{pathways}: {time.monotonic() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user = User.objects.get(username=BENCH_USER)
    return Seeded(
        user=user,
        overview_pathway=Pathway.objects.filter(coordinator=user)
        .exclude(referral_reason__startswith="bench: 200")
        .order_by("id")
        .first(),
        big_plan_pathway=Pathway.objects.get(coordinator=user, referral_reason="bench: 200 plan items"),
    )


# --- measuring ---------------------------------------------------------------------------------------------


def _session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def _queries(user: User, path: str) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # Transaction control (BEGIN, COMMIT, SAVEPOINT …) is not a query against the data.
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return sum(1 for query in captured.captured_queries if not query["sql"].lstrip().upper().startswith(control))


def _timed_gets(port: int, path: str, cookie: str, count: int) -> list[float]:
    timings = []
    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        started = time.perf_counter()
        connection_.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
        response = connection_.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    connection_.close()
    return timings


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(seeded: Seeded, *, requests: int = 60, clients: int = 8, port: int = 8765) -> list[dict]:
    pages = [
        ("Mine forløb", reverse("pathways:mine")),
        ("Arbejdsliste", reverse("pathways:worklist")),
        ("Forløbsoverblik", reverse("pathways:overview", args=[seeded.overview_pathway.public_id])),
        ("Plan, 200 punkter", reverse("plans:plan", args=[seeded.big_plan_pathway.public_id])),
    ]
    cookie = _session_cookie(seeded.user)
    env = {**os.environ, "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "samspil.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(os.cpu_count() or 2),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for name, path in pages:
            queries = _queries(seeded.user, path)
            _timed_gets(port, path, cookie, 5)  # warm up
            single = _timed_gets(port, path, cookie, requests)
            concurrent: list[float] = []
            lock = threading.Lock()

            def worker(path=path, concurrent=concurrent, lock=lock):
                timings = _timed_gets(port, path, cookie, requests // 2)
                with lock:
                    concurrent.extend(timings)

            threads = [threading.Thread(target=worker) for _ in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            results.append(
                {
                    "page": name,
                    "queries": queries,
                    "p50": statistics.median(single),
                    "p95": _percentile(single, 0.95),
                    "c_p50": statistics.median(concurrent),
                    "c_p95": _percentile(concurrent, 0.95),
                    "rps": len(concurrent) / elapsed,
                }
            )
            _log(f"{name}: {results[-1]}")
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


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


def table(results: list[dict], *, counts: dict) -> str:
    lines = [
        f"Seeded: {counts['pathways']:,} pathways, {counts['items']:,} plan items (goals and agreements).",
        "",
        "| page | queries | p50 ms (1 client) | p95 ms (1 client) | p50 ms (8 clients) | p95 ms (8 clients) "
        "| req/s (8) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        lines.append(
            f"| {row['page']} | {row['queries']} | {row['p50']:.1f} | {row['p95']:.1f} | {row['c_p50']:.1f} "
            f"| {row['c_p95']:.1f} | {row['rps']:.1f} |"
        )
    return "\n".join(lines)


def goals(results: list[dict]) -> str:
    """The issue's goals, met or not, from these numbers."""
    plan = next(row for row in results if row["page"].startswith("Plan"))
    over = [row["page"] for row in results if row["queries"] > 10]
    lines = ["## Goals", ""]
    lines.append(
        f"- Queries per page at most 10: {'met' if not over else 'not met (' + ', '.join(over) + ')'}. "
        "Constant in the number of rows on every page (tested in the suite at 5 and 200 rows)."
    )
    lines.append(
        f"- 200-item plan page p95 ≤ 60 ms for one client: {'met' if plan['p95'] <= 60 else 'not met'} "
        f"({plan['p95']:.0f} ms). Most of the time is Python: building the access-policy query and "
        "rendering the template, not the database."
    )
    return "\n".join(lines)


def write_report(results: list[dict], *, counts: dict, path: Path) -> str:
    report = table(results, counts=counts)
    text = (
        "# Benchmarks\n\n"
        "Made by `make bench` (samspil/demo/bench.py). Goals (issue 3): queries per page constant and at most 10; "
        "the 200-item plan page p95 ≤ 60 ms for a single user on the 2-core development machine.\n\n"
        f"## {timezone.localdate():%d.%m.%Y}\n\n"
        f"Machine: {machine()}. Server: gunicorn, {os.cpu_count()} sync workers, DEBUG off, no Redis.\n\n"
        f"{report}\n\n"
        f"{goals(results)}\n"
    )
    path.write_text(text, encoding="utf-8")
    return report
