"""Reads of the portal's core pages: the list of pathways, one pathway, the plan in the citizen's edition and its
versions.

The pathway has been resolved through `portal.access` (`PortalPathwayMixin` or `portal_pathways`), so the rows
hanging off it are read with plain filters on it, in a constant number of queries. Selectors never log: the views'
mixins write the access-log rows of what a response showed.

What the citizen may read is defined once, elsewhere, and only used here: the plan through
`plans.snapshot.citizen_edition` (no internal notes), the meetings through `meetings.selectors.meetings_with_citizen`
(never an analysis meeting, never minutes).
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from samspil.assessments.selectors import approved_reports_for_reader
from samspil.citizens.models import Citizen, Guardianship, eighteenth_birthday
from samspil.core.db import Variable, precompiled_rows
from samspil.meetings.choices import MeetingStatus
from samspil.meetings.selectors import meetings_with_citizen
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, TeamMember
from samspil.plans.choices import OPEN_AGREEMENT_STATUSES, OwnerKind
from samspil.plans.models import Agreement, GoalComment, Plan, PlanRevision
from samspil.plans.selectors import plan_document
from samspil.plans.snapshot import citizen_edition
from samspil.portal.access import PortalAccess
from samspil.portal.choices import PortalLevel
from samspil.portal.models import PortalRight

# How long after the 18th birthday the young person is told that their parents can no longer see the pathway.
ADULT_NOTICE_DAYS = 90


def turned_adult_recently(person: Citizen, today: datetime.date) -> bool:
    birthday = eighteenth_birthday(person.birth_date)
    return birthday <= today < birthday + datetime.timedelta(days=ADULT_NOTICE_DAYS)


def parents_lost_access(*, person: Citizen, pathways: list[Pathway], today: datetime.date | None = None) -> set[int]:
    """The ids of the pathways (among `pathways`, reached by `person` as themself) where a custody holder of the
    person had portal access until the person turned 18, recently: there the young person is told that their
    parents can no longer see the pathway. One query, and none unless the person turned 18 in the last 90 days."""
    today = today or timezone.localdate()
    own = [pathway.pk for pathway in pathways if not pathway.portal_access.is_custody_holder]
    if not own or not turned_adult_recently(person, today):
        return set()
    custody_holders = Guardianship.objects.filter(
        municipality_id=person.municipality_id, child=person, has_custody=True
    ).values("guardian_id")
    return set(
        PortalRight.objects.filter(
            municipality_id=person.municipality_id, pathway_id__in=own, citizen_id__in=custody_holders
        )
        .exclude(level=PortalLevel.NONE)
        .values_list("pathway_id", flat=True)
    )


# --- one pathway -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    """A person on the team as the citizen sees them: name, role and where they work (or their relation)."""

    name: str
    role: str
    place: str
    is_network: bool


@dataclass
class PortalPathwayPage:
    pathway: Pathway
    access: PortalAccess
    team: list[TeamRow]
    meetings: list
    parents_lost_access: bool
    assessment_report: object = None  # the latest approved combined report of the joint assessment, if any


def _team_rows(pathway: Pathway, today: datetime.date) -> list[TeamRow]:
    """The current team without the coordinator's own place (shown on its own): names, roles, departments or
    organisations, and the network people with their relation. No one's address, phone or e-mail."""
    members = (
        TeamMember.objects.current(today)
        .filter(pathway=pathway)
        .exclude(kind=TeamMemberKind.STAFF, user_id=pathway.coordinator_id)
        .select_related("user", "department", "external_contact__organisation")
        .order_by("kind", "active_from", "id")
    )
    rows = []
    for member in members:
        if member.kind == TeamMemberKind.STAFF:
            place = member.department.name
        elif member.kind == TeamMemberKind.EXTERNAL:
            place = member.external_contact.organisation.name
        else:
            place = member.relation
        rows.append(
            TeamRow(
                name=member.display_name,
                role=member.get_role_display(),
                place=place,
                is_network=member.kind == TeamMemberKind.NETWORK,
            )
        )
    return rows


