"""Writes of programme management. Keyword-only, `<entity>_<action>`, atomic; project leaders only.

Every service checks the role (`policy.can_run_programmes`), re-reads the row it changes through the scoped
queryset, locked, compares the `version` where two people can edit the same row (`ConflictError`, nothing
written), validates with Danish messages (`ValidationError`), saves and records the event in the same transaction.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samspil.access import policy
from samspil.accounts.models import AccountKind
from samspil.audit.services import event_record
from samspil.core.exceptions import ConflictError
from samspil.implementation import templates_data
from samspil.implementation.choices import COORDINATION_GROUP_CADENCE_DAYS, RESULT_KINDS, GroupKind, Responsibility
from samspil.implementation.models import (
    GroupDecision,
    GroupMeeting,
    GroupMember,
    Implementation,
    Milestone,
    Phase,
    PhaseChecklistItem,
    ProgrammeGroup,
    ResponsibilityCell,
    ResponsibilityRole,
    ResponsibilityTask,
    ScaleUpStep,
    TheoryItem,
)
from samspil.pathways.models import Programme


def _require_writer(actor) -> None:
    if not policy.can_run_programmes(actor):
        raise PermissionDenied


def _locked(actor, model, pk):
    """The row, re-read through the scope for writing and locked; PermissionDenied when the actor may not write."""
    _require_writer(actor)
    try:
        return model.objects.visible_to(actor, policy.MANAGE).select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise PermissionDenied from None


def _check_version(row, expected_version: int) -> None:
    if row.version != expected_version:
        raise ConflictError(
            _("Someone else changed this while you were working on it. Look at the saved values and save again.")
        )


def _save_changed(row, values: dict) -> list[str]:
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        if hasattr(row, "version"):
            row.version += 1
            changed.append("version")
        row.save(update_fields=[*changed, "updated_at"])
    return changed


def _event(actor, code: str, programme, **data) -> None:
    event_record(
        actor=actor, code=code, municipality_id=programme.municipality_id, data={"programme": programme.name, **data}
    )


def _programme(actor, programme: Programme) -> Programme:
    """The programme, if it is one of the actor's municipality and the actor runs programmes."""
    _require_writer(actor)
    try:
        return Programme.objects.visible_to(actor, policy.VIEW).get(pk=programme.pk)
    except Programme.DoesNotExist:
        raise PermissionDenied from None


def _check_dates(start: datetime.date | None, end: datetime.date | None, field: str, message: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: message})


# --- setting up from the template -------------------------------------------------------------------------------


@transaction.atomic
def implementation_setup(*, actor, programme: Programme, start_on: datetime.date | None = None) -> Implementation:
    """Give the programme its implementation from the model's template: the phases (planned one after the other
    from `start_on`, today when not given) with their checklists, the model's groups (seed 002's leader and
    implementation groups; for the drop-in centres seed 004's steering group and implementation team) and its role
    and responsibility matrix. Running it again adds nothing that exists."""
    programme = _programme(actor, programme)
    implementation, created = Implementation.objects.get_or_create(
        municipality_id=programme.municipality_id, programme=programme
    )
    if not created:
        return implementation
    municipality_id = programme.municipality_id
    start = start_on or timezone.localdate()
    for position, template in enumerate(templates_data.phases_for(programme.model), start=1):
        end = start + relativedelta(months=template.months) - datetime.timedelta(days=1) if template.months else None
        phase = Phase.objects.create(
            municipality_id=municipality_id,
            programme=programme,
            code=template.code,
            name=template.name,
            description=template.description,
            position=position,
            planned_start=start,
            planned_end=end,
        )
        for item_position, text in enumerate(template.checklist, start=1):
            PhaseChecklistItem.objects.create(
                municipality_id=municipality_id, phase=phase, text=text, position=item_position
            )
        start = (end + datetime.timedelta(days=1)) if end else start
    for position, template in enumerate(templates_data.groups_for(programme.model), start=1):
        ProgrammeGroup.objects.create(
            municipality_id=municipality_id,
            programme=programme,
            kind=template.kind,
            name=template.name,
            purpose=template.purpose,
            cadence_days=template.cadence_days,
            position=position,
        )
    role_names, tasks = templates_data.matrix_for(programme.model)
    roles = {
        name: ResponsibilityRole.objects.create(
            municipality_id=municipality_id, programme=programme, name=name, position=position
        )
        for position, name in enumerate(role_names, start=1)
    }
    for position, (name, cells) in enumerate(tasks, start=1):
        task = ResponsibilityTask.objects.create(
            municipality_id=municipality_id, programme=programme, name=name, position=position
        )
        for role_name, code in cells.items():
            ResponsibilityCell.objects.create(
                municipality_id=municipality_id, task=task, role=roles[role_name], code=code
            )
    _event(actor, "programme.implementation_set_up", programme)
    return implementation


