"""`core.forms.add_service_errors`: a service's ValidationError shown on the form, never a 500."""

from django import forms
from django.core.exceptions import ValidationError

from samspil.core.forms import add_service_errors


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def test_field_errors_go_on_their_fields_and_unknown_fields_on_top():
    form = NameForm({"name": "Jens"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"name": "Taken.", "centre": "No agreement."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["No agreement."]


def test_an_error_without_fields_goes_on_top():
    form = NameForm({"name": "Jens"})
    assert form.is_valid()
    add_service_errors(form, ValidationError("Something else."))
    assert form.non_field_errors() == ["Something else."] and "name" not in form.errors
