"""Who gets which rows: the pathway actions follow the pathway; AGGREGATE gives controllers the municipality,
aggregate roles the rows touching their departments, and nobody else anything."""

import pytest

from samspil.access import policy
from samspil.economy.models import FinancingShare, Intervention, LegalExemptionUse, OperatingCost, Service
from samspil.economy.tests.factories import ExemptionFactory, InterventionFactory, ServiceFactory, make_decision
from samspil.organisations.choices import StaffRole
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    """Three interventions: children's own; the job centre's, part-paid by children; health's alone."""
    own = InterventionFactory(pathway=world.pathway)
    shared = InterventionFactory(pathway=world.pathway, service=ServiceFactory(department=world.jobs))
    make_decision(shared, [(world.jobs, "70"), (world.children, "30")])
    other_pathway = f.PathwayFactory(coordinator=f.make_staff(world.health), lead_department=world.health)
    health = InterventionFactory(pathway=other_pathway, service=ServiceFactory(department=world.health))
    foreign = InterventionFactory(pathway=f.PathwayFactory(coordinator=world.stranger))
    return {"own": own, "shared": shared, "health": health, "foreign": foreign}


def aggregate(user, model=Intervention):
    return set(model.objects.visible_to(user, policy.AGGREGATE))


def test_controllers_aggregate_every_row_of_their_municipality(world, controller, rows):
    assert aggregate(controller) == {rows["own"], rows["shared"], rows["health"]}
    assert len(aggregate(controller, FinancingShare)) == 2


def test_a_department_head_aggregates_the_rows_touching_their_department(world, rows):
    # Children: its own intervention, and the job centre's that children pays part of; not health's.
    assert aggregate(world.head) == {rows["own"], rows["shared"]}
    head_of_health = f.make_staff(world.health, StaffRole.DEPARTMENT_HEAD)
    assert aggregate(head_of_health) == {rows["health"]}


def test_case_roles_aggregate_nothing_even_on_the_team(world, rows):
    for user in (world.coordinator, world.colleague, world.jobworker, world.outsider, world.stranger):
        assert aggregate(user) == set()
        assert aggregate(user, LegalExemptionUse) == set()
        assert aggregate(user, OperatingCost) == set()


def test_the_pathway_actions_follow_the_pathway(world, controller, rows):
    assert set(Intervention.objects.visible_to(world.coordinator, policy.VIEW)) == {rows["own"], rows["shared"]}
    assert set(Intervention.objects.visible_to(world.outsider, policy.VIEW)) == set()
    # The controller's cost role gives figures, not the pathway's rows.
    assert set(Intervention.objects.visible_to(controller, policy.VIEW)) == set()
    assert set(Intervention.objects.visible_to(world.head, policy.VIEW)) == set()


def test_exemptions_of_the_departments_pathways(world, rows):
    use = ExemptionFactory(pathway=world.pathway)
    assert aggregate(world.head, LegalExemptionUse) == {use}
    head_of_health = f.make_staff(world.health, StaffRole.DEPARTMENT_HEAD)
    assert aggregate(head_of_health, LegalExemptionUse) == set()


def test_the_catalogue_is_readable_by_every_staff_member_of_the_municipality(world):
    service = ServiceFactory(department=world.children)
    assert set(Service.objects.visible_to(world.outsider, policy.VIEW)) == {service}
    assert set(Service.objects.visible_to(world.stranger, policy.VIEW)) == set()
    assert set(Service.objects.visible_to(world.outsider, policy.CONTRIBUTE)) == set()
