"""The rules of programme management as pure functions of rows already loaded and a day (no queries here).

- The **current phase** is the last phase (in order) that has started on or before the day and not ended before
  it. No phase started: the implementation has not begun (None). Every started phase ended and none after them
  started: the next one not started is "up next", and the current phase is None until it starts.
- A phase is **behind schedule** while it has not ended and its planned end has passed.
- A milestone is **overdue** from the day after its date until it is done.
- A group's **next meeting** is the first meeting dated after the day; without one it is **due** its cadence after
  the last meeting held on or before the day (the group's creation without any), and **overdue** once that day has
  passed.
- A group with a cadence **has gone too long without meeting** once more days than its cadence have passed since its
  last meeting held on or before the day (since its creation without any), whether or not a meeting is planned.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone


def current_phase(phases, today: datetime.date):
    """The phase running on `today`, or None (not begun, between phases, or every phase ended)."""
    running = [
        phase
        for phase in phases
        if phase.actual_start is not None
        and phase.actual_start <= today
        and (phase.actual_end is None or phase.actual_end >= today)
    ]
    return max(running, key=lambda phase: phase.position) if running else None


def phase_state(phase, today: datetime.date) -> str:
    """done, current, planned (not started)."""
    if phase.actual_end is not None and phase.actual_end < today:
        return "done"
    if phase.actual_start is not None and phase.actual_start <= today:
        return "current"
    return "planned"


def phase_behind(phase, today: datetime.date) -> bool:
    return phase.planned_end is not None and phase.actual_end is None and phase.planned_end < today


def overdue(milestones, today: datetime.date) -> list:
    return [m for m in milestones if m.done_on is None and m.due_on < today]


@dataclass(frozen=True)
class NextMeeting:
    planned_on: datetime.date | None  # a meeting already dated after today
    due_on: datetime.date | None  # from the cadence
    is_overdue: bool


def next_meeting(group, meetings, today: datetime.date) -> NextMeeting:
    """`meetings`: the group's meetings (any order)."""
    future = sorted(m.held_on for m in meetings if m.held_on > today)
    held = [m.held_on for m in meetings if m.held_on <= today]
    due = None
    if group.cadence_days:
        last = max(held) if held else timezone.localdate(group.created_at)
        due = last + datetime.timedelta(days=group.cadence_days)
    planned = future[0] if future else None
    return NextMeeting(planned_on=planned, due_on=due, is_overdue=planned is None and due is not None and due < today)


@dataclass(frozen=True)
class CadenceWarning:
    last_held_on: datetime.date | None  # the last meeting held; None: none since the group was set up
    days: int  # days since it (or since the group was set up)
    cadence_days: int


def cadence_warning(group, meetings, today: datetime.date) -> CadenceWarning | None:
    """The warning for a group that meets every `cadence_days` and has gone longer than that since its last meeting;
    None for a group without a cadence or within it. `meetings`: the group's meetings (any order)."""
    if not group.cadence_days:
        return None
    held = [m.held_on for m in meetings if m.held_on <= today]
    last = max(held) if held else None
    days = (today - (last or timezone.localdate(group.created_at))).days
    if days <= group.cadence_days:
        return None
    return CadenceWarning(last_held_on=last, days=days, cadence_days=group.cadence_days)
