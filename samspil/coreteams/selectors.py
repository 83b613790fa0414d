"""Reads of the core teams: the list, one team's page, the caseload status meeting and what changed since the last.

Families (pathways) are named only where the reader works in the pathway by the one pathway rule (CONTRIBUTE: its
coordinator or a covered team place); the others, also those the reader could open through a grant or break-glass,
are counted. So every read the views log (one access-log row per citizen of every family named, `reads`) has the
basis "scope".
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from samspil.access import policy
from samspil.coreteams import access
from samspil.coreteams.choices import CaseloadMeetingStatus, Change
from samspil.coreteams.models import CaseloadItem, CaseloadMeeting, CoreTeam, CoreTeamCase, CoreTeamMember
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway, TeamMember

# The seed's "3–4 professionals from the relevant departments" (seed 003 p. 4): outside it, the team page warns.
MIN_PROFESSIONALS, MAX_PROFESSIONALS = 3, 4


# --- what changed since the last meeting -------------------------------------------------------------------------


@dataclass
class CaseloadChange:
    """One family of the caseload with what changed since `since` (codes of `choices.Change` → count)."""

    case: CoreTeamCase
    changes: dict[str, int]

    @property
    def pathway(self) -> Pathway:
        return self.case.pathway


def _counts(queryset, pathway_ids, since, field_name: str = "created_at") -> dict[int, int]:
    rows = queryset.filter(pathway_id__in=pathway_ids)
    if since is not None:
        rows = rows.filter(**{f"{field_name}__gt": since})
    return dict(rows.values_list("pathway_id").annotate(n=Count("id")).order_by())


def caseload_changes(team: CoreTeam, since: datetime.datetime | None, on: datetime.date | None = None):
    """Every family in the team's caseload on `on` with a change since `since` (None: the first meeting, so every
    family is new in the caseload), in a fixed number of queries whatever the caseload (five).

    The changes: a new plan version saved, an agreement that became overdue (its due date passed after `since` and
    it is still open), a new financing decision, a status change (not the opening), new in the caseload (assigned
    after `since`). Rows are not filtered by the reader: the views decide who is named.
    """
    from samspil.economy.models import FinancingDecision
    from samspil.pathways.models import StatusChange
    from samspil.plans.models import Agreement, PlanRevision

    on = on or timezone.localdate()
    cases = list(
        CoreTeamCase.objects.current(on)
        .filter(team=team)
        .select_related("pathway__citizen", "pathway__household", "pathway__programme", "pathway__coordinator")
        .order_by("assigned_from", "id")
    )
    ids = [case.pathway_id for case in cases]
    if not ids:
        return []
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for code, counts in (
        (Change.PLAN_VERSION, _counts(PlanRevision.objects.all(), ids, since)),
        (Change.FINANCING_DECISION, _counts(FinancingDecision.objects.all(), ids, since)),
        (Change.STATUS_CHANGE, _counts(StatusChange.objects.exclude(from_status=""), ids, since)),
    ):
        for pathway_id, n in counts.items():
            found[pathway_id][code] = n
    overdue = Agreement.objects.overdue(on)
    if since is not None:
        overdue = overdue.filter(due_on__gte=timezone.localtime(since).date())
    for pathway_id, n in (
        overdue.filter(pathway_id__in=ids).values_list("pathway_id").annotate(n=Count("id")).order_by()
    ):
        found[pathway_id][Change.OVERDUE_AGREEMENT] = n
    rows = []
    for case in cases:
        changes = dict(found.get(case.pathway_id, {}))
        if since is None or case.created_at > since:
            changes[Change.NEW_CASE] = 1
        if changes:
            ordered = {code: changes[code] for code in Change.values if code in changes}
            rows.append(CaseloadChange(case=case, changes=ordered))
    return rows


def change_labels(changes: dict) -> list[str]:
    """The changes in words ("New plan version (2)"), in the order of `choices.Change`."""
    labels = []
    for code in Change.values:
        if code in changes:
            n = int(changes[code])
            label = str(Change(code).label)
            labels.append(f"{label} ({n})" if n > 1 else label)
    return labels


def previous_held(meeting: CaseloadMeeting) -> CaseloadMeeting | None:
    """The team's last held meeting before this one."""
    return (
        CaseloadMeeting.objects.filter(
            team_id=meeting.team_id, status=CaseloadMeetingStatus.HELD, starts_at__lt=meeting.starts_at
        )
        .exclude(pk=meeting.pk)
        .order_by("-starts_at")
        .first()
    )


