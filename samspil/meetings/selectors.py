"""Reads of meetings. Each starts from `visible_to` and writes the access log for the citizens it shows."""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Count, DateTimeField, Exists, IntegerField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from samspil.meetings.choices import CADENCE_TYPES, WITHOUT_CITIZEN, MeetingStatus
from samspil.meetings.models import Meeting, MeetingChecklistEntry, MeetingDecision, MeetingParticipant
from samspil.pathways.models import Pathway

# --- the programme's rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRules:
    """Where a pathway stands against its programme's meeting rules."""

    cadence_days: int | None
    next_status_due: datetime.date | None  # None when the programme sets no cadence
    is_overdue: bool
    min_required: int
    held_with_citizen: int
    met: bool


def held_with_citizen(meetings):
    """Held meetings the citizen (or a family member) attended; analysis meetings never count."""
    attended = MeetingParticipant.objects.filter(meeting_id=OuterRef("pk"), is_citizen=True, attended=True)
    return meetings.filter(status=MeetingStatus.HELD).exclude(meeting_type__in=WITHOUT_CITIZEN).filter(Exists(attended))


def last_cadence_meeting_held():
    """For Pathway rows: when the outer pathway's latest held meeting of a type that keeps the cadence started (a
    subquery; NULL when none was held)."""
    return (
        Meeting.objects.filter(pathway=OuterRef("pk"), status=MeetingStatus.HELD, meeting_type__in=CADENCE_TYPES)
        .order_by()
        .values("pathway")
        .annotate(last=Max("starts_at"))
        .values("last")
    )


