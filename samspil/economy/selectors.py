"""Reads of the economy.

- The pathway's economy page: the pathway has been resolved through the policy (`pathway_get`); its
  interventions, decisions and exemption uses are read with plain filters on it in a constant number of
  queries. What the actor may do comes from `pathway.access`; the view (`PathwayMixin`) logs the read.
- The management reports start from `visible_to(actor, AGGREGATE)`: controllers get the whole municipality,
  the aggregate roles the rows touching their departments. Only figures leave them: no names, no CPR numbers,
  no free text (exemption paragraphs are grouped on their normalised form), and every figure is a `Cell` that
  knows how many distinct pathways it covers, so that `protect` hides it by the suppression rule below — except
  the counts of exemption uses, which are not about persons and are exact (`exemption_report` says why).

Which split applies: each month is split by the decision in force in that month (`costs.split_by_decisions`):
the first decision covers the intervention from its start, each re-assessment from the month it was decided
in, so a re-assessment never rewrites the months before it. Without a decision the granting department pays
all of it.

The suppression rule (`protect`)
--------------------------------
1. Primary: a figure covering 1 to 4 distinct pathways (`organisations.suppression.SMALL_COUNT`) is hidden: an
   amount could be one citizen's cost, a count points at a few citizens. A count of citizens is hidden when
   the count itself is 1 to 4.
2. Secondary: when figures add up to a total that is shown and exactly one of them is hidden, the total minus
   the others would give it away, so the next smallest shown figure (by amount) is hidden too; when there is
   no other figure to hide, the total is hidden. Where a figure of the set is itself the sum of figures shown
   elsewhere on the page (the department report's "for other departments"), the total is hidden instead.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.access.access import pathway_access
from samspil.citizens.models import HouseholdMember
from samspil.economy import costs
from samspil.economy.choices import ProgrammeElement
from samspil.economy.models import (
    FinancingDecision,
    FinancingReview,
    FinancingReviewShare,
    FinancingShare,
    Intervention,
    LegalExemptionUse,
    OperatingCost,
    Service,
)
from samspil.economy.scopes import led_department_ids
from samspil.economy.validation import normalised_paragraph
from samspil.organisations.models import Department
from samspil.organisations.suppression import Cell, count_cell, protect
from samspil.pathways.models import Pathway, Programme

ZERO = Decimal("0.00")
SERIES_MONTHS = 12  # the management pages' cost-over-time charts: this month and the eleven before it


def _float(value):
    """A chart value: a hidden cell or a missing value is null (a gap), never 0."""
    if isinstance(value, Cell):
        return None if value.hidden else float(value.value)
    return None if value is None else float(value)


def chart(labels, values, *, label: str = "", unit: str = "kr.") -> dict:
    """Chart data for `includes/chart.html`: floats only here, at the edge; hidden cells are null."""
    return {
        "labels": [str(x) for x in labels],
        "datasets": [{"label": label, "data": [_float(v) for v in values]}],
        "unit": unit,
    }


def month_label(month: datetime.date) -> str:
    return month.strftime("%m.%Y")


def default_shares(intervention) -> list[tuple[int, Decimal]]:
    """Without a decision the granting department pays all of it."""
    return [(intervention.granting_department_id, costs.HUNDRED)]


def decision_timeline(decisions: list) -> list[tuple[datetime.date, list[tuple[int, Decimal]]]]:
    """(decided_on, [(department id, percent)]) of an intervention's decisions, in the order they were taken."""
    ordered = sorted(decisions, key=lambda d: (d.decided_on, d.pk))
    return [(d.decided_on, [(share.department_id, share.percent) for share in d.shares.all()]) for d in ordered]


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
    financing_version: int = 0
    findings: list = field(default_factory=list)  # the labels of the assessment findings it answers
    before_analysis_meeting: bool = False  # started before the analysis meeting the model asks for (a warning)


