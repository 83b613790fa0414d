"""Citizen writes: intake registers a citizen once per CPR number, with the number encrypted."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.audit.models import ChangeLogEntry
from samspil.citizens import cpr, services
from samspil.citizens.models import Citizen, Guardianship
from tests import factories as f
from tests.audit_asserts import assert_change, assert_event, audit_counts

pytestmark = pytest.mark.django_db


def register(actor, digits, **overrides):
    arguments = {"first_name": " Anna ", "last_name": " Jensen ", "cpr_number": cpr.formatted(digits)}
    return services.citizen_create(actor=actor, **{**arguments, **overrides})


def test_citizen_create_stores_the_number_encrypted_and_indexed(world, request_id):
    digits = f.random_cpr(born=f.years_ago(40))
    with request_id(world.coordinator, "intake-request"):
        citizen = register(world.coordinator, digits)
    stored = Citizen.objects.get(pk=citizen.pk)
    assert (stored.first_name, stored.last_name, stored.created_by) == ("Anna", "Jensen", world.coordinator)
    assert stored.birth_date == f.years_ago(40)
    assert digits not in stored.cpr_encrypted and digits not in stored.cpr_index
    assert stored.reveal_cpr() == cpr.formatted(digits)
    assert stored.cpr_masked == f"{digits[:6]}-••••"
    assert services.citizen_find_by_cpr(municipality_id=world.municipality.pk, digits=digits) == stored
    assert_event("citizen.created", actor=world.coordinator, request_id="intake-request")
    row = assert_change(stored, ChangeLogEntry.Action.CREATE, actor=world.coordinator, request_id="intake-request")
    assert row.after["last_name"] == "Jensen"
    assert row.after["cpr_index"].startswith("•••") and row.after["cpr_index"] != stored.cpr_index
    assert digits not in json.dumps(row.after)


def test_duplicate_cpr_raises_with_the_existing_citizen_and_writes_nothing(world):
    digits = f.random_cpr()
    first = register(world.coordinator, digits)
    before = Citizen.objects.count(), audit_counts()
    with pytest.raises(services.DuplicateCitizen) as caught:
        register(world.colleague, digits, first_name="Anden", cpr_number=digits)  # the other written form
    assert caught.value.existing == first
    assert (Citizen.objects.count(), audit_counts()) == before


def test_the_same_cpr_number_may_exist_in_another_municipality(world):
    digits = f.random_cpr()
    register(world.coordinator, digits)
    assert register(world.stranger, digits).municipality == world.other_municipality


@pytest.mark.parametrize("bad", ["12345", "3102901234"])
def test_invalid_cpr_number_is_refused(world, bad):
    before = Citizen.objects.count()
    with pytest.raises(ValidationError):
        register(world.coordinator, "0101901234", cpr_number=bad)
    assert Citizen.objects.count() == before


def test_only_case_roles_register_citizens(world):
    with pytest.raises(PermissionDenied):
        register(world.head, f.random_cpr())


def test_guardian_add_validates_the_relation(world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9))
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    mother = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(35))
    teenager = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    for guardian in (child, teenager):
        with pytest.raises(ValidationError):
            services.guardian_add(
                actor=world.coordinator, pathway=pathway, child=child, guardian=guardian, relation="mother"
            )
    with pytest.raises(ValidationError):  # an adult has no custody holders
        services.guardian_add(
            actor=world.coordinator, pathway=world.pathway, child=world.citizen, guardian=mother, relation="mother"
        )
    guardianship = services.guardian_add(
        actor=world.coordinator, pathway=pathway, child=child, guardian=mother, relation="mother"
    )
    assert Guardianship.objects.get(child=child) == guardianship
    with pytest.raises(ValidationError):
        services.guardian_add(actor=world.coordinator, pathway=pathway, child=child, guardian=mother, relation="mother")


def test_household_for_reuses_the_citizens_household(world):
    household = f.make_family(world.municipality, adults=1, children=1)
    adult = household.memberships.get(role="adult").citizen
    assert services.household_for(citizen=adult) == household
