"""Writes to the shared plan.

Every service checks the action against the policy inside its transaction (team members may work in the
plan: CONTRIBUTE; recording the citizen's response needs MANAGE), validates, saves, records the business
event, and then saves ONE new version of the whole plan (`PlanRevision`), so every saved version is kept.
Concurrent edits are caught with the version fields: a stale `expected_version` raises `ConflictError` and
writes nothing.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.audit.models import AuditEvent
from samspil.audit.services import event_record
from samspil.citizens.models import Citizen
from samspil.core.db import Variable, precompiled_rows
from samspil.core.exceptions import ConflictError
from samspil.organisations.models import Department
from samspil.pathways.models import Pathway, TeamMember
from samspil.plans.choices import (
    AgreementStatus,
    FollowUpResult,
    GoalStatus,
    GoalType,
    Horizon,
    LifeArea,
    OwnerKind,
)
from samspil.plans.models import Agreement, Goal, GoalFollowUp, Plan, PlanRevision
from samspil.plans.snapshot import Changes, apply_delta, build_delta, build_snapshot, snapshots_from_chain


def plan_for(pathway: Pathway) -> Plan:
    """The pathway's plan, created empty on first use. Call it after `policy.require`: it checks nothing."""
    plan = Plan.objects.filter(pathway=pathway).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            return Plan.objects.create(municipality_id=pathway.municipality_id, pathway=pathway)
    except IntegrityError:  # someone else created it first
        return Plan.objects.get(pathway=pathway)


def _subject_ids(pathway: Pathway) -> set[int]:
    return set(pathway.subject_ids())


def _open_pathway(*, actor, pathway: Pathway, action: str = policy.CONTRIBUTE) -> Pathway:
    locked = policy.require(actor, action, pathway)
    if not locked.is_open:
        raise ValidationError(_("The pathway is closed; its plan can no longer be changed."))
    return locked


def _conflict(what: str) -> ConflictError:
    messages = {
        "wishes": _(
            "Someone else saved the citizen's wishes while you were writing. Your text is kept in the form; "
            "compare it with the saved text shown below, merge them, and save again."
        ),
        "goal": _(
            "Someone else changed this goal while you were working on it. Your changes are kept in the form; "
            "compare them with the saved goal shown below, and save again."
        ),
        "agreement": _(
            "Someone else changed this agreement while you were working on it. Your changes are kept in the "
            "form; compare them with the saved agreement shown below, and save again."
        ),
    }
    return ConflictError(messages[what])


def _save_revision(
    *, actor, plan: Plan, pathway: Pathway, event: AuditEvent, changes: Changes | None = None
) -> PlanRevision:
    """Save the plan as its next version. The caller holds the pathway's row lock, so numbers never clash.

    With `changes`, the version is the delta of those rows against the version before it, or, every
    `CHECKPOINT_EVERY`th version, that version with the delta applied, stored whole. Without (or for the first
    version) the whole plan is read from the database: a checkpoint that also takes in any write made without a
    version. The last version is found on the (municipality, plan, number) index, not by counting the versions.
    """
    last = (
        PlanRevision.objects.filter(municipality_id=plan.municipality_id, plan=plan)
        .order_by("-number")
        .values_list("number", "checkpoint_number")
        .first()
    )
    number = last[0] + 1 if last else 1
    subject = {"subject_name": pathway.subject_name, "is_family": not pathway.citizen_id}
    checkpoint, delta, base = None, None, number
    if changes is None or last is None:
        checkpoint = build_snapshot(plan, **subject)
    else:
        delta = build_delta(plan, changes, **subject)
        base = last[1] or last[0]  # a version saved before deltas is a checkpoint itself
        if number - base >= PlanRevision.CHECKPOINT_EVERY:
            chain = (
                PlanRevision.objects.filter(
                    municipality_id=plan.municipality_id, plan=plan, number__gte=base, number__lte=last[0]
                )
                .order_by("number")
                .values_list("number", "snapshot", "delta")
            )
            checkpoint, delta, base = apply_delta(snapshots_from_chain(chain)[last[0]], delta), None, number
    return PlanRevision.objects.create(
        municipality_id=plan.municipality_id,
        plan=plan,
        pathway=pathway,
        number=number,
        saved_by=actor,
        event=event,
        checkpoint=checkpoint,
        delta=delta,
        checkpoint_number=base,
    )


