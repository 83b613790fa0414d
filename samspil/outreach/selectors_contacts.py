"""Reads of registered conversations, persons known at a centre and the citizen's rating.

Staff read through the scope (`policy.restrict`, `outreach.scopes`); drop-in staff through their own centre
(`centre_registrations`). Nothing here logs: the pages log what they show (`views_base`), so a selector can serve a
list, a form's defaults and a service alike.
"""

import base64
import binascii
import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from samspil.access import policy
from samspil.accounts.choices import AccountKind
from samspil.core.db import precompiled_rows_by_ids
from samspil.outreach import access
from samspil.outreach.choices import CONVERSATION_ELEMENTS
from samspil.outreach.models import ContactPerson, ContactRegistration, CooperationAgreement, OutreachHours

PERSON_SEARCH_LIMIT = 8
PERSON_SEARCH_MIN_LENGTH = 2

_RELATED = ("centre", "department", "staff", "recorded_by", "person", "citizen", "rating")


# --- registrations ------------------------------------------------------------------------------------------


def staff_registrations(user, action: str = policy.VIEW):
    """The registrations a staff member reads (or works on, with CONTRIBUTE): `outreach.scopes`."""
    return policy.restrict(ContactRegistration.objects, user, action).select_related(*_RELATED)


def centre_registrations(centre):
    """Every registration at one drop-in centre (drop-in staff's own centre)."""
    return ContactRegistration.objects.filter(municipality_id=centre.municipality_id, centre=centre).select_related(
        *_RELATED
    )


def registration_get(queryset, public_id) -> ContactRegistration | None:
    return queryset.filter(public_id=public_id).first()


@dataclass
class RegistrationPage:
    rows: list
    next_cursor: str = ""


