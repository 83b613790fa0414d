"""The access policy: who sees a pathway (and everything hanging off it), and what they may do there."""

import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.utils import timezone

from samspil.access import policy
from samspil.access.access import PathwayAccess
from samspil.access.choices import ConsentGiverRole
from samspil.accounts.models import User
from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.citizens.models import Citizen, Guardianship, Household, HouseholdMember
from samspil.core.models import TenantModel
from samspil.organisations.choices import StaffRole
from samspil.pathways import services
from samspil.pathways.models import Pathway, StatusChange, TeamMember
from tests import factories as f

pytestmark = pytest.mark.django_db

VIEW, CONTRIBUTE, MANAGE = policy.VIEW, policy.CONTRIBUTE, policy.MANAGE


def sees(user, pathway, action=VIEW) -> bool:
    return Pathway.objects.visible_to(user, action).filter(pk=pathway.pk).exists()


def actions(user, pathway) -> set[str]:
    return {action for action in (VIEW, CONTRIBUTE, MANAGE) if sees(user, pathway, action)}


def fresh(user):
    """The user as a new request would load it (the policy caches roles on the instance)."""
    return User.objects.get(pk=user.pk)


# --- coordinator and team ----------------------------------------------------------------------------------


def test_coordinator_may_do_everything(world):
    assert actions(world.coordinator, world.pathway) == {VIEW, CONTRIBUTE, MANAGE}


def test_team_member_from_the_coordinating_department_sees_and_contributes_without_consent(world):
    assert actions(world.colleague, world.pathway) == {VIEW, CONTRIBUTE}


def test_team_member_from_another_department_sees_nothing_without_consent(world):
    assert actions(world.jobworker, world.pathway) == set()


def test_adult_citizens_consent_for_the_department_opens_it(world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    assert actions(world.jobworker, world.pathway) == {VIEW, CONTRIBUTE}


def test_consent_for_another_department_does_not_count(world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.health])
    assert actions(world.jobworker, world.pathway) == set()


def test_custody_holders_consent_does_not_replace_an_adults_own(world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CUSTODY_HOLDER)
    assert not sees(world.jobworker, world.pathway)


def test_consent_given_for_another_pathway_does_not_count(world):
    other = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    f.ConsentFactory(pathway=other, departments=[world.jobs])
    assert not sees(world.jobworker, world.pathway)


def test_legal_basis_in_force_opens_it_without_consent(world):
    f.LegalBasisFactory(pathway=world.pathway, department=world.jobs)
    assert actions(world.jobworker, world.pathway) == {VIEW, CONTRIBUTE}


def test_legal_basis_that_ended_or_has_not_started_does_not_count(world):
    today = timezone.localdate()
    f.LegalBasisFactory(
        pathway=world.pathway,
        department=world.jobs,
        valid_from=today - datetime.timedelta(days=30),
        valid_to=today - datetime.timedelta(days=1),
    )
    f.LegalBasisFactory(pathway=world.pathway, department=world.jobs, valid_from=today + datetime.timedelta(days=1))
    assert not sees(world.jobworker, world.pathway)


def test_withdrawing_consent_removes_access_at_once(world):
    consent = f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    assert sees(world.jobworker, world.pathway)
    services.consent_withdraw(actor=world.coordinator, consent=consent, reason="Borgeren ønsker det ikke")
    assert not sees(world.jobworker, world.pathway)


def test_expired_consent_does_not_count(world):
    today = timezone.localdate()
    f.ConsentFactory(
        pathway=world.pathway,
        departments=[world.jobs],
        given_on=today - datetime.timedelta(days=60),
        expires_on=today - datetime.timedelta(days=1),
    )
    assert not sees(world.jobworker, world.pathway)


def test_consent_counts_through_its_last_day(world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs], expires_on=timezone.localdate())
    assert sees(world.jobworker, world.pathway)


def test_consent_dated_in_the_future_does_not_count_yet(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs], given_on=tomorrow)
    assert not sees(world.jobworker, world.pathway)


def test_ended_team_place_loses_access(world):
    world.colleague_place.active_to = timezone.localdate() - datetime.timedelta(days=1)
    world.colleague_place.save()
    assert actions(world.colleague, world.pathway) == set()


def test_team_place_that_starts_tomorrow_gives_no_access_yet(world):
    newcomer = f.make_staff(world.children, StaffRole.PROFESSIONAL)
    f.TeamMemberFactory(
        pathway=world.pathway,
        user=newcomer,
        department=world.children,
        active_from=timezone.localdate() + datetime.timedelta(days=1),
    )
    assert not sees(newcomer, world.pathway)


