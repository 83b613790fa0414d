"""The drop-in-centre model (seed 004): cooperation agreements and the outreach timetable, registered conversations
and the citizen's rating of them, group activities, and a department's appointments with their outcome.

Who the citizen of a conversation is comes in three forms (`choices.Identity`): nobody (anonymous: the registration
stands alone), the name the centre uses for them (`ContactPerson`, one per centre and name) or a registered citizen
(CPR). Linking a `ContactPerson` or an anonymous registration to a citizen later keeps every registration: it only
fills in `citizen` (`services.person_link`, `services.registration_link`).

A citizen counts once in the evaluation by `ContactRegistration.subject_key`: the citizen when known, else the
centre's person, else the registration itself.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samspil.audit.models import ChangeLogged
from samspil.core.models import TenantModel
from samspil.outreach.choices import (
    AgreementSide,
    AppointmentOutcome,
    AppointmentPlace,
    Element,
    FollowUp,
    Identity,
    Origin,
    RatingSource,
    Weekday,
)


def agreement_storage_name(instance, filename) -> str:
    """A random name in the storage (as the shared documents': `documents.models.document_storage_name`)."""
    return f"agreements/{uuid.uuid4().hex}"


class CooperationAgreement(ChangeLogged, TenantModel):
    """A *samarbejdsaftale* between the municipality and one drop-in centre (municipal or private): which of the
    model's elements run there, from when, when it is up for renewal, when it ends, and the signed document."""

    centre = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        related_name="cooperation_agreements",
        verbose_name=_("drop-in centre"),
    )
    programme = models.ForeignKey(
        "pathways.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cooperation_agreements",
        verbose_name=_("programme"),
        help_text=_("The programme whose operating costs the agreement's elements are registered on."),
    )
    title = models.CharField(_("title"), max_length=160)
    elements = models.JSONField(_("elements"), default=list, help_text=_("Codes of `choices.Element`."))
    starts_on = models.DateField(_("in force from"))
    renew_on = models.DateField(_("up for renewal"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    document = models.FileField(_("signed agreement"), upload_to=agreement_storage_name, max_length=255, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    document_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    change_log_ignored = ChangeLogged.change_log_ignored | {"document"}

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["centre__name", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="cooperation_agreement_dates",
            ),
        ]

    def __str__(self):
        return self.title

    def in_force(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class AgreementContact(ChangeLogged, TenantModel):
    """A contact person of an agreement, on the municipality's side (a staff user) or the centre's (an external
    contact), or a named person."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("agreement")
    )
    side = models.CharField(_("side"), max_length=20, choices=AgreementSide.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    external_contact = models.ForeignKey(
        "organisations.ExternalContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("external contact"),
    )
    name = models.CharField(_("name"), max_length=160, blank=True)
    role = models.CharField(_("role"), max_length=160, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("agreement contact")
        verbose_name_plural = _("agreement contacts")
        ordering = ["side", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, external_contact__isnull=True, name="")
                    | Q(user__isnull=True, external_contact__isnull=False, name="")
                    | (Q(user__isnull=True, external_contact__isnull=True) & ~Q(name=""))
                ),
                name="agreement_contact_one_person",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name()
        if self.external_contact_id:
            return self.external_contact.name
        return self.name


class OutreachHours(ChangeLogged, TenantModel):
    """A department's fixed weekly hours at a centre under an agreement (*Jobcenter og Ydelse, tirsdag 10–12*)."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="hours", verbose_name=_("agreement")
    )
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    element = models.CharField(_("element"), max_length=30, choices=Element.choices)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outreach hours")
        verbose_name_plural = _("outreach hours")
        ordering = ["weekday", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="outreach_hours_order"),
        ]

    def __str__(self):
        return f"{self.department} · {self.get_weekday_display()} {self.starts_at:%H.%M}–{self.ends_at:%H.%M}"


class ContactPerson(ChangeLogged, TenantModel):
    """A citizen known at one centre by the name the centre uses for them (a pseudonym per centre), until — if ever —
    they are linked to a registered citizen."""

    centre = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        related_name="contact_persons",
        verbose_name=_("drop-in centre"),
    )
    pseudonym = models.CharField(_("name at the centre"), max_length=80)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_persons",
        verbose_name=_("citizen"),
    )
    linked_at = models.DateTimeField(_("linked"), null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )

    class Meta:
        verbose_name = _("person known at the centre")
        verbose_name_plural = _("persons known at the centre")
        ordering = ["pseudonym", "id"]
        constraints = [
            models.UniqueConstraint(
                "municipality", "centre", Lower("pseudonym"), name="contact_person_unique_pseudonym"
            ),
        ]

    def __str__(self):
        return gettext("“%(name)s” at %(centre)s") % {"name": self.pseudonym, "centre": self.centre}

    @property
    def log_subject_index(self) -> str:
        """The access log's key for a person who is not (yet) a registered citizen (`AccessLogEntry.subject_index`)."""
        return f"kontaktperson:{self.public_id.hex}"


