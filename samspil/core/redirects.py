"""Where to send the user after a form: a `next` given by the page, when it is a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request) -> str:
    """The POSTed (or queried) `next`, if it stays on this host; else the empty string (never an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
