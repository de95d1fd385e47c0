from datetime import date

import pytest

from tracker.clinical.dates import (
    add_months,
    age_on,
    birthday,
    days_covered,
    display_date,
    first_day,
    merge_intervals,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2024, 3, 15), -12, date(2023, 3, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2000, 6, 15), date(2020, 6, 14), 19),
        (date(2000, 6, 15), date(2020, 6, 15), 20),
        (date(2000, 2, 29), date(2020, 2, 28), 19),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(2000, 2, 29), date(2021, 2, 28), 20),
        (date(2000, 2, 29), date(2021, 3, 1), 21),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_birthday_of_a_leap_day_baby():
    assert birthday(date(2000, 2, 29), 65) == date(2065, 3, 1)
    assert birthday(date(2000, 2, 29), 64) == date(2064, 2, 29)
    assert birthday(date(1950, 5, 2), 70) == date(2020, 5, 2)


def test_merge_and_count_days():
    a = (date(2020, 1, 1), date(2020, 1, 10))
    b = (date(2020, 1, 5), date(2020, 1, 8))  # inside a
    c = (date(2020, 1, 11), date(2020, 1, 12))  # touches a
    d = (date(2020, 2, 1), date(2020, 2, 1))
    assert merge_intervals([d, b, c, a]) == [(date(2020, 1, 1), date(2020, 1, 12)), d]
    assert days_covered([a, b, c, d], date(2020, 12, 31)) == 13
    assert days_covered([a, d], date(2020, 1, 3)) == 3
    assert days_covered([d], date(2020, 1, 3)) == 0


def test_first_day_binary_search():
    target = date(2020, 3, 7)
    assert first_day(lambda d: d >= target, date(2020, 1, 1), date(2020, 12, 31)) == target
    assert first_day(lambda d: d >= target, date(2020, 4, 1), date(2020, 12, 31)) == date(
        2020, 4, 1
    )
    assert first_day(lambda d: False, date(2020, 1, 1), date(2020, 12, 31)) is None
    assert first_day(lambda d: True, date(2020, 2, 1), date(2020, 1, 1)) is None


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 7, 5), "5 Jul 2026"),
        (date(2024, 1, 31), "31 Jan 2024"),
        (date(2020, 12, 1), "1 Dec 2020"),
    ],
)
def test_display_date_is_the_pages_one_format(day, text):
    """Issue 11, item 10: the engine's patient-facing dates read "5 Jul 2026" (Django j M Y)."""
    assert display_date(day) == text
