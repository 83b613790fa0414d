"""The coordinator's worklist: what needs doing across the pathways they coordinate.

Overdue agreements, meetings to hold and to record, status meetings due by the programme's cadence, plans not
revised for a while and transitions at 18 to prepare. Each pathway is judged in Python at the request's moment from
facts kept under its content generation (`_facts_of`), so a view reads a bounded number of queries, whatever the
caseload, and only the pathways whose content changed are read again.
"""

import base64
import binascii
import bisect
import datetime
import logging
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from samspil.access import policy
from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.citizens.models import ADULT_AGE, eighteenth_birthday
from samspil.core.db import precompiled_rows, precompiled_rows_by_ids
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway

logger = logging.getLogger(__name__)

UPCOMING_DAYS = 14  # meetings to hold: those starting within the next two weeks
DUE_SOON_DAYS = 7  # status meetings shown when due within a week (or overdue)
TRANSITION_WARNING_MONTHS = 6  # seed 002: the transition at 18 is prepared from six months before the birthday
PAGE_SIZE = 25  # pathways per page of the worklist: the page reads, renders and logs only these


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, or the last day of that month when it is shorter."""
    import calendar

    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def transition_warning_from(born: datetime.date) -> datetime.date:
    """The first day the worklist warns of a young person's transition at 18: six months before the birthday."""
    return months_before(eighteenth_birthday(born), TRANSITION_WARNING_MONTHS)


def transition_due(
    *, born: datetime.date | None, opened_on: datetime.date, min_age: int | None, has_meeting: bool, today
) -> datetime.date | None:
    """The 18th birthday to prepare for, when the worklist should warn of it; else None.

    Seed 002: a young person's transition to adulthood is planned at a transition meeting (`TRANSITION_18`). The
    warning shows from six months before the 18th birthday until such a meeting is planned or held, on a one-citizen
    pathway of a programme for young people (its minimum age is under 18) who turns 18 during the pathway.
    """
    if born is None or min_age is None or min_age >= ADULT_AGE or has_meeting:
        return None
    birthday = eighteenth_birthday(born)
    if birthday < opened_on or today < transition_warning_from(born):
        return None
    return birthday


# --- the rules, as querysets: the worklist and "Mine opgaver" (`pathways.tasks`) both read through these -----


def active_pathways(actor, action: str):
    """The pathways the actor may do `action` in that are not closed: where there is still work to do."""
    return Pathway.objects.visible_to(actor, action).exclude(status=PathwayStatus.CLOSED)


def open_agreements():
    """Agreements someone is still to do (not of any one pathway: filter by pathway or owner)."""
    from samspil.plans.models import Agreement

    return Agreement.objects.open()


def overdue_agreements(today: datetime.date):
    """Open agreements whose due date has passed."""
    from samspil.plans.models import Agreement

    return Agreement.objects.overdue(today)


def planned_meetings_until(now: datetime.datetime):
    """Planned meetings that have begun (to record) or start within `UPCOMING_DAYS` (to hold), soonest first.

    A planned meeting with `starts_at <= now` awaits its minutes (`Meeting.awaits_minutes`); the rest are ahead.
    """
    return planned_meetings_before(now + datetime.timedelta(days=UPCOMING_DAYS))


def planned_meetings_before(until: datetime.datetime):
    """Planned meetings starting before `until`, soonest first (`planned_meetings_until`'s query)."""
    from samspil.meetings.choices import MeetingStatus
    from samspil.meetings.models import Meeting

    return Meeting.objects.filter(status=MeetingStatus.PLANNED, starts_at__lt=until).order_by("starts_at", "id")


def pathway_subject_reads(pathways) -> list[tuple]:
    """(citizen, pathway) for every person a list of pathways names: the citizen, or each family member.

    One query for the family members of all the family pathways (none when there are none).
    """
    members: dict[int, list] = {}
    household_ids = {p.household_id for p in pathways if p.household_id}
    if household_ids:
        from samspil.citizens.models import HouseholdMember

        current = HouseholdMember.objects.current().filter(household_id__in=household_ids)  # the subjects now
        for member in current.select_related("citizen"):
            members.setdefault(member.household_id, []).append(member.citizen)
    reads = []
    for pathway in pathways:
        for citizen in [pathway.citizen] if pathway.citizen_id else members.get(pathway.household_id, []):
            reads.append((citizen, pathway))
    return reads


