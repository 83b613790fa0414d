"""The starting templates of programme management, as data: each collaboration model's phases (with their
checklists), its groups, and the role and responsibility matrix.

Written in Danish, because that is what users see and what the models' own texts say; the municipality changes
them afterwards. Sources: seed 002 (*Vejen til uddannelse og beskæftigelse*: four phases, 4.1–4.4 and the
implementation plan's template), seed 000 (KL's models: start-up, mid-term status with a checklist of the
activities done, completion) and seed 004 (*Værestedernes rolle*, 2.1 and Figur 3.1: a steering group, an
implementation team meeting every third month, and working groups it sets up). For the other programmes' phases a
sensible default: start-up, pilot test, operations.
"""

from dataclasses import dataclass, field

from samspil.implementation.choices import GroupKind
from samspil.pathways.choices import CollaborationModel


@dataclass(frozen=True)
class PhaseTemplate:
    code: str
    name: str
    months: int | None  # planned length; None: open-ended (operations)
    description: str = ""
    checklist: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GroupTemplate:
    kind: str
    name: str
    cadence_days: int | None
    purpose: str = ""


ROAD_TO_EDUCATION_PHASES = (
    PhaseTemplate(
        "politisk-beslutning",
        "Fase 1: Politisk beslutning",
        2,
        "Input til den politiske beslutning, centrale afklaringspunkter og beslutning om it-understøttelse.",
        (
            "Input til den politiske beslutning",
            "Centrale afklaringspunkter",
            "Beslutning om it-understøttelse af samarbejdsmodellen",
        ),
    ),
    PhaseTemplate(
        "opstart",
        "Fase 2: Opstart",
        4,
        "Pilottesten forberedes.",
        (
            "Udpeg projektejer og projektleder",
            "Udpeg tværfaglig ledergruppe",
            "Udpeg en tværfaglig implementeringsgruppe med medarbejdere",
            "Udarbejd en klar rollefordeling",
            "Fælles vision og mål – forandringsteori",
            "Udvælg sager til afprøvning",
            "Udarbejd en simpel dokumentationsmodel om resultater",
            "Udarbejd en samlet implementeringsplan",
        ),
    ),
    PhaseTemplate(
        "pilottest",
        "Fase 3: Pilottest",
        10,
        "Samarbejdsmodellen afprøves på de udvalgte sager; ledergruppen beslutter til sidst, om den sættes i drift.",
        (
            "Kompetenceudvikling af koordinatorer og fagpersoner",
            "Opstartsdag for medarbejdere og ledere",
            "Første læringsmøde",
            "Andet læringsmøde",
            "Opsamlingsdag",
            "Ledergruppens beslutning om drift",
        ),
    ),
    PhaseTemplate(
        "drift",
        "Fase 4: Understøttelse af den løbende drift",
        None,
        "Alle i målgruppen skrives ind; ledergruppen følger op hvert halve år.",
    ),
)

KL_PHASES = (
    PhaseTemplate(
        "opstart",
        "Fase 1: Opstartsfase",
        6,
        "Kick-off med ledelsen, opstartsmøde med nøglemedarbejdere og den lokale implementeringsplan.",
        (
            "Kick-off møde med ledelsesniveauet",
            "Opstartsmøde med nøglemedarbejdere og økonomistab",
            "Lokal implementeringsplan udfyldt",
            "Ansvarlig direktør og projektleder udpeget",
        ),
    ),
    PhaseTemplate(
        "midtvejsstatus",
        "Fase 2: Midtvejsstatus",
        18,
        "Netværksmøde, kommunebesøg og tjekliste over de aktiviteter, der er gennemført.",
        (
            "Målgruppe (borgertyper) udvalgt og afgrænset",
            "Tværgående ledergruppe etableret",
            "Koordinerende sagsbehandlere udpeget",
            "Fælles screening af borgere i brug",
            "Tværfaglige møder med borgeren holdes",
            "Netværksmøde med andre kommuner",
            "Kommunebesøg med sparring om implementeringen",
        ),
    ),
    PhaseTemplate(
        "afslutning",
        "Fase 3: Afslutning",
        6,
        "Fokusgruppe, implementeringserfaringer og gevinstrealisering; effektevaluering.",
        (
            "Fokusgruppe med repræsentanter fra kommunen",
            "Implementeringserfaringer samlet op",
            "Gevinstrealisering gjort op",
            "Effektevaluering gennemført",
        ),
    ),
)

