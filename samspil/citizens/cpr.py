"""CPR numbers: validation (format and date only), encryption at rest, blind index, masking.

The modulus-11 check is deliberately absent: numbers without it have been issued since 2007.
"""

import datetime
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

_FORMAT = re.compile(r"^\s*(\d{6})[-\s]?(\d{4})\s*$")


def normalise(raw: str) -> str:
    """Return the ten digits of a valid CPR number, or raise ValidationError with a clear message."""
    match = _FORMAT.match(raw or "")
    if not match:
        raise ValidationError(_("A CPR number has ten digits, written DDMMYY-SSSS."), code="cpr_format")
    digits = match.group(1) + match.group(2)
    birth = birth_date(digits)
    if birth is None:
        raise ValidationError(_("The first six digits of a CPR number must be a valid date."), code="cpr_date")
    if birth > timezone.localdate():
        raise ValidationError(_("The CPR number gives a birth date in the future."), code="cpr_future")
    return digits


def looks_like_cpr(text: str) -> bool:
    match = _FORMAT.match(text or "")
    return bool(match) and birth_date(match.group(1) + match.group(2)) is not None


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
