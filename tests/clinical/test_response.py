"""What each drug did (issue 12, item 6): the change per site over each course.

Known histories, both sides of every boundary: which scan is the baseline (on the
first day: yes; the day after: no), which is the end scan (on the last day on the
drug, section 11.1: yes; the day after: no), a running course, scanner make,
model, facility and vertebrae (sections 3.3, 3.4, 11.8), a clinician's LSC
(section 11.22) and a change exactly at the LSC (section 3.1: "equals or exceeds").
"""

from datetime import date, timedelta

import pytest

from tracker.clinical.change import DEFAULT_LSC_PCT, VERTEBRAE_LSC_MULTIPLIER
from tracker.clinical.history import Overrides
from tracker.clinical.plausibility import DAYS_PER_YEAR, MIN_SCAN_GAP_DAYS
from tracker.clinical.response import (
    END_SCAN_GRACE_DAYS,
    MIN_ANNUALISED_DAYS,
    OVERLAP_MIN_SHARED_DAYS,
    course_responses,
)

from .builders import TODAY, D, course, history, scan, site

START = date(2018, 3, 1)  # first day on the drug
END = date(2022, 2, 28)  # last day on the drug (section 11.1)
ONE = timedelta(days=1)
BEFORE = START - timedelta(days=400)
DURING = date(2021, 3, 1)


def _alendronate(end=END, start=START, id=1):
    return course(id, "alendronate", start, end, "switched" if end else None)


def _spine(bmd, **extra):
    return site("lumbar_spine", bmd, **extra)


def _one(courses, scans, overrides=None, today=TODAY):
    hist = history(courses=courses, scans=scans, **({"overrides": overrides} if overrides else {}))
    return course_responses(hist, today)


def _only(courses, scans, overrides=None, today=TODAY):
    (found,) = _one(courses, scans, overrides, today)
    return found


# --- the named decisions ------------------------------------------------------------------


def test_the_decisions_are_named():
    # Strict: a scan after the last day on the drug is not the course's (rule book: no grace).
    assert END_SCAN_GRACE_DAYS == 0
    # The same six months as the plausibility check's "too close to show real change".
    assert MIN_ANNUALISED_DAYS == MIN_SCAN_GAP_DAYS == 183
    # Section 11.15: a switch on one shared day is not an overlap.
    assert OVERLAP_MIN_SHARED_DAYS == 2


# --- which scans are the two ends -----------------------------------------------------------


@pytest.mark.parametrize(
    ("scans", "baseline", "end_scan"),
    [
        # A scan on the first day is "before or at its start": the baseline.
        (
            (scan(1, BEFORE, _spine("0.900")), scan(2, START, _spine("0.800"))),
            2,
            None,
        ),
        (
            (
                scan(1, BEFORE, _spine("0.900")),
                scan(2, START, _spine("0.800")),
                scan(3, DURING, _spine("0.850")),
            ),
            2,
            3,
        ),
        # The day after the start is during the course, not its baseline.
        (
            (
                scan(1, BEFORE, _spine("0.800")),
                scan(2, START + ONE, _spine("0.900")),
                scan(3, DURING, _spine("0.850")),
            ),
            1,
            3,
        ),
        ((scan(1, BEFORE, _spine("0.800")), scan(2, START + ONE, _spine("0.900"))), 1, 2),
        # The last scan during the course is the end: on its last day, yes...
        (
            (
                scan(1, BEFORE, _spine("0.800")),
                scan(2, DURING, _spine("0.850")),
                scan(3, END, _spine("0.860")),
            ),
            1,
            3,
        ),
        # ... the day after, no (strict: END_SCAN_GRACE_DAYS is 0).
        (
            (
                scan(1, BEFORE, _spine("0.800")),
                scan(2, DURING, _spine("0.850")),
                scan(3, END + ONE, _spine("0.860")),
            ),
            1,
            2,
        ),
        # Two scans on one day: the later id is the later scan, as in the trend table.
        (
            (
                scan(2, BEFORE, _spine("0.800")),
                scan(1, BEFORE, _spine("0.810")),
                scan(4, DURING, _spine("0.850")),
                scan(3, DURING, _spine("0.860")),
            ),
            2,
            4,
        ),
        # A scan that measured none of the four sites cannot be an end.
        (
            (
                scan(1, BEFORE, _spine("0.800")),
                scan(2, START - ONE, site("total_body", "1.000")),
                scan(3, DURING, _spine("0.850")),
                scan(4, END, site("trochanter", "0.600")),
            ),
            1,
            3,
        ),
    ],
)
def test_baseline_is_the_last_scan_at_or_before_the_start_end_the_last_during(
    scans, baseline, end_scan
):
    found = _only((_alendronate(),), scans)
    assert found.baseline.id == baseline
    if end_scan is None:
        # The only scan since the start is the baseline itself: no change to show.
        assert found.status == "no_scan_during" and found.end_scan is None and not found.sites
    else:
        assert found.status == "measured"
        assert found.end_scan.id == end_scan


