from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ThrottledAuthenticationForm(AuthenticationForm):
    """Password log-in. The throttle itself is in `SamspilBackend` (see `accounts/throttle.py`); the form only
    says "locked" instead of "wrong password" when the backend refused the attempt for that reason."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong, or the account may not log in here."),
        "locked": _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
    }

    def get_invalid_login_error(self):
        if getattr(self.request, "samspil_login_locked", False):
            return ValidationError(
                self.error_messages["locked"], code="locked", params={"minutes": settings.SAMSPIL_LOGIN_LOCK_MINUTES}
            )
        return super().get_invalid_login_error()
