"""The demo's programme management: each of the five programmes with its organisation, change theory,
implementation plan in a plausible phase, group meetings and a scale-up plan.

Written through the implementation services as `demo-projektleder` (the demo's project leader, created here with
the demo password when missing), each step with the clock on its own day (as the loader does). The plans are laid
out backwards from an anchor day, the later of the loader's `REFERENCE_DATE` and the day the demo is loaded, so
that on the day it is loaded *Vejen til uddannelse* is in its pilot test with exactly one overdue milestone,
*Tværgående borgerforløb* is in operations, KL's model at its mid-term status, *Én familie – én indgang* in its
pilot test and the drop-in centres in operations after a year and a half (beside the outreach demo's eighteen
months of registrations).

The drop-in centres' programme is organised as seed 004 describes it (2.1, Figur 3.1): an *implementeringsteam*
of the municipality's leaders and key staff (job centre, benefits, substance abuse, SKP, health), the three
drop-in centres' contact people and a user representative (the chair of the council for the socially
marginalised), led by the project leader and meeting every third month (more often at the start), with minutes and
decisions followed up; a *styregruppe* meeting every half year; and an *arbejdsgruppe* the team set up for the
group activities. A programme that already has its implementation is left alone, so running it twice writes
nothing; a drop-in programme set up before it had these groups gets them (once).
"""

import contextlib
import datetime

import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from samspil.audit.context import bound
from samspil.implementation import services, templates_data
from samspil.implementation.choices import DocumentationFigure, GroupKind, TheoryKind
from samspil.implementation.models import Implementation, Phase, PhaseChecklistItem, ProgrammeGroup
from samspil.organisations.choices import ExternalOrganisationKind, StaffRole
from samspil.organisations.models import Department, ExternalContact, ExternalOrganisation, Membership
from samspil.pathways import programmes as prog
from samspil.pathways.choices import OPEN_STATUSES
from samspil.pathways.models import Pathway, Programme
from samspil.results.measures import Measure

PROJECT_LEADER = "demo-projektleder"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the demo accounts (demo mode only)
REFERENCE_DATE = datetime.date(2026, 11, 1)  # the loader's; kept here so this module does not import the loader
MEMBERSHIP_START = datetime.date(2023, 1, 1)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


def _clock(day: datetime.date):
    return time_machine.travel(_at(day), tick=False)


def _months(day: datetime.date, n: int) -> datetime.date:
    return day + relativedelta(months=n)


def project_leader(municipality):
    """The demo's project leader (Jobcenter), created with the demo password when missing."""
    User = get_user_model()
    user = User.objects.filter(username=PROJECT_LEADER).first()
    if user is None:
        user = User.objects.create(
            username=PROJECT_LEADER,
            first_name="Rasmus",
            last_name="Kirkegaard",
            email="rasmus.kirkegaard@demokommune.dk",
            job_title="Projektleder",
            password=make_password(DEMO_PASSWORD),
            kind="staff",
            municipality=municipality,
            is_demo_account=True,
        )
    if user.municipality_id != municipality.pk:
        raise ValueError(f"{PROJECT_LEADER} belongs to another municipality")
    jobs = Department.objects.get(municipality=municipality, name="Jobcenter")
    Membership.objects.get_or_create(
        municipality=municipality,
        user=user,
        department=jobs,
        role=StaffRole.PROJECT_LEADER,
        defaults={"active_from": MEMBERSHIP_START},
    )
    return user


# What each programme's plan looks like on the anchor day: months from the first phase's start to the anchor, and
# how many phases have started by then (the last of them is current; the ones before it ended on their plan).
SHAPES = {
    prog.ROAD_TO_EDUCATION: {"months_before": 8, "started": 3},  # pilot test, two months in
    prog.CROSS_SECTOR: {"months_before": 18, "started": 3},  # operations, six months in
    prog.KL_COHERENCE: {"months_before": 12, "started": 2},  # mid-term status, six months in
    prog.ONE_FAMILY: {"months_before": 6, "started": 2},  # pilot test, two months in
    prog.DROP_IN: {"months_before": 19, "started": 3},  # operations, seven months in
}

