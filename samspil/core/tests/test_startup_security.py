"""Start-up refuses keys that cannot protect a CPR number, and the SQLite files are private (issue 8)."""

import os
import stat
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db.utils import ConnectionHandler

GOOD_FERNET = Fernet.generate_key().decode()
GOOD_INDEX = "an-index-key-of-forty-characters-exactly!"


def start(**env) -> subprocess.CompletedProcess:
    """Load the settings in a fresh process with DEBUG off, as a production start-up does."""
    environment = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "samspil.config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_good_keys_start():
    started = start(SAMSPIL_CPR_ENCRYPTION_KEYS=GOOD_FERNET, SAMSPIL_CPR_INDEX_KEY=GOOD_INDEX)
    assert started.returncode == 0, started.stderr[-2000:]


@pytest.mark.parametrize("bad", ["not-a-fernet-key", "c2hvcnQ=", GOOD_FERNET[:-4]], ids=["not-a-key", "short", "cut"])
def test_an_invalid_fernet_key_is_refused_without_showing_it(bad):
    started = start(SAMSPIL_CPR_ENCRYPTION_KEYS=f"{GOOD_FERNET},{bad}", SAMSPIL_CPR_INDEX_KEY=GOOD_INDEX)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert "SAMSPIL_CPR_ENCRYPTION_KEYS: key 2 of 2 is not a Fernet key" in started.stderr
    assert bad not in started.stderr and GOOD_FERNET not in started.stderr


@pytest.mark.parametrize("short", ["x", "bench-only", "a" * 31])
def test_a_short_blind_index_key_is_refused(short):
    started = start(SAMSPIL_CPR_ENCRYPTION_KEYS=GOOD_FERNET, SAMSPIL_CPR_INDEX_KEY=short)
    assert started.returncode != 0
    assert "SAMSPIL_CPR_INDEX_KEY must be at least 32 characters" in started.stderr


def test_the_var_directory_is_private():
    assert stat.S_IMODE((settings.BASE_DIR / "var").stat().st_mode) == 0o700


@pytest.mark.django_db
def test_a_new_sqlite_database_and_its_wal_are_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "private.sqlite3"
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
            }
        }
    )
    connection = handler["default"]
    previous = os.umask(0o022)  # the usual umask: files are created world-readable
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x text)")
            cursor.execute("INSERT INTO t VALUES ('secret')")
        modes = {
            suffix: stat.S_IMODE(os.stat(f"{path}{suffix}").st_mode)
            for suffix in ("", "-wal", "-shm")
            if os.path.exists(f"{path}{suffix}")
        }
    finally:
        os.umask(previous)
        connection.close()
    assert modes[""] == 0o600 and "-wal" in modes
    assert set(modes.values()) == {0o600}, modes


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SAMSPIL_PORTAL_SESSION_MOVE_SECONDS": "1800"},
            "SAMSPIL_PORTAL_SESSION_MOVE_SECONDS must be at least 0 and less than SAMSPIL_PORTAL_SESSION_IDLE_SECONDS",
        ),
        (
            {"SAMSPIL_PORTAL_SESSION_IDLE_SECONDS": "30", "SAMSPIL_PORTAL_SESSION_MOVE_SECONDS": "60"},
            "(60 and 30)",
        ),
        ({"SAMSPIL_PORTAL_SESSION_MOVE_SECONDS": "-1"}, "SAMSPIL_PORTAL_SESSION_MOVE_SECONDS must be at least 0"),
        ({"SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS": "-5"}, "SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS must be 0"),
    ],
    ids=["move-equals-idle", "move-beyond-idle", "negative-move", "negative-figures-age"],
)
def test_timing_settings_that_cannot_work_are_refused(env, message):
    started = start(SAMSPIL_CPR_ENCRYPTION_KEYS=GOOD_FERNET, SAMSPIL_CPR_INDEX_KEY=GOOD_INDEX, **env)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and message in started.stderr


def test_a_portal_window_moved_every_29_minutes_of_30_starts():
    started = start(
        SAMSPIL_CPR_ENCRYPTION_KEYS=GOOD_FERNET,
        SAMSPIL_CPR_INDEX_KEY=GOOD_INDEX,
        SAMSPIL_PORTAL_SESSION_MOVE_SECONDS="1740",
        SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS="0",
    )
    assert started.returncode == 0, started.stderr[-2000:]


def cache_prefix(**env) -> str:
    environment = {"SAMSPIL_CPR_ENCRYPTION_KEYS": GOOD_FERNET, "SAMSPIL_CPR_INDEX_KEY": GOOD_INDEX, **env}
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.cache import cache; print(cache.make_key('k'))",
        ],
        cwd=settings.BASE_DIR,
        env={
            **{name: value for name, value in os.environ.items() if name != "CACHE_KEY_PREFIX"},
            "DJANGO_DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "samspil.config.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 0, started.stderr[-2000:]
    return started.stdout.strip()


def test_deployments_sharing_a_redis_database_keep_their_cache_keys_apart():
    redis = "redis://127.0.0.1:6379/15"
    one = cache_prefix(REDIS_URL=redis, DATABASE_URL="postgres://postgres@127.0.0.1:5432/samspil_one")
    other = cache_prefix(REDIS_URL=redis, DATABASE_URL="postgres://postgres@127.0.0.1:5432/samspil_other")
    assert one == "samspil_one:1:k" and other == "samspil_other:1:k"
    named = cache_prefix(REDIS_URL=redis, DATABASE_URL="postgres://x@h/db", CACHE_KEY_PREFIX="aarhus")
    assert named == "aarhus:1:k"
