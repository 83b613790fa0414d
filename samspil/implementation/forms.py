"""Forms of programme management. Choices come from lists the view has loaded; option values are public ids."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField, DanishIntegerField, DkfdsFormMixin
from samspil.implementation.choices import RESULT_KINDS, DocumentationFigure, GroupKind, Responsibility, TheoryKind
from samspil.organisations.choices import ExternalOrganisationKind
from samspil.results.measures import Measure

REQUIRED = {"required": _("Fill in this field.")}
DROP_IN_KINDS = (ExternalOrganisationKind.DROP_IN_MUNICIPAL, ExternalOrganisationKind.DROP_IN_PRIVATE)


def _choices(objects, label=str, empty=True):
    rows = [(str(obj.public_id), label(obj)) for obj in objects]
    return [("", "–"), *rows] if empty else rows


def _pick(value, objects):
    if not value:
        return None
    return next((obj for obj in objects if str(obj.public_id) == str(value)), None)


class ProgrammeForm(DkfdsFormMixin, forms.Form):
    """A form on a programme page; `choices` holds the lists its selects offer."""

    def __init__(self, *args, choices=None, **kwargs):
        self.lists = choices or {}
        super().__init__(*args, **kwargs)


def _date(label, required=True):
    return DanishDateField(label=label, required=required, error_messages={**REQUIRED})


class SetupForm(ProgrammeForm):
    start_on = _date(_("Start of the first phase"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_on"].help_text = _("Empty: today. The phases are planned one after the other from it.")


class PeopleForm(ProgrammeForm):
    owner = forms.ChoiceField(label=_("Project owner (staff member)"), required=False)
    owner_name = forms.CharField(label=_("… or name"), max_length=160, required=False)
    owner_title = forms.CharField(label=_("Title"), max_length=160, required=False)
    leader = forms.ChoiceField(label=_("Project leader (staff member)"), required=False)
    leader_name = forms.CharField(label=_("… or name"), max_length=160, required=False)
    leader_title = forms.CharField(label=_("Title"), max_length=160, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = self.lists.get("staff", [])
        self.fields["owner"].choices = _choices(staff, lambda u: u.get_full_name())
        self.fields["leader"].choices = _choices(staff, lambda u: u.get_full_name())

    def clean(self):
        data = super().clean()
        staff = self.lists.get("staff", [])
        data["owner"] = _pick(data.get("owner"), staff)
        data["leader"] = _pick(data.get("leader"), staff)
        return data


class GroupForm(ProgrammeForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=GroupKind.choices,
        error_messages={**REQUIRED, "invalid_choice": _("Choose what kind of group it is.")},
    )
    name = forms.CharField(label=_("Name"), max_length=160, error_messages=REQUIRED)
    cadence_days = DanishIntegerField(
        label=_("Meets every (days)"),
        required=False,
        min_value=1,
        max_value=730,
        help_text=_("Empty: no fixed cadence. Every third month: 91."),
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GroupEditForm(GroupForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class _FixedGroupMixin:
    """A form whose `group` field is dropped when the page is the group's own (`group=` given)."""

    def _fix_group(self, group):
        self.fixed_group = group
        if group is not None:
            del self.fields["group"]
        else:
            self.fields["group"].choices = _choices(self.lists.get("groups", []))

    def _clean_group(self, data):
        if self.fixed_group is not None:
            data["group"] = self.fixed_group
            return
        data["group"] = _pick(data.get("group"), self.lists.get("groups", []))
        if data["group"] is None and "group" not in self.errors:
            self.add_error("group", _("Choose a group."))


def _contact_choices(contacts):
    """The external contacts, drop-in centres' first (they sit in the implementation team), each under its kind of
    organisation."""
    drop_in = [c for c in contacts if c.organisation.kind in DROP_IN_KINDS]
    others = [c for c in contacts if c.organisation.kind not in DROP_IN_KINDS]
    choices = [("", "–")]
    for label, rows in ((_("Drop-in centres"), drop_in), (_("Other organisations"), others)):
        if rows:
            choices.append((label, [(str(c.public_id), f"{c.name}, {c.organisation.name}") for c in rows]))
    return choices


class MemberForm(_FixedGroupMixin, ProgrammeForm):
    group = forms.ChoiceField(label=_("Group"), error_messages=REQUIRED)
    user = forms.ChoiceField(label=_("Staff member"), required=False)
    external_contact = forms.ChoiceField(label=_("… or external contact"), required=False)
    name = forms.CharField(
        label=_("… or name"),
        max_length=160,
        required=False,
        help_text=_("Someone neither staff nor an external contact, for example a user representative."),
    )
    role = forms.CharField(
        label=_("Role in the group"),
        max_length=160,
        required=False,
        help_text=_("For example: User representative (chair of the council for the socially marginalised)"),
    )
    member_from = _date(_("Member from"))
    member_to = _date(_("Member until"), required=False)

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._fix_group(group)
        self.fields["user"].choices = _choices(self.lists.get("staff", []), lambda u: u.get_full_name())
        self.fields["external_contact"].choices = _contact_choices(self.lists.get("contacts", []))

    def clean(self):
        data = super().clean()
        self._clean_group(data)
        data["user"] = _pick(data.get("user"), self.lists.get("staff", []))
        data["external_contact"] = _pick(data.get("external_contact"), self.lists.get("contacts", []))
        chosen = sum(bool(x) for x in (data["user"], data["external_contact"], (data.get("name") or "").strip()))
        if chosen != 1:
            raise ValidationError(
                _("Choose a staff member, an external contact or write a name — exactly one of them.")
            )
        member_from, member_to = data.get("member_from"), data.get("member_to")
        if member_from and member_to and member_to < member_from:
            self.add_error("member_to", _("The end date cannot be before the start date."))
        return data


