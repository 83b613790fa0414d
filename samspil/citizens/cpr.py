"""CPR numbers: validation (format and date only), encryption at rest, blind index, masking.

The modulus-11 check is deliberately absent: numbers without it have been issued since 2007.
"""

import datetime
import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# ASCII only (re.ASCII): `\d` would also match fullwidth, Arabic-Indic and every other script's digits, and the
# same number typed in another script must never become a second citizen. Such digits are turned into ASCII first
# (`_ascii`), so the blind index is always of the ten ASCII digits.
_FORMAT = re.compile(r"^ *([0-9]{6})[- ]?([0-9]{4}) *$", re.ASCII)
# Dashes a keyboard or a copied text may give instead of "-" (hyphen, non-breaking hyphen, figure dash, en dash,
# minus sign, fullwidth hyphen-minus).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"), "-")


def _ascii(raw: str) -> str:
    """Every decimal digit of any script as its ASCII digit, any space as " ", any dash as "-"; the rest unchanged.

    Only decimal digits (Unicode category Nd) count: a superscript or a circled digit stays what it is and fails the
    format check.
    """
    chars = []
    for char in (raw or "").translate(_DASHES):
        if char.isspace():
            chars.append(" ")
        elif not char.isascii() and unicodedata.decimal(char, None) is not None:
            chars.append(str(unicodedata.decimal(char)))
        else:
            chars.append(char)
    return "".join(chars)


def _digits(raw: str) -> str | None:
    """The ten ASCII digits if `raw` is written like a CPR number (DDMMYY-SSSS, DDMMYY SSSS, DDMMYYSSSS), else None."""
    match = _FORMAT.match(_ascii(raw))
    return match.group(1) + match.group(2) if match else None


def normalise(raw: str) -> str:
    """Return the ten ASCII digits of a valid CPR number, or raise ValidationError with a clear message.

    Digits of other scripts are read as the same digits (normalised before validation, the blind index and search).
    The message never repeats the number.
    """
    digits = _digits(raw)
    if digits is None:
        raise ValidationError(_("A CPR number has ten digits, written DDMMYY-SSSS."), code="cpr_format")
    birth = birth_date(digits)
    if birth is None:
        raise ValidationError(
            _("The date in the CPR number does not exist: the first six digits must be a real day, month and year."),
            code="cpr_date",
        )
    if birth > timezone.localdate():
        raise ValidationError(_("The CPR number gives a birth date in the future."), code="cpr_future")
    return digits


def written_like_cpr(text: str) -> bool:
    """Ten digits written the way a CPR number is, whether or not they make a valid one (search says which)."""
    return _digits(text) is not None


def looks_like_cpr(text: str) -> bool:
    """Written like a CPR number and the first six digits are a real date."""
    digits = _digits(text)
    return digits is not None and birth_date(digits) is not None


def birth_date(digits: str) -> datetime.date | None:
    """The birth date encoded in a CPR number; the seventh digit selects the century."""
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:  # 5-8
        century = 2000 if yy <= 57 else 1800
    try:
        return datetime.date(century + yy, month, day)
    except ValueError:
        return None


def mask(digits: str) -> str:
    return f"{digits[:6]}-••••"


def formatted(digits: str) -> str:
    return f"{digits[:6]}-{digits[6:]}"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(digits: str) -> str:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).encrypt(digits.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def blind_index(digits: str) -> str:
    """A keyed hash that finds a citizen by CPR number without storing it in clear."""
    return hmac.new(settings.CPR_INDEX_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()
