"""Section 1: pages served in-process (Django's test client, without its template
instrumentation: not setup_test_environment(), a cost real requests never pay),
warm and on the first view after a change, as ratios to the minimal view
(`/healthz` for a signed-in user: session and user loaded, as on every page)
measured in the same section. Medians of `repeat` requests each."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.bench import report
from tests.bench.seed import Cast, signed_in


@dataclass
class Timing:
    ms: float
    queries: int


def median_ms(client: Client, url: str, repeat: int, before=None) -> float:
    """The median time of `repeat` GETs; `before` runs untimed before each (a change
    to the record, for a first view after it). One GET first warms the session."""
    client.get(url)
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def queries(client: Client, url: str, before=None) -> int:
    """Queries of one GET (savepoints aside), after `before`."""
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(
        [q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    )


def timing(client: Client, url: str, repeat: int, before=None) -> Timing:
    return Timing(median_ms(client, url, repeat, before), queries(client, url, before))


def minimal(client: Client, repeat: int) -> Timing:
    return timing(client, "/healthz", repeat)


def pages(cast: Cast, repeat: int, *, panel: int) -> list[str]:
    from tests.records.factories import settle

    patient, clinician = signed_in(cast.owner), signed_in(cast.clinician)
    base = minimal(patient, repeat)
    anonymous = minimal(Client(), repeat)
    dashboard = f"/patients/{cast.big.pk}/"

    def change() -> None:
        settle(cast.big)

    rows = [
        ["minimal view (`/healthz`), signed in", base.ms, "1.0", base.queries, None, None, None],
        [
            "minimal view (`/healthz`), anonymous",
            anonymous.ms,
            report.ratio(anonymous.ms, base.ms),
            anonymous.queries,
            None,
            None,
            None,
        ],
    ]
    for label, client, url in [
        ("patient dashboard, 25 years of data", patient, dashboard),
        ("the same dashboard, seen by the clinician", clinician, dashboard),
        (f"clinician panel, {panel:,} patients, page 1", clinician, "/patients/"),
        (
            "clinician panel, filtered: late denosumab",
            clinician,
            "/patients/?filter=late-denosumab",
        ),
        ("history page, 25 years of data", patient, f"{dashboard}history/?page=40"),
    ]:
        warm = timing(client, url, repeat)
        cold = timing(client, url, repeat, before=change)
        rows.append(
            [
                label,
                warm.ms,
                report.ratio(warm.ms, base.ms),
                warm.queries,
                cold.ms,
                report.ratio(cold.ms, base.ms),
                cold.queries,
            ]
        )
    settle(cast.big)
    return report.table(
        ["page", "warm ms", "× minimal", "queries", "cold ms", "× minimal", "queries"], rows
    )
