"""Reads of the shared plan. The pathway has been resolved through the policy (`pathway_get`); the plan rows
are read with plain filters on it, in a constant number of queries. What the actor may do comes from
`pathway.access`. The views' `PathwayMixin` writes the access log for every response that shows the plan."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import CharField, OuterRef, Prefetch, Subquery, TextField, Value
from django.db.models.functions import Cast, Concat, Replace
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from samspil.access.access import pathway_access
from samspil.core.db import STAND_IN_IDS, JoinedText, Variable, precompiled_rows
from samspil.organisations.models import Department
from samspil.pathways.models import Pathway, TeamMember
from samspil.pathways.selectors import subject_citizens
from samspil.plans.choices import FollowUpResult, GoalStatus, GoalType, Horizon, LifeArea
from samspil.plans.models import Agreement, Goal, GoalComment, GoalFollowUp, Plan, PlanRevision
from samspil.plans.snapshot import PlanDiff, diff_snapshots


def _plan_or_empty(pathway: Pathway) -> Plan:
    """The saved plan, or an empty unsaved one: reading never creates it (`services.plan_for` does, on the first
    change), and the empty plan's version is the one the first save will expect. The query is compiled once per
    connection (`core.db.precompiled_rows`)."""
    plans = precompiled_rows(
        lambda values: Plan.objects.filter(pathway_id=values["pathway"]).order_by("pk")[:1],
        key=("plan_or_empty",),
        variables={"pathway": _pathway_variable(pathway)},
    )
    return plans[0] if plans else Plan(municipality_id=pathway.municipality_id, pathway=pathway)


@dataclass
class AreaGroup:
    life_area: str
    label: str
    goals: list


@dataclass
class MemberGroup:
    """The goals of one family member, or of the citizen / the whole family (`member` None)."""

    member: object
    title: str
    areas: list = field(default_factory=list)

    @property
    def goal_count(self) -> int:
        return sum(len(area.goals) for area in self.areas)


@dataclass
class PlanPage:
    pathway: Pathway
    plan: Plan
    citizens: list
    groups: list
    goals: list
    latest_revision: "LatestVersion | None"
    revision_count: int
    team: list
    departments: list
    can_contribute: bool
    can_manage: bool
    whole_title: str
    shows_internal_notes: bool = False
    findings: list = field(default_factory=list)  # the pathway's findings (`FindingLine`), for the goal forms

    @property
    def is_family(self) -> bool:
        return not self.pathway.citizen_id

    @cached_property
    def overdue_count(self) -> int:
        today = timezone.localdate()
        return sum(1 for goal in self.goals for agreement in goal.agreements.all() if agreement.is_overdue_on(today))


def group_goals(goals: list, *, citizens: list, is_family: bool, whole_title: str) -> list[MemberGroup]:
    """Goals by family member (the whole family last), then by life area in the order of the life areas."""
    order = {value: index for index, value in enumerate(LifeArea.values)}
    members = [(citizen, citizen.full_name) for citizen in citizens] if is_family else []
    known = {citizen.pk for citizen in citizens}
    for goal in goals if is_family else []:  # a former member of the family keeps their goals, under their own name
        if goal.member_id and goal.member_id not in known:
            known.add(goal.member_id)
            members.append((goal.member, _("%(name)s (former member of the family)") % {"name": goal.member.full_name}))
    groups = [MemberGroup(member=citizen, title=title) for citizen, title in members]
    groups.append(MemberGroup(member=None, title=whole_title))
    by_member = {getattr(group.member, "pk", None): group for group in groups}
    buckets: dict = {}
    for goal in goals:
        group = by_member.get(goal.member_id) or by_member[None]
        buckets.setdefault((id(group), goal.life_area), []).append(goal)
    for group in groups:
        areas = sorted({area for (key, area) in buckets if key == id(group)}, key=lambda area: order.get(area, 99))
        group.areas = [AreaGroup(area, LifeArea(area).label, buckets[(id(group), area)]) for area in areas]
    return [group for group in groups if group.areas or group.member is None or not is_family]


# The findings of the pathway's joint assessments that goals answer (`assessments.Finding.goals`). A page shows many
# goals within a fixed query budget, so the findings travel as text in queries the page makes anyway: all the
# pathway's findings on the plan's row (`findings_joined`, the goal forms' choices and what each goal shows), and on
# each goal the ids of the findings it answers (`finding_ids_joined`). Findings apart by the record separator, fields
# apart by the unit separator; both are replaced in the finding's text, the only free text among the fields.
FINDING_SEPARATOR = "\x1e"
FINDING_FIELD_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class FindingLine:
    """A finding of the pathway's joint assessment as a goal shows it and a goal form offers it."""

    pk: int
    public_id: str
    assessment_public_id: str
    assessment_number: int
    area: str
    label: str


