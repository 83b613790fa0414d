"""Reads of programme management. The first argument is the acting user; every read starts from the scope.

No case content leaves these functions: the programme's pathways are only counted (across the municipality,
deliberately without the pathway scope, like `/ledelse/`), and counts go through the small-number rule
(`organisations.suppression.count_cell`). Each page costs a fixed number of queries whatever the programme holds.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from samspil.access import policy
from samspil.implementation import rules
from samspil.implementation.choices import TheoryKind
from samspil.implementation.models import (
    GroupDecision,
    GroupMeeting,
    GroupMember,
    Implementation,
    Milestone,
    Phase,
    PhaseChecklistItem,
    ProgrammeGroup,
    ResponsibilityCell,
    ResponsibilityRole,
    ResponsibilityTask,
    ScaleUpStep,
    TheoryItem,
)
from samspil.organisations.suppression import Cell, count_cell
from samspil.pathways.models import Pathway, Programme


def programme_get(*, actor, code: str) -> Programme:
    """The programme of the actor's municipality with this code, or 404."""
    programme = Programme.objects.visible_to(actor, policy.VIEW).filter(code=code).first()
    if programme is None:
        raise Http404
    return programme


def implementation_of(programme: Programme) -> Implementation | None:
    return Implementation.objects.filter(programme=programme).select_related("owner", "leader").first()


def _pathways(programme_ids) -> Pathway:
    return Pathway.objects.filter(programme_id__in=programme_ids)


# --- the programmes list -----------------------------------------------------------------------------------------


@dataclass
class ProgrammeRow:
    programme: Programme
    phase: Phase | None
    overdue: int
    pathways: Cell
    target: ScaleUpStep | None  # the step in force today, or else the first one ahead


def programme_list(*, actor, today: datetime.date) -> list[ProgrammeRow]:
    programmes = list(Programme.objects.visible_to(actor, policy.VIEW).order_by("name"))
    ids = [p.pk for p in programmes]
    phases: dict[int, list] = {}
    for phase in Phase.objects.visible_to(actor, policy.VIEW).filter(programme_id__in=ids):
        phases.setdefault(phase.programme_id, []).append(phase)
    overdue = dict(
        Milestone.objects.visible_to(actor, policy.VIEW)
        .filter(programme_id__in=ids, done_on__isnull=True, due_on__lt=today)
        .values_list("programme_id")
        .annotate(n=Count("pk"))
    )
    counts = dict(
        _pathways(ids).filter(opened_on__lte=today).values_list("programme_id").annotate(n=Count("pk")).order_by()
    )
    steps: dict[int, list] = {}
    for step in ScaleUpStep.objects.visible_to(actor, policy.VIEW).filter(programme_id__in=ids):
        steps.setdefault(step.programme_id, []).append(step)
    return [
        ProgrammeRow(
            programme=p,
            phase=rules.current_phase(phases.get(p.pk, []), today),
            overdue=overdue.get(p.pk, 0),
            pathways=count_cell(counts.get(p.pk, 0)),
            target=_target(steps.get(p.pk, []), today),
        )
        for p in programmes
    ]


def _target(steps, today):
    passed = [s for s in steps if s.on_date <= today]
    if passed:
        return passed[-1]
    return steps[0] if steps else None


# --- the programme page ------------------------------------------------------------------------------------------


@dataclass
class GroupSummary:
    group: ProgrammeGroup
    members: list
    next_meeting: rules.NextMeeting
    meetings: list = field(default_factory=list)
    warning: rules.CadenceWarning | None = None  # gone longer than its cadence since its last meeting


@dataclass
class ScaleUpRow:
    step: ScaleUpStep
    actual: Cell
    counted_on: datetime.date  # the step's date, or today for a step still ahead
    reached: bool | None  # None: the step lies ahead


@dataclass
class ProgrammePage:
    programme: Programme
    today: datetime.date
    implementation: Implementation | None
    phases: list
    current_phase: Phase | None
    milestones: list
    overdue: list
    groups: list
    scale_up: list
    pathways: Cell
    pilots: Cell
    theory: list

    @property
    def done_milestones(self) -> list:
        return [m for m in self.milestones if m.done_on]

    @property
    def next_steps(self) -> list:
        """The next steps for the status report: the open milestones by date (overdue first), at most five."""
        return [m for m in self.milestones if m.done_on is None][:5]


