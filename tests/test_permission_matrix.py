"""The permission matrix: every URL of the site, every method it answers, as every role — generated from the URL walk.

Each URL has one declaration below: `PathwayUrl` for a page about one pathway (the action it needs: view,
contribute or manage), `Page` for everything else (which capability it needs, why, and which citizen data it
shows). The methods come from the view class (`http_method_names` ∩ the handlers it has); a function view
declares them. The roles and the world they act in are in `tests/permission_world.py`.

What every case checks:

- anonymous: the log-in page (the API: 403 with a JSON error); nothing read, nothing written.
- a pathway out of the role's scope: 404, exactly as one that does not exist, and one `access.denied` event on
  the pathway; a pathway the role may view but not act on in this way: 403 and the same event. Refused: no
  access-log row, no change-log row, no other event.
- a page outside a pathway the role may not use: 404 and an `access.denied` event (one role-check mixin).
- allowed: the status an empty form gets today from the coordinator (200, 302 back to the pathway, or 422), and
  for every GET exactly the access-log rows the page's citizen data calls for: one per citizen of the pathway
  (a family pathway: each member), one per (citizen, pathway) listed, or none for figures and forms without
  citizen data. All rows of a request carry its request id.
- only the coordinator (and the user who gave it) is ever shown `COORDINATOR_ONLY_MARKER`, another user's
  break-glass reason: not on the overview's coordinator part, not on the timeline.

Adding a URL means adding one line to PATHWAY_URLS or PAGES; `test_every_url_has_a_declaration` fails until
it is there, naming the URL.
"""

import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import path, reverse
from django.views import View

from samspil.access.policy import CONTRIBUTE, MANAGE, VIEW
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from tests import permission_world as pw

pytestmark = pytest.mark.django_db

LOGIN_URL = "/konto/log-ind/"
PUBLIC = "public"  # a Page anyone may use, logged in or not


# --- the declarations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathwayUrl:
    """A page about one pathway (its first URL argument). `post`: what an allowed, empty POST answers."""

    name: str
    action: str
    post: int | None = None
    args: tuple[str, ...] = ()  # further URL arguments, from the world's targets for the same pathway
    query: str = ""
    family: bool = False  # also run on the family pathway (several citizens)
    family_only: bool = False  # run on the family pathway only (a page a one-citizen pathway does not have: 404)
    shows_citizen_data: bool = True  # a GET shows the citizens' data: one access-log row per citizen
    post_action: str | None = None  # a POST needs a stronger action than a GET (an API list that also records)

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")


@dataclass(frozen=True)
class Page:
    """A page outside a pathway: who may use it (a capability of `permission_world`, or PUBLIC) and why."""

    name: str
    who: str
    why: str
    get: int | None = None  # what an allowed GET answers
    post: int | None = None  # what an allowed, empty POST answers
    post_who: str | None = None  # POST needs more than GET; those who may GET get 403 on POST
    anonymous: tuple[tuple[str, int], ...] = ()  # PUBLIC pages that answer the anonymous differently
    args: tuple[str, ...] = ()
    reads: Callable | None = None  # (world, role) -> Counter of the rows a GET must write; None: no citizen data
    methods: tuple[str, ...] | None = None  # for function views and views answering more than GET and POST
    url: str | None = None  # for a pattern that cannot be reversed

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")


V, C, M = VIEW, CONTRIBUTE, MANAGE

