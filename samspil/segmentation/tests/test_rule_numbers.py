"""The candidate rule's thresholds are typed the Danish way, like every other number in Samspil."""

from decimal import Decimal

import pytest
from django.utils import translation

from samspil.segmentation.forms import RuleForm


def rule_form(**values):
    return RuleForm({"combination": "all", "expected_version": 0, **values})


def test_thresholds_are_read_the_danish_way():
    form = rule_form(min_total_dkk="1.234.567,50", top_percent="2,5", min_departments="3")
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert (data["min_total_dkk"], data["top_percent"], data["min_departments"]) == (
        Decimal("1234567.50"),
        Decimal("2.5"),
        3,
    )


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("top_percent", "2.5", "Skriv decimaler med komma"),
        ("min_total_dkk", "1234.50", "Skriv decimaler med komma"),
        ("min_departments", "2,5", "Skriv et helt tal"),
    ],
)
def test_a_dot_as_decimal_point_or_a_fraction_of_a_department_is_refused(field, typed, message):
    with translation.override("da"):
        form = rule_form(**{field: typed})
        assert not form.is_valid()
        assert message in form.errors[field][0]


def test_the_saved_rule_is_shown_back_the_danish_way():
    form = RuleForm(initial={"min_total_dkk": Decimal("12500.00"), "top_percent": Decimal("2.50")})
    assert 'value="12.500,00"' in str(form["min_total_dkk"])
    assert 'value="2,50"' in str(form["top_percent"])
