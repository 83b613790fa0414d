"""The five published collaboration models (*samarbejdsmodeller*) as programme definitions.

A programme's rules are data the municipality owns (names, target group, who coordinates, age range,
meeting cadence), so the definitions below are the starting configuration, written in Danish because that
is what users see. `citizen_description` is what the citizen (or a custody holder) reads in the portal: what the
programme is, in two sentences of plain language, addressed as "du" (or "I" for a family). `programmes_seed` gives
a municipality all five; a new municipality should get them when it is created, and the demo loader uses the same
function.
"""

from dataclasses import asdict, dataclass, field

from django.db import transaction

from samspil.meetings.choices import MeetingType
from samspil.meetings.models import ChecklistItem
from samspil.organisations.choices import DepartmentKind
from samspil.pathways.choices import CollaborationModel, SubjectKind
from samspil.pathways.models import Programme


@dataclass(frozen=True)
class ProgrammeDefinition:
    code: str
    name: str
    model: str
    description: str
    target_group: str
    citizen_description: str = ""
    subject_kind: str = SubjectKind.CITIZEN
    coordinator_department_kind: str = ""
    min_age: int | None = None
    max_age: int | None = None
    status_meeting_cadence_days: int | None = None
    min_citizen_meetings: int = 0
    transition_handover_department_kinds: list = field(default_factory=list)


ROAD_TO_EDUCATION = "vejen-til-uddannelse"
ONE_FAMILY = "en-familie-en-indgang"
CROSS_SECTOR = "tvaergaaende-borgerforloeb"
KL_COHERENCE = "kl-sammenhaeng"
DROP_IN = "vaeresteder"

