"""The scope of every tenant-owned model, registered with the policy.

The pathway scope is the heart: everything that hangs off a pathway is visible exactly when the pathway is.
"""

import datetime
import functools

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, GreaterThan, In, IsNull, LessThanOrEqual
from django.utils import timezone

from samspil.access import policy
from samspil.access.choices import ConsentGiverRole
from samspil.access.models import AccessGrant, BreakGlassAccess, Consent, ConsentScope, LegalBasis
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.citizens.models import ADULT_AGE, Citizen, Guardianship, Household, HouseholdMember, years_ago
from samspil.core.db import JoinedText
from samspil.meetings.models import ChecklistItem, Meeting, MeetingChecklistEntry, MeetingDecision, MeetingParticipant
from samspil.organisations.models import Department, ExternalContact, ExternalOrganisation, Membership, Unit
from samspil.pathways.models import Pathway, Programme, StatusChange, TargetGroup, TeamMember
from samspil.plans.models import Agreement, Goal, GoalFollowUp, Plan, PlanRevision

YOUNG_PERSON_CONSENT_AGE = 15


def department_covered(today: datetime.date | None = None) -> Q:
    """For a TeamMember row: may its department receive the pathway's data?

    Yes when it is the coordinating department, when a legal basis is recorded for it, or when consent in
    force covers it: the citizen's own for an adult; a custody holder's for a child under 15; both for a
    young person of 15-17; for a family, a custody holder's (the parents consent for the family plan).
    """
    return _sharing_basis(
        today or timezone.localdate(),
        department=OuterRef("department_id"),
        pathway=OuterRef("pathway_id"),
        lead=Q(department_id=OuterRef("lead_department_id")),
        birth_date=F("pathway__citizen__birth_date"),
        household=F("pathway__household_id"),
    )


def covered_departments(today: datetime.date | None = None) -> Subquery:
    """For Pathway rows: the ids of the departments the sharing basis covers, joined as text (`JoinedText.split`).

    The same rule as `department_covered`, asked of every department of the municipality instead of a team place.
    """
    return _covered_departments(today or timezone.localdate())


@functools.lru_cache(maxsize=8)
def _covered_departments(today: datetime.date) -> Subquery:
    covered = _sharing_basis(
        today,
        department=OuterRef("pk"),
        pathway=OuterRef(OuterRef("pk")),
        lead=Q(pk=OuterRef("lead_department_id")),
        birth_date=OuterRef("citizen__birth_date"),
        household=OuterRef("household_id"),
    )
    ids = (
        Department.objects.filter(municipality_id=OuterRef("municipality_id"))
        .filter(covered)
        .order_by()
        .values("municipality_id")
        .annotate(ids=JoinedText(Cast("pk", output_field=CharField())))
        .values("ids")
    )
    return Subquery(ids, output_field=TextField())


def _sharing_basis(today: datetime.date, *, department, pathway, lead: Q, birth_date, household) -> Q:
    """The one rule for "may this department receive this pathway's data", for a row that names a department.

    `department` and `pathway` are the references the consent and legal-basis subqueries compare with, `lead` the
    condition "it is the coordinating department", `birth_date` and `household` the pathway's subject.
    """

    # The consents in force for the department as one number, one bit per giver: 1 the citizen's own, 2 a custody
    # holder's (SUM of the distinct bits; NULL when there is none). One subquery instead of one EXISTS per giver and
    # age group: the rule is planned for every page about a pathway (twice: the team place and the covered
    # departments), and the planning, not the reading, was most of its cost.
    given = Subquery(
        ConsentScope.objects.filter(
            department_id=department,
            consent__pathway_id=pathway,
            consent__giver_role__in=(ConsentGiverRole.CITIZEN, ConsentGiverRole.CUSTODY_HOLDER),
            withdrawn_at__isnull=True,  # the department withdrawn on its own (the portal withdraws per department)
            consent__withdrawn_at__isnull=True,
            consent__given_on__lte=today,
        )
        .filter(Q(consent__expires_on__isnull=True) | Q(consent__expires_on__gte=today))
        .order_by()
        .values("department_id")
        .annotate(
            bits=Sum(
                Case(When(consent__giver_role=ConsentGiverRole.CITIZEN, then=Value(1)), default=Value(2)), distinct=True
            )
        )
        .values("bits"),
        output_field=IntegerField(),
    )
    adult_born_by = years_ago(today, ADULT_AGE)
    teen_born_by = years_ago(today, YOUNG_PERSON_CONSENT_AGE)
    # The givers the subject needs, in the same bits: a family, a custody holder's (the parents consent for the family
    # plan); an adult, their own; a young person of 15-17, both; a child under 15, a custody holder's. NULL (no
    # birth date) needs what no consent gives.
    needed = Case(
        When(Q(IsNull(household, False)), then=Value(2)),
        When(Q(LessThanOrEqual(birth_date, adult_born_by)), then=Value(1)),
        When(Q(LessThanOrEqual(birth_date, teen_born_by)), then=Value(3)),
        When(Q(GreaterThan(birth_date, teen_born_by)), then=Value(2)),
        default=None,
        output_field=IntegerField(),
    )
    legal_basis = Exists(LegalBasis.objects.in_force(today).filter(pathway_id=pathway, department_id=department))
    return lead | legal_basis | Q(Exact(given.bitand(needed), needed))


