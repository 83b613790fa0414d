"""A database that is down, hanging or locked: a 503 in seconds (Danish page; JSON for the API and /healthz),
and recovery without a restart (issue 8, security and fault test)."""

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from samspil.core.outage import is_database_unavailable

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


# --- in the test process: every query fails as on a locked SQLite file ------------------------------------------


def _locked(execute, sql, params, many, context):
    raise OperationalError("database is locked")


@pytest.fixture
def staff_client(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.coordinator)
    return client


def danish(text: str) -> str:
    with translation.override("da"):
        return gettext(text)


def test_a_page_answers_a_danish_503_when_the_database_is_locked(staff_client):
    with connection.execute_wrapper(_locked):
        response = staff_client.get("/forloeb/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30" and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert '<html lang="da">' in page
    assert danish("Samspil is temporarily unavailable") in page
    assert "Content-Security-Policy" in response.headers


def test_the_api_answers_503_json_when_the_database_is_locked(staff_client):
    with connection.execute_wrapper(_locked):
        response = staff_client.get("/api/v1/forloeb/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["error"]["code"] == "database_unavailable"


@pytest.mark.parametrize("with_session", [False, True])
def test_healthz_answers_503_json_with_or_without_a_session_cookie(staff_client, with_session):
    client = staff_client if with_session else Client(raise_request_exception=False)
    with connection.execute_wrapper(_locked):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "reason": "OperationalError"}


def test_healthz_does_not_load_the_session(staff_client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1, and not the session or the user
        assert staff_client.get("/healthz").status_code == 200


def test_the_next_request_works_again_once_the_database_is_back(staff_client):
    with connection.execute_wrapper(_locked):
        assert staff_client.get("/forloeb/").status_code == 503
    assert staff_client.get("/forloeb/").status_code == 200


def test_a_failed_log_in_post_saves_nothing_and_says_503(client, world):
    client.raise_request_exception = False
    with connection.execute_wrapper(_locked):
        response = client.post("/konto/log-ind/", {"username": world.coordinator.username, "password": "x"})
    assert response.status_code == 503 and "_auth_user_id" not in client.session


def test_what_counts_as_unavailable():
    assert is_database_unavailable(InterfaceError("connection already closed"))
    assert not is_database_unavailable(ProgrammingError("syntax error"))
    assert not is_database_unavailable(ValueError("database is locked"))
    locked = OperationalError("database is locked")
    locked.__cause__ = sqlite3.OperationalError("database is locked")
    assert is_database_unavailable(locked)
    # SQLite reports programming errors as OperationalError too: those stay 500s, so bugs are not hidden.
    bug = OperationalError("no such table: x")
    bug.__cause__ = sqlite3.OperationalError("no such table: x")
    assert not is_database_unavailable(bug)


# --- a separate Samspil process against PostgreSQL that is unreachable, hanging, or back ------------------------


class Probe:
    """A Samspil process with its own DATABASE_URL; `.get()` sends it one request and returns its answer."""

    def __init__(self, database_url: str, **env):
        environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
        environment.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="samspil.config.settings", **env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "samspil.core.tests.db_probe"],
            cwd=BASE_DIR,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert json.loads(self.process.stdout.readline()) == {"ready": True}

    def request(self, path, **command) -> dict:
        self.process.stdin.write(json.dumps({"path": path, **command}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the probe process died"
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


@contextlib.contextmanager
def probe(database_url: str, **env):
    running = Probe(database_url, **env)
    try:
        yield running
    finally:
        running.close()


def assert_503_everywhere(running: Probe, *, within: float) -> None:
    answers = {
        "healthz": running.request("/healthz"),
        "healthz with a session cookie": running.request("/healthz", cookie=True),
        "page with a session cookie": running.request("/forloeb/", cookie=True),
        "API with a session cookie": running.request("/api/v1/forloeb/", cookie=True, accept="application/json"),
        "log-in post": running.request("/konto/log-ind/", method="post", data={"username": "a", "password": "b"}),
    }
    for what, answer in answers.items():
        assert answer["status"] == 503, f"{what}: {answer['status']} {answer['body'][:300]}"
        assert answer["seconds"] < within, f"{what} took {answer['seconds']:.1f} s"
        assert answer["retry_after"], what
    assert answers["page with a session cookie"]["content_type"].startswith("text/html")
    for what in ["healthz", "healthz with a session cookie", "API with a session cookie"]:
        assert answers[what]["content_type"] == "application/json", what


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_database_gives_503_within_two_seconds():
    with probe(f"postgres://samspil@127.0.0.1:{_free_port()}/samspil") as running:
        assert_503_everywhere(running, within=2.0)


@contextlib.contextmanager
def silent_listener():
    """Accepts connections on loopback and never says a word: a database that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for sock in accepted:
            sock.close()
        server.close()


def test_a_hanging_database_gives_503_after_the_connect_timeout():
    with silent_listener() as port, probe(f"postgres://samspil@127.0.0.1:{port}/samspil") as running:
        # DATABASE_CONNECT_TIMEOUT is 2 s (libpq's minimum); each request makes one attempt.
        assert_503_everywhere(running, within=3.0)


class Forwarder:
    """A loopback TCP forwarder to the real PostgreSQL that the test switches on and off: an outage and a
    recovery, while the Samspil process keeps running."""

    def __init__(self, port: int, target: tuple[str, int]):
        self.port, self.target = port, target
        self.server = None
        self.sockets: list[socket.socket] = []

    def start(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, args=(self.server, self.stopped), daemon=True)
        self.thread.start()

    def stop(self):
        # Stop accepting first: a socket closed while another thread waits in accept() keeps listening.
        self.stopped.set()
        self.thread.join()
        self.server.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def _accept(self, server, stopped):
        while not stopped.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a PostgreSQL server to come back")
def test_samspil_recovers_without_a_restart_when_postgresql_comes_back():
    db = connection.settings_dict
    forwarder = Forwarder(_free_port(), (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    url = f"postgres://{db['USER']}@127.0.0.1:{forwarder.port}/{db['NAME']}"
    with probe(url) as running:
        assert running.request("/healthz")["status"] == 503  # down from the start
        forwarder.start()
        try:
            assert running.request("/healthz")["status"] == 200
            assert running.request("/forloeb/", cookie=True)["status"] == 302  # the session was looked up
        finally:
            forwarder.stop()
        down = running.request("/forloeb/", cookie=True)  # a kept connection that broke
        assert down["status"] == 503 and down["seconds"] < 2.0
        assert running.request("/healthz")["status"] == 503
        forwarder.start()
        try:
            assert running.request("/healthz")["status"] == 200
            assert running.request("/forloeb/", cookie=True)["status"] == 302
        finally:
            forwarder.stop()
