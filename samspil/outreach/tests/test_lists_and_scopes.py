"""What the review of the drop-in model added: the lists that had no constant-query test (a person known at a centre
with all their conversations, drop-in staff's own list), and the scopes a page reads through (the persons found while
registering, a session's named participants)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.access import policy
from samspil.organisations.choices import StaffRole
from samspil.outreach import selectors_contacts, services_agreements
from samspil.outreach.models import ContactPerson, GroupParticipant, GroupSession
from samspil.outreach.tests import factories as of
from samspil.outreach.tests.test_contacts import build_drop_in, record
from tests import factories as f

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_persons_page_takes_the_same_queries_with_more_conversations(client, world, request_id):
    drop_in = build_drop_in(world)
    with request_id(world.coordinator):
        first, _ = record(world.coordinator, drop_in.centre, world.children, staff=world.colleague)
    client.force_login(world.coordinator)
    url = reverse("outreach:contacts_person", args=[first.person.public_id])
    few = queries(client, url)
    with request_id(world.coordinator):
        for n in range(20):
            staff = world.coordinator if n % 2 else world.colleague
            record(world.coordinator, drop_in.centre, world.children, staff=staff, minutes=n + 1)
    assert queries(client, url) == few


def test_drop_in_staffs_list_takes_the_same_queries_with_more_conversations(client, world, request_id):
    drop_in = build_drop_in(world)
    account = of.make_drop_in_staff(drop_in.contact)
    with request_id(world.coordinator):
        record(world.coordinator, drop_in.centre, world.children)
    client.force_login(account)
    url = reverse("outreach_partner:home")
    few = queries(client, url)
    with request_id(world.coordinator):
        for n in range(20):
            record(world.coordinator, drop_in.centre, world.children, pseudonym=f"Person {n}")
    assert queries(client, url) == few


def test_the_person_search_reads_through_the_scope(world):
    drop_in = build_drop_in(world)
    of.make_person(drop_in.centre, "Store Jens")
    found = selectors_contacts.person_search(
        selectors_contacts.staff_persons(world.coordinator), centre=drop_in.centre, query="jens"
    )
    assert [person.pseudonym for person in found] == ["Store Jens"]
    # A department head does not register conversations: the scope gives them no one.
    nobody = selectors_contacts.person_search(
        selectors_contacts.staff_persons(world.head), centre=drop_in.centre, query="jens"
    )
    assert nobody == [] and ContactPerson.objects.count() == 1


def test_named_participants_are_read_only_by_those_who_register(world):
    leader = f.make_staff(world.children, StaffRole.PROJECT_LEADER)
    centre = of.make_centre(world.municipality)
    today = timezone.localdate()
    activity = services_agreements.activity_create(
        actor=leader, centre=centre, title="Madlavning", description="", starts_on=today - datetime.timedelta(days=30)
    )
    session = services_agreements.session_add(
        actor=leader, activity=activity, held_on=today - datetime.timedelta(days=1)
    )
    services_agreements.participant_add(actor=leader, session=session, person=of.make_person(centre))

    def visible(user):
        return policy.restrict(GroupParticipant.objects, user, policy.VIEW).count()

    assert (visible(leader), visible(world.jobworker), visible(world.head)) == (1, 1, 0)
    # The session itself (its date and count) every staff member reads.
    assert policy.restrict(GroupSession.objects, world.head, policy.VIEW).count() == 1
    assert policy.restrict(GroupParticipant.objects, world.jobworker, policy.MANAGE).count() == 0


def test_a_sessions_page_and_the_activity_and_agreement_lists_take_the_same_queries_with_more_rows(client, world):
    leader = f.make_staff(world.children, StaffRole.PROJECT_LEADER)
    today = timezone.localdate()

    def activity_at_new_centre(name):
        centre = of.make_centre(world.municipality, name=name)
        of.make_agreement(centre, starts_on=today - datetime.timedelta(days=90))
        activity = services_agreements.activity_create(
            actor=leader, centre=centre, title=name, description="", starts_on=today - datetime.timedelta(days=60)
        )
        return centre, activity

    centre, activity = activity_at_new_centre("Værestedet Havnen")
    session = services_agreements.session_add(
        actor=leader, activity=activity, held_on=today - datetime.timedelta(days=1), anonymous_count=2
    )
    services_agreements.participant_add(actor=leader, session=session, person=of.make_person(centre, "Store Jens"))
    urls = [
        reverse("outreach:activities_session", args=[activity.public_id, session.public_id]),
        reverse("outreach:activities"),
        reverse("outreach:agreements"),
    ]
    readers = (leader, world.jobworker, world.head)  # who names, who reads the names, who sees the counts only

    def counts():
        found = []
        for reader in readers:
            client.force_login(reader)
            found.append([queries(client, url) for url in urls])
        return found

    few = counts()
    for n in range(15):
        services_agreements.participant_add(actor=leader, session=session, person=of.make_person(centre, f"P {n}"))
        activity_at_new_centre(f"Værested {n}")
    assert counts() == few
