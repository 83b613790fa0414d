import hashlib

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    return f"samspil:login-failures:{kind}:{digest}"


class ThrottledAuthenticationForm(AuthenticationForm):
    """Password log-in that locks a user name after repeated failures.

    The counters live in the cache (Redis in production), so the lock holds across app servers. There is no
    lock per client address: behind a proxy every client shares one address, and one person's typing errors
    would lock everyone out. Rate limiting per address belongs in the proxy.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong, or the account may not log in here."),
        "locked": _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
    }

    def _keys(self) -> list[str]:
        return [_key("user", (self.data.get("username") or "").strip())]

    def clean(self):
        limit = settings.SAMSPIL_LOGIN_MAX_FAILURES
        window = settings.SAMSPIL_LOGIN_LOCK_MINUTES * 60
        keys = self._keys()
        if any((cache.get(key) or 0) >= limit for key in keys):
            raise ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": settings.SAMSPIL_LOGIN_LOCK_MINUTES}
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            for key in keys:
                cache.add(key, 0, window)
                try:
                    cache.incr(key)
                except ValueError:  # expired between add and incr
                    cache.set(key, 1, window)
            raise
        cache.delete(keys[0])
        return cleaned
