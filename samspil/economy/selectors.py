"""Reads of the economy.

- The pathway's economy page: the pathway has been resolved through the policy (`pathway_get`); its
  interventions, decisions and exemption uses are read with plain filters on it in a constant number of
  queries, and the read is written to the access log (`pathway_log_read`).
- The management reports start from `visible_to(actor, AGGREGATE)`: controllers get the whole municipality,
  the aggregate roles the rows touching their departments. Only figures leave them: no names, no CPR numbers,
  and counts of pathways and citizens from 1 to 4 are suppressed (`organisations.selectors.SMALL_COUNT`).

Which split applies: the split in force (the latest decision) applies to the whole cost of the intervention,
because a re-assessment decides how the intervention is financed; without a decision the granting department
pays all of it (`payer_shares`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.citizens.models import HouseholdMember
from samspil.economy import costs
from samspil.economy.choices import ProgrammeElement
from samspil.economy.models import (
    FinancingDecision,
    FinancingShare,
    Intervention,
    LegalExemptionUse,
    OperatingCost,
    Service,
)
from samspil.economy.scopes import led_department_ids
from samspil.organisations.models import Department
from samspil.organisations.selectors import SMALL_COUNT
from samspil.pathways.models import Pathway, Programme
from samspil.pathways.selectors import pathway_log_read

ZERO = Decimal("0.00")
SERIES_MONTHS = 12  # the management pages' cost-over-time charts: this month and the eleven before it


def chart(labels, values, *, label: str = "", unit: str = "kr.") -> dict:
    """Chart data for `includes/chart.html`: floats only here, at the edge."""
    return {
        "labels": [str(x) for x in labels],
        "datasets": [{"label": label, "data": [float(v) for v in values]}],
        "unit": unit,
    }


def month_label(month: datetime.date) -> str:
    return month.strftime("%m.%Y")


def payer_shares(intervention, decisions: list) -> list[tuple[int, Decimal]]:
    """(department id, percent) of the split in force: the latest decision's, else the granting department's 100 %."""
    if decisions:
        latest = max(decisions, key=lambda d: (d.decided_on, d.pk))
        return [(share.department_id, share.percent) for share in latest.shares.all()]
    return [(intervention.granting_department_id, costs.HUNDRED)]


def suppressed(n: int) -> dict:
    """A count as the reports show it: 1 to 4 hidden (the rule of the management overview)."""
    return {"n": n, "suppressed": 0 < n <= SMALL_COUNT}


# --- the pathway's economy page ----------------------------------------------------------------------------


@dataclass
class Payer:
    department: Department
    percent: Decimal
    amount: Decimal


@dataclass
class InterventionRow:
    intervention: Intervention
    monthly: Decimal | None
    total: Decimal
    decisions: list
    current: FinancingDecision | None
    payers: list
    chart: dict


@dataclass
class PathwayEconomy:
    pathway: Pathway
    today: datetime.date
    rows: list
    total: Decimal
    payers: list
    payer_chart: dict
    series: list
    series_chart: dict
    sector_kinds: list
    exemptions: list
    can_contribute: bool
    can_manage: bool
    services: list = field(default_factory=list)
    departments: list = field(default_factory=list)

    @property
    def meets_sector_criterion(self) -> bool:
        """The joint-financing model's first criterion: services from at least two sector areas on the pathway."""
        return len(self.sector_kinds) >= 2


def _can(actor, pathway: Pathway, action: str) -> bool:
    # `pathway_get` annotates the answers (via_team is exactly CONTRIBUTE, can_manage exactly MANAGE).
    annotated = {policy.CONTRIBUTE: "via_team", policy.MANAGE: "can_manage"}.get(action)
    if annotated and hasattr(pathway, annotated):
        return bool(getattr(pathway, annotated))
    return Pathway.objects.visible_to(actor, action).filter(pk=pathway.pk).exists()


