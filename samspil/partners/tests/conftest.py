"""A pathway with an external partner on its team, and what a partner must and must never see."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.utils import timezone

# Text that lives in the pathway but must never reach a partner page.
INTERNAL_NOTE = "INTERN-NOTE-7Q2"
ANALYSIS_MINUTES = "ANALYSE-REFERAT-9K4"
CANCEL_REASON = "AFLYST-GRUND-3M8"
ADDRESS = "Hemmeligvej 17"
PASSWORD = "Lang-nok-adgangskode-2026"  # passes Django's validators


@dataclass
class PartnerWorld:
    municipality: object
    coordinator: object
    colleague: object
    pathway: object
    citizen: object
    contact: object
    place: object  # the contact's external team place
    own_agreement: object
    other_agreement: object
    invited_meeting: object
    analysis_meeting: object
    other_meeting: object
    other_pathway: object


@pytest.fixture
def pw(world) -> PartnerWorld:
    from tests import factories as f

    citizen = world.citizen
    citizen.street, citizen.phone = ADDRESS, "12 34 56 78"
    citizen.save()
    contact = f.ExternalContactFactory(
        organisation=f.ExternalOrganisationFactory(municipality=world.municipality, name="Værestedet Fyrtårnet"),
        name="Pia Partner Jensen",
        email="pia@fyrtaarnet.test",
    )
    place = f.TeamMemberFactory(pathway=world.pathway, external=True, external_contact=contact)
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=world.pathway), description="Komme i praktik")
    own = f.AgreementFactory(goal=goal, owner_kind="team_member", owner=place, what="Følge med til praktikstedet")
    other = f.AgreementFactory(
        goal=goal, owner_kind="team_member", owner=world.colleague_place, what="Søge om mentorstøtte"
    )
    f.GoalFollowUpFactory(goal=goal, note="Det går fremad", internal_note=INTERNAL_NOTE)
    f.make_revision(world.pathway)
    invited = f.MeetingFactory(pathway=world.pathway, location="Værestedet, lokale 1")
    f.MeetingParticipantFactory(meeting=invited, is_citizen=False, citizen=None, team_member=place)
    analysis = f.MeetingFactory(
        pathway=world.pathway,
        meeting_type="analysis",
        status="held",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        minutes=ANALYSIS_MINUTES,
    )
    f.MeetingParticipantFactory(meeting=analysis, is_citizen=False, citizen=None, team_member=place)
    other_meeting = f.MeetingFactory(
        pathway=world.pathway, status="cancelled", cancel_reason=CANCEL_REASON, location="Rådhuset"
    )
    f.MeetingParticipantFactory(
        meeting=other_meeting, is_citizen=False, citizen=None, team_member=world.colleague_place
    )
    other_pathway = f.PathwayFactory(coordinator=world.coordinator, lead_department=world.children)
    return PartnerWorld(
        municipality=world.municipality,
        coordinator=world.coordinator,
        colleague=world.colleague,
        pathway=world.pathway,
        citizen=citizen,
        contact=contact,
        place=place,
        own_agreement=own,
        other_agreement=other,
        invited_meeting=invited,
        analysis_meeting=analysis,
        other_meeting=other_meeting,
        other_pathway=other_pathway,
    )


def invite(coordinator, place, level="read"):
    """Invite through the service as the coordinator; returns (invitation, the one-time token from the e-mail)."""
    from django.test import TestCase

    from samspil.audit import context
    from samspil.partners import services

    mail.outbox.clear()
    with context.bound(actor_id=coordinator.pk), TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.partner_invite(actor=coordinator, member=place, level=level)
    return invitation, token_from_mail()


def token_from_mail() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def accepted_partner(coordinator, place, level="read"):
    """Invite and accept; returns (the partner account, the invitation)."""
    from samspil.partners import services

    invitation, token = invite(coordinator, place, level)
    account = services.partner_invitation_accept_new(token=token, password=PASSWORD)
    invitation.refresh_from_db()
    return account, invitation
