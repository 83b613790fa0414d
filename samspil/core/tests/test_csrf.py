"""One masked CSRF token per request (`core.csrf.request_token`)."""

from django.middleware.csrf import _unmask_cipher_token, get_token, rotate_token
from django.test import RequestFactory

from samspil.core import csrf


def test_a_request_is_given_one_token_for_its_secret(monkeypatch):
    request = RequestFactory().get("/")
    masked = []

    def counted(request):
        masked.append(request)
        return get_token(request)

    monkeypatch.setattr(csrf, "get_token", counted)
    first = csrf.request_token(request)
    assert csrf.request_token(request) == first and len(masked) == 1
    assert _unmask_cipher_token(first) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]


def test_a_rotated_secret_gets_a_new_token():
    request = RequestFactory().get("/")
    before = csrf.request_token(request)
    rotate_token(request)  # as a log-in does
    after = csrf.request_token(request)
    assert after != before and _unmask_cipher_token(after) == request.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(before) != request.META["CSRF_COOKIE"]
