"""The computed figures of seed 001's measures (baseline and follow-up), in bulk over a cohort of pathways.

Pure reads: every function takes pathway ids the caller has already scoped (a list or a queryset of ids) or the
municipality, reads in a constant number of queries, writes nothing and logs nothing — the caller decides what is
shown, suppresses figures about persons (`organisations.suppression`) and logs the read. Only numbers leave here.

The definitions, once (each function's docstring says the same for its own figures):

- **The cohort's citizens**: a pathway's citizen, or every member of its family (`HouseholdMember`).
- **The twelve months up to a day** (`twelve_months_up_to`): from the day after the same date a year earlier to
  the day itself, both included (up to 30.06.2026: 01.07.2025–30.06.2026).
- **Status on a day**: the latest `StatusEntry` on or before it per (pathway, citizen); **status at the start**:
  the first entry per (pathway, citizen) (helper selectors `results.selectors.status_on` / `status_at_start`).
- **Benefit** (*ydelse*) in the imported consumption: a `ConsumptionRecord` whose department (`department_ref`,
  set by the import from the department's name in the file) is of kind `DepartmentKind.BENEFITS` (the benefits
  department, *Ydelse*). The consumption file has no column telling a benefit from a service, and the
  department is the only field the import links to the municipality's own data; a benefit paid out by another
  department (a job centre's *kontanthjælp*) counts as that department's service, and a record whose department
  name matched no department counts as neither.
- **Consumption in a period**: a record counts with the part of its amount that falls in the period, in
  proportion to days (`period_start`–`period_end`, both included), rounded to øre per record.
- **Economy in a period**: the interventions' cost by `economy.costs` (the one formula): the cost up to the
  period's last day minus the cost up to the day before its first, each cut off on the day the pathway closed.
- **Self-initiated contact**: a message on the pathway's thread written by the citizen side in the portal
  (`Message.author_person` set: the citizen or a custody holder), by the day it was written (Copenhagen time).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from samspil.citizens.models import Citizen, HouseholdMember
from samspil.documents.models import Message
from samspil.economy import costs
from samspil.economy.choices import ServiceUnit
from samspil.economy.models import FinancingShare, Intervention, LegalExemptionUse
from samspil.economy.validation import normalised_paragraph
from samspil.organisations.choices import DepartmentKind
from samspil.pathways.choices import TeamMemberKind
from samspil.pathways.models import Pathway, TeamMember
from samspil.results.choices import EMPLOYED, IN_EDUCATION, SUBSTANCE_PROBLEM, SUCCESSFUL_OUTCOMES, SubstanceUse
from samspil.results.selectors import status_at_start, status_on
from samspil.segmentation.models import ConsumptionRecord

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")
WHO5_ITEMS = 5
WHO5_ITEM_MAX = 5
# Out of substance abuse: a problem at the start, and now none or only occasional use ("not assessed" or nothing
# recorded is not "out of" anything).
NO_SUBSTANCE_PROBLEM = frozenset({SubstanceUse.NONE, SubstanceUse.OCCASIONAL})

PathwayIds = Collection[int] | QuerySet


# --- helpers -------------------------------------------------------------------------------------------------


def _ids(pathway_ids: PathwayIds) -> list[int]:
    if isinstance(pathway_ids, QuerySet):
        return list(pathway_ids)
    return list(pathway_ids)


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _mean(values: list[int]) -> Decimal | None:
    """The mean to one decimal (half up), None without values."""
    if not values:
        return None
    return _tenth(Decimal(sum(values)) / Decimal(len(values)))


def twelve_months_up_to(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the twelve months up to `on`: from the day after `on` a year earlier to `on`."""
    try:
        year_before = on.replace(year=on.year - 1)
    except ValueError:  # 29 February: a year earlier is 28 February
        year_before = on.replace(year=on.year - 1, day=28)
    return year_before + datetime.timedelta(days=1), on


def _overlap_days(a_start, a_end, b_start, b_end) -> int:
    return max((min(a_end, b_end) - max(a_start, b_start)).days + 1, 0)


