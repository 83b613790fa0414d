"""The economy pages in a real browser, on the demo municipality.

The coordinator opens the economy page of a pathway with joint financing, sees the pie charts drawn, is refused a
split that adds up to 90 % (the form comes back with the message, nothing saved), re-assesses with 100 %, and the
new decision is the one in force. The controller sees the cost overview with its charts. Selectors use names and
ids, not label texts, so the test holds whatever the language.
"""

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


def test_coordinator_reassesses_joint_financing_and_controller_sees_the_figures(page, live_server, demo):
    from playwright.sync_api import expect

    from samspil.economy.models import FinancingDecision, Intervention

    reassessed = Intervention.objects.filter(financing_decisions__isnull=False).order_by("id").first()
    decisions = FinancingDecision.objects.filter(intervention=reassessed).count()
    pathway = reassessed.pathway
    log_in(page, live_server.url, "demo-koordinator")
    page.goto(f"{live_server.url}/forloeb/{pathway.public_id}/oekonomi/")
    expect(page.locator("#economy h1")).to_be_visible()
    # Every chart is drawn by Chart.js (CSP allows no inline script: the data comes from json_script).
    expect(page.locator("canvas[data-chart='pie'][data-chart-drawn='1']").first).to_be_visible()
    expect(page.locator("canvas[data-chart='line'][data-chart-drawn='1']")).to_have_count(1)

    block = page.locator(f"#i-{reassessed.public_id}")
    prefix = f"financing-{reassessed.public_id}"
    block.locator(f"details:has(form[action$='/{reassessed.public_id}/finansiering/']) > summary").click()
    split = block.locator(f"form[action$='/{reassessed.public_id}/finansiering/']")
    split.locator(f"[name='{prefix}-department_1']").select_option(label="Børn og Unge")
    split.locator(f"[name='{prefix}-percent_1']").fill("60")
    split.locator(f"[name='{prefix}-department_2']").select_option(label="Jobcenter")
    split.locator(f"[name='{prefix}-percent_2']").fill("30")
    split.locator(f"[name='{prefix}-reason']").fill("Revurdering efter statusmøde")
    split.locator("button[type=submit]").click()
    expect(page.locator(f"#i-{reassessed.public_id} .alert-error")).to_contain_text("90,00")
    assert FinancingDecision.objects.filter(intervention=reassessed).count() == decisions

    split = page.locator(f"#i-{reassessed.public_id} form[action$='/finansiering/']")
    split.locator(f"[name='{prefix}-percent_2']").fill("40")
    split.locator("button[type=submit]").click()
    history = page.locator(f"#i-{reassessed.public_id} table.financing-history tbody tr")
    expect(history.first).to_contain_text("Jobcenter 40,00 %")
    expect(history).to_have_count(decisions + 1)
    assert FinancingDecision.objects.filter(intervention=reassessed).count() == decisions + 1
    expect(page.locator("canvas[data-chart='pie'][data-chart-drawn='1']").first).to_be_visible()  # after the swap

    page.context.clear_cookies()
    log_in(page, live_server.url, "demo-controller")
    page.goto(f"{live_server.url}/oekonomi/")
    expect(page.locator("canvas[data-chart='bar'][data-chart-drawn='1']")).to_have_count(1)
    expect(page.locator("canvas[data-chart='pie'][data-chart-drawn='1']")).to_have_count(1)
    assert pathway.subject_name not in page.content()  # figures only