class MemberEndForm(ProgrammeForm):
    member = forms.CharField(widget=forms.HiddenInput)
    member_to = _date(_("Member until"))

    def clean(self):
        data = super().clean()
        data["member"] = _pick(data.get("member"), self.lists.get("members", []))
        if data["member"] is None:
            raise ValidationError(_("The member is no longer in the group. Reload the page."))
        return data


class MeetingForm(_FixedGroupMixin, ProgrammeForm):
    group = forms.ChoiceField(label=_("Group"), error_messages=REQUIRED)
    held_on = _date(_("Date"))
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._fix_group(group)

    def clean(self):
        data = super().clean()
        self._clean_group(data)
        return data


class MeetingUpdateForm(ProgrammeForm):
    held_on = _date(_("Date"))
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(ProgrammeForm):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), error_messages=REQUIRED)
    owner = forms.CharField(
        label=_("Owner"), max_length=160, required=False, help_text=_("Who follows it up, for example a member.")
    )
    due_on = _date(_("Due"), required=False)


class DecisionDoneForm(ProgrammeForm):
    decision = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["decision"] = _pick(data.get("decision"), self.lists.get("decisions", []))
        if data["decision"] is None:
            raise ValidationError(_("The decision no longer exists. Reload the page."))
        return data


class MatrixForm(ProgrammeForm):
    """One select per cell of the matrix, named by the task's and the role's public ids."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        options = [("", "–"), *((code, code) for code in Responsibility.values)]
        self.cells = []
        for task, codes in matrix.rows:
            row = []
            for role, code in zip(matrix.roles, codes, strict=True):
                name = f"c_{task.public_id.hex}_{role.public_id.hex}"
                self.fields[name] = forms.ChoiceField(
                    label=f"{task.name}: {role.name}", choices=options, required=False, initial=code
                )
                row.append((name, task, role))
            self.cells.append((task, row))

    def rows(self):
        return [(task, [self[name] for name, _task, _role in row]) for task, row in self.cells]

    def cell_values(self) -> dict:
        return {
            (task.pk, role.pk): self.cleaned_data.get(name) or ""
            for _task, row in self.cells
            for name, task, role in row
        }


class NameForm(ProgrammeForm):
    name = forms.CharField(label=_("Name"), max_length=240, error_messages=REQUIRED)


def _indicator_choices():
    return [
        ("", _("– none –")),
        (_("Seed 001's measures"), [(f"m:{value}", label) for value, label in Measure.choices]),
        (_("The documentation model"), [(f"f:{value}", label) for value, label in DocumentationFigure.choices]),
    ]


class TheoryItemForm(ProgrammeForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=TheoryKind.choices)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), error_messages=REQUIRED)
    indicator = forms.ChoiceField(label=_("Shown by"), required=False, help_text=_("Results only."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = _indicator_choices()

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator") or ""
        data["measure"] = indicator[2:] if indicator.startswith("m:") else ""
        data["figure"] = indicator[2:] if indicator.startswith("f:") else ""
        if indicator and data.get("kind") not in RESULT_KINDS:
            self.add_error("indicator", _("Only a result is shown by a measure."))
        return data


class PhaseForm(ProgrammeForm):
    planned_start = _date(_("Planned start"), required=False)
    planned_end = _date(_("Planned end"), required=False)
    actual_start = _date(_("Started"), required=False)
    actual_end = _date(_("Ended"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistForm(ProgrammeForm):
    item = forms.CharField(widget=forms.HiddenInput)
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["item"] = _pick(data.get("item"), self.lists.get("checklist", []))
        if data["item"] is None:
            raise ValidationError(_("The activity no longer exists. Reload the page."))
        return data


class MilestoneForm(ProgrammeForm):
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    theme = forms.CharField(label=_("Theme"), max_length=160, required=False)
    activity = forms.CharField(label=_("Activity"), max_length=240, error_messages=REQUIRED)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = _date(_("Date"))
    participants = forms.CharField(label=_("Participants"), max_length=240, required=False)
    owner = forms.CharField(label=_("Responsible"), max_length=160, error_messages=REQUIRED)
    follow_up = forms.CharField(label=_("Follow-up"), max_length=240, required=False)
    precondition = forms.CharField(label=_("Precondition"), max_length=240, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = _choices(self.lists.get("phases", []))

    def clean(self):
        data = super().clean()
        data["phase"] = _pick(data.get("phase"), self.lists.get("phases", []))
        return data

    def values(self) -> dict:
        names = (
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
        return {name: self.cleaned_data.get(name) for name in names}


class MilestoneDoneForm(ProgrammeForm):
    milestone = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["milestone"] = _pick(data.get("milestone"), self.lists.get("milestones", []))
        if data["milestone"] is None:
            raise ValidationError(_("The milestone no longer exists. Reload the page."))
        return data


class ScaleUpForm(ProgrammeForm):
    on_date = _date(_("By"))
    target_count = DanishIntegerField(label=_("Target number of pathways"), min_value=1, error_messages=REQUIRED)
    note = forms.CharField(label=_("Note"), max_length=240, required=False)


class ScaleUpRemoveForm(ProgrammeForm):
    step = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["step"] = _pick(data.get("step"), self.lists.get("steps", []))
        if data["step"] is None:
            raise ValidationError(_("The step no longer exists. Reload the page."))
        return data


class PilotForm(DkfdsFormMixin, forms.Form):
    """On the pathway's overview: the coordinator marks the pathway as a pilot case of its programme."""

    pilot = forms.BooleanField(label=_("Pilot case of the programme"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, pathway, **kwargs):
        kwargs.setdefault("initial", {"pilot": pathway.pilot, "version": pathway.version})
        super().__init__(*args, **kwargs)
