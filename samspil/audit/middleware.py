from samspil.audit import context


class AuditContextMiddleware:
    """Gives every request an id and binds the logged-in user, so every audit row can name both."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Always our own id: a client-supplied one could forge or collide with audit rows.
        request_id = context.new_request_id()
        request.request_id = request_id
        actor_id = request.user.pk if request.user.is_authenticated else None
        with context.bound(actor_id=actor_id, request_id=request_id):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response