class ContactRegistration(ChangeLogged, TenantModel):
    """One conversation at a drop-in centre that was more than informal (KORA's *registreringsskema*)."""

    centre = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        related_name="contact_registrations",
        verbose_name=_("drop-in centre"),
    )
    element = models.CharField(_("element"), max_length=30, choices=Element.choices)
    occurred_on = models.DateField(_("date"))
    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
        help_text=_("Empty for a registration imported without a staff member."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    identity = models.CharField(_("the citizen"), max_length=20, choices=Identity.choices)
    person = models.ForeignKey(
        ContactPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("person known at the centre"),
    )
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_registrations",
        verbose_name=_("citizen"),
    )
    origin = models.CharField(_("how the contact came about"), max_length=30, choices=Origin.choices, blank=True)
    topics = models.JSONField(_("what it was about"), default=list, blank=True, help_text=_("Codes of `Topic`."))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    decisions = models.JSONField(
        _("decided on the spot"), default=list, blank=True, help_text=_("Codes of `Decision`.")
    )
    decision_note = models.CharField(_("about the decision"), max_length=300, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=30, choices=FollowUp.choices, blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    linked_at = models.DateTimeField(_("linked to the citizen"), null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    import_key = models.CharField(_("import key"), max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("registered conversation")
        verbose_name_plural = _("registered conversations")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(identity=Identity.ANONYMOUS, person__isnull=True)
                    | Q(identity=Identity.PSEUDONYM, person__isnull=False)
                    | Q(identity=Identity.REGISTERED, person__isnull=True, citizen__isnull=False)
                ),
                name="contact_registration_identity",
            ),
            models.UniqueConstraint(
                fields=["municipality", "import_key"], condition=~Q(import_key=""), name="contact_registration_import"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "occurred_on"]),
            models.Index(fields=["centre", "occurred_on"]),
        ]

    def __str__(self):
        return gettext("Conversation on %(date)s at %(centre)s") % {
            "date": self.occurred_on.strftime("%d.%m.%Y"),
            "centre": self.centre,
        }

    @property
    def subject_key(self) -> str:
        """Who the citizen is, for counting distinct citizens: the citizen, else the centre's person, else this one
        registration (an anonymous conversation is its own citizen)."""
        if self.citizen_id:
            return f"c{self.citizen_id}"
        if self.person_id:
            return f"p{self.person_id}"
        return f"r{self.pk}"


RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class CitizenRating(ChangeLogged, TenantModel):
    """The citizen's rating of one conversation (KORA's citizen form), 1–5 per question; a question left unanswered
    is empty."""

    registration = models.OneToOneField(
        ContactRegistration, on_delete=models.CASCADE, related_name="rating", verbose_name=_("conversation")
    )
    safe = models.PositiveSmallIntegerField(_("safe and welcome"), null=True, blank=True, validators=RATING_VALIDATORS)
    relevant = models.PositiveSmallIntegerField(
        _("relevant to the situation"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    place = models.PositiveSmallIntegerField(
        _("mattered that it was at the centre"), null=True, blank=True, validators=RATING_VALIDATORS
    )
    source = models.CharField(_("source"), max_length=10, choices=RatingSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("typed in by"),
    )

    class Meta:
        verbose_name = _("citizen's rating")
        verbose_name_plural = _("citizens' ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(safe__isnull=True) | Q(safe__gte=1, safe__lte=5))
                    & (Q(relevant__isnull=True) | Q(relevant__gte=1, relevant__lte=5))
                    & (Q(place__isnull=True) | Q(place__gte=1, place__lte=5))
                ),
                name="citizen_rating_scale",
            ),
        ]

    def __str__(self):
        return gettext("Rating of %(registration)s") % {"registration": self.registration}


class RatingLink(TenantModel):
    """A one-time link (and its QR code) through which the citizen rates one conversation without logging in.

    The token is stored only as its SHA-256 hash (`partners.models.token_hash`); the link works once, until
    `expires_at`, and shows nothing about the citizen."""

    registration = models.ForeignKey(
        ContactRegistration, on_delete=models.CASCADE, related_name="rating_links", verbose_name=_("conversation")
    )
    token_hash = models.CharField(_("token (hashed)"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )

    class Meta:
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return gettext("Rating link for %(registration)s") % {"registration": self.registration}


class GroupActivity(ChangeLogged, TenantModel):
    """A *holdbaseret aktivitet* at a centre (cooking, IT training, …) with its sessions."""

    centre = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        related_name="group_activities",
        verbose_name=_("drop-in centre"),
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="group_activity_dates",
            ),
        ]

    def __str__(self):
        return self.title


class GroupSession(ChangeLogged, TenantModel):
    """One session of a group activity: its date, the number of anonymous participants and the named ones."""

    activity = models.ForeignKey(
        GroupActivity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("activity")
    )
    held_on = models.DateField(_("date"))
    anonymous_count = models.PositiveSmallIntegerField(_("participants not named"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return gettext("%(activity)s on %(date)s") % {
            "activity": self.activity,
            "date": self.held_on.strftime("%d.%m.%Y"),
        }


class GroupParticipant(ChangeLogged, TenantModel):
    """A named participant of a session: a person known at the centre or a registered citizen."""

    session = models.ForeignKey(
        GroupSession, on_delete=models.CASCADE, related_name="participants", verbose_name=_("session")
    )
    person = models.ForeignKey(
        ContactPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("citizen")
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(citizen__isnull=False), name="group_participant_someone"
            ),
        ]

    def __str__(self):
        return gettext("Participant of %(session)s") % {"session": self.session}


class Appointment(ChangeLogged, TenantModel):
    """A department's conversation (*samtale*) with a citizen: where, and whether the citizen came, cancelled in time
    or did not show (empty: not held yet)."""

    department = models.ForeignKey(
        "organisations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    occurred_on = models.DateField(_("date"))
    place = models.CharField(_("where"), max_length=10, choices=AppointmentPlace.choices)
    centre = models.ForeignKey(
        "organisations.ExternalOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("drop-in centre"),
    )
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_appointments",
        verbose_name=_("citizen"),
    )
    person = models.ForeignKey(
        ContactPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    citizen_ref = models.CharField(_("citizen's reference"), max_length=80, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AppointmentOutcome.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    import_key = models.CharField(_("import key"), max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "import_key"], condition=~Q(import_key=""), name="appointment_import"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "department", "occurred_on"])]

    def __str__(self):
        return gettext("Appointment on %(date)s at %(department)s") % {
            "date": self.occurred_on.strftime("%d.%m.%Y"),
            "department": self.department,
        }