DEFAULT_PHASES = (
    PhaseTemplate(
        "opstart",
        "Opstart",
        4,
        "Organisering, forandringsteori, udvælgelse af pilotsager og implementeringsplan.",
        (
            "Udpeg projektejer og projektleder",
            "Nedsæt ledergruppe og implementeringsgruppe",
            "Udarbejd rollefordeling",
            "Udarbejd forandringsteori",
            "Udvælg pilotsager",
            "Udarbejd implementeringsplan",
        ),
    ),
    PhaseTemplate("pilottest", "Pilottest", 8, "Modellen afprøves på pilotsagerne.", ("Evaluering af pilottesten",)),
    PhaseTemplate("drift", "Drift", None, "Modellen er i drift for hele målgruppen."),
)

PHASES: dict[str, tuple[PhaseTemplate, ...]] = {
    CollaborationModel.ROAD_TO_EDUCATION: ROAD_TO_EDUCATION_PHASES,
    CollaborationModel.KL_COHERENCE: KL_PHASES,
}


def phases_for(model: str) -> tuple[PhaseTemplate, ...]:
    return PHASES.get(model, DEFAULT_PHASES)


# Seed 002, 4.2 and 4.3: the leader group meets every quarter in the test phase (every half year in operations),
# the implementation group every second month.
GROUPS = (
    GroupTemplate(
        GroupKind.LEADER_GROUP,
        "Tværfaglig ledergruppe",
        91,
        "Prioriterer ressourcer og beslutter, om samarbejdsmodellen sættes i drift.",
    ),
    GroupTemplate(
        GroupKind.IMPLEMENTATION_GROUP,
        "Implementeringsgruppe",
        61,
        "Følger op på modellens anvendelse i praksis og giver input til ledergruppen.",
    ),
)
LEADER_GROUP_CADENCE_IN_OPERATIONS = 182

# Seed 004, 2.1 and Figur 3.1: the project organisation of the drop-in centres' collaboration model is a steering
# group, an implementation team (the municipality's leaders and key staff, the drop-in centres' leaders and a user
# representative, called and led by the project leader, "fx en gang hver tredje måned") and working groups the team
# sets up (added by the municipality when it needs one).
DROP_IN_GROUPS = (
    GroupTemplate(
        GroupKind.STEERING_GROUP,
        "Styregruppe",
        None,
        "Har det overordnede ansvar for samarbejdsmodellen og træffer beslutninger på baggrund af "
        "implementeringsteamets indstillinger.",
    ),
    GroupTemplate(
        GroupKind.IMPLEMENTATION_TEAM,
        "Implementeringsteam",
        91,
        "Sikrer den ledelsesmæssige opbakning til samarbejdsmodellen og understøtter implementeringen; medvirker til "
        "konkrete samarbejdsaftaler mellem kommunens fremskudte indsatser og de enkelte væresteder.",
    ),
)

GROUPS_BY_MODEL: dict[str, tuple[GroupTemplate, ...]] = {CollaborationModel.DROP_IN: DROP_IN_GROUPS}


def groups_for(model: str) -> tuple[GroupTemplate, ...]:
    return GROUPS_BY_MODEL.get(model, GROUPS)


