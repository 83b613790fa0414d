"""Writes for cooperation agreements (*samarbejdsaftaler*), their contact people and fixed weekly hours, and group
activities (*holdbaserede aktiviteter*) with their sessions and participants. Keyword-only, `<entity>_<action>`,
atomic; the project leader only (`access.can_manage`).

Every service checks the role, re-reads the row it changes through the scoped queryset, locked (MANAGE), compares
the `version` of an agreement or an activity (`ConflictError`, nothing written), validates with Danish messages
(`ValidationError` keyed by the form's field names), saves and records the event in the same transaction. The
signed document is checked by its content as shared documents are (`documents.filetypes`) and stored under a random
name; a refused file saves nothing, and a write that fails after the file was stored removes it again.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.services import event_record
from samspil.citizens import cpr
from samspil.citizens.services import citizen_find_by_cpr
from samspil.core.exceptions import ConflictError
from samspil.documents import filetypes
from samspil.outreach import access
from samspil.outreach.choices import AgreementSide, Element, Weekday
from samspil.outreach.models import (
    AgreementContact,
    ContactPerson,
    CooperationAgreement,
    GroupActivity,
    GroupParticipant,
    GroupSession,
    OutreachHours,
)


def _conflict() -> ConflictError:
    return ConflictError(
        _("Someone else changed this while you were working on it. Look at the saved values and save again.")
    )


def _require_manager(actor) -> None:
    if not access.can_manage(actor):
        raise PermissionDenied


def _locked(actor, model, pk):
    """The row, re-read through the scope for writing and locked; PermissionDenied when the actor may not write."""
    _require_manager(actor)
    try:
        return policy.restrict(model.objects, actor, policy.MANAGE).select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise PermissionDenied from None


def _save_changed(row, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        if hasattr(row, "version"):
            row.version += 1
            changed.append("version")
        row.save(update_fields=[*changed, "updated_at"])
    return changed


# --- the rules, shared with the forms ---------------------------------------------------------------------------


def agreement_dates_errors(starts_on, renew_on, ends_on) -> dict:
    """In force from ≤ up for renewal ≤ ends (each when given)."""
    errors = {}
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The agreement cannot end before it comes into force.")
    if starts_on and renew_on and renew_on < starts_on:
        errors["renew_on"] = _("The renewal date cannot be before the agreement comes into force.")
    elif ends_on and renew_on and renew_on > ends_on:
        errors["renew_on"] = _("The renewal date cannot be after the agreement ends.")
    return errors


def activity_dates_errors(starts_on, ends_on) -> dict:
    if starts_on and ends_on and ends_on < starts_on:
        return {"ends_on": _("The activity cannot end before it starts.")}
    return {}


def hours_time_errors(starts_at, ends_at) -> dict:
    if starts_at and ends_at and ends_at <= starts_at:
        return {"ends_at": _("The hours must end after they start.")}
    return {}


def _hm(value: datetime.time) -> str:
    return value.strftime("%H.%M")


# --- agreements -------------------------------------------------------------------------------------------------


def _agreement_values(*, title, elements, starts_on, renew_on, ends_on, note, programme, municipality_id) -> dict:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the agreement a title.")
    elements = [code for code in Element.values if code in set(elements or ())]
    if not elements:
        errors["elements"] = _("Choose at least one of the model's elements.")
    elif len(elements) != len(set(elements or ())):
        errors["elements"] = _("Choose among the model's elements.")
    if starts_on is None:
        errors["starts_on"] = _("Give the date the agreement comes into force.")
    errors.update(agreement_dates_errors(starts_on, renew_on, ends_on))
    if programme is not None and programme.municipality_id != municipality_id:
        errors["programme"] = _("Choose a programme of the municipality.")
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "elements": elements,
        "starts_on": starts_on,
        "renew_on": renew_on,
        "ends_on": ends_on,
        "note": (note or "").strip(),
        "programme": programme,
    }


def _inspect(upload):
    if upload is None:
        return None
    try:
        return filetypes.inspect(upload)
    except ValidationError as error:
        raise ValidationError({"document": error.messages}) from None


def _store_document(agreement: CooperationAgreement, upload, found) -> str:
    """Store the signed document under a random name (`models.agreement_storage_name`); the stored name."""
    agreement.document_name = filetypes.safe_name(upload.name, found.kind)
    agreement.document_content_type = found.content_type
    agreement.document_size = found.size
    agreement.document_sha256 = found.sha256
    agreement.document.save(upload.name, upload, save=False)
    return agreement.document.name


def _delete_stored(name: str) -> None:
    if name:
        CooperationAgreement.document.field.storage.delete(name)


def _agreement_event(actor, agreement: CooperationAgreement) -> None:
    event_record(
        actor=actor,
        code="outreach.agreement_saved",
        municipality_id=agreement.municipality_id,
        data={"agreement": agreement.title, "centre": agreement.centre.name},
    )


def agreement_create(
    *,
    actor,
    centre,
    title: str,
    elements,
    starts_on: datetime.date,
    renew_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
    programme=None,
    upload=None,
) -> CooperationAgreement:
    """A new agreement with a drop-in centre of the actor's municipality, with its signed document if given."""
    _require_manager(actor)
    if centre.municipality_id != actor.municipality_id or centre.kind not in access.DROP_IN_KINDS:
        raise ValidationError({"centre": _("Choose one of the municipality's drop-in centres.")})
    values = _agreement_values(
        title=title,
        elements=elements,
        starts_on=starts_on,
        renew_on=renew_on,
        ends_on=ends_on,
        note=note,
        programme=programme,
        municipality_id=actor.municipality_id,
    )
    found = _inspect(upload)
    stored = ""
    try:
        with transaction.atomic():
            agreement = CooperationAgreement(municipality_id=actor.municipality_id, centre=centre, **values)
            if found is not None:
                stored = _store_document(agreement, upload, found)
            agreement.save()
            _agreement_event(actor, agreement)
    except Exception:
        _delete_stored(stored)
        raise
    return agreement


