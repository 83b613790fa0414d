"""The core team pages and the coordination group's page on a 375 px phone and at 1280 px, in a real browser: none
scrolls sideways and axe-core finds no WCAG 2.1 A/AA violation. The family coordinator records the caseload status
meeting on the phone (attendance, a decision) and sees the warning that not everyone was there in person. Selectors
use ids and names, not texts."""

import pytest
from django.urls import reverse

from samspil.audit import context
from samspil.coreteams import services as coreteam_services
from samspil.coreteams.models import CaseloadItem
from samspil.coreteams.tests.factories import TeamWorld
from samspil.implementation import services as implementation_services
from samspil.implementation.choices import GroupKind
from samspil.pathways.models import TeamMember
from tests import factories as f
from tests.browser.test_small_screens import DESKTOP, PHONE, _page, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, user):
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/konto/log-ind/" not in url)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_core_team_pages(browser, live_server, settings, viewport):
    settings.DEBUG = False
    w = TeamWorld()
    pathway = w.family()
    meeting = w.schedule()
    with context.bound(actor_id=w.project_leader.pk, request_id="t"):
        group = implementation_services.group_create(
            actor=w.project_leader,
            programme=w.programme,
            kind=GroupKind.COORDINATION_GROUP,
            name="Koordinationsgruppen",
            cadence_days=None,
        )
    page = next(_page(browser, viewport))
    base = live_server.url
    width = viewport["width"]

    log_in(page, base, w.coordinator)
    pages = {
        "coreteams-list": reverse("coreteams:list"),
        "coreteams-team": reverse("coreteams:team", args=[w.team.public_id]),
        "coreteams-meeting": reverse("coreteams:meeting", args=[meeting.public_id]),
    }
    for name, path in pages.items():
        page.goto(f"{base}{path}")
        check(page, name)

    page.goto(f"{base}{pages['coreteams-meeting']}")
    for member in w.members:
        value = "in_person" if member.user_id != w.nurse.pk else "remote"
        page.check(f"input[name='record-attendance-{member.public_id.hex}'][value='{value}']")
    page.fill(f"#id_record-decision-{pathway.public_id.hex}", "Familien tilbydes et analysemøde.")
    page.check(f"#id_record-revise-{pathway.public_id.hex}")
    page.click("#h-record ~ form button[type=submit]")
    page.wait_for_selector("#attendance-warning")
    check(page, f"coreteams-meeting-held-{width}")
    assert CaseloadItem.objects.get(meeting=meeting, pathway=pathway).plan_to_be_revised

    page.goto(f"{base}{reverse('pathways:overview', args=[pathway.public_id])}")
    page.wait_for_selector("#overview-coreteam")

    # A member added by the leader (who does not coordinate the family) lacks a team place until the coordinator
    # gives it from the team page.
    newcomer = f.make_staff(w.health, first_name="Nina", last_name="Ny")
    with context.bound(actor_id=w.leader.pk, request_id="t"):
        coreteam_services.member_add(actor=w.leader, team=w.team, user=newcomer, department=w.health)
    page.goto(f"{base}{pages['coreteams-team']}")
    page.wait_for_selector(f"#missing-{pathway.public_id}")
    check(page, f"coreteams-team-missing-place-{width}")
    page.click(f"#missing-{pathway.public_id} button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator(f"#missing-{pathway.public_id}").count() == 0
    assert TeamMember.objects.current().filter(pathway=pathway, user=newcomer).exists()

    page.context.clear_cookies()
    log_in(page, base, w.project_leader)
    page.goto(f"{base}{reverse('implementation:group', args=[w.programme.code, group.public_id])}")
    page.wait_for_selector("#h-coordination")
    check(page, "implementation-coordination-group")
    page.context.close()
