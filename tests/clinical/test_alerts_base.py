"""What every alert shares: severity order, sorting, sources, the clinician's short titles,
and the package's public names."""

import re
from datetime import date

import pytest

from tracker.clinical import alerts
from tracker.clinical.alerts import SEVERITY_RANK, Alert, severity_rank, sort_alerts
from tracker.clinical.assess import assess
from tracker.clinical.history import Overrides

from .builders import TODAY, course, event, history, profile

# --- ordering ------------------------------------------------------------------------------


def _a(severity, day, rule="X"):
    return Alert(
        rule_id=rule,
        severity=severity,
        title="",
        explanation="",
        clinician_line="",
        due_date=day,
        key=f"{rule}:{day}",
        topic=f"{rule}:{day}",
        source="",
    )


def test_sort_most_severe_first_then_oldest():
    info, warn, alert = (
        _a("info", date(2020, 1, 1)),
        _a("warn", date(2024, 1, 1)),
        _a("alert", date(2025, 1, 1)),
    )
    old_warn = _a("warn", date(2021, 1, 1))
    assert sort_alerts([info, warn, alert, old_warn]) == (alert, old_warn, warn, info)
    assert severity_rank("alert") < severity_rank("warn") < severity_rank("info")
    assert [alert.rank, warn.rank, info.rank] == [0, 1, 2]
    assert set(SEVERITY_RANK) == {"info", "warn", "alert"}


def test_assessment_alerts_are_sorted_and_cite_sources():
    hist = history(
        profile(age=70),
        courses=(course(1, "raloxifene", date(2024, 1, 1)),),
        events=(event(1, date(2023, 1, 1), "blood_clot"),),
    )
    alerts = assess(hist, TODAY).alerts
    assert [a.rule_id for a in alerts] == ["RALOX-VTE", "SCAN-BASELINE"]
    assert all(a.source and a.title and a.explanation and a.clinician_line for a in alerts)
    assert Overrides() == hist.overrides


# --- the clinician's short titles (issue 12) -------------------------------------------------

SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


def test_every_rule_has_a_short_clinician_title():
    assert set(alerts.CLINICIAN_TITLES) == set(alerts.SOURCES)


@pytest.mark.parametrize(("rule_id", "title"), sorted(alerts.CLINICIAN_TITLES.items()))
def test_clinician_titles_are_short_and_not_addressed_to_the_patient(rule_id, title):
    # A few words for a panel line; the patient's title and explanation say "you".
    assert 0 < len(title) <= 40, rule_id
    assert not SECOND_PERSON.search(title), rule_id
    assert not title.endswith("."), rule_id
    assert title[0].isupper(), rule_id


def test_each_alert_reads_its_rule_s_clinician_title():
    hist = history(
        profile(age=70),
        courses=(course(1, "raloxifene", date(2024, 1, 1)),),
        events=(event(1, date(2023, 1, 1), "blood_clot"),),
    )
    found = assess(hist, TODAY).alerts
    assert [a.clinician_title for a in found] == ["Raloxifene with VTE", "Baseline scan indicated"]
    assert SECOND_PERSON.search(found[0].explanation)  # the patient's words stay the patient's


# --- the package keeps every name the single module had ------------------------------------

# Every public name of tracker.clinical.alerts before it became a package: other code
# and the rule book read them as `tracker.clinical.alerts.NAME`.
PUBLIC_NAMES = (
    "ANABOLIC_FOLLOWON_WINDOW_DAYS",
    "Alert",
    "BP_HOLIDAY_REVIEW_INFO_MONTHS",
    "BP_HOLIDAY_REVIEW_WARN_MONTHS",
    "CLASSIFYING_SITES",
    "DMAB_DUE_DAYS",
    "DMAB_DUE_SHOWN_DAYS_BEFORE",
    "DMAB_LATE_AFTER_DAYS",
    "DMAB_LONG_DELAY_AFTER_DAYS",
    "DMAB_TRANSITION_BY_DAYS",
    "DMAB_TRANSITION_NEEDS_BISPHOSPHONATE",
    "HEIGHT_LOSS_FROM_TALLEST_CM",
    "HEIGHT_LOSS_MEASURED_CM",
    "IV_BP_LONG_YEARS",
    "IV_BP_REASSESS_YEARS",
    "ORAL_BP_LONG_DAYS",
    "ORAL_BP_REASSESS_DAYS",
    "PTH_LIFETIME_LIMIT_DAYS",
    "PTH_NEAR_LIMIT_DAYS",
    "ROMO_COURSE_END_FROM_DOSE",
    "ROMO_CV_EVENT_KINDS",
    "ROMO_CV_LOOKBACK_DAYS",
    "ROMO_MAX_COURSE_MONTHS",
    "ROMO_MAX_DOSES",
    "SEVERE_OSTEOPOROSIS",
    "SEVERITY_RANK",
    "SOURCES",
    "Severity",
    "TREATMENT_FAILURE_BMD_SITES",
    "TREATMENT_FAILURE_MIN_FRACTURES",
    "TREATMENT_FAILURE_MIN_MONTHS",
    "ZOL_DUE_SHOWN_DAYS_BEFORE",
    "ZOL_INTERVAL_MONTHS",
    "all_alerts",
    "anabolic_followon_alerts",
    "bisphosphonate_alerts",
    "bp_exposure",
    "bp_reassess_due",
    "denosumab_alerts",
    "height_alerts",
    "overlap_alerts",
    "pth_alerts",
    "raloxifene_alerts",
    "romo_doses",
    "romosozumab_alerts",
    "scan_alerts",
    "severe_osteoporosis_alerts",
    "severity_rank",
    "sort_alerts",
    "treatment_alerts",
)


@pytest.mark.parametrize("name", PUBLIC_NAMES)
def test_every_earlier_public_name_is_still_importable(name):
    assert name in alerts.__all__
    assert getattr(alerts, name) is not None


def test_all_lists_only_real_names():
    missing = [name for name in alerts.__all__ if not hasattr(alerts, name)]
    assert missing == []