# --- the organisation ----------------------------------------------------------------------------------------------


@transaction.atomic
def implementation_update(
    *,
    actor,
    implementation: Implementation,
    expected_version: int,
    owner=None,
    owner_name: str = "",
    owner_title: str = "",
    leader=None,
    leader_name: str = "",
    leader_title: str = "",
) -> Implementation:
    """Name the project owner and the project leader: a staff user each, or a name (and a title)."""
    implementation = _locked(actor, Implementation, implementation.pk)
    _check_version(implementation, expected_version)
    if owner is not None and owner_name.strip():
        raise ValidationError({"owner_name": _("Choose a staff member or write a name, not both.")})
    if leader is not None and leader_name.strip():
        raise ValidationError({"leader_name": _("Choose a staff member or write a name, not both.")})
    for user in (owner, leader):
        if user is not None and (user.municipality_id != implementation.municipality_id or not user.is_active):
            raise ValidationError(_("Choose a staff member of the municipality."))
    changed = _save_changed(
        implementation,
        {
            "owner": owner,
            "owner_name": owner_name.strip(),
            "owner_title": owner_title.strip(),
            "leader": leader,
            "leader_name": leader_name.strip(),
            "leader_title": leader_title.strip(),
        },
    )
    if changed:
        _event(actor, "programme.organisation_changed", implementation.programme)
    return implementation


def _check_group(kind: str, name: str, cadence_days: int | None) -> None:
    if kind not in GroupKind.values:
        raise ValidationError({"kind": _("Choose what kind of group it is.")})
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if cadence_days is not None and not 1 <= cadence_days <= 730:
        raise ValidationError({"cadence_days": _("Write a number of days from 1 to 730, or leave it empty.")})


@transaction.atomic
def group_create(
    *, actor, programme: Programme, kind: str, name: str, cadence_days: int | None, purpose: str = ""
) -> ProgrammeGroup:
    """A group of the programme's organisation (a steering group, an implementation team, a working group …),
    placed last."""
    programme = _programme(actor, programme)
    name = name.strip()
    if kind == GroupKind.COORDINATION_GROUP and cadence_days is None:
        cadence_days = COORDINATION_GROUP_CADENCE_DAYS  # monthly unless the municipality says otherwise
    _check_group(kind, name, cadence_days)
    if ProgrammeGroup.objects.filter(programme=programme, name__iexact=name).exists():
        raise ValidationError({"name": _("The programme already has a group with this name.")})
    position = ProgrammeGroup.objects.filter(programme=programme).count() + 1
    try:
        with transaction.atomic():
            group = ProgrammeGroup.objects.create(
                municipality_id=programme.municipality_id,
                programme=programme,
                kind=kind,
                name=name,
                purpose=purpose.strip(),
                cadence_days=cadence_days,
                position=position,
            )
    except IntegrityError:
        raise ValidationError({"name": _("The programme already has a group with this name.")}) from None
    _event(actor, "programme.group_added", programme, group=group.name)
    return group


@transaction.atomic
def group_update(
    *,
    actor,
    group: ProgrammeGroup,
    expected_version: int,
    name: str,
    cadence_days: int | None,
    purpose: str = "",
    kind: str | None = None,
) -> ProgrammeGroup:
    """Change the group's name, kind, purpose and cadence (`kind` None: unchanged)."""
    group = _locked(actor, ProgrammeGroup, group.pk)
    _check_version(group, expected_version)
    name = name.strip()
    kind = group.kind if kind is None else kind
    _check_group(kind, name, cadence_days)
    if ProgrammeGroup.objects.filter(programme_id=group.programme_id, name__iexact=name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("The programme already has a group with this name.")})
    values = {"kind": kind, "name": name, "cadence_days": cadence_days, "purpose": purpose.strip()}
    if _save_changed(group, values):
        _event(actor, "programme.group_changed", group.programme, group=group.name)
    return group


