"""Drop-in staff's pages (`/partner/vaerested/`): their own centre only, the same registration form with the centre
fixed, the contacts at their centre, rating links; everyone else gets 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit.choices import AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.outreach.choices import Element, Identity
from samspil.outreach.models import ContactRegistration, RatingLink
from samspil.outreach.tests import factories as of
from samspil.outreach.tests.test_contacts import build_drop_in, record
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def drop_in(world):
    return build_drop_in(world)


@pytest.fixture
def staff_account(drop_in):
    return of.make_drop_in_staff(drop_in.contact)


def partner_form(world, **fields):
    return {
        "identity": "pseudonym",
        "pseudonym": "Store Jens",
        "occurred_on": timezone.localdate().strftime("%d.%m.%Y"),
        "element": Element.SUPPORT_CONTACT.value,
        "department": str(world.jobs.public_id),
        "note": "Talte om at søge bolig",
    } | fields


def test_drop_in_staff_register_at_their_own_centre(client, world, drop_in, staff_account):
    client.force_login(staff_account)
    form = client.get(reverse("outreach_partner:create"))
    assert form.status_code == 200
    fields = form.context["form"].fields
    assert "centre" not in fields and "cpr_number" not in fields
    assert [value for value, _label in fields["identity"].choices] == [Identity.PSEUDONYM, Identity.ANONYMOUS]
    # The department is required, from any of the municipality's departments.
    missing = client.post(reverse("outreach_partner:create"), partner_form(world, department=""))
    assert missing.status_code == 422 and "department" in missing.context["form"].errors
    response = client.post(reverse("outreach_partner:create"), partner_form(world))
    registration = ContactRegistration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach_partner:registration", args=[registration.public_id])
    assert registration.centre == drop_in.centre and registration.recorded_by == staff_account
    assert registration.staff is None and registration.department == world.jobs
    assert registration.person.centre == drop_in.centre
    # Never a registered citizen by CPR number.
    refused = client.post(reverse("outreach_partner:create"), partner_form(world, identity="registered"))
    assert refused.status_code == 422
    assert ContactRegistration.objects.count() == 1


def test_drop_in_staff_see_their_own_centres_conversations_only(client, world, drop_in, staff_account, request_id):
    with request_id(world.coordinator):
        here, _ = record(
            world.coordinator, drop_in.centre, world.children, note="Bevilget enkeltydelse", topics=["housing"]
        )
        elsewhere, _ = record(world.coordinator, drop_in.other_centre, world.children, pseudonym="Lille Per")
    client.force_login(staff_account)
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    home = client.get(reverse("outreach_partner:home"))
    assert home.status_code == 200
    assert [r.pk for r in home.context["rows"]] == [here.pk]
    rows = AccessLogEntry.objects.filter(pk__gt=before)
    assert [(row.subject_index, row.shown, row.via) for row in rows] == [
        (here.person.log_subject_index, "outreach.registrations", AccessVia.PARTNER)
    ]
    page = client.get(reverse("outreach_partner:registration", args=[here.public_id]))
    assert page.status_code == 200
    content = page.content.decode()
    # A colleague's conversation: who, when and where, never what it was about or what was decided.
    assert "Bevilget enkeltydelse" not in content and not page.context["own"]
    denied = AuditEvent.objects.filter(code="access.denied")
    assert client.get(reverse("outreach_partner:registration", args=[elsewhere.public_id])).status_code == 404
    assert client.post(reverse("outreach_partner:rating_link", args=[elsewhere.public_id])).status_code == 404
    assert denied.count() == 2
    assert not RatingLink.objects.exists()


def test_drop_in_staff_see_what_they_registered_themselves(client, world, drop_in, staff_account):
    client.force_login(staff_account)
    client.post(reverse("outreach_partner:create"), partner_form(world))
    registration = ContactRegistration.objects.get()
    page = client.get(reverse("outreach_partner:registration", args=[registration.public_id]))
    assert page.context["own"] and "Talte om at søge bolig" in page.content.decode()


def test_a_linked_citizen_is_never_named_to_drop_in_staff(client, world, drop_in, staff_account, request_id):
    from samspil.citizens import cpr
    from samspil.outreach import services_contacts

    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
        services_contacts.person_link(
            actor=world.coordinator,
            person=registration.person,
            cpr_digits=cpr.normalise(world.citizen.reveal_cpr()),
        )
    client.force_login(staff_account)
    content = client.get(reverse("outreach_partner:registration", args=[registration.public_id])).content.decode()
    # The full name: a random last name can be the drop-in staff member's own.
    assert world.citizen.full_name not in content and "Store Jens" in content
    row = AccessLogEntry.objects.filter(actor=staff_account).get()
    assert row.citizen_id == world.citizen.pk and row.via == AccessVia.PARTNER


def test_drop_in_staff_make_a_rating_link(client, world, drop_in, staff_account, request_id):
    with request_id(world.coordinator):
        registration, _ = record(world.coordinator, drop_in.centre, world.children)
    client.force_login(staff_account)
    response = client.post(reverse("outreach_partner:rating_link", args=[registration.public_id]))
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert RatingLink.objects.get().created_by == staff_account


def test_the_person_search_is_of_the_own_centre(client, world, drop_in, staff_account):
    of.make_person(drop_in.centre, "Store Jens")
    of.make_person(drop_in.other_centre, "Jens fra caféen")
    client.force_login(staff_account)
    response = client.get(reverse("outreach_partner:person_search"), {"pseudonym": "jens"})
    assert [p.pseudonym for p in response.context["persons"]] == ["Store Jens"]


def test_everyone_else_gets_404(client, world, drop_in, staff_account):
    invited = f.StaffUserFactory(
        municipality=world.municipality,
        kind="partner",
        external_contact=f.ExternalContactFactory(municipality=world.municipality),
    )
    for user in (invited, world.coordinator, f.portal_account(world.citizen)):
        client.force_login(user)
        assert client.get(reverse("outreach_partner:home")).status_code == 404
    # Drop-in staff reach no staff page.
    client.force_login(staff_account)
    assert client.get(reverse("outreach:contacts_list")).status_code == 404
    assert client.get(reverse("outreach:contacts_create")).status_code == 404
    # The anonymous: the log-in page.
    client.logout()
    response = client.get(reverse("outreach_partner:home"))
    assert response.status_code == 302 and response["Location"].startswith("/konto/log-ind/")


def test_an_ended_agreement_ends_the_drop_in_pages(client, world, drop_in, staff_account):
    client.force_login(staff_account)
    assert client.get(reverse("outreach_partner:home")).status_code == 200
    drop_in.agreement.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    drop_in.agreement.save()
    assert client.get(reverse("outreach_partner:home")).status_code == 404


def test_the_partner_home_page_links_drop_in_staff_to_their_centre(client, world, drop_in, staff_account):
    client.force_login(staff_account)
    content = client.get(reverse("partners:home")).content.decode()
    assert reverse("outreach_partner:home") in content and drop_in.centre.name in content
    invited = f.StaffUserFactory(
        municipality=world.municipality,
        kind="partner",
        external_contact=f.ExternalContactFactory(municipality=world.municipality),
    )
    client.force_login(invited)
    assert reverse("outreach_partner:home") not in client.get(reverse("partners:home")).content.decode()
