"""One open coordinated pathway per citizen (issue 8, item 5): a second one only deliberately, with a reason, from a
department the citizen's consent covers on the open one."""

import datetime

import pytest
from django.utils import timezone

from samspil.audit.models import AuditEvent
from samspil.pathways import services
from samspil.pathways.choices import PathwayStatus, SubjectKind
from samspil.pathways.models import Pathway
from tests import factories as f
from tests.audit_asserts import audit_counts

pytestmark = pytest.mark.django_db

REASON = "Borgeren har brug for et særskilt jobforløb"


@pytest.fixture
def other_programme(world):
    return f.ProgrammeFactory(municipality=world.municipality, name="Jobforløbet")


def _withdrawn_for_jobs(world):
    """The citizen consented to the job centre, then withdrew it (as when break-glass is refused)."""
    consent = f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    consent.withdrawn_at = timezone.now() - datetime.timedelta(hours=1)
    consent.withdrawal_reason = "Vil ikke dele med jobcentret"
    consent.save()


def _open(actor, world, programme, citizen=None, reason=""):
    return services.pathway_open(
        actor=actor,
        programme=programme,
        citizen=citizen or world.citizen,
        referral_reason="Henvist",
        second_pathway_reason=reason,
    )


def test_a_second_open_pathway_without_a_reason_is_refused_and_names_the_coordinator(world, other_programme):
    before = audit_counts()
    with pytest.raises(services.OpenPathwayExists) as refused:
        _open(world.outsider, world, other_programme)
    message = refused.value.messages[0]
    assert world.coordinator.get_full_name() in message and "Børn og Unge" in message
    assert other_programme.name not in message and world.programme.name not in message  # no case content
    assert refused.value.existing == [world.pathway]
    assert Pathway.objects.filter(citizen=world.citizen).count() == 1
    assert audit_counts() == before


def test_a_caseworker_whose_department_the_citizen_said_no_to_cannot_open_a_second_pathway(world, other_programme):
    _withdrawn_for_jobs(world)
    with pytest.raises(services.OpenPathwayExists) as refused:
        _open(world.jobworker, world, other_programme, reason=REASON)
    assert "Jobcenter" in refused.value.messages[0]
    assert not Pathway.objects.filter(programme=other_programme).exists()
    assert not AuditEvent.objects.filter(code__startswith="pathway.opened").exclude(pathway=world.pathway).exists()


def test_a_too_short_reason_is_no_reason(world, other_programme):
    with pytest.raises(services.OpenPathwayExists):
        _open(world.outsider, world, other_programme, reason="  fordi  ")


def test_with_a_reason_from_the_coordinating_department_a_second_pathway_opens_and_the_reason_is_kept(
    world, other_programme, request_id
):
    with request_id(world.outsider, "second"):
        second = _open(world.outsider, world, other_programme, reason=f"  {REASON}  ")
    assert second.coordinator == world.outsider and second.status == PathwayStatus.REFERRED
    opened = AuditEvent.objects.get(code="pathway.opened", pathway=second)
    assert opened.data["second_pathway_reason"] == REASON
    shown = AuditEvent.objects.get(code="pathway.opened_second", pathway=second)
    assert REASON in shown.text and world.coordinator.get_full_name() in shown.text


def test_with_a_reason_and_consent_in_force_for_the_department_a_second_pathway_opens(world, other_programme):
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    second = _open(world.jobworker, world, other_programme, reason=REASON)
    assert second.lead_department == world.jobs


def test_with_a_reason_and_a_legal_basis_for_the_department_a_second_pathway_opens(world, other_programme):
    _withdrawn_for_jobs(world)
    f.LegalBasisFactory(pathway=world.pathway, department=world.jobs)
    assert _open(world.jobworker, world, other_programme, reason=REASON).pk


def test_a_parents_consent_alone_does_not_cover_an_adult(world, other_programme):
    """Coverage is the pathway scope's own rule: for an adult only the citizen's consent counts."""
    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs], giver_role="custody_holder", giver=None)
    with pytest.raises(services.OpenPathwayExists):
        _open(world.jobworker, world, other_programme, reason=REASON)


def test_a_closed_pathway_does_not_count(world, other_programme):
    Pathway.objects.filter(pk=world.pathway.pk).update(status=PathwayStatus.CLOSED, closed_on=timezone.localdate())
    assert _open(world.jobworker, world, other_programme).pk


def test_a_citizen_in_a_family_with_an_open_family_pathway_already_has_one(world, other_programme):
    family = f.make_family(world.municipality, adults=1, children=1)
    family_programme = f.ProgrammeFactory(municipality=world.municipality, subject_kind=SubjectKind.HOUSEHOLD)
    child = family.memberships.get(role="child").citizen
    f.PathwayFactory(
        coordinator=world.coordinator,
        lead_department=world.children,
        programme=family_programme,
        family=True,
        household=family,
    )
    with pytest.raises(services.OpenPathwayExists):
        _open(world.jobworker, world, other_programme, citizen=child)


def test_a_family_pathway_is_refused_when_a_member_has_an_open_pathway_of_their_own(world):
    family = f.make_family(world.municipality, adults=1, children=1)
    parent = family.memberships.get(role="adult").citizen
    child = family.memberships.get(role="child").citizen
    f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children, citizen=parent)
    family_programme = f.ProgrammeFactory(municipality=world.municipality, subject_kind=SubjectKind.HOUSEHOLD)
    with pytest.raises(services.OpenPathwayExists):
        _open(world.jobworker, world, family_programme, citizen=child)
    assert not Pathway.objects.filter(programme=family_programme).exists()
    # from the department that coordinates the parent's pathway, with a reason, it opens
    assert _open(world.outsider, world, family_programme, citizen=child, reason=REASON).household == family
