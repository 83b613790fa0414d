"""The second step of a password log-in: a TOTP code from an authenticator app (django-otp).

How the session logged in is kept in `request.session[LOGIN_METHOD_SESSION_KEY]`:

- "password": set by `remember_password_log_in` (the `user_logged_in` signal) when `SamspilBackend` checked a
  password in this request, on the log-in page or the admin's;
- "staff_saml", "staff_oidc", "mitid_saml", "mitid_oidc", "demo_mitid": set by `samspil.identity` when an identity
  provider logged the user in. The provider did the strong authentication, so Samspil asks for no code.

TOTP applies to "password" only, and only to staff and partner accounts (citizens never have a password). A
staff or partner session that names no method counts as "password": a session from before this setting, or one
made by code that forgot to say how, fails closed. With `SAMSPIL_REQUIRE_TOTP` off nobody is asked.

Until the code is verified (django-otp's `user.is_verified()`), `accounts.middleware.SecondFactorMiddleware`
lets the session reach only the TOTP pages and log-out. A user without a confirmed device is taken through
enrolment first: a QR code and the secret for typing, confirmed with a code before the device counts.
"""

import base64

import segno
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_METHOD_SESSION_KEY = "samspil_login_method"
PASSWORD = "password"  # noqa: S105 (a log-in method, not a password)

METHOD_LABELS = {
    PASSWORD: _("user name and password"),
    "staff_saml": _("the municipality's log-in (SAML)"),
    "staff_oidc": _("the municipality's log-in (OpenID Connect)"),
    "mitid_saml": _("MitID"),
    "mitid_oidc": _("MitID"),
    "demo_mitid": _("Demo-MitID"),
}

DEVICE_NAME = "Samspil"


def login_method(request) -> str:
    """How this session logged in; "password" when it does not say (see the module's docstring)."""
    return request.session.get(LOGIN_METHOD_SESSION_KEY) or PASSWORD


def totp_required(request) -> bool:
    """Does this session need a TOTP code: a password log-in of a staff or partner account, with TOTP required."""
    if not settings.SAMSPIL_REQUIRE_TOTP:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not (user.is_staff_account or user.is_partner_account):
        return False
    return login_method(request) == PASSWORD


def is_verified(user) -> bool:
    """django-otp's verdict (OTPMiddleware installs it on the request's user); False without the middleware."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_pending(request) -> bool:
    return totp_required(request) and not is_verified(request.user)


def remember_password_log_in(sender, request, user, **kwargs) -> None:
    """`user_logged_in`: a log-in whose password `SamspilBackend` checked is a "password" session."""
    if request is not None and getattr(request, "samspil_password_login", False):
        request.session[LOGIN_METHOD_SESSION_KEY] = PASSWORD


# --- devices -------------------------------------------------------------------------------------------------


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed device: the same one (and secret) on every visit until it is confirmed, so reloading
    the page does not undo a QR code already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it (base32), in groups of four: "ABCD EFGH …"."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's `otpauth://` address as an inline SVG QR code (the page's CSP allows no inline style; segno
    writes none). The secret is in the code, so the page is shown only during enrolment."""
    title = _("QR code for the authenticator app")
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=4, light="#fff", title=str(title))
    # role="img" with its <title> names it for screen readers; the secret is also on the page as text.
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # segno escapes what it writes
