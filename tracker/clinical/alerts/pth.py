"""Section 5.1 PTH analogs and after any anabolic: PTH-NEAR-LIMIT, PTH-OVER-LIMIT,
ANABOLIC-NO-FOLLOWON.
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.clinical.alerts.base import (
    Alert,
    Severity,
    _alert,
    _d,
)
from tracker.clinical.dates import days_covered, first_day
from tracker.clinical.history import PatientHistory
from tracker.clinical.therapy import (
    active_on,
    courses_by_start,
    drug_of,
    last_day,
)

# --- PTH analogs (section 5.1; Forteo 2020 and Tymlos labels) ---
PTH_NEAR_LIMIT_DAYS = 700  # [ours] PTH-NEAR-LIMIT at cumulative >= 700 days
PTH_LIFETIME_LIMIT_DAYS = 730  # PTH-OVER-LIMIT when cumulative > 730 days

# --- After an anabolic (section 5.1; Endocrine Society 2020) ---
ANABOLIC_FOLLOWON_WINDOW_DAYS = 90  # [ours window]


def pth_alerts(history: PatientHistory, today: date) -> list[Alert]:
    courses = [c for c in history.courses if drug_of(c).is_pth_analog]
    if not courses:
        return []
    intervals = [(c.start, last_day(c, today)) for c in courses]
    total = days_covered(intervals, today)
    earliest = min(c.start for c in courses)

    def reached(days: int) -> date:
        # The threshold was crossed on or before today, so a day is always found.
        day = first_day(lambda d: days_covered(intervals, d) >= days, earliest, today)
        assert day is not None
        return day

    if total > PTH_LIFETIME_LIMIT_DAYS:
        abaloparatide = any(c.drug == "abaloparatide" for c in courses)
        severity: Severity = "alert" if abaloparatide else "warn"
        if abaloparatide:
            why = "Abaloparatide (Tymlos) is not recommended beyond 2 years in a lifetime."
        else:
            why = (
                "Teriparatide (Forteo) beyond 2 years in a lifetime is only for people "
                "whose fracture risk stays high (label changed 2020)."
            )
        return [
            _alert(
                "PTH-OVER-LIMIT",
                severity,
                "Over 2 years of teriparatide/abaloparatide",
                f"You have had {total} days of teriparatide or abaloparatide in total; the "
                f"lifetime limit is {PTH_LIFETIME_LIMIT_DAYS} days (2 years). {why} "
                "Talk to your clinician.",
                f"PTH analogs: {total} cumulative days (> {PTH_LIFETIME_LIMIT_DAYS}).",
                reached(PTH_LIFETIME_LIMIT_DAYS + 1),
                f"lifetime:{'abaloparatide' if abaloparatide else 'teriparatide'}",
                "pth:lifetime",
            )
        ]
    if total >= PTH_NEAR_LIMIT_DAYS:
        return [
            _alert(
                "PTH-NEAR-LIMIT",
                "warn",
                "Nearing 2 years of teriparatide/abaloparatide",
                f"You have had {total} of the {PTH_LIFETIME_LIMIT_DAYS} days (2 years) of "
                "teriparatide or abaloparatide allowed over a lifetime (the two drugs add "
                "up). Plan the end of the course and the antiresorptive that follows.",
                f"PTH analogs: {total}/{PTH_LIFETIME_LIMIT_DAYS} cumulative days.",
                reached(PTH_NEAR_LIMIT_DAYS),
                "lifetime",
                "pth:lifetime",
            )
        ]
    return []


def pth_days_edges(history: PatientHistory, today: date, *totals: int) -> list[date]:
    """The days on which the lifetime PTH count reaches each of `totals`, while a PTH
    analog runs (each day on it adds one; overlapping courses count once). A course
    that ends first stops the count: its end is an edge of its own (record_edges)."""
    courses = [c for c in history.courses if drug_of(c).is_pth_analog]
    if not any(active_on(c, today) for c in courses):
        return []
    total = days_covered([(c.start, last_day(c, today)) for c in courses], today)
    return [today + timedelta(days=wanted - total) for wanted in totals if wanted > total]


def pth_edges(history: PatientHistory, today: date) -> list[date]:
    """PTH-NEAR-LIMIT from 700 days, PTH-OVER-LIMIT from day 731."""
    return pth_days_edges(history, today, PTH_NEAR_LIMIT_DAYS, PTH_LIFETIME_LIMIT_DAYS + 1)


# -------------------------------------------------------------------- after an anabolic


def anabolic_followon_edges(history: PatientHistory, today: date) -> list[date]:
    """ANABOLIC-NO-FOLLOWON is raised on day 91 after an anabolic course's last day."""
    return [
        course.end + timedelta(days=ANABOLIC_FOLLOWON_WINDOW_DAYS + 1)
        for course in history.courses
        if drug_of(course).is_anabolic and course.end is not None
    ]


def anabolic_followon_alerts(history: PatientHistory, today: date) -> list[Alert]:
    found = []
    for course in courses_by_start(history):
        if not drug_of(course).is_anabolic or course.end is None or course.end >= today:
            continue
        window_end = course.end + timedelta(days=ANABOLIC_FOLLOWON_WINDOW_DAYS)
        if today <= window_end:
            continue
        followed = False
        for other in history.courses:
            # Section 11.19: a follow-on closes it whenever it starts, even after day 90.
            if other is course:
                continue
            kind = drug_of(other)
            # A full antiresorptive still running after the anabolic ended.
            if kind.drug_class == "antiresorptive" and last_day(other, today) > course.end:
                followed = True
            # Another anabolic after this one carries the duty to follow on.
            if kind.is_anabolic and other.start > course.start:
                followed = True
        if followed:
            continue
        name = drug_of(course).name
        found.append(
            _alert(
                "ANABOLIC-NO-FOLLOWON",
                "alert",
                f"No follow-on treatment after {name.lower()}",
                f"Your {name} course ended on {_d(course.end)}, and no antiresorptive drug "
                f"(such as a bisphosphonate or denosumab) was started within "
                f"{ANABOLIC_FOLLOWON_WINDOW_DAYS} days. The bone gained is lost without one. "
                "Talk to your clinician.",
                f"{name} ended {_d(course.end)}; no antiresorptive within "
                f"{ANABOLIC_FOLLOWON_WINDOW_DAYS} days.",
                window_end + timedelta(days=1),
                f"course-{course.id}",
            )
        )
    return found
