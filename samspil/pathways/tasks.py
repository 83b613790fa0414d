"""*Mine opgaver*: what one staff member has to do, across every pathway they work in.

Agreements they own, meetings they are invited to or must record, the pathways they coordinate that have something
due (the worklist, `pathways.worklist`, whose querysets this module reads through), and the segmentation referrals
addressed to them. Only pathways the user may contribute to (`Pathway.visible_to(user, CONTRIBUTE)`) that are not
closed; a fixed number of queries whatever the caseload.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery
from django.dispatch import receiver
from django.utils import timezone

from samspil.access import policy
from samspil.audit.choices import AccessPurpose
from samspil.audit.services import access_record_each
from samspil.pathways import worklist as rules


@dataclass
class Tasks:
    agreements: list  # open agreements the user owns: overdue first, then by due date, undated last
    meetings_to_record: list  # planned meetings that have begun, scheduled by the user or in a pathway they coordinate
    meetings_ahead: list  # planned meetings the user is invited to, within `worklist.UPCOMING_DAYS`
    coordinated: list  # `worklist.PathwayTasks` of the pathways the user coordinates that have something due
    referrals: list = field(default_factory=list)  # segmentation referrals addressed to the user (see `_referrals`)
    today: datetime.date | None = None

    @property
    def overdue_agreements(self) -> int:
        return sum(1 for agreement in self.agreements if agreement.is_overdue_on(self.today))

    @property
    def is_empty(self) -> bool:
        return not (
            self.agreements or self.meetings_to_record or self.meetings_ahead or self.coordinated or self.referrals
        )


def _work_pathway_ids(actor):
    """The pathways the user works in (coordinator or covered team place), as a subquery."""
    return rules.active_pathways(actor, policy.CONTRIBUTE).values("pk")


def _my_agreements(actor):
    return rules.open_agreements().filter(pathway__in=_work_pathway_ids(actor), owner__user=actor)


def _invited(actor):
    """For a Meeting row: the user is invited through one of their team places."""
    from samspil.meetings.models import MeetingParticipant

    return Exists(MeetingParticipant.objects.filter(meeting_id=OuterRef("pk"), team_member__user=actor, invited=True))


def _to_record(actor, now) -> Q:
    """For a Meeting row: it has begun and the user must record it (they scheduled it or coordinate the pathway)."""
    coordinated = rules.active_pathways(actor, policy.MANAGE).values("pk")
    return Q(starts_at__lte=now) & (Q(scheduled_by=actor) | Q(pathway__in=coordinated))


def _my_meetings(actor, now):
    return (
        rules.planned_meetings_until(now)
        .filter(pathway__in=_work_pathway_ids(actor))
        .annotate(invited=_invited(actor))
        .filter(_to_record(actor, now) | Q(starts_at__gt=now, invited=True))
    )


def _referrals(actor) -> list:
    """The open segmentation referrals addressed to the user as coordinator (issue 8, item 5). Named only by
    programme and pseudonymous reference, so listing them reads no one's data (see `referrals_for`)."""
    from samspil.segmentation.selectors import referrals_for

    return referrals_for(actor)


class _Count(Subquery):
    """COUNT(*) of a queryset as a scalar subquery, so several counts share one query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def task_counts(*, actor) -> dict:
    """The figures for the main menu, in one query: overdue agreements the user owns and meetings to record."""
    from samspil.accounts.models import User

    if not policy.is_municipal_staff(actor):
        return {"overdue": 0, "meetings_to_record": 0, "total": 0}
    today, now = timezone.localdate(), timezone.now()
    overdue = _my_agreements(actor).overdue(today).order_by().values("pk")
    to_record = _my_meetings(actor, now).filter(starts_at__lte=now).order_by().values("pk")
    row = (
        User.objects.filter(pk=actor.pk)
        .annotate(overdue=_Count(overdue), to_record=_Count(to_record))
        .values("overdue", "to_record")
        .first()
    ) or {"overdue": 0, "to_record": 0}
    return {
        "overdue": row["overdue"],
        "meetings_to_record": row["to_record"],
        "total": row["overdue"] + row["to_record"],
    }


# The menu shows the counts on every page. Pages are held to a fixed query budget, so the counts are kept in the
# cache per user (no query while kept): counted at log-in, again when kept for five minutes, and afresh on the task
# page itself, where the user completes their tasks. Elsewhere the badge may lag a change by up to five minutes.
COUNTS_TTL_SECONDS = 300


def _counts_key(actor) -> str:
    return f"samspil:task-counts:{actor.public_id}"


def task_counts_for_menu(*, actor) -> dict:
    """`task_counts`, kept for `COUNTS_TTL_SECONDS` (see above)."""
    counts = cache.get(_counts_key(actor))
    if counts is None:
        counts = task_counts(actor=actor)
        cache.set(_counts_key(actor), counts, COUNTS_TTL_SECONDS)
    return counts


@receiver(user_logged_in)
def _count_at_log_in(sender, request, user, **kwargs):
    """Count once at log-in, so the first page after it is within its query budget too."""
    if policy.is_municipal_staff(user):
        cache.set(_counts_key(user), task_counts(actor=user), COUNTS_TTL_SECONDS)


def tasks_for_page(*, actor) -> Tasks:
    """*Mine opgaver*: everything the user has to do; the citizens listed are logged as read (one row per
    citizen and pathway)."""
    today, now = timezone.localdate(), timezone.now()
    related = ("pathway__programme", "pathway__citizen", "pathway__household")
    agreements = list(
        _my_agreements(actor).select_related("goal", *related).order_by(F("due_on").asc(nulls_last=True), "id")
    )
    meetings = list(_my_meetings(actor, now).select_related(*related))
    coordinated = rules.worklist_counts(actor=actor).rows
    coordinated = [row for row in coordinated if _needs_coordinator(row)]
    tasks = Tasks(
        agreements=agreements,
        meetings_to_record=[m for m in meetings if m.starts_at <= now],
        meetings_ahead=[m for m in meetings if m.starts_at > now],
        coordinated=coordinated,
        referrals=_referrals(actor),
        today=today,
    )
    pathways = [a.pathway for a in agreements] + [m.pathway for m in meetings] + [row.pathway for row in coordinated]
    counts = {"overdue": tasks.overdue_agreements, "meetings_to_record": len(tasks.meetings_to_record)}
    cache.set(_counts_key(actor), {**counts, "total": sum(counts.values())}, COUNTS_TTL_SECONDS)
    access_record_each(
        actor=actor,
        reads=rules.pathway_subject_reads(pathways),
        shown="pathway.tasks",
        purpose=AccessPurpose.COORDINATION,
    )
    return tasks


def _needs_coordinator(row) -> bool:
    """A coordinated pathway belongs on the task list for what only the worklist shows: overdue agreements (of
    anyone), a status meeting due, a plan not revised. Its meetings are listed with the user's other meetings."""
    return bool(row.overdue_agreements or row.status_meeting_due or row.plan_stale)
