"""CPR numbers typed in other scripts' digits are the same number; impossible and future dates are refused by search
as by registration; the number typed is never written back into the page (issue 8, items 8 and 10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samspil.citizens import cpr, services
from samspil.citizens.models import Citizen
from samspil.segmentation import reader
from tests import factories as f

# Literal numbers, not made by the factories (so the session's CPR watch does not concern them).
ADULT = "0101901234"  # 1 January 1990
FULLWIDTH = "０１０１９０１２３４"
ARABIC_INDIC = "٠١٠١٩٠١٢٣٤"
EXTENDED_ARABIC_INDIC = "۰۱۰۱۹۰-۱۲۳۴"
DEVANAGARI = "०१०१९० १२३४"
SEARCH = "/borgere/soeg/"
CREATE = "/borgere/ny/"


@pytest.mark.parametrize(
    "typed",
    [
        FULLWIDTH,
        ARABIC_INDIC,
        EXTENDED_ARABIC_INDIC,
        DEVANAGARI,
        "０１０１９０－１２３４",
        "010190\u20131234",
        "010190\u00a01234",
    ],
)
def test_digits_of_any_script_are_read_as_the_same_ascii_number(typed):
    digits = cpr.normalise(typed)
    assert digits == ADULT and digits.isascii()
    assert cpr.blind_index(digits) == cpr.blind_index(ADULT)


@pytest.mark.parametrize("typed", ["⁰¹⁰¹⁹⁰¹²³⁴", "⓪①⓪①⑨⓪①②③④", "0101901234\n5", "01019O1234"])
def test_what_is_not_a_decimal_digit_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        cpr.normalise(typed)
    assert refused.value.code == "cpr_format"


def test_an_impossible_date_says_that_the_date_does_not_exist():
    with pytest.raises(ValidationError) as refused:
        cpr.normalise("310299-1234")
    assert refused.value.code == "cpr_date"
    assert "does not exist" in str(refused.value.message) or "findes ikke" in str(refused.value.message)
    assert "310299" not in str(refused.value.message)


@pytest.mark.django_db
def test_the_same_number_in_other_digits_registers_no_second_citizen(world):
    first = services.citizen_create(actor=world.outsider, first_name="Anna", last_name="Berg", cpr_number=ADULT)
    for typed in (FULLWIDTH, ARABIC_INDIC):
        with pytest.raises(services.DuplicateCitizen) as duplicate:
            services.citizen_create(actor=world.outsider, first_name="Anna", last_name="Berg", cpr_number=typed)
        assert duplicate.value.existing == first
    assert Citizen.objects.filter(last_name="Berg").count() == 1


@pytest.mark.django_db
def test_the_registration_page_refuses_the_duplicate_and_does_not_echo_the_number(client, world):
    services.citizen_create(actor=world.outsider, first_name="Anna", last_name="Berg", cpr_number=ADULT)
    client.force_login(world.outsider)
    for typed in (FULLWIDTH, ARABIC_INDIC, "310299-1234"):
        response = client.post(CREATE, {"first_name": "Anna", "last_name": "Berg", "cpr_number": typed})
        assert response.status_code == 422
        assert response.context["form"].errors["cpr_number"]
        content = response.content.decode()
        assert typed not in content and "310299-1234" not in content and ADULT not in content
        assert 'name="cpr_number"' in content  # the field is there, empty
    assert Citizen.objects.filter(last_name="Berg").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [FULLWIDTH, ARABIC_INDIC])
def test_search_finds_the_citizen_by_the_number_in_other_digits(client, world, typed):
    wanted = f.CitizenFactory(municipality=world.municipality, cpr=ADULT, last_name="Sørensen")
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": typed})
    assert response.status_code == 200
    assert response.context["results"] == [wanted]
    assert typed not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("310299-1234", "cpr_date"),  # 31 February
        ("0013901234", "cpr_date"),  # month 13
        ("010150-5000", "cpr_future"),  # 1 January 2050: a real date, not born yet
    ],
)
def test_search_refuses_an_impossible_or_future_date_with_the_reason_and_without_the_number(client, world, typed, code):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": typed})
    assert response.status_code == 422
    errors = response.context["form"].errors.as_data()["query"]
    assert [error.code for error in errors] == [code]
    assert response.context["results"] is None
    content = response.content.decode()
    assert typed not in content and typed.replace("-", "") not in content
    assert str(errors[0].message) in content  # the reason is on the page


@pytest.mark.django_db
def test_a_name_search_keeps_the_name_in_the_field(client, world):
    client.force_login(world.outsider)
    response = client.post(SEARCH, {"query": "Anna Berg"})
    assert 'value="Anna Berg"' in response.content.decode()


def test_a_birth_date_tomorrow_is_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    seventh = "4" if tomorrow.year >= 2000 else "0"
    with pytest.raises(ValidationError) as refused:
        cpr.normalise(f"{tomorrow:%d%m%y}{seventh}000")
    assert refused.value.code == "cpr_future"


@pytest.mark.django_db
def test_the_importer_reads_other_digits_as_the_same_person_and_refuses_them_in_amounts_and_dates():
    checker = reader.RowChecker()
    ascii_row = checker.check(2, [ADULT, "Jobcenter", "JC1", "Mentor", "2026-01-01", "2026-01-31", "100"])
    wide_row = checker.check(3, [FULLWIDTH, "Jobcenter", "JC1", "Mentor", "2026-01-01", "2026-01-31", "100"])
    assert ascii_row.cpr_index == wide_row.cpr_index and wide_row.cpr_digits == ADULT
    amount = checker.check(4, [ADULT, "Jobcenter", "JC1", "Mentor", "2026-01-01", "2026-01-31", "١٠٠"])
    date = checker.check(5, [ADULT, "Jobcenter", "JC1", "Mentor", "٢٠٢٦-٠١-٠١", "2026-01-31", "100"])
    assert not isinstance(amount, reader.GoodRow) and not isinstance(date, reader.GoodRow)
