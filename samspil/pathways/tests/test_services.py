"""Pathway writes: each checks the policy, validates, saves, and leaves an event and a change-log row —
or, when refused, leaves nothing at all."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from samspil.access import policy
from samspil.access.choices import ConsentForm, ConsentGiverRole
from samspil.access.models import AccessGrant, BreakGlassAccess, Consent
from samspil.audit.models import ChangeLogEntry
from samspil.citizens.models import HouseholdMember
from samspil.core.exceptions import ConflictError
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.pathways import services
from samspil.pathways.choices import PathwayStatus, SubjectKind, TeamMemberKind, TeamRole
from samspil.pathways.models import Pathway, StatusChange, TeamMember
from tests import factories as f
from tests.audit_asserts import assert_change, assert_event, audit_counts

pytestmark = pytest.mark.django_db

CREATE, UPDATE = ChangeLogEntry.Action.CREATE, ChangeLogEntry.Action.UPDATE


def visible(user, pathway, action=policy.VIEW) -> bool:
    return Pathway.objects.visible_to(user, action).filter(pk=pathway.pk).exists()


@pytest.fixture
def opened(world, request_id):
    """A pathway just opened through the service by the world's coordinator (status: referred)."""
    citizen = f.CitizenFactory(municipality=world.municipality)
    with request_id(world.coordinator, "open-request"):
        return services.pathway_open(
            actor=world.coordinator,
            programme=world.programme,
            citizen=citizen,
            referral_reason="  Mange sager på én gang  ",
        )


# --- pathway_open ------------------------------------------------------------------------------------------


def test_open_makes_the_actor_coordinator_and_first_team_member(world, opened):
    assert opened.coordinator == world.coordinator
    assert opened.lead_department == world.children
    assert opened.status == PathwayStatus.REFERRED
    assert opened.referral_reason == "Mange sager på én gang"
    place = TeamMember.objects.get(pathway=opened)
    assert (place.user, place.department, place.role) == (world.coordinator, world.children, TeamRole.CASEWORKER)
    first = StatusChange.objects.get(pathway=opened)
    assert (first.from_status, first.to_status, first.changed_by) == ("", PathwayStatus.REFERRED, world.coordinator)
    event = assert_event("pathway.opened", actor=world.coordinator, request_id="open-request", pathway=opened)
    assert world.programme.name in event.text
    row = assert_change(opened, CREATE, actor=world.coordinator, request_id="open-request")
    assert row.pathway_id == opened.pk and row.after["status"] == PathwayStatus.REFERRED
    assert_change(place, CREATE, actor=world.coordinator, request_id="open-request")


def test_open_follows_the_programmes_coordinator_department_kind(world):
    programme = f.ProgrammeFactory(
        municipality=world.municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE
    )
    citizen = f.CitizenFactory(municipality=world.municipality)
    with pytest.raises(ValidationError):
        services.pathway_open(actor=world.coordinator, programme=programme, citizen=citizen)  # children dept
    pathway = services.pathway_open(actor=world.jobworker, programme=programme, citizen=citizen)
    assert pathway.lead_department == world.jobs


def test_open_picks_the_matching_department_for_a_caseworker_in_two(world):
    f.MembershipFactory(user=world.coordinator, department=world.jobs, role=StaffRole.CASEWORKER)
    programme = f.ProgrammeFactory(
        municipality=world.municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE
    )
    pathway = services.pathway_open(
        actor=world.coordinator, programme=programme, citizen=f.CitizenFactory(municipality=world.municipality)
    )
    assert pathway.lead_department == world.jobs


def test_only_a_caseworker_can_coordinate(world):
    with pytest.raises(ValidationError):  # a professional does case work but does not coordinate
        services.pathway_open(
            actor=world.colleague, programme=world.programme, citizen=f.CitizenFactory(municipality=world.municipality)
        )


@pytest.mark.parametrize(("age", "allowed"), [(14, False), (15, True), (29, True), (30, False)])
def test_open_respects_the_programmes_age_range(world, age, allowed):
    programme = f.ProgrammeFactory(municipality=world.municipality, min_age=15, max_age=29)
    citizen = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(age))
    if allowed:
        assert services.pathway_open(actor=world.coordinator, programme=programme, citizen=citizen).pk
    else:
        with pytest.raises(ValidationError):
            services.pathway_open(actor=world.coordinator, programme=programme, citizen=citizen)
        assert not Pathway.objects.filter(citizen=citizen).exists()


