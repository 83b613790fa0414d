"""Plan pages: forms through HTMX and without, 422 with errors, conflicts that keep the user's text, the PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samspil.audit.models import AccessLogEntry
from samspil.plans import services
from samspil.plans.models import Agreement, Goal, GoalFollowUp, Plan, PlanRevision
from tests import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, pathway, *args):
    return reverse(f"plans:{name}", args=[pathway.public_id, *args])


def goal_post(prefix="goal_add", **overrides):
    data = {
        "life_area": "housing",
        "description": "Finde en lejlighed tæt på skolen",
        "goal_type": "d41c8072-52f8-42b5-9375-ddbea454d27f",
        "indicator": "Har underskrevet en lejekontrakt",
        "horizon": "long",
        "responsible_department": "",
        "legal_basis": "SEL § 141",
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_coordinator_writes_wishes_and_a_goal(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        url("wishes", world.pathway), {"wishes-citizen_wishes": "Jeg vil bo for mig selv", "wishes-version": 1}
    )
    assert response.status_code == 302 and response["Location"] == url("plan", world.pathway)
    response = client.post(
        url("goal_add", world.pathway), goal_post(responsible_department=str(world.jobs.public_id)), **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="plan"' in html and "Finde en lejlighed tæt på skolen" in html and "Jeg vil bo for mig selv" in html
    goal = Goal.objects.get()
    assert goal.responsible_department == world.jobs and goal.legal_basis == "SEL § 141"
    assert PlanRevision.objects.count() == 2


def test_invalid_goal_gets_422_with_the_errors_and_nothing_saved(client, world):
    client.force_login(world.coordinator)
    response = client.post(url("goal_add", world.pathway), goal_post(description="", indicator=""), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "form-error-message" in html and 'role="alert"' in html
    assert not Goal.objects.exists() and not Plan.objects.exists()


def test_conflict_keeps_the_users_text_and_shows_the_saved_text(client, world):
    services.plan_update_wishes(
        actor=world.colleague, pathway=world.pathway, wishes="Kollegaens tekst", expected_version=1
    )
    client.force_login(world.coordinator)
    response = client.post(
        url("wishes", world.pathway), {"wishes-citizen_wishes": "Min egen lange tekst", "wishes-version": 1}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Min egen lange tekst" in html  # the user's text is still in the form
    assert "Kollegaens tekst" in html and 'id="conflict-wishes"' in html  # the saved text beside it
    assert "En anden har gemt borgerens ønsker" in html
    assert 'name="wishes-version" value="2"' in html  # saving again (after merging) is possible
    assert Plan.objects.get().citizen_wishes == "Kollegaens tekst"
    again = client.post(url("wishes", world.pathway), {"wishes-citizen_wishes": "Flettet tekst", "wishes-version": 2})
    assert again.status_code == 302 and Plan.objects.get().citizen_wishes == "Flettet tekst"


def test_goal_page_adds_agreements_follow_ups_and_changes_status(client, world):
    goal = services.goal_add(
        actor=world.coordinator,
        pathway=world.pathway,
        life_area="employment",
        description="Komme i job",
        goal_type="d41c8072-52f8-42b5-9375-ddbea454d27f",
        indicator="Job i tre måneder",
        horizon="short",
    )
    client.force_login(world.colleague)
    page = client.get(url("goal", world.pathway, goal.public_id))
    assert page.status_code == 200
    response = client.post(
        url("agreement_add", world.pathway, goal.public_id),
        {
            "agreement-what": "Ringe til jobcentret",
            "agreement-owner": f"team:{world.colleague_place.public_id}",
            "agreement-due_on": (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d.%m.%Y"),
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "Overskredet" in response.content.decode()  # overdue the moment it is saved
    agreement = Agreement.objects.get()
    assert agreement.owner == world.colleague_place
    response = client.post(
        url("agreement_status", world.pathway, agreement.public_id),
        {f"status-{agreement.public_id}-status": "done", f"status-{agreement.public_id}-version": 1},
    )
    assert response.status_code == 302 and response["Location"] == url("goal", world.pathway, goal.public_id)
    agreement.refresh_from_db()
    assert agreement.status == "done" and not agreement.is_overdue
    response = client.post(
        url("goal_follow_up", world.pathway, goal.public_id),
        {
            "follow_up-result": "E1",
            "follow_up-assessed_on": timezone.localdate().strftime("%d.%m.%Y"),
            "follow_up-note": "Godt i gang",
            "follow_up-internal_note": "",
        },
    )
    assert response.status_code == 302 and GoalFollowUp.objects.get().result == "E1"
    plan = client.get(url("plan", world.pathway)).content.decode()
    assert "Fortsættes" in plan and "Ringe til jobcentret" in plan


def test_stale_agreement_status_keeps_the_note_and_shows_the_saved_status(client, world):
    agreement = f.AgreementFactory(
        goal=f.GoalFactory(plan=services.plan_for(world.pathway)), version=2, status="in_progress"
    )
    client.force_login(world.coordinator)
    prefix = f"status-{agreement.public_id}"
    response = client.post(
        url("agreement_status", world.pathway, agreement.public_id),
        {f"{prefix}-status": "done", f"{prefix}-follow_up_note": "Min note", f"{prefix}-version": 1},
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Min note" in html and f'id="conflict-{prefix}"' in html and "I gang" in html


def test_grant_holder_reads_but_cannot_write(client, world):
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    client.force_login(world.outsider)
    page = client.get(url("plan", world.pathway))
    assert page.status_code == 200 and "wishes-citizen_wishes" not in page.content.decode()
    response = client.post(url("wishes", world.pathway), {"wishes-citizen_wishes": "x", "wishes-version": 1})
    assert response.status_code == 403 and not Plan.objects.exists()


def test_revisions_compare_and_citizen_response(client, world):
    services.plan_update_wishes(
        actor=world.coordinator, pathway=world.pathway, wishes="Gammelt ønske", expected_version=1
    )
    services.plan_update_wishes(actor=world.coordinator, pathway=world.pathway, wishes="Nyt ønske", expected_version=2)
    client.force_login(world.coordinator)
    listing = client.get(url("revisions", world.pathway)).content.decode()
    assert "opdaterede borgerens egne ønsker" in listing and "Ikke set endnu" in listing
    compare = client.get(url("compare", world.pathway) + "?fra=1&til=2")
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "Gammelt ønske" in html and "Nyt ønske" in html
    assert client.get(url("compare", world.pathway) + "?fra=1&til=7").status_code == 404
    assert client.get(url("compare", world.pathway) + "?fra=x").status_code == 200  # the choice of versions
    response = client.post(
        url("revision_response", world.pathway, 2), {"response-agreed": "yes", "response-comment": "Fint"}
    )
    assert response.status_code == 302
    revision = PlanRevision.objects.get(number=2)
    assert revision.citizen_agreed is True and revision.citizen_comment == "Fint"
    assert "Set og enig" in client.get(url("revisions", world.pathway)).content.decode()


# --- the PDF ------------------------------------------------------------------------------------------------


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())  # table cells wrap lines


@pytest.fixture
def plan_with_notes(world):
    pathway = world.pathway
    services.plan_update_wishes(
        actor=world.coordinator,
        pathway=pathway,
        wishes="Jeg ønsker mig en bolig på Østerbro med æbletræ",
        expected_version=1,
    )
    goal = services.goal_add(
        actor=world.coordinator,
        pathway=pathway,
        life_area="housing",
        description="Få egen bolig",
        goal_type="10752a63-00b4-4958-b7f4-9f3a18f74266",
        indicator="Bor i egen bolig",
        horizon="long",
        legal_basis="SEL § 141",
    )
    services.agreement_create(actor=world.coordinator, goal=goal, what="Søge boligstøtte", owner_kind="citizen")
    services.goal_follow_up(
        actor=world.coordinator,
        goal=goal,
        result="E4",
        assessed_on=timezone.localdate(),
        note="Vi ser på det igen",
        internal_note="FORTROLIGT: bekymring fra skolen",
    )
    return pathway


def test_citizen_pdf_leaves_out_internal_notes(client, world, plan_with_notes):
    client.force_login(world.coordinator)
    response = client.get(url("pdf", plan_with_notes) + "?udgave=borger")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="faelles-plan-borgerudgave-')
    assert world.citizen.reveal_cpr() not in disposition
    text = pdf_text(response)
    assert "Den fælles plan" in text and world.citizen.full_name in text
    assert "Østerbro med æbletræ" in text and "Få egen bolig" in text and "Søge boligstøtte" in text
    assert "Vi ser på det igen" in text  # the follow-up note is part of the plan the citizen sees
    assert "FORTROLIGT" not in text and "Intern note" not in text and "Sagsudgave" not in text
    assert timezone.localdate().strftime("%d.%m.%Y") in text and "Version 4" in text and "Side 1 af" in text
    assert world.citizen.reveal_cpr()[:6] not in text
    row = AccessLogEntry.objects.get(actor=world.coordinator)
    assert row.shown == "plan.pdf.citizen" and row.citizen == world.citizen


def test_case_file_pdf_has_the_internal_notes_and_says_so(client, world, plan_with_notes):
    client.force_login(world.coordinator)
    response = client.get(url("pdf", plan_with_notes) + "?udgave=sag")
    assert 'filename="faelles-plan-sagsudgave-' in response["Content-Disposition"]
    text = pdf_text(response)
    assert "FORTROLIGT: bekymring fra skolen" in text
    assert "Sagsudgave – indeholder interne noter" in text
    row = AccessLogEntry.objects.get(request_id=response["X-Request-Id"])
    assert (row.shown, row.citizen) == ("plan.pdf.case_file", world.citizen)


# --- the case-file edition and internal notes: coordinator and covered team places only ----------------------


@pytest.fixture
def readers(world):
    """A grant holder and a break-glass reader of `world.pathway` (view only)."""
    granted = f.make_staff(world.health, "caseworker")
    f.AccessGrantFactory(pathway=world.pathway, user=granted)
    glass = f.make_staff(world.health, "caseworker")
    f.BreakGlassAccessFactory(pathway=world.pathway, user=glass, reason="Akut henvendelse i borgerservice")
    return {"grant": granted, "break-glass": glass}


@pytest.mark.parametrize("kind", ["grant", "break-glass"])
def test_view_only_readers_get_403_for_the_case_file_edition_and_the_citizen_edition_without_notes(
    client, world, plan_with_notes, readers, kind
):
    from samspil.audit.models import AuditEvent

    client.force_login(readers[kind])
    response = client.get(url("pdf", plan_with_notes) + "?udgave=sag")
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(actor=readers[kind]).exists()
    assert AuditEvent.objects.filter(code="access.denied", actor=readers[kind], pathway=world.pathway).exists()
    response = client.get(url("pdf", plan_with_notes) + "?udgave=borger")
    assert response.status_code == 200
    assert "FORTROLIGT" not in pdf_text(response)
    row = AccessLogEntry.objects.get(request_id=response["X-Request-Id"])
    assert (row.shown, row.via) == ("plan.pdf.citizen", "grant" if kind == "grant" else "break_glass")
    page = client.get(url("plan", plan_with_notes))
    html = page.content.decode()
    assert page.status_code == 200 and "Vi ser på det igen" in html
    assert "FORTROLIGT" not in html and "?udgave=sag" not in html


def test_team_member_from_a_covered_department_gets_the_case_file_edition(client, world, plan_with_notes):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    client.force_login(world.jobworker)
    page = client.get(url("plan", plan_with_notes)).content.decode()
    assert "FORTROLIGT: bekymring fra skolen" in page and "?udgave=sag" in page
    response = client.get(url("pdf", plan_with_notes) + "?udgave=sag")
    assert response.status_code == 200 and "FORTROLIGT: bekymring fra skolen" in pdf_text(response)
    assert AccessLogEntry.objects.get(request_id=response["X-Request-Id"]).shown == "plan.pdf.case_file"


# --- every plan page writes exactly one access-log row per citizen (the view's hook) ---------------------------


@pytest.mark.parametrize(
    ("name", "query", "shown"),
    [
        ("plan", "", "plan"),
        ("goal", "", "plan"),
        ("revisions", "", "plan.revisions"),
        ("compare", "", "plan.revisions"),
        ("compare", "?fra=1&til=2", "plan.compare"),
        ("pdf", "", "plan.pdf.citizen"),
        ("pdf", "?udgave=sag", "plan.pdf.case_file"),
    ],
)
def test_each_plan_page_logs_one_row_per_citizen(client, world, plan_with_notes, name, query, shown):
    args = [Goal.objects.get().public_id] if name == "goal" else []
    client.force_login(world.colleague)
    response = client.get(url(name, plan_with_notes, *args) + query)
    assert response.status_code == 200
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert [(row.citizen, row.shown, row.via) for row in rows] == [(world.citizen, shown, "scope")]


def test_each_plan_page_of_a_family_logs_each_member_once(client, world):
    household = f.make_family(world.municipality, adults=2, children=2)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    client.force_login(world.coordinator)
    response = client.get(url("plan", pathway))
    logged = list(
        AccessLogEntry.objects.filter(request_id=response["X-Request-Id"]).values_list("citizen_id", flat=True)
    )
    assert sorted(logged) == sorted(household.memberships.values_list("citizen_id", flat=True))


def test_a_failed_plan_form_logs_the_page_it_shows_once_and_a_redirect_logs_nothing(client, world):
    client.force_login(world.coordinator)
    failed = client.post(url("goal_add", world.pathway), goal_post(description=""), **HTMX)
    assert failed.status_code == 422
    assert AccessLogEntry.objects.filter(request_id=failed["X-Request-Id"]).count() == 1
    saved = client.post(url("wishes", world.pathway), {"wishes-citizen_wishes": "Egen bolig", "wishes-version": 1})
    assert saved.status_code == 302
    assert not AccessLogEntry.objects.filter(request_id=saved["X-Request-Id"]).exists()


def test_a_date_in_a_version_that_is_not_an_iso_date_is_shown_escaped():
    from samspil.plans.templatetags.plans import iso_date

    assert iso_date("2026-11-22") == "22.11.2026"
    assert iso_date("<b>snart</b>") == "&lt;b&gt;snart&lt;/b&gt;"
    assert iso_date(None) == ""
