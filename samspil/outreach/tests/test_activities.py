"""Group activities (*holdbaserede aktiviteter*): the services (dates, sessions, named participants by the centre's
name or by CPR number), and the pages: counts for every staff member, named participants only for case roles and
the project leader, each person shown logged once."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import StaffRole
from samspil.outreach import forms_agreements as forms
from samspil.outreach import services_agreements as services
from samspil.outreach.models import ContactPerson, GroupActivity, GroupParticipant, GroupSession
from samspil.outreach.tests.factories import make_centre, make_person
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def leader(world):
    return f.make_staff(world.children, StaffRole.PROJECT_LEADER)


@pytest.fixture
def centre(world):
    return make_centre(world.municipality)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def activity(leader, centre, today):
    return services.activity_create(
        actor=leader, centre=centre, title="Madlavning", description="Hver tirsdag", starts_on=today - 60 * DAY
    )


@pytest.fixture
def session(leader, activity, today):
    return services.session_add(actor=leader, activity=activity, held_on=today - 7 * DAY, anonymous_count=5)


# --- the services -----------------------------------------------------------------------------------------------


def test_creating_and_changing_an_activity(leader, activity, today):
    assert (activity.title, activity.version) == ("Madlavning", 1)
    services.activity_update(
        actor=leader, activity=activity, expected_version=1, title="Fællesspisning", starts_on=activity.starts_on
    )
    activity.refresh_from_db()
    assert (activity.title, activity.description, activity.version) == ("Fællesspisning", "", 2)
    with pytest.raises(ConflictError):
        services.activity_update(
            actor=leader, activity=activity, expected_version=1, title="Gammel", starts_on=activity.starts_on
        )
    assert GroupActivity.objects.get().title == "Fællesspisning"
    assert [e.code for e in AuditEvent.objects.order_by("id")] == ["outreach.activity_saved"] * 2


def test_the_activitys_rules(leader, centre, world, today):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(actor=leader, centre=centre, title="", starts_on=today, ends_on=today - DAY)
    assert set(caught.value.message_dict) == {"title", "ends_on"}
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=world.coordinator, centre=centre, title="IT-café", starts_on=today)
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            actor=leader, centre=make_centre(world.other_municipality), title="IT-café", starts_on=today
        )
    assert set(caught.value.message_dict) == {"centre"}
    assert not GroupActivity.objects.exists()


def test_a_session_is_held_while_the_activity_runs(leader, activity, today):
    for held_on in (activity.starts_on - DAY, None):
        with pytest.raises(ValidationError) as caught:
            services.session_add(actor=leader, activity=activity, held_on=held_on, anonymous_count=3)
        assert set(caught.value.message_dict) == {"held_on"}
    with pytest.raises(ValidationError) as caught:
        services.session_add(actor=leader, activity=activity, held_on=today, anonymous_count=-1)
    assert set(caught.value.message_dict) == {"anonymous_count"}
    session = services.session_add(actor=leader, activity=activity, held_on=activity.starts_on, anonymous_count=0)
    services.session_update(actor=leader, session=session, held_on=today, anonymous_count=8, note="Regnvejr")
    session.refresh_from_db()
    assert (session.held_on, session.anonymous_count, session.note) == (today, 8, "Regnvejr")


def test_named_participants_by_the_centres_name_or_by_cpr(leader, session, centre, world):
    person = make_person(centre, "Store Jens")
    by_name = services.participant_add(actor=leader, session=session, person=person)
    digits = f.random_cpr(born=f.years_ago(40))
    citizen = f.CitizenFactory(municipality=world.municipality, cpr=digits)
    by_cpr = services.participant_add(actor=leader, session=session, cpr_number=f"{digits[:6]}-{digits[6:]}")
    assert (by_name.person, by_name.citizen) == (person, None)
    assert (by_cpr.person, by_cpr.citizen) == (None, citizen)

    for fields, key in (
        ({"person": person}, "person"),  # already there
        ({"cpr_number": digits}, "cpr_number"),  # already there
        ({"person": make_person(make_centre(world.municipality, name="Bakken"), "Lille Jens")}, "person"),
        ({"cpr_number": "3102901234"}, "cpr_number"),  # no such date
        ({"cpr_number": f.random_cpr(born=f.years_ago(30))}, "cpr_number"),  # nobody registered with it
        ({}, "person"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.participant_add(actor=leader, session=session, **fields)
        assert set(caught.value.message_dict) == {key}
    assert GroupParticipant.objects.filter(session=session).count() == 2

    services.participant_remove(actor=leader, participant=by_name)
    assert list(GroupParticipant.objects.values_list("citizen", flat=True)) == [citizen.pk]


def test_a_citizen_linked_to_a_person_at_the_centre_takes_part_once(leader, session, centre, world):
    digits = f.random_cpr(born=f.years_ago(50))
    citizen = f.CitizenFactory(municipality=world.municipality, cpr=digits)
    services.participant_add(actor=leader, session=session, person=make_person(centre, "Jens", citizen=citizen))
    with pytest.raises(ValidationError):
        services.participant_add(actor=leader, session=session, cpr_number=digits)
    other = services.session_add(actor=leader, activity=session.activity, held_on=session.held_on, anonymous_count=0)
    services.participant_add(actor=leader, session=other, cpr_number=digits)
    with pytest.raises(ValidationError) as caught:
        services.participant_add(actor=leader, session=other, person=make_person(centre, "Jensen", citizen=citizen))
    assert set(caught.value.message_dict) == {"person"}


def test_removing_a_session_removes_its_participants(leader, session, centre):
    services.participant_add(actor=leader, session=session, person=make_person(centre))
    services.session_remove(actor=leader, session=session)
    assert not GroupSession.objects.exists() and not GroupParticipant.objects.exists()
    assert AuditEvent.objects.filter(code="outreach.session_removed").count() == 1


def test_the_forms(world, centre, today):
    form = forms.ActivityForm(
        {"centre": centre.public_id, "title": "IT", "starts_on": "10.03.2026", "ends_on": "01.03.2026"},
        municipality_id=world.municipality.pk,
    )
    assert set(form.errors) == {"ends_on"}
    form = forms.SessionForm({"held_on": "", "anonymous_count": "1,5"})
    assert set(form.errors) == {"held_on", "anonymous_count"}
    form = forms.SessionForm({"held_on": "10.03.2026", "anonymous_count": "1.200"})
    assert set(form.errors) == {"anonymous_count"}
    persons = ContactPerson.objects.filter(centre=centre)
    form = forms.ParticipantForm({"person": "", "cpr_number": ""}, persons=persons)
    assert set(form.errors) == {"person"}


# --- the pages --------------------------------------------------------------------------------------------------


@pytest.fixture
def digits():
    """The CPR number of a citizen registered for these tests."""
    return f.random_cpr(born=f.years_ago(45))


@pytest.fixture
def citizen(world, digits):
    return f.CitizenFactory(municipality=world.municipality, cpr=digits, first_name="Karen", last_name="Kvistgaard")


@pytest.fixture
def named(leader, session, centre, citizen, digits):
    """The session's named participants: a person known at the centre and a registered citizen."""
    person = make_person(centre, "Store Jens")
    services.participant_add(actor=leader, session=session, person=person)
    services.participant_add(actor=leader, session=session, cpr_number=digits)
    return person


