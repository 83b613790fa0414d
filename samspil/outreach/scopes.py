"""Scopes of this app's models for staff (see samspil/access/policy.py and `outreach.access`).

Registrations, ratings and appointments: the project leader every row of the municipality; a case role the rows of
their current departments and the ones they registered or hold. Persons known at a centre: everyone who may
register (to find a returning citizen by the centre's name for them). Agreements, hours, activities and their
sessions: every staff member reads them, the project leader writes them; a session's named participants are read
only by those who may register. Drop-in staff are not staff: their pages ask
`access.partner_centre` and filter by that centre.
"""

from django.db.models import Q

from samspil.access import policy
from samspil.outreach import access
from samspil.outreach.models import (
    AgreementContact,
    Appointment,
    CitizenRating,
    ContactPerson,
    ContactRegistration,
    CooperationAgreement,
    GroupActivity,
    GroupParticipant,
    GroupSession,
    OutreachHours,
    RatingLink,
)


def _own_rows(queryset, user, prefix=""):
    """The registrations (or rows of a registration, through `prefix`) a staff member reads."""
    if access.sees_whole_municipality(user):
        return queryset
    return queryset.filter(
        Q(**{f"{prefix}department_id__in": policy.current_department_ids(user)})
        | Q(**{f"{prefix}recorded_by": user})
        | Q(**{f"{prefix}staff": user})
    )


@policy.register(ContactRegistration)
def registration_scope(queryset, user, action):
    if action in (policy.VIEW, policy.CONTRIBUTE) and access.can_register(user):
        return _own_rows(queryset, user)
    return queryset.none()


@policy.register(CitizenRating, RatingLink)
def rating_scope(queryset, user, action):
    if action in (policy.VIEW, policy.CONTRIBUTE) and access.can_register(user):
        return _own_rows(queryset, user, prefix="registration__")
    return queryset.none()


@policy.register(Appointment)
def appointment_scope(queryset, user, action):
    if action in (policy.VIEW, policy.CONTRIBUTE) and access.can_register(user):
        if access.sees_whole_municipality(user):
            return queryset
        return queryset.filter(Q(department_id__in=policy.current_department_ids(user)) | Q(recorded_by=user))
    return queryset.none()


@policy.register(ContactPerson)
def person_scope(queryset, user, action):
    if action in (policy.VIEW, policy.CONTRIBUTE) and access.can_register(user):
        return queryset
    return queryset.none()


@policy.register(CooperationAgreement, AgreementContact, OutreachHours, GroupActivity, GroupSession)
def programme_scope(queryset, user, action):
    if action == policy.VIEW and access.can_read_timetable(user):
        return queryset
    if action in (policy.CONTRIBUTE, policy.MANAGE) and access.can_manage(user):
        return queryset
    return queryset.none()


@policy.register(GroupParticipant)
def participant_scope(queryset, user, action):
    """Named participants are citizen data: read by those who register conversations (case roles and the project
    leader), written by the project leader. Everyone else sees a session's counts only."""
    if action == policy.VIEW and access.can_register(user):
        return queryset
    if action in (policy.CONTRIBUTE, policy.MANAGE) and access.can_manage(user):
        return queryset
    return queryset.none()
