"""Writes of appointments (*samtaler*): a department's conversation with a citizen, at a drop-in centre or at the
department, and whether the citizen came, cancelled in time or did not show. Keyword-only, `appointment_<action>`,
atomic; each checks who acts (`access.can_register`), re-reads what it changes through the scope (locked), checks the
version, validates with Danish messages by field and records the event in the same transaction.

Who the citizen is: a registered citizen (by CPR number), a person known at the centre the appointment is at (by the
centre's name for them), or a reference only (e.g. the booking system's number). A reference never holds a CPR number.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.citizens import cpr
from samspil.citizens.services import citizen_find_by_cpr
from samspil.core.exceptions import ConflictError
from samspil.organisations.models import Department, ExternalOrganisation
from samspil.outreach import access, selectors_contacts
from samspil.outreach.choices import AppointmentOutcome, AppointmentPlace
from samspil.outreach.models import Appointment

REF_MAX_LENGTH = Appointment._meta.get_field("citizen_ref").max_length
DAYS_AHEAD = 366  # an appointment is booked at most a year ahead


class CitizenKind(models.TextChoices):
    """How the form names the citizen of an appointment."""

    REGISTERED = "registered", gettext_lazy("A registered citizen (CPR number)")
    PERSON = "person", gettext_lazy("A person known at the drop-in centre")
    REFERENCE = "reference", gettext_lazy("A reference only (e.g. the booking number)")


def citizen_kind_of(appointment: Appointment) -> str:
    if appointment.person_id:
        return CitizenKind.PERSON
    if appointment.citizen_id:
        return CitizenKind.REGISTERED
    return CitizenKind.REFERENCE


def department_choices(actor):
    """The departments an actor records appointments for: their current ones; the project leader any."""
    departments = Department.objects.filter(municipality_id=actor.municipality_id).order_by("name")
    if access.sees_whole_municipality(actor):
        return departments
    return departments.filter(pk__in=policy.current_department_ids(actor))


def centre_choices(actor):
    return ExternalOrganisation.objects.filter(
        municipality_id=actor.municipality_id, kind__in=access.DROP_IN_KINDS
    ).order_by("name")


def _require_registrar(actor) -> None:
    if not (policy.is_municipal_staff(actor) and access.can_register(actor)):
        raise PermissionDenied


def _event_data(appointment: Appointment) -> dict:
    return {
        "department": appointment.department.name,
        "date": appointment.occurred_on.strftime("%d.%m.%Y"),
        "appointment_outcome": appointment.outcome,
    }


def _clean(*, actor, values: dict, current: Appointment | None = None) -> dict:
    """The appointment's fields checked against each other; the citizen resolved. ValidationError by field."""
    errors = {}
    today = timezone.localdate()
    occurred_on = values["occurred_on"]
    outcome = values.get("outcome") or ""
    department = values.get("department")
    if department is None:
        errors["department"] = _("Choose the department.")
    elif not (current is not None and department.pk == current.department_id) and (
        not department_choices(actor).filter(pk=department.pk).exists()
    ):
        errors["department"] = _("You can record appointments for your own departments only.")
    if occurred_on is None:
        errors["occurred_on"] = _("Give the date of the appointment.")
    elif occurred_on > today + datetime.timedelta(days=DAYS_AHEAD):
        errors["occurred_on"] = _("An appointment can be booked at most a year ahead.")
    elif outcome and occurred_on > today:
        errors["outcome"] = _(
            "The appointment has not taken place yet, so it has no outcome. Leave the outcome empty until the day."
        )
    if outcome and outcome not in AppointmentOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    place, centre = values.get("place"), values.get("centre")
    if place not in AppointmentPlace.values:
        errors["place"] = _("Choose where the appointment is.")
    elif place == AppointmentPlace.CENTRE and centre is None:
        errors["centre"] = _("Choose the drop-in centre the appointment is at.")
    elif place == AppointmentPlace.OFFICE and centre is not None:
        errors["centre"] = _("An appointment at the department is not at a drop-in centre: leave the centre empty.")
    if centre is not None and not centre_choices(actor).filter(pk=centre.pk).exists():
        errors["centre"] = _("Choose one of the municipality's drop-in centres.")

    kind = values.get("citizen_kind")
    citizen = person = None
    citizen_ref = " ".join((values.get("citizen_ref") or "").split())
    if kind == CitizenKind.REGISTERED:
        digits = values.get("cpr_digits") or ""
        if digits:
            citizen = citizen_find_by_cpr(municipality_id=actor.municipality_id, digits=digits)
            if citizen is None:
                errors["cpr_number"] = _(
                    "No citizen with this CPR number is registered in the municipality. Register the citizen first, "
                    "or name the citizen by a reference."
                )
        elif current is not None and current.citizen_id and not current.person_id:
            citizen = current.citizen  # the form leaves the CPR number empty to keep the citizen
        else:
            errors["cpr_number"] = _("Write the citizen's CPR number.")
    elif kind == CitizenKind.PERSON:
        pseudonym = " ".join((values.get("pseudonym") or "").split())
        if place != AppointmentPlace.CENTRE:
            errors["citizen_kind"] = _(
                "A person known at a drop-in centre can only be named for an appointment at that centre; name the "
                "citizen by a reference instead."
            )
        elif not pseudonym:
            errors["pseudonym"] = _("Write the name the centre uses for the citizen.")
        elif centre is not None and "centre" not in errors:
            person = selectors_contacts.person_by_name(centre=centre, pseudonym=pseudonym)
            if person is None:
                errors["pseudonym"] = _(
                    "Nobody is known by this name at %(centre)s. Check the spelling, or name the citizen by a "
                    "reference."
                ) % {"centre": centre.name}
            else:
                citizen = person.citizen  # a person linked to a registered citizen: the appointment is theirs too
    elif kind == CitizenKind.REFERENCE:
        if not citizen_ref:
            errors["citizen_ref"] = _("Write a reference to the citizen, for example the booking number.")
    else:
        errors["citizen_kind"] = _("Choose how the citizen is named.")
    if len(citizen_ref) > REF_MAX_LENGTH:
        errors["citizen_ref"] = _("The reference can be at most %(count)d characters.") % {"count": REF_MAX_LENGTH}
    elif citizen_ref and cpr.written_like_cpr(citizen_ref):
        errors["citizen_ref"] = _(
            "The reference looks like a CPR number. Choose “a registered citizen” and write the CPR number there."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "department": department,
        "occurred_on": occurred_on,
        "place": place,
        "centre": centre if place == AppointmentPlace.CENTRE else None,
        "citizen": citizen,
        "person": person,
        "citizen_ref": citizen_ref,
        "outcome": outcome,
    }


