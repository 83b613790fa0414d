"""Forms of measurement rounds. The questionnaires' items come from `questionnaires`, in the order asked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.documents.forms import ACCEPT
from samspil.evaluation import questionnaires as q
from samspil.evaluation.choices import CohortRule

ANSWER_REQUIRED = {"required": _("Choose an answer."), "invalid_choice": _("Choose an answer.")}


def _scale_field(label, scale):
    return forms.TypedChoiceField(
        label=label,
        choices=[(value, text) for value, text in scale],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages=ANSWER_REQUIRED,
    )


class RoundOpenForm(DkfdsFormMixin, forms.Form):
    """Open the programme's next round. The cohort fields count only for the baseline."""

    title = forms.CharField(label=_("Title"), max_length=160, required=False)
    measured_on = DanishDateField(label=_("Measured on"), help_text=_("The day the citizens' status is read for."))
    period_start = DanishDateField(
        label=_("Period from"), help_text=_("Costs, efforts and exemptions are counted over the period.")
    )
    period_end = DanishDateField(label=_("Period to"))
    cohort_rule = forms.ChoiceField(
        label=_("Cohort"),
        choices=CohortRule.choices,
        initial=CohortRule.OPEN_ON,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Only for the baseline: every follow-up measures the baseline's cohort."),
    )
    cohort_from = DanishDateField(label=_("Opened from"), required=False)
    cohort_to = DanishDateField(label=_("Opened to"), required=False)

    def __init__(self, *args, baseline_exists: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if baseline_exists:
            for name in ("cohort_rule", "cohort_from", "cohort_to"):
                del self.fields[name]


class RoundCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class Who5Form(DkfdsFormMixin, forms.Form):
    """WHO-5 in its official Danish wording: "I de sidste 2 uger …", each answered from 5 (all of the time) to 0."""

    def __init__(self, *args, citizens=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.citizens = None
        if citizens is not None:
            self.citizens = {str(c.public_id): c for c in citizens}
            self.fields["citizen"] = forms.ChoiceField(
                label=_("Citizen"),
                choices=[(key, c.full_name) for key, c in self.citizens.items()],
                widget=forms.RadioSelect,
                error_messages=ANSWER_REQUIRED,
            )
            if len(self.citizens) == 1:
                self.fields["citizen"].initial = next(iter(self.citizens))
        for index, text in enumerate(q.WHO5_ITEMS, start=1):
            self.fields[f"item_{index}"] = _scale_field(text, q.WHO5_SCALE)

    def chosen_citizen(self):
        return self.citizens[self.cleaned_data["citizen"]]

    def items(self) -> list[int]:
        return [self.cleaned_data[f"item_{index}"] for index in range(1, len(q.WHO5_ITEMS) + 1)]


class PathwayQualityForm(DkfdsFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, text in enumerate(q.PATHWAY_QUALITY_ITEMS, start=1):
            self.fields[f"item_{index}"] = _scale_field(text, q.AGREEMENT_SCALE)
        self.fields["comment"] = forms.CharField(
            label=_("Comment"),
            required=False,
            max_length=2000,
            # Added after DkfdsFormMixin has classed the widgets: the design system's class by hand.
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
        )

    def items(self) -> list[int]:
        return [self.cleaned_data[f"item_{index}"] for index in range(1, len(q.PATHWAY_QUALITY_ITEMS) + 1)]


class CoordinationForm(DkfdsFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index, text in enumerate(q.COORDINATION_ITEMS, start=1):
            self.fields[f"item_{index}"] = _scale_field(text, q.AGREEMENT_SCALE)
        self.fields["comment"] = forms.CharField(
            label=_("Comment"),
            required=False,
            max_length=2000,
            # Added after DkfdsFormMixin has classed the widgets: the design system's class by hand.
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-input"}),
        )

    def items(self) -> list[int]:
        return [self.cleaned_data[f"item_{index}"] for index in range(1, len(q.COORDINATION_ITEMS) + 1)]


class LeaderAssessmentForm(DkfdsFormMixin, forms.Form):
    steering = _scale_field(q.STEERING_QUESTION, q.LEADER_SCALE)
    steering_comment = forms.CharField(
        label=_("Comment on the steering"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    budgets = _scale_field(q.BUDGETS_QUESTION, q.LEADER_SCALE)
    budgets_comment = forms.CharField(
        label=_("Comment on the budgets"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InterviewForm(DkfdsFormMixin, forms.Form):
    interviewed_on = DanishDateField(label=_("Date of the interview"))
    notes = forms.CharField(
        label=_("Notes"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the notes of the interview.")},
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, images and Office documents (Word, Excel, PowerPoint)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-file-input"}),
    )
