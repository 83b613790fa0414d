import time

from django.conf import settings

# The session key holding when a citizen's idle window was last moved on (seconds since the epoch).
MOVED_AT_SESSION_KEY = "portal_idle_window_moved_at"


class CitizenSessionMiddleware:
    """A citizen's session ends after `PORTAL_SESSION_IDLE_SECONDS` (30 minutes) without a request.

    A request of a citizen account moves the expiry on (a sliding window), but at most once every
    `PORTAL_SESSION_MOVE_SECONDS` (a minute): moving it writes the session, and a write on every page view is the
    portal's cost without a gain. So the session ends between 29 and 30 minutes after the last request, never
    later. Staff sessions keep the site's setting. The session holds the account's id only, never the CPR number.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_citizen_account", False):
            self.move_window(request.session)
        return self.get_response(request)

    @staticmethod
    def move_window(session) -> None:
        now = int(time.time())
        moved_at = session.get(MOVED_AT_SESSION_KEY)
        if isinstance(moved_at, int) and 0 <= now - moved_at < settings.PORTAL_SESSION_MOVE_SECONDS:
            return
        session.set_expiry(settings.PORTAL_SESSION_IDLE_SECONDS)
        session[MOVED_AT_SESSION_KEY] = now
