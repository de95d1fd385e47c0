"""The servers some tests need beyond SQLite: Redis and PostgreSQL (and gunicorn).

A test that needs one skips, with the reason, when it cannot be reached; in CI
(CI=true) that is a failure instead, as for the browser tests' Chromium: CI must run
them (.ci/run starts both servers).
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

# Outside CI the tests find the machine's own servers here; a test never writes to
# Redis database 0 (the one an app uses by default) nor flushes one it does not own.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
TEST_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    if in_ci():
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def redis_or_skip(url: str = TEST_REDIS_URL):
    """A redis-py client of `url`, or the test skips (fails in CI)."""
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        pytest.fail(f"the redis package is not installed: {exc}")
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        skip_or_fail(f"no Redis at {url} ({exc}); set TEST_REDIS_URL")
    return client


def postgres_or_skip(url: str = TEST_POSTGRES_URL):
    """An autocommit psycopg connection to `url` (a maintenance database), or the test
    skips (fails in CI)."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError as exc:
        skip_or_fail(f"no PostgreSQL at {url} ({exc}); set TEST_POSTGRES_URL")


def gunicorn_or_skip() -> str:
    found = Path(sys.executable).with_name("gunicorn")
    if found.exists():
        return str(found)
    found = shutil.which("gunicorn")
    if not found:
        skip_or_fail("gunicorn is not installed (requirements.txt)")
    return found
