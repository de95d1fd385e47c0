"""Several app servers, one truth (issue 13): two gunicorn servers on two ports share a
PostgreSQL database and a Redis cache. A change made through one shows on the next
page of the other; what one server cached, the other serves; `sendreminders` run on
two hosts at once sends each due item once.

Needs PostgreSQL, Redis and gunicorn: skipped with the reason without them, a failure
in CI, which runs it once in a step of its own (.ci/run), outside the two main runs.
"""

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.services import (
    TEST_POSTGRES_URL,
    TEST_REDIS_URL,
    gunicorn_or_skip,
    postgres_or_skip,
    redis_or_skip,
)

pytestmark = pytest.mark.multiprocess

ROOT = Path(__file__).resolve().parents[2]
LATE_PATIENTS = 30
START_TIMEOUT = 30
# Our variables the servers must not inherit from the test run.
NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CACHE_KEY_PREFIX",
    "CACHE_VERSION",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def scratch():
    """A PostgreSQL database of its own (migrated, seeded) and a Redis key prefix of its
    own: the environment every process of this test shares. Dropped and deleted after."""
    gunicorn_or_skip()
    admin = postgres_or_skip()
    redis = redis_or_skip()
    name = f"bonetrack_mp_{uuid.uuid4().hex[:10]}"
    prefix = f"test-mp-{uuid.uuid4().hex[:10]}"
    base = urllib.parse.urlsplit(TEST_POSTGRES_URL)
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        DATABASE_URL=urllib.parse.urlunsplit(base._replace(path=f"/{name}")),
        REDIS_URL=TEST_REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        PYTHONPATH=str(ROOT),
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        manage("migrate", "--noinput", env=env)
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.multiprocess.seed", str(LATE_PATIENTS)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        yield {"env": env, "ids": json.loads(seeded.stdout.splitlines()[-1]), "prefix": prefix}
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        for key in redis.scan_iter(match=f"{prefix}:*"):
            redis.delete(key)


def manage(*args: str, env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        **kwargs,
    )


class Server:
    """One app server: gunicorn with two workers on a port of its own."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                gunicorn_or_skip(),
                "tracker.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn on {self.port} exited: see {self.log.name}")
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn on {self.port} did not answer in {START_TIMEOUT} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def servers(scratch, tmp_path):
    pair = [Server(scratch["env"], tmp_path / f"gunicorn-{n}.log") for n in "ab"]
    try:
        for server in pair:
            server.wait()
        yield pair
    finally:
        for server in pair:
            server.stop()


class Browser:
    """One person's cookies (a session cookie is good on every port of 127.0.0.1)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def post(self, url: str, fields: dict) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(url, data=data, timeout=30) as response:
            return response.read().decode()


def field(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def cached_keys(redis, prefix: str) -> set[bytes]:
    return set(redis.scan_iter(match=f"{prefix}:*"))


def test_a_change_through_one_server_shows_on_the_other(scratch, servers):
    a, b = servers
    redis = redis_or_skip()
    me = Browser()
    login = me.get(a.url + "/accounts/login/")
    me.post(
        a.url + "/accounts/login/",
        {
            "csrfmiddlewaretoken": field(login, "csrfmiddlewaretoken"),
            "username": "walker@example.com",
            "password": PASSWORD,
        },
    )
    dashboard = f"/patients/{scratch['ids']['signs_in']}/"
    page = me.get(a.url + dashboard)
    assert "My record" in page and 'data-empty="exercise"' in page
    warmed = cached_keys(redis, scratch["prefix"])
    assert any(b":dashboard:" in key for key in warmed), "server A cached nothing in Redis"

    page = me.get(b.url + dashboard)  # B never rendered it: it serves what A cached
    assert 'data-empty="exercise"' in page
    assert cached_keys(redis, scratch["prefix"]) == warmed

    # Log a session through A with B's form (its one-time token is in the shared database).
    action = html.unescape(re.search(r'action="([^"]*/exercise/[^"]*)"', page).group(1))
    today = re.search(r'id="quick-date"[^>]* max="([^"]+)"', page).group(1)
    me.post(
        a.url + action,
        {
            "csrfmiddlewaretoken": field(page, "csrfmiddlewaretoken"),
            "submission": field(page, "submission"),
            "kind": "resistance",
            "minutes": "45",
            "date": today,
        },
    )
    page = me.get(b.url + dashboard)  # the next request, on the other server
    assert 'data-empty="exercise"' not in page and 'id="chart-exercise"' in page
    rebuilt = cached_keys(redis, scratch["prefix"])
    assert rebuilt - warmed, "B rebuilt the new version's picture into Redis"
    assert 'id="chart-exercise"' in me.get(a.url + dashboard)
    assert cached_keys(redis, scratch["prefix"]) == rebuilt  # and A served it warm


def test_sendreminders_on_two_hosts_at_once_sends_each_item_once(scratch, tmp_path):
    runs = []
    go = tmp_path / "go"
    for host in ("host-a", "host-b"):
        outbox = tmp_path / host
        outbox.mkdir()
        env = {
            **scratch["env"],
            "DJANGO_SETTINGS_MODULE": "tests.multiprocess.settings",
            "EMAIL_FILE_PATH": str(outbox),
        }
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.multiprocess.at_once", f"{outbox}.ready", go],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    deadline = time.monotonic() + START_TIMEOUT
    while not all((tmp_path / f"{host}.ready").exists() for host in ("host-a", "host-b")):
        assert time.monotonic() < deadline, "sendreminders did not start"
        assert all(run.poll() is None for run in runs), [run.communicate() for run in runs]
        time.sleep(0.05)
    go.touch()  # both at once
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    recipients = []
    for host in ("host-a", "host-b"):
        for message_file in (tmp_path / host).iterdir():
            recipients += re.findall(r"^To: (.+)$", message_file.read_text(), flags=re.M)
    assert len(recipients) == len(set(recipients)), f"sent twice: {outputs}"  # one email each

    import psycopg

    with psycopg.connect(scratch["env"]["DATABASE_URL"]) as db:
        queued, sent = db.execute(
            "SELECT count(*), count(sent_at) FROM reminders_delivery"
        ).fetchone()
        late = db.execute(
            "SELECT count(*) FROM reminders_delivery WHERE rule_id = 'DMAB-LATE'"
        ).fetchone()[0]
        emailed = {
            email
            for (email,) in db.execute(
                "SELECT DISTINCT u.email FROM reminders_delivery d "
                "JOIN accounts_user u ON u.id = d.recipient_id"
            )
        }
    assert late == LATE_PATIENTS and queued == sent, outputs  # every due item, sent
    assert set(recipients) == emailed >= {f"late{n}@example.com" for n in range(LATE_PATIENTS)}
