"""Writes of registered conversations, persons known at a centre and the citizen's rating. Keyword-only,
`<entity>_<action>`, atomic; each checks who acts, re-reads what it changes (locked), validates with Danish messages
and records the event in the same transaction.

Who acts: a staff member who may register (`access.can_register`; rows through `outreach.scopes`), or drop-in staff
(`access.partner_centre`: their own centre only; they never name a registered citizen, never link and never edit).
The citizen's rating through the one-time link has no actor at all.
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.accounts.choices import AccountKind
from samspil.audit.services import event_record
from samspil.citizens.services import citizen_find_by_cpr
from samspil.outreach import access, selectors_contacts
from samspil.outreach.choices import CONVERSATION_ELEMENTS, Decision, FollowUp, Identity, RatingSource
from samspil.outreach.models import CitizenRating, ContactPerson, ContactRegistration, RatingLink
from samspil.partners.models import token_hash

RATING_LINK_DAYS = 7
PSEUDONYM_MAX_LENGTH = ContactPerson._meta.get_field("pseudonym").max_length
RATING_FIELDS = ("safe", "relevant", "place")

# The fields of a conversation a form may set (the citizen is set when registering, or by linking).
CONVERSATION_FIELDS = (
    "occurred_on",
    "centre",
    "element",
    "department",
    "staff",
    "origin",
    "topics",
    "minutes",
    "decisions",
    "decision_note",
    "follow_up",
    "follow_up_on",
    "note",
)


def _day(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


def _actor_centre(actor):
    """The drop-in centre a partner actor works at, or None for staff; PermissionDenied for anyone else."""
    if policy.is_municipal_staff(actor):
        if not access.can_register(actor):
            raise PermissionDenied
        return None
    centre = access.partner_centre(actor)
    if centre is None:
        raise PermissionDenied
    return centre


def _writable_registrations(actor):
    """The registrations the actor may change or make a rating link for, for locking."""
    centre = _actor_centre(actor)
    if centre is None:
        return policy.restrict(ContactRegistration.objects, actor, policy.CONTRIBUTE)
    return ContactRegistration.objects.filter(municipality_id=actor.municipality_id, centre=centre)


def _locked_registration(actor, registration) -> ContactRegistration:
    try:
        return _writable_registrations(actor).select_for_update().get(pk=registration.pk)
    except ContactRegistration.DoesNotExist:
        raise PermissionDenied from None


# --- validation of a conversation --------------------------------------------------------------------------------


def _clean_conversation(*, actor, partner_centre, values: dict) -> dict:
    """The conversation's fields checked against each other and against who registers; ValidationError by field."""
    errors = {}
    today = timezone.localdate()
    occurred_on = values["occurred_on"]
    if occurred_on > today:
        errors["occurred_on"] = _("The conversation cannot be in the future.")
    centre = partner_centre or values["centre"]
    values["centre"] = centre
    if centre.municipality_id != actor.municipality_id or centre.kind not in access.DROP_IN_KINDS:
        errors["centre"] = _("Choose one of the municipality's drop-in centres.")
    else:
        agreement = selectors_contacts.agreement_in_force(centre, occurred_on)
        if agreement is None:
            errors["centre" if partner_centre is None else "occurred_on"] = _(
                "%(centre)s had no cooperation agreement in force on %(date)s."
            ) % {"centre": centre.name, "date": _day(occurred_on)}
        elif values["element"] in CONVERSATION_ELEMENTS and values["element"] not in agreement.elements:
            errors["element"] = _("The cooperation agreement with %(centre)s does not include this element.") % {
                "centre": centre.name
            }
    if values["element"] not in CONVERSATION_ELEMENTS:
        errors["element"] = _("Choose outreach casework, outreach substance-abuse work or the support scheme.")
    department = values["department"]
    allowed_departments = selectors_contacts.department_choices(actor, partner=partner_centre is not None)
    if department is None:
        errors["department"] = _("Choose the department.")
    elif not allowed_departments.filter(pk=department.pk).exists():
        errors["department"] = _("You can register conversations for your own departments only.")
    staff = values.get("staff")
    if staff is None and partner_centre is None:
        errors["staff"] = _("Choose the staff member who held the conversation.")
    elif staff is not None and (staff.municipality_id != actor.municipality_id or staff.kind != AccountKind.STAFF):
        errors["staff"] = _("Choose a staff member of the municipality.")
    decisions = list(dict.fromkeys(values.get("decisions") or []))
    if Decision.NONE in decisions and len(decisions) > 1:
        errors["decisions"] = _("“No decision” cannot be chosen together with a decision.")
    values["decisions"] = decisions
    values["topics"] = list(dict.fromkeys(values.get("topics") or []))
    follow_up, follow_up_on = values.get("follow_up") or "", values.get("follow_up_on")
    if follow_up_on and follow_up in ("", FollowUp.NONE):
        errors["follow_up_on"] = _("Choose the follow-up as well, or leave the date empty.")
    elif follow_up_on and follow_up_on < occurred_on:
        errors["follow_up_on"] = _("The follow-up cannot be before the conversation.")
    for name in ("origin", "decision_note", "note", "follow_up"):
        values[name] = values.get(name) or ""
    if errors:
        raise ValidationError(errors)
    return values


