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


# --- current membership governs "a member of the family now" -------------------------------------------------


def test_an_ended_member_loses_portal_access_as_a_subject(world, family, request_id):
    from samspil.portal.access import portal_pathway_get, portal_pathways, portal_readers

    teenager = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(16))
    with request_id(world.coordinator):
        member = add(world, family, teenager, member_from=days(-40))
    account = f.portal_account(teenager)
    f.grant_portal(family, teenager, "read", by=world.coordinator)
    assert [p.pk for p in portal_pathways(account)] == [family.pk]
    assert portal_pathway_get(user=account, public_id=family.public_id).pk == family.pk
    assert teenager in portal_readers(family)
    with request_id(world.coordinator):
        end(world, family, member, reason="Flyttet til sin far")
    assert portal_pathways(account) == []
    from django.http import Http404

    with pytest.raises(Http404):
        portal_pathway_get(user=account, public_id=family.public_id)
    assert teenager not in portal_readers(type(family).objects.get(pk=family.pk))  # read afresh


def test_a_custody_holder_outside_the_home_keeps_portal_access_through_custody(world, family, request_id):
    from samspil.portal.access import portal_pathways
    from samspil.portal.choices import Capacity

    parent = family.parents[0]
    member = HouseholdMember.objects.get(household=family.household, citizen=parent)
    account = f.portal_account(parent)
    f.grant_portal(family, parent, "read", by=world.coordinator)
    with request_id(world.coordinator):
        end(world, family, member, reason="Flyttet fra hjemmet")
    (reached,) = portal_pathways(account)
    assert reached.portal_access.capacity == Capacity.CUSTODY  # custody, not living in the home, decides now
    assert parent.pk not in family.subject_ids()


def test_meetings_invite_the_current_members_only(world, family, request_id):
    from samspil.meetings.models import MeetingParticipant
    from samspil.meetings.services import meeting_schedule

    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    with request_id(world.coordinator):
        member = add(world, family, sibling, member_from=days(-40))
        start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
        planned = meeting_schedule(
            actor=world.coordinator,
            pathway=family,
            meeting_type="status",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            location="Rådhuset",
        )
        invited = set(
            MeetingParticipant.objects.filter(meeting=planned, is_citizen=True).values_list("citizen_id", flat=True)
        )
        assert invited == {*family.subject_ids()} and sibling.pk in invited
        end(world, family, member, reason="Flyttet på efterskole")
        # Their invitation to the planned meeting is withdrawn; the others stay invited.
        left = set(
            MeetingParticipant.objects.filter(meeting=planned, is_citizen=True).values_list("citizen_id", flat=True)
        )
        assert left == invited - {sibling.pk}
        later = meeting_schedule(
            actor=world.coordinator,
            pathway=family,
            meeting_type="status",
            starts_at=start + datetime.timedelta(days=14),
            ends_at=start + datetime.timedelta(days=14, hours=1),
            location="Rådhuset",
        )
    assert not MeetingParticipant.objects.filter(meeting=later, citizen=sibling).exists()
    assert MeetingParticipant.objects.filter(meeting=later, is_citizen=True).count() == len(family.subject_ids())


def goal_for(world, pathway, member):
    from samspil.plans import services as plan_services
    from samspil.plans.choices import GoalType, Horizon

    return plan_services.goal_add(
        actor=world.coordinator,
        pathway=pathway,
        life_area="education",
        description=f"Mål for {member.first_name}",
        goal_type=GoalType.DEVELOP,
        indicator="Går i skole hver dag",
        horizon=Horizon.SHORT,
        member=member,
    )


def test_goals_and_agreements_for_every_current_member_and_history_kept(world, family, request_id):
    from samspil.plans import services as plan_services
    from samspil.plans.choices import GoalStatus, OwnerKind

    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10))
    with request_id(world.coordinator):
        member = add(world, family, sibling, member_from=days(-40))
        goals = [goal_for(world, family, citizen) for citizen in subject_citizens(family)]
        sibling_goal = next(goal for goal in goals if goal.member_id == sibling.pk)
        plan_services.agreement_create(
            actor=world.coordinator,
            goal=sibling_goal,
            what="Lektiehjælp",
            owner_kind=OwnerKind.CITIZEN,
            owner_member=sibling,
        )
        end(world, family, member, reason="Flyttet")
        family = type(family).objects.get(pk=family.pk)
        with pytest.raises(ValidationError):  # no new goal for a former member
            goal_for(world, family, sibling)
        with pytest.raises(ValidationError):  # nor a new agreement they own
            plan_services.agreement_create(
                actor=world.coordinator,
                goal=sibling_goal,
                what="Ny aftale",
                owner_kind=OwnerKind.CITIZEN,
                owner_member=sibling,
            )
        # Their goal stays theirs and can still be followed up and closed.
        sibling_goal.refresh_from_db()
        updated = plan_services.goal_update(
            actor=world.coordinator,
            goal=sibling_goal,
            expected_version=sibling_goal.version,
            life_area=sibling_goal.life_area,
            description=sibling_goal.description,
            goal_type=sibling_goal.goal_type,
            indicator=sibling_goal.indicator,
            horizon=sibling_goal.horizon,
            status=GoalStatus.values[-1],
            member=sibling,
        )
    assert updated.member_id == sibling.pk