def _concat(*parts):
    """Text expressions (all of one type, `CharField`) joined as a balanced tree of pairs: Django's `Concat` nests its
    pairs one inside the next, and SQLite's parser overflows on a long line of them."""
    if len(parts) == 1:
        return parts[0]
    middle = len(parts) // 2
    return Concat(_concat(*parts[:middle]), _concat(*parts[middle:]))


def _finding_clean_text(name: str):
    return Replace(Replace(name, Value(FINDING_SEPARATOR), Value(" ")), Value(FINDING_FIELD_SEPARATOR), Value(" "))


def pathway_findings_joined() -> Subquery:
    """For Plan rows: every finding of the plan's pathway as one text (see `findings_split`)."""
    from samspil.assessments.models import Finding

    sep = Value(FINDING_FIELD_SEPARATOR)
    line = _concat(
        Cast("id", CharField()),
        sep,
        Cast("public_id", CharField()),
        sep,
        Cast("assessment__public_id", CharField()),
        sep,
        Cast("assessment__number", CharField()),
        sep,
        "assessment__method",
        sep,
        "area",
        sep,
        "kind",
        sep,
        Cast(_finding_clean_text("text"), CharField()),  # one type throughout: PostgreSQL's nested pairs need it
    )
    joined = (
        Finding.objects.filter(pathway=OuterRef("pathway"))
        .order_by()
        .values("pathway")
        .annotate(joined=JoinedText(line, separator=FINDING_SEPARATOR))
        .values("joined")
    )
    return Subquery(joined, output_field=TextField())


def goal_finding_ids_joined() -> Subquery:
    """For Goal rows: the ids of the findings the goal answers, as one text."""
    from samspil.assessments.models import Finding

    joined = (
        Finding.goals.through.objects.filter(goal=OuterRef("pk"))
        .order_by()
        .values("goal")
        .annotate(joined=JoinedText(Cast("finding_id", CharField()), separator=","))
        .values("joined")
    )
    return Subquery(joined, output_field=TextField())


def _finding_line(
    pk, public_id, assessment_public_id, number, method: str, area: str, kind: str, text: str
) -> FindingLine:
    import uuid

    from samspil.assessments.models import Assessment, Finding
    from samspil.assessments.selectors import finding_label

    # An unsaved Finding with its assessment, so the label is made by the one function that makes it.
    finding = Finding(area=area, kind=kind, text=text, assessment=Assessment(number=int(number), method=method))
    return FindingLine(
        pk=int(pk),
        public_id=str(uuid.UUID(str(public_id))),  # SQLite keeps a UUID as 32 hex digits, PostgreSQL with dashes
        assessment_public_id=str(uuid.UUID(str(assessment_public_id))),
        assessment_number=int(number),
        area=area,
        label=finding_label(finding),
    )


def _findings_ordered(lines: list[FindingLine]) -> list[FindingLine]:
    """As `assessments.selectors.finding_choices` orders them: the newest assessment first, by area, as recorded."""
    return sorted(lines, key=lambda line: (-line.assessment_number, line.area, line.pk))


def findings_split(value: str | None) -> list[FindingLine]:
    """The findings of `pathway_findings_joined`; each label is `assessments.selectors.finding_label`'s."""
    return _findings_ordered(
        [_finding_line(*part.split(FINDING_FIELD_SEPARATOR, 7)) for part in JoinedText.split(value, FINDING_SEPARATOR)]
    )


def pathway_findings(pathway: Pathway) -> list[FindingLine]:
    """The pathway's findings in one query: for a plan without a saved row, whose query did not carry them."""
    from samspil.assessments.models import Finding

    rows = Finding.objects.filter(pathway=pathway).values_list(
        "id", "public_id", "assessment__public_id", "assessment__number", "assessment__method", "area", "kind", "text"
    )
    return _findings_ordered([_finding_line(*row) for row in rows])


@dataclass(frozen=True)
class LatestVersion:
    """What the plan page says about the last saved version."""

    number: int
    saved_at: object
    saved_by_name: str
    citizen_agreed: bool | None