def test_no_scan_before_it_started():
    found = _only((_alendronate(),), (scan(1, START + ONE, _spine("0.800")),))
    assert found.status == "no_baseline"
    assert found.baseline is None and found.sites == ()
    # Neither end: "no scan before it started" is said first.
    assert _only((_alendronate(),), ()).status == "no_baseline"


def test_no_scan_during_it():
    scans = (scan(1, BEFORE, _spine("0.800")), scan(2, END + ONE, _spine("0.900")))
    found = _only((_alendronate(),), scans)
    assert found.status == "no_scan_during"
    assert found.baseline.id == 1 and found.end_scan is None and found.sites == ()
    assert found.ongoing is False and found.last_day == END


@pytest.mark.parametrize(
    ("end", "today", "ongoing", "last_day", "end_scan"),
    [
        # Running: scans up to today count...
        (None, TODAY, True, TODAY, 3),
        # ... and one dated after today is not known yet.
        (None, DURING + ONE, True, DURING + ONE, 2),
        # A planned last day after today: still running, measured up to today.
        (TODAY + ONE, TODAY, True, TODAY, 3),
        # Ended today: its last day, no longer running.
        (TODAY - ONE, TODAY, False, TODAY - ONE, 2),
    ],
)
def test_a_running_course_is_measured_up_to_today(end, today, ongoing, last_day, end_scan):
    scans = (
        scan(1, BEFORE, _spine("0.800")),
        scan(2, DURING, _spine("0.850")),
        scan(3, TODAY, _spine("0.860")),
    )
    found = _only((_alendronate(end=end),), scans, today=today)
    assert (found.ongoing, found.last_day) == (ongoing, last_day)
    assert found.end_scan.id == end_scan


def test_a_course_that_starts_after_today_is_not_shown():
    courses = (_alendronate(), course(2, "denosumab", TODAY + ONE))
    found = _one(courses, (scan(1, BEFORE, _spine("0.800")),))
    assert [r.course.id for r in found] == [1]
    # One that starts today is.
    courses = (_alendronate(), course(2, "denosumab", TODAY))
    assert [r.course.id for r in _one(courses, ())] == [1, 2]


def test_courses_oldest_first_each_on_its_own():
    scans = (
        scan(1, BEFORE, _spine("0.800")),
        scan(2, DURING, _spine("0.850")),
        scan(3, date(2024, 6, 1), _spine("0.900")),
    )
    courses = (course(7, "denosumab", END + ONE), _alendronate(id=3))
    first, second = _one(courses, scans)
    assert (first.course.id, first.baseline.id, first.end_scan.id) == (3, 1, 2)
    # The switch: the alendronate's end scan is the denosumab's baseline.
    assert (second.course.id, second.baseline.id, second.end_scan.id) == (7, 2, 3)
    assert first.overlaps == () and second.overlaps == ()


# --- the change at each site ---------------------------------------------------------------