PATHWAY_URLS = [
    PathwayUrl("pathways:overview", V, family=True),
    PathwayUrl("pathways:status", M, 422, family=True),
    PathwayUrl("pathways:coordinator_change", M, 422),
    PathwayUrl("pathways:guardian_add", M, 422),
    PathwayUrl("pathways:household_add", M, 422, family_only=True),  # the family's household: add a member
    PathwayUrl("pathways:household_end", M, 422, ("household_member_id",), family_only=True),
    PathwayUrl("pathways:team_add_staff", M, 422),
    PathwayUrl("pathways:team_add_external", M, 422),
    PathwayUrl("pathways:team_add_network", M, 422),
    PathwayUrl("pathways:team_end", M, 422, ("member_id",)),
    PathwayUrl("pathways:partner_invite", M, 422, ("member_id",)),
    PathwayUrl("pathways:partner_access_end", M, 422, ("member_id",)),  # the world's staff place has no invitation
    PathwayUrl("pathways:consent_add", M, 422),
    PathwayUrl("pathways:consent_withdraw", M, 302, ("consent_id",)),  # the reason is optional
    PathwayUrl("pathways:legal_basis_add", M, 422),
    PathwayUrl("pathways:grant_add", M, 422),
    PathwayUrl("pathways:grant_revoke", M, 302, ("grant_id",)),
    PathwayUrl("pathways:cpr_reveal", V, 200, ("citizen_id",)),
    PathwayUrl("pathways:access_log", M, family=True),
    PathwayUrl("pathways:portal_right", M, 422),
    PathwayUrl("api:pathway", V, family=True),
    PathwayUrl("documents:list", V, family=True),
    PathwayUrl("documents:upload", C, 422),
    PathwayUrl("documents:download", V, args=("document_id",)),
    PathwayUrl("documents:remove", C, 422, ("document_id",)),  # the world's document: the team member's with consent
    PathwayUrl("documents:messages", C, family=True),  # the thread: coordinator and covered team places read it
    PathwayUrl("documents:message_send", M, 422),  # the coordinator writes
    PathwayUrl("meetings:list", V, family=True),
    PathwayUrl("meetings:schedule", C, 422),
    PathwayUrl("meetings:detail", V, args=("meeting_id",)),
    PathwayUrl("meetings:record", C, 422, ("meeting_id",)),
    PathwayUrl("meetings:cancel", C, 422, ("meeting_id",)),
    PathwayUrl("meetings:decision_add", C, 422, ("meeting_id",)),
    PathwayUrl("meetings:agreement_add", C, 422, ("meeting_id",)),
    PathwayUrl("meetings:follow_up_add", C, 422, ("meeting_id",)),
    PathwayUrl("meetings:goal_update", C, 422, ("meeting_id", "goal_id")),
    PathwayUrl("meetings:invitation", V, args=("meeting_id",)),
    PathwayUrl("assessments:list", V, family=True),
    PathwayUrl("assessments:start", M, 422),
    PathwayUrl("assessments:detail", V, args=("assessment_id",), family=True),
    PathwayUrl("assessments:study_add", C, 422, ("assessment_id",)),
    PathwayUrl("assessments:study_done", C, 302, ("assessment_id", "study_id")),  # empty: not done, as it is
    PathwayUrl("assessments:study_remove", C, 302, ("assessment_id", "study_id")),
    PathwayUrl("assessments:family_view", C, 422, ("assessment_id",)),
    PathwayUrl("assessments:section_add", C, 422, ("assessment_id",)),
    # The world's section is the team member with consent's: the coordinator reads it (200) and is refused (422).
    PathwayUrl("assessments:section_edit", C, 422, ("assessment_id", "section_id")),
    PathwayUrl("assessments:finding_add", M, 422, ("assessment_id",)),
    PathwayUrl("assessments:finding_edit", M, 422, ("assessment_id", "finding_id")),
    PathwayUrl("assessments:finding_remove", M, 302, ("assessment_id", "finding_id")),  # no goal answers it
    PathwayUrl("assessments:compile", M, 422, ("assessment_id",)),
    PathwayUrl("assessments:report", V, args=("assessment_id", "report_number"), family=True),
    PathwayUrl("assessments:approve", M, 422, ("assessment_id", "report_number")),  # approved already: refused
    PathwayUrl("assessments:pdf", V, args=("assessment_id", "report_number")),  # the citizen edition
    PathwayUrl("assessments:pdf", C, args=("assessment_id", "report_number"), query="udgave=sag"),  # internal notes
    PathwayUrl("assessments:compare", V, args=("assessment_id",)),
    PathwayUrl("meetings:expert_invite", M, 422, ("analysis_meeting_id",)),
    PathwayUrl("meetings:expert_end", M, 302, ("analysis_meeting_id", "expert_id")),  # the reason is optional
    PathwayUrl("plans:plan", V, family=True),
    PathwayUrl("plans:wishes", C, 422),
    PathwayUrl("plans:goal_add", C, 422),
    PathwayUrl("plans:goal", V, args=("goal_id",)),
    PathwayUrl("plans:goal_update", C, 422, ("goal_id",)),
    PathwayUrl("plans:goal_follow_up", C, 422, ("goal_id",)),
    PathwayUrl("plans:agreement_add", C, 422, ("goal_id",)),
    PathwayUrl("plans:agreement_status", C, 422, ("agreement_id",)),
    PathwayUrl("plans:revisions", V),
    PathwayUrl("plans:revision_response", M, 422, ("revision_number",)),
    PathwayUrl("plans:compare", V),
    PathwayUrl("plans:pdf", V),  # the citizen's edition
    PathwayUrl("plans:pdf", C, query="udgave=sag"),  # the case file (internal notes): coordinator and covered team
    PathwayUrl("pathway_economy:page", V, family=True),
    PathwayUrl("pathway_economy:intervention_add", C, 422),
    PathwayUrl("pathway_economy:intervention_end", C, 422, ("intervention_id",)),
    PathwayUrl("pathway_economy:financing_decide", M, 422, ("intervention_id",)),
    PathwayUrl("pathway_economy:exemption_add", C, 422),
    PathwayUrl("pathway_economy:review_request", C, 422),
    PathwayUrl("pathway_economy:review_withdraw", C, 422, ("review_id",)),  # the world's open review
    PathwayUrl("pathway_evaluation:page", V, family=True),  # the pathway's part in the measurement rounds
    PathwayUrl("pathway_evaluation:who5", C, 422),
    PathwayUrl("pathway_evaluation:quality", C, 422),
    PathwayUrl("pathway_evaluation:interview", C, 422),
    PathwayUrl("pathway_evaluation:interview_file", V, args=("interview_file_id",)),
    PathwayUrl("implementation_pathway:pilot", M, 422),
    PathwayUrl("results:history", V, family=True),
    PathwayUrl("results:record", C, 422, family=True),
    PathwayUrl("results:record_at_meeting", C, 422, ("meeting_id",)),
    PathwayUrl("results:target_group", M, 422),
    PathwayUrl("api:status_entries", V, 422, family=True, post_action=C),  # GET lists, POST records (contribute)
]


def _own_pathways(action):
    """A list of the pathways the role may `action` on: one row per (citizen, pathway) listed."""

    def reads(world, role):
        return sum(
            (pathway_reads(world, key) for key in world.pathways if role.may(action)),
            Counter(),
        )

    return reads


def _own_tasks(world, role):
    """The world's one agreement is owned by `world.agreement_owner`; nothing else is due on either pathway."""
    return pathway_reads(world, "main") if role.name == world.agreement_owner else Counter()


def _intake_citizen(world, role):
    return Counter({(world.loose.pk, "", None): 1})


def _candidates(world, role):
    return Counter((s.citizen_id, s.cpr_index, None) for s in world.candidates)


def _referred(world, role):
    """The world's one referral (of the candidate, to the coordinator's user): one row by the blind index."""
    if not role.can(pw.REFERRED_TO):
        return Counter()
    return Counter((s.citizen_id, s.cpr_index, None) for s in world.candidates)


