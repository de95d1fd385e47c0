"""Section 5.1 romosozumab: ROMO-COUNT, ROMO-DUE, ROMO-COURSE-END, ROMO-OVER-12, ROMO-CV."""

from datetime import date, timedelta

import pytest

from tracker.clinical import alerts
from tracker.clinical.assess import assess
from tracker.clinical.dates import add_months, display_date

from .builders import course, event, history

START = date(2024, 1, 10)


def _doses(n, start=START):
    return tuple(add_months(start, k) for k in range(n))


def _romo(n, end=None, **kwargs):
    return course(
        1, "romosozumab", START, end, "course_completed" if end else None, _doses(n), **kwargs
    )


def _by_rule(hist, today):
    found = {}
    for alert in assess(hist, today).alerts:
        found.setdefault(alert.rule_id, []).append(alert)
    return found


def _after_dose(n):
    return _doses(n)[-1] + timedelta(days=3)


@pytest.mark.parametrize("n", [1, 9, 12])
def test_romo_count_dose_n_of_12(n):
    found = _by_rule(history(courses=(_romo(n),)), _after_dose(n))
    (alert,) = found["ROMO-COUNT"]
    assert alert.severity == "info"
    assert alert.title == f"Romosozumab: dose {n} of 12"
    assert alert.key == f"ROMO-COUNT:course-1:dose-{100 + n}"  # a new dose, a new key
    assert alert.due_date == _doses(n)[-1]


@pytest.mark.parametrize(("n", "warned"), [(9, False), (10, True), (12, True), (13, False)])
def test_romo_course_end_from_dose_10(n, warned):
    found = _by_rule(history(courses=(_romo(n),)), _after_dose(n))
    assert ("ROMO-COURSE-END" in found) is warned
    if warned:
        (alert,) = found["ROMO-COURSE-END"]
        assert alert.severity == "warn"
        assert alert.key == "ROMO-COURSE-END:course-1"  # one acknowledgement per course
        assert alert.due_date == _doses(10)[-1]


@pytest.mark.parametrize(
    ("other", "warned"),
    [
        (course(2, "denosumab", _doses(10)[-1] + timedelta(days=1)), False),
        (course(2, "alendronate", START), False),
        (course(2, "calcitonin", START + timedelta(days=30)), True),  # weak: not a follow-on
        (course(2, "alendronate", date(2020, 1, 1), date(2023, 1, 1)), True),  # before romo
    ],
)
def test_romo_course_end_quiet_once_an_antiresorptive_started(other, warned):
    hist = history(courses=(_romo(10), other))
    today = _doses(10)[-1] + timedelta(days=5)
    assert ("ROMO-COURSE-END" in _by_rule(hist, today)) is warned


def test_romo_over_12_13th_dose():
    found = _by_rule(history(courses=(_romo(13),)), _after_dose(13))
    # The 13th monthly dose also means the course ran past 12 months: two facts, two keys.
    alert, by_time = found["ROMO-OVER-12"]
    assert by_time.key == "ROMO-OVER-12:course-1:over-12-months"
    assert alert.severity == "alert"
    assert alert.key == "ROMO-OVER-12:course-1:dose-113"
    assert alert.due_date == _doses(13)[-1]
    assert "ROMO-COUNT" not in found


def test_romo_over_12_doses_add_up_over_courses():
    second_start = date(2026, 1, 10)
    hist = history(
        courses=(
            course(1, "romosozumab", START, _doses(8)[-1], "other", _doses(8)),
            course(2, "romosozumab", second_start, doses=_doses(5, second_start)),
        )
    )
    today = _doses(5, second_start)[-1] + timedelta(days=1)
    found = _by_rule(hist, today)
    assert [a.key for a in found["ROMO-OVER-12"]] == ["ROMO-OVER-12:course-2:dose-205"]
    assert found["ROMO-OVER-12"][0].due_date == _doses(5, second_start)[-1]  # 13th overall


