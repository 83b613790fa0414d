"""The imports of conversations (`import_outreach`) and appointments (`import_appointments`): all or nothing,
skipping bad rows, every bad row by line and reason, idempotent re-import, persons known at a centre reused and
linked, CPR numbers found by the blind index (known answers worked by hand)."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from samspil.audit.models import AuditEvent, ChangeLogEntry
from samspil.organisations.choices import DepartmentKind, ExternalOrganisationKind, StaffRole
from samspil.outreach import services_import
from samspil.outreach.choices import Identity, RatingSource
from samspil.outreach.models import Appointment, CitizenRating, ContactPerson, ContactRegistration
from samspil.outreach.tests.factories import make_centre, make_person
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "date,centre,element,department,citizen_ref,cpr,minutes,rating_safe,rating_relevant,rating_place"
APPOINTMENT_HEADER = "date,department,citizen_ref,cpr,place,outcome"


@pytest.fixture
def setting(db):
    municipality = f.MunicipalityFactory()
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
    abuse = f.DepartmentFactory(municipality=municipality, name="Misbrugscenter", kind=DepartmentKind.SUBSTANCE_ABUSE)
    havnen = make_centre(municipality, "Værestedet Havnen")
    cafe = make_centre(municipality, "Café Fællesrummet", kind=ExternalOrganisationKind.DROP_IN_MUNICIPAL)
    school = f.ExternalOrganisationFactory(municipality=municipality, name="Demoby Skole", kind="school")
    leader = f.make_staff(jobs, StaffRole.PROJECT_LEADER)
    citizen = f.CitizenFactory(municipality=municipality, born=f.years_ago(40))
    other = f.CitizenFactory(municipality=municipality, born=f.years_ago(30))
    return {
        "municipality": municipality,
        "jobs": jobs,
        "abuse": abuse,
        "havnen": havnen,
        "cafe": cafe,
        "school": school,
        "leader": leader,
        "citizen": citizen,
        "other": other,
    }


def write(tmp_path, lines, name="samtaler.csv", *, bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode())
    return str(path)


def day(days_ago: int, *, danish=False) -> str:
    value = timezone.localdate() - datetime.timedelta(days=days_ago)
    return value.strftime("%d.%m.%Y") if danish else value.isoformat()


def registrations(setting, path, **options):
    return services_import.registrations_import(
        municipality=setting["municipality"], path=path, actor=setting["leader"], **options
    )


def good_file(tmp_path, setting):
    cpr = setting["citizen"].reveal_cpr()
    return write(
        tmp_path,
        [
            HEADER,
            f"{day(10)},Værestedet Havnen,fremskudt_sagsbehandling,Jobcenter,,,25,5,4,5",  # anonymous, rated
            f"{day(9)},værestedet havnen,skp,jobcenter,Store Jens,,,,,",  # a person known at the centre
            f"{day(8)},VÆRESTEDET HAVNEN,fremskudt_misbrugsindsats,Misbrugscenter,store jens,,40,,3,",  # the same
            f"{day(7)},Café Fællesrummet,fremskudt_sagsbehandling,Jobcenter,,{cpr},15,,,",  # registered by CPR
            f"{day(7)},Café Fællesrummet,holdbaseret,Jobcenter,Store Jens,,,,,",  # another centre's Store Jens
        ],
    )


def test_a_good_file_is_imported_with_persons_ratings_and_citizens(tmp_path, setting):
    result = registrations(setting, good_file(tmp_path, setting))

    assert (result.rows_read, result.created, result.unchanged, result.bad_rows) == (5, 5, 0, [])
    rows = {r.occurred_on: r for r in ContactRegistration.objects.filter(municipality=setting["municipality"])}
    today = timezone.localdate()
    anonymous = rows[today - datetime.timedelta(days=10)]
    assert (anonymous.identity, anonymous.person, anonymous.citizen, anonymous.minutes) == (
        Identity.ANONYMOUS,
        None,
        None,
        25,
    )
    assert anonymous.element == "fremskudt_sagsbehandling" and anonymous.centre == setting["havnen"]
    assert anonymous.recorded_by == setting["leader"] and anonymous.staff is None
    assert len(anonymous.import_key) == 64
    rating = CitizenRating.objects.get(registration=anonymous)
    assert (rating.safe, rating.relevant, rating.place, rating.source) == (5, 4, 5, RatingSource.IMPORT)
    assert CitizenRating.objects.count() == 2  # only the rows with a rating: the first, and the third's 3

    jens = ContactPerson.objects.get(centre=setting["havnen"])
    assert jens.pseudonym == "Store Jens"
    assert {r.person for r in ContactRegistration.objects.filter(centre=setting["havnen"], person__isnull=False)} == {
        jens
    }
    assert ContactPerson.objects.filter(centre=setting["cafe"], pseudonym="Store Jens").count() == 1

    registered = ContactRegistration.objects.get(identity=Identity.REGISTERED)
    assert registered.citizen == setting["citizen"] and registered.person is None

    event = AuditEvent.objects.get(code="outreach.imported")
    assert event.actor == setting["leader"]
    assert event.data == {
        "file": "samtaler.csv",
        "created": "5",
        "unchanged": "0",
        "skipped": "0",
        "import_kind": "registrations",
    }
    assert ChangeLogEntry.objects.filter(action="create").count() > 0


def test_importing_the_same_file_again_changes_nothing(tmp_path, setting):
    path = good_file(tmp_path, setting)
    registrations(setting, path)
    counts = (ContactRegistration.objects.count(), ContactPerson.objects.count(), CitizenRating.objects.count())
    changes = ChangeLogEntry.objects.count()

    again = registrations(setting, path)

    assert (again.rows_read, again.created, again.unchanged) == (5, 0, 5)
    assert (ContactRegistration.objects.count(), ContactPerson.objects.count(), CitizenRating.objects.count()) == counts
    assert ChangeLogEntry.objects.count() == changes


def test_two_identical_conversations_in_one_file_stay_two_and_a_longer_file_adds_only_the_new(tmp_path, setting):
    row = f"{day(3)},Værestedet Havnen,skp,Jobcenter,,,20,,,"
    first = registrations(setting, write(tmp_path, [HEADER, row, row], "a.csv"))
    assert first.created == 2
    third = registrations(setting, write(tmp_path, [HEADER, row, row, row], "b.csv"))
    assert (third.created, third.unchanged) == (1, 2)
    assert ContactRegistration.objects.count() == 3


def test_a_bad_row_stops_the_whole_file_and_every_bad_row_is_named(tmp_path, setting):
    path = write(
        tmp_path,
        [
            HEADER,
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,Store Jens,,20,,,",
            f"{day(5)},Ukendt Værested,skp,Jobcenter,,,20,,,",  # line 3: no such centre
            f"{day(5)},Demoby Skole,skp,Jobcenter,,,20,,,",  # line 4: not a drop-in centre
            f"{day(5)},Værestedet Havnen,kaffe,Jobcenter,,,20,,,",  # line 5: no such element
            "",
            f"{day(5)},Værestedet Havnen,skp,Ukendt afdeling,,,20,,,",  # line 7 (a blank line 6 is skipped)
            "31.02.2026,Værestedet Havnen,skp,Jobcenter,,,20,,,",  # line 8: no such date
            f"{day(-1)},Værestedet Havnen,skp,Jobcenter,,,20,,,",  # line 9: tomorrow
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,,0,,,",  # line 10: minutes
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,,20,6,,",  # line 11: rating
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,,20,,",  # line 12: a field short
            ",Værestedet Havnen,skp,Jobcenter,,,20,,,",  # line 13: no date
        ],
    )
    result = registrations(setting, path)

    assert result.rejected
    assert result.bad_rows == [
        (3, "centre"),
        (4, "centre"),
        (5, "element"),
        (7, "department"),
        (8, "date"),
        (9, "date_future"),
        (10, "minutes"),
        (11, "rating"),
        (12, "columns"),
        (13, "empty:date"),
    ]
    assert not ContactRegistration.objects.exists()
    assert not ContactPerson.objects.exists()
    assert not AuditEvent.objects.filter(code="outreach.imported").exists()


def test_the_command_names_the_line_and_reason_and_skip_bad_rows_keeps_the_good_ones(tmp_path, setting):
    path = write(
        tmp_path,
        [
            HEADER,
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,,20,,,",
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,,20,9,,",  # line 3: a rating of 9
            f"{day(4)},Værestedet Havnen,skp,Jobcenter,,,20,,,",
        ],
    )
    user = setting["leader"].username
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_outreach", path, "--user", user, stdout=out)
    reason = services_import.reason_text("rating")
    assert re.search(rf"\b3\b.*{re.escape(reason)}", out.getvalue())
    assert not ContactRegistration.objects.exists()

    out = io.StringIO()
    call_command("import_outreach", path, "--user", user, "--skip-bad-rows", stdout=out)
    assert ContactRegistration.objects.count() == 2
    assert re.search(rf"\b3\b.*{re.escape(reason)}", out.getvalue())
    event = AuditEvent.objects.get(code="outreach.imported")
    assert (event.data["created"], event.data["skipped"]) == ("2", "1")


def test_the_command_needs_an_importer_who_may_register(tmp_path, setting):
    path = good_file(tmp_path, setting)
    with pytest.raises(CommandError):
        call_command("import_outreach", path, stdout=io.StringIO())
    head = f.make_staff(setting["jobs"], StaffRole.DEPARTMENT_HEAD)  # aggregates only
    with pytest.raises(CommandError):
        call_command("import_outreach", path, "--user", head.username, stdout=io.StringIO())
    assert not ContactRegistration.objects.exists()


def test_semicolons_a_byte_order_mark_danish_dates_and_columns_in_any_order(tmp_path, setting):
    path = write(
        tmp_path,
        [
            "Department;Date;Centre;Element;Citizen_ref;CPR;Minutes;Rating_place;Rating_relevant;Rating_safe",
            f"Jobcenter;{day(2, danish=True)};Værestedet Havnen;skp;;;30;1;2;3",
        ],
        bom=True,
    )
    result = registrations(setting, path)
    assert result.created == 1
    registration = ContactRegistration.objects.get()
    assert registration.occurred_on == timezone.localdate() - datetime.timedelta(days=2)
    rating = registration.rating
    assert (rating.safe, rating.relevant, rating.place) == (3, 2, 1)


def test_a_file_with_the_wrong_columns_is_refused_whole(tmp_path, setting):
    path = write(tmp_path, ["date,centre,element,department", f"{day(1)},Værestedet Havnen,skp,Jobcenter"])
    with pytest.raises(services_import.ImportFileError, match="citizen_ref"):
        registrations(setting, path)
    with pytest.raises(CommandError, match="citizen_ref"):
        call_command("import_outreach", path, "--user", setting["leader"].username, stdout=io.StringIO())


def test_a_cpr_number_finds_the_registered_citizen_or_is_a_bad_row(tmp_path, setting):
    stranger = f.CitizenFactory(born=f.years_ago(50))  # another municipality's citizen
    path = write(
        tmp_path,
        [
            HEADER,
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,{setting['citizen'].reveal_cpr()},,,,",
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,{stranger.reveal_cpr()},,,,",  # line 3: not ours
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,12345,,,,",  # line 4: not a CPR number
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,,3102901234,,,,",  # line 5: 31 February
        ],
    )
    result = registrations(setting, path, skip_bad_rows=True)
    assert result.bad_rows == [(3, "cpr_unknown"), (4, "cpr_format"), (5, "cpr_date")]
    assert ContactRegistration.objects.get().citizen == setting["citizen"]
    output = "\n".join(services_import.summary_lines(result))
    assert stranger.reveal_cpr() not in output and "12345" not in output


def test_a_name_with_a_cpr_number_links_the_person_and_keeps_their_history(tmp_path, setting):
    citizen = setting["citizen"]
    jens = make_person(setting["havnen"], "Store Jens")
    earlier = ContactRegistration.objects.create(
        municipality=setting["municipality"],
        centre=setting["havnen"],
        element="skp",
        occurred_on=timezone.localdate() - datetime.timedelta(days=60),
        department=setting["jobs"],
        recorded_by=setting["leader"],
        identity=Identity.PSEUDONYM,
        person=jens,
    )
    path = write(
        tmp_path,
        [
            HEADER,
            f"{day(5)},Værestedet Havnen,skp,Jobcenter,STORE JENS,{citizen.reveal_cpr()},,,,",
            f"{day(4)},Værestedet Havnen,skp,Jobcenter,Store Jens,,,,,",  # known by name only: the citizen too
            f"{day(3)},Værestedet Havnen,skp,Jobcenter,Store Jens,{setting['other'].reveal_cpr()},,,,",  # line 4
        ],
    )
    result = registrations(setting, path, skip_bad_rows=True)

    assert result.bad_rows == [(4, "person_other_citizen")]
    jens.refresh_from_db()
    assert (jens.citizen, jens.linked_by) == (citizen, setting["leader"])
    assert ContactPerson.objects.count() == 1
    earlier.refresh_from_db()
    assert earlier.citizen == citizen and earlier.person == jens and earlier.identity == Identity.PSEUDONYM
    assert set(ContactRegistration.objects.values_list("person", "citizen")) == {(jens.pk, citizen.pk)}
    assert ContactRegistration.objects.count() == 3
    linked = AuditEvent.objects.get(code="outreach.person_linked")  # as when staff link a person
    assert (linked.actor, linked.data["registrations"]) == (setting["leader"], "2")


# --- appointments ----------------------------------------------------------------------------------------------


def appointments(setting, path, **options):
    return services_import.appointments_import(municipality=setting["municipality"], path=path, **options)


def test_appointments_are_imported_once_with_their_outcome_and_citizen(tmp_path, setting):
    cpr = setting["citizen"].reveal_cpr()
    path = write(
        tmp_path,
        [
            APPOINTMENT_HEADER,
            f"{day(20)},Jobcenter,Booking 4711,,office,no_show",
            f"{day(19)},Jobcenter,,{cpr},centre,attended",
            f"{day(19, danish=True)},jobcenter,Booking 4712,{cpr},CENTRE,cancelled",
            f"{day(-7)},Jobcenter,Booking 4713,,office,",  # booked, not held yet
        ],
        "bookinger.csv",
    )
    result = appointments(setting, path, actor=setting["leader"])

    assert (result.rows_read, result.created, result.bad_rows) == (4, 4, [])
    rows = list(Appointment.objects.order_by("occurred_on", "citizen_ref"))
    assert [(a.place, a.outcome, a.citizen_ref, a.citizen_id) for a in rows] == [
        ("office", "no_show", "Booking 4711", None),
        ("centre", "attended", "", setting["citizen"].pk),
        ("centre", "cancelled", "Booking 4712", setting["citizen"].pk),
        ("office", "", "Booking 4713", None),
    ]
    assert {a.recorded_by for a in rows} == {setting["leader"]}
    assert {a.department for a in rows} == {setting["jobs"]}
    changes = ChangeLogEntry.objects.count()

    again = appointments(setting, path, actor=setting["leader"])
    assert (again.created, again.unchanged) == (0, 4)
    assert Appointment.objects.count() == 4
    assert ChangeLogEntry.objects.count() == changes
    assert AuditEvent.objects.filter(code="outreach.imported").count() == 2


def test_bad_appointment_rows_are_named_and_nothing_is_saved(tmp_path, setting):
    path = write(
        tmp_path,
        [
            APPOINTMENT_HEADER,
            f"{day(3)},Jobcenter,A,,office,attended",
            f"{day(3)},Jobcenter,B,,home,attended",  # line 3: place
            f"{day(3)},Jobcenter,C,,office,maybe",  # line 4: outcome
            f"{day(-3)},Jobcenter,D,,office,attended",  # line 5: an outcome in the future
            f"{day(3)},Jobcenter,E,0101011234,office,attended",  # line 6: no such citizen
            f"{day(3)},Jobcenter,{'x' * 81},,office,attended",  # line 7: too long a reference
        ],
    )
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_appointments", path, stdout=out)
    assert not Appointment.objects.exists()
    result = appointments(setting, path)
    assert result.bad_rows == [
        (3, "place"),
        (4, "outcome"),
        (5, "outcome_future"),
        (6, "cpr_unknown"),
        (7, "too_long:citizen_ref"),
    ]
    for line in (3, 4, 5, 6, 7):
        assert re.search(rf"\b{line}\b", out.getvalue())

    call_command("import_appointments", path, "--skip-bad-rows", stdout=io.StringIO())
    appointment = Appointment.objects.get()
    assert (appointment.citizen_ref, appointment.recorded_by) == ("A", None)