def _check_meeting(meeting, pathway: Pathway) -> None:
    """A change decided at a meeting must be decided at a meeting of the same pathway."""
    if meeting is not None and getattr(meeting, "pathway_id", pathway.pk) != pathway.pk:
        raise PermissionDenied


def _at(meeting) -> dict:
    """The event data naming the meeting a change was decided at (the plan does not depend on meetings)."""
    if meeting is None:
        return {}
    return {"meeting": str(meeting), "meeting_id": getattr(meeting, "public_id", "")}


def plan_change_record(
    *, actor, pathway: Pathway, plan: Plan, code: str, data: dict, changes: Changes | None = None
) -> PlanRevision:
    """Record the event of a change to the plan and save the plan as its next version.

    For the services here and for writes to the plan from elsewhere (the portal): the caller has checked the
    actor's right and holds the pathway's row lock, inside its transaction. `changes` names the rows written
    (`snapshot.Changes`), so the version is saved as a delta; without it the whole plan is read and saved.
    """
    event = event_record(actor=actor, code=code, municipality_id=pathway.municipality_id, pathway=pathway, data=data)
    return _save_revision(actor=actor, plan=plan, pathway=pathway, event=event, changes=changes)


_record = plan_change_record  # the name tests/factories.py's make_revision uses


@transaction.atomic
def plan_update_wishes(*, actor, pathway: Pathway, wishes: str, expected_version: int) -> Plan:
    """Save the citizen's own wishes. Nothing is saved (and no version made) when the text is unchanged."""
    pathway = _open_pathway(actor=actor, pathway=pathway)
    plan = Plan.objects.select_for_update().get(pk=plan_for(pathway).pk)
    if plan.version != expected_version:
        raise _conflict("wishes")
    wishes = wishes.strip()
    if wishes == plan.citizen_wishes:
        return plan
    plan.citizen_wishes = wishes
    plan.version += 1
    plan.save(update_fields=["citizen_wishes", "version", "updated_at"])
    plan_change_record(
        actor=actor, pathway=pathway, plan=plan, code="plan.wishes_updated", data={}, changes=Changes(wishes=True)
    )
    return plan


def _check_findings(*, pathway: Pathway, findings) -> None:
    """A goal answers findings of its own pathway's assessments only."""
    if findings and any(finding.pathway_id != pathway.pk for finding in findings):
        raise ValidationError(_("A goal can only answer findings from the assessments of its own pathway."))


def _finding_labels(findings) -> str:
    """The findings for the event's data, in Danish (the language of the record, as in the plan's versions)."""
    from django.utils import translation

    from samspil.assessments.selectors import finding_label

    with translation.override("da"):
        return "; ".join(finding_label(finding) for finding in findings)


def _check_goal_fields(
    *,
    pathway: Pathway,
    life_area,
    goal_type,
    horizon,
    member,
    responsible_department,
    description,
    indicator,
    kept_member_id=None,
):
    if life_area not in LifeArea.values or goal_type not in GoalType.values or horizon not in Horizon.values:
        raise ValidationError(_("Choose a life area, a goal type and a horizon."))
    if not description.strip():
        raise ValidationError(_("Describe the goal."))
    if not indicator.strip():
        raise ValidationError(_("Give a measurable target, so the goal can be followed up."))
    # A current member of the family; a goal already for a former member may keep them (the family's history).
    if member is not None and (
        pathway.citizen_id or (member.pk not in _subject_ids(pathway) and member.pk != kept_member_id)
    ):
        raise ValidationError(_("The goal can only be for a member of the family."))
    if responsible_department is not None and responsible_department.municipality_id != pathway.municipality_id:
        raise PermissionDenied