def test_one_open_pathway_per_citizen_per_programme(world, opened):
    before = audit_counts()
    with pytest.raises(ValidationError):
        services.pathway_open(actor=world.coordinator, programme=world.programme, citizen=opened.citizen)
    assert Pathway.objects.filter(citizen=opened.citizen).count() == 1
    assert audit_counts() == before
    # Another programme deliberately (with a reason) is fine, and so is the same one once the first is closed.
    other = f.ProgrammeFactory(municipality=world.municipality)
    second = services.pathway_open(
        actor=world.coordinator,
        programme=other,
        citizen=opened.citizen,
        second_pathway_reason="Et særskilt forløb er nødvendigt her",
    )
    assert second.pk
    services.pathway_change_status(
        actor=world.coordinator,
        pathway=second,
        to_status=PathwayStatus.CLOSED,
        outcome="goal_reached",
        reason="Afsluttet",
        expected_version=second.version,
    )
    services.pathway_change_status(
        actor=world.coordinator,
        pathway=opened,
        to_status=PathwayStatus.CLOSED,
        outcome="goal_reached",
        reason="Afsluttet",
        expected_version=opened.version,
    )
    again = services.pathway_open(actor=world.coordinator, programme=world.programme, citizen=opened.citizen)
    assert again.pk != opened.pk


def test_family_programme_opens_for_a_new_household_with_the_custody_holders(world):
    programme = f.ProgrammeFactory(municipality=world.municipality, subject_kind=SubjectKind.HOUSEHOLD)
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(7))
    mother = f.GuardianshipFactory(child=child).guardian
    father = f.GuardianshipFactory(child=child, relation="father").guardian
    pathway = services.pathway_open(actor=world.coordinator, programme=programme, citizen=child)
    assert pathway.citizen is None and pathway.household is not None
    members = {m.citizen_id: m.role for m in HouseholdMember.objects.filter(household=pathway.household)}
    assert members == {child.pk: "child", mother.pk: "adult", father.pk: "adult"}
    with pytest.raises(ValidationError):  # the family already has an open pathway in the programme
        services.pathway_open(actor=world.coordinator, programme=programme, citizen=mother)


def test_open_is_refused_without_a_case_role_across_municipalities_or_in_an_inactive_programme(world):
    citizen = f.CitizenFactory(municipality=world.municipality)
    with pytest.raises(PermissionDenied):
        services.pathway_open(actor=world.head, programme=world.programme, citizen=citizen)
    with pytest.raises(PermissionDenied):
        services.pathway_open(actor=world.stranger, programme=world.programme, citizen=citizen)
    closed_programme = f.ProgrammeFactory(municipality=world.municipality, active=False)
    with pytest.raises(ValidationError):
        services.pathway_open(actor=world.coordinator, programme=closed_programme, citizen=citizen)
    assert not Pathway.objects.filter(citizen=citizen).exists()


# --- status ------------------------------------------------------------------------------------------------


def test_allowed_transition_is_saved_with_history_event_and_change_log(world, opened, request_id):
    with request_id(world.coordinator, "status-request"):
        pathway = services.pathway_change_status(
            actor=world.coordinator, pathway=opened, to_status=PathwayStatus.ASSESSMENT, expected_version=1
        )
    pathway.refresh_from_db()
    assert (pathway.status, pathway.version) == (PathwayStatus.ASSESSMENT, 2)
    assert StatusChange.objects.filter(
        pathway=pathway, from_status=PathwayStatus.REFERRED, to_status=PathwayStatus.ASSESSMENT
    ).exists()
    assert_event("pathway.status_changed", actor=world.coordinator, request_id="status-request", pathway=pathway)
    row = assert_change(pathway, UPDATE, actor=world.coordinator, request_id="status-request")
    assert (row.before["status"], row.after["status"]) == (PathwayStatus.REFERRED, PathwayStatus.ASSESSMENT)
    assert (row.before["version"], row.after["version"]) == (1, 2)


