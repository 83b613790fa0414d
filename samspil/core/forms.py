"""Form building blocks shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]


class DanishDateField(forms.DateField):
    """A date typed as 22.11.2026 (ISO and other common forms are accepted too)."""

    widget = forms.DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("help_text", _("Format: dd.mm.yyyy"))
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("The date does not exist or is written differently. Write it like 22.11.2026.")},
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "form-input form-input--date", "inputmode": "numeric", "autocomplete": "off"}
        )
        self.widget.format = "%d.%m.%Y"
        self.widget.input_type = "text"


class DkfdsFormMixin:
    """Give every widget the design system's classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-checkbox")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-input")