# --- minors: who must consent -------------------------------------------------------------------------------


def minor_pathway(world, born):
    child = f.CitizenFactory(municipality=world.municipality, born=born)
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    return pathway


@pytest.mark.parametrize(
    ("givers", "expected"),
    [
        ((), False),
        ((ConsentGiverRole.CUSTODY_HOLDER,), True),
        ((ConsentGiverRole.CITIZEN,), False),
    ],
)
def test_child_under_15_needs_a_custody_holders_consent(world, givers, expected):
    pathway = minor_pathway(world, f.years_ago(11))
    for role in givers:
        f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=role)
    assert sees(world.jobworker, pathway) is expected


@pytest.mark.parametrize(
    ("givers", "expected"),
    [
        ((ConsentGiverRole.CUSTODY_HOLDER,), False),
        ((ConsentGiverRole.CITIZEN,), False),
        ((ConsentGiverRole.CUSTODY_HOLDER, ConsentGiverRole.CITIZEN), True),
    ],
)
@pytest.mark.parametrize("age", [15, 17])
def test_young_person_15_to_17_needs_both_consents(world, givers, expected, age):
    pathway = minor_pathway(world, f.years_ago(age))
    for role in givers:
        f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=role)
    assert sees(world.jobworker, pathway) is expected


def test_the_day_before_the_15th_birthday_the_custody_holder_alone_is_enough(world):
    pathway = minor_pathway(world, f.years_ago(15, days=-1))
    f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CUSTODY_HOLDER)
    assert sees(world.jobworker, pathway)


def test_withdrawing_one_of_two_consents_for_a_young_person_removes_access(world):
    pathway = minor_pathway(world, f.years_ago(16))
    f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CUSTODY_HOLDER)
    own = f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CITIZEN)
    assert sees(world.jobworker, pathway)
    services.consent_withdraw(actor=world.coordinator, consent=own, reason="")
    assert not sees(world.jobworker, pathway)


def test_family_pathway_opens_with_a_custody_holders_consent_only(world):
    pathway = f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        citizen=None,
        household=f.make_family(world.municipality),
    )
    f.TeamMemberFactory(pathway=pathway, user=world.jobworker, department=world.jobs)
    assert not sees(world.jobworker, pathway)
    f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CITIZEN)
    assert not sees(world.jobworker, pathway)  # the parents consent for the family plan, as custody holders
    f.ConsentFactory(pathway=pathway, departments=[world.jobs], giver_role=ConsentGiverRole.CUSTODY_HOLDER)
    assert sees(world.jobworker, pathway)


# --- leaving the department ends the access it gave -----------------------------------------------------------


def end_memberships(user):
    today = timezone.localdate()
    user.memberships.update(
        active_from=today - datetime.timedelta(days=30), active_to=today - datetime.timedelta(days=1)
    )


def test_team_member_who_left_the_department_loses_access(world):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    assert sees(world.jobworker, world.pathway)
    end_memberships(world.jobworker)
    assert actions(world.jobworker, world.pathway) == set()


def test_coordinator_who_left_the_lead_department_loses_access(world):
    end_memberships(world.coordinator)
    assert actions(world.coordinator, world.pathway) == set()


# --- grants and break-glass --------------------------------------------------------------------------------


def test_grant_in_force_gives_view_only(world):
    f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    assert actions(world.outsider, world.pathway) == {VIEW}


def test_revoked_grant_gives_nothing(world):
    grant = f.AccessGrantFactory(pathway=world.pathway, user=world.outsider)
    services.grant_revoke(actor=world.coordinator, grant=grant)
    assert actions(world.outsider, world.pathway) == set()


def test_expired_or_future_grant_gives_nothing(world):
    now = timezone.now()
    f.AccessGrantFactory(
        pathway=world.pathway,
        user=world.outsider,
        valid_from=now - datetime.timedelta(days=2),
        valid_until=now - datetime.timedelta(seconds=1),
    )
    f.AccessGrantFactory(
        pathway=world.pathway,
        user=world.outsider,
        valid_from=now + datetime.timedelta(hours=1),
        valid_until=now + datetime.timedelta(days=1),
    )
    assert actions(world.outsider, world.pathway) == set()


