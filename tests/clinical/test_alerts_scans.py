"""Section 4 as alerts: SCAN-DUE, SCAN-OVERDUE, SCAN-BASELINE, SCAN-PROMPT."""

from datetime import date, timedelta

import pytest

from tracker.clinical.assess import assess
from tracker.clinical.dates import add_months
from tracker.clinical.history import RiskFactors

from .builders import TODAY, fracture, history, profile, scan, site


def _rules(hist, today=TODAY):
    found = {}
    for alert in assess(hist, today).alerts:
        found.setdefault(alert.rule_id, []).append(alert)
    return found


# --- scan reminders as alerts -----------------------------------------------------------------

LAST = date(2022, 1, 10)


@pytest.mark.parametrize(
    ("offset", "rule_id", "severity", "suffix"),
    [
        (-61, None, None, None),
        (-60, "SCAN-DUE", "info", ":upcoming"),
        (0, "SCAN-DUE", "warn", ":due"),
        (89, "SCAN-DUE", "warn", ":due"),
        (90, "SCAN-OVERDUE", "warn", ""),
    ],
)
def test_scan_due_and_scan_overdue_11_10_one_stage_open(offset, rule_id, severity, suffix):
    hist = history(profile(age=60, sex="male"), scans=(scan(5, LAST, site(t="-1.5")),))
    due = add_months(LAST, 24)
    found = _rules(hist, due + timedelta(days=offset))
    scan_rules = {"SCAN-DUE", "SCAN-OVERDUE"} & set(found)
    assert scan_rules == ({rule_id} if rule_id else set())
    if rule_id:
        (alert,) = found[rule_id]
        assert alert.severity == severity
        assert alert.key == f"{rule_id}:after-scan-5:due-{due.isoformat()}{suffix}"
        assert alert.topic == "scan:after-scan-5"
        assert "not on treatment: every 2 years" in alert.explanation


def test_scan_baseline_alert():
    (alert,) = _rules(history(profile(age=70)))["SCAN-BASELINE"]
    assert (alert.severity, alert.key) == ("warn", "SCAN-BASELINE:no-scan")
    assert alert.explanation.startswith("No scan on record; a baseline scan is recommended")
    assert "(woman aged 65+)" in alert.explanation


def test_scan_prompt_alerts():
    prof = profile(risk=RiskFactors(glucocorticoids=True))
    hist = history(
        prof,
        scans=(scan(5, LAST, site(t="-1.5")),),
        fractures=(fracture(3, date(2023, 1, 1), "wrist_forearm"),),
    )
    prompts = {a.key: a for a in _rules(hist)["SCAN-PROMPT"]}
    assert set(prompts) == {
        "SCAN-PROMPT:fracture-3",
        "SCAN-PROMPT:glucocorticoids-since-unknown",
    }
    assert prompts["SCAN-PROMPT:fracture-3"].due_date == date(2023, 1, 1)
    assert prompts["SCAN-PROMPT:glucocorticoids-since-unknown"].due_date == LAST
