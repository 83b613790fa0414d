from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from samspil.accounts import second_factor


class SecondFactorMiddleware:
    """A password log-in that still owes its TOTP code reaches nothing but the TOTP step (`accounts/second_factor.py`).

    Every other page sends it to the code (or, without a confirmed device, to enrolment) with the page as `next`;
    an HTMX request gets `HX-Redirect` (a whole-page load, not a fragment), the API a JSON 403. Open: the TOTP
    pages, log-out (the site's and the admin's), the language switch, static files and `/healthz`.
    Installed after django-otp's OTPMiddleware, which tells whether the session's device verified the user.
    """

    OPEN_URL_NAMES = ("accounts:totp_verify", "accounts:totp_setup", "accounts:logout", "admin:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> frozenset[str]:
        if self._open_paths is None:
            self._open_paths = frozenset(reverse(name) for name in self.OPEN_URL_NAMES) | {"/healthz"}
        return self._open_paths

    def __call__(self, request):
        # The setting first: with TOTP not required, no session or user is loaded here.
        if (
            settings.SAMSPIL_REQUIRE_TOTP
            and not self.is_open(request.path)
            and second_factor.second_factor_pending(request)
        ):
            return self.send_to_second_factor(request)
        return self.get_response(request)

    def is_open(self, path: str) -> bool:
        return path in self.open_paths() or path.startswith(settings.STATIC_URL)

    def send_to_second_factor(self, request):
        if request.path.startswith("/api/"):
            message = _("Enter the code from your authenticator app first: log in on the website.")
            body = {"error": {"code": "second_factor_required", "message": message, "fields": {}}}
            return JsonResponse(body, status=403)
        name = "accounts:totp_verify" if second_factor.confirmed_device(request.user) else "accounts:totp_setup"
        target = reverse(name)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
