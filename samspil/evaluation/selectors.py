"""Reads of measurement rounds: the programme's rounds, one round's figures beside the baseline's, and a pathway's
part in the rounds.

The programme pages show figures only, read for `policy.AGGREGATE` (aggregate roles and project leaders), never a
row with whom it is about; every figure about persons goes through `organisations.suppression` (a figure behind 1–4
pathways, citizens or respondents is hidden), except measure 10 (exemption uses count uses of a law, not persons:
exact). The questionnaires' means and distributions are computed here; the other computed measures come from
`evaluation.figures`. A pathway's part (its citizens' WHO-5 answers, the team's assessments, interviews) is case
content, read only after the pathway has been resolved in the user's scope (`PathwayMixin` logs the read).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404

from samspil.access import policy
from samspil.evaluation import figures
from samspil.evaluation import questionnaires as q
from samspil.evaluation.choices import RoundStatus
from samspil.evaluation.models import (
    COORDINATION_FIELDS,
    PATHWAY_QUALITY_FIELDS,
    WHO5_FIELDS,
    CitizenInterview,
    CoordinationResponse,
    LeaderAssessment,
    MeasurementRound,
    PathwayQualityResponse,
    RoundPathway,
    Who5Response,
)
from samspil.organisations.suppression import SMALL_COUNT, Cell, count_cell, protect
from samspil.pathways.models import Programme
from samspil.pathways.selectors import subject_citizens

TENTH = Decimal("0.1")
# WHO-5 bands (score 0–100): ≤ 28 suggests depression, ≤ 50 poor well-being (the WHO-5 guidance), then two bands.
WHO5_BANDS = ((0, 28, "0–28"), (29, 50, "29–50"), (51, 75, "51–75"), (76, 100, "76–100"))


def mean(values) -> Decimal | None:
    """The mean to one decimal (half up), None without values."""
    values = list(values)
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(TENTH, rounding=ROUND_HALF_UP)


def mean_cell(values, persons: int) -> Cell:
    """A mean over `persons` people (citizens or respondents): hidden when they are 1 to 4."""
    value = mean(values)
    cell = Cell(value=value if value is not None else Decimal("0"), pathways=persons)
    cell.hidden = cell.small
    cell.empty = value is None
    return cell


def exact_cell(value) -> Cell:
    """A figure shown as it is (measure 10: uses of a law, not persons)."""
    return Cell(value=value, pathways=0)


# --- pages: the programme and its rounds -------------------------------------------------------------------------


def programme_get(*, user, code: str) -> Programme:
    """The programme of the user's municipality with this code (configuration, readable by all staff), or 404."""
    programme = Programme.objects.visible_to(user, policy.VIEW).filter(code=code).first()
    if programme is None:
        raise Http404
    return programme


def rounds_for_programme(*, user, programme: Programme) -> list[MeasurementRound]:
    """The programme's rounds, the baseline first, each with the size of its cohort."""
    from django.db.models import Count

    rounds = (
        MeasurementRound.objects.visible_to(user, policy.VIEW)
        .filter(programme=programme)
        .annotate(cohort_size=Count("cohort"))
        .order_by("number")
    )
    return list(rounds)


def round_get(*, user, programme: Programme, number: int, action: str = policy.VIEW) -> MeasurementRound:
    found = (
        MeasurementRound.objects.visible_to(user, action)
        .select_related("programme")
        .filter(programme=programme, number=number)
        .first()
    )
    if found is None:
        raise Http404
    return found


def open_round(*, programme_id: int, municipality_id: int) -> MeasurementRound | None:
    """The programme's open round (at most one is open at a time), or None. No citizen data."""
    return (
        MeasurementRound.objects.filter(
            municipality_id=municipality_id, programme_id=programme_id, status=RoundStatus.OPEN
        )
        .order_by("-number")
        .first()
    )


# --- one round's figures -----------------------------------------------------------------------------------------