@transaction.atomic
def appointment_record(
    *,
    actor,
    department,
    occurred_on: datetime.date,
    place: str,
    centre=None,
    citizen_kind: str,
    cpr_digits: str = "",
    pseudonym: str = "",
    citizen_ref: str = "",
    outcome: str = "",
) -> Appointment:
    """Record a department's appointment with a citizen (its outcome now, or later with `appointment_update`)."""
    _require_registrar(actor)
    values = _clean(
        actor=actor,
        values={
            "department": department,
            "occurred_on": occurred_on,
            "place": place,
            "centre": centre,
            "citizen_kind": citizen_kind,
            "cpr_digits": cpr_digits,
            "pseudonym": pseudonym,
            "citizen_ref": citizen_ref,
            "outcome": outcome,
        },
    )
    appointment = Appointment.objects.create(municipality_id=actor.municipality_id, recorded_by=actor, **values)
    event_record(
        actor=actor,
        code="outreach.appointment_recorded" if appointment.outcome else "outreach.appointment_planned",
        municipality_id=appointment.municipality_id,
        data=_event_data(appointment),
    )
    return appointment


def _locked(actor, appointment: Appointment, expected_version: int) -> Appointment:
    _require_registrar(actor)
    locked = (
        policy.restrict(Appointment.objects, actor, policy.CONTRIBUTE)
        .select_for_update(of=("self",))
        .select_related("citizen", "person")
        .filter(pk=appointment.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this appointment while you were working on it. Look at the saved values and "
                "save again."
            )
        )
    return locked


def _save(actor, appointment: Appointment, values: dict) -> Appointment:
    changed = [name for name, value in values.items() if getattr(appointment, name) != value]
    if not changed:
        return appointment
    outcome_changed = "outcome" in changed
    for name in changed:
        setattr(appointment, name, values[name])
    appointment.version += 1
    appointment.save(update_fields=[*changed, "version", "updated_at"])
    event_record(
        actor=actor,
        code="outreach.appointment_recorded"
        if outcome_changed and appointment.outcome
        else "outreach.appointment_changed",
        municipality_id=appointment.municipality_id,
        data=_event_data(appointment),
    )
    return appointment


@transaction.atomic
def appointment_update(
    *,
    actor,
    appointment: Appointment,
    expected_version: int,
    department,
    occurred_on: datetime.date,
    place: str,
    centre=None,
    citizen_kind: str,
    cpr_digits: str = "",
    pseudonym: str = "",
    citizen_ref: str = "",
    outcome: str = "",
) -> Appointment:
    """Change an appointment (and set its outcome); ConflictError when someone else saved it meanwhile."""
    locked = _locked(actor, appointment, expected_version)
    values = _clean(
        actor=actor,
        current=locked,
        values={
            "department": department,
            "occurred_on": occurred_on,
            "place": place,
            "centre": centre,
            "citizen_kind": citizen_kind,
            "cpr_digits": cpr_digits,
            "pseudonym": pseudonym,
            "citizen_ref": citizen_ref,
            "outcome": outcome,
        },
    )
    return _save(actor, locked, values)


@transaction.atomic
def appointment_outcome_set(*, actor, appointment: Appointment, expected_version: int, outcome: str) -> Appointment:
    """Set only the outcome (from the list, after the day); the same rules as a full change."""
    locked = _locked(actor, appointment, expected_version)
    if outcome not in AppointmentOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    if locked.occurred_on > timezone.localdate():
        raise ValidationError(
            {
                "outcome": _(
                    "The appointment has not taken place yet, so it has no outcome. Leave the outcome empty until the "
                    "day."
                )
            }
        )
    return _save(actor, locked, {"outcome": outcome})
