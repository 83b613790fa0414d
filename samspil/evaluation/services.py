"""Writes of measurement rounds: opening and closing a round, and every answer recorded in one.

Keyword-only, atomic, each re-checking the actor's right inside its transaction and recording an event:

| write | who |
|---|---|
| open a round (a baseline fixes the cohort, a follow-up copies it), close it | project leaders |
| a WHO-5 answer with the citizen | staff who may CONTRIBUTE to the pathway |
| a WHO-5 answer in the portal | the citizen themself (own pathway, 15+, write right); never a custody holder |
| an interview about a pathway | staff who may CONTRIBUTE to the pathway |
| an anonymous interview | project leaders |
| the assessment of a pathway's quality | staff who may CONTRIBUTE to the pathway (coordinator, covered team places) |
| the coordination questionnaire | every staff member of the municipality |
| the leader group's assessment | the aggregate roles (leader-group members) |

Answers are taken only while the round is open and, for a pathway, only when the pathway is in the round's cohort;
each is given once (a second answer is refused with a message, never overwrites).
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.documents import filetypes
from samspil.evaluation import questionnaires as q
from samspil.evaluation.choices import AnsweredVia, CohortRule, RoundKind, RoundStatus
from samspil.evaluation.models import (
    COORDINATION_FIELDS,
    PATHWAY_QUALITY_FIELDS,
    WHO5_FIELDS,
    CitizenInterview,
    CoordinationResponse,
    InterviewFile,
    LeaderAssessment,
    MeasurementRound,
    PathwayQualityResponse,
    RoundPathway,
    Who5Response,
)
from samspil.pathways.models import Pathway, Programme
from samspil.pathways.selectors import subject_citizens
from samspil.portal.access import portal_pathway_lock, portal_person
from samspil.portal.choices import Capacity

NOTES_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 2_000


def _require_runs_programmes(actor) -> None:
    if not policy.can_run_programmes(actor):
        raise PermissionDenied


def _locked_round(round: MeasurementRound) -> MeasurementRound:
    """The round re-read and locked, so two answers or a close and an answer cannot cross."""
    return MeasurementRound.objects.select_for_update().get(pk=round.pk, municipality_id=round.municipality_id)


def _require_open(round: MeasurementRound) -> None:
    if not round.is_open:
        raise ValidationError(_("The measurement round is closed: no more answers can be recorded in it."))


def _require_in_cohort(round: MeasurementRound, pathway: Pathway) -> None:
    if not RoundPathway.objects.filter(round=round, pathway_id=pathway.pk).exists():
        raise ValidationError(_("The pathway is not in the cohort of this measurement round."))


def _scores(values: Sequence[int], fields: list[str], low: int, high: int) -> dict:
    values = list(values)
    if len(values) != len(fields) or any(
        isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high for v in values
    ):
        raise ValidationError(_("Answer every question with one of the choices."))
    return dict(zip(fields, values, strict=True))


def _clean_text(text: str, limit: int) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError(_("The text is too long (at most %(limit)s characters).") % {"limit": limit})
    return text


# --- rounds --------------------------------------------------------------------------------------------------


def cohort_pathways(
    *, programme: Programme, rule: str, on: datetime.date, opened_from=None, opened_to=None
) -> list[int]:
    """The ids of the programme's pathways a baseline takes as its cohort (see `CohortRule`)."""
    pathways = Pathway.objects.filter(municipality_id=programme.municipality_id, programme=programme)
    if rule == CohortRule.OPENED_BETWEEN:
        pathways = pathways.filter(opened_on__range=(opened_from, opened_to))
    else:
        pathways = pathways.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=on), opened_on__lte=on)
    return list(pathways.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def round_open(
    *,
    actor,
    programme: Programme,
    title: str,
    measured_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    cohort_rule: str = CohortRule.OPEN_ON,
    cohort_from: datetime.date | None = None,
    cohort_to: datetime.date | None = None,
) -> MeasurementRound:
    """Open the programme's next round: the baseline when it has none (its cohort chosen by `cohort_rule`), else
    the next follow-up, which takes the baseline's cohort (the cohort arguments are then ignored). Refused while
    another round of the programme is open, and for a follow-up dated before the round before it."""
    _require_runs_programmes(actor)
    programme = Programme.objects.select_for_update().get(pk=programme.pk, municipality_id=actor.municipality_id)
    rounds = MeasurementRound.objects.filter(municipality_id=programme.municipality_id, programme=programme)
    errors = {}
    if rounds.filter(status=RoundStatus.OPEN).exists():
        raise ValidationError(_("Close the open measurement round before opening the next one."))
    if period_start and period_end and period_start > period_end:
        errors["period_end"] = _("The period must end on or after its first day.")
    baseline = rounds.filter(kind=RoundKind.BASELINE).first()
    if baseline is None:
        if cohort_rule not in CohortRule.values:
            errors["cohort_rule"] = _("Choose how the cohort is found.")
        elif cohort_rule == CohortRule.OPENED_BETWEEN:
            if not cohort_from or not cohort_to:
                errors["cohort_from"] = _("Give both dates of the cohort.")
            elif cohort_from > cohort_to:
                errors["cohort_to"] = _("The last date of the cohort must be on or after the first.")
        else:
            cohort_from = cohort_to = None
    else:
        latest = rounds.order_by("-number").first()
        if measured_on <= latest.measured_on:
            errors["measured_on"] = _("A follow-up must be measured after the round before it (%(date)s).") % {
                "date": f"{latest.measured_on:%d.%m.%Y}"
            }
    if errors:
        raise ValidationError(errors)
    number = 0 if baseline is None else (rounds.aggregate(top=Max("number"))["top"] or 0) + 1
    round = MeasurementRound.objects.create(
        municipality_id=programme.municipality_id,
        programme=programme,
        kind=RoundKind.BASELINE if baseline is None else RoundKind.FOLLOW_UP,
        number=number,
        title=_clean_text(title, 160) or (_("Baseline") if baseline is None else _("Follow-up %(n)s") % {"n": number}),
        measured_on=measured_on,
        period_start=period_start,
        period_end=period_end,
        cohort_rule=cohort_rule if baseline is None else baseline.cohort_rule,
        cohort_from=cohort_from if baseline is None else baseline.cohort_from,
        cohort_to=cohort_to if baseline is None else baseline.cohort_to,
        opened_by=actor,
    )
    if baseline is None:
        ids = cohort_pathways(
            programme=programme, rule=cohort_rule, on=measured_on, opened_from=cohort_from, opened_to=cohort_to
        )
    else:
        cohort = RoundPathway.objects.filter(round=baseline).order_by("pathway_id")
        ids = list(cohort.values_list("pathway_id", flat=True))
    RoundPathway.objects.bulk_create(
        [RoundPathway(municipality_id=programme.municipality_id, round=round, pathway_id=pk) for pk in ids]
    )
    event_record(
        actor=actor,
        code="evaluation.round_opened",
        municipality_id=programme.municipality_id,
        data={"round": round.label, "programme": programme.name, "pathways": len(ids)},
    )
    return round


@transaction.atomic
def round_close(*, actor, round: MeasurementRound, expected_version: int | None = None) -> MeasurementRound:
    """Close the round: no more answers; its figures stand."""
    _require_runs_programmes(actor)
    round = _locked_round(round)
    if expected_version is not None and round.version != expected_version:
        raise ConflictError(_("Someone else has changed the round in the meantime. See it as it is now."))
    if not round.is_open:
        raise ValidationError(_("The measurement round is already closed."))
    round.status = RoundStatus.CLOSED
    round.closed_on = timezone.localdate()
    round.closed_by = actor
    round.version += 1
    round.save(update_fields=["status", "closed_on", "closed_by", "version", "updated_at"])
    event_record(
        actor=actor,
        code="evaluation.round_closed",
        municipality_id=round.municipality_id,
        data={"round": round.label, "programme": round.programme.name},
    )
    return round


# --- WHO-5 (measure 1) ---------------------------------------------------------------------------------------


def _who5_save(*, actor, round, pathway, citizen, items, via: str, answered_on) -> Who5Response:
    scores = _scores(items, WHO5_FIELDS, q.WHO5_MIN, q.WHO5_MAX)
    if Who5Response.objects.filter(round=round, citizen_id=citizen.pk).exists():
        raise ValidationError(_("%(name)s has already answered WHO-5 in this round.") % {"name": citizen.first_name})
    try:
        with transaction.atomic():
            return Who5Response.objects.create(
                municipality_id=round.municipality_id,
                round=round,
                pathway=pathway,
                citizen=citizen,
                answered_via=via,
                answered_by=actor,
                answered_on=answered_on or timezone.localdate(),
                **scores,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(name)s has already answered WHO-5 in this round.") % {"name": citizen.first_name}
        ) from None


@transaction.atomic
def who5_record(
    *, actor, round: MeasurementRound, pathway: Pathway, citizen, items: Sequence[int], answered_on=None
) -> Who5Response:
    """Record a citizen's WHO-5 answer given with a caseworker (staff who may CONTRIBUTE to the pathway)."""
    pathway = policy.require(actor, policy.CONTRIBUTE, pathway)
    round = _locked_round(round)
    _require_open(round)
    _require_in_cohort(round, pathway)
    if citizen.pk not in {c.pk for c in subject_citizens(pathway)}:
        raise ValidationError({"citizen": _("Choose a citizen the pathway is about.")})
    if answered_on and answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The date cannot be in the future.")})
    response = _who5_save(
        actor=actor,
        round=round,
        pathway=pathway,
        citizen=citizen,
        items=items,
        via=AnsweredVia.CASEWORKER,
        answered_on=answered_on,
    )
    event_record(
        actor=actor,
        code="evaluation.who5_recorded",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"round": round.label, "name": citizen.first_name},
    )
    return response