def test_transition_outside_the_lifecycle_is_refused(world, opened):
    before = audit_counts()
    with pytest.raises(ValidationError):
        services.pathway_change_status(
            actor=world.coordinator, pathway=opened, to_status=PathwayStatus.ACTIVE, expected_version=1
        )
    opened.refresh_from_db()
    assert (opened.status, opened.version) == (PathwayStatus.REFERRED, 1)
    assert audit_counts() == before


@pytest.mark.parametrize("to_status", [PathwayStatus.PAUSED, PathwayStatus.CLOSED])
def test_pause_and_close_need_a_reason(world, to_status):
    pathway = world.pathway  # active
    with pytest.raises(ValidationError):
        services.pathway_change_status(
            actor=world.coordinator,
            pathway=pathway,
            to_status=to_status,
            reason="   ",
            expected_version=pathway.version,
        )
    changed = services.pathway_change_status(
        actor=world.coordinator,
        pathway=pathway,
        to_status=to_status,
        reason="Borgeren er indlagt",
        expected_version=pathway.version,
        outcome="goal_reached" if to_status == PathwayStatus.CLOSED else "",
    )
    assert changed.status == to_status
    assert (changed.closed_on == timezone.localdate()) is (to_status == PathwayStatus.CLOSED)


def test_closed_is_final(world):
    closed = services.pathway_change_status(
        actor=world.coordinator,
        pathway=world.pathway,
        to_status=PathwayStatus.CLOSED,
        outcome="goal_reached",
        reason="Mål nået",
        expected_version=world.pathway.version,
    )
    for status in PathwayStatus:
        with pytest.raises(ValidationError):
            services.pathway_change_status(
                actor=world.coordinator,
                pathway=closed,
                to_status=status,
                reason="igen",
                expected_version=closed.version,
            )


def test_version_conflict_raises_and_writes_nothing(world, opened):
    services.pathway_change_status(
        actor=world.coordinator, pathway=opened, to_status=PathwayStatus.ASSESSMENT, expected_version=1
    )
    before = audit_counts(), StatusChange.objects.count()
    with pytest.raises(ConflictError):  # a second writer who loaded version 1
        services.pathway_change_status(
            actor=world.coordinator,
            pathway=opened,
            to_status=PathwayStatus.CLOSED,
            outcome="goal_reached",
            reason="Dobbelt",
            expected_version=1,
        )
    opened.refresh_from_db()
    assert (opened.status, opened.version, opened.closed_on) == (PathwayStatus.ASSESSMENT, 2, None)
    assert (audit_counts(), StatusChange.objects.count()) == before


def test_only_the_coordinator_changes_status(world):
    with pytest.raises(PermissionDenied):
        services.pathway_change_status(
            actor=world.colleague,
            pathway=world.pathway,
            to_status=PathwayStatus.PAUSED,
            reason="x",
            expected_version=world.pathway.version,
        )
    with pytest.raises(Http404):
        services.pathway_change_status(
            actor=world.outsider,
            pathway=world.pathway,
            to_status=PathwayStatus.PAUSED,
            reason="x",
            expected_version=world.pathway.version,
        )


# --- team --------------------------------------------------------------------------------------------------


def test_add_staff_member(world, request_id):
    nurse = f.make_staff(world.health, StaffRole.PROFESSIONAL)
    with request_id(world.coordinator, "team-request"):
        member = services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.STAFF,
            role=TeamRole.PROFESSIONAL,
            user=nurse,
            department=world.health,
        )
    assert (member.user, member.department, member.active_from) == (nurse, world.health, timezone.localdate())
    event = assert_event("team.member_added", actor=world.coordinator, request_id="team-request", pathway=world.pathway)
    assert nurse.get_full_name() in event.text
    assert_change(member, CREATE, actor=world.coordinator, request_id="team-request")


@pytest.mark.parametrize("missing", ["user", "department"])
def test_staff_member_needs_user_and_department(world, missing):
    nurse = f.make_staff(world.health)
    arguments = {"user": nurse, "department": world.health}
    arguments.pop(missing)
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.STAFF,
            role=TeamRole.PROFESSIONAL,
            **arguments,
        )