def agreement_update(
    *,
    actor,
    agreement: CooperationAgreement,
    expected_version: int,
    title: str,
    elements,
    starts_on: datetime.date,
    renew_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
    programme=None,
    upload=None,
    remove_document: bool = False,
) -> CooperationAgreement:
    """Change an agreement (the centre stays). A new document replaces the old; the old file is removed once the
    change is committed (the change log keeps its name and SHA-256)."""
    found = _inspect(upload) if upload is not None else None
    stored = ""
    try:
        with transaction.atomic():
            agreement = _locked(actor, CooperationAgreement, agreement.pk)
            if agreement.version != expected_version:
                raise _conflict()
            values = _agreement_values(
                title=title,
                elements=elements,
                starts_on=starts_on,
                renew_on=renew_on,
                ends_on=ends_on,
                note=note,
                programme=programme,
                municipality_id=agreement.municipality_id,
            )
            missing = set(agreement.hours.values_list("element", flat=True)) - set(values["elements"])
            if missing:
                raise ValidationError(
                    {
                        "elements": _(
                            "The agreement has fixed hours for %(elements)s. Remove those hours first, or keep the "
                            "element."
                        )
                        % {"elements": ", ".join(str(Element(code).label) for code in sorted(missing))}
                    }
                )
            old_name = agreement.document.name if agreement.document else ""
            document_fields = []
            if found is not None:
                stored = _store_document(agreement, upload, found)
                document_fields = ["document", "document_name", "document_content_type", "document_size"]
                document_fields.append("document_sha256")
            elif remove_document and old_name:
                agreement.document = ""
                agreement.document_name = agreement.document_content_type = agreement.document_sha256 = ""
                agreement.document_size = None
                document_fields = ["document", "document_name", "document_content_type", "document_size"]
                document_fields.append("document_sha256")
            changed = [name for name, value in values.items() if getattr(agreement, name) != value]
            for name in changed:
                setattr(agreement, name, values[name])
            if changed or document_fields:
                agreement.version += 1
                agreement.save(update_fields=[*changed, *document_fields, "version", "updated_at"])
                _agreement_event(actor, agreement)
                if document_fields and old_name:
                    transaction.on_commit(lambda: _delete_stored(old_name))
    except Exception:
        _delete_stored(stored)
        raise
    return agreement