def test_the_plan_page_offers_current_members_and_keeps_a_former_members_goal(world, family, client, request_id):
    sibling = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(10), first_name="Sigurd")
    with request_id(world.coordinator):
        member = add(world, family, sibling, member_from=days(-40))
        goal_for(world, family, sibling)
        end(world, family, member, reason="Flyttet")
    client.force_login(world.coordinator)
    page = client.get(reverse("plans:plan", args=[family.public_id])).content.decode()
    assert "Mål for Sigurd" in page
    assert "Sigurd" in page[page.index("Mål for Sigurd") - 3000 : page.index("Mål for Sigurd")]
    from samspil.plans.forms import GoalForm
    from samspil.plans.selectors import plan_page

    fresh = type(family).objects.get(pk=family.pk)
    from samspil.access.access import pathway_access

    fresh.access = pathway_access(actor=world.coordinator, pathway=fresh)
    form = GoalForm(page=plan_page(actor=world.coordinator, pathway=fresh))
    offered = {value for value, _label in form.fields["member"].choices}
    assert str(sibling.public_id) not in offered
    assert {str(c.public_id) for c in subject_citizens(fresh)} <= offered


def test_a_family_someone_left_is_no_longer_theirs_at_intake(world, family, request_id):
    from samspil.pathways.services import open_pathways_of

    parent = family.parents[1]
    assert [p.pk for p in open_pathways_of(citizen_ids=[parent.pk])] == [family.pk]
    with request_id(world.coordinator):
        end(world, family, HouseholdMember.objects.get(household=family.household, citizen=parent), reason="Flyttet")
    assert open_pathways_of(citizen_ids=[parent.pk]) == []
    assert services.household_for(citizen=family.child).pk == family.household_id


def test_staff_still_see_a_former_member_through_the_pathway(world, family, request_id):
    from samspil.access import policy

    parent = family.parents[1]
    with request_id(world.coordinator):
        end(world, family, HouseholdMember.objects.get(household=family.household, citizen=parent), reason="Flyttet")
    assert Citizen.objects.visible_to(world.coordinator, policy.VIEW).filter(pk=parent.pk).exists()


# --- the data migration ------------------------------------------------------------------------------------


def test_the_data_migration_derives_relations_from_roles_and_custody(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("samspil.citizens.migrations.0003_household_member_history")
    household = f.make_family(world.municipality, adults=2, children=2)
    lodger = f.HouseholdMemberFactory(household=household, role=HouseholdRole.ADULT).citizen
    HouseholdMember.objects.filter(household=household).update(relation="other_adult", member_from=days(5))
    migration.relations_from_roles(apps, None)
    rows = {m.citizen_id: m for m in HouseholdMember.objects.filter(household=household)}
    children = sorted((m for m in rows.values() if m.role == HouseholdRole.CHILD), key=lambda m: m.pk)
    assert [m.relation for m in children] == [HouseholdRelation.INDEX_CHILD, HouseholdRelation.SIBLING]
    adults = [m for m in rows.values() if m.role == HouseholdRole.ADULT and m.citizen_id != lodger.pk]
    assert {m.relation for m in adults} == {HouseholdRelation.PARENT}
    assert rows[lodger.pk].relation == HouseholdRelation.OTHER_ADULT
    created = timezone.localtime(household.created_at).date()
    assert {m.member_from for m in rows.values()} == {created}


# --- the overview's queries ----------------------------------------------------------------------------------


def test_the_family_overview_reads_members_and_former_members_in_a_fixed_number_of_queries(world, family, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coordinator)
    url = reverse("pathways:overview", args=[family.public_id])
    client.get(url)  # warm the session and the caches

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for i in range(6):
        extra = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(3 + i))
        row = services.household_member_add(
            actor=world.coordinator,
            pathway=family,
            citizen=extra,
            relation=HouseholdRelation.SIBLING,
            member_from=days(-30),
        )
        if i % 2:
            services.household_member_end(
                actor=world.coordinator,
                pathway=family,
                member=row,
                reason="Flyttet",
                member_to=days(-1),
                expected_version=row.version,
            )
    many = count()
    assert many == few
