"""Section 5.1 PTH analogs and after any anabolic:
PTH-NEAR-LIMIT, PTH-OVER-LIMIT, ANABOLIC-NO-FOLLOWON."""

from datetime import date, timedelta

import pytest

from tracker.clinical.assess import assess

from .builders import course, history

S = date(2022, 1, 1)


def _rules(hist, today):
    found = {}
    for alert in assess(hist, today).alerts:
        found.setdefault(alert.rule_id, []).append(alert)
    return found


@pytest.mark.parametrize(
    ("cumulative", "rule_id", "severity"),
    [
        (699, None, None),
        (700, "PTH-NEAR-LIMIT", "warn"),  # >= 700 [ours]
        (730, "PTH-NEAR-LIMIT", "warn"),
        (731, "PTH-OVER-LIMIT", "warn"),  # > 730, teriparatide only
    ],
)
def test_pth_near_limit_and_pth_over_limit_11_10_11_1_day_limits(cumulative, rule_id, severity):
    today = S + timedelta(days=cumulative - 1)  # start day counts as day 1
    found = _rules(history(courses=(course(1, "teriparatide", S),)), today)
    pth = {"PTH-NEAR-LIMIT", "PTH-OVER-LIMIT"} & set(found)
    assert pth == ({rule_id} if rule_id else set())
    if rule_id:
        (alert,) = found[rule_id]
        assert alert.severity == severity
        assert alert.topic == "pth:lifetime"
        assert alert.due_date == S + timedelta(
            days=(700 if rule_id == "PTH-NEAR-LIMIT" else 731) - 1
        )


def test_pth_over_limit_days_add_up_and_abaloparatide_makes_it_an_alert():
    teri_end = S + timedelta(days=399)  # 400 days
    abalo_start = date(2024, 1, 1)
    hist = history(
        courses=(
            course(1, "teriparatide", S, teri_end, "switched"),
            course(2, "abaloparatide", abalo_start),
        )
    )
    today = abalo_start + timedelta(days=330)  # 331 more days: 731
    (alert,) = _rules(hist, today)["PTH-OVER-LIMIT"]
    assert alert.severity == "alert"
    assert alert.key == "PTH-OVER-LIMIT:lifetime:abaloparatide"
    assert "731 days" in alert.explanation


def test_pth_near_limit_overlapping_courses_not_counted_twice():
    hist = history(
        courses=(
            course(1, "teriparatide", S, S + timedelta(days=399)),
            course(2, "teriparatide", S + timedelta(days=100), S + timedelta(days=499)),
        )
    )
    # 500 distinct days, not 800.
    assert "PTH-NEAR-LIMIT" not in _rules(hist, date(2025, 1, 1))


def test_pth_over_limit_warn_for_teriparatide_only():
    hist = history(courses=(course(1, "teriparatide", S, S + timedelta(days=800), "other"),))
    (alert,) = _rules(hist, date(2025, 1, 1))["PTH-OVER-LIMIT"]
    assert alert.key == "PTH-OVER-LIMIT:lifetime:teriparatide"
    assert "fracture risk stays high" in alert.explanation


@pytest.mark.parametrize(("cumulative", "reached"), [(100, False), (731, True)])
def test_pth_course_end_date_730_days(cumulative, reached):
    today = S + timedelta(days=cumulative - 1)
    (limit,) = assess(history(courses=(course(1, "teriparatide", S),)), today).course_limits
    assert limit.date == S + timedelta(days=729)  # the 730th day on the drug
    assert limit.reached is reached
    assert limit.kind == "end"


# --- ANABOLIC-NO-FOLLOWON [ours 90-day window] --------------------------------------------

END = date(2024, 1, 1)


def _ended(drug="teriparatide"):
    return course(1, drug, date(2022, 1, 1), END, "course_completed")


@pytest.mark.parametrize(("day", "alerted"), [(90, False), (91, True)])
def test_anabolic_no_followon_after_90_days(day, alerted):
    found = _rules(history(courses=(_ended(),)), END + timedelta(days=day))
    assert ("ANABOLIC-NO-FOLLOWON" in found) is alerted
    if alerted:
        (alert,) = found["ANABOLIC-NO-FOLLOWON"]
        assert alert.severity == "alert"
        assert alert.due_date == END + timedelta(days=91)
        assert alert.key == "ANABOLIC-NO-FOLLOWON:course-1"


@pytest.mark.parametrize(
    ("start_day", "day", "alerted"),
    [
        (90, 200, False),
        (150, 149, True),  # none yet on day 149
        (150, 150, False),  # 11.19: closes when an antiresorptive starts, even after day 90
        (91, 200, False),
    ],
)
def test_anabolic_no_followon_11_19_closes_when_an_antiresorptive_starts(start_day, day, alerted):
    hist = history(
        courses=(_ended("romosozumab"), course(2, "denosumab", END + timedelta(days=start_day)))
    )
    assert ("ANABOLIC-NO-FOLLOWON" in _rules(hist, END + timedelta(days=day))) is alerted


@pytest.mark.parametrize(
    ("next_drug", "next_start", "alerted_for"),
    [
        # 11.19: teriparatide to abaloparatide is not the end of anabolic therapy...
        ("abaloparatide", END + timedelta(days=1), []),
        # ... the follow-on is due after the last anabolic course ends.
        ("romosozumab", END + timedelta(days=1), []),
    ],
)
def test_anabolic_no_followon_11_19_switching_between_anabolics(next_drug, next_start, alerted_for):
    second_end = next_start + timedelta(days=300)
    hist = history(
        courses=(_ended(), course(2, next_drug, next_start, second_end, "course_completed"))
    )
    assert [
        a.key for a in _rules(hist, second_end + timedelta(days=90)).get("ANABOLIC-NO-FOLLOWON", [])
    ] == alerted_for
    keys = [a.key for a in _rules(hist, second_end + timedelta(days=91))["ANABOLIC-NO-FOLLOWON"]]
    assert keys == ["ANABOLIC-NO-FOLLOWON:course-2"]


@pytest.mark.parametrize(
    ("other", "alerted"),
    [
        (course(2, "alendronate", date(2023, 6, 1)), False),  # started before, running after
        (course(2, "alendronate", date(2021, 1, 1), date(2021, 12, 1)), True),  # ended before
        (course(2, "calcitonin", END + timedelta(days=10)), True),  # weak: not enough
        (course(2, "romosozumab", END + timedelta(days=10)), False),  # the next anabolic carries it
        (course(2, "abaloparatide", date(2021, 1, 1), date(2021, 6, 1)), True),  # earlier anabolic
    ],
)
def test_anabolic_no_followon_what_counts(other, alerted):
    hist = history(courses=(_ended("abaloparatide"), other))
    keys = [a.key for a in _rules(hist, END + timedelta(days=200)).get("ANABOLIC-NO-FOLLOWON", [])]
    assert ("ANABOLIC-NO-FOLLOWON:course-1" in keys) is alerted


def test_anabolic_no_followon_not_while_running():
    hist = history(courses=(course(1, "teriparatide", date(2024, 1, 1)),))
    assert "ANABOLIC-NO-FOLLOWON" not in _rules(hist, date(2025, 1, 1))
