"""The coordination group's figures (seed 003 p. 6, *Én familie – én indgang*): the department heads meet once a month
about the families in the model. Aggregates only, for the readers of the programme pages (aggregate roles and
project leaders), counted across the programme without the pathway scope and with the small-number rule
(`organisations.suppression`): no family, citizen or case content leaves this module.

- **Families in the model**: the programme's pathways that are not closed.
- **Joint financing**: the financing decisions on them, and the cost to date of every intervention with a decision,
  split between the departments month by month by the decision in force (`economy.costs.split_by_decisions`, the
  rule of the pathway's economy page), so each department's share is weighted by amount.
- **Caseload per family coordinator**: open pathways per coordinator; the rows add up to the families in the model,
  so they are protected against it (secondary suppression).
- **Analysis meeting before the first intervention** (family pathways that require one,
  `meetings.selectors.requires_analysis_meeting`, with at least one intervention): held on or before the day the
  first intervention started, or not (none held, or held later).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min
from django.utils import timezone

from samspil.organisations.suppression import Cell, count_cell, protect


@dataclass
class ShareRow:
    department: str
    amount: Cell
    percent: Decimal | None


@dataclass
class CoordinatorRow:
    name: str
    pathways: Cell


@dataclass
class CoordinationFigures:
    families: Cell
    decisions: Cell
    shares: list[ShareRow]
    shares_total: Cell
    coordinators: list[CoordinatorRow]
    analysis_applies: bool
    analysis_before: Cell
    analysis_not_before: Cell
    group_decisions: list


def coordination_figures(*, programme, group, today: datetime.date | None = None) -> CoordinationFigures:
    from samspil.economy import costs
    from samspil.economy.models import FinancingDecision, Intervention
    from samspil.economy.selectors import decision_timeline, default_shares
    from samspil.meetings.selectors import first_analysis_meeting_held_annotation
    from samspil.organisations.models import Department
    from samspil.pathways.choices import CollaborationModel, PathwayStatus
    from samspil.pathways.models import Pathway

    today = today or timezone.localdate()
    pathways = Pathway.objects.filter(municipality_id=programme.municipality_id, programme=programme)
    open_pathways = pathways.exclude(status=PathwayStatus.CLOSED)

    families = count_cell(open_pathways.count())

    decisions = FinancingDecision.objects.filter(pathway__in=pathways)
    counted = decisions.aggregate(n=Count("id"), p=Count("pathway_id", distinct=True))
    decision_cell = Cell(value=counted["n"], pathways=counted["p"])
    decision_cell.hidden = decision_cell.small

    interventions = list(
        Intervention.objects.filter(pathway__in=pathways, financing_decisions__isnull=False)
        .distinct()
        .select_related("pathway")
        .prefetch_related("financing_decisions__shares")
    )
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    payers: dict[int, set[int]] = defaultdict(set)
    for intervention in interventions:
        until = costs.cost_until(today, intervention.pathway.closed_on)
        months = costs.intervention_months(intervention, until)
        timeline = decision_timeline(list(intervention.financing_decisions.all()))
        by_payer = costs.split_by_decisions(months, timeline, default_shares(intervention))
        for department_id, amount in costs.payer_totals(by_payer).items():
            amounts[department_id] += amount
            payers[department_id].add(intervention.pathway_id)
    names = dict(Department.objects.filter(pk__in=list(amounts)).values_list("pk", "name"))
    all_pathways = {p for ids in payers.values() for p in ids}
    grand = sum(amounts.values(), Decimal("0.00"))
    shares = [
        ShareRow(
            department=names.get(department_id, "–"),
            amount=Cell(value=amount, pathways=len(payers[department_id])),
            percent=(amount * 100 / grand).quantize(Decimal("0.1")) if grand else None,
        )
        for department_id, amount in sorted(amounts.items(), key=lambda kv: (-kv[1], names.get(kv[0], "")))
    ]
    total = Cell(value=grand, pathways=len(all_pathways))
    protect([row.amount for row in shares], total)
    for row in shares:
        if row.amount.hidden:
            row.percent = None

    coordinators = [
        CoordinatorRow(name=f"{first} {last}".strip(), pathways=count_cell(n))
        for first, last, n in open_pathways.values_list("coordinator__first_name", "coordinator__last_name")
        .annotate(n=Count("id"))
        .order_by("coordinator__first_name", "coordinator__last_name")
    ]
    # The rows add up to the families in the model: a single hidden row could be worked out from the total.
    protect([row.pathways for row in coordinators], families)

    applies = programme.model == CollaborationModel.ONE_FAMILY
    before = not_before = 0
    if applies:
        rows = (
            pathways.filter(household__isnull=False)
            .annotate(first_start=Min("interventions__starts_on"), analysis=first_analysis_meeting_held_annotation())
            .filter(first_start__isnull=False)
            .values_list("first_start", "analysis")
        )
        for first_start, analysis in rows:
            if analysis is not None and timezone.localtime(analysis).date() <= first_start:
                before += 1
            else:
                not_before += 1
    before_cell, not_before_cell = count_cell(before), count_cell(not_before)
    protect([before_cell, not_before_cell], count_cell(before + not_before))

    return CoordinationFigures(
        families=families,
        decisions=decision_cell,
        shares=shares,
        shares_total=total,
        coordinators=coordinators,
        analysis_applies=applies,
        analysis_before=before_cell,
        analysis_not_before=not_before_cell,
        group_decisions=list(group_decisions(group)),
    )


def group_decisions(group):
    from samspil.implementation.models import GroupDecision

    return (
        GroupDecision.objects.filter(meeting__group=group)
        .select_related("meeting")
        .order_by("-meeting__held_on", "-id")[:30]
    )