def upcoming_meetings(pathway: Pathway) -> list:
    """Planned meetings with the citizen or family that have not begun, soonest first."""
    return list(
        meetings_with_citizen(pathway)
        .filter(status=MeetingStatus.PLANNED, starts_at__gt=timezone.now())
        .order_by("starts_at", "id")
    )


def pathway_page(*, user, pathway: Pathway) -> PortalPathwayPage:
    """The coordinator (on the pathway row already), the team, the upcoming meetings with the citizen, whether
    the young person is to be told that their parents' access ended at 18, and the newest approved combined report of
    the joint assessment the reader may read (for the link to it)."""
    access = pathway.portal_access
    today = timezone.localdate()
    lost = parents_lost_access(person=access.person, pathways=[pathway], today=today)
    return PortalPathwayPage(
        pathway=pathway,
        access=access,
        team=_team_rows(pathway, today),
        meetings=upcoming_meetings(pathway),
        parents_lost_access=pathway.pk in lost,
        assessment_report=next(iter(approved_reports_for_reader(pathway, access.person, today)), None),
    )


def meeting_for_citizen(*, pathway: Pathway, public_id) -> object:
    """One meeting of the pathway with the citizen or family (for its calendar file); 404 for any other, an
    analysis meeting above all, exactly as for one that does not exist."""
    meeting = meetings_with_citizen(pathway).filter(public_id=public_id).first()
    if meeting is None:
        raise Http404
    return meeting


# --- the plan ----------------------------------------------------------------------------------------------


def own_agreements(access: PortalAccess) -> Q:
    """The agreements a portal account may mark as done: the citizen's own (owned by the citizen, for no one in
    particular or for the person themself); a custody holder only those naming them."""
    mine = Q(owner_kind=OwnerKind.CITIZEN, owner_member=access.person)
    if access.is_custody_holder:
        return mine
    return mine | Q(owner_kind=OwnerKind.CITIZEN, owner_member__isnull=True)


def _own_open_agreements(pathway: Pathway, access: PortalAccess) -> list[Agreement]:
    """The account's own open agreements on the pathway (`own_agreements`), only what the "done" form needs; the
    query compiled once per connection and kind of account (`core.db.precompiled_rows`)."""
    stand_ins = {"pathway": (-1, -2), "person": (-3, -4)}

    def build(values):
        own = own_agreements(dataclasses.replace(access, person=Citizen(pk=values["person"])))
        return (
            Agreement.objects.filter(pathway_id=values["pathway"], status__in=OPEN_AGREEMENT_STATUSES)
            .filter(own)
            .only("public_id", "version", "status")
        )

    fields = {"pathway": Agreement._meta.get_field("pathway"), "person": Agreement._meta.get_field("owner_member")}
    given = {"pathway": pathway.pk, "person": access.person.pk}
    variables = {name: Variable(given[name], *stand_ins[name], fields[name]) for name in given}
    return precompiled_rows(build, key=("portal_own_agreements", access.is_custody_holder), variables=variables)


@dataclass
class PortalPlan:
    """The plan as the citizen may read it: `snapshot` is the citizen's edition of the latest version (or of the
    plan as it is, when none is saved), `plan` the live row (its wishes' version for the form), `comments` by goal
    public id, `mine` the account's own open agreements by public id (with their versions)."""

    pathway: Pathway
    access: PortalAccess
    plan: Plan
    snapshot: dict
    revision: PlanRevision | None
    comments: dict = field(default_factory=dict)
    mine: dict = field(default_factory=dict)
    subject_ids: frozenset = frozenset()

    @property
    def is_family(self) -> bool:
        return not self.pathway.citizen_id

    @property
    def may_write(self) -> bool:
        return self.access.may_write

    @property
    def groups(self) -> list[tuple[str, list[dict]]]:
        return snapshot_groups(self.snapshot)


def snapshot_groups(snapshot: dict) -> list[tuple[str, list[dict]]]:
    """The goals of a snapshot by the person they are for, in the plan's order (one group for a single citizen)."""
    groups: dict[str, list] = {}
    for goal in snapshot.get("goals", []):
        groups.setdefault(goal.get("member_name", ""), []).append(goal)
    return list(groups.items())


