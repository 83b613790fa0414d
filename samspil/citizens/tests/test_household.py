"""A complete family: members with their relation and history, added and ended by the coordinator, custody kept
apart from living in the home, and current membership governing what "a member of the family now" means."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.citizens import services
from samspil.citizens.choices import HouseholdRelation, HouseholdRole
from samspil.citizens.models import Citizen, HouseholdMember
from samspil.core.exceptions import ConflictError
from samspil.pathways.selectors import subject_citizens
from tests import cpr_watch
from tests import factories as f

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def family(world):
    """A family pathway coordinated by world.coordinator: two parents with custody and one child."""
    household = f.make_family(world.municipality, adults=2, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=world.programme,
        citizen=None,
        household=household,
    )
    pathway.child = HouseholdMember.objects.get(household=household, role=HouseholdRole.CHILD).citizen
    pathway.parents = [m.citizen for m in HouseholdMember.objects.filter(household=household, role=HouseholdRole.ADULT)]
    return pathway


def add(world, pathway, citizen, relation=HouseholdRelation.SIBLING, member_from=None):
    return services.household_member_add(
        actor=world.coordinator, pathway=pathway, citizen=citizen, relation=relation, member_from=member_from
    )


def end(world, pathway, member, member_to=None, reason="Flyttet til sin far"):
    member.refresh_from_db()
    return services.household_member_end(
        actor=world.coordinator,
        pathway=pathway,
        member=member,
        reason=reason,
        member_to=member_to,
        expected_version=member.version,
    )


# --- services ----------------------------------------------------------------------------------------------------


def test_add_a_sibling_with_relation_and_date(world, family, request_id):
    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(4))
    with request_id(world.coordinator):
        member = add(world, family, sibling, member_from=days(-30))
    assert (member.relation, member.role, member.member_from, member.added_by) == (
        HouseholdRelation.SIBLING,
        HouseholdRole.CHILD,
        days(-30),
        world.coordinator,
    )
    assert sibling.pk in family.subject_ids()
    event = AuditEvent.objects.get(code="household.member_added", pathway=family)
    assert sibling.full_name in event.text


def test_end_keeps_history_and_a_member_can_join_again(world, family, request_id):
    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    with request_id(world.coordinator):
        first = add(world, family, sibling, member_from=days(-100))
        end(world, family, first, member_to=days(-10), reason="Flyttet på efterskole")
        assert sibling.pk not in family.subject_ids()
        # Rejoining before the last membership ended would overlap it: refused, nothing saved.
        with pytest.raises(ValidationError):
            add(world, family, sibling, member_from=days(-20))
        second = add(world, family, sibling, member_from=days(-10))
    rows = list(HouseholdMember.objects.filter(household=family.household, citizen=sibling).order_by("member_from"))
    assert [(r.member_from, r.member_to, r.end_reason) for r in rows] == [
        (days(-100), days(-10), "Flyttet på efterskole"),
        (days(-10), None, ""),
    ]
    assert rows[0].ended_by == world.coordinator
    assert second.pk == rows[1].pk and sibling.pk in family.subject_ids()
    assert AuditEvent.objects.filter(code="household.member_rejoined", pathway=family).count() == 1


def test_ended_today_is_no_longer_a_member_today(world, family, request_id):
    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(12))
    with request_id(world.coordinator):
        member = add(world, family, sibling, member_from=days(-5))
        end(world, family, member)
    member.refresh_from_db()
    assert member.member_to == timezone.localdate()
    assert not member.is_current()
    assert sibling not in subject_citizens(type(family).objects.get(pk=family.pk))


def test_refusals_save_nothing(world, family, request_id):
    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(4))
    parent = family.parents[0]
    before = HouseholdMember.objects.count()
    with request_id(world.coordinator):
        with pytest.raises(ValidationError):  # already a member
            add(world, family, parent, relation=HouseholdRelation.PARENT)
        with pytest.raises(ValidationError):  # in the future
            add(world, family, sibling, member_from=days(1))
        with pytest.raises(ValidationError):  # before the person was born
            add(world, family, sibling, member_from=sibling.birth_date - datetime.timedelta(days=1))
        with pytest.raises(ValidationError):  # no such relation
            add(world, family, sibling, relation="cousin")
        with pytest.raises(Exception):  # noqa: B017 — not the coordinator: PermissionDenied or Http404
            services.household_member_add(
                actor=world.colleague, pathway=family, citizen=sibling, relation=HouseholdRelation.SIBLING
            )
        with pytest.raises(ValidationError):  # a one-citizen pathway has no family
            add(world, world.pathway, sibling)
    assert HouseholdMember.objects.count() == before
    assert not AuditEvent.objects.filter(code__startswith="household.").exists()


def test_end_refusals_and_version_conflict(world, family, request_id):
    parent = HouseholdMember.objects.get(household=family.household, citizen=family.parents[0])
    with request_id(world.coordinator):
        with pytest.raises(ConflictError):
            services.household_member_end(
                actor=world.coordinator,
                pathway=family,
                member=parent,
                reason="Flyttet",
                expected_version=parent.version + 1,
            )
        with pytest.raises(ValidationError):  # no reason
            end(world, family, parent, reason="  ")
        with pytest.raises(ValidationError):  # in the future
            end(world, family, parent, member_to=days(1))
        with pytest.raises(ValidationError):  # before it began
            end(world, family, parent, member_to=parent.member_from - datetime.timedelta(days=1))
        end(world, family, parent)
        with pytest.raises(ValidationError):  # a second end from a stale page: the first end is kept
            services.household_member_end(
                actor=world.coordinator, pathway=family, member=parent, reason="Igen", expected_version=parent.version
            )
    parent.refresh_from_db()
    assert parent.end_reason == "Flyttet til sin far"
    assert AuditEvent.objects.filter(code="household.member_ended").count() == 1


def test_the_last_member_cannot_be_ended(world, request_id):
    household = f.HouseholdFactory(municipality=world.municipality)
    only = f.HouseholdMemberFactory(household=household, role=HouseholdRole.CHILD, citizen__born=f.years_ago(8))
    pathway = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=world.programme,
        citizen=None,
        household=household,
    )
    with request_id(world.coordinator), pytest.raises(ValidationError):
        end(world, pathway, only)
    only.refresh_from_db()
    assert only.member_to is None


def test_one_open_row_per_person_in_the_database(world, family):
    with pytest.raises(IntegrityError), transaction.atomic():
        HouseholdMember.objects.create(
            municipality=world.municipality,
            household=family.household,
            citizen=family.child,
            role=HouseholdRole.CHILD,
            relation=HouseholdRelation.INDEX_CHILD,
        )


def test_register_by_cpr_finds_or_creates_the_person(world, family, request_id):
    digits = f.random_cpr(born=f.years_ago(3))
    cpr_watch.register(digits)
    with request_id(world.coordinator):
        with pytest.raises(ValidationError):  # unknown and no name
            services.household_member_register(
                actor=world.coordinator, pathway=family, cpr_number=digits, relation=HouseholdRelation.HALF_SIBLING
            )
        member = services.household_member_register(
            actor=world.coordinator,
            pathway=family,
            cpr_number=digits,
            first_name="Ida",
            last_name="Halvsøster",
            relation=HouseholdRelation.HALF_SIBLING,
        )
    assert member.citizen.full_name == "Ida Halvsøster" and member.role == HouseholdRole.CHILD
    assert Citizen.objects.filter(first_name="Ida", last_name="Halvsøster").count() == 1


# --- custody stays separate from living in the home ----------------------------------------------------------


def test_a_parent_without_custody_in_the_home_and_a_custody_holder_elsewhere(world, family, request_id):
    stepfather = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(41))
    father_elsewhere = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(44))
    with request_id(world.coordinator):
        add(world, family, stepfather, relation=HouseholdRelation.STEP_PARENT)
        services.guardian_add(
            actor=world.coordinator,
            pathway=family,
            child=family.child,
            guardian=father_elsewhere,
            relation="father",
            lives_in_home=False,
        )
    subjects = set(family.subject_ids())
    assert stepfather.pk in subjects  # lives in the home without custody
    assert father_elsewhere.pk not in subjects  # custody, not in the home
    assert not HouseholdMember.objects.filter(citizen=father_elsewhere).exists()
    from samspil.access.choices import ConsentGiverRole
    from samspil.pathways.services import consent_giver_role

    # The custody holder consents for the child; the step-parent in the home consents only as an adult member.
    assert consent_giver_role(pathway=family, giver=father_elsewhere) == ConsentGiverRole.CUSTODY_HOLDER
    assert consent_giver_role(pathway=family, giver=stepfather) == ConsentGiverRole.CITIZEN


# --- the coordinator's pages ---------------------------------------------------------------------------------


def test_the_overview_adds_a_sibling_through_the_form(world, family, client):
    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[family.public_id])
    page = client.get(url).content.decode()
    assert 'id="family-add"' in page and "pathways:household_add" not in page
    form = client.get(reverse("pathways:household_add", args=[family.public_id]), HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert 'name="household-cpr_number"' in form.content.decode()
    digits = f.random_cpr(born=f.years_ago(5))
    cpr_watch.register(digits)
    response = client.post(
        reverse("pathways:household_add", args=[family.public_id]),
        {
            "household-cpr_number": digits,
            "household-first_name": "Bo",
            "household-last_name": "Lillebror",
            "household-relation": HouseholdRelation.SIBLING,
            "household-member_from": days(-2).strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    sibling = Citizen.objects.get(first_name="Bo", last_name="Lillebror")
    assert sibling.pk in family.subject_ids()
    page = client.get(url).content.decode()
    assert "Bo Lillebror" in page
    assert digits not in page


def test_the_form_refuses_with_422_and_saves_nothing(world, family, client):
    client.force_login(world.coordinator)
    before = HouseholdMember.objects.count()
    response = client.post(
        reverse("pathways:household_add", args=[family.public_id]),
        {
            "household-cpr_number": "12345",
            "household-relation": "",
            "household-member_from": days(3).strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 422
    assert HouseholdMember.objects.count() == before
    # A registered parent cannot be added twice: the service's refusal lands on the form.
    parent = family.parents[0]
    digits = f.random_cpr(born=f.years_ago(30))
    parent.set_cpr(digits)
    parent.save()
    cpr_watch.register(digits)
    response = client.post(
        reverse("pathways:household_add", args=[family.public_id]),
        {
            "household-cpr_number": digits,
            "household-relation": HouseholdRelation.PARENT,
            "household-member_from": days(0).strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 422
    assert "already a member" in response.content.decode() or "allerede" in response.content.decode()
    assert HouseholdMember.objects.count() == before


def test_end_through_the_overview_moves_the_member_to_former_members(world, family, client):
    client.force_login(world.coordinator)
    member = HouseholdMember.objects.get(household=family.household, citizen=family.parents[1])
    key = f"household-end-{member.public_id}"
    response = client.post(
        reverse("pathways:household_end", args=[family.public_id, member.public_id]),
        {f"{key}-reason": "Flyttet fra hjemmet", f"{key}-member_to": days(0).strftime("%d.%m.%Y"), f"{key}-version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    former = page[page.index('id="former-members"') :]
    assert family.parents[1].full_name in former and "Flyttet fra hjemmet" in former
    # The former member is named on the page, so the read is logged for them too.
    assert AccessLogEntry.objects.filter(pathway=family, citizen=family.parents[1]).exists()
    # Stale version: 422, nothing changed.
    response = client.post(
        reverse("pathways:household_end", args=[family.public_id, member.public_id]),
        {f"{key}-reason": "Igen", f"{key}-member_to": days(0).strftime("%d.%m.%Y"), f"{key}-version": 1},
    )
    assert response.status_code == 422
    member.refresh_from_db()
    assert member.end_reason == "Flyttet fra hjemmet"


def test_only_the_coordinator_and_only_on_a_family_pathway(world, family, client):
    client.force_login(world.colleague)
    assert client.get(reverse("pathways:household_add", args=[family.public_id])).status_code == 404
    client.force_login(world.coordinator)
    assert client.get(reverse("pathways:household_add", args=[world.pathway.public_id])).status_code == 404
