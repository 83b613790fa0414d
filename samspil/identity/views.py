"""The log-in pages and protocol endpoints. Thin: the protocols are in saml.py and oidc.py, the accounts in services.py.

Every endpoint of a provider that is not configured answers 404, as does Demo-MitID outside demo mode.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

from samspil.accounts.backends import SamspilBackend
from samspil.core.redirects import safe_next_url
from samspil.identity import config, saml, services
from samspil.identity.choices import Side
from samspil.identity.refusals import refusal_page

PORTAL_HOME = "/borger/"
RESUBMITTED = "samspil_resubmitted"


def _success_url(side: str, next_url: str) -> str:
    if next_url:
        return next_url
    return PORTAL_HOME if side == Side.CITIZEN else resolve_url(settings.LOGIN_REDIRECT_URL)


def _refused(request, refused: services.Refused, side: str):
    record = services.refusal_record(request=request, refused=refused)
    return refusal_page(request, record=record, side=side)


def _provider_or_404(side: str, protocol: str | None = None) -> config.Provider:
    provider = config.provider(side, protocol)
    if provider is None:
        raise Http404("This log-in is not set up.")
    return provider


@require_GET
@never_cache
def portal_login(request):
    """The portal's log-in page: "Log ind med MitID" (when it is set up) and, in demo mode, Demo-MitID. A citizen
    who is logged in already is shown the way on."""
    next_url = safe_next_url(request)
    context = {
        "next": next_url,
        "logged_in": request.user.is_authenticated and request.user.is_citizen_account,
        "portal_home": next_url or PORTAL_HOME,
        "mitid": config.provider(Side.CITIZEN) is not None,
        "demo": settings.DEMO_MODE,
    }
    return render(request, "identity/portal_login.html", context)


@method_decorator(never_cache, name="dispatch")
class LoginStartView(View):
    """GET: send the browser to the provider of `side` (SAML AuthnRequest or OIDC authorisation request)."""

    side = ""
    http_method_names = ["get", "options"]

    def get(self, request):
        provider = _provider_or_404(self.side)
        next_url = safe_next_url(request)
        try:
            if provider.protocol == config.SAML:
                return redirect(services.saml_login_start(request=request, provider=provider, next_url=next_url))
            return services.oidc_login_start(request=request, provider=provider, next_url=next_url)
        except services.Refused as refused:
            return _refused(request, refused, self.side)


def _without_session_cookie(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.POST.get(RESUBMITTED)


def _resubmit(request):
    """A page that posts the provider's message again, from this site (so the browser sends the session cookie)."""
    fields = [
        (name, request.POST[name]) for name in ("SAMLResponse", "SAMLRequest", "RelayState") if name in request.POST
    ]
    return render(request, "identity/resubmit.html", {"fields": [*fields, (RESUBMITTED, "1")]})


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SamlAcsView(View):
    """POST (HTTP-POST binding): the identity provider's SAMLResponse. Exempt from CSRF: the provider posts it, and
    the answer is bound to this browser by InResponseTo and the signature instead.

    The session cookie is SameSite=Lax, so a browser leaves it out of the provider's cross-site POST. Such a POST
    gets a page that posts the same answer again from this site (with the cookie); `RESUBMITTED` marks that second
    POST, so a browser without a session is refused instead of sent round again.
    """

    side = ""
    http_method_names = ["post", "options"]

    def post(self, request):
        provider = _provider_or_404(self.side, config.SAML)
        saml_response = request.POST.get("SAMLResponse", "")
        if _without_session_cookie(request):
            return _resubmit(request)
        if not saml_response:
            return HttpResponseBadRequest(_("The log-in answer is missing."))
        try:
            result = services.saml_login_finish(request=request, provider=provider, saml_response=saml_response)
        except services.Refused as refused:
            return _refused(request, refused, self.side)
        return redirect(_success_url(self.side, result.next_url))


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SamlSloView(View):
    """Single logout: GET (HTTP-Redirect) or POST (HTTP-POST).

    A LogoutRequest from the provider (it logs the person out everywhere) ends this browser's session if it is
    that person's, and answers with a signed LogoutResponse. A LogoutResponse answers our own LogoutRequest (the
    local session ended when the person pressed "Log ud"): the person is told they are logged out.
    """

    side = ""
    http_method_names = ["get", "post", "options"]

    def get(self, request):
        return self.handle(request, request.GET, BINDING_HTTP_REDIRECT, request.META.get("QUERY_STRING", ""))

    def post(self, request):
        _provider_or_404(self.side, config.SAML)
        if _without_session_cookie(request):  # the provider's cross-site POST: see SamlAcsView
            return _resubmit(request)
        return self.handle(request, request.POST, BINDING_HTTP_POST, "")

    def handle(self, request, params, binding, raw_query):
        provider = _provider_or_404(self.side, config.SAML)
        arguments = {"request": request, "provider": provider, "binding": binding, "params": params}
        if params.get("SAMLRequest"):
            try:
                answer = services.saml_logout_request_handle(**arguments, raw_query=raw_query)
            except saml.SamlRefused as refused:
                services.logger.warning("single logout request refused: %s", refused.reason)
                return HttpResponseBadRequest(_("The log-out message could not be used."))
            return redirect(answer)
        if params.get("SAMLResponse"):
            try:
                services.saml_logout_response_handle(**arguments, raw_query=raw_query)
            except saml.SamlRefused as refused:
                services.logger.warning("single logout response refused: %s", refused.reason)
            messages.success(request, _("You are logged out."))
            return redirect(settings.PORTAL_LOGIN_URL if self.side == Side.CITIZEN else resolve_url(settings.LOGIN_URL))
        return HttpResponseBadRequest(_("The log-out message could not be used."))