def _pathway_variable(pathway: Pathway) -> Variable:
    """The pathway as the variable of a precompiled query about one plan (`core.db.precompiled_rows`)."""
    return Variable(pathway.pk, -1, -2, Plan._meta.get_field("pathway"))


def pathway_goal(pathway: Pathway, goal_public_id) -> Goal:
    """The pathway's goal with this public id, or 404 (a goal of another pathway is not found). Compiled once per
    connection: a write on a goal's page reads it first."""
    rows = precompiled_rows(
        lambda values: Goal.objects.filter(pathway_id=values["pathway"], public_id=values["goal"]).order_by("pk")[:1],
        key=("pathway_goal",),
        variables={
            "pathway": _pathway_variable(pathway),
            "goal": Variable(goal_public_id, *STAND_IN_IDS, Goal._meta.get_field("public_id")),
        },
    )
    if not rows:
        raise Http404
    goal = rows[0]
    goal.pathway = pathway
    return goal


def _plan_with_latest_version(pathway: Pathway) -> tuple[Plan, LatestVersion | None]:
    """The plan (or an empty unsaved one) and its latest saved version, in one query; a saved plan also carries the
    findings of the pathway's assessments (`plan.findings_joined`, see `findings_split`)."""

    def build(values):
        # With the municipality, the latest version is the first row of the (municipality, plan, number) index, not
        # the last of all the plan's versions sorted (a plan saved a thousand times read them all, four times).
        latest = PlanRevision.objects.filter(municipality_id=OuterRef("municipality_id"), plan=OuterRef("pk")).order_by(
            "-number"
        )
        return (
            Plan.objects.filter(pathway_id=values["pathway"])
            .annotate(
                latest_number=Subquery(latest.values("number")[:1]),
                latest_saved_at=Subquery(latest.values("saved_at")[:1]),
                latest_saved_by=Subquery(
                    latest.annotate(
                        name=Concat("saved_by__first_name", Value(" "), "saved_by__last_name", output_field=CharField())
                    ).values("name")[:1]
                ),
                latest_citizen_agreed=Subquery(latest.values("citizen_agreed")[:1]),
                findings_joined=pathway_findings_joined(),
            )
            .order_by("pk")[:1]
        )

    # Compiled once per connection (`core.db.precompiled_rows`): the subqueries took longer to build than to run.
    rows = precompiled_rows(build, key=("plan_with_latest_version",), variables={"pathway": _pathway_variable(pathway)})
    plan = rows[0] if rows else None
    if plan is None:
        return Plan(municipality_id=pathway.municipality_id, pathway=pathway), None
    if plan.latest_number is None:
        return plan, None
    return plan, LatestVersion(
        number=plan.latest_number,
        saved_at=plan.latest_saved_at,
        saved_by_name=plan.latest_saved_by.strip(),
        citizen_agreed=plan.latest_citizen_agreed,
    )


# The comments from the portal on a goal travel in the goals' own query, as one text (a page shows many goals and
# has a fixed query budget): comments apart by the record separator, fields apart by the unit separator. Neither can
# be in a comment (`portal.services` removes control characters) nor in a citizen's name.
COMMENT_SEPARATOR = "\x1e"
COMMENT_FIELD_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class CommentLine:
    """A comment on a goal, written in the portal by the citizen or a custody holder (`GoalComment`)."""

    id: int
    created_at: datetime.datetime
    person_id: int
    person_name: str
    text: str


def goal_comments_joined() -> Subquery:
    """For Goal rows: their comments as one text, read in the goals' query (see `goal_comments_split`)."""
    sep = Value(COMMENT_FIELD_SEPARATOR)
    line = Concat(
        Cast("id", CharField()),
        sep,
        Cast("created_at", CharField()),
        sep,
        Cast("person_id", CharField()),
        sep,
        "person__first_name",
        Value(" "),
        "person__last_name",
        sep,
        "text",
        output_field=TextField(),
    )
    joined = (
        GoalComment.objects.filter(goal=OuterRef("pk"))
        .order_by()
        .values("goal")
        .annotate(joined=JoinedText(line, separator=COMMENT_SEPARATOR))
        .values("joined")
    )
    return Subquery(joined, output_field=TextField())