def test_staff_member_must_work_in_the_department_they_represent(world):
    nurse = f.make_staff(world.health)
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.STAFF,
            role=TeamRole.PROFESSIONAL,
            user=nurse,
            department=world.jobs,
        )


def test_staff_member_cannot_be_added_twice(world):
    before = TeamMember.objects.count(), audit_counts()
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.STAFF,
            role=TeamRole.PROFESSIONAL,
            user=world.colleague,
            department=world.children,
        )
    assert (TeamMember.objects.count(), audit_counts()) == before


def test_no_one_is_added_to_a_closed_pathway(world):
    closed = services.pathway_change_status(
        actor=world.coordinator,
        pathway=world.pathway,
        to_status=PathwayStatus.CLOSED,
        outcome="goal_reached",
        reason="Slut",
        expected_version=world.pathway.version,
    )
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=world.coordinator,
            pathway=closed,
            kind=TeamMemberKind.NETWORK,
            role=TeamRole.NETWORK,
            name="Moster Inge",
        )


def test_add_external_contact_of_the_same_municipality_only(world):
    foreign = f.ExternalContactFactory(organisation__municipality=world.other_municipality)
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.EXTERNAL,
            role=TeamRole.DROP_IN_STAFF,
            external_contact=foreign,
        )
    local = f.ExternalContactFactory(organisation__municipality=world.municipality)
    member = services.team_member_add(
        actor=world.coordinator,
        pathway=world.pathway,
        kind=TeamMemberKind.EXTERNAL,
        role=TeamRole.DROP_IN_STAFF,
        external_contact=local,
    )
    assert member.display_name == local.name


def test_add_network_person(world, request_id):
    with pytest.raises(ValidationError):
        services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.NETWORK,
            role=TeamRole.NETWORK,
            name="   ",
        )
    with request_id(world.coordinator, "network-request"):
        member = services.team_member_add(
            actor=world.coordinator,
            pathway=world.pathway,
            kind=TeamMemberKind.NETWORK,
            role=TeamRole.MENTOR,
            name=" Grethe Nabo ",
            relation=" nabo ",
            phone="12345678",
        )
    assert (member.name, member.relation, member.role, member.user) == ("Grethe Nabo", "nabo", TeamRole.NETWORK, None)
    assert_event("team.member_added", actor=world.coordinator, request_id="network-request", pathway=world.pathway)
    assert_change(member, CREATE, actor=world.coordinator, request_id="network-request")
    assert not Pathway.objects.visible_to(world.outsider, policy.VIEW).exists()  # a network person is no login


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError):
        services.team_member_add(actor=world.coordinator, pathway=world.pathway, kind="robot", role=TeamRole.MENTOR)


def test_only_the_coordinator_manages_the_team(world):
    with pytest.raises(PermissionDenied):
        services.team_member_add(
            actor=world.colleague,
            pathway=world.pathway,
            kind=TeamMemberKind.NETWORK,
            role=TeamRole.NETWORK,
            name="Moster Inge",
        )


def test_end_team_place(world, request_id):
    with request_id(world.coordinator, "end-request"):
        member = services.team_member_end(actor=world.coordinator, member=world.colleague_place, reason=" Skifter job ")
    assert (member.active_to, member.end_reason) == (timezone.localdate(), "Skifter job")
    assert_event("team.member_ended", actor=world.coordinator, request_id="end-request", pathway=world.pathway)
    row = assert_change(member, UPDATE, actor=world.coordinator, request_id="end-request")
    assert row.before["active_to"] is None and row.after["active_to"] == timezone.localdate().isoformat()
    with pytest.raises(ValidationError):
        services.team_member_end(actor=world.coordinator, member=member, reason="igen")


def test_coordinator_cannot_leave_the_team(world):
    place = TeamMember.objects.get(pathway=world.pathway, user=world.coordinator)
    with pytest.raises(ValidationError):
        services.team_member_end(actor=world.coordinator, member=place, reason="ferie")


def test_end_date_before_start_is_refused(world):
    with pytest.raises(ValidationError):
        services.team_member_end(
            actor=world.coordinator,
            member=world.colleague_place,
            reason="fejl",
            active_to=world.colleague_place.active_from - datetime.timedelta(days=1),
        )
    world.colleague_place.refresh_from_db()
    assert world.colleague_place.active_to is None