@dataclass
class PathwayTasks:
    pathway: Pathway
    overdue_agreements: int = 0
    meetings_to_hold: list = field(default_factory=list)
    meetings_to_record: list = field(default_factory=list)
    status_meeting_due: datetime.date | None = None
    plan_revised_at: datetime.datetime | None = None
    plan_stale: bool = False
    transition_18_on: datetime.date | None = None  # the 18th birthday whose transition meeting is to be planned

    @property
    def status_meeting_overdue(self) -> bool:
        return self.status_meeting_due is not None and self.status_meeting_due < timezone.localdate()

    @property
    def has_tasks(self) -> bool:
        return bool(
            self.overdue_agreements
            or self.meetings_to_hold
            or self.meetings_to_record
            or self.status_meeting_due
            or self.plan_stale
            or self.transition_18_on
        )


@dataclass
class Worklist:
    rows: list
    overdue_agreements: int
    meetings_to_hold: int
    meetings_to_record: int
    status_meetings_due: int
    plans_stale: int
    transitions_due: int = 0
    next_cursor: str | None = None  # the next page of rows (`worklist_page`), None on the last


# --- the facts each pathway is judged from, kept under its content generation ------------------------------------
#
# The rules are judged in Python at the request's own moment (`_judged`), from facts of each pathway that change only
# when the pathway's content does or the day does: `Pathway.content_generation` moves on in the writer's own
# transaction for every change-logged row of the pathway (an agreement, a meeting, a saved plan version, the pathway
# itself) and of what it shows (its programme's cadence and ages, its citizen's birth date), and the overdue count is
# read for one day. Each user's facts are kept in one cache entry (`_facts_of`): a view reads the active pathways the
# user coordinates with their generations (one query, compiled once per user), the entry, and afresh only the facts
# of the pathways whose generation moved on (`_fresh_facts`). The worklist and *Mine forløb*'s figures both read
# them, so a change shows at once and a meeting that begins shows as to record at the minute it begins.


@dataclass(frozen=True)
class _Moment:
    """The moment the rules are judged at, and every day and time they compare with, worked out once per view."""

    today: datetime.date
    now: datetime.datetime
    upcoming_until: datetime.datetime  # meetings to hold start before this
    due_soon_before: datetime.date  # a status meeting due before this day is shown
    stale_before: datetime.datetime  # a plan revised before this is old
    stale_opened_before: datetime.date  # a pathway without a revision, opened before this day, has an old plan

    @classmethod
    def current(cls) -> "_Moment":
        return cls.at(timezone.now())

    @classmethod
    def at(cls, now: datetime.datetime) -> "_Moment":
        today = timezone.localdate(now)
        stale_before = now - datetime.timedelta(days=settings.SAMSPIL_PLAN_REVISION_DAYS)
        stale_day = timezone.localdate(stale_before)
        # A pathway without a revision counts from the start of its opening day (Copenhagen): opened on the day of
        # `stale_before` is old too when that day began before it.
        if _start_of(stale_day) < stale_before:
            stale_day += datetime.timedelta(days=1)
        return cls(
            today=today,
            now=now,
            upcoming_until=now + datetime.timedelta(days=UPCOMING_DAYS),
            due_soon_before=today + datetime.timedelta(days=DUE_SOON_DAYS + 1),
            stale_before=stale_before,
            stale_opened_before=stale_day,
        )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _Facts(NamedTuple):
    """What the rules read of one pathway: its content as of its generation, and the overdue count of one day.
    What does not depend on the moment is worked out when the facts are read, by the rules' own functions."""

    opened_on: datetime.date
    n_overdue: int  # open agreements due before the day the facts were read on
    planned: tuple  # the start of every planned meeting, soonest first
    plan_revised_at: datetime.datetime | None  # the last saved plan version
    status_due_on: datetime.date | None  # the next status meeting's day (`next_status_meeting_due`)
    transition: tuple | None  # (the first day of the warning, the 18th birthday) when `transition_due` can warn


