"""Appointments (*samtaler*): recording one, its rules, setting the outcome afterwards (also from the list), the
version against overwriting, the list's scope, filters and no-show summary, and the access log of who is shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.organisations.choices import StaffRole
from samspil.outreach import services_appointments
from samspil.outreach.models import Appointment
from samspil.outreach.tests.factories import make_centre, make_person
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("outreach:appointments")
CREATE = reverse("outreach:appointments_create")


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def appointment(department, *, recorded_by=None, occurred_on=None, place="office", outcome="", **fields):
    return Appointment.objects.create(
        municipality=department.municipality,
        department=department,
        occurred_on=occurred_on or days(-1),
        place=place,
        outcome=outcome,
        recorded_by=recorded_by,
        **fields,
    )


def post_data(world, **overrides) -> dict:
    data = {
        "occurred_on": days(-2).strftime("%d.%m.%Y"),
        "department": str(world.children.public_id),
        "place": "office",
        "centre": "",
        "citizen_kind": "reference",
        "cpr_number": "",
        "pseudonym": "",
        "citizen_ref": "Booking 4711",
        "outcome": "",
    }
    data.update(overrides)
    return data


def errors(response) -> dict:
    return {name: list(errs) for name, errs in response.context["form"].errors.items()}


# --- recording ---------------------------------------------------------------------------------------------------


def test_recording_an_appointment_at_the_department_by_reference(client, world):
    client.force_login(world.coordinator)
    assert client.get(CREATE).status_code == 200

    response = client.post(CREATE, post_data(world, outcome="no_show"))

    assert response.status_code == 302 and response["Location"] == LIST
    saved = Appointment.objects.get()
    assert (saved.department, saved.place, saved.centre, saved.citizen, saved.person) == (
        world.children,
        "office",
        None,
        None,
        None,
    )
    assert (saved.citizen_ref, saved.outcome, saved.recorded_by, saved.version) == (
        "Booking 4711",
        "no_show",
        world.coordinator,
        1,
    )
    event = AuditEvent.objects.get(code="outreach.appointment_recorded")
    assert event.data == {
        "department": "Børn og Unge",
        "date": days(-2).strftime("%d.%m.%Y"),
        "appointment_outcome": "no_show",
    }


def test_an_appointment_booked_ahead_has_no_outcome_yet(client, world):
    client.force_login(world.coordinator)
    response = client.post(CREATE, post_data(world, occurred_on=days(7).strftime("%d.%m.%Y"), outcome="attended"))
    assert response.status_code == 422
    assert list(errors(response)) == ["outcome"]
    assert not Appointment.objects.exists()

    response = client.post(CREATE, post_data(world, occurred_on=days(7).strftime("%d.%m.%Y")))
    assert response.status_code == 302
    assert Appointment.objects.get().outcome == ""
    assert AuditEvent.objects.filter(code="outreach.appointment_planned").count() == 1


def test_a_centre_exactly_when_the_appointment_is_at_one(client, world):
    centre = make_centre(world.municipality)
    client.force_login(world.coordinator)

    at_centre_without = client.post(CREATE, post_data(world, place="centre"))
    at_office_with = client.post(CREATE, post_data(world, centre=str(centre.public_id)))
    assert at_centre_without.status_code == at_office_with.status_code == 422
    assert list(errors(at_centre_without)) == list(errors(at_office_with)) == ["centre"]

    ok = client.post(CREATE, post_data(world, place="centre", centre=str(centre.public_id)))
    assert ok.status_code == 302
    assert Appointment.objects.get().centre == centre


def test_the_citizen_by_cpr_number_by_the_centres_name_or_refused(client, world):
    centre = make_centre(world.municipality)
    jens = make_person(centre, "Store Jens")
    client.force_login(world.coordinator)
    digits = world.citizen.reveal_cpr()

    by_cpr = client.post(CREATE, post_data(world, citizen_kind="registered", cpr_number=digits, citizen_ref=""))
    assert by_cpr.status_code == 302
    by_name = client.post(
        CREATE,
        post_data(world, citizen_kind="person", place="centre", centre=str(centre.public_id), pseudonym="store jens"),
    )
    assert by_name.status_code == 302
    assert list(Appointment.objects.order_by("pk").values_list("citizen", "person")) == [
        (world.citizen.pk, None),
        (None, jens.pk),
    ]

    unknown_cpr = client.post(CREATE, post_data(world, citizen_kind="registered", cpr_number="0101011234"))
    unknown_name = client.post(
        CREATE,
        post_data(world, citizen_kind="person", place="centre", centre=str(centre.public_id), pseudonym="Lille Jens"),
    )
    name_at_office = client.post(CREATE, post_data(world, citizen_kind="person", pseudonym="Store Jens"))
    no_cpr = client.post(CREATE, post_data(world, citizen_kind="registered", citizen_ref=""))
    cpr_as_reference = client.post(CREATE, post_data(world, citizen_ref=digits))
    assert [r.status_code for r in (unknown_cpr, unknown_name, name_at_office, no_cpr, cpr_as_reference)] == [422] * 5
    assert list(errors(unknown_cpr)) == ["cpr_number"]
    assert list(errors(unknown_name)) == ["pseudonym"]
    assert list(errors(name_at_office)) == ["citizen_kind"]
    assert list(errors(no_cpr)) == ["cpr_number"]
    assert list(errors(cpr_as_reference)) == ["citizen_ref"]
    assert digits not in cpr_as_reference.content.decode()  # never written back into the page
    assert Appointment.objects.count() == 2


def test_only_ones_own_departments_and_only_those_who_may_register(client, world):
    client.force_login(world.coordinator)
    response = client.post(CREATE, post_data(world, department=str(world.jobs.public_id)))
    assert response.status_code == 422 and list(errors(response)) == ["department"]

    client.force_login(world.head)  # a department head: aggregates only
    assert client.get(LIST).status_code == 404
    assert client.post(CREATE, post_data(world)).status_code == 404
    assert not Appointment.objects.exists()
    assert AuditEvent.objects.filter(code="access.denied", actor=world.head).count() == 2


# --- the list ----------------------------------------------------------------------------------------------------


def test_the_list_shows_ones_departments_and_logs_each_person_shown(client, world):
    centre = make_centre(world.municipality)
    jens = make_person(centre, "Store Jens")
    mine = appointment(world.children, citizen=world.citizen, outcome="attended")
    by_name = appointment(world.children, place="centre", centre=centre, person=jens, outcome="no_show")
    by_ref = appointment(world.children, citizen_ref="Booking 1", outcome="cancelled")
    jobs = appointment(world.jobs, citizen_ref="Booking 2")  # another department's
    own_elsewhere = appointment(world.jobs, citizen_ref="Booking 3", recorded_by=world.coordinator)
    client.force_login(world.coordinator)

    response = client.get(LIST)

    shown = [row["appointment"] for row in response.context["rows"]]
    assert set(shown) == {mine, by_name, by_ref, own_elsewhere}
    assert jobs not in shown
    reads = set(
        AccessLogEntry.objects.filter(actor=world.coordinator).values_list("citizen_id", "subject_index", "shown")
    )
    assert reads == {
        (world.citizen.pk, "", "outreach.appointments"),
        (None, jens.log_subject_index, "outreach.appointments"),
    }
    content = response.content.decode()
    assert world.citizen.full_name in content and "Store Jens" in content and "Booking 1" in content


def test_the_project_leader_sees_every_department(client, world):
    leader = f.make_staff(world.children, StaffRole.PROJECT_LEADER)
    appointment(world.jobs, citizen_ref="Booking 2")
    appointment(world.children, citizen_ref="Booking 1")
    client.force_login(leader)
    assert len(client.get(LIST).context["rows"]) == 2
    client.force_login(world.jobworker)
    assert [row["appointment"].citizen_ref for row in client.get(LIST).context["rows"]] == ["Booking 2"]


def test_filters_and_the_no_show_summary_leave_cancellations_out(client, world):
    centre = make_centre(world.municipality)
    for outcome, place in [
        ("attended", "office"),
        ("attended", "office"),
        ("attended", "centre"),
        ("no_show", "office"),
        ("cancelled", "office"),
        ("cancelled", "centre"),
        ("", "office"),
    ]:
        appointment(world.children, place=place, centre=centre if place == "centre" else None, outcome=outcome)
    appointment(world.children, occurred_on=days(-40), outcome="no_show")  # before the period below
    client.force_login(world.coordinator)

    period = {"fra": days(-10).strftime("%d.%m.%Y"), "til": days(0).strftime("%d.%m.%Y")}
    summary = client.get(LIST, period).context["summary"]
    # 3 attended + 1 no-show held or missed; the 2 cancelled in time and the one without outcome are left out.
    assert (summary.attended, summary.no_show, summary.cancelled, summary.pending) == (3, 1, 2, 1)
    assert summary.no_show_rate == 0.25
    assert "25,0 %" in client.get(LIST, period).content.decode()  # numbers are written the Danish way in any language

    assert client.get(LIST).context["summary"].no_show == 2  # no period: the earlier no-show too
    at_centre = client.get(LIST, {**period, "sted": "centre"}).context
    assert {row["appointment"].outcome for row in at_centre["rows"]} == {"attended", "cancelled"}
    pending = client.get(LIST, {"udfald": "pending"}).context["rows"]
    assert [row["appointment"].outcome for row in pending] == [""]
    assert client.get(LIST, {"afdeling": str(world.children.public_id)}).context["summary"].no_show == 2

    bad = client.get(LIST, {"fra": "31.02.2026", "til": "1"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert len(bad.context["rows"]) == 8  # bad filters: the whole list, with the messages


def test_keyset_pages_show_every_appointment_once(client, world, settings):
    settings.SAMSPIL_PAGE_SIZE = 2
    made = {appointment(world.children, occurred_on=days(-(n // 2)), citizen_ref=f"B{n}").pk for n in range(5)}
    client.force_login(world.coordinator)
    seen, url = [], LIST + "?udfald=pending"
    while url:
        response = client.get(url)
        seen += [row["appointment"].pk for row in response.context["rows"]]
        url = response.context["next_url"]
        assert not url or "udfald=pending" in url
    assert sorted(seen) == sorted(made) and len(seen) == 5


def test_the_list_takes_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    centre = make_centre(world.municipality)
    client.force_login(world.coordinator)

    def fill(n):
        for i in range(n):
            person = make_person(centre, f"Person {Appointment.objects.count()}-{i}")
            appointment(world.children, place="centre", centre=centre, person=person)
            appointment(world.children, citizen=f.CitizenFactory(municipality=world.municipality))

    fill(3)
    with django_assert_max_num_queries(20) as small:
        client.get(LIST)
    fill(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(LIST)


# --- changing and the outcome afterwards ---------------------------------------------------------------------------


def test_setting_the_outcome_afterwards_and_a_stale_form_is_refused(client, world):
    booked = appointment(world.children, citizen=world.citizen, recorded_by=world.coordinator)
    url = reverse("outreach:appointments_edit", args=[booked.public_id])
    client.force_login(world.coordinator)

    page = client.get(url)
    assert page.status_code == 200 and world.citizen.full_name in page.content.decode()
    assert AccessLogEntry.objects.filter(actor=world.coordinator, citizen=world.citizen).count() == 1

    data = post_data(world, citizen_kind="registered", citizen_ref="", outcome="attended", version="1")
    response = client.post(url, data)  # the CPR number left empty keeps the citizen
    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.outcome, booked.citizen, booked.version) == ("attended", world.citizen, 2)
    assert AuditEvent.objects.filter(code="outreach.appointment_recorded").count() == 1

    stale = client.post(url, {**data, "outcome": "no_show", "version": "1"})
    assert stale.status_code == 422
    assert stale.context["saved"].outcome == "attended"
    assert stale.context["form"]["version"].value() == "2"  # saving again is a deliberate overwrite
    booked.refresh_from_db()
    assert (booked.outcome, booked.version) == ("attended", 2)

    again = client.post(url, {**data, "outcome": "no_show", "version": "2"})
    assert again.status_code == 302
    booked.refresh_from_db()
    assert (booked.outcome, booked.version) == ("no_show", 3)


def test_the_outcome_from_the_list_keeps_the_filters(client, world):
    held = appointment(world.children, citizen_ref="B1")
    ahead = appointment(world.children, citizen_ref="B2", occurred_on=days(3))
    client.force_login(world.coordinator)
    listed = client.get(LIST, {"udfald": "pending"})
    forms = {row["appointment"].pk: row["outcome_form"] for row in listed.context["rows"]}
    assert forms[held.pk] is not None and forms[ahead.pk] is None  # not before the day

    prefix = f"o-{held.public_id}"
    url = reverse("outreach:appointments_outcome", args=[held.public_id]) + "?udfald=pending"
    response = client.post(url, {f"{prefix}-outcome": "no_show", f"{prefix}-version": "1"})
    assert response.status_code == 302 and response["Location"] == LIST + "?udfald=pending"
    held.refresh_from_db()
    assert held.outcome == "no_show"

    stale = client.post(url, {f"{prefix}-outcome": "attended", f"{prefix}-version": "1"})
    assert stale.status_code == 422
    empty = client.post(url, {})
    assert empty.status_code == 422
    ahead_url = reverse("outreach:appointments_outcome", args=[ahead.public_id])
    early = client.post(ahead_url, {f"o-{ahead.public_id}-outcome": "attended", f"o-{ahead.public_id}-version": "1"})
    assert early.status_code == 422
    held.refresh_from_db()
    ahead.refresh_from_db()
    assert (held.outcome, ahead.outcome) == ("no_show", "")


def test_an_appointment_out_of_scope_is_404_and_logged(client, world):
    theirs = appointment(world.jobs, citizen=world.citizen)
    client.force_login(world.coordinator)
    for url in (
        reverse("outreach:appointments_edit", args=[theirs.public_id]),
        reverse("outreach:appointments_outcome", args=[theirs.public_id]),
    ):
        response = client.post(url, {}) if url.endswith("udfald/") else client.get(url)
        assert response.status_code == 404
    assert AuditEvent.objects.filter(code="access.denied", actor=world.coordinator).count() == 2
    assert not AccessLogEntry.objects.filter(actor=world.coordinator).exists()


def test_the_service_refuses_those_who_may_not_register(world):
    with pytest.raises(services_appointments.PermissionDenied):
        services_appointments.appointment_record(
            actor=world.head,
            department=world.children,
            occurred_on=days(-1),
            place="office",
            citizen_kind="reference",
            citizen_ref="B",
        )