@dataclass
class Row:
    """One figure of a measure: its label, the baseline's and this round's value (Cells), and how to show it."""

    label: str
    baseline: Cell | None
    current: Cell | None
    unit: str = ""  # "", "kr." or "%"
    scale: Decimal | int | None = None  # the chart's full length; None: no bar

    @property
    def change(self):
        if self.baseline is None or self.current is None:
            return None
        if self.baseline.hidden or self.current.hidden:
            return None
        if getattr(self.baseline, "empty", False) or getattr(self.current, "empty", False):
            return None
        return self.current.value - self.baseline.value

    @property
    def bars(self) -> list[dict]:
        """The chart's bars (baseline, this round): widths in per cent of `scale`; a hidden figure has no bar."""
        if not self.scale:
            return []
        out = []
        for key, cell in (("baseline", self.baseline), ("current", self.current)):
            if cell is None:
                continue
            shown = not cell.hidden and not getattr(cell, "empty", False)
            width = Decimal(cell.value) * 100 / Decimal(self.scale) if shown and self.scale else Decimal(0)
            width = max(min(width, Decimal(100)), Decimal(0))
            # The figure is written after the bar, or inside its end when the bar is long (white on the bar).
            out.append({"key": key, "cell": cell, "shown": shown, "width": width, "inside": width > 70})
        return out


@dataclass
class MeasureBlock:
    number: int
    title: str
    rows: list[Row]
    note: str = ""
    chart: bool = True
    exact: bool = False
    response: Row | None = None  # the response rate or count of the measure


@dataclass
class RoundReport:
    round: MeasurementRound
    baseline: MeasurementRound | None
    cohort_pathways: int
    cohort_citizens: int
    measures: list[MeasureBlock] = field(default_factory=list)

    @property
    def compared(self) -> bool:
        return self.baseline is not None and self.baseline.pk != self.round.pk


@dataclass
class RoundFigures:
    """Everything measured in one round, before it is put beside the baseline."""

    cohort_pathways: int
    cohort_citizens: int
    who5_scores: list[int]
    who5_pathways: int
    who5_answered: int
    outcomes: figures.ObjectiveOutcomes
    interviews: int
    interviews_anonymous: int
    quality_means: list[Decimal]
    quality_items: list[list[int]]
    quality_pathways: int
    cost: figures.CostFigures
    coordination_means: list[Decimal]
    coordination_items: list[list[int]]
    efforts: figures.EffortCounts
    steering: list[int]
    budgets: list[int]
    exemptions: list[figures.ExemptionCount]