class _Row(NamedTuple):
    """One pathway judged at a moment (`_judged`): the counts, and what is due."""

    pk: int
    public_id: uuid.UUID
    opened_on: datetime.date
    n_overdue: int
    n_to_record: int  # planned meetings that have begun: their minutes are to write
    n_to_hold: int  # planned meetings within `UPCOMING_DAYS`
    status_due_on: datetime.date | None  # the next status meeting, when due within `DUE_SOON_DAYS` or overdue
    is_status_overdue: bool
    is_stale: bool  # the plan has not been revised for `SAMSPIL_PLAN_REVISION_DAYS`
    transition_on: datetime.date | None  # the 18th birthday whose transition meeting is to be planned
    plan_revised_at: datetime.datetime | None


def _judged(pk: int, public_id: uuid.UUID, facts: _Facts, moment: _Moment) -> _Row:
    """The rules for one pathway at `moment`: the one place they are judged (the page's rows, its figures and *Mine
    forløb*'s figures all read these). A few steps per pathway: the page judges every pathway the user coordinates."""
    planned = facts.planned
    begun = bisect.bisect_right(planned, moment.now) if planned else 0  # started at or before now
    ahead = bisect.bisect_left(planned, moment.upcoming_until) - begun if planned else 0
    due = facts.status_due_on
    if due is not None and due >= moment.due_soon_before:
        due = None
    revised = facts.plan_revised_at
    transition = facts.transition
    return _Row(
        pk,
        public_id,
        facts.opened_on,
        facts.n_overdue,
        begun,
        ahead,
        due,
        due is not None and due < moment.today,
        revised < moment.stale_before if revised else facts.opened_on < moment.stale_opened_before,
        transition[1] if transition is not None and moment.today >= transition[0] else None,
        revised,
    )


def _per_pathway_count(queryset):
    """COUNT(*) of `queryset` rows of the outer pathway, as a scalar subquery (0 when there are none).

    COUNT(*), not of the id: the rows are then counted in an index that holds the filter's columns (an agreement's
    (pathway, status, due_on)) without reading the table."""
    counted = queryset.filter(pathway=OuterRef("pk")).order_by().values("pathway").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


FRESH_FACTS_BATCH = 500  # pathways per query when many are read afresh (the first view of the day)


# A view after a few of the user's pathways changed (the usual case) reads their facts through one kept query, the ids
# padded to `FEW` places (`core.db.precompiled_rows_by_ids`); more (the first view of a day) are built as usual.
FEW = 4


def _by_ids(build, ids: list[int], *, key: tuple) -> list:
    return precompiled_rows_by_ids(build, ids, key=key, field=Pathway._meta.pk, places=(FEW,))


