"""Forms of the conversation registration (KORA's *registreringsskema*), linking, and the citizen's rating.

The registration form is one phone screen: few required fields (date, centre, element, department, who the
citizen is), the rest optional, everything else defaulted by the view (`selectors_contacts.registration_defaults`).
The choices are UUIDs (`to_field_name="public_id"`); a CPR number is never written back into the page.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.citizens import cpr
from samspil.citizens.forms import CprInput
from samspil.core.forms import DanishDateField, DanishIntegerField, DkfdsFormMixin
from samspil.outreach.choices import (
    CONVERSATION_ELEMENTS,
    RATING_QUESTIONS,
    Decision,
    FollowUp,
    Identity,
    Origin,
    Rating,
    Topic,
)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def cpr_field(*, label, help_text, required=False):
    """A CPR number field of the drop-in model's forms (never written back into the page; `clean_cpr`)."""
    return forms.CharField(
        label=label,
        max_length=11,
        required=required,
        help_text=help_text,
        widget=CprInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


def clean_cpr(value: str) -> str:
    """The ten digits of a CPR number typed with or without its hyphen; "" for an empty field."""
    if not value:
        return ""
    try:
        return cpr.normalise(value)
    except ValidationError as error:
        raise ValidationError(error.message, code=error.code) from None


class RegistrationForm(DkfdsFormMixin, forms.Form):
    """Register (or change) a conversation. `partner=True`: drop-in staff (the centre is theirs, the staff member is
    optional, no CPR number); `editing=True`: who the citizen is is not changed here (that is linking)."""

    identity = forms.ChoiceField(
        label=_("The citizen"),
        choices=[
            (Identity.PSEUDONYM.value, _("Known at the centre by a name")),
            (Identity.ANONYMOUS.value, _("Anonymous")),
            (Identity.REGISTERED.value, _("Registered citizen (CPR number)")),
        ],
        initial=Identity.PSEUDONYM,
        widget=forms.RadioSelect,
    )
    pseudonym = forms.CharField(
        label=_("The name the centre uses"),
        max_length=80,
        required=False,
        help_text=_("Start typing to find a returning citizen; a new name makes a new person at the centre."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "person-options"}),
    )
    cpr_number = cpr_field(
        label=_("CPR number"), help_text=_("Only for a registered citizen. Ten digits: DDMMYY-SSSS.")
    )
    occurred_on = DanishDateField(label=_("Date"))
    centre = forms.ModelChoiceField(label=_("Drop-in centre"), queryset=None, to_field_name="public_id")
    element = forms.ChoiceField(label=_("Element"), widget=forms.RadioSelect)
    minutes = DanishIntegerField(label=_("Duration in minutes"), required=False, min_value=1, max_value=600)
    topics = forms.MultipleChoiceField(
        label=_("What it was about"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    origin = forms.ChoiceField(
        label=_("How the contact came about"), choices=[("", "—"), *Origin.choices], required=False
    )
    decisions = forms.MultipleChoiceField(
        label=_("Decided on the spot"), choices=Decision.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_note = forms.CharField(label=_("About the decision"), max_length=300, required=False)
    follow_up = forms.ChoiceField(label=_("Follow-up"), choices=[("", "—"), *FollowUp.choices], required=False)
    follow_up_on = DanishDateField(label=_("Follow-up on"), required=False)
    staff = StaffChoiceField(label=_("Staff member"), queryset=None, to_field_name="public_id")
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, to_field_name="public_id")
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The fields shown folded under "Staff member and department" (the defaults rarely change).
    WHO_FIELDS = ("staff", "department")

    def __init__(self, *args, centres, departments, staff, partner=False, editing=False, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.partner, self.editing = partner, editing
        self.fields["centre"].queryset = centres
        self.fields["department"].queryset = departments
        self.fields["staff"].queryset = staff
        self.fields["element"].choices = [(element.value, element.label) for element in CONVERSATION_ELEMENTS]
        self.fields["occurred_on"].widget.attrs["class"] += " input-width-s"
        self.fields["minutes"].widget.attrs["class"] = "form-input input-width-xs"
        if partner:
            del self.fields["centre"]
            del self.fields["cpr_number"]
            self.fields["identity"].choices = self.fields["identity"].choices[:2]
            self.fields["staff"].required = False
            self.fields["staff"].help_text = _("The municipality's staff member, if one held the conversation.")
        if editing:
            for name in ("identity", "pseudonym", "cpr_number"):
                self.fields.pop(name, None)
        else:
            del self.fields["version"]

    @property
    def citizen_fields(self):
        return [self[name] for name in ("identity", "pseudonym", "cpr_number") if name in self.fields]

    @property
    def conversation_fields(self):
        skip = {"identity", "pseudonym", "cpr_number", "version", *self.WHO_FIELDS}
        return [field for field in self if field.name not in skip]

    @property
    def who_fields(self):
        return [self[name] for name in self.WHO_FIELDS]

    @property
    def who_has_errors(self) -> bool:
        return any(self[name].errors for name in self.WHO_FIELDS)

    def clean_cpr_number(self):
        return clean_cpr(self.cleaned_data.get("cpr_number", ""))

    def clean(self):
        data = super().clean()
        identity = data.get("identity")
        if identity == Identity.PSEUDONYM and not (data.get("pseudonym") or "").strip():
            self.add_error("pseudonym", _("Write the name the centre uses for the citizen."))
        if identity == Identity.REGISTERED and not data.get("cpr_number") and "cpr_number" not in self.errors:
            self.add_error("cpr_number", _("Write the citizen's CPR number."))
        if identity == Identity.ANONYMOUS and (data.get("pseudonym") or "").strip():
            self.add_error(
                "pseudonym", _("You chose anonymous but wrote a name. Choose “Known at the centre by a name”.")
            )
        if identity != Identity.REGISTERED and data.get("cpr_number"):
            self.add_error("cpr_number", _("A CPR number is only for a registered citizen."))
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "occurred_on": data["occurred_on"],
            "element": data["element"],
            "department": data["department"],
            "staff": data.get("staff"),
            "origin": data.get("origin") or "",
            "topics": data.get("topics") or [],
            "minutes": data.get("minutes"),
            "decisions": data.get("decisions") or [],
            "decision_note": data.get("decision_note") or "",
            "follow_up": data.get("follow_up") or "",
            "follow_up_on": data.get("follow_up_on"),
            "note": data.get("note") or "",
        }
        if not self.partner:
            values["centre"] = data["centre"]
        if not self.editing:
            values["identity"] = data["identity"]
            values["pseudonym"] = data.get("pseudonym") or ""
            values["cpr_digits"] = data.get("cpr_number") or ""
        return values


class LinkForm(DkfdsFormMixin, forms.Form):
    """Link a person known at a centre, or an anonymous conversation, to a registered citizen."""

    cpr_number = cpr_field(label=_("The citizen's CPR number"), help_text=_("Ten digits: DDMMYY-SSSS."), required=True)

    def clean_cpr_number(self):
        return clean_cpr(self.cleaned_data["cpr_number"])


class RatingForm(DkfdsFormMixin, forms.Form):
    """KORA's citizen form: three questions on the 1–5 scale, each optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in RATING_QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=Rating.choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name, _question in RATING_QUESTIONS}