def test_case_roles_see_the_named_participants_and_each_is_logged(client, world, activity, session, named, citizen):
    client.force_login(world.jobworker)  # a caseworker in another department: may register at the centre
    for url in (
        reverse("outreach:activities_detail", args=[activity.public_id]),
        reverse("outreach:activities_session", args=[activity.public_id, session.public_id]),
    ):
        before = AccessLogEntry.objects.count()
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Store Jens" in content and citizen.full_name in content
        rows = AccessLogEntry.objects.order_by("id")[before:]
        assert Counter((r.citizen_id, r.subject_index, r.shown) for r in rows) == Counter(
            {
                (None, named.log_subject_index, "outreach.activity"): 1,
                (citizen.pk, "", "outreach.activity"): 1,
            }
        )


def test_others_see_the_counts_only(client, world, activity, session, named, citizen):
    client.force_login(world.head)
    response = client.get(reverse("outreach:activities_detail", args=[activity.public_id]))
    assert response.status_code == 200
    [shown] = response.context["sessions"]
    assert (shown.total, shown.named, shown.named_participants) == (7, 2, [])
    content = response.content.decode()
    assert "Store Jens" not in content and citizen.last_name not in content
    page = client.get(reverse("outreach:activities_session", args=[activity.public_id, session.public_id]))
    assert page.status_code == 200 and (page.context["named"], page.context["total"]) == (2, 7)
    assert "Store Jens" not in page.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_the_project_leader_names_a_participant_by_cpr_without_it_in_the_page(
    client, leader, activity, session, citizen, digits
):
    client.force_login(leader)
    url = reverse("outreach:activities_session", args=[activity.public_id, session.public_id])
    cpr_number = f"{digits[:6]}-{digits[6:]}"
    response = client.post(url, {"action": "participant_add", "participant_add-cpr_number": cpr_number})
    assert response.status_code == 302 and response["Location"] == url
    assert GroupParticipant.objects.get().citizen == citizen
    again = client.post(url, {"action": "participant_add", "participant_add-cpr_number": cpr_number})
    assert again.status_code == 422
    assert set(again.context["forms"]["participant_add"].errors) == {"cpr_number"}
    assert digits not in again.content.decode() and cpr_number not in again.content.decode()
    # The page again shows the participant: logged as the page itself is.
    assert AccessLogEntry.objects.filter(citizen=citizen, shown="outreach.activity").count() == 1