def test_every_site_and_side_on_both_scans_in_site_order():
    scans = (
        scan(
            1,
            BEFORE,
            site("total_hip", "0.700", side="right"),
            site("femoral_neck", "0.600"),
            site("total_hip", "0.700", side="left"),
            _spine("1.000"),
            site("radius_33", "0.600"),
            site("trochanter", "0.500"),
        ),
        scan(
            2,
            DURING,
            site("total_hip", "0.720", side="left"),
            site("total_hip", "0.690", side="right"),
            _spine("1.041"),
            _spine("1.500"),  # a second spine result on one scan: the first counts
            site("femoral_neck", "0.610", side="right"),  # the other side: not the same site
            site("trochanter", "0.510"),
        ),
    )
    found = _only((_alendronate(),), scans)
    assert [(s.site, s.side) for s in found.sites] == [
        ("lumbar_spine", "none"),
        ("total_hip", "left"),
        ("total_hip", "right"),
    ]
    spine, left, right = found.sites
    assert spine.change.pct == D("4.1") and spine.change.delta_g == D("0.041")
    assert spine.change.significant is False and spine.change.estimated is True
    assert spine.change.lsc_pct == DEFAULT_LSC_PCT["lumbar_spine"]
    assert spine.change.ref_scan_id == 1 and spine.change.days == (DURING - BEFORE).days
    assert left.change.pct == D("2.9") and right.change.pct == D("-1.4")


def test_no_site_on_both_scans():
    scans = (scan(1, BEFORE, _spine("1.000")), scan(2, DURING, site("total_hip", "0.700")))
    found = _only((_alendronate(),), scans)
    assert found.status == "no_common_site"
    assert found.baseline.id == 1 and found.end_scan.id == 2 and found.sites == ()


@pytest.mark.parametrize(
    ("site_code", "now", "significant", "direction"),
    [
        # Section 3.1: a change that equals the LSC is real; 0.001 less is not.
        ("total_hip", "1.050", True, "increase"),
        ("total_hip", "1.049", False, "stable"),
        ("total_hip", "0.950", True, "decrease"),
        ("total_hip", "0.951", False, "stable"),
        ("lumbar_spine", "1.053", True, "increase"),
        ("lumbar_spine", "1.052", False, "stable"),
    ],
)
def test_a_change_equal_to_the_lsc_is_real(site_code, now, significant, direction):
    scans = (scan(1, BEFORE, site(site_code, "1.000")), scan(2, DURING, site(site_code, now)))
    (result,) = _only((_alendronate(),), scans).sites
    assert result.change.significant is significant
    assert result.change.direction == direction


@pytest.mark.parametrize(("now", "significant"), [("1.057", True), ("1.056", False)])
def test_three_vertebrae_widen_the_lsc(now, significant):
    # Section 3.3: 5.3 % x 1.07 = 5.671 % of 1.000, shown rounded up to 0.057.
    assert VERTEBRAE_LSC_MULTIPLIER[3] == D("1.07")
    three = {"vertebrae_count": 3}
    scans = (scan(1, BEFORE, _spine("1.000", **three)), scan(2, DURING, _spine(now, **three)))
    found = _only((_alendronate(),), scans)
    (spine,) = found.sites
    assert spine.change.lsc_g == D("0.057")
    assert spine.change.significant is significant
    assert spine.change.comparability == "comparable"


def test_different_vertebra_counts_are_uncertain_with_the_wider_lsc():
    # Section 11.8: the larger multiplier, and "comparability uncertain".
    scans = (
        scan(1, BEFORE, _spine("1.000", vertebrae_count=4)),
        scan(2, DURING, _spine("1.057", vertebrae_count=3)),
    )
    (spine,) = _only((_alendronate(),), scans).sites
    assert spine.change.significant and spine.change.comparability == "uncertain"
    assert "different number of vertebrae (4 then 3)" in spine.change.notes


@pytest.mark.parametrize(("now", "significant"), [("1.030", True), ("1.029", False)])
def test_a_clinicians_lsc_wins(now, significant):
    # Section 11.22: taken as given, even for 3 vertebrae.
    overrides = Overrides(facility_lsc_pct={"lumbar_spine": "3.0"})
    three = {"vertebrae_count": 3, "facility_lsc_g": D("0.050")}
    scans = (scan(1, BEFORE, _spine("1.000", **three)), scan(2, DURING, _spine(now, **three)))
    (spine,) = _only((_alendronate(),), scans, overrides).sites
    assert spine.change.lsc_source == "clinician" and spine.change.lsc_g == D("0.030")
    assert spine.change.significant is significant


