"""The documentation model (seed 002, section 4.8): where every citizen of a programme stands, and the leaders' figures.

One row per citizen of a pathway (`CitizenRow`: the citizen of a one-citizen pathway, every member of a family), with
the citizen's education and employment status at the start (the first `StatusEntry`) and now (the latest on or before
the day asked), the meetings held with the citizen against the programme's `min_citizen_meetings` (the one rule of
`meetings.selectors.held_with_citizen`) and the goals of the pathway's plan reached (`GoalStatus.ACHIEVED`, of the
goals not cancelled). "In education" and "employed" are `results.choices.IN_EDUCATION` / `EMPLOYED` of the status now;
a citizen without any status counts in the denominator as "unknown" (seed 002: "of the first 100 young people, 64 %
were in education and 18 % employed" — of all of them).

Two layers:
- Pure figures (`Figures`, `figures_of`, `breakdown`, `distribution`): exact counts and fractions, no suppression.
  `documentation_rows` reads them in a constant number of queries for any set of pathways (5: pathways, family
  members, status at start, status now, meetings; plus goals). The `programme_report` command prints them as they are
  (its reader has the server).
- Counts (`Tally`): what every figure is summed from, by group and status; `tally(rows)` from rows,
  `database_tally(pathways)` counted by the database for the leaders' pages (two queries, however many pathways).
- Counts kept (`kept_tallies`, `ProgrammeFigures`): each programme's `Tally` of today, counted at most
  `SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS` ago, so a leader's page reads one row per programme; the pages show when
  the figures were counted and can have them counted again. What is built from one counting (the suppressed
  tables, their HTML) is kept in the process under the counting's UUID (`kept_in_process`).
- Pages for leaders (`programme_documentation`, `programmes_overview`): the same figures as `suppression.Cell`s with
  the small-number rule applied (1-4 hidden, secondary suppression along rows and columns; a share whose count or
  denominator is hidden is hidden too). Only figures and the names of coordinators, departments and target groups
  leave them, never a citizen.
- The caseworker's own caseload (`caseload_for_page`): the pathways of the programme they coordinate (the MANAGE
  scope), with the citizens' names, logged as a list (`results.caseload`, one row per citizen and pathway).
"""

import dataclasses
import datetime
import threading
import uuid
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samspil.access import policy
from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.citizens.models import HouseholdMember
from samspil.meetings.models import Meeting
from samspil.meetings.selectors import held_with_citizen
from samspil.organisations.models import Department
from samspil.organisations.suppression import Cell, count_cell, protect
from samspil.pathways.models import Pathway, Programme, TargetGroup
from samspil.plans.choices import GoalStatus
from samspil.plans.models import Goal
from samspil.results.choices import EMPLOYED, IN_EDUCATION, EducationEmployment
from samspil.results.models import ProgrammeFigures, StatusEntry
from samspil.results.selectors import status_at_start, status_on

UNKNOWN = ""  # no status recorded (yet)
NO_TARGET_GROUP = 0  # the key of pathways without a target group in `by_target_group`


# --- the rows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitizenRow:
    """One citizen of one pathway in the documentation model."""

    pathway_id: int
    citizen_id: int
    programme_id: int
    opened_on: datetime.date
    coordinator_id: int
    lead_department_id: int
    target_group_id: int | None
    start: str  # education and employment at the start (`EducationEmployment`), UNKNOWN without any entry
    now: str  # ... on the day asked
    meetings_held: int  # held with the citizen (or the family), by the day asked
    meetings_required: int  # the programme's minimum
    goals_reached: int
    goals_total: int  # goals of the pathway's plan, cancelled ones left out

    @property
    def in_education(self) -> bool:
        return self.now in IN_EDUCATION

    @property
    def employed(self) -> bool:
        return self.now in EMPLOYED

    @property
    def meetings_met(self) -> bool:
        return self.meetings_held >= self.meetings_required


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in Copenhagen: meetings that began before it were held by `day`."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _held_per_pathway(ids: QuerySet, on: datetime.date) -> QuerySet:
    """(pathway id, meetings held with the citizen by the end of `on`) for the pathways of `ids`."""
    held = held_with_citizen(Meeting.objects.filter(pathway_id__in=ids, starts_at__lt=_end_of(on)))
    return held.order_by().values("pathway_id").annotate(n=Count("pk")).values_list("pathway_id", "n")


