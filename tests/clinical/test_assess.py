"""assess(history, today): one result for pages, reminders and calendars."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.clinical.assess import (
    DEFAULT_TARGET_T_SCORE,
    DISCLAIMER,
    assess,
    falls_in_last_12_months,
)
from tracker.clinical.classify import LOW_BONE_MASS, OSTEOPOROSIS
from tracker.clinical.dates import add_months
from tracker.clinical.history import Fall, Overrides

from .builders import TODAY, D, course, fracture, history, profile, scan, site


def _scan_hist(**kwargs):
    return history(
        scans=(
            scan(1, date(2020, 1, 10), site("lumbar_spine", "0.800", t="-2.7")),
            scan(
                2,
                date(2024, 1, 10),
                site("lumbar_spine", "0.860", t="-2.4"),
                site("total_hip", "0.700", t="-2.5", side="left"),
                site("femoral_neck", "0.600", t="-2.6", side="left"),
                site("radius_33", "0.600", t="-3.0"),  # classifies, so a target site (issue 11)
            ),
        ),
        **kwargs,
    )


def test_assessment_puts_everything_together():
    result = assess(_scan_hist(courses=(course(1, "alendronate", date(2020, 2, 1)),)), TODAY)
    assert result.today == TODAY
    assert result.latest_scan.category == OSTEOPOROSIS  # radius -3.0
    assert result.standing.category == OSTEOPOROSIS
    assert len(result.change_rows) == 5
    assert result.next_scan.basis == "stable_therapy"
    assert [c.drug for c in result.current_drugs] == ["alendronate"]
    assert result.current_drugs[0].days_on == (TODAY - date(2020, 2, 1)).days + 1
    assert result.disclaimer == DISCLAIMER
    assert "decisions belong to you and your clinician" in DISCLAIMER


def test_targets_11_17_met_only_above_the_target():
    targets = assess(_scan_hist(), TODAY).targets
    assert [(t.site, t.t_score, t.met, t.gap) for t in targets] == [
        ("lumbar_spine", D("-2.4"), True, D("-0.1")),
        ("total_hip", D("-2.5"), False, D("0.0")),  # on the line is not above it
        ("femoral_neck", D("-2.6"), False, D("0.1")),
        ("radius_33", D("-3.0"), False, D("0.5")),
    ]
    assert all(
        t.target == DEFAULT_TARGET_T_SCORE and not t.target_set_by_clinician for t in targets
    )
    assert targets[0].scan_id == 2


def test_targets_clinician_override():
    targets = assess(_scan_hist(overrides=Overrides(target_t_score="-2.0")), TODAY).targets
    assert [(t.met, t.gap) for t in targets] == [
        (False, D("0.4")),
        (False, D("0.5")),
        (False, D("0.6")),
        (False, D("1.0")),
    ]
    assert all(t.target == Decimal("-2.0") and t.target_set_by_clinician for t in targets)


def test_targets_use_the_latest_scan_with_each_site():
    hist = history(
        scans=(
            scan(1, date(2020, 1, 1), site("total_hip", t="-2.8"), site("lumbar_spine", t="-2.0")),
            scan(2, date(2024, 1, 1), site("lumbar_spine", t="-1.5"), site("femoral_neck", t=None)),
        )
    )
    targets = assess(hist, TODAY).targets
    assert [(t.site, t.scan_id) for t in targets] == [("lumbar_spine", 2), ("total_hip", 1)]


@pytest.mark.parametrize(
    ("code", "t_score", "met"),
    [
        (code, t_score, met)
        for code in ("lumbar_spine", "total_hip", "femoral_neck", "radius_33")
        for t_score, met in (("-2.4", True), ("-2.5", False), ("-2.8", False))
    ],
)
def test_every_classifying_site_has_a_target_on_both_sides_of_it(code, t_score, met):
    """Issue 11: the card said "met" three times while the 33% radius was at -2.8."""
    hist = history(scans=(scan(1, date(2024, 1, 1), site(code, t=t_score)),))
    [target] = assess(hist, TODAY).targets
    assert (target.site, target.t_score, target.met) == (code, D(t_score), met)


def test_a_site_that_does_not_classify_has_no_target():
    hist = history(scans=(scan(1, date(2024, 1, 1), site("total_body", t="-3.0")),))
    assert assess(hist, TODAY).targets == ()


def test_no_targets_in_z_score_mode():
    hist = history(
        profile(age=35, status="premenopausal"), scans=(scan(1, date(2024, 1, 1), site()),)
    )
    assert assess(hist, TODAY).targets == ()


@pytest.mark.parametrize(
    ("fall_day", "counted"),
    [
        (add_months(TODAY, -12), True),
        (add_months(TODAY, -12) - timedelta(days=1), False),
        (TODAY, True),
    ],
)
def test_falls_in_the_last_12_months(fall_day, counted):
    hist = history(falls=(Fall(1, fall_day, injured=False),))
    assert falls_in_last_12_months(hist, TODAY) == (1 if counted else 0)
    assert assess(hist, TODAY).falls_last_12_months == (1 if counted else 0)


def test_entries_after_today_are_ignored():
    later = TODAY + timedelta(days=10)
    hist = history(
        scans=(scan(1, date(2024, 1, 1), site(t="-2.0")), scan(2, later, site(t="-3.0"))),
        courses=(
            course(1, "denosumab", date(2024, 1, 1), doses=(date(2024, 1, 1), later)),
            course(2, "alendronate", later),
        ),
        fractures=(fracture(1, later),),
        falls=(Fall(1, later, injured=True),),
    )
    result = assess(hist, TODAY)
    assert result.latest_scan.category == LOW_BONE_MASS
    assert result.standing.category is None
    assert [c.course_id for c in result.current_drugs] == [1]
    assert result.next_doses[0].last_dose_date == date(2024, 1, 1)
    assert result.falls_last_12_months == 0


def test_assess_is_pure():
    hist = _scan_hist()
    assert assess(hist, TODAY) == assess(hist, TODAY)
    hash(assess(hist, TODAY).alerts)
