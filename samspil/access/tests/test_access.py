"""The access object (`access.PathwayAccess`): one answer per pathway and user, read with the pathway itself.

It must agree with the pathway scope (`visible_to`) for every action and every kind of user, and its covered
departments with the team-place rule (`scopes.department_covered`).
"""

import datetime

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from samspil.access import policy, scopes
from samspil.access.access import PathwayAccess, pathway_access
from samspil.access.choices import ConsentGiverRole
from samspil.accounts.models import User
from samspil.audit.choices import AccessVia
from samspil.organisations.choices import StaffRole
from samspil.organisations.models import Department
from samspil.pathways import selectors
from samspil.pathways.models import Pathway, TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def access_of(user, pathway) -> PathwayAccess:
    return selectors.pathway_get(actor=fresh(user), public_id=pathway.public_id).access


def assert_agrees_with_the_scope(user, pathway, access: PathwayAccess):
    for action in policy.ACTIONS:
        in_scope = Pathway.objects.visible_to(fresh(user), action).filter(pk=pathway.pk).exists()
        assert access.allows(action) == in_scope, (user.username, action)


def covered_by_the_team_place_rule(pathway) -> set[int]:
    """The departments a team place is covered in, asked department by department of `department_covered`.

    Every department gets a place on the team (of a new staff member) for the question.
    """
    covered = set()
    for department in Department.objects.filter(municipality=pathway.municipality):
        if not TeamMember.objects.filter(pathway=pathway, department=department).exists():
            f.TeamMemberFactory(pathway=pathway, user=f.make_staff(department), department=department)
        place = TeamMember.objects.filter(pathway_id=OuterRef("pk"), department_id=department.pk)
        row = (
            Pathway.objects.filter(pk=pathway.pk)
            .annotate(covered=Exists(place.filter(scopes.department_covered())))
            .get()
        )
        if row.covered:
            covered.add(department.pk)
    return covered


def end_membership(user, department):
    today = timezone.localdate()
    user.memberships.filter(department=department).update(
        active_from=today - datetime.timedelta(days=60), active_to=today - datetime.timedelta(days=1)
    )


@pytest.fixture
def kinds(world):
    """One user of every kind on `world.pathway`, whose citizen (an adult) consented for the job centre."""
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    # A health worker on the team without consent for health: the place is not covered.
    uncovered = f.make_staff(world.health, StaffRole.PROFESSIONAL)
    f.TeamMemberFactory(pathway=world.pathway, user=uncovered, department=world.health)
    granted = f.make_staff(world.health, StaffRole.CASEWORKER)
    f.AccessGrantFactory(pathway=world.pathway, user=granted)
    glass = f.make_staff(world.health, StaffRole.CASEWORKER)
    f.BreakGlassAccessFactory(pathway=world.pathway, user=glass, reason="Akut henvendelse i borgerservice")
    return {
        "coordinator": world.coordinator,
        "team member, coordinating department": world.colleague,
        "team member, consent for the department": world.jobworker,
        "team member, no consent for the department": uncovered,
        "grant": granted,
        "break-glass": glass,
        "outsider": world.outsider,
        "department head": world.head,
    }