def goal_comments_split(value: str | None) -> list[CommentLine]:
    """The comments of `goal_comments_joined`, oldest first."""
    lines = []
    for part in JoinedText.split(value, COMMENT_SEPARATOR):
        pk, created, person_id, name, text = part.split(COMMENT_FIELD_SEPARATOR, 4)
        moment = parse_datetime(created.replace(" ", "T", 1))
        if timezone.is_naive(moment):  # SQLite keeps UTC without the offset
            moment = timezone.make_aware(moment, datetime.UTC)
        lines.append(CommentLine(int(pk), moment, int(person_id), name, text))
    return sorted(lines, key=lambda line: line.id)


def _page_goals(plan: Plan, team: list, findings: list) -> list[Goal]:
    """The goals with their agreements and follow-ups, for showing (not for a snapshot); each with the findings it
    answers (`goal.answered_findings`, taken from the pathway's `findings` already read).

    An agreement's owner is taken from the team already loaded rather than joined per row: a plan page shows
    hundreds of agreements owned by a handful of people. The timestamps are not shown, so not read.
    """
    agreements = (
        Agreement.objects.select_related("owner_member").defer("created_at", "updated_at").order_by("due_on", "id")
    )

    def build(values):
        return (
            Goal.objects.filter(plan_id=values["plan"])
            .select_related("member", "responsible_department")
            .defer("created_at", "updated_at")
            .prefetch_related(
                Prefetch("agreements", queryset=agreements),
                Prefetch("follow_ups", queryset=GoalFollowUp.objects.select_related("assessed_by")),
            )
            .annotate(comments_joined=goal_comments_joined(), finding_ids_joined=goal_finding_ids_joined())
            .order_by("position", "id")
        )

    goals = precompiled_rows(
        build,
        key=("page_goals",),
        variables={"plan": Variable(plan.pk, -1, -2, Goal._meta.get_field("plan"))},
    )
    members = {member.pk: member for member in team}
    # The display labels, looked up once per page rather than by `get_FOO_display` once per goal.
    status, goal_type, horizon = (
        {value: str(label) for value, label in choices.choices} for choices in (GoalStatus, GoalType, Horizon)
    )
    results = {value: str(label) for value, label in FollowUpResult.choices}
    for goal in goals:
        goal.citizen_comments = goal_comments_split(goal.comments_joined)
        answered = {int(pk) for pk in JoinedText.split(goal.finding_ids_joined)}
        goal.answered_findings = [finding for finding in findings if finding.pk in answered] if answered else []
        goal.status_label = status.get(goal.status, goal.status)
        goal.goal_type_label = goal_type.get(goal.goal_type, goal.goal_type)
        goal.horizon_label = horizon.get(goal.horizon, goal.horizon)
        for follow_up in goal.follow_ups.all():
            follow_up.result_label = results.get(follow_up.result, follow_up.result)
        for agreement in goal.agreements.all():
            if agreement.owner_id in members:
                agreement.owner = members[agreement.owner_id]
    return goals


def plan_page_variant(access) -> tuple:
    """What of the viewer's rights the plan page shows differently: `plan_page` reads these and no others (the
    plan page's body is kept per variant, `plans.views._plan_kept_context`)."""
    return (access.may_contribute, access.is_coordinator, access.shows_internal_notes)


def _departments(municipality_id: int) -> list[Department]:
    """The municipality's departments by name (a goal's responsible department), compiled once per connection."""
    return precompiled_rows(
        lambda values: Department.objects.filter(municipality_id=values["municipality"]).order_by("name"),
        key=("plan_page_departments",),
        variables={"municipality": Variable(municipality_id, -1, -2, Department._meta.get_field("municipality"))},
    )


