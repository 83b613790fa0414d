"""Ending or changing an intervention needs the authority that granted it (*visitationskompetence*), or the
coordinator's (issue 8, item 5): one rule for granting and ending."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AuditEvent, ChangeLogEntry
from samspil.economy import services
from samspil.economy.models import Intervention
from samspil.economy.tests.factories import InterventionFactory, ServiceFactory
from samspil.organisations.choices import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def _start():
    return timezone.localdate() - datetime.timedelta(days=60)


def _children_intervention(world):
    """An intervention granted by Børn og Unge (the coordinating department) on the world's pathway."""
    return InterventionFactory(
        pathway=world.pathway,
        service=ServiceFactory(department=world.children),
        starts_on=_start(),
    )


def _leave(membership):
    membership.active_from = timezone.localdate() - datetime.timedelta(days=90)
    membership.active_to = timezone.localdate() - datetime.timedelta(days=1)
    membership.save()


def _end(actor, world, intervention, days=10):
    return services.intervention_end(
        actor=actor,
        pathway=world.pathway,
        intervention=intervention,
        ends_on=timezone.localdate() + datetime.timedelta(days=days),
        expected_version=intervention.version,
    )


def test_a_job_centre_team_member_cannot_end_an_intervention_granted_by_children_and_youth(team):
    world = team  # the job centre is covered by consent: the jobworker contributes to the pathway
    intervention = _children_intervention(world)
    events, changes = AuditEvent.objects.count(), ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        _end(world.jobworker, world, intervention)
    assert "Børn og Unge" in refused.value.messages[0]
    saved = Intervention.objects.get(pk=intervention.pk)
    assert (saved.ends_on, saved.version) == (None, 1)
    assert (AuditEvent.objects.count(), ChangeLogEntry.objects.count()) == (events, changes)


def test_the_granting_departments_team_member_and_the_coordinator_can_end_it(team):
    world = team
    ours = InterventionFactory(pathway=world.pathway, service=ServiceFactory(department=world.jobs), starts_on=_start())
    _end(world.jobworker, world, ours)
    assert Intervention.objects.get(pk=ours.pk).ends_on is not None
    # the coordinator answers for the whole pathway: also an intervention the job centre granted
    ours.refresh_from_db()
    _end(world.coordinator, world, ours, days=20)
    theirs = _children_intervention(world)
    _end(world.coordinator, world, theirs)
    assert AuditEvent.objects.filter(code="intervention.ended", pathway=world.pathway).count() == 3


def test_a_colleague_from_the_granting_department_can_end_it(world):
    intervention = _children_intervention(world)
    _end(world.colleague, world, intervention)
    assert Intervention.objects.get(pk=intervention.pk).ends_on is not None


def test_a_team_member_who_left_the_granting_department_cannot_end_it(world):
    intervention = _children_intervention(world)
    membership = world.colleague.memberships.get()
    _leave(membership)
    other = f.DepartmentFactory(municipality=world.municipality)
    f.MembershipFactory(user=world.colleague, department=other, role=StaffRole.PROFESSIONAL)
    f.ConsentFactory(pathway=world.pathway, departments=[other])
    world.colleague_place.department = other  # one place per person: it now counts for the new department
    world.colleague_place.save()
    with pytest.raises(ValidationError):
        _end(world.colleague, world, intervention)


def test_a_former_coordinator_back_on_the_team_elsewhere_cannot_end_it_as_coordinator(team):
    """Coordinator means the coordinator who still works in the coordinating department."""
    world = team
    intervention = _children_intervention(world)
    membership = world.coordinator.memberships.get(department=world.children)
    _leave(membership)
    f.MembershipFactory(user=world.coordinator, department=world.jobs, role=StaffRole.CASEWORKER)
    place = world.pathway.team.get(user=world.coordinator)
    place.department = world.jobs
    place.save()
    with pytest.raises(ValidationError):
        _end(world.coordinator, world, intervention)


def test_the_end_form_is_offered_only_where_the_actor_has_the_authority(client, team):
    world = team
    children = _children_intervention(world)
    jobs = InterventionFactory(pathway=world.pathway, service=ServiceFactory(department=world.jobs), starts_on=_start())
    client.force_login(world.jobworker)
    page = client.get(reverse("pathway_economy:page", args=[world.pathway.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("pathway_economy:intervention_end", args=[world.pathway.public_id, jobs.public_id]) in html
    assert reverse("pathway_economy:intervention_end", args=[world.pathway.public_id, children.public_id]) not in html


def test_posting_an_end_without_the_authority_is_422_with_the_reason_and_saves_nothing(client, team):
    world = team
    intervention = _children_intervention(world)
    client.force_login(world.jobworker)
    key = f"end-{intervention.public_id}"
    response = client.post(
        reverse("pathway_economy:intervention_end", args=[world.pathway.public_id, intervention.public_id]),
        {
            f"{key}-ends_on": (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d.%m.%Y"),
            f"{key}-version": "1",
        },
    )
    assert response.status_code == 422
    assert "Børn og Unge" in response.content.decode()
    assert Intervention.objects.get(pk=intervention.pk).ends_on is None


def test_granting_and_ending_share_one_rule():
    department = f.DepartmentFactory.build(pk=7)
    assert services.intervention_authority(granting=[department], coordinates=False, department_id=7, change=False)
    assert services.intervention_authority(granting=[department], coordinates=False, department_id=7, change=True)
    assert not services.intervention_authority(granting=[], coordinates=True, department_id=7, change=False)
    assert services.intervention_authority(granting=[], coordinates=True, department_id=7, change=True)
    assert not services.intervention_authority(granting=[], coordinates=False, department_id=7, change=True)