@transaction.atomic
def goal_add(
    *,
    actor,
    pathway: Pathway,
    life_area: str,
    description: str,
    goal_type: str,
    indicator: str,
    horizon: str,
    member: Citizen | None = None,
    responsible_department: Department | None = None,
    legal_basis: str = "",
    findings: list | None = None,
) -> Goal:
    """Add a goal for the citizen (or, in a family, for one member or — `member=None` — the whole family).

    `findings`: the findings of the pathway's joint assessment (`assessments.Finding`) the goal answers."""
    pathway = _open_pathway(actor=actor, pathway=pathway)
    _check_findings(pathway=pathway, findings=findings)
    _check_goal_fields(
        pathway=pathway,
        life_area=life_area,
        goal_type=goal_type,
        horizon=horizon,
        member=member,
        responsible_department=responsible_department,
        description=description,
        indicator=indicator,
    )
    plan = plan_for(pathway)
    # The last position on the (plan, position) index, not an aggregate over every goal of the plan.
    last = Goal.objects.filter(plan=plan).order_by("-position").values_list("position", flat=True).first()
    position = (last or 0) + 1
    goal = Goal.objects.create(
        municipality_id=pathway.municipality_id,
        plan=plan,
        pathway=pathway,
        member=member,
        life_area=life_area,
        description=description.strip(),
        goal_type=goal_type,
        indicator=indicator.strip(),
        horizon=horizon,
        responsible_department=responsible_department,
        legal_basis=legal_basis.strip(),
        position=position,
    )
    data = {"goal": goal.title}
    if findings:
        goal.findings.set(findings)
        data["findings"] = _finding_labels(findings)
    plan_change_record(
        actor=actor, pathway=pathway, plan=plan, code="goal.added", data=data, changes=Changes(goals=(goal,))
    )
    return goal


def _locked_goal(*, actor, goal: Goal) -> tuple[Pathway, Goal]:
    pathway = _open_pathway(actor=actor, pathway=goal.pathway)
    # The goal's row locked, with its plan (not locked: the pathway's lock orders the plan's writes). Compiled once
    # per connection: the writes on a goal are the most frequent writes.
    rows = precompiled_rows(
        lambda values: (
            Goal.objects.select_for_update(of=("self",))
            .select_related("plan")
            .filter(pk=values["goal"], pathway_id=values["pathway"])
            .order_by("pk")[:1]
        ),
        key=("plans.locked_goal",),
        variables={
            "goal": Variable(goal.pk, -1, -2, Goal._meta.pk),
            "pathway": Variable(pathway.pk, -3, -4, Goal._meta.get_field("pathway")),
        },
    )
    if not rows:  # removed since the page read it
        raise Http404
    return pathway, rows[0]