def _works_in(user_id: int, department_ref: OuterRef) -> Exists:
    """The user still works in that department: leaving a department ends the access it gave."""
    return Exists(Membership.objects.current().filter(user_id=user_id, department_id=department_ref))


def team_place(user) -> Exists:
    """For a Pathway row: the user holds a current staff place on its team that the sharing basis covers."""
    return _team_place(user.pk, timezone.localdate())


def coordinator_of(user) -> Q:
    """For a Pathway row: the user coordinates it and still works in the coordinating department."""
    return _coordinator_of(user.pk, timezone.localdate())


# The two rules above are built once per user and day and then reused: they depend on nothing else (the rows
# themselves are read by the database when the query runs), building them took a noticeable part of every
# pathway page, and Django copies an expression when a query uses it, so the kept one is never changed.
# Grants and break-glass are not kept: they are in force up to the second.
@functools.lru_cache(maxsize=512)
def _team_place(user_id: int, today: datetime.date) -> Exists:
    return Exists(
        TeamMember.objects.current(on=today)
        .filter(pathway_id=OuterRef("pk"), user_id=user_id)
        .filter(_works_in(user_id, OuterRef("department_id")))
        .filter(department_covered(today))
    )


@functools.lru_cache(maxsize=512)
def _coordinator_of(user_id: int, today: datetime.date) -> Q:
    return Q(coordinator_id=user_id) & _works_in(user_id, OuterRef("lead_department_id"))


def grant_in_force(user, at: datetime.datetime | None = None) -> Exists:
    """For a Pathway row: the user holds a grant to it in force at `at` (default: now)."""
    return Exists(AccessGrant.objects.in_force(at).filter(pathway_id=OuterRef("pk"), user=user))


def break_glass_in_force(user, at: datetime.datetime | None = None) -> Exists:
    """For a Pathway row: the user has a break-glass opening of it that has not expired at `at` (default: now)."""
    return Exists(BreakGlassAccess.objects.in_force(at).filter(pathway_id=OuterRef("pk"), user=user))


@policy.register(Pathway)
def pathway_scope(queryset, user, action):
    if action in (policy.INTAKE, policy.AGGREGATE):
        return queryset.none()
    if action == policy.MANAGE:
        return queryset.filter(coordinator_of(user))
    # A cheap, index-backed narrowing first, the exact rules below then run on a handful of rows, not the whole
    # municipality: `pathway_candidates`.
    on_team = coordinator_of(user) | team_place(user)
    if action == policy.CONTRIBUTE:
        return queryset.filter(AmongIds(F("pk"), pathway_candidates(user, action))).filter(on_team)
    return queryset.filter(AmongIds(F("pk"), pathway_candidates(user, action))).filter(
        on_team | grant_in_force(user) | break_glass_in_force(user)
    )


class AmongIds(In):
    """`lhs IN (ids)` for a subquery of ids, written `lhs = ANY(ARRAY(ids))` on PostgreSQL.

    PostgreSQL turns `IN (subquery)` into a semi-join and plans it together with every join of the outer query (a
    list's `select_related`): that doubled the planning time of *Mine forløb*. `ANY(ARRAY(…))` is an InitPlan run
    once, and its result an index condition on the primary key: the same rows read, planned as cheaply as a
    filter. Other databases get the plain `IN`.
    """

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = compiler.compile(self.rhs)
        if not rhs_sql.startswith("("):
            rhs_sql = f"({rhs_sql})"
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


def pathway_candidates(user, action):
    """The ids of the pathways the user may reach at most for VIEW or CONTRIBUTE, read from the user's own rows only.

    One `UNION ALL` of the pathways the user coordinates and the pathways of their team places that have not ended
    (for VIEW also of their grants and break-glass openings that have not expired). It is a superset of the scope:
    the exact rules (membership, the sharing basis, dates) then decide on these few rows. Each branch is an index
    range on the user (`Pathway (coordinator, status, id)`, `TeamMember (user, active_to, pathway)`, `AccessGrant
    (user, valid_until, pathway)`, `BreakGlassAccess (user, expires_at, pathway)`), so PostgreSQL reads the user's
    own rows by Index Only Scan and then the pathways by primary key: the cost follows what the user has, not the
    size of the municipality. (`coordinator = user OR pk IN (…)`, the earlier form, can use no index: the planner
    filtered every pathway of the municipality.) `access/tests/test_scope_plan.py` asserts the plan.
    """
    today = timezone.localdate()
    branches = [
        Pathway.objects.filter(coordinator_id=user.pk).order_by().values("pk"),
        TeamMember.objects.filter(Q(active_to__isnull=True) | Q(active_to__gte=today), user_id=user.pk)
        .order_by()
        .values("pathway_id"),
    ]
    if action == policy.VIEW:
        now = timezone.now()
        branches += [
            AccessGrant.objects.filter(user_id=user.pk, valid_until__gt=now).order_by().values("pathway_id"),
            BreakGlassAccess.objects.filter(user_id=user.pk, expires_at__gt=now).order_by().values("pathway_id"),
        ]
    return branches[0].union(*branches[1:], all=True)


