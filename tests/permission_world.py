"""The world the permission matrix runs in: one municipality, two pathways, and one user per role.

`build(tmp_dir)` makes it once per test module (`tests/test_permission_matrix.py` keeps it in an outer
transaction and rolls each test back to it). `ROLES` says, for each role, who acts and what the role may do
(its rights on both pathways and its capabilities outside a pathway), declared here, not asked of the policy,
so the matrix checks the product against what is intended.

The two pathways, `main` (an adult citizen) and `family` (a household of two parents with custody and a
child), have the same coordinator and the same people around them, so every role has the same rights on both:

- `coordinator`: caseworker in *Børn og Unge* (the coordinating department), coordinates both.
- `member_consent`: professional in *Sundhed*, on both teams; consent in force covers *Sundhed* (the citizen's
  own on `main`, a custody holder's on `family`). Contributes.
- `member_no_consent`: caseworker in the job centre, on both teams; no consent or legal basis covers the job
  centre, so the team place gives nothing.
- `grant_holder`: team leader in the job centre (a case role and an aggregate role) with a grant in force.
- `break_glass`: caseworker in the job centre with a break-glass opening in force; the reason is
  `COORDINATOR_ONLY_MARKER`, which only the coordinator (and the user who gave it) may be shown.
- `former_coordinator`: the coordinator after leaving *Børn og Unge* for the job centre (the membership in the
  coordinating department ended yesterday, a caseworker place in the job centre since), before anyone handed
  the pathways over: still on record as `coordinator_id`, and the team place in *Børn og Unge* is still on
  record. The coordinator rule needs a current membership in the coordinating department, so this role sees
  nothing.
- `former_coordinator_break_glass`: the same, back by break-glass: may view, and must not get the
  coordinator's answers (the other user's break-glass reason, the coordinator forms, the access log).
- `outsider`: caseworker in *Børn og Unge* on no team. `head`: department head of *Børn og Unge* on no team.
  `controller`: controller in *Økonomi*. `project_leader`: project leader in *Børn og Unge* on no team (runs the
  programmes: organisation, implementation plan, measurement rounds).
- `citizen`: the citizen of `main`, logged in to the portal (a citizen account) with portal access to `main`
  (read and write): reaches no staff page at all — 404 and a logged refusal everywhere, like a stranger.
- `partner`: an external contact on `main`'s team, invited to Samspil with read-and-write access (a partner
  account): reaches no staff page either.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from samspil.access.choices import ConsentGiverRole
from samspil.access.policy import CONTRIBUTE, MANAGE, VIEW
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.organisations.models import Membership
from samspil.pathways.choices import SubjectKind
from samspil.pathways.services import break_glass_open
from tests import factories as f

COORDINATOR_ONLY_MARKER = "Politiet ringede om borgeren i nat (markør kun for koordinatoren)"

# The pathway actions, weakest first: a role with a stronger right has every weaker one.
STRENGTH = {None: 0, VIEW: 1, CONTRIBUTE: 2, MANAGE: 3}

# Capabilities outside a pathway, as the architecture gives them to staff roles.
STAFF = "staff"  # any staff account of the municipality
PASSWORD_ACCOUNT = "password_account"  # staff and partner accounts: log in with a password (and TOTP)
CASE_WORK = "case_work"  # caseworker, professional, team leader: intake search, registration, opening pathways
BREAK_GLASS = "break_glass"  # caseworker, team leader
AGGREGATES = "aggregates"  # department head, team leader, project leader, controller: /ledelse/, cost reports
COSTS = "costs"  # controller: the whole municipality's costs, the service catalogue, operating costs
SEGMENT = "segment"  # the roles with the segmentation purpose (SAMSPIL_SEGMENTATION_ROLES: controller)
LEADS_REPORTED_DEPARTMENT = "leads_reported_department"  # an aggregate role in *Børn og Unge* (its cost report)
OPERATING_COSTS = "operating_costs"  # controller, project leader: register a programme's operating costs
PROGRAMMES = "programmes"  # project leader: runs the programmes (organisation, plan, measurement rounds)
OUTREACH = "outreach"  # case roles and the project leader: register conversations at drop-in centres (outreach.access)
# The OUTREACH roles that read the world's conversation and appointment (outreach.scopes): Børn og Unge's case roles,
# the coordinator who registered them (also after leaving the department) and the project leader (every row).
OUTREACH_CHILDREN = "outreach_children"
REFERRED_TO = "referred_to"  # the caseworker the world's segmentation referral names (the coordinator's user)
CORE_TEAM = "core_team"  # the world's core team (coreteams.access): its member (member_consent) and project leaders
MEETING_EXPERT = "meeting_expert"  # invited as an outside expert to `main`'s analysis meeting (meetings.experts)


@dataclass(frozen=True)
class Role:
    name: str
    rights: str | None  # the strongest pathway action on both pathways; None: not in scope at all
    capabilities: frozenset = frozenset()
    description: str = ""

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"

    def may(self, action: str) -> bool:
        return self.rights is not None and STRENGTH[self.rights] >= STRENGTH[action]

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


def _caps(*names):
    return frozenset({STAFF, PASSWORD_ACCOUNT, *names})


ROLES = [
    Role("anonymous", None, frozenset(), "not logged in"),
    Role(
        "outsider",
        None,
        _caps(CASE_WORK, BREAK_GLASS, OUTREACH, OUTREACH_CHILDREN, MEETING_EXPERT),
        "caseworker in the coordinating department, on no team; an outside expert at `main`'s analysis meeting",
    ),
    Role(
        "member_no_consent",
        None,
        _caps(CASE_WORK, BREAK_GLASS, OUTREACH),
        "on the team; no consent covers the department",
    ),
    Role(
        "member_consent",
        CONTRIBUTE,
        _caps(CASE_WORK, OUTREACH, CORE_TEAM),
        "on the team; consent covers the department",
    ),
    Role(
        "coordinator",
        MANAGE,
        _caps(CASE_WORK, BREAK_GLASS, REFERRED_TO, OUTREACH, OUTREACH_CHILDREN),
        "coordinates both pathways",
    ),
    Role(
        "former_coordinator",
        None,
        _caps(CASE_WORK, BREAK_GLASS, REFERRED_TO, OUTREACH, OUTREACH_CHILDREN),
        "left the coordinating department",
    ),
    Role(
        "former_coordinator_break_glass",
        VIEW,
        _caps(CASE_WORK, BREAK_GLASS, REFERRED_TO, OUTREACH, OUTREACH_CHILDREN),
        "the former coordinator, back by break-glass",
    ),
    Role(
        "grant_holder", VIEW, _caps(CASE_WORK, BREAK_GLASS, AGGREGATES, OUTREACH), "team leader with a grant in force"
    ),
    Role("break_glass", VIEW, _caps(CASE_WORK, BREAK_GLASS, OUTREACH), "caseworker with break-glass in force"),
    Role("head", None, _caps(AGGREGATES, LEADS_REPORTED_DEPARTMENT), "department head of the coordinating department"),
    Role(
        "controller", None, _caps(AGGREGATES, COSTS, SEGMENT, LEADS_REPORTED_DEPARTMENT, OPERATING_COSTS), "controller"
    ),
    Role(
        "project_leader",
        None,
        _caps(
            AGGREGATES, PROGRAMMES, LEADS_REPORTED_DEPARTMENT, OPERATING_COSTS, OUTREACH, OUTREACH_CHILDREN, CORE_TEAM
        ),
        "project leader in the coordinating department, on no team",
    ),
    Role("citizen", None, frozenset(), "the citizen of `main`, a portal account with portal access to it"),
    Role(
        "partner",
        None,
        frozenset({PASSWORD_ACCOUNT}),
        "an external team member of `main` with an accepted partner invitation",
    ),
]
ROLE_BY_NAME = {role.name: role for role in ROLES}


@dataclass
class PermissionWorld:
    municipality: object
    children: object
    jobs: object
    health: object
    finance: object
    users: dict  # role name -> User (the former coordinator roles act as `coordinator`, see `act_as`)
    pathways: dict  # "main", "family" -> Pathway
    citizens: dict  # "main", "family" -> the citizens each pathway is about (and their custody holders)
    targets: dict  # (pathway key, target name) or (None, target name) -> a value for a URL argument
    loose: object = None  # a citizen on no pathway (the intake pages)
    agreement_owner: str = "member_consent"  # the role owning the agreement on `main` (their task list)
    candidates: list = field(default_factory=list)  # the segmentation subjects on the candidate list
    sessions: dict = field(default_factory=dict)  # user pk -> a logged-in session key, made once
    files: dict = field(default_factory=dict)  # stored file name -> content (the shared documents), see store_files

    def log_in(self, client, user) -> None:
        """`client.force_login(user)` without its writes: the session was saved when the world was built."""
        from django.conf import settings

        if user.pk not in self.sessions:
            self.sessions[user.pk] = _session_for(user)
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[user.pk]

    def act_as(self, role: Role):
        """Prepare the world for `role` (inside the test's transaction) and return the acting user, or None."""
        self.store_files()
        if role.anonymous:
            return None
        if role.name.startswith("former_coordinator"):
            return self._former_coordinator(with_break_glass=role.name.endswith("break_glass"))
        return self.users[role.name]

    def store_files(self) -> None:
        """Write the shared documents' content into this test's storage (each test has its own MEDIA_ROOT)."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        for name, content in self.files.items():
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(content))

    def _former_coordinator(self, *, with_break_glass: bool):
        user = self.users["coordinator"]
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Membership.objects.filter(user=user, department=self.children).update(active_to=yesterday)
        f.MembershipFactory(user=user, department=self.jobs, role=StaffRole.CASEWORKER)
        if with_break_glass:
            for pathway in self.pathways.values():
                f.BreakGlassAccessFactory(pathway=pathway, user=user, reason="Tilbage som vikar efter afdelingsskift")
        return user


def build(tmp_dir) -> PermissionWorld:
    municipality = f.MunicipalityFactory()
    children = f.DepartmentFactory(municipality=municipality, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
    health = f.DepartmentFactory(municipality=municipality, name="Sundhed", kind=DepartmentKind.HEALTH)
    finance = f.DepartmentFactory(municipality=municipality, name="Økonomi", kind=DepartmentKind.OTHER)
    users = {
        "coordinator": f.make_staff(children, StaffRole.CASEWORKER),
        "member_consent": f.make_staff(health, StaffRole.PROFESSIONAL),
        "member_no_consent": f.make_staff(jobs, StaffRole.CASEWORKER),
        "grant_holder": f.make_staff(jobs, StaffRole.TEAM_LEADER),
        "break_glass": f.make_staff(jobs, StaffRole.CASEWORKER),
        "outsider": f.make_staff(children, StaffRole.CASEWORKER),
        "head": f.make_staff(children, StaffRole.DEPARTMENT_HEAD),
        "controller": f.make_staff(finance, StaffRole.CONTROLLER),
        "project_leader": f.make_staff(children, StaffRole.PROJECT_LEADER),
    }

    citizen = f.CitizenFactory(municipality=municipality, born=f.years_ago(34))
    main = f.PathwayFactory(
        coordinator=users["coordinator"],
        lead_department=children,
        programme=f.ProgrammeFactory(municipality=municipality),
        citizen=citizen,
    )
    household = f.make_family(municipality, adults=2, children=1)
    family = f.PathwayFactory(
        coordinator=users["coordinator"],
        lead_department=children,
        programme=f.ProgrammeFactory(municipality=municipality, subject_kind=SubjectKind.HOUSEHOLD),
        citizen=None,
        household=household,
    )
    users["citizen"] = f.portal_account(citizen)
    f.grant_portal(main, citizen, "write", by=users["coordinator"])
    users["partner"] = _partner(main, users["coordinator"])
    family_citizens = [member.citizen for member in household.memberships.select_related("citizen")]
    parent = next(c for c in family_citizens if not c.is_minor)
    # Every membership began a year ago, so the former coordinator's can end yesterday.
    Membership.objects.filter(municipality=municipality).update(
        active_from=timezone.localdate() - datetime.timedelta(days=365)
    )

    targets, files = {}, {}
    for key, pathway in (("main", main), ("family", family)):
        health_place = f.TeamMemberFactory(pathway=pathway, user=users["member_consent"], department=health)
        jobs_place = f.TeamMemberFactory(pathway=pathway, user=users["member_no_consent"], department=jobs)
        consent = (
            f.ConsentFactory(pathway=pathway, departments=[health])
            if key == "main"
            else f.ConsentFactory(
                pathway=pathway, departments=[health], giver_role=ConsentGiverRole.CUSTODY_HOLDER, giver=parent
            )
        )
        grant = f.AccessGrantFactory(pathway=pathway, user=users["grant_holder"])
        # Through the service, as the user would: the opening is on the pathway's timeline as well.
        break_glass_open(actor=users["break_glass"], pathway=pathway, reason=COORDINATOR_ONLY_MARKER)
        meeting = f.MeetingFactory(pathway=pathway)  # tomorrow: on the coordinator's worklist
        targets.update(
            _pathway_targets(key, pathway, jobs_place=jobs_place, consent=consent, grant=grant, owner=health_place)
        )
        targets[(key, "meeting_id")] = meeting.public_id
        targets[(key, "document_id")] = _shared_document(pathway, users["member_consent"], files).public_id
        from samspil.assessments.tests.factories import permission_world_assessments

        # A joint assessment with the family's view, an investigation, the section of the team member with consent
        # (an internal note), a finding and an approved report (/forloeb/<id>/udredning/…).
        targets.update(
            permission_world_assessments(key, pathway, coordinator=users["coordinator"], author_place=health_place)
        )
    from samspil.citizens.tests.factories import permission_world_family

    targets.update(permission_world_family(family))

    loose = f.CitizenFactory(municipality=municipality, born=f.years_ago(51))  # on no pathway: for intake
    targets[(None, "citizen_id")] = loose.public_id
    targets[(None, "department_id")] = children.public_id
    targets[(None, "code")] = main.programme.code  # the programme pages (/programmer/<code>/…)
    from samspil.evaluation.tests.factories import permission_world_round

    targets.update(  # an open baseline with `main` in its cohort, and interviews with a file (/maalinger/…)
        permission_world_round(
            main, project_leader=users["project_leader"], coordinator=users["coordinator"], files=files
        )
    )
    from samspil.implementation.models import GroupMeeting, ProgrammeGroup

    leader_group = ProgrammeGroup.objects.create(
        municipality=municipality, programme=main.programme, kind="leader_group", name="Ledergruppe", cadence_days=91
    )
    targets[(None, "group_id")] = leader_group.public_id
    targets[(None, "group_meeting_id")] = GroupMeeting.objects.create(
        municipality=municipality, group=leader_group, held_on=timezone.localdate()
    ).public_id
    from samspil.outreach.tests.factories import permission_world_outreach

    targets.update(  # a drop-in centre with an agreement, a person known there, a conversation (/vaeresteder/…)
        permission_world_outreach(
            municipality,
            department=children,
            coordinator=users["coordinator"],
            project_leader=users["project_leader"],
            programme=main.programme,
            files=files,
        )
    )
    from samspil.meetings.tests.factories import permission_world_experts

    # An analysis meeting on `main` tomorrow with the outsider invited as an outside expert (/analysemoeder/…).
    targets.update(permission_world_experts(main, expert_user=users["outsider"]))
    from samspil.coreteams.tests.factories import permission_world_coreteams

    targets.update(  # a core team led by the project leader, member_consent on it, `main` in its caseload
        permission_world_coreteams(
            municipality=municipality,
            programme=main.programme,
            pathway=main,
            leader=users["project_leader"],
            member=users["member_consent"],
            member_department=health,
        )
    )
    from samspil.economy.tests.factories import ServiceFactory

    targets[(None, "service_id")] = ServiceFactory(department=children).public_id
    from samspil.economy.tests.factories import permission_world_economy

    targets.update(  # an open financing review on `main`, asked of the controller (/oekonomi/gennemsyn/…)
        permission_world_economy(main, coordinator=users["coordinator"], controller=users["controller"])
    )
    job, candidates = _consumption(municipality, tmp_dir)
    targets[(None, "import_id")] = job.public_id
    targets[(None, "candidate_id")] = candidates[0].public_id
    from samspil.segmentation.services import referral_create

    referral = referral_create(  # the candidate, referred by the controller to the coordinator's user
        actor=users["controller"],
        subject=candidates[0],
        programme=main.programme,
        membership=Membership.objects.get(user=users["coordinator"], department=children),
        note="Mange afdelinger",
    )
    targets[(None, "referral_id")] = referral.public_id

    return PermissionWorld(
        municipality=municipality,
        children=children,
        jobs=jobs,
        health=health,
        finance=finance,
        users=users,
        pathways={"main": main, "family": family},
        citizens={"main": [citizen], "family": family_citizens},
        targets=targets,
        loose=loose,
        candidates=candidates,
        sessions={user.pk: _session_for(user) for user in users.values()},
        files=files,
    )


def _partner(pathway, coordinator):
    """An external team place on `pathway`, invited to Samspil (read and write) and accepted: the partner account."""
    import re

    from django.core import mail
    from django.test import TestCase

    from samspil.audit import context
    from samspil.partners import services

    place = f.TeamMemberFactory(pathway=pathway, external=True)
    place.external_contact.email = "partner@partner.test"
    place.external_contact.save()
    mail.outbox.clear()
    with context.bound(actor_id=coordinator.pk, request_id="world"), TestCase.captureOnCommitCallbacks(execute=True):
        services.partner_invite(actor=coordinator, member=place, level="write")
    token = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)
    with context.bound(actor_id=None, request_id="world"):
        return services.partner_invitation_accept_new(token=token, password=f.PASSWORD)


def _session_for(user) -> str:
    """A saved session in which `user` is logged in, as `Client.force_login` makes it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def _pathway_targets(key, pathway, *, jobs_place, consent, grant, owner) -> dict:
    """One of each object a pathway URL names: a goal with an agreement, a saved plan version, an intervention.

    On `main` the agreement is the team member with consent's (`owner`): the one task on anyone's task list."""
    from samspil.economy.tests.factories import InterventionFactory

    goal = f.GoalFactory(plan=f.PlanFactory(pathway=pathway))
    if key == "main":
        agreement = f.AgreementFactory(goal=goal, owner_kind="team_member", owner=owner)
    else:
        agreement = f.AgreementFactory(goal=goal)
    revision = f.make_revision(pathway)
    subject = pathway.citizen or pathway.household.memberships.first().citizen
    return {
        (key, "citizen_id"): subject.public_id,
        (key, "member_id"): jobs_place.public_id,
        (key, "consent_id"): consent.public_id,
        (key, "grant_id"): grant.public_id,
        (key, "goal_id"): goal.public_id,
        (key, "agreement_id"): agreement.public_id,
        (key, "revision_number"): revision.number,
        (key, "intervention_id"): InterventionFactory(pathway=pathway).public_id,
    }


def _shared_document(pathway, uploader, files: dict):
    """A PDF the team member with consent shared (so they and the coordinator may remove it). Its content reaches the
    storage in each test (`PermissionWorld.store_files`): the world outlives the test's own MEDIA_ROOT."""
    import hashlib

    from samspil.documents.models import Document

    content = b"%PDF-1.4\n% Samspil\n%%EOF\n"
    document = Document.objects.create(
        municipality=pathway.municipality,
        pathway=pathway,
        file=f"documents/world-{pathway.public_id.hex}",
        name="Mål- og aftaleskema.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=uploader,
    )
    files[document.file.name] = content
    return document


def _consumption(municipality, tmp_dir):
    """An import of three persons' service consumption; the first (three departments) is the one candidate."""
    from samspil.segmentation.models import ConsumptionSubject
    from samspil.segmentation.tests.factories import people_with_costs

    job = people_with_costs(tmp_dir, municipality, [50_000, 100, 50], departments=[3, 1, 1])
    subjects = list(ConsumptionSubject.objects.filter(municipality=municipality).order_by("id"))
    return job, subjects[:1]


# --- the URL walk ------------------------------------------------------------------------------------------

TESTED_METHODS = ("GET", "POST")
OTHER_METHODS = ("PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class WalkedUrl:
    name: str | None  # "namespace:name"
    route: str  # the whole route, for a message about a pattern without a name
    view_class: type | None  # None for a function view
    methods: tuple[str, ...]  # GET and/or POST, as the view class answers them; () for a function view
    other_methods: tuple[str, ...]  # PUT, PATCH, DELETE the view class answers too

    @property
    def is_function_view(self) -> bool:
        return self.view_class is None


def _answers(view_class, methods) -> tuple[str, ...]:
    allowed = set(view_class.http_method_names)
    return tuple(m for m in methods if m.lower() in allowed and callable(getattr(view_class, m.lower(), None)))


def walk_patterns(patterns, namespace: str = "", prefix: str = "", excluded=()):
    """Every URL pattern below `patterns` (skipping the namespaces in `excluded`), with the methods it answers."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in excluded:
                continue
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk_patterns(pattern.url_patterns, full, prefix + str(pattern.pattern), excluded)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            view_class = getattr(pattern.callback, "view_class", None)
            yield WalkedUrl(
                name=name,
                route="/" + prefix + str(pattern.pattern),
                view_class=view_class,
                methods=_answers(view_class, TESTED_METHODS) if view_class else (),
                other_methods=_answers(view_class, OTHER_METHODS) if view_class else (),
            )


def walk_urls(excluded=()) -> list[WalkedUrl]:
    """The whole resolver: samspil/config/urls.py and every include."""
    return list(walk_patterns(get_resolver().url_patterns, excluded=excluded))
