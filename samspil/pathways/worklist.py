"""The coordinator's worklist: what needs doing across the pathways they coordinate.

Overdue agreements, meetings to hold and to record, status meetings due by the programme's cadence, and plans
not revised for a while. Every count comes from a bounded number of aggregate queries, whatever the caseload.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, DateTimeField, Exists, Max, OuterRef, Subquery
from django.utils import timezone

from samspil.access import policy
from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.citizens.models import ADULT_AGE, eighteenth_birthday
from samspil.pathways.choices import PathwayStatus
from samspil.pathways.models import Pathway

UPCOMING_DAYS = 14  # meetings to hold: those starting within the next two weeks
DUE_SOON_DAYS = 7  # status meetings shown when due within a week (or overdue)
TRANSITION_WARNING_MONTHS = 6  # seed 002: the transition at 18 is prepared from six months before the birthday


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, or the last day of that month when it is shorter."""
    import calendar

    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def transition_warning_from(born: datetime.date) -> datetime.date:
    """The first day the worklist warns of a young person's transition at 18: six months before the birthday."""
    return months_before(eighteenth_birthday(born), TRANSITION_WARNING_MONTHS)


def transition_due(
    *, born: datetime.date | None, opened_on: datetime.date, min_age: int | None, has_meeting: bool, today
) -> datetime.date | None:
    """The 18th birthday to prepare for, when the worklist should warn of it; else None.

    Seed 002: a young person's transition to adulthood is planned at a transition meeting (`TRANSITION_18`). The
    warning shows from six months before the 18th birthday until such a meeting is planned or held, on a one-citizen
    pathway of a programme for young people (its minimum age is under 18) who turns 18 during the pathway.
    """
    if born is None or min_age is None or min_age >= ADULT_AGE or has_meeting:
        return None
    birthday = eighteenth_birthday(born)
    if birthday < opened_on or today < transition_warning_from(born):
        return None
    return birthday


# --- the rules, as querysets: the worklist and "Mine opgaver" (`pathways.tasks`) both read through these -----


def active_pathways(actor, action: str):
    """The pathways the actor may do `action` in that are not closed: where there is still work to do."""
    return Pathway.objects.visible_to(actor, action).exclude(status=PathwayStatus.CLOSED)


def open_agreements():
    """Agreements someone is still to do (not of any one pathway: filter by pathway or owner)."""
    from samspil.plans.models import Agreement

    return Agreement.objects.open()


def overdue_agreements(today: datetime.date):
    """Open agreements whose due date has passed."""
    from samspil.plans.models import Agreement

    return Agreement.objects.overdue(today)


def planned_meetings_until(now: datetime.datetime):
    """Planned meetings that have begun (to record) or start within `UPCOMING_DAYS` (to hold), soonest first.

    A planned meeting with `starts_at <= now` awaits its minutes (`Meeting.awaits_minutes`); the rest are ahead.
    """
    from samspil.meetings.choices import MeetingStatus
    from samspil.meetings.models import Meeting

    return Meeting.objects.filter(
        status=MeetingStatus.PLANNED, starts_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS)
    ).order_by("starts_at", "id")


def pathway_subject_reads(pathways) -> list[tuple]:
    """(citizen, pathway) for every person a list of pathways names: the citizen, or each family member.

    One query for the family members of all the family pathways (none when there are none).
    """
    members: dict[int, list] = {}
    household_ids = {p.household_id for p in pathways if p.household_id}
    if household_ids:
        from samspil.citizens.models import HouseholdMember

        current = HouseholdMember.objects.current().filter(household_id__in=household_ids)  # the subjects now
        for member in current.select_related("citizen"):
            members.setdefault(member.household_id, []).append(member.citizen)
    reads = []
    for pathway in pathways:
        for citizen in [pathway.citizen] if pathway.citizen_id else members.get(pathway.household_id, []):
            reads.append((citizen, pathway))
    return reads


@dataclass
class PathwayTasks:
    pathway: Pathway | int  # the id, until `worklist_counts(with_pathways=True)` loads the pathway
    overdue_agreements: int = 0
    meetings_to_hold: list = field(default_factory=list)
    meetings_to_record: list = field(default_factory=list)
    status_meeting_due: datetime.date | None = None
    plan_revised_at: datetime.datetime | None = None
    plan_stale: bool = False
    transition_18_on: datetime.date | None = None  # the 18th birthday whose transition meeting is to be planned

    @property
    def status_meeting_overdue(self) -> bool:
        return self.status_meeting_due is not None and self.status_meeting_due < timezone.localdate()

    @property
    def has_tasks(self) -> bool:
        return bool(
            self.overdue_agreements
            or self.meetings_to_hold
            or self.meetings_to_record
            or self.status_meeting_due
            or self.plan_stale
            or self.transition_18_on
        )


@dataclass
class Worklist:
    rows: list
    overdue_agreements: int
    meetings_to_hold: int
    meetings_to_record: int
    status_meetings_due: int
    plans_stale: int
    transitions_due: int = 0


