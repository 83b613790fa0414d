"""The agreement, timetable and group-activity pages on a 375 px phone, in a real browser: none scrolls sideways
(tables scroll inside their own region, the timetable stacks by weekday) and axe-core finds no WCAG 2.1 A/AA
violation. The project leader adds fixed hours through the folded form. Selectors use ids and URLs, not texts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.organisations.choices import StaffRole
from samspil.outreach.choices import Element, Weekday
from samspil.outreach.models import GroupParticipant, GroupSession, OutreachHours
from samspil.outreach.tests.factories import make_agreement, make_centre, make_hours, make_person
from tests import factories as f
from tests.browser.test_small_screens import PHONE, _page, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    yield from _page(browser, PHONE)


def log_in(page, base_url, user):
    page.goto(f"{base_url}/konto/log-ind/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/konto/log-ind/" not in url)


def test_the_drop_in_pages_on_a_phone(live_server, phone, settings):
    settings.DEBUG = False
    municipality = f.MunicipalityFactory()
    jobs = f.DepartmentFactory(municipality=municipality, name="Jobcenter og Ydelse")
    social = f.DepartmentFactory(municipality=municipality, name="Socialafdelingen")
    leader = f.make_staff(jobs, StaffRole.PROJECT_LEADER)
    caseworker = f.make_staff(jobs, StaffRole.CASEWORKER)
    centre = make_centre(municipality, name="Værestedet Havnen med et ret langt navn")
    today = timezone.localdate()
    agreement = make_agreement(
        centre, renew_on=today + datetime.timedelta(days=30), title="Samarbejdsaftale om fremskudt indsats 2026"
    )
    make_hours(agreement, jobs, weekday=today.weekday(), staff=caseworker, note="Kom bare forbi")
    # Another day than today's, whatever today is (on a Thursday the hub would list both).
    other_day = Weekday.THURSDAY if today.weekday() != Weekday.THURSDAY else Weekday.FRIDAY
    make_hours(agreement, social, element=Element.OUTREACH_CASEWORK, weekday=other_day)
    from samspil.outreach.models import GroupActivity

    activity = GroupActivity.objects.create(
        municipality=municipality, centre=centre, title="Fællesspisning", starts_on=today - datetime.timedelta(30)
    )
    session = GroupSession.objects.create(
        municipality=municipality, activity=activity, held_on=today, anonymous_count=6
    )
    GroupParticipant.objects.create(municipality=municipality, session=session, person=make_person(centre))

    base = live_server.url
    log_in(phone, base, leader)
    pages = {
        "outreach-home": reverse("outreach:home"),
        "outreach-timetable": reverse("outreach:timetable"),
        "outreach-agreements": reverse("outreach:agreements"),
        "outreach-centre": reverse("outreach:agreements_centre", args=[centre.public_id]),
        "outreach-agreement": reverse("outreach:agreements_detail", args=[agreement.public_id]),
        "outreach-agreement-edit": reverse("outreach:agreements_edit", args=[agreement.public_id]),
        "outreach-activities": reverse("outreach:activities"),
        "outreach-activity": reverse("outreach:activities_detail", args=[activity.public_id]),
        "outreach-session": reverse("outreach:activities_session", args=[activity.public_id, session.public_id]),
    }
    for name, path in pages.items():
        phone.goto(f"{base}{path}")
        check(phone, name)

    # The project leader adds Tuesday hours through the folded form, on the phone.
    phone.goto(f"{base}{pages['outreach-agreement']}")
    phone.click("#form-hours_add summary")
    phone.select_option("#id_hours_add-department", str(jobs.public_id))
    phone.select_option("#id_hours_add-weekday", str(Weekday.TUESDAY))
    phone.fill("#id_hours_add-starts_at", "13.00")
    phone.fill("#id_hours_add-ends_at", "15.00")
    phone.click("#form-hours_add button[type=submit]")
    phone.wait_for_load_state("load")
    assert OutreachHours.objects.filter(weekday=Weekday.TUESDAY, starts_at=datetime.time(13)).exists()
    check(phone, "outreach-agreement-saved")

    # A caseworker reads the timetable stacked by weekday, today's centre on the hub.
    phone.context.clear_cookies()
    log_in(phone, base, caseworker)
    phone.goto(f"{base}{pages['outreach-home']}")
    assert phone.locator(f"#today-{centre.public_id} li").count() == 1
    phone.goto(f"{base}{pages['outreach-timetable']}")
    boxes = [phone.locator(f"#day-{day}").bounding_box() for day in (Weekday.MONDAY, Weekday.TUESDAY)]
    assert boxes[1]["y"] > boxes[0]["y"] and boxes[1]["x"] == boxes[0]["x"]  # one column on a phone
    check(phone, "outreach-timetable-caseworker")
