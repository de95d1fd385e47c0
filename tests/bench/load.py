"""A small HTTP load generator, so that `make bench` needs nothing but the app's own
requirements: threads, each a browser with its own session and one kept-alive
connection, sending the next request as soon as the last answer is read (closed
loop). It shares the machine with the server; on 2 cores it takes some of their
time, equally for every page, so the ratios hold better than the absolute rates."""

from __future__ import annotations

import gzip
import http.client
import statistics
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

# What a browser sends: the server may compress what it can.
ACCEPT_ENCODING = "gzip, deflate, br"


@dataclass
class Result:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # ms, of the OK answers
    errors: dict[str, int] = field(default_factory=dict)  # "503" or an exception's name

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def p99(self) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[98]

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


def decoded(headers: dict[str, str], content: bytes) -> bytes:
    """A body as sent (gzip, deflate or Brotli) as the browser would read it."""
    encoding = headers.get("content-encoding", "").lower()
    if encoding == "gzip":
        return gzip.decompress(content)
    if encoding == "deflate":
        return zlib.decompress(content)
    if encoding == "br":
        import brotli  # whitenoise's optional dependency: only a server that sends br has it

        return brotli.decompress(content)
    return content


class Browser:
    """One connection, kept alive, with the cookies it was given and those it is sent."""

    def __init__(self, port: int, cookie: str = "", host: str = "127.0.0.1"):
        self.host, self.port = host, port
        self.cookies = dict(part.split("=", 1) for part in cookie.split("; ") if part)
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send one request (reconnecting once if the server closed the connection)."""
        sent = {
            "Accept-Encoding": ACCEPT_ENCODING,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                content = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
                continue
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def hammer(
    port: int,
    path: str,
    cookies: list[str],
    *,
    seconds: float,
    warmup: float = 0.5,
    stop: threading.Event | None = None,
    ok: Callable[[int], bool] = lambda status: status == 200,
) -> Result:
    """GET `path` from len(cookies) browsers at once for `warmup` + `seconds`; count and
    time the answers that arrive in the last `seconds` only."""
    browsers = [Browser(port, cookie) for cookie in cookies]
    start = threading.Barrier(len(browsers) + 1)
    lock = threading.Lock()
    result = Result(seconds=seconds)
    window: list[float] = []

    def run(browser: Browser) -> None:
        latencies, errors = [], {}
        start.wait()
        begin, end = window
        while (now := time.perf_counter()) < end and not (stop and stop.is_set()):
            try:
                status, _, _ = browser.request("GET", path)
                failure = None if ok(status) else str(status)
            except Exception as error:  # counted, never fatal: a refused request is a result
                failure = type(error).__name__
                browser.close()
            done = time.perf_counter()
            if begin <= done <= end:
                if failure is None:
                    latencies.append((done - now) * 1000)
                else:
                    errors[failure] = errors.get(failure, 0) + 1
        browser.close()
        with lock:
            result.latencies += latencies
            for key, count in errors.items():
                result.errors[key] = result.errors.get(key, 0) + count

    threads = [threading.Thread(target=run, args=(b,), daemon=True) for b in browsers]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window[:] = [now + warmup, now + warmup + seconds]
    start.wait()
    for thread in threads:
        thread.join()
    return result
