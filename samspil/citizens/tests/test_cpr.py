"""CPR numbers: format and date validation only (never modulus 11), encryption with key rotation, blind index."""

import datetime

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ValidationError
from django.utils import timezone

from samspil.citizens import cpr
from samspil.core.logging import redact_cpr

# Literal numbers, not made by the factories (so the session's CPR watch does not concern them).
ADULT = "0101901234"  # 1 January 1990


def modulus_11_ok(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, (4, 3, 2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0


def error_code(raw: str) -> str:
    with pytest.raises(ValidationError) as caught:
        cpr.normalise(raw)
    return caught.value.code


@pytest.mark.parametrize("raw", ["0101901234", "010190-1234", "  010190-1234 ", "010190 1234"])
def test_normalise_accepts_both_written_forms(raw):
    assert cpr.normalise(raw) == ADULT


@pytest.mark.parametrize(
    "raw", ["", "01019012", "01019012345", "010190  1234", "010190--1234", "0101a01234", "01.01.90-1234", None]
)
def test_normalise_refuses_anything_but_ten_digits(raw):
    assert error_code(raw) == "cpr_format"


@pytest.mark.parametrize("raw", ["3102901234", "0013901234", "0000901234", "3104901234", "2902011234"])
def test_normalise_refuses_a_date_that_does_not_exist(raw):
    # 31 Feb, month 13, day 0, 31 April, 29 Feb in 1901 (no leap year)
    assert error_code(raw) == "cpr_date"


def test_leap_day_is_a_valid_date():
    assert cpr.birth_date("2902961234") == datetime.date(1996, 2, 29)


@pytest.mark.parametrize(
    ("digits", "born"),
    [
        ("0101000000", datetime.date(1900, 1, 1)),  # 7th digit 0-3: always 1900s
        ("0101993999", datetime.date(1999, 1, 1)),
        ("0101364000", datetime.date(2036, 1, 1)),  # 7th digit 4 or 9: 2000-2036 ...
        ("0101374000", datetime.date(1937, 1, 1)),  # ... otherwise 1937-1999
        ("0101369000", datetime.date(2036, 1, 1)),
        ("0101379000", datetime.date(1937, 1, 1)),
        ("0101575000", datetime.date(2057, 1, 1)),  # 7th digit 5-8: 2000-2057 ...
        ("0101588000", datetime.date(1858, 1, 1)),  # ... otherwise 1858-1899
        ("0101996999", datetime.date(1899, 1, 1)),
    ],
)
def test_seventh_digit_selects_the_century(digits, born):
    assert cpr.birth_date(digits) == born


def test_birth_date_in_the_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    digits = f"{tomorrow:%d%m%y}5000"  # 7th digit 5 puts years up to 57 in the 2000s
    assert cpr.birth_date(digits) == tomorrow
    assert error_code(digits) == "cpr_future"


def test_born_today_is_accepted():
    today = timezone.localdate()
    assert cpr.normalise(f"{today:%d%m%y}5000") == f"{today:%d%m%y}5000"


@pytest.mark.parametrize("digits", ["0101901234", "0101900001", "1508071230"])
def test_numbers_failing_modulus_11_are_accepted(digits):
    assert not modulus_11_ok(digits)  # the premise: these fail the old check
    assert cpr.normalise(digits) == digits


def test_looks_like_cpr_tells_numbers_from_names():
    assert cpr.looks_like_cpr("010190-1234")
    assert not cpr.looks_like_cpr("3102901234")
    assert not cpr.looks_like_cpr("Jensen")


def test_mask_and_formatted():
    assert cpr.mask(ADULT) == "010190-••••"
    assert cpr.formatted(ADULT) == "010190-1234"


def test_encrypt_decrypt_roundtrip_hides_the_number():
    token = cpr.encrypt(ADULT)
    assert ADULT not in token
    assert cpr.decrypt(token) == ADULT
    assert cpr.encrypt(ADULT) != token  # a fresh IV each time: equal numbers do not give equal ciphertexts


def test_blind_index_is_stable_keyed_and_not_the_number(settings):
    index = cpr.blind_index(ADULT)
    assert index == cpr.blind_index(ADULT)
    assert len(index) == 64 and ADULT not in index
    assert index != cpr.blind_index("0101901235")
    settings.CPR_INDEX_KEY = "another-key"
    assert cpr.blind_index(ADULT) != index


def test_key_rotation_decrypts_old_tokens_and_encrypts_with_the_new_key(settings):
    old_key = settings.CPR_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    old_token = cpr.encrypt(ADULT)

    settings.CPR_ENCRYPTION_KEYS = [new_key, old_key]
    assert cpr.decrypt(old_token) == ADULT
    new_token = cpr.encrypt(ADULT)
    assert Fernet(new_key.encode()).decrypt(new_token.encode()).decode() == ADULT

    settings.CPR_ENCRYPTION_KEYS = [new_key]  # the old key retired
    assert cpr.decrypt(new_token) == ADULT
    with pytest.raises(InvalidToken):
        cpr.decrypt(old_token)


def test_log_redaction_masks_both_forms():
    assert redact_cpr(f"user typed {ADULT} and 010190-1234") == "user typed 010190-**** and 010190-****"
    assert redact_cpr("or 010190 1234") == "or 010190-****"  # the form accepts a space too
    assert redact_cpr("order 123456789012 on 2024-01-01") == "order 123456789012 on 2024-01-01"
