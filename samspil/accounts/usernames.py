"""One spelling of a user name, and the client address the log-in throttle counts.

Every path that compares user names goes through `normalise_username`: storing an account, looking it up at
log-in, and the throttle's counter. Spellings that mean the same to a person (fullwidth `ｄｅｍｏ`, `DEMO`,
the ligature `ﬁ`, a trailing space) then reach the same account *and* the same failure counter, so they
cannot be used to get more guesses than the lock allows.
"""

import unicodedata

from django.conf import settings


def normalise_username(value: str | None) -> str:
    """NFKC (compatibility forms: fullwidth letters, ligatures), case-folded, surrounding space removed."""
    return unicodedata.normalize("NFKC", value or "").casefold().strip()


def client_address(request) -> str | None:
    """The address of the client as the nearest trusted proxy saw it.

    With `SAMSPIL_TRUSTED_PROXIES = 0` (no proxy) it is `REMOTE_ADDR`. With n trusted proxies, each appends the
    address it received the request from to `X-Forwarded-For`, so the client is the n-th entry from the right;
    anything further left was written by the client and is not trusted. A header with fewer entries than
    proxies (a request that bypassed one) falls back to `REMOTE_ADDR`.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.SAMSPIL_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
