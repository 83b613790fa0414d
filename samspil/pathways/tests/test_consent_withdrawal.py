"""Withdrawing consent ends the grants and break-glass openings it leaves without a sharing basis (issue 8,
item 10): a grant holder or break-glass user from a department the citizen said no to gets 404 at once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from samspil.access import policy
from samspil.access.models import AccessGrant, BreakGlassAccess
from samspil.audit.models import AuditEvent
from samspil.organisations.choices import StaffRole
from samspil.pathways import services
from samspil.pathways.models import Pathway
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs_consent(world):
    """Consent in force covering the job centre on the world's pathway."""
    return f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])


def sees(user, world) -> bool:
    return Pathway.objects.visible_to(user, policy.VIEW).filter(pk=world.pathway.pk).exists()


def withdraw(world, consent):
    return services.consent_withdraw(actor=world.coordinator, consent=consent, reason="Borgeren ønsker det ikke")


def test_a_grant_and_a_break_glass_opening_from_the_department_end_with_the_withdrawal(client, world, jobs_consent):
    holder = f.make_staff(world.jobs, StaffRole.TEAM_LEADER)
    grant = f.AccessGrantFactory(pathway=world.pathway, user=holder)
    glass_user = f.make_staff(world.jobs)
    opening = f.BreakGlassAccessFactory(pathway=world.pathway, user=glass_user)
    assert sees(holder, world) and sees(glass_user, world)

    consent = withdraw(world, jobs_consent)

    grant.refresh_from_db()
    opening.refresh_from_db()
    assert grant.revoked_at == consent.withdrawn_at
    assert opening.expires_at == consent.withdrawn_at
    assert not sees(holder, world) and not sees(glass_user, world)
    ended = AuditEvent.objects.get(code="grant.ended_by_withdrawal", pathway=world.pathway)
    assert str(holder) in ended.text and "Jobcenter" in ended.text
    assert AuditEvent.objects.filter(code="access.break_glass_ended", pathway=world.pathway).count() == 1
    for user in (holder, glass_user):
        client.force_login(user)
        assert client.get(reverse("pathways:overview", args=[world.pathway.public_id])).status_code == 404


def test_the_withdrawal_through_the_page_ends_them_too(client, world, jobs_consent):
    holder = f.make_staff(world.jobs, StaffRole.TEAM_LEADER)
    f.AccessGrantFactory(pathway=world.pathway, user=holder)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("pathways:consent_withdraw", args=[world.pathway.public_id, jobs_consent.public_id]),
        {"reason": "Trukket tilbage mundtligt"},
    )
    assert response.status_code in (200, 302)
    client.force_login(holder)
    assert client.get(reverse("pathways:overview", args=[world.pathway.public_id])).status_code == 404


def test_access_of_departments_the_consent_never_covered_stays(world, jobs_consent):
    nurse = f.make_staff(world.health)  # the consent was about the job centre, not about health
    grant = f.AccessGrantFactory(pathway=world.pathway, user=nurse)
    colleague_glass = f.BreakGlassAccessFactory(pathway=world.pathway, user=f.make_staff(world.children))
    withdraw(world, jobs_consent)
    grant.refresh_from_db()
    colleague_glass.refresh_from_db()
    assert grant.revoked_at is None and colleague_glass.expires_at > timezone.now()
    assert not AuditEvent.objects.filter(code__in=["grant.ended_by_withdrawal", "access.break_glass_ended"]).exists()


def test_a_department_still_covered_otherwise_keeps_its_access(world, jobs_consent):
    f.LegalBasisFactory(pathway=world.pathway, department=world.jobs)
    holder = f.make_staff(world.jobs, StaffRole.TEAM_LEADER)
    grant = f.AccessGrantFactory(pathway=world.pathway, user=holder)
    withdraw(world, jobs_consent)
    grant.refresh_from_db()
    assert grant.revoked_at is None and sees(holder, world)


def test_a_user_in_two_departments_keeps_access_while_one_of_them_is_covered(world, jobs_consent):
    both = f.make_staff(world.jobs)
    f.MembershipFactory(user=both, department=world.children, role=StaffRole.CASEWORKER)  # the coordinating one
    opening = f.BreakGlassAccessFactory(pathway=world.pathway, user=both)
    only_jobs = f.make_staff(world.jobs)
    f.MembershipFactory(user=only_jobs, department=world.health, role=StaffRole.PROFESSIONAL)  # never covered
    other = f.BreakGlassAccessFactory(pathway=world.pathway, user=only_jobs)
    withdraw(world, jobs_consent)
    opening.refresh_from_db()
    other.refresh_from_db()
    assert opening.expires_at > timezone.now()  # Børn og Unge still receives the data: the opening stays
    assert other.expires_at <= timezone.now()  # neither the job centre nor health does any more


def test_access_already_ended_is_left_as_it_was(world, jobs_consent):
    holder = f.make_staff(world.jobs)
    revoked = f.AccessGrantFactory(pathway=world.pathway, user=holder, revoked_at=timezone.now())
    withdraw(world, jobs_consent)
    assert AccessGrant.objects.get(pk=revoked.pk).revoked_at == revoked.revoked_at
    assert not BreakGlassAccess.objects.exists()
    assert not AuditEvent.objects.filter(code="grant.ended_by_withdrawal").exists()
