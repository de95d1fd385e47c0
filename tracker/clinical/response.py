"""What each drug did (issue 12): the change in BMD per site over each course of treatment.

For every course, the last scan on or before its first day (the baseline) is
compared with the last scan during it, site by site, with `change.compare`: the
same least significant change, vertebrae multiplier, clinician's LSC and
comparability as the trend table (rule book sections 3.2-3.4, 11.8, 11.22).
Nothing here re-derives the LSC. Each course is judged on its own; courses that
ran at the same time say so, since a change then belongs to both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from tracker.clinical.change import PCT_STEP, Change, comparability, compare
from tracker.clinical.history import (
    CLASSIFYING_SITES,
    SIDES,
    Course,
    PatientHistory,
    Scan,
    SiteResult,
)
from tracker.clinical.plausibility import DAYS_PER_YEAR, MIN_SCAN_GAP_DAYS
from tracker.clinical.therapy import courses_by_start, last_day

# [ours] "The last scan before (or at) its start" is the baseline: a scan on the
# first day on the drug was taken before the drug could act. "During" is from the
# day after the first day to the last day on the drug (section 11.1), or to today
# while the course runs; so one scan is never both ends. A scan after the last
# day belongs to whatever came next: this many days of grace (none; the rule book
# gives none) would let a scan shortly after the end still count.
END_SCAN_GRACE_DAYS = 0

# [ours] A change over fewer days is shown, but not as a rate per year: over a
# few months, annualising multiplies what is mostly measurement noise. The same
# six months (183 days) as the plausibility check's "too close to show real change".
MIN_ANNUALISED_DAYS = MIN_SCAN_GAP_DAYS

# Section 11.15: two courses overlap when they share this many days or more, so a
# switch in which the old course's last day is the new one's first is not one.
OVERLAP_MIN_SHARED_DAYS = 2

Status = Literal["measured", "no_baseline", "no_scan_during", "not_comparable", "no_common_site"]


@dataclass(frozen=True, kw_only=True)
class SiteResponse:
    """One site and side measured on both scans of a course."""

    site: str
    side: str
    change: Change  # from the baseline to the end scan, with its LSC verdict
    pct_per_year: Decimal | None  # rounded to 0.1; None under MIN_ANNUALISED_DAYS


@dataclass(frozen=True, kw_only=True)
class CourseResponse:
    """What one course did to bone density, or why that cannot be said (`status`)."""

    course: Course
    last_day: date  # the last day on the drug, or today while it runs
    ongoing: bool
    status: Status
    baseline: Scan | None  # the last scan on or before the first day
    end_scan: Scan | None  # the last scan during the course (None: there is none)
    reason: str  # why not comparable, e.g. "different scanner make (Hologic then GE Lunar)"
    sites: tuple[SiteResponse, ...]  # in site order; only when measured
    overlaps: tuple[Course, ...]  # other courses sharing two days or more with it


def _results(scan: Scan) -> dict[tuple[str, str], SiteResult]:
    """The first result of each classifying site and side, as the trend table keeps."""
    found: dict[tuple[str, str], SiteResult] = {}
    for result in scan.sites:
        if result.site in CLASSIFYING_SITES:
            found.setdefault((result.site, result.side), result)
    return found


def _site_order(key: tuple[str, str]) -> tuple[int, int]:
    return CLASSIFYING_SITES.index(key[0]), SIDES.index(key[1])


def per_year(change: Change) -> Decimal | None:
    """The change as a percentage per 365.25-day year (section 11.26), from the exact change."""
    if change.days < MIN_ANNUALISED_DAYS:
        return None
    pct = 100 * change.delta_g / change.ref_bmd
    return (pct * DAYS_PER_YEAR / change.days).quantize(PCT_STEP, ROUND_HALF_UP)


def _shared_days(a: Course, b: Course, today: date) -> int:
    first = max(a.start, b.start)
    last = min(last_day(a, today), last_day(b, today))
    return (last - first).days + 1


def _response(
    history: PatientHistory, course: Course, scans: list[Scan], others: list[Course], today: date
) -> CourseResponse:
    last = last_day(course, today)
    window_end = min(last + timedelta(days=END_SCAN_GRACE_DAYS), today)
    before = [s for s in scans if s.date <= course.start]
    during = [s for s in scans if course.start < s.date <= window_end]
    baseline = before[-1] if before else None
    end_scan = during[-1] if during else None
    found = {
        "course": course,
        "last_day": last,
        "ongoing": course.end is None or course.end >= today,
        "baseline": baseline,
        "end_scan": end_scan,
        "reason": "",
        "sites": (),
        "overlaps": tuple(
            o for o in others if _shared_days(course, o, today) >= OVERLAP_MIN_SHARED_DAYS
        ),
    }
    if baseline is None:
        return CourseResponse(status="no_baseline", **found)
    if end_scan is None:
        return CourseResponse(status="no_scan_during", **found)
    comp = comparability(end_scan, baseline)
    if not comp.same_make:
        return CourseResponse(status="not_comparable", **{**found, "reason": comp.reasons[0]})
    ref, now = _results(baseline), _results(end_scan)
    sites = []
    for key in sorted(ref.keys() & now.keys(), key=_site_order):
        change = compare(end_scan, now[key], baseline, ref[key], history.overrides)
        sites.append(
            SiteResponse(site=key[0], side=key[1], change=change, pct_per_year=per_year(change))
        )
    status: Status = "measured" if sites else "no_common_site"
    return CourseResponse(status=status, **{**found, "sites": tuple(sites)})


def course_responses(history: PatientHistory, today: date) -> tuple[CourseResponse, ...]:
    """Each course that has started by `today`, oldest first, with what it did.

    Only scans up to `today` that measured at least one of the four classifying
    sites count as either end (the default LSC exists only for those, section 3.2).
    """
    scans = sorted(
        (s for s in history.scans if s.date <= today and _results(s)),
        key=lambda s: (s.date, s.id),
    )
    courses = [c for c in courses_by_start(history) if c.start <= today]
    return tuple(
        _response(history, course, scans, [o for o in courses if o is not course], today)
        for course in courses
    )
