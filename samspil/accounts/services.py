"""Writes about accounts: the TOTP second factor (checking a code, confirming a device, resetting it).

Every outcome is a log line (the user's id, never a code or a secret) and, for an account of a municipality, an
audit event: `account.totp_enrolled`, `account.totp_failed`, `account.totp_reset`.
"""

import logging
import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samspil.accounts.throttle import LoginThrottle
from samspil.audit.services import event_record

logger = logging.getLogger("samspil.accounts")

# Why a code was refused (CodeCheck.refused).
WRONG = "wrong"  # not the code of now (a typing error, an old code, another account's app)
USED = "used"  # the code of a time step already used: django-otp accepts each step once
WAIT = "wait"  # django-otp's back-off after wrong codes (1, 2, 4, 8 … seconds)
LOCKED = "locked"  # the log-in throttle's counter for TOTP codes (or the address's) is at its limit


@dataclass(frozen=True)
class CodeCheck:
    refused: str | None = None  # None: the code was right
    wait_seconds: int = 0  # with WAIT


def _record(*, actor, user, code: str, data: dict | None = None) -> None:
    if user.municipality_id is not None:  # platform operators belong to no municipality: the log line only
        event_record(actor=actor, code=code, municipality_id=user.municipality_id, data=data)


def _used_before(device: TOTPDevice, token: str) -> bool:
    """Would the code have been right, had its time step not been used already?"""
    try:
        number = int(token)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return device.last_t >= 0 and bool(totp.verify(number, device.tolerance, 0))


def totp_check(*, request, user, device: TOTPDevice, token: str) -> CodeCheck:
    """Check `token` against `device` with django-otp (its back-off and its refusal of a used time step) and the
    log-in throttle's TOTP counter. A wrong code counts in both and is recorded."""
    throttle = LoginThrottle(request=request, username=user.get_username(), factor="totp")
    if throttle.locked():
        return CodeCheck(LOCKED)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
        return CodeCheck(WAIT, wait_seconds=max(seconds, 1))
    if verify_token(user, device.persistent_id, token) is not None:
        throttle.clear_user()
        return CodeCheck()
    device.refresh_from_db()
    refused = USED if _used_before(device, token) else WRONG
    throttle.record_failure()
    logger.warning("totp code refused user=%s reason=%s failures=%s", user.pk, refused, device.throttling_failure_count)
    _record(actor=user, user=user, code="account.totp_failed")
    return CodeCheck(LOCKED if throttle.locked() else refused)


@transaction.atomic
def totp_device_confirm(*, actor, device: TOTPDevice) -> TOTPDevice:
    """The code checked out: the enrolment device now counts, and is the user's only one."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    logger.info("totp enrolled user=%s", device.user_id)
    _record(actor=actor, user=device.user, code="account.totp_enrolled")
    return device


@transaction.atomic
def totp_reset(*, actor, user) -> int:
    """An administrator removes the user's TOTP devices (a lost phone): at the next password log-in they enrol
    again, and a session verified with the old device is asked for the new one. Returns how many were removed."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    logger.info("totp reset user=%s by=%s devices=%s", user.pk, getattr(actor, "pk", None), removed)
    _record(actor=actor, user=user, code="account.totp_reset", data={"name": str(user)})
    return removed
