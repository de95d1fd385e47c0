"""Section 2: the pages under HTTP load against gunicorn, `/healthz` alongside: each
page at each concurrency (browsers at once, each its own session), rounds
interleaved so that a slower minute of a shared machine hits every page alike;
medians over the rounds."""

import statistics

from tests.bench import report
from tests.bench.load import Result, hammer
from tests.bench.seed import Cast, session_cookies


def pages(cast: Cast, panel: int) -> list[tuple[str, str, str]]:
    """(label, role, path) of each page measured: the in-process section's warm pages."""
    dashboard = f"/patients/{cast.big.pk}/"
    return [
        ("minimal view (`/healthz`), signed in", "patient", "/healthz"),
        ("patient dashboard, 25 years of data", "patient", dashboard),
        ("the same dashboard, seen by the clinician", "clinician", dashboard),
        (f"clinician panel, {panel:,} patients, page 1", "clinician", "/patients/"),
        ("history page, 25 years of data", "patient", f"{dashboard}history/?page=40"),
    ]


def throughput(
    cast: Cast,
    port: int,
    *,
    concurrency: tuple[int, ...],
    seconds: float,
    warmup: float,
    rounds: int,
    panel: int,
) -> list[str]:
    measured = pages(cast, panel)
    most = max(concurrency)
    cookies = {
        "patient": session_cookies(cast.owner, most),
        "clinician": session_cookies(cast.clinician, most),
    }
    # Every worker builds its caches once before anything counts (a page's first
    # view after a start is the cold one, measured in-process and in section 3).
    for _, role, path in measured:
        report.progress(f"HTTP warm-up, {most} clients: {path}")
        hammer(port, path, cookies[role], seconds=warmup, warmup=0)
    results: dict[tuple[str, int], list[Result]] = {}
    for round_ in range(rounds):
        for clients in concurrency:
            for label, role, path in measured:
                report.progress(f"HTTP round {round_ + 1}/{rounds}, {clients} clients: {path}")
                result = hammer(port, path, cookies[role][:clients], seconds=seconds, warmup=warmup)
                results.setdefault((label, clients), []).append(result)
    rows = []
    for clients in concurrency:
        base = statistics.median(r.rate for r in results[(measured[0][0], clients)])
        for label, _, _ in measured:
            runs = results[(label, clients)]
            rate = statistics.median(r.rate for r in runs)
            errors = sum(r.failed for r in runs)
            kinds = sorted({kind for r in runs for kind in r.errors})
            rows.append(
                [
                    label,
                    clients,
                    rate,
                    f"{rate / base:.2f}" if base else "—",
                    report.ratio(base, rate) if rate else "—",
                    statistics.median(r.p99 for r in runs),
                    f"{errors} ({', '.join(kinds)})" if errors else 0,
                ]
            )
    return report.table(
        ["page", "clients", "req/s", "÷ /healthz req/s", "× minimal", "p99 ms", "errors"], rows
    )
