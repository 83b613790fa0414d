"""Intake when the citizen already has an open pathway (issue 8, item 5): the search and the open page say who
coordinates it, and a second pathway needs a reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.pathways.choices import SubjectKind
from samspil.pathways.models import Pathway
from tests import factories as f

pytestmark = pytest.mark.django_db

SEARCH = "/borgere/soeg/"
REASON = "Borgeren har brug for et særskilt jobforløb"


def rows(response):
    return AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])


def coordinated_by(world):
    return f"{world.coordinator.get_full_name()} (Børn og Unge)"


def test_the_search_says_who_coordinates_an_open_pathway_the_searcher_cannot_see(client, world):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": world.citizen.full_name})
    content = response.content.decode()
    assert "A pathway you do not have access to." in content or "Et forløb, du ikke har adgang til." in content
    assert coordinated_by(world) in content
    assert world.programme.name not in content  # who to call, not what the pathway is about
    assert list(rows(response).values_list("citizen_id", "pathway_id")) == [(world.citizen.pk, world.pathway.pk)]


def test_the_search_names_no_coordinator_for_a_closed_pathway(client, world):
    Pathway.objects.filter(pk=world.pathway.pk).update(status="closed", closed_on=timezone.localdate())
    client.force_login(world.outsider)
    content = client.post(SEARCH, {"query": world.citizen.full_name}).content.decode()
    assert coordinated_by(world) not in content


def test_the_open_page_names_the_coordinator_and_asks_for_a_reason(client, world):
    client.force_login(world.jobworker)
    response = client.get(reverse("citizens:open_pathway", args=[world.citizen.public_id]))
    assert response.status_code == 200
    assert coordinated_by(world) in response.content.decode()
    assert "second_pathway_reason" in response.context["form"].fields
    assert list(rows(response).values_list("citizen_id", "pathway_id")) == [(world.citizen.pk, world.pathway.pk)]


def test_the_open_page_has_no_reason_field_for_a_citizen_without_an_open_pathway(client, world):
    citizen = f.CitizenFactory(municipality=world.municipality)
    client.force_login(world.jobworker)
    response = client.get(reverse("citizens:open_pathway", args=[citizen.public_id]))
    assert "second_pathway_reason" not in response.context["form"].fields


def test_a_caseworker_refused_by_the_citizen_cannot_open_a_second_pathway_and_become_its_coordinator(client, world):
    consent = f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    consent.withdrawn_at = timezone.now() - datetime.timedelta(hours=1)
    consent.save()
    other = f.ProgrammeFactory(municipality=world.municipality)
    client.force_login(world.jobworker)
    url = reverse("citizens:open_pathway", args=[world.citizen.public_id])
    for reason in ("", REASON):
        response = client.post(
            url, {"programme": other.public_id, "referral_reason": "Henvist", "second_pathway_reason": reason}
        )
        assert response.status_code == 422
        assert response.context["form"].errors["second_pathway_reason"]
        assert world.coordinator.get_full_name() in response.content.decode()
    assert not Pathway.objects.filter(programme=other).exists()


def test_with_a_reason_from_a_covered_department_the_second_pathway_opens(client, world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    other = f.ProgrammeFactory(municipality=world.municipality)
    client.force_login(world.jobworker)
    response = client.post(
        reverse("citizens:open_pathway", args=[world.citizen.public_id]),
        {"programme": other.public_id, "referral_reason": "Henvist", "second_pathway_reason": REASON},
    )
    second = Pathway.objects.get(programme=other)
    assert response.status_code == 302 and second.coordinator == world.jobworker
    assert AuditEvent.objects.get(code="pathway.opened", pathway=second).data["second_pathway_reason"] == REASON


def test_a_family_members_open_pathway_brings_up_the_reason_field_and_its_coordinator(client, world):
    family = f.make_family(world.municipality, adults=1, children=1)
    parent = family.memberships.get(role="adult").citizen
    child = family.memberships.get(role="child").citizen
    parents_pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=parent)
    family_programme = f.ProgrammeFactory(municipality=world.municipality, subject_kind=SubjectKind.HOUSEHOLD)
    client.force_login(world.jobworker)
    url = reverse("citizens:open_pathway", args=[child.public_id])
    assert "second_pathway_reason" not in client.get(url).context["form"].fields  # the child has none of their own
    response = client.post(url, {"programme": family_programme.public_id, "referral_reason": "Henvist"})
    assert response.status_code == 422
    assert "second_pathway_reason" in response.context["form"].fields
    assert coordinated_by(world) in response.content.decode()
    assert (parent.pk, parents_pathway.pk) in set(rows(response).values_list("citizen_id", "pathway_id"))
    assert not Pathway.objects.filter(programme=family_programme).exists()
