"""Writes of where a citizen stands (`StatusEntry`). Dated history: an entry is never changed, a correction is a new
entry. Each service checks the action against the policy inside its transaction, validates with Danish messages,
saves, and records the business event; the change log is written by the model's signal."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.citizens.models import Citizen
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.pathways.models import Pathway
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    Housing,
    Placement,
    PlacementKind,
    StatusOccasion,
    SubstanceUse,
)
from samspil.results.models import StatusEntry

# The meetings a status can be recorded "at": the occasion follows from the meeting type.
MEETING_OCCASIONS = {MeetingType.START: StatusOccasion.START, MeetingType.STATUS: StatusOccasion.STATUS_MEETING}


def _check_choice(value: str, choices, field: str, *, required: bool, errors: dict) -> None:
    if not value:
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return
    if value not in choices.values:
        errors.setdefault(field, []).append(_("Choose one of the options."))


def status_entry_validate(
    *,
    pathway: Pathway,
    citizen: Citizen,
    recorded_on: datetime.date,
    occasion: str,
    education_employment: str,
    benefit: str = "",
    placement: str = "",
    placement_kind: str = "",
    placement_note: str = "",
    housing: str = "",
    substance_use: str = "",
    meeting=None,
) -> None:
    """Every rule of a status entry, as a `ValidationError` with Danish messages per field (the form and the API
    show them on their fields). Shared by the web form, the API and the closing form."""
    errors: dict[str, list] = {}
    if citizen is None or citizen.pk not in pathway.subject_ids():
        errors.setdefault("citizen", []).append(_("Choose a citizen the pathway is about."))
    today = timezone.localdate()
    if recorded_on is None:
        errors.setdefault("recorded_on", []).append(_("This field is required."))
    elif recorded_on > today:
        errors.setdefault("recorded_on", []).append(_("The date cannot be in the future."))
    elif recorded_on < pathway.opened_on:
        errors.setdefault("recorded_on", []).append(
            _("The date cannot be before the pathway was opened (%(date)s).")
            % {"date": formats.date_format(pathway.opened_on, "SHORT_DATE_FORMAT")}
        )
    _check_choice(occasion, StatusOccasion, "occasion", required=True, errors=errors)
    _check_choice(education_employment, EducationEmployment, "education_employment", required=True, errors=errors)
    on_benefit = education_employment == EducationEmployment.BENEFIT
    if on_benefit:
        _check_choice(benefit, Benefit, "benefit", required=True, errors=errors)
        if not benefit:
            errors["benefit"] = [_("Choose the benefit when the citizen is on a benefit.")]
    elif benefit:
        errors.setdefault("benefit", []).append(_("A benefit is given only when the status is “on a benefit”."))
    _check_choice(placement, Placement, "placement", required=False, errors=errors)
    placed = placement in (Placement.PLACED, Placement.PREVIOUSLY_PLACED)
    if placement_kind:
        _check_choice(placement_kind, PlacementKind, "placement_kind", required=False, errors=errors)
        if not placed:
            errors.setdefault("placement_kind", []).append(
                _("Where the young person is placed is given only when placed or previously placed.")
            )
    if placement_note.strip() and not placed:
        errors.setdefault("placement_note", []).append(
            _("Details of the placement are given only when placed or previously placed.")
        )
    if placement == Placement.PLACED and not placement_kind:
        errors.setdefault("placement_kind", []).append(_("Choose where the young person is placed."))
    _check_choice(housing, Housing, "housing", required=False, errors=errors)
    _check_choice(substance_use, SubstanceUse, "substance_use", required=False, errors=errors)
    if meeting is not None:
        if meeting.pathway_id != pathway.pk:
            errors.setdefault("meeting", []).append(_("The meeting is not one of this pathway's meetings."))
        elif meeting.meeting_type not in MEETING_OCCASIONS:
            errors.setdefault("meeting", []).append(_("A status is recorded only at a start or status meeting."))
        elif meeting.status == MeetingStatus.CANCELLED:
            errors.setdefault("meeting", []).append(_("The meeting was cancelled."))
        elif occasion and occasion != MEETING_OCCASIONS[meeting.meeting_type]:
            errors.setdefault("occasion", []).append(_("The occasion must match the meeting."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def status_entry_record(
    *,
    actor,
    pathway: Pathway,
    citizen: Citizen,
    occasion: str,
    education_employment: str,
    recorded_on: datetime.date | None = None,
    benefit: str = "",
    placement: str = "",
    placement_kind: str = "",
    placement_note: str = "",
    housing: str = "",
    substance_use: str = "",
    note: str = "",
    meeting=None,
) -> StatusEntry:
    """Record where `citizen` (the pathway's citizen, or a member of the family) stands, dated `recorded_on` (today
    by default). Needs `contribute`. A closed pathway takes entries dated up to its closing only (`pathway_close`
    writes the closing entry with the closing; a missing one may be added afterwards)."""
    pathway = policy.require(actor, policy.CONTRIBUTE, pathway)
    recorded_on = recorded_on or (timezone.localdate() if pathway.is_open else pathway.closed_on)
    if not pathway.is_open and pathway.closed_on and recorded_on > pathway.closed_on:
        raise ValidationError(
            {
                "recorded_on": _("The pathway was closed on %(date)s: the date cannot be later.")
                % {"date": formats.date_format(pathway.closed_on, "SHORT_DATE_FORMAT")}
            }
        )
    placement_note = placement_note.strip()
    status_entry_validate(
        pathway=pathway,
        citizen=citizen,
        recorded_on=recorded_on,
        occasion=occasion,
        education_employment=education_employment,
        benefit=benefit,
        placement=placement,
        placement_kind=placement_kind,
        placement_note=placement_note,
        housing=housing,
        substance_use=substance_use,
        meeting=meeting,
    )
    entry = StatusEntry.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        citizen=citizen,
        recorded_on=recorded_on,
        occasion=occasion,
        meeting=meeting,
        education_employment=education_employment,
        benefit=benefit,
        placement=placement,
        placement_kind=placement_kind,
        placement_note=placement_note,
        housing=housing,
        substance_use=substance_use,
        note=note.strip(),
        recorded_by=actor,
    )
    event_record(
        actor=actor,
        code="status.recorded",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={
            "name": citizen.full_name,
            "occasion": occasion,
            "recorded_on": formats.date_format(recorded_on, "SHORT_DATE_FORMAT"),
            "education_employment": education_employment,
        },
    )
    return entry


@transaction.atomic
def pathway_close(
    *,
    actor,
    pathway: Pathway,
    reason: str,
    outcome: str,
    expected_version: int,
    closing_status: dict | None = None,
) -> Pathway:
    """Close the pathway with its outcome (`pathways.services.pathway_change_status`) and, when given, record where
    the citizen stands at closing in the same transaction (`closing_status`: the fields of `status_entry_record`
    without actor, pathway and occasion; `citizen` defaults to the pathway's citizen). A refused entry closes nothing.
    """
    from samspil.pathways.choices import PathwayStatus
    from samspil.pathways.services import pathway_change_status

    pathway = pathway_change_status(
        actor=actor,
        pathway=pathway,
        to_status=PathwayStatus.CLOSED,
        reason=reason,
        outcome=outcome,
        expected_version=expected_version,
    )
    if closing_status:
        values = dict(closing_status)
        values.setdefault("citizen", pathway.citizen)
        values.setdefault("recorded_on", pathway.closed_on)
        status_entry_record(actor=actor, pathway=pathway, occasion=StatusOccasion.CLOSING, **values)
    return pathway


@transaction.atomic
def pathway_target_group_set(*, actor, pathway: Pathway, target_group, expected_version: int) -> Pathway:
    """Set (or clear, with None) the pathway's target group: the coordinator, with the pathway's `version` checked.
    Only an active group of the pathway's own programme is accepted."""
    from samspil.core.exceptions import ConflictError

    pathway = policy.require(actor, policy.MANAGE, pathway)
    if pathway.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this pathway while you were working on it. "
                "Reload the page to see the current status, then try again."
            )
        )
    if target_group is not None and (
        target_group.programme_id != pathway.programme_id
        or target_group.municipality_id != pathway.municipality_id
        or not target_group.active
    ):
        raise ValidationError({"target_group": _("Choose one of the programme's target groups.")})
    if (target_group.pk if target_group else None) == pathway.target_group_id:
        return pathway
    pathway.target_group = target_group
    pathway.version += 1
    pathway.save(update_fields=["target_group", "version", "updated_at"])
    event_record(
        actor=actor,
        code="pathway.target_group_set",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"target_group": target_group.name if target_group else "–"},
    )
    return pathway


def suggested_target_group(pathway: Pathway):
    """The KL citizen type segmentation last classified the pathway's citizen as, as a target group of the KL
    programme (`type-<n>`); None elsewhere or without a classification. Used to prefill the target-group form."""
    from samspil.pathways.models import TargetGroup
    from samspil.pathways.programmes import KL_COHERENCE
    from samspil.segmentation.models import CandidateClassification

    if pathway.programme.code != KL_COHERENCE or not pathway.citizen_id:
        return None
    citizen = pathway.citizen
    classification = (
        CandidateClassification.objects.filter(subject__municipality_id=pathway.municipality_id)
        .filter(models.Q(subject__citizen_id=citizen.pk) | models.Q(subject__cpr_index=citizen.cpr_index))
        .order_by("-created_at", "-id")
        .first()
    )
    if classification is None:
        return None
    return TargetGroup.objects.filter(
        programme_id=pathway.programme_id, code=f"type-{classification.citizen_type}", active=True
    ).first()
