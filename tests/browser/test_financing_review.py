"""The controller's review of a pathway's financing in a real browser, on the demo municipality (issue 12, part 6).

demo-koordinator asks demo-controller, on a 375 px phone, to review the split of a pathway's interventions with a
proposed split; the controller finds the request in "Gennemsyn af finansiering", opens the review page (the
interventions and their costs, not the citizen's name), is refused a split that adds up to 90 % and then proposes one
that adds up to 100 % with a comment; the review is gone from the controller's live pages and the coordinator sees the
answer on the pathway's economy page. Every page fits 375 px and 1280 px and passes axe-core's WCAG 2.1 A/AA checks.
Selectors use names and ids, not label texts.
"""

import pytest

from tests.browser.test_small_screens import DESKTOP, PHONE, _page, check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def financed_pathway():
    from samspil.economy.models import Intervention

    return Intervention.objects.filter(financing_decisions__isnull=False).order_by("id").first().pathway


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_coordinator_asks_and_the_controller_answers(browser, live_server, demo, viewport):
    from playwright.sync_api import expect

    from samspil.accounts.models import User
    from samspil.economy.models import FinancingReview
    from samspil.organisations.models import Department

    pathway = financed_pathway()
    controller = User.objects.get(username="demo-controller")
    children = Department.objects.get(municipality=pathway.municipality, name="Børn og Unge")
    jobs = Department.objects.get(municipality=pathway.municipality, name="Jobcenter")
    base = live_server.url
    width = viewport["width"]

    page = next(_page(browser, viewport))
    log_in(page, base, "demo-koordinator")
    page.goto(f"{base}/forloeb/{pathway.public_id}/oekonomi/")
    page.locator("details:has(form[action$='/oekonomi/gennemsyn/']) > summary").click()
    form = page.locator("form[action$='/oekonomi/gennemsyn/']")
    form.locator("[name='review-controller']").select_option(str(controller.public_id))
    form.locator("[name='review-question']").fill("Skal jobcentret bære en større del af familiebehandlingen?")
    form.locator("[name='review-department_1']").select_option(str(children.public_id))
    form.locator("[name='review-percent_1']").fill("50")
    form.locator("[name='review-department_2']").select_option(str(jobs.public_id))
    form.locator("[name='review-percent_2']").fill("50")
    form.locator("button[type=submit]").click()
    expect(page.locator("li[id^='review-']").first).to_contain_text("Skal jobcentret bære en større del")
    review = FinancingReview.objects.get(pathway=pathway)
    check(page, f"economy-review-asked-{width}")
    page.context.close()

    page = next(_page(browser, viewport))
    log_in(page, base, "demo-controller")
    page.goto(f"{base}/oekonomi/gennemsyn/")
    check(page, f"economy-reviews-{width}")
    page.locator(f"main a[href$='/oekonomi/gennemsyn/{review.public_id}/']").first.click()
    expect(page.locator("h1")).to_contain_text(review.reference)
    check(page, f"economy-review-{width}")
    content = page.content()
    assert pathway.subject_name not in content
    assert str(pathway.public_id) not in content

    answer = page.locator(f"form[action$='/oekonomi/gennemsyn/{review.public_id}/']")
    answer.locator("[name='verdict'][value='other_split']").check()
    answer.locator("[name='department_1']").select_option(str(children.public_id))
    answer.locator("[name='percent_1']").fill("60")
    answer.locator("[name='department_2']").select_option(str(jobs.public_id))
    answer.locator("[name='percent_2']").fill("30")
    answer.locator("[name='comment']").fill("Jobcentret har gevinst af indsatsen")
    answer.locator("button[type=submit]").click()
    expect(page.locator(".form-error, .alert-error").first).to_contain_text("90,00")
    review.refresh_from_db()
    assert review.is_open
    check(page, f"economy-review-refused-{width}")

    answer = page.locator(f"form[action$='/oekonomi/gennemsyn/{review.public_id}/']")
    answer.locator("[name='percent_2']").fill("40")
    answer.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/oekonomi/gennemsyn/")
    expect(page.locator("main table")).to_contain_text("Jobcentret har gevinst af indsatsen")
    review.refresh_from_db()
    assert review.status == "answered"
    response = page.goto(f"{base}/oekonomi/gennemsyn/{review.public_id}/")
    assert response.status == 404  # the live financing ends with the answer
    page.context.close()

    page = next(_page(browser, viewport))
    log_in(page, base, "demo-koordinator")
    page.goto(f"{base}/forloeb/{pathway.public_id}/oekonomi/")
    answered = page.locator(f"#review-{review.public_id}")
    expect(answered).to_contain_text("Jobcentret har gevinst af indsatsen")
    expect(answered).to_contain_text("Jobcenter 40,00 %")
    check(page, f"economy-review-answered-{width}")
    page.context.close()
