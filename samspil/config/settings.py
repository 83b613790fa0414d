"""Settings for Samspil. Every value comes from the environment; `.env.example` documents them."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Demo mode lets the demo users log in. It is refused unless DEBUG is on as well.
DEMO_MODE = env.bool("SAMSPIL_DEMO_MODE", default=False) and DEBUG
# The benchmark's own pages (samspil/demo/urls.py: the floor view) are mounted only when this is on; `make bench`
# sets SAMSPIL_BENCH=1 for its own server. Never in production.
SAMSPIL_BENCH = env.bool("SAMSPIL_BENCH", default=False)

_DEV_ONLY = "insecure-development-only"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_ONLY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# CPR numbers are encrypted with Fernet (the first key encrypts; all keys decrypt, so keys can be
# rotated) and found through an HMAC-SHA256 blind index. Both keys live outside the database.
_DEV_FERNET_KEY = "c2Ftc3BpbC1kZXZlbG9wbWVudC1vbmx5LWtleS0wMDA="
_DEV_INDEX_KEY = "samspil-development-only-blind-index-key"
CPR_ENCRYPTION_KEYS = env.list("SAMSPIL_CPR_ENCRYPTION_KEYS", default=[_DEV_FERNET_KEY] if DEBUG else [])
CPR_INDEX_KEY = env.str("SAMSPIL_CPR_INDEX_KEY", default=_DEV_INDEX_KEY if DEBUG else "")
if not CPR_ENCRYPTION_KEYS or not CPR_INDEX_KEY:
    raise ImproperlyConfigured(
        "SAMSPIL_CPR_ENCRYPTION_KEYS and SAMSPIL_CPR_INDEX_KEY must be set when DJANGO_DEBUG is off."
    )


def _check_cpr_keys(encryption_keys: list[str], index_key: str) -> None:
    """Refuse to start with keys that would fail on the first CPR number, or protect it poorly. The messages name
    the setting and the position of the bad key, never the key."""
    from cryptography.fernet import Fernet

    for position, key in enumerate(encryption_keys, start=1):
        try:
            Fernet(key.encode())  # as citizens.cpr builds them
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"SAMSPIL_CPR_ENCRYPTION_KEYS: key {position} of {len(encryption_keys)} is not a Fernet key "
                '(32 url-safe base64-encoded bytes). Generate one with: python -c "from cryptography.fernet '
                'import Fernet; print(Fernet.generate_key().decode())"'
            ) from None
    if len(index_key.encode()) < 32:
        raise ImproperlyConfigured(
            "SAMSPIL_CPR_INDEX_KEY must be at least 32 characters (an HMAC key as strong as the hash). Generate "
            'one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


_check_cpr_keys(CPR_ENCRYPTION_KEYS, CPR_INDEX_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "samspil.core",
    "samspil.accounts",
    "samspil.organisations",
    "samspil.citizens",
    "samspil.pathways",
    "samspil.plans",
    "samspil.meetings",
    "samspil.reminders",
    "samspil.economy",
    "samspil.segmentation",
    "samspil.access",
    "samspil.audit",
    "samspil.demo",
    "samspil.api",
    "samspil.identity",
    "samspil.portal",
    "samspil.documents",
    "samspil.results",
    "samspil.evaluation",
    "samspil.implementation",
    "samspil.outreach",
    "samspil.assessments",
    "samspil.coreteams",
    "samspil.partners",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that loads the session or the user: a database outage becomes a 503, and /healthz is
    # answered here without touching the session.
    "samspil.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samspil.core.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A password log-in reaches nothing but the TOTP step until its second factor is verified.
    "samspil.accounts.middleware.SecondFactorMiddleware",
    "samspil.portal.middleware.CitizenSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "samspil.audit.middleware.AuditContextMiddleware",
    "samspil.core.middleware.SecurityHeadersMiddleware",
    "samspil.core.middleware.HtmxLoginRedirectMiddleware",
    "samspil.core.middleware.DemoNotFoundMiddleware",
]

ROOT_URLCONF = "samspil.config.urls"
WSGI_APPLICATION = "samspil.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "samspil" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "samspil.core.context_processors.samspil",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL. var/ holds the SQLite file, uploads and
# the private import files: readable by the app's own user only (the SQLite files themselves are made 0600 by
# core.sqlite when a connection opens them).
VAR_DIR.mkdir(mode=0o700, exist_ok=True)
try:
    if VAR_DIR.stat().st_mode & 0o077:
        VAR_DIR.chmod(0o700)
except OSError:  # not ours to change (e.g. a mounted volume): its owner decides
    pass
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'samspil.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    # A database that does not answer must cost a request seconds, not minutes: the connection attempt gives up
    # after DATABASE_CONNECT_TIMEOUT and the server cancels a statement after DATABASE_STATEMENT_TIMEOUT (0: no
    # limit; give `migrate` and long imports 0 or more). core.middleware.DatabaseUnavailableMiddleware turns the
    # error into a 503.
    _pg_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2))
    _server_settings = [_pg_options["options"]] if _pg_options.get("options") else []
    # PostgreSQL's JIT compiler spends a second compiling the access-policy queries (many small EXISTS
    # subqueries) to save milliseconds; for short interactive queries it only costs. See docs/benchmarks.md.
    if env.bool("DATABASE_DISABLE_JIT", default=True):
        _server_settings.append("-c jit=off")
    _statement_timeout = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
    if _statement_timeout > 0:
        _server_settings.append(f"-c statement_timeout={_statement_timeout}s")
    if _server_settings:
        _pg_options["options"] = " ".join(_server_settings)
    # The kept queries (`core.db.precompiled_rows`: the rights, the worklist, the plan's goals) run as prepared
    # statements whatever the threshold; DATABASE_PREPARE_KEPT_QUERIES=0 turns that off (see core/db.py).
    DATABASES["default"]["PREPARE_KEPT_QUERIES"] = env.bool("DATABASE_PREPARE_KEPT_QUERIES", default=True)
    if DATABASES["default"]["PREPARE_KEPT_QUERIES"]:
        # psycopg prepares nothing on a connection whose threshold is None (Django's default), not even when asked
        # to. Django's cursors bind on the client and never prepare, whatever the threshold; only the kept queries'
        # cursors ask for it.
        _pg_options.setdefault("prepare_threshold", 1_000_000)
    # Server-side prepared statements (opt-in): psycopg prepares a query after DATABASE_PREPARE_THRESHOLD runs on a
    # connection and PostgreSQL then skips planning it (the access-rights query of every pathway page is planned in
    # ~3 ms and run in ~0.2 ms). Needs server-side parameter binding, which changes how every query is sent, and
    # breaks behind PgBouncer in transaction mode before 1.21 (max_prepared_statements). Off (empty) by default.
    # See docs/architecture.md, "Index-backed scope and the cost of the rights query".
    _prepare_threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="")
    if _prepare_threshold:
        _pg_options["server_side_binding"] = True
        _pg_options["prepare_threshold"] = int(_prepare_threshold)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when configured, backs the cache, the sessions and Celery.
REDIS_URL = env.str("REDIS_URL", default="")
# Every cache key starts with this: two deployments that share a Redis database (a test and a production site, two
# municipalities' sites) never read each other's entries. Without it, one would show the other's kept worklist
# facts and page bodies, count the other's failed log-ins, and find the other's sessions (refused
# only by the user's session hash). By default the database's name, which differs between deployments on one
# database server.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="") or str(DATABASES["default"]["NAME"])
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": CACHE_KEY_PREFIX}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# How long the rendered body of a pathway's overview or plan is kept (`pathways.fragments`). It is keyed by the
# pathway's content generation, which every change of the pathway, its citizens, programme, target group, core team
# and external contacts moves on, so those show at once. This time bounds what is not in the key: the names of
# departments and the names and contact details of staff users, and states that change during a day (a partner
# invitation's or a grant's expiry). 0 keeps nothing.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=900)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    "agreement-reminders": {
        "task": "samspil.reminders.send_agreement_reminders",
        "schedule": crontab(hour=env.int("SAMSPIL_REMINDER_HOUR", default=7), minute=0),
    },
    # Marks consumption imports stuck for SAMSPIL_IMPORT_STALE_HOURS as failed and deletes their files.
    "segmentation-sweep-imports": {"task": "samspil.segmentation.sweep_imports", "schedule": crontab(minute=15)},
    # The access log's coming monthly partitions, and dropping those past retention (audit/partitions.py).
    "audit-access-log-partitions": {
        "task": "samspil.audit.access_log_partitions",
        "schedule": crontab(hour=2, minute=5),
    },
}
# Where links in e-mails point.
SAMSPIL_BASE_URL = env.str("SAMSPIL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# The portal's own log-in page (MitID; Demo-MitID in demo mode), and a citizen's idle time before the session ends.
PORTAL_LOGIN_URL = "/borger/log-ind/"
PORTAL_SESSION_IDLE_SECONDS = env.int("SAMSPIL_PORTAL_SESSION_IDLE_SECONDS", default=30 * 60)
# How often a request may move the idle window on (each move writes the session): `portal.middleware`.
PORTAL_SESSION_MOVE_SECONDS = env.int("SAMSPIL_PORTAL_SESSION_MOVE_SECONDS", default=60)
if not 0 <= PORTAL_SESSION_MOVE_SECONDS < PORTAL_SESSION_IDLE_SECONDS:
    # A window moved on less often than it lasts would end sessions in use.
    raise ImproperlyConfigured(
        "SAMSPIL_PORTAL_SESSION_MOVE_SECONDS must be at least 0 and less than SAMSPIL_PORTAL_SESSION_IDLE_SECONDS "
        f"({PORTAL_SESSION_MOVE_SECONDS} and {PORTAL_SESSION_IDLE_SECONDS})."
    )
# How old the programmes' kept result figures (`results.documentation.kept_tallies`) may be before a leader's page
# counts them again; the pages show when they were counted and have a button to count them again at once.
SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS = env.int("SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS", default=10 * 60)
if SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS < 0:
    raise ImproperlyConfigured("SAMSPIL_RESULTS_FIGURES_MAX_AGE_SECONDS must be 0 (always count) or more.")
# How long a partner's invitation link (`samspil.partners`) can be used before the coordinator must invite again.
SAMSPIL_PARTNER_INVITATION_DAYS = env.int("SAMSPIL_PARTNER_INVITATION_DAYS", default=14)
LOGIN_REDIRECT_URL = "home"  # core.views.home sends each role to its start page
LOGOUT_REDIRECT_URL = "accounts:login"
# Password log-in for staff and partner accounts (accounts/second_factor.py). Switch it off once everyone logs in
# through the identity provider: the log-in page then shows only its buttons, and the admin's log-in refuses
# passwords too. A password log-in needs a TOTP code as well when SAMSPIL_REQUIRE_TOTP is on: on by default
# without DEBUG, and production (DEBUG off) refuses to start with password log-in on and TOTP off.
SAMSPIL_PASSWORD_LOGIN = env.bool("SAMSPIL_PASSWORD_LOGIN", default=True)
SAMSPIL_REQUIRE_TOTP = env.bool("SAMSPIL_REQUIRE_TOTP", default=not DEBUG)
if SAMSPIL_PASSWORD_LOGIN and not SAMSPIL_REQUIRE_TOTP and not DEBUG:
    raise ImproperlyConfigured(
        "SAMSPIL_REQUIRE_TOTP is off while SAMSPIL_PASSWORD_LOGIN is on and DJANGO_DEBUG is off: production "
        "password log-ins need two-factor authentication. Set SAMSPIL_REQUIRE_TOTP=1, or SAMSPIL_PASSWORD_LOGIN=0 "
        "when everyone logs in through the identity provider."
    )
OTP_TOTP_ISSUER = "Samspil"  # the name the authenticator app shows
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the TOTP secret is never shown in the admin
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "samspil" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "samspil" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded files (shared documents): local disk under MEDIA_ROOT (never served by a URL: downloads go through the
# views, which check access and log it), or S3-compatible object storage (AWS S3, MinIO, any S3 API) with
# SAMSPIL_FILE_STORAGE=s3 and the bucket, endpoint, region and keys below. Objects are private: no public URL.
SAMSPIL_FILE_STORAGE = env.str("SAMSPIL_FILE_STORAGE", default="local")
if SAMSPIL_FILE_STORAGE == "s3":
    if not env.str("SAMSPIL_S3_BUCKET", default=""):
        raise ImproperlyConfigured("SAMSPIL_FILE_STORAGE=s3 needs SAMSPIL_S3_BUCKET.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("SAMSPIL_S3_BUCKET"),
            "endpoint_url": env.str("SAMSPIL_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("SAMSPIL_S3_REGION", default="") or None,
            "access_key": env.str("SAMSPIL_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("SAMSPIL_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("SAMSPIL_S3_PREFIX", default=""),
            "addressing_style": env.str("SAMSPIL_S3_ADDRESSING_STYLE", default="") or None,
            # No ACL is sent (buckets with ACLs disabled refuse most); the bucket itself must not be public.
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif SAMSPIL_FILE_STORAGE != "local":
    raise ImproperlyConfigured("SAMSPIL_FILE_STORAGE must be local or s3.")
# The largest shared document (bytes; default 20 MB).
SAMSPIL_DOCUMENT_MAX_BYTES = env.int("SAMSPIL_DOCUMENT_MAX_BYTES", default=20 * 1024**2)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="samspil@localhost")

# Behind a TLS-terminating proxy in production.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    # Load balancers probe the app servers directly over HTTP; the answer carries no data.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["samspil.api.permissions.IsMunicipalStaff"],
    # JSON only, also for a browser or ?format=api (see samspil/api/negotiation.py).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "samspil.api.negotiation.FirstRendererWhenNoneMatches",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "samspil.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samspil API",
    "DESCRIPTION": "Coordinated cross-sector citizen pathways. Every read is scoped and logged.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["samspil.api.permissions.IsMunicipalStaff"],
}

# The access log (audit.AccessLogEntry) on PostgreSQL: monthly partitions, made this many months ahead, and whole
# months dropped once they ended more than SAMSPIL_ACCESS_LOG_RETENTION_MONTHS ago (`manage.py audit_partitions`,
# `manage.py audit_retention`, Celery beat daily). Default 60 months: the former sikkerhedsbekendtgørelse (bek. nr.
# 528 af 15.6.2000 § 19) kept logs 6 months, up to 5 years for an authority with a particular need; Samspil shows the
# citizen who read their data over a pathway that runs for years (GDPR art. 15) and the log is the municipality's
# evidence of lawful access (art. 32), so it keeps the 5 years and no longer (art. 5(1)(e)). README "Configuration".
SAMSPIL_ACCESS_LOG_RETENTION_MONTHS = env.int("SAMSPIL_ACCESS_LOG_RETENTION_MONTHS", default=60)
SAMSPIL_ACCESS_LOG_PARTITIONS_AHEAD = env.int("SAMSPIL_ACCESS_LOG_PARTITIONS_AHEAD", default=3)
if SAMSPIL_ACCESS_LOG_RETENTION_MONTHS < 6:
    raise ImproperlyConfigured("SAMSPIL_ACCESS_LOG_RETENTION_MONTHS must be at least 6 (months).")
# How long a break-glass opening lasts before the user must give a new reason.
SAMSPIL_BREAK_GLASS_HOURS = env.int("SAMSPIL_BREAK_GLASS_HOURS", default=8)
# Failed log-ins before a user name, or a client address, is locked, and for how long (accounts/throttle.py).
# The address limit is higher: the staff of an office may reach Samspil from one public address.
SAMSPIL_LOGIN_MAX_FAILURES = env.int("SAMSPIL_LOGIN_MAX_FAILURES", default=5)
SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("SAMSPIL_LOGIN_MAX_FAILURES_PER_ADDRESS", default=20)
SAMSPIL_LOGIN_LOCK_MINUTES = env.int("SAMSPIL_LOGIN_LOCK_MINUTES", default=15)
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the client is REMOTE_ADDR). The
# log-in throttle counts the address the nearest trusted proxy saw; a client cannot forge it.
SAMSPIL_TRUSTED_PROXIES = env.int("SAMSPIL_TRUSTED_PROXIES", default=0)
# The longest a coordinator may give someone outside the team access to a pathway.
SAMSPIL_GRANT_MAX_DAYS = env.int("SAMSPIL_GRANT_MAX_DAYS", default=90)
# A plan not revised for this many days shows on the coordinator's worklist.
SAMSPIL_PLAN_REVISION_DAYS = env.int("SAMSPIL_PLAN_REVISION_DAYS", default=90)
# Staff roles given the purpose of finding candidates for a coordinated pathway (consumption import,
# cost curve, candidate lists). Comma-separated role codes; see organisations.choices.StaffRole.
SAMSPIL_SEGMENTATION_ROLES = env.list("SAMSPIL_SEGMENTATION_ROLES", default=["controller"])
# Uploaded consumption files (CPR numbers) are kept here, private (0600/0700), until the import has read them.
# Outside MEDIA_ROOT, so they can never be served with the media files.
SAMSPIL_SEGMENTATION_UPLOAD_ROOT = env.path(
    "SAMSPIL_SEGMENTATION_UPLOAD_ROOT", default=VAR_DIR / "private" / "segmentation"
)
# The largest uncompressed XLSX the import opens, and the largest shared-strings part in it (openpyxl keeps that
# part in memory whole). Both against "zip bombs" (segmentation/reader.py). 1 GiB holds Excel's 1,048,576 rows of
# the seven columns twice over.
SAMSPIL_IMPORT_MAX_XLSX_BYTES = env.int("SAMSPIL_IMPORT_MAX_XLSX_BYTES", default=1024**3)
SAMSPIL_IMPORT_MAX_SHARED_STRINGS_BYTES = env.int("SAMSPIL_IMPORT_MAX_SHARED_STRINGS_BYTES", default=100 * 1024**2)
# When a queued/running import counts as stuck.
SAMSPIL_IMPORT_STALE_HOURS = env.int("SAMSPIL_IMPORT_STALE_HOURS", default=6)
FILE_UPLOAD_PERMISSIONS = 0o600
# Page size of "Mine forløb" (keyset pagination).
SAMSPIL_PAGE_SIZE = env.int("SAMSPIL_PAGE_SIZE", default=50)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_cpr": {"()": "samspil.core.logging.RedactCprFilter"}},
    "formatters": {
        "plain": {
            "()": "samspil.core.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_cpr"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own loggers go through the same redacting handler instead of Django's default ones.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # pysaml2 logs whole SAML messages (a MitID answer holds the CPR number) below WARNING: never let them out.
        "saml2": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},
    },
}

AUTHENTICATION_BACKENDS = ["samspil.accounts.backends.SamspilBackend"]
FORMAT_MODULE_PATH = ["samspil.formats"]

# --- Log-in through identity providers (samspil/identity; README "Log-in: MitID and the municipality's identity
# provider"). Checked when the app starts (identity/config.py): a missing file or key stops the start, not the
# first log-in. Citizens and custody holders: "saml" (MitID through NemLog-in, OIOSAML 3), "oidc" (a MitID broker)
# or "" (none; demo mode has Demo-MitID). Staff: "saml" (AD FS, KOMBIT's context handler), "oidc" (Entra ID) or "".
SAMSPIL_CITIZEN_LOGIN = env.str("SAMSPIL_CITIZEN_LOGIN", default="")
SAMSPIL_STAFF_LOGIN = env.str("SAMSPIL_STAFF_LOGIN", default="")
SAMSPIL_STAFF_LOGIN_NAME = env.str("SAMSPIL_STAFF_LOGIN_NAME", default="")  # the button: "Log ind med <name>"
SAMSPIL_MITID_MINIMUM_LOA = env.str("SAMSPIL_MITID_MINIMUM_LOA", default="Betydelig")  # Lav, Betydelig or Høj
SAMSPIL_IDP_CLOCK_SKEW_SECONDS = env.int("SAMSPIL_IDP_CLOCK_SKEW_SECONDS", default=60)
SAMSPIL_IDP_METADATA_CACHE_SECONDS = env.int("SAMSPIL_IDP_METADATA_CACHE_SECONDS", default=24 * 3600)
SAMSPIL_XMLSEC1 = env.str("SAMSPIL_XMLSEC1", default="xmlsec1")


def _saml_settings(prefix: str, **extra) -> dict:
    return {
        "entity_id": env.str(f"{prefix}_ENTITY_ID", default=""),  # empty: the metadata URL under SAMSPIL_BASE_URL
        "idp_metadata_file": env.str(f"{prefix}_IDP_METADATA_FILE", default=""),
        "idp_metadata_url": env.str(f"{prefix}_IDP_METADATA_URL", default=""),
        "key_file": env.str(f"{prefix}_KEY_FILE", default=""),
        "cert_file": env.str(f"{prefix}_CERT_FILE", default=""),
        "encryption_key_file": env.str(f"{prefix}_ENCRYPTION_KEY_FILE", default=""),
        "encryption_cert_file": env.str(f"{prefix}_ENCRYPTION_CERT_FILE", default=""),
        "want_response_signed": env.bool(f"{prefix}_WANT_RESPONSE_SIGNED", default=False),
        "contact_email": env.str(f"{prefix}_CONTACT_EMAIL", default=""),
        **{key: env.str(f"{prefix}_{key.upper()}", default=default) for key, default in extra.items()},
    }


def _oidc_settings(prefix: str, **extra) -> dict:
    return {
        "discovery_url": env.str(f"{prefix}_DISCOVERY_URL", default=""),
        "client_id": env.str(f"{prefix}_CLIENT_ID", default=""),
        "client_secret": env.str(f"{prefix}_CLIENT_SECRET", default=""),
        **{key: env.str(f"{prefix}_{key.upper()}", default=default) for key, default in extra.items()},
    }


SAMSPIL_MITID_SAML = _saml_settings(
    "SAMSPIL_MITID_SAML",
    cpr_attribute="https://data.gov.dk/model/core/eid/cprNumber",
    loa_attribute="https://data.gov.dk/concept/core/nsis/loa",
)
SAMSPIL_MITID_OIDC = _oidc_settings(
    "SAMSPIL_MITID_OIDC", scopes="openid ssn", cpr_claim="dk.cpr", loa_claim="loa", acr_values=""
)
SAMSPIL_STAFF_SAML = _saml_settings("SAMSPIL_STAFF_SAML", subject_attribute="")  # empty: the persistent NameID
SAMSPIL_STAFF_OIDC = _oidc_settings("SAMSPIL_STAFF_OIDC", scopes="openid profile", subject_claim="sub")
