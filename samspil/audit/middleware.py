import logging

from django.views.defaults import server_error

from samspil.audit import context
from samspil.audit.services import access_log_write

logger = logging.getLogger("samspil.audit")


class AuditContextMiddleware:
    """Gives every request an id and binds the logged-in user, so every audit row can name both; and writes the
    request's access-log rows in one statement once the view is done.

    The rows are collected while the view runs (`context.collecting`) and written here, outside any transaction the
    view opened, so a read in a view whose transaction rolled back is still logged. They are written before the
    response leaves (a streamed file's rows too: they are logged before the response object is returned); if the
    write fails, the response is a server error, never the page without its log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Always our own id: a client-supplied one could forge or collide with audit rows.
        request_id = context.new_request_id()
        request.request_id = request_id
        actor_id = request.user.pk if request.user.is_authenticated else None
        with context.bound(actor_id=actor_id, request_id=request_id), context.collecting() as access_rows:
            response = self.get_response(request)
        try:
            access_log_write(access_rows)
        except Exception:
            logger.exception("access log: the request's %d row(s) could not be written", len(access_rows))
            if hasattr(response, "close"):
                response.close()
            response = server_error(request)
        response["X-Request-Id"] = request_id
        return response
