"""Phones and small screens (issue 8, item 7) and the task list (item 6), in a real browser on the demo municipality.

At 375 px the job-centre caseworker (demo-fagperson) opens the menu, reaches *Mine opgaver* and completes an agreement
they own. On every page walked, the page does not scroll sideways (`scrollWidth <= innerWidth`: tables scroll inside
their own region) and axe-core reports no WCAG 2.1 A/AA violation. At 1280 px the actions of the overview's team table
are within the viewport.

axe-core is vendored for the tests only (`tests/browser/vendor/axe.min.js`, never served) and injected by Playwright,
so the pages keep their Content-Security-Policy. Screenshots go to `BROWSER_SCREENSHOTS` (default `var/browser-shots`).
Selectors use ids, URLs and classes, not texts, so the test holds whatever the state of the translations.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "var/browser-shots"))
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  const where = (n) => n.target.join(" ") + " " + (n.failureSummary || "").replace(/\\s+/g, " ");
  const say = (v) => `${v.id} (${v.impact}): ${v.help} -- ` + v.nodes.slice(0, 3).map(where).join(" | ");
  return result.violations.map(say);
}"""


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


@pytest.fixture
def small_page(browser):
    yield from _page(browser, PHONE)


def _page(browser, viewport):
    context = browser.new_context(locale="da-DK", viewport=viewport)
    context.add_init_script(path=str(AXE))  # injected by the browser driver, so the page's CSP stays in force
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, base_url, username):
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/konto/log-ind/" not in url)


def check(page, name: str):
    """The page fits the viewport's width and has no WCAG 2.1 A/AA violation that axe-core can find."""
    page.wait_for_load_state("load")
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{name} ({page.url}) scrolls sideways: {scroll_width} > {inner_width}"
    violations = page.evaluate(AXE_RUN, WCAG_TAGS)
    assert violations == [], f"{name} ({page.url}):\n" + "\n".join(violations)


def open_menu(page):
    from playwright.sync_api import expect

    button = page.locator("header .js-menu-open")
    expect(button).to_be_visible()
    expect(page.locator("header .navigation-menu")).to_be_hidden()  # the desktop bar is not used below 992 px
    button.click()
    drawer = page.locator("#mobile-menu")
    expect(drawer).to_be_visible()
    expect(page.locator("#mobile-menu .js-menu-close")).to_be_focused()
    return drawer


def give_fagperson_an_agreement():
    """The demo's job-centre caseworker owns no open agreement; the coordinator agrees one with them (overdue)."""
    from samspil.access import policy
    from samspil.accounts.models import User
    from samspil.audit import context
    from samspil.pathways.models import Pathway, TeamMember
    from samspil.pathways.worklist import active_pathways
    from samspil.plans.choices import OwnerKind
    from samspil.plans.models import Goal
    from samspil.plans.services import agreement_create

    fagperson = User.objects.get(username="demo-fagperson")
    pathway = (
        active_pathways(fagperson, policy.CONTRIBUTE)
        .filter(pk__in=Goal.objects.values("pathway"))
        .order_by("opened_on", "id")
        .first()
    )
    assert pathway is not None, "demo-fagperson works in no pathway with a plan"
    place = TeamMember.objects.current().filter(pathway=pathway, user=fagperson).order_by("id").first()
    coordinator = Pathway.objects.get(pk=pathway.pk).coordinator
    with context.bound(actor_id=coordinator.pk, request_id="browser-test"):
        return agreement_create(
            actor=coordinator,
            goal=Goal.objects.filter(pathway=pathway).order_by("id").first(),
            what="Ringe til virksomheden om en praktikplads",
            owner_kind=OwnerKind.TEAM_MEMBER,
            owner=place,
            due_on=timezone.localdate() - datetime.timedelta(days=2),
        )


