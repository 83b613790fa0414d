"""Meeting pages through the test client: what the user sees, what is refused, and the access log."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry
from samspil.meetings.choices import MeetingStatus, MeetingType
from samspil.meetings.models import Meeting
from tests import factories as f

pytestmark = pytest.mark.django_db


def logged(response) -> Counter:
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    return Counter(rows.values_list("citizen_id", "shown"))


def list_url(world):
    return reverse("meetings:list", args=[world.pathway.public_id])


def meeting_url(name, meeting):
    return reverse(f"meetings:{name}", args=[meeting.pathway.public_id, meeting.public_id])


@pytest.fixture
def rules_world(world):
    world.programme.status_meeting_cadence_days = 90
    world.programme.min_citizen_meetings = 3
    world.programme.save()
    world.pathway.opened_on = timezone.localdate() - datetime.timedelta(days=120)
    world.pathway.save()
    return world


def held_with_citizen(pathway, days):
    meeting = f.MeetingFactory(pathway=pathway, status=MeetingStatus.HELD, starts_at=f.copenhagen_time(days=-days))
    f.MeetingParticipantFactory(meeting=meeting, attended=True)
    return meeting


def test_the_list_shows_the_rules_and_the_meetings(client, rules_world):
    world = rules_world
    held_with_citizen(world.pathway, 100)
    held_with_citizen(world.pathway, 95)
    planned = f.MeetingFactory(pathway=world.pathway, location="Biblioteket")
    overdue_minutes = f.MeetingFactory(
        pathway=world.pathway, starts_at=timezone.now() - datetime.timedelta(days=1), location="Skolen"
    )
    client.force_login(world.colleague)
    response = client.get(list_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    due = timezone.localdate() - datetime.timedelta(days=5)  # 95 days ago + 90
    assert due.strftime("%d.%m.%Y") in content
    assert "Overskredet" in content
    assert "2 af 3 holdt" in content and "ikke opfyldt" in content
    assert "Biblioteket" in content and "Mangler referat" in content
    assert meeting_url("detail", planned) in content and meeting_url("detail", overdue_minutes) in content
    assert logged(response) == {(world.citizen.pk, "meetings"): 1}
    # The overview shows the same, with a link to the meetings.
    overview = client.get(reverse("pathways:overview", args=[world.pathway.public_id])).content.decode()
    assert list_url(world) in overview and "Overskredet" in overview and "2 af 3 holdt" in overview


def test_the_minimum_shows_as_met(client, rules_world):
    for days in (30, 20, 10):
        held_with_citizen(rules_world.pathway, days)
    client.force_login(rules_world.coordinator)
    content = client.get(list_url(rules_world)).content.decode()
    assert "3 af 3 holdt" in content and "opfyldt" in content and "ikke opfyldt" not in content
    assert "Overskredet" not in content


def schedule_data(world, **overrides):
    data = {
        "meeting_type": "start",
        "date": "22.11.2030",
        "start_time": "13:30",
        "end_time": "15.00",
        "location": "Rådhuset",
        "online_link": "",
        "invitees": [str(world.colleague_place.public_id)],
        "invite_citizen": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_schedule_a_meeting(client, world):
    f.ChecklistItemFactory(programme=world.programme, meeting_type="start", text="Ønsker drøftet")
    client.force_login(world.colleague)
    url = reverse("meetings:schedule", args=[world.pathway.public_id])
    form = client.get(url)
    assert form.status_code == 200
    assert world.jobworker_place.display_name in form.content.decode()
    response = client.post(url, schedule_data(world))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting_url("detail", meeting)
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2030, 11, 22), 13, 30)
    assert timezone.localtime(meeting.ends_at).hour == 15
    assert meeting.participants.count() == 2 and meeting.checklist.count() == 1
    page = client.get(meeting_url("detail", meeting))
    assert "Ønsker drøftet" in page.content.decode()
    assert logged(page) == {(world.citizen.pk, "meeting"): 1}


def test_schedule_with_htmx_redirects_the_browser(client, world):
    client.force_login(world.coordinator)
    url = reverse("meetings:schedule", args=[world.pathway.public_id])
    response = client.post(url, schedule_data(world), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == meeting_url("detail", Meeting.objects.get())


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": "31.02.2030"}, "Skriv den som fx 22.11.2026"),
        ({"start_time": "halv to"}, "Skriv klokkeslættet som 13:30"),
        ({"end_time": "12:00"}, "Mødet skal slutte, efter det er begyndt"),
        ({"location": ""}, "Angiv mødestedet eller et link til onlinemødet"),
        ({"meeting_type": "analysis"}, "Et analysemøde holdes uden borgeren og familien"),
    ],
)
def test_invalid_schedule_is_422_with_the_errors(client, world, overrides, message):
    client.force_login(world.coordinator)
    url = reverse("meetings:schedule", args=[world.pathway.public_id])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(url, schedule_data(world, **overrides), **headers)
        assert response.status_code == 422
        assert message in response.content.decode()
    assert not Meeting.objects.exists()


def record_data(meeting, **overrides):
    data = {
        "record-minutes": "Borgeren vil gerne i praktik.",
        "record-attended": [str(p.public_id) for p in meeting.participants.all()],
        "record-done": [str(e.public_id) for e in meeting.checklist.all()],
        "record-version": str(meeting.version),
    }
    data.update(overrides)
    return data


@pytest.fixture
def past_meeting(world):
    meeting = f.MeetingFactory(pathway=world.pathway, starts_at=timezone.now() - datetime.timedelta(hours=2))
    f.MeetingParticipantFactory(meeting=meeting)
    return meeting


def test_record_a_meeting_with_htmx(client, world, past_meeting):
    client.force_login(world.colleague)
    response = client.post(meeting_url("record", past_meeting), record_data(past_meeting), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="meeting"' in content and "<html" not in content
    assert "Borgeren vil gerne i praktik." in content
    past_meeting.refresh_from_db()
    assert past_meeting.status == MeetingStatus.HELD
    assert past_meeting.participants.get().attended is True


def test_a_conflict_keeps_the_typed_minutes(client, world, past_meeting):
    client.force_login(world.colleague)
    stale = record_data(past_meeting)
    client.post(meeting_url("record", past_meeting), record_data(past_meeting, **{"record-minutes": "Første udgave"}))
    mine = "Min egen lange tekst, som ikke må gå tabt"
    response = client.post(meeting_url("record", past_meeting), {**stale, "record-minutes": mine})
    assert response.status_code == 422
    content = response.content.decode()
    assert "Nogen andre har gemt mødet" in content
    assert mine in content  # still in the text area
    assert "Første udgave" in content  # what is saved now, beside it
    past_meeting.refresh_from_db()
    assert past_meeting.minutes == "Første udgave" and past_meeting.version == 2
    assert 'name="record-version" value="2"' in content  # saving again after merging is possible
    again = client.post(meeting_url("record", past_meeting), {**stale, "record-minutes": mine, "record-version": "2"})
    assert again.status_code == 302
    past_meeting.refresh_from_db()
    assert past_meeting.minutes == mine


def test_cancel_and_decision(client, world):
    meeting = f.MeetingFactory(pathway=world.pathway)
    client.force_login(world.coordinator)
    assert client.post(meeting_url("cancel", meeting), {"cancel-version": "1"}).status_code == 422
    response = client.post(meeting_url("decision_add", meeting), {"decision-text": "Praktik hos Netto"})
    assert response.status_code == 302
    response = client.post(meeting_url("cancel", meeting), {"cancel-reason": "Borgeren er syg", "cancel-version": "1"})
    assert response.status_code == 302
    content = client.get(meeting_url("detail", meeting)).content.decode()
    assert "Borgeren er syg" in content and "Praktik hos Netto" in content
    assert meeting_url("record", meeting) not in content  # a cancelled meeting has no forms


def test_an_analysis_meeting_says_it_is_without_the_family(client, world):
    meeting = f.MeetingFactory(pathway=world.pathway, held=True, meeting_type=MeetingType.ANALYSIS)
    client.force_login(world.coordinator)
    content = client.get(meeting_url("detail", meeting)).content.decode()
    assert "holdes uden borgeren og familien" in content


def test_a_meeting_of_another_pathway_is_404(client, world):
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    meeting = f.MeetingFactory(pathway=other)
    client.force_login(world.coordinator)
    url = reverse("meetings:detail", args=[world.pathway.public_id, meeting.public_id])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("meetings:invitation", args=[world.pathway.public_id, meeting.public_id])).status_code == 404
    )


def test_a_grant_holder_reads_but_gets_no_forms(client, world, past_meeting):
    reader = f.make_staff(world.health)
    f.AccessGrantFactory(pathway=world.pathway, user=reader)
    client.force_login(reader)
    response = client.get(meeting_url("detail", past_meeting))
    assert response.status_code == 200
    assert meeting_url("record", past_meeting) not in response.content.decode()
    assert client.get(reverse("meetings:schedule", args=[world.pathway.public_id])).status_code == 403
    assert client.post(meeting_url("record", past_meeting), record_data(past_meeting)).status_code == 403


def test_the_list_page_has_a_constant_number_of_queries(client, world):
    def add(count):
        for i in range(count):
            meeting = f.MeetingFactory(
                pathway=world.pathway,
                starts_at=timezone.now() + datetime.timedelta(days=i - count // 2, hours=1),
                status=MeetingStatus.HELD if i % 2 else MeetingStatus.PLANNED,
            )
            f.MeetingParticipantFactory(meeting=meeting, attended=bool(i % 2))
            f.MeetingParticipantFactory(meeting=meeting, is_citizen=False, team_member=world.colleague_place)

    client.force_login(world.coordinator)
    url = list_url(world)

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(5)
    small = count_queries()
    add(45)
    assert Meeting.objects.count() == 50
    assert count_queries() == small


def test_an_agreement_from_the_meeting(client, world, past_meeting):
    from samspil.plans.models import Agreement

    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway), description="Komme i praktik")
    client.force_login(world.coordinator)
    page = client.get(meeting_url("detail", past_meeting)).content.decode()
    assert "Komme i praktik" in page
    url = meeting_url("agreement_add", past_meeting)
    invalid = client.post(
        url,
        {
            "agreement-goal": str(goal.public_id),
            "agreement-what": "Ringe til Netto",
            "agreement-owner_kind": "team_member",
        },
        HTTP_HX_REQUEST="true",
    )
    assert invalid.status_code == 422 and not Agreement.objects.exists()
    response = client.post(
        url,
        {
            "agreement-goal": str(goal.public_id),
            "agreement-what": "Ringe til Netto",
            "agreement-owner_kind": "citizen",
            "agreement-due_on": "01.12.2030",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    agreement = Agreement.objects.get()
    assert (agreement.owner_kind, agreement.due_on) == ("citizen", datetime.date(2030, 12, 1))
    assert "Ringe til Netto" in response.content.decode()
    assert past_meeting.decisions.get().agreement == agreement


def test_analysis_minutes_never_reach_the_citizen_version_of_the_plan(client, world):
    import io

    from pypdf import PdfReader

    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway), description="Komme i praktik")
    secret = "ANALYSEREFERAT psykologens vurdering"
    analysis = f.MeetingFactory(pathway=world.pathway, held=True, meeting_type=MeetingType.ANALYSIS, minutes=secret)
    f.MeetingFactory(pathway=world.pathway, held=True, minutes="STATUSREFERAT")
    client.force_login(world.coordinator)
    client.post(
        meeting_url("agreement_add", analysis),
        {"agreement-goal": str(goal.public_id), "agreement-what": "Ringe til Netto", "agreement-owner_kind": "citizen"},
    )
    response = client.get(reverse("plans:pdf", args=[world.pathway.public_id]) + "?udgave=borger")
    assert response.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Komme i praktik" in text and "Ringe til Netto" in text  # the plan and the agreement are there
    assert "ANALYSEREFERAT" not in text and "psykologens" not in text
