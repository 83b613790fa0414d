"""The family of a family pathway: add a member (found or registered by CPR number) and end a membership."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.citizens import cpr
from samspil.citizens.choices import HouseholdRelation
from samspil.citizens.forms import CprInput
from samspil.core.forms import DanishDateField
from samspil.pathways.forms import PathwayForm


class HouseholdMemberAddForm(PathwayForm):
    """A person who lives in the family's home: a sibling, a step-parent, a parent without custody, … Custody is
    registered on its own form: living in the home and holding custody are two different things."""

    cpr_number = forms.CharField(
        label=_("The family member's CPR number"),
        max_length=11,
        help_text=_("Ten digits: DDMMYY-SSSS."),
        widget=CprInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),  # never echoed back
    )
    first_name = forms.CharField(
        label=_("First name(s)"),
        max_length=120,
        required=False,
        help_text=_("Only needed when the person is not registered yet."),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=120,
        required=False,
        help_text=_("Only needed when the person is not registered yet."),
    )
    relation = forms.ChoiceField(label=_("Relation to the family"))
    member_from = DanishDateField(
        label=_("Member of the family from"),
        initial=timezone.localdate,
        help_text=_(
            "The day the person became part of the household, for example the day they moved in. Format: dd.mm.yyyy"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = [("", _("Choose the relation")), *HouseholdRelation.choices]

    def clean_cpr_number(self):
        try:
            return cpr.normalise(self.cleaned_data["cpr_number"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean_member_from(self):
        day = self.cleaned_data["member_from"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class HouseholdMemberEndForm(PathwayForm):
    reason = forms.CharField(
        label=_("Why the membership ends"),
        max_length=300,
        help_text=_("For example: moved to the other parent, moved away from home, registered in error."),
    )
    member_to = DanishDateField(
        label=_("No longer a member from"),
        initial=timezone.localdate,
        help_text=_("From this day the person is no longer part of the family's pathway. Format: dd.mm.yyyy"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_member_to(self):
        day = self.cleaned_data["member_to"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day
