"""The portal's permission matrix: every portal URL, every method it answers, as every kind of person.

The staff matrix (`tests/test_permission_matrix.py`) walks the staff pages, a citizen account among its roles; this
one walks the URLs of the `portal` namespace (`/borger/…`), generated from the URL walk, so a new portal page
without a declaration fails `test_every_portal_url_has_a_declaration`.

The world: one municipality, its coordinator, and four pathways with the people around them —

- `adult`: a citizen of 34 with write access;
- `young`: a young person of 16 with write access; the mother holds custody (write access), the father has none
  (he has a portal-right row all the same: the rule, not the row, keeps him out);
- `child`: a child of 10 (a portal right of their own, which the age rule overrides: under 15 the custody holders
  use the portal) and the custody holder with read access only;
- `adult18`: a young person who turns 18 today, with write access; the mother held custody until yesterday
  (write access): from the birthday, the parents' access ends by itself.

Every case checks:

- the anonymous are sent to the portal's log-in page; nothing read, nothing written;
- a person the rules keep out (and a staff account): 404, exactly as a pathway that does not exist, one
  `access.denied` event, no access-log row, no change;
- a person with read access: every GET answers, a POST that needs the write right is refused like a stranger's;
- the allowed: the declared status, and for every GET exactly one access-log row per citizen the page shows, with
  the basis of the read (own / custody), the purpose `portal` (or `data_request` for the download of one's data).
"""

import datetime
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samspil.audit.choices import AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.citizens.choices import GuardianRelation
from samspil.organisations.choices import DepartmentKind, StaffRole
from tests import factories as f
from tests import permission_world as pw

pytestmark = pytest.mark.django_db

NAMESPACES = ("portal",)

R, W = "read", "write"


@dataclass(frozen=True)
class Person:
    name: str
    pathway: str  # the pathway the person reaches, or tries
    level: str | None  # what the person may do there: R, W or None (kept out)
    via: str = AccessVia.OWN
    description: str = ""

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"


PEOPLE = [
    Person("anonymous", "adult", None, description="not logged in"),
    Person("adult", "adult", W, description="an adult citizen with write access"),
    Person("young", "young", W, description="16, write access"),
    Person("custody_of_young", "young", W, AccessVia.CUSTODY, "the mother, custody holder of the 16-year-old"),
    Person("parent_without_custody", "young", None, description="the father, no custody (a right row all the same)"),
    Person("child_under_15", "child", None, description="10: under 15 the custody holders use the portal"),
    Person("custody_of_child", "child", R, AccessVia.CUSTODY, "custody holder of the 10-year-old, read only"),
    Person("turned_18", "adult18", W, description="18 today"),
    Person("custody_of_turned_18", "adult18", None, description="custody ended with the 18th birthday"),
    Person("other_citizen", "adult", None, description="a citizen with portal access to nothing here"),
    Person("staff", "adult", None, description="the pathway's coordinator: staff never reach the portal"),
]


@dataclass(frozen=True)
class PortalUrl:
    """A portal page about one pathway (its first URL argument, `pathway_id`).

    `get`: what an allowed GET answers (None: the URL answers no GET). `post`: what an allowed, empty POST answers.
    `post_needs_write`: a POST needs the write right (a reader is refused like a stranger). `shown`: the access-log
    code a GET writes (one row per citizen of the pathway); None: a GET shows no citizen data."""

    name: str
    get: int | None = 200
    post: int | None = None
    post_needs_write: bool = True
    args: tuple[str, ...] = ()
    shown: str | None = None
    purpose: str = "portal"


@dataclass(frozen=True)
class PortalPage:
    """A portal page outside one pathway (the home list): `reads(world, person)` is the Counter of rows a GET writes."""

    name: str
    get: int | None = 200
    post: int | None = None
    reads: object = None


def _home_reads(world, person):
    if person.level is None:
        return Counter()
    pathway = world.pathways[person.pathway]
    return Counter((c.pk, pathway.pk) for c in world.subjects[person.pathway])


PORTAL_PAGES = [
    PortalPage("portal:home", reads=_home_reads),
]

PORTAL_URLS: list[PortalUrl] = []

DECLARED = {d.name: d for d in PORTAL_URLS} | {d.name: d for d in PORTAL_PAGES}