# --- contact people ---------------------------------------------------------------------------------------------


@transaction.atomic
def agreement_contact_add(
    *,
    actor,
    agreement: CooperationAgreement,
    side: str,
    user=None,
    external_contact=None,
    name: str = "",
    role: str = "",
    phone: str = "",
    email: str = "",
) -> AgreementContact:
    """A contact person on the municipality's side (a staff member, or a name) or the centre's (one of the centre's
    contacts, or a name)."""
    agreement = _locked(actor, CooperationAgreement, agreement.pk)
    name = (name or "").strip()
    errors = {}
    if side not in AgreementSide.values:
        errors["side"] = _("Choose the side the contact person is on.")
    given = [x for x in (user, external_contact, name or None) if x is not None]
    if len(given) != 1:
        errors["name"] = (
            _("Choose a staff member, one of the centre's contacts or write a name (one of them).")
            if given
            else _("Choose the contact person or write a name.")
        )
    if user is not None and (
        side != AgreementSide.MUNICIPALITY
        or user.municipality_id != agreement.municipality_id
        or not user.is_staff_account
        or not user.is_active
    ):
        errors["user"] = _("A staff member of the municipality is a contact on the municipality's side.")
    if external_contact is not None and (
        side != AgreementSide.CENTRE or external_contact.organisation_id != agreement.centre_id
    ):
        errors["external_contact"] = _("Choose one of the centre's own contacts, on the centre's side.")
    if errors:
        raise ValidationError(errors)
    duplicate = AgreementContact.objects.filter(agreement=agreement, side=side)
    if (user is not None and duplicate.filter(user=user).exists()) or (
        external_contact is not None and duplicate.filter(external_contact=external_contact).exists()
    ):
        raise ValidationError({"name": _("This person is already a contact of the agreement.")})
    contact = AgreementContact.objects.create(
        municipality_id=agreement.municipality_id,
        agreement=agreement,
        side=side,
        user=user,
        external_contact=external_contact,
        name=name,
        role=(role or "").strip(),
        phone=(phone or "").strip(),
        email=(email or "").strip(),
    )
    _agreement_event(actor, agreement)
    return contact


@transaction.atomic
def agreement_contact_remove(*, actor, contact: AgreementContact) -> None:
    contact = _locked(actor, AgreementContact, contact.pk)
    agreement = contact.agreement
    contact.delete()
    _agreement_event(actor, agreement)


# --- fixed weekly hours -----------------------------------------------------------------------------------------


def _overlapping_hours(*, agreement, department, weekday, starts_at, ends_at):
    """The same department's hours at the same centre on the same weekday, at times overlapping these, under an
    agreement whose period overlaps this one's."""
    others = OutreachHours.objects.filter(
        municipality_id=agreement.municipality_id,
        agreement__centre_id=agreement.centre_id,
        department=department,
        weekday=weekday,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).select_related("agreement")
    if agreement.ends_on is not None:
        others = others.filter(agreement__starts_on__lte=agreement.ends_on)
    return others.filter(Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=agreement.starts_on))


