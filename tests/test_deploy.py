"""Production settings: check --deploy passes, a weak secret key stops the start; what
the environment chooses: database connections, static files, compression."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Hk2pQ9vLmN4rT8wY1zB6cF3gJ5sD0aE7uI2oP9qW4eR8tY1uI6oP3aS5dF8gH2",
    "ALLOWED_HOSTS": "bonetrack.example.org",
    "SITE_URL": "https://bonetrack.example.org",
    "BEHIND_PROXY": "1",
    "EMAIL_HOST": "smtp.example.org",
}
OURS = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_off_refuses_the_development_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_refuses_a_short_secret_key():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0


# Every variable these tests set, removed from the environment they inherit (CI sets
# REDIS_URL for its Redis run of the suite, DATABASE_URL for PostgreSQL).
ENV_OF_OURS = OURS | {
    "REDIS_URL",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "CACHE_VERSION",
    "CACHE_MAX_ENTRIES",
    "DATABASE_CONN_MAX_AGE",
}


def settings_under(**env: str) -> dict:
    """tracker.settings as a process started with `env` (and none of ours) reads it:
    {"CACHES", "DB" (the default database), "STORAGES", "MIDDLEWARE"}, or {"error"}."""
    clean = {k: v for k, v in os.environ.items() if k not in ENV_OF_OURS}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, tracker.settings as s; print(json.dumps({'CACHES': s.CACHES, "
            "'DB': s.DATABASES['default'], 'STORAGES': s.STORAGES, 'MIDDLEWARE': s.MIDDLEWARE},"
            " default=str))",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        return {"error": result.stderr}
    return json.loads(result.stdout)


def test_postgresql_connections_are_kept_and_checked_sqlite_untouched():
    """Issue 13: a new PostgreSQL connection per request cost two thirds of the minimal
    view's throughput. Kept 10 minutes, checked before reuse; SQLite as before."""
    postgres = settings_under(DATABASE_URL="postgres://app@db.example.org:5432/bonetrack")["DB"]
    assert (postgres["CONN_MAX_AGE"], postgres["CONN_HEALTH_CHECKS"]) == (600, True)
    chosen = settings_under(
        DATABASE_URL="postgres://app@db.example.org:5432/bonetrack", DATABASE_CONN_MAX_AGE="0"
    )["DB"]
    assert chosen["CONN_MAX_AGE"] == 0
    sqlite = settings_under()["DB"]
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3" and sqlite["CONN_MAX_AGE"] == 0


def test_production_compresses_pages_and_static_files():
    production = settings_under(**PRODUCTION)
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"  # .br (Brotli) and .gz
    )
    middleware = production["MIDDLEWARE"]
    gzip = middleware.index("django.middleware.gzip.GZipMiddleware")
    # Below security and whitenoise (static files come pre-compressed), above everything
    # that writes the body.
    assert middleware.index("django.middleware.security.SecurityMiddleware") < gzip
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < gzip
    assert gzip < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
