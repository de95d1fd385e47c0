"""Section 4: `sendreminders` over many patients (issue 13 item 7): a full run (the
first of a day after a rule change: every patient assessed, every due item queued
and emailed), a run right after it in which nothing changed, and a run after 1 % of
the patients were marked due (`assess_soon`, as a change through the write path
leaves them: what the run then costs is assessing those).

When `tests/bench_reminders.py` exists and has `run(patients: int) -> dict`, the
bench calls it instead, with Django set up on the scratch database already
holding `patients` patients from `tests.bench.seed` (each with a scan, half on
denosumab with a dose; summaries stored as of yesterday's sweep), and prints the
{label: value} it returns, in order.

Otherwise each run is measured here in a child process (`python -m
tests.bench.reminders`): its peak memory is its own, not the seeding's. Emails are
rendered and handed to Django's dummy backend (building them is measured, SMTP is
not).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import json
import math
import os
import resource
import subprocess
import sys
import time

from tests.bench import report
from tests.bench.server import ROOT

EXTERNAL = "tests.bench_reminders"
CHANGED_SHARE = 100  # 1 patient in 100 changed


def external():
    """`run(patients)` of tests/bench_reminders.py, or None when there is none."""
    if importlib.util.find_spec(EXTERNAL) is None:
        return None
    return getattr(importlib.import_module(EXTERNAL), "run", None)


def measure_once(now: dt.datetime | None = None) -> dict:
    """One `sendreminders` run in this process (what the command's run_once does,
    timed step by step), with every query counted and the patients it assessed."""
    from django.db import connection
    from django.utils import timezone

    from tracker.accounts.models import Patient
    from tracker.records.models import PatientSummary
    from tracker.reminders.delivery import BATCH_SIZE, deliver_pending, queue_due

    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    now = now or timezone.now()
    patients = Patient.objects.filter(user__is_active=True).count()
    began = timezone.now()
    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        items = queue_due(now=now)
        queued_at, queue_queries = time.perf_counter(), count[0]
        emails = deliver_pending(now)
        delivered_at = time.perf_counter()
    assessed = PatientSummary.objects.filter(refreshed_at__gte=began).count()
    return {
        "patients": patients,
        "assessed": assessed,
        "queue_s": queued_at - started,
        "deliver_s": delivered_at - queued_at,
        "items": items,
        "emails": emails,
        "batches": math.ceil(assessed / BATCH_SIZE),
        "queue_queries": queue_queries,
        "deliver_queries": count[0] - queue_queries,
    }


def _memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process, from /proc: unlike getrusage's
    ru_maxrss, the peak does not carry the parent's over from before exec."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: KiB or B


def _child() -> None:
    import django

    django.setup()
    start = _memory_mb("VmRSS")
    result = measure_once()
    print(json.dumps({**result, "rss_start_mb": start, "rss_peak_mb": _memory_mb("VmHWM")}))


def _in_child() -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.reminders"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"sendreminders child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def new_day() -> None:
    """As after a rule change (or before the first run): nothing queued or sent, every
    patient due."""
    from tracker.records.models import ASSESS_NOW, PatientSummary
    from tracker.reminders.models import Delivery

    Delivery.objects.all().delete()
    PatientSummary.objects.update(assess_at=ASSESS_NOW, claimed_by="", claimed_until=None)


def change_some() -> int:
    """Mark 1 patient in CHANGED_SHARE due, as a change to their record would."""
    from tracker.accounts.models import Patient
    from tracker.records.summary import assess_soon

    ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))[::CHANGED_SHARE]
    for start in range(0, len(ids), 500):
        assess_soon(ids[start : start + 500])
    return len(ids)


def own_rows(measured: dict, run: str) -> list:
    total = measured["queue_s"] + measured["deliver_s"]
    peak = measured.get("rss_peak_mb")
    queries = measured["queue_queries"]
    batches = measured["batches"]
    return [
        measured["patients"],
        run,
        measured.get("assessed"),
        measured["queue_s"],
        measured["deliver_s"],
        f"{total:.2f}",
        f"{total * 100_000 / measured['patients']:.2f}",
        f"{queries / batches:.0f}" if batches else f"{queries} in all",
        measured["emails"],
        f"{measured['deliver_queries'] / measured['emails']:.1f}" if measured["emails"] else None,
        None if peak is None else f"{peak:.0f} (+{peak - measured['rss_start_mb']:.0f})",
    ]


OWN_HEADERS = [
    "patients",
    "run",
    "assessed",
    "assess + queue s",
    "deliver s",
    "total s",
    "s per 100,000",
    "queries per batch",
    "emails",
    "queries per email",
    "peak RSS MB (+ over start)",
]


def reminders(patients: int, *, child: bool = True) -> tuple[str, list]:
    """("own", rows) measured here, or ("external", [(label, value)...]) from
    tests/bench_reminders.py, for a database of `patients` patients."""
    run = external()
    if run is not None:
        return "external", [[f"{patients:,}: {k}", v] for k, v in run(patients).items()]
    new_day()
    measure = _in_child if child else measure_once
    full = measure()
    unchanged = measure()
    changed = change_some()
    some = measure()
    return "own", [
        own_rows(full, "full (everyone due)"),
        own_rows(unchanged, "nothing changed"),
        own_rows(some, f"{changed:,} changed (1 %)"),
    ]


def table(kind: str, rows: list) -> list[str]:
    if kind == "external":
        return report.table(["sendreminders (tests/bench_reminders.py)", "value"], rows)
    from tracker.reminders.delivery import BATCH_SIZE

    return [
        *report.table(OWN_HEADERS, rows),
        "",
        f"Batches of {BATCH_SIZE} patients; emails rendered, not sent (dummy backend). "
        "Queries per batch: the run's assessing and queueing queries over its batches "
        "(a run with nothing due: its queries in all). Peak RSS: the run's own process.",
    ]


if __name__ == "__main__":
    _child()
