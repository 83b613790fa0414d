import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.implementation import services
from samspil.implementation.models import Implementation, Milestone, Phase
from samspil.implementation.tests.helpers import at
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = ("programme", "organisation", "matrix", "theory", "plan", "scale_up")
SECRET_NAME = "Zacharias Unikumsen"


def url(name, org, *args):
    return reverse(f"implementation:{name}", args=[org.programme.code, *args])


@pytest.fixture
def running(org):
    """The road to education in its pilot test since 1 July 2026, with one milestone due 15 September and a pathway
    whose citizen must appear nowhere."""
    with time_machine.travel(at(datetime.date(2026, 8, 1)), tick=False):
        services.implementation_setup(actor=org.leader, programme=org.programme, start_on=datetime.date(2026, 1, 1))
        for phase in Phase.objects.filter(programme=org.programme, position__lte=3):
            services.phase_update(
                actor=org.leader,
                phase=phase,
                expected_version=phase.version,
                planned_start=phase.planned_start,
                planned_end=phase.planned_end,
                actual_start=phase.planned_start,
                actual_end=None if phase.position == 3 else phase.planned_end,
            )
        services.milestone_add(
            actor=org.leader,
            programme=org.programme,
            activity="Første læringsmøde",
            owner="Projektleder",
            due_on=datetime.date(2026, 9, 15),
        )
    citizen = f.CitizenFactory(municipality=org.municipality, first_name="Zacharias", last_name="Unikumsen")
    f.PathwayFactory(
        coordinator=org.caseworker, lead_department=org.department, programme=org.programme, citizen=citizen
    )
    return org


def test_the_project_leader_sees_every_page_with_the_phase_and_no_citizen(client, running):
    client.force_login(running.leader)
    with time_machine.travel(at(datetime.date(2026, 9, 16)), tick=False):
        for name in PAGES:
            response = client.get(url(name, running))
            assert response.status_code == 200, name
            assert SECRET_NAME not in response.content.decode(), name
        page = client.get(url("programme", running)).content.decode()
        listing = client.get(reverse("implementation:list")).content.decode()
    assert "Fase 3: Pilottest" in page
    assert 'id="overdue-milestones"' in page and "Første læringsmøde" in page
    assert "Fase 3: Pilottest" in listing
    assert not AccessLogEntry.objects.exists()  # no citizen data read


def test_the_day_before_the_milestone_is_overdue_it_is_not_flagged(client, running):
    client.force_login(running.leader)
    with time_machine.travel(at(datetime.date(2026, 9, 15)), tick=False):
        page = client.get(url("programme", running)).content.decode()
    assert 'id="overdue-milestones"' not in page


def test_the_status_report_is_a_pdf_with_the_phase(client, running):
    from pypdf import PdfReader

    client.force_login(running.head)
    with time_machine.travel(at(datetime.date(2026, 9, 16)), tick=False):
        response = client.get(url("status_report", running))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "statusrapport-vejen-2026-09-16.pdf" in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Fase 3: Pilottest" in text
    assert "Første læringsmøde" in text
    assert "Fewer than 5 citizens" in text or "Færre end 5 borgere" in text  # the documentation model's headline
    assert SECRET_NAME not in text


def test_an_aggregate_role_reads_but_may_not_write(client, running):
    client.force_login(running.head)
    assert client.get(url("plan", running)).status_code == 200
    response = client.post(
        url("plan", running),
        {"action": "milestone", "milestone-activity": "X", "milestone-owner": "Y", "milestone-due_on": "01.12.2026"},
    )
    assert response.status_code == 403
    assert Milestone.objects.count() == 1


def test_a_caseworker_gets_404(client, running):
    client.force_login(running.caseworker)
    assert client.get(url("programme", running)).status_code == 404
    assert client.get(reverse("implementation:list")).status_code == 404


def test_an_unknown_programme_is_404(client, running):
    client.force_login(running.leader)
    assert client.get(reverse("implementation:programme", args=["findes-ikke"])).status_code == 404


def test_the_project_leader_adds_a_milestone_and_bad_input_is_422_with_nothing_saved(client, running):
    client.force_login(running.leader)
    bad = client.post(
        url("plan", running), {"action": "milestone", "milestone-activity": "", "milestone-due_on": "31.02.2026"}
    )
    assert bad.status_code == 422
    assert Milestone.objects.count() == 1
    good = client.post(
        url("plan", running),
        {
            "action": "milestone",
            "milestone-activity": "Opsamlingsdag",
            "milestone-owner": "Projektleder",
            "milestone-due_on": "01.12.2026",
        },
    )
    assert good.status_code == 302
    assert Milestone.objects.filter(activity="Opsamlingsdag").exists()


def test_a_stale_version_of_the_organisation_is_answered_422(client, running):
    client.force_login(running.leader)
    implementation = Implementation.objects.get()
    data = {"action": "people", "people-owner_name": "Lone Riis", "people-version": implementation.version}
    assert client.post(url("organisation", running), data).status_code == 302
    stale = client.post(url("organisation", running), {**data, "people-owner_name": "Anden"})
    assert stale.status_code == 422
    implementation.refresh_from_db()
    assert implementation.owner_name == "Lone Riis"


def test_a_phase_is_edited_on_the_plan_page(client, running):
    client.force_login(running.leader)
    phase = Phase.objects.get(programme=running.programme, code="drift")
    prefix = f"phase-{phase.public_id.hex}"
    data = {
        "action": "phase",
        "phase": phase.public_id.hex,
        f"{prefix}-planned_start": "01.05.2027",
        f"{prefix}-version": 1,
    }
    assert client.post(url("plan", running), data).status_code == 302
    phase.refresh_from_db()
    assert phase.planned_start == datetime.date(2027, 5, 1)
    wrong = {**data, f"{prefix}-planned_end": "01.01.2027", f"{prefix}-version": phase.version}
    assert client.post(url("plan", running), wrong).status_code == 422


def test_the_matrix_is_saved_as_a_whole(client, running):
    client.force_login(running.leader)
    page = client.get(url("matrix", running))
    form = page.context["forms"]["matrix"]
    data = {"action": "matrix", "matrix-version": 1}
    for _task, row in form.cells:
        for name, _t, _r in row:
            data[f"matrix-{name}"] = "I"
    assert client.post(url("matrix", running), data).status_code == 302
    again = client.post(url("matrix", running), data)  # the old version
    assert again.status_code == 422


def test_the_programme_page_costs_the_same_queries_with_more_rows(client, running, django_assert_max_num_queries):
    client.force_login(running.leader)
    client.get(url("programme", running))
    with django_assert_max_num_queries(30):
        client.get(url("programme", running))
    for n in range(20):
        services.milestone_add(
            actor=running.leader, programme=running.programme, activity=f"M{n}", owner="P", due_on=timezone.localdate()
        )
    with django_assert_max_num_queries(30):
        client.get(url("programme", running))


def test_the_coordinator_marks_a_pilot_case_on_the_overview(client, org):
    pathway = f.PathwayFactory(coordinator=org.caseworker, lead_department=org.department, programme=org.programme)
    client.force_login(org.caseworker)
    overview = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    assert 'id="overview-pilot"' in overview
    response = client.post(
        reverse("implementation_pathway:pilot", args=[pathway.public_id]),
        {"pilot-pilot": "on", "pilot-version": pathway.version},
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.pilot
    client.force_login(org.leader)  # not the coordinator: 404 (the project leader cannot see the pathway)
    refused = client.post(
        reverse("implementation_pathway:pilot", args=[pathway.public_id]), {"pilot-version": pathway.version}
    )
    assert refused.status_code == 404