DEFINITIONS: tuple[ProgrammeDefinition, ...] = (
    ProgrammeDefinition(
        code=ROAD_TO_EDUCATION,
        name="Vejen til uddannelse og beskæftigelse",
        model=CollaborationModel.ROAD_TO_EDUCATION,
        description=(
            "Den unge får én koordinator og et tværfagligt team og holder mindst tre møder med teamet. "
            "Mål og aftaler om uddannelse og beskæftigelse samles i ét mål- og aftaleskema, og overgangen "
            "fra børne- til voksenområdet ved 18 år planlægges i forløbet."
        ),
        target_group="Unge mellem 15 og 23 år, der er anbragt eller har været anbragt uden for hjemmet.",
        citizen_description=(
            "Du får én koordinator og et team af fagfolk, der sammen med dig arbejder for, at du kommer i gang med "
            "en uddannelse eller et job. I laver én fælles plan ud fra dine egne ønsker og mål og holder mindst tre "
            "møder, hvor I følger op på den."
        ),
        coordinator_department_kind=DepartmentKind.CHILDREN_YOUTH,
        min_age=15,
        max_age=23,
        status_meeting_cadence_days=90,
        min_citizen_meetings=3,
        # Seed 002: at the transition to adulthood coordination may pass to adult services or the job centre.
        transition_handover_department_kinds=[DepartmentKind.ADULT_SOCIAL.value, DepartmentKind.JOB_CENTRE.value],
    ),
    ProgrammeDefinition(
        code=ONE_FAMILY,
        name="Én familie – én indgang",
        model=CollaborationModel.ONE_FAMILY,
        description=(
            "Familien får et kerneteam og én familiekoordinator fra børnehandicapområdet. Forløbet begynder "
            "med en fælles udredning sammen med familien, og hele familien har én plan med mål for hvert "
            "familiemedlem; indsatser på tværs af områder kan finansieres i fællesskab."
        ),
        target_group="Familier med børn med handicap, der får hjælp fra flere forvaltninger på samme tid.",
        citizen_description=(
            "Jeres familie får én familiekoordinator og et fast team, så I ikke skal fortælle jeres historie til "
            "mange forskellige afdelinger. I laver én fælles plan for hele familien med mål for hver af jer og "
            "mødes jævnligt for at følge op på den."
        ),
        subject_kind=SubjectKind.HOUSEHOLD,
        coordinator_department_kind=DepartmentKind.CHILDREN_DISABILITIES,
        status_meeting_cadence_days=56,
        min_citizen_meetings=1,
    ),
    ProgrammeDefinition(
        code=CROSS_SECTOR,
        name="Tværgående borgerforløb",
        model=CollaborationModel.CROSS_SECTOR,
        description=(
            "Frikommuneforsøg med én koordinerende sagsbehandler og én plan på tværs af forvaltningerne, "
            "hvor nye løsninger kan bruge en lovgivningsmæssig undtagelse. Effekten måles med baseline og "
            "opfølgning på bl.a. livskvalitet, beskæftigelse, ydelser og antal sagsbehandlere."
        ),
        target_group=(
            "Borgere med de mest komplekse og omkostningstunge forløb, der modtager mange indsatser fra "
            "flere forvaltninger på samme tid."
        ),
        citizen_description=(
            "Du får én koordinerende sagsbehandler, som samler hjælpen fra kommunens forskellige afdelinger, så du "
            "ikke skal holde styr på mange sagsbehandlere. Sammen laver I én plan med dine egne ønsker og mål, som "
            "alle afdelinger arbejder efter."
        ),
        status_meeting_cadence_days=60,
        min_citizen_meetings=1,
    ),
    ProgrammeDefinition(
        code=KL_COHERENCE,
        name="Sammenhæng mellem beskæftigelse, sundhed og social (KL)",
        model=CollaborationModel.KL_COHERENCE,
        description=(
            "KL's model for koordinerede forløb på tværs af beskæftigelse, sundhed og socialområdet. "
            "Kommunen vælger sine målgrupper blandt seks borgertyper og implementerer i tre faser: opstart, "
            "midtvejsstatus og afslutning."
        ),
        target_group=(
            "Voksne uden for arbejdsmarkedet med helbredsmæssige og sociale udfordringer, fx lidelser i "
            "bevægeapparatet, psykisk sygdom, kombinerede eller diffuse lidelser, og unge med psykisk sygdom "
            "og evt. misbrug."
        ),
        citizen_description=(
            "Du får én koordinator, der sørger for, at hjælpen fra jobcentret, sundhedsområdet og socialområdet "
            "hænger sammen. Sammen laver I én plan med dine egne ønsker og mål for arbejde, helbred og hverdag."
        ),
        coordinator_department_kind=DepartmentKind.JOB_CENTRE,
        min_age=18,
        status_meeting_cadence_days=90,
        min_citizen_meetings=1,
    ),
    ProgrammeDefinition(
        code=DROP_IN,
        name="Værestedernes rolle",
        model=CollaborationModel.DROP_IN,
        description=(
            "Samarbejdsaftaler med kommunale og private væresteder: udgående sagsbehandling på værestedet i "
            "faste ugentlige tider, udgående misbrugsarbejde, styrkede støtte- og kontaktpersoner og "
            "gruppeaktiviteter. Samtaler registreres, og borgeren vurderer dem."
        ),
        target_group="Socialt udsatte voksne, der kommer på et kommunalt eller privat værested.",
        citizen_description=(
            "Du kan møde sagsbehandlere og andre fagfolk på dit værested på faste tider hver uge, så du ikke skal "
            "på rådhuset for at få hjælp. Sammen med din koordinator laver du en plan ud fra dine egne ønsker."
        ),
        coordinator_department_kind=DepartmentKind.ADULT_SOCIAL,
        min_age=18,
        status_meeting_cadence_days=60,
    ),
)


