"""The portal's permission matrix: every portal URL, every method it answers, as every kind of person.

The staff matrix (`tests/test_permission_matrix.py`) walks the staff pages, a citizen account among its roles; this
one walks the URLs of the `portal` namespace (`/borger/…`) and the `partners` namespace (`/partner/…`), generated
from the URL walk, so a new page without a declaration fails `test_every_portal_url_has_a_declaration`.

The world: one municipality, its coordinator, and four pathways with the people around them —

- `adult`: a citizen of 34 with write access;
- `young`: a young person of 16 with write access; the mother holds custody (write access), the father has none
  (he has a portal-right row all the same: the rule, not the row, keeps him out);
- `child`: a child of 10 (a portal right of their own, which the age rule overrides: under 15 the custody holders
  use the portal) and the custody holder with read access only;
- `adult18`: a young person who turns 18 today, with write access; the mother held custody until yesterday
  (write access): from the birthday, the parents' access ends by itself.

Around `adult` there are two invited partners (an external team place each, one with write access, one read
only; each owns an agreement and is invited to the meeting), and a partner invited to another pathway only.

Every case checks:

- the anonymous are sent to the portal's log-in page (partner pages: the staff and partner log-in); nothing read,
  nothing written;
- a person the rules keep out, and every account of another kind (staff and partners on the portal, staff and
  citizens on the partner pages): 404, exactly as a pathway that does not exist, one `access.denied` event, no
  access-log row, no change;
- a person with read access: every GET answers, a POST that needs the write right is refused like a stranger's;
- the allowed: the declared status, and for every GET exactly one access-log row per citizen the page shows, with
  the basis of the read (own / custody / partner), the purpose (`portal`, `data_request` for the download of one's
  data, `coordination` for a partner).
"""

import datetime
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.citizens.choices import GuardianRelation
from samspil.organisations.choices import DepartmentKind, StaffRole
from tests import factories as f
from tests import permission_world as pw

pytestmark = pytest.mark.django_db

NAMESPACES = ("portal", "partners")
PORTAL, PARTNER = "portal", "partners"
R, W = "read", "write"
STAFF_LOG_IN = "/konto/log-ind/"


@dataclass(frozen=True)
class Person:
    name: str
    pathway: str  # the pathway the person reaches, or tries
    level: str | None  # what the person may do there: R, W or None (kept out)
    via: str = AccessVia.OWN
    description: str = ""
    kind: str = PORTAL  # the pages the account is for: PORTAL (citizens), PARTNER, or "staff"
    elsewhere: str | None = None  # a pathway the person reaches besides (listed on the home page)

    @property
    def listed(self) -> list[str]:
        """The pathways the person's home page lists."""
        return [key for key in ((self.pathway if self.level else None), self.elsewhere) if key]

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"


PORTAL_PEOPLE = [
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
    Person("staff", "adult", None, description="the pathway's coordinator: staff never reach the portal", kind="staff"),
    Person(
        "partner_write", "adult", None, description="an invited partner: partners never reach the portal", kind=PARTNER
    ),
]

PARTNER_PEOPLE = [
    Person("anonymous", "adult", None, description="not logged in", kind=PARTNER),
    Person("partner_write", "adult", W, AccessVia.PARTNER, "invited to `adult`, read and write", PARTNER),
    Person("partner_read", "adult", R, AccessVia.PARTNER, "invited to `adult`, read only", PARTNER),
    Person("partner_elsewhere", "adult", None, description="invited to `young` only", kind=PARTNER, elsewhere="young"),
    Person("adult", "adult", None, description="the citizen of `adult`: citizens never reach partner pages"),
    Person("staff", "adult", None, description="the coordinator: staff never reach partner pages", kind="staff"),
]

PEOPLE = {PORTAL: PORTAL_PEOPLE, PARTNER: PARTNER_PEOPLE}


