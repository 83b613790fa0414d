"""The coordinator's worklist: what needs doing across the pathways they coordinate.

Overdue agreements, meetings to hold and to record, status meetings due by the programme's cadence, and plans
not revised for a while. Every count comes from a bounded number of aggregate queries, whatever the caseload.
"""

import base64
import binascii
import datetime
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from samspil.access import policy
from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.citizens.models import ADULT_AGE, eighteenth_birthday
from samspil.core.db import Variable, precompiled_rows
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


# --- the rules in SQL: each is judged in the database, so no pathway is loaded to count or choose rows ----------
#
# Each rule below is the SQL form of the Python rule that `_pathway_tasks` applies to the rows a page shows
# (`next_status_meeting_due`, `transition_due`, the stale plan); tests hold the two to the same answers. *Mine
# forløb*'s figures are one aggregate query (`worklist_totals`); the worklist page reads one row of judged facts
# per coordinated pathway and orders, cuts and sums those in Python (`worklist_page`).


@dataclass(frozen=True)
class _Moment:
    """The moment the rules are judged at, and every day and time the SQL rules compare with, worked out here once
    so that each is a parameter of the query as it is (the query is compiled once per user and day:
    `core.db.precompiled_rows`; a value derived inside the query's build would not be)."""

    today: datetime.date
    now: datetime.datetime
    upcoming_until: datetime.datetime  # meetings to hold start before this
    due_soon_before: datetime.date  # a status meeting due before this day is shown
    stale_before: datetime.datetime  # a plan revised before this is old
    stale_opened_before: datetime.date  # a pathway without a revision, opened before this day, has an old plan
    born_by: datetime.date  # the latest birth date whose transition warning has begun

    @classmethod
    def current(cls) -> "_Moment":
        return cls.at(timezone.now())

    @classmethod
    def at(cls, now: datetime.datetime) -> "_Moment":
        today = timezone.localdate(now)
        stale_before = now - datetime.timedelta(days=settings.SAMSPIL_PLAN_REVISION_DAYS)
        stale_day = timezone.localtime(stale_before).date()
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
            born_by=_latest_birth_date_warned(today),
        )

    def start_of(self, day: datetime.date) -> datetime.datetime:
        return _start_of(day)

    def variables(self) -> dict[str, Variable]:
        """Each value as a variable of a precompiled query, with stand-ins far from any real moment and apart from
        each other (see `core.db.precompiled_rows`)."""
        date, moment = Pathway._meta.get_field("opened_on"), Pathway._meta.get_field("created_at")
        utc = datetime.UTC
        stand_ins = {
            "today": (datetime.date(1901, 1, 2), datetime.date(1951, 6, 3), date),
            "now": (datetime.datetime(1902, 2, 3, 4, 5, tzinfo=utc), datetime.datetime(1952, 7, 4, 6, 7, tzinfo=utc)),
            "upcoming_until": (
                datetime.datetime(1903, 3, 4, 5, 6, tzinfo=utc),
                datetime.datetime(1953, 8, 5, 7, 8, tzinfo=utc),
            ),
            "due_soon_before": (datetime.date(1904, 4, 5), datetime.date(1954, 9, 6), date),
            "stale_before": (
                datetime.datetime(1905, 5, 6, 7, 8, tzinfo=utc),
                datetime.datetime(1955, 10, 7, 8, 9, tzinfo=utc),
            ),
            "stale_opened_before": (datetime.date(1906, 6, 7), datetime.date(1956, 11, 8), date),
            "born_by": (datetime.date(1907, 7, 8), datetime.date(1957, 12, 9), date),
        }
        return {
            name: Variable(getattr(self, name), first, second, *(rest or (moment,)))
            for name, (first, second, *rest) in stand_ins.items()
        }


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _latest_birth_date_warned(today: datetime.date) -> datetime.date:
    """The latest birth date whose transition warning has begun by `today` (`transition_warning_from` only grows
    with the birth date, so every earlier birth date is warned too)."""
    born = months_before(today, -TRANSITION_WARNING_MONTHS)
    born = born.replace(year=born.year - ADULT_AGE, day=min(born.day, 28) if born.month == 2 else born.day)
    day = datetime.timedelta(days=1)
    while transition_warning_from(born) > today:
        born -= day
    while transition_warning_from(born + day) <= today:
        born += day
    return born


