"""The clinician panel's per-patient line, from an assessment and the open alerts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.clinical.alerts import CLINICIAN_TITLES, Alert
from tracker.clinical.assess import assess
from tracker.clinical.history import Course, Dose, PatientHistory, Profile, Scan, SiteResult
from tracker.clinical.summary import OpenItem, summarize

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


def _open(rule_id: str, severity: str, day: date) -> Alert:
    return Alert(
        rule_id=rule_id,
        severity=severity,
        title="",
        explanation="",
        clinician_line="",
        due_date=day,
        key=f"{rule_id}:{day}",
        topic=f"{rule_id}:{day}",
        source="",
    )


def test_open_items_name_each_open_alert_most_severe_first():
    # Issue 12: the panel lists the items, alert then warn then info; within a level the
    # longest outstanding first (the engine's order), whatever order they come in.
    assessment = assess(PatientHistory(PROFILE), TODAY)
    late = _open("DMAB-LATE", "warn", TODAY - timedelta(days=5))
    overdue = _open("SCAN-OVERDUE", "warn", TODAY - timedelta(days=90))
    stopped = _open("DMAB-STOP-NO-TRANSITION", "alert", TODAY - timedelta(days=1))
    due = _open("ZOL-DUE", "info", TODAY - timedelta(days=300))
    summary = summarize(assessment, [due, late, stopped, overdue])
    assert summary.open_items == (
        OpenItem(rule_id="DMAB-STOP-NO-TRANSITION", severity="alert", title=_t(stopped)),
        OpenItem(rule_id="SCAN-OVERDUE", severity="warn", title="Scan overdue"),
        OpenItem(rule_id="DMAB-LATE", severity="warn", title="Denosumab injection late"),
        OpenItem(rule_id="ZOL-DUE", severity="info", title="Zoledronic acid infusion due"),
    )
    assert (
        summarize(assessment, [late, overdue]).open_items
        == summarize(assessment, [overdue, late]).open_items
    )
    assert summarize(assessment, ()).open_items == ()


def test_open_items_name_a_rule_once():
    assessment = assess(PatientHistory(PROFILE), TODAY)
    recalled = _open("HEIGHT-LOSS", "warn", TODAY - timedelta(days=40))
    measured = _open("HEIGHT-LOSS", "warn", TODAY - timedelta(days=10))
    overdue = _open("SCAN-OVERDUE", "warn", TODAY - timedelta(days=20))
    summary = summarize(assessment, [measured, overdue, recalled])
    assert [item.title for item in summary.open_items] == ["Height loss", "Scan overdue"]
    assert summary.warn_count == 3  # the counts still count every alert


def _t(alert: Alert) -> str:
    return CLINICIAN_TITLES[alert.rule_id]


def test_open_items_follow_what_is_still_open():
    history = PatientHistory(
        PROFILE, scans=(scan(TODAY - timedelta(days=400), "-2.7"),), courses=(denosumab(220),)
    )
    assessment = assess(history, TODAY)
    assert [item.rule_id for item in summarize(assessment, assessment.alerts).open_items] == [
        "DMAB-LATE"
    ]
    assert summarize(assessment, ()).open_items == ()  # acknowledged: not on the panel
