"""The joint assessment and the complete family in a real browser, on the demo municipality (issue 12's check).

demo-koordinator starts an ICS assessment of the child on the family pathway of *Én familie – én indgang* and records
the family's own view first; two professionals on the family's team log in and each write their own section (one on a
375 px phone); the coordinator records a finding, compiles the combined report and approves it, adds a sibling to the
family, and gives the sibling a goal in the shared plan that answers the finding. The custody holder (demo-forælder)
logs in through Demo-MitID and reads the approved report's citizen version in the portal — with the sibling's goal
under the finding, without the professionals' internal notes — and downloads its PDF. The new pages fit a 375 px phone
and a 1280 px desktop with no WCAG 2.1 A/AA violation axe-core can find.

Selectors use ids, names, values and URLs, not texts, so the test holds whatever the state of the translations.
"""

import datetime
import io

import pytest
from django.utils import timezone

from tests.browser.test_portal import log_in_with_demo_mitid
from tests.browser.test_small_screens import DESKTOP, PHONE, _page, check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY_VIEW = "Vi vil gerne have ro om aftenen, så Asta kan sove. Vi har brug for hjælp til aflastning."
SECTION_ONE = "Asta har gode venner i skolen og fortæller gerne om sin dag."
SECTION_TWO = "Mor har fast arbejde og et stabilt netværk omkring familien."
INTERNAL = "INTERN-UDREDNINGSNOTE: kun for fagfolk"
FINDING = "Søvnen er urolig, og hele familien er presset om aftenen."
SUMMARY = "Familien har brug for en fælles indsats om aftenrutiner og aflastning."
GOAL = "Søskende får faste aftenrutiner, så hjemmet bliver roligere"
SIBLING_FIRST, SIBLING_LAST = "Malte", "Testesen"