def _per_pathway_count(queryset):
    """COUNT(*) of `queryset` rows of the outer pathway, as a scalar subquery (0 when there are none).

    COUNT(*), not of the id: the rows are then counted in an index that holds the filter's columns (an agreement's
    (pathway, status, due_on)) without reading the table, which halved the worklist's counting of overdue
    agreements (202 pathways: ~2.6 → ~1.4 ms on the bench data)."""
    counted = queryset.filter(pathway=OuterRef("pk")).order_by().values("pathway").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _rules_queryset(actor, moment: _Moment):
    """The actor's active coordinated pathways, each with what the rules need, as columns of one query."""
    from samspil.meetings.choices import CADENCE_TYPES, MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting
    from samspil.plans.models import PlanRevision

    last_held = (
        Meeting.objects.filter(pathway=OuterRef("pk"), status=MeetingStatus.HELD, meeting_type__in=CADENCE_TYPES)
        .order_by()
        .values("pathway")
        .annotate(last=Max("starts_at"))
        .values("last")
    )
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
    planned = planned_meetings_before(moment.upcoming_until)
    born = "citizen__birth_date"
    # The 18th birthday and the opening day as comparable numbers (yyyymmdd); 29 February comes of age on 1 March
    # (`eighteenth_birthday`: 18 years after a leap year is never one).
    birthday_key = (ExtractYear(born) + ADULT_AGE) * 10000 + Case(
        When(**{f"{born}__month": 2, f"{born}__day": 29}, then=Value(301)),
        default=ExtractMonth(born) * 100 + ExtractDay(born),
    )
    day = Value(datetime.timedelta(days=1), output_field=DurationField())
    cadence = ExpressionWrapper(F("programme__status_meeting_cadence_days"), output_field=IntegerField())
    return active_pathways(actor, policy.MANAGE).annotate(
        last_cadence_meeting=Subquery(last_held, output_field=DateTimeField()),
        plan_revised_at=Subquery(last_revision, output_field=DateTimeField()),
        has_transition_meeting=Exists(transition_meeting),
        n_overdue=_per_pathway_count(overdue_agreements(moment.today)),
        n_to_record=_per_pathway_count(planned.filter(starts_at__lte=moment.now)),
        n_to_hold=_per_pathway_count(planned.filter(starts_at__gt=moment.now)),
        cadence_base=Coalesce(
            TruncDate("last_cadence_meeting", tzinfo=timezone.get_current_timezone()), F("opened_on")
        ),
        # The day the next status meeting is due (a date plus days is a timestamp in the database: cast back).
        status_due_at=Cast(
            ExpressionWrapper(
                F("cadence_base") + ExpressionWrapper(cadence * day, output_field=DurationField()),
                output_field=DateTimeField(),
            ),
            output_field=DateField(),
        ),
        birthday_key=ExpressionWrapper(birthday_key, output_field=IntegerField()),
        opened_key=ExpressionWrapper(
            ExtractYear("opened_on") * 10000 + ExtractMonth("opened_on") * 100 + ExtractDay("opened_on"),
            output_field=IntegerField(),
        ),
    )


