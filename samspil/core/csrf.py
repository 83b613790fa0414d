from django.middleware.csrf import get_token


def request_token(request) -> str:
    """The CSRF token of the request's forms: Django's `get_token`, masked once per request.

    `get_token` masks the secret afresh on every call (32 characters drawn from the OS one at a time), and a page that
    renders its parts apart (the layout, kept fragments, the plan's forms) asked for it three times or more. One
    response carries one token, as one rendering of `{% csrf_token %}` does; a new mask per response is what guards
    against BREACH. When the secret changes (a log-in rotates it), the token is made again.
    """
    kept = getattr(request, "_samspil_csrf_token", None)
    if kept is not None and kept[0] == request.META.get("CSRF_COOKIE"):
        return kept[1]
    token = get_token(request)
    request._samspil_csrf_token = (request.META["CSRF_COOKIE"], token)
    return token