# --- consent and legal basis -------------------------------------------------------------------------------


def record_consent(world, **overrides):
    arguments = {
        "actor": world.coordinator,
        "pathway": world.pathway,
        "giver": world.citizen,
        "purpose": "Koordinering",
        "departments": [world.jobs],
        "form": ConsentForm.WRITTEN,
        "given_on": timezone.localdate(),
    }
    return services.consent_record(**{**arguments, **overrides})


def test_record_consent_opens_the_department(world, request_id):
    assert not visible(world.jobworker, world.pathway)
    with request_id(world.coordinator, "consent-request"):
        consent = record_consent(world)
    assert list(consent.departments.all()) == [world.jobs]
    assert (consent.giver, consent.giver_role, consent.giver_name) == (
        world.citizen,
        ConsentGiverRole.CITIZEN,
        world.citizen.full_name,
    )
    assert visible(world.jobworker, world.pathway)
    event = assert_event("consent.given", actor=world.coordinator, request_id="consent-request", pathway=world.pathway)
    assert world.jobs.name in event.text
    assert_change(consent, CREATE, actor=world.coordinator, request_id="consent-request")
    scope = consent.scopes.get()  # which departments a consent covers shows in the change log too
    row = assert_change(scope, CREATE, actor=world.coordinator, request_id="consent-request")
    assert row.pathway_id == world.pathway.pk and row.after["department_id"] == world.jobs.pk


def test_consent_giver_must_be_the_citizen_or_a_custody_holder(world):
    child = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    mother = f.GuardianshipFactory(child=child).guardian
    pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=child)
    consent = record_consent(world, pathway=pathway, giver=mother)
    assert consent.giver_role == ConsentGiverRole.CUSTODY_HOLDER
    neighbour = f.CitizenFactory(municipality=world.municipality)
    with pytest.raises(ValidationError):
        record_consent(world, pathway=pathway, giver=neighbour)
    with pytest.raises(ValidationError):  # an adult has no custody holder who could consent for them
        record_consent(world, giver=mother)
    assert Consent.objects.count() == 1


def test_consent_in_a_family_pathway(world):
    household = f.make_family(world.municipality, adults=1, children=1)
    pathway = f.PathwayFactory(
        coordinator=world.coordinator, lead_department=world.children, citizen=None, household=household
    )
    parent = household.memberships.get(role="adult").citizen
    assert record_consent(world, pathway=pathway, giver=parent).giver_role == ConsentGiverRole.CUSTODY_HOLDER
    child = household.memberships.get(role="child").citizen
    with pytest.raises(ValidationError):
        record_consent(world, pathway=pathway, giver=child)


@pytest.mark.parametrize(
    "overrides",
    [
        {"departments": []},
        {"given_on": timezone.localdate() + datetime.timedelta(days=1)},
        {"given_on": timezone.localdate(), "expires_on": timezone.localdate() - datetime.timedelta(days=1)},
    ],
    ids=["no-department", "given-in-the-future", "expires-before-given"],
)
def test_invalid_consent_is_refused(world, overrides):
    before = Consent.objects.count(), audit_counts()
    with pytest.raises(ValidationError):
        record_consent(world, **overrides)
    assert (Consent.objects.count(), audit_counts()) == before


def test_consent_cannot_name_another_municipalitys_department(world):
    with pytest.raises(PermissionDenied):
        record_consent(world, departments=[f.DepartmentFactory(municipality=world.other_municipality)])


def test_withdraw_consent(world, request_id):
    consent = record_consent(world)
    with request_id(world.coordinator, "withdraw-request"):
        withdrawn = services.consent_withdraw(actor=world.coordinator, consent=consent, reason="Ombestemt sig")
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawal_reason == "Ombestemt sig"
    assert not visible(world.jobworker, world.pathway)
    assert_event("consent.withdrawn", actor=world.coordinator, request_id="withdraw-request", pathway=world.pathway)
    row = assert_change(withdrawn, UPDATE, actor=world.coordinator, request_id="withdraw-request")
    assert row.before["withdrawn_at"] is None and row.after["withdrawn_at"]
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=world.coordinator, consent=consent, reason="igen")