def _payers(departments: dict, amounts: dict[int, Decimal], percents: dict[int, Decimal] | None = None) -> list:
    whole = sum(amounts.values(), ZERO)
    rows = []
    for department_id, amount in sorted(amounts.items(), key=lambda item: -item[1]):
        if percents is not None:
            percent = percents[department_id]
        else:
            percent = costs.to_ore(amount * costs.HUNDRED / whole) if whole else ZERO
        rows.append(Payer(department=departments[department_id], percent=percent, amount=amount))
    return rows


def pathway_economy(
    *, actor, pathway: Pathway, until: datetime.date | None = None, log_read: bool = True
) -> PathwayEconomy:
    """Everything on the pathway's economy page, in a constant number of queries, logged as one read per citizen."""
    today = until or timezone.localdate()
    decisions = Prefetch(
        "financing_decisions",
        queryset=FinancingDecision.objects.select_related("decided_by")
        .prefetch_related(Prefetch("shares", queryset=FinancingShare.objects.select_related("department")))
        .order_by("decided_on", "id"),
    )
    interventions = list(
        Intervention.objects.filter(pathway=pathway)
        .select_related("service__department", "granting_department")
        .prefetch_related(decisions)
        .order_by("starts_on", "id")
    )
    departments = {i.granting_department_id: i.granting_department for i in interventions}
    for intervention in interventions:
        for decision in intervention.financing_decisions.all():
            departments.update({share.department_id: share.department for share in decision.shares.all()})
    rows, by_payer, by_month = [], {}, {}
    for intervention in interventions:
        history = list(intervention.financing_decisions.all())
        months = costs.intervention_months(intervention, costs.cost_until(today, pathway.closed_on))
        amount = costs.total(months)
        shares = payer_shares(intervention, history)
        parts = costs.split(amount, shares)
        costs.add_into(by_payer, parts)
        costs.add_into(by_month, months)
        payers = _payers(departments, parts, dict(shares))
        rows.append(
            InterventionRow(
                intervention=intervention,
                monthly=costs.monthly_rate(
                    unit=intervention.unit, unit_price=intervention.unit_price, quantity=intervention.quantity
                ),
                total=amount,
                decisions=history,
                current=history[-1] if history else None,
                payers=payers,
                chart=chart(
                    [p.department.name for p in payers], [p.percent for p in payers], label=_("Share"), unit="%"
                ),
            )
        )
    payers = _payers(departments, by_payer)
    series = sorted(by_month.items())
    can_contribute = pathway.is_open and _can(actor, pathway, policy.CONTRIBUTE)
    can_manage = pathway.is_open and _can(actor, pathway, policy.MANAGE)
    page = PathwayEconomy(
        pathway=pathway,
        today=today,
        rows=rows,
        total=sum((row.total for row in rows), ZERO),
        payers=payers,
        payer_chart=chart([p.department.name for p in payers], [p.amount for p in payers], label=_("Pays")),
        series=series,
        series_chart=chart([month_label(m) for m, _a in series], [a for _m, a in series], label=_("Cost")),
        sector_kinds=sorted({i.service.department.get_kind_display() for i in interventions}),
        exemptions=list(
            LegalExemptionUse.objects.filter(pathway=pathway)
            .select_related("intervention__service", "registered_by")
            .order_by("used_on", "id")
        ),
        can_contribute=can_contribute,
        can_manage=can_manage,
    )
    if can_contribute or can_manage:
        page.services = list(
            Service.objects.visible_to(actor, policy.VIEW).filter(active=True).select_related("department")
        )
        page.departments = list(Department.objects.visible_to(actor, policy.VIEW).order_by("name"))
    if log_read:
        pathway_log_read(actor=actor, pathway=pathway, shown="economy")
    return page


# --- the catalogue -----------------------------------------------------------------------------------------


def service_catalogue(*, actor) -> list[Service]:
    return list(
        Service.objects.visible_to(actor, policy.VIEW)
        .select_related("department", "provider_unit__department", "provider_organisation")
        .order_by("department__name", "name")
    )