OUTREACH_TIMETABLE = (
    "agreements with the drop-in centres and their fixed hours, no citizen data: every staff member reads "
    "(outreach.access.can_read_timetable); project leaders write"
)
OUTREACH_ACTIVITIES = (
    "group activities at the drop-in centres: every staff member reads the counts; the named participants only "
    "case roles and project leaders (outreach.access.can_register), each logged; project leaders write"
)


OUTREACH_CONTACTS = (
    "registered conversations at the drop-in centres: case roles and project leaders (outreach.access.can_register); "
    "the rows of the user's departments and those they registered or held (outreach.scopes.registration_scope), each "
    "person shown logged"
)


def _world_registration(world, role):
    """The world's conversation (Børn og Unge, registered by the coordinator) is with the person known as "Store Jens"
    at the centre: one row by the person's key, for the roles that read it."""
    if not role.can(pw.OUTREACH_CHILDREN):
        return Counter()
    return Counter({(None, f"kontaktperson:{world.targets[(None, 'person_id')].hex}", None): 1})


def _activity_participants(world, role):
    """The world's activity has one session with one named participant, a person known at the centre (by key)."""
    if not role.can(pw.OUTREACH):
        return Counter()
    return Counter({(None, f"kontaktperson:{world.targets[(None, 'person_id')].hex}", None): 1})


OUTREACH_APPOINTMENTS = (
    "appointments and their outcome: case roles and project leaders (outreach.access.can_register); a list or form "
    "shows the rows of the user's departments and those they recorded (outreach.scopes.appointment_scope), each "
    "person logged"
)


def _world_appointment(world, role):
    """The world's appointment (Børn og Unge, recorded by the coordinator) is with the person known as "Store Jens"
    at the centre: one row by the person's key, for the roles that read it."""
    if not role.can(pw.OUTREACH_CHILDREN):
        return Counter()
    return Counter({(None, f"kontaktperson:{world.targets[(None, 'person_id')].hex}", None): 1})


OUTREACH_EVALUATION = (
    "the drop-in model's evaluation: figures only (outreach.access.can_read_figures: aggregate roles and project "
    "leaders); 1-4 hidden for leaders, exact for the project leader, who reads every registration anyway"
)


def _expert_meeting(world, role):
    """`main`'s analysis meeting, for its outside expert: one row per citizen of `main`."""
    return pathway_reads(world, "main") if role.can(pw.MEETING_EXPERT) else Counter()


EXPERTS = (
    "outside experts at an analysis meeting: a staff member invited by the coordinator, read only, until the meeting "
    "ends (meetings.experts); each citizen shown logged"
)
REFERRAL = "a segmentation referral, only for the caseworker it names (segmentation.scopes.referral_scope)"
SEGMENTATION = "segmentation roles only (policy.can_segment); imported data read through the segmentation scope"
REPORTS = "cost figures with small cells hidden, no names: controllers (all) and aggregate roles"
INTAKE = "intake for case roles (citizens.views.CaseWorkMixin)"
RESULTS = "the documentation model's figures, small numbers hidden, no names: aggregate roles and project leaders"
PROGRAMME_MANAGEMENT = (
    "programme management, no case content (pathways only counted"
    ", small counts hidden): aggregate roles and project leaders read; project leaders write"
)