def plan_page(*, actor, pathway: Pathway, goals: bool = True) -> PlanPage:
    """Everything on the plan page in a constant number of queries; with `goals=False` all but the goals (what a
    posted form needs for its choices, whatever the plan's size).

    Changing the plan is for the coordinator and covered team places while the pathway is open; internal notes of
    follow-ups are shown to them only (not to a grant or break-glass reader), as in the PDF's case-file edition.
    """
    access = pathway_access(actor=actor, pathway=pathway)
    plan, latest = _plan_with_latest_version(pathway)
    # The whole team, former members too: they may own agreements. The forms offer the current ones.
    team = precompiled_rows(
        lambda values: (
            TeamMember.objects.filter(pathway_id=values["pathway"])
            .select_related("user", "external_contact")
            .order_by("kind", "id")
        ),
        key=("plan_page_team",),
        variables={"pathway": _pathway_variable(pathway)},
    )
    can_contribute = pathway.is_open and access.may_contribute
    # Without a plan row there are no goals to read: the query saved reads the findings the new goal's form offers.
    findings = []
    if plan.pk:
        findings = findings_split(plan.findings_joined)
    elif can_contribute:
        findings = pathway_findings(pathway)
    goals = _page_goals(plan, team, findings) if plan.pk and goals else []
    citizens = subject_citizens(pathway)
    is_family = not pathway.citizen_id
    whole = _("The whole family") if is_family else pathway.subject_name
    page = PlanPage(
        pathway=pathway,
        plan=plan,
        citizens=citizens,
        groups=group_goals(goals, citizens=citizens, is_family=is_family, whole_title=whole),
        goals=goals,
        latest_revision=latest,
        revision_count=latest.number if latest else 0,
        team=[member for member in team if member.is_current] if can_contribute else [],
        departments=_departments(pathway.municipality_id) if can_contribute else [],
        can_contribute=can_contribute,
        can_manage=pathway.is_open and access.is_coordinator,
        whole_title=whole,
        shows_internal_notes=access.shows_internal_notes,
        findings=findings,
    )
    return page


def plan_goal(*, actor, pathway: Pathway, goal_public_id) -> tuple[PlanPage, Goal]:
    """The plan page data narrowed to one goal (its page with the forms that change it)."""
    page = plan_page(actor=actor, pathway=pathway)
    goal = next((goal for goal in page.goals if str(goal.public_id) == str(goal_public_id)), None)
    if goal is None:
        raise Http404
    return page, goal


def plan_revisions(*, actor, pathway: Pathway) -> list[PlanRevision]:
    """Every saved version of the plan, newest first: who saved it, when, what changed, the citizen's response."""
    revisions = list(
        PlanRevision.objects.filter(pathway=pathway)
        .select_related("saved_by", "event", "citizen_response_recorded_by", "citizen_responded_by")
        .defer("snapshot")
        .order_by("-number")
    )
    return revisions


@dataclass
class Comparison:
    before: PlanRevision
    after: PlanRevision
    diff: PlanDiff


def plan_compare(*, actor, pathway: Pathway, from_number: int, to_number: int) -> Comparison:
    """The difference between two saved versions, by their numbers (in either order). Unknown numbers: 404."""
    revisions = {
        revision.number: revision
        for revision in PlanRevision.objects.filter(
            pathway=pathway, number__in=[from_number, to_number]
        ).select_related("saved_by")
    }
    if from_number not in revisions or to_number not in revisions:
        raise Http404
    before, after = revisions[min(from_number, to_number)], revisions[max(from_number, to_number)]
    return Comparison(before=before, after=after, diff=diff_snapshots(before.snapshot, after.snapshot))


@dataclass
class PlanDocument:
    """What the PDF shows: the latest saved version, or the plan as it is when none is saved yet."""

    pathway: Pathway
    citizens: list
    snapshot: dict
    revision: PlanRevision | None
    plan: Plan | None = None  # the plan row (unsaved and empty when the pathway has none yet)


def plan_document(*, actor, pathway: Pathway) -> PlanDocument:
    """The plan and its latest saved version (each query compiled once per connection, `core.db.precompiled_rows`:
    the portal's and the partners' plan pages read them on every view)."""
    from samspil.plans.snapshot import build_snapshot

    plan = _plan_or_empty(pathway)
    revision = None
    if plan.pk:
        revisions = precompiled_rows(
            lambda values: (
                PlanRevision.objects.filter(municipality_id=values["municipality"], plan_id=values["plan"])
                .select_related("saved_by")
                .order_by("-number")[:1]
            ),
            key=("plan_document.revision",),
            variables={
                "municipality": Variable(plan.municipality_id, -3, -4, PlanRevision._meta.get_field("municipality")),
                "plan": Variable(plan.pk, -1, -2, PlanRevision._meta.get_field("plan")),
            },
        )
        revision = revisions[0] if revisions else None
    if revision is not None:
        snapshot = revision.snapshot
    elif plan.pk:
        snapshot = build_snapshot(plan, subject_name=pathway.subject_name, is_family=not pathway.citizen_id)
    else:
        snapshot = {"wishes": "", "goals": []}
    citizens = subject_citizens(pathway)
    return PlanDocument(pathway=pathway, citizens=citizens, snapshot=snapshot, revision=revision, plan=plan)