def test_romo_count_without_recorded_doses():
    hist = history(courses=(course(1, "romosozumab", START),))
    (alert,) = _by_rule(hist, START + timedelta(days=3))["ROMO-COUNT"]
    assert alert.title == "Romosozumab: dose 1 of 12"
    assert alert.key == "ROMO-COUNT:course-1:start"


@pytest.mark.parametrize(("extra_days", "alerted"), [(0, False), (1, True)])
def test_romo_over_12_course_running_past_12_months(extra_days, alerted):
    today = add_months(START, 12) + timedelta(days=extra_days)
    found = _by_rule(history(courses=(_romo(12),)), today)
    keys = [a.key for a in found.get("ROMO-OVER-12", [])]
    assert ("ROMO-OVER-12:course-1:over-12-months" in keys) is alerted


def test_romo_over_12_not_for_an_ended_course():
    hist = history(courses=(_romo(12, end=_doses(12)[-1]),))
    found = _by_rule(hist, add_months(START, 18))
    assert "ROMO-OVER-12" not in found and "ROMO-COUNT" not in found


@pytest.mark.parametrize(
    ("event_day", "kind", "alerted"),
    [
        (START - timedelta(days=365), "heart_attack", True),  # within the 365 days before
        (START - timedelta(days=366), "heart_attack", False),
        (START - timedelta(days=10), "stroke", True),
        (START + timedelta(days=40), "stroke", True),  # during the course
        (START - timedelta(days=10), "blood_clot", False),
    ],
)
def test_romo_cv(event_day, kind, alerted):
    hist = history(courses=(_romo(3),), events=(event(5, event_day, kind),))
    found = _by_rule(hist, _after_dose(3))
    assert ("ROMO-CV" in found) is alerted
    if alerted:
        (alert,) = found["ROMO-CV"]
        assert alert.severity == "alert"
        assert alert.key == "ROMO-CV:course-1:event-5"
        assert alert.due_date == max(event_day, START)
        assert ("before the first dose" in alert.explanation) is (event_day < START)


def test_romo_cv_event_after_the_course_ended_does_not_count():
    hist = history(
        courses=(_romo(12, end=_doses(12)[-1]),),
        events=(event(5, _doses(12)[-1] + timedelta(days=1), "stroke"),),
    )
    assert "ROMO-CV" not in _by_rule(hist, add_months(START, 13))


@pytest.mark.parametrize(("n", "next_number"), [(1, 2), (11, 12)])
def test_romo_next_dose_monthly_from_the_dose_given(n, next_number):
    (dose,) = assess(history(courses=(_romo(n),)), _after_dose(n)).next_doses
    assert dose.due_date == add_months(_doses(n)[-1], 1)
    assert dose.dose_number == next_number


def test_romo_no_next_dose_after_12():
    assert assess(history(courses=(_romo(12),)), _after_dose(12)).next_doses == ()


@pytest.mark.parametrize(("n", "reached"), [(4, False), (12, True)])
def test_romo_course_end_date_is_the_12th_dose(n, reached):
    (limit,) = assess(history(courses=(_romo(n),)), _after_dose(n)).course_limits
    assert limit.date == _doses(12)[-1]
    assert limit.reached is reached
    assert (limit.kind, limit.drug, limit.course_id) == ("end", "romosozumab", 1)


# --- ROMO-DUE [ours: shown 7 days before; calendar month, section 11.1] -----------------------


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (date(2024, 3, 10), date(2024, 4, 10)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # 11.1: clamped, leap year
        (date(2025, 1, 31), date(2025, 2, 28)),  # 11.1: clamped
        (date(2024, 3, 31), date(2024, 4, 30)),
        (date(2024, 12, 15), date(2025, 1, 15)),  # over the year end
    ],
)
@pytest.mark.parametrize(
    ("offset", "shown"),
    [(-8, False), (-7, True), (-1, True), (0, True), (40, True)],  # no "late" stage
)
def test_romo_due_11_1_calendar_month_shown_from_7_days_before(last, due, offset, shown):
    doses = (last - timedelta(days=60), last - timedelta(days=30), last)
    hist = history(courses=(course(1, "romosozumab", doses[0], doses=doses),))
    found = _by_rule(hist, due + timedelta(days=offset))
    assert ("ROMO-DUE" in found) is shown
    if shown:
        (alert,) = found["ROMO-DUE"]
        assert (alert.severity, alert.due_date) == ("info", due)
        assert alert.key == alert.topic == "ROMO-DUE:course-1:dose-103"
        assert alert.title == f"Next romosozumab injection due {display_date(due)}"
        assert "Dose 4 is due a month later" in alert.explanation
        assert alert.source == "Evenity label; 7 days' notice ours (section 5.1)"