# Seed 002, 4.4: the roles (columns) and their tasks (rows); the role named with a task does it (R) and the project
# owner is accountable for the implementation as a whole.
MATRIX_ROLES = ("Projektejer", "Tværfaglig ledergruppe", "Projektleder", "Projektkoordinator", "Implementeringsgruppe")
MATRIX_TASKS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Ansvar for implementeringen i kommunen",
        {"Projektejer": "A", "Projektleder": "R", "Tværfaglig ledergruppe": "I"},
    ),
    ("Rapportering til det politiske niveau", {"Projektejer": "R", "Projektleder": "C"}),
    (
        "Opbakning til ledere og medarbejdere, der deltager i implementeringen",
        {"Projektejer": "R", "Tværfaglig ledergruppe": "R"},
    ),
    ("Engagere øvrige direktører og ledere på området", {"Tværfaglig ledergruppe": "R", "Projektejer": "A"}),
    (
        "Løbende kontakt til projektlederen om koordinering og status",
        {"Tværfaglig ledergruppe": "R", "Projektleder": "C"},
    ),
    (
        "Beslutning om samarbejdsmodellen skal sættes i drift",
        {"Tværfaglig ledergruppe": "A", "Projektejer": "C", "Projektleder": "C", "Implementeringsgruppe": "I"},
    ),
    ("Lede den daglige implementering", {"Projektleder": "R", "Projektejer": "A"}),
    (
        "Rapportere til projektejer og medarbejdere om implementeringen og resultaterne",
        {"Projektleder": "R", "Projektejer": "I", "Implementeringsgruppe": "I"},
    ),
    ("Koordinere med implementeringsgruppen", {"Projektleder": "R", "Implementeringsgruppe": "C"}),
    ("Assistere koordinatorer som mødeleder på tværfaglige teammøder", {"Projektleder": "R"}),
    ("Få praktikken til at hænge sammen, fx booke møder", {"Projektkoordinator": "R", "Projektleder": "A"}),
    ("Oprette og opdatere dokumenter på hjemmeside eller intranet", {"Projektkoordinator": "R"}),
    ("Afprøve samarbejdsmodellen i praksis", {"Implementeringsgruppe": "R", "Projektleder": "A"}),
    ("Følge op på samarbejdsmodellens anvendelse i praksis", {"Implementeringsgruppe": "R", "Projektleder": "C"}),
    ("Koble modellen og redskaberne til drift og eksisterende arbejdsgange", {"Implementeringsgruppe": "R"}),
    ("Dokumentere resultater", {"Implementeringsgruppe": "R", "Projektleder": "A", "Tværfaglig ledergruppe": "I"}),
    ("Ressource for andre medarbejdere", {"Implementeringsgruppe": "R"}),
)


# Seed 004, 2.1 and 3.1: the drop-in model's roles and the tasks the report gives them.
DROP_IN_MATRIX_ROLES = ("Projektejer", "Styregruppe", "Projektleder", "Implementeringsteam", "Arbejdsgrupper")
DROP_IN_MATRIX_TASKS: tuple[tuple[str, dict[str, str]], ...] = (
    ("Værestedsstrategi vedtaget politisk som grundlag for arbejdet", {"Projektejer": "R", "Styregruppe": "C"}),
    (
        "Ledelsesmæssig opbakning til samarbejdsmodellen",
        {"Styregruppe": "A", "Implementeringsteam": "R", "Projektejer": "I"},
    ),
    (
        "Samarbejdsaftaler mellem de fremskudte indsatser og de enkelte væresteder",
        {"Implementeringsteam": "R", "Projektleder": "R", "Styregruppe": "A"},
    ),
    ("Indkalde til og lede implementeringsteamets møder", {"Projektleder": "R", "Implementeringsteam": "I"}),
    ("Det daglige ansvar for samarbejdsmodellens implementering", {"Projektleder": "R", "Projektejer": "A"}),
    (
        "Nedsætte arbejdsgrupper til specifikke aktiviteter eller udfordringer",
        {"Implementeringsteam": "A", "Arbejdsgrupper": "R"},
    ),
    (
        "Inddrages i planlægningen af de holdbaserede aktiviteter",
        {"Implementeringsteam": "C", "Arbejdsgrupper": "R"},
    ),
    (
        "Løbende dataindsamling og evaluering af samarbejdsmodellen",
        {"Implementeringsteam": "R", "Projektleder": "R", "Styregruppe": "I"},
    ),
)

MATRICES_BY_MODEL: dict[str, tuple[tuple[str, ...], tuple]] = {
    CollaborationModel.DROP_IN: (DROP_IN_MATRIX_ROLES, DROP_IN_MATRIX_TASKS),
}


def matrix_for(model: str) -> tuple[tuple[str, ...], tuple]:
    """The roles (columns) and tasks (rows, with their cells) of the model's role and responsibility matrix."""
    return MATRICES_BY_MODEL.get(model, (MATRIX_ROLES, MATRIX_TASKS))
