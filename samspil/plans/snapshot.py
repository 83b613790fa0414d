"""The saved form of a plan version, and the difference between two versions.

A snapshot is plain JSON: the plan as it was, with the display labels of the day in Danish (the language of
the record), so an old version reads the same when the choices or the organisation change later. Rows are
keyed by their public id, so a goal or agreement is followed from version to version even when its text
changes.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.core.db import Variable, precompiled_rows
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


def whole_title(*, subject_name: str, is_family: bool) -> str:
    """Who a goal or agreement without a named person is for or by, in Danish: the citizen, or the whole family."""
    with translation.override("da"):
        return _("The whole family") if is_family else subject_name


def goal_entry(goal: Goal, *, whole: str) -> dict:
    """One goal's row in a snapshot without its agreements and follow-ups (`goal` with its member, department and
    findings). The entry functions are called inside `translation.override("da")`: the labels are in Danish."""
    findings = _findings(goal)
    return {
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
        "responsible_department": goal.responsible_department.name if goal.responsible_department_id else "",
        "legal_basis": goal.legal_basis,
        "status": goal.status,
        "status_label": str(goal.get_status_display()),
        # The findings it answers; `findings_text` is what a comparison shows (empty: none, as in a version saved
        # before goals could answer findings).
        "findings": findings,
        "findings_text": "; ".join(finding["label"] for finding in findings),
    }


def agreement_entry(agreement: Agreement, *, whole: str) -> dict:
    """One agreement's row in a snapshot (`agreement` with its owner and the owner's user or contact)."""
    return {
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


def follow_up_entry(follow_up: GoalFollowUp) -> dict:
    """One follow-up's row in a snapshot (`follow_up` with `assessed_by`)."""
    return {
        "id": str(follow_up.public_id),
        "result": follow_up.result,
        "result_label": str(follow_up.get_result_display()),
        "assessed_on": _date(follow_up.assessed_on),
        "note": follow_up.note,
        "internal_note": follow_up.internal_note,
        "assessed_by": follow_up.assessed_by.get_full_name(),
    }


def build_snapshot(plan: Plan, *, subject_name: str, is_family: bool) -> dict:
    """The whole plan as JSON, with Danish labels, read from the database (a checkpoint; see `build_delta`)."""
    whole = whole_title(subject_name=subject_name, is_family=is_family)
    goals = []
    with translation.override("da"):
        for goal in plan_queryset_goals(plan):
            row = goal_entry(goal, whole=whole)
            row["agreements"] = [agreement_entry(agreement, whole=whole) for agreement in goal.agreements.all()]
            row["follow_ups"] = [follow_up_entry(follow_up) for follow_up in goal.follow_ups.all()]
            goals.append(row)
    return {"schema": SCHEMA, "wishes": plan.citizen_wishes, "goals": goals}


# --- a version as what changed ---------------------------------------------------------------------------------
#
# A version is saved either whole (a checkpoint: `PlanRevision.snapshot` as stored) or as a delta against the
# version before it: only the rows that changed, each built by the same functions as a whole snapshot, so a row
# keeps the display labels of the day it last changed. Applying the deltas in order to the checkpoint gives the
# same snapshot as `build_snapshot` would have given at that moment. A delta:
#
#     {"wishes": "...",                                           # only when the wishes changed
#      "goals": [{"before": id | None, "row": goal_entry}],        # added or changed goals (their own fields)
#      "agreements": [{"goal": id, "before": id | None, "row": agreement_entry}],
#      "follow_ups": [{"goal": id, "before": id | None, "row": follow_up_entry}],
#      "removed": {"goals": [id], "agreements": [id], "follow_ups": [id]}}
#
# `before` is the id of the row that follows it in the plan's order (None: last), read from the database with the
# same ordering as `plan_queryset_goals`, so a new row lands where a whole snapshot would have put it.


@dataclass(frozen=True)
class Changes:
    """What a write to the plan changed, for `build_delta`: the rows added or changed (model instances) and the
    public ids of rows removed. A write that cannot say passes no `Changes`, and the version is saved whole."""

    wishes: bool = False
    goals: tuple = ()
    agreements: tuple = ()
    follow_ups: tuple = ()
    removed_goals: tuple = ()
    removed_agreements: tuple = ()
    removed_follow_ups: tuple = ()