@pytest.fixture
def demo(settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def family_case():
    """demo-koordinator's family pathway in Én familie – én indgang, the child it is about, and two professionals on
    its team (not the coordinator) who may write sections: staff places whose department the consent covers."""
    from samspil.access.access import pathway_access
    from samspil.citizens.models import HouseholdMember
    from samspil.pathways.models import Pathway, TeamMember
    from samspil.pathways.programmes import ONE_FAMILY

    pathway = Pathway.objects.get(
        coordinator__username="demo-koordinator", programme__code=ONE_FAMILY, household__isnull=False
    )
    child = (
        HouseholdMember.objects.current()
        .filter(household_id=pathway.household_id, relation="index_child")
        .select_related("citizen")
        .first()
        .citizen
    )
    writers = []
    places = (
        TeamMember.objects.current()
        .filter(pathway=pathway, kind="staff", user__isnull=False)
        .exclude(user=pathway.coordinator)
        .select_related("user")
        .order_by("id")
    )
    for place in places:
        if pathway_access(actor=place.user, pathway=pathway).may_contribute and place.user not in writers:
            writers.append(place.user)
    return pathway, child, writers


def sibling_cpr() -> str:
    """A CPR number for a sibling of 8 who is not registered yet (format and date only; modulus 11 is not required)."""
    born = timezone.localdate() - datetime.timedelta(days=8 * 365 + 40)
    return f"{born:%d%m%y}-4712"


def write_section(page, base, pid, assessment_id, area: str, strengths: str, internal: str = ""):
    page.goto(f"{base}/forloeb/{pid}/udredning/{assessment_id}/afsnit/")
    page.select_option("#id_area", area)
    page.fill("#id_strengths", strengths)
    if internal:
        page.fill("#id_internal_note", internal)
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(f"**/forloeb/{pid}/udredning/{assessment_id}/")


def test_joint_assessment_to_the_family_portal(browser, live_server, demo):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from samspil.assessments.models import Assessment, AssessmentReport, Finding
    from samspil.citizens.models import HouseholdMember
    from samspil.plans.models import Goal

    pathway, child, writers = family_case()
    assert len(writers) >= 2, f"the demo family's team has {len(writers)} professionals who may write sections"
    base, pid = live_server.url, pathway.public_id

    # --- The coordinator starts an ICS assessment of the child and records the family's own view first.
    coordinator = next(_page(browser, DESKTOP))
    log_in(coordinator, base, "demo-koordinator")
    coordinator.goto(f"{base}/forloeb/{pid}/")
    coordinator.click("#overview-assessments a")
    coordinator.wait_for_url(f"**/forloeb/{pid}/udredning/")
    check(coordinator, "assessment-list")
    coordinator.click(f"main a[href='/forloeb/{pid}/udredning/ny/']")
    coordinator.select_option("#id_method", "ics")
    coordinator.select_option("#id_subject", str(child.public_id))
    coordinator.fill("#id_purpose", "Hvad skal der til, for at aftenerne bliver roligere for hele familien?")
    check(coordinator, "assessment-start")
    coordinator.click("main form[method=post] button[type=submit]")
    assessment = Assessment.objects.filter(pathway=pathway).order_by("-number").first()
    assert assessment is not None and assessment.method == "ics" and assessment.subject_id == child.pk
    aid = assessment.public_id
    coordinator.wait_for_url(f"**/forloeb/{pid}/udredning/{aid}/")
    coordinator.fill("#id_family_view-family_view", FAMILY_VIEW)
    coordinator.click(f"form[action='/forloeb/{pid}/udredning/{aid}/familiens-perspektiv/'] button[type=submit]")
    expect(coordinator.locator("#family-view")).to_contain_text(FAMILY_VIEW)

    # --- Two professionals on the team write their own sections: one on a phone, one at a desk.
    first = next(_page(browser, PHONE))
    log_in(first, base, writers[0].username)
    first.goto(f"{base}/forloeb/{pid}/udredning/{aid}/")
    check(first, "assessment-detail-before-sections")
    write_section(first, base, pid, aid, "ics.child.emotional", SECTION_ONE, internal=INTERNAL)
    expect(first.locator("main")).to_contain_text(SECTION_ONE)
    check(first, "assessment-detail")
    first.context.close()

    second = next(_page(browser, DESKTOP))
    log_in(second, base, writers[1].username)
    write_section(second, base, pid, aid, "ics.family.employment", SECTION_TWO)
    expect(second.locator("main")).to_contain_text(SECTION_TWO)
    second.context.close()
    authors = set(assessment.sections.values_list("written_by__username", flat=True))
    assert authors == {writers[0].username, writers[1].username}

    # --- The coordinator records a finding, compiles the combined report and approves it.
    coordinator.goto(f"{base}/forloeb/{pid}/udredning/{aid}/")
    expect(coordinator.locator("main")).to_contain_text(SECTION_ONE)
    expect(coordinator.locator("main")).to_contain_text(SECTION_TWO)
    coordinator.locator("section[aria-labelledby=h-finding-add] details > summary").click()
    coordinator.select_option("#id_finding-area", "ics.child.emotional")
    coordinator.select_option("#id_finding-kind", "need")
    coordinator.fill("#id_finding-text", FINDING)
    coordinator.click(f"form[action='/forloeb/{pid}/udredning/{aid}/fund/'] button[type=submit]")
    expect(coordinator.locator("ul.findings")).to_contain_text(FINDING)
    finding = Finding.objects.get(assessment=assessment)
    check(coordinator, "assessment-detail-coordinator")
    coordinator.goto(f"{base}/forloeb/{pid}/udredning/{aid}/sammenskriv/")
    coordinator.fill("#id_summary", SUMMARY)
    check(coordinator, "assessment-compile")
    coordinator.click("main form[method=post] button[type=submit]")
    coordinator.wait_for_url(f"**/forloeb/{pid}/udredning/{aid}/rapport/1/")
    coordinator.click(f"form[action='/forloeb/{pid}/udredning/{aid}/rapport/1/godkend/'] button[type=submit]")
    expect(coordinator.locator("#report-approval .badge-success")).to_be_visible()
    check(coordinator, "assessment-report")
    report = AssessmentReport.objects.get(assessment=assessment)
    assert report.approved_at is not None and report.approved_by.username == "demo-koordinator"

    # --- The coordinator adds the child's sibling to the family.
    coordinator.goto(f"{base}/forloeb/{pid}/#familie")
    coordinator.locator("#family-add details > summary").click()
    coordinator.locator("#id_household-cpr_number").fill(sibling_cpr())
    coordinator.fill("#id_household-first_name", SIBLING_FIRST)
    coordinator.fill("#id_household-last_name", SIBLING_LAST)
    coordinator.select_option("#id_household-relation", "sibling")
    coordinator.locator("#family-add form button[type=submit]").click()
    expect(coordinator.locator("#familie")).to_contain_text(f"{SIBLING_FIRST} {SIBLING_LAST}")
    sibling = (
        HouseholdMember.objects.current()
        .get(household_id=pathway.household_id, citizen__first_name=SIBLING_FIRST, citizen__last_name=SIBLING_LAST)
        .citizen
    )

    # --- ... and a goal for the sibling in the shared plan that answers the finding.
    coordinator.goto(f"{base}/forloeb/{pid}/plan/")
    coordinator.locator("#maal details:has(#id_goal_add-description) > summary").click()
    coordinator.select_option("#id_goal_add-member", str(sibling.public_id))
    coordinator.select_option("#id_goal_add-life_area", "family_network")
    coordinator.fill("#id_goal_add-description", GOAL)
    coordinator.fill("#id_goal_add-indicator", "Fast sengetid fem aftener om ugen i en måned")
    coordinator.check(f"input[name=goal_add-findings][value='{finding.public_id}']")
    with coordinator.expect_response(lambda response: response.request.method == "POST") as answer:
        coordinator.locator("form:has(#id_goal_add-description) button[type=submit]").click()
    assert answer.value.status in (200, 302), coordinator.locator(".form-error-message").all_inner_texts()
    goal = Goal.objects.get(pathway=pathway, description=GOAL)
    assert goal.member_id == sibling.pk and list(goal.findings.all()) == [finding]
    card = coordinator.locator(f"#maal-{goal.public_id}")
    expect(card.locator(".answered-findings")).to_contain_text(FINDING[:40])
    check(coordinator, "plan-with-findings")
    coordinator.context.close()

    # --- The custody holder reads the approved report's citizen version in the portal, on a phone and a desktop.
    from samspil.accounts.models import User

    parent = User.objects.get(username="demo-forælder").citizen
    portal = next(_page(browser, PHONE))
    log_in_with_demo_mitid(portal, base, parent.full_name)
    portal.goto(f"{base}/borger/forloeb/{pid}/")
    portal.click(f"#udredning a[href='/borger/forloeb/{pid}/udredning/']")
    portal.wait_for_url(f"**/borger/forloeb/{pid}/udredning/")
    main = portal.locator("main")
    for text in (FAMILY_VIEW, SECTION_ONE, SECTION_TWO, FINDING, SUMMARY, child.full_name):
        expect(main).to_contain_text(text)
    expect(portal.locator(f"#fund-{finding.public_id} .goals-answering")).to_contain_text(GOAL)
    assert INTERNAL not in portal.content()
    check(portal, "portal-assessment")
    pdf = portal.request.get(f"{base}/borger/forloeb/{pid}/udredning/udredning.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body())).pages)
    assert FINDING[:30] in text and INTERNAL not in text
    portal.context.close()

    wide = next(_page(browser, DESKTOP))
    log_in_with_demo_mitid(wide, base, parent.full_name)
    wide.goto(f"{base}/borger/forloeb/{pid}/udredning/")
    expect(wide.locator("main")).to_contain_text(SUMMARY)
    check(wide, "portal-assessment")
    wide.goto(f"{base}/borger/forloeb/{pid}/")
    check(wide, "portal-pathway-with-assessment")
    wide.context.close()
