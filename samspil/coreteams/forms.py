"""Forms of the core team pages. Choices come from lists the view has loaded (`choices`); option values are public
ids, never database ids."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField, DanishIntegerField, DkfdsFormMixin
from samspil.coreteams.choices import Attendance
from samspil.meetings.forms import DanishTimeField

REQUIRED = {"required": _("Fill in this field.")}


def _choices(objects, label=str, empty=True):
    rows = [(str(obj.public_id), label(obj)) for obj in objects]
    return [("", "–"), *rows] if empty else rows


def _pick(value, objects):
    if not value:
        return None
    return next((obj for obj in objects if str(obj.public_id) == str(value)), None)


class TeamForm(DkfdsFormMixin, forms.Form):
    """A form of a core team page; `choices` holds the lists its selects offer."""

    def __init__(self, *args, choices=None, **kwargs):
        self.lists = choices or {}
        super().__init__(*args, **kwargs)


def _full(member):
    return member.user.get_full_name()


def _name(user):
    return user.get_full_name() or user.username


class TeamCreateForm(TeamForm):
    programme = forms.ChoiceField(label=_("Programme"), error_messages=REQUIRED)
    name = forms.CharField(label=_("Name of the team"), max_length=160, error_messages=REQUIRED)
    leader = forms.ChoiceField(label=_("Team leader"), error_messages=REQUIRED)
    cadence_days = DanishIntegerField(
        label=_("Caseload status meeting every (days)"),
        min_value=1,
        max_value=365,
        initial=14,
        error_messages=REQUIRED,
    )
    location = forms.CharField(
        label=_("Usual meeting place"),
        max_length=200,
        required=False,
        help_text=_("The status meeting is a physical meeting, for example: Rådhuset, mødelokale 3."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "programme" in self.fields:
            self.fields["programme"].choices = _choices(self.lists.get("programmes", []), lambda p: p.name)
        self.fields["leader"].choices = _choices(self.lists.get("staff", []), _name)

    def clean(self):
        data = super().clean()
        if "programme" in self.fields:
            data["programme"] = _pick(data.get("programme"), self.lists.get("programmes", []))
            if data["programme"] is None and "programme" not in self.errors:
                self.add_error("programme", _("Choose the programme."))
        data["leader"] = _pick(data.get("leader"), self.lists.get("staff", []))
        if data["leader"] is None and "leader" not in self.errors:
            self.add_error("leader", _("Choose the team leader."))
        return data


class TeamEditForm(TeamCreateForm):
    active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["programme"]


class MemberForm(TeamForm):
    user = forms.ChoiceField(label=_("Staff member"), error_messages=REQUIRED)
    department = forms.ChoiceField(
        label=_("Department they represent"),
        error_messages=REQUIRED,
        help_text=_("The department the member works in and brings to the team."),
    )
    profession = forms.CharField(
        label=_("Profession"), max_length=120, required=False, help_text=_("For example: PPR psychologist.")
    )
    active_from = DanishDateField(label=_("Member from"), error_messages=REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _choices(self.lists.get("staff", []), _name)
        self.fields["department"].choices = _choices(self.lists.get("departments", []), lambda d: d.name)

    def clean(self):
        data = super().clean()
        data["user"] = _pick(data.get("user"), self.lists.get("staff", []))
        data["department"] = _pick(data.get("department"), self.lists.get("departments", []))
        if data["user"] is None and "user" not in self.errors:
            self.add_error("user", _("Choose the staff member."))
        if data["department"] is None and "department" not in self.errors:
            self.add_error("department", _("Choose the department."))
        return data


class MemberEndForm(TeamForm):
    member = forms.CharField(widget=forms.HiddenInput)
    active_to = DanishDateField(label=_("Member until"), error_messages=REQUIRED)

    def clean(self):
        data = super().clean()
        data["member"] = _pick(data.get("member"), self.lists.get("members", []))
        if data["member"] is None:
            raise ValidationError(_("The member is no longer on the team. Reload the page."))
        return data


class CaseForm(TeamForm):
    pathway = forms.ChoiceField(
        label=_("Family"),
        error_messages=REQUIRED,
        help_text=_(
            "The programme's open pathways you coordinate that are in no core team's caseload. Only the family's "
            "coordinator puts it in a caseload: it gives the members team places on the pathway."
        ),
    )
    assigned_from = DanishDateField(label=_("In the caseload from"), error_messages=REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pathway"].choices = _choices(self.lists.get("pathways", []), lambda p: p.subject_name)

    def clean(self):
        data = super().clean()
        data["pathway"] = _pick(data.get("pathway"), self.lists.get("pathways", []))
        if data["pathway"] is None and "pathway" not in self.errors:
            self.add_error("pathway", _("Choose the family."))
        return data


class CaseEndForm(TeamForm):
    case = forms.CharField(widget=forms.HiddenInput)
    assigned_to = DanishDateField(label=_("In the caseload until"), error_messages=REQUIRED)

    def clean(self):
        data = super().clean()
        data["case"] = _pick(data.get("case"), self.lists.get("cases", []))
        if data["case"] is None:
            raise ValidationError(_("The family is no longer in the caseload. Reload the page."))
        return data


class CasePlacesForm(TeamForm):
    """The coordinator gives the members the team places they lack on the family's pathway."""

    case = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["case"] = _pick(data.get("case"), self.lists.get("cases", []))
        if data["case"] is None:
            raise ValidationError(_("The family is no longer in the caseload. Reload the page."))
        return data


