"""The saved form of a plan version, and the difference between two versions.

A snapshot is plain JSON: the plan as it was, with the display labels of the day in Danish (the language of
the record), so an old version reads the same when the choices or the organisation change later. Rows are
keyed by their public id, so a goal or agreement is followed from version to version even when its text
changes.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.plans.models import Agreement, Goal, GoalFollowUp, Plan

SCHEMA = 1

# The fields compared between versions, with their labels; the snapshot stores a `<field>_label` beside a
# coded value, and the comparison shows that label.
GOAL_FIELDS = {
    "member_name": gettext_lazy("For"),
    "life_area": gettext_lazy("Life area"),
    "description": gettext_lazy("Goal"),
    "goal_type": gettext_lazy("Goal type"),
    "indicator": gettext_lazy("Measurable target"),
    "horizon": gettext_lazy("Horizon"),
    "responsible_department": gettext_lazy("Responsible department"),
    "legal_basis": gettext_lazy("Legal basis"),
    "status": gettext_lazy("Status"),
    "findings_text": gettext_lazy("Answers findings from the assessment"),
}
AGREEMENT_FIELDS = {
    "what": gettext_lazy("What"),
    "owner_name": gettext_lazy("Who does it"),
    "due_on": gettext_lazy("Due"),
    "status": gettext_lazy("Status"),
    "follow_up_note": gettext_lazy("Follow-up note"),
}


def _date(value) -> str:
    return value.isoformat() if value else ""


def agreement_owner_name(agreement: Agreement, *, whole: str) -> str:
    if agreement.owner_id:
        return agreement.owner.display_name
    if agreement.owner_member_id:
        return agreement.owner_member.full_name
    return whole


def plan_queryset_goals(plan: Plan):
    """The plan's goals with everything the plan shows, in a fixed number of queries."""
    return (
        Goal.objects.filter(plan=plan)
        .select_related("member", "responsible_department")
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=Agreement.objects.select_related(
                    "owner__user", "owner__external_contact", "owner_member"
                ).order_by("due_on", "id"),
            ),
            Prefetch("follow_ups", queryset=GoalFollowUp.objects.select_related("assessed_by")),
            Prefetch("findings", queryset=_findings_queryset()),
        )
        .order_by("position", "id")
    )


def _findings_queryset():
    from samspil.assessments.models import Finding

    return Finding.objects.select_related("assessment").order_by("-assessment__number", "area", "id")


def _findings(goal: Goal) -> list[dict]:
    """The findings of the joint assessment the goal answers, with their labels of the day."""
    from samspil.assessments.selectors import finding_label

    return [{"id": str(finding.public_id), "label": finding_label(finding)} for finding in goal.findings.all()]


def build_snapshot(plan: Plan, *, subject_name: str, is_family: bool) -> dict:
    """The whole plan as JSON, with Danish labels."""
    with translation.override("da"):
        whole = _("The whole family") if is_family else subject_name
        goals = []
        for goal in plan_queryset_goals(plan):
            findings = _findings(goal)
            goals.append(
                {
                    "id": str(goal.public_id),
                    "position": goal.position,
                    "member_id": str(goal.member.public_id) if goal.member_id else "",
                    "member_name": goal.member.full_name if goal.member_id else whole,
                    "life_area": goal.life_area,
                    "life_area_label": str(goal.get_life_area_display()),
                    "description": goal.description,
                    "goal_type": goal.goal_type,
                    "goal_type_label": str(goal.get_goal_type_display()),
                    "indicator": goal.indicator,
                    "horizon": goal.horizon,
                    "horizon_label": str(goal.get_horizon_display()),
                    "responsible_department": goal.responsible_department.name
                    if goal.responsible_department_id
                    else "",
                    "legal_basis": goal.legal_basis,
                    "status": goal.status,
                    "status_label": str(goal.get_status_display()),
                    # The findings it answers; `findings_text` is what a comparison shows (empty: none, as in a
                    # version saved before goals could answer findings).
                    "findings": findings,
                    "findings_text": "; ".join(finding["label"] for finding in findings),
                    "agreements": [
                        {
                            "id": str(agreement.public_id),
                            "what": agreement.what,
                            "owner_kind": agreement.owner_kind,
                            "owner_name": agreement_owner_name(agreement, whole=whole),
                            "due_on": _date(agreement.due_on),
                            "status": agreement.status,
                            "status_label": str(agreement.get_status_display()),
                            "follow_up_note": agreement.follow_up_note,
                            "completed_on": _date(agreement.completed_on),
                        }
                        for agreement in goal.agreements.all()
                    ],
                    "follow_ups": [
                        {
                            "id": str(follow_up.public_id),
                            "result": follow_up.result,
                            "result_label": str(follow_up.get_result_display()),
                            "assessed_on": _date(follow_up.assessed_on),
                            "note": follow_up.note,
                            "internal_note": follow_up.internal_note,
                            "assessed_by": follow_up.assessed_by.get_full_name(),
                        }
                        for follow_up in goal.follow_ups.all()
                    ],
                }
            )
    return {"schema": SCHEMA, "wishes": plan.citizen_wishes, "goals": goals}