def service_get(*, actor, public_id) -> Service:
    service = Service.objects.visible_to(actor, policy.VIEW).filter(public_id=public_id).first()
    if service is None:
        raise Http404
    return service


# --- management reports ------------------------------------------------------------------------------------


def report_departments(*, actor) -> list[Department]:
    """The departments whose figures the actor may see: all for controllers, led ones for aggregate roles."""
    departments = Department.objects.visible_to(actor, policy.VIEW).order_by("name")
    if policy.can_see_costs(actor):
        return list(departments)
    if policy.can_see_aggregates(actor):
        return list(departments.filter(pk__in=led_department_ids(actor)))
    return []


@dataclass(frozen=True)
class CostFact:
    """One payer's part of one intervention's cost in one month: what every report adds up."""

    payer_id: int
    month: datetime.date
    amount: Decimal
    pathway_id: int
    programme_id: int
    service_department_id: int
    granting_department_id: int


def cost_facts(*, actor, until: datetime.date) -> list[CostFact]:
    """Every visible intervention's cost, month by month, split by the split in force. Three queries."""
    interventions = list(
        Intervention.objects.visible_to(actor, policy.AGGREGATE).values(
            "pk",
            "unit",
            "unit_price",
            "quantity",
            "starts_on",
            "ends_on",
            "granting_department_id",
            "service__department_id",
            "pathway_id",
            "pathway__programme_id",
            "pathway__closed_on",
        )
    )
    latest: dict[int, tuple] = {}
    for decision in FinancingDecision.objects.visible_to(actor, policy.AGGREGATE).values(
        "pk", "intervention_id", "decided_on"
    ):
        key = (decision["decided_on"], decision["pk"])
        if decision["intervention_id"] not in latest or key > latest[decision["intervention_id"]]:
            latest[decision["intervention_id"]] = key
    in_force = {pk: intervention_id for intervention_id, (_day, pk) in latest.items()}
    shares: dict[int, list] = defaultdict(list)
    for share in (
        FinancingShare.objects.visible_to(actor, policy.AGGREGATE)
        .filter(decision_id__in=list(in_force))
        .values("decision_id", "department_id", "percent")
    ):
        shares[in_force[share["decision_id"]]].append((share["department_id"], share["percent"]))
    facts = []
    for row in interventions:
        payers = shares.get(row["pk"]) or [(row["granting_department_id"], costs.HUNDRED)]
        months = costs.intervention_months(row, costs.cost_until(until, row["pathway__closed_on"]))
        for payer_id, by_month in costs.split_by_month(months, payers).items():
            facts.extend(
                CostFact(
                    payer_id=payer_id,
                    month=month,
                    amount=amount,
                    pathway_id=row["pathway_id"],
                    programme_id=row["pathway__programme_id"],
                    service_department_id=row["service__department_id"],
                    granting_department_id=row["granting_department_id"],
                )
                for month, amount in by_month.items()
            )
    return facts


def _last_months(until: datetime.date, count: int = SERIES_MONTHS) -> list[datetime.date]:
    months = [costs.first_of_month(until)]
    while len(months) < count:
        months.insert(0, costs.first_of_month(months[0] - datetime.timedelta(days=1)))
    return months


@dataclass
class Overview:
    departments: list
    by_department: list
    by_programme: list
    series: list
    series_chart: dict
    department_chart: dict
    total: Decimal
    sees_all: bool


