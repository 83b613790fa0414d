"""The core team pages: who reaches them, who is named (and logged), the forms, and constant query counts."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.coreteams.models import CaseloadItem, CoreTeam, CoreTeamCase
from samspil.coreteams.tests.factories import TeamWorld
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30), tick=False):
        return TeamWorld()


def _team_url(w):
    return f"/kerneteamer/{w.team.public_id}/"


def test_the_list_shows_the_teams_of_members_leaders_and_project_leaders(client, w):
    for user in (w.leader, w.nurse, w.project_leader):
        client.force_login(user)
        response = client.get("/kerneteamer/")
        assert response.status_code == 200
        assert "Kerneteam Øst" in response.content.decode()
    client.force_login(w.outsider)
    assert "Kerneteam Øst" not in client.get("/kerneteamer/").content.decode()


def test_the_menu_links_to_the_core_teams(client, w):
    client.force_login(w.coordinator)
    assert 'href="/kerneteamer/"' in client.get("/kerneteamer/").content.decode()


def test_a_team_outside_ones_own_is_404_and_logged(client, w):
    client.force_login(w.outsider)
    response = client.get(_team_url(w))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(code="access.denied", actor=w.outsider).exists()


def test_families_are_named_only_where_the_reader_sees_the_pathway_and_each_citizen_is_logged(client, w):
    pathway = w.family()
    citizens = set(pathway.subject_ids())
    client.force_login(w.coordinator)
    html = client.get(_team_url(w)).content.decode()
    assert pathway.household.name in html
    rows = AccessLogEntry.objects.filter(actor=w.coordinator, shown="coreteam.caseload")
    assert set(rows.values_list("citizen_id", flat=True)) == citizens and rows.count() == len(citizens)

    client.force_login(w.nurse)  # on the team, but no consent covers Sundhed: counted, not named
    html = client.get(_team_url(w)).content.decode()
    assert pathway.household.name not in html
    assert 'id="hidden-families"' in html
    assert not AccessLogEntry.objects.filter(actor=w.nurse).exists()


def test_only_managers_post_team_forms(client, w):
    client.force_login(w.nurse)
    response = client.post(_team_url(w), {"action": "member", "member-user": str(w.outsider.public_id)})
    assert response.status_code == 403
    client.force_login(w.leader)
    response = client.post(_team_url(w), {"action": "member"})
    assert response.status_code == 422
    assert "form-error-message" in response.content.decode()
    assert not w.team.members.filter(user=w.outsider).exists()


def test_create_a_team_and_schedule_and_record_a_meeting_through_the_pages(client, w):
    client.force_login(w.project_leader)
    response = client.post(
        "/kerneteamer/",
        {
            "action": "team",
            "team-programme": str(w.programme.public_id),
            "team-name": "Kerneteam Vest",
            "team-leader": str(w.leader.public_id),
            "team-cadence_days": "14",
            "team-location": "Rådhuset",
        },
    )
    assert response.status_code == 302
    assert CoreTeam.objects.filter(name="Kerneteam Vest").exists()

    pathway = w.family()
    client.force_login(w.leader)
    today = timezone.localdate()
    response = client.post(
        _team_url(w),
        {
            "action": "schedule",
            "schedule-date": today.strftime("%d.%m.%Y"),
            "schedule-start_time": "00:00",
            "schedule-end_time": "23:59",
            "schedule-location": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = w.team.meetings.get()
    assert meeting.location == "Rådhuset, mødelokale 3"

    client.force_login(w.coordinator)
    url = f"/kerneteamer/moeder/{meeting.public_id}/"
    html = client.get(url).content.decode()
    assert pathway.household.name in html
    data = {"action": "record", "record-version": str(meeting.version), "record-minutes": "Vi gennemgik familien."}
    for member in w.members:
        data[f"record-attendance-{member.public_id.hex}"] = "in_person"
    data[f"record-attendance-{w.members[2].public_id.hex}"] = "remote"
    data[f"record-decision-{pathway.public_id.hex}"] = "Familien tilbydes et analysemøde."
    data[f"record-revise-{pathway.public_id.hex}"] = "on"
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="attendance-warning"' in html
    item = CaseloadItem.objects.get(meeting=meeting, pathway=pathway)
    assert item.decision == "Familien tilbydes et analysemøde." and item.plan_to_be_revised

    # Missing attendance: 422 with a Danish message, nothing changed.
    meeting.refresh_from_db()
    data["record-version"] = str(meeting.version)
    data.pop(f"record-attendance-{w.members[0].public_id.hex}")
    data[f"record-decision-{pathway.public_id.hex}"] = "Ændret"
    assert client.post(url, data).status_code == 422
    assert CaseloadItem.objects.get(pk=item.pk).decision == "Familien tilbydes et analysemøde."


def test_assign_through_the_page_offers_only_visible_pathways_of_the_programme(client, w):
    mine = f.PathwayFactory(family=True, coordinator=w.coordinator, lead_department=w.children, programme=w.programme)
    f.HouseholdMemberFactory(household=mine.household)
    client.force_login(w.coordinator)
    html = client.get(_team_url(w)).content.decode()
    assert str(mine.public_id) in html
    response = client.post(
        _team_url(w),
        {
            "action": "case",
            "case-pathway": str(mine.public_id),
            "case-assigned_from": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    assert CoreTeamCase.objects.filter(team=w.team, pathway=mine).exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_team_and_meeting_pages_have_constant_queries(client, w):
    for _ in range(2):
        w.family()
    meeting = w.schedule()
    client.force_login(w.coordinator)
    meeting_url = f"/kerneteamer/moeder/{meeting.public_id}/"
    client.get(_team_url(w))
    small = (_queries(client, _team_url(w)), _queries(client, meeting_url))
    for _ in range(8):
        w.family()
    large = (_queries(client, _team_url(w)), _queries(client, meeting_url))
    assert small == large
    w.record(meeting)
    held_small = _queries(client, meeting_url)
    assert held_small <= large[1] + 2
