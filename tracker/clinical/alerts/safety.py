"""Sections 5.1, 6 and 7: RALOX-VTE, DRUG-OVERLAP, TREATMENT-FAILURE, FRACTURE-ON-THERAPY,
SEVERE-OSTEOPOROSIS and HEIGHT-LOSS.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.clinical.alerts.base import (
    Alert,
    _alert,
    _courses_of,
    _d,
    _key_day,
)
from tracker.clinical.change import ChangeRow, describe_site, significant_decreases
from tracker.clinical.classify import Classification, severe_since
from tracker.clinical.dates import add_months
from tracker.clinical.history import Course, PatientHistory
from tracker.clinical.therapy import (
    active_on,
    courses_by_start,
    drug_of,
    episode_start,
)

# --- Treatment failure (section 6; IOF, Diez-Perez 2012) ---
TREATMENT_FAILURE_MIN_MONTHS = 12
TREATMENT_FAILURE_MIN_FRACTURES = 2
TREATMENT_FAILURE_BMD_SITES: tuple[str, ...] = ("lumbar_spine", "total_hip")

# DRUG-OVERLAP [ours]: the classes that count as antiresorptives; romosozumab ("dual")
# counts as an anabolic only (section 11.15).
OVERLAP_ANTIRESORPTIVE_CLASSES: tuple[str, ...] = ("antiresorptive", "weak_antiresorptive")

# --- Height (section 7; NOF 2014; Siminoski 2006) ---
HEIGHT_LOSS_FROM_TALLEST_CM = Decimal("4.0")
HEIGHT_LOSS_MEASURED_CM = Decimal("2.0")


def raloxifene_alerts(history: PatientHistory, today: date) -> list[Alert]:
    found = []
    clots = sorted(
        (e for e in history.events if e.kind == "blood_clot"), key=lambda e: (e.date, e.id)
    )
    for course in _courses_of(history, "raloxifene"):
        if not active_on(course, today):
            continue
        for clot in clots:
            found.append(
                _alert(
                    "RALOX-VTE",
                    "alert",
                    "Raloxifene and a blood clot",
                    f"You take raloxifene (Evista) and a blood clot was recorded on "
                    f"{_d(clot.date)}. Raloxifene raises the risk of clots, and its label "
                    "says not to use it after one. Talk to your clinician now.",
                    f"Raloxifene with blood clot on {_d(clot.date)}: boxed warning.",
                    max(clot.date, course.start),
                    f"course-{course.id}:event-{clot.id}",
                )
            )
    return found


def _conflict(a: Course, b: Course) -> bool:
    """Two antiresorptives at once, or an anabolic with denosumab (DRUG-OVERLAP).

    Section 11.15: romosozumab counts as an anabolic here, not as an antiresorptive.
    """
    da, db = drug_of(a), drug_of(b)
    if da.drug_class in OVERLAP_ANTIRESORPTIVE_CLASSES and (
        db.drug_class in OVERLAP_ANTIRESORPTIVE_CLASSES
    ):
        return True
    return (da.is_anabolic and b.drug == "denosumab") or (db.is_anabolic and a.drug == "denosumab")


def overlap_alerts(history: PatientHistory, today: date) -> list[Alert]:
    found = []
    running = [c for c in courses_by_start(history) if active_on(c, today)]
    for i, a in enumerate(running):
        for b in running[i + 1 :]:
            if a.intended_overlap or b.intended_overlap or not _conflict(a, b):
                continue
            first = max(a.start, b.start)
            ends = [c.end for c in (a, b) if c.end is not None]
            # A switch recorded as "old ends the day the new starts" is not an overlap.
            if ends and min(ends) <= first:
                continue
            name_a, name_b = drug_of(a).name, drug_of(b).name
            low, high = sorted((a.id, b.id))
            found.append(
                _alert(
                    "DRUG-OVERLAP",
                    "warn",
                    f"{name_a} and {name_b} at the same time",
                    f"Your record shows {name_a} and {name_b} both running since {_d(first)}. "
                    "These are not usually combined. If one has stopped, record its end "
                    "date; if the combination is intended, your clinician can mark it so.",
                    f"Overlap: {name_a} + {name_b} since {_d(first)} (not marked intended).",
                    first,
                    f"course-{low}:course-{high}",
                )
            )
    return found


def treatment_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    """TREATMENT-FAILURE and FRACTURE-ON-THERAPY, for the treatment episode running today."""
    start = episode_start(history, today)
    if start is None:
        return []
    topic = f"therapy:since-{_key_day(start)}"
    fractures = sorted(
        # Section 11.13: from the first day on therapy.
        (f for f in history.fractures if f.fragility and f.date >= start),
        key=lambda f: (f.date, f.id),
    )
    # Losses are measured from the last scan before treatment (or from scans on it).
    before = [s.date for s in history.scans if s.date <= start]
    losses = significant_decreases(
        rows, TREATMENT_FAILURE_BMD_SITES, after=start, ref_from=max(before, default=start)
    )
    settled = add_months(start, TREATMENT_FAILURE_MIN_MONTHS)
    if today >= settled:
        reasons: list[tuple[date, str, str]] = []
        if len(fractures) >= TREATMENT_FAILURE_MIN_FRACTURES:
            reasons.append(
                (
                    max(settled, fractures[TREATMENT_FAILURE_MIN_FRACTURES - 1].date),
                    f"{len(fractures)} fragility fractures since treatment began",
                    ":".join(f"fracture-{f.id}" for f in fractures),
                )
            )
        for row, change in losses:
            uncertain = (
                " (scans not fully comparable: " + ", ".join(change.notes) + ")"
                if change.comparability == "uncertain"
                else ""
            )
            reasons.append(
                (
                    max(settled, row.scan_date),
                    f"bone density at the {describe_site(row)} fell by "
                    f"{abs(change.delta_g)} g/cm² ({change.pct}%) on {_d(row.scan_date)}, "
                    f"at least the least significant change{uncertain}",
                    f"scan-{row.scan_id}-{row.site}-{row.side}",
                )
            )
        if reasons:
            reasons.sort()
            what = "; ".join(text for _, text, _ in reasons)
            return [
                _alert(
                    "TREATMENT-FAILURE",
                    "alert",
                    "Your treatment may not be working well enough",
                    f"You have been on treatment since {_d(start)}, and there has been: "
                    f"{what}. Experts call this a possible treatment failure; it is a reason "
                    "for your clinician to review the treatment, not to stop it on your own.",
                    f"Treatment failure criteria (IOF) on therapy since {_d(start)}: {what}.",
                    reasons[0][0],
                    f"since-{_key_day(start)}:" + ":".join(ident for _, _, ident in reasons),
                    topic,
                )
            ]
    if fractures:
        latest = fractures[-1]
        return [
            _alert(
                "FRACTURE-ON-THERAPY",
                "warn",
                "A fracture while on treatment",
                f"A fragility fracture on {_d(latest.date)} happened while you were on "
                f"treatment (since {_d(start)}). Please ask your clinician to review your "
                "treatment.",
                f"Fragility fracture {_d(latest.date)} on therapy since {_d(start)}: review.",
                latest.date,
                f"fracture-{latest.id}",
                topic,
            )
        ]
    return []


def treatment_edges(history: PatientHistory, today: date) -> list[date]:
    """TREATMENT-FAILURE may be raised from 12 months into the treatment episode
    (section 11.13: counted to today); the episode itself moves with the record."""
    start = episode_start(history, today)
    return [] if start is None else [add_months(start, TREATMENT_FAILURE_MIN_MONTHS)]


def severe_osteoporosis_alerts(history: PatientHistory, latest: Classification) -> list[Alert]:
    """Section 6: T <= -2.5 with a fragility fracture, on the latest scan only (section 11.7)."""
    since = severe_since(history, latest)
    if since is None:
        return []
    return [
        _alert(
            "SEVERE-OSTEOPOROSIS",
            "info",
            "Severe osteoporosis: ask about all treatment options",
            "A T-score of -2.5 or lower together with a fracture from a minor fall is "
            "called severe osteoporosis. Bone-building (anabolic) treatment is often "
            "considered first in this situation. This is information for a talk with "
            "your clinician, not a recommendation of any drug.",
            "Severe osteoporosis (T <= -2.5 with fragility fracture): anabolic-first "
            "often considered (ASBMR/BHOF 2024).",
            since,
            "patient",
        )
    ]


def height_alerts(history: PatientHistory) -> list[Alert]:
    found = []
    heights = sorted(history.heights, key=lambda h: (h.date, h.id))
    # Section 11.9: only measured heights raise HEIGHT-LOSS; self-reported ones are
    # shown elsewhere but never compared.
    measured = [h for h in heights if h.measured]
    tallest = history.profile.tallest_height_cm
    if tallest is not None and measured:
        run = None
        for height in measured:
            meets = tallest - height.cm >= HEIGHT_LOSS_FROM_TALLEST_CM
            run = (run or height) if meets else None
        if run is not None:
            loss = tallest - measured[-1].cm
            found.append(
                _alert(
                    "HEIGHT-LOSS",
                    "warn",
                    "You have lost height",
                    f"You are {loss} cm shorter than your tallest remembered height "
                    f"({tallest} cm). Losing {HEIGHT_LOSS_FROM_TALLEST_CM} cm or more can "
                    "be a sign of spine fractures that caused no pain. Ask about a spine "
                    "X-ray or a vertebral fracture assessment (VFA).",
                    f"Height loss {loss} cm from tallest recalled: consider spine X-ray/VFA.",
                    run.date,
                    f"recalled:height-{run.id}",
                )
            )
    run = None
    top = None
    for i, height in enumerate(measured):
        top = max((h.cm for h in measured[:i]), default=None)
        meets = top is not None and top - height.cm >= HEIGHT_LOSS_MEASURED_CM
        run = (run or height) if meets else None
    if run is not None:
        assert top is not None
        loss = top - measured[-1].cm
        found.append(
            _alert(
                "HEIGHT-LOSS",
                "warn",
                "Measured height has dropped",
                f"Your measured height has dropped by {loss} cm (from {top} cm). A drop "
                f"of {HEIGHT_LOSS_MEASURED_CM} cm or more between measurements can be a sign "
                "of spine fractures that caused no pain. Ask about a spine X-ray or a "
                "vertebral fracture assessment (VFA).",
                f"Measured height loss {loss} cm: consider spine X-ray/VFA.",
                run.date,
                f"measured:height-{run.id}",
            )
        )
    return found
