"""The one access-log rule of the drop-in model's pages (`views_base`): every response that shows people — the page
(200) and a form shown again with its errors (422) — writes one row per person shown, once; a redirect writes none.
One case per area that re-renders a form with a person on it: a conversation and an appointment here; a group
session in `test_activities` (the participant named twice)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.outreach.models import Appointment
from samspil.outreach.tests.test_contacts import build_drop_in, form_data, record

pytestmark = pytest.mark.django_db


def log_rows(actor):
    return list(AccessLogEntry.objects.filter(actor=actor).values_list("citizen_id", "subject_index", "shown"))


def test_a_conversation_form_shown_again_with_errors_logs_its_person_once(client, world, request_id):
    drop_in = build_drop_in(world)
    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
    client.force_login(world.coordinator)
    url = reverse("outreach:contacts_edit", args=[registration.public_id])

    invalid = client.post(url, form_data(drop_in, world, minutes="-5", version="1"))
    assert invalid.status_code == 422
    assert log_rows(world.coordinator) == [(None, registration.person.log_subject_index, "outreach.registration")]

    saved = client.post(url, form_data(drop_in, world, minutes="25", version="1"))
    assert saved.status_code == 302
    assert len(log_rows(world.coordinator)) == 1  # the redirect shows nobody


def test_an_appointment_form_shown_again_with_errors_logs_its_citizen_once(client, world):
    booked = Appointment.objects.create(
        municipality=world.municipality,
        department=world.children,
        occurred_on=timezone.localdate() - datetime.timedelta(days=1),
        place="office",
        citizen=world.citizen,
        recorded_by=world.coordinator,
    )
    client.force_login(world.coordinator)
    url = reverse("outreach:appointments_edit", args=[booked.public_id])
    data = {
        "occurred_on": "",
        "department": str(world.children.public_id),
        "place": "office",
        "citizen_kind": "registered",
        "outcome": "attended",
        "version": "1",
    }
    invalid = client.post(url, data)
    assert invalid.status_code == 422
    assert log_rows(world.coordinator) == [(world.citizen.pk, "", "outreach.appointments")]