def _goals_per_pathway(ids: QuerySet) -> QuerySet:
    """Per pathway of `ids`: its goals not cancelled (`total`) and of those the ones reached (`reached`)."""
    return (
        Goal.objects.filter(pathway_id__in=ids)
        .exclude(status=GoalStatus.CANCELLED)
        .order_by()
        .values("pathway_id")
        .annotate(total=Count("pk"), reached=Count("pk", filter=Q(status=GoalStatus.ACHIEVED)))
    )


def documentation_rows(pathways: QuerySet, *, on: datetime.date | None = None) -> list[CitizenRow]:
    """A row per citizen of each pathway in `pathways` (already scoped or filtered by the caller), as on `on`.

    A constant number of queries whatever the number of pathways: the pathways, the family members, the status at the
    start and on `on` (`results.selectors`), the meetings held with the citizen, the goals.
    """
    on = on or timezone.localdate()
    pathways = pathways.filter(opened_on__lte=on).order_by()
    ids = pathways.values("id")
    listed = list(
        pathways.order_by("opened_on", "id").values(
            "id",
            "citizen_id",
            "household_id",
            "programme_id",
            "opened_on",
            "coordinator_id",
            "lead_department_id",
            "target_group_id",
            "programme__min_citizen_meetings",
        )
    )
    if not listed:
        return []
    members = defaultdict(list)
    households = {row["household_id"] for row in listed if row["household_id"]}
    if households:
        for household_id, citizen_id in (
            HouseholdMember.objects.filter(household_id__in=households)  # every member the family had, once each
            .order_by("household_id", "citizen_id")
            .values_list("household_id", "citizen_id")
            .distinct()
        ):
            members[household_id].append(citizen_id)
    at_start = status_at_start(ids, on)
    now = status_on(ids, on)
    held = dict(_held_per_pathway(ids, on))
    goals = {row["pathway_id"]: row for row in _goals_per_pathway(ids)}
    rows = []
    for pathway in listed:
        citizens = [pathway["citizen_id"]] if pathway["citizen_id"] else members[pathway["household_id"]]
        goal = goals.get(pathway["id"], {})
        for citizen_id in citizens:
            key = (pathway["id"], citizen_id)
            start, latest = at_start.get(key), now.get(key)
            rows.append(
                CitizenRow(
                    pathway_id=pathway["id"],
                    citizen_id=citizen_id,
                    programme_id=pathway["programme_id"],
                    opened_on=pathway["opened_on"],
                    coordinator_id=pathway["coordinator_id"],
                    lead_department_id=pathway["lead_department_id"],
                    target_group_id=pathway["target_group_id"],
                    start=start.education_employment if start else UNKNOWN,
                    now=latest.education_employment if latest else UNKNOWN,
                    meetings_held=held.get(pathway["id"], 0),
                    meetings_required=pathway["programme__min_citizen_meetings"],
                    goals_reached=goal.get("reached", 0),
                    goals_total=goal.get("total", 0),
                )
            )
    return rows


def cohort(
    rows: Iterable[CitizenRow],
    *,
    opened_from: datetime.date | None = None,
    opened_to: datetime.date | None = None,
    first: int | None = None,
) -> list[CitizenRow]:
    """The rows of pathways opened between `opened_from` and `opened_to` (both included, either open), the first
    `first` citizens of them by opening date when given ("of the first 100 young people")."""
    chosen = [
        row
        for row in rows
        if (opened_from is None or row.opened_on >= opened_from) and (opened_to is None or row.opened_on <= opened_to)
    ]
    chosen.sort(key=lambda row: (row.opened_on, row.pathway_id, row.citizen_id))
    return chosen[:first] if first is not None else chosen


# --- pure figures ------------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class Figures:
    """The headline of a set of citizen rows: exact counts and fractions (0-1, None when there is no one)."""

    citizens: int
    pathways: int
    in_education: int
    employed: int
    unknown: int  # no status recorded by the day asked
    meetings_minimum_met: int
    goals_reached: int
    goals_total: int

    @property
    def other(self) -> int:
        """Neither in education nor employed, or unknown."""
        return self.citizens - self.in_education - self.employed

    @property
    def meetings_minimum_not_met(self) -> int:
        return self.citizens - self.meetings_minimum_met

    @property
    def in_education_share(self) -> float | None:
        return _share(self.in_education, self.citizens)

    @property
    def employed_share(self) -> float | None:
        return _share(self.employed, self.citizens)

    @property
    def meetings_minimum_met_share(self) -> float | None:
        return _share(self.meetings_minimum_met, self.citizens)

    @property
    def goals_reached_share(self) -> float | None:
        return _share(self.goals_reached, self.goals_total)

    def as_json(self) -> dict:
        return {
            "citizens": self.citizens,
            "pathways": self.pathways,
            "in_education": self.in_education,
            "employed": self.employed,
            "status_unknown": self.unknown,
            "meetings_minimum_met": self.meetings_minimum_met,
            "in_education_share": self.in_education_share,
            "employed_share": self.employed_share,
            "meetings_minimum_met_share": self.meetings_minimum_met_share,
            "goals_reached": self.goals_reached,
            "goals_total": self.goals_total,
        }


