"""One way of writing numbers in every form: Danish, 1.234,56 (a comma before decimals, dots between thousands)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from samspil.core.forms import DanishDecimalField, DanishIntegerField, DanishNumberInput


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1.234", Decimal("1234")),  # a dot followed by three digits is a thousands dot
        ("1.000.000", Decimal("1000000")),
        ("12.500,5", Decimal("12500.5")),
        (" 1 234,56 ", Decimal("1234.56")),  # spaces between thousands are ignored
        ("1\u00a0234", Decimal("1234")),
        ("0,5", Decimal("0.5")),
        ("7", Decimal("7")),
        ("-12,5", Decimal("-12.5")),
    ],
)
def test_danish_numbers_are_read(typed, value):
    assert DanishDecimalField(max_digits=12, decimal_places=2).clean(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234.56", "Skriv decimaler med komma, for eksempel 1.234,56."),
        ("12.50", "Skriv decimaler med komma"),
        ("1.5", "Skriv decimaler med komma"),
        (".5", "Skriv decimaler med komma"),
        ("1,234.56", "Skriv et tal, for eksempel 1.234,56."),  # English grouping
        ("1.23,5", "Skriv et tal"),  # a group of two digits
        ("12.3456", "Skriv decimaler med komma"),  # could be 12,3456
        ("1,2,3", "Skriv et tal"),
        ("tolv", "Skriv et tal"),
        ("١٢", "Skriv et tal"),  # Arabic-Indic digits are not read as numbers
        ("1e3", "Skriv et tal"),
    ],
)
def test_anything_else_is_a_clear_danish_message(typed, message):
    with translation.override("da"), pytest.raises(forms.ValidationError) as refused:
        DanishDecimalField(max_digits=12, decimal_places=2).clean(typed)
    assert message in " ".join(refused.value.messages)


def test_the_field_still_checks_places_and_bounds():
    field = DanishDecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"), required=False)
    assert field.clean("") is None
    with pytest.raises(forms.ValidationError):
        field.clean("1,234")  # three decimals
    with pytest.raises(forms.ValidationError):
        field.clean("0")


@pytest.mark.parametrize(("typed", "value"), [("12", 12), ("1.234", 1234), (" 2 ", 2)])
def test_whole_numbers(typed, value):
    assert DanishIntegerField().clean(typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1.5", "12.50", "to"])
def test_a_whole_number_field_refuses_decimals(typed):
    with translation.override("da"), pytest.raises(forms.ValidationError) as refused:
        DanishIntegerField().clean(typed)
    assert "Skriv et helt tal" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("3100.00"), "3.100,00"), (Decimal("1.5"), "1,5"), (12500, "12.500"), ("1.234,5", "1.234,5")],
)
def test_stored_values_are_shown_back_the_danish_way(value, shown):
    assert DanishNumberInput().format_value(value) == shown
    assert DanishDecimalField(max_digits=12, decimal_places=2).clean(DanishNumberInput().format_value(value)) == (
        Decimal(str(value)) if not isinstance(value, str) else Decimal("1234.5")
    )


def test_the_input_is_a_text_input_the_browser_does_not_reinterpret():
    html = DanishDecimalField(max_digits=12, decimal_places=2).widget.render("amount", Decimal("1234.5"))
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="1.234,5"' in html
    assert 'inputmode="numeric"' in DanishIntegerField().widget.render("n", 3)


def test_every_form_number_field_is_danish():
    """No form in Samspil takes a number another way (hidden bookkeeping fields such as versions aside)."""
    import importlib
    import pkgutil

    import samspil

    offenders = []
    for module_info in pkgutil.walk_packages(samspil.__path__, "samspil."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for form_class in vars(module).values():
            if not (isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)):
                continue
            for name, field in form_class.base_fields.items():
                typed = isinstance(field, (forms.DecimalField, forms.IntegerField, forms.FloatField))
                hidden = isinstance(field.widget, forms.HiddenInput)
                if typed and not hidden and not isinstance(field, (DanishDecimalField, DanishIntegerField)):
                    offenders.append(f"{module_info.name}.{form_class.__name__}.{name}")
    assert offenders == []
