"""Only the pathway's coordinator changes its team: who may put a family in a caseload and who gets team places; a
grant or break-glass never counts for a write, and the pages name families only where the reader works in them."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.audit import context
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.coreteams import services
from samspil.coreteams.models import CoreTeamCase, CoreTeamMember
from samspil.coreteams.tests.factories import TeamWorld
from samspil.pathways.models import TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30), tick=False):
        return TeamWorld()


def _team_url(w):
    return f"/kerneteamer/{w.team.public_id}/"


def _unassigned(w):
    pathway = f.PathwayFactory(
        family=True, coordinator=w.coordinator, lead_department=w.children, programme=w.programme
    )
    f.HouseholdMemberFactory(household=pathway.household)
    return pathway


def test_a_leader_who_adds_themselves_gets_no_place_on_a_family_they_could_not_see(w):
    pathway = w.family()
    with context.bound(actor_id=w.leader.pk, request_id="t"):
        services.member_add(actor=w.leader, team=w.team, user=w.leader, department=w.children)
    assert not TeamMember.objects.filter(pathway=pathway, user=w.leader).exists()
    missing = AuditEvent.objects.filter(pathway=pathway, code="coreteam.place_missing")
    assert missing.count() == 1 and missing.get().data["name"] == "Tove Leder"

    with pytest.raises(Http404):  # the leader does not see (nor coordinate) the family: no place by their hand
        services.case_places_add(actor=w.leader, case=CoreTeamCase.objects.get(pathway=pathway))
    with context.bound(actor_id=w.coordinator.pk, request_id="t"):
        given = services.case_places_add(actor=w.coordinator, case=CoreTeamCase.objects.get(pathway=pathway))
    assert given == 1
    assert TeamMember.objects.current().filter(pathway=pathway, user=w.leader).exists()


def test_a_member_added_by_the_coordinator_gets_places_on_the_families_they_coordinate(w):
    pathway = w.family()
    newcomer = f.make_staff(w.health, first_name="Nina", last_name="Ny")
    w.team.leader = w.coordinator  # the coordinator leads the team: they add the member and give the place at once
    w.team.save()
    with context.bound(actor_id=w.coordinator.pk, request_id="t"):
        services.member_add(actor=w.coordinator, team=w.team, user=newcomer, department=w.health)
    assert TeamMember.objects.current().filter(pathway=pathway, user=newcomer).exists()
    assert not AuditEvent.objects.filter(pathway=pathway, code="coreteam.place_missing").exists()


def test_a_grant_or_break_glass_reader_cannot_assign_and_the_coordinator_can(w):
    pathway = _unassigned(w)
    f.AccessGrantFactory(pathway=pathway, user=w.project_leader)  # manages every team, reads the family by a grant
    f.BreakGlassAccessFactory(pathway=pathway, user=w.nurse)  # on the team, reads the family by break-glass
    for actor in (w.project_leader, w.nurse, w.leader):
        with pytest.raises((PermissionDenied, Http404)), context.bound(actor_id=actor.pk, request_id="t"):
            services.case_assign(actor=actor, team=w.team, pathway=pathway)
    assert not CoreTeamCase.objects.filter(pathway=pathway).exists()
    assert not TeamMember.objects.filter(pathway=pathway).exclude(user=w.coordinator).exists()

    case = w.assign(pathway)  # the coordinator, a member of the team
    assert case.places.count() == 2  # the nurse and the job centre caseworker

    # a grant does not let the team manager take the family out either
    with pytest.raises(PermissionDenied), context.bound(actor_id=w.project_leader.pk, request_id="t"):
        services.case_end(actor=w.project_leader, case=case)
    assert CoreTeamCase.objects.current().filter(pathway=pathway).exists()


def test_a_member_from_a_future_date_is_refused(w):
    with pytest.raises(ValidationError) as refused:
        services.member_add(
            actor=w.leader,
            team=w.team,
            user=w.outsider,
            department=w.children,
            active_from=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert "active_from" in refused.value.message_dict
    assert not CoreTeamMember.objects.filter(team=w.team, user=w.outsider).exists()


def test_the_assign_select_offers_only_coordinated_families_and_logs_them(client, w):
    mine = _unassigned(w)
    other = f.PathwayFactory(family=True, lead_department=w.children, programme=w.programme)
    f.AccessGrantFactory(pathway=other, user=w.coordinator)
    client.force_login(w.coordinator)
    html = client.get(_team_url(w)).content.decode()
    assert str(mine.public_id) in html and str(other.public_id) not in html
    rows = AccessLogEntry.objects.filter(actor=w.coordinator, shown="coreteam.form")
    assert set(rows.values_list("citizen_id", flat=True)) == set(mine.subject_ids())
    assert set(rows.values_list("pathway_id", flat=True)) == {mine.pk}

    client.force_login(w.nurse)  # coordinates nothing: an empty select, nothing logged
    client.get(_team_url(w))
    assert not AccessLogEntry.objects.filter(actor=w.nurse, shown="coreteam.form").exists()


def test_a_family_read_through_a_grant_or_break_glass_is_counted_not_named(client, w):
    pathway = w.family()
    f.AccessGrantFactory(pathway=pathway, user=w.project_leader)
    f.BreakGlassAccessFactory(pathway=pathway, user=w.nurse)
    for reader in (w.project_leader, w.nurse):
        client.force_login(reader)
        html = client.get(_team_url(w)).content.decode()
        assert pathway.household.name not in html and 'id="hidden-families"' in html
        assert not AccessLogEntry.objects.filter(actor=reader, shown="coreteam.caseload").exists()


def test_the_team_page_lists_missing_places_and_the_coordinator_gives_them(client, w):
    pathway = w.family()
    newcomer = f.make_staff(w.health, first_name="Nina", last_name="Ny")
    with context.bound(actor_id=w.leader.pk, request_id="t"):
        services.member_add(actor=w.leader, team=w.team, user=newcomer, department=w.health)
    client.force_login(w.coordinator)
    html = client.get(_team_url(w)).content.decode()
    missing = html.split(f'id="missing-{pathway.public_id}"')[1].split("</div>")[0]
    assert "Nina Ny" in missing and 'value="places"' in missing
    case = CoreTeamCase.objects.get(pathway=pathway)
    response = client.post(_team_url(w), {"action": "places", "places-case": str(case.public_id)})
    assert response.status_code == 302
    assert TeamMember.objects.current().filter(pathway=pathway, user=newcomer).exists()
    assert f'id="missing-{pathway.public_id}"' not in client.get(_team_url(w)).content.decode()


def test_minutes_are_shown_only_to_a_reader_who_sees_every_family_on_the_meeting(client, w):
    w.family()
    meeting = w.record(w.schedule(), minutes="Vi talte om arbejdsgangen.")
    url = f"/kerneteamer/moeder/{meeting.public_id}/"
    client.force_login(w.coordinator)
    html = client.get(url).content.decode()
    assert "Vi talte om arbejdsgangen." in html and 'id="minutes-hidden"' not in html

    client.force_login(w.nurse)  # on the team, sees none of the families
    html = client.get(url).content.decode()
    assert "Vi talte om arbejdsgangen." not in html and 'id="minutes-hidden"' in html
    assert 'name="record-minutes"' not in html
    with pytest.raises(ValidationError):
        w.record(meeting, minutes="Familien Hansen har det svært.", actor=w.nurse)
    w.record(meeting, minutes=None, actor=w.nurse)  # the nurse's form: attendance only, the minutes untouched
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi talte om arbejdsgangen."
