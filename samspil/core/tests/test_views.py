"""The health check load balancers and monitoring poll."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_is_503_with_a_reason_when_the_database_is_down(client):
    with mock.patch("samspil.core.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["database"] == "unavailable"
    assert body["reason"] == "OperationalError"
    assert "connection refused" not in response.content.decode()  # no internals leak to the outside


def test_healthz_answers_get_only(client):
    assert client.post("/healthz").status_code == 405


def test_home_sends_an_anonymous_visitor_to_log_in_and_back(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/konto/log-ind/?next=/"


def test_pages_forbid_framing_and_inline_scripts(client):
    response = client.get("/konto/log-ind/")
    assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in response["Content-Security-Policy"]