class ScheduleForm(TeamForm):
    date = DanishDateField(label=_("Date"), error_messages=REQUIRED)
    start_time = DanishTimeField(label=_("Starts at"))
    end_time = DanishTimeField(label=_("Ends at"))
    location = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Empty: the team's usual meeting place."),
    )

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The meeting must end after it starts."))
            else:
                zone = timezone.get_current_timezone()
                data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start), zone)
                data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end), zone)
        return data


class CancelForm(TeamForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, error_messages=REQUIRED)


class RecordForm(TeamForm):
    """Attendance per member (`attendance-<member public id>`), the minutes, and per family the decision and "the
    plan is to be revised" (`decision-<pathway public id>`, `revise-<pathway public id>`)."""

    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "About the meeting as a whole. Do not name families here: every member of the team reads the minutes. "
            "Write what was decided about a family in that family's field below."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, members=(), families=(), attendance=None, with_minutes=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_minutes:
            del self.fields["minutes"]
        self.members, self.families = list(members), list(families)
        attendance = attendance or {}
        for member in self.members:
            name = f"attendance-{member.public_id.hex}"
            self.fields[name] = forms.ChoiceField(
                label=member.user.get_full_name(),
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Record how %(name)s took part.") % {"name": _full(member)}},
                initial=attendance.get(member.pk) or None,
            )
        for family in self.families:
            key = family.pathway.public_id.hex
            item = family.item
            self.fields[f"decision-{key}"] = forms.CharField(
                label=_("Decision about %(family)s") % {"family": family.pathway.subject_name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
                initial=item.decision if item else "",
            )
            self.fields[f"revise-{key}"] = forms.BooleanField(
                label=_("The plan is to be revised"), required=False, initial=item.plan_to_be_revised if item else False
            )

    def attendance_fields(self):
        return [(m, self[f"attendance-{m.public_id.hex}"]) for m in self.members]

    def family_fields(self):
        return [
            (f, self[f"decision-{f.pathway.public_id.hex}"], self[f"revise-{f.pathway.public_id.hex}"])
            for f in self.families
        ]

    def attendance_values(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"attendance-{m.public_id.hex}", "") for m in self.members}

    def decision_values(self) -> dict[int, tuple[str, bool]]:
        return {
            f.pathway.pk: (
                self.cleaned_data.get(f"decision-{f.pathway.public_id.hex}", ""),
                bool(self.cleaned_data.get(f"revise-{f.pathway.public_id.hex}")),
            )
            for f in self.families
        }