@transaction.atomic
def group_member_add(
    *,
    actor,
    group: ProgrammeGroup,
    member_from: datetime.date,
    role: str = "",
    user=None,
    external_contact=None,
    name: str = "",
    member_to: datetime.date | None = None,
) -> GroupMember:
    """Add a member: a staff user, an external contact or a named person (exactly one)."""
    group = _locked(actor, ProgrammeGroup, group.pk)
    name = name.strip()
    if sum(bool(x) for x in (user, external_contact, name)) != 1:
        raise ValidationError(_("Choose a staff member, an external contact or write a name — exactly one of them."))
    for person in (user, external_contact):
        if person is not None and person.municipality_id != group.municipality_id:
            raise ValidationError(_("Choose someone of the municipality."))
    if user is not None and (user.kind != AccountKind.STAFF or not user.is_active):
        raise ValidationError({"user": _("Choose a staff member of the municipality.")})
    _check_dates(member_from, member_to, "member_to", _("The end date cannot be before the start date."))
    same = (
        GroupMember.objects.filter(group=group, user=user, external_contact=external_contact, name__iexact=name)
        if name
        else GroupMember.objects.filter(group=group, user=user, external_contact=external_contact)
    )
    # Two memberships of the same person may not overlap; an ended one is history and may be followed by a new one.
    overlapping = same.filter(Q(member_to__isnull=True) | Q(member_to__gte=member_from))
    if member_to is not None:
        overlapping = overlapping.filter(member_from__lte=member_to)
    if overlapping.exists():
        raise ValidationError(_("This person is already a member of the group in that period."))
    member = GroupMember.objects.create(
        municipality_id=group.municipality_id,
        group=group,
        user=user,
        external_contact=external_contact,
        name=name,
        role=role.strip(),
        member_from=member_from,
        member_to=member_to,
    )
    _event(actor, "programme.member_added", group.programme, group=group.name, name=member.display_name)
    return member


@transaction.atomic
def group_member_end(*, actor, member: GroupMember, member_to: datetime.date) -> GroupMember:
    """End a membership that has no end date yet. One that has (someone ended it meanwhile, or it was added with
    one) is history and is not moved: ValidationError."""
    member = _locked(actor, GroupMember, member.pk)
    if member.member_to is not None:
        raise ValidationError(
            _("The membership has already been ended (until %(date)s). Reload the page.")
            % {"date": member.member_to.strftime("%d.%m.%Y")}
        )
    _check_dates(member.member_from, member_to, "member_to", _("The end date cannot be before the start date."))
    if _save_changed(member, {"member_to": member_to}):
        _event(
            actor, "programme.member_ended", member.group.programme, group=member.group.name, name=member.display_name
        )
    return member


@transaction.atomic
def group_meeting_create(*, actor, group: ProgrammeGroup, held_on: datetime.date, agenda: str = "") -> GroupMeeting:
    """Schedule (or record) a meeting of the group with its agenda; the minutes follow on the meeting's page."""
    group = _locked(actor, ProgrammeGroup, group.pk)
    if GroupMeeting.objects.filter(group=group, held_on=held_on).exists():
        raise ValidationError({"held_on": _("The group already has a meeting on this date.")})
    meeting = GroupMeeting.objects.create(
        municipality_id=group.municipality_id, group=group, held_on=held_on, agenda=agenda.strip()
    )
    _event(actor, "programme.meeting_added", group.programme, group=group.name, date=held_on.strftime("%d.%m.%Y"))
    return meeting


@transaction.atomic
def group_meeting_update(
    *, actor, meeting: GroupMeeting, expected_version: int, held_on: datetime.date, agenda: str, minutes: str
) -> GroupMeeting:
    meeting = _locked(actor, GroupMeeting, meeting.pk)
    _check_version(meeting, expected_version)
    if GroupMeeting.objects.filter(group_id=meeting.group_id, held_on=held_on).exclude(pk=meeting.pk).exists():
        raise ValidationError({"held_on": _("The group already has a meeting on this date.")})
    if minutes.strip() and held_on > timezone.localdate():
        raise ValidationError({"minutes": _("Minutes can be written once the meeting has been held.")})
    if _save_changed(meeting, {"held_on": held_on, "agenda": agenda.strip(), "minutes": minutes.strip()}):
        _event(
            actor,
            "programme.meeting_changed",
            meeting.group.programme,
            group=meeting.group.name,
            date=held_on.strftime("%d.%m.%Y"),
        )
    return meeting