GROUP = ("programme_id", "coordinator_id", "lead_department_id", "target_group_id")  # what the figures break down by


@dataclass(frozen=True)
class Tally:
    """The counts every figure of the documentation model is summed from, by group (`GROUP`'s values):

    - `citizens`: (*group, status at the start, status now, meetings minimum met) → how many citizens;
    - `pathways`: group → (pathways, goals reached, goals in the plans), only pathways with at least one citizen row.

    Built from rows (`tally`) or by the database for any number of pathways (`database_tally`: two queries, the
    counting in SQL), so the leaders' pages cost the same in a programme of 100 or 35,000 pathways to Python.
    """

    citizens: dict[tuple, int]
    pathways: dict[tuple, tuple[int, int, int]]

    def figures(self) -> Figures:
        citizens = in_education = employed = unknown = met = 0
        for (*_group, _start, now, meetings_met), count in self.citizens.items():
            citizens += count
            in_education += count if now in IN_EDUCATION else 0
            employed += count if now in EMPLOYED else 0
            unknown += count if now == UNKNOWN else 0
            met += count if meetings_met else 0
        return Figures(
            citizens=citizens,
            pathways=sum(pathways for pathways, _reached, _total in self.pathways.values()),
            in_education=in_education,
            employed=employed,
            unknown=unknown,
            meetings_minimum_met=met,
            goals_reached=sum(reached for _pathways, reached, _total in self.pathways.values()),
            goals_total=sum(total for _pathways, _reached, total in self.pathways.values()),
        )

    def split(self, by: str) -> dict[object, "Tally"]:
        """The counts per value of one of `GROUP` (a pathway without a target group under `NO_TARGET_GROUP`)."""
        index = GROUP.index(by)
        citizens, pathways = defaultdict(dict), defaultdict(dict)
        for key, count in self.citizens.items():
            citizens[key[index] or NO_TARGET_GROUP][key] = count
        for key, counts in self.pathways.items():
            pathways[key[index] or NO_TARGET_GROUP][key] = counts
        return {value: Tally(citizens[value], pathways.get(value, {})) for value in citizens}

    def breakdown(self, by: str) -> dict[object, Figures]:
        """The figures per value of one of `GROUP` (a pathway without a target group under `NO_TARGET_GROUP`)."""
        return {value: part.figures() for value, part in self.split(by).items()}

    def as_json(self) -> dict:
        """The counts as `ProgrammeFigures` keeps them: a list per key, the key's values then the counts."""
        return {
            "citizens": [[*key, count] for key, count in self.citizens.items()],
            "pathways": [[*key, *counts] for key, counts in self.pathways.items()],
        }

    @classmethod
    def from_json(cls, citizens: list, pathways: list) -> "Tally":
        width = len(GROUP)
        return cls(
            {(*row[: width + 2], bool(row[width + 2])): row[width + 3] for row in citizens},
            {tuple(row[:width]): tuple(row[width:]) for row in pathways},
        )

    def distribution(self) -> dict[str, tuple[int, int]]:
        """For each education and employment status (and UNKNOWN): how many citizens had it at the start and have it
        now."""
        start, now = Counter(), Counter()
        for (*_group, at_start, at_now, _met), count in self.citizens.items():
            start[at_start] += count
            now[at_now] += count
        return {value: (start[value], now[value]) for value in [*EducationEmployment.values, UNKNOWN]}