def _clean_pseudonym(raw: str) -> str:
    pseudonym = " ".join((raw or "").split())
    if not pseudonym:
        raise ValidationError({"pseudonym": _("Write the name the centre uses for the citizen.")})
    if len(pseudonym) > PSEUDONYM_MAX_LENGTH:
        raise ValidationError(
            {"pseudonym": _("The name can be at most %(count)d characters.") % {"count": PSEUDONYM_MAX_LENGTH}}
        )
    return pseudonym


def person_get_or_create(*, centre, pseudonym: str) -> tuple[ContactPerson, bool]:
    """The person known at `centre` by `pseudonym` (any case), or a new one. Two people typing the same new name at
    once get the same person (the unique name per centre)."""
    pseudonym = _clean_pseudonym(pseudonym)
    person = selectors_contacts.person_by_name(centre=centre, pseudonym=pseudonym)
    if person is not None:
        return person, False
    try:
        with transaction.atomic():
            return (
                ContactPerson.objects.create(
                    municipality_id=centre.municipality_id, centre=centre, pseudonym=pseudonym
                ),
                True,
            )
    except IntegrityError:
        return selectors_contacts.person_by_name(centre=centre, pseudonym=pseudonym), False


def _citizen_by_cpr(*, actor, digits: str, field: str = "cpr_number"):
    citizen = citizen_find_by_cpr(municipality_id=actor.municipality_id, digits=digits) if digits else None
    if citizen is None:
        raise ValidationError(
            {
                field: _(
                    "No citizen with this CPR number is registered in the municipality. Register the citizen first, "
                    "or register the conversation as anonymous or by the centre's name for them."
                )
            }
        )
    return citizen


# --- registering and changing a conversation ----------------------------------------------------------------------


@transaction.atomic
def registration_record(
    *,
    actor,
    identity: str,
    pseudonym: str = "",
    cpr_digits: str = "",
    occurred_on: datetime.date,
    centre=None,
    element: str,
    department,
    staff=None,
    origin: str = "",
    topics=(),
    minutes: int | None = None,
    decisions=(),
    decision_note: str = "",
    follow_up: str = "",
    follow_up_on: datetime.date | None = None,
    note: str = "",
) -> tuple[ContactRegistration, bool]:
    """Register one conversation (KORA's *registreringsskema*). Drop-in staff register at their own centre only and
    never by CPR number. Returns the registration and whether a new person known at the centre was made."""
    partner_centre = _actor_centre(actor)
    values = _clean_conversation(
        actor=actor,
        partner_centre=partner_centre,
        values={
            "occurred_on": occurred_on,
            "centre": centre,
            "element": element,
            "department": department,
            "staff": staff,
            "origin": origin,
            "topics": topics,
            "minutes": minutes,
            "decisions": decisions,
            "decision_note": decision_note,
            "follow_up": follow_up,
            "follow_up_on": follow_up_on,
            "note": note,
        },
    )
    person, citizen, new_person = None, None, False
    if identity == Identity.PSEUDONYM:
        person, new_person = person_get_or_create(centre=values["centre"], pseudonym=pseudonym)
        citizen = person.citizen
    elif identity == Identity.REGISTERED:
        if partner_centre is not None:
            raise ValidationError(
                {"identity": _("Drop-in staff register a citizen as anonymous or by the centre's name for them.")}
            )
        citizen = _citizen_by_cpr(actor=actor, digits=cpr_digits)
    elif identity != Identity.ANONYMOUS:
        raise ValidationError({"identity": _("Choose who the citizen is.")})
    registration = ContactRegistration.objects.create(
        municipality_id=actor.municipality_id,
        identity=identity,
        person=person,
        citizen=citizen,
        recorded_by=actor,
        **values,
    )
    event_record(
        actor=actor,
        code="outreach.registration_recorded",
        municipality_id=actor.municipality_id,
        data={"centre": registration.centre.name, "date": _day(registration.occurred_on)},
    )
    return registration, new_person


