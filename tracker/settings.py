"""BoneTrack settings: one file, every deployment value from the environment.

Defaults run a local development server on SQLite straight after checkout
(as healthchecks does); production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, SITE_URL and the email variables. The README lists them all.
"""

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "With DEBUG off, set SECRET_KEY to a long random value (50+ characters), "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tracker.accounts",
    "tracker.records",
    "tracker.reminders",
    "tracker.dashboard",
    "tracker.learn",
    "tracker.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    "tracker.middleware.PrivacyHeadersMiddleware",
    # Static files: whitenoise answers them here, with its own Brotli or gzip copies.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages: gzipped (a 25-year dashboard: 205 KB of HTML, 18 KB sent) after every
    # middleware below has finished with the body; those above only set headers.
    # Against BREACH, Django (4.2+) gives each gzip response a file name of random
    # length (0-99 bytes), and masks CSRF tokens afresh on every response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tracker.accounts.middleware.SessionTimeoutMiddleware",
    "tracker.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tracker.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default: WAL lets readers run beside a writer, IMMEDIATE takes the
# write lock at BEGIN so concurrent writers wait (busy_timeout) instead of
# failing with "database is locked" halfway through a transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
# A server database (PostgreSQL) keeps each worker's connection open between requests
# (a new connection per request cost two thirds of the minimal view's throughput, issue
# 13) and checks it before reuse, so a restarted database costs one failed check, not an
# error page. Each gunicorn worker thread holds one connection: the README sizes it.
# SQLite opens a file, not a connection: it stays at 0 unless told otherwise.
SERVER_DB_CONN_MAX_AGE = 600
DATABASES["default"]["CONN_MAX_AGE"] = int(
    env(
        "DATABASE_CONN_MAX_AGE",
        "0"
        if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        else str(SERVER_DB_CONN_MAX_AGE),
    )
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def release_fingerprint() -> str:
    """A short hash of the code, templates, static files and pinned requirements.

    A shared cache outlives a release: fragments rendered by the old templates and
    pickled objects of the old classes must not be read by the new code. App servers
    of one release compute the same value (it depends on file contents only), so
    they share their entries; during a rolling upgrade old and new keep apart.
    """
    digest = hashlib.sha256()
    for top in ("tracker", "templates", "static"):
        for path in sorted((BASE_DIR / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(BASE_DIR)).encode())
                digest.update(path.read_bytes())
    digest.update((BASE_DIR / "requirements.txt").read_bytes())
    return digest.hexdigest()[:12]


# Cache: the dashboard's picture and rendered fragments (keyed by patient, record
# version and date), the visit questions (the same), and the "send it again" pause
# of email confirmation. Sessions, sign-in throttling (axes' database handler) and
# two-step devices are in the database, never in the cache.
# With several processes (gunicorn workers, app servers) set REDIS_URL (CACHE_URL is
# read too) so they share one cache through Django's own Redis backend; otherwise
# each process keeps its own local-memory cache.
CACHE_URL = env("REDIS_URL") or env("CACHE_URL")
# Two deployments on one Redis (staging and production, two clinics) must never read
# each other's entries, which are keyed by patient id: the prefix names the database
# (not its password), so it differs per deployment without anyone setting it.
_db = DATABASES["default"]
CACHE_KEY_PREFIX = env(
    "CACHE_KEY_PREFIX",
    "bonetrack-"
    + hashlib.sha256(
        f"{_db['ENGINE']}|{_db.get('HOST', '')}|{_db.get('PORT', '')}|{_db['NAME']}".encode()
    ).hexdigest()[:8],
)
# Entries with no timeout of their own (the app's own entries set 24 hours).
CACHE_DEFAULT_TIMEOUT = 300
# A local-memory cache of 5,000 entries: a dashboard uses 7-8 (13 with the print view
# and visit questions), so one worker holds about 600 patients, a clinician's whole
# panel gone through twice, where Django's default of 300 held only 37. Entries are
# 1-3 KB for a typical record, up to 160 KB (the bone density chart) for 25 years of
# data: about 10-30 MB a worker, 150 MB at worst. Least recently used go first.
LOCMEM_MAX_ENTRIES = 5_000
# A Redis that does not answer within this many seconds fails the request rather than
# holding a worker (the dashboard cannot work around its cache).
REDIS_SOCKET_TIMEOUT = 2
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "REDIS_URL / CACHE_URL must be a Redis URL (redis://, rediss:// or unix://)."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "VERSION": env("CACHE_VERSION") or release_fingerprint(),
            "TIMEOUT": CACHE_DEFAULT_TIMEOUT,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bonetrack",
            "TIMEOUT": CACHE_DEFAULT_TIMEOUT,
            "OPTIONS": {"MAX_ENTRIES": int(env("CACHE_MAX_ENTRIES", str(LOCMEM_MAX_ENTRIES)))},
        }
    }

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tracker.accounts.validators.DistinctCharactersValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked pair before the password
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in throttling (issue 9; tracker.accounts.throttle): per email-and-address pair,
# three free failures, then growing waits, then locked for LOGIN_LOCKOUT_MINUTES at
# LOGIN_FAILURE_LIMIT failures. Behind the proxy the client's address is the one our
# proxy added (accounts.audit.client_ip), as in the audit trail.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tracker.accounts.audit.client_ip"
AXES_USERNAME_CALLABLE = "tracker.accounts.throttle.username"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in our audit trail already
AXES_VERBOSE = False

# Two-step sign-in (issue 9; tracker.accounts.two_factor): required for clinicians
# and admins, optional for patients.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "BoneTrack")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions (ASVS 3.3.2): 30 minutes idle, 12 hours in all; enforced by
# tracker.accounts.middleware.SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = int(env("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(env("SESSION_ABSOLUTE_TIMEOUT", str(12 * 60 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Security headers; production (DEBUG off) is secure unless told otherwise.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    # Only trust X-Forwarded-Proto when a proxy we control sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded DXA reports: a private folder by default (outside static files, never served
# by the web server; only through the access gate). With several app servers, point
# REPORTS_STORAGE_BACKEND at a shared storage (e.g. django-storages' S3 backend, with
# its options as JSON in REPORTS_STORAGE_OPTIONS) or REPORTS_STORAGE_ROOT at a shared volume.
REPORTS_STORAGE_ROOT = env("REPORTS_STORAGE_ROOT", str(BASE_DIR / "private" / "reports"))
REPORTS_STORAGE_BACKEND = env(
    "REPORTS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "reports": {
        "BACKEND": REPORTS_STORAGE_BACKEND,
        "OPTIONS": json.loads(env("REPORTS_STORAGE_OPTIONS", "{}"))
        or {
            "location": REPORTS_STORAGE_ROOT,
            "base_url": "/no-public-url/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        # Hashed names and gzip/brotli copies in production, cached for a year.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 365 * 24 * 60 * 60

EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# With DEBUG off, console email is a start-up error (tracker/checks.py) unless this says so.
EMAIL_CONSOLE_OK = env_bool("EMAIL_CONSOLE_OK", False)
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "BoneTrack <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Days a link that confirms an email address works (tracker.accounts.verification).
EMAIL_CONFIRMATION_DAYS = int(env("EMAIL_CONFIRMATION_DAYS", "3"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request lines hold calendar tokens and panel search terms: tracker/logfilters.py.
    "filters": {"redact": {"()": "tracker.logfilters.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        # Django's own set-up of runserver's request log, plus the filter.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
        "django.request": {"filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