class SamlMetadataView(View):
    """GET: the service provider's SAML metadata, to register Samspil with NemLog-in or the municipality."""

    side = ""
    http_method_names = ["get", "options"]

    def get(self, request):
        provider = _provider_or_404(self.side, config.SAML)
        return HttpResponse(saml.metadata_xml(provider), content_type="application/samlmetadata+xml; charset=utf-8")


@method_decorator(never_cache, name="dispatch")
class OidcCallbackView(View):
    """GET: the OpenID Connect provider's answer (code and state) to our authorisation request."""

    side = ""
    http_method_names = ["get", "options"]

    def get(self, request):
        provider = _provider_or_404(self.side, config.OIDC)
        try:
            result = services.oidc_login_finish(request=request, provider=provider)
        except services.Refused as refused:
            return _refused(request, refused, self.side)
        return redirect(_success_url(self.side, result.next_url))


@method_decorator(never_cache, name="dispatch")
class DemoMitIdView(View):
    """Demo-MitID (demo mode only, else 404): GET lists the demo citizen accounts, POST logs in as one of them."""

    http_method_names = ["get", "post", "options"]

    def dispatch(self, request, *args, **kwargs):
        if not settings.DEMO_MODE:
            raise Http404("Demo mode is off.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.page(request)

    def post(self, request):
        account = services.demo_citizen_accounts().filter(public_id=_uuid_or_none(request.POST.get("account"))).first()
        if account is None or not SamspilBackend().may_hold_session(account):
            return self.page(request, error=_("Choose one of the demo citizens."), status=422)
        services.demo_login(request=request, user=account)
        return redirect(safe_next_url(request) or PORTAL_HOME)

    def page(self, request, *, error: str = "", status: int = 200):
        context = {"accounts": services.demo_citizen_accounts(), "next": safe_next_url(request), "error": error}
        return render(request, "identity/demo_mitid.html", context, status=status)


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def logout_response(request):
    """The log-out button's hook (`accounts.views.SamspilLogoutView`): a SAML session starts single logout at its
    provider (a page that forwards the browser, since the CSP's form-action would stop a redirect after the POST);
    a citizen's other sessions end and go to the portal's log-in page. None: the ordinary log-out."""
    side = (request.session.get(services.SAML_SESSION_KEY) or {}).get("side")
    url = services.saml_logout_start(request)
    if url:
        return render(request, "identity/logout_redirect.html", {"url": url, "citizen": side == Side.CITIZEN})
    if request.user.is_authenticated and request.user.is_citizen_account:
        from django.contrib.auth import logout

        logout(request)
        messages.success(request, _("You are logged out."))
        return redirect(settings.PORTAL_LOGIN_URL)
    return None