def prorated(amount: Decimal, period_start, period_end, start, end) -> Decimal:
    """The part of `amount` (over period_start–period_end) that falls in start–end, by days, rounded to øre."""
    days = (period_end - period_start).days + 1
    inside = _overlap_days(period_start, period_end, start, end)
    if inside <= 0 or days <= 0:
        return ZERO
    if inside >= days:
        return costs.to_ore(Decimal(amount))
    return costs.to_ore(Decimal(amount) * inside / days)


def cohort_citizens(pathway_ids: PathwayIds) -> dict[int, list[int]]:
    """Pathway id → the ids of the citizens it is about (its citizen, or every member of its family). Two queries."""
    pathways = list(Pathway.objects.filter(pk__in=_ids(pathway_ids)).values("pk", "citizen_id", "household_id"))
    households = {row["household_id"] for row in pathways if row["household_id"]}
    members: dict[int, list[int]] = defaultdict(list)
    if households:
        # Every member the family had over time (a member who left and joined again is one citizen).
        for household_id, citizen_id in (
            HouseholdMember.objects.filter(household_id__in=households)
            .order_by()
            .values_list("household_id", "citizen_id")
            .distinct()
        ):
            members[household_id].append(citizen_id)
    return {
        row["pk"]: [row["citizen_id"]] if row["citizen_id"] else sorted(members.get(row["household_id"], []))
        for row in pathways
    }


def _consumption(citizen_ids: Collection[int], start, end, *, benefits_only: bool = False) -> Decimal:
    """The imported consumption of the citizens in start–end (see the module's docstring). Two queries."""
    if not citizen_ids:
        return ZERO
    keys = set(Citizen.objects.filter(pk__in=list(citizen_ids)).values_list("municipality_id", "cpr_index"))
    if not keys:
        return ZERO
    records = ConsumptionRecord.objects.filter(
        municipality_id__in={municipality for municipality, _index in keys},
        subject__cpr_index__in={index for _municipality, index in keys},
        period_start__lte=end,
        period_end__gte=start,
    )
    if benefits_only:
        records = records.filter(department_ref__kind=DepartmentKind.BENEFITS)
    total = ZERO
    for municipality_id, index, amount, period_start, period_end in records.values_list(
        "municipality_id", "subject__cpr_index", "amount_dkk", "period_start", "period_end"
    ):
        if (municipality_id, index) in keys:
            total += prorated(amount, period_start, period_end, start, end)
    return total


# --- (1) quality of life ---------------------------------------------------------------------------------------


def who5_score(items: Sequence[int]) -> int:
    """The WHO-5 well-being index 0–100: the raw score (five items of 0–5, so 0–25) × 4.

    ValueError when there are not exactly five answers or an answer is not a whole number from 0 to 5.
    """
    items = list(items)
    if len(items) != WHO5_ITEMS:
        raise ValueError(f"WHO-5 has {WHO5_ITEMS} items, got {len(items)}")
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= WHO5_ITEM_MAX:
            raise ValueError(f"a WHO-5 answer is a whole number from 0 to {WHO5_ITEM_MAX}, got {item!r}")
    return sum(items) * 4


# --- (2) objective outcomes ------------------------------------------------------------------------------------


@dataclass
class ObjectiveOutcomes:
    """Seed 001's objective outcomes of a cohort on a day (measure 2). Counts are of (pathway, citizen) pairs
    where a status is concerned, so a family pathway counts each member it is about."""

    pathways: int  # pathways in the cohort
    citizens: int  # distinct citizens the cohort's pathways are about
    with_status: int  # (pathway, citizen) pairs with a status on the day: the denominator of the shares
    in_work_or_education: int  # … of them in education or employed (results.choices IN_EDUCATION | EMPLOYED)
    in_education: int
    employed: int
    benefit_amount: Decimal  # imported consumption of benefit kind in the twelve months up to the day
    substance_problem_at_start: int  # pairs whose first status had a substance problem (SUBSTANCE_PROBLEM)
    out_of_substance_abuse: int  # … of them with no or occasional use on the day
    successful_closed: int  # pathways closed on or before the day with a successful outcome
    successful_mean_days: Decimal | None  # their mean duration, opened_on → closed_on in days, one decimal
    self_initiated_contacts: int  # messages from the citizen side in the twelve months up to the day
    caseworkers_mean: Decimal | None  # mean distinct staff on the team of the pathways open on the day

    @property
    def in_work_or_education_share(self) -> Decimal | None:
        if not self.with_status:
            return None
        return Decimal(self.in_work_or_education) / Decimal(self.with_status)