def _groups(actor, programme, today, *, with_meetings: bool) -> list[GroupSummary]:
    members = GroupMember.objects.select_related("user", "external_contact__organisation").order_by("member_from")
    groups = (
        ProgrammeGroup.objects.visible_to(actor, policy.VIEW)
        .filter(programme=programme, active=True)
        .prefetch_related(
            Prefetch("members", queryset=members),
            Prefetch("meetings", queryset=GroupMeeting.objects.order_by("-held_on", "-id")),
        )
    )
    result = []
    for group in groups:
        meetings = list(group.meetings.all())
        result.append(
            GroupSummary(
                group=group,
                members=[m for m in group.members.all() if m.is_current(today)],
                next_meeting=rules.next_meeting(group, meetings, today),
                meetings=meetings if with_meetings else [],
                warning=rules.cadence_warning(group, meetings, today),
            )
        )
    return result


def scale_up_rows(actor, programme, today) -> list[ScaleUpRow]:
    steps = list(ScaleUpStep.objects.visible_to(actor, policy.VIEW).filter(programme=programme))
    if not steps:
        return []
    counted = {step.pk: min(step.on_date, today) for step in steps}
    aggregates = {f"s{step.pk}": Count("pk", filter=Q(opened_on__lte=counted[step.pk])) for step in steps}
    counts = _pathways([programme.pk]).aggregate(**aggregates)
    rows = []
    for step in steps:
        actual = counts[f"s{step.pk}"]
        ahead = step.on_date > today
        rows.append(
            ScaleUpRow(
                step=step,
                actual=count_cell(actual),
                counted_on=counted[step.pk],
                reached=None if ahead else actual >= step.target_count,
            )
        )
    return rows


@dataclass
class TheoryColumn:
    kind: str
    label: str
    items: list


def theory_columns(actor, programme) -> list[TheoryColumn]:
    """The change theory read left to right: resources, activities, short-, medium- and long-term results."""
    columns = {kind: TheoryColumn(kind=kind, label=label, items=[]) for kind, label in TheoryKind.choices}
    for item in TheoryItem.objects.visible_to(actor, policy.VIEW).filter(programme=programme):
        columns[item.kind].items.append(item)
    return list(columns.values())


def programme_page(*, actor, programme: Programme, today: datetime.date) -> ProgrammePage:
    phases = list(
        Phase.objects.visible_to(actor, policy.VIEW)
        .filter(programme=programme)
        .prefetch_related(
            Prefetch("checklist", queryset=PhaseChecklistItem.objects.select_related("done_by").order_by("position"))
        )
    )
    for phase in phases:
        phase.state = rules.phase_state(phase, today)
        phase.behind = rules.phase_behind(phase, today)
    milestones = list(
        Milestone.objects.visible_to(actor, policy.VIEW).filter(programme=programme).select_related("phase")
    )
    for milestone in milestones:
        milestone.overdue = milestone.is_overdue(today)
    counts = _pathways([programme.pk]).aggregate(
        total=Count("pk", filter=Q(opened_on__lte=today)), pilots=Count("pk", filter=Q(pilot=True))
    )
    return ProgrammePage(
        programme=programme,
        today=today,
        implementation=implementation_of(programme),
        phases=phases,
        current_phase=rules.current_phase(phases, today),
        milestones=milestones,
        overdue=rules.overdue(milestones, today),
        groups=_groups(actor, programme, today, with_meetings=False),
        scale_up=scale_up_rows(actor, programme, today),
        pathways=count_cell(counts["total"]),
        pilots=count_cell(counts["pilots"]),
        theory=theory_columns(actor, programme),
    )


def organisation(*, actor, programme: Programme, today: datetime.date) -> dict:
    return {
        "implementation": implementation_of(programme),
        "groups": _groups(actor, programme, today, with_meetings=True),
    }


