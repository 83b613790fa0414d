"""Outside experts at an analysis meeting: inviting, the time-limited read access, what the page shows (and never),
the access log, ending and cancelling, and the external expert through a partner account."""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samspil.audit import context
from samspil.audit.choices import AccessPurpose, AccessVia
from samspil.audit.models import AccessLogEntry, AuditEvent
from samspil.meetings import services, services_experts
from samspil.meetings.models import MeetingExpert, MeetingParticipant
from samspil.partners.models import PartnerInvitation
from tests import factories as f

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "INTERN-NOTE-EKSPERT-5R1"
SECTION_NOTE = "INTERN-UDREDNING-8T2"
ANALYSIS_MINUTES = "ANALYSE-REFERAT-2W7"
AGREEMENT_TEXT = "Aftale-der-ikke-vises-7P3"
WISHES = "Egne-oensker-der-ikke-vises-4Z9"
PASSWORD = "Lang-nok-adgangskode-2026"


@dataclass
class ExpertWorld:
    world: object
    pathway: object
    meeting: object  # an analysis meeting tomorrow, planned
    staff_expert: object  # a caseworker on no team: `world.outsider`
    contact: object  # an external contact person, not on the team


def _report(pathway, *, author_name: str):
    from samspil.assessments.models import Assessment, AssessmentReport

    assessment = Assessment.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        number=1,
        method="ics",
        subject=pathway.citizen,
        purpose="Hvad skal der til?",
        family_view="Vi vil gerne have ro på hjemmet",
        summary="Samlet vurdering: behov for fast struktur",
        started_by=pathway.coordinator,
    )
    snapshot = {
        "method": "ics",
        "method_label": "ICS",
        "number": 1,
        "subject": pathway.citizen.full_name,
        "purpose": "Hvad skal der til?",
        "family_view": "Vi vil gerne have ro på hjemmet",
        "summary": "Samlet vurdering: behov for fast struktur",
        "studies": [],
        "groups": [
            {
                "key": "ics.child",
                "label": "Barnets udvikling",
                "areas": [
                    {
                        "key": "ics.child.health",
                        "label": "Helbred",
                        "sections": [
                            {
                                "author": author_name,
                                "department": "Sundhed",
                                "strengths": "Godt helbred",
                                "concerns": "Sover dårligt",
                                "level": "",
                                "level_label": "",
                                "internal_note": SECTION_NOTE,
                            }
                        ],
                        "findings": [
                            {"id": "x", "kind": "concern", "kind_label": "Bekymring", "text": "Søvn", "member": ""}
                        ],
                    }
                ],
            }
        ],
    }
    return AssessmentReport.objects.create(
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        assessment=assessment,
        number=1,
        snapshot=snapshot,
        compiled_by=pathway.coordinator,
        compiled_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def _english():
    """The services' messages in English (the msgids), whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def ew(world) -> ExpertWorld:
    pathway = world.pathway
    goal = f.GoalFactory(plan=f.PlanFactory(pathway=pathway, citizen_wishes=WISHES), description="Komme i skole igen")
    f.AgreementFactory(goal=goal, what=AGREEMENT_TEXT)
    f.GoalFollowUpFactory(goal=goal, note="Det går", internal_note=INTERNAL_NOTE)
    f.make_revision(pathway)
    _report(pathway, author_name=world.colleague.get_full_name())
    meeting = f.MeetingFactory(pathway=pathway, meeting_type="analysis", location="Rådhuset, lokale 4")
    f.MeetingParticipantFactory(meeting=meeting, is_citizen=False, citizen=None, team_member=world.colleague_place)
    from samspil.meetings.models import MeetingChecklistEntry

    MeetingChecklistEntry.objects.create(
        municipality=world.municipality, meeting=meeting, text="Gennemgå udredningen", note=INTERNAL_NOTE
    )
    held = f.MeetingFactory(pathway=pathway, meeting_type="analysis", held=True, minutes=ANALYSIS_MINUTES)
    assert held.pk
    contact = f.ExternalContactFactory(
        organisation=f.ExternalOrganisationFactory(municipality=world.municipality, name="PPR Nord"),
        name="Ida Ekspert Holm",
        email="ida@ppr.test",
    )
    return ExpertWorld(world=world, pathway=pathway, meeting=meeting, staff_expert=world.outsider, contact=contact)


def invite(ew, *, user=None, contact=None, expertise="Psykolog med viden om autisme"):
    mail.outbox.clear()
    with context.bound(actor_id=ew.world.coordinator.pk), TestCase.captureOnCommitCallbacks(execute=True):
        return services_experts.expert_invite(
            actor=ew.world.coordinator, meeting=ew.meeting, expertise=expertise, user=user, external_contact=contact
        )


def expert_url(meeting, partner=False):
    return reverse("partner_experts:meeting" if partner else "meeting_experts:meeting", args=[meeting.public_id])


def rows_of(response):
    return AccessLogEntry.objects.filter(request_id=response["X-Request-Id"])


# --- inviting ------------------------------------------------------------------------------------------------


def test_the_coordinator_invites_a_staff_member_who_gets_a_link_and_a_place_among_the_participants(ew):
    expert = invite(ew, user=ew.staff_expert)
    assert expert.name == ew.staff_expert.get_full_name() and expert.organisation == "Børn og Unge"
    participant = MeetingParticipant.objects.get(meeting=ew.meeting, expert=expert)
    assert participant.name == expert.name and participant.attended is None
    assert len(mail.outbox) == 1 and expert_url(ew.meeting) in mail.outbox[0].body
    assert ew.world.citizen.first_name not in mail.outbox[0].body
    event = AuditEvent.objects.get(code="meeting.expert_invited")
    assert event.pathway_id == ew.pathway.pk and event.data["name"] == expert.name


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("colleague", "is on the pathway's team"),
        ("coordinator", "is on the pathway's team"),
        ("stranger", "Choose a staff member of the municipality"),
    ],
)
def test_a_team_member_or_someone_of_another_municipality_cannot_be_invited(ew, who, message):
    with pytest.raises(ValidationError, match=message):
        invite(ew, user=getattr(ew.world, who))
    assert not MeetingExpert.objects.exists() and not MeetingParticipant.objects.filter(expert__isnull=False).exists()


def test_only_the_coordinator_invites_and_only_to_a_coming_analysis_meeting(ew):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises((PermissionDenied, Http404)):
        services_experts.expert_invite(
            actor=ew.world.colleague, meeting=ew.meeting, expertise="x", user=ew.staff_expert
        )
    status = f.MeetingFactory(pathway=ew.pathway)
    with pytest.raises(ValidationError, match="analysis meeting only"):
        services_experts.expert_invite(actor=ew.world.coordinator, meeting=status, expertise="x", user=ew.staff_expert)
    with pytest.raises(ValidationError, match="Write why"):
        invite(ew, user=ew.staff_expert, expertise="  ")
    invite(ew, user=ew.staff_expert)
    with pytest.raises(ValidationError, match="already invited"):
        invite(ew, user=ew.staff_expert)
    with (
        time_machine.travel(ew.meeting.ends_at + datetime.timedelta(minutes=1)),
        pytest.raises(ValidationError, match="The meeting is over"),
    ):
        invite(ew, contact=ew.contact)
    assert MeetingExpert.objects.count() == 1


# --- the staff expert's pages ----------------------------------------------------------------------------------


def test_before_the_invitation_the_page_is_404_and_the_attempt_is_logged_on_the_pathway(client, ew):
    client.force_login(ew.staff_expert)
    response = client.get(expert_url(ew.meeting))
    assert response.status_code == 404
    assert not rows_of(response).exists()
    assert AuditEvent.objects.filter(code="access.denied", pathway=ew.pathway).count() == 1


def test_the_expert_reads_what_the_meeting_needs_and_nothing_else(client, ew):
    invite(ew, user=ew.staff_expert)
    client.force_login(ew.staff_expert)
    response = client.get(expert_url(ew.meeting))
    assert response.status_code == 200
    content = response.content.decode()
    for shown in (
        "Rådhuset, lokale 4",
        "Gennemgå udredningen",
        ew.world.colleague.get_full_name(),
        "Samlet vurdering: behov for fast struktur",
        "Sover dårligt",
        "Komme i skole igen",
        ew.world.citizen.full_name,
        "Psykolog med viden om autisme",
    ):
        assert shown in content, shown
    for secret in (INTERNAL_NOTE, SECTION_NOTE, ANALYSIS_MINUTES, AGREEMENT_TEXT, WISHES):
        assert secret not in content, secret
    rows = list(rows_of(response))
    assert Counter((r.citizen_id, r.pathway_id, r.shown, r.via, r.purpose) for r in rows) == Counter(
        {(ew.world.citizen.pk, ew.pathway.pk, "expert.meeting", AccessVia.GRANT, AccessPurpose.COORDINATION): 1}
    )


def test_the_invitation_opens_no_other_page_of_the_pathway(client, ew):
    invite(ew, user=ew.staff_expert)
    client.force_login(ew.staff_expert)
    for url in (
        reverse("pathways:overview", args=[ew.pathway.public_id]),
        reverse("meetings:detail", args=[ew.pathway.public_id, ew.meeting.public_id]),
        reverse("plans:plan", args=[ew.pathway.public_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_list_names_the_meetings_invited_to_now(client, ew):
    client.force_login(ew.staff_expert)
    empty = client.get(reverse("meeting_experts:list"))
    assert empty.status_code == 200 and not rows_of(empty).exists()
    assert ew.world.citizen.full_name not in empty.content.decode()
    invite(ew, user=ew.staff_expert)
    listed = client.get(reverse("meeting_experts:list"))
    assert ew.world.citizen.full_name in listed.content.decode()
    assert [(r.citizen_id, r.shown) for r in rows_of(listed)] == [(ew.world.citizen.pk, "expert.meetings")]


def test_the_access_ends_when_the_meeting_ends(client, ew):
    invite(ew, user=ew.staff_expert)
    client.force_login(ew.staff_expert)
    with time_machine.travel(ew.meeting.ends_at - datetime.timedelta(minutes=1)):
        client.force_login(ew.staff_expert)  # a fresh session at that moment
        assert client.get(expert_url(ew.meeting)).status_code == 200
    with time_machine.travel(ew.meeting.ends_at + datetime.timedelta(seconds=1)):
        client.force_login(ew.staff_expert)
        response = client.get(expert_url(ew.meeting))
        assert response.status_code == 404 and not rows_of(response).exists()
        listed = client.get(reverse("meeting_experts:list"))
        assert ew.world.citizen.full_name not in listed.content.decode()


def test_a_moved_meeting_moves_the_end_of_the_access(client, ew):
    invite(ew, user=ew.staff_expert)
    later = ew.meeting.ends_at + datetime.timedelta(days=2)
    ew.meeting.ends_at = later
    ew.meeting.save(update_fields=["ends_at"])
    client.force_login(ew.staff_expert)
    with time_machine.travel(later - datetime.timedelta(hours=1)):
        client.force_login(ew.staff_expert)  # a fresh session at that moment
        assert client.get(expert_url(ew.meeting)).status_code == 200


def test_cancelling_the_meeting_ends_the_access(client, ew):
    expert = invite(ew, user=ew.staff_expert)
    with context.bound(actor_id=ew.world.coordinator.pk):
        services.meeting_cancel(
            actor=ew.world.coordinator, meeting=ew.meeting, reason="Aflyst", expected_version=ew.meeting.version
        )
    expert.refresh_from_db()
    assert expert.ended_at is not None and expert.end_reason == "The meeting was cancelled."
    client.force_login(ew.staff_expert)
    assert client.get(expert_url(ew.meeting)).status_code == 404


def test_the_coordinator_ends_the_access_earlier(client, ew):
    expert = invite(ew, user=ew.staff_expert)
    client.force_login(ew.world.coordinator)
    url = reverse("meetings:expert_end", args=[ew.pathway.public_id, ew.meeting.public_id, expert.public_id])
    response = client.post(url, {"expert_end-reason": "Spørgsmålet er besvaret"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.ended_at is not None and expert.end_reason == "Spørgsmålet er besvaret"
    again = client.post(url, {})
    assert again.status_code == 422
    expert.refresh_from_db()
    assert expert.end_reason == "Spørgsmålet er besvaret"  # the second end from a stale page changed nothing
    client.force_login(ew.staff_expert)
    assert client.get(expert_url(ew.meeting)).status_code == 404


def test_a_team_member_may_not_end_an_experts_access(client, ew):
    expert = invite(ew, user=ew.staff_expert)
    client.force_login(ew.world.colleague)
    url = reverse("meetings:expert_end", args=[ew.pathway.public_id, ew.meeting.public_id, expert.public_id])
    assert client.post(url, {}).status_code == 403
    expert.refresh_from_db()
    assert expert.ended_at is None


# --- the coordinator's side -------------------------------------------------------------------------------------


def test_the_coordinator_invites_through_the_form_and_sees_the_expert_and_the_reads(client, ew):
    from samspil.organisations.models import Membership

    client.force_login(ew.world.coordinator)
    url = reverse("meetings:expert_invite", args=[ew.pathway.public_id, ew.meeting.public_id])
    form = client.get(url)
    assert form.status_code == 200
    content = form.content.decode()
    assert ew.staff_expert.get_full_name() in content
    assert ew.world.colleague.get_full_name() not in content  # on the team: invited as a team member
    bad = client.post(url, {"expert-kind": "staff", "expert-expertise": "Psykolog"})
    assert bad.status_code == 422 and not MeetingExpert.objects.exists()
    membership = Membership.objects.get(user=ew.staff_expert)
    done = client.post(
        url, {"expert-kind": "staff", "expert-membership": str(membership.public_id), "expert-expertise": "Psykolog"}
    )
    assert done.status_code == 302
    client.force_login(ew.staff_expert)
    client.get(expert_url(ew.meeting))
    client.get(expert_url(ew.meeting))
    client.force_login(ew.world.coordinator)
    page = client.get(reverse("meetings:detail", args=[ew.pathway.public_id, ew.meeting.public_id]))
    text = page.content.decode()
    assert "experts-table" in text and ew.staff_expert.get_full_name() in text
    assert "2 læsninger" in text or "2 reads" in text
    log = client.get(reverse("pathways:access_log", args=[ew.pathway.public_id]) + "?vist=expert.meeting")
    assert log.status_code == 200 and ew.staff_expert.get_full_name() in log.content.decode()


def test_only_the_coordinator_sees_the_experts_reads(client, ew):
    """The reads come from the access log, which the access model gives the coordinator only: a team member
    (contribute) and a grant holder see the expert and the access state, never the reads (and the access log is
    not queried for them)."""
    invite(ew, user=ew.staff_expert)
    client.force_login(ew.staff_expert)
    client.get(expert_url(ew.meeting))
    client.get(expert_url(ew.meeting))
    page = reverse("meetings:detail", args=[ew.pathway.public_id, ew.meeting.public_id])
    grant_holder = f.make_staff(ew.world.health)
    f.AccessGrantFactory(pathway=ew.pathway, user=grant_holder)
    for reader in (ew.world.colleague, grant_holder):
        client.force_login(reader)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        text = response.content.decode()
        assert response.status_code == 200 and "experts-table" in text and ew.staff_expert.get_full_name() in text
        assert "Has access" in text or "Har adgang" in text
        assert "2 reads" not in text and "2 læsninger" not in text
        assert "Not read yet" not in text and "Ikke læst endnu" not in text
        assert "?person=" not in text
        assert not any("audit_accesslogentry" in query["sql"] and "expert." in query["sql"] for query in captured)
    client.force_login(ew.world.coordinator)
    text = client.get(page).content.decode()
    assert "2 reads" in text or "2 læsninger" in text


def test_attendance_of_the_expert_is_recorded_with_the_meeting(ew):
    expert = invite(ew, user=ew.staff_expert)
    participant = MeetingParticipant.objects.get(expert=expert)
    with (
        time_machine.travel(ew.meeting.starts_at + datetime.timedelta(minutes=5)),
        context.bound(actor_id=ew.world.coordinator.pk),
    ):
        services.meeting_record(
            actor=ew.world.coordinator,
            meeting=ew.meeting,
            minutes="Drøftet",
            attendance=[participant.public_id],
            checklist={},
            expected_version=ew.meeting.version,
        )
    participant.refresh_from_db()
    assert participant.attended is True


def test_an_expert_invited_again_keeps_one_participant_row(ew):
    expert = invite(ew, user=ew.staff_expert)
    with context.bound(actor_id=ew.world.coordinator.pk):
        services_experts.expert_end(actor=ew.world.coordinator, expert=expert)
    again = invite(ew, user=ew.staff_expert)
    assert MeetingParticipant.objects.filter(meeting=ew.meeting, expert__isnull=False).count() == 1
    assert MeetingParticipant.objects.get(meeting=ew.meeting, expert__isnull=False).expert == again


# --- the external expert ----------------------------------------------------------------------------------------


def _accept_from_mail():
    from samspil.partners import services as partner_services

    token = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)
    with context.bound(actor_id=None):
        return partner_services.partner_invitation_accept_new(token=token, password=PASSWORD)


def test_an_external_expert_accepts_the_link_and_reads_until_the_meeting_ends(client, ew):
    invite(ew, contact=ew.contact)
    invitation = PartnerInvitation.objects.get(meeting=ew.meeting)
    assert invitation.pathway_id == ew.pathway.pk and invitation.team_member_id is None
    assert invitation.level == "read" and invitation.expires_at <= ew.meeting.ends_at
    account = _accept_from_mail()
    assert AuditEvent.objects.filter(code="meeting.expert_accepted", pathway=ew.pathway).exists()
    client.force_login(account)
    home = client.get(reverse("partners:home"))
    assert reverse("partner_experts:list") in home.content.decode()
    response = client.get(expert_url(ew.meeting, partner=True))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Samlet vurdering: behov for fast struktur" in content
    for secret in (INTERNAL_NOTE, SECTION_NOTE, ANALYSIS_MINUTES, AGREEMENT_TEXT, WISHES):
        assert secret not in content, secret
    assert [(r.citizen_id, r.shown, r.via) for r in rows_of(response)] == [
        (ew.world.citizen.pk, "expert.meeting", AccessVia.PARTNER)
    ]
    # The meeting invitation opens no pathway page of the partner's.
    assert client.get(reverse("partners:pathway", args=[ew.pathway.public_id])).status_code == 404
    assert client.get(expert_url(ew.meeting)).status_code == 404  # the staff page is not for partner accounts
    with time_machine.travel(ew.meeting.ends_at + datetime.timedelta(seconds=1)):
        client.force_login(account)  # a fresh session at that moment
        assert client.get(expert_url(ew.meeting, partner=True)).status_code == 404


def test_ending_an_external_expert_ends_the_link_and_the_access(client, ew):
    expert = invite(ew, contact=ew.contact)
    account = _accept_from_mail()
    with context.bound(actor_id=ew.world.coordinator.pk):
        services_experts.expert_end(actor=ew.world.coordinator, expert=expert, reason="Ikke længere relevant")
    assert PartnerInvitation.objects.get(meeting=ew.meeting).ended_at is not None
    client.force_login(account)
    assert client.get(expert_url(ew.meeting, partner=True)).status_code == 404


def test_a_link_not_accepted_before_the_meeting_ends_cannot_be_used(client, ew):
    invite(ew, contact=ew.contact)
    token = re.search(r"/partner/invitation/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body).group(1)
    with time_machine.travel(ew.meeting.ends_at + datetime.timedelta(minutes=1)):
        assert client.get(reverse("partners:invitation", args=[token])).status_code == 410


def test_a_contact_on_the_team_is_invited_as_a_team_member_not_as_an_expert(ew):
    f.TeamMemberFactory(pathway=ew.pathway, external=True, external_contact=ew.contact)
    with pytest.raises(ValidationError, match="is on the pathway's team"):
        invite(ew, contact=ew.contact)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_meeting_page_and_the_experts_page_take_a_constant_number_of_queries(client, ew):
    from samspil.organisations.choices import StaffRole
    from samspil.plans.models import Plan

    invite(ew, user=ew.staff_expert)
    invite(ew, contact=ew.contact)  # with an external expert (whose partner account is looked up): one query more
    meeting_page = reverse("meetings:detail", args=[ew.pathway.public_id, ew.meeting.public_id])
    client.force_login(ew.world.coordinator)
    one = _queries(client, meeting_page)
    client.force_login(ew.staff_expert)
    expert_one = _queries(client, expert_url(ew.meeting))
    for number in range(3):
        invite(ew, user=f.make_staff(ew.world.health, StaffRole.PROFESSIONAL))
        contact = f.ExternalContactFactory(municipality=ew.world.municipality, email=f"ekspert{number}@ppr.test")
        invite(ew, contact=contact)
        goal = f.GoalFactory(plan=Plan.objects.get(pathway=ew.pathway), description=f"Mål {number}")
        f.GoalFollowUpFactory(goal=goal, internal_note=INTERNAL_NOTE)
    f.make_revision(ew.pathway)
    client.force_login(ew.world.coordinator)
    assert _queries(client, meeting_page) == one
    client.force_login(ew.staff_expert)
    assert _queries(client, expert_url(ew.meeting)) == expert_one
