"""The coordinator's shared plan and start meeting, in a real browser, on the demo municipality.

The check of issue 3: the coordinator writes a plan with two goals and three agreements, holds a start meeting
with its checklist, records an agreement and a goal's follow-up from the meeting (the follow-up is in the plan
and in a new version), revises the plan, compares the two latest versions, and downloads the citizen's PDF,
whose text is read back.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROGRAMME = "Vejen til uddannelse og beskæftigelse"
WISHES = "Jeg vil gerne tage en uddannelse som tømrer og have mit eget værksted en dag."
NEW_WISHES = "Jeg vil gerne være tømrerlærling fra sommer og flytte i egen lejlighed."
GOAL_1 = "Starter på grundforløbet til tømrer på erhvervsskolen"
GOAL_2 = "Har en fast døgnrytme og kommer op hver morgen"
AGREEMENTS = ["Ringer til erhvervsskolens vejleder", "Følger med til informationsmøde", "Laver en ugeplan"]
MEETING_AGREEMENT = "Søger praktikplads hos tre tømrerfirmaer"
MEETING_FOLLOW_UP = "Døgnrytmen holder; fortsætter uændret efter startmødet."
FOLLOW_UP_NOTE = "Går godt med at komme op om morgenen."
INTERNAL_NOTE = "Fortroligt: bekymring om misbrug hos forælder."
MINUTES = "Borgeren fortalte om sine ønsker. Vi gennemgik målene. Referat fra startmødet."


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


def form(page, action_suffix):
    """The form posting to the URL ending in `action_suffix`: labels are unique within it."""
    return page.locator(f"form[action$='{action_suffix}']")


def add_goal(page, description, life_area, indicator, horizon, legal_basis):
    from playwright.sync_api import expect

    page.locator("#maal details > summary", has_text="Tilføj et mål").click()
    goal_form = form(page, "/plan/maal/")
    goal_form.get_by_label("Livsområde").select_option(label=life_area)
    goal_form.get_by_label("Mål", exact=True).fill(description)
    goal_form.get_by_label("Udvikle funktionsevne").check()
    goal_form.get_by_label("Målbart succeskriterium").fill(indicator)
    goal_form.get_by_label(horizon).check()
    goal_form.get_by_label("Ansvarlig afdeling").select_option(index=1)
    goal_form.get_by_label("Lovgrundlag").fill(legal_basis)
    goal_form.get_by_role("button", name="Tilføj målet").click()
    expect(page.locator("#maal article.goal", has_text=description)).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Målet er tilføjet")


def add_agreement(page, what, owner_index, due_on):
    from playwright.sync_api import expect

    page.locator("#goal details > summary", has_text="Tilføj en aftale").click()
    agreement_form = form(page, "/aftaler/")
    agreement_form.get_by_label("Hvad er aftalt").fill(what)
    owner = agreement_form.get_by_label("Hvem gør det")
    team = owner.locator("optgroup[label='Teamet'] option")
    owner.select_option(value=team.nth(owner_index % team.count()).get_attribute("value"))
    agreement_form.get_by_label("Frist").fill(due_on.strftime("%d.%m.%Y"))
    agreement_form.get_by_role("button", name="Tilføj aftalen").click()
    expect(page.locator("#goal table.agreements tbody")).to_contain_text(what)
    expect(page.locator("#messages")).to_contain_text("Aftalen er tilføjet")


def pdf_text(download) -> str:
    from pypdf import PdfReader

    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # Reflowed paragraphs break lines anywhere: compare with whitespace collapsed.
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_coordinator_plans_holds_start_meeting_revises_and_prints(page, live_server, demo):
    from playwright.sync_api import expect

    today = timezone.localdate()
    log_in(page, live_server.url, "demo-koordinator")
    rows = page.locator("#my-pathways tbody tr", has_text=PROGRAMME).filter(has_text="Koordinator")
    expect(rows.first).to_be_visible()
    rows.first.locator("a").first.click()
    page.wait_for_url(re.compile(r"/forloeb/[0-9a-f-]{36}/$"))
    overview_url = page.url

    # The plan: the citizen's wishes first.
    page.get_by_role("link", name="Den fælles plan").click()
    page.wait_for_url(re.compile(r"/plan/$"))
    expect(page.locator("h1")).to_have_text("Den fælles plan")
    plan_url = page.url
    page.locator("#oensker details > summary", has_text="Skriv borgerens ønsker").click()
    form(page, "/plan/oensker/").get_by_label("Borgerens egne ønsker").fill(WISHES)
    form(page, "/plan/oensker/").get_by_role("button", name="Gem ønskerne").click()
    expect(page.locator("#oensker blockquote.wishes")).to_have_text(WISHES)
    expect(page.locator("#messages")).to_contain_text("Planen er gemt som en ny version.")
    expect(page.locator("#plan-version")).to_contain_text("Version 1")

    # Two goals.
    add_goal(page, GOAL_1, "Uddannelse", "Er optaget på grundforløbet senest august.", "Langt sigt", "LAB § 40 stk. 3")
    add_goal(page, GOAL_2, "Sundhed", "Møder til aftaler kl. 9 fire dage om ugen.", "Kort sigt", "")
    expect(page.locator("#maal article.goal")).to_have_count(2)
    expect(page.locator("#plan-version")).to_contain_text("Version 3")

    # Three agreements, two under the first goal and one under the second, each owned by someone on the team.
    due = today + datetime.timedelta(days=14)
    page.locator("#maal article.goal", has_text=GOAL_1).get_by_role("link", name=re.compile("Ret målet")).click()
    page.wait_for_url(re.compile(r"/plan/maal/[0-9a-f-]{36}/$"))
    expect(page.locator("h1")).to_contain_text(GOAL_1)
    add_agreement(page, AGREEMENTS[0], 0, due)
    add_agreement(page, AGREEMENTS[1], 1, due + datetime.timedelta(days=7))
    # A follow-up with a note for the professionals only: it must never reach the citizen's PDF.
    page.locator("#goal details > summary", has_text="Følg op på målet").click()
    follow_up = form(page, "/opfoelgning/")
    follow_up.get_by_label("Fortsættes").check()
    follow_up.locator("#id_follow_up-note").fill(FOLLOW_UP_NOTE)
    follow_up.get_by_label("Intern note").fill(INTERNAL_NOTE)
    follow_up.get_by_role("button", name="Registrér opfølgningen").click()
    expect(page.locator("#goal ul.follow-ups")).to_contain_text(INTERNAL_NOTE)
    page.get_by_role("link", name="Tilbage til den fælles plan").click()
    page.wait_for_url(plan_url)

    page.locator("#maal article.goal", has_text=GOAL_2).get_by_role("link", name=re.compile("Ret målet")).click()
    page.wait_for_url(re.compile(r"/plan/maal/[0-9a-f-]{36}/$"))
    add_agreement(page, AGREEMENTS[2], 2, due)
    page.get_by_role("link", name="Tilbage til den fælles plan").click()
    page.wait_for_url(plan_url)
    agreements = page.locator("#maal table.agreements tbody tr")
    expect(agreements).to_have_count(3)
    for what in AGREEMENTS:
        expect(page.locator("#maal")).to_contain_text(what)

    # The start meeting: scheduled for yesterday, so it has begun and can be recorded.
    page.goto(overview_url)
    page.locator("#overview-meetings").get_by_role("link", name="Møder").click()
    page.wait_for_url(re.compile(r"/moeder/$"))
    expect(page.locator("h1")).to_have_text("Møder")
    page.get_by_role("link", name="Planlæg et møde").click()
    page.wait_for_url(re.compile(r"/moeder/ny/$"))
    schedule = form(page, "/moeder/ny/")
    schedule.get_by_label("Mødetype").select_option(label="Startmøde")
    yesterday = today - datetime.timedelta(days=1)
    schedule.get_by_label("Dato").fill(yesterday.strftime("%d.%m.%Y"))
    schedule.get_by_label("Starter kl.").fill("10:00")
    schedule.get_by_label("Slutter kl.").fill("11:00")
    schedule.get_by_label("Sted").fill("Jobcentret, mødelokale 2")
    invitees = schedule.locator("#id_invitees input[type=checkbox]")
    expect(invitees.first).to_be_attached()
    for index in range(invitees.count()):
        invitees.nth(index).uncheck()
    invited = schedule.locator("#id_invitees label").nth(invitees.count() - 1).inner_text().split(" (")[0]
    invitees.nth(invitees.count() - 1).check()
    schedule.get_by_label("Invitér borgeren eller familien").check()
    schedule.get_by_role("button", name="Planlæg mødet").click()
    page.wait_for_url(re.compile(r"/moeder/[0-9a-f-]{36}/$"))
    expect(page.locator("#messages")).to_contain_text("Mødet er planlagt.")
    meeting_url = page.url

    # It has begun, so the meeting list has it among those to record; opened from there.
    page.get_by_role("link", name="Alle forløbets møder").click()
    page.wait_for_url(re.compile(r"/moeder/$"))
    to_record = page.locator("#meetings-to-record tbody tr", has_text="Startmøde")
    expect(to_record).to_have_count(1)
    to_record.get_by_role("link").click()
    page.wait_for_url(meeting_url)
    expect(page.locator("#meeting h1")).to_have_text("Startmøde")
    expect(page.locator("#meeting-status")).to_have_text("Mangler referat")
    participants = page.locator("#participants tbody tr")
    expect(participants).to_have_count(2)
    expect(page.locator("#participants")).to_contain_text(invited)
    expect(page.locator("#participants")).to_contain_text("Borger eller familie")
    checklist = page.locator("#checklist li")
    expect(checklist.first).to_be_visible()
    items = checklist.count()

    # Hold it: the checklist ticked, attendance and minutes recorded.
    record = form(page, "/referat/")
    record.get_by_label("Referat").fill(MINUTES)
    attended = record.locator("#id_record-attended input[type=checkbox]")
    expect(attended).to_have_count(2)
    for index in range(attended.count()):
        attended.nth(index).check()
    boxes = record.locator("#id_record-done input[type=checkbox]")
    expect(boxes).to_have_count(items)
    for index in range(items):
        boxes.nth(index).check()
    record.get_by_role("button", name="Registrér som holdt").click()
    expect(page.locator("#meeting-status")).to_have_text("Holdt")
    expect(page.locator("#messages")).to_contain_text("Mødet er registreret som holdt.")
    expect(page.locator("#minutes")).to_contain_text(MINUTES)
    expect(page.locator("#checklist .badge", has_text="Udført")).to_have_count(items)
    expect(page.locator("#checklist")).not_to_contain_text("Ikke udført")
    expect(page.locator("#participants tbody td[data-title='Deltog']", has_text="Ja")).to_have_count(2)

    # A decision at the meeting that puts an agreement straight into the plan.
    page.locator("#meeting details > summary", has_text="Ny aftale fra mødet").click()
    decision = form(page, "/aftale/")
    decision.get_by_label("Mål i planen").select_option(label=GOAL_1)
    decision.get_by_label("Hvad er aftalt").fill(MEETING_AGREEMENT)
    decision.get_by_label("Teammedlem").select_option(index=1)
    decision.get_by_label("Frist").fill((today + datetime.timedelta(days=21)).strftime("%d.%m.%Y"))
    decision.get_by_role("button", name="Registrér beslutning og aftale").click()
    expect(page.locator("#decisions")).to_contain_text(MEETING_AGREEMENT)
    expect(page.locator("#decisions .badge", has_text="Aftale i planen")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("aftalen er føjet til planen")

    # A plan change decided at the meeting: a follow-up of the second goal, saved in the plan as a new version.
    page.locator("#plan-changes details > summary").first.click()
    decided = form(page, "/opfoelgning/")
    decided.get_by_label("Mål i planen").select_option(label=GOAL_2)
    decided.get_by_label("Fortsættes").check()
    decided.locator("#id_follow_up-note").fill(MEETING_FOLLOW_UP)
    decided.locator("button[type=submit]").click()
    expect(page.locator("#decisions li", has_text=GOAL_2)).to_be_visible()
    revision_link = page.locator("#decisions li", has_text=GOAL_2).locator("a.decision-revision")
    expect(revision_link).to_be_visible()
    page.screenshot(path="var/browser-meeting.png", full_page=True)
    revision_link.click()
    page.wait_for_url(re.compile(r"/plan/sammenlign/\?fra=\d+&til=\d+$"))
    expect(page.locator("main")).to_contain_text(MEETING_FOLLOW_UP)  # what that version added
    page.goto(meeting_url)

    # The meeting list counts it towards the programme's minimum of three meetings with the citizen.
    page.get_by_role("link", name="Alle forløbets møder").click()
    page.wait_for_url(re.compile(r"/moeder/$"))
    expect(page.locator("#citizen-meetings")).to_contain_text("1 af 3 holdt – ikke opfyldt")
    expect(page.locator("#meetings-past")).to_contain_text("Startmøde")

    # The plan has the agreement under the goal; then the plan is revised.
    page.goto(plan_url)
    expect(page.locator("#maal article.goal", has_text=GOAL_1)).to_contain_text(MEETING_AGREEMENT)
    expect(page.locator("#maal table.agreements tbody tr")).to_have_count(4)
    expect(page.locator("#maal article.goal", has_text=GOAL_2).locator("ul.follow-ups")).to_contain_text(
        MEETING_FOLLOW_UP
    )
    page.screenshot(path="var/browser-plan.png", full_page=True)
    page.locator("#oensker details > summary", has_text="Skriv borgerens ønsker").click()
    wishes = form(page, "/plan/oensker/").get_by_label("Borgerens egne ønsker")
    expect(wishes).to_have_value(WISHES)
    wishes.fill(NEW_WISHES)
    form(page, "/plan/oensker/").get_by_role("button", name="Gem ønskerne").click()
    expect(page.locator("#oensker blockquote.wishes")).to_have_text(NEW_WISHES)
    latest = int(re.search(r"Version (\d+)", page.locator("#plan-version").inner_text()).group(1))
    assert latest >= 9  # wishes, 2 goals, 3 agreements, follow-up, meeting agreement and follow-up, new wishes

    # All versions, and the two latest compared.
    page.get_by_role("link", name="Alle versioner").click()
    page.wait_for_url(re.compile(r"/plan/versioner/$"))
    expect(page.locator("h1")).to_have_text("Versioner af den fælles plan")
    expect(page.locator("#revisions tbody tr")).to_have_count(latest)
    expect(page.get_by_label("Fra version")).to_have_value(str(latest - 1))
    expect(page.get_by_label("Til version")).to_have_value(str(latest))
    page.get_by_role("button", name="Sammenlign").click()
    page.wait_for_url(re.compile(rf"/plan/sammenlign/\?fra={latest - 1}&til={latest}$"))
    expect(page.locator("h1")).to_have_text("Sammenlign versioner")
    expect(page.locator("main")).to_contain_text(f"Fra version {latest - 1}")
    expect(page.locator("del.diff-before")).to_have_text(WISHES)
    expect(page.locator("ins.diff-after")).to_have_text(NEW_WISHES)
    page.screenshot(path="var/browser-plan-compare.png", full_page=True)

    # The citizen's PDF: the wishes and the goals, nothing internal and no meeting minutes.
    page.goto(plan_url)
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF: borgerudgave").click()
    download = info.value
    assert re.fullmatch(r"faelles-plan-borgerudgave-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    text = pdf_text(download)
    assert NEW_WISHES in text
    assert GOAL_1 in text and GOAL_2 in text
    assert MEETING_AGREEMENT in text
    assert FOLLOW_UP_NOTE in text
    assert INTERNAL_NOTE not in text
    assert "Fortroligt" not in text
    assert "Referat fra startmødet" not in text
    # The internal note is in the plan all along: the case-file version has it.
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF: sagsudgave").click()
    case_file = pdf_text(info.value)
    assert INTERNAL_NOTE in case_file and NEW_WISHES in case_file
    assert "Referat fra startmødet" not in case_file
