"""Drop-in centres in a real browser on a 375 px phone (issue 11's check), on a small municipality built here (not
the demo).

The centre's own staff member (a partner account whose contact person belongs to *Værestedet Havnen*, which has a
cooperation agreement in force) registers a conversation with a returning citizen known there as "Store Jens",
finding the name as they type; makes a one-time rating link; the citizen opens it in a fresh browser (not logged in)
and rates the conversation, after which the link is used up. A job-centre caseworker then links "Store Jens" to the
registered citizen by CPR number, and the project leader's evaluation page counts the conversations, the citizen once,
and the rating. Every page fits the phone's width (no sideways scroll) with no WCAG 2.1 A/AA violation that axe-core
finds. Selectors use ids, names and values, not texts, so the test holds whatever the state of the translations.
"""

import datetime
import re

import pytest
from django.utils import timezone

from tests.browser.test_small_screens import PHONE, _page, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from samspil.citizens import cpr
    from samspil.organisations.choices import DepartmentKind, StaffRole
    from samspil.outreach.choices import Element, Weekday
    from samspil.outreach.tests import factories as of
    from tests import factories as f

    today = timezone.localdate()
    municipality = f.MunicipalityFactory()
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter og Ydelse", kind=DepartmentKind.JOB_CENTRE)
    children = f.DepartmentFactory(municipality=municipality, name="Børn og Unge", kind=DepartmentKind.CHILDREN_YOUTH)
    caseworker = f.make_staff(jobs, StaffRole.CASEWORKER, username="sagsbehandler", first_name="Karen")
    leader = f.make_staff(children, StaffRole.PROJECT_LEADER, username="projektleder")
    centre = of.make_centre(municipality, name="Værestedet Havnen")
    agreement = of.make_agreement(centre, starts_on=today - datetime.timedelta(days=365))
    of.make_hours(agreement, jobs, element=Element.SUPPORT_CONTACT, weekday=Weekday(today.weekday()), staff=caseworker)
    contact = f.ExternalContactFactory(municipality=municipality, organisation=centre, name="Vera Værested")
    drop_in = of.make_drop_in_staff(contact, username="vera")
    person = of.make_person(centre, "Store Jens")
    of.make_registration(
        centre,
        jobs,
        recorded_by=caseworker,
        person=person,
        occurred_on=today - datetime.timedelta(days=14),
        element=Element.SUPPORT_CONTACT,
    )
    citizen = f.CitizenFactory(municipality=municipality, born=f.years_ago(41), first_name="Jens", last_name="Hansen")
    return {
        "drop_in": drop_in,
        "caseworker": caseworker,
        "leader": leader,
        "centre": centre,
        "person": person,
        "citizen": citizen,
        "cpr": cpr.normalise(citizen.reveal_cpr()),
    }


def log_in(page, base_url, username):
    from tests.factories import PASSWORD

    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/konto/log-ind/" not in url)