# --- who is named ---------------------------------------------------------------------------------------------------


def visible_pathway_ids(actor, pathway_ids, action: str = policy.CONTRIBUTE) -> set[int]:
    """The pathways among `pathway_ids` the core team pages name to the actor: those the actor works in (coordinator
    or a covered team place), never through a grant or break-glass (one query)."""
    if not pathway_ids:
        return set()
    return set(Pathway.objects.visible_to(actor, action).filter(pk__in=pathway_ids).values_list("pk", flat=True))


def reads(pathways) -> list[tuple]:
    """(citizen, pathway) for every person the named families are about, for the access log."""
    from samspil.pathways.worklist import pathway_subject_reads

    return pathway_subject_reads(pathways)


# --- the list and one team ------------------------------------------------------------------------------------------


@dataclass
class NextMeeting:
    planned: CaseloadMeeting | None
    due_on: datetime.date | None
    is_overdue: bool


def next_meeting(team: CoreTeam, last_held_start, planned: CaseloadMeeting | None, today: datetime.date):
    """The next caseload meeting: the planned one, else due `cadence` days after the last held one (else today)."""
    if planned is not None:
        return NextMeeting(planned=planned, due_on=timezone.localtime(planned.starts_at).date(), is_overdue=False)
    if last_held_start is None:
        return NextMeeting(planned=None, due_on=today, is_overdue=False)
    due = timezone.localtime(last_held_start).date() + datetime.timedelta(days=team.status_meeting_cadence_days)
    return NextMeeting(planned=None, due_on=due, is_overdue=due < today)


@dataclass
class TeamRow:
    team: CoreTeam
    members: int
    families: int
    next: NextMeeting
    may_manage: bool


