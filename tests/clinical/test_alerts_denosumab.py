"""Section 5.1 denosumab: DMAB-DUE, DMAB-LATE, DMAB-LONG-DELAY, DMAB-STOP-NO-TRANSITION."""

from datetime import date, timedelta

import pytest

from tracker.clinical.assess import assess

from .builders import course, history

FIRST = date(2023, 7, 1)
LAST = date(2024, 1, 1)  # the dose actually given


def _alerts(hist, day):
    return {a.rule_id: a for a in assess(hist, LAST + timedelta(days=day)).alerts}


def _running():
    return history(courses=(course(1, "denosumab", date(2023, 7, 1), doses=(FIRST, LAST)),))


@pytest.mark.parametrize(
    ("day", "rule_id", "severity"),
    [
        (167, None, None),
        (168, "DMAB-DUE", "info"),  # shown from 14 days before day 182
        (182, "DMAB-DUE", "info"),
        (210, "DMAB-DUE", "info"),
        (211, "DMAB-LATE", "warn"),  # more than 210 days
        (294, "DMAB-LATE", "warn"),
        (295, "DMAB-LONG-DELAY", "alert"),  # more than 294 days
    ],
)
def test_dmab_stage_boundaries_11_10_only_the_highest_stage(day, rule_id, severity):
    found = _alerts(_running(), day)
    stages = {"DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY"} & set(found)
    # Only the current stage of a topic is emitted.
    assert stages == ({rule_id} if rule_id else set())
    if rule_id:
        alert = found[rule_id]
        assert alert.severity == severity
        assert alert.key == f"{rule_id}:course-1:dose-102"
        assert alert.topic == "dmab:course-1:dose-102"


def test_dmab_due_dates():
    assert _alerts(_running(), 170)["DMAB-DUE"].due_date == LAST + timedelta(days=182)
    assert _alerts(_running(), 250)["DMAB-LATE"].due_date == LAST + timedelta(days=211)
    assert _alerts(_running(), 300)["DMAB-LONG-DELAY"].due_date == LAST + timedelta(days=295)


def test_dmab_schedule_runs_from_the_dose_actually_given():
    late = LAST + timedelta(days=240)
    hist = history(courses=(course(1, "denosumab", FIRST, doses=(FIRST, LAST, late)),))
    found = _alerts(hist, 240 + 100)
    assert not {"DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY"} & set(found)
    due = _alerts(hist, 240 + 170)["DMAB-DUE"]
    assert due.key == "DMAB-DUE:course-1:dose-103"
    assert due.due_date == late + timedelta(days=182)


def test_dmab_without_recorded_doses_counts_from_the_start():
    hist = history(courses=(course(1, "denosumab", LAST),))
    alert = _alerts(hist, 211)["DMAB-LATE"]
    assert alert.key == "DMAB-LATE:course-1:start"


@pytest.mark.parametrize(("day", "alerted"), [(210, False), (211, True)])
def test_dmab_stop_no_transition_11_25_after_day_210(day, alerted):
    hist = history(
        courses=(course(1, "denosumab", FIRST, LAST + timedelta(days=30), "other", (FIRST, LAST)),)
    )
    found = _alerts(hist, day)
    assert ("DMAB-STOP-NO-TRANSITION" in found) is alerted
    # A stopped course gets no "due" or "late" reminders.
    assert not {"DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY"} & set(found)
    if alerted:
        alert = found["DMAB-STOP-NO-TRANSITION"]
        assert alert.severity == "alert"
        assert alert.due_date == LAST + timedelta(days=211)
        assert alert.key == "DMAB-STOP-NO-TRANSITION:course-1:dose-102"
        assert "rebound" in alert.explanation


@pytest.mark.parametrize(
    ("bp_start", "day", "alerted"),
    [
        (210, 260, False),  # 11.25: by day 210
        (250, 249, True),  # not started yet
        (250, 250, False),  # 11.12: closes when the bisphosphonate starts, even late
        (211, 260, False),
    ],
)
def test_dmab_stop_no_transition_11_12_closes_when_a_bisphosphonate_starts(bp_start, day, alerted):
    hist = history(
        courses=(
            course(1, "denosumab", FIRST, LAST + timedelta(days=1), "switched", (FIRST, LAST)),
            course(2, "zoledronic_acid", LAST + timedelta(days=bp_start)),
        )
    )
    assert ("DMAB-STOP-NO-TRANSITION" in _alerts(hist, day)) is alerted


@pytest.mark.parametrize(
    ("other", "alerted"),
    [
        (course(2, "raloxifene", LAST + timedelta(days=100)), True),  # not a bisphosphonate
        (course(2, "teriparatide", LAST + timedelta(days=100)), True),
        (course(2, "alendronate", date(2023, 1, 1)), False),  # running through: covers
        (course(2, "alendronate", date(2020, 1, 1), date(2023, 12, 1)), True),  # ended before
    ],
)
def test_dmab_stop_no_transition_what_counts(other, alerted):
    hist = history(
        courses=(
            course(1, "denosumab", FIRST, LAST + timedelta(days=1), "switched", (FIRST, LAST)),
            other,
        )
    )
    assert ("DMAB-STOP-NO-TRANSITION" in _alerts(hist, 260)) is alerted


def test_dmab_long_delay_without_transition_raises_stop_alert():
    found = _alerts(_running(), 295)
    assert {"DMAB-LONG-DELAY", "DMAB-STOP-NO-TRANSITION"} <= set(found)
    assert "has not been given for a long time" in found["DMAB-STOP-NO-TRANSITION"].explanation
    # Different situations, different topics: acknowledging one does not hide the other.
    assert found["DMAB-STOP-NO-TRANSITION"].topic != found["DMAB-LONG-DELAY"].topic


def test_dmab_long_delay_with_bisphosphonate_has_no_stop_alert():
    hist = history(
        courses=(
            course(1, "denosumab", FIRST, doses=(FIRST, LAST)),
            course(2, "alendronate", LAST + timedelta(days=190)),
        )
    )
    found = _alerts(hist, 300)
    assert "DMAB-LONG-DELAY" in found and "DMAB-STOP-NO-TRANSITION" not in found


def test_dmab_due_restart_in_a_new_course_decides():
    restart = LAST + timedelta(days=400)
    hist = history(
        courses=(
            course(1, "denosumab", FIRST, LAST + timedelta(days=1), "other", (FIRST, LAST)),
            course(2, "denosumab", restart, doses=(restart,)),
        )
    )
    found = {a.rule_id: a for a in assess(hist, restart + timedelta(days=170)).alerts}
    assert found["DMAB-DUE"].key == "DMAB-DUE:course-2:dose-201"
    assert "DMAB-STOP-NO-TRANSITION" not in found


@pytest.mark.parametrize(("gap", "late"), [(210, False), (211, True)])
def test_dmab_late_next_dose_and_late_dose_flag(gap, late):
    given = LAST + timedelta(days=gap)
    hist = history(courses=(course(1, "denosumab", LAST, doses=(LAST, given)),))
    (dose,) = assess(hist, given + timedelta(days=10)).next_doses
    assert dose.due_date == given + timedelta(days=182)
    assert dose.last_dose_late is late
    assert (dose.drug, dose.course_id, dose.last_dose_id) == ("denosumab", 1, 102)