def _rules(moment: _Moment) -> dict[str, Q]:
    """Each rule as a condition on `_rules_queryset`."""
    has_cadence = Q(programme__status_meeting_cadence_days__gt=0)

    def due_before(day: datetime.date) -> Q:  # the next status meeting is due before `day`
        return has_cadence & Q(status_due_at__lt=day)

    return {
        "overdue": Q(n_overdue__gt=0),
        "to_record": Q(n_to_record__gt=0),
        "to_hold": Q(n_to_hold__gt=0),
        "status_due": due_before(moment.due_soon_before),
        "status_overdue": due_before(moment.today),
        "stale": Q(plan_revised_at__lt=moment.stale_before)
        | Q(plan_revised_at__isnull=True, opened_on__lt=moment.stale_opened_before),
        "transition": Q(
            citizen__isnull=False,
            programme__min_age__lt=ADULT_AGE,
            has_transition_meeting=False,
            citizen__birth_date__lte=moment.born_by,
            birthday_key__gte=F("opened_key"),
        ),
    }


# The rules a row's urgency and the page's figures read, each judged once per pathway in the facts query.
_JUDGED = ("status_due", "status_overdue", "stale", "transition")
_FACTS = (
    "pk",
    "opened_on",
    "public_id",
    "n_overdue",
    "n_to_record",
    "n_to_hold",
    "last_cadence_meeting",
    "plan_revised_at",
    "has_transition_meeting",
    *(f"is_{name}" for name in _JUDGED),
)


# The facts `_pathway_tasks` reads from a pathway, set on the page's pathways.
_READ_BY_TASKS = ("n_overdue", "plan_revised_at", "last_cadence_meeting", "has_transition_meeting")


def _facts_queryset(actor, moment: _Moment):
    """One row of facts (`_FACTS`) per active pathway the actor coordinates: the counts, what `_pathway_tasks`
    reads, and each of `_JUDGED`'s rules judged in SQL, as plain values, never model instances.

    Each fact is a column of its own, so PostgreSQL runs each per-pathway subquery once or twice per row. Filtering,
    ordering and window-counting on the rules in SQL wrote each subquery into the statement once per use (about 31
    subplans for the worklist, planned on every request in ~1.6 ms and run in ~4.6 ms at 202 pathways); these
    facts are planned and run in a fraction of that, and what is left (an urgency per row, a sort, six sums) is a
    few steps of Python per pathway the actor coordinates."""
    rules = _rules(moment)
    judged = {
        f"is_{name}": Case(When(rules[name], then=Value(True)), default=Value(False), output_field=BooleanField())
        for name in _JUDGED
    }
    return _rules_queryset(actor, moment).annotate(**judged).order_by().values_list(*_FACTS, named=True)


def _urgency(row) -> int | None:
    """How urgent a pathway's tasks are: 0 something is late, 1 something is due soon, 2 only the plan is old;
    None: nothing to do (a status meeting overdue is due too)."""
    if row.n_overdue or row.n_to_record or row.is_status_overdue:
        return 0
    if row.n_to_hold or row.is_status_due or row.is_transition:
        return 1
    return 2 if row.is_stale else None


def _figures(rows) -> dict:
    """The worklist's figures (`TOTALS`) over the facts rows: the same as `_total_expressions` in SQL (a test holds
    the two to the same figures)."""
    return {
        "overdue_agreements": sum(row.n_overdue for row in rows),
        "meetings_to_record": sum(row.n_to_record for row in rows),
        "meetings_to_hold": sum(row.n_to_hold for row in rows),
        "status_meetings_due": sum(1 for row in rows if row.is_status_due),
        "plans_stale": sum(1 for row in rows if row.is_stale),
        "transitions_due": sum(1 for row in rows if row.is_transition),
    }


def _key(name: str, actor, *rest) -> tuple:
    """A precompiled query's key: the user's scope (MANAGE: what they coordinate) is the rest of its SQL."""
    return (name, actor.pk, actor.municipality_id, policy.is_municipal_staff(actor), *rest)


