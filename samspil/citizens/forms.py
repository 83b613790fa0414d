from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samspil.citizens import cpr
from samspil.core.forms import DkfdsFormMixin
from samspil.pathways.models import Programme


class CprInput(forms.TextInput):
    """A CPR number field that never writes the typed number back into the page (after an error, say)."""

    def format_value(self, value):
        return None


class SearchInput(forms.TextInput):
    """The search field: a name typed stays in the field, a CPR number does not."""

    def format_value(self, value):
        if value and cpr.written_like_cpr(str(value)):
            return None
        return super().format_value(value)


class CitizenSearchForm(DkfdsFormMixin, forms.Form):
    query = forms.CharField(
        label=_("First and last name, or CPR number"),
        max_length=120,
        help_text=_("For example: Anna Jensen, or 010203-1234."),
        widget=SearchInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_query(self):
        """A CPR number is checked as registration checks it (format, a date that exists, not in the future)."""
        from samspil.citizens.selectors import search_terms_valid

        query = self.cleaned_data["query"].strip()
        if cpr.written_like_cpr(query):
            try:
                return cpr.normalise(query)
            except ValidationError as error:
                raise ValidationError(error.message, code=error.code) from None
        if not search_terms_valid(query):
            raise ValidationError(_("Search with both first and last name, or with the full CPR number."))
        return query


class CitizenCreateForm(DkfdsFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name(s)"), max_length=120)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    cpr_number = forms.CharField(
        label=_("CPR number"),
        max_length=11,
        help_text=_("Ten digits: DDMMYY-SSSS."),
        widget=CprInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^[0-9]{4}$",  # ASCII digits: `\d` takes any script's
        required=False,
        error_messages={"invalid": _("A Danish postcode has four digits.")},
    )
    city = forms.CharField(label=_("City"), max_length=80, required=False)

    def clean_cpr_number(self):
        try:
            return cpr.normalise(self.cleaned_data["cpr_number"])
        except ValidationError as error:
            raise ValidationError(error.message, code=error.code) from None


def second_pathway_reason_field() -> forms.CharField:
    """Asked only when the citizen already has an open coordinated pathway (`pathway_open`'s rule)."""
    return forms.CharField(
        label=_("Why a second pathway is needed"),
        help_text=_(
            "The citizen already has an open coordinated pathway. Talk to its coordinator first; a second one is "
            "opened only deliberately, and only from a department the citizen's consent covers there."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PathwayOpenForm(DkfdsFormMixin, forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose the programme"),
    )
    referral_reason = forms.CharField(
        label=_("Reason for referral"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    second_pathway_reason = second_pathway_reason_field()

    def __init__(self, *args, programmes, ask_reason: bool = False, **kwargs):
        """`ask_reason`: the citizen already has an open pathway, so the form asks why a second one is needed."""
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        if not ask_reason:
            del self.fields["second_pathway_reason"]


class ReferralTakeForm(DkfdsFormMixin, forms.Form):
    """Take a referral on: the person's name (when not registered yet), the reason for the referral, and why a
    second pathway is needed when the citizen already has an open one."""

    first_name = forms.CharField(label=_("First name(s)"), max_length=120)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    referral_reason = forms.CharField(
        label=_("Reason for referral"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    second_pathway_reason = second_pathway_reason_field()

    def __init__(self, *args, registered: bool, ask_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if registered:
            del self.fields["first_name"]
            del self.fields["last_name"]
        else:
            for name in ("first_name", "last_name"):
                self.fields[name].help_text = _("The person is not registered as a citizen yet.")
        if not ask_reason:
            del self.fields["second_pathway_reason"]


class ReferralDeclineForm(DkfdsFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why you decline the referral"),
        help_text=_("The one who referred the person reads it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
