"""Browser test of measurement rounds: the demo's project leader opens the follow-up of Tværgående borgerforløb
against the baseline (charts with their tables) and the coordination questionnaire, at 375 and 1280 px, with axe."""

import pytest

from tests.browser.test_small_screens import DESKTOP, PHONE, _page, check, demo, log_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROUNDS = "/programmer/tvaergaaende-borgerforloeb/maalinger/"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_project_leader_compares_the_follow_up_with_the_baseline(browser, live_server, demo, viewport):  # noqa: F811
    from playwright.sync_api import expect

    page = next(_page(browser, viewport))
    log_in(page, live_server.url, "demo-projektleder")
    page.goto(f"{live_server.url}{ROUNDS}")
    expect(page.locator("#rounds")).to_contain_text("Opfølgning efter et halvt år")
    check(page, "evaluation-rounds")
    page.goto(f"{live_server.url}{ROUNDS}1/")
    expect(page.locator("h1")).to_contain_text("Opfølgning efter et halvt år")
    who5 = page.locator("#maal-1")
    expect(who5.locator("figure svg rect").first).to_be_visible()
    expect(who5.locator("table thead th")).to_have_count(4)  # the figure, the baseline, this round, the change
    check(page, "evaluation-round")
    page.goto(f"{live_server.url}{ROUNDS}1/koordinering/")
    check(page, "evaluation-coordination")
