"""The structure of each assessment method: its areas, grouped, with stable keys stored on the sections.

- **ICS** (Integrated Children's System, seed 003 p. 7): the three sides of the triangle — the child's developmental
  needs, parenting capacity, family and environment — each with its sub-areas; a section records strengths and
  concerns.
- **VUM 2.0** for adults: KL's FFB code system (`data/kl-ffb-codesystem.json`, version 2020-09-08). The areas are
  the concepts under *FFB tilstande*: the themes (e.g. *Egenomsorg*, *Mentale funktioner*) and their sub-areas. The
  key stored is the FFB concept code; a section also records a function level, an FFB *Funktionsevneniveau* code
  (*Ingen … Fuldstændig nedsat funktionsevne*, *Ikke vurderet*). Display texts are the code system's, in Danish
  whatever the language, as the national formats have them.
- **Resource profile** (*ressourceprofil*): the job centre's twelve elements; a section records resources and
  barriers (stored as strengths and concerns).

`areas(method)` gives the groups and areas in reading order; `area_label(method, key)` the text of a stored key
(an unknown key — a code system change — is shown as the key itself, never dropped).
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from samspil.assessments.choices import Method

FFB_FILE = Path(__file__).resolve().parent / "data" / "kl-ffb-codesystem.json"
FFB_SYSTEM = "http://kl.dk/fhir/common/caresocial/CodeSystem/FFB"
FFB_STATES = "b3ddc7d7"  # prefix of *FFB tilstande*
FFB_LEVELS = "e89d317c"  # prefix of *Funktionsevneniveau*


@dataclass(frozen=True)
class Area:
    key: str
    label: str


@dataclass(frozen=True)
class AreaGroup:
    key: str
    label: str
    areas: tuple[Area, ...]


ICS_GROUPS = (
    AreaGroup(
        "ics.child",
        _("The child's developmental needs"),
        (
            Area("ics.child.health", _("Health")),
            Area("ics.child.education", _("Education and day care")),
            Area("ics.child.emotional", _("Emotional and behavioural development")),
            Area("ics.child.identity", _("Identity")),
            Area("ics.child.relationships", _("Family and social relationships")),
            Area("ics.child.presentation", _("Social presentation")),
            Area("ics.child.selfcare", _("Self-care skills")),
        ),
    ),
    AreaGroup(
        "ics.parenting",
        _("Parenting capacity"),
        (
            Area("ics.parenting.basic_care", _("Basic care")),
            Area("ics.parenting.safety", _("Ensuring safety")),
            Area("ics.parenting.warmth", _("Emotional warmth")),
            Area("ics.parenting.stimulation", _("Stimulation")),
            Area("ics.parenting.guidance", _("Guidance and boundaries")),
            Area("ics.parenting.stability", _("Stability")),
        ),
    ),
    AreaGroup(
        "ics.family",
        _("Family and environment"),
        (
            Area("ics.family.history", _("Family history and functioning")),
            Area("ics.family.network", _("Wider family and network")),
            Area("ics.family.housing", _("Housing")),
            Area("ics.family.employment", _("Employment")),
            Area("ics.family.income", _("Income")),
            Area("ics.family.integration", _("Family's social integration")),
            Area("ics.family.community", _("Community resources")),
        ),
    ),
)

RESOURCE_PROFILE_GROUPS = (
    AreaGroup(
        "rp",
        _("Resource profile"),
        (
            Area("rp.education", _("Education")),
            Area("rp.work_experience", _("Labour market experience")),
            Area("rp.interests", _("Interests")),
            Area("rp.social_skills", _("Social skills")),
            Area("rp.network", _("Network")),
            Area("rp.wishes_goals", _("Wishes and goals")),
            Area("rp.work_identity", _("Work identity")),
            Area("rp.learning", _("Learning")),
            Area("rp.performance", _("Performance expectations")),
            Area("rp.health", _("Health")),
            Area("rp.housing", _("Housing")),
            Area("rp.economy", _("Economy")),
        ),
    ),
)


def _ffb_concepts() -> list[dict]:
    return json.loads(FFB_FILE.read_text(encoding="utf-8"))["concept"]


def _top(prefix: str) -> dict:
    return next(concept for concept in _ffb_concepts() if concept["code"].startswith(prefix))


@functools.cache
def vum_groups() -> tuple[AreaGroup, ...]:
    """The VUM 2.0 themes as groups: each theme under *FFB tilstande* with its sub-areas; a theme without
    sub-areas (the environmental factors) is an area of the group of its parent."""
    groups = []
    for domain in _top(FFB_STATES)["concept"]:
        leaves = []
        for theme in domain.get("concept", []):
            subs = theme.get("concept", [])
            if subs:
                groups.append(
                    AreaGroup(theme["code"], theme["display"], tuple(Area(s["code"], s["display"]) for s in subs))
                )
            else:
                leaves.append(Area(theme["code"], theme["display"]))
        if leaves:
            groups.append(AreaGroup(domain["code"], domain["display"], tuple(leaves)))
    return tuple(groups)


# The FFB function levels in the order of the scale (the code system lists them unordered), *Ikke vurderet* last.
_LEVEL_ORDER = ("Ingen", "Let", "Moderat", "Svært", "Fuldstændig", "Ikke vurderet")


@functools.cache
def vum_levels() -> tuple[Area, ...]:
    """FFB *Funktionsevneniveau* as areas (key = code, label = display), from *Ingen nedsat funktionsevne* to
    *Fuldstændig nedsat funktionsevne*, then *Ikke vurderet*."""
    levels = [Area(c["code"], c["display"]) for c in _top(FFB_LEVELS)["concept"]]
    return tuple(sorted(levels, key=lambda a: next(i for i, w in enumerate(_LEVEL_ORDER) if a.label.startswith(w))))


def level_label(code: str) -> str:
    return next((level.label for level in vum_levels() if level.key == code), code) if code else ""


def areas(method: str) -> tuple[AreaGroup, ...]:
    if method == Method.ICS:
        return ICS_GROUPS
    if method == Method.VUM:
        return vum_groups()
    if method == Method.RESOURCE_PROFILE:
        return RESOURCE_PROFILE_GROUPS
    raise ValueError(f"unknown assessment method {method!r}")


@functools.cache
def _index(method: str) -> dict[str, tuple[AreaGroup, Area]]:
    return {area.key: (group, area) for group in areas(method) for area in group.areas}


def is_area(method: str, key: str) -> bool:
    return key in _index(method)


def area_label(method: str, key: str) -> str:
    found = _index(method).get(key)
    return str(found[1].label) if found else key


def area_group(method: str, key: str) -> AreaGroup | None:
    found = _index(method).get(key)
    return found[0] if found else None


def area_choices(method: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form's select (`<optgroup>` per theme)."""
    return [(str(group.label), [(area.key, str(area.label)) for area in group.areas]) for group in areas(method)]
