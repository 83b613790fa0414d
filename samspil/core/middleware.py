class SecurityHeadersMiddleware:
    """Headers Django does not set by itself: a strict content security policy and no caching of case data."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.setdefault("Content-Security-Policy", self.CSP)
        # Judged by the session cookie, not by `request.user`: asking the user would load the session and the
        # user from the database on every response, including the 503 sent while the database is down.
        from django.conf import settings

        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response.setdefault("Cache-Control", "no-store")
        return response


class HtmxLoginRedirectMiddleware:
    """An HTMX request whose session has expired must reload the whole page to the log-in form,
    not swap the log-in page into a part of the current one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code in (301, 302):
            from django.conf import settings
            from django.shortcuts import resolve_url

            if response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
                response.status_code = 204
                response["HX-Redirect"] = response["Location"]
                del response["Location"]
        return response


class DanishFirstLocaleMiddleware:
    """Danish unless the user has chosen otherwise: the browser's language preference is not used,
    so an English-language browser still gets the Danish UI (the language switch sets a cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DemoNotFoundMiddleware:
    """In demo mode (which runs with DEBUG on) a missing page shows the site's Danish 404 page, as in production.

    With DEBUG on, Django answers an `Http404` with its technical "yellow" page, which is right for a developer
    and wrong in front of a demo audience. A 404 raised by a view is caught in `process_exception`; a URL that
    matches no pattern never reaches a view (the resolver fails first, so `request.resolver_match` stays unset)
    and is replaced on the way out. A 404 a view *returns* as a response is left alone. Outside demo mode nothing
    changes: developers keep the technical page, and with DEBUG off Django renders 404.html itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        from django.conf import settings

        return settings.DEBUG and getattr(settings, "DEMO_MODE", False)

    @staticmethod
    def _not_found(request, exception):
        from django.urls import get_resolver

        return get_resolver().resolve_error_handler(404)(request, exception)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and self._active() and getattr(request, "resolver_match", None) is None:
            from django.http import Http404

            return self._not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and self._active():
            return self._not_found(request, exception)
        return None


class DatabaseUnavailableMiddleware:
    """A database that is down, locked or too slow gives a 503 (a Danish page; JSON for `/api/` and `/healthz`)
    with `Retry-After`, never a 500, and the broken connection is closed so the next request reconnects.

    Placed before the session middleware, so it also catches the session and user look-ups that other
    middleware trigger (see core/outage.py). `/healthz` is answered here, before any session or user is
    loaded: a probe with a session cookie gets the same answer as one without.
    """

    HEALTHZ_PATH = "/healthz"

    def __init__(self, get_response):
        from django.core.signals import got_request_exception

        from samspil.core import outage

        self.get_response = get_response
        got_request_exception.connect(outage.remember_error, dispatch_uid="samspil.core.outage.remember_error")

    def __call__(self, request):
        from samspil.core import outage

        try:
            if request.path_info == self.HEALTHZ_PATH:
                from samspil.core.views import healthz

                return healthz(request)
            response = self.get_response(request)
        except Exception as error:
            if not outage.is_database_unavailable(error):
                raise
            return self._unavailable(request, error)
        error = outage.remembered_error(request)
        return self._unavailable(request, error) if error is not None else response

    def process_exception(self, request, exception):
        from samspil.core import outage

        if outage.is_database_unavailable(exception):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request, error):
        from samspil.core import outage

        return outage.unavailable_response(
            request, error, security_headers={"Content-Security-Policy": SecurityHeadersMiddleware.CSP}
        )
