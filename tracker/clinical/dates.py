"""Calendar arithmetic the rules need: months, ages, and days on a drug; and the one
way the rules' texts write a date."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from datetime import date, timedelta

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def display_date(day: date) -> str:
    """A date as the pages write it, "5 Jul 2026" (Django's "j M Y"), whatever the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's end (Jan 31 + 1 = Feb 28)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def age_on(birth_date: date, day: date) -> int:
    """Age in completed years; someone born on 29 February turns a year older on 1 March."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


def birthday(birth_date: date, age: int) -> date:
    """The day someone reaches `age` (29 February births count from 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return date(birth_date.year + age, 3, 1)


Interval = tuple[date, date]


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of inclusive day ranges, so overlapping courses are not counted twice."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def days_covered(intervals: Iterable[Interval], until: date) -> int:
    """Distinct days in the inclusive ranges, counting only days up to `until`."""
    total = 0
    for start, end in merge_intervals(intervals):
        last = min(end, until)
        if last >= start:
            total += (last - start).days + 1
    return total


def first_day(predicate: Callable[[date], bool], low: date, high: date) -> date | None:
    """The first day in [low, high] on which a monotone predicate holds, else None.

    The rules' running totals (days on a drug, infusions given) only grow, so
    a binary search finds the day a threshold was crossed.
    """
    if low > high or not predicate(high):
        return None
    lo, hi = 0, (high - low).days
    while lo < hi:
        mid = (lo + hi) // 2
        if predicate(low + timedelta(days=mid)):
            hi = mid
        else:
            lo = mid + 1
    return low + timedelta(days=lo)
