"""Set-up for the whole suite.

Settings: tests run with DEBUG off, as production does, with fixed test-only keys (set here because the
settings refuse to load without them). A watch over the whole session checks that no CPR number made by
the factories ever appears in a requested URL or a log line (see `tests/cpr_watch.py`).

The clock: no test may depend on today's date. Tests derive dates from `timezone.localdate()` /
`timezone.now()`, or pin the clock with time-machine (`time_machine.travel(...)` or the `time_machine` fixture).
To prove it, run the suite with the clock moved: `SAMSPIL_TEST_CLOCK_SHIFT_DAYS=365 make test` starts one
time-machine travel to now + 365 days (ticking) before Django is set up, so it is in force while the test
database is created and during every test; a test's own travel nests inside it and ends back on the shifted
clock. Any number works (negative moves it back, a fraction moves the hour too: `363.6` lands late in the evening
to catch a test that takes `now() - N days` for the local day N days ago across a change of summer time); 0 runs
through the same machinery on today's date. The
header of the run names the date the suite believes it is. CI runs the PostgreSQL pass a year ahead.
Only Python's clock moves: the database server's own `now()` does not, so the product must not use it.
"""

import datetime
import logging
import os
import time
from dataclasses import dataclass

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.config.settings")
# Forced, not defaulted: the Makefile exports DJANGO_DEBUG=1 and SAMSPIL_DEMO_MODE=1 for `make run`, and the
# tests must see the production behaviour (demo accounts locked, secure cookies, no debug pages).
os.environ["DJANGO_DEBUG"] = "0"
os.environ["SAMSPIL_DEMO_MODE"] = "0"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
os.environ.setdefault("DJANGO_SECRET_KEY", "samspil-tests-only-secret-key-never-use-it-anywhere-else")
# A Fernet key generated once for the tests; it encrypts nothing but factory data.
os.environ.setdefault("SAMSPIL_CPR_ENCRYPTION_KEYS", "wejZWVb-YjlWZ3kXPFmYoSNAlwtLEET7LbHWhLxlYyI=")
os.environ.setdefault("SAMSPIL_CPR_INDEX_KEY", "samspil-tests-only-blind-index-key")
# Under pytest-xdist (`-n 2`; CI does not use it, it runs two passes side by side) every test empties the cache,
# so each worker gets a Redis database of its own, counting down from the one REDIS_URL names (gw0: /15, gw1: /14,
# …). The test databases are the workers' own already (pytest-django adds the worker's name).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and os.environ.get("REDIS_URL", "").rstrip("/").rpartition("/")[2].isdigit():
    _redis_base, _, _redis_db = os.environ["REDIS_URL"].rstrip("/").rpartition("/")
    os.environ["REDIS_URL"] = f"{_redis_base}/{int(_redis_db) - int(_XDIST_WORKER[2:])}"

from tests import cpr_watch  # noqa: E402  (pure Python: importable before Django is set up)

URL_EXEMPT_MARKER = "sends_cpr_in_query_string"


class _LogCapture(logging.Handler):
    """Keeps every log line of the session for the CPR watch."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a broken log call must not break the watch
            line = f"{record.msg!r} {record.args!r}"
        cpr_watch.WATCH.record_log(f"{record.name} {record.levelname} {line}")


def _record_request(sender, environ=None, **kwargs):
    if environ is None:
        return
    query = environ.get("QUERY_STRING", "")
    cpr_watch.WATCH.record_url(environ.get("PATH_INFO", "") + (f"?{query}" if query else ""))


CLOCK_SHIFT_VARIABLE = "SAMSPIL_TEST_CLOCK_SHIFT_DAYS"
_clock_travel = None  # the session's time-machine travel while the clock is shifted


def _clock_shift_days() -> float | None:
    value = os.environ.get(CLOCK_SHIFT_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise pytest.UsageError(f"{CLOCK_SHIFT_VARIABLE} must be a number of days, not {value!r}") from None


def _start_clock_shift() -> None:
    global _clock_travel
    days = _clock_shift_days()
    if days is None or _clock_travel is not None:
        return
    import time_machine

    # A POSIX timestamp, not a datetime: an aware datetime would make time-machine set TZ for the process.
    _clock_travel = time_machine.travel(time.time() + days * 86400, tick=True)
    _clock_travel.start()


def pytest_report_header(config):
    days = _clock_shift_days()
    today = datetime.date.today()  # the moved clock when it is moved: what the suite takes for today
    if days is None:
        return f"clock: real, today is {today:%d.%m.%Y} (set {CLOCK_SHIFT_VARIABLE} to move it)"
    now = datetime.datetime.now(datetime.UTC)
    return f"clock: moved {days:+g} days by {CLOCK_SHIFT_VARIABLE}: it is {now:%d.%m.%Y %H:%M} UTC"


def pytest_unconfigure(config):
    global _clock_travel
    if _clock_travel is not None:
        _clock_travel.stop()
        _clock_travel = None


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{URL_EXEMPT_MARKER}: the test puts a CPR number in a query string on purpose (to prove it is "
        "ignored); the CPR watch skips that test's URLs but still checks its log lines",
    )
    _start_clock_shift()  # before Django is set up and the test database is created
    import django
    from django.core.signals import request_started

    django.setup()  # before attaching the handler: Django's logging set-up replaces the root handlers
    from django.conf import settings

    # WhiteNoise warns on every request handler when the `collectstatic` target is missing.
    os.makedirs(settings.STATIC_ROOT, exist_ok=True)
    # First in line, so it sees each record as logged: the console handler's CPR redaction rewrites records in
    # place, and the watch is there to catch code that relies on that safety net.
    logging.getLogger().handlers.insert(0, _LogCapture())
    request_started.connect(_record_request, dispatch_uid="tests.cpr_watch.request_started")
    from django.db.backends.signals import connection_created

    connection_created.connect(_shared_memory_reads, dispatch_uid="tests.sqlite.shared_memory_reads")


def _shared_memory_reads(sender, connection, **kwargs):
    """The SQLite test database lives in memory with a shared cache: a live server's request and a thread it starts
    (the consumption import without a broker) are two connections to it, and in that mode a reader holds a lock on
    each table it reads, so the import's first write failed with "database table is locked" while the progress page
    read the job. Readers that take no table locks (`read_uncommitted`, which only exists for a shared cache) give
    the file database's behaviour in WAL mode: reading never stops a writer."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    cpr_watch.WATCH.current_test = item.nodeid
    cpr_watch.WATCH.url_exempt = item.get_closest_marker(URL_EXEMPT_MARKER) is not None
    try:
        return (yield)
    finally:
        cpr_watch.WATCH.current_test = "(outside a test)"
        cpr_watch.WATCH.url_exempt = False