# --- the world -------------------------------------------------------------------------------------------


@dataclass
class PortalWorld:
    pathways: dict
    subjects: dict
    accounts: dict
    targets: dict
    coordinator: object


def build() -> PortalWorld:
    municipality = f.MunicipalityFactory()
    children = f.DepartmentFactory(municipality=municipality, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    coordinator = f.make_staff(children, StaffRole.CASEWORKER)
    programme = f.ProgrammeFactory(municipality=municipality)
    today = timezone.localdate()

    def pathway_for(citizen):
        return f.PathwayFactory(coordinator=coordinator, lead_department=children, programme=programme, citizen=citizen)

    adult = f.CitizenFactory(municipality=municipality, born=f.years_ago(34))
    young = f.CitizenFactory(municipality=municipality, born=f.years_ago(16))
    child = f.CitizenFactory(municipality=municipality, born=f.years_ago(10))
    turned = f.CitizenFactory(municipality=municipality, born=f.years_ago(18))
    mother, father, child_parent, turned_mother, other = (
        f.CitizenFactory(municipality=municipality, born=f.years_ago(44)) for _ in range(5)
    )
    f.GuardianshipFactory(child=young, guardian=mother, relation=GuardianRelation.MOTHER, has_custody=True)
    f.GuardianshipFactory(child=young, guardian=father, relation=GuardianRelation.FATHER, has_custody=False)
    f.GuardianshipFactory(child=child, guardian=child_parent, relation=GuardianRelation.MOTHER, has_custody=True)
    f.GuardianshipFactory(
        child=turned,
        guardian=turned_mother,
        relation=GuardianRelation.MOTHER,
        has_custody=True,
        valid_from=today - datetime.timedelta(days=18 * 365),
    )
    pathways = {
        "adult": pathway_for(adult),
        "young": pathway_for(young),
        "child": pathway_for(child),
        "adult18": pathway_for(turned),
    }
    rights = [
        ("adult", adult, W),
        ("young", young, W),
        ("young", mother, W),
        ("young", father, W),
        ("child", child, W),
        ("child", child_parent, R),
        ("adult18", turned, W),
        ("adult18", turned_mother, W),
    ]
    for key, person, level in rights:
        f.grant_portal(pathways[key], person, level, by=coordinator)
    accounts = {
        "adult": f.portal_account(adult),
        "young": f.portal_account(young),
        "custody_of_young": f.portal_account(mother),
        "parent_without_custody": f.portal_account(father),
        "child_under_15": f.portal_account(child),
        "custody_of_child": f.portal_account(child_parent),
        "turned_18": f.portal_account(turned),
        "custody_of_turned_18": f.portal_account(turned_mother),
        "other_citizen": f.portal_account(other),
        "staff": coordinator,
    }
    targets = {}
    for key, pathway in pathways.items():
        targets.update(_targets(key, pathway))
    return PortalWorld(
        pathways=pathways,
        subjects={key: [pathway.citizen] for key, pathway in pathways.items()},
        accounts=accounts,
        targets=targets,
        coordinator=coordinator,
    )


def _targets(key, pathway) -> dict:
    """One of each object a portal URL names, on `pathway`: a goal with a citizen agreement, a plan version, a
    meeting with the citizen."""
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=pathway))
    agreement = f.AgreementFactory(goal=goal)
    revision = f.make_revision(pathway)
    meeting = f.MeetingFactory(pathway=pathway)
    return {
        (key, "goal_id"): goal.public_id,
        (key, "agreement_id"): agreement.public_id,
        (key, "revision_number"): revision.number,
        (key, "meeting_id"): meeting.public_id,
    }


# --- the cases -------------------------------------------------------------------------------------------


def walk():
    return [url for url in pw.walk_urls() if url.name and url.name.split(":")[0] in NAMESPACES]


def _methods(url) -> tuple[str, ...]:
    return url.methods or ("GET",)


@dataclass(frozen=True)
class Case:
    declaration: object
    method: str
    person: Person

    def __str__(self):
        return f"{self.method} {self.declaration.name} as {self.person.name}"