def portal_who5_round(*, pathway: Pathway, person) -> MeasurementRound | None:
    """The open round of the pathway's programme whose cohort holds the pathway and that `person` has not answered
    yet (at most one round of a programme is open at a time), or None."""
    round = (
        MeasurementRound.objects.filter(
            municipality_id=pathway.municipality_id,
            programme_id=pathway.programme_id,
            status=RoundStatus.OPEN,
            cohort__pathway_id=pathway.pk,
        )
        .order_by("-number")
        .first()
    )
    return round


@transaction.atomic
def portal_who5_answer(*, actor, pathway: Pathway, round: MeasurementRound, items: Sequence[int]) -> Who5Response:
    """The citizen's own WHO-5 answer in the portal: their own pathway (15 or older, the write right), never a
    custody holder's answer for the young person."""
    pathway = portal_pathway_lock(user=actor, pathway=pathway, write=True)
    access = pathway.portal_access
    if access.capacity != Capacity.SELF:
        raise ValidationError(_("Only the young person can answer WHO-5 about themself; a custody holder cannot."))
    person = portal_person(actor)
    round = _locked_round(round)
    if round.programme_id != pathway.programme_id:
        raise Http404
    _require_open(round)
    _require_in_cohort(round, pathway)
    response = _who5_save(
        actor=actor,
        round=round,
        pathway=pathway,
        citizen=person,
        items=items,
        via=AnsweredVia.PORTAL,
        answered_on=None,
    )
    event_record(
        actor=actor,
        code="evaluation.who5_answered_in_portal",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"round": round.label, "portal_as": access.capacity},
    )
    return response


