"""Forms for cooperation agreements, their contact people and hours, the timetable's date, and group activities.

The forms parse and check what a form alone can (required fields, formats, the order of dates and times, through the
same rules the services use: `services_agreements.*_errors`); the services check the rest against the database
(overlapping hours, a participant twice) and their errors are put back on the form by field name.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samspil.accounts.models import AccountKind, User
from samspil.citizens.forms import CprInput
from samspil.core.forms import DanishDateField, DanishIntegerField, DkfdsFormMixin
from samspil.documents import filetypes
from samspil.organisations.models import Department, ExternalContact, ExternalOrganisation
from samspil.outreach import access, services_agreements
from samspil.outreach.choices import AgreementSide, Element, Weekday
from samspil.outreach.models import ContactPerson
from samspil.pathways.models import Programme


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def _staff(municipality_id):
    return User.objects.filter(municipality_id=municipality_id, kind=AccountKind.STAFF, is_active=True).order_by(
        "first_name", "last_name", "id"
    )


def _time_field(label):
    return forms.TimeField(
        label=label,
        input_formats=["%H.%M", "%H:%M", "%H"],
        help_text=_("For example 10.00"),
        error_messages={
            "required": _("Give the time."),
            "invalid": _("Write the time as hours and minutes, for example 10.00."),
        },
        widget=forms.TimeInput(format="%H.%M", attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AgreementForm(DkfdsFormMixin, forms.Form):
    """A cooperation agreement; `centre` only when it is created (an agreement stays with its centre)."""

    centre = forms.ModelChoiceField(
        label=_("Drop-in centre"),
        queryset=ExternalOrganisation.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Choose the drop-in centre."), "invalid_choice": _("Choose the drop-in centre.")},
    )
    title = forms.CharField(
        label=_("Title"), max_length=160, error_messages={"required": _("Give the agreement a title.")}
    )
    elements = forms.MultipleChoiceField(
        label=_("Elements of the model that run at the centre"),
        choices=Element.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of the model's elements.")},
    )
    starts_on = DanishDateField(
        label=_("In force from"), error_messages={"required": _("Give the date the agreement comes into force.")}
    )
    renew_on = DanishDateField(label=_("Up for renewal"), required=False)
    ends_on = DanishDateField(label=_("Ends"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme the costs are registered on"),
        queryset=Programme.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("The programme whose operating costs the agreement's elements are registered on."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Signed agreement"),
        required=False,
        help_text=_("PDF, an image or an Office document."),
    )
    remove_document = forms.BooleanField(label=_("Remove the signed agreement"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality_id, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.fields["programme"].queryset = Programme.objects.filter(municipality_id=municipality_id).order_by("name")
        self.fields["document"].help_text = _("%(types)s, at most %(mb)s MB.") % {
            "types": filetypes.allowed_types_text(),
            "mb": filetypes.megabytes(settings.SAMSPIL_DOCUMENT_MAX_BYTES),
        }
        if agreement is None:
            self.fields["centre"].queryset = ExternalOrganisation.objects.filter(
                municipality_id=municipality_id, kind__in=access.DROP_IN_KINDS
            ).order_by("name")
            del self.fields["remove_document"]
            del self.fields["version"]
        else:
            del self.fields["centre"]
            self.fields["version"].required = True
            if not agreement.document:
                del self.fields["remove_document"]

    def clean(self):
        data = super().clean()
        for field, message in services_agreements.agreement_dates_errors(
            data.get("starts_on"), data.get("renew_on"), data.get("ends_on")
        ).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


def agreement_initial(agreement) -> dict:
    return {
        "title": agreement.title,
        "elements": agreement.elements,
        "starts_on": agreement.starts_on,
        "renew_on": agreement.renew_on,
        "ends_on": agreement.ends_on,
        "programme": agreement.programme.public_id if agreement.programme_id else None,
        "note": agreement.note,
        "version": agreement.version,
    }


class ContactForm(DkfdsFormMixin, forms.Form):
    """A contact person of an agreement: a staff member (the municipality's side), one of the centre's contacts (the
    centre's side), or a named person on either side."""

    side = forms.ChoiceField(
        label=_("Side"),
        choices=AgreementSide.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the side the contact person is on.")},
    )
    user = StaffChoiceField(
        label=_("Staff member"), queryset=User.objects.none(), required=False, to_field_name="public_id"
    )
    external_contact = forms.ModelChoiceField(
        label=_("The centre's contact"),
        queryset=ExternalContact.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    name = forms.CharField(
        label=_("Or a name"),
        max_length=160,
        required=False,
        help_text=_("Someone who is neither a staff member in Samspil nor one of the centre's registered contacts."),
    )
    role = forms.CharField(label=_("Role"), max_length=160, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff(agreement.municipality_id)
        self.fields["external_contact"].queryset = ExternalContact.objects.filter(
            municipality_id=agreement.municipality_id, organisation_id=agreement.centre_id
        ).order_by("name")

    def clean(self):
        data = super().clean()
        chosen = [bool(data.get("user")), bool(data.get("external_contact")), bool((data.get("name") or "").strip())]
        if sum(chosen) != 1 and "name" not in self.errors:
            self.add_error(
                "name",
                _("Choose a staff member, one of the centre's contacts or write a name (one of them).")
                if any(chosen)
                else _("Choose the contact person or write a name."),
            )
        side = data.get("side")
        if data.get("user") and side and side != AgreementSide.MUNICIPALITY:
            self.add_error("user", _("A staff member of the municipality is a contact on the municipality's side."))
        if data.get("external_contact") and side and side != AgreementSide.CENTRE:
            self.add_error("external_contact", _("Choose one of the centre's own contacts, on the centre's side."))
        return data


class HoursForm(DkfdsFormMixin, forms.Form):
    """A department's fixed weekly hours at the centre."""

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Choose the department.")},
    )
    element = forms.ChoiceField(
        label=_("Element"),
        choices=(),
        error_messages={
            "required": _("Choose the element."),
            "invalid_choice": _("The agreement does not include this element. Add it to the agreement first."),
        },
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=Weekday.choices,
        coerce=int,
        error_messages={"required": _("Choose the weekday.")},
    )
    starts_at = _time_field(_("From"))
    ends_at = _time_field(_("To"))
    staff = StaffChoiceField(
        label=_("Staff member"), queryset=User.objects.none(), required=False, to_field_name="public_id"
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            municipality_id=agreement.municipality_id
        ).order_by("name")
        self.fields["element"].choices = [(c, label) for c, label in Element.choices if c in agreement.elements]
        self.fields["staff"].queryset = _staff(agreement.municipality_id)

    def clean(self):
        data = super().clean()
        for field, message in services_agreements.hours_time_errors(data.get("starts_at"), data.get("ends_at")).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class RemoveForm(forms.Form):
    """Which row to remove (its public id)."""

    row = forms.UUIDField(widget=forms.HiddenInput)


class TimetableDateForm(DkfdsFormMixin, forms.Form):
    dato = DanishDateField(label=_("Agreements in force on"), required=False)


class ActivityForm(DkfdsFormMixin, forms.Form):
    """A group activity; `centre` only when it is created."""

    centre = forms.ModelChoiceField(
        label=_("Drop-in centre"),
        queryset=ExternalOrganisation.objects.none(),
        to_field_name="public_id",
        error_messages={"required": _("Choose the drop-in centre."), "invalid_choice": _("Choose the drop-in centre.")},
    )
    title = forms.CharField(
        label=_("Title"), max_length=160, error_messages={"required": _("Give the activity a title.")}
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = DanishDateField(label=_("Starts"), error_messages={"required": _("Give the date the activity starts.")})
    ends_on = DanishDateField(label=_("Ends"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, municipality_id, activity=None, centre=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is None:
            self.fields["centre"].queryset = ExternalOrganisation.objects.filter(
                municipality_id=municipality_id, kind__in=access.DROP_IN_KINDS
            ).order_by("name")
            if centre is not None:
                self.fields["centre"].initial = centre.public_id
            del self.fields["version"]
        else:
            del self.fields["centre"]
            self.fields["version"].required = True

    def clean(self):
        data = super().clean()
        for field, message in services_agreements.activity_dates_errors(
            data.get("starts_on"), data.get("ends_on")
        ).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


def activity_initial(activity) -> dict:
    return {
        "title": activity.title,
        "description": activity.description,
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on,
        "version": activity.version,
    }


class SessionForm(DkfdsFormMixin, forms.Form):
    held_on = DanishDateField(label=_("Date"), error_messages={"required": _("Give the date of the session.")})
    anonymous_count = DanishIntegerField(
        label=_("Participants not named"),
        min_value=0,
        max_value=1000,
        help_text=_("How many took part without being named (0 if everyone is named below)."),
        error_messages={
            "required": _("Give the number of participants who are not named (0 or more)."),
            "min_value": _("Give the number of participants who are not named (0 or more)."),
            "max_value": _("At most 1.000 participants in one session."),
        },
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.pseudonym


class ParticipantForm(DkfdsFormMixin, forms.Form):
    """A named participant: a person known at the centre (by the centre's name for them) or a registered citizen
    (CPR number; never written back into the page)."""

    person = PersonChoiceField(
        label=_("Person known at the centre"),
        queryset=ContactPerson.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    cpr_number = forms.CharField(
        label=_("Or the CPR number of a registered citizen"),
        max_length=11,
        required=False,
        help_text=_("Ten digits: DDMMYY-SSSS."),
        widget=CprInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, persons, **kwargs):
        """`persons`: the people known at the activity's centre, as the acting user may read them."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons

    def clean(self):
        data = super().clean()
        has_person, has_cpr = bool(data.get("person")), bool((data.get("cpr_number") or "").strip())
        if has_person == has_cpr and "person" not in self.errors:
            self.add_error("person", _("Choose a person known at the centre or give a CPR number (one of them)."))
        return data
