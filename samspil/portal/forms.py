"""Forms of the portal's plan pages, in plain Danish for the citizen ("du")."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DkfdsFormMixin

WISHES_MAX = 10000
COMMENT_MAX = 2000


class WishesForm(DkfdsFormMixin, forms.Form):
    wishes = forms.CharField(
        label=_("Your own wishes"),
        required=False,
        max_length=WISHES_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write in your own words what you want and what matters to you. The team reads it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class GoalCommentForm(DkfdsFormMixin, forms.Form):
    renders_alike = True  # one field fixed here: its empty form is rendered once per process (`row_form_fields`)

    text = forms.CharField(
        label=_("Your comment on the goal"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment before you send it.")},
    )


class AgreementDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanResponseForm(DkfdsFormMixin, forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("Do you agree with this version of the plan?"),
        choices=[("yes", _("Yes, I agree")), ("no", _("No, I do not agree"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what you would like to change. The coordinator reads it."),
    )
