"""Drop-in staff's access in a real browser on a 375 px phone: the project leader invites the centre's contact person
from the agreement's page, the contact opens the e-mail's link in a fresh browser, chooses a password, logs in and
lands on the centre's pages; the project leader ends the access and the next page is 404. Every page fits the phone's
width with no WCAG 2.1 A/AA violation that axe-core finds. Selectors use ids and names, not texts."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from samspil.organisations.choices import StaffRole
from samspil.outreach.tests.factories import make_agreement, make_centre
from tests import factories as f
from tests.browser.test_small_screens import PHONE, _page, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lang-nok-adgangskode-2026"


def log_in(page, base_url, username, password=f.PASSWORD):
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/konto/log-ind/" not in url)


def test_invite_accept_and_end_on_a_phone(live_server, browser, settings):
    from playwright.sync_api import expect

    settings.DEBUG = False
    municipality = f.MunicipalityFactory()
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter og Ydelse")
    f.make_staff(jobs, StaffRole.PROJECT_LEADER, username="projektleder")
    centre = make_centre(municipality, name="Værestedet Havnen med et ret langt navn")
    agreement = make_agreement(centre, starts_on=timezone.localdate() - datetime.timedelta(days=30))
    vera = f.ExternalContactFactory(
        municipality=municipality, organisation=centre, name="Vera Værested", email="vera@havnen.test"
    )
    f.ExternalContactFactory(municipality=municipality, organisation=centre, name="Bo Uden Mail", email="")
    base = live_server.url
    detail = f"{base}{reverse('outreach:agreements_detail', args=[agreement.public_id])}"

    leader_pages = _page(browser, PHONE)
    page = next(leader_pages)
    log_in(page, base, "projektleder")
    page.goto(detail)
    expect(page.locator("#drop-in-access")).to_be_visible()
    check(page, "outreach-drop-in-access")
    mail.outbox.clear()
    page.locator(f"#drop-in-invite-{vera.public_id}").click()
    page.wait_for_load_state("load")
    expect(page.locator(f"#drop-in-access-{vera.public_id} .drop-in-access-state")).to_have_attribute(
        "data-state", "pending"
    )
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/partner/invitation/[A-Za-z0-9_\-]+/", mail.outbox[0].body).group(0)
    link = base + link[link.index("/partner/") :]

    # The contact, in a fresh browser: the link, a password, the log-in, and the centre's pages.
    contact_pages = _page(browser, PHONE)
    contact = next(contact_pages)
    contact.goto(link)
    contact.wait_for_url(re.compile(r"/partner/invitation/$"))
    expect(contact.locator("#invitation-drop-in")).to_be_visible()
    check(contact, "outreach-drop-in-invitation")
    contact.fill("#id_password1", PASSWORD)
    contact.fill("#id_password2", PASSWORD)
    contact.click("main button[type=submit]")
    contact.wait_for_url(re.compile(r"/konto/log-ind/"))
    log_in(contact, base, "vera@havnen.test", PASSWORD)
    contact.wait_for_url(re.compile(r"/partner/vaerested/$"))
    check(contact, "outreach-drop-in-home-after-invitation")

    # The project leader ends the access; the contact's next page is 404.
    page.goto(detail)
    expect(page.locator(f"#drop-in-access-{vera.public_id} .drop-in-access-state")).to_have_attribute(
        "data-state", "accepted"
    )
    page.locator(f"#drop-in-access-{vera.public_id} details summary").click()
    page.locator(f"#drop-in-access-{vera.public_id} input[name=access_end-reason]").fill("Stoppet på værestedet")
    page.locator(f"#drop-in-end-{vera.public_id}").click()
    page.wait_for_load_state("load")
    expect(page.locator(f"#drop-in-access-{vera.public_id} .drop-in-access-state")).to_have_attribute(
        "data-state", "none"
    )
    response = contact.goto(f"{base}/partner/vaerested/")
    assert response.status == 404
