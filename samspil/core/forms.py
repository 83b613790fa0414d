"""Form building blocks shared by every app."""

import decimal
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
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


# --- numbers ------------------------------------------------------------------------------------------------
#
# One rule for every number typed into Samspil, as Danish is written: a comma before the decimals, a dot only
# between groups of three digits ("1.234.567,89"). Spaces are ignored ("1 234,56"). A dot is never a decimal
# point: "12.50" or "1234.56" is refused with a message saying to use a comma, because reading it either way
# would be a guess, and the wrong guess multiplies an amount by a hundred or a thousand. A dot followed by
# three digits ("1.500") is a thousands dot, as a Danish reader would take it.

# ASCII digits only: Python's \d would also take Arabic-Indic or fullwidth digits.
_DANISH_NUMBER = re.compile(r"(?P<sign>-?)(?P<whole>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,(?P<decimals>[0-9]+))?")
_DOT_AS_DECIMAL_POINT = re.compile(r"-?[0-9]*\.[0-9]+")


def parse_danish_number(text: str, *, whole_only: bool = False) -> decimal.Decimal:
    """The number in `text`, written the Danish way; ValidationError with a Danish message otherwise."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    match = _DANISH_NUMBER.fullmatch(compact)
    if whole_only and (match is None or match["decimals"] is not None):
        raise ValidationError(_("Write a whole number, for example 1.234."), code="invalid")
    if match is None:
        if _DOT_AS_DECIMAL_POINT.fullmatch(compact):
            raise ValidationError(
                _("Write decimals with a comma, for example 1.234,56. A dot is only used between thousands."),
                code="decimal_point",
            )
        raise ValidationError(_("Write a number, for example 1.234,56."), code="invalid")
    number = match["sign"] + match["whole"].replace(".", "") + ("." + match["decimals"] if match["decimals"] else "")
    return decimal.Decimal(number)


class DanishNumberInput(forms.TextInput):
    """A text input for a number (a number input would let the browser read the dots and commas its own way),
    showing a stored value the Danish way: 1.234,56."""

    def __init__(self, attrs=None, *, whole_only=False):
        inputmode = "numeric" if whole_only else "decimal"
        super().__init__({"inputmode": inputmode, "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (decimal.Decimal, int, float)) and not isinstance(value, bool):
            return number_format(value, use_l10n=True, force_grouping=True)
        return super().format_value(value)


class DanishDecimalField(forms.DecimalField):
    """A decimal number or amount typed the Danish way (see `parse_danish_number`): "1.234,56", "1234,56",
    "12.500"; never "12.50" or "1234.56". Shown back as 1.234,56."""

    widget = DanishNumberInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = parse_danish_number(value.strip())
        return super().to_python(value)


class DanishIntegerField(forms.IntegerField):
    """A whole number typed the Danish way: "12", "1.234"; not "1,5" or "1.5". Shown back as 1.234."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DanishNumberInput(whole_only=True))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = int(parse_danish_number(value.strip(), whole_only=True))
        return super().to_python(value)


def form_on_saved_version(form: forms.Form, *, saved_version: int, message: str) -> forms.Form:
    """The one answer to a `ConflictError`: the same form, with everything the user typed, bound again to the
    version saved now, validated, and with the conflict message on top.

    The page shows the saved value beside it, so saving again, after looking, is a deliberate overwrite.
    """
    data = form.data.copy()
    data[form.add_prefix("version")] = str(saved_version)
    form.data = data
    form._errors = None  # validate again against the new data
    form.is_valid()
    form.add_error(None, message)
    return form


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: field errors on their fields when the form has them, the rest (and
    an error without fields) on top — never a 500 for a field the form does not show."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
