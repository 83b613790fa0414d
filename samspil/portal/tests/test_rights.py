"""Portal rights on the staff overview (issue 9, part 6): the coordinator decides whether the young person and each
custody holder may use the pathway in the portal, and whether they may write; the team reads it."""

import pytest
from django.urls import reverse

from samspil.audit.models import AuditEvent, ChangeLogEntry
from samspil.core.exceptions import ConflictError
from samspil.portal.access import portal_pathways
from samspil.portal.models import PortalRight
from samspil.portal.rights import portal_people, portal_right_set
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def teen(world):
    """A 16-year-old's pathway with a mother (custody) and a father without custody."""
    young = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16), first_name="Sofie")
    mother = f.GuardianshipFactory(child=young, guardian__first_name="Mette").guardian
    father = f.GuardianshipFactory(
        child=young, guardian__first_name="Jens", relation="father", has_custody=False
    ).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=young)
    f.TeamMemberFactory(pathway=pathway, user=world.colleague, department=world.children)
    return pathway, young, mother, father


def post_level(client, pathway, person, level, version=0, **extra):
    data = {"portal-person": str(person.public_id), "portal-level": level, "portal-version": str(version)}
    return client.post(reverse("pathways:portal_right", args=[pathway.public_id]), data, **extra)


def test_the_overview_lists_the_young_person_and_the_custody_holder_not_a_parent_without_custody(client, world, teen):
    pathway, young, mother, father = teen
    client.force_login(world.coordinator)
    response = client.get(reverse("pathways:overview", args=[pathway.public_id]))
    html = response.content.decode()
    section = html[html.index('id="portaladgang"') :]
    section = section[: section.index("</section>")]
    assert "Portaladgang" in section
    assert young.full_name in section and mother.full_name in section
    assert father.full_name not in section
    assert f'id="portal-level-{young.public_id}"' in section  # a form for each
    assert "Ingen adgang til portalen" in section and "Må læse og skrive" in section


def test_a_child_under_15_is_shown_without_a_choice(client, world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(12))
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    people = {person.citizen.pk: person for person in portal_people(pathway)}
    assert not people[child.pk].may_have_access and people[mother.pk].may_have_access
    client.force_login(world.coordinator)
    html = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    assert "Under 15 år: forældremyndighedsindehaverne bruger portalen." in html


def test_the_coordinator_sets_a_level_change_logged_with_an_event(client, world, teen):
    pathway, _young, mother, _father = teen
    client.force_login(world.coordinator)
    response = post_level(client, pathway, mother, "read")
    assert response.status_code == 302
    right = PortalRight.objects.get(pathway=pathway, citizen=mother)
    assert (right.level, right.version, right.set_by) == ("read", 1, world.coordinator)
    event = AuditEvent.objects.get(pathway=pathway, code="portal.right_set")
    assert mother.full_name in event.text and "må læse" in event.text
    assert ChangeLogEntry.objects.filter(pathway=pathway, object_repr__contains=mother.full_name).exists()
    # The mother's account now reaches the pathway, read-only.
    reached = portal_pathways(f.portal_account(mother))
    assert [p.pk for p in reached] == [pathway.pk] and not reached[0].portal_access.may_write

    response = post_level(client, pathway, mother, "write", version=1, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="overview"' in response.content.decode()
    right.refresh_from_db()
    assert (right.level, right.version) == ("write", 2)


def test_a_stale_version_is_a_conflict_and_nothing_changes(client, world, teen):
    pathway, young, _mother, _father = teen
    right = portal_right_set(actor=world.coordinator, pathway=pathway, citizen=young, level="write", expected_version=0)
    client.force_login(world.coordinator)
    response = post_level(client, pathway, young, "none", version=0)
    assert response.status_code == 422
    assert "Nogen har ændret" in response.content.decode()
    right.refresh_from_db()
    assert (right.level, right.version) == ("write", 1)
    with pytest.raises(ConflictError):
        portal_right_set(actor=world.coordinator, pathway=pathway, citizen=young, level="read", expected_version=5)


def test_the_parent_without_custody_and_a_child_under_15_cannot_be_given_access(client, world, teen):
    pathway, _young, _mother, father = teen
    client.force_login(world.coordinator)
    response = post_level(client, pathway, father, "read")
    assert response.status_code == 422
    assert not PortalRight.objects.filter(citizen=father).exists()
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    small = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    assert post_level(client, small, child, "read").status_code == 422
    assert not PortalRight.objects.filter(citizen=child).exists()
    assert not AuditEvent.objects.filter(code="portal.right_set").exists()


def test_the_team_reads_the_levels_but_cannot_change_them(client, world, teen):
    pathway, young, _mother, _father = teen
    portal_right_set(actor=world.coordinator, pathway=pathway, citizen=young, level="read", expected_version=0)
    client.force_login(world.colleague)
    html = client.get(reverse("pathways:overview", args=[pathway.public_id])).content.decode()
    section = html[html.index('id="portaladgang"') :]
    section = section[: section.index("</section>")]
    assert "Må læse" in section and "<select" not in section
    assert post_level(client, pathway, young, "write", version=1).status_code == 403
    assert PortalRight.objects.get(citizen=young).level == "read"


def test_setting_the_same_level_again_writes_nothing(world, teen):
    pathway, young, _mother, _father = teen
    portal_right_set(actor=world.coordinator, pathway=pathway, citizen=young, level="read", expected_version=0)
    portal_right_set(actor=world.coordinator, pathway=pathway, citizen=young, level="read", expected_version=1)
    assert (
        portal_right_set(
            actor=world.coordinator, pathway=pathway, citizen=_mother_of(pathway), level="none", expected_version=0
        )
        is None
    )
    assert AuditEvent.objects.filter(code="portal.right_set").count() == 1
    assert PortalRight.objects.get(citizen=young).version == 1


def _mother_of(pathway):
    return pathway.citizen.guardianships.get(has_custody=True).guardian