# --- interviews (measure 3) ----------------------------------------------------------------------------------


@transaction.atomic
def interview_record(
    *,
    actor,
    round: MeasurementRound,
    pathway: Pathway | None,
    interviewed_on: datetime.date,
    notes: str,
    uploads: Sequence = (),
) -> CitizenInterview:
    """Record an interview with its notes and files: about a pathway of the cohort (CONTRIBUTE on it), or anonymous
    (project leaders). Files are checked by their content as shared documents are (`documents.filetypes`) and stored
    under random names; a refused file saves nothing."""
    if pathway is not None:
        pathway = policy.require(actor, policy.CONTRIBUTE, pathway)
    else:
        _require_runs_programmes(actor)
    round = _locked_round(round)
    _require_open(round)
    if pathway is not None:
        _require_in_cohort(round, pathway)
    errors = {}
    notes = (notes or "").strip()
    if not notes:
        errors["notes"] = _("Write the notes of the interview.")
    elif len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = _("The text is too long (at most %(limit)s characters).") % {"limit": NOTES_MAX_LENGTH}
    if interviewed_on is None or interviewed_on > timezone.localdate():
        errors["interviewed_on"] = _("Give the date of the interview (not in the future).")
    inspected = []
    for upload in uploads:
        try:
            inspected.append((upload, filetypes.inspect(upload)))
        except ValidationError as error:
            errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    interview = CitizenInterview.objects.create(
        municipality_id=round.municipality_id,
        round=round,
        pathway=pathway,
        interviewed_on=interviewed_on,
        notes=notes,
        interviewer=actor,
    )
    stored = []
    try:
        for upload, found in inspected:
            attached = InterviewFile(
                municipality_id=round.municipality_id,
                interview=interview,
                name=filetypes.safe_name(upload.name, found.kind),
                kind=found.kind,
                content_type=found.content_type,
                size=found.size,
                sha256=found.sha256,
                uploaded_by=actor,
            )
            attached.file.save(upload.name, upload, save=False)  # a random name: `interview_storage_name`
            stored.append(attached.file.name)
            attached.save()
        event_record(
            actor=actor,
            code="evaluation.interview_recorded",
            municipality_id=round.municipality_id,
            pathway=pathway,
            data={"round": round.label, "files": len(inspected)},
        )
    except Exception:
        for name in stored:
            interview.files.model.file.field.storage.delete(name)
        raise
    return interview