@dataclass(frozen=True)
class AnalysisMeetingRule:
    """*Én familie – én indgang* (seed 003 p. 4 and 10): on a family's pathway an analysis meeting is held before
    interventions start. `applies`: the pathway is such a pathway; `held_on`: the local day its first analysis
    meeting was held (None: none held yet).

    An intervention starting on the day of the meeting or later is after it (the meeting is on that day, the
    intervention starts from it); one starting before that day, or any while none has been held, is before. The
    rule warns; it never refuses a grant.
    """

    applies: bool
    held_on: datetime.date | None = None

    def before(self, starts_on: datetime.date) -> bool:
        return self.applies and (self.held_on is None or starts_on < self.held_on)


def analysis_meeting_rule(pathway: Pathway) -> AnalysisMeetingRule:
    """The rule for this pathway: no query for a pathway it does not apply to, one otherwise."""
    from samspil.meetings.selectors import first_analysis_meeting_held, requires_analysis_meeting

    if not requires_analysis_meeting(pathway):
        return AnalysisMeetingRule(applies=False)
    held = first_analysis_meeting_held(pathway)
    return AnalysisMeetingRule(applies=True, held_on=timezone.localdate(held) if held else None)


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
    analysis: AnalysisMeetingRule = field(default_factory=lambda: AnalysisMeetingRule(applies=False))
    reviews: list = field(default_factory=list)
    services: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    granting_departments: list = field(default_factory=list)
    finding_choices: list = field(default_factory=list)
    controllers: list = field(default_factory=list)
    user_id: int | None = None

    @property
    def meets_sector_criterion(self) -> bool:
        """The joint-financing model's first criterion: services from at least two sector areas on the pathway."""
        return len(self.sector_kinds) >= 2

    @property
    def before_analysis_meeting(self) -> list:
        """The rows of interventions that started before the analysis meeting (see `AnalysisMeetingRule`)."""
        return [row for row in self.rows if row.before_analysis_meeting]

    def may_withdraw(self, review) -> bool:
        """The one who asked, or the coordinator, while the review is open and the pathway is open."""
        return review.is_open and self.can_contribute and (review.requested_by_id == self.user_id or self.can_manage)


def _payers(departments: dict, amounts: dict[int, Decimal], percents: dict[int, Decimal] | None = None) -> list:
    """Payers by amount; `percents` the split in force (0 for a department only earlier decisions named), else
    each payer's share of the amounts (largest remainders, adding up to exactly 100 %)."""
    shares = costs.percentages(amounts) if percents is None else percents
    rows = []
    for department_id, amount in sorted(amounts.items(), key=lambda item: -item[1]):
        percent = shares.get(department_id, ZERO)
        rows.append(Payer(department=departments[department_id], percent=percent, amount=amount))
    return rows


def granting_departments(*, actor, pathway: Pathway) -> list[Department]:
    """Where the actor has the authority to grant on this pathway (*visitationskompetence*).

    A department where the actor currently works and holds a current team place on the pathway that the sharing
    basis covers (`access.covered_department_ids`); for the coordinator (`access.is_coordinator`: still working
    there) also the coordinating department. One query when the pathway carries the actor's access.
    """
    from samspil.organisations.models import Membership
    from samspil.pathways.models import TeamMember

    access = pathway_access(actor=actor, pathway=pathway)
    places = (
        TeamMember.objects.current()
        .filter(pathway_id=pathway.pk, user_id=actor.pk, department_id__in=access.covered_department_ids)
        .filter(department_id__in=Membership.objects.current().filter(user_id=actor.pk).values("department_id"))
        .values("department_id")
    )
    granting = Q(pk__in=places)
    if access.is_coordinator:
        granting |= Q(pk=pathway.lead_department_id)
    return list(Department.objects.filter(granting, municipality_id=pathway.municipality_id).order_by("name"))


def _decisions_prefetch() -> Prefetch:
    return Prefetch(
        "financing_decisions",
        queryset=FinancingDecision.objects.select_related("decided_by")
        .prefetch_related(Prefetch("shares", queryset=FinancingShare.objects.select_related("department")))
        .order_by("decided_on", "id"),
    )


@dataclass
class _Financing:
    """The interventions of one pathway with their costs and splits: what the economy page and the controller's
    review page show."""

    rows: list
    total: Decimal
    payers: list
    payer_chart: dict
    series: list
    series_chart: dict
    sector_kinds: list


