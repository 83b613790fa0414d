"""The coordinator's first walk through Samspil, in a real browser, on the demo municipality."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def log_in(page, base_url, username):
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/konto/log-ind/" not in url)  # each role lands on its own start page


def log_out(page):
    page.click("header form button[type=submit]")
    page.wait_for_url(re.compile(r"/konto/log-ind/"))


def test_coordinator_adds_network_person_and_outsider_gets_404(page, live_server, demo):
    from playwright.sync_api import expect

    log_in(page, live_server.url, "demo-koordinator")
    expect(page.locator("h1")).to_have_text("Mine forløb")
    rows = page.locator("#my-pathways tbody tr", has_text="Koordinator")
    expect(rows.first).to_be_visible()
    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/forloeb/[0-9a-f-]{36}/$"))
    pathway_url = page.url

    expect(page.locator("#team-table")).to_be_visible()
    page.locator("details:has(#id_network-name) > summary").click()
    page.fill("#id_network-name", "Grethe Testsen")
    page.fill("#id_network-relation", "nabo")
    page.fill("#id_network-phone", "12345678")
    page.locator("form:has(#id_network-name) button[type=submit]").click()

    expect(page.locator("#team-table")).to_contain_text("Grethe Testsen")
    expect(page.locator("#timeline")).to_contain_text("Grethe Testsen")
    expect(page.locator("#messages")).to_contain_text("tilføjet")
    page.screenshot(path="var/browser-overview.png", full_page=True)

    # The staff form lists every staff member, so it is loaded when opened.
    page.locator("details:has-text('Medarbejder fra en afdeling') > summary").click()
    options = page.locator("#id_staff-membership option")
    expect(options.nth(1)).to_be_attached()
    team = page.locator("#team-table").inner_text()
    newcomer = next(label for label in options.all_inner_texts()[1:] if label.split(" – ")[0] not in team)
    page.select_option("#id_staff-membership", label=newcomer)
    page.locator("form:has(#id_staff-membership) button[type=submit]").click()
    expect(page.locator("#team-table")).to_contain_text(newcomer.split(" – ")[0])

    # The CPR number is masked until the coordinator asks for it.
    masked = page.locator("dd[id^=cpr-] .cpr").first
    expect(masked).to_contain_text("-••••")
    page.locator("dd[id^=cpr-] button").first.click()
    expect(page.locator("dd[id^=cpr-] .cpr").first).to_have_text(re.compile(r"^\d{6}-\d{4}$"))

    log_out(page)
    log_in(page, live_server.url, "demo-udenfor")
    response = page.goto(pathway_url)
    assert response.status == 404
    expect(page.locator("h1")).to_contain_text("ikke fundet")
    assert "Grethe Testsen" not in page.content()