def team_list(*, actor, today: datetime.date | None = None) -> list[TeamRow]:
    """The teams the actor may view, with their current members and families and the next meeting (four queries)."""
    today = today or timezone.localdate()
    now = timezone.now()
    teams = list(access.teams_of(actor, policy.VIEW).select_related("programme", "leader").order_by("name", "id"))
    ids = [t.pk for t in teams]
    members = dict(
        CoreTeamMember.objects.current(today)
        .filter(team_id__in=ids)
        .values_list("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    families = dict(
        CoreTeamCase.objects.current(today)
        .filter(team_id__in=ids)
        .values_list("team_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    last_held, planned = {}, {}
    for meeting in CaseloadMeeting.objects.filter(team_id__in=ids).exclude(status=CaseloadMeetingStatus.CANCELLED):
        if meeting.status == CaseloadMeetingStatus.HELD:
            if meeting.team_id not in last_held or meeting.starts_at > last_held[meeting.team_id]:
                last_held[meeting.team_id] = meeting.starts_at
        elif meeting.ends_at >= now and (
            meeting.team_id not in planned or meeting.starts_at < planned[meeting.team_id].starts_at
        ):
            planned[meeting.team_id] = meeting
    managed = set(access.teams_of(actor, policy.MANAGE).filter(pk__in=ids).values_list("pk", flat=True))
    return [
        TeamRow(
            team=t,
            members=members.get(t.pk, 0),
            families=families.get(t.pk, 0),
            next=next_meeting(t, last_held.get(t.pk), planned.get(t.pk), today),
            may_manage=t.pk in managed,
        )
        for t in teams
    ]


def team_get(*, actor, public_id, action: str = policy.VIEW) -> CoreTeam:
    team = (
        access.teams_of(actor, action)
        .filter(public_id=public_id)
        .select_related("programme", "leader")
        .order_by()
        .first()
    )
    if team is None:
        raise Http404
    return team


@dataclass
class Family:
    case: CoreTeamCase
    named: bool
    overdue_agreements: int = 0
    latest_decision: CaseloadItem | None = None
    missing_places: list = field(default_factory=list)  # current members without a team place on the pathway
    coordinated: bool = False  # the reader coordinates the pathway: they give the missing places


@dataclass
class TeamPage:
    team: CoreTeam
    members: list[CoreTeamMember]
    former_members: list[CoreTeamMember]
    member_warning: str
    families: list[Family]
    hidden_families: int
    former_families: list[CoreTeamCase]
    hidden_former: int
    meetings: list[CaseloadMeeting]
    next: NextMeeting
    may_manage: bool
    may_contribute: bool
    named_pathways: list[Pathway] = field(default_factory=list)


def member_warning(count: int) -> str:
    from django.utils.translation import gettext as _

    if count < MIN_PROFESSIONALS:
        return _(
            "The team has %(count)s professionals. The model has 3–4 professionals from the relevant departments "
            "besides the team leader."
        ) % {"count": count}
    if count > MAX_PROFESSIONALS:
        return _(
            "The team has %(count)s professionals. The model has 3–4 professionals from the relevant departments "
            "besides the team leader: a larger team is harder to gather physically every time."
        ) % {"count": count}
    return ""


def team_page(*, actor, team: CoreTeam, today: datetime.date | None = None) -> TeamPage:
    """One team: members (current and former), the caseload (named where the reader may view the pathway), the
    meetings and the next one due. A fixed number of queries whatever the caseload."""
    from samspil.plans.models import Agreement

    today = today or timezone.localdate()
    now = timezone.now()
    all_members = list(
        CoreTeamMember.objects.filter(team=team).select_related("user", "department").order_by("active_from", "id")
    )
    current = [m for m in all_members if m.active_from <= today and (m.active_to is None or m.active_to >= today)]
    former = [m for m in all_members if m.active_to is not None and m.active_to < today]
    cases = list(
        CoreTeamCase.objects.filter(team=team)
        .select_related("pathway__citizen", "pathway__household", "pathway__coordinator", "pathway__programme")
        .order_by("assigned_from", "id")
    )
    visible = visible_pathway_ids(actor, [c.pathway_id for c in cases])
    current_cases = [c for c in cases if c.assigned_from <= today and (c.assigned_to is None or c.assigned_to >= today)]
    former_cases = [c for c in cases if c.assigned_to is not None and c.assigned_to < today]
    named_ids = [c.pathway_id for c in current_cases if c.pathway_id in visible]
    overdue = dict(
        Agreement.objects.overdue(today)
        .filter(pathway_id__in=named_ids)
        .values_list("pathway_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    placed = set(
        TeamMember.objects.current(today)
        .filter(pathway_id__in=named_ids, user_id__in=[m.user_id for m in current])
        .values_list("pathway_id", "user_id")
    )
    coordinated = visible_pathway_ids(actor, named_ids, policy.MANAGE)
    latest: dict[int, CaseloadItem] = {}
    for item in (
        CaseloadItem.objects.filter(
            pathway_id__in=named_ids, meeting__team=team, meeting__status=CaseloadMeetingStatus.HELD
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "id")
    ):
        latest[item.pathway_id] = item
    families = [
        Family(
            case=c,
            named=True,
            overdue_agreements=overdue.get(c.pathway_id, 0),
            latest_decision=latest.get(c.pathway_id),
            missing_places=[]
            if c.pathway.status == PathwayStatus.CLOSED
            else [m for m in current if (c.pathway_id, m.user_id) not in placed],
            coordinated=c.pathway_id in coordinated,
        )
        for c in current_cases
        if c.pathway_id in visible
    ]
    meetings = list(
        CaseloadMeeting.objects.filter(team=team).annotate(item_count=Count("items")).order_by("-starts_at")
    )
    held = [m.starts_at for m in meetings if m.status == CaseloadMeetingStatus.HELD]
    planned = [m for m in meetings if m.status == CaseloadMeetingStatus.PLANNED and m.ends_at >= now]
    named_former = [c for c in former_cases if c.pathway_id in visible]
    return TeamPage(
        team=team,
        members=current,
        former_members=former,
        member_warning=member_warning(len(current)),
        families=families,
        hidden_families=len(current_cases) - len(families),
        former_families=named_former,
        hidden_former=len(former_cases) - len(named_former),
        meetings=meetings,
        next=next_meeting(
            team, max(held) if held else None, min(planned, key=lambda m: m.starts_at) if planned else None, today
        ),
        may_manage=access.teams_of(actor, policy.MANAGE).filter(pk=team.pk).exists(),
        may_contribute=access.teams_of(actor, policy.CONTRIBUTE).filter(pk=team.pk).exists(),
        named_pathways=[f.case.pathway for f in families] + [c.pathway for c in named_former],
    )


# --- one caseload meeting -------------------------------------------------------------------------------------------


def meeting_get(*, actor, public_id, action: str = policy.VIEW) -> CaseloadMeeting:
    meeting = (
        CaseloadMeeting.objects.visible_to(actor, action)
        .filter(public_id=public_id)
        .select_related("team__programme", "team__leader", "scheduled_by", "recorded_by")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@dataclass
class MeetingFamily:
    pathway: Pathway
    changes: dict
    item: CaseloadItem | None

    @property
    def change_labels(self) -> list[str]:
        return change_labels(self.changes)


@dataclass
class MeetingPage:
    meeting: CaseloadMeeting
    since: datetime.datetime | None
    families: list[MeetingFamily]
    hidden: int
    members: list[CoreTeamMember]
    attendance: dict[int, str]
    not_in_person: list[CoreTeamMember]
    may_record: bool
    may_manage: bool

    @property
    def named_pathways(self) -> list[Pathway]:
        return [f.pathway for f in self.families]

    @property
    def shows_minutes(self) -> bool:
        """The minutes are free text about the whole meeting: shown (and written) only by a reader who sees every
        family on it."""
        return self.hidden == 0


def meeting_members(meeting: CaseloadMeeting) -> list[CoreTeamMember]:
    """The members expected at the meeting: those on the team on its day, and anyone whose attendance was recorded."""
    day = timezone.localtime(meeting.starts_at).date()
    recorded = meeting.attendance.values("member_id")
    return list(
        CoreTeamMember.objects.filter(team_id=meeting.team_id)
        .filter(Q(pk__in=recorded) | (Q(active_from__lte=day) & (Q(active_to__isnull=True) | Q(active_to__gte=day))))
        .select_related("user", "department")
        .order_by("active_from", "id")
    )


def meeting_families(meeting: CaseloadMeeting) -> tuple[datetime.datetime | None, list[MeetingFamily]]:
    """The families of the meeting: a held meeting's recorded items (changes frozen when recorded); a planned one's
    every family in the caseload with a change since the previous held meeting, as it stands now."""
    if meeting.status == CaseloadMeetingStatus.HELD:
        items = list(
            meeting.items.select_related("pathway__citizen", "pathway__household", "pathway__coordinator").order_by(
                "id"
            )
        )
        return meeting.changes_since, [MeetingFamily(pathway=i.pathway, changes=i.changes, item=i) for i in items]
    if meeting.status == CaseloadMeetingStatus.CANCELLED:
        return None, []
    previous = previous_held(meeting)
    since = previous.starts_at if previous else None
    rows = caseload_changes(
        meeting.team, since, max(timezone.localdate(), timezone.localtime(meeting.starts_at).date())
    )
    return since, [MeetingFamily(pathway=r.pathway, changes=r.changes, item=None) for r in rows]


def meeting_page(*, actor, meeting: CaseloadMeeting) -> MeetingPage:
    from samspil.coreteams.choices import Attendance

    since, families = meeting_families(meeting)
    visible = visible_pathway_ids(actor, [f.pathway.pk for f in families])
    named = [f for f in families if f.pathway.pk in visible]
    members = meeting_members(meeting)
    attendance = dict(meeting.attendance.values_list("member_id", "attendance"))
    not_in_person = (
        [m for m in members if attendance.get(m.pk) != Attendance.IN_PERSON]
        if meeting.status == CaseloadMeetingStatus.HELD
        else []
    )
    return MeetingPage(
        meeting=meeting,
        since=since,
        families=named,
        hidden=len(families) - len(named),
        members=members,
        attendance=attendance,
        not_in_person=not_in_person,
        may_record=meeting.status != CaseloadMeetingStatus.CANCELLED
        and meeting.starts_at <= timezone.now()
        and access.teams_of(actor, policy.CONTRIBUTE).filter(pk=meeting.team_id).exists(),
        may_manage=access.teams_of(actor, policy.MANAGE).filter(pk=meeting.team_id).exists(),
    )


# --- the pathway's overview line ------------------------------------------------------------------------------------


def _latest_case():
    from django.db.models import F, OuterRef

    return CoreTeamCase.objects.filter(pathway_id=OuterRef("pk")).order_by(
        F("assigned_to").desc(nulls_first=True), "-assigned_from", "-id"
    )


def _latest_item():
    from django.db.models import OuterRef

    return CaseloadItem.objects.filter(pathway_id=OuterRef("pk"), meeting__status=CaseloadMeetingStatus.HELD).order_by(
        "-meeting__starts_at", "-id"
    )


def overview_annotations() -> dict:
    """For Pathway rows: the latest caseload assignment (the open one first) and the latest decision about the family
    at a held caseload meeting, read in the query that loads the pathway anyway (`pathway_get(annotations=...)`), so
    the overview makes no query of its own for its line."""
    from django.db.models import Subquery

    case, item = _latest_case(), _latest_item()
    return {
        "coreteam_name": Subquery(case.values("team__name")[:1]),
        "coreteam_until": Subquery(case.values("assigned_to")[:1]),
        "coreteam_decision": Subquery(item.values("decision")[:1]),
        "coreteam_decision_at": Subquery(item.values("meeting__starts_at")[:1]),
        "coreteam_revise": Subquery(item.values("plan_to_be_revised")[:1]),
        "coreteam_meeting_id": Subquery(item.values("meeting__public_id")[:1]),
    }


@dataclass(frozen=True)
class OverviewLine:
    team: str | None
    until: datetime.date | None
    decision: str | None
    decision_at: datetime.datetime | None
    revise: bool
    meeting_id: object

    @property
    def has_decision(self) -> bool:
        return self.meeting_id is not None


def overview_line(pathway: Pathway) -> OverviewLine:
    """The pathway's core team and latest caseload decision: no query when the pathway carries the annotations of
    `overview_annotations`, else one."""
    names = ("name", "until", "decision", "decision_at", "revise", "meeting_id")
    if not hasattr(pathway, "coreteam_name"):
        row = (
            Pathway.objects.filter(pk=pathway.pk)
            .annotate(**overview_annotations())
            .values(*(f"coreteam_{n}" for n in names))[0]
        )
        values = [row[f"coreteam_{n}"] for n in names]
    else:
        values = [getattr(pathway, f"coreteam_{n}") for n in names]
    team, until, decision, decision_at, revise, meeting_id = values
    return OverviewLine(
        team=team, until=until, decision=decision, decision_at=decision_at, revise=bool(revise), meeting_id=meeting_id
    )