def worklist_totals(*, actor, moment: _Moment | None = None) -> Worklist:
    """The worklist's figures over every pathway the actor coordinates, in one aggregate query (no rows), compiled
    once per user and day (`core.db.precompiled_rows`)."""
    moment = moment or _Moment.current()

    def build(values):
        at = _Moment(**values)
        return (
            _rules_queryset(actor, at)
            .order_by()
            .values("municipality_id")  # one group: the actor's municipality
            .annotate(**{name: Coalesce(total, 0) for name, total in _total_expressions(_rules(at)).items()})
            .values(*TOTALS)
        )

    rows = precompiled_rows(build, key=_key("worklist_totals", actor), variables=moment.variables())
    return Worklist(rows=[], **(rows[0] if rows else dict.fromkeys(TOTALS, 0)))


# *Mine forløb* shows the figures on every view; it is the coordinator's start page. They are kept per user for
# `TOTALS_TTL_SECONDS` with a generation token that a change in one of the user's pathways replaces
# (`forget_worklist_totals`, after the commit): an agreement, a meeting, a saved plan version or the pathway itself,
# as the figures count them. What else moves a figure is at most this old: a rule's time passing (a meeting that
# has begun, a plan that grows old, at the minute), a changed membership, programme cadence or birth date. The
# worklist page itself always counts afresh.
TOTALS_TTL_SECONDS = 60
GENERATION_TTL_SECONDS = 24 * 60 * 60  # longer than the figures live; a new token never matches an old entry


def _totals_keys(user_id: int) -> tuple[str, str]:
    return f"samspil:worklist-totals:{user_id}", f"samspil:worklist-totals-generation:{user_id}"


def worklist_totals_kept(*, actor) -> Worklist:
    """`worklist_totals`, kept (see above): one cache read when kept, else the query and one cache write. Kept with
    the day and the generation it was counted in; another day or a replaced generation counts again."""
    from django.core.cache import cache

    totals_key, generation_key = _totals_keys(actor.pk)
    today = timezone.localdate()
    try:
        kept = cache.get_many([totals_key, generation_key])
        generation = kept.get(generation_key)
        if generation is None:  # never changed, or expired: start one (another request may have just begun one)
            cache.add(generation_key, uuid.uuid4().hex, GENERATION_TTL_SECONDS)
            generation = cache.get(generation_key)
    except Exception:  # the cache is down: count, as without it
        logger.warning("worklist figures: the cache could not be read", exc_info=True)
        return worklist_totals(actor=actor)
    if totals_key in kept and generation is not None and kept[totals_key][:2] == (today, generation):
        return Worklist(rows=[], **kept[totals_key][2])
    worklist = worklist_totals(actor=actor)
    if generation is not None:
        figures = {name: getattr(worklist, name) for name in TOTALS}
        try:
            cache.set(totals_key, (today, generation, figures), TOTALS_TTL_SECONDS)
        except Exception:
            logger.warning("worklist figures: the cache could not be written", exc_info=True)
    return worklist


def forget_worklist_totals(*user_ids) -> None:
    """A new generation for each user: their kept figures count again on the next view. A cache that cannot be
    written is logged, never raised: the change it follows is committed."""
    from django.core.cache import cache

    tokens = {_totals_keys(user_id)[1]: uuid.uuid4().hex for user_id in user_ids if user_id}
    try:
        cache.set_many(tokens, GENERATION_TTL_SECONDS)
    except Exception:
        logger.warning("worklist figures: the cache could not be written; they may be a minute old", exc_info=True)


TOTALS = (
    "overdue_agreements",
    "meetings_to_record",
    "meetings_to_hold",
    "status_meetings_due",
    "plans_stale",
    "transitions_due",
)


def _total_expressions(rules: dict[str, Q]) -> dict:
    """The worklist's figures as aggregates over `_rules_queryset`'s rows (`TOTALS`). A sum over no rows is NULL;
    each row's own counts are 0, never NULL."""
    return {
        "overdue_agreements": Sum("n_overdue"),
        "meetings_to_record": Sum("n_to_record"),
        "meetings_to_hold": Sum("n_to_hold"),
        "status_meetings_due": Count("pk", filter=rules["status_due"]),
        "plans_stale": Count("pk", filter=rules["stale"]),
        "transitions_due": Count("pk", filter=rules["transition"]),
    }


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