def _read_again(queryset, rows: tuple, *, key: str) -> list:
    """`rows` read again through `queryset` (its joins, prefetches and order). A write changes one row of a kind,
    and that read is compiled once (`precompiled_rows`): a five-table join built and compiled anew on every save
    cost more than the rest of the delta."""
    if len(rows) != 1:
        return list(queryset.filter(pk__in=[row.pk for row in rows]))
    pk = queryset.model._meta.pk
    return precompiled_rows(
        lambda values: queryset.filter(pk=values["pk"]),
        key=("plans.snapshot.read_again", key),
        variables={"pk": Variable(rows[0].pk, -1, -2, pk)},
    )


# Stand-ins for the ordering value of `_next_public_id`'s kept query, by the field's type.
_ORDER_STAND_INS = {
    "DateField": (datetime.date(1970, 1, 1), datetime.date(1981, 7, 15)),
    "PositiveIntegerField": (1_000_000_001, 1_000_000_002),
}


def _next_public_id(model, obj, *, parent: str, name: str) -> str | None:
    """The public id of the row after `obj` among the rows of `model` with the same `parent` (the goal's plan, the
    agreement's goal), ordered by (`name`, id), the database's NULL order included (PostgreSQL sorts NULL last,
    SQLite first), or None when it is the last. Compiled once per model and whether the value is NULL."""
    from django.db import connection
    from django.db.models import Q

    value, nulls_last = getattr(obj, name), connection.features.nulls_order_largest
    order_field = model._meta.get_field(name)

    def build(values):
        if value is None:
            after = Q(**{f"{name}__isnull": True, "id__gt": values["pk"]})
            if not nulls_last:
                after |= Q(**{f"{name}__isnull": False})
        else:
            after = Q(**{f"{name}__gt": values["value"]}) | Q(**{name: values["value"], "id__gt": values["pk"]})
            if nulls_last:
                after |= Q(**{f"{name}__isnull": True})
        return (
            model.objects.filter(after, **{parent: values["parent"]})
            .order_by(name, "id")
            .values_list("public_id", flat=True)[:1]
        )

    variables = {
        "parent": Variable(getattr(obj, parent), -1, -2, model._meta.get_field(parent)),
        "pk": Variable(obj.pk, -3, -4, model._meta.pk),
    }
    if value is not None:
        variables["value"] = Variable(value, *_ORDER_STAND_INS[order_field.get_internal_type()], order_field)
    following = precompiled_rows(
        build,
        key=("plans.snapshot.next_public_id", model._meta.label, parent, name, value is None),
        variables=variables,
    )
    return str(following[0]) if following else None


def build_delta(plan: Plan, changes: Changes, *, subject_name: str, is_family: bool) -> dict:
    """The delta of a version: the rows `changes` names, read again with what their snapshot rows show. Its cost
    is that of the rows changed, whatever the size of the plan."""
    whole = whole_title(subject_name=subject_name, is_family=is_family)
    with translation.override("da"):
        return _delta(plan, changes, whole=whole)