PAGES = [
    Page("meeting_experts:list", pw.STAFF, f"the user's own invitations; {EXPERTS}", get=200, reads=_expert_meeting),
    Page(
        "meeting_experts:meeting",
        pw.MEETING_EXPERT,
        f"the meeting, the latest combined report and the plan's goals; {EXPERTS}",
        get=200,
        args=("expert_meeting_id",),
        reads=_expert_meeting,
    ),
    Page(
        "home",
        PUBLIC,
        "redirects to the role's start page (citizens: the portal; the anonymous: log-in); shows nothing",
        get=302,
        methods=("GET",),
    ),
    Page("healthz", PUBLIC, "liveness for load balancers; database status only", get=200, methods=("GET",)),
    Page(
        "accounts:login",
        PUBLIC,
        "the log-in page; a logged-in user is sent on",
        get=302,
        post=302,
        anonymous=(("GET", 200), ("POST", 200)),
        methods=("GET", "POST"),  # PUT is answered as POST
    ),
    Page("accounts:logout", PUBLIC, "ends the user's own session (POST only)", post=302),
    Page(
        "portal_login",
        PUBLIC,
        "the portal's log-in page (MitID, Demo-MitID links); no data",
        get=200,
        methods=("GET",),
    ),
    # The TOTP step owes nothing with TOTP off (as in this matrix), so it sends the user on; tested on in accounts.
    Page("accounts:totp_verify", pw.PASSWORD_ACCOUNT, "the code of the user's own password log-in", get=302, post=302),
    Page(
        "accounts:totp_setup",
        pw.PASSWORD_ACCOUNT,
        "the user's own authenticator app, while logging in",
        get=302,
        post=302,
    ),
    Page("accounts:security", pw.PASSWORD_ACCOUNT, "the user's own log-in method and two-factor status", get=200),
    Page("set_language", PUBLIC, "Django's language switch: a preference in the session", post=302, methods=("POST",)),
    Page("api:root", pw.STAFF, "links only", get=200),
    Page("api:schema", pw.STAFF, "the OpenAPI description; no data", get=200),
    Page("api:pathways", pw.STAFF, "the user's own pathways (pathway_list_mine)", get=200, reads=_own_pathways(C)),
    Page(
        "api:not_found",
        PUBLIC,
        "every unknown API path answers a JSON 404; shows nothing",
        get=404,
        post=404,
        anonymous=(("GET", 404), ("POST", 404)),
        methods=("GET", "POST"),  # PUT, PATCH and DELETE answer the same
        url="/api/v1/findes-ikke/",
    ),
    Page("pathways:mine", pw.STAFF, "the user's own pathways (pathway_list_mine)", get=200, reads=_own_pathways(C)),
    Page(
        "pathways:tasks",
        pw.STAFF,
        "the user's own tasks in the pathways they work in (Pathway.visible_to CONTRIBUTE)",
        get=200,
        reads=_own_tasks,
    ),
    Page(
        "pathways:worklist",
        pw.STAFF,
        "what is due in the pathways the user coordinates (Pathway.visible_to MANAGE)",
        get=200,
        reads=_own_pathways(M),  # both pathways have a meeting tomorrow
    ),
    Page(
        "pathways:break_glass",
        pw.BREAK_GLASS,
        "the way in from outside the scope: caseworkers and team leaders; the reason is logged and shown to the "
        "coordinator",
        get=200,
        post=422,
        args=("pathway_id",),
    ),
    Page("citizens:search", pw.CASE_WORK, f"search, {INTAKE}; every result is access-logged", get=200, post=422),
    Page("citizens:create", pw.CASE_WORK, f"registration, {INTAKE}", get=200, post=422),
    Page(
        "citizens:open_pathway",
        pw.CASE_WORK,
        f"opening a pathway, {INTAKE}; the citizen is read through the INTAKE scope and logged",
        get=200,
        post=422,
        args=("citizen_id",),
        reads=_intake_citizen,
    ),
    Page("organisations:leadership", pw.AGGREGATES, "aggregate numbers for leader roles; no names", get=200),
    Page("economy:overview", pw.AGGREGATES, REPORTS, get=200),
    Page(
        "economy:department",
        pw.LEADS_REPORTED_DEPARTMENT,
        f"{REPORTS} of that department",
        get=200,
        args=("department_id",),
    ),
    Page("economy:exemptions", pw.AGGREGATES, f"counts of exemption uses; {REPORTS}", get=200),
    Page(
        "economy:operating_costs",
        pw.AGGREGATES,
        "programme operating costs (no citizen data); registering them: controllers and project leaders",
        get=200,
        post=422,
        post_who=pw.OPERATING_COSTS,
    ),
    Page("economy:services", pw.STAFF, "the service catalogue: prices, no personal data", get=200),
    Page(
        "economy:reviews",
        pw.COSTS,
        "the financing reviews asked of the controller: pathway references, programme, department; no citizen data",
        get=200,
    ),
    Page(
        "economy:review",
        pw.COSTS,
        "an open financing review, only for the controller it names (economy.scopes.financing_review_scope): the "
        "pathway's interventions and financing without case content, logged per subject",
        get=200,
        post=422,
        args=("review_id",),
        reads=lambda world, role: pathway_reads(world, "main") if role.can(pw.COSTS) else Counter(),
    ),
    # Measurement rounds (samspil.evaluation): figures only, suppressed; opening and closing rounds: project leaders.
    Page(
        "evaluation:rounds",
        pw.AGGREGATES,
        "a programme's measurement rounds (no citizen data); opening one: project leaders",
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page(
        "evaluation:round",
        pw.AGGREGATES,
        "the ten measures beside the baseline: figures with small cells hidden, no names",
        get=200,
        args=("code", "round_number"),
    ),
    Page("evaluation:round_close", pw.PROGRAMMES, "closing a round", post=422, args=("code", "round_number")),
    Page(
        "evaluation:coordination",
        pw.STAFF,
        "the staff's coordination questionnaire: the user's own answer, no citizen data",
        get=200,
        post=422,
        args=("code", "round_number"),
    ),
    Page(
        "evaluation:leaders",
        pw.AGGREGATES,
        "the leader group's own assessment, no citizen data",
        get=200,
        post=422,
        args=("code", "round_number"),
    ),
    Page(
        "evaluation:interviews",
        pw.PROGRAMMES,
        "anonymous citizen interviews (no name, no pathway): project leaders",
        get=200,
        post=422,
        args=("code", "round_number"),
    ),
    Page(
        "evaluation:interview_file",
        pw.PROGRAMMES,
        "a file of an anonymous interview: project leaders",
        get=200,
        args=("code", "round_number", "anonymous_file_id"),
    ),
    Page("economy:service_create", pw.COSTS, "catalogue entry: controllers only", get=200, post=422),
    Page(
        "economy:service_update",
        pw.COSTS,
        "catalogue entry of the own municipality: controllers only",
        get=200,
        post=422,
        args=("service_id",),
    ),
    Page("segmentation:overview", pw.SEGMENT, f"figures only; {SEGMENTATION}", get=200),
    Page("segmentation:upload", pw.SEGMENT, SEGMENTATION, post=422),
    Page("segmentation:import", pw.SEGMENT, f"an import's counts; {SEGMENTATION}", get=200, args=("import_id",)),
    Page("segmentation:import_progress", pw.SEGMENT, SEGMENTATION, get=200, args=("import_id",)),
    Page(
        "segmentation:import_bad_rows",
        pw.SEGMENT,
        f"line numbers and reasons; {SEGMENTATION}",
        get=200,
        args=("import_id",),
    ),
    Page(
        "segmentation:candidates", pw.SEGMENT, f"persons shown are logged; {SEGMENTATION}", get=200, reads=_candidates
    ),
    Page("segmentation:rule", pw.SEGMENT, SEGMENTATION, post=422),
    Page(
        "segmentation:candidate",
        pw.SEGMENT,
        f"the person shown is logged; {SEGMENTATION}",
        get=200,
        args=("candidate_id",),
        reads=lambda world, role: _candidates(world, role),  # the one candidate
    ),
    Page("segmentation:classify", pw.SEGMENT, SEGMENTATION, post=422, args=("candidate_id",)),
    Page("segmentation:refer", pw.SEGMENT, SEGMENTATION, post=422, args=("candidate_id",)),
    Page(
        "citizens:referrals",
        pw.CASE_WORK,
        f"the user's own open referrals, each person logged; {INTAKE}",
        get=200,
        reads=_referred,
    ),
    Page(
        "citizens:referral",
        pw.REFERRED_TO,
        f"{REFERRAL}; the person is logged",
        get=200,
        args=("referral_id",),
        reads=_referred,
    ),
    Page(
        "citizens:referral_cpr",
        pw.REFERRED_TO,
        f"{REFERRAL}; the CPR number is shown on POST and logged",
        post=200,
        args=("referral_id",),
    ),
    Page("citizens:referral_take", pw.REFERRED_TO, REFERRAL, post=422, args=("referral_id",)),
    Page("citizens:referral_decline", pw.REFERRED_TO, REFERRAL, post=422, args=("referral_id",)),
    # The documentation model (samspil.results.dashboard_views): leaders figures only, caseworkers their own caseload.
    Page(
        "programme_results:overview",
        pw.STAFF,
        f"{RESULTS} for leaders; for case roles only links to their own caseload (no citizen data); a staff account "
        "with neither role gets 404 (samspil/results/tests/test_dashboard.py); counting the figures again (POST): "
        "leaders",
        get=200,
        post=302,
        post_who=pw.AGGREGATES,
    ),
    Page("programme_results:overview_export", pw.AGGREGATES, f"{RESULTS}, as XLSX", get=200),
    Page(
        "programme_results:programme",
        pw.AGGREGATES,
        f"{RESULTS}; POST counts the figures again",
        get=200,
        post=302,
        args=("code",),
    ),
    Page("programme_results:export", pw.AGGREGATES, f"{RESULTS}, as XLSX", get=200, args=("code",)),
    Page(
        "programme_results:caseload",
        pw.CASE_WORK,
        "the pathways of the programme the user coordinates (Pathway.visible_to MANAGE), each citizen logged",
        get=200,
        args=("code",),
        reads=lambda world, role: pathway_reads(world, "main") if role.may(M) else Counter(),
    ),
    Page("implementation:list", pw.AGGREGATES, PROGRAMME_MANAGEMENT, get=200),
    Page(
        "implementation:programme",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page(
        "implementation:organisation",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page(
        "implementation:group",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code", "group_id"),
    ),
    Page(
        "implementation:meeting",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code", "group_meeting_id"),
    ),
    Page(
        "implementation:matrix",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page(
        "implementation:theory",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page(
        "implementation:plan",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page(
        "implementation:scale_up",
        pw.AGGREGATES,
        PROGRAMME_MANAGEMENT,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("code",),
    ),
    Page("implementation:status_report", pw.AGGREGATES, PROGRAMME_MANAGEMENT, get=200, args=("code",)),
    # The standing core teams (samspil.coreteams): the list for every staff member (their own teams), a new team for
    # project leaders; a team and its caseload meetings for its members, leader and project leaders, families named
    # (and logged) only where the reader may view the pathway.
    Page("coreteams:list", pw.STAFF, "the core teams one is on or leads", get=200, post=422, post_who=pw.PROGRAMMES),
    Page(
        "coreteams:team",
        pw.CORE_TEAM,
        "a core team (coreteams.access VIEW): the caseload, each family the reader may view logged",
        get=200,
        post=422,
        args=("core_team_id",),
        reads=lambda world, role: pathway_reads(world, "main") if role.may(V) else Counter(),
    ),
    Page(
        "coreteams:meeting",
        pw.CORE_TEAM,
        "a caseload status meeting (coreteams.access VIEW): families with a change, each the reader may view logged",
        get=200,
        post=422,
        args=("caseload_meeting_id",),
        reads=lambda world, role: pathway_reads(world, "main") if role.may(V) else Counter(),
    ),
    # Drop-in centres (samspil.outreach.views_appointments): appointments and no-shows.
    Page("outreach:appointments", pw.OUTREACH, OUTREACH_APPOINTMENTS, get=200, reads=_world_appointment),
    Page("outreach:appointments_create", pw.OUTREACH, OUTREACH_APPOINTMENTS, get=200, post=422),
    Page(
        "outreach:appointments_edit",
        pw.OUTREACH_CHILDREN,
        f"one appointment; {OUTREACH_APPOINTMENTS}",
        get=200,
        post=422,
        args=("appointment_id",),
        reads=_world_appointment,
    ),
    Page(
        "outreach:appointments_outcome",
        pw.OUTREACH_CHILDREN,
        f"the outcome from the list; {OUTREACH_APPOINTMENTS}",
        post=422,
        args=("appointment_id",),
    ),
    # Drop-in centres (samspil.outreach.views_evaluation): the evaluation's figures, no citizen data.
    Page("outreach:evaluation", pw.AGGREGATES, OUTREACH_EVALUATION, get=200),
    Page("outreach:evaluation_xlsx", pw.AGGREGATES, f"{OUTREACH_EVALUATION}, as XLSX", get=200),
    Page("outreach:evaluation_csv", pw.AGGREGATES, f"{OUTREACH_EVALUATION}, as CSV", get=200),
    # Drop-in centres (samspil.outreach.views_agreements): agreements, the timetable and group activities.
    Page("outreach:home", pw.STAFF, f"the hub: links and today's hours; {OUTREACH_TIMETABLE}", get=200),
    Page("outreach:agreements", pw.STAFF, OUTREACH_TIMETABLE, get=200),
    Page("outreach:agreements_centre", pw.STAFF, OUTREACH_TIMETABLE, get=200, args=("centre_id",)),
    Page("outreach:agreements_create", pw.PROGRAMMES, "a new agreement: project leaders", get=200, post=422),
    Page(
        "outreach:agreements_detail",
        pw.STAFF,
        f"{OUTREACH_TIMETABLE}; its contacts and hours",
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("agreement_id",),
    ),
    Page(
        "outreach:agreements_edit",
        pw.PROGRAMMES,
        "changing a cooperation agreement: project leaders",
        get=200,
        post=422,
        args=("agreement_id",),
    ),
    Page(
        "outreach:agreements_document",
        pw.STAFF,
        f"the signed agreement (download); {OUTREACH_TIMETABLE}",
        get=200,
        args=("agreement_id",),
    ),
    Page("outreach:timetable", pw.STAFF, OUTREACH_TIMETABLE, get=200),
    Page("outreach:timetable_centre", pw.STAFF, OUTREACH_TIMETABLE, get=200, args=("centre_id",)),
    Page("outreach:activities", pw.STAFF, OUTREACH_ACTIVITIES, get=200, post=422, post_who=pw.PROGRAMMES),
    Page(
        "outreach:activities_detail",
        pw.STAFF,
        OUTREACH_ACTIVITIES,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("activity_id",),
        reads=_activity_participants,
    ),
    Page(
        "outreach:activities_session",
        pw.STAFF,
        OUTREACH_ACTIVITIES,
        get=200,
        post=422,
        post_who=pw.PROGRAMMES,
        args=("activity_id", "session_id"),
        reads=_activity_participants,
    ),
    # Drop-in centres (samspil.outreach.views_contacts): registered conversations, persons known at a centre, linking
    # and the citizen's rating. One conversation or person out of scope: 404, as one that does not exist.
    Page("outreach:contacts_list", pw.OUTREACH, OUTREACH_CONTACTS, get=200, reads=_world_registration),
    Page("outreach:contacts_create", pw.OUTREACH, f"the form; {OUTREACH_CONTACTS}", get=200, post=422),
    Page(
        "outreach:contacts_person_search",
        pw.OUTREACH,
        f"names at a centre as one types (none without a centre and two letters); {OUTREACH_CONTACTS}",
        get=200,
    ),
    Page(
        "outreach:contacts_registration",
        pw.OUTREACH_CHILDREN,
        f"one conversation; {OUTREACH_CONTACTS}",
        get=200,
        args=("registration_id",),
        reads=_world_registration,
    ),
    Page(
        "outreach:contacts_edit",
        pw.OUTREACH_CHILDREN,
        f"changing one conversation; {OUTREACH_CONTACTS}",
        get=200,
        post=422,
        args=("registration_id",),
        reads=_world_registration,
    ),
    Page(
        "outreach:contacts_registration_link",
        pw.OUTREACH_CHILDREN,
        f"linking an anonymous conversation by CPR number (a refusal: back to the page); {OUTREACH_CONTACTS}",
        post=302,
        args=("registration_id",),
    ),
    Page(
        "outreach:contacts_rating_link",
        pw.OUTREACH_CHILDREN,
        f"a one-time rating link and its QR code, naming no citizen; {OUTREACH_CONTACTS}",
        post=200,
        args=("registration_id",),
    ),
    Page(
        "outreach:contacts_rating_paper",
        pw.OUTREACH_CHILDREN,
        f"typing in the citizen's paper form; {OUTREACH_CONTACTS}",
        get=200,
        post=422,
        args=("registration_id",),
        reads=_world_registration,
    ),
    Page(
        "outreach:contacts_person",
        pw.OUTREACH_CHILDREN,
        f"a person known at a centre and the conversations the user reads; {OUTREACH_CONTACTS}",
        get=200,
        args=("person_id",),
        reads=_world_registration,
    ),
    Page(
        "outreach:contacts_person_link",
        pw.OUTREACH_CHILDREN,
        f"linking a person known at a centre by CPR number (a refusal: back to the page); {OUTREACH_CONTACTS}",
        post=302,
        args=("person_id",),
    ),
]

# Whole namespaces outside the matrix, with the reason (and where they are tested instead).
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin: configuration only, for accounts with is_staff; test_the_admin_is_closed_to_every_role",
    "portal": "the citizen's portal, for citizen accounts only: tests/test_portal_matrix.py walks it as every kind",
    "partners": "the partners' pages, for partner accounts only: tests/test_portal_matrix.py walks them",
    "identity": "log-in through identity providers (protocol endpoints): samspil/identity/tests",
    "outreach_partner": "drop-in staff's pages, for partner accounts of a drop-in centre: tests/test_portal_matrix.py",
    "outreach_rating": "the citizen's one-time rating link, open without log-in: tests/test_portal_matrix.py",
    "partner_experts": "an outside expert's pages with a partner account: tests/test_portal_matrix.py",
}


# --- the URL walk ----------------------------------------------------------------------------------------


def pathway_reads(world, key) -> Counter:
    pathway = world.pathways[key]
    return Counter((citizen.pk, "", pathway.pk) for citizen in world.citizens[key])


DECLARED = {d.name: d for d in PATHWAY_URLS} | {d.name: d for d in PAGES}


def undeclared(patterns) -> list[str]:
    """Every URL pattern (full name, or its route when it has none) without a declaration."""
    return [url.name or f"(no name) {url.route}" for url in patterns if not url.name or url.name not in DECLARED]


def methods_of(url: pw.WalkedUrl) -> tuple[str, ...]:
    declaration = DECLARED.get(url.name)
    declared = getattr(declaration, "methods", None)
    return declared or url.methods


@dataclass(frozen=True)
class Case:
    declaration: PathwayUrl | Page
    method: str
    role: pw.Role
    pathway: str = "main"

    def __str__(self):
        query = f"?{self.declaration.query}" if getattr(self.declaration, "query", "") else ""
        where = " @family" if self.pathway == "family" else ""
        return f"{self.method} {self.declaration.name}{query}{where} as {self.role.name}"


def _cases():
    walked = {url.name: url for url in pw.walk_urls(EXCLUDED_NAMESPACES)}
    pathway_cases, page_cases = [], []
    for declaration in PATHWAY_URLS + PAGES:
        url = walked.get(declaration.name)
        if url is None:
            continue  # a stale declaration: test_no_declaration_is_stale names it
        for method in methods_of(url):
            if (method == "POST" and declaration.post is None) or (
                method == "GET" and isinstance(declaration, Page) and declaration.get is None
            ):
                continue  # test_every_answered_method_has_an_answer names it
            if isinstance(declaration, PathwayUrl):
                keys = ("main", "family") if declaration.family else ("main",)
                keys = ("family",) if declaration.family_only else keys
                pathway_cases += [Case(declaration, method, role, key) for key in keys for role in pw.ROLES]
            else:
                page_cases += [Case(declaration, method, role) for role in pw.ROLES]
    return pathway_cases, page_cases


PATHWAY_CASES, PAGE_CASES = _cases()


# --- the world, once per module --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once, inside a transaction that every test's own transaction nests in (and rolls back to)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = pw.build(tmp_path_factory.mktemp("consumption"))
        yield built
        transaction.set_rollback(True)


@dataclass
class Before:
    access_log: int
    changes: int
    events: int

    @classmethod
    def now(cls):
        return cls(
            access_log=AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            changes=ChangeLogEntry.objects.count(),
            events=AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        )

    def reads(self, user) -> Counter:
        rows = AccessLogEntry.objects.filter(pk__gt=self.access_log)
        assert all(row.actor_id == getattr(user, "pk", None) for row in rows), "rows written for someone else"
        return Counter((row.citizen_id, row.subject_index, row.pathway_id) for row in rows)

    def request_ids(self) -> set[str]:
        return set(AccessLogEntry.objects.filter(pk__gt=self.access_log).values_list("request_id", flat=True))

    def events_since(self):
        return list(AuditEvent.objects.filter(pk__gt=self.events))


def call(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, {})


def assert_refused(response, before: Before, user, *, status: int, api: bool, path: str, pathway=None):
    assert response.status_code == status
    if api and response["Content-Type"].startswith("application/json"):  # the schema answers in its own format
        assert response.json()["error"]["code"] == ("not_found" if status == 404 else "permission_denied")
    assert not before.reads(user), "a refused request read citizen data"
    assert ChangeLogEntry.objects.count() == before.changes, "a refused request changed something"
    events = before.events_since()
    assert [e.code for e in events] == ["access.denied"], f"the refusal must be logged once, got {events}"
    assert events[0].actor == user
    assert events[0].data.get("path") == path
    if pathway is not None:
        assert events[0].pathway == pathway


def assert_sent_to_log_in(response, before: Before, *, api: bool):
    if api:
        assert response.status_code == 403
        if response["Content-Type"].startswith("application/json"):  # the schema answers in its own format
            assert response.json()["error"]["code"] == "not_authenticated"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN_URL}?next=")
    assert not AccessLogEntry.objects.filter(pk__gt=before.access_log).exists()
    assert ChangeLogEntry.objects.count() == before.changes


def assert_reads(response, before: Before, user, expected: Counter):
    got = before.reads(user)
    assert got == expected, f"access-log rows (citizen, subject index, pathway): expected {expected}, got {got}"
    if got:
        assert before.request_ids() == {response["X-Request-Id"]}, "the rows must carry this request's id"


def assert_no_marker(response, role: pw.Role):
    if not role.may(MANAGE) and role.name != "break_glass":
        content = b"".join(response.streaming_content) if response.streaming else response.content  # downloads
        assert pw.COORDINATOR_ONLY_MARKER.encode() not in content, "a coordinator-only part was shown"


# --- the matrix ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", PATHWAY_CASES, ids=str)
def test_pathway_url(client, world, case):
    declaration, role = case.declaration, case.role
    pathway = world.pathways[case.pathway]
    user = world.act_as(role)
    args = [pathway.public_id, *(world.targets[(case.pathway, name)] for name in declaration.args)]
    path_only = reverse(declaration.name, args=args)
    url = f"{path_only}?{declaration.query}" if declaration.query else path_only
    if user is not None:
        world.log_in(client, user)
    before = Before.now()

    response = call(client, case.method, url)

    if role.anonymous:
        assert_sent_to_log_in(response, before, api=declaration.api)
    elif not role.may(VIEW):
        assert_refused(response, before, user, status=404, api=declaration.api, path=path_only, pathway=pathway)
    elif not role.may(
        declaration.post_action if case.method == "POST" and declaration.post_action else declaration.action
    ):
        assert_refused(response, before, user, status=403, api=declaration.api, path=path_only, pathway=pathway)
    else:
        expected = 200 if case.method == "GET" else declaration.post
        assert response.status_code == expected
        assert not [e for e in before.events_since() if e.code == "access.denied"]
        if response.status_code == 302:
            assert response["Location"].startswith(f"/forloeb/{pathway.public_id}/")
        if case.method == "GET":
            reads = pathway_reads(world, case.pathway) if declaration.shows_citizen_data else Counter()
            assert_reads(response, before, user, reads)
        elif response.status_code == 302:
            assert_reads(response, before, user, Counter())  # a redirect shows nothing
        else:  # the page again with the form's errors (422), or what was asked for (200): one read
            assert_reads(response, before, user, pathway_reads(world, case.pathway))
    assert_no_marker(response, role)


@pytest.mark.parametrize("case", PAGE_CASES, ids=str)
def test_page(client, world, case):
    page, role, method = case.declaration, case.role, case.method
    user = world.act_as(role)
    args = [
        world.pathways["main"].public_id if name == "pathway_id" else world.targets[(None, name)] for name in page.args
    ]
    url = page.url or reverse(page.name, args=args)
    if user is not None:
        world.log_in(client, user)
    before = Before.now()

    response = call(client, method, url)

    allowed = page.get if method == "GET" else page.post
    needs = page.post_who if method == "POST" and page.post_who else page.who
    if role.anonymous and page.who != PUBLIC:
        assert_sent_to_log_in(response, before, api=page.api)
        return
    if role.anonymous:
        assert response.status_code == dict(page.anonymous).get(method, allowed)
    elif needs == PUBLIC or role.can(needs):
        assert response.status_code == allowed
        assert not [e for e in before.events_since() if e.code == "access.denied"]
    elif page.post_who and role.can(page.who):  # sees the page, may not post on it
        assert response.status_code == 403
        assert not before.reads(user)
        assert ChangeLogEntry.objects.count() == before.changes
        return
    else:
        assert_refused(response, before, user, status=404, api=page.api, path=url)
        return
    if method == "GET" and response.status_code == 200:
        assert_reads(response, before, user, page.reads(world, role) if page.reads else Counter())
    elif method == "GET" or role.anonymous:
        assert not before.reads(user)
    assert_no_marker(response, role)


def test_the_coordinator_is_shown_the_marker(client, world):
    """The marker check above can fail: the coordinator's overview shows the other user's break-glass reason."""
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("pathways:overview", args=[world.pathways["main"].public_id]))
    assert pw.COORDINATOR_ONLY_MARKER in response.content.decode()


def test_a_pathway_that_does_not_exist_looks_the_same_as_one_out_of_scope(client, world):
    client.force_login(world.users["outsider"])
    pathway = world.pathways["main"]
    missing_id = uuid.uuid4()
    missing = client.get(reverse("pathways:overview", args=[missing_id]))
    hidden = client.get(reverse("pathways:overview", args=[pathway.public_id]))
    assert missing.status_code == hidden.status_code == 404

    def page(response, public_id):  # without what differs on every page anyway: the CSRF token, the own URL
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return text.replace(str(public_id), "<id>")

    assert page(missing, missing_id) == page(hidden, pathway.public_id)


@pytest.mark.parametrize("role", pw.ROLES, ids=lambda role: role.name)
def test_the_admin_is_closed_to_every_role(client, world, role):
    """The admin as one row group: none of the roles is an administrator, so every one gets the admin's log-in."""
    user = world.act_as(role)
    if user is not None:
        world.log_in(client, user)
    before = Before.now()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not AccessLogEntry.objects.filter(pk__gt=before.access_log).exists()


# --- the meta-tests --------------------------------------------------------------------------------------


def test_every_url_has_a_declaration():
    missing = undeclared(pw.walk_urls(EXCLUDED_NAMESPACES))
    assert not missing, (
        f"These URLs have no line in the permission matrix: {missing}. Add a PathwayUrl (a page about one pathway: "
        "the action it needs) or a Page (who may use it, why, and which citizen data it shows) to "
        "tests/test_permission_matrix.py."
    )


def test_a_new_view_without_a_declaration_fails():
    class Forgotten(View):
        def get(self, request):
            raise AssertionError("never called")

    patterns = [*pw.walk_urls(EXCLUDED_NAMESPACES), *pw.walk_patterns([path("ny/", Forgotten.as_view(), name="ny")])]
    assert undeclared(patterns) == ["ny"]


def test_no_declaration_is_stale():
    names = {url.name for url in pw.walk_urls(EXCLUDED_NAMESPACES)}
    stale = sorted(set(DECLARED) - names)
    assert not stale, f"No such URL any more; remove its line from the permission matrix: {stale}"
    keys = [(d.name, d.query) for d in PATHWAY_URLS] + [(d.name, "") for d in PAGES]
    assert len(keys) == len(set(keys)), "a URL is declared twice"


def test_every_answered_method_has_an_answer():
    problems = []
    for url in pw.walk_urls(EXCLUDED_NAMESPACES):
        declaration = DECLARED.get(url.name)
        if declaration is None:
            continue
        methods = methods_of(url)
        if not methods:
            problems.append(f"{url.name}: a function view; declare the methods it answers (methods=...)")
        if url.other_methods and getattr(declaration, "methods", None) is None:
            problems.append(f"{url.name} answers {url.other_methods}: the matrix knows GET and POST; declare methods")
        for method in methods:
            if method == "POST" and declaration.post is None:
                problems.append(f"{url.name} answers POST: declare what an allowed, empty POST answers (post=...)")
            if method == "GET" and isinstance(declaration, Page) and declaration.get is None:
                problems.append(f"{url.name} answers GET: declare what an allowed GET answers (get=...)")
        if "POST" not in methods and declaration.post is not None:
            problems.append(f"{url.name} does not answer POST: remove post=")
        if isinstance(declaration, Page) and "GET" not in methods and declaration.get is not None:
            problems.append(f"{url.name} does not answer GET: remove get=")
    assert not problems, "\n".join(problems)


def test_every_declaration_is_asked_of_every_role():
    """A declaration that generates no case would hide its URL from the matrix."""
    declared = {(d.name, getattr(d, "query", "")) for d in PATHWAY_URLS + PAGES}
    asked = {(c.declaration.name, getattr(c.declaration, "query", "")) for c in PATHWAY_CASES + PAGE_CASES}
    assert declared == asked
    per_url = Counter((c.declaration, c.method, c.pathway) for c in PATHWAY_CASES + PAGE_CASES)
    assert set(per_url.values()) == {len(pw.ROLES)}