def _cases():
    walked = {url.name: url for url in walk()}
    cases = []
    for declaration in PORTAL_URLS + PORTAL_PAGES:
        url = walked.get(declaration.name)
        if url is None:
            continue
        for method in _methods(url):
            if (declaration.get if method == "GET" else declaration.post) is None:
                continue
            cases += [Case(declaration, method, person) for person in PEOPLE]
    return cases


CASES = _cases()

# The moment the world is built and every case runs: a fixed noon, so "turns 18 today" holds for the whole run.
NOON = datetime.time(12, 0)


@pytest.fixture(scope="module")
def frozen_day():
    moment = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), NOON))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture(scope="module")
def world(frozen_day, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        yield built
        transaction.set_rollback(True)


def _latest(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("case", CASES, ids=str)
def test_portal_url(client, world, case):
    declaration, person, method = case.declaration, case.person, case.method
    user = None if person.anonymous else world.accounts[person.name]
    key = person.pathway
    if isinstance(declaration, PortalUrl):
        args = [world.pathways[key].public_id, *(world.targets[(key, name)] for name in declaration.args)]
    else:
        args = []
    url = reverse(declaration.name, args=args)
    if user is not None:
        client.force_login(user)
    before_log, before_events, before_changes = (
        _latest(AccessLogEntry),
        _latest(AuditEvent),
        ChangeLogEntry.objects.count(),
    )

    response = client.get(url) if method == "GET" else client.post(url, {})

    rows = AccessLogEntry.objects.filter(pk__gt=before_log)
    events = list(AuditEvent.objects.filter(pk__gt=before_events))
    needs_write = method == "POST" and getattr(declaration, "post_needs_write", False)
    allowed = person.level is not None and not (needs_write and person.level != W)
    if isinstance(declaration, PortalPage) and person.name == "other_citizen":
        allowed = True  # the home list: an empty list is an answer, not a refusal
    if person.name == "staff":
        allowed = False
    if person.anonymous:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{settings.PORTAL_LOGIN_URL}?next=")
        assert not rows.exists()
        return
    if not allowed and (isinstance(declaration, PortalUrl) or person.name == "staff"):
        assert response.status_code == 404
        assert not rows.exists(), "a refused request read citizen data"
        assert ChangeLogEntry.objects.count() == before_changes, "a refused request changed something"
        assert [e.code for e in events] == ["access.denied"], f"the refusal must be logged once, got {events}"
        return
    expected = declaration.get if method == "GET" else declaration.post
    assert response.status_code == expected, response.content[:2000]
    assert not [e for e in events if e.code == "access.denied"]
    if method != "GET" or response.status_code != 200:
        return
    if isinstance(declaration, PortalPage):
        wanted = declaration.reads(world, person) if declaration.reads else Counter()
        got = Counter((row.citizen_id, row.pathway_id) for row in rows)
        assert got == wanted
    else:
        pathway = world.pathways[key]
        wanted = Counter((c.pk, pathway.pk) for c in world.subjects[key]) if declaration.shown else Counter()
        got = Counter((row.citizen_id, row.pathway_id) for row in rows)
        assert got == wanted, f"access-log rows: expected {wanted}, got {got}"
        for row in rows:
            assert row.shown == declaration.shown
            assert row.via == person.via
            assert row.purpose == declaration.purpose
            assert row.request_id == response["X-Request-Id"]


# --- the meta-tests --------------------------------------------------------------------------------------


def test_every_portal_url_has_a_declaration():
    missing = [url.name for url in walk() if url.name not in DECLARED]
    assert not missing, f"declare these portal URLs in tests/test_portal_matrix.py: {missing}"


def test_no_declaration_is_stale():
    names = {url.name for url in walk()}
    assert not [name for name in DECLARED if name not in names]


def test_the_world_keeps_its_promises(world):
    """The world is what the docstring says: the rules, not the rows, keep the refused out."""
    from samspil.portal.access import portal_pathways

    for person in PEOPLE:
        if person.anonymous or person.name == "staff":
            continue
        reached = {p.pk: p.portal_access for p in portal_pathways(world.accounts[person.name])}
        pathway = world.pathways[person.pathway]
        if person.level is None:
            assert pathway.pk not in reached, person.name
        else:
            assert reached[pathway.pk].level == person.level, person.name
            assert reached[pathway.pk].via == person.via, person.name