@transaction.atomic
def registration_update(*, actor, registration: ContactRegistration, expected_version: int, **fields):
    """Change a conversation's fields (not who the citizen is: that is linking). Staff who read it only; the
    registration's `version` is checked (`ConflictError`, nothing written)."""
    from samspil.core.exceptions import ConflictError

    if not policy.is_municipal_staff(actor):
        raise PermissionDenied
    registration = _locked_registration(actor, registration)
    if registration.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this conversation while you were working on it. Look at the saved values and "
                "save again."
            )
        )
    unknown = set(fields) - set(CONVERSATION_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of the conversation: {sorted(unknown)}")
    values = _clean_conversation(
        actor=actor, partner_centre=None, values={name: fields.get(name) for name in CONVERSATION_FIELDS}
    )
    if registration.person_id and values["centre"].pk != registration.centre_id:
        raise ValidationError(
            {"centre": _("The citizen is known by the centre's name for them: the centre cannot be changed.")}
        )
    changed = [name for name, value in values.items() if getattr(registration, name) != value]
    if not changed:
        return registration
    for name in changed:
        setattr(registration, name, values[name])
    registration.version += 1
    registration.save(update_fields=[*changed, "version", "updated_at"])
    event_record(
        actor=actor,
        code="outreach.registration_changed",
        municipality_id=registration.municipality_id,
        data={"centre": registration.centre.name, "date": _day(registration.occurred_on)},
    )
    return registration


# --- linking to a registered citizen -------------------------------------------------------------------------------


def _require_linker(actor) -> None:
    if not (policy.is_municipal_staff(actor) and access.can_register(actor)):
        raise PermissionDenied


@transaction.atomic
def person_link(*, actor, person: ContactPerson, cpr_digits: str) -> ContactPerson:
    """Link a person known at a centre — and every conversation registered under that name — to the registered
    citizen with this CPR number. The name, the registrations and their history stay; only the citizen is filled
    in. Staff who read at least one of the person's conversations (the project leader: any)."""
    _require_linker(actor)
    person = (
        policy.restrict(ContactPerson.objects, actor, policy.CONTRIBUTE)
        .select_for_update()
        .select_related("centre")
        .filter(pk=person.pk)
        .first()
    )
    registrations = policy.restrict(ContactRegistration.objects, actor, policy.CONTRIBUTE)
    if person is None or not (access.sees_whole_municipality(actor) or registrations.filter(person=person).exists()):
        raise PermissionDenied
    if person.citizen_id is not None:
        raise ValidationError(_("%(name)s is already linked to a registered citizen.") % {"name": person.pseudonym})
    citizen = _citizen_by_cpr(actor=actor, digits=cpr_digits, field="cpr_number")
    now = timezone.now()
    person.citizen, person.linked_at, person.linked_by = citizen, now, actor
    person.save(update_fields=["citizen", "linked_at", "linked_by", "updated_at"])
    linked = list(ContactRegistration.objects.select_for_update().filter(person=person, citizen__isnull=True))
    for registration in linked:  # one by one: each change is in the change log
        registration.citizen, registration.linked_at, registration.linked_by = citizen, now, actor
        registration.save(update_fields=["citizen", "linked_at", "linked_by", "updated_at"])
    event_record(
        actor=actor,
        code="outreach.person_linked",
        municipality_id=person.municipality_id,
        data={"pseudonym": person.pseudonym, "centre": person.centre.name, "registrations": len(linked)},
    )
    return person


@transaction.atomic
def registration_link(*, actor, registration: ContactRegistration, cpr_digits: str) -> ContactRegistration:
    """Link an anonymous conversation to the registered citizen with this CPR number; it stays a conversation
    registered as anonymous (what was known then), now with its citizen."""
    _require_linker(actor)
    registration = _locked_registration(actor, registration)
    if registration.identity != Identity.ANONYMOUS:
        raise ValidationError(
            _("Only an anonymous conversation is linked on its own; link the person known at the centre instead.")
        )
    if registration.citizen_id is not None:
        raise ValidationError(_("The conversation is already linked to a registered citizen."))
    citizen = _citizen_by_cpr(actor=actor, digits=cpr_digits, field="cpr_number")
    registration.citizen, registration.linked_at, registration.linked_by = citizen, timezone.now(), actor
    registration.save(update_fields=["citizen", "linked_at", "linked_by", "updated_at"])
    event_record(
        actor=actor,
        code="outreach.registration_linked",
        municipality_id=registration.municipality_id,
        data={"centre": registration.centre.name, "date": _day(registration.occurred_on)},
    )
    return registration


# --- the citizen's rating ----------------------------------------------------------------------------------------


def _answers(answers: dict) -> dict:
    values = {name: answers.get(name) for name in RATING_FIELDS}
    for name, value in values.items():
        if value is not None and value not in (1, 2, 3, 4, 5):
            raise ValidationError({name: _("Choose an answer from 1 to 5.")})
    if all(value is None for value in values.values()):
        raise ValidationError(_("Answer at least one of the questions."))
    return values


def _expire_live_links(registration, now) -> None:
    for link in RatingLink.objects.select_for_update().filter(
        registration=registration, used_at__isnull=True, expires_at__gt=now
    ):
        link.expires_at = now
        link.save(update_fields=["expires_at", "updated_at"])


def _rating_event(*, actor, rating: CitizenRating) -> None:
    registration = rating.registration
    event_record(
        actor=actor,
        code="outreach.rating_given",
        municipality_id=registration.municipality_id,
        data={
            "centre": registration.centre.name,
            "date": _day(registration.occurred_on),
            "source": rating.source,
        },
    )


@transaction.atomic
def rating_link_make(*, actor, registration: ContactRegistration) -> tuple[RatingLink, str]:
    """A one-time link for the citizen to rate this conversation, valid `RATING_LINK_DAYS` days. Returns the link and
    the token (shown once; only its hash is stored). A link made earlier and not used stops working."""
    registration = _locked_registration(actor, registration)
    if CitizenRating.objects.filter(registration=registration).exists():
        raise ValidationError(_("The citizen has already rated this conversation."))
    now = timezone.now()
    _expire_live_links(registration, now)
    token = secrets.token_urlsafe(16)
    link = RatingLink.objects.create(
        municipality_id=registration.municipality_id,
        registration=registration,
        token_hash=token_hash(token),
        expires_at=now + datetime.timedelta(days=RATING_LINK_DAYS),
        created_by=actor,
    )
    event_record(
        actor=actor,
        code="outreach.rating_link_made",
        municipality_id=registration.municipality_id,
        data={"centre": registration.centre.name, "date": _day(registration.occurred_on)},
    )
    return link, token


# Why a rating link cannot be used; the page says the same for all of them.
UNKNOWN, USED, EXPIRED = "unknown", "used", "expired"


def rating_link_problem(link: RatingLink | None, now=None) -> str:
    if link is None:
        return UNKNOWN
    if link.used_at is not None or CitizenRating.objects.filter(registration_id=link.registration_id).exists():
        return USED
    if link.expires_at <= (now or timezone.now()):
        return EXPIRED
    return ""


def rating_link_get(token: str) -> RatingLink | None:
    """The link a token opens, with its centre (the only thing the page names), or None."""
    if not token or len(token) > 100:
        return None
    return RatingLink.objects.select_related("registration__centre").filter(token_hash=token_hash(token)).first()


class RatingLinkUnusable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def rating_give(*, token: str, answers: dict) -> CitizenRating:
    """The citizen's answers through the one-time link (no log-in, no actor). The registration and the link are
    locked, checked again and used up in the same transaction, so two submissions give one rating."""
    link = rating_link_get(token)
    if link is not None:
        # The registration first, as the paper form and a new link lock it: a rating by link and one typed in at the
        # same moment wait for each other, and the second finds the first (never two ratings, never a 500).
        ContactRegistration.objects.select_for_update().filter(pk=link.registration_id).first()
        link = RatingLink.objects.select_for_update().select_related("registration__centre").get(pk=link.pk)
    problem = rating_link_problem(link)
    if problem:
        raise RatingLinkUnusable(problem)
    values = _answers(answers)
    rating = CitizenRating.objects.create(
        municipality_id=link.municipality_id, registration=link.registration, source=RatingSource.LINK, **values
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at", "updated_at"])
    _rating_event(actor=None, rating=rating)
    return rating


@transaction.atomic
def rating_record_paper(*, actor, registration: ContactRegistration, answers: dict) -> CitizenRating:
    """Staff type in the citizen's paper form. One rating per conversation; a live link stops working."""
    if not policy.is_municipal_staff(actor):
        raise PermissionDenied
    registration = _locked_registration(actor, registration)
    if CitizenRating.objects.filter(registration=registration).exists():
        raise ValidationError(_("The citizen has already rated this conversation."))
    values = _answers(answers)
    _expire_live_links(registration, timezone.now())
    rating = CitizenRating.objects.create(
        municipality_id=registration.municipality_id,
        registration=registration,
        source=RatingSource.PAPER,
        entered_by=actor,
        **values,
    )
    _rating_event(actor=actor, rating=rating)
    return rating
