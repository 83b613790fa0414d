"""The demo's drop-in centres (seed 004, KORA's *Værestedernes rolle*): a cooperation agreement with each of the
three demo centres (elements, fixed weekly hours per department, contact people on both sides), eighteen months of
registered conversations with anonymous, returning pseudonymous and registered citizens, the citizens' ratings of
part of them, one group activity with its sessions, the job centre's appointments at the centre and at the office
with a no-show rate that falls after the centres took over part of the conversations (KORA: Odense, from 32 % to
14 %), the monthly operating costs of the drop-in programme's elements and its implementation team, and a partner
account for drop-in staff (`demo-vaerested`, the demo password) with its accepted invitation to the centre's pages.

Everything is drawn from streams seeded by fixed keys, one per part, so a part's draws never depend on what exists;
the dates are laid out backwards from an anchor day, the later of the loader's `REFERENCE_DATE` and the day the demo
is loaded (as `implementation_demo` does). The agreements, their hours and contacts are written one by one (so they
are in the change log); the many conversations, ratings, sessions and appointments are bulk-written, as the loader
writes the demo's citizens. A part that exists already is left alone, so running it twice writes nothing.
"""

import datetime
import random
import secrets
from collections import Counter
from decimal import Decimal

import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from samspil.accounts.choices import AccountKind
from samspil.audit.context import bound
from samspil.citizens.models import Citizen
from samspil.demo.implementation_demo import project_leader
from samspil.economy import costs as economy_costs
from samspil.economy import services as economy_services
from samspil.economy.choices import ProgrammeElement
from samspil.economy.models import OperatingCost
from samspil.organisations.choices import CASE_ROLES
from samspil.organisations.models import Department, ExternalContact, ExternalOrganisation, Membership
from samspil.outreach import access
from samspil.outreach.choices import (
    AgreementSide,
    AppointmentOutcome,
    AppointmentPlace,
    Decision,
    Element,
    FollowUp,
    Identity,
    Origin,
    RatingSource,
    Topic,
    Weekday,
)
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
)
from samspil.partners.choices import PartnerLevel
from samspil.partners.models import PartnerInvitation, token_hash
from samspil.pathways import programmes as prog
from samspil.pathways.models import Programme

SEED = 4004
REFERENCE_DATE = datetime.date(2026, 11, 1)  # the loader's; kept here so this module does not import the loader
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the demo accounts (demo mode only)
PARTNER_USERNAME = "demo-vaerested"
PARTNER_CONTACT = ("Værestedet Lyspunktet", "Kasper Vinther")  # the centre and its contact person behind the account
MONTHS = 18
NO_SHOW_SPLIT_MONTHS = 9  # the job centre's conversations moved partly to the centres this many months before anchor
# Per department, before and after the split: appointments a week, the share held at a centre, and the no-show rate
# at the centre and at the office. The job centre's rate falls from 32 % to 14 % (KORA: Odense): 0.85 · 34 % +
# 0.15 · 20 % before, 0.5 · 19 % + 0.5 · 9 % after; conversations at the centre are missed less often in both.
_OFFICE, _CENTRE = AppointmentPlace.OFFICE, AppointmentPlace.CENTRE
APPOINTMENT_PLANS = {
    "Jobcenter": (
        (4.0, 0.15, {_OFFICE: Decimal("0.34"), _CENTRE: Decimal("0.20")}),
        (5.0, 0.5, {_OFFICE: Decimal("0.19"), _CENTRE: Decimal("0.09")}),
    ),
    "Ydelse": (
        (1.5, 0.2, {_OFFICE: Decimal("0.22"), _CENTRE: Decimal("0.12")}),
        (1.5, 0.3, {_OFFICE: Decimal("0.22"), _CENTRE: Decimal("0.12")}),
    ),
}
CANCELLED_SHARE = Decimal("0.08")