THEORIES = {
    prog.ROAD_TO_EDUCATION: [
        (TheoryKind.RESOURCE, "Projektleder på fuld tid i 12 måneder og tværfaglige teams om hver ung", "", ""),
        (TheoryKind.ACTIVITY, "Mindst tre møder med den unge og fagpersonerne; mål- og aftaleskema", "", ""),
        (TheoryKind.SHORT_TERM, "De mødefastsatte møder holdes for alle unge", "", DocumentationFigure.MEETINGS_MET),
        (TheoryKind.MEDIUM_TERM, "Flere unge i gang med en uddannelse", "", DocumentationFigure.IN_EDUCATION),
        (TheoryKind.LONG_TERM, "Flere unge i beskæftigelse", "", DocumentationFigure.EMPLOYED),
    ],
    prog.CROSS_SECTOR: [
        (TheoryKind.RESOURCE, "Fælles budget på tværs af forvaltninger (frikommuneforsøg)", "", ""),
        (TheoryKind.ACTIVITY, "Én plan og én koordinator for borgeren", "", ""),
        (TheoryKind.SHORT_TERM, "Bedre koordinering mellem forvaltningerne", Measure.COORDINATION, ""),
        (TheoryKind.MEDIUM_TERM, "Borgeren oplever højere livskvalitet", Measure.QUALITY_OF_LIFE, ""),
        (TheoryKind.LONG_TERM, "Flere i job eller uddannelse og lavere udgifter", Measure.TARGET_GROUP_COST, ""),
    ],
    prog.KL_COHERENCE: [
        (TheoryKind.RESOURCE, "Koordinerende sagsbehandlere og fælles screening", "", ""),
        (TheoryKind.ACTIVITY, "Tværfaglige møder med borgeren og integrerede indsatser", "", ""),
        (TheoryKind.SHORT_TERM, "Flere tværfaglige indsatser", Measure.MONO_CROSS_EFFORTS, ""),
        (TheoryKind.LONG_TERM, "Borgerne kommer hurtigere tættere på arbejdsmarkedet", Measure.OBJECTIVE_OUTCOMES, ""),
    ],
    prog.ONE_FAMILY: [
        (TheoryKind.ACTIVITY, "Én familieplan og én indgang for familien", "", ""),
        (TheoryKind.SHORT_TERM, "Familien oplever sammenhæng i indsatsen", Measure.PATHWAY_QUALITY, ""),
        (TheoryKind.LONG_TERM, "Færre og kortere foranstaltninger", Measure.TARGET_GROUP_COST, ""),
    ],
    prog.DROP_IN: [
        (TheoryKind.RESOURCE, "Værestedernes medarbejdere i borgerens team", "", ""),
        (TheoryKind.SHORT_TERM, "Flere borgere tager selv kontakt", Measure.OBJECTIVE_OUTCOMES, ""),
    ],
}