# --- the citizen's edition --------------------------------------------------------------------------------

# A snapshot field whose name starts with this is for the professionals only (today a follow-up's `internal_note`).
INTERNAL_PREFIX = "internal"


# A goal's links to the findings of the joint assessment: for the professionals (see `citizen_edition`).
STAFF_ONLY_GOAL_FIELDS = frozenset({"findings", "findings_text"})


def _without_internal(row: dict) -> dict:
    return {key: value for key, value in row.items() if not key.startswith(INTERNAL_PREFIX)}


def citizen_edition(snapshot: dict) -> dict:
    """A plan version as the citizen and a custody holder may read it: the one definition of the citizen's edition,
    used by the PDF's citizen version and the portal.

    It leaves out every field of the plan, its goals, agreements and follow-ups whose name starts with `internal`
    (the internal notes of follow-ups), and the findings a goal answers (`STAFF_ONLY_GOAL_FIELDS`): a finding may
    belong to an assessment that is not yet compiled and approved, and the family reads the findings in the approved
    combined report (the portal's assessment page, which names the goals answering each finding). Meeting minutes,
    above all an analysis meeting's, are never in a snapshot. Returns a new dict; the stored snapshot is not changed.
    """
    goals = []
    for goal in snapshot.get("goals", []):
        row = {key: value for key, value in _without_internal(goal).items() if key not in STAFF_ONLY_GOAL_FIELDS}
        row["agreements"] = [_without_internal(agreement) for agreement in goal.get("agreements", [])]
        row["follow_ups"] = [_without_internal(follow_up) for follow_up in goal.get("follow_ups", [])]
        goals.append(row)
    edition = _without_internal(snapshot)
    edition["goals"] = goals
    return edition


# --- comparing two versions ----------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RowChange:
    title: str
    changes: list[FieldChange]


@dataclass
class GoalChange:
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    agreements_added: list[dict] = field(default_factory=list)
    agreements_removed: list[dict] = field(default_factory=list)
    agreements_changed: list[RowChange] = field(default_factory=list)
    follow_ups_added: list[dict] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.changes
            or self.agreements_added
            or self.agreements_removed
            or self.agreements_changed
            or self.follow_ups_added
        )


@dataclass
class PlanDiff:
    wishes: FieldChange | None
    goals_added: list[dict]
    goals_removed: list[dict]
    goals_changed: list[GoalChange]

    @property
    def is_empty(self) -> bool:
        return self.wishes is None and not (self.goals_added or self.goals_removed or self.goals_changed)


def _shown(row: dict, name: str) -> str:
    """The value as a reader sees it: the stored label for coded values, dates as 22.11.2026."""
    value = row.get(f"{name}_label", row.get(name, ""))
    if name.endswith("_on") and value:
        year, month, day = value.split("-")
        return f"{day}.{month}.{year}"
    return str(value or "")


def _field_changes(before: dict, after: dict, fields: dict) -> list[FieldChange]:
    return [
        FieldChange(label=str(label), before=_shown(before, name) or "–", after=_shown(after, name) or "–")
        for name, label in fields.items()
        if before.get(name, "") != after.get(name, "")
    ]


def _by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


def diff_snapshots(before: dict, after: dict) -> PlanDiff:
    """What changed from `before` to `after`: wishes, goals and agreements added, removed and changed, field by
    field, and follow-ups added (follow-ups are never edited)."""
    wishes = None
    if before.get("wishes", "") != after.get("wishes", ""):
        wishes = FieldChange(label=_("The citizen's own wishes"), before=before["wishes"], after=after["wishes"])
    old_goals, new_goals = _by_id(before.get("goals", [])), _by_id(after.get("goals", []))
    changed = []
    for goal_id, new in new_goals.items():
        old = old_goals.get(goal_id)
        if old is None:
            continue
        change = GoalChange(title=new["description"], changes=_field_changes(old, new, GOAL_FIELDS))
        old_agreements, new_agreements = _by_id(old["agreements"]), _by_id(new["agreements"])
        change.agreements_added = [a for key, a in new_agreements.items() if key not in old_agreements]
        change.agreements_removed = [a for key, a in old_agreements.items() if key not in new_agreements]
        for key, agreement in new_agreements.items():
            if key in old_agreements:
                fields = _field_changes(old_agreements[key], agreement, AGREEMENT_FIELDS)
                if fields:
                    change.agreements_changed.append(RowChange(title=agreement["what"], changes=fields))
        old_follow_ups = {row["id"] for row in old["follow_ups"]}
        change.follow_ups_added = [row for row in new["follow_ups"] if row["id"] not in old_follow_ups]
        if not change.is_empty:
            changed.append(change)
    return PlanDiff(
        wishes=wishes,
        goals_added=[goal for key, goal in new_goals.items() if key not in old_goals],
        goals_removed=[goal for key, goal in old_goals.items() if key not in new_goals],
        goals_changed=changed,
    )