@transaction.atomic
def group_decision_add(
    *, actor, meeting: GroupMeeting, text: str, owner: str = "", due_on: datetime.date | None = None
) -> GroupDecision:
    meeting = _locked(actor, GroupMeeting, meeting.pk)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the decision.")})
    _check_dates(meeting.held_on, due_on, "due_on", _("The due date cannot be before the meeting."))
    decision = GroupDecision.objects.create(
        municipality_id=meeting.municipality_id, meeting=meeting, text=text, owner=owner.strip(), due_on=due_on
    )
    _event(actor, "programme.decision_added", meeting.group.programme, group=meeting.group.name)
    return decision


@transaction.atomic
def group_decision_done(*, actor, decision: GroupDecision, done_on: datetime.date | None = None) -> GroupDecision:
    """Mark the decision as followed up (today when no day is given); marking it again changes nothing."""
    decision = _locked(actor, GroupDecision, decision.pk)
    if decision.done_on is None:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": _("A decision cannot be done on a day that has not come yet.")})
        if done_on < decision.meeting.held_on:
            raise ValidationError({"done_on": _("A decision cannot be done before the meeting that made it.")})
        decision.done_on = done_on
        decision.save(update_fields=["done_on", "updated_at"])
        meeting = decision.meeting
        _event(actor, "programme.decision_done", meeting.group.programme, group=meeting.group.name)
    return decision


# --- the role and responsibility matrix ----------------------------------------------------------------------------


@transaction.atomic
def matrix_save(*, actor, implementation: Implementation, expected_version: int, cells: dict) -> Implementation:
    """Save the whole matrix at once: `cells` maps (task id, role id) to R/A/C/I or "" (nothing)."""
    implementation = _locked(actor, Implementation, implementation.pk)
    if implementation.matrix_version != expected_version:
        raise ConflictError(
            _("Someone else changed the matrix while you were working on it. Look at the saved values and save again.")
        )
    programme_id = implementation.programme_id
    task_ids = set(ResponsibilityTask.objects.filter(programme_id=programme_id).values_list("pk", flat=True))
    role_ids = set(ResponsibilityRole.objects.filter(programme_id=programme_id).values_list("pk", flat=True))
    existing = {(c.task_id, c.role_id): c for c in ResponsibilityCell.objects.filter(task_id__in=task_ids)}
    changed = False
    for (task_id, role_id), code in cells.items():
        if task_id not in task_ids or role_id not in role_ids:
            raise ValidationError(_("The matrix has changed. Reload the page."))
        if code and code not in Responsibility.values:
            raise ValidationError(_("Use R, A, C or I."))
        cell = existing.get((task_id, role_id))
        if cell is None and code:
            ResponsibilityCell.objects.create(
                municipality_id=implementation.municipality_id, task_id=task_id, role_id=role_id, code=code
            )
            changed = True
        elif cell is not None and not code:
            cell.delete()
            changed = True
        elif cell is not None and cell.code != code:
            cell.code = code
            cell.save(update_fields=["code", "updated_at"])
            changed = True
    if changed:
        implementation.matrix_version += 1
        implementation.save(update_fields=["matrix_version", "updated_at"])
        _event(actor, "programme.matrix_changed", implementation.programme)
    return implementation


@transaction.atomic
def matrix_task_add(*, actor, programme: Programme, name: str) -> ResponsibilityTask:
    programme = _programme(actor, programme)
    if not name.strip():
        raise ValidationError({"name": _("Write the task.")})
    position = ResponsibilityTask.objects.filter(programme=programme).count() + 1
    task = ResponsibilityTask.objects.create(
        municipality_id=programme.municipality_id, programme=programme, name=name.strip(), position=position
    )
    _event(actor, "programme.matrix_changed", programme)
    return task


