"""Drug holidays (section 5.1 BP-HOLIDAY-REVIEW, section 11.1): one definition for the engine."""

from datetime import date, timedelta

import pytest

from tracker.clinical.therapy import bp_holiday, drug_holidays

from .builders import TODAY, course, history

END = date(2022, 5, 31)  # last day on the bisphosphonate
ONE = timedelta(days=1)


def _bp(id=1, start=date(2015, 1, 1), end=END, reason="drug_holiday", drug="alendronate"):
    return course(id, drug, start, end, reason)


@pytest.mark.parametrize(
    ("courses", "today", "expected"),
    [
        # In progress: from the day after the last day on the drug (11.1) to today.
        ((_bp(),), TODAY, [(1, END + ONE, TODAY)]),
        # 11.1 boundary: on the last day on the drug there is no holiday yet; the day after
        # is its first day.
        ((_bp(),), END, []),
        ((_bp(),), END + ONE, [(1, END + ONE, END + ONE)]),
        # Past: ended by the next course, the day before it starts.
        (
            (_bp(), course(2, "denosumab", date(2024, 3, 1))),
            TODAY,
            [(1, END + ONE, date(2024, 2, 29))],
        ),
        # A next course from the very next day is a switch; two days later, a one-day holiday.
        ((_bp(), course(2, "denosumab", END + ONE)), TODAY, []),
        ((_bp(), course(2, "denosumab", END + 2 * ONE)), TODAY, [(1, END + ONE, END + ONE)]),
        # Another drug carried on past the last day: no holiday.
        ((_bp(), course(2, "raloxifene", date(2021, 1, 1))), TODAY, []),
        ((_bp(), course(2, "raloxifene", date(2021, 1, 1), END + ONE, "other")), TODAY, []),
        # ... but one that ended on the same last day does not stop it.
        (
            (_bp(), course(2, "raloxifene", date(2021, 1, 1), END, "other")),
            TODAY,
            [(1, END + ONE, TODAY)],
        ),
        # Not stopped for a holiday, or not a bisphosphonate: no holiday.
        ((_bp(reason="side_effects"),), TODAY, []),
        ((_bp(drug="raloxifene"),), TODAY, []),
        ((_bp(end=None, reason=None),), TODAY, []),
        # A course that starts after today is not known yet.
        ((_bp(), course(2, "denosumab", TODAY + ONE)), TODAY, [(1, END + ONE, TODAY)]),
        # Two holidays, oldest first; the later one is in progress.
        (
            (
                _bp(1, date(2008, 1, 1), date(2012, 12, 31)),
                _bp(2, date(2014, 1, 1), END, drug="risedronate"),
            ),
            TODAY,
            [(1, date(2013, 1, 1), date(2013, 12, 31)), (2, END + ONE, TODAY)],
        ),
    ],
)
def test_drug_holidays_11_1_past_and_current(courses, today, expected):
    holidays = drug_holidays(history(courses=courses), today)
    assert [(h.course.id, h.first_day, h.last_day) for h in holidays] == expected
    current = bp_holiday(history(courses=courses), today)
    if expected and expected[-1][2] == today:
        assert current == holidays[-1]
    else:
        assert current is None


def test_bp_holiday_same_last_day_the_later_course_id_wins():
    hist = history(courses=(_bp(2), _bp(1, drug="risedronate")))
    assert [h.course.id for h in drug_holidays(hist, TODAY)] == [1, 2]
    current = bp_holiday(hist, TODAY)
    assert current is not None and current.course.id == 2