@dataclass(frozen=True)
class PathwayPage:
    """A page about one pathway (its first URL argument, `pathway_id`).

    `get`: what an allowed GET answers (None: no GET). `post`: what an allowed, empty POST answers.
    `post_needs_write`: a POST needs the write right (a reader is refused like a stranger). `shown`: the access-log
    code a GET writes (one row per citizen of the pathway, see `reads`); None: a GET shows no citizen data.
    `args`: further URL arguments from the world's targets for the pathway (`own_args`: for the acting person).
    `reads(world, person)`: the rows a GET writes, when not one per citizen of the pathway."""

    name: str
    get: int | None = 200
    post: int | None = None
    post_needs_write: bool = True
    args: tuple[str, ...] = ()
    own_args: tuple[str, ...] = ()
    shown: str | None = None
    purpose: str | None = None
    reads: Callable | None = None

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0]


@dataclass(frozen=True)
class ListPage:
    """A page of the account's own pathways (the home lists): every account of the right kind may use it; it writes
    one row per (citizen, pathway) it lists."""

    name: str
    get: int | None = 200
    post: int | None = None
    shown: str = ""

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0]


@dataclass(frozen=True)
class OpenPage:
    """A page anyone may open (the partner's invitation link): the same answer for everyone; it shows no one."""

    name: str
    answers: dict = field(default_factory=dict)  # method -> status
    url: str | None = None

    @property
    def get(self):
        return self.answers.get("GET")

    @property
    def post(self):
        return self.answers.get("POST")

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0]


def _export_reads(world, person):
    """The data download: one row per citizen of the pathway; a custody holder's own record is in it too."""
    pathway = world.pathways[person.pathway]
    rows = Counter((c.pk, pathway.pk) for c in world.subjects[person.pathway])
    if person.via == AccessVia.CUSTODY:
        rows[(world.accounts[person.name].citizen_id, pathway.pk)] += 1
    return rows


def _insight_reads(world, person):
    """Insight: one row per person the log concerns (the citizen themself, or the child in custody)."""
    pathway = world.pathways[person.pathway]
    return Counter((c.pk, pathway.pk) for c in world.subjects[person.pathway])


DATA_REQUEST = AccessPurpose.DATA_REQUEST

DECLARATIONS = [
    # The portal (citizens and custody holders).
    ListPage("portal:home", shown="portal.home"),
    PathwayPage("portal:pathway", shown="portal.pathway"),
    PathwayPage("portal:meeting_ics", args=("meeting_id",), shown="portal.meeting"),
    PathwayPage("portal:plan", shown="portal.plan"),
    PathwayPage("portal:plan_wishes", get=None, post=422),
    PathwayPage("portal:goal_comment", get=None, post=422, args=("goal_id",)),
    PathwayPage("portal:agreement_done", get=None, post=422, args=("agreement_id",)),
    PathwayPage("portal:revisions", shown="portal.revisions"),
    PathwayPage("portal:revision", args=("revision_number",), post=422, shown="portal.revisions"),
    PathwayPage("portal:consent", post=422, post_needs_write=False, shown="portal.consent"),
    PathwayPage(
        "portal:consent_withdraw",
        own_args=("consent_id", "department_id"),
        post=302,
        post_needs_write=False,
        shown="portal.consent",
    ),
    PathwayPage("portal:insight", shown="portal.insight", reads=_insight_reads),
    PathwayPage("portal:export_pdf", shown="portal.export", purpose=DATA_REQUEST, reads=_export_reads),
    PathwayPage("portal:export_json", shown="portal.export", purpose=DATA_REQUEST, reads=_export_reads),
    PathwayPage("portal:documents", shown="portal.documents"),
    PathwayPage("portal:document_upload", get=None, post=422),
    PathwayPage("portal:document_download", args=("document_id",), shown="portal.documents"),
    PathwayPage("portal:messages", post=422, post_needs_write=False, shown="portal.messages"),
    PathwayPage("portal:who5", post=422, shown="portal.who5"),  # no open round in this world: the page says so
    PathwayPage("portal:assessment", shown="portal.assessment"),
    PathwayPage("portal:assessment_pdf", shown="portal.assessment"),
    # The partners' pages.
    ListPage("partners:home", shown="partner.home"),
    PathwayPage("partners:pathway", shown="partner.pathway"),
    PathwayPage("partners:plan", shown="partner.plan"),
    PathwayPage("partners:plan_pdf", shown="partner.plan"),
    PathwayPage("partners:meeting_ics", args=("meeting_id",), shown="partner.meeting"),
    PathwayPage("partners:agreement_done", get=None, post=422, own_args=("agreement_id",)),
    OpenPage("partners:invitation", {"GET": 404}, url="/partner/invitation/ikke-et-gyldigt-link/"),
    OpenPage("partners:invitation_accept", {"GET": 404, "POST": 404}),
]

