"""Section 3: reads and writes on one large record at once (issue 13, item 6).

Readers: browsers of the patient (each its own session) loading the record's
dashboard as fast as answers come. Writers: the patient in other browsers adding
exercise sessions at `rate` entries a second in all, each as a person does: load
the add form (its CSRF token, one-time submission token and version), post it,
read the redirect (not followed). Each round measures the readers alone, then the
same readers while the writers write; medians over the rounds. Every write
attempted is counted, and the rows the record gained are counted in the database:
no write may be lost (saved but missing) or refused (answered without saving).
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from tests.bench import report
from tests.bench.load import Browser, decoded, hammer
from tests.bench.seed import Cast, session_cookies

READERS = 8
WRITERS = 4
RATE = 5.0  # entries a second, all writers together
GOAL = 0.5  # readers keep at least half their throughput (issue 13, item 6)


class _Inputs(HTMLParser):
    """The named <input>s of a page and their values (the form's hidden fields)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            self.values.setdefault(attrs["name"], attrs.get("value") or "")


@dataclass
class Tally:
    attempted: int = 0
    saved: int = 0  # answered with the redirect of a saved entry
    refused: dict[str, int] = field(default_factory=dict)  # why: "200 (form again)", "403"...
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str | None) -> None:
        with self.lock:
            self.attempted += 1
            if outcome is None:
                self.saved += 1
            else:
                self.refused[outcome] = self.refused.get(outcome, 0) + 1


def _write(browser: Browser, path: str, fields: dict[str, str]) -> str | None:
    """Add one entry as a browser does; None when saved, else what went wrong."""
    status, headers, content = browser.request("GET", path)
    if status != 200:
        return f"form {status}"
    parser = _Inputs()
    parser.feed(decoded(headers, content).decode())
    body = urlencode({**parser.values, **fields}).encode()
    status, headers, _ = browser.request(
        "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status == 302:
        return None
    return "200 (form shown again)" if status == 200 else str(status)


def _writer(port, cookie, path, fields, first_at, interval, stop, tally) -> None:
    browser, due = Browser(port, cookie), first_at
    while not stop.is_set():
        if stop.wait(max(0.0, due - time.perf_counter())):
            break
        due += interval
        try:
            outcome = _write(browser, path, fields)
        except Exception as error:  # counted: a failed write is a result
            outcome = type(error).__name__
            browser.close()
        tally.add(outcome)
    browser.close()


def mixed(cast: Cast, port: int, *, seconds: float, warmup: float, rounds: int) -> list[str]:
    from tracker.records.models import ExerciseKind, ExerciseSession

    dashboard = f"/patients/{cast.big.pk}/"
    add = f"{dashboard}exercise/add/"
    fields = {"kind": ExerciseKind.values[0], "minutes": "30", "effort": "5", "note": "bench"}
    readers = session_cookies(cast.owner, READERS)
    writers = session_cookies(cast.owner, WRITERS)
    rows_before = ExerciseSession.objects.filter(patient=cast.big).count()
    tally, alone, along = Tally(), [], []
    for round_ in range(rounds):
        report.progress(f"mixed round {round_ + 1}/{rounds}")
        alone.append(hammer(port, dashboard, readers, seconds=seconds, warmup=warmup))
        stop, interval = threading.Event(), WRITERS / RATE
        start = time.perf_counter()
        threads = [
            threading.Thread(
                target=_writer,
                args=(port, cookie, add, fields, start + k / RATE, interval, stop, tally),
                daemon=True,
            )
            for k, cookie in enumerate(writers)
        ]
        for thread in threads:
            thread.start()
        along.append(hammer(port, dashboard, readers, seconds=seconds, warmup=warmup))
        stop.set()
        for thread in threads:
            thread.join()
    gained = ExerciseSession.objects.filter(patient=cast.big).count() - rows_before
    without = statistics.median(r.rate for r in alone)
    with_writers = statistics.median(r.rate for r in along)
    share = with_writers / without if without else float("nan")
    refused = sum(tally.refused.values())
    why = ", ".join(f"{k}: {v}" for k, v in sorted(tally.refused.items()))
    lost = tally.saved - gained
    return [
        *report.table(
            [f"{READERS} readers of the dashboard", "req/s", "p99 ms", "read errors"],
            [
                [
                    "alone",
                    without,
                    statistics.median(r.p99 for r in alone),
                    sum(r.failed for r in alone),
                ],
                [
                    f"with {WRITERS} writers, {RATE:g} entries/s in all",
                    with_writers,
                    statistics.median(r.p99 for r in along),
                    sum(r.failed for r in along),
                ],
            ],
        ),
        "",
        f"Readers keep {share:.2f} of their throughput with writers "
        f"(goal ≥ {GOAL}: {'met' if share >= GOAL else 'NOT met'}).",
        f"Writes: {tally.attempted} attempted, {tally.saved} saved, {refused} refused"
        f"{f' ({why})' if why else ''}; the record gained {gained} rows"
        f" ({'none lost' if lost == 0 else f'{lost} LOST' if lost > 0 else f'{-lost} EXTRA'}).",
    ]