E = Element
W = Weekday
# Each centre: its elements and its fixed weekly hours (department, element, weekday, from, to, conversations a
# session has at the start and at the end of the eighteen months: demand grows as the model becomes known).
CENTRES = {
    "Værestedet Lyspunktet": {
        "elements": [E.OUTREACH_CASEWORK, E.OUTREACH_SUBSTANCE_ABUSE, E.SUPPORT_CONTACT, E.GROUP_ACTIVITIES],
        "hours": [
            ("Jobcenter", E.OUTREACH_CASEWORK, W.TUESDAY, 10, 12, 0.8, 2.2),
            ("Ydelse", E.OUTREACH_CASEWORK, W.TUESDAY, 10, 12, 0.6, 1.6),
            ("Misbrugscenter", E.OUTREACH_SUBSTANCE_ABUSE, W.THURSDAY, 13, 15, 0.5, 1.4),
            ("Voksen og Social", E.SUPPORT_CONTACT, W.WEDNESDAY, 9, 15, 1.0, 2.4),
        ],
    },
    "Café Fællesrummet": {
        "elements": [E.OUTREACH_CASEWORK, E.SUPPORT_CONTACT, E.GROUP_ACTIVITIES],
        "hours": [
            ("Ydelse", E.OUTREACH_CASEWORK, W.MONDAY, 10, 12, 0.4, 1.3),
            ("Jobcenter", E.OUTREACH_CASEWORK, W.THURSDAY, 10, 12, 0.5, 1.5),
            ("Voksen og Social", E.SUPPORT_CONTACT, W.FRIDAY, 10, 13, 0.6, 1.5),
        ],
    },
    "Foreningen Åbne Døre (privat værested)": {
        "elements": [E.OUTREACH_CASEWORK, E.OUTREACH_SUBSTANCE_ABUSE],
        "hours": [
            ("Jobcenter", E.OUTREACH_CASEWORK, W.WEDNESDAY, 13, 15, 0.3, 1.2),
            ("Misbrugscenter", E.OUTREACH_SUBSTANCE_ABUSE, W.TUESDAY, 13, 15, 0.4, 1.3),
        ],
    },
}
# What the hours' staff do at the centres, in the timetable's note.
HOURS_NOTES = {
    "Jobcenter": "Jobcenter: job, uddannelse og sygedagpenge",
    "Ydelse": "Ydelse: kontanthjælp, boligstøtte og enkeltydelser",
    "Misbrugscenter": "Misbrugscenteret: rådgivning og visitation til behandling",
    "Voksen og Social": "Styrket SKP-ordning",
}
# The job title of who holds a department's hours (the demo's staff, demo/data.py).
STAFF_TITLES = {
    "Jobcenter": "Jobkonsulent",
    "Ydelse": "Ydelsesrådgiver",
    "Misbrugscenter": "Misbrugskonsulent",
    "Voksen og Social": "Støtte- og kontaktperson",
}
# The names the centres use for their regulars (pseudonyms, each centre its own).
PSEUDONYMS = [
    "Store Jens", "Lille Per", "Kaptajnen", "Mona", "Sigurd", "Rødtop", "Bente B.", "Fynboen", "Jonna", "Tømreren",
    "Karin K.", "Gamle Ole", "Lasse", "Sanne", "Hr. Hansen", "Polakken", "Nille", "Bamse", "Trine", "Kok-Kurt",
    "Lis", "Mads M.", "Søs", "Frederik F.", "Villy", "Anja", "Bjarne", "Helga", "Kim K.", "Dorte",
]  # fmt: skip
GROUP_ACTIVITY = ("Værestedet Lyspunktet", "Fællesspisning og madlavning", W.THURSDAY, 12)  # centre, title, day, months
OPERATING_COSTS = {  # per month, kr.
    ProgrammeElement.IMPLEMENTATION_TEAM: Decimal("28000"),
    ProgrammeElement.OUTREACH_CASEWORK: Decimal("46000"),
    ProgrammeElement.OUTREACH_SUBSTANCE_ABUSE: Decimal("24000"),
    ProgrammeElement.SUPPORT_CONTACT: Decimal("38000"),
    ProgrammeElement.GROUP_ACTIVITIES: Decimal("11500"),
}
TOPICS = {
    E.OUTREACH_CASEWORK: [Topic.EMPLOYMENT, Topic.BENEFITS, Topic.HOUSING, Topic.ECONOMY, Topic.PRACTICAL],
    E.OUTREACH_SUBSTANCE_ABUSE: [Topic.SUBSTANCE_USE, Topic.HEALTH, Topic.MENTAL_HEALTH, Topic.HOUSING],
    E.SUPPORT_CONTACT: [Topic.NETWORK, Topic.PRACTICAL, Topic.HOUSING, Topic.MENTAL_HEALTH, Topic.ECONOMY],
}
MINUTES = {E.OUTREACH_CASEWORK: (15, 45), E.OUTREACH_SUBSTANCE_ABUSE: (20, 60), E.SUPPORT_CONTACT: (30, 90)}
DECISIONS = {  # (decision, weight); the rest: no decision
    E.OUTREACH_CASEWORK: [(Decision.VISITATION, 8), (Decision.ACTION_PLAN, 8), (Decision.ONE_OFF_GRANT, 9)],
    E.OUTREACH_SUBSTANCE_ABUSE: [(Decision.TREATMENT, 15), (Decision.ACTION_PLAN, 5)],
    E.SUPPORT_CONTACT: [(Decision.ACTION_PLAN, 4)],
}
ORIGINS = [
    (Origin.CITIZEN, 35),
    (Origin.DROP_IN_STAFF, 30),
    (Origin.OUTREACH, 15),
    (Origin.SUPPORT_CONTACT, 10),
    (Origin.APPOINTMENT, 10),
]
FOLLOW_UPS = [
    (FollowUp.NONE, 40),
    (FollowUp.NEW_CONVERSATION, 35),
    (FollowUp.AT_DEPARTMENT, 15),
    (FollowUp.HANDED_OVER, 10),
]
RATING_WEIGHTS = {  # the 1–5 scale, weights of 1, 2, 3, 4, 5 (KORA: the citizens are very satisfied)
    "safe": (2, 3, 10, 30, 55),
    "relevant": (4, 6, 15, 35, 40),
    "place": (4, 6, 15, 25, 50),
}