# (theme, activity, months after the first phase's start, owner, participants, follow-up, precondition)
MILESTONES = {
    prog.ROAD_TO_EDUCATION: [
        ("Beslutning", "Politisk beslutning i udvalget", 1, "Projektejer", "Børne- og ungeudvalget", "", ""),
        ("Organisering", "Ledergruppen nedsat", 3, "Projektejer", "Direktører", "", "Politisk beslutning"),
        ("Forandringsteori", "Forandringsteoridag", 4, "Projektleder", "Ledergruppe og implementeringsgruppe", "", ""),
        ("Pilotsager", "Sager til afprøvning udvalgt", 5, "Projektleder", "Koordinatorer", "", ""),
        ("Kompetencer", "Tre-dages uddannelse af koordinatorer", 6, "Projektleder", "Koordinatorer", "", ""),
        (
            "Læring",
            "Første læringsmøde",
            None,
            "Projektleder",
            "Medarbejdere i pilottesten",
            "Referat til ledergruppen",
            "",
        ),
        ("Læring", "Andet læringsmøde", 10, "Projektleder", "Medarbejdere i pilottesten", "", "Første læringsmøde"),
        ("Beslutning", "Ledergruppens beslutning om drift", 15, "Tværfaglig ledergruppe", "Ledergruppen", "", ""),
    ],
    prog.CROSS_SECTOR: [
        ("Organisering", "Styregruppe nedsat", 1, "Projektejer", "Direktionen", "", ""),
        ("Evaluering", "Baseline målt", 4, "Projektleder", "Teams", "", ""),
        ("Evaluering", "Første opfølgning", 16, "Projektleder", "Teams", "", "Baseline"),
        ("Drift", "Halvårlig opfølgning i ledergruppen", 21, "Tværfaglig ledergruppe", "Ledergruppen", "", ""),
    ],
    prog.KL_COHERENCE: [
        ("Opstart", "Kick-off med ledelsen", 1, "Projektejer", "Ledelsen", "", ""),
        ("Midtvejs", "Tjekliste for midtvejsstatus udfyldt", 14, "Projektleder", "Implementeringsgruppen", "", ""),
        ("Midtvejs", "Kommunebesøg med sparring", 16, "Projektleder", "KL og ekstern konsulent", "", ""),
    ],
    prog.ONE_FAMILY: [
        ("Organisering", "Implementeringsgruppe nedsat", 2, "Projektleder", "Fagpersoner", "", ""),
        ("Pilotsager", "Pilotfamilier udvalgt", 4, "Projektleder", "Familiekoordinatorer", "", ""),
        ("Evaluering", "Evaluering af pilottesten", 11, "Projektleder", "Implementeringsgruppen", "", ""),
    ],
    prog.DROP_IN: [
        ("Organisering", "Implementeringsteam og styregruppe nedsat", 1, "Projektejer", "Direktionen", "", ""),
        (
            "Organisering",
            "Samarbejdsaftaler med de tre væresteder",
            2,
            "Projektleder",
            "Implementeringsteamet",
            "",
            "Værestedsstrategien",
        ),
        ("Forandringsteori", "Forandringsteori udarbejdet", 3, "Projektleder", "Værestederne og kommunen", "", ""),
        ("Evaluering", "Registreringsskemaet taget i brug", 4, "Projektleder", "Medarbejderne", "", ""),
        ("Drift", "Styregruppens beslutning om drift", 12, "Styregruppe", "Styregruppen", "", "Pilottesten"),
    ],
}

# Scale-up: (months after the first phase's start, share of the target).
SCALE_UP = {
    prog.ROAD_TO_EDUCATION: (40, [(7, 8), (12, 20), (16, 40)]),
    prog.CROSS_SECTOR: (60, [(6, 10), (12, 30), (24, 60)]),
    prog.KL_COHERENCE: (50, [(6, 10), (18, 30), (30, 50)]),
    prog.ONE_FAMILY: (30, [(6, 5), (12, 15), (18, 30)]),
    prog.DROP_IN: (20, [(4, 5), (10, 20)]),
}


def _people(municipality) -> dict:
    User = get_user_model()
    heads = list(
        Membership.objects.filter(municipality=municipality, role=StaffRole.DEPARTMENT_HEAD)
        .select_related("user", "department")
        .order_by("department__name", "id")
    )
    unique = list({membership.user_id: membership for membership in reversed(heads)}.values())[::-1]
    return {
        "heads": unique,
        "koordinator": User.objects.filter(username="demo-koordinator").first(),
        "fagperson": User.objects.filter(username="demo-fagperson").first(),
        "contact": ExternalContact.objects.filter(municipality=municipality).order_by("id").first(),
    }


