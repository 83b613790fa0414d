import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.audit.models import AuditEvent
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.pathways.models import StatusChange, TeamMember
from samspil.pathways.services import pathway_open
from samspil.segmentation.tests.factories import controller
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    boss = controller()
    municipality = boss.municipality
    jobcentre = f.DepartmentFactory(municipality=municipality, kind=DepartmentKind.JOB_CENTRE)
    return {
        "boss": boss,
        "caseworker": f.make_staff(jobcentre),
        "programme": f.ProgrammeFactory(
            municipality=municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE
        ),
        "citizen": f.CitizenFactory(municipality=municipality),
        "jobcentre": jobcentre,
    }


def test_pathway_open_with_a_coordinator_leaves_the_actor_off_the_team(setting):
    pathway = pathway_open(
        actor=setting["boss"],
        programme=setting["programme"],
        citizen=setting["citizen"],
        referral_reason="Kandidat fra segmentering",
        coordinator=setting["caseworker"],
    )
    assert (pathway.coordinator, pathway.lead_department) == (setting["caseworker"], setting["jobcentre"])
    assert list(TeamMember.objects.filter(pathway=pathway).values_list("user", flat=True)) == [setting["caseworker"].pk]
    assert StatusChange.objects.get(pathway=pathway).changed_by == setting["boss"]
    assert AuditEvent.objects.get(pathway=pathway, code="pathway.opened").actor == setting["boss"]


def test_the_coordinator_must_be_a_caseworker_of_the_programmes_department_kind(setting):
    social = f.make_staff(f.DepartmentFactory(municipality=setting["boss"].municipality, kind=DepartmentKind.HEALTH))
    with pytest.raises(ValidationError):
        pathway_open(
            actor=setting["boss"], programme=setting["programme"], citizen=setting["citizen"], coordinator=social
        )
    head = f.make_staff(setting["jobcentre"], role=StaffRole.DEPARTMENT_HEAD)
    with pytest.raises(ValidationError):
        pathway_open(
            actor=setting["boss"], programme=setting["programme"], citizen=setting["citizen"], coordinator=head
        )


def test_a_role_without_case_work_or_segmentation_may_not_open_for_someone(setting):
    head = f.make_staff(setting["jobcentre"], role=StaffRole.DEPARTMENT_HEAD)
    with pytest.raises(PermissionDenied):
        pathway_open(
            actor=head, programme=setting["programme"], citizen=setting["citizen"], coordinator=setting["caseworker"]
        )
    with pytest.raises(PermissionDenied):  # and the controller may not open one as its own coordinator
        pathway_open(actor=setting["boss"], programme=setting["programme"], citizen=setting["citizen"])


def test_a_coordinator_of_another_municipality_is_refused(setting):
    stranger = f.make_staff(f.DepartmentFactory(kind=DepartmentKind.JOB_CENTRE))
    with pytest.raises(PermissionDenied):
        pathway_open(
            actor=setting["boss"], programme=setting["programme"], citizen=setting["citizen"], coordinator=stranger
        )


# --- opening a pathway for a candidate --------------------------------------------------------------------------


@pytest.fixture
def subject(setting, tmp_path):
    from samspil.segmentation.models import ConsumptionSubject
    from samspil.segmentation.tests.factories import people_with_costs

    people_with_costs(tmp_path, setting["boss"].municipality, [100])
    return ConsumptionSubject.objects.get(municipality=setting["boss"].municipality)


def open_for(setting, subject, **kwargs):
    from samspil.segmentation.services import candidate_open_pathway

    arguments = {
        "actor": setting["boss"],
        "subject": subject,
        "programme": setting["programme"],
        "coordinator": setting["caseworker"],
        "referral_reason": "Kandidat",
        "first_name": "Ida",
        "last_name": "Holmegaard",
    }
    return candidate_open_pathway(**(arguments | kwargs))


def test_errors_name_the_candidate_by_reference_not_by_name(setting, subject):
    citizen = f.CitizenFactory(
        municipality=subject.municipality, cpr=subject.reveal_cpr(), first_name="Ida", last_name="Holmegaard"
    )
    programme = setting["programme"]
    programme.min_age, programme.max_age = 0, 10
    programme.save()
    with pytest.raises(ValidationError) as too_old:
        open_for(setting, subject)
    assert subject.reference in str(too_old.value) and "Holmegaard" not in str(too_old.value)
    programme.min_age = programme.max_age = None
    programme.save()
    pathway_open(actor=setting["caseworker"], programme=programme, citizen=citizen)
    with pytest.raises(ValidationError) as twice:
        open_for(setting, subject)
    assert subject.reference in str(twice.value) and "Holmegaard" not in str(twice.value)