def objective_outcomes(*, pathway_ids: PathwayIds, on: datetime.date) -> ObjectiveOutcomes:
    """The objective outcomes of the cohort's pathways on `on` (seed 001, measure 2).

    - In work or education: (pathway, citizen) pairs whose status on `on` is in `IN_EDUCATION | EMPLOYED`, out of
      the pairs with a status on `on` (`with_status`).
    - Benefit level: the cohort's citizens' imported consumption of benefit kind in the twelve months up to `on`
      (the module's docstring says what counts as a benefit and how a record is cut to the period).
    - Out of substance abuse: pairs whose first status had `substance_use` in `SUBSTANCE_PROBLEM` and whose
      status on `on` has none or occasional use (`NO_SUBSTANCE_PROBLEM`).
    - Duration of successful pathways: pathways closed on or before `on` with an outcome in
      `SUCCESSFUL_OUTCOMES`, mean of closed_on − opened_on in days.
    - Self-initiated contacts: messages written by the citizen side on the cohort's pathways in the twelve months
      up to `on`.
    - Caseworkers: over the pathways open on `on` (opened on or before it, not closed before it), the mean number
      of distinct staff users on the team in force on `on` (staff `TeamMember` rows active that day), the
      pathway's coordinator included.
    """
    ids = _ids(pathway_ids)
    subjects = cohort_citizens(ids)
    citizens = {citizen for members in subjects.values() for citizen in members}
    now = status_on(ids, on)
    start = status_at_start(ids, on=on)
    window_start, window_end = twelve_months_up_to(on)

    in_education = sum(1 for entry in now.values() if entry.education_employment in IN_EDUCATION)
    employed = sum(1 for entry in now.values() if entry.education_employment in EMPLOYED)
    problem_at_start = [key for key, entry in start.items() if entry.substance_use in SUBSTANCE_PROBLEM]
    out_of_abuse = sum(1 for key in problem_at_start if key in now and now[key].substance_use in NO_SUBSTANCE_PROBLEM)

    pathways = list(
        Pathway.objects.filter(pk__in=ids).values("pk", "opened_on", "closed_on", "outcome", "coordinator_id")
    )
    successful_days = [
        (row["closed_on"] - row["opened_on"]).days
        for row in pathways
        if row["closed_on"] and row["closed_on"] <= on and row["outcome"] in SUCCESSFUL_OUTCOMES
    ]
    contacts = Message.objects.filter(
        pathway_id__in=ids, author_person__isnull=False, created_at__date__range=(window_start, window_end)
    ).count()

    return ObjectiveOutcomes(
        pathways=len(pathways),
        citizens=len(citizens),
        with_status=len(now),
        in_work_or_education=in_education + employed,
        in_education=in_education,
        employed=employed,
        benefit_amount=_consumption(citizens, window_start, window_end, benefits_only=True),
        substance_problem_at_start=len(problem_at_start),
        out_of_substance_abuse=out_of_abuse,
        successful_closed=len(successful_days),
        successful_mean_days=_mean(successful_days),
        self_initiated_contacts=contacts,
        caseworkers_mean=_caseworkers_mean(pathways, on),
    )


def _caseworkers_mean(pathways: list[dict], on: datetime.date) -> Decimal | None:
    open_on = {
        row["pk"]: {row["coordinator_id"]}
        for row in pathways
        if row["opened_on"] <= on and (row["closed_on"] is None or row["closed_on"] >= on)
    }
    if not open_on:
        return None
    members = (
        TeamMember.objects.current(on)
        .filter(pathway_id__in=list(open_on), kind=TeamMemberKind.STAFF, user__isnull=False)
        .values_list("pathway_id", "user_id")
    )
    for pathway_id, user_id in members:
        open_on[pathway_id].add(user_id)
    return _mean([len(users) for users in open_on.values()])


