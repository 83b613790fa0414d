"""Segmentation in a real browser (issue 4): a controller imports a file, watches the progress bar reach done,
sees the cost curve and the candidate list, classifies a candidate and refers them to a caseworker as
coordinator (taking a referral on is tested in samspil/segmentation/tests/test_referrals.py).

Without a Celery broker the import runs in a background thread of the live server (see
samspil/segmentation/tasks.py), so the progress bar is polled for real. Selectors use ids and values, not
texts, so the test does not depend on the Danish catalogue being compiled.
"""

import datetime
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(tmp_path, settings):
    from samspil.organisations.choices import DepartmentKind, StaffRole
    from samspil.segmentation.tests.factories import row, write_csv
    from tests import factories as f

    settings.MEDIA_ROOT = str(tmp_path / "media")
    municipality = f.MunicipalityFactory()
    economy = f.DepartmentFactory(municipality=municipality, name="Økonomi", kind=DepartmentKind.OTHER)
    jobcentre = f.DepartmentFactory(municipality=municipality, name="Jobcenter", kind=DepartmentKind.JOB_CENTRE)
    controller = f.make_staff(economy, role=StaffRole.CONTROLLER, username="controller")
    caseworker = f.make_staff(jobcentre, first_name="Karen", last_name="Koordinator")
    programme = f.ProgrammeFactory(municipality=municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE)
    heavy = f.random_cpr(born=datetime.date(1979, 4, 2))
    rows = [
        row(heavy, department="Jobcenter", amount="45000,00"),
        row(heavy, department="Socialområdet", code="SV1", amount="120000.50"),
        row(heavy, department="Sundhed", code="SU1", amount="8000"),
    ]
    rows += [row(f.random_cpr(), amount=f"{100 + i}.00") for i in range(30)]
    path = write_csv(tmp_path / "forbrug.csv", rows)
    return {"controller": controller, "caseworker": caseworker, "programme": programme, "path": path}


def test_controller_imports_sees_the_curve_and_refers_a_candidate_to_a_coordinator(page, live_server, world):
    from playwright.sync_api import expect

    from samspil.pathways.models import Pathway, TeamMember
    from samspil.segmentation.models import CandidateClassification, Referral
    from tests.factories import PASSWORD

    page.goto(f"{live_server.url}/konto/log-ind/")
    page.fill("#id_username", "controller")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/segmentering/")
    page.set_input_files("#id_file", str(world["path"]))
    page.locator("#upload-form input[name=mode][value=all_or_nothing]").check()
    page.locator("#upload-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/segmentering/indlaesninger/[0-9a-f-]+/$"))
    # The page polls the progress partial until the import is finished.
    expect(page.locator("#import-progress[data-status=done]")).to_be_visible(timeout=30_000)
    expect(page.locator("#import-progress-bar")).to_have_attribute("value", "100")
    expect(page.locator("#import-progress-text")).to_contain_text("33")

    page.goto(f"{live_server.url}/segmentering/")
    expect(page.locator("canvas[data-chart-source=segmentation-curve]")).to_be_attached()
    expect(page.locator("#concentration-table tbody tr")).to_have_count(6)

    page.goto(f"{live_server.url}/segmentering/kandidater/")
    first = page.locator("#candidate-table tbody tr").first
    expect(first).to_contain_text("Jobcenter")
    expect(first).to_contain_text("1979")
    first.locator("a").click()
    page.wait_for_url(re.compile(r"/segmentering/kandidater/[0-9a-f-]+/$"))

    page.locator("#classify-form input[name=citizen_type][value='4']").check()
    page.locator("#classify-form button[type=submit]").click()
    expect(page.locator("#classification-history tbody tr")).to_have_count(1)
    assert CandidateClassification.objects.get().citizen_type == 4

    # The controller refers the person to a coordinator; the coordinator types the name when taking it on.
    refer_form = page.locator("#referral-form")
    refer_form.locator("#id_programme").select_option(value=str(world["programme"].public_id))
    refer_form.locator("#id_coordinator").select_option(index=1)
    refer_form.locator("#id_note").fill("Ydelser fra tre afdelinger")
    refer_form.locator("button[type=submit]").click()
    expect(page.locator("#referral-history tbody tr")).to_have_count(1)
    expect(page.locator("#referral-history")).to_contain_text("Karen Koordinator")

    referral = Referral.objects.get()
    assert referral.coordinator == world["caseworker"] and referral.programme == world["programme"]
    assert not Pathway.objects.exists()  # nothing is opened, and no name was invented
    assert not TeamMember.objects.filter(user=world["controller"]).exists()