def test_the_controller_registers_the_person_on_behalf_of_the_coordinator(setting, subject):
    from samspil.citizens.models import Citizen

    pathway = open_for(setting, subject)
    citizen = Citizen.objects.get(pk=pathway.citizen_id)
    assert citizen.created_by == setting["boss"]
    event = AuditEvent.objects.get(code="citizen.created")
    assert event.actor == setting["boss"]
    assert event.data["on_behalf_of"] == str(setting["caseworker"].pk)
    assert pathway.coordinator == setting["caseworker"]


def test_citizen_create_on_behalf_of_needs_the_coordinators_case_role(setting):
    from django.core.exceptions import PermissionDenied

    from samspil.citizens.services import citizen_create

    head = f.make_staff(setting["jobcentre"], role=StaffRole.DEPARTMENT_HEAD)
    stranger = f.make_staff(f.DepartmentFactory(kind=DepartmentKind.JOB_CENTRE))
    for coordinator in (head, stranger):
        with pytest.raises(PermissionDenied):
            citizen_create(
                actor=setting["boss"],
                on_behalf_of=coordinator,
                first_name="A",
                last_name="B",
                cpr_number=f.random_cpr(),
            )
    with pytest.raises(PermissionDenied):  # and without anyone behind it, the controller may not register
        citizen_create(actor=setting["boss"], first_name="A", last_name="B", cpr_number=f.random_cpr())


def test_a_person_registered_a_moment_ago_by_someone_else_is_used(setting, subject, monkeypatch):
    from samspil.citizens import services as citizen_services

    existing = f.CitizenFactory(municipality=subject.municipality, cpr=subject.reveal_cpr())
    real = citizen_services.citizen_find_by_cpr
    calls = []

    def not_yet_the_first_time(**kwargs):  # the other registration commits between our look-up and our insert
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(citizen_services, "citizen_find_by_cpr", not_yet_the_first_time)
    pathway = open_for(setting, subject)
    assert pathway.citizen == existing
    subject.refresh_from_db()
    assert subject.citizen == existing


def test_the_chosen_department_of_the_coordinator_leads_the_pathway(setting, subject):
    from samspil.organisations.models import Membership

    second = f.DepartmentFactory(municipality=subject.municipality, kind=DepartmentKind.JOB_CENTRE)
    f.MembershipFactory(user=setting["caseworker"], department=second)
    assert Membership.objects.filter(user=setting["caseworker"]).count() == 2
    pathway = open_for(setting, subject, department=second)
    assert pathway.lead_department == second
    assert TeamMember.objects.get(pathway=pathway).department == second


def test_a_department_where_the_coordinator_has_no_caseworker_place_is_refused(setting, subject):
    from samspil.pathways.models import Pathway

    elsewhere = f.DepartmentFactory(municipality=subject.municipality, kind=DepartmentKind.JOB_CENTRE)
    f.MembershipFactory(user=setting["caseworker"], department=elsewhere, role=StaffRole.DEPARTMENT_HEAD)
    health = f.DepartmentFactory(municipality=subject.municipality, kind=DepartmentKind.HEALTH)
    f.MembershipFactory(user=setting["caseworker"], department=health)
    for department in (elsewhere, health):
        with pytest.raises(ValidationError):
            open_for(setting, subject, department=department)
    assert not Pathway.objects.exists()


# --- the candidate rule ------------------------------------------------------------------------------------------


def test_two_first_saves_of_the_rule_at_once_give_a_conflict(setting, monkeypatch):
    from samspil.core.exceptions import ConflictError
    from samspil.segmentation import services
    from samspil.segmentation.models import CandidateRule

    arguments = {
        "actor": setting["boss"],
        "min_departments": 3,
        "top_percent": None,
        "min_total_dkk": None,
        "combination": "any",
        "expected_version": 0,
    }
    services.candidate_rule_update(**arguments)
    # The other save committed after this one looked for the rule (and both passed validation).
    monkeypatch.setattr(services, "_rule_for_update", lambda municipality_id: None)
    monkeypatch.setattr(CandidateRule, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ConflictError):
        services.candidate_rule_update(**arguments)
    assert CandidateRule.objects.get(municipality=setting["boss"].municipality).version == 1