@transaction.atomic
def hours_add(
    *,
    actor,
    agreement: CooperationAgreement,
    department,
    element: str,
    weekday: int,
    starts_at: datetime.time,
    ends_at: datetime.time,
    staff=None,
    note: str = "",
) -> OutreachHours:
    """A department's fixed weekly hours at the centre under the agreement (*Jobcenter og Ydelse, tirsdag 10–12*)."""
    agreement = _locked(actor, CooperationAgreement, agreement.pk)
    errors = {}
    if department.municipality_id != agreement.municipality_id:
        errors["department"] = _("Choose a department of the municipality.")
    if element not in agreement.elements:
        errors["element"] = _("The agreement does not include this element. Add it to the agreement first.")
    if weekday not in Weekday.values:
        errors["weekday"] = _("Choose a weekday.")
    errors.update(hours_time_errors(starts_at, ends_at))
    if staff is not None and (staff.municipality_id != agreement.municipality_id or not staff.is_active):
        errors["staff"] = _("Choose a staff member of the municipality.")
    if not errors:
        clash = _overlapping_hours(
            agreement=agreement, department=department, weekday=weekday, starts_at=starts_at, ends_at=ends_at
        ).first()
        if clash is not None:
            errors["starts_at"] = _(
                "%(department)s already has hours at this centre on %(weekday)s %(start)s–%(end)s. The same "
                "department's hours at a centre must not overlap."
            ) % {
                "department": department.name,
                "weekday": str(Weekday(weekday).label).lower(),
                "start": _hm(clash.starts_at),
                "end": _hm(clash.ends_at),
            }
    if errors:
        raise ValidationError(errors)
    hours = OutreachHours.objects.create(
        municipality_id=agreement.municipality_id,
        agreement=agreement,
        department=department,
        element=element,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        staff=staff,
        note=(note or "").strip(),
    )
    _agreement_event(actor, agreement)
    return hours


@transaction.atomic
def hours_remove(*, actor, hours: OutreachHours) -> None:
    hours = _locked(actor, OutreachHours, hours.pk)
    agreement = hours.agreement
    hours.delete()
    _agreement_event(actor, agreement)


# --- group activities -------------------------------------------------------------------------------------------


def _activity_values(*, title, description, starts_on, ends_on) -> dict:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the activity a title.")
    if starts_on is None:
        errors["starts_on"] = _("Give the date the activity starts.")
    errors.update(activity_dates_errors(starts_on, ends_on))
    if errors:
        raise ValidationError(errors)
    return {"title": title, "description": (description or "").strip(), "starts_on": starts_on, "ends_on": ends_on}


def _activity_event(actor, activity: GroupActivity, code: str = "outreach.activity_saved", **data) -> None:
    event_record(
        actor=actor,
        code=code,
        municipality_id=activity.municipality_id,
        data={"activity": activity.title, "centre": activity.centre.name, **data},
    )


@transaction.atomic
def activity_create(
    *, actor, centre, title: str, description: str = "", starts_on: datetime.date, ends_on=None
) -> GroupActivity:
    _require_manager(actor)
    if centre.municipality_id != actor.municipality_id or centre.kind not in access.DROP_IN_KINDS:
        raise ValidationError({"centre": _("Choose one of the municipality's drop-in centres.")})
    values = _activity_values(title=title, description=description, starts_on=starts_on, ends_on=ends_on)
    activity = GroupActivity.objects.create(municipality_id=actor.municipality_id, centre=centre, **values)
    _activity_event(actor, activity)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor,
    activity: GroupActivity,
    expected_version: int,
    title: str,
    description: str = "",
    starts_on: datetime.date,
    ends_on=None,
) -> GroupActivity:
    activity = _locked(actor, GroupActivity, activity.pk)
    if activity.version != expected_version:
        raise _conflict()
    values = _activity_values(title=title, description=description, starts_on=starts_on, ends_on=ends_on)
    if _save_changed(activity, values):
        _activity_event(actor, activity)
    return activity


def _session_values(*, activity, held_on, anonymous_count, note) -> dict:
    errors = {}
    if held_on is None:
        errors["held_on"] = _("Give the date of the session.")
    elif held_on < activity.starts_on or (activity.ends_on is not None and held_on > activity.ends_on):
        errors["held_on"] = _("The session must be held while the activity runs.")
    if anonymous_count is None or anonymous_count < 0:
        errors["anonymous_count"] = _("Give the number of participants who are not named (0 or more).")
    elif anonymous_count > 1000:
        errors["anonymous_count"] = _("At most 1.000 participants in one session.")
    if errors:
        raise ValidationError(errors)
    return {"held_on": held_on, "anonymous_count": anonymous_count, "note": (note or "").strip()}