def test_grant_to_someone_else_gives_me_nothing(world):
    f.AccessGrantFactory(pathway=world.pathway, user=world.colleague)
    assert actions(world.outsider, world.pathway) == set()


def test_break_glass_gives_view_for_its_window(world):
    access = services.break_glass_open(
        actor=world.outsider, pathway=world.pathway, reason="Borgeren er mødt op akut i borgerservice"
    )
    assert actions(world.outsider, world.pathway) == {VIEW}
    assert abs(access.expires_at - access.created_at - datetime.timedelta(hours=8)) < datetime.timedelta(seconds=5)
    later = timezone.now() + datetime.timedelta(hours=8, minutes=1)
    with mock.patch("samspil.access.models.timezone.now", return_value=later):
        assert actions(world.outsider, world.pathway) == set()


def test_break_glass_after_its_window_gives_nothing(world):
    f.BreakGlassAccessFactory(
        pathway=world.pathway, user=world.outsider, expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert actions(world.outsider, world.pathway) == set()


# --- people who never see case content ---------------------------------------------------------------------


def test_staff_of_another_municipality_never_sees_it_even_with_rows_pointing_at_them(world):
    # Inconsistent rows (a team place and a grant across the tenant boundary) must still not open it.
    f.TeamMemberFactory(pathway=world.pathway, user=world.stranger, department=world.children)
    f.AccessGrantFactory(pathway=world.pathway, user=world.stranger)
    f.BreakGlassAccessFactory(pathway=world.pathway, user=world.stranger)
    assert actions(world.stranger, world.pathway) == set()
    assert not Citizen.objects.visible_to(world.stranger, VIEW).exists()
    assert not Citizen.objects.visible_to(world.stranger, policy.INTAKE).filter(pk=world.citizen.pk).exists()


def test_outsider_in_the_same_department_sees_nothing(world):
    assert actions(world.outsider, world.pathway) == set()
    assert not Citizen.objects.visible_to(world.outsider, VIEW).exists()


def test_department_head_on_no_team_sees_no_case_content(world):
    assert actions(world.head, world.pathway) == set()
    for model in (Pathway, Citizen, TeamMember, StatusChange, AuditEvent, ChangeLogEntry, AccessLogEntry):
        assert not model.objects.visible_to(world.head, VIEW).exists(), model.__name__
    assert not Citizen.objects.visible_to(world.head, policy.INTAKE).exists()  # no case role, no intake


def test_citizen_account_sees_nothing_even_as_coordinator_of_record(world):
    account = f.CitizenAccountFactory(municipality=world.municipality)
    world.pathway.coordinator = account
    world.pathway.save()
    assert actions(account, world.pathway) == set()
    assert not Citizen.objects.visible_to(account, policy.INTAKE).exists()


def test_inactive_and_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    world.coordinator.is_active = False
    world.coordinator.save()
    assert actions(world.coordinator, world.pathway) == set()
    assert not Pathway.objects.visible_to(AnonymousUser(), VIEW).exists()
    assert not Pathway.objects.visible_to(None, VIEW).exists()


# --- what hangs off a pathway follows it -------------------------------------------------------------------


def test_citizen_and_guardians_are_visible_exactly_when_the_pathway_is(world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(9))
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    coordinator_sees = set(Citizen.objects.visible_to(world.coordinator, VIEW).values_list("pk", flat=True))
    assert {child.pk, mother.pk, world.citizen.pk} <= coordinator_sees
    colleague_sees = set(Citizen.objects.visible_to(world.colleague, VIEW).values_list("pk", flat=True))
    assert colleague_sees == {world.citizen.pk}  # not on the child's team
    assert Guardianship.objects.visible_to(world.colleague, VIEW).count() == 0
    assert pathway.pk not in set(Pathway.objects.visible_to(world.colleague, VIEW).values_list("pk", flat=True))


def test_family_members_follow_the_family_pathway(world):
    household = f.make_family(world.municipality, adults=2, children=2)
    f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household)
    member_ids = set(household.memberships.values_list("citizen_id", flat=True))
    assert member_ids <= set(Citizen.objects.visible_to(world.coordinator, VIEW).values_list("pk", flat=True))
    assert Household.objects.visible_to(world.coordinator, VIEW).filter(pk=household.pk).exists()
    assert HouseholdMember.objects.visible_to(world.coordinator, VIEW).filter(household=household).count() == 4
    assert not Household.objects.visible_to(world.outsider, VIEW).exists()


