"""Baseline and follow-up (seed 001, "Mål for indsatsen"): a programme's measurement rounds over one cohort of
pathways, and what is recorded in a round for the ten measures (`results.measures.Measure`).

A round is a baseline (number 0) or a follow-up (1, 2, …). The baseline fixes its cohort when it is opened — the
programme's pathways opened between two dates, or all open on the round's date — as `RoundPathway` rows, and every
follow-up copies the baseline's rows, so each round measures the same people. What is recorded per round:

- measure 1: `Who5Response` (one per citizen of the cohort, by the citizen in the portal or with a caseworker);
- measure 3: `CitizenInterview` with notes and files (`InterviewFile`), about a pathway of the cohort or anonymous;
- measure 4: `PathwayQualityResponse` (one per team member per pathway);
- measure 6: `CoordinationResponse` (one per staff member);
- measures 8–9: `LeaderAssessment` (one per leader-group member).

Measures 2, 5, 7 and 10 are computed from other apps' data by `figures` for the round's date and period.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.evaluation import questionnaires as q
from samspil.evaluation.choices import AnsweredVia, CohortRule, RoundKind, RoundStatus


def _range(prefix: str, fields: list[str], low: int, high: int, *, nullable: bool = False) -> list:
    """One check constraint per scored field: the value lies in [low, high] (or is empty when `nullable`)."""
    constraints = []
    for name in fields:
        condition = Q(**{f"{name}__gte": low, f"{name}__lte": high})
        if nullable:
            condition |= Q(**{f"{name}__isnull": True})
        constraints.append(models.CheckConstraint(condition=condition, name=f"{prefix}_{name}_range"))
    return constraints


WHO5_FIELDS = [f"item_{n}" for n in range(1, len(q.WHO5_ITEMS) + 1)]
PATHWAY_QUALITY_FIELDS = [f"item_{n}" for n in range(1, len(q.PATHWAY_QUALITY_ITEMS) + 1)]
COORDINATION_FIELDS = [f"item_{n}" for n in range(1, len(q.COORDINATION_ITEMS) + 1)]


class MeasurementRound(ChangeLogged, TenantModel):
    """One measurement of a programme: the baseline (number 0) or follow-up number 1, 2, ….

    `measured_on` is the date the status figures are read for (objective outcomes: where each citizen stood on that
    day); `period_start`–`period_end` the period the cost, the efforts and the exemption uses are counted over. The
    cohort is fixed in `RoundPathway` rows when the round is opened. Open: answers are taken; closed: the figures
    stand. No citizen data: the title, dates and counts only.
    """

    programme = models.ForeignKey(
        "pathways.Programme", on_delete=models.PROTECT, related_name="measurement_rounds", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("0 for the baseline, then 1, 2, …"))
    title = models.CharField(_("title"), max_length=160)
    measured_on = models.DateField(_("measured on"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    cohort_rule = models.CharField(_("cohort"), max_length=20, choices=CohortRule.choices)
    cohort_from = models.DateField(_("opened from"), null=True, blank=True)
    cohort_to = models.DateField(_("opened to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("measurement round")
        verbose_name_plural = _("measurement rounds")
        ordering = ["programme_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "programme", "number"], name="measurement_round_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(kind=RoundKind.BASELINE, number=0) | (Q(kind=RoundKind.FOLLOW_UP) & Q(number__gt=0)),
                name="measurement_round_baseline_is_zero",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="measurement_round_period"
            ),
            models.CheckConstraint(
                condition=Q(cohort_rule=CohortRule.OPEN_ON, cohort_from__isnull=True, cohort_to__isnull=True)
                | Q(
                    cohort_rule=CohortRule.OPENED_BETWEEN,
                    cohort_from__isnull=False,
                    cohort_to__isnull=False,
                    cohort_from__lte=models.F("cohort_to"),
                ),
                name="measurement_round_cohort_dates",
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.title}"

    @property
    def label(self) -> str:
        if self.kind == RoundKind.BASELINE:
            return gettext("Baseline")
        return gettext("Follow-up %(number)s") % {"number": self.number}

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_baseline(self) -> bool:
        return self.kind == RoundKind.BASELINE


class RoundPathway(TenantModel):
    """A pathway of a round's cohort, fixed when the round was opened (a follow-up copies the baseline's rows)."""

    round = models.ForeignKey(
        MeasurementRound, on_delete=models.PROTECT, related_name="cohort", verbose_name=_("measurement round")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="measurement_rounds", verbose_name=_("pathway")
    )

    class Meta:
        verbose_name = _("pathway of a round's cohort")
        verbose_name_plural = _("pathways of a round's cohort")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "round", "pathway"], name="round_pathway_unique"),
        ]
        indexes = [models.Index(fields=["pathway", "round"], name="round_pathway_by_pathway")]

    def __str__(self):
        return f"{self.round} · {self.pathway}"


class Who5Response(ChangeLogged, TenantModel):
    """Measure 1: one citizen's WHO-5 answer in a round (five items 0–5), once per citizen per round.

    Answered by the citizen in the portal (`answered_by` is then the citizen's own account) or with a caseworker,
    who records it (`answered_by` the caseworker). A custody holder never answers for the young person.
    """

    round = models.ForeignKey(
        MeasurementRound, on_delete=models.PROTECT, related_name="who5_responses", verbose_name=_("measurement round")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="who5_responses", verbose_name=_("pathway")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="who5_responses", verbose_name=_("citizen")
    )
    item_1 = models.PositiveSmallIntegerField(q.WHO5_ITEMS[0])
    item_2 = models.PositiveSmallIntegerField(q.WHO5_ITEMS[1])
    item_3 = models.PositiveSmallIntegerField(q.WHO5_ITEMS[2])
    item_4 = models.PositiveSmallIntegerField(q.WHO5_ITEMS[3])
    item_5 = models.PositiveSmallIntegerField(q.WHO5_ITEMS[4])
    answered_via = models.CharField(_("answered"), max_length=20, choices=AnsweredVia.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("WHO-5 answer")
        verbose_name_plural = _("WHO-5 answers")
        ordering = ["round_id", "answered_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "round", "citizen"], name="who5_one_per_citizen"),
            *_range("who5", WHO5_FIELDS, q.WHO5_MIN, q.WHO5_MAX),
        ]
        indexes = [models.Index(fields=["pathway", "round"], name="who5_by_pathway")]

    def __str__(self):
        return gettext("WHO-5 answer, %(round)s") % {"round": self.round}

    @property
    def change_log_pathway_id(self):
        return self.pathway_id

    @property
    def items(self) -> list[int]:
        return [getattr(self, name) for name in WHO5_FIELDS]

    @property
    def score(self) -> int:
        """The WHO-5 score 0–100 (`figures.who5_score`)."""
        from samspil.evaluation.figures import who5_score

        return who5_score(self.items)


class CitizenInterview(ChangeLogged, TenantModel):
    """Measure 3: a qualitative interview with a citizen about their experience of the municipality's effort.

    About a pathway of the round's cohort — case content then: only the pathway's team reads it, through the
    pathway's scope — or anonymous (no pathway): read by the project leaders who run the programme's rounds. The
    programme's pages show counts only.
    """

    round = models.ForeignKey(
        MeasurementRound, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("measurement round")
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen_interviews",
        verbose_name=_("pathway"),
        help_text=_("Empty for an anonymous interview."),
    )
    interviewed_on = models.DateField(_("date of the interview"))
    notes = models.TextField(_("notes"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("interviewer")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("citizen interview")
        verbose_name_plural = _("citizen interviews")
        ordering = ["-interviewed_on", "-id"]
        indexes = [models.Index(fields=["round", "pathway"], name="interview_round_pathway")]

    def __str__(self):
        return gettext("Interview %(date)s") % {"date": f"{self.interviewed_on:%d.%m.%Y}"}

    @property
    def change_log_pathway_id(self):
        return self.pathway_id

    @property
    def anonymous(self) -> bool:
        return self.pathway_id is None


def interview_storage_name(instance, filename) -> str:
    """A random name in the storage (as the shared documents': `documents.models.document_storage_name`)."""
    return f"interviews/{uuid.uuid4().hex}"


class InterviewFile(ChangeLogged, TenantModel):
    """A file attached to an interview (a recording's transcript, a signed note), checked by its content as the
    shared documents are (`documents.filetypes`) and stored under a random name."""

    interview = models.ForeignKey(
        CitizenInterview, on_delete=models.PROTECT, related_name="files", verbose_name=_("interview")
    )
    file = models.FileField(_("file"), upload_to=interview_storage_name, max_length=255)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )

    change_log_ignored = ChangeLogged.change_log_ignored | {"file"}

    class Meta:
        verbose_name = _("interview file")
        verbose_name_plural = _("interview files")
        ordering = ["created_at", "id"]

    def __str__(self):
        return gettext("Interview file “%(name)s”") % {"name": self.name}

    @property
    def change_log_pathway_id(self):
        return self.interview.pathway_id


class PathwayQualityResponse(ChangeLogged, TenantModel):
    """Measure 4: a team member's assessment of the quality of one pathway of the cohort, once per round."""

    round = models.ForeignKey(
        MeasurementRound,
        on_delete=models.PROTECT,
        related_name="pathway_quality_responses",
        verbose_name=_("measurement round"),
    )
    pathway = models.ForeignKey(
        "pathways.Pathway", on_delete=models.PROTECT, related_name="quality_responses", verbose_name=_("pathway")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("team member")
    )
    item_1 = models.PositiveSmallIntegerField(q.PATHWAY_QUALITY_ITEMS[0])
    item_2 = models.PositiveSmallIntegerField(q.PATHWAY_QUALITY_ITEMS[1])
    item_3 = models.PositiveSmallIntegerField(q.PATHWAY_QUALITY_ITEMS[2])
    item_4 = models.PositiveSmallIntegerField(q.PATHWAY_QUALITY_ITEMS[3])
    comment = models.TextField(_("comment"), blank=True)
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("assessment of a pathway's quality")
        verbose_name_plural = _("assessments of pathways' quality")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "round", "pathway", "respondent"], name="pathway_quality_one_per_member"
            ),
            *_range("pathway_quality", PATHWAY_QUALITY_FIELDS, q.AGREEMENT_MIN, q.AGREEMENT_MAX),
        ]

    def __str__(self):
        return gettext("Assessment of the pathway's quality, %(round)s") % {"round": self.round}

    @property
    def change_log_pathway_id(self):
        return self.pathway_id

    @property
    def items(self) -> list[int]:
        return [getattr(self, name) for name in PATHWAY_QUALITY_FIELDS]