def test_caseworker_on_a_phone_opens_the_menu_and_completes_an_agreement(small_page, live_server, demo):
    from playwright.sync_api import expect

    from samspil.plans.choices import AgreementStatus
    from samspil.plans.models import Agreement

    page = small_page
    agreement = give_fagperson_an_agreement()
    base = live_server.url

    page.goto(f"{base}/konto/log-ind/")
    check(page, "login")
    log_in(page, base, "demo-fagperson")
    # A caseworker who coordinates nothing starts on the task list.
    expect(page).to_have_url(re.compile(r"/forloeb/opgaver/$"))

    # The menu opens as a dialog, closes with Escape (focus back on the button), and is keyboard operable.
    open_menu(page)
    check(page, "menu-open")
    page.keyboard.press("Escape")
    expect(page.locator("#mobile-menu")).to_be_hidden()
    expect(page.locator("header .js-menu-open")).to_be_focused()
    drawer = open_menu(page)
    tasks_link = drawer.locator("a.nav-link[href='/forloeb/opgaver/']")
    # The count is a badge for the eye and words for a screen reader ("Mine opgaver, 1 forfalden").
    expect(tasks_link.locator(".menu-count")).to_have_text("1")
    expect(tasks_link.locator(".sr-only")).to_contain_text("1")
    tasks_link.click()
    page.wait_for_url(re.compile(r"/forloeb/opgaver/$"))
    check(page, "tasks")

    row = page.locator("#my-agreements tbody tr", has=page.locator(f"form[action*='{agreement.public_id}']"))
    expect(row).to_have_count(1)
    expect(row.locator(".badge-error")).to_be_visible()  # overdue
    row.locator("button.task-done").click()
    page.wait_for_url(re.compile(r"/forloeb/opgaver/$"))
    expect(page.locator("#messages .alert-success")).to_be_visible()
    expect(page.locator(f"form[action*='{agreement.public_id}']")).to_have_count(0)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DONE
    assert Agreement.objects.get(pk=agreement.pk).completed_on == timezone.localdate()
    check(page, "tasks-done")

    # The rest of the caseworker's day, each page reached from the menu.
    open_menu(page).locator("a.nav-link[href='/forloeb/']").click()
    page.wait_for_url(re.compile(r"/forloeb/$"))
    check(page, "my-pathways")
    page.locator("#my-pathways tbody a").first.click()
    page.wait_for_url(re.compile(r"/forloeb/[0-9a-f-]{36}/$"))
    check(page, "overview-team-member")
    page.goto(page.url + "plan/")
    check(page, "plan")
    open_menu(page).locator("a.nav-link[href='/forloeb/arbejdsliste/']").click()
    page.wait_for_url(re.compile(r"/arbejdsliste/$"))
    check(page, "worklist")
    open_menu(page).locator("a.nav-link[href='/borgere/soeg/']").click()
    page.wait_for_url(re.compile(r"/borgere/soeg/$"))
    page.fill("#id_query", agreement.pathway.citizen.full_name if agreement.pathway.citizen_id else "Ole Svendsen")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#search-results-table")).to_be_visible()
    check(page, "search-results")


def test_coordinator_controller_and_leader_pages_fit_a_phone_and_the_team_table_fits_a_desktop(
    browser, live_server, demo
):
    from playwright.sync_api import expect

    from samspil.economy.models import Intervention
    from samspil.segmentation.models import ConsumptionSubject

    base = live_server.url
    pathway = Intervention.objects.filter(pathway__coordinator__username="demo-koordinator").first().pathway
    overview = f"{base}/forloeb/{pathway.public_id}/"

    for page in _page(browser, PHONE):
        log_in(page, base, "demo-koordinator")
        for name, url in [
            ("my-pathways-coordinator", f"{base}/forloeb/"),
            ("tasks-coordinator", f"{base}/forloeb/opgaver/"),
            ("overview", overview),
            ("meetings", overview + "moeder/"),
            ("plan-versions", overview + "plan/versioner/"),
            ("access-log", overview + "adgangslog/"),
            ("pathway-economy", overview + "oekonomi/"),
        ]:
            page.goto(url)
            check(page, name)
        page.goto(overview + "moeder/")
        hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        page.goto(base + next(h for h in hrefs if re.search(r"/moeder/[0-9a-f-]{36}/$", h)))
        check(page, "meeting")

        page.context.clear_cookies()
        log_in(page, base, "demo-controller")
        expect(page).to_have_url(re.compile(r"/oekonomi/$"))  # the controller's start page
        candidate = ConsumptionSubject.objects.order_by("id").first()
        for name, url in [
            ("economy", f"{base}/oekonomi/"),
            ("economy-exemptions", f"{base}/oekonomi/fritagelser/"),
            ("economy-operating-costs", f"{base}/oekonomi/driftsudgifter/"),
            ("economy-services", f"{base}/oekonomi/ydelser/"),
            ("segmentation", f"{base}/segmentering/"),
            ("candidates", f"{base}/segmentering/kandidater/"),
            ("candidate", f"{base}/segmentering/kandidater/{candidate.public_id}/"),
        ]:
            page.goto(url)
            check(page, name)
        page.goto(f"{base}/oekonomi/")
        department = page.locator("main a[href*='/oekonomi/afdelinger/']").first
        department.click()
        page.wait_for_url(re.compile(r"/oekonomi/afdelinger/"))
        check(page, "economy-department")

        page.context.clear_cookies()
        log_in(page, base, "demo-leder")
        expect(page).to_have_url(re.compile(r"/ledelse/$"))  # the leader's start page
        check(page, "leadership")

    for page in _page(browser, DESKTOP):
        log_in(page, base, "demo-koordinator")
        page.goto(overview)
        check(page, "overview")
        region = page.locator("#team-table").locator("xpath=..")
        assert region.evaluate("e => e.scrollWidth <= e.clientWidth"), "the team table is wider than its column"
        actions = page.locator("#team-table .team-action summary")
        assert actions.count() > 0
        for i in range(actions.count()):
            box = actions.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], f"team action {i} is cut off: {box}"