def worklist_counts(*, actor, with_pathways: bool = False) -> Worklist:
    """The worklist of the pathways the actor coordinates.

    Reads plain values for all coordinated pathways (no model instances, so "Mine forløb" stays fast with a
    large caseload); with `with_pathways`, the pathways that have tasks are loaded for display (one query).
    """
    from samspil.meetings.choices import CADENCE_TYPES, MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting
    from samspil.meetings.selectors import next_status_meeting_due
    from samspil.plans.models import PlanRevision

    today = timezone.localdate()
    now = timezone.now()
    last_held = (
        Meeting.objects.filter(pathway=OuterRef("pk"), status=MeetingStatus.HELD, meeting_type__in=CADENCE_TYPES)
        .order_by()
        .values("pathway")
        .annotate(last=Max("starts_at"))
        .values("last")
    )
    last_revision = (
        PlanRevision.objects.filter(pathway=OuterRef("pk"))
        .order_by()
        .values("pathway")
        .annotate(last=Max("saved_at"))
        .values("last")
    )
    transition_meeting = Meeting.objects.filter(
        pathway=OuterRef("pk"),
        meeting_type=MeetingType.TRANSITION_18,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
    )
    coordinated = list(
        active_pathways(actor, policy.MANAGE)
        .annotate(
            last_cadence_meeting=Subquery(last_held, output_field=DateTimeField()),
            plan_revised_at=Subquery(last_revision, output_field=DateTimeField()),
            has_transition_meeting=Exists(transition_meeting),
        )
        .order_by("opened_on", "id")
        .values(
            "pk",
            "opened_on",
            "programme__status_meeting_cadence_days",
            "last_cadence_meeting",
            "plan_revised_at",
            "citizen__birth_date",
            "programme__min_age",
            "has_transition_meeting",
        )
    )
    ids = [row["pk"] for row in coordinated]
    overdue = dict(
        overdue_agreements(today).filter(pathway__in=ids).order_by().values_list("pathway_id").annotate(n=Count("id"))
    )
    planned = list(planned_meetings_until(now).filter(pathway__in=ids))
    meetings_of: dict[int, list] = {}
    for meeting in planned:
        meetings_of.setdefault(meeting.pathway_id, []).append(meeting)
    stale_after = datetime.timedelta(days=settings.SAMSPIL_PLAN_REVISION_DAYS)
    rows = []
    for values in coordinated:
        tasks = PathwayTasks(
            pathway=values["pk"],
            overdue_agreements=overdue.get(values["pk"], 0),
            plan_revised_at=values["plan_revised_at"],
        )
        for meeting in meetings_of.get(values["pk"], []):
            (tasks.meetings_to_record if meeting.starts_at <= now else tasks.meetings_to_hold).append(meeting)
        due = next_status_meeting_due(
            cadence_days=values["programme__status_meeting_cadence_days"],
            last_cadence_meeting=values["last_cadence_meeting"],
            opened_on=values["opened_on"],
        )
        if due and due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            tasks.status_meeting_due = due
        reference = values["plan_revised_at"] or timezone.make_aware(
            datetime.datetime.combine(values["opened_on"], datetime.time.min)
        )
        tasks.plan_stale = now - reference > stale_after
        tasks.transition_18_on = transition_due(
            born=values["citizen__birth_date"],
            opened_on=values["opened_on"],
            min_age=values["programme__min_age"],
            has_meeting=values["has_transition_meeting"],
            today=today,
        )
        rows.append(tasks)
    with_tasks = [row for row in rows if row.has_tasks]
    if with_pathways and with_tasks:
        loaded = Pathway.objects.select_related("programme", "citizen", "household").in_bulk(
            [row.pathway for row in with_tasks]
        )
        for row in with_tasks:
            row.pathway = loaded[row.pathway]
    return Worklist(
        rows=with_tasks,
        overdue_agreements=sum(row.overdue_agreements for row in rows),
        meetings_to_hold=sum(len(row.meetings_to_hold) for row in rows),
        meetings_to_record=sum(len(row.meetings_to_record) for row in rows),
        status_meetings_due=sum(1 for row in rows if row.status_meeting_due),
        plans_stale=sum(1 for row in rows if row.plan_stale),
        transitions_due=sum(1 for row in rows if row.transition_18_on),
    )


def worklist_for_page(*, actor) -> Worklist:
    """The worklist page: as `worklist_counts`, and the citizens shown are logged as read."""
    worklist = worklist_counts(actor=actor, with_pathways=True)
    reads = pathway_subject_reads([row.pathway for row in worklist.rows])
    access_record_each(actor=actor, reads=reads, shown="pathway.worklist", purpose=AccessPurpose.COORDINATION)
    return worklist


def transition_handover_kinds(pathway: Pathway, today: datetime.date | None = None) -> list[str]:
    """The department kinds coordination may pass to at the transition to adulthood, besides the programme's usual
    one (`Programme.transition_handover_department_kinds`, seed 002: adult services or the job centre).

    They apply at and after the transition: once the young person has turned 18, or a transition meeting has been
    held. The plan carries on in the same pathway; only the coordinator and the coordinating department change.
    """
    kinds = list(pathway.programme.transition_handover_department_kinds or [])
    if not kinds or not pathway.citizen_id:
        return []
    today = today or timezone.localdate()
    if eighteenth_birthday(pathway.citizen.birth_date) <= today:
        return kinds
    from samspil.meetings.choices import MeetingStatus, MeetingType
    from samspil.meetings.models import Meeting

    held = Meeting.objects.filter(
        pathway_id=pathway.pk, meeting_type=MeetingType.TRANSITION_18, status=MeetingStatus.HELD
    ).exists()
    return kinds if held else []