class CoordinationResponse(ChangeLogged, TenantModel):
    """Measure 6: a staff member's assessment of the degree of coordination, once per round (no citizen data)."""

    round = models.ForeignKey(
        MeasurementRound,
        on_delete=models.PROTECT,
        related_name="coordination_responses",
        verbose_name=_("measurement round"),
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("respondent")
    )
    item_1 = models.PositiveSmallIntegerField(q.COORDINATION_ITEMS[0])
    item_2 = models.PositiveSmallIntegerField(q.COORDINATION_ITEMS[1])
    item_3 = models.PositiveSmallIntegerField(q.COORDINATION_ITEMS[2])
    item_4 = models.PositiveSmallIntegerField(q.COORDINATION_ITEMS[3])
    item_5 = models.PositiveSmallIntegerField(q.COORDINATION_ITEMS[4])
    comment = models.TextField(_("comment"), blank=True)
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("assessment of the coordination")
        verbose_name_plural = _("assessments of the coordination")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "round", "respondent"], name="coordination_one_per_staff"),
            *_range("coordination", COORDINATION_FIELDS, q.AGREEMENT_MIN, q.AGREEMENT_MAX),
        ]

    def __str__(self):
        return gettext("Assessment of the coordination, %(round)s") % {"round": self.round}

    @property
    def items(self) -> list[int]:
        return [getattr(self, name) for name in COORDINATION_FIELDS]


class LeaderAssessment(ChangeLogged, TenantModel):
    """Measures 8 and 9: a leader-group member's assessment of cross-department steering and budgets (1–5)."""

    round = models.ForeignKey(
        MeasurementRound,
        on_delete=models.PROTECT,
        related_name="leader_assessments",
        verbose_name=_("measurement round"),
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader")
    )
    steering = models.PositiveSmallIntegerField(_("steering across departments"))
    steering_comment = models.TextField(_("comment on the steering"), blank=True)
    budgets = models.PositiveSmallIntegerField(_("budgets across departments"))
    budgets_comment = models.TextField(_("comment on the budgets"), blank=True)
    answered_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("leader group's assessment")
        verbose_name_plural = _("leader group's assessments")
        ordering = ["round_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "round", "respondent"], name="leader_one_per_leader"),
            *_range("leader", ["steering", "budgets"], q.AGREEMENT_MIN, q.AGREEMENT_MAX),
        ]

    def __str__(self):
        return gettext("Leader group's assessment, %(round)s") % {"round": self.round}