def cost_overview(*, actor, until: datetime.date | None = None) -> Overview:
    """Costs to date by paying department and by programme, and the last twelve months, as figures only."""
    until = until or timezone.localdate()
    departments = report_departments(actor=actor)
    allowed = {d.pk: d for d in departments}
    facts = [fact for fact in cost_facts(actor=actor, until=until) if fact.payer_id in allowed]
    by_department: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_programme: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_month: dict[datetime.date, Decimal] = defaultdict(lambda: ZERO)
    for fact in facts:
        by_department[fact.payer_id] += fact.amount
        by_programme[fact.programme_id] += fact.amount
        by_month[fact.month] += fact.amount
    programmes = dict(Programme.objects.visible_to(actor, policy.VIEW).values_list("pk", "name"))
    department_rows = [(d, by_department[d.pk]) for d in departments if d.pk in by_department]
    programme_rows = sorted(((programmes[pk], amount) for pk, amount in by_programme.items()), key=lambda r: r[0])
    series = [(month, by_month[month]) for month in _last_months(until)]
    return Overview(
        departments=departments,
        by_department=department_rows,
        by_programme=programme_rows,
        series=series,
        series_chart=chart([month_label(m) for m, _a in series], [a for _m, a in series], label=_("Cost")),
        department_chart=chart(
            [d.name for d, _a in department_rows], [a for _d, a in department_rows], label=_("Pays")
        ),
        total=sum(by_department.values(), ZERO),
        sees_all=policy.can_see_costs(actor),
    )


@dataclass
class DepartmentReport:
    department: Department
    total: Decimal
    own: Decimal
    for_others: Decimal
    for_others_rows: list
    for_whom: list
    pathways: dict
    citizens: dict
    series: list
    series_chart: dict


def _citizen_counts(pathway_ids: set[int]) -> dict[int, int]:
    """How many citizens each pathway is about: one, or every member of the family."""
    rows = Pathway.objects.filter(pk__in=pathway_ids).values("pk", "citizen_id", "household_id")
    households = {row["household_id"] for row in rows if row["household_id"]}
    members = dict(
        HouseholdMember.objects.filter(household_id__in=households).values_list("household_id").annotate(n=Count("id"))
    )
    return {row["pk"]: 1 if row["citizen_id"] else members.get(row["household_id"], 0) for row in rows}


def department_report(*, actor, department_public_id, until: datetime.date | None = None) -> DepartmentReport:
    """What one department pays, for how many (by programme, suppressed), and what it pays for other departments."""
    until = until or timezone.localdate()
    department = next(
        (d for d in report_departments(actor=actor) if str(d.public_id) == str(department_public_id)), None
    )
    if department is None:
        raise Http404
    facts = [fact for fact in cost_facts(actor=actor, until=until) if fact.payer_id == department.pk and fact.amount]
    names = dict(Department.objects.visible_to(actor, policy.VIEW).values_list("pk", "name"))
    programmes = dict(Programme.objects.visible_to(actor, policy.VIEW).values_list("pk", "name"))
    others: dict[int, Decimal] = defaultdict(lambda: ZERO)
    pathways_by_programme: dict[int, set] = defaultdict(set)
    by_month: dict[datetime.date, Decimal] = defaultdict(lambda: ZERO)
    own = ZERO
    for fact in facts:
        by_month[fact.month] += fact.amount
        pathways_by_programme[fact.programme_id].add(fact.pathway_id)
        if fact.service_department_id != department.pk:
            others[fact.service_department_id] += fact.amount
        elif fact.granting_department_id != department.pk:
            others[fact.granting_department_id] += fact.amount
        else:
            own += fact.amount
    all_pathways = set().union(*pathways_by_programme.values()) if pathways_by_programme else set()
    citizens = _citizen_counts(all_pathways)
    for_whom = sorted(
        (
            {
                "programme": programmes.get(programme_id, ""),
                "pathways": suppressed(len(ids)),
                "citizens": suppressed(sum(citizens.get(pk, 0) for pk in ids)),
            }
            for programme_id, ids in pathways_by_programme.items()
        ),
        key=lambda row: row["programme"],
    )
    series = [(month, by_month[month]) for month in _last_months(until)]
    return DepartmentReport(
        department=department,
        total=own + sum(others.values(), ZERO),
        own=own,
        for_others=sum(others.values(), ZERO),
        for_others_rows=sorted(((names[pk], amount) for pk, amount in others.items()), key=lambda r: r[0]),
        for_whom=for_whom,
        pathways=suppressed(len(all_pathways)),
        citizens=suppressed(sum(citizens.values())),
        series=series,
        series_chart=chart([month_label(m) for m, _a in series], [a for _m, a in series], label=_("Pays")),
    )