def tally(rows: Iterable[CitizenRow]) -> Tally:
    citizens, pathways, seen = Counter(), {}, set()
    for row in rows:
        group = tuple(getattr(row, name) for name in GROUP)
        citizens[(*group, row.start, row.now, row.meetings_met)] += 1
        if row.pathway_id not in seen:  # goals belong to the pathway
            seen.add(row.pathway_id)
            counted, reached, total = pathways.get(group, (0, 0, 0))
            pathways[group] = (counted + 1, reached + row.goals_reached, total + row.goals_total)
    return Tally(dict(citizens), pathways)


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def database_tally(pathways: QuerySet, *, on: datetime.date | None = None) -> Tally:
    """`tally(documentation_rows(pathways, on=on))`, counted by the database: the same citizens (the pathway's one, or
    every member its family had), statuses, meetings and goals as `documentation_rows`, in two queries whose answer
    has a row per group and status rather than per citizen. `test_database_tally` holds the two to the same counts."""
    on = on or timezone.localdate()
    pathways = pathways.filter(opened_on__lte=on).order_by()
    ids = pathways.values("id")
    listed = _sql(pathways.values_list("id", "citizen_id", "household_id", *GROUP, "programme__min_citizen_meetings"))
    ranked = _sql(
        StatusEntry.objects.filter(pathway_id__in=ids, recorded_on__lte=on)
        .order_by()
        .annotate(
            first_rank=Window(
                RowNumber(), partition_by=[F("pathway_id"), F("citizen_id")], order_by=[F("recorded_on"), F("id")]
            ),
            last_rank=Window(
                RowNumber(),
                partition_by=[F("pathway_id"), F("citizen_id")],
                order_by=[F("recorded_on").desc(), F("id").desc()],
            ),
        )
        .values_list("pathway_id", "citizen_id", "education_employment", "first_rank", "last_rank")
    )
    held = _sql(_held_per_pathway(ids, on))
    goals = _sql(_goals_per_pathway(ids).values_list("pathway_id", "reached", "total"))
    quote = connection.ops.quote_name
    members = HouseholdMember._meta
    # Only Django's own compiled SQL, quoted table and column names and literals go into the text; values are params.
    subjects = (
        "p (id, citizen_id, household_id, programme_id, coordinator_id, lead_department_id, target_group_id,"  # noqa: S608
        f" min_meetings) AS ({listed[0]}),"
        " s (pathway_id, citizen_id) AS ("
        "SELECT id, citizen_id FROM p WHERE citizen_id IS NOT NULL"
        f" UNION ALL SELECT DISTINCT p.id, m.{quote(members.get_field('citizen').column)} FROM p"
        f" INNER JOIN {quote(members.db_table)} m ON m.{quote(members.get_field('household').column)} = p.household_id"
        " WHERE p.citizen_id IS NULL)"
    )
    citizens_sql = (
        f"WITH {subjects}, e (pathway_id, citizen_id, status, first_rank, last_rank) AS ({ranked[0]}),"  # noqa: S608
        f" h (pathway_id, n) AS ({held[0]})"
        " SELECT p.programme_id, p.coordinator_id, p.lead_department_id, p.target_group_id,"
        " COALESCE(es.status, ''), COALESCE(en.status, ''),"
        " CASE WHEN COALESCE(h.n, 0) >= p.min_meetings THEN 1 ELSE 0 END, COUNT(*)"
        " FROM s INNER JOIN p ON p.id = s.pathway_id"
        " LEFT JOIN e es ON es.pathway_id = s.pathway_id AND es.citizen_id = s.citizen_id AND es.first_rank = 1"
        " LEFT JOIN e en ON en.pathway_id = s.pathway_id AND en.citizen_id = s.citizen_id AND en.last_rank = 1"
        " LEFT JOIN h ON h.pathway_id = p.id"
        " GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
    pathways_sql = (
        f"WITH {subjects}, g (pathway_id, reached, total) AS ({goals[0]})"  # noqa: S608
        " SELECT p.programme_id, p.coordinator_id, p.lead_department_id, p.target_group_id,"
        " COUNT(*), COALESCE(SUM(g.reached), 0), COALESCE(SUM(g.total), 0)"
        " FROM p LEFT JOIN g ON g.pathway_id = p.id"
        " WHERE p.citizen_id IS NOT NULL OR EXISTS (SELECT 1 FROM s WHERE s.pathway_id = p.id)"
        " GROUP BY 1, 2, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(citizens_sql, listed[1] + ranked[1] + held[1])
        citizens = {(*row[:6], bool(row[6])): row[7] for row in cursor.fetchall()}
        cursor.execute(pathways_sql, listed[1] + goals[1])
        # PostgreSQL's SUM of integers is a numeric (Decimal): counts are ints, as `tally` makes them.
        counted = {tuple(row[:4]): (row[4], int(row[5]), int(row[6])) for row in cursor.fetchall()}
    return Tally(citizens, counted)


# --- counts kept for the leaders' pages ---------------------------------------------------------------------

FIGURES_LAYOUT = 1  # how `Tally.as_json` lays out the counts; raise it when `GROUP` or the keys change


@dataclass(frozen=True)
class KeptTally:
    """A programme's counts for today and the moment they were counted."""

    tally: Tally
    counted_at: datetime.datetime
    counting: uuid.UUID  # this counting's own id: what is built from it is kept under it (`kept_in_process`)


def figures_max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS)


def kept_tallies(
    programmes: list[Programme], *, recount: bool = False, now: datetime.datetime | None = None
) -> dict[int, KeptTally]:
    """Today's counts of each programme (`database_tally` of all its pathways), as kept in `ProgrammeFigures` when
    they were counted today less than `SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS` ago; the others (all of them with
    `recount`) are counted now, in one query pair for all of them, and kept.

    The leaders' pages show the moment the figures were counted and can ask for them to be counted again; a
    programme of 35,000 pathways takes a few hundred milliseconds to count, reading the kept row takes one.
    `now`: the moment the caller's own "today" comes from (by default the present).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    kept = {}
    if not recount:
        for figures in ProgrammeFigures.objects.filter(
            programme__in=programmes,
            on=today,
            layout=FIGURES_LAYOUT,
            counted_at__gt=now - figures_max_age(),
            counted_at__lte=now,
        ):
            kept[figures.programme_id] = KeptTally(
                Tally.from_json(figures.citizens, figures.pathways), figures.counted_at, figures.counting
            )
    missing = [programme for programme in programmes if programme.pk not in kept]
    if not missing:
        return kept
    counted = database_tally(
        Pathway.objects.filter(
            municipality_id__in={programme.municipality_id for programme in missing}, programme__in=missing
        ),
        on=today,
    ).split("programme_id")
    rows = []
    for programme in missing:
        tally, counting = counted.get(programme.pk) or Tally({}, {}), uuid.uuid4()
        kept[programme.pk] = KeptTally(tally, now, counting)
        rows.append(
            ProgrammeFigures(
                programme=programme,
                on=today,
                counted_at=now,
                counting=counting,
                layout=FIGURES_LAYOUT,
                **tally.as_json(),
            )
        )
    ProgrammeFigures.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["programme"],
        update_fields=["on", "counted_at", "counting", "layout", "citizens", "pathways"],
    )
    return kept


def figures_of(rows: Iterable[CitizenRow]) -> Figures:
    return tally(rows).figures()


def by_coordinator(rows) -> dict[int, Figures]:
    return tally(rows).breakdown("coordinator_id")


def by_department(rows) -> dict[int, Figures]:
    return tally(rows).breakdown("lead_department_id")


def by_target_group(rows) -> dict[int, Figures]:
    """Per target group; pathways without one under `NO_TARGET_GROUP`."""
    return tally(rows).breakdown("target_group_id")


def distribution(rows: Iterable[CitizenRow]) -> dict[str, tuple[int, int]]:
    """For each education and employment status (and UNKNOWN): how many citizens had it at the start and have it now."""
    return tally(rows).distribution()


# --- figures for leaders, suppressed -----------------------------------------------------------------------


@dataclass
class Share:
    """A fraction shown with its count; hidden when the count or what it is a share of is hidden."""

    count: Cell
    of: Cell

    @property
    def hidden(self) -> bool:
        return self.count.hidden or self.of.hidden

    @property
    def value(self) -> float | None:
        if self.hidden or not self.of.value:
            return None
        return self.count.value / self.of.value

    @property
    def percent(self) -> float | None:
        value = self.value
        return None if value is None else value * 100


@dataclass
class FigureCells:
    """`Figures` as cells for a page or a sheet: the citizens, in education, employed, other or unknown (these three
    add up to the citizens), and meetings minimum met / not met (adding up to the citizens too)."""

    label: str
    citizens: Cell
    in_education: Cell
    employed: Cell
    other: Cell
    meetings_met: Cell
    meetings_not_met: Cell

    @classmethod
    def of(cls, figures: Figures, label: str = "") -> "FigureCells":
        return cls(
            label=label,
            citizens=count_cell(figures.citizens),
            in_education=count_cell(figures.in_education),
            employed=count_cell(figures.employed),
            other=count_cell(figures.other),
            meetings_met=count_cell(figures.meetings_minimum_met),
            meetings_not_met=count_cell(figures.meetings_minimum_not_met),
        )

    @property
    def parts(self) -> list[list[Cell]]:
        return [[self.in_education, self.employed, self.other], [self.meetings_met, self.meetings_not_met]]

    @property
    def in_education_share(self) -> Share:
        return Share(self.in_education, self.citizens)

    @property
    def employed_share(self) -> Share:
        return Share(self.employed, self.citizens)

    @property
    def meetings_met_share(self) -> Share:
        return Share(self.meetings_met, self.citizens)

    def cells(self) -> list[Cell]:
        return [self.citizens, self.in_education, self.employed, self.other, self.meetings_met, self.meetings_not_met]


def _hidden_count(cells: list[Cell]) -> int:
    return sum(1 for cell in cells if cell.hidden)


def _protect(cells: list[Cell], total: Cell) -> None:
    """`suppression.protect`, except when the one hidden cell has only zeros beside it (no shown cell to hide
    instead): then the zeros are hidden ("not shown") rather than the total, so the headline figure stays and the
    hidden cell can no longer be read off as the total minus nothing."""
    for cell in [*cells, total]:
        if cell.small:
            cell.hidden = True
    if total.hidden or sum(1 for cell in cells if cell.hidden) != 1:
        return
    if any(not cell.hidden and cell.pathways for cell in cells):
        protect(cells, total)  # the next smallest shown cell
    else:
        for cell in cells:
            cell.hidden = True


def protect_table(rows: list[FigureCells], total: FigureCells | None = None) -> None:
    """The small-number rule over a table whose rows add up to `total`: each row's parts against its citizens, each
    column against the total's cell, repeated until nothing more is hidden (hiding only ever grows, so it ends)."""
    everything = [cell for row in [*rows, *([total] if total else [])] for cell in row.cells()]
    for _round in range(20):
        before = _hidden_count(everything)
        for row in [*rows, *([total] if total else [])]:
            for parts in row.parts:
                _protect(parts, row.citizens)
        if total is not None:
            for index, total_cell in enumerate(total.cells()):
                _protect([row.cells()[index] for row in rows], total_cell)
        if _hidden_count(everything) == before:
            return


@dataclass
class DistributionRow:
    label: str
    start: Cell
    now: Cell


@dataclass
class Documentation:
    """A programme's documentation model for leaders: only figures, suppressed."""

    programme: Programme
    on: datetime.date
    opened_from: datetime.date | None
    opened_to: datetime.date | None
    headline: FigureCells
    by_coordinator: list[FigureCells] = field(default_factory=list)
    by_department: list[FigureCells] = field(default_factory=list)
    by_target_group: list[FigureCells] = field(default_factory=list)
    distribution: list[DistributionRow] = field(default_factory=list)
    goals_reached: Cell | None = None
    goals_total: Cell | None = None
    counted_at: datetime.datetime | None = None  # when the kept counts were counted; None: counted for this page
    kept_key: str = ""  # what is built from the kept counting is kept under (`kept_in_process`); "" when counted

    @property
    def goals_share(self) -> Share:
        return Share(self.goals_reached, self.goals_total)


def _labelled(figures: dict, labels: dict, *, none_label: str = "") -> list[FigureCells]:
    """Rows sorted by label, the row without a group (target group "none") last."""
    rows = [(key == NO_TARGET_GROUP, str(labels.get(key, none_label)), value) for key, value in figures.items()]
    return [FigureCells.of(value, label) for _last, label, value in sorted(rows, key=lambda item: item[:2])]


def programme_pathways(
    programme: Programme, *, opened_from: datetime.date | None = None, opened_to: datetime.date | None = None
) -> QuerySet:
    """Every pathway of the programme (all of its municipality's in it), of the cohort asked for.

    Counting across the municipality without the pathway scope is the point of the documentation model; only figures
    leave the functions that use it (`programme_documentation`, the `programme_report` command)."""
    pathways = Pathway.objects.filter(municipality_id=programme.municipality_id, programme=programme)
    if opened_from:
        pathways = pathways.filter(opened_on__gte=opened_from)
    if opened_to:
        pathways = pathways.filter(opened_on__lte=opened_to)
    return pathways


def programme_rows(
    programme: Programme,
    *,
    on: datetime.date | None = None,
    opened_from: datetime.date | None = None,
    opened_to: datetime.date | None = None,
) -> list[CitizenRow]:
    """Every citizen row of the programme's pathways of the cohort asked for (`programme_pathways`)."""
    return documentation_rows(programme_pathways(programme, opened_from=opened_from, opened_to=opened_to), on=on)


def programme_documentation(
    *,
    actor,
    programme: Programme,
    on: datetime.date | None = None,
    opened_from: datetime.date | None = None,
    opened_to: datetime.date | None = None,
    recount: bool = False,
) -> Documentation:
    """The documentation model of `programme` for an aggregate role or a project leader (the view checks the role):
    the headline, the tables per coordinator, department and target group, and the status at start against now.

    The whole programme today is read from the counts kept for it (`kept_tallies`, counted again with `recount`); a
    cohort or another day is counted for the page."""
    if not (policy.can_see_aggregates(actor) or policy.can_run_programmes(actor)):
        raise PermissionError("aggregate figures are for leaders")
    now = timezone.now()
    today = timezone.localdate(now)
    on = on or today
    if on != today or opened_from or opened_to:  # a cohort or another day: counted for this page
        counts = database_tally(programme_pathways(programme, opened_from=opened_from, opened_to=opened_to), on=on)
        return _documentation(programme, counts, on=on, opened_from=opened_from, opened_to=opened_to)
    kept = kept_tallies([programme], recount=recount, now=now)[programme.pk]
    # The suppressed tables of one counting are the same every time (a coordinator renamed since keeps the old name
    # until the next counting); per language for the labels. The copy shares the tables' rows and cells: nothing may
    # change them after they are built.
    key = f"results:documentation:{kept.counting}:{get_language()}"
    documentation = kept_in_process(
        key, lambda: _documentation(programme, kept.tally, on=on, counted_at=kept.counted_at)
    )
    return dataclasses.replace(documentation, programme=programme, kept_key=key)


# What this process built last from a counting (`kept_in_process`), newest last. Kept in the process, not in the
# shared cache: unpickling a programme's 700 coordinator rows cost more than the rest of the page, and a process
# started by a deploy never reads what older code built.
IN_PROCESS_KEPT = 64
_in_process: OrderedDict[str, object] = OrderedDict()
_in_process_lock = threading.Lock()


def kept_in_process(key: str, build: Callable[[], object]) -> object:
    """`build()`, kept in this process under `key` (a counting's UUID in it, so nothing is read for another)."""
    with _in_process_lock:
        if key in _in_process:
            _in_process.move_to_end(key)
            return _in_process[key]
    value = build()
    with _in_process_lock:
        _in_process[key] = value
        while len(_in_process) > IN_PROCESS_KEPT:
            _in_process.popitem(last=False)
    return value


def _documentation(
    programme: Programme,
    counts: Tally,
    *,
    on: datetime.date,
    opened_from: datetime.date | None = None,
    opened_to: datetime.date | None = None,
    counted_at: datetime.datetime | None = None,
) -> Documentation:
    """`programme_documentation` of the counts given."""
    figures = counts.figures()
    headline = FigureCells.of(figures)
    coordinators = counts.breakdown("coordinator_id")
    departments = counts.breakdown("lead_department_id")
    target_groups = counts.breakdown("target_group_id")
    coordinator_names = {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in get_user_model()
        .objects.filter(pk__in=list(coordinators))
        .values_list("pk", "first_name", "last_name", "username")
    }
    department_names = dict(
        Department.objects.filter(municipality_id=programme.municipality_id, pk__in=list(departments)).values_list(
            "pk", "name"
        )
    )
    group_names = dict(
        TargetGroup.objects.filter(municipality_id=programme.municipality_id, pk__in=list(target_groups)).values_list(
            "pk", "name"
        )
    )
    documentation = Documentation(
        programme=programme,
        on=on,
        opened_from=opened_from,
        opened_to=opened_to,
        headline=headline,
        counted_at=counted_at,
    )
    documentation.by_coordinator = _labelled(coordinators, coordinator_names)
    documentation.by_department = _labelled(departments, department_names)
    documentation.by_target_group = _labelled(target_groups, group_names, none_label=_("No target group"))
    # The three tables add up to the same headline: hiding in one can hide a headline cell another relies on, so
    # they are protected together until nothing more is hidden.
    for _round in range(5):
        before = _hidden_count(headline.cells())
        for table in (documentation.by_coordinator, documentation.by_department, documentation.by_target_group):
            protect_table(table, headline)
        if _hidden_count(headline.cells()) == before:
            break
    labels = dict(EducationEmployment.choices)
    spread = counts.distribution()
    documentation.distribution = [
        DistributionRow(label=str(labels.get(value, _("Not recorded"))), start=count_cell(start), now=count_cell(now))
        for value, (start, now) in spread.items()
    ]
    # Each column adds up to the citizens the headline shows (or hides): the same cell is their total. The statuses
    # now add up to the headline's in education, employed and other too.
    now = dict(zip(spread, (row.now for row in documentation.distribution), strict=True))
    groups = [(IN_EDUCATION, headline.in_education), (EMPLOYED, headline.employed)]
    groups.append(([value for value in now if value not in IN_EDUCATION | EMPLOYED], headline.other))
    for _round in range(10):
        before = _hidden_count(
            [*headline.cells(), *(c for row in documentation.distribution for c in (row.start, row.now))]
        )
        _protect([row.start for row in documentation.distribution], headline.citizens)
        _protect(list(now.values()), headline.citizens)
        for values, total in groups:
            _protect([now[value] for value in values], total)
        protect_table([], headline)
        after = _hidden_count(
            [*headline.cells(), *(c for row in documentation.distribution for c in (row.start, row.now))]
        )
        if after == before:
            break
    # Goals are counted per pathway: a figure over 1-4 pathways is hidden.
    documentation.goals_reached = Cell(value=figures.goals_reached, pathways=figures.pathways)
    documentation.goals_total = Cell(value=figures.goals_total, pathways=figures.pathways)
    protect([documentation.goals_reached, documentation.goals_total])
    return documentation


@dataclass
class ProgrammeHeadline:
    programme: Programme
    figures: FigureCells
    counted_at: datetime.datetime


def programmes_overview(*, actor, recount: bool = False) -> list[ProgrammeHeadline]:
    """Every programme of the actor's municipality with today's headline (suppressed), for leaders, from the counts
    kept for each (`kept_tallies`; all counted again with `recount`). Constant queries."""
    if not (policy.can_see_aggregates(actor) or policy.can_run_programmes(actor)):
        raise PermissionError("aggregate figures are for leaders")
    programmes = list(Programme.objects.visible_to(actor, policy.VIEW).order_by("name"))
    kept = kept_tallies(programmes, recount=recount)
    overview = []
    for programme in programmes:
        cells = FigureCells.of(kept[programme.pk].tally.figures(), programme.name)
        protect_table([], cells)
        overview.append(ProgrammeHeadline(programme=programme, figures=cells, counted_at=kept[programme.pk].counted_at))
    return overview


# --- the caseworker's own caseload -------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    pathway: Pathway
    citizen: object  # Citizen
    row: CitizenRow


def caseload_for_page(*, actor, programme: Programme, on: datetime.date | None = None) -> list[CaseloadRow]:
    """The pathways of `programme` the actor coordinates (the MANAGE scope), a row per citizen with the citizen's
    name, status at start and now, meetings against the minimum and goals reached. A list of citizen data: one
    access-log row per (citizen, pathway) listed (`results.caseload`)."""
    on = on or timezone.localdate()
    pathways = Pathway.objects.visible_to(actor, policy.MANAGE).filter(programme=programme)
    pathways = pathways.select_related("citizen", "household").prefetch_related("household__memberships__citizen")
    loaded = {pathway.pk: pathway for pathway in pathways}
    rows = documentation_rows(Pathway.objects.filter(pk__in=list(loaded)), on=on) if loaded else []
    citizens = {}
    for pathway in loaded.values():
        if pathway.citizen_id:
            citizens[pathway.citizen_id] = pathway.citizen
        else:
            citizens.update({m.citizen_id: m.citizen for m in pathway.household.memberships.all()})
    listed = [
        CaseloadRow(pathway=loaded[row.pathway_id], citizen=citizens[row.citizen_id], row=row)
        for row in rows
        if row.citizen_id in citizens
    ]
    listed.sort(key=lambda item: (item.citizen.last_name, item.citizen.first_name, item.pathway.opened_on))
    access_record_each(
        actor=actor,
        reads=[(item.citizen, item.pathway) for item in listed],
        shown="results.caseload",
        purpose=AccessPurpose.COORDINATION,
    )
    return listed


def caseload_programmes(*, actor) -> list[tuple[Programme, int]]:
    """The programmes in which the actor coordinates pathways, with how many (their own: no one else's, no names)."""
    counts = dict(
        Pathway.objects.visible_to(actor, policy.MANAGE)
        .order_by()
        .values("programme_id")
        .annotate(n=Count("id"))
        .values_list("programme_id", "n")
    )
    programmes = Programme.objects.visible_to(actor, policy.VIEW).filter(pk__in=list(counts)).order_by("name")
    return [(programme, counts[programme.pk]) for programme in programmes]
