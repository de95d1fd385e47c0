"""`make bench` (full tier) and `make bench-quick`: `python -m tests.bench [--quick]`.

The figures of issue 13 in one run, on a scratch database (SQLite in a temporary
folder, or a scratch database next to DATABASE_URL's PostgreSQL, dropped at the
end), with production settings (DEBUG off, collected static files), every time
as a ratio to the minimal view measured in the same run. The report goes to
stdout as Markdown; progress to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from dataclasses import dataclass, replace

from tests.bench import report
from tests.bench.scratch import header, open_scratch


@dataclass(frozen=True, kw_only=True)
class Tier:
    name: str
    panel: int  # small patients linked to Dr Bench besides the big record
    lists: int  # patients in the database when the lists are measured
    reminders: tuple[int, ...]  # patients in the database for each sendreminders pair
    repeat: int  # requests per in-process median
    concurrency: tuple[int, ...] = (8, 32)
    http_seconds: float
    http_warmup: float
    http_rounds: int
    mixed_seconds: float
    mixed_rounds: int


FULL = Tier(
    name="full",
    panel=5000,
    lists=50_000,
    reminders=(10_000, 100_000),
    repeat=25,
    http_seconds=5,
    http_warmup=2,
    http_rounds=3,
    mixed_seconds=10,
    mixed_rounds=3,
)
QUICK = Tier(
    name="quick",
    panel=5000,
    lists=5000,
    reminders=(10_000,),
    repeat=7,
    http_seconds=2,
    http_warmup=1,
    http_rounds=1,
    mixed_seconds=4,
    mixed_rounds=2,
)
SECTIONS = {
    1: "pages in-process",
    2: "pages under HTTP load",
    3: "reads and writes at once",
    4: "sendreminders",
    5: "lists",
    6: "first visit",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated section numbers, e.g. 1,4 ("
        + ", ".join(f"{k} {v}" for k, v in SECTIONS.items())
        + ")",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and folder")
    args = parser.parse_args(argv)
    tier = QUICK if args.quick else FULL
    if os.environ.get("BENCH_REPEAT"):
        tier = replace(tier, repeat=int(os.environ["BENCH_REPEAT"]))
    only = {int(n) for n in args.only.split(",") if n.strip()} or set(SECTIONS)
    scratch = open_scratch()
    try:
        return run(tier, only, scratch.folder)
    finally:
        from django.db import connections

        connections.close_all()
        scratch.close(keep=args.keep)
        if args.keep:
            report.progress(f"kept {scratch.folder} and {scratch.database_url}")


def run(tier: Tier, only: set[int], folder) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from tests.bench import first_visit, inprocess, lists, mixed, reminders, throughput
    from tests.bench.seed import Seeder
    from tests.bench.server import Gunicorn

    began = time.perf_counter()
    report.progress("migrating the scratch database")
    call_command("migrate", verbosity=0)
    if only & {1, 2, 3, 5, 6}:
        report.progress("collecting static files (hashed, compressed), as a deployment does")
        call_command("collectstatic", interactive=False, verbosity=0)
    report.emit(header(tier.name))
    report.progress(f"seeding the big record and a panel of {tier.panel:,}")
    seeder = Seeder()
    cast = seeder.cast(panel=tier.panel)
    report.emit(
        f"- data: the big record (25 years), Dr Bench's panel of {tier.panel + 1:,}; "
        f"set up in {time.perf_counter() - began:.0f} s"
    )
    done: dict[int, list[str]] = {}
    titles = {
        1: f"Pages in-process (medians of {tier.repeat} requests; cold = the first view "
        "after a change to the record; × minimal = ÷ the signed-in `/healthz`, measured "
        "alternately with each page)",
        2: "",  # set when gunicorn starts
        3: "Reads and writes on one record at once (HTTP, gunicorn)",
        4: "`sendreminders`",
        5: f"Lists on {tier.lists:,} patients (in-process, medians of {tier.repeat} requests)",
        6: "First visit to the dashboard (bytes as served)",
    }
    try:
        if 1 in only:
            report.progress("1. pages in-process")
            done[1] = inprocess.pages(cast, tier.repeat, panel=tier.panel + 1)
        if 6 in only:
            report.progress("6. first visit")
            done[6] = first_visit.first_visit(cast)
        if only & {2, 3}:
            with Gunicorn(folder) as server:
                titles[2] = (
                    f"Pages under HTTP load ({server.described}; medians of "
                    f"{_rounds(tier.http_rounds)} of {tier.http_seconds:g} s after "
                    f"{tier.http_warmup:g} s of warm-up; × minimal = `/healthz` req/s ÷ the "
                    "page's)"
                )
                if 2 in only:
                    report.progress("2. pages under HTTP load")
                    done[2] = throughput.throughput(
                        cast,
                        server.port,
                        concurrency=tier.concurrency,
                        seconds=tier.http_seconds,
                        warmup=tier.http_warmup,
                        rounds=tier.http_rounds,
                        panel=tier.panel + 1,
                    )
                if 3 in only:
                    report.progress("3. reads and writes at once")
                    done[3] = [
                        f"Medians of {_rounds(tier.mixed_rounds)} of {tier.mixed_seconds:g} s "
                        f"(after {tier.http_warmup:g} s of warm-up) on {server.described}.",
                        "",
                        *mixed.mixed(
                            cast,
                            server.port,
                            seconds=tier.mixed_seconds,
                            warmup=tier.http_warmup,
                            rounds=tier.mixed_rounds,
                        ),
                    ]
        sizes = sorted(
            {*(tier.reminders if 4 in only else ()), *([tier.lists] if 5 in only else [])}
        )
        kind, rows = "own", []
        for size in sizes:
            report.progress(f"the database grows to {size:,} patients")
            seeder.grow(size)
            if size == tier.lists and 5 in only:
                report.progress(f"5. lists on {size:,} patients")
                done[5] = lists.lists(cast, seeder, tier.repeat)
            if size in tier.reminders and 4 in only:
                report.progress(f"4. sendreminders on {size:,} patients")
                kind, more = reminders.reminders(size)
                rows += more
                done[4] = reminders.table(kind, rows)
    except Exception:
        report.emit(_sections(done, titles))
        traceback.print_exc()
        return 1
    report.emit(_sections(done, titles))
    report.emit(f"\n_Measured in {(time.perf_counter() - began) / 60:.1f} min._")
    return 0


def _rounds(n: int) -> str:
    return "1 round" if n == 1 else f"{n} rounds"


def _sections(done: dict[int, list[str]], titles: dict[int, str]) -> list[str]:
    lines = []
    for number in sorted(done):
        lines += ["", f"## {number}. {titles[number]}", "", *done[number]]
    return lines


if __name__ == "__main__":
    sys.exit(main())
