"""Helpers for the drop-in-centre model in tests (on top of tests/factories.py). Rows are written directly; the
services are tested on their own."""

import datetime
import hashlib

from django.utils import timezone

from samspil.organisations.choices import ExternalOrganisationKind
from samspil.outreach.choices import Element, Identity, Weekday
from samspil.outreach.models import (
    AgreementContact,
    Appointment,
    ContactPerson,
    ContactRegistration,
    CooperationAgreement,
    GroupActivity,
    GroupParticipant,
    GroupSession,
    OutreachHours,
)
from tests import factories as f


def make_centre(municipality, name="Værestedet Havnen", kind=ExternalOrganisationKind.DROP_IN_PRIVATE):
    return f.ExternalOrganisationFactory(municipality=municipality, name=name, kind=kind)


def make_agreement(centre, *, programme=None, starts_on=None, elements=None, **fields) -> CooperationAgreement:
    return CooperationAgreement.objects.create(
        municipality=centre.municipality,
        centre=centre,
        programme=programme,
        title=fields.pop("title", f"Samarbejdsaftale med {centre.name}"),
        elements=elements if elements is not None else [e.value for e in Element],
        starts_on=starts_on or timezone.localdate() - datetime.timedelta(days=365),
        **fields,
    )


def make_hours(agreement, department, *, element=Element.OUTREACH_CASEWORK, weekday=Weekday.TUESDAY, **fields):
    return OutreachHours.objects.create(
        municipality=agreement.municipality,
        agreement=agreement,
        department=department,
        element=element,
        weekday=weekday,
        starts_at=fields.pop("starts_at", datetime.time(10, 0)),
        ends_at=fields.pop("ends_at", datetime.time(12, 0)),
        **fields,
    )


def make_person(centre, pseudonym="Store Jens", citizen=None) -> ContactPerson:
    return ContactPerson.objects.create(
        municipality=centre.municipality, centre=centre, pseudonym=pseudonym, citizen=citizen
    )


def make_drop_in_staff(contact, *, invited_by=None, **fields):
    """A partner account of a drop-in centre's contact person holding an accepted invitation to the centre's pages
    (drop-in staff, `outreach.access.partner_centre`); `invited_by` a staff user (a new one when not given)."""
    from samspil.accounts.choices import AccountKind

    account = f.StaffUserFactory(
        municipality=contact.municipality, kind=AccountKind.PARTNER, external_contact=contact, **fields
    )
    make_drop_in_invitation(contact, account=account, invited_by=invited_by)
    return account


def make_drop_in_invitation(contact, *, account=None, invited_by=None, token=None, expires_at=None):
    """An invitation of `contact` to their centre's pages, accepted by `account` when given (else pending, its
    one-time link's token `token`)."""
    from samspil.partners.choices import PartnerLevel
    from samspil.partners.models import PartnerInvitation, token_hash

    now = timezone.now()
    return PartnerInvitation.objects.create(
        municipality=contact.municipality,
        centre=contact.organisation,
        external_contact=contact,
        level=PartnerLevel.WRITE,
        email=contact.email,
        token_hash=token_hash(token or f"drop-in-{contact.public_id.hex}"),
        expires_at=expires_at or now + datetime.timedelta(days=14),
        # A named inviter when none is given: no draw from the factories' name faker, so the names of the people a
        # test makes after this stay what they were.
        invited_by=invited_by
        or f.StaffUserFactory(municipality=contact.municipality, first_name="Projekt", last_name="Lederen"),
        accepted_at=now if account is not None else None,
        account=account,
    )


def make_registration(centre, department, *, recorded_by, person=None, citizen=None, occurred_on=None, **fields):
    if "identity" not in fields:
        fields["identity"] = Identity.PSEUDONYM if person else Identity.REGISTERED if citizen else Identity.ANONYMOUS
    return ContactRegistration.objects.create(
        municipality=centre.municipality,
        centre=centre,
        department=department,
        element=fields.pop("element", Element.OUTREACH_CASEWORK),
        occurred_on=occurred_on or timezone.localdate(),
        staff=fields.pop("staff", recorded_by),
        recorded_by=recorded_by,
        person=person,
        citizen=citizen if citizen is not None else getattr(person, "citizen", None),
        minutes=fields.pop("minutes", 20),
        **fields,
    )


def permission_world_outreach(
    municipality, *, department, coordinator, project_leader, programme=None, files=None
) -> dict:
    """The permission world's drop-in centre: an agreement in force with hours and a contact person on each side,
    a person known by a pseudonym with one registered conversation (in `department`, by `coordinator`), a group
    activity with a session the person took part in, and an appointment at the centre. Returns the URL targets.

    With `files` (the world's stored files, see `tests/permission_world.py`) the agreement has a signed document."""
    centre = make_centre(municipality)
    contact = f.ExternalContactFactory(municipality=municipality, organisation=centre, name="Vera Værested")
    agreement = make_agreement(centre, programme=programme)
    if files is not None:
        content = b"%PDF-1.4\n% Samarbejdsaftale\n%%EOF\n"
        agreement.document = f"agreements/world-{agreement.public_id.hex}"
        agreement.document_name = "Samarbejdsaftale.pdf"
        agreement.document_content_type = "application/pdf"
        agreement.document_size = len(content)
        agreement.document_sha256 = hashlib.sha256(content).hexdigest()
        agreement.save()
        files[agreement.document.name] = content
    hours = make_hours(agreement, department, staff=coordinator)
    agreement_contact = AgreementContact.objects.create(
        municipality=municipality, agreement=agreement, side="centre", external_contact=contact, role="Leder"
    )
    person = make_person(centre)
    registration = make_registration(centre, department, recorded_by=coordinator, person=person)
    activity = GroupActivity.objects.create(
        municipality=municipality, centre=centre, title="Madlavning", starts_on=agreement.starts_on
    )
    session = GroupSession.objects.create(
        municipality=municipality, activity=activity, held_on=timezone.localdate(), anonymous_count=4
    )
    GroupParticipant.objects.create(municipality=municipality, session=session, person=person)
    appointment = Appointment.objects.create(
        municipality=municipality,
        department=department,
        occurred_on=timezone.localdate(),
        place="centre",
        centre=centre,
        person=person,
        outcome="attended",
        recorded_by=coordinator,
    )
    return {
        (None, "centre_id"): centre.public_id,
        (None, "centre_contact_id"): contact.public_id,
        (None, "agreement_id"): agreement.public_id,
        (None, "hours_id"): hours.public_id,
        (None, "agreement_contact_id"): agreement_contact.public_id,
        (None, "person_id"): person.public_id,
        (None, "registration_id"): registration.public_id,
        (None, "activity_id"): activity.public_id,
        (None, "session_id"): session.public_id,
        (None, "appointment_id"): appointment.public_id,
    }