def _round_figures(user, round: MeasurementRound) -> RoundFigures:
    """Read every figure of the round for AGGREGATE: counts, scores and means only."""
    cohort_ids = list(
        RoundPathway.objects.visible_to(user, policy.AGGREGATE).filter(round=round).values_list("pathway_id", flat=True)
    )
    subjects = figures.cohort_citizens(cohort_ids)
    citizens = {c for members in subjects.values() for c in members}
    who5 = list(
        Who5Response.objects.visible_to(user, policy.AGGREGATE).filter(round=round).values("pathway_id", *WHO5_FIELDS)
    )
    quality = list(
        PathwayQualityResponse.objects.visible_to(user, policy.AGGREGATE)
        .filter(round=round)
        .values("pathway_id", *PATHWAY_QUALITY_FIELDS)
    )
    coordination = list(
        CoordinationResponse.objects.visible_to(user, policy.AGGREGATE).filter(round=round).values(*COORDINATION_FIELDS)
    )
    leaders = list(
        LeaderAssessment.objects.visible_to(user, policy.AGGREGATE).filter(round=round).values("steering", "budgets")
    )
    interviews = list(
        CitizenInterview.objects.visible_to(user, policy.AGGREGATE)
        .filter(round=round)
        .values_list("pathway_id", flat=True)
    )
    return RoundFigures(
        cohort_pathways=len(cohort_ids),
        cohort_citizens=len(citizens),
        who5_scores=[figures.who5_score([row[f] for f in WHO5_FIELDS]) for row in who5],
        who5_pathways=len({row["pathway_id"] for row in who5}),
        who5_answered=len(who5),
        outcomes=figures.objective_outcomes(pathway_ids=cohort_ids, on=round.measured_on),
        interviews=len(interviews),
        interviews_anonymous=sum(1 for pathway_id in interviews if pathway_id is None),
        quality_means=[mean(row[f] for f in PATHWAY_QUALITY_FIELDS) for row in quality],
        quality_items=[[row[f] for row in quality] for f in PATHWAY_QUALITY_FIELDS],
        quality_pathways=len({row["pathway_id"] for row in quality}),
        cost=figures.target_group_cost(pathway_ids=cohort_ids, start=round.period_start, end=round.period_end),
        coordination_means=[mean(row[f] for f in COORDINATION_FIELDS) for row in coordination],
        coordination_items=[[row[f] for row in coordination] for f in COORDINATION_FIELDS],
        efforts=figures.efforts(pathway_ids=cohort_ids, start=round.period_start, end=round.period_end),
        steering=[row["steering"] for row in leaders],
        budgets=[row["budgets"] for row in leaders],
        exemptions=figures.exemption_counts(
            municipality=round.municipality_id, start=round.period_start, end=round.period_end
        ),
    )


def who5_bands(scores: list[int]) -> list[Cell]:
    """The distribution of WHO-5 scores over `WHO5_BANDS`, each band a count of citizens, suppressed together."""
    cells = [count_cell(sum(1 for s in scores if low <= s <= high)) for low, high, _label in WHO5_BANDS]
    protect(cells, count_cell(len(scores)))
    return cells


def _share_cell(part: int, whole: int, *, complement: bool = True) -> Cell:
    """A share in per cent (one decimal) of `whole` persons: hidden when the part or the whole is 1 to 4, and (with
    `complement`) when the rest is: 83.3 % in work of six gives away the one who is not. Response rates pass
    `complement=False`: that one citizen did not answer says nothing about them."""
    if not whole:
        cell = Cell(value=Decimal("0"), pathways=0)
        cell.empty = True
        return cell
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)
    cell = Cell(value=value, pathways=part)
    cell.hidden = cell.small or 0 < whole <= 4 or (complement and 0 < whole - part <= SMALL_COUNT)
    return cell


def _work_or_education(outcomes: figures.ObjectiveOutcomes) -> tuple[Cell, Cell, Cell]:
    """In education, employed (counts) and the share in either, suppressed together. The two counts and the rest
    ("neither", not shown) add up to those with a status, which the cohort's size often gives away, so they are
    protected as one row; and the share gives away the sum of the two counts, so it is hidden when exactly one of
    them is hidden (the sum minus the shown one) or the rest is."""
    in_education = count_cell(outcomes.in_education)
    employed = count_cell(outcomes.employed)
    neither = count_cell(outcomes.with_status - outcomes.in_work_or_education)
    protect([in_education, employed, neither], count_cell(outcomes.with_status))
    share = _share_cell(outcomes.in_work_or_education, outcomes.with_status)
    if neither.hidden or in_education.hidden != employed.hidden:
        share.hidden = True
    return in_education, employed, share


def _amount_cell(amount: Decimal, pathways: int) -> Cell:
    cell = Cell(value=amount, pathways=pathways)
    cell.hidden = cell.small
    return cell


def _pair(function, current: RoundFigures, baseline: RoundFigures | None):
    return function(baseline) if baseline is not None else None, function(current)


