"""Section 5: the clinician panel's lists on a database of many patients, in-process,
as ratios to the minimal view measured alternately with each list (tests.bench.inprocess).

Dr Lists sees every patient: page 1, page 200 (rows 4,976 to 5,000) and a search
by name that matches one patient (the search's worst case: the walk in urgency
order cannot stop early). Dr Few sees three patients among them all (the walk
finds three rows and must read to the end to know there are no more)."""

import math

from tests.bench import report
from tests.bench.inprocess import minimal, timing
from tests.bench.seed import Cast, Seeder, name_of, signed_in

DEEP_PAGE = 200


def lists(cast: Cast, seeder: Seeder, repeat: int) -> list[str]:
    from tracker.accounts.models import Patient
    from tracker.dashboard.panel_pages import PAGE_SIZE as PANEL_PAGE_SIZE

    seeder.link_lists(cast)
    total = Patient.objects.count()
    many, few = signed_in(cast.lists_clinician), signed_in(cast.few_clinician)
    owner = signed_in(cast.owner)
    base = minimal(owner, repeat)
    # Page 200 (rows 4,976 to 5,000), or the last page of a smaller database (a test).
    deep = min(DEEP_PAGE, math.ceil(total / PANEL_PAGE_SIZE))
    needle = name_of(seeder.added // 2).replace(" ", "+")
    rows = [["minimal view (`/healthz`), signed in", base.ms, "1.0", base.queries]]
    for label, client, url in [
        (f"panel of all {total:,}, page 1", many, "/patients/"),
        (f"panel of all {total:,}, search by name (1 match)", many, f"/patients/?q={needle}"),
        (f"panel of all {total:,}, page {deep}", many, f"/patients/?page={deep}"),
        ("panel of a clinician with 3 patients", few, "/patients/"),
    ]:
        measured = timing(client, url, repeat, base=owner)
        rows.append([label, measured.ms, measured.ratio, measured.queries])
    return report.table(["list", "ms", "× minimal", "queries"], rows)
