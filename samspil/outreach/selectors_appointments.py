"""Reads of appointments for staff, through the appointment scope (`outreach.scopes.appointment_scope`): the
project leader every appointment of the municipality, a case role those of their current departments and the ones
they recorded. The pages log who they show (`views_base`); these functions do not."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from samspil.access import policy
from samspil.outreach.choices import AppointmentOutcome
from samspil.outreach.models import Appointment
from samspil.outreach.selectors_contacts import keyset_page

PENDING = "pending"  # the outcome filter's value for "not held yet / outcome not recorded"


def appointments_for(user, action: str = policy.VIEW):
    return policy.restrict(Appointment.objects, user, action)


def appointment_get(user, public_id, action: str = policy.VIEW) -> Appointment | None:
    """The appointment if the user may read it (else None, exactly as if it did not exist)."""
    return (
        appointments_for(user, action)
        .select_related("department", "centre", "citizen", "person", "person__centre", "recorded_by")
        .filter(public_id=public_id)
        .first()
    )


@dataclass
class Filters:
    department: object = None  # Department
    place: str = ""
    centre: object = None  # ExternalOrganisation
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    outcome: str = ""  # a code of AppointmentOutcome, PENDING, or "" for all


def _filtered(user, filters: Filters):
    rows = appointments_for(user)
    if filters.department is not None:
        rows = rows.filter(department=filters.department)
    if filters.place:
        rows = rows.filter(place=filters.place)
    if filters.centre is not None:
        rows = rows.filter(centre=filters.centre)
    if filters.date_from:
        rows = rows.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(occurred_on__lte=filters.date_to)
    if filters.outcome == PENDING:
        rows = rows.filter(outcome="")
    elif filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    return rows


@dataclass
class Summary:
    """The outcomes of the appointments the list's filters select (all pages): the no-show rate counts attended and
    no-shows, and leaves cancellations in time (and appointments without an outcome) out."""

    attended: int = 0
    cancelled: int = 0
    no_show: int = 0
    pending: int = 0

    @property
    def held(self) -> int:
        return self.attended + self.no_show

    @property
    def no_show_rate(self) -> float | None:
        from samspil.outreach.figures import Attendance

        return Attendance(attended=self.attended, no_show=self.no_show).rate

    @property
    def no_show_percent(self) -> float | None:
        rate = self.no_show_rate
        return None if rate is None else rate * 100


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    summary: Summary = field(default_factory=Summary)


def appointment_page(user, filters: Filters, *, cursor: str = "", page_size: int | None = None) -> Page:
    """One page of the appointments the user reads, newest first (keyset pages, no COUNT per page), and the
    outcomes of all the filters select."""
    rows = _filtered(user, filters)
    counts = rows.order_by().aggregate(
        attended=Count("pk", filter=Q(outcome=AppointmentOutcome.ATTENDED)),
        cancelled=Count("pk", filter=Q(outcome=AppointmentOutcome.CANCELLED)),
        no_show=Count("pk", filter=Q(outcome=AppointmentOutcome.NO_SHOW)),
        pending=Count("pk", filter=Q(outcome="")),
    )
    found, next_cursor = keyset_page(
        rows.select_related("department", "centre", "citizen", "person"), cursor=cursor, page_size=page_size
    )
    return Page(rows=found, next_cursor=next_cursor or None, summary=Summary(**counts))
