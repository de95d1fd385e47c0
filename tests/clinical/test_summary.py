"""The clinician panel's per-patient line, from an assessment and the open alerts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.clinical.assess import assess
from tracker.clinical.history import Course, Dose, PatientHistory, Profile, Scan, SiteResult
from tracker.clinical.summary import summarize

TODAY = date(2026, 11, 21)
PROFILE = Profile(birth_date=date(1950, 1, 1), sex="female", menopausal_status="postmenopausal")


def scan(day: date, t: str) -> Scan:
    return Scan(
        id=1,
        date=day,
        manufacturer="hologic",
        sites=(SiteResult("lumbar_spine", "none", Decimal("0.800"), Decimal(t), Decimal("-1.0")),),
    )


def denosumab(days_since_last: int) -> Course:
    last = TODAY - timedelta(days=days_since_last)
    return Course(id=7, drug="denosumab", start=last, doses=(Dose(1, last),))


def test_empty_record():
    summary = summarize(assess(PatientHistory(PROFILE), TODAY), ())
    assert summary.last_scan_date is None and summary.lowest_t_score is None
    assert summary.category == "no_scan"
    assert (summary.alert_count, summary.warn_count, summary.overdue) == (0, 0, False)


@pytest.mark.parametrize(
    ("days", "late", "alerts"),
    [(210, False, 0), (211, True, 0), (294, True, 0), (295, True, 2)],
    ids=["DMAB day 210", "DMAB-LATE day 211", "DMAB-LATE day 294", "DMAB-LONG-DELAY day 295"],
)
def test_late_denosumab_counts_as_overdue(days, late, alerts):
    history = PatientHistory(
        PROFILE, scans=(scan(TODAY - timedelta(days=400), "-2.7"),), courses=(denosumab(days),)
    )
    assessment = assess(history, TODAY)
    summary = summarize(assessment, assessment.alerts)
    assert (summary.late_denosumab, summary.overdue, summary.alert_count) == (late, late, alerts)
    assert summary.current_drug == "Denosumab"
    assert summary.lowest_t_score == Decimal("-2.7")
    assert summary.next_due_what in ("Denosumab dose", "DXA scan")


def test_closed_alerts_are_not_counted():
    history = PatientHistory(
        PROFILE, scans=(scan(TODAY - timedelta(days=400), "-2.7"),), courses=(denosumab(220),)
    )
    assessment = assess(history, TODAY)
    assert summarize(assessment, ()).late_denosumab is False


def test_overdue_scan():
    history = PatientHistory(PROFILE, scans=(scan(TODAY - timedelta(days=3 * 365), "-2.7"),))
    assessment = assess(history, TODAY)
    summary = summarize(assessment, assessment.alerts)
    assert summary.overdue_scan and summary.overdue and not summary.late_denosumab
    assert summary.next_due_date == assessment.next_scan.due_date
    assert summary.next_due_what == "DXA scan"


@pytest.mark.parametrize(
    ("drug", "anabolic"), [("teriparatide", True), ("romosozumab", True), ("alendronate", False)]
)
def test_on_anabolic(drug, anabolic):
    course = Course(id=3, drug=drug, start=TODAY - timedelta(days=30))
    assessment = assess(PatientHistory(PROFILE, courses=(course,)), TODAY)
    assert summarize(assessment, ()).on_anabolic is anabolic


def test_nothing_due_for_a_young_adult_without_indication():
    young = Profile(birth_date=date(1990, 1, 1), sex="male", menopausal_status="not_applicable")
    summary = summarize(assess(PatientHistory(young), TODAY), ())
    assert (summary.next_due_date, summary.next_due_what) == (None, "")
