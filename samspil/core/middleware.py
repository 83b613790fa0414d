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
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
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