def _delta(plan: Plan, changes: Changes, *, whole: str) -> dict:
    delta: dict = {}
    if changes.wishes:
        delta["wishes"] = plan.citizen_wishes
    if changes.goals:
        goals = _read_again(
            Goal.objects.select_related("member", "responsible_department")
            .prefetch_related(Prefetch("findings", queryset=_findings_queryset()))
            .order_by("position", "id"),
            changes.goals,
            key="goals",
        )
        delta["goals"] = [
            {
                "before": _next_public_id(Goal, goal, parent="plan_id", name="position"),
                "row": goal_entry(goal, whole=whole),
            }
            for goal in goals
        ]
    if changes.agreements:
        agreements = _read_again(
            Agreement.objects.select_related("goal", "owner__user", "owner__external_contact", "owner_member").order_by(
                "due_on", "id"
            ),
            changes.agreements,
            key="agreements",
        )
        delta["agreements"] = [
            {
                "goal": str(agreement.goal.public_id),
                "before": _next_public_id(Agreement, agreement, parent="goal_id", name="due_on"),
                "row": agreement_entry(agreement, whole=whole),
            }
            for agreement in agreements
        ]
    if changes.follow_ups:
        follow_ups = _read_again(
            GoalFollowUp.objects.select_related("goal", "assessed_by").order_by("assessed_on", "id"),
            changes.follow_ups,
            key="follow_ups",
        )
        delta["follow_ups"] = [
            {
                "goal": str(follow_up.goal.public_id),
                "before": _next_public_id(GoalFollowUp, follow_up, parent="goal_id", name="assessed_on"),
                "row": follow_up_entry(follow_up),
            }
            for follow_up in follow_ups
        ]
    removed = {
        kind: [str(public_id) for public_id in ids]
        for kind, ids in (
            ("goals", changes.removed_goals),
            ("agreements", changes.removed_agreements),
            ("follow_ups", changes.removed_follow_ups),
        )
        if ids
    }
    if removed:
        delta["removed"] = removed
    return delta


def _placed(rows: list[dict], row: dict, before: str | None) -> list[dict]:
    """`rows` (a new list) with `row` in place of the row with its id, or, with `before`, moved before that row
    (at the end when it is not there); a new row goes before `before`, or last."""
    rows = list(rows)
    at = next((index for index, old in enumerate(rows) if old["id"] == row["id"]), None)
    if at is not None:
        following = rows[at + 1]["id"] if at + 1 < len(rows) else None
        if following == before:  # where it was
            rows[at] = row
            return rows
        del rows[at]
    where = next((index for index, old in enumerate(rows) if old["id"] == before), None) if before else None
    rows.insert(len(rows) if where is None else where, row)
    return rows


def apply_delta(snapshot: dict, delta: dict) -> dict:
    """The snapshot of the version after `snapshot`, from that version's delta. Returns a new dict and changes
    nothing it was given; rows that did not change are shared with `snapshot` (treat both as read-only)."""
    goals = snapshot.get("goals", [])
    removed = delta.get("removed", {})
    if removed.get("goals"):
        gone = set(removed["goals"])
        goals = [goal for goal in goals if goal["id"] not in gone]
    gone_rows = set(removed.get("agreements", [])) | set(removed.get("follow_ups", []))
    if gone_rows:
        goals = [
            {
                **goal,
                "agreements": [row for row in goal["agreements"] if row["id"] not in gone_rows],
                "follow_ups": [row for row in goal["follow_ups"] if row["id"] not in gone_rows],
            }
            for goal in goals
        ]
    for change in delta.get("goals", []):
        row = change["row"]
        old = next((goal for goal in goals if goal["id"] == row["id"]), None)
        row = {
            **row,
            "agreements": old["agreements"] if old else [],
            "follow_ups": old["follow_ups"] if old else [],
        }
        goals = _placed(goals, row, change.get("before"))
    for kind in ("agreements", "follow_ups"):
        for change in delta.get(kind, []):
            at = next((index for index, goal in enumerate(goals) if goal["id"] == change["goal"]), None)
            if at is None:  # a row of a goal the plan's versions never had (not written through the services)
                continue
            goals = list(goals)
            goal = goals[at]
            goals[at] = {**goal, kind: _placed(goal[kind], change["row"], change.get("before"))}
    result = {**snapshot, "goals": goals}
    if "wishes" in delta:
        result["wishes"] = delta["wishes"]
    return result


def snapshots_from_chain(rows) -> dict[int, dict]:
    """The snapshots of consecutive versions from (number, stored snapshot, delta) rows in order of number: each
    stretch starts at a checkpoint (a stored snapshot), and each delta applies to the version before it."""
    snapshots: dict[int, dict] = {}
    current = None
    for number, stored, delta in rows:
        if stored is not None:
            current = stored
        elif current is None:
            raise ValueError(f"Plan version {number} is a delta without the versions before it")
        else:
            current = apply_delta(current, delta or {})
        snapshots[number] = current
    return snapshots


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