@dataclass
class ExemptionReport:
    by_paragraph: list
    by_programme: list
    total: int


def exemption_report(*, actor) -> ExemptionReport:
    """How many uses of which law and paragraph, and by programme. Pathway counts from 1 to 4 are suppressed."""
    uses = LegalExemptionUse.objects.visible_to(actor, policy.AGGREGATE)
    by_paragraph = [
        {**row, "pathways": suppressed(row["pathways"])}
        for row in uses.values("law", "paragraph")
        .annotate(uses=Count("id"), pathways=Count("pathway", distinct=True))
        .order_by("law", "paragraph")
    ]
    by_programme = [
        {**row, "pathways": suppressed(row["pathways"])}
        for row in uses.values("pathway__programme__name", "law")
        .annotate(uses=Count("id"), pathways=Count("pathway", distinct=True))
        .order_by("pathway__programme__name", "law")
    ]
    return ExemptionReport(
        by_paragraph=by_paragraph, by_programme=by_programme, total=sum(r["uses"] for r in by_paragraph)
    )


@dataclass
class UnitCostRow:
    programme: str
    month: datetime.date
    amount: Decimal
    citizens: int
    per_citizen: Decimal | None
    elements: dict


def active_citizens(*, municipality_id: int, programme_ids, months: list[datetime.date]) -> dict[tuple, int]:
    """(programme id, month) → citizens in pathways of that programme active some day of that month.

    Counted across the municipality without the pathway scope, deliberately: only the number leaves here.
    """
    rows = list(
        Pathway.objects.filter(municipality_id=municipality_id, programme_id__in=programme_ids).values(
            "pk", "programme_id", "opened_on", "closed_on", "citizen_id", "household_id"
        )
    )
    sizes = _citizen_counts({row["pk"] for row in rows if row["household_id"]})
    counts: dict[tuple, int] = defaultdict(int)
    for row in rows:
        size = 1 if row["citizen_id"] else sizes.get(row["pk"], 0)
        for month in months:
            if row["opened_on"] <= costs.last_of_month(month) and (
                row["closed_on"] is None or row["closed_on"] >= month
            ):
                counts[row["programme_id"], month] += size
    return counts


def operating_cost_report(*, actor) -> list[UnitCostRow]:
    """Operating cost per programme and month, by element, and the unit cost per citizen that month."""
    registered = list(
        OperatingCost.objects.visible_to(actor, policy.AGGREGATE)
        .select_related("programme")
        .order_by("programme__name", "month", "element")
    )
    if not registered:
        return []
    months = sorted({cost.month for cost in registered})
    citizens = active_citizens(
        municipality_id=actor.municipality_id, programme_ids={c.programme_id for c in registered}, months=months
    )
    grouped: dict[tuple, list] = defaultdict(list)
    for cost in registered:
        grouped[cost.programme_id, cost.month].append(cost)
    rows = []
    for (programme_id, month), items in grouped.items():
        amount = sum((c.amount for c in items), ZERO)
        n = citizens.get((programme_id, month), 0)
        rows.append(
            UnitCostRow(
                programme=items[0].programme.name,
                month=month,
                amount=amount,
                citizens=n,
                per_citizen=costs.to_ore(amount / n) if n else None,
                elements={ProgrammeElement(c.element).label: c.amount for c in items},
            )
        )
    return sorted(rows, key=lambda r: (r.programme, r.month))


def unit_cost_chart(rows: list[UnitCostRow]) -> dict:
    """One line per programme: the unit cost per citizen by month."""
    months = sorted({row.month for row in rows})
    programmes = sorted({row.programme for row in rows})
    value = {(row.programme, row.month): row.per_citizen for row in rows}
    return {
        "labels": [month_label(m) for m in months],
        "datasets": [
            {"label": name, "data": [float(value.get((name, m)) or 0) for m in months]} for name in programmes
        ],
        "unit": "kr.",
    }