# The meeting checklist (*mødetjekliste*) every programme starts with, per meeting type; a programme's own
# points come after these. The municipality edits them in the admin.
CHECKLIST: dict[str, tuple[str, ...]] = {
    MeetingType.START: (
        "Borgerens egne ønsker og mål er drøftet",
        "Teamet og koordinatorens rolle er præsenteret",
        "Samtykke til deling af oplysninger er gennemgået",
        "Mål og aftaler er skrevet ind i den fælles plan",
        "Næste møde er aftalt",
    ),
    MeetingType.STATUS: (
        "Borgerens egne ønsker er drøftet",
        "Målene er gennemgået",
        "Aftalerne siden sidste møde er fulgt op",
        "Nye aftaler er skrevet ind i den fælles plan",
        "Næste møde er aftalt",
    ),
    MeetingType.ANALYSIS: (
        "Sagens oplysninger er gennemgået",
        "Hver deltager har givet sit faglige perspektiv",
        "Anbefalinger til næste møde med borgeren eller familien er formuleret",
    ),
    MeetingType.NETWORK: (
        "Netværkets ressourcer er drøftet",
        "Aftaler med netværket er skrevet ind i den fælles plan",
        "Næste møde er aftalt",
    ),
    MeetingType.TRANSITION_18: (
        "Den unges egne ønsker til voksenlivet er drøftet",
        "Overgangen fra børne- til voksenområdet er gennemgået",
        "Ydelser og indsatser efter 18 år er afklaret",
        "En ansvarlig fra voksenområdet er med i teamet",
        "Næste møde er aftalt",
    ),
}
CHECKLIST_EXTRA: dict[str, dict[str, tuple[str, ...]]] = {
    ROAD_TO_EDUCATION: {
        MeetingType.START: ("Mål for uddannelse og beskæftigelse er drøftet",),
        MeetingType.STATUS: ("Status på uddannelse og beskæftigelse er noteret",),
    },
    ONE_FAMILY: {
        MeetingType.START: ("Den fælles udredning med familien er planlagt",),
        MeetingType.STATUS: ("Behovet for fællesfinansiering er vurderet",),
    },
}


def checklist_seed(*, programme: Programme) -> list[ChecklistItem]:
    """Give the programme the starting checklist for every meeting type it has no checklist points for yet.

    A meeting type that already has points (even inactive ones) is the municipality's own and is left alone,
    so running it twice writes nothing and a point removed in the admin does not come back. Configuration is
    written with one bulk insert; it hangs off no pathway, so no change-log rows are written for it.
    """
    configured = set(
        ChecklistItem.objects.filter(programme=programme).values_list("meeting_type", flat=True).distinct()
    )
    extra = CHECKLIST_EXTRA.get(programme.code, {})
    items = [
        ChecklistItem(
            municipality_id=programme.municipality_id,
            programme=programme,
            meeting_type=meeting_type,
            text=text,
            position=position,
        )
        for meeting_type, texts in CHECKLIST.items()
        if meeting_type not in configured
        for position, text in enumerate((*texts, *extra.get(meeting_type, ())), start=1)
    ]
    return ChecklistItem.objects.bulk_create(items)