def _rng(part: str) -> random.Random:
    return random.Random(f"{SEED}:{part}")


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


def _clock(day: datetime.date, hour: int = 10):
    return time_machine.travel(_at(day, hour), tick=False)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _count(rng: random.Random, mean: float) -> int:
    """A small whole number with the given mean (a session's conversations)."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0) + rng.choice((-1, 0, 0, 0, 1)) * (whole > 0)


def _weekdays(start: datetime.date, end: datetime.date, weekday: int):
    day = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    while day <= end:
        yield day
        day += datetime.timedelta(days=7)


def _holiday(day: datetime.date) -> bool:
    """Summer holiday (weeks 28–30) and between Christmas and New Year: the centres' hours are not held."""
    week = day.isocalendar()[1]
    return 28 <= week <= 30 or (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2)


class _Demo:
    def __init__(self, municipality):
        self.municipality = municipality
        self.municipality_id = municipality.pk
        self.anchor = max(REFERENCE_DATE, timezone.localdate())
        self.start = self.anchor - relativedelta(months=MONTHS)
        self.created: Counter = Counter()
        self.leader = project_leader(municipality)
        self.departments = {d.name: d for d in Department.objects.filter(municipality_id=self.municipality_id)}
        self.centres = {
            c.name: c
            for c in ExternalOrganisation.objects.filter(
                municipality_id=self.municipality_id, name__in=list(CENTRES), kind__in=access.DROP_IN_KINDS
            )
        }
        self.programme = Programme.objects.filter(municipality_id=self.municipality_id, code=prog.DROP_IN).first()

    def staff_of(self, department_name: str):
        """Who holds the department's hours: its first staff member with a case role, one with the job title that
        fits the work first (`STAFF_TITLES`), then by user name."""
        membership = (
            Membership.objects.filter(
                municipality_id=self.municipality_id,
                department__name=department_name,
                role__in=CASE_ROLES,
                active_to__isnull=True,
            )
            .select_related("user")
            .annotate(
                fits=Case(
                    When(user__job_title=STAFF_TITLES.get(department_name, ""), then=Value(0)),
                    default=Value(1),
                )
            )
            .order_by("fits", "user__username")
            .first()
        )
        return membership.user if membership else None

    # --- agreements, hours and contacts -----------------------------------------------------------------------

    def agreements(self):
        done = set(
            CooperationAgreement.objects.filter(municipality_id=self.municipality_id).values_list(
                "centre_id", flat=True
            )
        )
        for name, plan in CENTRES.items():
            centre = self.centres.get(name)
            if centre is None or centre.pk in done:
                continue
            starts_on = min(centre.cooperation_agreement_on or self.start, self.start)
            renew_on = starts_on + relativedelta(years=3)
            while renew_on <= self.anchor:
                renew_on += relativedelta(years=1)
            with transaction.atomic(), _clock(starts_on), bound(actor_id=self.leader.pk):
                agreement = CooperationAgreement.objects.create(
                    municipality_id=self.municipality_id,
                    centre=centre,
                    programme=self.programme,
                    title=f"Samarbejdsaftale med {centre.name}",
                    elements=[element.value for element in plan["elements"]],
                    starts_on=starts_on,
                    renew_on=renew_on,
                    note="Aftalen følger KORA-modellen: faste træffetider, kontaktpersoner på begge sider og "
                    "møde i implementeringsteamet hver anden måned.",
                )
                for department_name, element, weekday, start, end, *_demand in plan["hours"]:
                    department = self.departments.get(department_name)
                    if department is None:
                        continue
                    OutreachHours.objects.create(
                        municipality_id=self.municipality_id,
                        agreement=agreement,
                        department=department,
                        element=element,
                        weekday=weekday,
                        starts_at=datetime.time(start),
                        ends_at=datetime.time(end),
                        staff=self.staff_of(department_name),
                        note=HOURS_NOTES.get(department_name, ""),
                    )
                    self.created["outreach hours"] += 1
                AgreementContact.objects.create(
                    municipality_id=self.municipality_id,
                    agreement=agreement,
                    side=AgreementSide.MUNICIPALITY,
                    user=self.leader,
                    role="Projektleder, kommunens kontaktperson",
                )
                for contact in ExternalContact.objects.filter(organisation=centre).order_by("name")[:1]:
                    AgreementContact.objects.create(
                        municipality_id=self.municipality_id,
                        agreement=agreement,
                        side=AgreementSide.CENTRE,
                        external_contact=contact,
                        role="Værestedets kontaktperson",
                    )
                self.created["cooperation agreements"] += 1

    # --- conversations, persons and ratings -----------------------------------------------------------------------

    def citizens(self, rng: random.Random, count: int) -> list[int]:
        """Adult registered citizens, in a stable order (names and birth dates are the demo's, fixed)."""
        latest_birth = self.anchor - relativedelta(years=25)
        ids = list(
            Citizen.objects.filter(municipality_id=self.municipality_id, birth_date__lte=latest_birth)
            .order_by("last_name", "first_name", "birth_date", "pk")
            .values_list("pk", flat=True)
        )
        return rng.sample(ids, min(count, len(ids)))

    def registrations(self):
        if ContactRegistration.objects.filter(municipality_id=self.municipality_id).exists():
            return
        rng = _rng("registrations")
        citizens = self.citizens(rng, 45)
        linked_citizens, registered_citizens = citizens[:9], citizens[9:]
        agreements = {
            a.centre_id: a
            for a in CooperationAgreement.objects.filter(municipality_id=self.municipality_id).prefetch_related(
                "hours__department", "hours__staff"
            )
        }
        persons: dict[int, list[ContactPerson]] = {}
        new_persons = []
        for name in CENTRES:
            centre = self.centres.get(name)
            if centre is None or centre.pk not in agreements:
                continue
            pool = rng.sample(PSEUDONYMS, 24)
            existing = {
                p.pseudonym.casefold()
                for p in ContactPerson.objects.filter(municipality_id=self.municipality_id, centre=centre)
            }
            persons[centre.pk] = []
            for position, pseudonym in enumerate(pool):
                if pseudonym.casefold() in existing:
                    continue
                person = ContactPerson(municipality_id=self.municipality_id, centre=centre, pseudonym=pseudonym)
                if position < 3 and linked_citizens:  # three regulars per centre are linked to a registered citizen
                    person.citizen_id = linked_citizens.pop()
                    person.linked_at = _at(self.anchor - datetime.timedelta(days=rng.randint(20, 200)), 14)
                    person.linked_by = self.leader
                persons[centre.pk].append(person)
                new_persons.append(person)
        ContactPerson.objects.bulk_create(new_persons)
        self.created["persons known at a centre"] += len(new_persons)

        span = (self.anchor - self.start).days
        rows = []
        for centre_id, agreement in agreements.items():
            centre_persons = persons.get(centre_id) or []
            plan = next(
                (p for n, p in CENTRES.items() if self.centres.get(n) and self.centres[n].pk == centre_id), None
            )
            if plan is None or not centre_persons:
                continue
            demand = {(d, e, w): (low, high) for d, e, w, _s, _e, low, high in plan["hours"]}
            for hours in sorted(agreement.hours.all(), key=lambda h: (h.weekday, h.starts_at, h.department.name)):
                low, high = demand.get((hours.department.name, hours.element, hours.weekday), (0.5, 1.5))
                staff = hours.staff or self.leader
                for day in _weekdays(
                    max(self.start, agreement.starts_on), self.anchor - datetime.timedelta(days=1), hours.weekday
                ):
                    if _holiday(day):
                        continue
                    share = (day - self.start).days / span
                    for _n in range(max(0, _count(rng, low + (high - low) * share))):
                        rows.append(
                            self.registration(
                                rng, agreement.centre, hours, staff, day, centre_persons, registered_citizens
                            )
                        )
        ContactRegistration.objects.bulk_create(rows, batch_size=500)
        self.created["registered conversations"] += len(rows)
        ratings = []
        for registration in rows:
            if rng.random() < 0.32:
                ratings.append(self.rating(rng, registration))
        CitizenRating.objects.bulk_create(ratings, batch_size=500)
        self.created["citizens' ratings"] += len(ratings)

    def registration(self, rng, centre, hours, staff, day, persons, registered_citizens) -> ContactRegistration:
        draw = rng.random()
        person = citizen_id = None
        if draw < 0.35:
            identity = Identity.ANONYMOUS
        elif draw < 0.82 or not registered_citizens:
            identity = Identity.PSEUDONYM
            # Returning citizens: the first names of the pool come far more often than the last.
            person = persons[min(int(rng.expovariate(1 / 5)), len(persons) - 1)]
            citizen_id = person.citizen_id
        else:
            identity = Identity.REGISTERED
            citizen_id = rng.choice(registered_citizens)
        element = hours.element
        topics = rng.sample(TOPICS[element], rng.choice((1, 1, 2, 2, 3)))
        decision = _weighted(rng, [*DECISIONS[element], (Decision.NONE, 100 - sum(w for _d, w in DECISIONS[element]))])
        follow_up = _weighted(rng, FOLLOW_UPS)
        follow_up_on = None
        if follow_up in (FollowUp.NEW_CONVERSATION, FollowUp.AT_DEPARTMENT):
            follow_up_on = day + datetime.timedelta(days=rng.choice((7, 7, 14, 21)))
        return ContactRegistration(
            municipality_id=self.municipality_id,
            centre=centre,
            element=element,
            occurred_on=day,
            department=hours.department,
            staff=staff,
            recorded_by=staff,
            identity=identity,
            person=person,
            citizen_id=citizen_id,
            origin=Origin.APPOINTMENT
            if element == E.SUPPORT_CONTACT and rng.random() < 0.3
            else _weighted(rng, ORIGINS),
            topics=[topic.value for topic in topics],
            minutes=rng.randint(*MINUTES[element]) // 5 * 5,
            decisions=[decision.value],
            follow_up=follow_up,
            follow_up_on=follow_up_on,
        )

    def rating(self, rng, registration) -> CitizenRating:
        answers = {}
        for question, weights in RATING_WEIGHTS.items():
            answers[question] = None if rng.random() < 0.05 else rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
        if all(value is None for value in answers.values()):
            answers["safe"] = 5
        paper = rng.random() < 0.7
        return CitizenRating(
            municipality_id=self.municipality_id,
            registration=registration,
            source=RatingSource.PAPER if paper else RatingSource.LINK,
            entered_by=self.leader if paper else None,
            **answers,
        )

    # --- the group activity ---------------------------------------------------------------------------------------

    def activity(self):
        centre_name, title, weekday, months = GROUP_ACTIVITY
        centre = self.centres.get(centre_name)
        if centre is None or GroupActivity.objects.filter(centre=centre, title=title).exists():
            return
        rng = _rng("activity")
        starts_on = self.anchor - relativedelta(months=months)
        with transaction.atomic(), _clock(starts_on), bound(actor_id=self.leader.pk):
            activity = GroupActivity.objects.create(
                municipality_id=self.municipality_id,
                centre=centre,
                title=title,
                description="Vi handler ind, laver mad og spiser sammen. Sagsbehandlerne fra Jobcenter og Ydelse "
                "spiser med hver anden uge (holdbaseret aktivitet).",
                starts_on=starts_on,
            )
        regulars = list(ContactPerson.objects.filter(centre=centre).order_by("pseudonym", "pk")[:8])
        sessions = [
            GroupSession(
                municipality_id=self.municipality_id,
                activity=activity,
                held_on=day,
                anonymous_count=rng.randint(4, 10),
            )
            for day in _weekdays(starts_on, self.anchor - datetime.timedelta(days=1), weekday)
            if not _holiday(day)
        ]
        GroupSession.objects.bulk_create(sessions)
        participants = [
            GroupParticipant(municipality_id=self.municipality_id, session=session, person=person)
            for session in sessions
            for person in (rng.sample(regulars, rng.randint(1, 3)) if regulars else [])
        ]
        GroupParticipant.objects.bulk_create(participants)
        self.created["group activities"] += 1
        self.created["group sessions"] += len(sessions)

    # --- appointments ---------------------------------------------------------------------------------------------

    def appointments(self):
        if Appointment.objects.filter(municipality_id=self.municipality_id).exists():
            return
        rng = _rng("appointments")
        split = (self.anchor - relativedelta(months=NO_SHOW_SPLIT_MONTHS)).replace(day=1)
        citizens = self.citizens(rng, 60)
        centres = [self.centres[name] for name in CENTRES if name in self.centres]
        persons = {
            centre.pk: list(ContactPerson.objects.filter(centre=centre).order_by("pseudonym", "pk"))
            for centre in centres
        }
        rows = []
        for department_name, periods in APPOINTMENT_PLANS.items():
            department = self.departments.get(department_name)
            if department is None:
                continue
            recorder = self.staff_of(department_name) or self.leader
            for (period_start, period_end), (per_week, centre_share, rates) in zip(
                ((self.start, split - datetime.timedelta(days=1)), (split, self.anchor - datetime.timedelta(days=4))),
                periods,
                strict=True,
            ):
                days = [
                    day
                    for weekday in range(5)
                    for day in _weekdays(period_start, period_end, weekday)
                    if not _holiday(day)
                ]
                chosen = sorted(rng.choices(days, k=round(per_week * len(days) / 5)))
                places = [
                    AppointmentPlace.CENTRE if centres and rng.random() < centre_share else AppointmentPlace.OFFICE
                    for _day in chosen
                ]
                outcomes = {place: iter(self.outcomes(rng, places.count(place), rates[place])) for place in rates}
                for day, place in zip(chosen, places, strict=True):
                    rows.append(
                        self.appointment(
                            rng, department, recorder, day, next(outcomes[place]), place, centres, persons, citizens
                        )
                    )
            # The last few days' appointments wait for their outcome, and the next two weeks are booked.
            for offset in (-3, -2, -1, 1, 2, 3, 6, 8, 9, 13):
                day = self.anchor + datetime.timedelta(days=offset)
                if day.weekday() < 5:
                    place = AppointmentPlace.CENTRE if rng.random() < 0.5 else AppointmentPlace.OFFICE
                    rows.append(self.appointment(rng, department, recorder, day, "", place, centres, persons, citizens))
        Appointment.objects.bulk_create(rows, batch_size=500)
        self.created["appointments"] += len(rows)

    @staticmethod
    def outcomes(rng, count: int, no_show_rate: Decimal) -> list[str]:
        """Exactly the given shares: cancellations in time, and of the rest the no-shows; shuffled."""
        cancelled = round(count * CANCELLED_SHARE)
        no_show = round((count - cancelled) * no_show_rate)
        outcomes = (
            [AppointmentOutcome.CANCELLED] * cancelled
            + [AppointmentOutcome.NO_SHOW] * no_show
            + [AppointmentOutcome.ATTENDED] * (count - cancelled - no_show)
        )
        rng.shuffle(outcomes)
        return [outcome.value for outcome in outcomes]

    def appointment(self, rng, department, recorder, day, outcome, place, centres, persons, citizens):
        if not centres:
            place = AppointmentPlace.OFFICE
        centre = rng.choice(centres) if place == AppointmentPlace.CENTRE else None
        person = citizen_id = None
        citizen_ref = ""
        draw = rng.random()
        if centre is not None and draw < 0.5 and persons.get(centre.pk):
            person = rng.choice(persons[centre.pk][:12])
            citizen_id = person.citizen_id
        elif draw < 0.75 and citizens:
            citizen_id = rng.choice(citizens)
        else:
            citizen_ref = f"Booking {rng.randint(10000, 99999)}"
        return Appointment(
            municipality_id=self.municipality_id,
            department=department,
            occurred_on=day,
            place=place,
            centre=centre,
            person=person,
            citizen_id=citizen_id,
            citizen_ref=citizen_ref,
            outcome=outcome,
            recorded_by=recorder,
        )

    # --- operating costs ------------------------------------------------------------------------------------------

    def operating_costs(self):
        if self.programme is None:
            return
        rng = _rng("operating costs")
        existing = set(
            OperatingCost.objects.filter(municipality_id=self.municipality_id, programme=self.programme).values_list(
                "month", "element"
            )
        )
        month = economy_costs.first_of_month(self.start)
        last = economy_costs.first_of_month(self.anchor)
        while month < last:
            for element, amount in OPERATING_COSTS.items():
                varied = (amount * Decimal(100 + rng.randint(-4, 4)) / 100).quantize(Decimal("100"))
                if (month, element) in existing:
                    continue
                with _clock(economy_costs.last_of_month(month), 15), bound(actor_id=self.leader.pk):
                    economy_services.operating_cost_register(
                        actor=self.leader, programme=self.programme, month=month, element=element, amount=varied
                    )
                self.created["operating costs (drop-in centres)"] += 1
            month = economy_costs.next_month(month)

    # --- drop-in staff's account ----------------------------------------------------------------------------------

    def partner_account(self):
        """`demo-vaerested`: the partner account of the centre's contact person, holding an accepted invitation to
        the centre's pages from the project leader (as the invitation link would leave it). Either part is added
        when missing, so a demo loaded before drop-in invitations existed gets the invitation too."""
        User = get_user_model()
        centre_name, contact_name = PARTNER_CONTACT
        contact = ExternalContact.objects.filter(
            municipality_id=self.municipality_id, organisation__name=centre_name, name=contact_name
        ).first()
        if contact is None:
            return
        account = User.objects.filter(username=PARTNER_USERNAME).first()
        if account is None:
            first, _space, last = contact.name.partition(" ")
            account = User.objects.create(
                username=PARTNER_USERNAME,
                first_name=first,
                last_name=last,
                email=contact.email,
                password=make_password(DEMO_PASSWORD),
                kind=AccountKind.PARTNER,
                municipality_id=self.municipality_id,
                external_contact=contact,
                is_demo_account=True,
            )
            self.created["drop-in staff accounts"] += 1
        if PartnerInvitation.objects.filter(centre=contact.organisation, account=account).exists():
            return
        with _clock(self.start, 13), bound(actor_id=self.leader.pk):
            PartnerInvitation.objects.create(
                municipality_id=self.municipality_id,
                centre=contact.organisation,
                external_contact=contact,
                level=PartnerLevel.WRITE,
                email=contact.email,
                token_hash=token_hash(secrets.token_urlsafe(32)),  # the link was used: nobody holds the token
                expires_at=_at(self.start) + datetime.timedelta(days=14),
                invited_by=self.leader,
                accepted_at=_at(self.start, 14),
                account=account,
            )
        self.created["drop-in staff invitations"] += 1


def outreach_demo(municipality) -> Counter:
    """Write the demo's drop-in centres (see the module). Returns what it wrote (empty on a second run)."""
    demo = _Demo(municipality)
    with transaction.atomic():
        demo.agreements()
        demo.registrations()
        demo.activity()
        demo.appointments()
        demo.operating_costs()
        demo.partner_account()
    return +demo.created
