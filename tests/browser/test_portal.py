"""The citizen's own Samspil in a real browser, on the demo municipality (issue 9's check).

demo-koordinator reads Camilla's plan. Camilla (demo-ung, 17) logs in through Demo-MitID, writes her wishes, agrees to
the latest version of the plan with a comment, shares a document, sends her coordinator a message, and sees on the
insight page that demo-koordinator read her plan. demo-koordinator then sees her answer on the versions page (as her
own, given in the portal), the document and the message. The analysis meeting's minutes and an internal follow-up
note on her pathway appear on no portal page and in neither download. Every portal page fits a 375 px phone and a
1280 px desktop with no WCAG 2.1 A/AA violation axe-core can find.
"""

import datetime
import io
import json

import pytest
from django.utils import timezone

from tests.browser.test_small_screens import DESKTOP, PHONE, _page, check, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WISHES = "Jeg vil gerne være frisør og bo i egen lejlighed, når jeg bliver 18."
COMMENT = "Jeg er enig, men jeg vil gerne have mere tid til skolen."
MESSAGE = "Hej, kan vi flytte mødet til efter skole?"
ANALYSIS_MARKER = "ANALYSEMØDE-MARKØR: drøftet uden den unge"
INTERNAL_MARKER = "INTERN-NOTE-MARKØR: kun for fagfolk"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(settings):
    from django.core.management import call_command

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)


def camilla_pathway():
    from samspil.accounts.models import User
    from samspil.portal.access import portal_pathways

    return portal_pathways(User.objects.get(username="demo-ung"))[0]


def hide_markers(pathway):
    """An analysis meeting (without the young person) with minutes, and an internal note on a follow-up."""
    from samspil.meetings.choices import MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting
    from samspil.plans.models import Goal, GoalFollowUp

    starts = timezone.now() - datetime.timedelta(days=3)
    Meeting.objects.create(
        municipality=pathway.municipality,
        pathway=pathway,
        meeting_type=MeetingType.ANALYSIS,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        location="Rådhuset",
        status=MeetingStatus.HELD,
        minutes=ANALYSIS_MARKER,
        scheduled_by=pathway.coordinator,
    )
    goal = Goal.objects.filter(pathway=pathway).first()
    GoalFollowUp.objects.create(
        municipality=pathway.municipality,
        pathway=pathway,
        goal=goal,
        result="E1",
        note="Det går fremad.",
        internal_note=INTERNAL_MARKER,
        assessed_by=pathway.coordinator,
    )


def log_in_with_demo_mitid(page, base_url, name):
    page.goto(f"{base_url}/borger/")
    page.wait_for_url("**/borger/log-ind/**")
    page.get_by_role("link", name="Gå til Demo-MitID").click()
    page.get_by_role("button", name=f"Log ind som {name}").click()
    page.wait_for_url(f"{base_url}/borger/")


def assert_no_markers(text: str, where: str):
    assert ANALYSIS_MARKER not in text, f"analysis-meeting minutes on {where}"
    assert INTERNAL_MARKER not in text, f"an internal note on {where}"