def test_a_returning_citizen_registered_rated_linked_and_counted(browser, live_server, world):
    from playwright.sync_api import expect

    from samspil.outreach.models import CitizenRating, ContactPerson, ContactRegistration

    base = live_server.url
    pages = _page(browser, PHONE)
    page = next(pages)

    # Drop-in staff: from the partner home page to their centre's conversations, and the form.
    log_in(page, base, "vera")
    page.goto(f"{base}/partner/")
    page.locator("#partner-drop-in a").click()
    page.wait_for_url(re.compile(r"/partner/vaerested/$"))
    check(page, "outreach-partner-home")
    page.locator("#partner-create").click()
    page.wait_for_url(re.compile(r"/partner/vaerested/ny/$"))
    check(page, "outreach-partner-form")
    # Defaults from today's outreach hours: the element and the department; the citizen is known by a name.
    expect(page.locator("input[name=identity][value=pseudonym]")).to_be_checked()
    expect(page.locator("input[name=element][value=skp]")).to_be_checked()

    # The returning citizen: typing part of the name offers the centre's name for them.
    page.locator("#id_pseudonym").press_sequentially("store", delay=60)
    expect(page.locator("#person-options option[value='Store Jens']")).to_be_attached()
    page.fill("#id_pseudonym", "Store Jens")
    page.fill("#id_minutes", "20")
    page.locator("input[name=topics][value=housing]").check()
    page.locator("#registration-save").click()
    page.wait_for_url(re.compile(r"/partner/vaerested/[0-9a-f-]+/$"))
    expect(page.locator("#registration-citizen")).to_contain_text("Store Jens")
    check(page, "outreach-partner-registration")
    assert ContactPerson.objects.count() == 1, "the returning citizen became a second person"
    registration = ContactRegistration.objects.order_by("-id").first()
    assert registration.person == world["person"] and registration.centre == world["centre"]
    assert registration.department.name == "Jobcenter og Ydelse" and registration.topics == ["housing"]

    # The one-time rating link and its QR code.
    page.locator("#make-rating-link").click()
    expect(page.locator("#rating-qr svg")).to_be_visible()
    check(page, "outreach-rating-link")
    link = page.locator("#rating-url").input_value()
    assert re.search(r"/vurdering/[A-Za-z0-9_-]+/$", link)

    # The citizen, in a fresh browser that is not logged in.
    citizen_pages = _page(browser, PHONE)
    citizen_page = next(citizen_pages)
    citizen_page.goto(link)
    expect(citizen_page.locator("#rating-intro")).to_contain_text("Værestedet Havnen")
    expect(citizen_page.locator("main")).not_to_contain_text("Store Jens")
    check(citizen_page, "outreach-rating-form")
    citizen_page.locator("input[name=safe][value='5']").check()
    citizen_page.locator("input[name=relevant][value='4']").check()
    citizen_page.locator("#rating-send").click()
    expect(citizen_page.locator("#rating-thanks")).to_be_visible()
    check(citizen_page, "outreach-rating-thanks")
    response = citizen_page.goto(link)
    assert response.status == 410
    expect(citizen_page.locator("#rating-unusable")).to_be_visible()
    rating = CitizenRating.objects.get()
    assert (rating.registration_id, rating.safe, rating.relevant, rating.place) == (registration.pk, 5, 4, None)
    next(citizen_pages, None)

    # The job-centre caseworker links "Store Jens" to the registered citizen.
    page.context.clear_cookies()
    log_in(page, base, "sagsbehandler")
    page.goto(f"{base}/vaeresteder/samtaler/")
    check(page, "outreach-contacts-list")
    page.locator(f"#contacts-table a[href='/vaeresteder/samtaler/{registration.public_id}/']").click()
    page.wait_for_url(re.compile(rf"/vaeresteder/samtaler/{registration.public_id}/$"))
    check(page, "outreach-registration")
    page.locator("#link-person a").click()
    page.wait_for_url(re.compile(r"/vaeresteder/samtaler/personer/[0-9a-f-]+/"))
    expect(page.locator("#person-registrations tbody tr")).to_have_count(2)
    check(page, "outreach-person")
    page.fill("#id_link-cpr_number", world["cpr"])
    page.locator("#link-save").click()
    expect(page.locator("#person-citizen")).to_contain_text("Jens Hansen")
    check(page, "outreach-person-linked")
    assert set(ContactRegistration.objects.values_list("citizen_id", flat=True)) == {world["citizen"].pk}

    # The project leader's evaluation: two staff forms, one citizen (counted once), one citizen form and its answers.
    page.context.clear_cookies()
    log_in(page, base, "projektleder")
    page.goto(f"{base}/vaeresteder/evaluering/")
    total = page.locator(".kora-centre-table-total td")
    expect(total.nth(0)).to_have_text("1")  # unique citizens
    expect(total.nth(1)).to_have_text("1")  # citizen forms
    expect(total.nth(2)).to_have_text("2")  # staff forms
    expect(total.nth(3)).to_have_text("1")  # citizens with both
    expect(page.locator("#rating-safe td").nth(0)).to_have_text("1")
    expect(page.locator("#rating-safe td").nth(1)).to_have_text("5,0")
    check(page, "outreach-evaluation")
    next(pages, None)