# The target groups (*målgrupper*) each programme starts with: (code, name, criteria). KL's citizen types 1–6 for the
# KL programme (seed 000; codes `type-1`…`type-6`, matching `segmentation.choices.CitizenType`), the programme's own
# criteria elsewhere (seeds 001–004). The municipality edits them in the admin.
TARGET_GROUPS: dict[str, tuple[tuple[str, str, str], ...]] = {
    KL_COHERENCE: (
        ("type-1", "Borgertype 1: Fysiske lidelser", "Borgere med fysiske lidelser (muskel-skeletsygdomme)."),
        ("type-2", "Borgertype 2: Psykiske lidelser, sygedagpenge", "Borgere med psykiske lidelser på sygedagpenge."),
        ("type-3", "Borgertype 3: Psykiske lidelser, kontanthjælp", "Borgere med psykiske lidelser på kontanthjælp."),
        (
            "type-4",
            "Borgertype 4: Fysiske og psykiske lidelser",
            "Borgere med en kombination af fysiske og psykiske lidelser.",
        ),
        (
            "type-5",
            "Borgertype 5: Diffuse lidelser og livsstil",
            "Borgere med diffuse lidelser med tendens til livsstilsudfordringer.",
        ),
        (
            "type-6",
            "Borgertype 6: Unge med psykiske lidelser",
            "Unge med psykiske lidelser, evt. i kombination med misbrug.",
        ),
    ),
    ROAD_TO_EDUCATION: (
        ("anbragt", "Anbragte unge 15–23 år", "Unge mellem 15 og 23 år, der er anbragt uden for hjemmet."),
        (
            "tidligere-anbragt",
            "Tidligere anbragte unge 15–23 år",
            "Unge mellem 15 og 23 år, der tidligere har været anbragt uden for hjemmet.",
        ),
        (
            "andre-udsatte-unge",
            "Andre udsatte unge",
            "Andre udsatte unge, der har brug for støtte i forhold til uddannelse og beskæftigelse.",
        ),
    ),
    ONE_FAMILY: (
        (
            "fysisk-handicap",
            "Familier med børn med fysisk handicap",
            "Familier med et barn med fysisk funktionsnedsættelse, der får hjælp fra flere forvaltninger.",
        ),
        (
            "psykisk-handicap",
            "Familier med børn med psykisk eller kognitivt handicap",
            "Familier med et barn med psykisk eller kognitiv funktionsnedsættelse (fx autisme eller ADHD).",
        ),
        (
            "udsatte-familier",
            "Udsatte familier med sager i flere forvaltninger",
            "Familier med sager i både beskæftigelses- og socialforvaltningen på samme tid.",
        ),
    ),
    CROSS_SECTOR: (
        (
            "mange-indsatser",
            "Borgere med mange samtidige indsatser",
            "Borgere, der trækker på ydelser fra flere forvaltninger på samme tid (mange ydelser).",
        ),
        (
            "omkostningstunge",
            "De mest omkostningstunge forløb",
            "Borgergrupper, der trækker mest på de kommunale budgetter på tværs af beskæftigelse, social og sundhed.",
        ),
        (
            "komplekse-familier",
            "Familier med komplekse problemer",
            "Familier, hvor flere medlemmer har sager på tværs af forvaltningerne.",
        ),
    ),
    DROP_IN: (
        (
            "mest-udsatte",
            "De mest socialt udsatte",
            "Socialt udsatte med misbrugsproblemer og evt. sindslidelser og hjemløshed.",
        ),
        ("tidligere-misbrug", "Udsatte med tidligere misbrug", "Udsatte borgere med tidligere misbrugsproblemer."),
        (
            "social-kontakt",
            "Borgere med behov for social kontakt",
            "Mere ressourcestærke borgere med behov for social kontakt og aktiviteter.",
        ),
    ),
}


def target_groups_seed(*, programme: Programme) -> list:
    """Give the programme its starting target groups (`TARGET_GROUPS`), keyed on code.

    Idempotent: a group that exists (whatever the municipality has since changed in it) is left alone, so running it
    twice writes nothing and an edit in the admin is kept.
    """
    from samspil.pathways.models import TargetGroup

    existing = set(TargetGroup.objects.filter(programme=programme).values_list("code", flat=True))
    created = []
    for position, (code, name, description) in enumerate(TARGET_GROUPS.get(programme.code, ()), start=1):
        if code in existing:
            continue
        created.append(
            TargetGroup.objects.create(
                municipality_id=programme.municipality_id,
                programme=programme,
                code=code,
                name=name,
                description=description,
                position=position,
            )
        )
    return created


@transaction.atomic
def programmes_seed(*, municipality) -> list[Programme]:
    """Create the five programmes for the municipality, or bring them back to the definitions (keyed on code).

    Idempotent: a programme that already matches its definition is not saved again, so running it twice
    writes nothing. The `active` flag is the municipality's own choice and is left alone.
    """
    existing = {programme.code: programme for programme in Programme.objects.filter(municipality=municipality)}
    programmes = []
    for definition in DEFINITIONS:
        values = asdict(definition)
        programme = existing.get(definition.code)
        if programme is None:
            programme = Programme(municipality=municipality, **values)
            programme.full_clean()
            programme.save()
        else:
            changed = [field for field, value in values.items() if getattr(programme, field) != value]
            if changed:
                for field in changed:
                    setattr(programme, field, values[field])
                programme.full_clean()
                programme.save(update_fields=[*changed, "updated_at"])
        checklist_seed(programme=programme)
        target_groups_seed(programme=programme)
        programmes.append(programme)
    return programmes