def test_a_new_scanner_make_is_not_comparable():
    # Section 3.4: no number across a make change.
    scans = (
        scan(1, BEFORE, _spine("1.000")),
        scan(2, DURING, _spine("1.120"), make="ge_lunar"),
    )
    found = _only((_alendronate(),), scans)
    assert found.status == "not_comparable"
    assert found.reason == "different scanner make (Hologic then GE Lunar)"
    assert found.baseline.id == 1 and found.end_scan.id == 2 and found.sites == ()


@pytest.mark.parametrize(
    ("extra", "note"),
    [
        ({"facility": "Other clinic"}, "different facility"),
        ({"model": "Discovery"}, "different scanner model"),
    ],
)
def test_same_make_other_facility_or_model_is_measured_but_uncertain(extra, note):
    scans = (
        scan(1, BEFORE, site("total_hip", "1.000")),
        scan(2, DURING, site("total_hip", "1.050"), **extra),
    )
    found = _only((_alendronate(),), scans)
    assert found.status == "measured" and found.reason == ""
    (hip,) = found.sites
    assert hip.change.comparability == "uncertain" and note in hip.change.notes
    assert hip.change.significant


# --- per year --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "per_year"),
    [
        # Under half a year the change is not annualised; from 183 days it is.
        (MIN_ANNUALISED_DAYS - 1, None),
        (MIN_ANNUALISED_DAYS, "10.0"),  # 5.0 % over 183/365.25 of a year = 9.98 -> 10.0
        (731, "2.5"),  # 5.0 % over two years
        (1461, "1.3"),  # 5.0 % over exactly four years: 1.25, rounded half up
    ],
)
def test_per_year_is_the_change_over_the_years_between_the_scans(days, per_year):
    ref_day = START - timedelta(days=10)
    scans = (
        scan(1, ref_day, site("total_hip", "1.000")),
        scan(2, ref_day + timedelta(days=days), site("total_hip", "1.050")),
    )
    (hip,) = _only((_alendronate(end=None),), scans).sites
    assert hip.change.days == days
    assert hip.pct_per_year == (None if per_year is None else D(per_year))


def test_per_year_uses_the_exact_change_not_the_rounded_one():
    # 0.035 of 0.701 is 4.9929 %: shown 5.0 %, but per year over 4 years 1.248... -> 1.2.
    scans = (
        scan(1, BEFORE, site("total_hip", "0.701")),
        scan(2, BEFORE + timedelta(days=1461), site("total_hip", "0.736")),
    )
    (hip,) = _only((_alendronate(end=None),), scans).sites
    assert hip.change.pct == D("5.0")
    expected = (100 * D("0.035") / D("0.701")) * DAYS_PER_YEAR / 1461
    assert hip.pct_per_year == expected.quantize(D("0.1"))


# --- overlapping courses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second_start", "overlap"),
    [
        # Section 11.15: sharing the old course's last day is a switch...
        (END, False),
        (END + ONE, False),
        # ... sharing two days or more is an overlap.
        (END - ONE, True),
        (START, True),
    ],
)
def test_overlapping_courses_are_each_measured_and_say_so(second_start, overlap):
    courses = (_alendronate(), course(2, "raloxifene", second_start))
    scans = (scan(1, BEFORE, _spine("1.000")), scan(2, DURING, _spine("1.060")))
    first, second = _one(courses, scans)
    assert [c.id for c in first.overlaps] == ([2] if overlap else [])
    assert [c.id for c in second.overlaps] == ([1] if overlap else [])
    # Each course on its own: the alendronate's figures do not depend on the other.
    assert first.sites[0].change.pct == D("6.0")


def test_overlap_with_a_course_starting_after_today_is_not_counted():
    courses = (_alendronate(end=None), course(2, "raloxifene", TODAY + ONE))
    (found,) = _one(courses, ())
    assert found.overlaps == ()