def _financing(interventions: list, *, today: datetime.date, closed_on, analysis=None) -> _Financing:
    """Rows, payers and the monthly series of `interventions` (loaded with `_decisions_prefetch`), no queries."""
    departments = {i.granting_department_id: i.granting_department for i in interventions}
    for intervention in interventions:
        for decision in intervention.financing_decisions.all():
            departments.update({share.department_id: share.department for share in decision.shares.all()})
    rows, by_payer, by_month = [], {}, {}
    for intervention in interventions:
        history = list(intervention.financing_decisions.all())
        months = costs.intervention_months(intervention, costs.cost_until(today, closed_on))
        amount = costs.total(months)
        timeline = decision_timeline(history)
        parts = costs.payer_totals(costs.split_by_decisions(months, timeline, default_shares(intervention)))
        costs.add_into(by_payer, parts)
        costs.add_into(by_month, months)
        in_force = timeline[-1][1] if timeline else default_shares(intervention)
        for department_id in dict(in_force):
            parts.setdefault(department_id, ZERO)
        payers = _payers(departments, parts, dict(in_force))
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
                    [p.department.name for p in payers if p.percent],
                    [p.percent for p in payers if p.percent],
                    label=_("Share"),
                    unit="%",
                ),
                financing_version=intervention.version,
                before_analysis_meeting=bool(analysis and analysis.before(intervention.starts_on)),
            )
        )
    payers = _payers(departments, by_payer)
    series = sorted(by_month.items())
    return _Financing(
        rows=rows,
        total=sum((row.total for row in rows), ZERO),
        payers=payers,
        payer_chart=chart([p.department.name for p in payers], [p.amount for p in payers], label=_("Pays")),
        series=series,
        series_chart=chart([month_label(m) for m, _a in series], [a for _m, a in series], label=_("Cost")),
        sector_kinds=sorted({i.service_department.get_kind_display() for i in interventions}),
    )


def _review_queryset(queryset):
    """Reviews with what their display needs: the controller, who asked, the intervention and both splits."""
    return queryset.select_related(
        "controller", "requested_by", "withdrawn_by", "intervention__service"
    ).prefetch_related(Prefetch("shares", queryset=FinancingReviewShare.objects.select_related("department")))


def review_controllers(*, municipality_id: int, exclude_user_id: int | None = None) -> list:
    """The municipality's current controllers (active staff accounts), whom a review can be asked of: one query."""
    from django.contrib.auth import get_user_model

    from samspil.accounts.choices import AccountKind
    from samspil.organisations.choices import COST_ROLES
    from samspil.organisations.models import Membership

    controllers = (
        get_user_model()
        .objects.filter(
            municipality_id=municipality_id,
            is_active=True,
            kind=AccountKind.STAFF,
            pk__in=Membership.objects.current().filter(role__in=COST_ROLES).values("user_id"),
        )
        .exclude(pk=exclude_user_id)
        .order_by("first_name", "last_name", "pk")
    )
    return list(controllers)


