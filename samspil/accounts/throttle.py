"""Failed log-ins counted per user name and per client address, in the cache (Redis in production).

Two counters, two limits. The user-name counter (`SAMSPIL_LOGIN_MAX_FAILURES`) stops guessing one account's
password; the address counter (`SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS`, higher, because an office's staff may
share one public address) stops trying one password on many accounts. Either counter at its limit refuses
every attempt it covers, the right password included, until it expires `SAMSPIL_LOGIN_LOCK_MINUTES` after its
first failure. A successful log-in clears the user-name counter only: an attacker who owns one account cannot
reset the address counter by logging in to it.

Why not django-axes: it applies one failure limit to every lockout parameter, so a per-address lock would be
as tight as the per-user one (five typing errors in a town hall behind one address would lock out everyone),
and it needs a request on every `authenticate()` call. The counting itself is these few lines.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from samspil.accounts.usernames import client_address, normalise_username


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"samspil:login-failures:{kind}:{digest}"


class LoginThrottle:
    """The counters one log-in attempt falls under: its normalised user name and (with a request) its address.

    `factor` names what is being guessed: "password", or "totp" for the code of the second step
    (`accounts/second_factor.py`). Each has its own user-name counter, so a right password (which clears the
    password counter) does not give back the TOTP guesses; the address counter is shared.
    """

    def __init__(self, *, request, username: str, factor: str = "password"):
        kind = "user" if factor == "password" else f"{factor}-user"
        self.user_key = _key(kind, normalise_username(username))
        self.limits = {self.user_key: settings.SAMSPIL_LOGIN_MAX_FAILURES}
        address = client_address(request) if request is not None else None
        if address:
            self.limits[_key("address", address)] = settings.SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS

    def locked(self) -> bool:
        counts = cache.get_many(list(self.limits))
        return any((counts.get(key) or 0) >= limit for key, limit in self.limits.items())

    def record_failure(self) -> None:
        window = settings.SAMSPIL_LOGIN_LOCK_MINUTES * 60
        for key in self.limits:
            # add() starts the window at the first failure; incr() never extends it.
            cache.add(key, 0, window)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, window)

    def clear_user(self) -> None:
        cache.delete(self.user_key)