def pathway_rights(user, at: datetime.datetime | None = None) -> dict:
    """For Pathway rows: what the user may do there, as annotations, by exactly the rules of `pathway_scope`.

    Reading one pathway (a page about it, a service's locked re-read) annotates these instead of filtering by the
    scope: each rule is built and compiled once, and the same row tells a 404 (not visible) from a 403 (visible,
    not allowed) without a second query. `access.PathwayAccess.from_row` turns them into the page's access object;
    `access_covered` adds the departments the sharing basis covers. Grants and break-glass are in force at `at`
    (default: now; `pathways.selectors.pathway_get` passes the moment so it can run the query precompiled).
    """
    return {
        "access_coordinator": ExpressionWrapper(coordinator_of(user), output_field=BooleanField()),
        "access_team_place": team_place(user),
        "access_grant": grant_in_force(user, at),
        "access_break_glass": break_glass_in_force(user, at),
        "access_covered": covered_departments(),
    }


def _visible_pathways(user, action):
    return Pathway.objects.visible_to(user, action).values("pk")


@policy.register(
    TeamMember,
    StatusChange,
    Consent,
    ConsentScope,
    LegalBasis,
    AccessGrant,
    BreakGlassAccess,
    ChangeLogEntry,
    AuditEvent,
    Meeting,
)
def pathway_child_scope(queryset, user, action):
    if action == policy.INTAKE:
        return queryset.none()
    if queryset.model is ConsentScope:
        return queryset.filter(consent__pathway__in=_visible_pathways(user, action))
    return queryset.filter(pathway__in=_visible_pathways(user, action))


# The shared plan is visible exactly when its pathway is: every plan row carries the pathway.
policy.register(Plan, Goal, GoalFollowUp, Agreement, PlanRevision)(pathway_child_scope)


@policy.register(MeetingParticipant, MeetingChecklistEntry, MeetingDecision)
def meeting_child_scope(queryset, user, action):
    """What hangs off a meeting is visible exactly when the meeting's pathway is."""
    if action == policy.INTAKE:
        return queryset.none()
    return queryset.filter(meeting__pathway__in=_visible_pathways(user, action))


@policy.register(AccessLogEntry)
def access_log_scope(queryset, user, action):
    # A pathway's access log is for its coordinator only, whatever action is asked for.
    return queryset.filter(pathway__in=_visible_pathways(user, policy.MANAGE))


@policy.register(Citizen)
def citizen_scope(queryset, user, action):
    """A citizen is visible when a visible pathway is about them, their family, or a child in their custody.

    Intake (search before registering, to never create a duplicate) reaches every citizen of the
    municipality, for case roles only; the search results are logged.
    """
    if action == policy.INTAKE:
        return queryset if policy.can_do_case_work(user) else queryset.none()
    pathways = Pathway.objects.visible_to(user, action)
    return queryset.filter(
        Q(pk__in=pathways.filter(citizen__isnull=False).values("citizen_id"))
        | Q(
            pk__in=HouseholdMember.objects.filter(household_id__in=pathways.values("household_id")).values("citizen_id")
        )
        | Q(pk__in=Guardianship.objects.filter(child_id__in=pathways.values("citizen_id")).values("guardian_id"))
    )


@policy.register(Household)
def household_scope(queryset, user, action):
    return queryset.filter(pk__in=Pathway.objects.visible_to(user, action).values("household_id"))


@policy.register(HouseholdMember)
def household_member_scope(queryset, user, action):
    return queryset.filter(household__in=Household.objects.visible_to(user, action))


@policy.register(Guardianship)
def guardianship_scope(queryset, user, action):
    return queryset.filter(child__in=Citizen.objects.visible_to(user, action))


@policy.register(
    Department, Unit, Membership, ExternalOrganisation, ExternalContact, Programme, TargetGroup, ChecklistItem
)
def municipality_configuration_scope(queryset, user, action):
    """Configuration is no case content: every staff member of the municipality may read it."""
    if action != policy.VIEW:
        return queryset.none()
    return queryset