def test_record_legal_basis(world, request_id):
    with pytest.raises(ValidationError):
        services.legal_basis_record(
            actor=world.coordinator, pathway=world.pathway, department=world.jobs, reference="  "
        )
    with request_id(world.coordinator, "basis-request"):
        basis = services.legal_basis_record(
            actor=world.coordinator, pathway=world.pathway, department=world.jobs, reference=" LAB § 40 stk. 3 "
        )
    assert basis.reference == "LAB § 40 stk. 3"
    assert visible(world.jobworker, world.pathway)
    assert_event("legal_basis.recorded", actor=world.coordinator, request_id="basis-request", pathway=world.pathway)
    assert_change(basis, CREATE, actor=world.coordinator, request_id="basis-request")


# --- grants and break-glass --------------------------------------------------------------------------------


def tomorrow():
    return timezone.now() + datetime.timedelta(days=1)


def test_create_and_revoke_grant(world, request_id):
    with request_id(world.coordinator, "grant-request"):
        grant = services.grant_create(
            actor=world.coordinator,
            pathway=world.pathway,
            user=world.outsider,
            reason=" Vikar ",
            valid_until=tomorrow(),
        )
    assert grant.reason == "Vikar" and grant.granted_by == world.coordinator
    assert visible(world.outsider, world.pathway) and not visible(world.outsider, world.pathway, policy.CONTRIBUTE)
    assert_event("grant.created", actor=world.coordinator, request_id="grant-request", pathway=world.pathway)
    assert_change(grant, CREATE, actor=world.coordinator, request_id="grant-request")

    with request_id(world.coordinator, "revoke-request"):
        revoked = services.grant_revoke(actor=world.coordinator, grant=grant)
        services.grant_revoke(actor=world.coordinator, grant=grant)  # twice: no second event
    assert revoked.revoked_at is not None
    assert not visible(world.outsider, world.pathway)
    assert_event("grant.revoked", actor=world.coordinator, request_id="revoke-request", pathway=world.pathway)
    assert_change(revoked, UPDATE, actor=world.coordinator, request_id="revoke-request")


def test_grant_is_only_for_staff_of_the_municipality_with_a_reason_and_a_future_end(world):
    citizen_account = f.CitizenAccountFactory(municipality=world.municipality)
    cases = [
        {"user": citizen_account},
        {"user": world.stranger},
        {"valid_until": timezone.now() - datetime.timedelta(minutes=1)},
        {"reason": "   "},
    ]
    for overrides in cases:
        arguments = {"user": world.outsider, "reason": "Vikar", "valid_until": tomorrow(), **overrides}
        with pytest.raises(ValidationError):
            services.grant_create(actor=world.coordinator, pathway=world.pathway, **arguments)
    assert not AccessGrant.objects.exists()


def test_only_the_coordinator_grants(world):
    with pytest.raises(PermissionDenied):
        services.grant_create(
            actor=world.colleague, pathway=world.pathway, user=world.outsider, reason="Vikar", valid_until=tomorrow()
        )


def test_break_glass_open(world, request_id, settings):
    settings.SAMSPIL_BREAK_GLASS_HOURS = 2
    with request_id(world.outsider, "glass-request"):
        access = services.break_glass_open(
            actor=world.outsider, pathway=world.pathway, reason="  Politiet ringer om borgeren  "
        )
    assert access.reason == "Politiet ringer om borgeren"
    assert datetime.timedelta(hours=1, minutes=59) < access.expires_at - timezone.now() <= datetime.timedelta(hours=2)
    event = assert_event("access.break_glass", actor=world.outsider, request_id="glass-request", pathway=world.pathway)
    assert "Politiet ringer om borgeren" in event.text
    assert_change(access, CREATE, actor=world.outsider, request_id="glass-request")


def test_break_glass_needs_a_real_reason_and_a_case_role_in_the_municipality(world):
    with pytest.raises(ValidationError):
        services.break_glass_open(actor=world.outsider, pathway=world.pathway, reason="fordi   ")
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=world.head, pathway=world.pathway, reason="Jeg vil gerne se sagen")
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=world.stranger, pathway=world.pathway, reason="Jeg vil gerne se sagen")
    assert not BreakGlassAccess.objects.exists()
