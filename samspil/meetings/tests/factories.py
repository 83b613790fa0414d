"""Helpers for outside experts at an analysis meeting in tests (on top of tests/factories.py)."""

import re

from samspil.meetings.models import MeetingExpert
from tests import factories as f

EXPERT_PASSWORD = "Lang-nok-adgangskode-2026"  # passes Django's validators


def analysis_meeting(pathway, **fields):
    """A planned analysis meeting tomorrow, 13:30–15:00 in Copenhagen."""
    return f.MeetingFactory(pathway=pathway, meeting_type="analysis", **fields)


def invite_expert(meeting, *, user=None, contact=None, expertise="Psykolog med viden om autisme") -> MeetingExpert:
    """Invite through the service as the pathway's coordinator (the e-mail sent, as after a commit)."""
    from django.test import TestCase

    from samspil.audit import context
    from samspil.meetings.services_experts import expert_invite

    coordinator = meeting.pathway.coordinator
    with context.bound(actor_id=coordinator.pk, request_id="world"), TestCase.captureOnCommitCallbacks(execute=True):
        return expert_invite(
            actor=coordinator, meeting=meeting, expertise=expertise, user=user, external_contact=contact
        )


def external_expert_account(meeting, contact):
    """Invite `contact` as an outside expert and accept the one-time link: the partner account."""
    from django.core import mail

    from samspil.audit import context
    from samspil.partners import services

    mail.outbox.clear()
    invite_expert(meeting, contact=contact)
    token = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)
    with context.bound(actor_id=None, request_id="world"):
        return services.partner_invitation_accept_new(token=token, password=EXPERT_PASSWORD)


def permission_world_experts(pathway, *, expert_user) -> dict:
    """The permission world's analysis meeting on `pathway` (tomorrow) with `expert_user` invited as an outside
    expert. Returns the URL targets."""
    meeting = analysis_meeting(pathway)
    expert = invite_expert(meeting, user=expert_user)
    return {
        ("main", "analysis_meeting_id"): meeting.public_id,
        ("main", "expert_id"): expert.public_id,
        (None, "expert_meeting_id"): meeting.public_id,
    }