# --- (5) the cost of the target group -------------------------------------------------------------------------


@dataclass
class CostFigures:
    """What the cohort cost in a period (measure 5): the economy's interventions and the imported consumption."""

    pathways: int
    citizens: int
    economy: Decimal  # interventions granted on the cohort's pathways, their cost falling in the period
    consumption: Decimal  # imported consumption of the cohort's citizens falling in the period
    total: Decimal


def intervention_cost_in_period(intervention, start: datetime.date, end: datetime.date, closed_on=None) -> Decimal:
    """The part of an intervention's cost in start–end by `economy.costs` (cost up to `end` minus cost up to the day
    before `start`, each cut off on the day the pathway closed). `intervention` is the model or a `values()` row."""
    before = start - datetime.timedelta(days=1)
    up_to_end = costs.total(costs.intervention_months(intervention, costs.cost_until(end, closed_on)))
    up_to_before = costs.total(costs.intervention_months(intervention, costs.cost_until(before, closed_on)))
    return up_to_end - up_to_before


def target_group_cost(*, pathway_ids: PathwayIds, start: datetime.date, end: datetime.date) -> CostFigures:
    """The cost of the cohort in start–end (both included): interventions' cost in the period by the economy's
    formula (`intervention_cost_in_period`), plus the imported consumption of the cohort's citizens in the period
    (each record with the part of its amount that falls in it), and their sum.

    Both sources are counted; where a municipality imports the same services it also grants in Samspil, the total
    counts them twice — the two figures are kept apart so the reader can see which is which.
    """
    ids = _ids(pathway_ids)
    subjects = cohort_citizens(ids)
    citizens = {citizen for members in subjects.values() for citizen in members}
    interventions = Intervention.objects.filter(pathway_id__in=ids, starts_on__lte=end).values(
        "unit", "unit_price", "quantity", "starts_on", "ends_on", "pathway__closed_on"
    )
    economy = sum(
        (intervention_cost_in_period(row, start, end, row["pathway__closed_on"]) for row in interventions), ZERO
    )
    consumption = _consumption(citizens, start, end)
    return CostFigures(
        pathways=len(subjects),
        citizens=len(citizens),
        economy=economy,
        consumption=consumption,
        total=economy + consumption,
    )


# --- (7) mono- and cross-disciplinary efforts ------------------------------------------------------------------


@dataclass
class EffortCounts:
    """Interventions active in a period, mono- or cross-disciplinary (measure 7)."""

    pathways: int  # pathways of the cohort with at least one active intervention
    interventions: int
    mono_disciplinary: int
    cross_disciplinary: int