def _encode_cursor(row) -> str:
    """Opaque to the user, no database id: `base64url("YYYY-MM-DD|<public uuid>")` (as *Mine forløb*)."""
    raw = f"{row.occurred_on.isoformat()}|{row.public_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime.date, uuid.UUID] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, public_id = raw.split("|")
        return datetime.date.fromisoformat(day), uuid.UUID(public_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def keyset_page(queryset, *, cursor: str = "", page_size: int | None = None) -> tuple[list, str]:
    """(rows, next cursor or "") of one page of rows with `occurred_on` and `public_id` (registrations,
    appointments), newest first, by keyset (no COUNT): one row more than the page says whether there is a next page.
    A malformed cursor gives the first page."""
    page_size = page_size or settings.SAMSPIL_PAGE_SIZE
    position = _decode_cursor(cursor) if cursor else None
    if position:
        day, public_id = position
        queryset = queryset.filter(Q(occurred_on__lt=day) | Q(occurred_on=day, public_id__lt=public_id))
    rows = list(queryset.order_by("-occurred_on", "-public_id")[: page_size + 1])
    next_cursor = _encode_cursor(rows[page_size - 1]) if len(rows) > page_size else ""
    return rows[:page_size], next_cursor


def registration_page(
    queryset,
    *,
    centre=None,
    element: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    cursor: str = "",
    page_size: int | None = None,
) -> RegistrationPage:
    """One page of registrations, newest first (`keyset_page`)."""
    if centre is not None:
        queryset = queryset.filter(centre=centre)
    if element:
        queryset = queryset.filter(element=element)
    if date_from:
        queryset = queryset.filter(occurred_on__gte=date_from)
    if date_to:
        queryset = queryset.filter(occurred_on__lte=date_to)
    rows, next_cursor = keyset_page(queryset, cursor=cursor, page_size=page_size)
    return RegistrationPage(rows=rows, next_cursor=next_cursor)


# --- persons known at a centre --------------------------------------------------------------------------------


def person_for_staff(user, public_id) -> ContactPerson | None:
    """A person known at a centre, with `visible_registrations`: the ones the user reads. None (the page's 404)
    unless the user reads at least one of them or the whole municipality."""
    person = (
        policy.restrict(ContactPerson.objects, user, policy.VIEW)
        .select_related("centre", "citizen", "linked_by")
        .filter(public_id=public_id)
        .first()
    )
    if person is None:
        return None
    person.visible_registrations = list(
        staff_registrations(user).filter(person=person).order_by("-occurred_on", "-public_id")
    )
    if not person.visible_registrations and not access.sees_whole_municipality(user):
        return None
    return person


def staff_persons(user, action: str = policy.VIEW):
    """The persons known at a centre a staff member may look up (`outreach.scopes.person_scope`)."""
    return policy.restrict(ContactPerson.objects, user, action)


def centre_persons(centre):
    """The persons known at one drop-in centre (drop-in staff's own centre)."""
    return ContactPerson.objects.filter(municipality_id=centre.municipality_id, centre=centre)


def person_search(persons, *, centre, query: str, limit: int = PERSON_SEARCH_LIMIT) -> list[ContactPerson]:
    """Of `persons` (`staff_persons` or `centre_persons`), those known at `centre` whose name there contains `query`
    (at least two characters), names starting with it first. For picking a returning citizen while registering."""
    query = " ".join((query or "").split())
    if centre is None or len(query) < PERSON_SEARCH_MIN_LENGTH:
        return []
    persons = persons.filter(centre=centre, pseudonym__icontains=query).select_related("centre")
    found = list(persons.order_by("pseudonym", "id")[: limit * 4])
    folded = query.casefold()
    found.sort(key=lambda person: (not person.pseudonym.casefold().startswith(folded), person.pseudonym.casefold()))
    return found[:limit]


def person_by_name(*, centre, pseudonym: str) -> ContactPerson | None:
    """The person known at `centre` by `pseudonym`, whatever its case (also æ, ø, å: SQLite folds ASCII only)."""
    persons = ContactPerson.objects.filter(municipality_id=centre.municipality_id, centre=centre)
    exact = persons.filter(pseudonym__iexact=pseudonym).first()
    if exact is not None:
        return exact
    folded = pseudonym.casefold()
    same_length = persons.annotate(name_length=Length("pseudonym")).filter(name_length=len(pseudonym))
    return next((person for person in same_length if person.pseudonym.casefold() == folded), None)


def linked_person_indexes(citizen_ids) -> dict[int, list[str]]:
    """For each citizen, the access-log keys (`ContactPerson.log_subject_index`) of the persons known at a centre
    that have been linked to them: reads made before the link are theirs too (the portal's insight)."""
    indexes: dict[int, list[str]] = {}
    rows = precompiled_rows_by_ids(  # one kept query per number of places: the insight page asks on every view
        lambda ids: ContactPerson.objects.filter(citizen_id__in=ids).values_list("citizen_id", "public_id"),
        sorted(citizen_ids),
        key=("linked_person_indexes",),
        field=ContactPerson._meta.get_field("citizen"),
    )
    for citizen_id, public_id in rows:
        indexes.setdefault(citizen_id, []).append(ContactPerson(public_id=public_id).log_subject_index)
    return indexes


# --- the registration form's choices and defaults -------------------------------------------------------------


def centres_with_agreement(municipality_id):
    """The drop-in centres of the municipality with a cooperation agreement (in force or not: a registration may be
    typed in later; the service checks the agreement on the conversation's date)."""
    from samspil.organisations.models import ExternalOrganisation

    return ExternalOrganisation.objects.filter(
        municipality_id=municipality_id,
        kind__in=access.DROP_IN_KINDS,
        pk__in=CooperationAgreement.objects.filter(municipality_id=municipality_id).values("centre_id"),
    ).order_by("name")


def agreement_in_force(centre, day: datetime.date) -> CooperationAgreement | None:
    return (
        CooperationAgreement.objects.filter(municipality_id=centre.municipality_id, centre=centre, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by("-starts_on", "-id")
        .first()
    )


def department_choices(user, *, partner: bool = False):
    """Staff register for their own current departments; the project leader (paper forms) and drop-in staff for any
    department of the municipality."""
    from samspil.organisations.models import Department

    departments = Department.objects.filter(municipality_id=user.municipality_id).order_by("name")
    if partner or access.sees_whole_municipality(user):
        return departments
    return departments.filter(pk__in=policy.current_department_ids(user))


def staff_choices(user, *, centre=None):
    """Who held the conversation. Staff: the colleagues of their current departments (the project leader: every
    staff member with a current place). Drop-in staff: the municipality's staff with hours at their centre."""
    from samspil.accounts.models import User
    from samspil.organisations.models import Membership

    users = User.objects.filter(municipality_id=user.municipality_id, kind=AccountKind.STAFF, is_active=True)
    if centre is not None:
        hours = OutreachHours.objects.filter(municipality_id=user.municipality_id, agreement__centre=centre)
        return users.filter(pk__in=hours.values("staff_id")).order_by("first_name", "last_name", "pk")
    current = Membership.objects.current().filter(municipality_id=user.municipality_id)
    if not access.sees_whole_municipality(user):
        current = current.filter(department_id__in=policy.current_department_ids(user))
    return users.filter(Q(pk=user.pk) | Q(pk__in=current.values("user_id"))).order_by("first_name", "last_name", "pk")


@dataclass(frozen=True)
class Defaults:
    centre: object = None
    element: str = ""
    department: object = None


def _hours_today(user, today: datetime.date):
    return (
        OutreachHours.objects.filter(
            municipality_id=user.municipality_id,
            weekday=today.weekday(),
            agreement__starts_on__lte=today,
        )
        .filter(Q(agreement__ends_on__isnull=True) | Q(agreement__ends_on__gte=today))
        .select_related("agreement__centre", "department")
        .order_by("starts_at", "id")
    )


def registration_defaults(user, *, today: datetime.date | None = None) -> Defaults:
    """What the form starts with: the centre, element and department of the outreach hours the user has today (their
    own hours first, then their departments'), else of the last conversation they registered."""
    today = today or timezone.localdate()
    departments = policy.current_department_ids(user)
    hours = _hours_today(user, today)
    chosen = hours.filter(staff=user).first() or hours.filter(department_id__in=departments).first()
    if chosen is not None:
        return Defaults(centre=chosen.agreement.centre, element=chosen.element, department=chosen.department)
    last = (
        ContactRegistration.objects.filter(municipality_id=user.municipality_id, recorded_by=user)
        .select_related("centre", "department")
        .order_by("-created_at", "-id")
        .first()
    )
    own_department = department_choices(user).filter(pk__in=departments).first() if departments else None
    if last is not None:
        department = last.department if last.department_id in departments else own_department
        return Defaults(centre=last.centre, element=last.element, department=department)
    return Defaults(element=CONVERSATION_ELEMENTS[0], department=own_department)


def partner_defaults(user, centre, *, today: datetime.date | None = None) -> Defaults:
    """Drop-in staff: the element and department of the hours at their centre today, else of their last
    registration."""
    today = today or timezone.localdate()
    chosen = _hours_today(user, today).filter(agreement__centre=centre).first()
    if chosen is not None:
        return Defaults(centre=centre, element=chosen.element, department=chosen.department)
    last = (
        ContactRegistration.objects.filter(municipality_id=user.municipality_id, recorded_by=user, centre=centre)
        .select_related("department")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None:
        return Defaults(centre=centre, element=last.element, department=last.department)
    return Defaults(centre=centre, element=CONVERSATION_ELEMENTS[0])