DECLARED = {d.name: d for d in DECLARATIONS}


# --- the world -------------------------------------------------------------------------------------------


@dataclass
class PortalWorld:
    pathways: dict
    subjects: dict
    accounts: dict
    targets: dict
    own_targets: dict
    coordinator: object
    files: dict

    def store_files(self) -> None:
        """Write the shared documents' content into this test's storage (each test has its own MEDIA_ROOT)."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        for name, content in self.files.items():
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(content))


def build() -> PortalWorld:
    municipality = f.MunicipalityFactory()
    children = f.DepartmentFactory(municipality=municipality, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
    coordinator = f.make_staff(children, StaffRole.CASEWORKER)
    programme = f.ProgrammeFactory(municipality=municipality)
    today = timezone.localdate()

    def pathway_for(citizen):
        pathway = f.PathwayFactory(
            coordinator=coordinator, lead_department=children, programme=programme, citizen=citizen
        )
        f.TeamMemberFactory(pathway=pathway, department=jobs)  # a department to consent for
        return pathway

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
    files = {}
    targets = {}
    for key, pathway in pathways.items():
        targets.update(_targets(key, pathway, coordinator, files))
    # Each person's own consent on their pathway (a consent can be withdrawn only by the one who gave it).
    own_targets = {}
    for name, account in accounts.items():
        person = next(p for p in PORTAL_PEOPLE if p.name == name)
        giver = account.citizen if account.citizen_id else adult
        consent = f.ConsentFactory(pathway=pathways[person.pathway], departments=[jobs], giver=giver)
        own_targets[(name, "consent_id")] = consent.public_id
        own_targets[(name, "department_id")] = jobs.public_id
    _partners(pathways, coordinator, accounts, targets, own_targets)
    _drop_in(municipality, children, coordinator, accounts, targets)
    _expert(pathways["adult"], accounts, targets)
    return PortalWorld(
        pathways=pathways,
        subjects={key: [pathway.citizen] for key, pathway in pathways.items()},
        accounts=accounts,
        targets=targets,
        own_targets=own_targets,
        coordinator=coordinator,
        files=files,
    )


def _targets(key, pathway, coordinator, files) -> dict:
    """One of each object a portal URL names, on `pathway`: a goal with a citizen agreement, a plan version, a
    meeting with the citizen, a document shared with the citizen; and an approved combined report of a joint
    assessment (the portal's assessment page and its PDF)."""
    from samspil.documents.models import Document
    from samspil.portal.tests import assessment_data

    goal = f.GoalFactory(plan=f.PlanFactory(pathway=pathway))
    agreement = f.AgreementFactory(goal=goal)
    revision = f.make_revision(pathway)
    meeting = f.MeetingFactory(pathway=pathway)
    f.MeetingParticipantFactory(meeting=meeting)
    content = b"%PDF-1.4\n% Samspil\n%%EOF\n"
    document = Document.objects.create(
        municipality=pathway.municipality,
        pathway=pathway,
        file=f"documents/portal-world-{pathway.public_id.hex}",
        name="Mål- og aftaleskema.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=coordinator,
        visibility="team_and_citizen",
    )
    files[document.file.name] = content
    assessment = assessment_data.make_assessment(pathway)
    assessment_data.make_finding(assessment)
    assessment_data.make_report(assessment)
    return {
        (key, "goal_id"): goal.public_id,
        (key, "agreement_id"): agreement.public_id,
        (key, "revision_number"): revision.number,
        (key, "meeting_id"): meeting.public_id,
        (key, "document_id"): document.public_id,
    }


def _partners(pathways, coordinator, accounts, targets, own_targets) -> None:
    """Two partners invited to `adult` (write, read) and one to `young` only, each with an accepted invitation. The
    partners of `adult` own an agreement each and are invited to its meeting."""
    from django.core import mail
    from django.test import TestCase

    from samspil.audit import context
    from samspil.meetings.models import Meeting
    from samspil.partners import services
    from samspil.plans.models import Goal

    adult = pathways["adult"]
    places = {
        "partner_write": (adult, W),
        "partner_read": (adult, R),
        "partner_elsewhere": (pathways["young"], R),
    }
    for name, (pathway, level) in places.items():
        place = f.TeamMemberFactory(pathway=pathway, external=True)
        place.external_contact.email = f"{name.replace('_', '-')}@partner.test"
        place.external_contact.save()
        mail.outbox.clear()
        with (
            context.bound(actor_id=coordinator.pk, request_id="world"),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            services.partner_invite(actor=coordinator, member=place, level=level)
        token = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)
        with context.bound(actor_id=None, request_id="world"):
            accounts[name] = services.partner_invitation_accept_new(token=token, password=f.PASSWORD)
        goal = Goal.objects.filter(pathway=pathway).first()
        agreement = f.AgreementFactory(goal=goal, owner_kind="team_member", owner=place)
        own_targets[(name, "agreement_id")] = agreement.public_id
        own_targets[(name, "consent_id")] = own_targets[("adult", "consent_id")]
        own_targets[(name, "department_id")] = own_targets[("adult", "department_id")]
        if pathway == adult:
            meeting = Meeting.objects.get(public_id=targets[("adult", "meeting_id")])
            f.MeetingParticipantFactory(meeting=meeting, is_citizen=False, citizen=None, team_member=place)
    for name in ("adult", "staff"):  # their partner-page attempts name an agreement of the writer
        own_targets[(name, "agreement_id")] = own_targets[("partner_write", "agreement_id")]


def _drop_in(municipality, department, coordinator, accounts, targets) -> None:
    """The staff matrix's drop-in centre (`permission_world_outreach`: an agreement in force, "Store Jens" with one
    conversation in `department` by the coordinator), its contact person's partner account (drop-in staff, with an
    accepted invitation to the centre's pages), and the drop-in staff of a second centre with an agreement of its own
    and no conversations."""
    from samspil.organisations.models import ExternalContact
    from samspil.outreach.tests import factories as of

    outreach = of.permission_world_outreach(
        municipality, department=department, coordinator=coordinator, project_leader=coordinator
    )
    targets.update(outreach)
    contact = ExternalContact.objects.get(public_id=outreach[(None, "centre_contact_id")])
    accounts["drop_in_staff"] = of.make_drop_in_staff(contact, invited_by=coordinator)
    other = of.make_centre(municipality, name="Café Solstrålen")
    of.make_agreement(other)
    accounts["drop_in_elsewhere"] = of.make_drop_in_staff(
        f.ExternalContactFactory(municipality=municipality, organisation=other, name="Ole Solstrålen"),
        invited_by=coordinator,
    )


def _expert(pathway, accounts, targets) -> None:
    """An analysis meeting of `pathway` tomorrow with an external contact person invited as an outside expert, who
    accepted the one-time link: the partner account `expert_partner`."""
    from samspil.meetings.tests.factories import analysis_meeting, external_expert_account

    meeting = analysis_meeting(pathway)
    contact = f.ExternalContactFactory(municipality=pathway.municipality, name="Ida Ekspert", email="ida@ppr.test")
    accounts["expert_partner"] = external_expert_account(meeting, contact)
    targets[(None, "expert_meeting_id")] = meeting.public_id


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
    for declaration in DECLARATIONS:
        url = walked.get(declaration.name)
        if url is None:
            continue
        for method in _methods(url):
            if (declaration.get if method == "GET" else declaration.post) is None:
                continue
            cases += [Case(declaration, method, person) for person in PEOPLE[declaration.namespace]]
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


def _url(world, declaration, person) -> str:
    if isinstance(declaration, OpenPage):
        return declaration.url or reverse(declaration.name)
    if isinstance(declaration, ListPage):
        return reverse(declaration.name)
    key = person.pathway
    args = [world.pathways[key].public_id]
    args += [world.targets[(key, name)] for name in declaration.args]
    # The anonymous try the citizen's own objects.
    owner = "adult" if person.anonymous else person.name
    args += [world.own_targets[(owner, name)] for name in declaration.own_args]
    return reverse(declaration.name, args=args)


def _allowed(declaration, person, method) -> bool:
    if person.kind != declaration.namespace:
        return False
    if isinstance(declaration, ListPage):
        return True
    needs_write = method == "POST" and declaration.post_needs_write
    return person.level is not None and not (needs_write and person.level != W)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_portal_url(client, world, case):
    declaration, person, method = case.declaration, case.person, case.method
    world.store_files()
    user = None if person.anonymous else world.accounts[person.name]
    url = _url(world, declaration, person)
    if user is not None:
        client.force_login(user)
    before_log, before_events = _latest(AccessLogEntry), _latest(AuditEvent)
    before_changes = ChangeLogEntry.objects.count()

    response = client.get(url) if method == "GET" else client.post(url, {})

    rows = AccessLogEntry.objects.filter(pk__gt=before_log)
    events = list(AuditEvent.objects.filter(pk__gt=before_events))
    if isinstance(declaration, OpenPage):
        assert response.status_code == declaration.answers[method]
        assert not rows.exists()
        return
    if person.anonymous:
        log_in = settings.PORTAL_LOGIN_URL if declaration.namespace == PORTAL else STAFF_LOG_IN
        assert response.status_code == 302
        assert response["Location"].startswith(f"{log_in}?next=")
        assert not rows.exists()
        assert ChangeLogEntry.objects.count() == before_changes
        return
    if not _allowed(declaration, person, method):
        assert response.status_code == 404
        assert not rows.exists(), "a refused request read citizen data"
        assert ChangeLogEntry.objects.count() == before_changes, "a refused request changed something"
        assert [e.code for e in events] == ["access.denied"], f"the refusal must be logged once, got {events}"
        assert events[0].actor == user
        return
    expected = declaration.get if method == "GET" else declaration.post
    assert response.status_code == expected, response.content[:2000]
    assert not [e for e in events if e.code == "access.denied"]
    if method != "GET" or response.status_code != 200:
        return
    got = Counter((row.citizen_id, row.pathway_id) for row in rows)
    if isinstance(declaration, ListPage):
        wanted = Counter((c.pk, world.pathways[key].pk) for key in person.listed for c in world.subjects[key])
        assert got == wanted, f"access-log rows: expected {wanted}, got {got}"
        shown = declaration.shown
    else:
        pathway = world.pathways[person.pathway]
        if declaration.reads is not None:
            wanted = declaration.reads(world, person)
        elif declaration.shown:
            wanted = Counter((c.pk, pathway.pk) for c in world.subjects[person.pathway])
        else:
            wanted = Counter()
        assert got == wanted, f"access-log rows: expected {wanted}, got {got}"
        shown = declaration.shown
    default_purpose = AccessPurpose.PORTAL if person.kind == PORTAL else AccessPurpose.COORDINATION
    subjects = {c.pk for c in world.subjects[person.pathway]}
    for row in rows:
        assert row.shown == shown
        assert row.purpose == (getattr(declaration, "purpose", None) or default_purpose)
        assert row.request_id == response["X-Request-Id"]
        if row.citizen_id in subjects:
            assert row.via == person.via


# --- drop-in staff's pages and the citizen's rating link (samspil.outreach) --------------------------------------

OUTREACH_NAMESPACES = ("outreach_partner", "outreach_rating")


@dataclass(frozen=True)
class CentrePerson:
    """Someone trying drop-in staff's pages: `centre` "own" (drop-in staff of the world's centre), "other" (drop-in
    staff of another centre: their own pages work, the world's conversation is 404) or None (not drop-in staff)."""

    name: str
    centre: str | None
    description: str = ""

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"


CENTRE_PEOPLE = [
    CentrePerson("anonymous", None, "not logged in"),
    CentrePerson("drop_in_staff", "own", "the world's centre's contact person, a partner account"),
    CentrePerson("drop_in_elsewhere", "other", "drop-in staff of another centre with an agreement in force"),
    CentrePerson("partner_write", None, "an ordinary invited partner (a school, say): no drop-in pages"),
    CentrePerson("adult", None, "a citizen"),
    CentrePerson("staff", None, "the coordinator: staff use /vaeresteder/"),
]


@dataclass(frozen=True)
class CentrePage:
    """A drop-in staff page. `args`: targets of the world's centre. `shown`: the log code of a GET that shows the
    world's person ("Store Jens", by the person's key) to the own centre's staff; None: no one shown. `own_only`: about
    the world's conversation, 404 for another centre's staff."""

    name: str
    get: int | None = 200
    post: int | None = None
    args: tuple[str, ...] = ()
    shown: str | None = None
    own_only: bool = False


CENTRE_PAGES = [
    CentrePage("outreach_partner:home", shown="outreach.registrations"),
    CentrePage("outreach_partner:create", post=422),
    CentrePage("outreach_partner:person_search"),  # nothing typed: no one listed
    CentrePage(
        "outreach_partner:registration", args=("registration_id",), shown="outreach.registration", own_only=True
    ),
    CentrePage("outreach_partner:rating_link", get=None, post=200, args=("registration_id",), own_only=True),
]
# The rating link is open to anyone holding it; a link that does not exist answers every kind of person alike.
RATING_PAGES = [OpenPage("outreach_rating:rate", {"GET": 404, "POST": 404}, url="/vurdering/ikke-et-gyldigt-link/")]
OUTREACH_DECLARED = {d.name: d for d in CENTRE_PAGES + RATING_PAGES}


def walk_outreach():
    return [url for url in pw.walk_urls() if url.name and url.name.split(":")[0] in OUTREACH_NAMESPACES]


def _centre_cases():
    walked = {url.name: url for url in walk_outreach()}
    cases = []
    for page in CENTRE_PAGES:
        url = walked.get(page.name)
        for method in _methods(url) if url else ():
            if (page.get if method == "GET" else page.post) is not None:
                cases += [
                    pytest.param(page, method, person, id=f"{method} {page.name} as {person.name}")
                    for person in CENTRE_PEOPLE
                ]
    return cases


@pytest.mark.parametrize(("page", "method", "person"), _centre_cases())
def test_drop_in_staff_url(client, world, page, method, person):
    user = None if person.anonymous else world.accounts[person.name]
    url = reverse(page.name, args=[world.targets[(None, name)] for name in page.args])
    if user is not None:
        client.force_login(user)
    before_log, before_events = _latest(AccessLogEntry), _latest(AuditEvent)
    before_changes = ChangeLogEntry.objects.count()

    response = client.get(url) if method == "GET" else client.post(url, {})

    rows = AccessLogEntry.objects.filter(pk__gt=before_log)
    events = list(AuditEvent.objects.filter(pk__gt=before_events))
    if person.anonymous:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{STAFF_LOG_IN}?next=")
        assert not rows.exists() and ChangeLogEntry.objects.count() == before_changes
        return
    if person.centre is None or (page.own_only and person.centre != "own"):
        assert response.status_code == 404
        assert not rows.exists(), "a refused request read citizen data"
        assert ChangeLogEntry.objects.count() == before_changes, "a refused request changed something"
        assert [e.code for e in events] == ["access.denied"], f"the refusal must be logged once, got {events}"
        assert events[0].actor == user
        return
    assert response.status_code == (page.get if method == "GET" else page.post), response.content[:2000]
    assert not [e for e in events if e.code == "access.denied"]
    if method != "GET":
        return
    person_key = f"kontaktperson:{world.targets[(None, 'person_id')].hex}"
    wanted = Counter({(None, person_key): 1}) if page.shown and person.centre == "own" else Counter()
    assert Counter((row.citizen_id, row.subject_index) for row in rows) == wanted
    for row in rows:
        assert (row.shown, row.via, row.purpose) == (page.shown, AccessVia.PARTNER, AccessPurpose.COORDINATION)
        assert row.request_id == response["X-Request-Id"]


@pytest.mark.parametrize("person", CENTRE_PEOPLE, ids=lambda person: person.name)
def test_an_unknown_rating_link_answers_everyone_alike(client, world, person):
    if not person.anonymous:
        client.force_login(world.accounts[person.name])
    before_log = _latest(AccessLogEntry)
    for method, status in RATING_PAGES[0].answers.items():
        response = client.get(RATING_PAGES[0].url) if method == "GET" else client.post(RATING_PAGES[0].url, {})
        assert response.status_code == status
    assert not AccessLogEntry.objects.filter(pk__gt=before_log).exists()


def test_the_rating_link_is_one_use_expires_and_reveals_nothing(client, world):
    """Drop-in staff make the link for the world's conversation; whoever holds it sees the centre's name and nothing
    else, answers once, and after that (or after a week) gets the same page as for a link that never existed."""
    from samspil.outreach.models import ContactRegistration

    registration = ContactRegistration.objects.select_related("person", "centre", "staff").get(
        public_id=world.targets[(None, "registration_id")]
    )

    def make_link() -> str:
        client.force_login(world.accounts["drop_in_staff"])
        made = client.post(reverse("outreach_partner:rating_link", args=[registration.public_id]))
        client.logout()
        return re.search(r"/vurdering/([A-Za-z0-9_\-]+)/", made.context["url"]).group(1)

    def neutral(response, token):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return text.replace(token, "<token>")

    token = make_link()
    url = reverse("outreach_rating:rate", args=[token])
    before_log = _latest(AccessLogEntry)
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert registration.centre.name in content
    for secret in (registration.person.pseudonym, registration.occurred_on.strftime("%d.%m.%Y")):
        assert secret not in content, "the rating page gives away the conversation"
    assert registration.staff.last_name not in content
    assert client.post(url, {"safe": "4"}).status_code == 200
    used = client.get(url)
    assert used.status_code == 410 and client.post(url, {"safe": "1"}).status_code == 410
    unknown = client.get(RATING_PAGES[0].url)
    assert neutral(used, token) == neutral(unknown, "ikke-et-gyldigt-link")
    assert not AccessLogEntry.objects.filter(pk__gt=before_log).exists(), "the anonymous were logged as reading"

    registration.rating.delete()  # a fresh conversation to rate, for the expiry
    token = make_link()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        expired = client.get(reverse("outreach_rating:rate", args=[token]))
    assert expired.status_code == 410
    assert neutral(expired, token) == neutral(unknown, "ikke-et-gyldigt-link")


def test_every_drop_in_url_has_a_declaration():
    missing = [url.name for url in walk_outreach() if url.name not in OUTREACH_DECLARED]
    assert not missing, f"declare these URLs in tests/test_portal_matrix.py (CENTRE_PAGES or RATING_PAGES): {missing}"
    names = {url.name for url in walk_outreach()}
    assert not [name for name in OUTREACH_DECLARED if name not in names], "a stale declaration"
    for url in walk_outreach():
        declaration = OUTREACH_DECLARED[url.name]
        for method in _methods(url):
            assert (declaration.get if method == "GET" else declaration.post) is not None, f"{method} {url.name}"


# --- outside experts at an analysis meeting, with a partner account (samspil.meetings.views_experts) ------------

EXPERT_NAMESPACES = ("partner_experts",)


@dataclass(frozen=True)
class ExpertPerson:
    """Someone trying an outside expert's partner pages: `expert` when invited to `adult`'s analysis meeting."""

    name: str
    expert: bool
    kind: str = PARTNER
    description: str = ""

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"


EXPERT_PEOPLE = [
    ExpertPerson("anonymous", False, description="not logged in"),
    ExpertPerson("expert_partner", True, description="an external contact invited to `adult`'s analysis meeting"),
    ExpertPerson("partner_write", False, description="a partner on `adult`'s team, not invited to the meeting"),
    ExpertPerson("adult", False, PORTAL, "the citizen of `adult`: citizens never reach partner pages"),
    ExpertPerson("staff", False, "staff", "the coordinator: staff experts use /analysemoeder/"),
]


@dataclass(frozen=True)
class ExpertPage:
    """An outside expert's partner page. `expert_only`: 404 for a partner account without the invitation (else the
    page answers every partner account, naming only what it is invited to). `shown`: the log code of a GET that shows
    `adult`'s citizen to the expert."""

    name: str
    args: tuple[str, ...] = ()
    expert_only: bool = False
    shown: str = ""


EXPERT_PAGES = [
    ExpertPage("partner_experts:list", shown="expert.meetings"),
    ExpertPage("partner_experts:meeting", args=("expert_meeting_id",), expert_only=True, shown="expert.meeting"),
]
EXPERT_DECLARED = {page.name: page for page in EXPERT_PAGES}


def walk_experts():
    return [url for url in pw.walk_urls() if url.name and url.name.split(":")[0] in EXPERT_NAMESPACES]


@pytest.mark.parametrize(
    ("page", "person"),
    [
        pytest.param(page, person, id=f"GET {page.name} as {person.name}")
        for page in EXPERT_PAGES
        for person in EXPERT_PEOPLE
    ],
)
def test_outside_expert_url(client, world, page, person):
    user = None if person.anonymous else world.accounts[person.name]
    url = reverse(page.name, args=[world.targets[(None, name)] for name in page.args])
    if user is not None:
        client.force_login(user)
    before_log, before_events = _latest(AccessLogEntry), _latest(AuditEvent)
    before_changes = ChangeLogEntry.objects.count()

    response = client.get(url)

    rows = AccessLogEntry.objects.filter(pk__gt=before_log)
    events = list(AuditEvent.objects.filter(pk__gt=before_events))
    if person.anonymous:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{STAFF_LOG_IN}?next=")
        assert not rows.exists() and ChangeLogEntry.objects.count() == before_changes
        return
    if person.kind != PARTNER or (page.expert_only and not person.expert):
        assert response.status_code == 404
        assert not rows.exists(), "a refused request read citizen data"
        assert ChangeLogEntry.objects.count() == before_changes, "a refused request changed something"
        assert [e.code for e in events] == ["access.denied"], f"the refusal must be logged once, got {events}"
        assert events[0].actor == user
        return
    assert response.status_code == 200, response.content[:2000]
    assert not [e for e in events if e.code == "access.denied"]
    adult = world.pathways["adult"]
    wanted = Counter({(adult.citizen_id, adult.pk): 1}) if person.expert else Counter()
    assert Counter((row.citizen_id, row.pathway_id) for row in rows) == wanted
    for row in rows:
        assert (row.shown, row.via, row.purpose) == (page.shown, AccessVia.PARTNER, AccessPurpose.COORDINATION)
        assert row.request_id == response["X-Request-Id"]


def test_every_outside_expert_url_has_a_declaration():
    names = {url.name for url in walk_experts()}
    assert not names - set(EXPERT_DECLARED), f"declare these URLs in EXPERT_PAGES: {names - set(EXPERT_DECLARED)}"
    assert not set(EXPERT_DECLARED) - names, "a stale declaration"
    for url in walk_experts():
        assert _methods(url) == ("GET",), f"{url.name}: an expert's page is read only"


# --- the meta-tests --------------------------------------------------------------------------------------


def test_every_portal_url_has_a_declaration():
    missing = [url.name for url in walk() if url.name not in DECLARED]
    assert not missing, f"declare these URLs in tests/test_portal_matrix.py: {missing}"


def test_no_declaration_is_stale():
    names = {url.name for url in walk()}
    assert not [name for name in DECLARED if name not in names]


def test_every_answered_method_has_an_answer():
    for url in walk():
        declaration = DECLARED[url.name]
        for method in _methods(url):
            assert (declaration.get if method == "GET" else declaration.post) is not None, f"{method} {url.name}"


def test_the_world_keeps_its_promises(world):
    """The world is what the docstring says: the rules, not the rows, keep the refused out."""
    from samspil.portal.access import partner_pathways, portal_pathways

    for person in PORTAL_PEOPLE:
        if person.anonymous or person.kind != PORTAL:
            continue
        reached = {p.pk: p.portal_access for p in portal_pathways(world.accounts[person.name])}
        pathway = world.pathways[person.pathway]
        if person.level is None:
            assert pathway.pk not in reached, person.name
        else:
            assert reached[pathway.pk].level == person.level, person.name
            assert reached[pathway.pk].via == person.via, person.name
    for person in PARTNER_PEOPLE:
        if person.kind != PARTNER or person.anonymous:
            continue
        reached = {p.pk for p in partner_pathways(world.accounts[person.name])}
        assert (world.pathways[person.pathway].pk in reached) == (person.level is not None), person.name
