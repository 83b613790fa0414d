"""Reads for outside experts and for the coordinator's view of them.

An expert's meeting has been resolved by `meetings.experts` (the one rule); the page reads only what the meeting
needs, and nothing else of the pathway:

- the meeting: type, time, place or link, who takes part, the checklist's points (never minutes, decisions, the
  reason for cancelling or checklist notes);
- the latest combined assessment report of the pathway (approved or waiting for approval) without internal notes
  (`assessments.snapshot.citizen_version`);
- the goals of the latest saved version of the plan without internal notes (`plans.snapshot.citizen_edition`), no
  agreements and no follow-ups.

The views write the access log; nothing here logs.
"""

from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils import timezone

from samspil.meetings.models import MeetingChecklistEntry, MeetingExpert, MeetingParticipant


@dataclass
class ExpertReport:
    """The combined report as an expert reads it."""

    snapshot: dict  # `citizen_version`: no internal notes
    number: int
    assessment_number: int
    compiled_at: object
    approved_at: object


@dataclass
class ExpertMeetingPage:
    expert: MeetingExpert
    meeting: object
    pathway: object
    citizens: list
    participants: list
    checklist: list
    report: ExpertReport | None
    goals: list  # (who the goals are for, [goal dicts]) in the plan's order
    plan_version: int | None

    @property
    def until(self):
        return self.meeting.ends_at


def _report(pathway) -> ExpertReport | None:
    from samspil.assessments.models import AssessmentReport
    from samspil.assessments.snapshot import citizen_version

    report = (
        AssessmentReport.objects.filter(pathway=pathway)
        .select_related("assessment")
        .order_by("-assessment__number", "-number")
        .first()
    )
    if report is None:
        return None
    return ExpertReport(
        snapshot=citizen_version(report.snapshot),
        number=report.number,
        assessment_number=report.assessment.number,
        compiled_at=report.compiled_at,
        approved_at=report.approved_at,
    )


# The fields of a goal an expert reads: what it is and where it stands, never an internal note.
GOAL_FIELDS = (
    "member_name",
    "life_area_label",
    "description",
    "indicator",
    "horizon_label",
    "responsible_department",
    "status_label",
)


def _goals(pathway) -> tuple[list, int | None]:
    from samspil.plans.selectors import plan_document
    from samspil.plans.snapshot import citizen_edition

    document = plan_document(actor=None, pathway=pathway)
    edition = citizen_edition(document.snapshot)
    groups: dict[str, list] = {}
    for goal in edition.get("goals", []):
        row = {name: goal.get(name, "") for name in GOAL_FIELDS}
        groups.setdefault(row["member_name"], []).append(row)
    return list(groups.items()), (document.revision.number if document.revision else None)


def expert_meeting_page(access) -> ExpertMeetingPage:
    """What an expert's meeting page shows, in a constant number of queries."""
    from samspil.pathways.selectors import subject_citizens

    expert = access.expert
    meeting = expert.meeting
    pathway = meeting.pathway
    participants = list(
        MeetingParticipant.objects.filter(meeting=meeting, is_citizen=False)
        .select_related("team_member__department", "team_member__external_contact__organisation", "expert")
        .order_by("name", "id")
    )
    checklist = list(
        MeetingChecklistEntry.objects.filter(meeting=meeting).only("text", "position").order_by("position", "id")
    )
    goals, plan_version = _goals(pathway)
    return ExpertMeetingPage(
        expert=expert,
        meeting=meeting,
        pathway=pathway,
        citizens=subject_citizens(pathway),
        participants=participants,
        checklist=checklist,
        report=_report(pathway),
        goals=goals,
        plan_version=plan_version,
    )


def expert_list_citizens(experts: list) -> list[tuple]:
    """The (citizen, pathway) pairs an expert's list of meetings names: the subjects of each meeting's pathway."""
    from samspil.pathways.selectors import subject_citizens

    return [
        (citizen, expert.meeting.pathway) for expert in experts for citizen in subject_citizens(expert.meeting.pathway)
    ]


# --- the coordinator's and the team's view ------------------------------------------------------------------


def meeting_experts(meeting, *, with_reads: bool) -> list[MeetingExpert]:
    """The meeting's outside experts, live and ended, each with `account` (the staff member, or the contact's partner
    account once made), `is_live`, and — `with_reads`, for the coordinator only, who alone may see the access log —
    `reads` and `last_read` (their access-log rows as experts on the pathway since they were invited; None without
    `with_reads`: the access log is never read for anyone else). At most three queries whatever the number of
    experts."""
    from django.contrib.auth import get_user_model

    from samspil.audit.models import AccessLogEntry

    experts = list(
        MeetingExpert.objects.filter(meeting=meeting)
        .select_related("user", "external_contact", "invited_by", "ended_by")
        .order_by("created_at", "id")
    )
    if not experts:
        return []
    contact_ids = [expert.external_contact_id for expert in experts if expert.external_contact_id]
    partners = {
        account.external_contact_id: account
        for account in get_user_model().objects.filter(external_contact_id__in=contact_ids)
    }
    for expert in experts:
        expert.account = expert.user if expert.user_id else partners.get(expert.external_contact_id)
    now = timezone.now()
    for expert in experts:
        expert.is_live = expert.ended_at is None and not meeting.is_cancelled and now < meeting.ends_at
        expert.reads = expert.last_read = None
    if not with_reads:
        return experts
    accounts = {expert.account.pk for expert in experts if expert.account is not None}
    since = min(expert.created_at for expert in experts)
    reads = {
        row["actor_id"]: row
        for row in AccessLogEntry.objects.filter(
            pathway_id=meeting.pathway_id, actor_id__in=accounts, shown__startswith="expert.", created_at__gte=since
        )
        .values("actor_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by()
    }
    for expert in experts:
        row = reads.get(expert.account.pk) if expert.account is not None else None
        expert.reads = row["n"] if row else 0
        expert.last_read = row["last"] if row else None
    return experts


def staff_choices_query(pathway):
    """Staff who may be invited as outside experts: active staff of the municipality with a current membership, not
    the coordinator and not on the team today."""
    from django.contrib.auth import get_user_model

    from samspil.accounts.choices import AccountKind
    from samspil.organisations.models import Membership
    from samspil.pathways.models import TeamMember

    on_team = TeamMember.objects.current().filter(pathway=pathway, user__isnull=False).values("user_id")
    with_membership = Membership.objects.current().values("user_id")
    return (
        get_user_model()
        .objects.filter(municipality_id=pathway.municipality_id, kind=AccountKind.STAFF, is_active=True)
        .filter(Q(pk__in=with_membership))
        .exclude(pk__in=on_team)
        .exclude(pk=pathway.coordinator_id)
        .order_by("last_name", "first_name", "username")
    )


def contact_choices_query(pathway):
    """External contact persons who may be invited: of the municipality, with an e-mail address, not on the team."""
    from samspil.organisations.models import ExternalContact
    from samspil.pathways.models import TeamMember

    on_team = TeamMember.objects.current().filter(pathway=pathway, external_contact__isnull=False)
    return (
        ExternalContact.objects.filter(municipality_id=pathway.municipality_id)
        .exclude(email="")
        .exclude(pk__in=on_team.values("external_contact_id"))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