def meeting_rules_annotations() -> dict:
    """For Pathway rows: what `meeting_rules` needs, read in the query that loads the pathway anyway
    (`pathway_get(annotations=...)`), so a page showing the rules makes no query of its own for them."""
    cadence_meetings = last_cadence_meeting_held()
    with_citizen = (
        held_with_citizen(Meeting.objects.filter(pathway=OuterRef("pk")))
        .order_by()
        .values("pathway")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {
        "rules_last_cadence_meeting": Subquery(cadence_meetings, output_field=DateTimeField()),
        "rules_held_with_citizen": Coalesce(Subquery(with_citizen, output_field=IntegerField()), 0),
    }


def next_status_meeting_due(
    *, cadence_days: int | None, last_cadence_meeting: datetime.datetime | None, opened_on: datetime.date
) -> datetime.date | None:
    """The one rule for when the next status meeting is due: `cadence_days` after the last held start or status
    meeting (its day in Copenhagen), or after the pathway opened when none has been held; None without a cadence."""
    if not cadence_days:
        return None
    base = timezone.localtime(last_cadence_meeting).date() if last_cadence_meeting else opened_on
    return base + datetime.timedelta(days=cadence_days)


def meeting_rules(pathway: Pathway, *, today: datetime.date | None = None) -> MeetingRules:
    """The next status meeting's due date and the minimum number of meetings with the citizen: no query when the
    pathway was loaded with `meeting_rules_annotations()`, else two.

    The next status meeting is due `cadence` days after the last held start or status meeting, or after the
    pathway opened when none has been held. It is overdue once that day has passed while the pathway is open.
    """
    today = today or timezone.localdate()
    programme = pathway.programme
    meetings = Meeting.objects.filter(pathway=pathway)
    annotated = hasattr(pathway, "rules_held_with_citizen")
    cadence = programme.status_meeting_cadence_days
    next_due = None
    if cadence:
        if annotated:
            last = pathway.rules_last_cadence_meeting
        else:
            last = meetings.filter(status=MeetingStatus.HELD, meeting_type__in=CADENCE_TYPES).aggregate(
                last=Max("starts_at")
            )["last"]
        next_due = next_status_meeting_due(cadence_days=cadence, last_cadence_meeting=last, opened_on=pathway.opened_on)
    held = pathway.rules_held_with_citizen if annotated else held_with_citizen(meetings).count()
    required = programme.min_citizen_meetings
    return MeetingRules(
        cadence_days=cadence,
        next_status_due=next_due,
        is_overdue=bool(next_due and next_due < today and pathway.is_open),
        min_required=required,
        held_with_citizen=held,
        met=held >= required,
    )


# --- pages -------------------------------------------------------------------------------------------------


@dataclass
class MeetingList:
    upcoming: list  # planned and not begun, soonest first
    to_record: list  # planned, but their time has come
    past: list  # held or cancelled, newest first
    rules: MeetingRules


def meeting_list(*, actor, pathway: Pathway) -> MeetingList:
    """The pathway's meetings and its rules, in a constant number of queries (the view logs the read)."""
    # The pathway was resolved through the policy (`PathwayMixin`): its meetings are read with a plain filter on it.
    meetings = list(
        Meeting.objects.filter(pathway=pathway)
        .prefetch_related(Prefetch("participants", queryset=MeetingParticipant.objects.order_by("-is_citizen", "name")))
        .order_by("starts_at", "id")
    )
    now = timezone.now()
    listing = MeetingList(
        upcoming=[m for m in meetings if m.is_planned and m.starts_at > now],
        to_record=[m for m in meetings if m.is_planned and m.starts_at <= now],
        past=[m for m in reversed(meetings) if not m.is_planned],
        rules=meeting_rules(pathway),
    )
    return listing


def meeting_get(*, actor, pathway: Pathway, public_id) -> Meeting:
    """One meeting of a pathway the actor has already been let into; 404 when it is not that pathway's."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    # The pathway was resolved through the policy for the page's action (`PathwayMixin`); its meetings are read
    # with a plain filter on it, like every other row hanging off it, so the policy is not built twice.
    meeting = (
        Meeting.objects.filter(pathway=pathway, public_id=public_id)
        .select_related("scheduled_by", "recorded_by")
        .first()
    )
    if meeting is None:
        raise Http404
    meeting.pathway = pathway
    return meeting


@dataclass
class MeetingPage:
    meeting: Meeting
    participants: list
    checklist: list
    decisions: list


def meeting_page(*, actor, meeting: Meeting) -> MeetingPage:
    """Participants, checklist, minutes and decisions of one meeting (the view logs the read)."""
    page = MeetingPage(
        meeting=meeting,
        participants=list(
            MeetingParticipant.objects.filter(meeting=meeting)
            .select_related("team_member__department", "expert")
            .order_by("-is_citizen", "name", "id")
        ),
        checklist=list(MeetingChecklistEntry.objects.filter(meeting=meeting).order_by("position", "id")),
        decisions=list(
            MeetingDecision.objects.filter(meeting=meeting)
            .select_related("decided_by", "goal", "revision")
            .defer("revision__snapshot")
        ),
    )
    return page


def meeting_plan_goals(pathway: Pathway) -> list:
    """The goals of the pathway's plan, for the plan changes decided at a meeting (one query, none without a plan)."""
    from samspil.plans.models import Goal

    return list(Goal.objects.filter(pathway=pathway).order_by("position", "id"))


# --- what the citizen may see ------------------------------------------------------------------------------


def minutes_for_citizen(meeting: Meeting) -> str | None:
    """The minutes as the citizen or family may read them: never those of a meeting held without them.

    Every citizen-facing output (portal, citizen version of the plan) must take minutes through this function.
    """
    if not meeting.includes_citizen or meeting.is_cancelled:
        return None
    return meeting.minutes


# The fields of a meeting a citizen-facing page may load: what, when and where. Never the minutes, the reason for
# cancelling, the checklist or the decisions.
CITIZEN_MEETING_FIELDS = (
    "public_id",
    "pathway",
    "meeting_type",
    "starts_at",
    "ends_at",
    "location",
    "online_link",
    "status",
    "version",
)


def meetings_with_citizen(pathway: Pathway):
    """The pathway's meetings the citizen or family is invited to: never a meeting held without them (an analysis
    meeting), and only the fields in `CITIZEN_MEETING_FIELDS`. The one definition for citizen-facing pages."""
    invited = MeetingParticipant.objects.filter(meeting_id=OuterRef("pk"), is_citizen=True, invited=True)
    return (
        Meeting.objects.filter(pathway=pathway)
        .exclude(meeting_type__in=WITHOUT_CITIZEN)
        .filter(Exists(invited))
        .only(*CITIZEN_MEETING_FIELDS)
    )


def requires_analysis_meeting(pathway: Pathway) -> bool:
    """*Én familie – én indgang* (seed 003 p. 4): an analysis meeting is held before any intervention starts on a
    family's pathway. True for a pathway of that model about a household."""
    from samspil.pathways.choices import CollaborationModel

    return pathway.household_id is not None and pathway.programme.model == CollaborationModel.ONE_FAMILY


def first_analysis_meeting_held(pathway: Pathway) -> datetime.datetime | None:
    """When the pathway's first held analysis meeting started (None: none held yet)."""
    from samspil.meetings.choices import MeetingType

    return (
        Meeting.objects.filter(pathway=pathway, meeting_type=MeetingType.ANALYSIS, status=MeetingStatus.HELD)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )


def first_analysis_meeting_held_annotation() -> Subquery:
    """The same as a subquery on a `Pathway` queryset (`OuterRef("pk")`), for lists and aggregates."""
    from samspil.meetings.choices import MeetingType

    return Subquery(
        Meeting.objects.filter(pathway=OuterRef("pk"), meeting_type=MeetingType.ANALYSIS, status=MeetingStatus.HELD)
        .order_by("starts_at")
        .values("starts_at")[:1],
        output_field=DateTimeField(),
    )
