"""Recording where a citizen stands (services, validation, the pages) and the outcome at closing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.meetings.choices import MeetingType
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway
from samspil.results import services
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    PathwayOutcome,
    Placement,
    PlacementKind,
    StatusOccasion,
)
from samspil.results.models import StatusEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def record(world, **values):
    values.setdefault("occasion", StatusOccasion.OTHER)
    values.setdefault("education_employment", EducationEmployment.NONE)
    return services.status_entry_record(
        actor=values.pop("actor", world.coordinator), pathway=world.pathway, citizen=world.citizen, **values
    )


def test_the_team_records_a_dated_entry_and_the_event(world):
    entry = record(world, education_employment=EducationEmployment.PREPARATORY, note="Startet på FGU")
    assert entry.recorded_on == timezone.localdate() and entry.recorded_by == world.coordinator
    event = AuditEvent.objects.get(code="status.recorded")
    assert event.pathway_id == world.pathway.pk
    record(world, actor=world.colleague, education_employment=EducationEmployment.EMPLOYED)
    assert StatusEntry.objects.filter(pathway=world.pathway).count() == 2


def test_only_the_team_records(world):
    with pytest.raises(Http404):
        record(world, actor=world.outsider)
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)  # a grant reads, never writes
    with pytest.raises(PermissionDenied):
        record(world, actor=world.outsider)
    assert not StatusEntry.objects.exists()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"education_employment": EducationEmployment.BENEFIT}, "benefit"),
        ({"education_employment": EducationEmployment.EMPLOYED, "benefit": Benefit.SOCIAL_ASSISTANCE}, "benefit"),
        ({"placement": Placement.NOT_PLACED, "placement_kind": PlacementKind.FOSTER_FAMILY}, "placement_kind"),
        ({"placement_note": "Hos moster"}, "placement_note"),
        ({"placement": Placement.PLACED}, "placement_kind"),
        ({"education_employment": "astronaut"}, "education_employment"),
        ({"recorded_on": timezone.localdate() + datetime.timedelta(days=1)}, "recorded_on"),
        ({"recorded_on": timezone.localdate() - datetime.timedelta(days=4000)}, "recorded_on"),
    ],
)
def test_invalid_entries_are_refused_in_danish_and_save_nothing(world, values, field):
    with pytest.raises(ValidationError) as refused:
        record(world, **values)
    assert field in refused.value.message_dict
    assert not StatusEntry.objects.exists() and not AuditEvent.objects.filter(code="status.recorded").exists()


def test_benefit_and_placement_when_they_apply(world):
    entry = record(
        world,
        education_employment=EducationEmployment.BENEFIT,
        benefit=Benefit.EDUCATION_ASSISTANCE,
        placement=Placement.PREVIOUSLY_PLACED,
        placement_kind=PlacementKind.FOSTER_FAMILY,
        placement_note="Plejefamilie i Vejle",
    )
    assert (entry.benefit, entry.placement_kind) == (Benefit.EDUCATION_ASSISTANCE, PlacementKind.FOSTER_FAMILY)


def test_a_citizen_outside_the_pathway_is_refused(world):
    other = f.CitizenFactory(municipality=world.municipality)
    with pytest.raises(ValidationError):
        services.status_entry_record(
            actor=world.coordinator,
            pathway=world.pathway,
            citizen=other,
            occasion=StatusOccasion.OTHER,
            education_employment=EducationEmployment.NONE,
        )


def test_at_a_meeting_the_occasion_follows_the_meeting(world):
    meeting = f.MeetingFactory(pathway=world.pathway, held=True)
    entry = record(world, meeting=meeting, occasion=StatusOccasion.STATUS_MEETING)
    assert entry.meeting == meeting
    analysis = f.MeetingFactory(pathway=world.pathway, held=True, meeting_type=MeetingType.ANALYSIS)
    with pytest.raises(ValidationError):
        record(world, meeting=analysis, occasion=StatusOccasion.STATUS_MEETING)


def test_closing_needs_an_outcome_and_records_the_closing_entry(world):
    with pytest.raises(ValidationError) as refused:
        services.pathway_close(
            actor=world.coordinator,
            pathway=world.pathway,
            reason="Målene er nået",
            outcome="",
            expected_version=world.pathway.version,
        )
    assert "outcome" in refused.value.message_dict
    # A refused closing entry closes nothing.
    with pytest.raises(ValidationError):
        services.pathway_close(
            actor=world.coordinator,
            pathway=world.pathway,
            reason="Målene er nået",
            outcome=PathwayOutcome.GOAL_REACHED,
            expected_version=world.pathway.version,
            closing_status={"education_employment": EducationEmployment.BENEFIT},
        )
    world.pathway.refresh_from_db()
    assert world.pathway.status == PathwayStatus.ACTIVE and not StatusEntry.objects.exists()
    closed = services.pathway_close(
        actor=world.coordinator,
        pathway=world.pathway,
        reason="Målene er nået",
        outcome=PathwayOutcome.GOAL_REACHED,
        expected_version=world.pathway.version,
        closing_status={"education_employment": EducationEmployment.UPPER_SECONDARY},
    )
    assert (closed.status, closed.outcome) == (PathwayStatus.CLOSED, PathwayOutcome.GOAL_REACHED)
    entry = StatusEntry.objects.get()
    assert (entry.occasion, entry.recorded_on) == (StatusOccasion.CLOSING, closed.closed_on)
    assert AuditEvent.objects.filter(code="pathway.outcome_recorded", pathway=closed).exists()
    # After closing, entries dated up to the closing only.
    with pytest.raises(ValidationError):
        record(world, recorded_on=timezone.localdate() + datetime.timedelta(days=1))


def test_the_closing_form_asks_for_the_outcome_and_the_overview_shows_it(world, client):
    client.force_login(world.coordinator)
    url = reverse("pathways:status", args=[world.pathway.public_id])
    data = {"status-to_status": "closed", "status-reason": "Flyttet", "status-version": world.pathway.version}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "outcome" in response.context["forms"]["status"].errors
    data |= {"status-outcome": "moved", "status-closing_education_employment": "employed"}
    response = client.post(url, data)
    assert response.status_code == 302
    pathway = Pathway.objects.get(pk=world.pathway.pk)
    assert pathway.outcome == PathwayOutcome.MOVED
    assert StatusEntry.objects.get().education_employment == EducationEmployment.EMPLOYED
    page = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    assert "Flyttet fra kommunen" in page or str(PathwayOutcome.MOVED.label) in page
    # Old data: closed without an outcome.
    Pathway.objects.filter(pk=pathway.pk).update(outcome="")
    page = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    assert 'id="overview-outcome"' in page and ("ikke registreret" in page or "not recorded" in page)


def test_history_page_lists_entries_and_logs_one_read_per_citizen(world, client):
    record(world, education_employment=EducationEmployment.PREPARATORY)
    client.force_login(world.colleague)
    response = client.get(reverse("results:history", args=[world.pathway.public_id]))
    assert response.status_code == 200
    assert response.context["histories"][0].current.education_employment == EducationEmployment.PREPARATORY
    rows = AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])
    assert [(row.citizen_id, row.shown) for row in rows] == [(world.citizen.pk, "results.status")]


def test_recording_through_the_page(world, client):
    client.force_login(world.coordinator)
    url = reverse("results:record", args=[world.pathway.public_id])
    today = timezone.localdate().strftime("%d.%m.%Y")
    bad = {"recorded_on": today, "occasion": "other", "education_employment": "benefit"}
    response = client.post(url, bad)
    assert response.status_code == 422 and "benefit" in response.context["form"].errors
    assert not StatusEntry.objects.exists()
    response = client.post(url, bad | {"benefit": "social_assistance"})
    assert response.status_code == 302
    assert StatusEntry.objects.get().benefit == Benefit.SOCIAL_ASSISTANCE


def test_recording_at_a_meeting_links_it(world, client):
    Pathway.objects.filter(pk=world.pathway.pk).update(opened_on=timezone.localdate() - datetime.timedelta(days=30))
    meeting = f.MeetingFactory(pathway=world.pathway, held=True, meeting_type=MeetingType.START)
    client.force_login(world.coordinator)
    url = reverse("results:record_at_meeting", args=[world.pathway.public_id, meeting.public_id])
    day = timezone.localtime(meeting.starts_at).date().strftime("%d.%m.%Y")
    response = client.post(url, {"recorded_on": day, "education_employment": "none"})
    assert response.status_code == 302
    entry = StatusEntry.objects.get()
    assert (entry.meeting, entry.occasion) == (meeting, StatusOccasion.START)


def test_the_meeting_page_links_to_recording_the_status_there(world, client):
    held = f.MeetingFactory(pathway=world.pathway, held=True)
    planned = f.MeetingFactory(pathway=world.pathway)
    client.force_login(world.coordinator)
    link = reverse("results:record_at_meeting", args=[world.pathway.public_id, held.public_id])
    assert (
        link in client.get(reverse("meetings:detail", args=[world.pathway.public_id, held.public_id])).content.decode()
    )
    page = client.get(reverse("meetings:detail", args=[world.pathway.public_id, planned.public_id])).content.decode()
    assert 'id="meeting-status-entry"' not in page
