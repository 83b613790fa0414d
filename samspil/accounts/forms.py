import re

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PASSWORD_LOGIN_OFF = _(
    "Log-in with a user name and password is switched off. Log in through your municipality's log-in instead."
)


class PasswordLoginErrorsMixin:
    """Say why a password log-in was refused when it was not the password: the throttle's lock
    (`accounts/throttle.py`) or password log-in switched off (`SAMSPIL_PASSWORD_LOGIN`). Both checks are in
    `SamspilBackend`, which marks the request; the form only words the answer."""

    def get_invalid_login_error(self):
        if getattr(self.request, "samspil_password_login_off", False):
            return ValidationError(PASSWORD_LOGIN_OFF, code="password_login_off")
        if getattr(self.request, "samspil_login_locked", False):
            return ValidationError(
                _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
                code="locked",
                params={"minutes": settings.SAMSPIL_LOGIN_LOCK_MINUTES},
            )
        return super().get_invalid_login_error()


class ThrottledAuthenticationForm(PasswordLoginErrorsMixin, AuthenticationForm):
    """Password log-in (see `PasswordLoginErrorsMixin`)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong, or the account may not log in here."),
    }


class SamspilAdminAuthenticationForm(PasswordLoginErrorsMixin, AdminAuthenticationForm):
    """The admin's log-in: the same backend, so the same refusals, worded the same way."""


class TotpCodeForm(forms.Form):
    """The six digits an authenticator app shows. Spaces are allowed (some apps show "123 456")."""

    token = forms.CharField(
        label=_("Code from the app"),
        help_text=_("6 digits. The code changes every 30 seconds."),
        max_length=20,
        error_messages={"required": _("Enter the 6-digit code the app shows.")},
        widget=forms.TextInput(
            attrs={
                "class": "form-input input-width-xs",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self):
        token = re.sub(r"[\s\u00a0]", "", self.cleaned_data["token"])
        if not re.fullmatch(r"[0-9]{6}", token):
            raise ValidationError(_("Enter the 6-digit code the app shows, digits only."), code="format")
        return token
