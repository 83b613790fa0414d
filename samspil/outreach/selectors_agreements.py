"""Reads for cooperation agreements, the outreach timetable and group activities (staff pages under /vaeresteder/).

Every read starts from the scoped queryset (`policy.restrict(Model.objects, user, VIEW)`, see `outreach.scopes`):
any staff member of the municipality reads agreements, hours and activities. Only the named participants of a group
activity are citizen data; `activity_participants` gives them to those who may read them (`access.can_register`)
and nothing to anyone else, and the page logs what it shows (`views_base`).

An agreement's state on a day (`agreement_state`): not yet in force, in force, up for renewal within
`RENEWAL_WARNING_DAYS` (*fornyes snart*), renewal date passed while still in force, or ended (*udløbet*).
"""

import dataclasses
import datetime

from django.db.models import Prefetch, Q
from django.http import Http404

from samspil.access import policy
from samspil.organisations.models import ExternalOrganisation
from samspil.outreach import access
from samspil.outreach.choices import Element, Weekday
from samspil.outreach.models import (
    AgreementContact,
    ContactPerson,
    CooperationAgreement,
    GroupActivity,
    GroupParticipant,
    GroupSession,
    OutreachHours,
)

RENEWAL_WARNING_DAYS = 60


class State:
    NOT_STARTED = "not_started"
    IN_FORCE = "in_force"
    RENEW_SOON = "renew_soon"
    RENEW_OVERDUE = "renew_overdue"
    ENDED = "ended"


def agreement_state(agreement: CooperationAgreement, day: datetime.date) -> str:
    if agreement.ends_on is not None and agreement.ends_on < day:
        return State.ENDED
    if agreement.starts_on > day:
        return State.NOT_STARTED
    if agreement.renew_on is not None:
        if agreement.renew_on < day:
            return State.RENEW_OVERDUE
        if (agreement.renew_on - day).days <= RENEWAL_WARNING_DAYS:
            return State.RENEW_SOON
    return State.IN_FORCE


def in_force_on(day: datetime.date) -> Q:
    """Agreements in force on `day` (the first and the last day included)."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


# --- centres ----------------------------------------------------------------------------------------------------


def centres(*, actor):
    """The municipality's drop-in centres (municipal and private), by name."""
    return policy.restrict(ExternalOrganisation.objects, actor, policy.VIEW).filter(kind__in=access.DROP_IN_KINDS)


def centre_get(*, actor, public_id) -> ExternalOrganisation:
    centre = centres(actor=actor).filter(public_id=public_id).first()
    if centre is None:
        raise Http404
    return centre


# --- agreements -------------------------------------------------------------------------------------------------


def agreements(*, actor, centre=None, action=policy.VIEW):
    queryset = policy.restrict(CooperationAgreement.objects, actor, action).select_related("centre", "programme")
    return queryset.filter(centre=centre) if centre is not None else queryset


def agreement_get(*, actor, public_id, action=policy.VIEW) -> CooperationAgreement:
    agreement = agreements(actor=actor, action=action).filter(public_id=public_id).first()
    if agreement is None:
        raise Http404
    return agreement


@dataclasses.dataclass
class AgreementRow:
    agreement: CooperationAgreement
    state: str

    @property
    def warning(self) -> bool:
        return self.state in (State.RENEW_SOON, State.RENEW_OVERDUE, State.ENDED)


def element_labels(codes) -> list:
    """The labels of element codes, in the model's order."""
    return [Element(code).label for code in Element.values if code in set(codes or ())]


def agreement_rows(*, actor, day: datetime.date, centre=None) -> list[AgreementRow]:
    """Every agreement (of one centre, or of the municipality) with its state on `day`: by centre, newest first."""
    return [AgreementRow(a, agreement_state(a, day)) for a in agreements(actor=actor, centre=centre)]


def agreement_contacts(agreement: CooperationAgreement) -> list[AgreementContact]:
    return list(agreement.contacts.select_related("user", "external_contact"))


def agreement_hours(agreement: CooperationAgreement) -> list[OutreachHours]:
    return list(agreement.hours.select_related("department", "staff"))


# --- the timetable ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class TimetableDay:
    weekday: int
    label: str
    hours: list  # of OutreachHours, each with `.state` (its agreement's on the chosen day)