def pathway_economy(*, actor, pathway: Pathway, until: datetime.date | None = None) -> PathwayEconomy:
    """Everything on the pathway's economy page, in a constant number of queries."""
    from samspil.assessments.models import Finding
    from samspil.assessments.selectors import finding_choices, finding_label

    today = until or timezone.localdate()
    interventions = list(
        Intervention.objects.filter(pathway=pathway)
        .select_related("service", "service_department", "granting_department")
        .prefetch_related(
            _decisions_prefetch(), Prefetch("findings", queryset=Finding.objects.select_related("assessment"))
        )
        .order_by("starts_on", "id")
    )
    analysis = analysis_meeting_rule(pathway)
    financing = _financing(interventions, today=today, closed_on=pathway.closed_on, analysis=analysis)
    for row in financing.rows:
        row.findings = [finding_label(finding) for finding in row.intervention.findings.all()]
    access = pathway_access(actor=actor, pathway=pathway)
    can_contribute = pathway.is_open and access.may_contribute
    can_manage = pathway.is_open and access.is_coordinator
    page = PathwayEconomy(
        pathway=pathway,
        today=today,
        rows=financing.rows,
        total=financing.total,
        payers=financing.payers,
        payer_chart=financing.payer_chart,
        series=financing.series,
        series_chart=financing.series_chart,
        sector_kinds=financing.sector_kinds,
        exemptions=list(
            LegalExemptionUse.objects.filter(pathway=pathway)
            .select_related("intervention__service", "registered_by")
            .order_by("used_on", "id")
        ),
        can_contribute=can_contribute,
        can_manage=can_manage,
        analysis=analysis,
        reviews=list(_review_queryset(FinancingReview.objects.filter(pathway=pathway)).order_by("-created_at", "-id")),
        user_id=actor.pk,
    )
    if can_contribute or can_manage:
        page.services = list(
            Service.objects.visible_to(actor, policy.VIEW).filter(active=True).select_related("department")
        )
        page.departments = list(Department.objects.visible_to(actor, policy.VIEW).order_by("name"))
        page.granting_departments = granting_departments(actor=actor, pathway=pathway)
        page.finding_choices = finding_choices(pathway)
        page.controllers = review_controllers(municipality_id=pathway.municipality_id, exclude_user_id=actor.pk)
    return page


# --- the controller's review of a pathway's financing -----------------------------------------------------


