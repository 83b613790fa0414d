"""Forms of appointments: record or change one (with its outcome), set only the outcome from the list, and the list's
filters. Choices are UUIDs (`to_field_name="public_id"`); a CPR number is never written back into the page. The
rules that tie the fields together (a centre exactly when the appointment is at one, no outcome before the day, who
the citizen is) are the service's (`services_appointments._clean`), so the list's quick form and the full form give
the same answers.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samspil.citizens.forms import SearchInput
from samspil.core.forms import DanishDateField, DkfdsFormMixin
from samspil.organisations.models import Department
from samspil.outreach.choices import AppointmentOutcome, AppointmentPlace
from samspil.outreach.forms_contacts import clean_cpr, cpr_field
from samspil.outreach.selectors_appointments import PENDING
from samspil.outreach.services_appointments import CitizenKind, centre_choices, citizen_kind_of, department_choices

OUTCOME_CHOICES = [("", _("Not held yet")), *AppointmentOutcome.choices]


class AppointmentForm(DkfdsFormMixin, forms.Form):
    """Record an appointment, or change one (`appointment` given: its version travels with the form)."""

    occurred_on = DanishDateField(label=_("Date"))
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, to_field_name="public_id")
    place = forms.ChoiceField(
        label=_("Where"), choices=AppointmentPlace.choices, initial=AppointmentPlace.OFFICE, widget=forms.RadioSelect
    )
    centre = forms.ModelChoiceField(
        label=_("Drop-in centre"),
        queryset=None,
        to_field_name="public_id",
        required=False,
        help_text=_("Only for an appointment at a drop-in centre."),
    )
    citizen_kind = forms.ChoiceField(
        label=_("The citizen"), choices=CitizenKind.choices, initial=CitizenKind.REGISTERED, widget=forms.RadioSelect
    )
    cpr_number = cpr_field(label=_("CPR number"), help_text=_("For a registered citizen. Ten digits: DDMMYY-SSSS."))
    pseudonym = forms.CharField(
        label=_("The name the centre uses"),
        max_length=80,
        required=False,
        help_text=_("For a person known at the drop-in centre."),
        widget=SearchInput(attrs={"autocomplete": "off"}),  # a CPR number typed here is not written back
    )
    citizen_ref = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        help_text=_("For example the booking number. Never a CPR number."),
        widget=SearchInput(attrs={"autocomplete": "off"}),  # a CPR number typed here is not written back
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, appointment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        departments = department_choices(actor)
        if appointment is not None:  # an appointment of a department the user has left keeps it
            departments = Department.objects.filter(
                Q(pk__in=departments.values("pk")) | Q(pk=appointment.department_id)
            ).order_by("name")
        self.fields["department"].queryset = departments
        self.fields["centre"].queryset = centre_choices(actor)
        if appointment is not None and appointment.citizen_id and not appointment.person_id:
            self.fields["cpr_number"].help_text = _(
                "Leave it empty to keep %(name)s (born %(born)s), or write another citizen's CPR number."
            ) % {"name": appointment.citizen.full_name, "born": appointment.citizen.birth_date.strftime("%d.%m.%Y")}

    @staticmethod
    def initial_for(appointment) -> dict:
        return {
            "occurred_on": appointment.occurred_on,
            "department": appointment.department.public_id,
            "place": appointment.place,
            "centre": appointment.centre.public_id if appointment.centre_id else None,
            "citizen_kind": citizen_kind_of(appointment),
            "pseudonym": appointment.person.pseudonym if appointment.person_id else "",
            "citizen_ref": appointment.citizen_ref,
            "outcome": appointment.outcome,
            "version": appointment.version,
        }

    def clean_cpr_number(self):
        return clean_cpr((self.cleaned_data.get("cpr_number") or "").strip())

    def clean_version(self):
        version = self.cleaned_data.get("version")
        if self.appointment is not None and version is None:
            raise ValidationError(_("The form is out of date. Reload the page and try again."))
        return version

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "department": data["department"],
            "occurred_on": data["occurred_on"],
            "place": data["place"],
            "centre": data.get("centre"),
            "citizen_kind": data["citizen_kind"],
            "cpr_digits": data.get("cpr_number") or "",
            "pseudonym": data.get("pseudonym") or "",
            "citizen_ref": data.get("citizen_ref") or "",
            "outcome": data.get("outcome") or "",
        }


class OutcomeForm(DkfdsFormMixin, forms.Form):
    """The outcome of one appointment, set from the list."""

    # No outcome is chosen beforehand: a slip of the finger must not save one.
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Choose the outcome")), *AppointmentOutcome.choices]
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FilterForm(DkfdsFormMixin, forms.Form):
    """The list's filters, read from the query string (bad input is a message on the page, never a 500)."""

    afdeling = forms.ModelChoiceField(
        label=_("Department"), queryset=None, to_field_name="public_id", required=False, empty_label=_("All")
    )
    sted = forms.ChoiceField(label=_("Where"), choices=[("", _("Both")), *AppointmentPlace.choices], required=False)
    vaerested = forms.ModelChoiceField(
        label=_("Drop-in centre"), queryset=None, to_field_name="public_id", required=False, empty_label=_("All")
    )
    fra = DanishDateField(label=_("From"), required=False)
    til = DanishDateField(label=_("To"), required=False)
    udfald = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("All")), *AppointmentOutcome.choices, (PENDING, _("No outcome recorded"))],
        required=False,
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["afdeling"].queryset = department_choices(actor)
        self.fields["vaerested"].queryset = centre_choices(actor)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("fra"), cleaned.get("til")
        if start and end and end < start:
            self.add_error("til", _("The end of the period cannot be before its start."))
        return cleaned
