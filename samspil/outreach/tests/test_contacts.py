"""Registering conversations at a drop-in centre, the staff's pages, and linking to a registered citizen.

The world (`conftest.world`): the coordinator and the outsider are caseworkers in *Børn og Unge*, the jobworker in
the job centre. `drop_in` adds a centre with an agreement in force and *Børn og Unge*'s hours there today.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.citizens import cpr
from samspil.outreach import services_contacts as services
from samspil.outreach.choices import Element, Identity, Weekday
from samspil.outreach.models import ContactPerson, ContactRegistration
from samspil.outreach.tests import factories as of
from tests import factories as f

pytestmark = pytest.mark.django_db


@dataclass
class DropIn:
    centre: object
    agreement: object
    other_centre: object
    contact: object


def build_drop_in(world, *, today=None) -> DropIn:
    """A centre with an agreement in force (all elements) and *Børn og Unge*'s hours there today; a second centre
    with an agreement of its own; a contact person of the first (drop-in staff, see `make_drop_in_staff`)."""
    today = today or timezone.localdate()
    centre = of.make_centre(world.municipality)
    agreement = of.make_agreement(centre, starts_on=today - datetime.timedelta(days=200))
    of.make_hours(agreement, world.children, weekday=Weekday(today.weekday()), element=Element.SUPPORT_CONTACT)
    other = of.make_centre(world.municipality, name="Café Solstrålen")
    of.make_agreement(other, starts_on=today - datetime.timedelta(days=200))
    contact = f.ExternalContactFactory(municipality=world.municipality, organisation=centre, name="Vera Værested")
    return DropIn(centre=centre, agreement=agreement, other_centre=other, contact=contact)


@pytest.fixture
def drop_in(world):
    return build_drop_in(world)


def record(actor, centre, department, **fields):
    values = {
        "identity": Identity.PSEUDONYM,
        "pseudonym": "Store Jens",
        "occurred_on": timezone.localdate(),
        "centre": centre,
        "element": Element.OUTREACH_CASEWORK,
        "department": department,
        "staff": actor,
        "minutes": 20,
    } | fields
    return services.registration_record(actor=actor, **values)


def form_data(drop_in, world, **fields):
    return {
        "identity": "pseudonym",
        "pseudonym": "Store Jens",
        "occurred_on": timezone.localdate().strftime("%d.%m.%Y"),
        "centre": str(drop_in.centre.public_id),
        "element": Element.OUTREACH_CASEWORK.value,
        "minutes": "15",
        "topics": ["housing", "benefits"],
        "decisions": ["one_off_grant"],
        "staff": str(world.coordinator.public_id),
        "department": str(world.children.public_id),
    } | fields


def digits(citizen) -> str:
    return cpr.normalise(citizen.reveal_cpr())


def rows_since(before: int):
    return list(AccessLogEntry.objects.filter(pk__gt=before).order_by("pk"))


def last_log_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- the service -------------------------------------------------------------------------------------------------


def test_a_returning_citizen_is_found_by_the_centres_name_whatever_the_case(world, drop_in, request_id):
    with request_id(world.coordinator):
        first, new_first = record(world.coordinator, drop_in.centre, world.children)
        second, new_second = record(world.coordinator, drop_in.centre, world.children, pseudonym="  store   JENS ")
        åse, _ = record(world.coordinator, drop_in.centre, world.children, pseudonym="Åse")
        again, new_again = record(world.coordinator, drop_in.centre, world.children, pseudonym="åse")
    assert (new_first, new_second, new_again) == (True, False, False)
    assert first.person == second.person and first.person.pseudonym == "Store Jens"
    assert åse.person == again.person
    assert ContactPerson.objects.filter(centre=drop_in.centre).count() == 2
    # The same name at another centre is another person.
    with request_id(world.coordinator):
        elsewhere, new_elsewhere = record(world.coordinator, drop_in.other_centre, world.children)
    assert new_elsewhere and elsewhere.person != first.person
    events = AuditEvent.objects.filter(code="outreach.registration_recorded")
    assert events.count() == 5
    assert ChangeLogEntry.objects.filter(content_type__model="contactregistration").count() >= 5


def test_a_registered_citizen_by_cpr_and_an_unknown_cpr_refused(world, drop_in, request_id):
    number = digits(world.citizen)
    with request_id(world.coordinator):
        registration, _ = record(
            world.coordinator, drop_in.centre, world.children, identity=Identity.REGISTERED, cpr_digits=number
        )
    assert registration.citizen == world.citizen and registration.person is None
    unknown = f.random_cpr(born=f.years_ago(44))
    with pytest.raises(ValidationError) as refused, request_id(world.coordinator):
        record(world.coordinator, drop_in.centre, world.children, identity=Identity.REGISTERED, cpr_digits=unknown)
    assert "cpr_number" in refused.value.message_dict
    assert ContactRegistration.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_on": "tomorrow"}, "occurred_on"),
        ({"occurred_on": "before the agreement"}, "centre"),
        ({"element": Element.GROUP_ACTIVITIES}, "element"),
        ({"department": "jobs"}, "department"),
        ({"decisions": ["none", "one_off_grant"]}, "decisions"),
        ({"follow_up_on": "today"}, "follow_up_on"),
        ({"pseudonym": "   "}, "pseudonym"),
    ],
)
def test_a_bad_registration_is_refused_by_field_and_saves_nothing(world, drop_in, request_id, fields, field):
    today = timezone.localdate()
    values = {
        "tomorrow": today + datetime.timedelta(days=1),
        "before the agreement": drop_in.agreement.starts_on - datetime.timedelta(days=1),
        "today": today,
        "jobs": world.jobs,
    }
    fields = {name: values.get(value, value) if isinstance(value, str) else value for name, value in fields.items()}
    department = fields.pop("department", world.children)
    with pytest.raises(ValidationError) as refused, request_id(world.coordinator):
        record(world.coordinator, drop_in.centre, department, **fields)
    assert field in refused.value.message_dict
    assert not ContactRegistration.objects.exists()
    assert not ContactPerson.objects.exists()


def test_an_element_outside_the_agreement_is_refused(world, drop_in, request_id):
    drop_in.agreement.elements = [Element.OUTREACH_CASEWORK]
    drop_in.agreement.save()
    with pytest.raises(ValidationError) as refused, request_id(world.coordinator):
        record(world.coordinator, drop_in.centre, world.children, element=Element.SUPPORT_CONTACT)
    assert "element" in refused.value.message_dict


# --- the pages -----------------------------------------------------------------------------------------------------


def test_the_form_starts_with_todays_hours(client, world, drop_in):
    client.force_login(world.coordinator)
    response = client.get(reverse("outreach:contacts_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert str(form["centre"].value()) == str(drop_in.centre.public_id)
    assert form["element"].value() == Element.SUPPORT_CONTACT
    assert str(form["department"].value()) == str(world.children.public_id)
    assert str(form["staff"].value()) == str(world.coordinator.public_id)
    assert form["occurred_on"].value() == timezone.localdate()
    assert form["identity"].value() == Identity.PSEUDONYM
    # The search for a returning citizen's name asks for the chosen centre's names.
    content = response.content.decode()
    assert 'list="person-options"' in content and reverse("outreach:contacts_person_search") in content
    assert not rows_since(0)


def test_without_hours_today_the_form_starts_with_the_last_centre(client, world, drop_in, request_id):
    drop_in.agreement.hours.all().delete()
    with request_id(world.coordinator):
        record(world.coordinator, drop_in.other_centre, world.children, element=Element.OUTREACH_SUBSTANCE_ABUSE)
    client.force_login(world.coordinator)
    form = client.get(reverse("outreach:contacts_create")).context["form"]
    assert str(form["centre"].value()) == str(drop_in.other_centre.public_id)
    assert form["element"].value() == Element.OUTREACH_SUBSTANCE_ABUSE


def test_registering_on_the_form_then_the_conversations_page(client, world, drop_in):
    client.force_login(world.coordinator)
    response = client.post(reverse("outreach:contacts_create"), form_data(drop_in, world))
    registration = ContactRegistration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:contacts_registration", args=[registration.public_id])
    assert registration.person.pseudonym == "Store Jens"
    assert registration.topics == ["housing", "benefits"] and registration.decisions == ["one_off_grant"]
    assert registration.recorded_by == world.coordinator and registration.minutes == 15
    before = last_log_pk()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Store Jens" in page.content.decode()
    rows = rows_since(before)
    assert [(row.citizen_id, row.subject_index, row.shown) for row in rows] == [
        (None, registration.person.log_subject_index, "outreach.registration")
    ]


def test_an_invalid_form_keeps_what_was_typed_and_saves_nothing(client, world, drop_in):
    client.force_login(world.coordinator)
    data = form_data(drop_in, world, identity="registered", pseudonym="", cpr_number="3102991234")
    response = client.post(reverse("outreach:contacts_create"), data)
    assert response.status_code == 422
    assert "cpr_number" in response.context["form"].errors
    assert "3102991234" not in response.content.decode()
    assert not ContactRegistration.objects.exists()
    # An unknown CPR number is refused by the service, on the field.
    unknown = f.random_cpr(born=f.years_ago(40))
    response = client.post(
        reverse("outreach:contacts_create"),
        form_data(drop_in, world, identity="registered", pseudonym="", cpr_number=unknown),
    )
    assert response.status_code == 422
    assert response.context["form"].errors["cpr_number"]
    assert not ContactRegistration.objects.exists()


def test_the_list_shows_what_the_scope_gives_and_logs_it(client, world, drop_in, request_id):
    with request_id(world.coordinator):
        mine, _ = record(world.coordinator, drop_in.centre, world.children)
        anonymous, _ = record(
            world.coordinator, drop_in.centre, world.children, identity=Identity.ANONYMOUS, pseudonym=""
        )
    with request_id(world.jobworker):
        jobs, _ = record(
            world.jobworker, drop_in.other_centre, world.jobs, pseudonym="Lille Per", staff=world.jobworker
        )
    client.force_login(world.outsider)  # Børn og Unge, on nothing: sees the department's conversations
    before = last_log_pk()
    response = client.get(reverse("outreach:contacts_list"))
    assert response.status_code == 200
    assert {r.pk for r in response.context["rows"]} == {mine.pk, anonymous.pk}
    # One row per person shown; the anonymous conversation identifies no one.
    assert [(row.subject_index, row.shown) for row in rows_since(before)] == [
        (mine.person.log_subject_index, "outreach.registrations")
    ]
    filtered = client.get(reverse("outreach:contacts_list"), {"vaerested": drop_in.other_centre.public_id})
    assert filtered.context["rows"] == []
    bad = client.get(reverse("outreach:contacts_list"), {"fra": "31.02.2026"})
    assert bad.status_code == 422
    client.force_login(world.jobworker)
    assert [r.pk for r in client.get(reverse("outreach:contacts_list")).context["rows"]] == [jobs.pk]


def test_the_list_pages_by_keyset(client, world, drop_in, request_id, settings):
    settings.SAMSPIL_PAGE_SIZE = 2
    today = timezone.localdate()
    with request_id(world.coordinator):
        made = [
            record(world.coordinator, drop_in.centre, world.children, occurred_on=today - datetime.timedelta(days=n))[0]
            for n in range(5)
        ]
    client.force_login(world.coordinator)
    seen, query = [], {}
    for _page in range(3):
        response = client.get(reverse("outreach:contacts_list"), query)
        seen += [r.pk for r in response.context["rows"]]
        if not response.context["next_query"]:
            break
        query = dict(pair.split("=") for pair in response.context["next_query"].split("&"))
    assert seen == [r.pk for r in made]


def test_the_lists_queries_do_not_grow_with_its_rows(client, world, drop_in, request_id, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coordinator)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("outreach:contacts_list")).status_code == 200
        return len(captured)

    with request_id(world.coordinator):
        for n in range(3):
            record(world.coordinator, drop_in.centre, world.children, pseudonym=f"Person {n}")
    few = count()
    with request_id(world.coordinator):
        for n in range(3, 30):
            record(world.coordinator, drop_in.centre, world.children, pseudonym=f"Person {n}")
    assert count() == few


def test_a_conversation_out_of_scope_is_404_and_logged(client, world, drop_in, request_id):
    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
    client.force_login(world.jobworker)
    for name in ("outreach:contacts_registration", "outreach:contacts_edit", "outreach:contacts_rating_paper"):
        denied = AuditEvent.objects.filter(code="access.denied")
        before_denied = denied.count()
        response = client.get(reverse(name, args=[registration.public_id]))
        assert response.status_code == 404
        assert denied.count() == before_denied + 1
    response = client.get(reverse("outreach:contacts_person", args=[registration.person.public_id]))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(actor=world.jobworker).exists()
    client.force_login(world.head)  # no case role: the pages do not exist for them
    assert client.get(reverse("outreach:contacts_list")).status_code == 404


def test_editing_checks_the_version(client, world, drop_in, request_id):
    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
    client.force_login(world.coordinator)
    url = reverse("outreach:contacts_edit", args=[registration.public_id])
    form = client.get(url).context["form"]
    assert form["version"].value() == 1 and "identity" not in form.fields
    data = form_data(drop_in, world, minutes="45", version="1")
    response = client.post(url, data)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.minutes == 45 and registration.version == 2
    assert AuditEvent.objects.filter(code="outreach.registration_changed").count() == 1
    stale = client.post(url, form_data(drop_in, world, minutes="50", version="1"))
    assert stale.status_code == 422
    assert stale.context["form"].non_field_errors()
    assert stale.context["form"]["version"].value() == "2"
    registration.refresh_from_db()
    assert registration.minutes == 45


def test_the_person_search_lists_the_centres_names_and_logs_them(client, world, drop_in):
    of.make_person(drop_in.centre, "Store Jens")
    of.make_person(drop_in.centre, "Jensine")
    of.make_person(drop_in.centre, "Bo")
    elsewhere = of.make_person(drop_in.other_centre, "Jens fra caféen")
    client.force_login(world.coordinator)
    url = reverse("outreach:contacts_person_search")
    before = last_log_pk()
    response = client.get(url, {"centre": drop_in.centre.public_id, "pseudonym": "jens"})
    assert response.status_code == 200
    assert [p.pseudonym for p in response.context["persons"]] == ["Jensine", "Store Jens"]
    assert elsewhere.pseudonym not in response.content.decode()
    assert {row.shown for row in rows_since(before)} == {"outreach.person_search"}
    assert len(rows_since(before)) == 2
    assert client.get(url, {"centre": drop_in.centre.public_id, "pseudonym": "j"}).context["persons"] == []
    assert client.get(url, {"centre": "not-a-uuid", "pseudonym": "jens"}).context["persons"] == []


# --- linking ------------------------------------------------------------------------------------------------------


def test_linking_a_person_keeps_every_conversation_and_its_history(client, world, drop_in, request_id):
    with request_id(world.coordinator):
        first, _ = record(world.coordinator, drop_in.centre, world.children)
        second, _ = record(world.coordinator, drop_in.centre, world.children, pseudonym="store jens")
    person = first.person
    client.force_login(world.coordinator)
    page = client.get(reverse("outreach:contacts_person", args=[person.public_id]))
    assert page.status_code == 200 and len(page.context["registrations"]) == 2
    read_before_link = AccessLogEntry.objects.filter(subject_index=person.log_subject_index).count()
    assert read_before_link == 1

    response = client.post(
        reverse("outreach:contacts_person_link", args=[person.public_id]),
        {"link-cpr_number": digits(world.citizen)},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.citizen == world.citizen and person.linked_by == world.coordinator
    for registration in (first, second):
        registration.refresh_from_db()
        assert registration.citizen == world.citizen
        assert registration.person == person and registration.identity == Identity.PSEUDONYM
        assert registration.linked_at is not None
    event = AuditEvent.objects.get(code="outreach.person_linked")
    assert event.data["registrations"] == "2" and event.data["pseudonym"] == "Store Jens"
    changes = ChangeLogEntry.objects.filter(content_type__model="contactregistration", action="update")
    assert changes.count() == 2
    # From now on a read names the citizen.
    before = last_log_pk()
    client.get(reverse("outreach:contacts_person", args=[person.public_id]))
    assert {row.citizen_id for row in rows_since(before)} == {world.citizen.pk}
    # A second link is refused with a reason; nothing changes.
    again = client.post(
        reverse("outreach:contacts_person_link", args=[person.public_id]), {"link-cpr_number": "0101011234"}
    )
    assert again.status_code == 302
    assert AuditEvent.objects.filter(code="outreach.person_linked").count() == 1


def test_linking_to_an_unknown_cpr_is_refused(client, world, drop_in, request_id):
    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
    with pytest.raises(ValidationError), request_id(world.coordinator):
        services.person_link(
            actor=world.coordinator, person=registration.person, cpr_digits=f.random_cpr(born=f.years_ago(30))
        )
    registration.person.refresh_from_db()
    assert registration.person.citizen is None
    client.force_login(world.coordinator)
    response = client.post(
        reverse("outreach:contacts_person_link", args=[registration.person.public_id]), {"link-cpr_number": "12"}
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(code="outreach.person_linked").exists()


def test_linking_an_anonymous_conversation(client, world, drop_in, request_id):
    with request_id(world.coordinator):
        anonymous, _ = record(
            world.coordinator, drop_in.centre, world.children, identity=Identity.ANONYMOUS, pseudonym=""
        )
        named, _ = record(world.coordinator, drop_in.centre, world.children)
    client.force_login(world.coordinator)
    page = client.get(reverse("outreach:contacts_registration", args=[anonymous.public_id]))
    assert page.context["may_link"]
    response = client.post(
        reverse("outreach:contacts_registration_link", args=[anonymous.public_id]),
        {"link-cpr_number": digits(world.citizen)},
    )
    assert response.status_code == 302
    anonymous.refresh_from_db()
    assert anonymous.citizen == world.citizen and anonymous.identity == Identity.ANONYMOUS
    assert anonymous.subject_key == f"c{world.citizen.pk}"
    assert AuditEvent.objects.filter(code="outreach.registration_linked").count() == 1
    with pytest.raises(ValidationError), request_id(world.coordinator):
        services.registration_link(actor=world.coordinator, registration=named, cpr_digits=digits(world.citizen))
    # A colleague of another department may not link it.
    with pytest.raises(Exception) as refused, request_id(world.jobworker):
        services.registration_link(actor=world.jobworker, registration=named, cpr_digits=digits(world.citizen))
    assert refused.type.__name__ == "PermissionDenied"


def test_the_citizens_insight_shows_reads_made_before_the_link(client, world, drop_in, request_id):
    from samspil.audit.choices import SHOWN_LABELS
    from samspil.portal.insight import insight_all

    label = str(SHOWN_LABELS["outreach.registration"])

    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
    client.force_login(world.outsider)
    client.get(reverse("outreach:contacts_registration", args=[registration.public_id]))  # read before the link
    account = f.portal_account(world.citizen)
    assert not [row for row in insight_all(user=account, subjects=[world.citizen]) if row.what == label]
    with request_id(world.coordinator):
        services.person_link(actor=world.coordinator, person=registration.person, cpr_digits=digits(world.citizen))
    rows = [row for row in insight_all(user=account, subjects=[world.citizen]) if row.what == label]
    assert len(rows) == 1
    assert rows[0].who == world.outsider.get_full_name() and rows[0].about == world.citizen.first_name