def _organisation(actor, programme, implementation, people, start: datetime.date, anchor: datetime.date) -> None:
    drop_in = programme.code == prog.DROP_IN
    services.implementation_update(
        actor=actor,
        implementation=implementation,
        expected_version=implementation.version,
        owner_name=DROP_IN_OWNER[0] if drop_in else "Lone Riis",
        owner_title=DROP_IN_OWNER[1] if drop_in else "Direktør for Børn, Unge og Beskæftigelse",
        leader=actor,
    )
    if drop_in:
        _drop_in_organisation(actor, programme, start, anchor)
        return
    groups = {g.kind: g for g in ProgrammeGroup.objects.filter(programme=programme)}
    leaders, workers = groups[GroupKind.LEADER_GROUP], groups[GroupKind.IMPLEMENTATION_GROUP]
    for head in people["heads"][:4]:
        services.group_member_add(
            actor=actor, group=leaders, user=head.user, role=f"Leder, {head.department.name}", member_from=start
        )
    services.group_member_add(actor=actor, group=workers, user=actor, role="Formand (projektleder)", member_from=start)
    for key, role in (("koordinator", "Koordinator"), ("fagperson", "Jobcentret")):
        if people[key] is not None:
            services.group_member_add(actor=actor, group=workers, user=people[key], role=role, member_from=start)
    if people["contact"] is not None:
        services.group_member_add(
            actor=actor, group=workers, external_contact=people["contact"], role="Samarbejdspartner", member_from=start
        )
    services.group_member_add(
        actor=actor, group=workers, name="Brugerrepræsentant", role="Borgernes stemme", member_from=start
    )
    # Meetings at the cadence up to the anchor, with minutes and a decision; the next one dated ahead.
    for group in (leaders, workers):
        day = _months(start, 2)
        while day <= anchor - datetime.timedelta(days=7):
            meeting = services.group_meeting_create(
                actor=actor, group=group, held_on=day, agenda="Status og næste skridt"
            )
            services.group_meeting_update(
                actor=actor,
                meeting=meeting,
                expected_version=meeting.version,
                held_on=day,
                agenda=meeting.agenda,
                minutes="Status på implementeringen blev gennemgået.",
            )
            services.group_decision_add(
                actor=actor,
                meeting=meeting,
                text="Projektlederen følger op på de aftalte aktiviteter.",
                owner="Projektleder",
                due_on=day + datetime.timedelta(days=30),
            )
            day += datetime.timedelta(days=group.cadence_days or 91)
        services.group_meeting_create(
            actor=actor, group=group, held_on=anchor + datetime.timedelta(days=14), agenda="Status og næste skridt"
        )