EXPECTED = {
    # (may_view, may_contribute, is_coordinator, via)
    "coordinator": (True, True, True, AccessVia.SCOPE),
    "team member, coordinating department": (True, True, False, AccessVia.SCOPE),
    "team member, consent for the department": (True, True, False, AccessVia.SCOPE),
    "team member, no consent for the department": (False, False, False, ""),
    "grant": (True, False, False, AccessVia.GRANT),
    "break-glass": (True, False, False, AccessVia.BREAK_GLASS),
    "outsider": (False, False, False, ""),
    "department head": (False, False, False, ""),
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_access_object_for_every_kind_of_user(world, kinds, kind):
    user = kinds[kind]
    access = pathway_access(actor=fresh(user), pathway=world.pathway)
    assert (access.may_view, access.may_contribute, access.is_coordinator, access.via) == EXPECTED[kind]
    assert access.shows_internal_notes == access.may_contribute
    # Covered: the coordinating department and the job centre (the adult's own consent), never health.
    assert access.covered_department_ids == {world.children.pk, world.jobs.pk}
    assert access.covered_department_ids == covered_by_the_team_place_rule(world.pathway)
    assert_agrees_with_the_scope(user, world.pathway, access)
    if access.may_view:
        assert access_of(user, world.pathway) == access  # the page's object is the same answer


def test_former_coordinator_back_through_break_glass_is_not_the_coordinator(world):
    """The pathway still names them, but they left the coordinating department: they read it, nothing more."""
    former = world.coordinator
    f.MembershipFactory(user=former, department=world.health, role=StaffRole.CASEWORKER)
    end_membership(former, world.children)
    assert Pathway.objects.get(pk=world.pathway.pk).coordinator_id == former.pk
    assert not pathway_access(actor=fresh(former), pathway=world.pathway).may_view
    f.BreakGlassAccessFactory(pathway=world.pathway, user=former, reason="Jeg har brug for at se forløbet igen")
    access = access_of(former, world.pathway)
    assert (access.may_view, access.may_contribute, access.is_coordinator) == (True, False, False)
    assert (access.via_break_glass, access.via) == (True, AccessVia.BREAK_GLASS)
    assert not access.allows(policy.MANAGE)
    assert_agrees_with_the_scope(former, world.pathway, access)


def test_former_coordinator_on_the_team_from_a_covered_department_contributes_but_does_not_manage(world):
    former = world.coordinator
    f.MembershipFactory(user=former, department=world.jobs, role=StaffRole.CASEWORKER)
    end_membership(former, world.children)
    # Their place on the team moves with them to the job centre, which the citizen's consent covers.
    TeamMember.objects.filter(pathway=world.pathway, user=former).update(department=world.jobs)
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    access = access_of(former, world.pathway)
    assert (access.may_view, access.may_contribute, access.is_coordinator) == (True, True, False)
    assert_agrees_with_the_scope(former, world.pathway, access)


@pytest.mark.parametrize(
    ("age", "givers", "jobs_covered"),
    [
        (34, (ConsentGiverRole.CITIZEN,), True),
        (34, (ConsentGiverRole.CUSTODY_HOLDER,), False),
        (16, (ConsentGiverRole.CITIZEN,), False),
        (16, (ConsentGiverRole.CITIZEN, ConsentGiverRole.CUSTODY_HOLDER), True),
        (11, (ConsentGiverRole.CUSTODY_HOLDER,), True),
        (11, (ConsentGiverRole.CITIZEN,), False),
    ],
)
def test_covered_departments_follow_who_must_consent(world, age, givers, jobs_covered):
    citizen = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(age))
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=citizen)
    f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    for role in givers:
        f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=role)
    access = access_of(world.coordinator, pathway)
    expected = {world.children.pk} | ({world.jobs.pk} if jobs_covered else set())
    assert access.covered_department_ids == expected == covered_by_the_team_place_rule(pathway)
    assert access_of(world.coordinator, pathway).covers(world.jobs.pk) is jobs_covered
    team_access = pathway_access(actor=fresh(world.jobworker), pathway=pathway)
    assert team_access.may_contribute is jobs_covered
    assert_agrees_with_the_scope(world.jobworker, pathway, team_access)


def test_covered_departments_of_a_family_and_by_legal_basis(world):
    household = f.make_family(world.municipality)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CITIZEN)
    assert access_of(world.coordinator, pathway).covered_department_ids == {world.children.pk}
    f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CUSTODY_HOLDER)
    f.LegalBasisFactory(pathway=pathway, department=world.health)
    covered = access_of(world.coordinator, pathway).covered_department_ids
    assert covered == {world.children.pk, world.jobs.pk, world.health.pk} == covered_by_the_team_place_rule(pathway)


def test_withdrawn_consent_is_no_longer_covered(world):
    from samspil.pathways import services

    consent = f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    assert access_of(world.coordinator, world.pathway).covers(world.jobs.pk)
    services.consent_withdraw(actor=world.coordinator, consent=consent, reason="Borgeren ønsker det ikke")
    assert not access_of(world.coordinator, world.pathway).covers(world.jobs.pk)


def test_the_services_locked_row_carries_the_same_access(world):
    from django.db import transaction

    with transaction.atomic():
        locked = policy.require(fresh(world.colleague), policy.CONTRIBUTE, world.pathway)
    assert locked.access == access_of(world.colleague, world.pathway)
    assert locked.access.may_contribute and not locked.access.is_coordinator


def test_reading_the_access_costs_no_query_on_the_page(world, django_assert_num_queries):
    pathway = selectors.pathway_get(actor=fresh(world.coordinator), public_id=world.pathway.public_id)
    with django_assert_num_queries(0):
        assert pathway_access(actor=world.coordinator, pathway=pathway).is_coordinator
