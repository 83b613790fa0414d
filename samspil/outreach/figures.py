"""The evaluation of the drop-in-centre model from the data (seed 004, KORA's tables), for a period.

Two layers, as `results.documentation`:

- Pure figures (`kora_table`, `demand`, `ratings`, `unit_costs`, `no_shows`): exact numbers for one municipality and
  a period `start`–`end` (both days included), optionally narrowed to one centre and one element. Each reads in a
  constant number of queries, writes nothing and logs nothing; only numbers leave them. The `outreach_report`
  command prints them as they are (its reader has the server).
- Figures for the page and its exports (`evaluation_cells`): the same numbers as `suppression.Cell`s with the
  small-number rule applied (`protect_cells`), or exact for a reader who may read every registration anyway.

The definitions, once:

- **A registration** (KORA's *medarbejderskema*, a staff form) is a `ContactRegistration` whose `occurred_on` lies in
  the period, at any drop-in centre of the municipality.
- **A citizen** is `ContactRegistration.subject_key`, computed in SQL: the registered citizen when known (the
  registration's own `citizen`, or, for a conversation with a person known at the centre, the citizen that person
  was linked to), else the person known at the centre (the pseudonym), else the registration itself. So every
  anonymous registration is its own citizen, a pseudonym or a CPR number counts once however many conversations
  it had, and once a pseudonym is linked to a citizen, its conversations and that citizen's CPR registrations
  count as one citizen.
- **A citizen form** (*borgerskema*) is a registration with a `CitizenRating` (even one whose questions were all left
  unanswered); **citizens with both** are the distinct citizens with at least one such registration.
- **Demand**: registrations per calendar month of `occurred_on`; every month the period touches is listed.
- **Ratings**: per question (safe, relevant, place), over the ratings of the period's registrations: `n` the answers
  given, the mean of those answers (two decimals, half up; None without answers) and how many gave each of 1–5.
- **Enhedsudgift** (unit cost) per element: the operating costs (`economy.OperatingCost`) registered for the
  element's cost element (`choices.COST_ELEMENT`) on the programmes named by the cooperation agreements in force some
  day of the period (`starts_on` ≤ end, `ends_on` empty or ≥ start), each month's amount counted with the part of
  it that falls in the period, by days (`evaluation.figures.prorated`), ÷ the distinct citizens the element reached
  in the period. A conversation element reaches the citizens of its registrations; *holdbaserede aktiviteter* reach
  the citizens of registrations with that element and the named participants (`GroupParticipant`) of sessions held
  in the period, merged by the same key (a participant's citizen, or their person's linked citizen, else the
  person). Participants not named (`GroupSession.anonymous_count`) cannot be told apart, so they are added up
  beside (participations, not citizens) and left out of the division.
  The **total with** *holdbaserede aktiviteter* divides every operating cost of those programmes in the period —
  the four elements, the *implementeringsteam* and the project management — by the distinct citizens reached by
  any element; the **total without** leaves out the group activities' costs and divides by the distinct citizens
  of the conversation elements' registrations (the implementation team and project management stay in both,
  as in KORA's "ekskl. holdbaserede aktiviteter").
  Operating costs are registered per programme, not per centre: the unit costs are always the municipality's,
  whatever centre or element the page is narrowed to. When no agreement in force names a programme there are no
  costs to divide (`programmes` is empty and every amount is None). An element with no operating cost registered
  in the period has the amount None; a unit cost is None when the amount is None or no citizen was reached (never
  a division by zero).
- **No-show rate**: `Appointment`s in the period with the outcome attended or no-show; the rate is no-shows ÷
  (attended + no-shows). Cancelled in time and not held yet (empty outcome) are left out of both. Per department,
  per place (at the centre / at the department), per month, and before/after a chosen day (before: the period's
  first day up to the day before; after: the day itself up to the period's last day). Centre and element do not
  narrow the appointments (an appointment at the department has no centre, and none has an element).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext

from samspil.economy import costs
from samspil.economy.choices import ProgrammeElement
from samspil.economy.models import OperatingCost
from samspil.evaluation.figures import prorated
from samspil.organisations.models import Department, ExternalOrganisation
from samspil.organisations.suppression import Cell, protect
from samspil.outreach.access import DROP_IN_KINDS
from samspil.outreach.choices import (
    CONVERSATION_ELEMENTS,
    COST_ELEMENT,
    RATING_QUESTIONS,
    AppointmentOutcome,
    AppointmentPlace,
    Element,
)
from samspil.outreach.models import (
    Appointment,
    CitizenRating,
    ContactRegistration,
    CooperationAgreement,
    GroupParticipant,
    GroupSession,
)
from samspil.results.documentation import Share

ZERO = Decimal("0.00")
HUNDREDTH = Decimal("0.01")
RATING_VALUES = (1, 2, 3, 4, 5)
QUESTIONS = tuple(name for name, _label in RATING_QUESTIONS)
ALL = None  # the key of the row over every centre (or every element)
BY_CENTRE = "centre"
BY_ELEMENT = "element"
WITH_GROUP_ACTIVITIES = "total_with_group_activities"
WITHOUT_GROUP_ACTIVITIES = "total_without_group_activities"
# The cost elements in the totals: every element of the programme; "without" leaves the group activities out.
TOTAL_WITH_COSTS = tuple(ProgrammeElement)
TOTAL_WITHOUT_COSTS = tuple(e for e in ProgrammeElement if e != ProgrammeElement.GROUP_ACTIVITIES)


# --- what is counted -------------------------------------------------------------------------------------------


def registrations(municipality_id, start, end, *, centre_id=None, element=None):
    """The registrations of the period (both days included), narrowed to a centre and an element when given."""
    queryset = ContactRegistration.objects.filter(municipality_id=municipality_id, occurred_on__range=(start, end))
    if centre_id is not None:
        queryset = queryset.filter(centre_id=centre_id)
    if element:
        queryset = queryset.filter(element=element)
    return queryset.order_by()


def _known_citizen():
    """The registered citizen of a registration: its own, or the one its person at the centre was linked to."""
    return Coalesce(F("citizen_id"), F("person__citizen_id"))


UNKNOWN = Q(citizen__isnull=True, person__citizen__isnull=True)
ANONYMOUS = UNKNOWN & Q(person__isnull=True)
PSEUDONYM = UNKNOWN & Q(person__isnull=False)


def _citizen_aggregates(prefix: str = "", condition: Q | None = None) -> dict:
    """SQL aggregates whose sum is the number of distinct citizens (the module's definition) among the rows that
    meet `condition`: distinct known citizens + distinct unlinked persons + anonymous registrations."""

    def where(extra: Q | None) -> Q | None:
        parts = [q for q in (condition, extra) if q is not None]
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined &= part
        return combined

    return {
        f"{prefix}known": Count(_known_citizen(), distinct=True, filter=where(None)),
        f"{prefix}pseudonyms": Count("person_id", distinct=True, filter=where(PSEUDONYM)),
        f"{prefix}anonymous": Count("pk", filter=where(ANONYMOUS)),
    }


def _citizens(row: dict, prefix: str = "") -> int:
    return row[f"{prefix}known"] + row[f"{prefix}pseudonyms"] + row[f"{prefix}anonymous"]


# --- KORA's Tabel 1.1 ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KoraRow:
    """A row of KORA's *Tabel 1.1*: unique citizens, citizen forms, staff forms and citizens with both."""

    key: object  # a centre's id, an element's code, or ALL
    citizens: int
    citizen_forms: int
    staff_forms: int  # the registrations
    citizens_with_both: int

    @property
    def citizens_without_form(self) -> int:
        return self.citizens - self.citizens_with_both

    @property
    def forms_without_rating(self) -> int:
        return self.staff_forms - self.citizen_forms

    def as_json(self) -> dict:
        return {
            "citizens": self.citizens,
            "citizen_forms": self.citizen_forms,
            "registrations": self.staff_forms,
            "citizens_with_both": self.citizens_with_both,
        }


def _kora_aggregates() -> dict:
    return {
        "staff_forms": Count("pk"),
        "citizen_forms": Count("rating"),
        **_citizen_aggregates(),
        **_citizen_aggregates("rated_", Q(rating__isnull=False)),
    }


def _kora_row(key, row: dict) -> KoraRow:
    return KoraRow(
        key=key,
        citizens=_citizens(row),
        citizen_forms=row["citizen_forms"],
        staff_forms=row["staff_forms"],
        citizens_with_both=_citizens(row, "rated_"),
    )


def kora_total(municipality_id, start, end, *, centre_id=None, element=None) -> KoraRow:
    """*Tabel 1.1* over every registration of the period (as narrowed): one query."""
    row = registrations(municipality_id, start, end, centre_id=centre_id, element=element).aggregate(
        **_kora_aggregates()
    )
    return _kora_row(ALL, row)


def kora_table(municipality_id, start, end, *, by: str = BY_CENTRE, centre_id=None, element=None) -> dict:
    """*Tabel 1.1* per centre (`by="centre"`, keys: centre ids) or per element (`by="element"`, keys: codes), only
    the groups with registrations; one query. A citizen seen at two centres counts in each, and once in the total."""
    field_name = {BY_CENTRE: "centre_id", BY_ELEMENT: "element"}[by]
    rows = (
        registrations(municipality_id, start, end, centre_id=centre_id, element=element)
        .values(field_name)
        .annotate(**_kora_aggregates())
    )
    return {row[field_name]: _kora_row(row[field_name], row) for row in rows}


# --- demand over time ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Demand:
    """Registrations per month (`months`: the first day of every month the period touches) and group."""

    months: list[datetime.date]
    counts: dict  # (month, key) -> registrations

    def keys(self) -> list:
        return sorted({key for _month, key in self.counts}, key=str)

    def count(self, month, key) -> int:
        return self.counts.get((month, key), 0)

    def month_total(self, month) -> int:
        return sum(n for (m, _key), n in self.counts.items() if m == month)


def demand(municipality_id, start, end, *, by: str = BY_CENTRE, centre_id=None, element=None) -> Demand:
    """Registrations per month of `occurred_on` and per centre (`by="centre"`) or element; one query."""
    field_name = {BY_CENTRE: "centre_id", BY_ELEMENT: "element"}[by]
    rows = (
        registrations(municipality_id, start, end, centre_id=centre_id, element=element)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month", field_name)
        .annotate(n=Count("pk"))
    )
    counts = {(_as_date(row["month"]), row[field_name]): row["n"] for row in rows}
    return Demand(months=costs.months_between(start, end), counts=counts)


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# --- ratings -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRatings:
    question: str  # "safe", "relevant" or "place"
    n: int  # answers given
    mean: Decimal | None  # of the answers given, two decimals; None without answers
    distribution: dict  # 1..5 -> how many answered it


def ratings(municipality_id, start, end, *, centre_id=None, element=None) -> dict[str, QuestionRatings]:
    """Per question: answers given, their mean and their distribution over 1–5; one query."""
    aggregates = {}
    for question in QUESTIONS:
        aggregates[f"{question}_n"] = Count(question)
        aggregates[f"{question}_sum"] = Sum(question)
        for value in RATING_VALUES:
            aggregates[f"{question}_{value}"] = Count("pk", filter=Q(**{question: value}))
    row = CitizenRating.objects.filter(
        registration__in=registrations(municipality_id, start, end, centre_id=centre_id, element=element)
    ).aggregate(**aggregates)
    result = {}
    for question in QUESTIONS:
        n = row[f"{question}_n"]
        mean = (Decimal(row[f"{question}_sum"]) / n).quantize(HUNDREDTH, rounding=ROUND_HALF_UP) if n else None
        result[question] = QuestionRatings(
            question=question,
            n=n,
            mean=mean,
            distribution={value: row[f"{question}_{value}"] for value in RATING_VALUES},
        )
    return result


# --- enhedsudgift --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCost:
    key: str  # an element's code, WITH_GROUP_ACTIVITIES or WITHOUT_GROUP_ACTIVITIES
    amount: Decimal | None  # operating costs in the period; None when none is registered
    citizens: int  # distinct citizens reached

    @property
    def unit_cost(self) -> Decimal | None:
        if self.amount is None or not self.citizens:
            return None
        return costs.to_ore(self.amount / self.citizens)


@dataclass(frozen=True)
class UnitCosts:
    programmes: list  # (id, name) of the programmes whose costs are counted
    by_element: dict  # element code -> UnitCost
    total_with: UnitCost
    total_without: UnitCost
    anonymous_participations: int  # participants not named in the period's sessions (not citizens)
    amounts: dict = field(default_factory=dict)  # cost element -> amount in the period (None: none registered)

    def as_json(self) -> dict:
        def number(value):
            return None if value is None else float(value)

        return {
            **{code: number(item.unit_cost) for code, item in self.by_element.items()},
            WITH_GROUP_ACTIVITIES: number(self.total_with.unit_cost),
            WITHOUT_GROUP_ACTIVITIES: number(self.total_without.unit_cost),
        }


def programmes_in_force(municipality_id, start, end) -> list[tuple[int, str]]:
    """(id, name) of the programmes named by the cooperation agreements in force some day of the period."""
    return list(
        CooperationAgreement.objects.filter(
            municipality_id=municipality_id, programme__isnull=False, starts_on__lte=end
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("programme_id", "programme__name")
        .distinct()
        .order_by("programme__name", "programme_id")
    )


def operating_costs(programme_ids, start, end) -> dict:
    """Cost element -> the programmes' operating costs in the period (each month by its days in the period), or None
    for an element without any registered month in the period; one query."""
    amounts: dict = {}
    if not programme_ids:
        return dict.fromkeys(ProgrammeElement)
    rows = OperatingCost.objects.filter(
        programme_id__in=list(programme_ids), month__gte=costs.first_of_month(start), month__lte=end
    ).values_list("element", "month", "amount")
    for cost_element, month, amount in rows:
        part = prorated(amount, month, costs.last_of_month(month), start, end)
        amounts[cost_element] = amounts.get(cost_element, ZERO) + part
    return {element: amounts.get(element.value) for element in ProgrammeElement}


def _key(citizen_id, person_id):
    return ("c", citizen_id) if citizen_id else ("p", person_id)


def unit_costs(municipality_id, start, end) -> UnitCosts:
    """The *enhedsudgift* per element and in total, with and without *holdbaserede aktiviteter* (the module's
    docstring gives the definitions). Six queries: the programmes, the costs, the registrations' anonymous counts per
    element, their distinct known citizens and persons per element, the named participants, the anonymous ones."""
    programmes = programmes_in_force(municipality_id, start, end)
    amounts = operating_costs([pk for pk, _name in programmes], start, end)
    regs = registrations(municipality_id, start, end)
    anonymous = dict(regs.filter(ANONYMOUS).values("element").annotate(n=Count("pk")).values_list("element", "n"))
    keys_by_element: dict[str, set] = defaultdict(set)
    for element, citizen_id, person_id in (
        regs.exclude(ANONYMOUS).values_list("element", _known_citizen(), "person_id").distinct()
    ):
        keys_by_element[element].add(_key(citizen_id, person_id))
    participants = {
        _key(citizen_id, person_id)
        for citizen_id, person_id in GroupParticipant.objects.filter(
            municipality_id=municipality_id, session__held_on__range=(start, end)
        )
        .order_by()
        .values_list(Coalesce(F("citizen_id"), F("person__citizen_id")), "person_id")
        .distinct()
    }
    not_named = GroupSession.objects.filter(municipality_id=municipality_id, held_on__range=(start, end)).aggregate(
        n=Coalesce(Sum("anonymous_count"), 0)
    )["n"]

    def reached(elements, *, with_participants=False) -> int:
        keys = set().union(*(keys_by_element[e] for e in elements))
        if with_participants:
            keys |= participants
        return len(keys) + sum(anonymous.get(e, 0) for e in elements)

    def amount_of(cost_elements) -> Decimal | None:
        found = [amounts[e] for e in cost_elements if amounts[e] is not None]
        return sum(found, ZERO) if found else None

    by_element = {}
    for element in Element:
        group = element == Element.GROUP_ACTIVITIES
        by_element[element.value] = UnitCost(
            key=element.value,
            amount=amounts[COST_ELEMENT[element]],
            citizens=reached([element.value], with_participants=group),
        )
    every = [e.value for e in Element]
    conversations = [e.value for e in CONVERSATION_ELEMENTS]
    return UnitCosts(
        programmes=programmes,
        by_element=by_element,
        total_with=UnitCost(
            key=WITH_GROUP_ACTIVITIES,
            amount=amount_of(TOTAL_WITH_COSTS),
            citizens=reached(every, with_participants=True),
        ),
        total_without=UnitCost(
            key=WITHOUT_GROUP_ACTIVITIES, amount=amount_of(TOTAL_WITHOUT_COSTS), citizens=reached(conversations)
        ),
        anonymous_participations=not_named,
        amounts=amounts,
    )


# --- no-shows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    attended: int = 0
    no_show: int = 0

    @property
    def n(self) -> int:
        return self.attended + self.no_show

    @property
    def rate(self) -> float | None:
        """No-shows ÷ (attended + no-shows), 0–1 to four decimals; None without either."""
        return round(self.no_show / self.n, 4) if self.n else None

    def __add__(self, other: "Attendance") -> "Attendance":
        return Attendance(self.attended + other.attended, self.no_show + other.no_show)


@dataclass(frozen=True)
class NoShows:
    total: Attendance
    by_department: dict  # department id -> Attendance
    by_place: dict  # AppointmentPlace value -> Attendance (both places always present)
    by_month: dict  # first of month -> Attendance (every month of the period)
    split_on: datetime.date | None = None
    before: Attendance | None = None  # the period's first day up to the day before `split_on`
    after: Attendance | None = None  # `split_on` up to the period's last day

    def rates_by_place(self) -> dict:
        return {place: item.rate for place, item in self.by_place.items()}


def no_shows(municipality_id, start, end, *, split_on: datetime.date | None = None) -> NoShows:
    """The no-show rate of the period's appointments per department, place, month and before/after `split_on`
    (the module's docstring says what is counted); one query."""
    grouping = {"month": TruncMonth("occurred_on")}
    if split_on is not None:
        grouping["after"] = Case(When(occurred_on__gte=split_on, then=Value(True)), default=Value(False))
    rows = (
        Appointment.objects.filter(
            municipality_id=municipality_id,
            occurred_on__range=(start, end),
            outcome__in=(AppointmentOutcome.ATTENDED, AppointmentOutcome.NO_SHOW),
        )
        .order_by()
        .annotate(**grouping)
        .values("department_id", "place", *grouping)
        .annotate(
            attended=Count("pk", filter=Q(outcome=AppointmentOutcome.ATTENDED)),
            no_show=Count("pk", filter=Q(outcome=AppointmentOutcome.NO_SHOW)),
        )
    )
    total = Attendance()
    by_department: dict = defaultdict(Attendance)
    by_place: dict = {place.value: Attendance() for place in AppointmentPlace}
    by_month: dict = {month: Attendance() for month in costs.months_between(start, end)}
    before, after = Attendance(), Attendance()
    for row in rows:
        item = Attendance(row["attended"], row["no_show"])
        total += item
        by_department[row["department_id"]] += item
        by_place[row["place"]] = by_place.get(row["place"], Attendance()) + item
        month = _as_date(row["month"])
        by_month[month] = by_month.get(month, Attendance()) + item
        if split_on is not None:
            if row["after"]:
                after += item
            else:
                before += item
    return NoShows(
        total=total,
        by_department=dict(by_department),
        by_place=by_place,
        by_month=by_month,
        split_on=split_on,
        before=before if split_on is not None else None,
        after=after if split_on is not None else None,
    )


# --- figures for the page, suppressed ------------------------------------------------------------------------
#
# The same figures as `suppression.Cell`s for a reader: a count of 1–4 is hidden, and wherever counts add up to a
# total that is shown and exactly one of them is hidden, the next smallest is hidden too (`suppression.protect`),
# repeated over every such relation of the page until nothing more is hidden. A figure shown in two tables (a centre's
# registrations in Tabel 1.1 and as the total of its column of the demand table) is one cell (`CellBook`), so it is
# hidden in both or in neither. A breakdown of a count by an answer (the ratings 1–5, attended or not) is hidden
# whole when the count is (`CellBook.breakdown`). What a count implies is protected too: the citizens without a
# citizen form (citizens − citizens with both) and the registrations without a rating are cells of their own, never
# shown, so a difference of 1–4 cannot be read off two shown figures. Shares and means are hidden when what they are
# taken of is hidden, a no-show rate also when its no-shows are; a unit cost when its citizens are (the amount ÷ the
# unit cost would give them back). Operating costs in kroner are not about persons and are shown.
# `exact=True` (the project leader, who reads every registration of the municipality anyway) gives the same cells
# with nothing hidden.


class CellBook:
    """The cells of one page by what they count, and the relations (parts adding up to a total) between them."""

    def __init__(self, *, exact: bool = False):
        self.exact = exact
        self.cells: dict = {}
        self.relations: list = []
        self.breakdowns: list = []

    def count(self, key, n: int) -> Cell:
        """The one cell of the figure `key` (created with `n` the first time)."""
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Cell(value=n, pathways=n)
        return cell

    def relate(self, parts: list, total: Cell) -> None:
        self.relations.append((list(parts), total))

    def breakdown(self, parts: list, of: Cell) -> None:
        """`parts` split `of` by an answer (the ratings 1–5, attended or not): shares of it. When `of` is hidden, so
        is every part, zeros too — "fewer than 5 answered, and none of them below 5" would tell what they answered."""
        self.relate(parts, of)
        self.breakdowns.append((list(parts), of))

    def protect(self) -> None:
        """The small-number rule over every cell and relation, until nothing more is hidden (hiding only grows)."""
        if self.exact:
            return
        cells = list(self.cells.values())
        for cell in cells:
            cell.hidden = cell.small
        hidden = -1
        while hidden != (hidden := sum(1 for cell in cells if cell.hidden)):
            for parts, total in self.relations:
                protect(parts, total)
            for parts, of in self.breakdowns:
                if of.hidden:
                    for part in parts:
                        part.hidden = True


@dataclass
class KoraCells:
    label: str
    key: object
    citizens: Cell
    citizen_forms: Cell
    staff_forms: Cell
    citizens_with_both: Cell
    citizens_without_form: Cell  # never shown: protects the difference
    forms_without_rating: Cell  # never shown: protects the difference

    COLUMNS = (
        "citizens",
        "citizen_forms",
        "staff_forms",
        "citizens_with_both",
        "citizens_without_form",
        "forms_without_rating",
    )

    def column(self, name: str) -> Cell:
        return getattr(self, name)


def _kora_cells(book: CellBook, scope, group, key, label, row: KoraRow) -> KoraCells:
    def cell(name, n):
        return book.count(("kora", scope, group, key, name), n)

    cells = KoraCells(
        label=label,
        key=key,
        citizens=cell("citizens", row.citizens),
        citizen_forms=cell("citizen_forms", row.citizen_forms),
        staff_forms=cell("staff_forms", row.staff_forms),
        citizens_with_both=cell("citizens_with_both", row.citizens_with_both),
        citizens_without_form=cell("citizens_without_form", row.citizens_without_form),
        forms_without_rating=cell("forms_without_rating", row.forms_without_rating),
    )
    book.relate([cells.citizens_with_both, cells.citizens_without_form], cells.citizens)
    book.relate([cells.citizen_forms, cells.forms_without_rating], cells.staff_forms)
    return cells


def _relate_columns(book: CellBook, rows: list, total, columns) -> None:
    if rows:
        for name in columns:
            book.relate([row.column(name) for row in rows], total.column(name))


@dataclass
class DemandCells:
    """A demand table: a row per month with a cell per group and the month's total, and each group's total."""

    columns: list  # (key, label)
    rows: list  # (month, [Cell per column], month total Cell)
    column_totals: list  # Cell per column (the groups' registrations in Tabel 1.1)
    total: Cell


def _demand_cells(book, scope, group, figures: Demand, columns, kora_rows: dict, total: KoraCells) -> DemandCells:
    rows = []
    for month in figures.months:
        cells = [book.count(("demand", scope, group, key, month), figures.count(month, key)) for key, _l in columns]
        month_total = book.count(("demand", scope, group, ALL, month), figures.month_total(month))
        book.relate(cells, month_total)
        rows.append((month, cells, month_total))
    column_totals = [kora_rows[key].staff_forms for key, _label in columns]
    for index, column_total in enumerate(column_totals):
        book.relate([cells[index] for _month, cells, _t in rows], column_total)
    book.relate(column_totals, total.staff_forms)
    book.relate([month_total for _month, _cells, month_total in rows], total.staff_forms)
    return DemandCells(columns=columns, rows=rows, column_totals=column_totals, total=total.staff_forms)


@dataclass
class Mean:
    """A mean shown only when the count of answers it is taken of is shown."""

    value: Decimal | None
    n: Cell

    @property
    def hidden(self) -> bool:
        return self.n.hidden

    @property
    def shown(self) -> Decimal | None:
        return None if self.hidden else self.value


@dataclass
class QuestionCells:
    question: str
    label: str
    n: Cell
    mean: Mean
    distribution: list  # (value, Cell) for 1..5


@dataclass
class UnitCostCells:
    key: str
    label: str
    amount: Decimal | None
    citizens: Cell
    costs_hidden: bool = False  # the reader may not read these operating costs (`Evaluation.hide_costs`)

    @property
    def hidden(self) -> bool:
        """The unit cost is not shown: its citizens are hidden, or its costs are."""
        return self.citizens.hidden or self.costs_hidden

    @property
    def amount_shown(self) -> Decimal | None:
        return None if self.costs_hidden else self.amount

    @property
    def unit_cost(self) -> Decimal | None:
        if self.hidden or self.amount is None or not self.citizens.value:
            return None
        return costs.to_ore(self.amount / self.citizens.value)


@dataclass
class AttendanceCells:
    label: str
    attended: Cell
    no_show: Cell
    n: Cell

    @property
    def rate(self) -> Share:
        return Share(self.no_show, self.n)

    def column(self, name: str) -> Cell:
        return getattr(self, name)


def _attendance_cells(book, group, key, label, item: Attendance) -> AttendanceCells:
    cells = AttendanceCells(
        label=label,
        attended=book.count(("noshow", group, key, "attended"), item.attended),
        no_show=book.count(("noshow", group, key, "no_show"), item.no_show),
        n=book.count(("noshow", group, key, "n"), item.n),
    )
    book.breakdown([cells.attended, cells.no_show], cells.n)
    return cells


@dataclass
class Evaluation:
    """Every figure of the evaluation page for one reader, as cells."""

    start: datetime.date
    end: datetime.date
    exact: bool
    by_centre: list
    by_element: list
    total: KoraCells
    demand_by_centre: DemandCells
    demand_by_element: DemandCells
    ratings: list
    programmes: list
    unit_costs: list  # UnitCostCells per element, then the two totals
    anonymous_participations: Cell
    no_show_total: AttendanceCells
    no_show_by_department: list
    no_show_by_place: list
    no_show_by_month: list
    no_show_split: list  # before and after, when a day is chosen
    split_on: datetime.date | None = None

    @property
    def costs_shown(self) -> bool:
        return not any(row.costs_hidden for row in self.unit_costs)

    def hide_costs(self) -> None:
        """For a reader who may not read the programmes' operating costs: amounts and unit costs not shown (the
        citizens reached stay: they are the evaluation's counts)."""
        for row in self.unit_costs:
            row.costs_hidden = True


def evaluation_cells(
    *,
    municipality_id,
    start,
    end,
    centre=None,
    element=None,
    split_on=None,
    exact: bool = False,
) -> Evaluation:
    """The page's figures (the pure figures above) as cells, suppressed unless `exact`. The caller checks that the
    reader may see figures (`access.can_read_figures`) and decides `exact`."""
    centre_id = centre.pk if centre is not None else None
    narrowed = {"centre_id": centre_id, "element": element or None}
    scope = (centre_id, element or None)
    book = CellBook(exact=exact)

    # Tabel 1.1, per centre and per element, with one total row.
    total_row = kora_total(municipality_id, start, end, **narrowed)
    per_centre = kora_table(municipality_id, start, end, by=BY_CENTRE, **narrowed)
    per_element = kora_table(municipality_id, start, end, by=BY_ELEMENT, **narrowed)
    centres = ExternalOrganisation.objects.filter(municipality_id=municipality_id)
    if centre_id is not None:
        centres = centres.filter(pk=centre_id)
    else:
        in_force = CooperationAgreement.objects.filter(municipality_id=municipality_id, starts_on__lte=end).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=start)
        )
        centres = centres.filter(
            Q(pk__in=list(per_centre)) | Q(kind__in=DROP_IN_KINDS, pk__in=in_force.values("centre_id"))
        )
    centre_names = dict(centres.order_by("name", "pk").values_list("pk", "name"))
    element_labels = {e.value: str(e.label) for e in Element if not element or e.value == element}

    total = _kora_cells(book, scope, ALL, ALL, "", total_row)
    by_centre = [
        _kora_cells(book, scope, BY_CENTRE, pk, name, per_centre.get(pk) or KoraRow(pk, 0, 0, 0, 0))
        for pk, name in centre_names.items()
    ]
    by_element = [
        _kora_cells(book, scope, BY_ELEMENT, code, label, per_element.get(code) or KoraRow(code, 0, 0, 0, 0))
        for code, label in element_labels.items()
    ]
    _relate_columns(book, by_centre, total, KoraCells.COLUMNS)
    _relate_columns(book, by_element, total, KoraCells.COLUMNS)

    # Demand per month.
    demand_by_centre = _demand_cells(
        book,
        scope,
        BY_CENTRE,
        demand(municipality_id, start, end, by=BY_CENTRE, **narrowed),
        list(centre_names.items()),
        {row.key: row for row in by_centre},
        total,
    )
    demand_by_element = _demand_cells(
        book,
        scope,
        BY_ELEMENT,
        demand(municipality_id, start, end, by=BY_ELEMENT, **narrowed),
        list(element_labels.items()),
        {row.key: row for row in by_element},
        total,
    )

    # Ratings.
    question_labels = dict(RATING_QUESTIONS)
    rating_cells = []
    for question, item in ratings(municipality_id, start, end, **narrowed).items():
        n = book.count(("rating", scope, question, "n"), item.n)
        distribution = [
            (value, book.count(("rating", scope, question, value), item.distribution[value])) for value in RATING_VALUES
        ]
        book.breakdown([cell for _value, cell in distribution], n)
        rating_cells.append(
            QuestionCells(
                question=question,
                label=str(question_labels[question]),
                n=n,
                mean=Mean(item.mean, n),
                distribution=distribution,
            )
        )

    # Enhedsudgift: always the municipality's (costs are per programme); a conversation element's citizens are the
    # same figure as its row of Tabel 1.1 when the page is not narrowed, so the same cell.
    cost_figures = unit_costs(municipality_id, start, end)
    cost_rows = []
    for element_value, item in cost_figures.by_element.items():
        if element_value == Element.GROUP_ACTIVITIES:
            key = ("cost", element_value, "citizens")
        else:
            key = ("kora", (None, None), BY_ELEMENT, element_value, "citizens")
        cost_rows.append(
            UnitCostCells(
                key=element_value,
                label=str(Element(element_value).label),
                amount=item.amount,
                citizens=book.count(key, item.citizens),
            )
        )
    with_row = UnitCostCells(
        key=WITH_GROUP_ACTIVITIES,
        label=gettext("Total with group activities"),
        amount=cost_figures.total_with.amount,
        citizens=book.count(("cost", WITH_GROUP_ACTIVITIES), cost_figures.total_with.citizens),
    )
    without_row = UnitCostCells(
        key=WITHOUT_GROUP_ACTIVITIES,
        label=gettext("Total without group activities"),
        amount=cost_figures.total_without.amount,
        citizens=book.count(("cost", WITHOUT_GROUP_ACTIVITIES), cost_figures.total_without.citizens),
    )
    book.relate([row.citizens for row in cost_rows], with_row.citizens)
    book.relate(
        [row.citizens for row in cost_rows if row.key in {e.value for e in CONVERSATION_ELEMENTS}],
        without_row.citizens,
    )
    anonymous_participations = book.count(("cost", "anonymous"), cost_figures.anonymous_participations)

    # No-shows.
    appointments = no_shows(municipality_id, start, end, split_on=split_on)
    department_names = dict(
        Department.objects.filter(municipality_id=municipality_id, pk__in=list(appointments.by_department))
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    no_show_total = _attendance_cells(book, ALL, ALL, gettext("All"), appointments.total)
    by_department = [
        _attendance_cells(book, "department", pk, name, appointments.by_department[pk])
        for pk, name in department_names.items()
    ]
    by_place = [
        _attendance_cells(book, "place", place.value, str(place.label), appointments.by_place[place.value])
        for place in AppointmentPlace
    ]
    by_month = [
        _attendance_cells(book, "month", month, f"{month:%m.%Y}", item) for month, item in appointments.by_month.items()
    ]
    split = []
    if split_on is not None:
        split = [
            _attendance_cells(book, "split", "before", gettext("Before"), appointments.before),
            _attendance_cells(book, "split", "after", gettext("From the day on"), appointments.after),
        ]
    for rows in (by_department, by_place, by_month, split):
        _relate_columns(book, rows, no_show_total, ("attended", "no_show", "n"))

    book.protect()
    return Evaluation(
        start=start,
        end=end,
        exact=exact,
        by_centre=by_centre,
        by_element=by_element,
        total=total,
        demand_by_centre=demand_by_centre,
        demand_by_element=demand_by_element,
        ratings=rating_cells,
        programmes=cost_figures.programmes,
        unit_costs=[*cost_rows, without_row, with_row],
        anonymous_participations=anonymous_participations,
        no_show_total=no_show_total,
        no_show_by_department=by_department,
        no_show_by_place=by_place,
        no_show_by_month=by_month,
        no_show_split=split,
        split_on=split_on,
    )