# --- the staff's questionnaires (measures 4 and 6) and the leader group's assessment (8 and 9) ------------------


@transaction.atomic
def pathway_quality_record(
    *, actor, round: MeasurementRound, pathway: Pathway, items: Sequence[int], comment: str = ""
) -> PathwayQualityResponse:
    """A team member's (or the coordinator's) assessment of the quality of a pathway of the cohort, once a round."""
    pathway = policy.require(actor, policy.CONTRIBUTE, pathway)
    round = _locked_round(round)
    _require_open(round)
    _require_in_cohort(round, pathway)
    scores = _scores(items, PATHWAY_QUALITY_FIELDS, q.AGREEMENT_MIN, q.AGREEMENT_MAX)
    refused = ValidationError(_("You have already assessed this pathway in this round."))
    if PathwayQualityResponse.objects.filter(round=round, pathway=pathway, respondent=actor).exists():
        raise refused
    try:
        with transaction.atomic():
            response = PathwayQualityResponse.objects.create(
                municipality_id=round.municipality_id,
                round=round,
                pathway=pathway,
                respondent=actor,
                comment=_clean_text(comment, COMMENT_MAX_LENGTH),
                **scores,
            )
    except IntegrityError:
        raise refused from None
    event_record(
        actor=actor,
        code="evaluation.pathway_quality_recorded",
        municipality_id=round.municipality_id,
        pathway=pathway,
        data={"round": round.label},
    )
    return response


@transaction.atomic
def coordination_record(
    *, actor, round: MeasurementRound, items: Sequence[int], comment: str = ""
) -> CoordinationResponse:
    """A staff member's answer to the coordination questionnaire, once a round."""
    if not policy.is_municipal_staff(actor) or actor.municipality_id != round.municipality_id:
        raise Http404
    round = _locked_round(round)
    _require_open(round)
    scores = _scores(items, COORDINATION_FIELDS, q.AGREEMENT_MIN, q.AGREEMENT_MAX)
    refused = ValidationError(_("You have already answered the questionnaire in this round."))
    if CoordinationResponse.objects.filter(round=round, respondent=actor).exists():
        raise refused
    try:
        with transaction.atomic():
            response = CoordinationResponse.objects.create(
                municipality_id=round.municipality_id,
                round=round,
                respondent=actor,
                comment=_clean_text(comment, COMMENT_MAX_LENGTH),
                **scores,
            )
    except IntegrityError:
        raise refused from None
    event_record(
        actor=actor,
        code="evaluation.coordination_recorded",
        municipality_id=round.municipality_id,
        data={"round": round.label},
    )
    return response


@transaction.atomic
def leader_assessment_record(
    *,
    actor,
    round: MeasurementRound,
    steering: int,
    budgets: int,
    steering_comment: str = "",
    budgets_comment: str = "",
) -> LeaderAssessment:
    """A leader-group member's assessment of the steering and the budgets across departments, once a round."""
    if not policy.can_see_aggregates(actor) or actor.municipality_id != round.municipality_id:
        raise PermissionDenied
    round = _locked_round(round)
    _require_open(round)
    scores = _scores([steering, budgets], ["steering", "budgets"], q.AGREEMENT_MIN, q.AGREEMENT_MAX)
    refused = ValidationError(_("You have already given the leader group's assessment in this round."))
    if LeaderAssessment.objects.filter(round=round, respondent=actor).exists():
        raise refused
    try:
        with transaction.atomic():
            assessment = LeaderAssessment.objects.create(
                municipality_id=round.municipality_id,
                round=round,
                respondent=actor,
                steering_comment=_clean_text(steering_comment, COMMENT_MAX_LENGTH),
                budgets_comment=_clean_text(budgets_comment, COMMENT_MAX_LENGTH),
                **scores,
            )
    except IntegrityError:
        raise refused from None
    event_record(
        actor=actor,
        code="evaluation.leader_assessment_recorded",
        municipality_id=round.municipality_id,
        data={"round": round.label},
    )
    return assessment
