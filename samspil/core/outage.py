"""When the database is down, locked or too slow: a Danish 503 page (JSON for the API and `/healthz`) in seconds.

`DatabaseUnavailableMiddleware` (core/middleware.py) sits before the session middleware and uses these helpers.
An error can come from three places, and Django reaches each differently:

- the view: Django calls the middleware's `process_exception`;
- another middleware (the session and user are loaded lazily, the first time e.g. the audit middleware asks
  `request.user.is_authenticated`): Django turns the exception into a 500 inside that middleware's layer, so it
  never reaches ours; Django's `got_request_exception` signal is sent first, and `remember_error` marks the
  request so ours can replace the 500;
- our own layer: a plain `except`.

The page is rendered without the request, so no context processor runs (they read the user, i.e. the
database), and it extends `base_minimal.html`, which needs no context at all.
"""

import logging
import sqlite3

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger("samspil.database")

RETRY_AFTER_SECONDS = 30
# SQLite reports programming errors ("no such table") as OperationalError too; only these mean "try again".
_SQLITE_TRANSIENT = ("locked", "busy", "unable to open", "disk i/o", "readonly database")


def is_database_unavailable(error: BaseException) -> bool:
    """A connection failure, a lost connection, a statement timeout, a locked SQLite file: not a bug."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    if isinstance(error, OperationalError) and (isinstance(error.__cause__, sqlite3.Error) or _default_is_sqlite()):
        message = str(error).lower()
        return any(part in message for part in _SQLITE_TRANSIENT)
    return True


def _default_is_sqlite() -> bool:
    return connections["default"].vendor == "sqlite"


def remember_error(sender, request=None, **kwargs) -> None:
    """`got_request_exception` receiver: note a database outage on the request for the outer middleware."""
    import sys

    error = sys.exc_info()[1]
    if request is not None and error is not None and is_database_unavailable(error):
        request._samspil_database_error = error


def remembered_error(request) -> BaseException | None:
    return getattr(request, "_samspil_database_error", None)


def close_broken_connections() -> None:
    """Close connections that raised, so the next request connects afresh (recovery without a restart).

    Django would test them with a query at the end of the request (`close_if_unusable_or_obsolete`), which on a
    database that hangs would hang too; closing needs no answer from the server. A connection inside an atomic
    block (a test's transaction) is left to whoever opened the block.
    """
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and connection.errors_occurred and not connection.in_atomic_block:
            try:
                connection.close()
            except Exception:  # closing a dead connection may itself fail; it is gone either way
                logger.debug("closing a broken %s connection failed", connection.alias, exc_info=True)


def unavailable_response(request, error: BaseException, *, security_headers: dict[str, str]) -> HttpResponse:
    logger.error("Database unavailable (%s) for %s %s", type(error).__name__, request.method, request.path)
    close_broken_connections()
    if request.path_info.startswith("/healthz"):
        response = JsonResponse(
            {"status": "error", "database": "unavailable", "reason": type(error).__name__}, status=503
        )
    elif request.path_info.startswith("/api/"):
        message = "The database is unavailable. Try again later."
        response = JsonResponse(
            {"error": {"code": "database_unavailable", "message": message, "fields": {}}}, status=503
        )
    else:
        with translation.override(_language(request)):
            try:
                response = HttpResponse(render_to_string("503.html"), status=503)
            except Exception:  # the outage page must not fail in its turn (e.g. a missing static manifest)
                logger.exception("The 503 page could not be rendered")
                text = _("Samspil is temporarily unavailable. Try again in a moment.")
                response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    for name, value in security_headers.items():
        response.setdefault(name, value)
    return response


def _language(request) -> str:
    from django.conf import settings

    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
