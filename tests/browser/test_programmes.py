"""Programme management in a real browser on the demo municipality (issue 10's check).

demo-projektleder opens the programmes, sees *Vejen til uddannelse* in its pilot test with its overdue milestone,
opens the leader group's results dashboard and a follow-up round against the baseline, and downloads the status
report as PDF. Every page walked fits a 375 px phone and a 1280 px desktop with no WCAG 2.1 A/AA violation axe-core
can find. Selectors use ids and URLs, not texts, so the test holds whatever the state of the translations.
"""

import io

import pytest
from django.urls import reverse

from samspil.pathways import programmes as prog
from tests.browser.test_small_screens import DESKTOP, PHONE, _page, check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROAD = prog.ROAD_TO_EDUCATION
CROSS = prog.CROSS_SECTOR


@pytest.fixture
def demo(settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def _follow_up_round() -> int:
    """The number of the demo's first follow-up round of the cross-sector programme (0 is the baseline)."""
    from samspil.evaluation.models import MeasurementRound

    return MeasurementRound.objects.filter(programme__code=CROSS, number__gt=0).order_by("number").first().number


def test_the_project_leader_runs_a_programme(browser, live_server, demo):
    for viewport in (DESKTOP, PHONE):  # one demo load for both widths
        walk(browser, live_server.url, viewport)


def walk(browser, base, viewport):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    pages = _page(browser, viewport)
    page = next(pages)
    width = viewport["width"]
    log_in(page, base, "demo-projektleder")

    page.goto(f"{base}/programmer/")
    expect(page.locator("#programmes")).to_be_visible()
    check(page, "programmes")

    page.goto(f"{base}/programmer/{ROAD}/")
    expect(page.locator("#current-phase")).to_contain_text("Fase 3: Pilottest")
    expect(page.locator("#overdue-milestones li")).to_have_count(1)
    check(page, "programme")

    for name in ("organisation", "matrix", "theory", "plan", "scale_up"):
        page.goto(f"{base}{reverse(f'implementation:{name}', args=[ROAD])}")
        check(page, f"programme-{name}")
    expect(page.locator("#scale-up")).to_be_visible()
    page.goto(f"{base}{reverse('implementation:plan', args=[ROAD])}")
    expect(page.locator("#milestones tr.overdue")).to_have_count(1)

    # The leader group's dashboard: the documentation model of the programme, figures only.
    response = page.goto(f"{base}{reverse('programme_results:programme', args=[ROAD])}")
    assert response.ok
    expect(page.locator("#headline-text")).to_contain_text("%")
    expect(page.locator("#headline-table")).to_be_visible()
    check(page, "programme-results")
    # The figures are kept for a while; the page says when they were counted and counts them again on request.
    expect(page.locator("#counted-at")).to_be_visible()
    with page.expect_navigation():
        page.locator("#recount-form button[type=submit]").click()
    assert page.url.endswith(reverse("programme_results:programme", args=[ROAD]))
    expect(page.locator("#counted-at")).to_be_visible()
    expect(page.locator("#coordinator-table")).to_be_visible()

    # A follow-up round against the baseline, on the cross-sector programme: each measure beside the baseline.
    response = page.goto(f"{base}{reverse('evaluation:rounds', args=[CROSS])}")
    assert response.ok
    check(page, "measurement-rounds")
    response = page.goto(f"{base}{reverse('evaluation:round', args=[CROSS, _follow_up_round()])}")
    assert response.ok
    expect(page.locator("#maal-1")).to_be_visible()
    expect(page.locator("#maal-1 table")).to_contain_text("Baseline")
    check(page, "follow-up-round")

    # The status report, downloaded from the programme page.
    page.goto(f"{base}/programmer/{ROAD}/")
    with page.expect_download() as download_info:
        page.locator(f'main a[href="/programmer/{ROAD}/statusrapport.pdf"]').first.click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"statusrapport-{ROAD}-")
    with open(download.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Fase 3: Pilottest" in text, f"at {width} px"
    pages.close()  # closes the browser context