def round_report(*, user, round: MeasurementRound) -> RoundReport:
    """The round's figures for the ten measures beside the baseline's (for a follow-up), suppressed."""
    from django.utils.translation import gettext as _

    baseline = (
        MeasurementRound.objects.visible_to(user, policy.AGGREGATE)
        .filter(programme_id=round.programme_id, number=0)
        .first()
    )
    current = _round_figures(user, round)
    base = _round_figures(user, baseline) if baseline is not None and baseline.pk != round.pk else None

    def row(label, function, unit="", scale=None):
        before, now = _pair(function, current, base)
        return Row(label=label, baseline=before, current=now, unit=unit, scale=scale)

    measures = []
    # 1. WHO-5
    who5_rows = [row(_("Mean WHO-5 score (0–100)"), lambda f: mean_cell(f.who5_scores, f.who5_answered), scale=100)]
    bands_now = who5_bands(current.who5_scores)
    bands_before = who5_bands(base.who5_scores) if base else None
    top = max([c.value for c in bands_now + (bands_before or []) if not c.hidden] + [1])
    for index, (_low, _high, label) in enumerate(WHO5_BANDS):
        who5_rows.append(
            Row(
                label=_("Citizens scoring %(band)s") % {"band": label},
                baseline=bands_before[index] if bands_before else None,
                current=bands_now[index],
                scale=top,
            )
        )
    measures.append(
        MeasureBlock(
            1,
            _("Quality of life (WHO-5)"),
            who5_rows,
            note=_(
                "WHO-5: the raw score (five answers of 0–5) times 4. A score of 50 or less suggests poor well-being."
            ),
            response=row(
                _("Citizens of the cohort who answered"),
                lambda f: _share_cell(f.who5_answered, f.cohort_citizens, complement=False),
                unit="%",
            ),
        )
    )
    # 2. objective outcomes
    measures.append(
        MeasureBlock(
            2,
            _("Objective outcomes"),
            [
                row(
                    _("In work or education"),
                    lambda f: _work_or_education(f.outcomes)[2],
                    unit="%",
                    scale=100,
                ),
                row(_("In education"), lambda f: _work_or_education(f.outcomes)[0]),
                row(_("Employed"), lambda f: _work_or_education(f.outcomes)[1]),
                row(
                    _("Benefits paid in the twelve months up to the round's date"),
                    lambda f: _amount_cell(f.outcomes.benefit_amount, f.outcomes.citizens),
                    unit="kr.",
                ),
                row(
                    _("Out of substance abuse (of those with a problem at the start)"),
                    lambda f: _share_cell(f.outcomes.out_of_substance_abuse, f.outcomes.substance_problem_at_start),
                    unit="%",
                    scale=100,
                ),
                row(
                    _("Days of a successful pathway (mean)"),
                    lambda f: _mean_value_cell(f.outcomes.successful_mean_days, f.outcomes.successful_closed),
                ),
                row(
                    _("Self-initiated contacts (messages from the citizen side, twelve months)"),
                    lambda f: _amount_cell(f.outcomes.self_initiated_contacts, f.outcomes.pathways),
                ),
                row(
                    _("Caseworkers per pathway (mean)"),
                    lambda f: _mean_value_cell(f.outcomes.caseworkers_mean, f.outcomes.pathways),
                ),
            ],
            chart=True,
        )
    )
    # 3. interviews
    measures.append(
        MeasureBlock(
            3,
            _("Citizen interviews"),
            [
                row(_("Interviews"), lambda f: count_cell(f.interviews)),
                row(_("… of them anonymous"), lambda f: count_cell(f.interviews_anonymous)),
            ],
            chart=False,
            note=_("The notes are read on each pathway by its team; anonymous interviews by the project leaders."),
        )
    )
    # 4. the quality of the pathways
    quality_rows = [
        row(
            _("Mean assessment (1–5)"),
            lambda f: _mean_of_means(f.quality_means, f.quality_pathways),
            scale=5,
        )
    ]
    for index, text in enumerate(q.PATHWAY_QUALITY_ITEMS):
        quality_rows.append(
            row(str(text), lambda f, i=index: mean_cell(f.quality_items[i], f.quality_pathways), scale=5)
        )
    measures.append(
        MeasureBlock(
            4,
            _("The staff's assessment of the quality of the pathways"),
            quality_rows,
            response=row(
                _("Pathways of the cohort assessed"),
                lambda f: _share_cell(f.quality_pathways, f.cohort_pathways, complement=False),
                "%",
            ),
        )
    )
    # 5. cost
    measures.append(
        MeasureBlock(
            5,
            _("The cost of the target group in the round's period"),
            [
                row(_("Total"), lambda f: _amount_cell(f.cost.total, f.cost.pathways), unit="kr."),
                row(_("Interventions (economy)"), lambda f: _amount_cell(f.cost.economy, f.cost.pathways), unit="kr."),
                row(
                    _("Imported consumption"),
                    lambda f: _amount_cell(f.cost.consumption, f.cost.pathways),
                    unit="kr.",
                ),
            ],
            chart=False,
        )
    )
    # 6. coordination
    coordination_rows = [
        row(
            _("Mean assessment (1–5)"),
            lambda f: _mean_of_means(f.coordination_means, len(f.coordination_means)),
            scale=5,
        )
    ]
    for index, text in enumerate(q.COORDINATION_ITEMS):
        coordination_rows.append(
            row(str(text), lambda f, i=index: mean_cell(f.coordination_items[i], len(f.coordination_means)), scale=5)
        )
    measures.append(
        MeasureBlock(
            6,
            _("The degree of coordination"),
            coordination_rows,
            response=row(_("Staff who answered"), lambda f: count_cell(len(f.coordination_means))),
        )
    )
    # 7. efforts
    effort_top = max([current.efforts.interventions] + ([base.efforts.interventions] if base else []) + [1])
    measures.append(
        MeasureBlock(
            7,
            _("Mono- and cross-disciplinary efforts"),
            [
                row(
                    _("Mono-disciplinary"),
                    lambda f: _amount_cell(f.efforts.mono_disciplinary, f.efforts.pathways),
                    scale=effort_top,
                ),
                row(
                    _("Cross-disciplinary"),
                    lambda f: _amount_cell(f.efforts.cross_disciplinary, f.efforts.pathways),
                    scale=effort_top,
                ),
            ],
        )
    )
    # 8–9. the leader group
    measures.append(
        MeasureBlock(
            8,
            _("The leader group's assessment"),
            [
                row(_("Steering across departments (1–5)"), lambda f: mean_cell(f.steering, len(f.steering)), scale=5),
                row(_("Budgets across departments (1–5)"), lambda f: mean_cell(f.budgets, len(f.budgets)), scale=5),
            ],
            response=row(_("Leaders who answered"), lambda f: count_cell(len(f.steering))),
        )
    )
    # 10. exemptions: exact
    labels = sorted(
        {(e.law, e.paragraph) for e in current.exemptions}
        | {(e.law, e.paragraph) for e in (base.exemptions if base else [])}
    )
    now_by = {(e.law, e.paragraph): e.uses for e in current.exemptions}
    before_by = {(e.law, e.paragraph): e.uses for e in base.exemptions} if base else None
    exemption_top = max(list(now_by.values()) + list((before_by or {}).values()) + [1])
    measures.append(
        MeasureBlock(
            10,
            _("New solutions using a legal exemption, by law and paragraph"),
            [
                Row(
                    label=_law_label(law, paragraph),
                    baseline=exact_cell(before_by.get((law, paragraph), 0)) if before_by is not None else None,
                    current=exact_cell(now_by.get((law, paragraph), 0)),
                    scale=exemption_top,
                )
                for law, paragraph in labels
            ],
            exact=True,
            note=_(
                "Exact counts of uses in the municipality in the round's period: they count uses of a law, not persons."
            ),
        )
    )
    return RoundReport(
        round=round,
        baseline=baseline,
        cohort_pathways=current.cohort_pathways,
        cohort_citizens=current.cohort_citizens,
        measures=measures,
    )


