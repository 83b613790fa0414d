"""Handing coordination over, registering custody holders, and the change log the coordinator reads."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.access import policy
from samspil.access.choices import ConsentGiverRole
from samspil.audit.models import AuditEvent
from samspil.citizens.models import Citizen, Guardianship, HouseholdMember
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Membership
from samspil.pathways import services
from samspil.pathways.models import Pathway, TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def can(user, pathway, action):
    return Pathway.objects.visible_to(user, action).filter(pk=pathway.pk).exists()


def test_handover_moves_management_and_keeps_the_former_coordinator_on_the_team(world, request_id):
    successor = f.make_staff(world.children, StaffRole.CASEWORKER)
    membership = Membership.objects.get(user=successor)
    with request_id(world.coordinator):
        services.pathway_change_coordinator(
            actor=world.coordinator,
            pathway=world.pathway,
            membership=membership,
            expected_version=world.pathway.version,
            reason="Barsel",
        )
    world.pathway.refresh_from_db()
    assert world.pathway.coordinator == successor
    assert can(successor, world.pathway, policy.MANAGE)
    assert not can(world.coordinator, world.pathway, policy.MANAGE)
    assert can(world.coordinator, world.pathway, policy.VIEW)  # still on the team
    assert TeamMember.objects.current().filter(pathway=world.pathway, user=successor).exists()
    event = AuditEvent.objects.get(code="pathway.coordinator_changed")
    assert successor.get_full_name() in event.text and "Barsel" in event.text


def test_handover_respects_the_programme_rule_and_concurrent_edits(world):
    world.programme.coordinator_department_kind = world.children.kind
    world.programme.save()
    job_membership = Membership.objects.get(user=world.jobworker)
    with pytest.raises(ValidationError):
        services.pathway_change_coordinator(
            actor=world.coordinator,
            pathway=world.pathway,
            membership=job_membership,
            expected_version=world.pathway.version,
        )
    colleague_membership = Membership.objects.get(user=world.outsider)
    with pytest.raises(ConflictError):
        services.pathway_change_coordinator(
            actor=world.coordinator,
            pathway=world.pathway,
            membership=colleague_membership,
            expected_version=world.pathway.version - 1,
        )
    world.pathway.refresh_from_db()
    assert world.pathway.coordinator == world.coordinator


def test_a_registered_custody_holder_can_consent_for_a_child(world, client):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9))
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, programme=world.programme, citizen=child
    )
    client.force_login(world.coordinator)
    parent_cpr = f.random_cpr(born=f.years_ago(38))
    from tests import cpr_watch

    cpr_watch.register(parent_cpr)
    response = client.post(
        reverse("pathways:guardian_add", args=[pathway.public_id]),
        {
            "guardian-child": str(child.public_id),
            "guardian-cpr_number": parent_cpr,
            "guardian-first_name": "Mette",
            "guardian-last_name": "Forælder",
            "guardian-relation": "mother",
            "guardian-has_custody": "on",
        },
    )
    assert response.status_code == 302
    parent = Citizen.objects.get(first_name="Mette", last_name="Forælder")
    assert Guardianship.objects.filter(child=child, guardian=parent, has_custody=True).exists()
    assert services.consent_giver_role(pathway=pathway, giver=parent) == ConsentGiverRole.CUSTODY_HOLDER
    # The same CPR number again finds the registered person instead of creating a duplicate.
    response = client.post(
        reverse("pathways:guardian_add", args=[pathway.public_id]),
        {
            "guardian-child": str(child.public_id),
            "guardian-cpr_number": parent_cpr,
            "guardian-relation": "mother",
        },
    )
    assert response.status_code == 422
    assert Citizen.objects.filter(first_name="Mette", last_name="Forælder").count() == 1


def test_a_stranger_cannot_consent(world):
    stranger = f.CitizenFactory(municipality=world.municipality)
    with pytest.raises(ValidationError):
        services.consent_giver_role(pathway=world.pathway, giver=stranger)


def test_a_custody_holder_added_to_a_family_pathway_joins_the_family(world, request_id):
    family = f.make_family(world.municipality, adults=1, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=world.programme,
        citizen=None,
        household=family,
    )
    child = HouseholdMember.objects.get(household=family, role="child").citizen
    stepmother = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(40))
    from samspil.citizens.services import guardian_add

    with request_id(world.coordinator):
        guardian_add(
            actor=world.coordinator, pathway=pathway, child=child, guardian=stepmother, relation="other_custody"
        )
    assert HouseholdMember.objects.filter(household=family, citizen=stepmother, role="adult").exists()


def test_the_change_log_shows_before_and_after_to_the_coordinator_only(world, client, request_id):
    with request_id(world.coordinator):
        services.pathway_change_status(
            actor=world.coordinator,
            pathway=world.pathway,
            to_status="follow_up",
            reason="Godt på vej",
            expected_version=world.pathway.version,
        )
    url = reverse("pathways:access_log", args=[world.pathway.public_id])
    client.force_login(world.coordinator)
    page = client.get(url).content.decode()
    assert 'id="change-log"' in page
    assert "Aktiv → Opfølgning" in page
    client.force_login(world.colleague)
    assert client.get(url).status_code == 403