def controller_reviews(*, actor) -> list[FinancingReview]:
    """The reviews asked of the actor as controller, open ones first, newest first (`visible_to` AGGREGATE: the
    reviews naming the actor, while a controller). They name the pathway by its reference, its programme and its
    coordinating department only."""
    from django.db.models import Case, IntegerField, Value, When

    reviews = (
        _review_queryset(FinancingReview.objects.visible_to(actor, policy.AGGREGATE))
        .select_related("pathway__programme", "pathway__lead_department")
        .annotate(open_first=Case(When(status="open", then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("open_first", "-created_at", "-id")
    )
    return list(reviews)


@dataclass
class ReviewPage:
    """What the controller sees while a review is open: the pathway's financing, without its case content."""

    review: FinancingReview
    reference: str
    programme: Programme
    lead_department: Department
    today: datetime.date
    rows: list
    total: Decimal
    payers: list
    payer_chart: dict
    sector_kinds: list
    departments: list  # every department of the municipality, for the controller's own split
    subjects: list  # the citizens whose financing it is: for the access log only, never shown

    @property
    def meets_sector_criterion(self) -> bool:
        return len(self.sector_kinds) >= 2


def review_page(*, actor, public_id, until: datetime.date | None = None) -> ReviewPage:
    """The open review named by `public_id` of the actor as controller, with the pathway's interventions, costs and
    decisions read through the controller's AGGREGATE scope. 404 when it is not the actor's, or no longer open: the
    controller reads the live financing only while the review is open."""
    from samspil.pathways.selectors import subject_citizens

    review = (
        _review_queryset(FinancingReview.objects.visible_to(actor, policy.AGGREGATE))
        .select_related("pathway__programme", "pathway__lead_department")
        .filter(public_id=public_id, status="open")
        .first()
    )
    if review is None:
        raise Http404
    pathway = review.pathway
    today = until or timezone.localdate()
    interventions = list(
        Intervention.objects.visible_to(actor, policy.AGGREGATE)
        .filter(pathway_id=pathway.pk)
        .select_related("service", "service_department", "granting_department")
        .prefetch_related(_decisions_prefetch())
        .order_by("starts_on", "id")
    )
    financing = _financing(interventions, today=today, closed_on=pathway.closed_on)
    return ReviewPage(
        review=review,
        reference=review.reference,
        programme=pathway.programme,
        lead_department=pathway.lead_department,
        today=today,
        rows=financing.rows,
        total=financing.total,
        payers=financing.payers,
        payer_chart=financing.payer_chart,
        sector_kinds=financing.sector_kinds,
        departments=list(Department.objects.visible_to(actor, policy.VIEW).order_by("name")),
        subjects=subject_citizens(pathway),
    )


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
    """Every visible intervention's cost, month by month, each month split by the decision in force in it.

    Three queries; the department of the service is the one copied onto the intervention when it was granted.
    """
    interventions = list(
        Intervention.objects.visible_to(actor, policy.AGGREGATE).values(
            "pk",
            "unit",
            "unit_price",
            "quantity",
            "starts_on",
            "ends_on",
            "granting_department_id",
            "service_department_id",
            "pathway_id",
            "pathway__programme_id",
            "pathway__closed_on",
        )
    )
    decisions: dict[int, list] = defaultdict(list)
    for decision in FinancingDecision.objects.visible_to(actor, policy.AGGREGATE).values(
        "pk", "intervention_id", "decided_on"
    ):
        decisions[decision["intervention_id"]].append(decision)
    shares: dict[int, list] = defaultdict(list)
    for share in (
        FinancingShare.objects.visible_to(actor, policy.AGGREGATE)
        .filter(decision__intervention_id__in=list(decisions))
        .values("decision_id", "department_id", "percent")
    ):
        shares[share["decision_id"]].append((share["department_id"], share["percent"]))
    facts = []
    for row in interventions:
        timeline = [
            (d["decided_on"], shares[d["pk"]])
            for d in sorted(decisions.get(row["pk"], []), key=lambda d: (d["decided_on"], d["pk"]))
            if shares[d["pk"]]
        ]
        default = [(row["granting_department_id"], costs.HUNDRED)]
        months = costs.intervention_months(row, costs.cost_until(until, row["pathway__closed_on"]))
        for payer_id, by_month in costs.split_by_decisions(months, timeline, default).items():
            facts.extend(
                CostFact(
                    payer_id=payer_id,
                    month=month,
                    amount=amount,
                    pathway_id=row["pathway_id"],
                    programme_id=row["pathway__programme_id"],
                    service_department_id=row["service_department_id"],
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


class _Sum:
    """An amount being added up, with the distinct pathways it covers."""

    def __init__(self):
        self.amount = ZERO
        self.pathways: set[int] = set()

    def add(self, fact: CostFact) -> None:
        self.amount += fact.amount
        self.pathways.add(fact.pathway_id)

    def cell(self) -> Cell:
        return Cell(value=self.amount, pathways=len(self.pathways))


def _sums() -> dict:
    return defaultdict(_Sum)


@dataclass
class Overview:
    departments: list
    by_department: list
    by_programme: list
    series: list
    series_chart: dict
    department_chart: dict
    total: Cell
    sees_all: bool


def cost_overview(*, actor, until: datetime.date | None = None) -> Overview:
    """Costs to date by paying department and by programme, and the last twelve months, as protected figures.

    Each amount is a `Cell` with the distinct pathways behind it; `protect` hides the small ones, and one more
    (or the total) where a single hidden cell could be worked out from the total.
    """
    until = until or timezone.localdate()
    departments = report_departments(actor=actor)
    allowed = {d.pk: d for d in departments}
    facts = [fact for fact in cost_facts(actor=actor, until=until) if fact.payer_id in allowed]
    by_department, by_programme, by_month, whole = _sums(), _sums(), _sums(), _Sum()
    for fact in facts:
        by_department[fact.payer_id].add(fact)
        by_programme[fact.programme_id].add(fact)
        by_month[fact.month].add(fact)
        whole.add(fact)
    programmes = dict(Programme.objects.visible_to(actor, policy.VIEW).values_list("pk", "name"))
    department_rows = [(d, by_department[d.pk].cell()) for d in departments if d.pk in by_department]
    programme_rows = sorted(
        ((programmes.get(pk, ""), total.cell()) for pk, total in by_programme.items()), key=lambda r: r[0]
    )
    series = [(month, by_month[month].cell() if month in by_month else Cell(ZERO, 0)) for month in _last_months(until)]
    total = whole.cell()
    protect([cell for _d, cell in department_rows], total)
    protect([cell for _p, cell in programme_rows], total)
    protect([cell for _m, cell in series])
    return Overview(
        departments=departments,
        by_department=department_rows,
        by_programme=programme_rows,
        series=series,
        series_chart=chart([month_label(m) for m, _a in series], [a for _m, a in series], label=_("Cost")),
        department_chart=chart(
            [d.name for d, _a in department_rows], [a for _d, a in department_rows], label=_("Pays")
        ),
        total=total,
        sees_all=policy.can_see_costs(actor),
    )


@dataclass
class DepartmentReport:
    department: Department
    total: Cell
    own: Cell
    for_others: Cell
    for_others_rows: list
    for_whom: list
    pathways: Cell
    citizens: Cell
    series: list
    series_chart: dict


def _citizen_counts(pathway_ids: set[int]) -> dict[int, int]:
    """How many citizens each pathway is about: one, or every member of the family."""
    rows = Pathway.objects.filter(pk__in=pathway_ids).values("pk", "citizen_id", "household_id")
    households = {row["household_id"] for row in rows if row["household_id"]}
    members = dict(
        HouseholdMember.objects.filter(household_id__in=households)  # every member the family had (history), once
        .values_list("household_id")
        .annotate(n=Count("citizen_id", distinct=True))
    )
    return {row["pk"]: 1 if row["citizen_id"] else members.get(row["household_id"], 0) for row in rows}


def department_report(*, actor, department_public_id, until: datetime.date | None = None) -> DepartmentReport:
    """What one department pays, for how many (by programme), and what it pays for other departments.

    Every amount and count is protected by the suppression rule of the module's docstring: the rows for other
    departments against their sum ("for other departments"); its own, for others and the total against each
    other (the total is hidden, as "for other departments" is the sum of rows shown); the pathways and citizens
    by programme against their totals; each month of the series on its own.
    """
    until = until or timezone.localdate()
    department = next(
        (d for d in report_departments(actor=actor) if str(d.public_id) == str(department_public_id)), None
    )
    if department is None:
        raise Http404
    facts = [fact for fact in cost_facts(actor=actor, until=until) if fact.payer_id == department.pk and fact.amount]
    names = dict(Department.objects.visible_to(actor, policy.VIEW).values_list("pk", "name"))
    programmes = dict(Programme.objects.visible_to(actor, policy.VIEW).values_list("pk", "name"))
    others, by_month = _sums(), _sums()
    own, for_others, whole = _Sum(), _Sum(), _Sum()
    pathways_by_programme: dict[int, set] = defaultdict(set)
    for fact in facts:
        by_month[fact.month].add(fact)
        whole.add(fact)
        pathways_by_programme[fact.programme_id].add(fact.pathway_id)
        if fact.service_department_id != department.pk:
            others[fact.service_department_id].add(fact)
            for_others.add(fact)
        elif fact.granting_department_id != department.pk:
            others[fact.granting_department_id].add(fact)
            for_others.add(fact)
        else:
            own.add(fact)
    all_pathways = set().union(*pathways_by_programme.values()) if pathways_by_programme else set()
    citizens = _citizen_counts(all_pathways)
    for_whom = sorted(
        (
            {
                "programme": programmes.get(programme_id, ""),
                "pathways": Cell(value=len(ids), pathways=len(ids)),
                "citizens": count_cell(sum(citizens.get(pk, 0) for pk in ids)),
            }
            for programme_id, ids in pathways_by_programme.items()
        ),
        key=lambda row: row["programme"],
    )
    pathways_total = Cell(value=len(all_pathways), pathways=len(all_pathways))
    citizens_total = Cell(value=sum(citizens.values()), pathways=sum(citizens.values()))
    protect([row["pathways"] for row in for_whom], pathways_total)
    protect([row["citizens"] for row in for_whom], citizens_total)
    others_rows = sorted(((names.get(pk, ""), total.cell()) for pk, total in others.items()), key=lambda r: r[0])
    own_cell, for_others_cell, total = own.cell(), for_others.cell(), whole.cell()
    protect([cell for _name, cell in others_rows], for_others_cell)
    protect([own_cell, for_others_cell], total, prefer_total=True)
    series = [(month, by_month[month].cell() if month in by_month else Cell(ZERO, 0)) for month in _last_months(until)]
    protect([cell for _m, cell in series])
    return DepartmentReport(
        department=department,
        total=total,
        own=own_cell,
        for_others=for_others_cell,
        for_others_rows=others_rows,
        for_whom=for_whom,
        pathways=pathways_total,
        citizens=citizens_total,
        series=series,
        series_chart=chart([month_label(m) for m, _a in series], [a for _m, a in series], label=_("Pays")),
    )


@dataclass
class ExemptionReport:
    by_paragraph: list
    by_programme: list
    total: int


def _exemption_rows(uses: list[dict], key) -> list[dict]:
    grouped: dict[tuple, list] = defaultdict(list)
    for use in uses:
        grouped[key(use)].append(use)
    rows = []
    for group, items in sorted(grouped.items(), key=lambda item: _natural(item[0])):
        rows.append(
            {
                "key": group,
                "uses": len(items),
                "pathways": count_cell(len({item["pathway_id"] for item in items})),
            }
        )
    return rows


def _natural(key: tuple) -> tuple:
    """Numbers in a key sort as numbers (`kap. 9` before `kap. 10`, `§ 5` before `§ 12`)."""
    return tuple(tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(part))) for part in key)


def exemption_report(*, actor) -> ExemptionReport:
    """How many uses of which law and paragraph (or chapter), and by programme.

    The paragraph is grouped on its normalised form (`validation.normalised_paragraph`); anything else typed
    into the field before the strict format is counted as "another paragraph" and never shown.

    The number of **uses** is exact, never suppressed (issue 10, seed 001's measure 10: "exactly which parts of the
    law"): a use is a decision about a law, not a fact about a person, the report names no pathway, citizen or
    caseworker, and a hidden count would hide precisely the rare exemptions the network wants to hear about. The
    number of **pathways** behind a row is a count of citizens and stays under the small-number rule (1–4 hidden);
    that a row's uses bound its pathways from above (three uses: at most three pathways) is accepted, since no
    one can be recognised from it.
    """
    uses = list(
        LegalExemptionUse.objects.visible_to(actor, policy.AGGREGATE).values(
            "law", "paragraph", "pathway_id", "pathway__programme__name"
        )
    )
    other = _("another paragraph")
    by_paragraph = [
        {**row, "law": row["key"][0], "paragraph": row["key"][1] or other}
        for row in _exemption_rows(uses, lambda u: (u["law"], normalised_paragraph(u["paragraph"]) or ""))
    ]
    by_programme = [
        {**row, "pathway__programme__name": row["key"][0], "law": row["key"][1]}
        for row in _exemption_rows(uses, lambda u: (u["pathway__programme__name"] or "", u["law"]))
    ]
    return ExemptionReport(by_paragraph=by_paragraph, by_programme=by_programme, total=len(uses))


@dataclass
class UnitCostRow:
    programme: str
    month: datetime.date
    amount: Decimal
    citizens: Cell
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
    """Operating cost per programme and month, by element, and the unit cost per citizen that month.

    Controllers see every programme with exact counts. The aggregate roles see the programmes coordinated from
    their departments (the scope of `OperatingCost`); for them a count of 1 to 4 citizens is hidden, and so is
    the unit cost of that month (the cost divided by the unit cost would give the count back).
    """
    sees_all = policy.can_see_costs(actor)
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
        count = Cell(value=n, pathways=n)
        count.hidden = count.small and not sees_all
        rows.append(
            UnitCostRow(
                programme=items[0].programme.name,
                month=month,
                amount=amount,
                citizens=count,
                per_citizen=costs.to_ore(amount / n) if n and not count.hidden else None,
                elements={ProgrammeElement(c.element).label: c.amount for c in items},
            )
        )
    return sorted(rows, key=lambda r: (r.programme, r.month))


def unit_cost_chart(rows: list[UnitCostRow]) -> dict:
    """One line per programme: the unit cost per citizen by month; a gap (null) where there is none to show."""
    months = sorted({row.month for row in rows})
    programmes = sorted({row.programme for row in rows})
    value = {(row.programme, row.month): row.per_citizen for row in rows}
    return {
        "labels": [month_label(m) for m in months],
        "datasets": [{"label": name, "data": [_float(value.get((name, m))) for m in months]} for name in programmes],
        "unit": "kr.",
    }