def _fresh_facts(ids: list[int], today: datetime.date) -> dict[int, _Facts]:
    """The facts of the pathways `ids`, read now: two queries per `FRESH_FACTS_BATCH` pathways."""
    from samspil.meetings.choices import MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting
    from samspil.meetings.selectors import last_cadence_meeting_held, next_status_meeting_due
    from samspil.plans.models import PlanRevision

    def planned_meetings(batch):
        return (
            Meeting.objects.filter(status=MeetingStatus.PLANNED, pathway_id__in=batch)
            .order_by("starts_at")
            .values_list("pathway_id", "starts_at")
        )

    def pathway_rows(batch):
        # The subqueries are built here, not before: a view after a few changes runs the kept query without them.
        last_held = last_cadence_meeting_held()
        last_revision = (
            PlanRevision.objects.filter(pathway=OuterRef("pk"))
            .order_by()
            .values("pathway")
            .annotate(last=Max("saved_at"))
            .values("last")
        )
        transition_meeting = Meeting.objects.filter(
            pathway=OuterRef("pk"),
            meeting_type=MeetingType.TRANSITION_18,
            status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
        )
        return (
            Pathway.objects.filter(pk__in=batch)
            .annotate(
                n_overdue=_per_pathway_count(overdue_agreements(today)),
                last_cadence_meeting=Subquery(last_held, output_field=DateTimeField()),
                plan_revised_at=Subquery(last_revision, output_field=DateTimeField()),
                has_transition_meeting=Exists(transition_meeting),
            )
            .order_by()
            .values_list(
                "pk",
                "opened_on",
                "n_overdue",
                "last_cadence_meeting",
                "plan_revised_at",
                "has_transition_meeting",
                "programme__status_meeting_cadence_days",
                "programme__min_age",
                "citizen__birth_date",
            )
        )

    facts = {}
    for start in range(0, len(ids), FRESH_FACTS_BATCH):
        batch = ids[start : start + FRESH_FACTS_BATCH]
        planned: dict[int, list] = {}
        for pathway_id, starts_at in _by_ids(planned_meetings, batch, key=("worklist_planned", today)):
            planned.setdefault(pathway_id, []).append(starts_at)
        rows = _by_ids(pathway_rows, batch, key=("worklist_fresh_facts", today))
        for pk, opened_on, n_overdue, last_held_at, revised_at, has_transition, cadence, min_age, born in rows:
            # The warning's last condition is the day: judged with no day after it, the rest decides alone.
            birthday = transition_due(
                born=born, opened_on=opened_on, min_age=min_age, has_meeting=has_transition, today=datetime.date.max
            )
            facts[pk] = _Facts(
                opened_on=opened_on,
                n_overdue=n_overdue,
                planned=tuple(planned.get(pk, ())),
                plan_revised_at=revised_at,
                status_due_on=next_status_meeting_due(
                    cadence_days=cadence, last_cadence_meeting=last_held_at, opened_on=opened_on
                ),
                transition=(transition_warning_from(born), birthday) if birthday else None,
            )
    return facts


def _key(name: str, actor, *rest) -> tuple:
    """A precompiled query's key: the user's scope (MANAGE: what they coordinate) is the rest of its SQL."""
    return (name, actor.pk, actor.municipality_id, policy.is_municipal_staff(actor), *rest)


def _coordinated(actor) -> list:
    """(id, public id, content generation) of every active pathway the actor coordinates, compiled once per user
    (`core.db.precompiled_rows`)."""
    return precompiled_rows(
        lambda values: (
            active_pathways(actor, policy.MANAGE).order_by().values_list("pk", "public_id", "content_generation")
        ),
        key=_key("worklist_coordinated", actor),
        variables={},
    )


FACTS_SECONDS = 24 * 60 * 60  # the entry is of one day; a day on, every pathway's facts are read again


def _facts_key(actor) -> str:
    from samspil.pathways.fragments import code_version

    return f"samspil:worklist-facts:{actor.pk}:{code_version()}"


def _facts_of(actor, coordinated: list, moment: _Moment) -> dict[int, _Facts]:
    """The facts of the pathways `coordinated` (`_coordinated`'s rows): kept when their generation is the one kept
    with them (and the public id, so that a database made again never matches), else read afresh and kept.

    The generations were read before the facts, so a change committed in between leaves facts newer than their
    generation, never older: the next view reads them again. Nothing a transaction that changed the pathway read is
    kept (it may yet be rolled back). A cache that fails is logged, never raised: the facts are read as without it."""
    from django.core.cache import cache

    from samspil.audit.signals import changed_in_transaction_ids

    key = _facts_key(actor)
    try:
        kept = cache.get(key)
    except Exception:
        logger.warning("worklist facts: the cache could not be read", exc_info=True)
        kept = None
    entries = kept[1] if kept and kept[0] == moment.today else {}
    facts, missing = {}, []
    for pk, public_id, generation in coordinated:
        entry = entries.get(pk)
        if entry is not None and entry[0] == public_id.int and entry[1] == generation:
            facts[pk] = entry[2]
        else:
            missing.append(pk)
    if not missing:
        return facts
    facts.update(_fresh_facts(missing, moment.today))
    changed = changed_in_transaction_ids()
    keep = {
        pk: (public_id.int, generation, facts[pk])
        for pk, public_id, generation in coordinated
        if pk in facts and pk not in changed
    }
    try:
        cache.set(key, (moment.today, keep), FACTS_SECONDS)
    except Exception:
        logger.warning("worklist facts: the cache could not be written", exc_info=True)
    return facts


