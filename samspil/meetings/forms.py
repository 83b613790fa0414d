import datetime

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField
from samspil.meetings.choices import WITHOUT_CITIZEN, MeetingType
from samspil.organisations.models import ExternalContact, Membership
from samspil.pathways.forms import PathwayForm
from samspil.pathways.models import TeamMember
from samspil.plans.forms import FollowUpFields

TIME_INPUT_FORMATS = ["%H:%M", "%H.%M", "%H"]


class DanishTimeField(forms.TimeField):
    """A time of day typed as 13:30 (13.30 and 13 are accepted too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", TIME_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Format: tt:mm, e.g. 13:30"))
        kwargs.setdefault("error_messages", {"invalid": _("Write the time like 13:30.")})
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M"))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "form-input form-input--time", "inputmode": "numeric", "autocomplete": "off"}
        )


class MeetingScheduleForm(PathwayForm):
    meeting_type = forms.ChoiceField(label=_("Type of meeting"), choices=MeetingType.choices)
    date = DanishDateField(label=_("Date"))
    start_time = DanishTimeField(label=_("Starts at"))
    end_time = DanishTimeField(label=_("Ends at"))
    location = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("For example: Jobcentret, mødelokale 2.")
    )
    online_link = forms.URLField(
        label=_("Link to the online meeting"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Give a place, a link, or both."),
    )
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invite from the team"),
        queryset=TeamMember.objects.none(),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    invite_citizen = forms.BooleanField(
        label=_("Invite the citizen or the family"),
        required=False,
        initial=True,
        help_text=_("Never for an analysis meeting: it is held without the citizen and the family."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            TeamMember.objects.current()
            .filter(pathway=self.pathway)
            .select_related("user", "department", "external_contact__organisation")
            .order_by("kind", "active_from", "id")
        )
        self.fields["invitees"].queryset = members
        self.fields["invitees"].label_from_instance = lambda m: f"{m.display_name} ({m.get_role_display().lower()})"
        if not self.is_bound:
            self.fields["invitees"].initial = [m.public_id for m in members]

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The meeting must end after it starts."))
            else:
                zone = timezone.get_current_timezone()
                cleaned["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, start), zone)
                cleaned["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, end), zone)
        if (
            not cleaned.get("location", "").strip()
            and not cleaned.get("online_link")
            and "online_link" not in self.errors
        ):
            self.add_error("location", _("Give the place of the meeting or a link to the online meeting."))
        if cleaned.get("meeting_type") in WITHOUT_CITIZEN and cleaned.get("invite_citizen"):
            self.add_error(
                "invite_citizen",
                _("An analysis meeting is held without the citizen and the family; do not invite them."),
            )
        return cleaned


class MeetingRecordForm(PathwayForm):
    """Minutes, attendance and the checklist of one meeting. The checklist notes are one field per point."""

    minutes = forms.CharField(
        label=_("Minutes"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 10})
    )
    attended = forms.MultipleChoiceField(label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple)
    done = forms.MultipleChoiceField(label=_("Checklist"), required=False, widget=forms.CheckboxSelectMultiple)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, meeting, participants, checklist, **kwargs):
        self.meeting = meeting
        self.participants = participants
        self.checklist_entries = checklist
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(p.public_id), p.name) for p in participants]
        self.fields["done"].choices = [(str(e.public_id), e.text) for e in checklist]
        self.note_fields = {}
        for entry in checklist:
            name = f"note_{entry.public_id.hex}"
            self.fields[name] = forms.CharField(
                label=_("Note on: %(point)s") % {"point": entry.text}, max_length=500, required=False
            )
            self.fields[name].widget.attrs["class"] = "form-input"
            self.note_fields[entry.public_id] = name
        if not self.is_bound:
            self.initial.update(
                {
                    "minutes": meeting.minutes,
                    "version": meeting.version,
                    "attended": [str(p.public_id) for p in participants if p.attended or (p.attended is None)],
                    "done": [str(e.public_id) for e in checklist if e.done],
                    **{self.note_fields[e.public_id]: e.note for e in checklist},
                }
            )

    def checklist_rows(self):
        """(entry, its checkbox, its note field) for the template."""
        boxes = {box.data["value"]: box for box in self["done"]}
        return [
            (entry, boxes[str(entry.public_id)], self[self.note_fields[entry.public_id]])
            for entry in self.checklist_entries
        ]

    def checklist_value(self) -> dict:
        done = set(self.cleaned_data["done"])
        return {
            entry.public_id: (str(entry.public_id) in done, self.cleaned_data[self.note_fields[entry.public_id]])
            for entry in self.checklist_entries
        }


class MeetingCancelForm(PathwayForm):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingDecisionForm(PathwayForm):
    text = forms.CharField(label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class MeetingAgreementForm(PathwayForm):
    """A decision that creates an agreement in the shared plan: under which goal, what, who, by when."""

    goal = forms.ModelChoiceField(
        label=_("Goal in the plan"), queryset=None, to_field_name="public_id", empty_label=_("Choose the goal")
    )
    what = forms.CharField(label=_("What is agreed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner_kind = forms.ChoiceField(label=_("Who does it"), widget=forms.RadioSelect)
    owner = forms.ModelChoiceField(
        label=_("Team member"),
        queryset=TeamMember.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Choose the team member"),
        help_text=_("Only when a team member does it."),
    )
    due_on = DanishDateField(label=_("Due"), required=False)

    def __init__(self, *args, **kwargs):
        from samspil.plans.choices import GoalStatus, OwnerKind
        from samspil.plans.models import Goal

        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(pathway=self.pathway, status=GoalStatus.ACTIVE).order_by(
            "position", "id"
        )
        self.fields["goal"].label_from_instance = lambda goal: goal.title
        self.fields["owner_kind"].choices = OwnerKind.choices
        self.fields["owner_kind"].initial = OwnerKind.TEAM_MEMBER
        self.fields["owner"].queryset = (
            TeamMember.objects.current()
            .filter(pathway=self.pathway)
            .select_related("user", "external_contact")
            .order_by("kind", "active_from", "id")
        )
        self.fields["owner"].label_from_instance = lambda m: m.display_name

    def clean(self):
        from samspil.plans.choices import OwnerKind

        cleaned = super().clean()
        if cleaned.get("owner_kind") == OwnerKind.TEAM_MEMBER and not cleaned.get("owner"):
            self.add_error("owner", _("Choose the team member who does it."))
        if cleaned.get("owner_kind") == OwnerKind.CITIZEN:
            cleaned["owner"] = None
        return cleaned


class MeetingFollowUpForm(PathwayForm, FollowUpFields):
    """A decision that records a follow-up of a goal (FSIII result), as on the goal's own page.

    `goals` are the plan's goals as the page loaded them. At a meeting held without the citizen there is no
    note for the citizen's version: only the internal note.
    """

    goal = forms.ChoiceField(label=_("Goal in the plan"))
    field_order = ["goal", "result", "assessed_on", "note", "internal_note"]

    def __init__(self, *args, meeting, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.fields["goal"].choices = [("", _("Choose the goal"))] + [(str(g.public_id), g.title) for g in goals]
        self.fields["assessed_on"].initial = min(timezone.localtime(meeting.starts_at).date(), timezone.localdate())
        if not meeting.includes_citizen:
            del self.fields["note"]

    @property
    def chosen_goal(self):
        return next(g for g in self.goals if str(g.public_id) == self.cleaned_data["goal"])


class MeetingGoalForm(PathwayForm):
    """A decision that changes one goal's description, measurable target or status; the version guards it."""

    description = forms.CharField(label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    indicator = forms.CharField(label=_("Measurable target"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, goal, **kwargs):
        from samspil.plans.choices import GoalStatus

        super().__init__(*args, **kwargs)
        self.goal = goal
        self.fields["status"].choices = GoalStatus.choices
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.initial.update(
            {
                "description": goal.description,
                "indicator": goal.indicator,
                "status": goal.status,
                "version": goal.version,
            }
        )


class ExpertKind(models.TextChoices):
    STAFF = "staff", _("A staff member of the municipality who is not on the team")
    EXTERNAL = "external", _("An external contact person")


class ExpertInviteForm(PathwayForm):
    """The coordinator invites an outside expert to an analysis meeting: a staff member not on the team (chosen by
    their current place in a department) or an external contact person, with why they are invited."""

    kind = forms.ChoiceField(
        label=_("Who is the expert?"),
        choices=ExpertKind.choices,
        initial=ExpertKind.STAFF,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the expert is a staff member or an external contact person.")},
    )
    membership = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=Membership.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Choose the staff member"),
        help_text=_("Staff on the pathway's team are invited to its meetings as team members and are not listed."),
    )
    external_contact = forms.ModelChoiceField(
        label=_("External contact person"),
        queryset=ExternalContact.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("Choose the contact person"),
        help_text=_("Only contact persons with an e-mail address: the invitation is a one-time link by e-mail."),
    )
    expertise = forms.CharField(
        label=_("Expertise and why they are invited"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: psychologist with knowledge of autism; the question for the meeting."),
        error_messages={"required": _("Write why the expert is invited: their expertise or the question for them.")},
    )

    def __init__(self, *args, **kwargs):
        from samspil.meetings.selectors_experts import contact_choices_query, staff_choices_query

        super().__init__(*args, **kwargs)
        pathway = self.pathway
        self.fields["membership"].queryset = (
            Membership.objects.current()
            .filter(municipality_id=pathway.municipality_id, user__in=staff_choices_query(pathway))
            .select_related("user", "department")
            .order_by("user__first_name", "user__last_name", "department__name")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.user.get_full_name()} – {m.department.name} ({m.get_role_display().lower()})"
        )
        self.fields["external_contact"].queryset = contact_choices_query(pathway)
        self.fields["external_contact"].label_from_instance = lambda c: (
            f"{c.name} – {c.organisation.name}" if c.organisation_id else c.name
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ExpertKind.STAFF and not cleaned.get("membership"):
            self.add_error("membership", _("Choose the staff member."))
        if kind == ExpertKind.EXTERNAL and not cleaned.get("external_contact"):
            self.add_error("external_contact", _("Choose the contact person."))
        return cleaned

    def expert_person(self) -> dict:
        """The service's keyword arguments for the chosen person."""
        if self.cleaned_data["kind"] == ExpertKind.STAFF:
            return {"user": self.cleaned_data["membership"].user}
        return {"external_contact": self.cleaned_data["external_contact"]}


class ExpertEndForm(PathwayForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