def pytest_sessionfinish(session, exitstatus):
    seen = cpr_watch.WATCH.urls + cpr_watch.WATCH.log_lines
    leaks = cpr_watch.find_leaks(cpr_watch.GENERATED, seen)
    if not leaks:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter else print
    write(
        f"CPR LEAK: {len(leaks)} captured URL(s) or log line(s) contain a CPR number made by the factories:",
        red=True,
        bold=True,
    ) if reporter else write(f"CPR LEAK: {len(leaks)}")
    for item, digits in leaks:
        write(f"  [{item.kind}] {item.test}: {cpr_watch.masked(item.text, digits)}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- fixtures shared by every app's tests -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Uploads (consumption files with CPR numbers) go to the test's own directory, never under var/.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SAMSPIL_SEGMENTATION_UPLOAD_ROOT = str(tmp_path / "media" / "segmentation")
    # Hashing with PBKDF2 would make every created user slow; the manifest storage needs `collectstatic`.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # DEBUG is off, so the settings require TOTP after a password log-in, as production does. The suite logs in
    # with a password only; the TOTP tests (samspil/accounts/tests/test_totp*.py) switch it back on.
    settings.SAMSPIL_REQUIRE_TOTP = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def clock_cache(settings):
    """A cache (and cached sessions) whose timeouts follow Python's clock: for a test that moves the clock past a
    cache timeout (a lock, a session's expiry). Redis, which CI's PostgreSQL pass uses, keeps real time, so
    time-machine cannot expire its keys."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "clock"}}
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the log-in throttle counts failures per client address in it, and
    with REDIS_URL set (as in CI) the counts would otherwise carry over between tests and between runs.
    Point REDIS_URL at a database of its own for the tests (CI uses /15): this empties it."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class World:
    """One municipality with three departments, an adult citizen's pathway and the people around it.

    - `coordinator`: caseworker in children and youth (the lead department), coordinates `pathway`
    - `colleague`: professional in children and youth, on the team (the coordinating department)
    - `jobworker`: caseworker in the job centre, on the team; sees the pathway only with consent or legal basis
    - `outsider`: caseworker in children and youth, on no team
    - `head`: department head of children and youth, on no team
    - `stranger`: caseworker in another municipality
    """

    municipality: object
    children: object
    jobs: object
    health: object
    coordinator: object
    colleague: object
    jobworker: object
    outsider: object
    head: object
    programme: object
    citizen: object
    pathway: object
    colleague_place: object
    jobworker_place: object
    other_municipality: object
    stranger: object


@pytest.fixture
def world(db) -> World:
    from samspil.organisations.choices import DepartmentKind, StaffRole
    from tests import factories as f

    municipality = f.MunicipalityFactory()
    children = f.DepartmentFactory(municipality=municipality, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
    health = f.DepartmentFactory(municipality=municipality, name="Sundhed", kind=DepartmentKind.HEALTH)
    coordinator = f.make_staff(children, StaffRole.CASEWORKER)
    colleague = f.make_staff(children, StaffRole.PROFESSIONAL)
    jobworker = f.make_staff(jobs, StaffRole.CASEWORKER)
    outsider = f.make_staff(children, StaffRole.CASEWORKER)
    head = f.make_staff(children, StaffRole.DEPARTMENT_HEAD)
    programme = f.ProgrammeFactory(municipality=municipality)
    citizen = f.CitizenFactory(municipality=municipality, born=f.years_ago(34))
    pathway = f.PathwayFactory(coordinator=coordinator, lead_department=children, programme=programme, citizen=citizen)
    colleague_place = f.TeamMemberFactory(pathway=pathway, user=colleague, department=children)
    jobworker_place = f.TeamMemberFactory(pathway=pathway, user=jobworker, department=jobs)
    other_municipality = f.MunicipalityFactory()
    stranger = f.make_staff(f.DepartmentFactory(municipality=other_municipality), StaffRole.CASEWORKER)
    return World(
        municipality=municipality,
        children=children,
        jobs=jobs,
        health=health,
        coordinator=coordinator,
        colleague=colleague,
        jobworker=jobworker,
        outsider=outsider,
        head=head,
        programme=programme,
        citizen=citizen,
        pathway=pathway,
        colleague_place=colleague_place,
        jobworker_place=jobworker_place,
        other_municipality=other_municipality,
        stranger=stranger,
    )


@pytest.fixture
def request_id():
    """Bind an acting user and a known request id, as the middleware does for a request."""
    from samspil.audit import context

    def bind(actor, value="test-request-1"):
        return context.bound(actor_id=actor.pk, request_id=value)

    return bind
