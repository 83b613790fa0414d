"""A controller hands a candidate to a coordinator as a referral (*henvisning*); the coordinator registers the name
and opens the pathway when taking it on (issue 8, item 5)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from samspil.access import policy
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.citizens import cpr as cpr_module
from samspil.citizens.models import Citizen
from samspil.organisations.choices import DepartmentKind, StaffRole
from samspil.organisations.models import Membership
from samspil.pathways.models import Pathway, TeamMember
from samspil.pathways.services import OpenPathwayExists, pathway_open
from samspil.segmentation import selectors, services
from samspil.segmentation.choices import ReferralStatus
from samspil.segmentation.models import ConsumptionSubject, Referral
from samspil.segmentation.tests.factories import controller, people_with_costs
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(tmp_path):
    boss = controller()
    municipality = boss.municipality
    jobcentre = f.DepartmentFactory(municipality=municipality, kind=DepartmentKind.JOB_CENTRE, name="Jobcentret")
    caseworker = f.make_staff(jobcentre)
    people_with_costs(tmp_path, municipality, [100])
    return {
        "boss": boss,
        "caseworker": caseworker,
        "place": Membership.objects.get(user=caseworker),
        "programme": f.ProgrammeFactory(
            municipality=municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE, name="Jobforløb"
        ),
        "jobcentre": jobcentre,
        "subject": ConsumptionSubject.objects.get(municipality=municipality),
    }


def refer(setting, **kwargs):
    arguments = {
        "actor": setting["boss"],
        "subject": setting["subject"],
        "programme": setting["programme"],
        "membership": setting["place"],
        "note": "Mange afdelinger involveret",
    }
    return services.referral_create(**(arguments | kwargs))


def take(setting, referral, **kwargs):
    arguments = {"actor": setting["caseworker"], "referral": referral, "first_name": "Ida", "last_name": "Holm"}
    return services.referral_take(**(arguments | kwargs))


# --- the controller refers ------------------------------------------------------------------------------------


def test_a_referral_names_no_one_registers_no_one_and_opens_nothing(setting):
    referral = refer(setting)
    assert (referral.status, referral.coordinator, referral.department) == (
        ReferralStatus.OPEN,
        setting["caseworker"],
        setting["jobcentre"],
    )
    assert not Citizen.objects.exists() and not Pathway.objects.exists()
    event = AuditEvent.objects.get(code="referral.created")
    assert event.actor == setting["boss"] and setting["caseworker"].get_full_name() in event.text
    text = str(referral)
    assert setting["subject"].reference in text and "Jobforløb" in text
    assert cpr_module.formatted(setting["subject"].reveal_cpr()) not in text


def test_the_coordinator_must_be_a_caseworker_of_the_programmes_department_kind(setting):
    health = f.DepartmentFactory(municipality=setting["boss"].municipality, kind=DepartmentKind.HEALTH)
    nurse = Membership.objects.get(user=f.make_staff(health))
    head = Membership.objects.get(user=f.make_staff(setting["jobcentre"], role=StaffRole.DEPARTMENT_HEAD))
    for membership in (nurse, head):
        with pytest.raises(ValidationError):
            refer(setting, membership=membership)
    assert not Referral.objects.exists()


def test_only_segmentation_roles_refer_and_only_within_the_municipality(setting):
    with pytest.raises(PermissionDenied):
        refer(setting, actor=setting["caseworker"])
    stranger = Membership.objects.get(user=f.make_staff(f.DepartmentFactory(kind=DepartmentKind.JOB_CENTRE)))
    with pytest.raises(PermissionDenied):
        refer(setting, membership=stranger)
    with pytest.raises(PermissionDenied):  # and a controller does not open pathways at all any more
        pathway_open(actor=setting["boss"], programme=setting["programme"], citizen=f.CitizenFactory())


def test_one_open_referral_per_person_and_programme(setting):
    refer(setting)
    with pytest.raises(ValidationError) as twice:
        refer(setting)
    assert setting["subject"].reference in twice.value.messages[0]
    assert Referral.objects.count() == 1


# --- the coordinator takes it on or declines -------------------------------------------------------------------


def test_taking_it_on_registers_the_person_with_the_typed_name_and_opens_the_pathway(setting):
    referral = refer(setting)
    pathway = take(setting, referral)
    citizen = Citizen.objects.get(cpr_index=setting["subject"].cpr_index)
    assert citizen.full_name == "Ida Holm" and citizen.created_by == setting["caseworker"]
    assert (pathway.citizen, pathway.coordinator, pathway.lead_department) == (
        citizen,
        setting["caseworker"],
        setting["jobcentre"],
    )
    assert pathway.referral_reason == "Mange afdelinger involveret"
    assert list(TeamMember.objects.filter(pathway=pathway).values_list("user", flat=True)) == [setting["caseworker"].pk]
    referral.refresh_from_db()
    assert (referral.status, referral.pathway) == (ReferralStatus.TAKEN, pathway) and referral.decided_at
    setting["subject"].refresh_from_db()
    assert setting["subject"].citizen == citizen
    assert AuditEvent.objects.get(code="referral.taken").pathway == pathway
    assert AuditEvent.objects.get(code="citizen.created").actor == setting["caseworker"]
    assert not Pathway.objects.visible_to(setting["boss"], policy.VIEW).exists()


def test_an_unregistered_person_needs_a_name(setting):
    referral = refer(setting)
    with pytest.raises(ValidationError):
        take(setting, referral, first_name="", last_name="")
    assert not Citizen.objects.exists() and not Pathway.objects.exists()
    assert Referral.objects.get().status == ReferralStatus.OPEN


def test_a_person_already_registered_is_found_by_the_cpr_number(setting):
    existing = f.CitizenFactory(municipality=setting["boss"].municipality, cpr=setting["subject"].reveal_cpr())
    pathway = take(setting, refer(setting), first_name="", last_name="")
    assert pathway.citizen == existing and Citizen.objects.count() == 1


def test_a_person_registered_a_moment_ago_by_someone_else_is_used(setting, monkeypatch):
    from samspil.citizens import services as citizen_services

    existing = f.CitizenFactory(municipality=setting["boss"].municipality, cpr=setting["subject"].reveal_cpr())
    real = citizen_services.citizen_find_by_cpr
    calls = []

    def not_yet_the_first_time(**kwargs):  # the other registration commits between our look-up and our insert
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(citizen_services, "citizen_find_by_cpr", not_yet_the_first_time)
    assert take(setting, refer(setting)).citizen == existing


def test_only_the_coordinator_it_names_can_take_it_on_or_decline_it(setting):
    referral = refer(setting)
    colleague = f.make_staff(setting["jobcentre"])
    for actor in (colleague, setting["boss"]):
        with pytest.raises(Http404):
            take(setting, referral, actor=actor)
        with pytest.raises(Http404):
            services.referral_decline(actor=actor, referral=referral, reason="Ikke min")
    assert Referral.objects.get().status == ReferralStatus.OPEN


def test_declining_needs_a_reason_and_ends_the_referral(setting):
    referral = refer(setting)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=setting["caseworker"], referral=referral, reason="  ")
    services.referral_decline(actor=setting["caseworker"], referral=referral, reason="Borgeren er fraflyttet")
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (ReferralStatus.DECLINED, "Borgeren er fraflyttet")
    assert "Borgeren er fraflyttet" in AuditEvent.objects.get(code="referral.declined").text
    with pytest.raises(ValidationError):
        take(setting, referral)
    assert not Pathway.objects.exists()
    assert refer(setting).status == ReferralStatus.OPEN  # the person can be referred again


def test_taking_on_a_citizen_with_an_open_pathway_follows_the_one_pathway_rule(setting):
    citizen = f.CitizenFactory(municipality=setting["boss"].municipality, cpr=setting["subject"].reveal_cpr())
    other = f.make_staff(f.DepartmentFactory(municipality=citizen.municipality, name="Børn og Unge"))
    f.PathwayFactory(coordinator=other, lead_department=other.memberships.get().department, citizen=citizen)
    referral = refer(setting)
    with pytest.raises(OpenPathwayExists):
        take(setting, referral, second_pathway_reason="Jobcentret skal koordinere her")
    assert Referral.objects.get().status == ReferralStatus.OPEN


# --- who reads referrals, and the log ---------------------------------------------------------------------------


def test_referrals_are_read_by_the_coordinator_and_by_the_referrer(setting):
    referral = refer(setting)
    colleague = f.make_staff(setting["jobcentre"])
    assert selectors.referrals_for(setting["caseworker"]) == [referral]
    assert selectors.referrals_for(colleague) == []
    assert list(Referral.objects.visible_to(setting["boss"], policy.VIEW)) == [referral]
    other_controller = f.make_staff(setting["boss"].memberships.get().department, role=StaffRole.CONTROLLER)
    assert not Referral.objects.visible_to(other_controller, policy.VIEW).exists()
    assert Referral.objects.visible_to(other_controller, policy.AGGREGATE).count() == 1
    assert not Referral.objects.visible_to(colleague, policy.AGGREGATE).exists()
    take(setting, referral)
    assert selectors.referrals_for(setting["caseworker"]) == []  # only open ones count


def test_reading_a_referral_is_logged_by_the_blind_index_and_the_citizen_once_known(setting):
    referral = refer(setting)
    selectors.referral_get(setting["caseworker"], referral.public_id)
    row = AccessLogEntry.objects.get(shown="referral")
    assert (row.citizen_id, row.subject_index, row.actor) == (
        None,
        setting["subject"].cpr_index,
        setting["caseworker"],
    )
    citizen = f.CitizenFactory(municipality=setting["boss"].municipality, cpr=setting["subject"].reveal_cpr())
    shown = selectors.referral_get(setting["caseworker"], referral.public_id, reveal_cpr=True)
    assert shown.citizen == citizen and shown.cpr == cpr_module.formatted(setting["subject"].reveal_cpr())
    assert AccessLogEntry.objects.get(shown="referral.cpr").citizen == citizen


# --- the pages --------------------------------------------------------------------------------------------------


def test_the_controller_refers_from_the_candidate_page_without_a_name(client, setting):
    client.force_login(setting["boss"])
    page = client.get(reverse("segmentation:candidate", args=[setting["subject"].public_id]))
    form = page.context["referral_form"]
    assert "first_name" not in form.fields and "last_name" not in form.fields
    content = page.content.decode()
    assert f'value="{setting["place"].public_id}"' in content and f'value="{setting["programme"].public_id}"' in content
    response = client.post(
        reverse("segmentation:refer", args=[setting["subject"].public_id]),
        {
            "programme": setting["programme"].public_id,
            "coordinator": setting["place"].public_id,
            "note": "Mange afdelinger",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().coordinator == setting["caseworker"]
    page = client.get(reverse("segmentation:candidate", args=[setting["subject"].public_id]))
    assert setting["caseworker"].get_full_name() in page.content.decode()  # the referral is listed


def test_a_coordinator_that_does_not_fit_is_422(client, setting):
    health = f.DepartmentFactory(municipality=setting["boss"].municipality, kind=DepartmentKind.HEALTH)
    nurse = Membership.objects.get(user=f.make_staff(health))
    client.force_login(setting["boss"])
    response = client.post(
        reverse("segmentation:refer", args=[setting["subject"].public_id]),
        {"programme": setting["programme"].public_id, "coordinator": nurse.public_id, "note": "x"},
    )
    assert response.status_code == 422 and not Referral.objects.exists()


def test_the_coordinator_sees_the_referral_takes_it_on_and_lands_on_the_pathway(client, setting):
    referral = refer(setting)
    client.force_login(setting["caseworker"])
    listing = client.get(reverse("citizens:referrals"))
    assert listing.status_code == 200 and setting["subject"].reference in listing.content.decode()
    assert AccessLogEntry.objects.filter(shown="referral.list", subject_index=setting["subject"].cpr_index).exists()
    digits = cpr_module.formatted(setting["subject"].reveal_cpr())
    page = client.get(referral.get_absolute_url())
    assert page.status_code == 200 and digits not in page.content.decode()
    revealed = client.post(reverse("citizens:referral_cpr", args=[referral.public_id]))
    assert digits in revealed.content.decode()
    response = client.post(
        reverse("citizens:referral_take", args=[referral.public_id]),
        {"take-first_name": "Ida", "take-last_name": "Holm", "take-referral_reason": "Mange afdelinger"},
    )
    pathway = Pathway.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "pathways:overview", args=[pathway.public_id]
    )
    assert pathway.citizen.full_name == "Ida Holm" and pathway.coordinator == setting["caseworker"]


def test_the_take_form_asks_for_the_name_and_keeps_nothing_on_error(client, setting):
    referral = refer(setting)
    client.force_login(setting["caseworker"])
    response = client.post(
        reverse("citizens:referral_take", args=[referral.public_id]), {"take-referral_reason": "Mange afdelinger"}
    )
    assert response.status_code == 422 and not Citizen.objects.exists()


def test_the_coordinator_declines_from_the_page(client, setting):
    referral = refer(setting)
    client.force_login(setting["caseworker"])
    response = client.post(
        reverse("citizens:referral_decline", args=[referral.public_id]), {"decline-reason": "Ikke målgruppen"}
    )
    assert response.status_code == 302 and Referral.objects.get().status == ReferralStatus.DECLINED


def test_anyone_else_gets_404_on_the_referral_pages(client, setting):
    referral = refer(setting)
    colleague = f.make_staff(setting["jobcentre"])
    client.force_login(colleague)
    assert client.get(referral.get_absolute_url()).status_code == 404
    assert client.post(reverse("citizens:referral_take", args=[referral.public_id]), {}).status_code == 404
    assert setting["subject"].reference not in client.get(reverse("citizens:referrals")).content.decode()
    client.force_login(setting["boss"])  # the referrer has no case role: the intake pages do not exist for them
    assert client.get(reverse("citizens:referrals")).status_code == 404
    assert client.get(referral.get_absolute_url()).status_code == 404