def timetable(*, actor, day: datetime.date, centre=None) -> list[TimetableDay]:
    """The fixed weekly hours of the agreements in force on `day` (one centre's or the municipality's), by weekday
    (Monday first) and time. Weekdays without hours are left out, except Monday to Friday."""
    hours = (
        policy.restrict(OutreachHours.objects, actor, policy.VIEW)
        .filter(agreement__in=agreements(actor=actor, centre=centre).filter(in_force_on(day)))
        .select_related("agreement__centre", "department", "staff")
        .order_by("weekday", "starts_at", "agreement__centre__name", "department__name", "id")
    )
    by_day = {value: [] for value in Weekday.values}
    for row in hours:
        row.state = agreement_state(row.agreement, day)
        by_day[row.weekday].append(row)
    return [
        TimetableDay(weekday=value, label=Weekday(value).label, hours=by_day[value])
        for value in Weekday.values
        if by_day[value] or value <= Weekday.FRIDAY
    ]


def hours_on(*, actor, day: datetime.date) -> list[tuple[ExternalOrganisation, list[OutreachHours]]]:
    """Each centre's outreach hours on `day` (its weekday, agreements in force), for the hub page."""
    hours = (
        policy.restrict(OutreachHours.objects, actor, policy.VIEW)
        .filter(agreement__in=agreements(actor=actor).filter(in_force_on(day)), weekday=day.weekday())
        .select_related("agreement__centre", "department", "staff")
        .order_by("agreement__centre__name", "starts_at", "department__name", "id")
    )
    grouped: dict = {}
    for row in hours:
        grouped.setdefault(row.agreement.centre, []).append(row)
    return list(grouped.items())


# --- group activities -------------------------------------------------------------------------------------------


def activities(*, actor, centre=None, action=policy.VIEW):
    queryset = policy.restrict(GroupActivity.objects, actor, action).select_related("centre")
    return queryset.filter(centre=centre) if centre is not None else queryset


def activity_get(*, actor, public_id, action=policy.VIEW) -> GroupActivity:
    activity = activities(actor=actor, action=action).filter(public_id=public_id).first()
    if activity is None:
        raise Http404
    return activity


def session_get(*, actor, activity: GroupActivity, public_id, action=policy.VIEW) -> GroupSession:
    session = (
        policy.restrict(GroupSession.objects, actor, action).filter(activity=activity, public_id=public_id).first()
    )
    if session is None:
        raise Http404
    return session


def may_read_participants(actor) -> bool:
    """Named participants are citizen data: case roles and the project leader (`access.can_register`)."""
    return access.can_register(actor)


def sessions_with_counts(*, actor, activity: GroupActivity) -> list[GroupSession]:
    """The activity's sessions, newest first, each with `named` (how many named participants) and, for those who may
    read them, `named_participants` (else an empty list)."""
    participants = GroupParticipant.objects.select_related("person", "citizen").order_by("id")
    sessions = list(
        policy.restrict(GroupSession.objects, actor, policy.VIEW)
        .filter(activity=activity)
        .prefetch_related(Prefetch("participants", queryset=participants))
    )
    readable = may_read_participants(actor)
    for session in sessions:
        named = list(session.participants.all())
        session.named = len(named)
        session.total = session.anonymous_count + session.named
        session.named_participants = named if readable else []
    return sessions


def session_participants(*, actor, session: GroupSession) -> list[GroupParticipant]:
    """The named participants of one session, for those who may read them; else an empty list."""
    if not may_read_participants(actor):
        return []
    return list(
        policy.restrict(GroupParticipant.objects, actor, policy.VIEW)
        .filter(session=session)
        .select_related("person", "citizen")
        .order_by("id")
    )


def centre_persons(*, actor, centre):
    """The people known at `centre` by the centre's name for them (to name a participant), for those who may."""
    return (
        policy.restrict(ContactPerson.objects, actor, policy.CONTRIBUTE)
        .filter(centre=centre)
        .order_by("pseudonym", "id")
    )


def shown_subjects(participants) -> list:
    """What a page showing `participants` reads, for the access log (`views_base.people_subjects`): a person known at
    the centre by their row (so one linked to a citizen is logged as that citizen), else the citizen."""
    return [p.person if p.person_id else p for p in participants]