def goal_comments(pathway: Pathway) -> dict[str, list[GoalComment]]:
    """The comments on the plan's goals, by the goal's public id, oldest first (one query)."""
    comments: dict[str, list] = {}
    rows = precompiled_rows(
        lambda values: (
            GoalComment.objects.filter(pathway_id=values["pathway"])
            .select_related("person", "goal")
            .order_by("created_at", "id")
        ),
        key=("portal_goal_comments",),
        variables={"pathway": Variable(pathway.pk, -1, -2, GoalComment._meta.get_field("pathway"))},
    )
    for comment in rows:
        comments.setdefault(str(comment.goal.public_id), []).append(comment)
    return comments


def plan_for_citizen(*, user, pathway: Pathway) -> PortalPlan:
    """The citizen's edition of the plan, the comments on its goals and the account's own open agreements."""
    access = pathway.portal_access
    document = plan_document(actor=user, pathway=pathway)
    plan = document.plan
    mine = {}
    if access.may_write and plan.pk:
        mine = {str(agreement.public_id): agreement for agreement in _own_open_agreements(pathway, access)}
    return PortalPlan(
        pathway=pathway,
        access=access,
        plan=plan,
        snapshot=citizen_edition(document.snapshot),
        revision=document.revision,
        comments=goal_comments(pathway) if plan.pk else {},
        mine=mine,
        subject_ids=frozenset(citizen.pk for citizen in document.citizens),
    )


def plan_revisions(*, pathway: Pathway) -> list[PlanRevision]:
    """Every saved version, newest first, without the content: who saved it, when, and the response."""
    return list(
        PlanRevision.objects.filter(pathway=pathway)
        .select_related("saved_by", "citizen_responded_by")
        .defer("snapshot")
        .order_by("-number")
    )


@dataclass
class PortalRevision:
    revision: PlanRevision
    snapshot: dict

    @property
    def groups(self) -> list[tuple[str, list[dict]]]:
        return snapshot_groups(self.snapshot)


def plan_revision(*, pathway: Pathway, number: int) -> PortalRevision:
    """One saved version in the citizen's edition; 404 for a number the plan does not have."""
    revision = (
        PlanRevision.objects.filter(pathway=pathway, number=number)
        .select_related("saved_by", "citizen_responded_by")
        .first()
    )
    if revision is None:
        raise Http404
    return PortalRevision(revision=revision, snapshot=citizen_edition(revision.snapshot))


# --- the joint assessment --------------------------------------------------------------------------------------


@dataclass
class PortalAssessment:
    """The latest approved combined report of the pathway as the family may read it: `content` is
    `assessments.snapshot.citizen_version` of the frozen report (no internal notes; analysis-meeting minutes never
    enter a report), `goals` the plan's goals answering each finding, by the finding's public id."""

    report: object
    content: dict
    goals: dict = field(default_factory=dict)


def assessment_for_citizen(*, pathway: Pathway, person) -> list[PortalAssessment]:
    """The approved combined reports the reader may read, newest assessment first: the latest approved report of each
    assessment about the reader or a minor in their custody (`assessments.selectors.approved_reports_for_reader`).
    A report that is compiled but not approved is never shown; an assessment about someone else in the family (a
    parent's VUM 2.0 for a sibling) is not the reader's to read. Three queries."""
    from samspil.assessments.snapshot import citizen_version
    from samspil.plans.models import Goal

    reports = approved_reports_for_reader(pathway, person, timezone.localdate())
    contents = [(report, citizen_version(report.snapshot)) for report in reports]
    finding_ids = [
        finding["id"]
        for _, content in contents
        for group in content.get("groups", [])
        for area in group.get("areas", [])
        for finding in area.get("findings", [])
    ]
    goals: dict[str, list] = {}
    if finding_ids:
        answering = (
            Goal.objects.filter(pathway=pathway, findings__public_id__in=finding_ids)
            .values_list("findings__public_id", "public_id", "description")
            .order_by("position", "id")
        )
        for finding_id, goal_id, description in answering:
            goals.setdefault(str(finding_id), []).append({"id": str(goal_id), "description": description})
    return [PortalAssessment(report=report, content=content, goals=goals) for report, content in contents]