@transaction.atomic
def goal_update(
    *,
    actor,
    goal: Goal,
    expected_version: int,
    life_area: str,
    description: str,
    goal_type: str,
    indicator: str,
    horizon: str,
    status: str,
    member: Citizen | None = None,
    responsible_department: Department | None = None,
    legal_basis: str = "",
    meeting=None,
    findings: list | None = None,
) -> Goal:
    """Change a goal. `meeting` (a meeting of the pathway, or None) is named in the event when the change was
    decided there. `findings`: the findings the goal answers from now on; None leaves them as they are (a meeting's
    change of the goal does not touch them)."""
    pathway, goal = _locked_goal(actor=actor, goal=goal)
    _check_meeting(meeting, pathway)
    _check_findings(pathway=pathway, findings=findings)
    if goal.version != expected_version:
        raise _conflict("goal")
    if status not in GoalStatus.values:
        raise ValidationError(_("Choose the goal's status."))
    _check_goal_fields(
        pathway=pathway,
        life_area=life_area,
        goal_type=goal_type,
        horizon=horizon,
        member=member,
        responsible_department=responsible_department,
        description=description,
        indicator=indicator,
        kept_member_id=goal.member_id,
    )
    values = {
        "life_area": life_area,
        "description": description.strip(),
        "goal_type": goal_type,
        "indicator": indicator.strip(),
        "horizon": horizon,
        "status": status,
        "member_id": member.pk if member else None,
        "responsible_department_id": responsible_department.pk if responsible_department else None,
        "legal_basis": legal_basis.strip(),
    }
    changed = [name for name, value in values.items() if getattr(goal, name) != value]
    findings_changed = findings is not None and {f.pk for f in findings} != set(
        goal.findings.values_list("pk", flat=True)
    )
    if not changed and not findings_changed:
        return goal
    for name in changed:
        setattr(goal, name, values[name])
    goal.version += 1
    goal.save(update_fields=[*changed, "version", "updated_at"])
    data = {"goal": goal.title, **_at(meeting)}
    if findings_changed:
        goal.findings.set(findings)
        data["findings"] = _finding_labels(findings)
    plan_change_record(
        actor=actor, pathway=pathway, plan=goal.plan, code="goal.updated", data=data, changes=Changes(goals=(goal,))
    )
    return goal


@transaction.atomic
def goal_follow_up(
    *,
    actor,
    goal: Goal,
    result: str,
    assessed_on: datetime.date,
    note: str = "",
    internal_note: str = "",
    meeting=None,
) -> GoalFollowUp:
    """Record a follow-up assessment of a goal. `internal_note` never reaches the citizen's version.

    `meeting` (a meeting of the pathway, or None) is named in the event when the follow-up was made there.
    """
    pathway, goal = _locked_goal(actor=actor, goal=goal)
    _check_meeting(meeting, pathway)
    if result not in FollowUpResult.values:
        raise ValidationError(_("Choose the result of the follow-up."))
    if assessed_on > timezone.localdate():
        raise ValidationError(_("A follow-up cannot be dated in the future."))
    follow_up = GoalFollowUp.objects.create(
        municipality_id=pathway.municipality_id,
        goal=goal,
        pathway=pathway,
        result=result,
        assessed_on=assessed_on,
        note=note.strip(),
        internal_note=internal_note.strip(),
        assessed_by=actor,
    )
    plan_change_record(
        actor=actor,
        pathway=pathway,
        plan=goal.plan,
        code="goal.followed_up",
        data={"goal": goal.title, "result": result, **_at(meeting)},
        changes=Changes(follow_ups=(follow_up,)),
    )
    return follow_up


@transaction.atomic
def agreement_create(
    *,
    actor,
    goal: Goal,
    what: str,
    owner_kind: str,
    owner: TeamMember | None = None,
    owner_member: Citizen | None = None,
    due_on: datetime.date | None = None,
    meeting=None,
) -> Agreement:
    """Add an agreement under a goal: who does what, by when.

    `meeting` (a meeting of the pathway, or None) is named in the event only; the meetings app links its
    decisions to the agreement on its own side, so the plan does not depend on meetings.
    """
    pathway, goal = _locked_goal(actor=actor, goal=goal)
    if not what.strip():
        raise ValidationError(_("Describe what is agreed."))
    if owner_kind == OwnerKind.TEAM_MEMBER:
        if owner is None or not TeamMember.objects.current().filter(pk=owner.pk, pathway=pathway).exists():
            raise ValidationError(_("Choose the team member who does it."))
        owner_member = None
    elif owner_kind == OwnerKind.CITIZEN:
        owner = None
        if owner_member is not None and owner_member.pk not in _subject_ids(pathway):
            raise ValidationError(_("Only the citizen or a member of the family can be named."))
        if pathway.citizen_id:
            owner_member = None  # the citizen is the one citizen: no need to name them again
    else:
        raise ValidationError(_("Choose who does it."))
    _check_meeting(meeting, pathway)
    agreement = Agreement.objects.create(
        municipality_id=pathway.municipality_id,
        goal=goal,
        pathway=pathway,
        what=what.strip(),
        owner_kind=owner_kind,
        owner=owner,
        owner_member=owner_member,
        due_on=due_on,
    )
    data = {"what": str(agreement), "goal": goal.title}
    code = "agreement.added"
    if meeting is not None:
        code = "agreement.added_at_meeting"
        data.update(_at(meeting))
    plan_change_record(
        actor=actor, pathway=pathway, plan=goal.plan, code=code, data=data, changes=Changes(agreements=(agreement,))
    )
    return agreement