def group_get(*, actor, programme: Programme, public_id) -> ProgrammeGroup:
    """A group of the programme (active or not), or 404."""
    group = (
        ProgrammeGroup.objects.visible_to(actor, policy.VIEW).filter(public_id=public_id, programme=programme).first()
    )
    if group is None:
        raise Http404
    return group


@dataclass
class GroupPage:
    group: ProgrammeGroup
    members: list  # current, and those whose membership starts later
    former: list  # memberships ended before the day: the history is kept
    meetings: list  # newest first
    open_decisions: list  # of every meeting of the group, not done yet, oldest first
    next_meeting: rules.NextMeeting
    warning: rules.CadenceWarning | None


def _members(group_ids):
    return (
        GroupMember.objects.filter(group_id__in=group_ids)
        .select_related("user", "external_contact__organisation")
        .order_by("member_from", "id")
    )


def _open_decisions(actor, group, before: datetime.date | None = None) -> list:
    decisions = GroupDecision.objects.visible_to(actor, policy.VIEW).filter(meeting__group=group, done_on__isnull=True)
    if before is not None:
        decisions = decisions.filter(meeting__held_on__lt=before)
    return list(decisions.select_related("meeting").order_by("meeting__held_on", "id"))


def group_page(*, actor, group: ProgrammeGroup, today: datetime.date) -> GroupPage:
    members = list(_members([group.pk]))
    meetings = list(
        GroupMeeting.objects.visible_to(actor, policy.VIEW)
        .filter(group=group)
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-id")
    )
    return GroupPage(
        group=group,
        members=[m for m in members if m.member_to is None or m.member_to >= today],
        former=[m for m in members if m.member_to is not None and m.member_to < today],
        meetings=meetings,
        open_decisions=_open_decisions(actor, group),
        next_meeting=rules.next_meeting(group, meetings, today),
        warning=rules.cadence_warning(group, meetings, today),
    )


@dataclass
class MeetingPage:
    meeting: GroupMeeting
    decisions: list  # made at this meeting
    earlier_open: list  # made at earlier meetings of the group and not done yet: the follow-up
    members: list  # the group's members on the meeting's day
    previous: GroupMeeting | None
    following: GroupMeeting | None


def meeting_page(*, actor, meeting: GroupMeeting) -> MeetingPage:
    group = meeting.group
    siblings = list(
        GroupMeeting.objects.visible_to(actor, policy.VIEW).filter(group=group).only("public_id", "held_on", "id")
    )
    siblings.sort(key=lambda m: (m.held_on, m.pk))
    index = next(i for i, m in enumerate(siblings) if m.pk == meeting.pk)
    return MeetingPage(
        meeting=meeting,
        decisions=list(meeting.decisions.all()),
        earlier_open=_open_decisions(actor, group, before=meeting.held_on),
        members=[m for m in _members([group.pk]) if m.is_current(meeting.held_on)],
        previous=siblings[index - 1] if index > 0 else None,
        following=siblings[index + 1] if index + 1 < len(siblings) else None,
    )


def group_meeting_get(*, actor, programme: Programme, public_id) -> GroupMeeting:
    meeting = (
        GroupMeeting.objects.visible_to(actor, policy.VIEW)
        .filter(public_id=public_id, group__programme=programme)
        .select_related("group")
        .prefetch_related("decisions")
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@dataclass
class Matrix:
    roles: list
    rows: list  # (task, [code or "" per role])


def responsibility_matrix(*, actor, programme: Programme) -> Matrix:
    roles = list(ResponsibilityRole.objects.visible_to(actor, policy.VIEW).filter(programme=programme))
    tasks = list(ResponsibilityTask.objects.visible_to(actor, policy.VIEW).filter(programme=programme))
    cells = {
        (c.task_id, c.role_id): c.code
        for c in ResponsibilityCell.objects.visible_to(actor, policy.VIEW).filter(task__programme=programme)
    }
    return Matrix(roles=roles, rows=[(task, [cells.get((task.pk, role.pk), "") for role in roles]) for task in tasks])
