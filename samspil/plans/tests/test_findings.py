"""Goals answer findings of the joint assessment: saved through the plan's services as part of the plan's version,
shown under the goal on the staff pages, compared between versions, and never in the citizen's edition."""

import io
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from samspil.assessments.choices import FindingKind
from samspil.assessments.selectors import finding_label
from samspil.audit.models import AuditEvent
from samspil.core.exceptions import ConflictError
from samspil.meetings import services as meeting_services
from samspil.plans import services
from samspil.plans.models import Goal, PlanRevision
from samspil.plans.snapshot import citizen_edition, diff_snapshots
from samspil.portal.tests import assessment_data as ad
from samspil.portal.tests.assessment_data import make_assessment, make_finding
from tests import factories as f
from tests.audit_asserts import audit_counts
from tests.test_query_counts import assert_same_count, grow_plan, queries

from .test_services import goal_fields

pytestmark = pytest.mark.django_db

ANSWERS = "Answers findings from the assessment"  # the msgid; `da` gives the label the page shows


def da(text: str) -> str:
    with translation.override("da"):
        return gettext(text)


def label(finding) -> str:
    """The finding's label as the record keeps it (in Danish)."""
    with translation.override("da"):
        return finding_label(finding)


def url(name, pathway, *args):
    return reverse(f"plans:{name}", args=[pathway.public_id, *args])


def goal_post(prefix="goal_add", findings=(), **overrides):
    data = {
        f"{prefix}-life_area": "health",
        f"{prefix}-description": "Faste sengetider i hverdagen",
        f"{prefix}-goal_type": "d41c8072-52f8-42b5-9375-ddbea454d27f",
        f"{prefix}-indicator": "I seng kl. 21 fem aftener om ugen",
        f"{prefix}-horizon": "short",
        f"{prefix}-responsible_department": "",
        f"{prefix}-legal_basis": "",
        **{f"{prefix}-{key}": value for key, value in overrides.items()},
    }
    if findings:
        data[f"{prefix}-findings"] = [str(finding.public_id) for finding in findings]
    return data


@pytest.fixture
def findings(world):
    assessment = make_assessment(world.pathway)
    return (
        make_finding(assessment),
        make_finding(assessment, area=ad.ICS_SAFETY, kind=FindingKind.STRENGTH, text="Trygge voksne omkring sig"),
    )


def counts() -> tuple:
    return (*audit_counts(), PlanRevision.objects.count(), Goal.objects.count(), Goal.findings.through.objects.count())


# --- the services ---------------------------------------------------------------------------------------------


def test_a_new_goal_answers_findings_in_its_version_and_event(world, findings, request_id):
    health, _safety = findings
    with request_id(world.coordinator):
        goal = services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    assert list(goal.findings.all()) == [health]
    revision = PlanRevision.objects.get()
    saved = revision.snapshot["goals"][0]
    assert saved["findings"] == [{"id": str(health.public_id), "label": label(health)}]
    assert saved["findings_text"] == label(health)
    assert label(health).startswith("Udredning 1 · ") or label(health).startswith("Assessment 1 · ")
    assert "Sover for lidt" in label(health)
    assert revision.event.data["findings"] == label(health)


def test_a_finding_of_another_pathway_is_refused_and_nothing_saved(world, findings):
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    foreign = make_finding(make_assessment(other))
    before = counts()
    with pytest.raises(ValidationError):
        services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[foreign], **goal_fields())
    goal = services.goal_add(actor=world.coordinator, pathway=world.pathway, **goal_fields())
    middle = counts()
    with pytest.raises(ValidationError):
        services.goal_update(
            actor=world.coordinator, goal=goal, expected_version=1, status="active", findings=[foreign], **goal_fields()
        )
    assert counts() == middle and middle != before
    assert not goal.findings.exists()


def test_changing_only_the_findings_is_a_change_of_the_goal(world, findings):
    health, safety = findings
    goal = services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    same = services.goal_update(
        actor=world.coordinator, goal=goal, expected_version=1, status="active", findings=[health], **goal_fields()
    )
    assert same.version == 1 and PlanRevision.objects.count() == 1  # nothing changed, nothing saved
    changed = services.goal_update(
        actor=world.coordinator,
        goal=goal,
        expected_version=1,
        status="active",
        findings=[health, safety],
        **goal_fields(),
    )
    assert changed.version == 2 and set(goal.findings.all()) == {health, safety}
    assert PlanRevision.objects.count() == 2
    before = counts()
    with pytest.raises(ConflictError):
        services.goal_update(
            actor=world.coordinator, goal=goal, expected_version=1, status="active", findings=[], **goal_fields()
        )
    assert counts() == before and goal.findings.count() == 2


def test_a_meetings_change_of_the_goal_keeps_its_findings(world, findings):
    health, _safety = findings
    goal = services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    meeting = f.MeetingFactory(pathway=world.pathway)
    meeting_services.meeting_decision_goal_update(
        actor=world.coordinator,
        meeting=meeting,
        goal=goal,
        expected_version=1,
        description="Faste sengetider hele ugen",
        indicator=goal.indicator,
        status=goal.status,
    )
    assert list(goal.findings.all()) == [health]
    assert PlanRevision.objects.order_by("-number").first().snapshot["goals"][0]["findings_text"] == label(health)