def _law_label(law: str, paragraph: str) -> str:
    from samspil.economy.choices import Law

    name = Law(law).label if law in Law.values else law
    return f"{name} {paragraph}".strip()


def _mean_value_cell(value: Decimal | None, persons: int) -> Cell:
    cell = Cell(value=value if value is not None else Decimal("0"), pathways=persons)
    cell.hidden = cell.small
    cell.empty = value is None
    return cell


def _mean_of_means(means: list[Decimal], persons: int) -> Cell:
    return mean_cell(means, persons) if means else _mean_value_cell(None, 0)


# --- a pathway's part in the rounds (case content, after the pathway scope) ----------------------------------------


@dataclass
class PathwayRound:
    round: MeasurementRound
    who5: list[tuple]  # (citizen, Who5Response or None)
    own_quality: PathwayQualityResponse | None
    interviews: list[CitizenInterview]


def pathway_rounds(*, user, pathway) -> list[PathwayRound]:
    """The rounds whose cohort holds the pathway, newest first, with its citizens' WHO-5 answers, the user's own
    assessment of its quality and the interviews about it. The pathway is already resolved in the user's scope."""
    rounds = list(
        MeasurementRound.objects.filter(municipality_id=pathway.municipality_id, cohort__pathway_id=pathway.pk)
        .select_related("programme")
        .order_by("-number")
    )
    citizens = subject_citizens(pathway)
    answers = {
        (r.round_id, r.citizen_id): r
        for r in Who5Response.objects.filter(pathway=pathway, round__in=rounds).select_related("answered_by")
    }
    own = {
        r.round_id: r for r in PathwayQualityResponse.objects.filter(pathway=pathway, round__in=rounds, respondent=user)
    }
    interviews: dict[int, list] = {}
    for interview in (
        CitizenInterview.objects.filter(pathway=pathway, round__in=rounds)
        .select_related("interviewer")
        .prefetch_related("files")
    ):
        interviews.setdefault(interview.round_id, []).append(interview)
    return [
        PathwayRound(
            round=r,
            who5=[(c, answers.get((r.pk, c.pk))) for c in citizens],
            own_quality=own.get(r.pk),
            interviews=interviews.get(r.pk, []),
        )
        for r in rounds
    ]


