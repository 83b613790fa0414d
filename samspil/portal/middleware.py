from django.conf import settings


class CitizenSessionMiddleware:
    """A citizen's session ends after `PORTAL_SESSION_IDLE_SECONDS` (30 minutes) without a request.

    Every request of a citizen account moves the expiry on (a sliding window); staff sessions keep the site's
    setting. The session holds the account's id only, never the CPR number.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_citizen_account", False):
            request.session.set_expiry(settings.PORTAL_SESSION_IDLE_SECONDS)
        return self.get_response(request)