def _pathway_tasks(pathway: Pathway, meetings: list, moment: _Moment) -> PathwayTasks:
    """The Python rules for one pathway read by `_rules_queryset`: what the worklist's row says."""
    from samspil.meetings.selectors import next_status_meeting_due

    tasks = PathwayTasks(pathway=pathway, overdue_agreements=pathway.n_overdue, plan_revised_at=pathway.plan_revised_at)
    for meeting in meetings:
        (tasks.meetings_to_record if meeting.starts_at <= moment.now else tasks.meetings_to_hold).append(meeting)
    due = next_status_meeting_due(
        cadence_days=pathway.programme.status_meeting_cadence_days,
        last_cadence_meeting=pathway.last_cadence_meeting,
        opened_on=pathway.opened_on,
    )
    if due and due <= moment.today + datetime.timedelta(days=DUE_SOON_DAYS):
        tasks.status_meeting_due = due
    reference = pathway.plan_revised_at or moment.start_of(pathway.opened_on)
    tasks.plan_stale = moment.now - reference > datetime.timedelta(days=settings.SAMSPIL_PLAN_REVISION_DAYS)
    tasks.transition_18_on = transition_due(
        born=pathway.citizen.birth_date if pathway.citizen_id else None,
        opened_on=pathway.opened_on,
        min_age=pathway.programme.min_age,
        has_meeting=pathway.has_transition_meeting,
        today=moment.today,
    )
    return tasks


# What a worklist row shows and logs of a pathway (`worklist_rows`, `_pathway_tasks`, `pathway_subject_reads`).
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
    `page_size` places, the places left over get ids no row has (negative; `pk__in` drops repeated values)."""

    def build(ids):
        return (
            Pathway.objects.select_related("programme", "citizen", "household").only(*_PAGE_FIELDS).filter(pk__in=ids)
        )

    if page_size is None:
        return list(build(ids))
    field = Pathway._meta.pk
    variables = {
        f"id{place}": Variable(
            ids[place] if place < len(ids) else -1 - place, 1_000_000_000 + place, 2_000_000_000 + place, field
        )
        for place in range(page_size)
    }
    return precompiled_rows(
        lambda values: build([values[f"id{place}"] for place in range(page_size)]),
        key=("worklist_page_pathways", page_size),
        variables=variables,
    )


def worklist_page(*, actor, cursor: str = "", page_size: int | None = None) -> Worklist:
    """The worklist: the figures over every pathway the actor coordinates, and one page of the pathways with
    something to do, the most urgent first (something late, then due soon, then only an old plan; within each the
    longest open first), by keyset pagination on (urgency, opened on, public id). `page_size=None`: every row.

    Three queries whatever the caseload: the facts of every coordinated pathway (`_facts_queryset`, compiled once
    per user and day by `core.db.precompiled_rows`), the page's pathways, and their planned meetings.
    """
    moment = _Moment.current()
    position = _decode_cursor(cursor) if cursor else None
    facts = precompiled_rows(
        lambda values: _facts_queryset(actor, _Moment(**values)),
        key=_key("worklist_facts", actor),
        variables=moment.variables(),
    )
    chosen = sorted(
        (urgency, row.opened_on, row.public_id, row) for row in facts if (urgency := _urgency(row)) is not None
    )
    if position is not None:
        chosen = [entry for entry in chosen if entry[:3] > position]
    next_cursor = None
    if page_size is not None and len(chosen) > page_size:
        chosen = chosen[:page_size]
        next_cursor = _encode_cursor(*chosen[-1][:3])
    worklist = Worklist(rows=[], **_figures(facts))
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
        if pathway is None:  # gone between the two queries
            continue
        for name in _READ_BY_TASKS:
            setattr(pathway, name, getattr(row, name))
        worklist.rows.append(_pathway_tasks(pathway, meetings_of.get(pathway.pk, []), moment))
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
