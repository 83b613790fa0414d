"""Forms of the plan pages.

Their choices come from lists the selector has already loaded (team, departments, family members), so a
page with many goals renders its forms without a query per form. Option values are public ids.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.plans.choices import AgreementStatus, FollowUpResult, GoalStatus, GoalType, Horizon, LifeArea, OwnerKind


class PlanForm(DkfdsFormMixin, forms.Form):
    """A form on a plan page; `page` is the selector's `PlanPage`."""

    def __init__(self, *args, page, **kwargs):
        self.page = page
        super().__init__(*args, **kwargs)

    def _lookup(self, name: str, objects: list):
        """The object whose public id was chosen in field `name`, or None for the empty choice."""
        value = self.cleaned_data.get(name)
        if not value:
            return None
        return next(obj for obj in objects if str(obj.public_id) == value)


class WishesForm(PlanForm):
    citizen_wishes = forms.CharField(
        label=_("The citizen's own wishes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write the wishes in the citizen's own words."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen_wishes"].initial = self.page.plan.citizen_wishes
        self.fields["version"].initial = self.page.plan.version


class GoalForm(PlanForm):
    member = forms.ChoiceField(label=_("For"), required=False)
    life_area = forms.ChoiceField(label=_("Life area"), choices=[("", _("Choose the life area")), *LifeArea.choices])
    description = forms.CharField(label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    goal_type = forms.ChoiceField(label=_("Goal type"), choices=GoalType.choices, widget=forms.RadioSelect)
    indicator = forms.CharField(
        label=_("Measurable target"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How will you know the goal is reached? For example: attends school four days a week."),
    )
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices, widget=forms.RadioSelect)
    responsible_department = forms.ChoiceField(label=_("Responsible department"), required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=100,
        required=False,
        help_text=_("The paragraph, for example LAB § 40 stk. 3, SEL § 141 or Barnets Lov § 92."),
    )
    findings = forms.MultipleChoiceField(
        label=_("Answers findings from the assessment"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The findings of the joint assessment this goal is to answer."),
        error_messages={
            "invalid_choice": _(
                "A finding you chose is not among the findings of this pathway's assessments. Choose again."
            )
        },
    )

    def __init__(self, *args, goal=None, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.page
        if page.findings:
            self.fields["findings"].choices = [(finding.public_id, finding.label) for finding in page.findings]
        else:  # no assessment has findings yet: nothing to choose
            del self.fields["findings"]
        # A family: the current members; a goal of a former member keeps them as a choice (history), new goals not.
        self.member_choices = list(page.citizens) if page.is_family else []
        current_ids = {citizen.pk for citizen in self.member_choices}
        if page.is_family and goal is not None and goal.member_id and goal.member_id not in current_ids:
            self.member_choices.append(goal.member)
        if page.is_family:
            self.fields["member"].choices = [("", _("The whole family"))] + [
                (str(citizen.public_id), citizen.full_name) for citizen in self.member_choices
            ]
        else:
            del self.fields["member"]
        self.fields["responsible_department"].choices = [("", _("No department named"))] + [
            (str(department.public_id), department.name) for department in page.departments
        ]
        if goal is not None:
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["status"].widget.attrs["class"] = "form-select"
            self.initial.update(
                {
                    "member": str(goal.member.public_id) if goal.member_id else "",
                    "life_area": goal.life_area,
                    "description": goal.description,
                    "goal_type": goal.goal_type,
                    "indicator": goal.indicator,
                    "horizon": goal.horizon,
                    "responsible_department": str(goal.responsible_department.public_id)
                    if goal.responsible_department_id
                    else "",
                    "legal_basis": goal.legal_basis,
                    "status": goal.status,
                    "version": goal.version,
                    "findings": [finding.public_id for finding in getattr(goal, "answered_findings", [])],
                }
            )
        else:
            self.initial.setdefault("goal_type", GoalType.DEVELOP)
            self.initial.setdefault("horizon", Horizon.SHORT)

    @property
    def chosen_member(self):
        return self._lookup("member", self.member_choices) if "member" in self.fields else None

    @property
    def chosen_department(self):
        return self._lookup("responsible_department", self.page.departments)

    @property
    def chosen_findings(self) -> list | None:
        """The chosen findings (`assessments.Finding` rows of the pathway), or None when the form offers none: the
        goal's links are then left as they are."""
        if "findings" not in self.fields:
            return None
        from samspil.assessments.models import Finding

        chosen = self.cleaned_data.get("findings") or []
        return (
            list(Finding.objects.filter(pathway=self.page.pathway, public_id__in=chosen).select_related("assessment"))
            if chosen
            else []
        )


class FollowUpFields(forms.Form):
    """The fields of a goal follow-up: on the goal's page (`FollowUpForm`) and at a meeting (`MeetingFollowUpForm`)."""

    result = forms.ChoiceField(
        label=_("Result of the follow-up"), choices=FollowUpResult.choices, widget=forms.RadioSelect
    )
    assessed_on = DanishDateField(label=_("Assessed on"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Part of the plan the citizen sees."),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For the professionals only: never shown in the citizen's version of the plan."),
    )


class FollowUpForm(PlanForm, FollowUpFields):
    pass


class AgreementForm(PlanForm):
    what = forms.CharField(label=_("What is agreed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label=_("Who does it"))
    due_on = DanishDateField(label=_("Due"), required=False)

    CITIZEN = "citizen"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.page
        if page.is_family:
            citizens = [(f"{self.CITIZEN}:", _("The whole family"))] + [
                (f"{self.CITIZEN}:{citizen.public_id}", citizen.full_name) for citizen in page.citizens
            ]
        else:
            citizens = [(f"{self.CITIZEN}:", page.pathway.subject_name)]
        team = [
            (f"team:{member.public_id}", f"{member.display_name} ({member.get_role_display()})") for member in page.team
        ]
        self.fields["owner"].choices = [
            ("", _("Choose who does it")),
            (_("The citizen") if not page.is_family else _("The family"), citizens),
            (_("The team"), team),
        ]

    def owner_values(self) -> dict:
        """The service's owner arguments for the chosen owner."""
        kind, _sep, public_id = self.cleaned_data["owner"].partition(":")
        if kind == self.CITIZEN:
            member = next((c for c in self.page.citizens if str(c.public_id) == public_id), None)
            return {"owner_kind": OwnerKind.CITIZEN, "owner_member": member}
        member = next(m for m in self.page.team if str(m.public_id) == public_id)
        return {"owner_kind": OwnerKind.TEAM_MEMBER, "owner": member}


class AgreementStatusForm(PlanForm):
    status = forms.ChoiceField(label=_("Status"), choices=AgreementStatus.choices)
    follow_up_note = forms.CharField(
        label=_("Follow-up note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.update(
            {"status": agreement.status, "follow_up_note": agreement.follow_up_note, "version": agreement.version}
        )


class CitizenResponseForm(PlanForm):
    agreed = forms.TypedChoiceField(
        label=_("The citizen's response"),
        choices=[
            ("yes", _("The citizen has seen the plan and agrees")),
            ("no", _("The citizen has seen the plan but does not agree")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("The citizen's comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