def _phases(actor, programme, shape, anchor) -> None:
    phases = list(Phase.objects.filter(programme=programme).order_by("position"))
    for index, phase in enumerate(phases[: shape["started"]]):
        last = index == shape["started"] - 1
        end = None if last else phase.planned_end
        services.phase_update(
            actor=actor,
            phase=phase,
            expected_version=phase.version,
            planned_start=phase.planned_start,
            planned_end=phase.planned_end,
            actual_start=phase.planned_start,
            actual_end=end,
        )
        items = list(PhaseChecklistItem.objects.filter(phase=phase).order_by("position"))
        done = items if not last else items[: len(items) // 2]
        for item in done:
            day = min(phase.planned_end or anchor, anchor)
            with _clock(day):
                services.checklist_item_set(actor=actor, item=item, done=True)


def _milestones(actor, programme, start, anchor) -> None:
    phases = list(Phase.objects.filter(programme=programme).order_by("position"))
    for theme, activity, months, owner, participants, follow_up, precondition in MILESTONES.get(programme.code, []):
        due = anchor - datetime.timedelta(days=10) if months is None else _months(start, months)
        phase = next(
            (p for p in reversed(phases) if p.planned_start and p.planned_start <= due),
            phases[0] if phases else None,
        )
        milestone = services.milestone_add(
            actor=actor,
            programme=programme,
            phase=phase,
            theme=theme,
            activity=activity,
            content="",
            due_on=due,
            participants=participants,
            owner=owner,
            follow_up=follow_up,
            precondition=precondition,
        )
        if months is not None and due < anchor:
            services.milestone_done(actor=actor, milestone=milestone, expected_version=milestone.version, done_on=due)


def _pilots(programme, count: int) -> None:
    """The coordinators mark the first open pathways of the programme as pilot cases (through the service)."""
    pathways = (
        Pathway.objects.filter(programme=programme, status__in=OPEN_STATUSES)
        .select_related("coordinator", "programme")
        .order_by("opened_on", "id")[:count]
    )
    for pathway in pathways:
        if pathway.pilot:
            continue
        # A coordinator who may no longer manage the pathway leaves it unmarked.
        with bound(actor_id=pathway.coordinator_id), contextlib.suppress(Http404, PermissionDenied):
            services.pathway_set_pilot(
                actor=pathway.coordinator, pathway=pathway, pilot=True, expected_version=pathway.version
            )


def implementation_demo(municipality) -> int:
    """Write the demo's programme management. Returns how many programmes it set up (0 on a second run)."""
    actor = project_leader(municipality)
    anchor = max(REFERENCE_DATE, timezone.localdate())
    people = _people(municipality)
    done = set(Implementation.objects.filter(municipality=municipality).values_list("programme__code", flat=True))
    written = 0
    for programme in Programme.objects.filter(municipality=municipality).order_by("name"):
        if programme.code in done or programme.code not in SHAPES:
            continue
        shape = SHAPES[programme.code]
        start = _months(anchor, -shape["months_before"])
        with transaction.atomic(), _clock(anchor), bound(actor_id=actor.pk):
            implementation = services.implementation_setup(actor=actor, programme=programme, start_on=start)
            leaders = ProgrammeGroup.objects.filter(programme=programme, kind=GroupKind.LEADER_GROUP).first()
            if leaders and shape["started"] == len(templates_data.phases_for(programme.model)):  # in operations
                services.group_update(  # seed 002: every half year in operations
                    actor=actor,
                    group=leaders,
                    expected_version=leaders.version,
                    name=leaders.name,
                    cadence_days=templates_data.LEADER_GROUP_CADENCE_IN_OPERATIONS,
                    purpose=leaders.purpose,
                )
            _organisation(actor, programme, implementation, people, start, anchor)
            _phases(actor, programme, shape, anchor)
            _milestones(actor, programme, start, anchor)
            for kind, text, measure, figure in THEORIES.get(programme.code, []):
                services.theory_item_add(
                    actor=actor, programme=programme, kind=kind, text=text, measure=measure, figure=figure
                )
            total, steps = SCALE_UP[programme.code]
            for months, target in steps:
                services.scale_up_step_add(
                    actor=actor,
                    programme=programme,
                    on_date=_months(start, months),
                    target_count=target,
                    note="Alle i målgruppen" if target == total else "",
                )
        _pilots(programme, 6)
        written += 1
    _drop_in_top_up(actor, municipality, anchor, done)
    return written


# --- the drop-in centres' organisation (seed 004, 2.1 and Figur 3.1) ------------------------------------------------

DROP_IN_OWNER = ("Mette Vinding", "Direktør for Social og Sundhed")
USER_REPRESENTATIVE = ("Erik Mølgaard", "Brugerrepræsentant (formand for Udsatterådet)")

# The municipality's leaders and key staff of the model's elements in the implementation team: (department, role in
# the department, job title or None, role in the team). The first staff member who fits; none: left out.
TEAM_STAFF = (
    ("Jobcenter", StaffRole.DEPARTMENT_HEAD, None, "Leder, Jobcenter (fremskudt sagsbehandling)"),
    ("Ydelse", StaffRole.TEAM_LEADER, None, "Leder, Ydelseskontoret"),
    ("Misbrugscenter", StaffRole.TEAM_LEADER, None, "Leder, misbrugsbehandlingen (fremskudt misbrugsindsats)"),
    ("Voksen og Social", StaffRole.DEPARTMENT_HEAD, None, "Leder, Voksen og Social"),
    ("Voksen og Social", None, "Støtte- og kontaktperson", "SKP (styrket SKP-ordning)"),
    ("Sundhed", StaffRole.DEPARTMENT_HEAD, None, "Leder, Sundhed (sundhedsforebyggelse)"),
)
STEERING_STAFF = (
    ("Jobcenter", StaffRole.DEPARTMENT_HEAD, None, "Jobcenterchef"),
    ("Voksen og Social", StaffRole.DEPARTMENT_HEAD, None, "Chef for Voksen og Social"),
    ("Sundhed", StaffRole.DEPARTMENT_HEAD, None, "Sundhedschef"),
)

# The implementation team's meetings, in order: (agenda, minutes, decisions as (text, owner, days to the due date)).
# Seed 004: every third month, more often at the start — the first two a month and a half apart.
TEAM_MEETINGS = (
    (
        "1. Velkomst og præsentation af deltagerne\n2. Værestedsstrategien som grundlag\n3. Mødeplan",
        "Teamet gennemgik værestedsstrategien og implementeringsteamets opgaver. Værestederne fortalte om deres "
        "brugere og tilbud. Teamet mødes hver tredje måned, de første måneder oftere.",
        (
            ("Udkast til samarbejdsaftaler med de tre væresteder", "Projektleder", 30),
            ("Faste tider for den fremskudte sagsbehandling aftales med Jobcenter og Ydelse", "Leder, Jobcenter", 30),
        ),
    ),
    (
        "1. Samarbejdsaftalerne\n2. Registreringsskemaet\n3. Holdbaserede aktiviteter",
        "Samarbejdsaftalerne blev godkendt med de faste tider på hvert værested. Registreringsskemaet tages i brug "
        "fra næste måned. Teamet nedsætter en arbejdsgruppe om de holdbaserede aktiviteter.",
        (
            ("Arbejdsgruppe om holdbaserede aktiviteter nedsættes", "Projektleder", 14),
            ("Værestedsmedarbejderne introduceres til registreringsskemaet", "Værestedslederne", 30),
        ),
    ),
    (
        "1. Status på den fremskudte sagsbehandling\n2. Fremskudt misbrugsindsats\n3. Udeblivelser fra samtaler",
        "Flere borgere tager selv kontakt på værestederne. Misbrugsindsatsen er fast til stede på to væresteder. "
        "Udeblivelser fra samtaler på jobcentret blev drøftet.",
        (("Påmindelser om samtaler gennem værestedsmedarbejderne afprøves", "Leder, Ydelseskontoret", 45),),
    ),
    (
        "1. Brugerrepræsentantens input\n2. Borgerskemaerne\n3. Styrket SKP-ordning",
        "Brugerrepræsentanten fremhævede, at borgerne føler sig trygge ved samtaler på værestedet. Få borgere "
        "udfylder borgerskemaet.",
        (
            ("Borgerskemaet lægges frem på værestedernes tablet med et engangslink", "Værestedslederne", 30),
            ("SKP'ernes faste tider på Café Fællesrummet udvides", "SKP", 60),
        ),
    ),
    (
        "1. Driftsøkonomi og enhedsudgift\n2. Indstilling til styregruppen om drift",
        "Teamet gennemgik driftsudgifterne pr. element og enhedsudgiften pr. borger. Teamet indstiller til "
        "styregruppen, at samarbejdsmodellen fortsætter i drift.",
        (("Driftsudgifterne registreres hver måned", "Projektleder", 30),),
    ),
    (
        "1. Status fra værestederne\n2. Evalueringen fra data\n3. Næste skridt",
        "Status fra de tre væresteder. Evalueringens tal for perioden blev gennemgået.",
        (("Evalueringen for halvåret sendes til styregruppen", "Projektleder", 30),),
    ),
)
STEERING_MEETINGS = (
    (
        "1. Projektorganiseringen\n2. Implementeringsteamets kommissorium",
        "Styregruppen godkendte projektorganiseringen og implementeringsteamets kommissorium.",
        (("Værestedsstrategien forelægges udvalget", "Projektejer", 60),),
    ),
    (
        "1. Status fra implementeringsteamet\n2. Samarbejdsaftalerne",
        "Styregruppen tog status fra implementeringsteamet til efterretning.",
        (),
    ),
    (
        "1. Indstilling om drift\n2. Driftsøkonomi",
        "Styregruppen besluttede, at samarbejdsmodellen fortsætter i drift på de tre væresteder.",
        (("Samarbejdsmodellen indarbejdes i budgettet for næste år", "Projektejer", 90),),
    ),
    ("1. Evalueringen fra data\n2. Næste skridt", "Evalueringen blev gennemgået.", ()),
)


def _first_staff(municipality, department: str, role, job_title):
    memberships = Membership.objects.filter(municipality=municipality, department__name=department).select_related(
        "user"
    )
    if role is not None:
        memberships = memberships.filter(role=role)
    if job_title is not None:
        memberships = memberships.filter(user__job_title=job_title)
    membership = memberships.filter(user__is_active=True).order_by("id").first()
    return membership.user if membership else None


def _drop_in_contacts(municipality) -> list:
    """The first contact person of each drop-in centre (municipal or private), by the centre's name."""
    centres = ExternalOrganisation.objects.filter(
        municipality=municipality,
        kind__in=[ExternalOrganisationKind.DROP_IN_MUNICIPAL, ExternalOrganisationKind.DROP_IN_PRIVATE],
    ).order_by("name")
    contacts = []
    for centre in centres:
        contact = ExternalContact.objects.filter(organisation=centre).order_by("id").first()
        if contact is not None:
            contacts.append(contact)
    return contacts


def _add_members(actor, group, municipality, staff_rows, start) -> None:
    seen = {actor.pk}  # the project leader is added with their own role
    for department, role, job_title, team_role in staff_rows:
        user = _first_staff(municipality, department, role, job_title)
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            services.group_member_add(actor=actor, group=group, user=user, role=team_role, member_from=start)


def _meetings(actor, group, contents, days: list[datetime.date], anchor: datetime.date) -> None:
    """A meeting on each day; those held get minutes and decisions, followed up (done) when their due date has
    passed by a month, the rest left open; a day ahead gets the agenda only."""
    for index, held_on in enumerate(days):
        agenda, minutes, decisions = contents[min(index, len(contents) - 1)]
        meeting = services.group_meeting_create(actor=actor, group=group, held_on=held_on, agenda=agenda)
        if held_on > anchor:
            continue
        services.group_meeting_update(
            actor=actor,
            meeting=meeting,
            expected_version=meeting.version,
            held_on=held_on,
            agenda=agenda,
            minutes=minutes,
        )
        for text, owner, due_days in decisions:
            due = held_on + datetime.timedelta(days=due_days)
            decision = services.group_decision_add(actor=actor, meeting=meeting, text=text, owner=owner, due_on=due)
            if due + datetime.timedelta(days=30) < anchor:
                services.group_decision_done(
                    actor=actor, decision=decision, done_on=due - datetime.timedelta(days=min(3, due_days))
                )


def _drop_in_organisation(actor, programme, start: datetime.date, anchor: datetime.date) -> None:
    municipality = programme.municipality
    groups = {g.kind: g for g in ProgrammeGroup.objects.filter(programme=programme)}
    team = groups.get(GroupKind.IMPLEMENTATION_TEAM) or services.group_create(
        actor=actor,
        programme=programme,
        kind=GroupKind.IMPLEMENTATION_TEAM,
        name="Implementeringsteam",
        cadence_days=91,
        purpose=templates_data.DROP_IN_GROUPS[1].purpose,
    )
    steering = groups.get(GroupKind.STEERING_GROUP) or services.group_create(
        actor=actor,
        programme=programme,
        kind=GroupKind.STEERING_GROUP,
        name="Styregruppe",
        cadence_days=None,
        purpose=templates_data.DROP_IN_GROUPS[0].purpose,
    )
    services.group_update(  # every half year
        actor=actor,
        group=steering,
        expected_version=steering.version,
        name=steering.name,
        cadence_days=182,
        purpose=steering.purpose,
    )
    # The implementation team: the project leader (calls and leads the meetings), the municipality's leaders and key
    # staff, the drop-in centres' contact people and the user representative.
    services.group_member_add(
        actor=actor, group=team, user=actor, role="Projektleder (indkalder og leder møderne)", member_from=start
    )
    _add_members(actor, team, municipality, TEAM_STAFF, start)
    contacts = _drop_in_contacts(municipality)
    for contact in contacts:
        services.group_member_add(
            actor=actor,
            group=team,
            external_contact=contact,
            role=f"Værestedets repræsentant ({contact.title})" if contact.title else "Værestedets repræsentant",
            member_from=start,
        )
    name, role = USER_REPRESENTATIVE
    services.group_member_add(actor=actor, group=team, name=name, role=role, member_from=start)
    days = [_months(start, 1), start + datetime.timedelta(days=76)]  # more often at the start
    while (nxt := days[-1] + datetime.timedelta(days=91)) <= anchor:
        days.append(nxt)
    days.append(days[-1] + datetime.timedelta(days=91))  # the next one, planned
    _meetings(actor, team, TEAM_MEETINGS, days, anchor)

    # The steering group: the project owner (a name: the director is no user of Samspil), the department heads, the
    # project leader as secretary; every half year.
    services.group_member_add(
        actor=actor, group=steering, name=DROP_IN_OWNER[0], role=f"Formand ({DROP_IN_OWNER[1]})", member_from=start
    )
    _add_members(actor, steering, municipality, STEERING_STAFF, start)
    services.group_member_add(
        actor=actor, group=steering, user=actor, role="Sekretær (projektleder)", member_from=start
    )
    steering_days = [start + datetime.timedelta(days=14)]
    while (nxt := _months(steering_days[-1], 6)) <= anchor:
        steering_days.append(nxt)
    steering_days.append(_months(steering_days[-1], 6))
    _meetings(actor, steering, STEERING_MEETINGS, steering_days, anchor)

    # The working group the team set up at its second meeting (seed 004: "arbejdsgrupper nedsat af
    # implementeringsteamet"), for the group activities; no fixed cadence.
    working = services.group_create(
        actor=actor,
        programme=programme,
        kind=GroupKind.WORKING_GROUP,
        name="Arbejdsgruppe om holdbaserede aktiviteter",
        cadence_days=None,
        purpose="Nedsat af implementeringsteamet: udvikler holdbaserede aktiviteter med progressionsfokus på "
        "værestederne.",
    )
    begun = days[1] + datetime.timedelta(days=14)
    for contact in contacts[1:]:
        services.group_member_add(actor=actor, group=working, external_contact=contact, member_from=begun)
    skp = _first_staff(municipality, "Voksen og Social", None, "Støtte- og kontaktperson")
    if skp is not None:
        services.group_member_add(actor=actor, group=working, user=skp, role="SKP", member_from=begun)
    _meetings(
        actor,
        working,
        (
            (
                "1. Ideer til holdbaserede aktiviteter\n2. Frivillige",
                "Gruppen foreslår fællesspisning og IT-træning med frivillige.",
                (("Forslag til aktiviteter fremlægges for implementeringsteamet", "Arbejdsgruppen", 30),),
            ),
        ),
        [begun + datetime.timedelta(days=14)],
        anchor,
    )


def _drop_in_top_up(actor, municipality, anchor: datetime.date, done: set) -> None:
    """A drop-in programme set up by an earlier version of the demo (without seed 004's groups) gets them once."""
    if prog.DROP_IN not in done:
        return
    programme = Programme.objects.filter(municipality=municipality, code=prog.DROP_IN).first()
    if (
        programme is None
        or ProgrammeGroup.objects.filter(programme=programme, kind=GroupKind.IMPLEMENTATION_TEAM).exists()
    ):
        return
    start = _months(anchor, -SHAPES[prog.DROP_IN]["months_before"])
    with transaction.atomic(), _clock(anchor), bound(actor_id=actor.pk):
        _drop_in_organisation(actor, programme, start, anchor)