@transaction.atomic
def matrix_role_add(*, actor, programme: Programme, name: str) -> ResponsibilityRole:
    programme = _programme(actor, programme)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Write the role.")})
    if ResponsibilityRole.objects.filter(programme=programme, name__iexact=name).exists():
        raise ValidationError({"name": _("The matrix already has this role.")})
    position = ResponsibilityRole.objects.filter(programme=programme).count() + 1
    role = ResponsibilityRole.objects.create(
        municipality_id=programme.municipality_id, programme=programme, name=name, position=position
    )
    _event(actor, "programme.matrix_changed", programme)
    return role


# --- the change theory ---------------------------------------------------------------------------------------------


def _check_indicator(kind: str, measure: str, figure: str) -> None:
    if measure and figure:
        raise ValidationError({"figure": _("Choose a measure or a figure of the documentation model, not both.")})
    if (measure or figure) and kind not in RESULT_KINDS:
        raise ValidationError({"measure": _("Only a result is shown by a measure.")})


@transaction.atomic
def theory_item_add(
    *, actor, programme: Programme, kind: str, text: str, measure: str = "", figure: str = ""
) -> TheoryItem:
    programme = _programme(actor, programme)
    if not text.strip():
        raise ValidationError({"text": _("Write the text.")})
    _check_indicator(kind, measure, figure)
    position = TheoryItem.objects.filter(programme=programme, kind=kind).count() + 1
    item = TheoryItem.objects.create(
        municipality_id=programme.municipality_id,
        programme=programme,
        kind=kind,
        text=text.strip(),
        measure=measure,
        figure=figure,
        position=position,
    )
    _event(actor, "programme.theory_changed", programme)
    return item


@transaction.atomic
def theory_item_update(
    *, actor, item: TheoryItem, expected_version: int, text: str, measure: str = "", figure: str = ""
) -> TheoryItem:
    item = _locked(actor, TheoryItem, item.pk)
    _check_version(item, expected_version)
    if not text.strip():
        raise ValidationError({"text": _("Write the text.")})
    _check_indicator(item.kind, measure, figure)
    if _save_changed(item, {"text": text.strip(), "measure": measure, "figure": figure}):
        _event(actor, "programme.theory_changed", item.programme)
    return item


# --- the implementation plan ---------------------------------------------------------------------------------------


@transaction.atomic
def phase_update(
    *,
    actor,
    phase: Phase,
    expected_version: int,
    planned_start: datetime.date | None,
    planned_end: datetime.date | None,
    actual_start: datetime.date | None,
    actual_end: datetime.date | None,
) -> Phase:
    phase = _locked(actor, Phase, phase.pk)
    _check_version(phase, expected_version)
    _check_dates(planned_start, planned_end, "planned_end", _("The planned end cannot be before the planned start."))
    if actual_end and not actual_start:
        raise ValidationError({"actual_start": _("A phase that has ended must have started.")})
    _check_dates(actual_start, actual_end, "actual_end", _("The end cannot be before the start."))
    today = timezone.localdate()
    if (actual_start and actual_start > today) or (actual_end and actual_end > today):
        raise ValidationError(_("A phase's actual start and end cannot lie in the future; use the planned dates."))
    values = {
        "planned_start": planned_start,
        "planned_end": planned_end,
        "actual_start": actual_start,
        "actual_end": actual_end,
    }
    if _save_changed(phase, values):
        _event(actor, "programme.phase_changed", phase.programme, phase=phase.name)
    return phase


@transaction.atomic
def checklist_item_set(*, actor, item: PhaseChecklistItem, done: bool) -> PhaseChecklistItem:
    item = _locked(actor, PhaseChecklistItem, item.pk)
    if done and item.done_on is None:
        item.done_on, item.done_by = timezone.localdate(), actor
    elif not done and item.done_on is not None:
        item.done_on, item.done_by = None, None
    else:
        return item
    item.save(update_fields=["done_on", "done_by", "updated_at"])
    _event(
        actor,
        "programme.checklist_done" if done else "programme.checklist_undone",
        item.phase.programme,
        activity=item.text,
    )
    return item


MILESTONE_FIELDS = (
    "phase",
    "theme",
    "activity",
    "content",
    "due_on",
    "participants",
    "owner",
    "follow_up",
    "precondition",
)