def test_pages_refuse_other_writers(client, world, activity, session):
    client.force_login(world.coordinator)
    detail = reverse("outreach:activities_detail", args=[activity.public_id])
    assert client.post(detail, {"action": "session_add"}).status_code == 403
    assert client.post(reverse("outreach:activities"), {"action": "activity_add"}).status_code == 403
    client.force_login(world.stranger)
    assert client.get(detail).status_code == 404


def test_creating_an_activity_and_a_session_through_the_pages(client, leader, centre, today):
    client.force_login(leader)
    listing = reverse("outreach:activities")
    page = client.get(listing, {"sted": centre.public_id})
    assert page.status_code == 200 and page.context["forms"]["activity_add"]["centre"].value() == centre.public_id
    response = client.post(
        listing,
        {
            "action": "activity_add",
            "activity_add-centre": centre.public_id,
            "activity_add-title": "IT-café",
            "activity_add-starts_on": today.strftime("%d.%m.%Y"),
        },
    )
    activity = GroupActivity.objects.get()
    assert response["Location"] == reverse("outreach:activities_detail", args=[activity.public_id])
    detail = response["Location"]
    response = client.post(
        detail,
        {
            "action": "session_add",
            "session_add-held_on": today.strftime("%d.%m.%Y"),
            "session_add-anonymous_count": "6",
        },
    )
    session = GroupSession.objects.get()
    assert response["Location"] == reverse("outreach:activities_session", args=[activity.public_id, session.public_id])
    early = client.post(
        detail,
        {
            "action": "session_add",
            "session_add-held_on": (today - DAY).strftime("%d.%m.%Y"),
            "session_add-anonymous_count": "2",
        },
    )
    assert early.status_code == 422 and set(early.context["forms"]["session_add"].errors) == {"held_on"}
    stale = client.post(
        detail,
        {
            "action": "activity_edit",
            "activity_edit-title": "IT",
            "activity_edit-starts_on": today.strftime("%d.%m.%Y"),
            "activity_edit-version": "0",
        },
    )
    assert stale.status_code == 422 and stale.context["saved_activity"].title == "IT-café"
    assert stale.context["forms"]["activity_edit"]["version"].value() == "1"
    assert client.get(reverse("outreach:activities"), {"sted": "ikke-et-id"}).status_code == 404


def test_the_activity_pages_query_count_does_not_grow(client, leader, centre, activity, django_assert_max_num_queries):
    client.force_login(leader)
    url = reverse("outreach:activities_detail", args=[activity.public_id])

    def fill(count):
        for n in range(count):
            session = services.session_add(
                actor=leader, activity=activity, held_on=activity.starts_on + n * DAY, anonymous_count=1
            )
            services.participant_add(actor=leader, session=session, person=make_person(centre, f"Person {count}-{n}"))

    fill(3)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