def test_team_rows_follow_the_pathway(world):
    assert TeamMember.objects.visible_to(world.colleague, VIEW).filter(pathway=world.pathway).count() == 3
    assert not TeamMember.objects.visible_to(world.outsider, VIEW).exists()
    assert not TeamMember.objects.visible_to(world.colleague, MANAGE).exists()


def test_access_log_is_for_the_coordinator_only(world):
    from samspil.pathways import selectors

    pathway = selectors.pathway_get(actor=world.colleague, public_id=world.pathway.public_id)
    selectors.pathway_log_read(actor=world.colleague, pathway=pathway, shown="pathway.overview")
    assert AccessLogEntry.objects.visible_to(world.coordinator, VIEW).count() == 1
    assert AccessLogEntry.objects.visible_to(world.colleague, VIEW).count() == 0


def test_configuration_is_readable_by_municipal_staff_but_never_writable(world):
    from samspil.organisations.models import Department

    assert Department.objects.visible_to(world.head, VIEW).count() == 3
    assert not Department.objects.visible_to(world.head, MANAGE).exists()
    assert not Department.objects.visible_to(world.stranger, VIEW).filter(municipality=world.municipality).exists()


def test_intake_reaches_every_citizen_of_the_municipality_for_case_roles_only(world):
    assert Citizen.objects.visible_to(world.outsider, policy.INTAKE).filter(pk=world.citizen.pk).exists()
    assert not Pathway.objects.visible_to(world.outsider, policy.INTAKE).exists()


def test_roles_are_read_per_request(world):
    """A membership that ends takes case work away on the next request (roles are cached per user object)."""
    assert policy.can_do_case_work(fresh(world.outsider))
    world.outsider.memberships.update(
        active_to=timezone.localdate() - datetime.timedelta(days=1),
        active_from=timezone.localdate() - datetime.timedelta(days=10),
    )
    assert not policy.can_do_case_work(fresh(world.outsider))


# --- failing loudly ----------------------------------------------------------------------------------------


def test_model_without_registered_scope_raises(world):
    with pytest.raises(policy.ScopeNotRegistered):
        policy.restrict(User.objects.all(), world.coordinator, VIEW)


def test_unknown_action_raises(world):
    with pytest.raises(policy.UnknownAction):
        Pathway.objects.visible_to(world.coordinator, "delete")
    with pytest.raises(policy.UnknownAction):
        policy.restrict(Citizen.objects.all(), world.coordinator, "")


def test_every_tenant_model_has_a_registered_scope():
    tenant_models = {
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.abstract and not model._meta.proxy
    }
    assert tenant_models, "no TenantModel found: the meta-test would prove nothing"
    missing = sorted(model.__name__ for model in tenant_models - policy.registered_models())
    assert not missing, f"register a scope in samspil/access/scopes.py for: {', '.join(missing)}"


# --- one pathway's rights as annotations (pathway_get) --------------------------------------------------------


def test_pathway_rights_answer_exactly_as_the_scope_for_every_user_and_action(world):
    """`scopes.pathway_rights` (what a page about one pathway reads) and `pathway_scope` (every list) agree."""
    from samspil.access import scopes
    from samspil.pathways.models import Pathway

    granted = f.make_staff(world.health, "caseworker")
    f.AccessGrantFactory(pathway=world.pathway, user=granted)
    glass = f.make_staff(world.health, "caseworker")
    f.BreakGlassAccessFactory(pathway=world.pathway, user=glass)
    lapsed = f.make_staff(world.health, "caseworker")
    f.BreakGlassAccessFactory(
        pathway=world.pathway, user=lapsed, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    teen_pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    f.TeamMemberFactory(pathway=teen_pathway, user=world.jobworker, department=world.jobs)
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])  # the adult's consent covers the job centre
    f.ConsentFactory(pathway=teen_pathway, departments=[world.jobs])  # the young person's alone: not enough
    users = [world.coordinator, world.colleague, world.jobworker, world.outsider, world.head, granted, glass, lapsed]
    for pathway in (world.pathway, teen_pathway):
        for user in users:
            annotated = Pathway.objects.annotate(**scopes.pathway_rights(user)).get(pk=pathway.pk)
            access = PathwayAccess.from_row(annotated)
            for action in policy.ACTIONS:
                in_scope = Pathway.objects.visible_to(user, action).filter(pk=pathway.pk).exists()
                assert access.allows(action) == in_scope, (user.username, pathway.pk, action)