def _milestone_values(programme_id: int, values: dict) -> dict:
    cleaned = {}
    for name in MILESTONE_FIELDS:
        value = values.get(name)
        cleaned[name] = value.strip() if isinstance(value, str) else value
    for name in ("theme", "content", "participants", "follow_up", "precondition"):
        cleaned[name] = cleaned[name] or ""
    if not cleaned["activity"]:
        raise ValidationError({"activity": _("Write the activity.")})
    if not cleaned["owner"]:
        raise ValidationError({"owner": _("Say who is responsible.")})
    if cleaned["due_on"] is None:
        raise ValidationError({"due_on": _("Give the date.")})
    phase = cleaned["phase"]
    if phase is not None and phase.programme_id != programme_id:
        raise ValidationError({"phase": _("Choose a phase of this programme.")})
    return cleaned


@transaction.atomic
def milestone_add(*, actor, programme: Programme, **values) -> Milestone:
    programme = _programme(actor, programme)
    cleaned = _milestone_values(programme.pk, values)
    milestone = Milestone.objects.create(municipality_id=programme.municipality_id, programme=programme, **cleaned)
    _event(actor, "programme.milestone_added", programme, activity=milestone.activity)
    return milestone


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, expected_version: int, **values) -> Milestone:
    milestone = _locked(actor, Milestone, milestone.pk)
    _check_version(milestone, expected_version)
    cleaned = _milestone_values(milestone.programme_id, values)
    if _save_changed(milestone, cleaned):
        _event(actor, "programme.milestone_changed", milestone.programme, activity=milestone.activity)
    return milestone


@transaction.atomic
def milestone_done(
    *, actor, milestone: Milestone, expected_version: int, done_on: datetime.date | None = None
) -> Milestone:
    milestone = _locked(actor, Milestone, milestone.pk)
    _check_version(milestone, expected_version)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    if _save_changed(milestone, {"done_on": done_on}):
        _event(actor, "programme.milestone_done", milestone.programme, activity=milestone.activity)
    return milestone


# --- the scale-up plan ---------------------------------------------------------------------------------------------


@transaction.atomic
def scale_up_step_add(
    *, actor, programme: Programme, on_date: datetime.date, target_count: int, note: str = ""
) -> ScaleUpStep:
    programme = _programme(actor, programme)
    if target_count < 1:
        raise ValidationError({"target_count": _("The target must be at least 1.")})
    if ScaleUpStep.objects.filter(programme=programme, on_date=on_date).exists():
        raise ValidationError({"on_date": _("The plan already has a step on this date.")})
    earlier = ScaleUpStep.objects.filter(programme=programme, on_date__lt=on_date).order_by("-on_date").first()
    if earlier is not None and earlier.target_count > target_count:
        raise ValidationError(
            {
                "target_count": _("The target cannot be lower than the step before it (%(n)s).")
                % {"n": earlier.target_count}
            }
        )
    step = ScaleUpStep.objects.create(
        municipality_id=programme.municipality_id,
        programme=programme,
        on_date=on_date,
        target_count=target_count,
        note=note.strip(),
    )
    _event(actor, "programme.scale_up_changed", programme)
    return step


@transaction.atomic
def scale_up_step_remove(*, actor, step: ScaleUpStep) -> None:
    step = _locked(actor, ScaleUpStep, step.pk)
    programme = step.programme
    step.delete()
    _event(actor, "programme.scale_up_changed", programme)


# --- pilot cases ---------------------------------------------------------------------------------------------------


@transaction.atomic
def pathway_set_pilot(*, actor, pathway, pilot: bool, expected_version: int):
    """Mark the pathway as one of the programme's pilot cases (or not): the coordinator, on the overview."""
    pathway = policy.require(actor, policy.MANAGE, pathway)
    if pathway.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this pathway while you were working on it. "
                "Reload the page to see the current status, then try again."
            )
        )
    if pathway.pilot == pilot:
        return pathway
    pathway.pilot = pilot
    pathway.version += 1
    pathway.save(update_fields=["pilot", "version", "updated_at"])
    event_record(
        actor=actor,
        code="pathway.pilot_set" if pilot else "pathway.pilot_unset",
        municipality_id=pathway.municipality_id,
        pathway=pathway,
        data={"programme": pathway.programme.name},
    )
    return pathway