@transaction.atomic
def session_add(
    *, actor, activity: GroupActivity, held_on: datetime.date, anonymous_count: int = 0, note: str = ""
) -> GroupSession:
    activity = _locked(actor, GroupActivity, activity.pk)
    values = _session_values(activity=activity, held_on=held_on, anonymous_count=anonymous_count, note=note)
    session = GroupSession.objects.create(municipality_id=activity.municipality_id, activity=activity, **values)
    _activity_event(actor, activity, "outreach.session_saved", date=held_on.strftime("%d.%m.%Y"))
    return session


@transaction.atomic
def session_update(
    *, actor, session: GroupSession, held_on: datetime.date, anonymous_count: int, note: str = ""
) -> GroupSession:
    session = _locked(actor, GroupSession, session.pk)
    activity = session.activity
    values = _session_values(activity=activity, held_on=held_on, anonymous_count=anonymous_count, note=note)
    if _save_changed(session, values):
        _activity_event(actor, activity, "outreach.session_saved", date=session.held_on.strftime("%d.%m.%Y"))
    return session


@transaction.atomic
def session_remove(*, actor, session: GroupSession) -> None:
    session = _locked(actor, GroupSession, session.pk)
    activity = session.activity
    held_on = session.held_on
    session.participants.all().delete()  # one by one through the signal: each removal is in the change log
    session.delete()
    _activity_event(actor, activity, "outreach.session_removed", date=held_on.strftime("%d.%m.%Y"))


@transaction.atomic
def participant_add(
    *, actor, session: GroupSession, person: ContactPerson | None = None, cpr_number: str = ""
) -> GroupParticipant:
    """A named participant: a person known at the activity's centre, or a registered citizen found by CPR number
    (`citizens.services.citizen_find_by_cpr`; nobody is registered here). Each person once a session."""
    session = _locked(actor, GroupSession, session.pk)
    activity = session.activity
    cpr_number = (cpr_number or "").strip()
    if (person is None) == (not cpr_number):
        raise ValidationError({"person": _("Choose a person known at the centre or give a CPR number (one of them).")})
    citizen = None
    if person is not None:
        if person.centre_id != activity.centre_id or person.municipality_id != activity.municipality_id:
            raise ValidationError({"person": _("Choose a person known at this centre.")})
    else:
        try:
            digits = cpr.normalise(cpr_number)
        except ValidationError as error:
            raise ValidationError({"cpr_number": error.messages}) from None
        citizen = citizen_find_by_cpr(municipality_id=activity.municipality_id, digits=digits)
        if citizen is None:
            raise ValidationError(
                {"cpr_number": _("No citizen with this CPR number is registered in the municipality.")}
            )
    # The same person once: by the centre's name, or as the citizen a person known at the centre is linked to.
    same = Q(person=person) if person is not None else Q(pk__in=[])
    citizen_id = citizen.pk if citizen is not None else person.citizen_id
    if citizen_id is not None:
        same |= Q(citizen_id=citizen_id) | Q(person__citizen_id=citizen_id)
    already = GroupParticipant.objects.filter(session=session).filter(same).exists()
    if already:
        raise ValidationError({"person" if person is not None else "cpr_number": _("Already a participant.")})
    participant = GroupParticipant.objects.create(
        municipality_id=activity.municipality_id, session=session, person=person, citizen=citizen
    )
    _activity_event(actor, activity, "outreach.session_saved", date=session.held_on.strftime("%d.%m.%Y"))
    return participant


@transaction.atomic
def participant_remove(*, actor, participant: GroupParticipant) -> None:
    participant = _locked(actor, GroupParticipant, participant.pk)
    session = participant.session
    participant.delete()
    _activity_event(actor, session.activity, "outreach.session_saved", date=session.held_on.strftime("%d.%m.%Y"))
