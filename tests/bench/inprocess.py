"""Section 1: pages served in-process (Django's test client, without its template
instrumentation: not setup_test_environment(), a cost real requests never pay),
warm and on the first view after a change, as ratios to the minimal view
(`/healthz` for a signed-in user: session and user loaded, as on every page).
Each page's requests alternate with the minimal view's, and its ratio is the median
of its times over the median of those minimal views: a busy moment of a shared
machine slows both alike. Medians of `repeat` requests each."""

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
    base_ms: float  # the minimal view's median, measured alternately with this page

    @property
    def ratio(self) -> str:
        return report.ratio(self.ms, self.base_ms)


def _get_ms(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def median_ms(client: Client, url: str, repeat: int, before=None, base=None) -> tuple[float, float]:
    """The median time of `repeat` GETs, and that of as many GETs of the minimal view
    by `base` (a signed-in client), one before each; `before` runs untimed before each
    GET of the page (a change to the record, for a first view after it). One GET of
    each first warms the sessions."""
    base = base or client
    client.get(url), base.get("/healthz")
    times, base_times = [], []
    for _ in range(repeat):
        base_times.append(_get_ms(base, "/healthz"))
        if before is not None:
            before()
        times.append(_get_ms(client, url))
    return statistics.median(times), statistics.median(base_times)


def queries(client: Client, url: str, before=None) -> int:
    """Queries of one GET (savepoints aside), after `before`."""
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(
        [q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    )


def timing(client: Client, url: str, repeat: int, before=None, base=None) -> Timing:
    ms, base_ms = median_ms(client, url, repeat, before, base)
    return Timing(ms, queries(client, url, before), base_ms)


def minimal(client: Client, repeat: int, base=None) -> Timing:
    return timing(client, "/healthz", repeat, base=base)


def pages(cast: Cast, repeat: int, *, panel: int) -> list[str]:
    from tests.records.factories import settle

    patient, clinician = signed_in(cast.owner), signed_in(cast.clinician)
    base = minimal(patient, repeat)
    anonymous = minimal(Client(), repeat, base=patient)
    dashboard = f"/patients/{cast.big.pk}/"

    def change() -> None:
        settle(cast.big)

    rows = [
        ["minimal view (`/healthz`), signed in", base.ms, "1.0", base.queries, None, None, None],
        [
            "minimal view (`/healthz`), anonymous",
            anonymous.ms,
            anonymous.ratio,
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
        warm = timing(client, url, repeat, base=patient)
        cold = timing(client, url, repeat, before=change, base=patient)
        rows.append([label, warm.ms, warm.ratio, warm.queries, cold.ms, cold.ratio, cold.queries])
    settle(cast.big)
    return report.table(
        ["page", "warm ms", "× minimal", "queries", "cold ms", "× minimal", "queries"], rows
    )
