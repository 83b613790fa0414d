"""Writes of the economy: the catalogue, interventions, financing decisions, exemption uses, operating costs.

Pathway writes check the action inside their transaction (`policy.require`: granting, ending and exemptions
need CONTRIBUTE, a financing decision MANAGE: the coordinator's), validate, save and record the business event
in the same transaction. The catalogue is for controllers (`policy.can_see_costs`). A stale
`expected_version` raises `ConflictError` and writes nothing.

Granting needs the authority to grant (*visitationskompetence*) in the granting department: the actor works
there and holds a covered team place on the pathway in it, or coordinates the pathway from it
(`selectors.granting_departments`). Ending or changing an intervention needs the same authority in the department
that granted it, or the coordinator's (`intervention_authority`, one rule for both). Dates are kept between 2000
and ten years ahead (`validation.check_date`).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.economy import costs
from samspil.economy.choices import Law, ProgrammeElement, ReviewSharePart, ReviewStatus, ReviewVerdict, ServiceUnit
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
from samspil.economy.selectors import granting_departments
from samspil.economy.validation import check_date, check_paragraph
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Department, ExternalOrganisation, Membership, Unit
from samspil.pathways.models import Pathway, Programme

# Who may register operating costs: controllers, and project leaders, who run the programmes' budgets.
OPERATING_COST_ROLES = frozenset({StaffRole.CONTROLLER, StaffRole.PROJECT_LEADER})


def can_register_operating_costs(user) -> bool:
    return policy.is_municipal_staff(user) and (
        policy.can_see_costs(user)
        or Membership.objects.current().filter(user=user, role__in=OPERATING_COST_ROLES).exists()
    )


def _same_municipality(actor, *objects) -> None:
    for obj in objects:
        if obj is not None and obj.municipality_id != actor.municipality_id:
            raise PermissionDenied


# --- the catalogue -----------------------------------------------------------------------------------------


def _check_service(
    *,
    actor,
    department: Department,
    code: str,
    name: str,
    legal_basis: str,
    unit: str,
    unit_price: Decimal,
    provider_unit: Unit | None,
    provider_organisation: ExternalOrganisation | None,
    exclude_pk: int | None = None,
) -> None:
    if not policy.can_see_costs(actor):
        raise PermissionDenied
    _same_municipality(actor, department, provider_unit, provider_organisation)
    if not code.strip() or not name.strip() or not legal_basis.strip():
        raise ValidationError(_("Give the service a code, a name and its legal basis."))
    if unit not in ServiceUnit.values:
        raise ValidationError(_("Choose the unit the price is given in."))
    if unit_price is None or unit_price < 0:
        raise ValidationError(_("The unit price cannot be negative."))
    if provider_unit is not None and provider_organisation is not None:
        raise ValidationError(_("Choose an internal unit or an external organisation as provider, not both."))
    taken = Service.objects.filter(municipality_id=actor.municipality_id, code__iexact=code.strip())
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(_("Another service already has the code %(code)s.") % {"code": code.strip()})


def _save_unique(instance, **kwargs):
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError:  # someone else took the code in the meantime
        raise ValidationError(_("Another service already has the code %(code)s.") % {"code": instance.code}) from None


@transaction.atomic
def service_create(
    *,
    actor,
    department: Department,
    code: str,
    name: str,
    legal_basis: str,
    unit: str,
    unit_price: Decimal,
    provider_unit: Unit | None = None,
    provider_organisation: ExternalOrganisation | None = None,
    active: bool = True,
) -> Service:
    fields = {
        "department": department,
        "code": code,
        "name": name,
        "legal_basis": legal_basis,
        "unit": unit,
        "unit_price": unit_price,
        "provider_unit": provider_unit,
        "provider_organisation": provider_organisation,
    }
    _check_service(actor=actor, **fields)
    service = Service(municipality_id=actor.municipality_id, active=active, **fields)
    service.code, service.name, service.legal_basis = code.strip(), name.strip(), legal_basis.strip()
    _save_unique(service)
    event_record(
        actor=actor,
        code="service.created",
        municipality_id=actor.municipality_id,
        data={"service": service.name, "code": service.code},
    )
    return service


@transaction.atomic
def service_update(
    *,
    actor,
    service: Service,
    expected_version: int,
    department: Department,
    code: str,
    name: str,
    legal_basis: str,
    unit: str,
    unit_price: Decimal,
    provider_unit: Unit | None = None,
    provider_organisation: ExternalOrganisation | None = None,
    active: bool = True,
) -> Service:
    """Change a catalogue entry. Interventions already granted keep the price and unit they were granted at."""
    if not policy.can_see_costs(actor):
        raise PermissionDenied
    service = Service.objects.visible_to(actor, policy.VIEW).select_for_update().get(pk=service.pk)
    if service.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this service while you were working on it. "
                "Look at the saved values and save again."
            )
        )
    fields = {
        "department": department,
        "code": code.strip(),
        "name": name.strip(),
        "legal_basis": legal_basis.strip(),
        "unit": unit,
        "unit_price": unit_price,
        "provider_unit": provider_unit,
        "provider_organisation": provider_organisation,
    }
    _check_service(actor=actor, exclude_pk=service.pk, **fields)
    changed = [name for name, value in {**fields, "active": active}.items() if getattr(service, name) != value]
    if not changed:
        return service
    for name in changed:
        setattr(service, name, {**fields, "active": active}[name])
    service.version += 1
    _save_unique(service, update_fields=[*changed, "version", "updated_at"])
    event_record(
        actor=actor,
        code="service.changed",
        municipality_id=actor.municipality_id,
        data={"service": service.name, "code": service.code},
    )
    return service


# --- interventions -----------------------------------------------------------------------------------------


def _open_pathway(*, actor, pathway: Pathway, action: str) -> Pathway:
    pathway = policy.require(actor, action, pathway)
    if not pathway.is_open:
        raise ValidationError(_("The pathway is closed; its interventions can no longer be changed."))
    return pathway


def _intervention_of(pathway: Pathway, intervention: Intervention) -> Intervention:
    """The intervention, locked, if it belongs to the pathway (else 404, as if it did not exist)."""
    from django.http import Http404

    found = Intervention.objects.select_for_update().filter(pk=intervention.pk, pathway=pathway).first()
    if found is None:
        raise Http404
    return found


def intervention_authority(
    *, granting: Iterable[Department], coordinates: bool, department_id: int, change: bool
) -> bool:
    """The one authority rule (*visitationskompetence*) for granting, changing and ending an intervention.

    `granting` is where the actor may grant on the pathway (`selectors.granting_departments`: a department where
    they work and hold a covered team place, or the coordinating department for its coordinator); `coordinates`
    says whether the actor is the pathway's coordinator and still works in the coordinating department. Granting
    on behalf of a department needs it among `granting`. Changing or ending an intervention needs the same
    authority in the department that granted it, or the coordinator's: the coordinator answers for the whole
    pathway, a team member only for their own department's decisions.
    """
    return department_id in {department.pk for department in granting} or (change and coordinates)


def _require_authority(*, actor, pathway: Pathway, department: Department, change: bool) -> None:
    from samspil.access.scopes import coordinator_of

    granting = granting_departments(actor=actor, pathway=pathway)
    coordinates = change and Pathway.objects.filter(pk=pathway.pk).filter(coordinator_of(actor)).exists()
    if intervention_authority(granting=granting, coordinates=coordinates, department_id=department.pk, change=change):
        return
    if change:
        raise ValidationError(
            _(
                "Only %(department)s, which granted the intervention, or the pathway's coordinator can change or "
                "end it: you need a place on the pathway's team from that department."
            )
            % {"department": department.name}
        )
    raise ValidationError(
        _(
            "You cannot grant on behalf of %(department)s: you need a place on the pathway's team from that "
            "department (or to coordinate the pathway from it)."
        )
        % {"department": department.name}
    )


@transaction.atomic
def intervention_grant(
    *,
    actor,
    pathway: Pathway,
    service: Service,
    starts_on: datetime.date,
    quantity: Decimal,
    granting_department: Department,
    ends_on: datetime.date | None = None,
    note: str = "",
    findings: Iterable = (),
) -> Intervention:
    """Grant a service from the catalogue on the pathway, at the catalogue's price of today.

    `findings` are the assessment findings (`assessments.Finding`) of this pathway the intervention answers.
    On a family pathway of *Én familie – én indgang* an intervention that starts before the first analysis meeting
    was held is granted all the same: the pages warn (`selectors.analysis_meeting_rule`), the service does not
    refuse — the municipality decides, the model asks for the meeting first.
    """
    pathway = _open_pathway(actor=actor, pathway=pathway, action=policy.CONTRIBUTE)
    _same_municipality(actor, service, granting_department)
    _require_authority(actor=actor, pathway=pathway, department=granting_department, change=False)
    check_date(starts_on)
    check_date(ends_on)
    if not service.active:
        raise ValidationError(_("The service can no longer be granted."))
    if quantity is None or quantity <= 0:
        raise ValidationError(_("The quantity must be more than 0."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("The end cannot be before the start."))
    findings = list(findings)
    if any(finding.pathway_id != pathway.pk for finding in findings):
        raise ValidationError(_("Choose only findings from this pathway's assessments."))
    intervention = Intervention.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        service=service,
        starts_on=starts_on,
        ends_on=ends_on,
        quantity=quantity,
        unit=service.unit,
        unit_price=service.unit_price,
        granting_department=granting_department,
        service_department_id=service.department_id,
        granted_by=actor,
        note=note.strip(),
    )
    if findings:
        intervention.findings.add(*findings)
    event_record(
        actor=actor,
        code="intervention.granted",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"service": service.name, "starts_on": starts_on.strftime("%d.%m.%Y")},
    )
    return intervention


@transaction.atomic
def intervention_end(
    *, actor, pathway: Pathway, intervention: Intervention, ends_on: datetime.date, expected_version: int
) -> Intervention:
    """End an intervention on a date (or move its end date): the granting department's or the coordinator's call."""
    pathway = _open_pathway(actor=actor, pathway=pathway, action=policy.CONTRIBUTE)
    intervention = _intervention_of(pathway, intervention)
    _require_authority(actor=actor, pathway=pathway, department=intervention.granting_department, change=True)
    if intervention.version != expected_version:
        raise ConflictError(
            _("Someone else changed this intervention while you were working on it. Look at it again and save.")
        )
    check_date(ends_on)
    if ends_on < intervention.starts_on:
        raise ValidationError(_("The end cannot be before the start."))
    if intervention.ends_on == ends_on:
        return intervention
    intervention.ends_on = ends_on
    intervention.version += 1
    intervention.save(update_fields=["ends_on", "version", "updated_at"])
    event_record(
        actor=actor,
        code="intervention.ended",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"service": intervention.service.name, "ends_on": ends_on.strftime("%d.%m.%Y")},
    )
    return intervention


# --- joint financing ---------------------------------------------------------------------------------------


def _check_shares(actor, shares) -> None:
    """A split: at least one share, each department once (of the actor's municipality), each share above 0 and at
    most 100 % with at most two decimals, adding up to exactly 100.00 %. `ValidationError` otherwise."""
    if not shares:
        raise ValidationError(_("Give at least one department's share."))
    departments = [department for department, _percent in shares]
    _same_municipality(actor, *departments)
    if len({department.pk for department in departments}) != len(departments):
        raise ValidationError(_("Each department can only have one share."))
    percents = [Decimal(percent) for _department, percent in shares]
    if any(percent <= 0 or percent > 100 or percent != percent.quantize(costs.ORE) for percent in percents):
        raise ValidationError(_("Each share must be more than 0 and at most 100 %, with at most two decimals."))
    added = sum(percents, Decimal("0"))
    if added != costs.HUNDRED:
        raise ValidationError(
            _("The shares add up to %(total)s %%; they must add up to exactly 100 %%.")
            % {"total": f"{added:.2f}".replace(".", ",")}
        )


def split_text(shares) -> str:
    """ "Jobcenter 60,00 %, Sundhed 40,00 %": a split as the events and messages write it."""
    return ", ".join(f"{department.name} {Decimal(percent):.2f} %".replace(".", ",") for department, percent in shares)


@transaction.atomic
def financing_decide(
    *,
    actor,
    pathway: Pathway,
    intervention: Intervention,
    shares: list[tuple[Department, Decimal]],
    reason: str,
    decided_on: datetime.date | None = None,
    family_motivated: bool = False,
    motivation_note: str = "",
    expected_version: int | None = None,
) -> FinancingDecision:
    """Decide (or re-assess) how the departments share the cost of an intervention: the coordinator's decision.

    The shares must be positive, name each department once, and add up to exactly 100.00 %; otherwise nothing is
    saved. The decision cannot be dated in the future nor before the intervention starts. Earlier decisions are
    kept: each covers the months up to the next (`costs.split_by_decisions`). `expected_version` is the
    intervention's version the form was built on (checked under the row lock; stale: `ConflictError`); every
    decision moves the intervention's version on.
    """
    pathway = _open_pathway(actor=actor, pathway=pathway, action=policy.MANAGE)
    intervention = _intervention_of(pathway, intervention)
    if expected_version is not None and intervention.version != expected_version:
        raise ConflictError(
            _(
                "Someone else decided on the financing of this intervention while you were working on it. "
                "Look at the decision now in force and save again."
            )
        )
    decided_on = decided_on or timezone.localdate()
    check_date(decided_on)
    if decided_on > timezone.localdate():
        raise ValidationError(_("A financing decision cannot be dated in the future."))
    if decided_on < intervention.starts_on:
        raise ValidationError(_("A financing decision cannot be dated before the intervention starts."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the split."))
    _check_shares(actor, shares)
    latest = FinancingDecision.objects.filter(intervention=intervention).order_by("-decided_on", "-id").first()
    if latest is not None and decided_on < latest.decided_on:
        raise ValidationError(_("A re-assessment cannot be dated before the decision it replaces."))
    decision = FinancingDecision.objects.create(
        municipality_id=pathway.municipality_id,
        intervention=intervention,
        pathway=pathway,
        decided_on=decided_on,
        reason=reason.strip(),
        family_motivated=family_motivated,
        motivation_note=motivation_note.strip(),
        decided_by=actor,
    )
    for department, percent in shares:  # one by one, so each share gets its change-log row
        FinancingShare.objects.create(
            municipality_id=pathway.municipality_id,
            decision=decision,
            pathway=pathway,
            department=department,
            percent=Decimal(percent),
        )
    intervention.version += 1
    intervention.save(update_fields=["version", "updated_at"])
    event_record(
        actor=actor,
        code="financing.decided",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"service": intervention.service.name, "split": split_text(shares)},
    )
    return decision


# --- the controller's review of the financing ---------------------------------------------------------------


def _save_review_shares(review: FinancingReview, part: str, shares) -> None:
    for department, percent in shares:  # one by one, so each share gets its change-log row
        FinancingReviewShare.objects.create(
            municipality_id=review.municipality_id,
            review=review,
            pathway_id=review.pathway_id,
            part=part,
            department=department,
            percent=Decimal(percent),
        )


def _review_subject(review: FinancingReview) -> str:
    return review.intervention.service.name if review.intervention_id else str(_("the pathway as a whole"))


@transaction.atomic
def financing_review_request(
    *,
    actor,
    pathway: Pathway,
    controller,
    question: str,
    intervention: Intervention | None = None,
    shares: list[tuple[Department, Decimal]] | None = None,
) -> FinancingReview:
    """Ask a named controller to review the pathway's financing split (seed 003 p. 11), with a question.

    Anyone who works in the pathway (`contribute`) may ask. The review is about the pathway's interventions as a
    whole or about one of them, and may carry a proposed split (`shares`, not yet a financing decision), checked as a
    decision's split is. The controller must be a current controller of the municipality and someone else than the
    actor. The pathway needs an intervention or a proposal: there is nothing else to review.
    """
    pathway = _open_pathway(actor=actor, pathway=pathway, action=policy.CONTRIBUTE)
    if intervention is not None:
        intervention = _intervention_of(pathway, intervention)
    if (
        controller is None
        or controller.municipality_id != pathway.municipality_id
        or not policy.can_see_costs(controller)
    ):
        raise ValidationError(_("Choose a controller of the municipality."))
    if controller.pk == actor.pk:
        raise ValidationError(_("Ask another controller than yourself."))
    if not question.strip():
        raise ValidationError(_("Write what the controller is asked to look at."))
    shares = list(shares or [])
    if shares:
        _check_shares(actor, shares)
    elif intervention is None and not Intervention.objects.filter(pathway=pathway).exists():
        raise ValidationError(_("The pathway has no interventions yet: propose a split for the controller to review."))
    review = FinancingReview.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        intervention=intervention,
        controller=controller,
        question=question.strip(),
        requested_by=actor,
    )
    _save_review_shares(review, ReviewSharePart.PROPOSAL, shares)
    event_record(
        actor=actor,
        code="financing.review_requested",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"controller": controller.get_full_name(), "subject": _review_subject(review)},
    )
    return review


def _review_is_open(review: FinancingReview) -> None:
    if review.status == ReviewStatus.ANSWERED:
        raise ValidationError(_("The controller has already answered this review."))
    if review.status == ReviewStatus.WITHDRAWN:
        raise ValidationError(_("The request for this review has been withdrawn."))


def _review_version(review: FinancingReview, expected_version: int) -> None:
    if review.version != expected_version:
        raise ConflictError(
            _("Someone else changed this review while you were working on it. Look at it again and save.")
        )


@transaction.atomic
def financing_review_withdraw(
    *, actor, pathway: Pathway, review: FinancingReview, expected_version: int
) -> FinancingReview:
    """Withdraw an open request (asked the wrong controller, or the question is settled): the one who asked or the
    coordinator. The controller's access to the pathway's financing ends with it; the request stays on record."""
    from django.http import Http404

    pathway = _open_pathway(actor=actor, pathway=pathway, action=policy.CONTRIBUTE)
    review = FinancingReview.objects.select_for_update().filter(pk=review.pk, pathway=pathway).first()
    if review is None:
        raise Http404
    if review.requested_by_id != actor.pk and not pathway.access.is_coordinator:
        raise ValidationError(_("Only the one who asked for the review or the coordinator can withdraw it."))
    _review_version(review, expected_version)
    _review_is_open(review)
    review.status = ReviewStatus.WITHDRAWN
    review.withdrawn_by = actor
    review.withdrawn_at = timezone.now()
    review.version += 1
    review.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "version", "updated_at"])
    event_record(
        actor=actor,
        code="financing.review_withdrawn",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"controller": review.controller.get_full_name(), "subject": _review_subject(review)},
    )
    return review


@transaction.atomic
def financing_review_answer(
    *,
    actor,
    review: FinancingReview,
    verdict: str,
    comment: str,
    expected_version: int,
    shares: list[tuple[Department, Decimal]] | None = None,
) -> FinancingReview:
    """The controller's answer: agrees with the split, or proposes another (`shares`, adding up to 100 %), with a
    comment. Only the controller the review names, while a controller and while the review is open; the answer
    closes the review, and with it the controller's access to the pathway's financing."""
    from django.http import Http404

    review = (
        FinancingReview.objects.visible_to(actor, policy.AGGREGATE).select_for_update().filter(pk=review.pk).first()
    )
    if review is None:
        raise Http404
    _review_version(review, expected_version)
    _review_is_open(review)
    shares = list(shares or [])
    if verdict not in ReviewVerdict.values:
        raise ValidationError(_("Say whether you agree with the split or propose another."))
    if verdict == ReviewVerdict.AGREES and shares:
        raise ValidationError(_("You agree with the split, so leave the shares empty (or propose another split)."))
    if verdict == ReviewVerdict.OTHER_SPLIT:
        _check_shares(actor, shares)
        if not comment.strip():
            raise ValidationError(_("Explain the split you propose."))
    review.status = ReviewStatus.ANSWERED
    review.verdict = verdict
    review.comment = comment.strip()
    review.answered_at = timezone.now()
    review.version += 1
    review.save(update_fields=["status", "verdict", "comment", "answered_at", "version", "updated_at"])
    _save_review_shares(review, ReviewSharePart.COUNTER, shares)
    answer = review.get_verdict_display()
    if shares:
        answer = f"{answer}: {split_text(shares)}"
    event_record(
        actor=actor,
        code="financing.review_answered",
        municipality_id=review.municipality_id,
        pathway=review.pathway,
        data={"subject": _review_subject(review), "answer": answer},
    )
    return review


# --- exemptions --------------------------------------------------------------------------------------------


@transaction.atomic
def exemption_register(
    *,
    actor,
    pathway: Pathway,
    law: str,
    paragraph: str,
    reason: str,
    used_on: datetime.date | None = None,
    intervention: Intervention | None = None,
) -> LegalExemptionUse:
    """Register one use of a free-municipality exemption on the pathway (optionally for one intervention)."""
    pathway = _open_pathway(actor=actor, pathway=pathway, action=policy.CONTRIBUTE)
    if intervention is not None:
        intervention = _intervention_of(pathway, intervention)
    if law not in Law.values:
        raise ValidationError(_("Choose the law."))
    if not paragraph.strip() or not reason.strip():
        raise ValidationError(_("Give the paragraph and the reason for using the exemption."))
    paragraph = check_paragraph(paragraph)
    check_date(used_on)
    use = LegalExemptionUse.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        intervention=intervention,
        law=law,
        paragraph=paragraph.strip(),
        reason=reason.strip(),
        used_on=used_on or timezone.localdate(),
        registered_by=actor,
    )
    event_record(
        actor=actor,
        code="exemption.registered",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"law": law, "paragraph": use.paragraph},
    )
    return use


# --- operating costs ---------------------------------------------------------------------------------------


class OperatingCostExists(ConflictError):
    """An amount is already registered for the programme, month and element: `current` is it."""

    def __init__(self, message, current: Decimal):
        super().__init__(message)
        self.current = current


@transaction.atomic
def operating_cost_register(
    *,
    actor,
    programme: Programme,
    month: datetime.date,
    element: str,
    amount: Decimal,
    note: str = "",
    replaces: Decimal | None = None,
) -> OperatingCost:
    """Register a programme element's operating cost for a month, or replace the one registered.

    `replaces` is the amount the actor saw registered and means to replace (None: the actor expects none).
    When what is registered differs (checked under the row lock), `OperatingCostExists` is raised with the
    current amount and nothing is written, so two people never overwrite each other's figures unseen.
    """
    if not can_register_operating_costs(actor):
        raise PermissionDenied
    _same_municipality(actor, programme)
    if element not in ProgrammeElement.values:
        raise ValidationError(_("Choose the programme element."))
    if amount is None or amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    check_date(month)
    month = costs.first_of_month(month)
    cost, created = OperatingCost.objects.select_for_update().get_or_create(
        municipality_id=actor.municipality_id,
        programme=programme,
        month=month,
        element=element,
        defaults={"amount": amount, "note": note.strip(), "registered_by": actor},
    )
    if not created:
        if replaces is None or Decimal(replaces) != cost.amount:
            raise OperatingCostExists(
                _(
                    "%(amount)s kr. is already registered for this programme, month and element. "
                    "Save again to replace it."
                )
                % {"amount": f"{cost.amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")},
                current=cost.amount,
            )
        if cost.amount == amount and cost.note == note.strip():
            return cost
        cost.amount, cost.note, cost.registered_by = amount, note.strip(), actor
        cost.save(update_fields=["amount", "note", "registered_by", "updated_at"])
    event_record(
        actor=actor,
        code="operating_cost.registered",
        municipality_id=actor.municipality_id,
        data={
            "programme": programme.name,
            "month": month.strftime("%m.%Y"),
            "element": element,
            "amount": f"{amount:.2f}".replace(".", ","),
        },
    )
    return cost