@transaction.atomic
def agreement_update_status(
    *, actor, agreement: Agreement, status: str, expected_version: int, follow_up_note: str = ""
) -> Agreement:
    """Change an agreement's status and follow-up note; done sets the completion date, anything else clears it."""
    pathway = _open_pathway(actor=actor, pathway=agreement.pathway)
    agreement = Agreement.objects.select_for_update().select_related("goal__plan").get(pk=agreement.pk, pathway=pathway)
    if agreement.version != expected_version:
        raise _conflict("agreement")
    if status not in AgreementStatus.values:
        raise ValidationError(_("Choose the agreement's status."))
    follow_up_note = follow_up_note.strip()
    if status == agreement.status and follow_up_note == agreement.follow_up_note:
        return agreement
    from_status = agreement.status
    agreement.status = status
    agreement.follow_up_note = follow_up_note
    if status == AgreementStatus.DONE:
        agreement.completed_on = agreement.completed_on or timezone.localdate()
    else:
        agreement.completed_on = None
    agreement.version += 1
    agreement.save(update_fields=["status", "follow_up_note", "completed_on", "version", "updated_at"])
    plan_change_record(
        actor=actor,
        pathway=pathway,
        plan=agreement.goal.plan,
        code="agreement.status_changed",
        data={"what": str(agreement), "agreement_from": from_status, "agreement_to": status},
        changes=Changes(agreements=(agreement,)),
    )
    return agreement


def revision_response_set(
    *, revision: PlanRevision, pathway: Pathway, agreed: bool, comment: str, by, person: Citizen | None = None
) -> PlanRevision:
    """Set the citizen's response on a version, once: the one write of the response columns.

    `by` is the account that records it; `person` the citizen or custody holder who answered themselves (the
    portal), or None when staff record it on the citizen's behalf. The caller has checked the right, holds the
    pathway's row lock and records the event. A version that already has a response is refused.
    """
    revision = PlanRevision.objects.select_for_update().get(pk=revision.pk, pathway=pathway)
    if revision.has_citizen_response:
        raise ValidationError(_("The citizen's response to this version has already been recorded."))
    revision.citizen_seen_at = timezone.now()
    revision.citizen_agreed = agreed
    revision.citizen_comment = comment.strip()
    revision.citizen_response_recorded_by = by
    revision.citizen_responded_by = person
    revision.save(
        update_fields=[
            "citizen_seen_at",
            "citizen_agreed",
            "citizen_comment",
            "citizen_response_recorded_by",
            "citizen_responded_by",
            "updated_at",
        ]
    )
    return revision


@transaction.atomic
def revision_record_citizen_agreement(
    *, actor, revision: PlanRevision, agreed: bool, comment: str = ""
) -> PlanRevision:
    """Record that the citizen has seen a version of the plan, and whether they agree (the coordinator does this
    until the citizen can answer in the portal). It annotates that version and makes no new one; it can be
    recorded once."""
    pathway = policy.require(actor, policy.MANAGE, revision.pathway)
    revision = revision_response_set(revision=revision, pathway=pathway, agreed=agreed, comment=comment, by=actor)
    event_record(
        actor=actor,
        code="plan.citizen_agreed" if agreed else "plan.citizen_disagreed",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"number": revision.number},
    )
    return revision