@pytest.mark.parametrize(("n", "shown"), [(1, True), (11, True), (12, False), (13, False)])
def test_romo_due_not_after_the_12th_dose(n, shown):
    today = add_months(_doses(n)[-1], 1)
    assert ("ROMO-DUE" in _by_rule(history(courses=(_romo(n),)), today)) is shown


def test_romo_due_counts_doses_over_a_lifetime():
    second = date(2026, 1, 10)
    hist = history(
        courses=(
            course(1, "romosozumab", START, _doses(11)[-1], "other", _doses(11)),
            course(2, "romosozumab", second, doses=_doses(1, second)),  # the 12th dose
        )
    )
    assert "ROMO-DUE" not in _by_rule(hist, add_months(second, 1))


@pytest.mark.parametrize(
    ("end_offset", "shown"), [(None, True), (0, False), (20, False), (40, True)]
)
def test_romo_due_not_when_the_course_has_ended(end_offset, shown):
    doses = _doses(4)
    due = add_months(doses[-1], 1)
    # Ended before the due date: quiet; still running on it (end in the future): shown.
    end = None if end_offset is None else doses[-1] + timedelta(days=end_offset)
    hist = history(courses=(course(1, "romosozumab", START, end, end and "other", doses),))
    assert ("ROMO-DUE" in _by_rule(hist, due)) is shown


def test_romo_due_without_recorded_doses_counts_from_the_start():
    hist = history(courses=(course(1, "romosozumab", date(2024, 1, 31)),))
    (alert,) = _by_rule(hist, date(2024, 2, 22))["ROMO-DUE"]
    assert (alert.key, alert.due_date) == ("ROMO-DUE:course-1:start", date(2024, 2, 29))


@pytest.mark.parametrize("n", [1, 6, 11])
def test_romo_due_matches_the_calendar_next_dose(n):
    assessment = assess(history(courses=(_romo(n),)), add_months(_doses(n)[-1], 1))
    (alert,) = [a for a in assessment.alerts if a.rule_id == "ROMO-DUE"]
    (dose,) = assessment.next_doses
    assert alert.due_date == dose.due_date
    assert dose.dose_number == n + 1


def test_romo_due_constants_are_exported_from_the_alerts_package():
    assert (alerts.ROMO_DUE_INTERVAL_MONTHS, alerts.ROMO_DUE_SHOWN_DAYS_BEFORE) == (1, 7)
    assert {"ROMO_DUE_INTERVAL_MONTHS", "ROMO_DUE_SHOWN_DAYS_BEFORE"} <= set(alerts.__all__)
    assert "ROMO-DUE" in alerts.SOURCES


@pytest.mark.parametrize(
    ("end", "alerted"),
    [
        (add_months(START, 12), False),  # the last day on it is the 12-month day
        (add_months(START, 12) + timedelta(days=1), True),
    ],
)
def test_romo_over_12_11_14_stays_after_the_course_ends(end, alerted):
    hist = history(courses=(course(1, "romosozumab", START, end, "course_completed", _doses(12)),))
    found = _by_rule(hist, add_months(START, 18))
    keys = [a.key for a in found.get("ROMO-OVER-12", [])]
    assert keys == (["ROMO-OVER-12:course-1:over-12-months"] if alerted else [])
    if alerted:
        assert f"ran until {display_date(end)}" in found["ROMO-OVER-12"][0].explanation