def test_versions_compare_the_findings_and_the_citizens_edition_leaves_them_out(world, findings):
    health, safety = findings
    goal = services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    services.goal_update(
        actor=world.coordinator, goal=goal, expected_version=1, status="active", findings=[safety], **goal_fields()
    )
    first, second = PlanRevision.objects.order_by("number")
    diff = diff_snapshots(first.snapshot, second.snapshot)
    (change,) = diff.goals_changed
    (field,) = change.changes
    assert field.label == da(ANSWERS)
    assert field.before == label(health) and field.after == label(safety)
    edition = citizen_edition(second.snapshot)
    assert "findings" not in edition["goals"][0] and "findings_text" not in edition["goals"][0]
    assert "Trygge voksne" not in str(edition)
    # A version saved before goals could answer findings compares as "no findings", not as a change.
    old = {**first.snapshot, "goals": [{k: v for k, v in first.snapshot["goals"][0].items() if "findings" not in k}]}
    without = services.goal_update(
        actor=world.coordinator, goal=goal, expected_version=2, status="active", findings=[], **goal_fields()
    )
    assert without.version == 3
    latest = PlanRevision.objects.order_by("-number").first()
    assert diff_snapshots(old, latest.snapshot).is_empty


# --- the pages -------------------------------------------------------------------------------------------


def test_the_goal_form_offers_the_findings_and_the_plan_shows_them_under_the_goal(client, world, findings):
    health, _safety = findings
    client.force_login(world.coordinator)
    page = client.get(url("plan", world.pathway)).content.decode()
    assert da(ANSWERS) in page and label(health) in page  # the new goal's form offers them
    response = client.post(url("goal_add", world.pathway), goal_post(findings=[health]))
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert list(goal.findings.all()) == [health]
    client.force_login(world.colleague)  # a team member reads it on the plan and on the goal's page
    for name, args in (("plan", ()), ("goal", (goal.public_id,))):
        html = client.get(url(name, world.pathway, *args)).content.decode()
        listed = html.split('class="nobullet-list answered-findings">', 1)[1].split("</ul>", 1)[0]
        assert label(health) in listed and "Trygge voksne" not in listed
        detail = reverse("assessments:detail", args=[world.pathway.public_id, health.assessment.public_id])
        assert f'href="{detail}#finding-{health.public_id}"' in listed
    # The goal's form starts from the findings it answers; unticking them all removes them.
    response = client.post(
        url("goal_update", world.pathway, goal.public_id), goal_post("goal", status="active", version=1)
    )
    assert response.status_code == 302
    assert not goal.findings.exists() and Goal.objects.get().version == 2


def test_an_unknown_finding_is_a_form_error_and_nothing_is_saved(client, world, findings):
    client.force_login(world.coordinator)
    other = make_finding(make_assessment(f.PathwayFactory(coordinator=world.coordinator)))
    before = counts()
    response = client.post(url("goal_add", world.pathway), goal_post(findings=[other]))
    assert response.status_code == 422
    error = response.content.decode().split('id="id_goal_add-findings_error">', 1)[1].split("</span>", 1)[0]
    assert unescape(error) == da(
        "A finding you chose is not among the findings of this pathway's assessments. Choose again."
    )
    assert counts() == before


def test_without_findings_the_form_has_no_findings_field(client, world):
    client.force_login(world.coordinator)
    html = client.get(url("plan", world.pathway)).content.decode()
    assert da(ANSWERS) not in html


def test_the_case_file_pdf_names_the_findings_the_citizens_does_not(client, world, findings):
    health, _safety = findings
    services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    client.force_login(world.coordinator)

    def text(edition):
        response = client.get(url("pdf", world.pathway) + f"?udgave={edition}")
        assert response.status_code == 200
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    assert "Sover for lidt" in text("sag")
    assert "Sover for lidt" not in text("borger")


def test_the_portal_plan_does_not_show_the_findings(client, world, findings):
    health, _safety = findings
    services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    f.grant_portal(world.pathway, world.citizen, by=world.coordinator)
    client.force_login(f.portal_account(world.citizen))
    html = client.get(reverse("portal:plan", args=[world.pathway.public_id])).content.decode()
    assert "Komme i praktik" in html and "Sover for lidt" not in html


@pytest.mark.parametrize("viewer", ["coordinator", "colleague"])
def test_plan_page_with_findings_has_constant_queries_within_the_budget(client, world, viewer):
    """Every goal answers two findings of two assessments: the plan page makes as many queries at 5 items as at 200."""
    assessments = [make_assessment(world.pathway), make_assessment(world.pathway)]

    def grow(items):
        grow_plan(world, world.pathway, items)
        for goal in Goal.objects.filter(pathway=world.pathway, findings__isnull=True):
            for assessment in assessments:
                goal.findings.add(make_finding(assessment, text=f"Fund til {goal.description}"))

    client.force_login(getattr(world, viewer))
    plan_url = url("plan", world.pathway)
    grow(5)
    client.get(plan_url)  # warm-up
    small = queries(client, plan_url)
    grow(195)
    response = client.get(plan_url)
    assert all(len(goal.answered_findings) == 2 for goal in response.context["page"].goals)
    assert response.content.decode().count('class="nobullet-list answered-findings"') == 40
    assert_same_count(small, queries(client, plan_url), "plan items answering findings")


def test_the_event_is_on_the_timeline_with_the_goal(world, findings, request_id):
    health, _safety = findings
    with request_id(world.coordinator):
        services.goal_add(actor=world.coordinator, pathway=world.pathway, findings=[health], **goal_fields())
    event = AuditEvent.objects.get(code="goal.added")
    assert event.data["goal"] and event.data["findings"] == label(health)