def efforts(*, pathway_ids: PathwayIds, start: datetime.date, end: datetime.date) -> EffortCounts:
    """Count the cohort's interventions active in start–end as mono- or cross-disciplinary.

    Active: a recurring intervention running some day of the period (started on or before `end`, not ended before
    `start`) on a pathway not closed before `start`; a one-off one whose day falls in the period.

    Over the days the intervention is active in the period (its *span*):
    - its **financing departments** are the departments paying some month of the span: the shares of the financing
      decision in force that month (`economy.costs.shares_in_force`, the same rule as the costs), or the granting
      department without a decision;
    - its **team departments** are the pathway's coordinating department and the departments of the staff on the
      pathway's team any day of the span (external professionals and network persons belong to no department).
    It is **cross-disciplinary** when its financing or its team spans several departments, **mono-disciplinary**
    when both are one and the same department.
    """
    ids = _ids(pathway_ids)
    rows = [
        row
        for row in Intervention.objects.filter(pathway_id__in=ids, starts_on__lte=end).values(
            "pk",
            "pathway_id",
            "unit",
            "starts_on",
            "ends_on",
            "granting_department_id",
            "pathway__closed_on",
            "pathway__lead_department_id",
        )
        if _span(row, start, end) is not None
    ]
    decisions: dict[int, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
    for intervention_id, decided_on, decision_id, department_id, percent in FinancingShare.objects.filter(
        decision__intervention_id__in=[row["pk"] for row in rows]
    ).values_list("decision__intervention_id", "decision__decided_on", "decision_id", "department_id", "percent"):
        decisions[intervention_id][(decided_on, decision_id)].append((department_id, percent))
    team: dict[int, list[tuple]] = defaultdict(list)
    for pathway_id, department_id, active_from, active_to in TeamMember.objects.filter(
        pathway_id__in={row["pathway_id"] for row in rows},
        kind=TeamMemberKind.STAFF,
        department__isnull=False,
        active_from__lte=end,
    ).values_list("pathway_id", "department_id", "active_from", "active_to"):
        team[pathway_id].append((department_id, active_from, active_to))

    cross = 0
    for row in rows:
        span_start, span_end = _span(row, start, end)
        timeline = [(decided_on, shares) for (decided_on, _pk), shares in sorted(decisions[row["pk"]].items())]
        default = [(row["granting_department_id"], costs.HUNDRED)]
        paying = {
            department
            for month in costs.months_between(span_start, span_end)
            for department, _percent in costs.shares_in_force(month, timeline, default)
        }
        on_team = {row["pathway__lead_department_id"]} | {
            department
            for department, active_from, active_to in team[row["pathway_id"]]
            if active_from <= span_end and (active_to is None or active_to >= span_start)
        }
        if len(paying) > 1 or len(on_team) > 1 or paying != on_team:
            cross += 1
    return EffortCounts(
        pathways=len({row["pathway_id"] for row in rows}),
        interventions=len(rows),
        mono_disciplinary=len(rows) - cross,
        cross_disciplinary=cross,
    )


def _span(row: dict, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The days of start–end an intervention is active (see `efforts`), or None."""
    if row["unit"] == ServiceUnit.ONE_OFF:
        day = row["starts_on"]
        closed_on = row["pathway__closed_on"]
        if start <= day <= end and (closed_on is None or day <= closed_on):
            return day, day
        return None
    last = end
    for limit in (row["ends_on"], row["pathway__closed_on"]):
        if limit is not None:
            last = min(last, limit)
    first = max(start, row["starts_on"])
    return (first, last) if first <= last else None


# --- (10) the new solutions that used a legal exemption --------------------------------------------------------


@dataclass
class ExemptionCount:
    """How many times an exemption from one law part was used (measure 10). Exact: a use is not about a person."""

    law: str  # economy.choices.Law value
    paragraph: str  # normalised (`§ 31 b, stk. 2`, `kap. 9`); "" for a paragraph written before the strict format
    uses: int

    @property
    def label(self) -> str:
        return f"{self.law} {self.paragraph}".strip()


def exemption_counts(*, municipality, start: datetime.date, end: datetime.date) -> list[ExemptionCount]:
    """Uses of free-municipality exemptions in the municipality used in start–end, by law and normalised paragraph
    (`economy.validation.normalised_paragraph`), sorted by law and paragraph. Exact counts, never suppressed: they
    count uses of a law, not persons, and name no pathway."""
    municipality_id = getattr(municipality, "pk", municipality)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for law, paragraph in LegalExemptionUse.objects.filter(
        municipality_id=municipality_id, used_on__range=(start, end)
    ).values_list("law", "paragraph"):
        counts[(law, normalised_paragraph(paragraph) or "")] += 1
    return [
        ExemptionCount(law=law, paragraph=paragraph, uses=uses)
        for (law, paragraph), uses in sorted(counts.items(), key=lambda item: (item[0][0], _paragraph_key(item[0][1])))
    ]


def _paragraph_key(paragraph: str) -> tuple:
    """Sort numbers as numbers (`kap. 9` before `kap. 10`, `§ 5` before `§ 10`)."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", paragraph))
