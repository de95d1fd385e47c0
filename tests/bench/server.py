"""gunicorn on a free port against the scratch database, as the README deploys it
(production settings from the environment `tests.bench.scratch` set)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.load import Browser

ROOT = Path(__file__).resolve().parents[2]
# 2 cores: a process per core, and threads to overlap the waits on the database.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
START_TIMEOUT = 60  # seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """`with Gunicorn(folder) as server:` serves on server.port until the block ends."""

    def __init__(self, folder: Path):
        self.log = folder / "gunicorn.log"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def described(self) -> str:
        return f"gunicorn, {WORKERS} workers × {THREADS} threads (gthread), keep-alive"

    def __enter__(self) -> "Gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "tracker.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={WORKERS}",
            f"--threads={THREADS}",
            "--worker-class=gthread",
            "--keep-alive=5",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=log
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.tail()}")
            try:
                status, _, _ = Browser(self.port).request("GET", "/healthz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT} s:\n{self.tail()}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