def pathway_open_round(*, pathway) -> MeasurementRound | None:
    """The open round whose cohort holds the pathway (at most one per programme), or None."""
    return (
        MeasurementRound.objects.filter(
            municipality_id=pathway.municipality_id, status=RoundStatus.OPEN, cohort__pathway_id=pathway.pk
        )
        .order_by("-number")
        .first()
    )


def who5_unanswered(*, round: MeasurementRound, pathway) -> list:
    """The pathway's citizens who have not answered WHO-5 in the round."""
    answered = set(Who5Response.objects.filter(round=round).values_list("citizen_id", flat=True))
    return [c for c in subject_citizens(pathway) if c.pk not in answered]


def anonymous_interviews(*, user, round: MeasurementRound) -> list[CitizenInterview]:
    """The round's anonymous interviews, for the project leaders (the interview scope)."""
    return list(
        CitizenInterview.objects.visible_to(user, policy.VIEW)
        .filter(round=round, pathway__isnull=True)
        .select_related("interviewer")
        .prefetch_related("files")
    )


def answered_by_user(*, user, round: MeasurementRound) -> dict:
    """Whether the user has answered the round's staff questionnaires (their own rows)."""
    return {
        "coordination": CoordinationResponse.objects.visible_to(user, policy.VIEW).filter(round=round).exists(),
        "leader": LeaderAssessment.objects.visible_to(user, policy.VIEW).filter(round=round).exists(),
    }
