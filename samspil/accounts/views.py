from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django_otp import login as otp_login

from samspil.access.views import RoleRequiredMixin, deny
from samspil.accounts import second_factor, services
from samspil.accounts.forms import ThrottledAuthenticationForm, TotpCodeForm
from samspil.core.redirects import safe_next_url

DEMO_USERS = [
    ("demo-koordinator", _("Coordinator in children and youth")),
    ("demo-fagperson", _("Job-centre caseworker on some teams")),
    ("demo-udenfor", _("Staff member on no team")),
    ("demo-leder", _("Department head: aggregates only")),
    ("demo-controller", _("Controller: economy and segmentation, figures only")),
    ("demo-projektleder", _("Project leader: programmes, their results and the drop-in centres")),
    ("demo-admin", _("Administrator: configuration only")),
    ("demo-vaerested", _("Drop-in staff at a drop-in centre: the conversations at their own centre")),
]


class SamspilLoginView(auth_views.LoginView):
    """The log-in page: the password form (unless `SAMSPIL_PASSWORD_LOGIN` is off) and the identity providers.

    After a password the session is a "password" log-in, and the first page it asks for sends it to the TOTP step
    when TOTP is required (`accounts.middleware.SecondFactorMiddleware`).
    """

    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_login"] = settings.SAMSPIL_PASSWORD_LOGIN
        context["demo_users"] = DEMO_USERS if settings.DEMO_MODE and settings.SAMSPIL_PASSWORD_LOGIN else []
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if not settings.SAMSPIL_PASSWORD_LOGIN:
            response.status_code = 403  # refused whatever was typed: password log-in is off
        return response


class SamspilLogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        # A SAML session ends at its identity provider too (single logout); a citizen goes to the portal's log-in.
        from samspil.identity.views import logout_response

        return logout_response(request) or super().post(request, *args, **kwargs)


# --- the second factor ---------------------------------------------------------------------------------------


def _may_use_a_password(user) -> bool:
    return user.is_staff_account or user.is_partner_account


class SecondFactorStepMixin(LoginRequiredMixin):
    """The TOTP pages: only for a session that owes its code (anyone else is sent on to `next`, or home); citizens'
    accounts, which never log in with a password, get 404."""

    template_name: str

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not _may_use_a_password(request.user):
            deny(request)
        if not second_factor.second_factor_pending(request):
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def next_url(self) -> str:
        return safe_next_url(self.request) or resolve_url(settings.LOGIN_REDIRECT_URL)

    def step_url(self, name: str) -> str:
        next_url = safe_next_url(self.request)
        return reverse(name) + (f"?{urlencode({'next': next_url})}" if next_url else "")

    def render_step(self, form, *, device, status=200):
        context = {"form": form, "next": safe_next_url(self.request), **self.extra_context_for(device)}
        return render(self.request, self.template_name, context, status=status)

    def extra_context_for(self, device) -> dict:
        return {}

    def check(self, form, device):
        """The code on the form checked against `device`: None when right, else the form with its error."""
        if not form.is_valid():
            return form
        result = services.totp_check(
            request=self.request, user=self.request.user, device=device, token=form.cleaned_data["token"]
        )
        if result.refused is None:
            return None
        form.add_error("token", _refusal_message(result))
        return form

    def verified(self, device):
        """The second factor is done: django-otp's session mark, a new session key, on to the page asked for."""
        otp_login(self.request, device)
        self.request.session.cycle_key()
        return redirect(self.next_url())


def _refusal_message(result: services.CodeCheck) -> str:
    if result.refused == services.USED:
        return _("This code has already been used. Wait until the app shows a new code, and enter that.")
    if result.refused == services.WAIT:
        return ngettext(
            "Too many wrong codes. Wait %(seconds)d second and try again.",
            "Too many wrong codes. Wait %(seconds)d seconds and try again.",
            result.wait_seconds,
        ) % {"seconds": result.wait_seconds}
    if result.refused == services.LOCKED:
        return _("Too many failed attempts. Wait %(minutes)s minutes and try again.") % {
            "minutes": settings.SAMSPIL_LOGIN_LOCK_MINUTES
        }
    return _(
        "The code is wrong or has expired. Enter the code the app shows now; it changes every 30 seconds. "
        "Check that the app's clock is right."
    )


class TotpVerifyView(SecondFactorStepMixin, View):
    """Step two of a password log-in: the code from the user's confirmed authenticator app."""

    template_name = "accounts/totp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.device = None
        return super().dispatch(request, *args, **kwargs)

    def load_device(self):
        self.device = second_factor.confirmed_device(self.request.user)
        return self.device

    def get(self, request):
        if self.load_device() is None:
            return redirect(self.step_url("accounts:totp_setup"))
        return self.render_step(TotpCodeForm(), device=self.device)

    def post(self, request):
        if self.load_device() is None:
            return redirect(self.step_url("accounts:totp_setup"))
        refused = self.check(TotpCodeForm(request.POST), self.device)
        if refused is not None:
            return self.render_step(refused, device=self.device, status=422)
        return self.verified(self.device)


class TotpSetupView(SecondFactorStepMixin, View):
    """Enrolment, for a password log-in without a confirmed device: scan the QR code (or type the secret), then
    prove it with a code; only then does the device count."""

    template_name = "accounts/totp_setup.html"

    def extra_context_for(self, device) -> dict:
        return {"qr_code": second_factor.qr_code_svg(device), "secret": second_factor.secret_for_typing(device)}

    def get(self, request):
        if second_factor.confirmed_device(request.user) is not None:
            return redirect(self.step_url("accounts:totp_verify"))
        return self.render_step(TotpCodeForm(), device=second_factor.enrolment_device(request.user))

    def post(self, request):
        if second_factor.confirmed_device(request.user) is not None:
            return redirect(self.step_url("accounts:totp_verify"))
        device = second_factor.enrolment_device(request.user)
        refused = self.check(TotpCodeForm(request.POST), device)
        if refused is not None:
            return self.render_step(refused, device=device, status=422)
        services.totp_device_confirm(actor=request.user, device=device)
        return self.verified(device)


class SecurityView(RoleRequiredMixin, View):
    """How the user logged in, and whether their two-factor authentication is set up (staff and partners)."""

    role_check = staticmethod(_may_use_a_password)

    def get(self, request):
        device = second_factor.confirmed_device(request.user)
        method = second_factor.login_method(request)
        context = {
            "device": device,
            "method": second_factor.METHOD_LABELS.get(method, method),
            "password_session": method == second_factor.PASSWORD,
            "totp_required": settings.SAMSPIL_REQUIRE_TOTP,
            "password_login": settings.SAMSPIL_PASSWORD_LOGIN,
        }
        return render(request, "accounts/security.html", context)