def _judged_rows(actor, moment: _Moment) -> list[_Row]:
    """Every active pathway the actor coordinates, judged at `moment` (a pathway gone between the two reads is
    left out)."""
    coordinated = _coordinated(actor)
    facts = _facts_of(actor, coordinated, moment)
    return [_judged(pk, public_id, facts[pk], moment) for pk, public_id, _ in coordinated if pk in facts]


def _urgency(row: _Row) -> int | None:
    """How urgent a pathway's tasks are: 0 something is late, 1 something is due soon, 2 only the plan is old;
    None: nothing to do (a status meeting overdue is due too)."""
    if row.n_overdue or row.n_to_record or row.is_status_overdue:
        return 0
    if row.n_to_hold or row.status_due_on or row.transition_on:
        return 1
    return 2 if row.is_stale else None


TOTALS = (
    "overdue_agreements",
    "meetings_to_record",
    "meetings_to_hold",
    "status_meetings_due",
    "plans_stale",
    "transitions_due",
)


def _figures(rows: list[_Row]) -> dict:
    """The worklist's figures (`TOTALS`) over judged rows."""
    return {
        "overdue_agreements": sum(row.n_overdue for row in rows),
        "meetings_to_record": sum(row.n_to_record for row in rows),
        "meetings_to_hold": sum(row.n_to_hold for row in rows),
        "status_meetings_due": sum(1 for row in rows if row.status_due_on),
        "plans_stale": sum(1 for row in rows if row.is_stale),
        "transitions_due": sum(1 for row in rows if row.transition_on),
    }


def worklist_totals(*, actor, moment: _Moment | None = None) -> Worklist:
    """The worklist's figures over every pathway the actor coordinates, judged now (*Mine forløb*)."""
    return Worklist(rows=[], **_figures(_judged_rows(actor, moment or _Moment.current())))


# --- the rows a page shows ----------------------------------------------------------------------------------


