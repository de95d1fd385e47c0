"""The bench's scratch world, set up before Django starts: a temporary folder (the
SQLite file, the collected static files, gunicorn's log), a scratch PostgreSQL
database when DATABASE_URL points at one (created here, dropped at the end), and
the environment that the bench's own process and its gunicorn share."""

import os
import platform
import secrets
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Production's settings, but served over plain HTTP on 127.0.0.1 (no proxy here).
PRODUCTION_LIKE = {
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SITE_URL": "http://127.0.0.1",
    "CSRF_TRUSTED_ORIGINS": "http://127.0.0.1",
}


@dataclass
class Scratch:
    folder: Path
    database_url: str
    postgres_admin_url: str | None  # where the scratch database was created from
    postgres_name: str | None

    @property
    def vendor(self) -> str:
        return "postgresql" if self.postgres_name else "sqlite"

    def close(self, keep: bool = False) -> None:
        """Drop the scratch database and remove the folder (unless `keep`)."""
        if self.postgres_name and not keep:
            import psycopg

            with psycopg.connect(self.postgres_admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.postgres_name}" WITH (FORCE)')
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)


def open_scratch() -> Scratch:
    """Create the scratch database and set the environment (before django.setup())."""
    folder = Path(tempfile.mkdtemp(prefix="bonetrack-bench-"))
    given = os.environ.get("DATABASE_URL", "")
    admin_url = name = None
    if given.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"bonetrack_bench_{os.getpid()}_{secrets.token_hex(3)}"
        parts = urlsplit(given)
        # From DATABASE_URL's database, or the server's maintenance one when that is
        # not created yet: the bench never writes to DATABASE_URL's own database.
        for admin_url in (given, urlunsplit(parts._replace(path="/postgres"))):
            try:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{name}"')
                break
            except psycopg.OperationalError:
                if admin_url != given:
                    raise
        url = urlunsplit(parts._replace(path=f"/{name}"))
    elif given and not given.startswith("sqlite"):
        raise SystemExit(f"make bench: DATABASE_URL must be SQLite or PostgreSQL, not {given!r}")
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.update(
        PRODUCTION_LIKE,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        BENCH_RUN_ID=f"bench-{os.getpid()}-{secrets.token_hex(4)}",
        BENCH_STATIC_ROOT=str(folder / "static"),
    )
    return Scratch(folder, url, admin_url, name)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def header(tier: str) -> list[str]:
    """The lines that say where and when the figures come from (Django is set up)."""
    import django
    import gunicorn
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    conn_max_age = settings.DATABASES["default"].get("CONN_MAX_AGE", 0)
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"# BoneTrack bench ({tier} tier), {time.strftime('%d %b %Y %H:%M %Z')}",
        "",
        f"- machine: {_cpu_model()}, {os.cpu_count()} cores, {_ram_gib()} RAM; "
        f"load average at start {load}",
        f"- software: Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__}, {database}",
        f"- settings: DEBUG off, cache {cache}, database CONN_MAX_AGE {conn_max_age}",
    ]