def test_the_young_person_uses_the_portal_and_the_coordinator_sees_it(browser, live_server, demo):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    pathway = camilla_pathway()
    camilla = pathway.citizen
    hide_markers(pathway)
    base = live_server.url
    pid = pathway.public_id

    # The coordinator reads Camilla's plan: a read she will see on her insight page.
    staff = next(_page(browser, DESKTOP))
    log_in(staff, base, "demo-koordinator")
    staff.goto(f"{base}/forloeb/{pid}/plan/")
    expect(staff.locator("h1")).to_contain_text("plan")
    staff.context.close()

    page = next(_page(browser, PHONE))
    log_in_with_demo_mitid(page, base, camilla.full_name)
    check(page, "portal-home")
    page.get_by_role("link", name=pathway.programme.name).first.click()
    page.wait_for_url(f"**/borger/forloeb/{pid}/")
    check(page, "portal-pathway")

    # Her own wishes, in her own words.
    page.goto(f"{base}/borger/forloeb/{pid}/plan/")
    page.locator("#oensker details > summary").click()
    page.get_by_role("textbox", name="Dine egne ønsker").fill(WISHES)
    page.get_by_role("button", name="Gem ønskerne").click()
    expect(page.locator("#oensker blockquote")).to_contain_text(WISHES)
    check(page, "portal-plan")

    # She agrees to the latest version, with a comment: her own answer.
    page.locator("#answer-latest a").click()
    page.get_by_label("Ja, jeg er enig").check()
    page.get_by_label("Din kommentar").fill(COMMENT)
    page.get_by_role("button", name="Send dit svar").click()
    expect(page.locator("#svar")).to_contain_text(COMMENT)
    check(page, "portal-revision")

    # A document and a message.
    page.goto(f"{base}/borger/forloeb/{pid}/dokumenter/")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "Skoleskema.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Del filen").click()
    expect(page.locator("main")).to_contain_text("Skoleskema.pdf")
    check(page, "portal-documents")
    page.goto(f"{base}/borger/forloeb/{pid}/beskeder/")
    page.get_by_role("textbox", name="Besked").fill(MESSAGE)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("main")).to_contain_text(MESSAGE)
    check(page, "portal-messages")

    # Insight: the coordinator read her plan.
    page.goto(f"{base}/borger/forloeb/{pid}/indsigt/")
    check(page, "portal-insight")
    page.get_by_role("link", name="Skjul din egen brug af portalen").click()
    coordinator = pathway.coordinator.get_full_name()
    row = page.locator("main li", has_text=coordinator).filter(has_text="Den fælles plan").first
    expect(row).to_be_visible()

    # Nothing of the analysis meeting or the internal notes on any portal page or download.
    pages = ["", "plan/", "plan/versioner/", "samtykke/", "indsigt/", "dokumenter/", "beskeder/"]
    for suffix in pages:
        page.goto(f"{base}/borger/forloeb/{pid}/{suffix}")
        assert_no_markers(page.content(), suffix or "the pathway page")
        if suffix == "samtykke/":
            check(page, "portal-consent")
    for link in page.request.get(f"{base}/borger/forloeb/{pid}/plan/versioner/").text().split('href="')[1:]:
        href = link.split('"')[0]
        if "/plan/versioner/" in href and href.rstrip("/").split("/")[-1].isdigit():
            assert_no_markers(page.request.get(f"{base}{href}").text(), href)
    exported = page.request.get(f"{base}/borger/forloeb/{pid}/mine-data.json")
    assert exported.ok
    data = json.dumps(exported.json(), ensure_ascii=False)
    assert_no_markers(data, "the JSON download")
    assert COMMENT in data and WISHES in data
    pdf = page.request.get(f"{base}/borger/forloeb/{pid}/mine-data.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert_no_markers(text, "the PDF download")
    page.context.close()

    # The coordinator sees the answer as Camilla's own, the document and the message.
    staff = next(_page(browser, DESKTOP))
    log_in(staff, base, "demo-koordinator")
    staff.goto(f"{base}/forloeb/{pid}/plan/versioner/")
    expect(staff.locator("main")).to_contain_text(f"Svar fra {camilla.full_name} selv i portalen")
    expect(staff.locator("main")).to_contain_text(COMMENT)
    staff.goto(f"{base}/forloeb/{pid}/dokumenter/")
    expect(staff.locator("main")).to_contain_text("Skoleskema.pdf")
    staff.goto(f"{base}/forloeb/{pid}/beskeder/")
    expect(staff.locator("main")).to_contain_text(MESSAGE)
    staff.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_custody_holder_and_the_adult_pages_fit_and_pass_axe(browser, live_server, demo, viewport):
    for name in ("demo-forælder", "demo-borger"):
        from samspil.accounts.models import User

        account = User.objects.get(username=name)
        page = next(_page(browser, viewport))
        log_in_with_demo_mitid(page, live_server.url, account.get_full_name())
        check(page, f"portal-home-{name}")
        pathway_link = page.locator("main a[href*='/borger/forloeb/']").first
        href = pathway_link.get_attribute("href")
        for suffix in ("", "plan/", "samtykke/", "indsigt/"):
            page.goto(f"{live_server.url}{href}{suffix}")
            check(page, f"portal-{name}-{suffix.strip('/') or 'pathway'}")
        page.context.close()