def _encode_cursor(tier: int, opened_on: datetime.date, public_id: uuid.UUID) -> str:
    raw = f"{tier}|{opened_on.isoformat()}|{public_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, datetime.date, uuid.UUID] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tier, day, public_id = raw.split("|")
        return int(tier), datetime.date.fromisoformat(day), uuid.UUID(public_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _pathway_tasks(pathway: Pathway, meetings: list, row: _Row, moment: _Moment) -> PathwayTasks:
    """What the worklist's row says of a pathway judged as `row`, with its planned meetings of `moment`."""
    tasks = PathwayTasks(
        pathway=pathway,
        overdue_agreements=row.n_overdue,
        status_meeting_due=row.status_due_on,
        plan_revised_at=row.plan_revised_at,
        plan_stale=row.is_stale,
        transition_18_on=row.transition_on,
    )
    for meeting in meetings:
        (tasks.meetings_to_record if meeting.starts_at <= moment.now else tasks.meetings_to_hold).append(meeting)
    return tasks


# What a worklist row shows and logs of a pathway, and the task list reads of it (`worklist_rows`,
# `pathway_subject_reads`, `tasks`).
_PAGE_FIELDS = (
    "public_id",
    "opened_on",
    "municipality_id",
    "citizen_id",
    "household_id",
    "programme__name",
    "programme__status_meeting_cadence_days",
    "programme__min_age",
    "citizen__municipality_id",
    "citizen__first_name",
    "citizen__last_name",
    "citizen__birth_date",
    "household__name",
)


def _page_pathways(ids: list[int], page_size: int | None) -> list[Pathway]:
    """The pathways of `ids`, with what a row shows. For a page, compiled once per page size: the ids fill
    `page_size` places (`core.db.precompiled_rows_by_ids`)."""

    def build(ids):
        return (
            Pathway.objects.select_related("programme", "citizen", "household").only(*_PAGE_FIELDS).filter(pk__in=ids)
        )

    if page_size is None:
        return list(build(ids))
    return precompiled_rows_by_ids(
        build, ids, key=("worklist_page_pathways", page_size), field=Pathway._meta.pk, places=(page_size,)
    )


def worklist_page(*, actor, cursor: str = "", page_size: int | None = None) -> Worklist:
    """The worklist: the figures over every pathway the actor coordinates, and one page of the pathways with
    something to do, the most urgent first (something late, then due soon, then only an old plan; within each the
    longest open first), by keyset pagination on (urgency, opened on, public id). `page_size=None`: every row.

    Every coordinated pathway is judged from its kept facts (`_judged_rows`); then two queries read the page's own
    pathways and their planned meetings, whatever the caseload.
    """
    moment = _Moment.current()
    position = _decode_cursor(cursor) if cursor else None
    judged = _judged_rows(actor, moment)
    chosen = sorted(
        (urgency, row.opened_on, row.public_id, row) for row in judged if (urgency := _urgency(row)) is not None
    )
    if position is not None:
        chosen = [entry for entry in chosen if entry[:3] > position]
    next_cursor = None
    if page_size is not None and len(chosen) > page_size:
        chosen = chosen[:page_size]
        next_cursor = _encode_cursor(*chosen[-1][:3])
    worklist = Worklist(rows=[], **_figures(judged))
    worklist.next_cursor = next_cursor
    if not chosen:
        return worklist
    ids = [row.pk for *_, row in chosen]
    loaded = {pathway.pk: pathway for pathway in _page_pathways(ids, page_size)}
    meetings_of: dict[int, list] = {}
    for meeting in planned_meetings_until(moment.now).filter(pathway__in=ids):
        meetings_of.setdefault(meeting.pathway_id, []).append(meeting)
    for *_, row in chosen:
        pathway = loaded.get(row.pk)
        if pathway is not None:  # else gone between the queries
            worklist.rows.append(_pathway_tasks(pathway, meetings_of.get(pathway.pk, []), row, moment))
    return worklist


def worklist_counts(*, actor) -> Worklist:
    """The figures, and every pathway with something to do (`worklist_page` without pages: *Mine opgaver*)."""
    return worklist_page(actor=actor, page_size=None)


def worklist_for_page(*, actor, cursor: str = "", page_size: int | None = None) -> Worklist:
    """The worklist page: one page of `worklist_page`, and the citizens it shows are logged as read."""
    worklist = worklist_page(actor=actor, cursor=cursor, page_size=page_size or PAGE_SIZE)
    reads = pathway_subject_reads([row.pathway for row in worklist.rows])
    access_record_each(actor=actor, reads=reads, shown="pathway.worklist", purpose=AccessPurpose.COORDINATION)
    return worklist


def transition_handover_kinds(pathway: Pathway, today: datetime.date | None = None) -> list[str]:
    """The department kinds coordination may pass to at the transition to adulthood, besides the programme's usual
    one (`Programme.transition_handover_department_kinds`, seed 002: adult services or the job centre).

    They apply at and after the transition: once the young person has turned 18, or a transition meeting has been
    held. The plan carries on in the same pathway; only the coordinator and the coordinating department change.
    """
    kinds = list(pathway.programme.transition_handover_department_kinds or [])
    if not kinds or not pathway.citizen_id:
        return []
    today = today or timezone.localdate()
    if eighteenth_birthday(pathway.citizen.birth_date) <= today:
        return kinds
    from samspil.meetings.choices import MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting

    held = Meeting.objects.filter(
        pathway_id=pathway.pk, meeting_type=MeetingType.TRANSITION_18, status=MeetingStatus.HELD
    ).exists()
    return kinds if held else []
