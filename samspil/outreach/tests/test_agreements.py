"""Cooperation agreements: the services (rules, version, signed document), the forms and the selectors (an agreement's
state, the timetable). Dates are counted from today, so nothing depends on the day the suite runs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.audit.models import AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import ExternalOrganisationKind, StaffRole
from samspil.outreach import forms_agreements as forms
from samspil.outreach import selectors_agreements as selectors
from samspil.outreach import services_agreements as services
from samspil.outreach.choices import AgreementSide, Element, Weekday
from samspil.outreach.models import AgreementContact, CooperationAgreement, OutreachHours
from samspil.outreach.tests.factories import make_agreement, make_centre, make_hours
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% Samarbejdsaftale\n%%EOF\n"
DAY = datetime.timedelta(days=1)


def pdf(name="aftale.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def leader(world):
    return f.make_staff(world.children, StaffRole.PROJECT_LEADER)


@pytest.fixture
def centre(world):
    return make_centre(world.municipality)


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


def create(leader, centre, today, **fields):
    values = {
        "title": "Samarbejdsaftale 2026",
        "elements": [Element.GROUP_ACTIVITIES, Element.OUTREACH_CASEWORK],
        "starts_on": today - 30 * DAY,
        "renew_on": today + 300 * DAY,
        "ends_on": None,
    }
    values.update(fields)
    return services.agreement_create(actor=leader, centre=centre, **values)


# --- an agreement's state -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "renew", "ends", "state"),
    [
        (-10, None, None, selectors.State.IN_FORCE),
        (-10, 60, None, selectors.State.RENEW_SOON),  # exactly 60 days ahead: warned
        (-10, 61, None, selectors.State.IN_FORCE),
        (-10, 0, None, selectors.State.RENEW_SOON),
        (-10, -1, None, selectors.State.RENEW_OVERDUE),
        (-10, None, 0, selectors.State.IN_FORCE),  # the last day is in force
        (-10, -5, -1, selectors.State.ENDED),
        (1, None, None, selectors.State.NOT_STARTED),
    ],
)
def test_agreement_state(centre, today, starts, renew, ends, state):
    agreement = CooperationAgreement(
        starts_on=today + starts * DAY,
        renew_on=None if renew is None else today + renew * DAY,
        ends_on=None if ends is None else today + ends * DAY,
    )
    assert selectors.agreement_state(agreement, today) == state


# --- creating and changing agreements -------------------------------------------------------------------------


def test_the_project_leader_creates_an_agreement_with_its_signed_document(leader, centre, today, world):
    agreement = create(leader, centre, today, upload=pdf("Underskrevet aftale.pdf"), note="  Gælder to år ")
    agreement.refresh_from_db()
    assert agreement.elements == [Element.OUTREACH_CASEWORK, Element.GROUP_ACTIVITIES]  # the model's order
    assert agreement.note == "Gælder to år"
    assert agreement.document_name == "Underskrevet aftale.pdf"
    assert agreement.document_content_type == "application/pdf"
    assert agreement.document_size == len(PDF)
    assert agreement.document.name.startswith("agreements/") and "Underskrevet" not in agreement.document.name
    assert default_storage.open(agreement.document.name).read() == PDF
    event = AuditEvent.objects.get(code="outreach.agreement_saved")
    assert event.actor == leader and event.data == {"agreement": "Samarbejdsaftale 2026", "centre": centre.name}


def test_a_file_that_is_not_allowed_saves_nothing(leader, centre, today):
    with pytest.raises(ValidationError) as caught:
        create(leader, centre, today, upload=SimpleUploadedFile("aftale.pdf", b"#!/bin/sh\necho hej\n"))
    assert set(caught.value.message_dict) == {"document"}
    assert not CooperationAgreement.objects.exists()
    assert not AuditEvent.objects.filter(code="outreach.agreement_saved").exists()


def test_only_the_project_leader_writes_agreements(world, centre, today):
    with pytest.raises(PermissionDenied):
        create(world.coordinator, centre, today)
    with pytest.raises(PermissionDenied):
        create(world.head, centre, today)
    assert not CooperationAgreement.objects.exists()


def test_an_agreement_is_with_a_drop_in_centre_of_the_municipality(leader, world, today):
    school = f.ExternalOrganisationFactory(municipality=world.municipality, kind=ExternalOrganisationKind.SCHOOL)
    elsewhere = make_centre(world.other_municipality, name="Værestedet Andetsteds")
    for centre in (school, elsewhere):
        with pytest.raises(ValidationError) as caught:
            create(leader, centre, today)
        assert set(caught.value.message_dict) == {"centre"}


def test_the_dates_and_elements_are_checked(leader, centre, today):
    with pytest.raises(ValidationError) as caught:
        create(leader, centre, today, title=" ", elements=[], ends_on=today - 31 * DAY, renew_on=today - 40 * DAY)
    assert set(caught.value.message_dict) == {"title", "elements", "ends_on", "renew_on"}
    with pytest.raises(ValidationError) as caught:
        create(leader, centre, today, ends_on=today + 100 * DAY, renew_on=today + 101 * DAY)
    assert set(caught.value.message_dict) == {"renew_on"}


def _update(leader, agreement, **fields):
    values = {
        "expected_version": agreement.version,
        "title": agreement.title,
        "elements": agreement.elements,
        "starts_on": agreement.starts_on,
        "renew_on": agreement.renew_on,
        "ends_on": agreement.ends_on,
        "note": agreement.note,
        "programme": agreement.programme,
    }
    values.update(fields)
    return services.agreement_update(actor=leader, agreement=agreement, **values)


def test_a_second_writer_gets_a_conflict_and_nothing_is_written(leader, centre, today):
    agreement = create(leader, centre, today)
    stale = CooperationAgreement.objects.get(pk=agreement.pk)
    _update(leader, agreement, title="Ny titel")
    assert CooperationAgreement.objects.get(pk=agreement.pk).version == 2
    with pytest.raises(ConflictError):
        _update(leader, stale, title="Gammel titel", expected_version=1)
    saved = CooperationAgreement.objects.get(pk=agreement.pk)
    assert (saved.title, saved.version) == ("Ny titel", 2)


def test_an_update_that_changes_nothing_keeps_the_version(leader, centre, today):
    agreement = create(leader, centre, today)
    _update(leader, agreement)
    assert CooperationAgreement.objects.get(pk=agreement.pk).version == 1
    assert AuditEvent.objects.filter(code="outreach.agreement_saved").count() == 1


def test_a_new_document_replaces_the_old_once_committed(leader, centre, today, django_capture_on_commit_callbacks):
    agreement = create(leader, centre, today, upload=pdf("første.pdf"))
    old_name = agreement.document.name
    with django_capture_on_commit_callbacks(execute=True):
        _update(leader, agreement, upload=pdf("anden.pdf", PDF + b"\n"))
    agreement.refresh_from_db()
    assert agreement.document_name == "anden.pdf" and agreement.version == 2
    assert default_storage.exists(agreement.document.name)
    assert not default_storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        _update(leader, agreement, remove_document=True)
    agreement.refresh_from_db()
    assert not agreement.document and agreement.document_name == "" and agreement.version == 3


def test_an_element_with_hours_cannot_be_dropped(leader, centre, today, world):
    agreement = create(leader, centre, today)
    make_hours(agreement, world.jobs, element=Element.GROUP_ACTIVITIES)
    with pytest.raises(ValidationError) as caught:
        _update(leader, agreement, elements=[Element.OUTREACH_CASEWORK])
    assert set(caught.value.message_dict) == {"elements"}
    assert CooperationAgreement.objects.get(pk=agreement.pk).elements == agreement.elements


# --- contact people ---------------------------------------------------------------------------------------------


def test_contacts_on_both_sides(leader, centre, today, world):
    agreement = create(leader, centre, today)
    vera = f.ExternalContactFactory(municipality=world.municipality, organisation=centre, name="Vera")
    mine = services.agreement_contact_add(
        actor=leader, agreement=agreement, side=AgreementSide.MUNICIPALITY, user=world.coordinator, role="Tovholder"
    )
    theirs = services.agreement_contact_add(
        actor=leader, agreement=agreement, side=AgreementSide.CENTRE, external_contact=vera
    )
    named = services.agreement_contact_add(actor=leader, agreement=agreement, side=AgreementSide.CENTRE, name="Bo")
    assert [c.display_name for c in (mine, theirs, named)] == [world.coordinator.get_full_name(), "Vera", "Bo"]
    services.agreement_contact_remove(actor=leader, contact=named)
    assert AgreementContact.objects.filter(agreement=agreement).count() == 2


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ({"side": AgreementSide.CENTRE, "user": "coordinator"}, {"user"}),
        ({"side": AgreementSide.MUNICIPALITY, "external_contact": "other"}, {"external_contact"}),
        ({"side": AgreementSide.MUNICIPALITY}, {"name"}),
        ({"side": AgreementSide.MUNICIPALITY, "user": "coordinator", "name": "Bo"}, {"name"}),
    ],
)
def test_a_contact_is_one_person_on_the_right_side(leader, centre, today, world, fields, keys):
    agreement = create(leader, centre, today)
    other = f.ExternalContactFactory(
        municipality=world.municipality, organisation=make_centre(world.municipality, name="Værestedet Bakken")
    )
    values = dict(fields)
    if values.get("user") == "coordinator":
        values["user"] = world.coordinator
    if values.get("external_contact") == "other":
        values["external_contact"] = other
    with pytest.raises(ValidationError) as caught:
        services.agreement_contact_add(actor=leader, agreement=agreement, **values)
    assert set(caught.value.message_dict) == keys
    assert not AgreementContact.objects.exists()


# --- fixed weekly hours -----------------------------------------------------------------------------------------


def _hours(leader, agreement, department, **fields):
    values = {
        "element": Element.OUTREACH_CASEWORK,
        "weekday": Weekday.TUESDAY,
        "starts_at": datetime.time(10),
        "ends_at": datetime.time(12),
    }
    values.update(fields)
    return services.hours_add(actor=leader, agreement=agreement, department=department, **values)


def test_hours_of_the_same_department_at_a_centre_must_not_overlap(leader, centre, today, world):
    agreement = create(leader, centre, today)
    _hours(leader, agreement, world.jobs, staff=world.jobworker)
    for start, end in ((9, 11), (11, 13), (10, 12), (9, 14)):
        with pytest.raises(ValidationError) as caught:
            _hours(leader, agreement, world.jobs, starts_at=datetime.time(start), ends_at=datetime.time(end))
        assert set(caught.value.message_dict) == {"starts_at"}
    # Back to back, another weekday, another department: all fine.
    _hours(leader, agreement, world.jobs, starts_at=datetime.time(12), ends_at=datetime.time(14))
    _hours(leader, agreement, world.jobs, weekday=Weekday.WEDNESDAY)
    _hours(leader, agreement, world.health)
    # Another centre on the same morning: fine too.
    other = create(leader, make_centre(world.municipality, name="Værestedet Bakken"), today)
    _hours(leader, other, world.jobs)
    assert OutreachHours.objects.count() == 5


def test_overlap_counts_only_agreements_whose_periods_meet(leader, centre, today, world):
    old = create(leader, centre, today, starts_on=today - 400 * DAY, renew_on=None, ends_on=today - 31 * DAY)
    _hours(leader, old, world.jobs)
    new = create(leader, centre, today)  # from 30 days ago
    _hours(leader, new, world.jobs)  # the old agreement had ended by then
    overlapping = create(leader, centre, today, starts_on=today - 40 * DAY, renew_on=None, title="Tillæg")
    with pytest.raises(ValidationError):
        _hours(leader, overlapping, world.jobs)


def test_hours_end_after_they_start_and_run_an_element_of_the_agreement(leader, centre, today, world):
    agreement = create(leader, centre, today)
    with pytest.raises(ValidationError) as caught:
        _hours(
            leader,
            agreement,
            world.jobs,
            element=Element.SUPPORT_CONTACT,
            starts_at=datetime.time(12),
            ends_at=datetime.time(12),
        )
    assert set(caught.value.message_dict) == {"element", "ends_at"}


def test_removing_hours(leader, centre, today, world):
    agreement = create(leader, centre, today)
    hours = _hours(leader, agreement, world.jobs)
    with pytest.raises(PermissionDenied):
        services.hours_remove(actor=world.coordinator, hours=hours)
    services.hours_remove(actor=leader, hours=hours)
    assert not OutreachHours.objects.exists()


# --- the forms --------------------------------------------------------------------------------------------------


def test_the_agreement_form(world, centre):
    data = {
        "centre": centre.public_id,
        "title": "Aftale",
        "elements": [Element.OUTREACH_CASEWORK],
        "starts_on": "01.03.2026",
        "renew_on": "01.03.2027",
        "ends_on": "28.02.2027",
    }
    form = forms.AgreementForm(data, municipality_id=world.municipality.pk)
    assert set(form.errors) == {"renew_on"}
    form = forms.AgreementForm(
        {**data, "renew_on": "", "ends_on": "2026-02-01", "elements": [], "starts_on": "31.02.2026"},
        municipality_id=world.municipality.pk,
    )
    assert set(form.errors) == {"elements", "starts_on"}
    form = forms.AgreementForm({**data, "renew_on": "", "ends_on": "01.02.2026"}, municipality_id=world.municipality.pk)
    assert set(form.errors) == {"ends_on"}
    form = forms.AgreementForm({**data, "renew_on": ""}, municipality_id=world.municipality.pk)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_on"] == datetime.date(2026, 3, 1)


def test_the_agreement_form_offers_only_the_municipalitys_drop_in_centres(world, centre):
    school = f.ExternalOrganisationFactory(municipality=world.municipality, kind=ExternalOrganisationKind.SCHOOL)
    elsewhere = make_centre(world.other_municipality)
    form = forms.AgreementForm(municipality_id=world.municipality.pk)
    assert list(form.fields["centre"].queryset) == [centre]
    for other in (school, elsewhere):
        bound = forms.AgreementForm(
            {"centre": other.public_id, "title": "x", "elements": ["skp"], "starts_on": "01.01.2026"},
            municipality_id=world.municipality.pk,
        )
        assert set(bound.errors) == {"centre"}


def test_the_hours_form(world, centre):
    agreement = make_agreement(centre, elements=[Element.OUTREACH_CASEWORK])
    data = {
        "department": world.jobs.public_id,
        "element": Element.OUTREACH_CASEWORK,
        "weekday": "1",
        "starts_at": "10.00",
        "ends_at": "12.00",
    }
    form = forms.HoursForm(data, agreement=agreement)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["weekday"] == Weekday.TUESDAY and form.cleaned_data["ends_at"] == datetime.time(12)
    form = forms.HoursForm({**data, "starts_at": "12.30", "ends_at": "11.00"}, agreement=agreement)
    assert set(form.errors) == {"ends_at"}
    form = forms.HoursForm({**data, "starts_at": "25.00", "element": Element.SUPPORT_CONTACT}, agreement=agreement)
    assert set(form.errors) == {"starts_at", "element"}


def test_the_contact_form(world, centre):
    agreement = make_agreement(centre)
    form = forms.ContactForm({"side": "centre", "name": "Bo", "user": world.coordinator.public_id}, agreement=agreement)
    assert set(form.errors) == {"name", "user"}
    form = forms.ContactForm({"side": "municipality"}, agreement=agreement)
    assert set(form.errors) == {"name"}
    form = forms.ContactForm({"side": "centre", "name": "Bo", "email": "bo@vaerested.test"}, agreement=agreement)
    assert form.is_valid(), form.errors


# --- the timetable ----------------------------------------------------------------------------------------------


def test_the_timetable_shows_the_agreements_in_force_on_the_day_by_weekday(centre, today, world):
    in_force = make_agreement(centre, starts_on=today - 10 * DAY, renew_on=today + 20 * DAY)
    ended = make_agreement(centre, starts_on=today - 100 * DAY, ends_on=today - DAY, title="Gammel")
    later = make_agreement(centre, starts_on=today + DAY, title="Kommende")
    other = make_agreement(make_centre(world.municipality, name="Værestedet Bakken"), starts_on=today - DAY)
    make_hours(in_force, world.jobs, weekday=Weekday.TUESDAY, starts_at=datetime.time(13), ends_at=datetime.time(15))
    make_hours(in_force, world.health, weekday=Weekday.TUESDAY)
    make_hours(in_force, world.health, weekday=Weekday.SATURDAY)
    make_hours(ended, world.jobs, weekday=Weekday.MONDAY)
    make_hours(later, world.jobs, weekday=Weekday.MONDAY)
    make_hours(other, world.jobs, weekday=Weekday.FRIDAY)

    days = selectors.timetable(actor=world.head, day=today)
    assert [d.weekday for d in days] == [0, 1, 2, 3, 4, 5]  # Sunday has no hours
    tuesday = days[1].hours
    assert [(h.department, h.starts_at.hour) for h in tuesday] == [(world.health, 10), (world.jobs, 13)]
    assert {h.state for h in tuesday} == {selectors.State.RENEW_SOON}
    assert days[0].hours == [] and len(days[4].hours) == 1 and len(days[5].hours) == 1

    only_centre = selectors.timetable(actor=world.head, day=today, centre=centre)
    assert [len(d.hours) for d in only_centre] == [0, 2, 0, 0, 0, 1]
    tomorrow = selectors.timetable(actor=world.head, day=today + DAY, centre=centre)
    assert [len(d.hours) for d in tomorrow] == [1, 2, 0, 0, 0, 1]  # the coming agreement is in force


def test_the_hours_of_a_day_by_centre(centre, today, world):
    agreement = make_agreement(centre)
    make_hours(agreement, world.jobs, weekday=today.weekday())
    make_hours(agreement, world.health, weekday=(today.weekday() + 1) % 7)
    grouped = selectors.hours_on(actor=world.coordinator, day=today)
    assert [(c, [h.department for h in hours]) for c, hours in grouped] == [(centre, [world.jobs])]


def test_a_user_of_another_municipality_reads_nothing(centre, today, world):
    make_hours(make_agreement(centre), world.jobs, weekday=today.weekday())
    assert not selectors.agreements(actor=world.stranger).exists()
    assert selectors.hours_on(actor=world.stranger, day=today) == []
    assert not selectors.centres(actor=world.stranger).exists()
