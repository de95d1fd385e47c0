"""Section 8: weekly exercise targets, for the exercise log and gentle nudges (never alerts).

A session is `(date, kind, minutes)`. Weeks are ISO weeks, Monday to Sunday,
so "this week" means the same days on every page and in every export.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from tracker.clinical.history import VERTEBRAL_FRACTURE_SITES, PatientHistory

# Section 8 (Osteoporosis Canada 2023; Royal Osteoporosis Society 2019): resistance
# training at least 2 sessions a week.
RESISTANCE_SESSIONS_PER_WEEK = 2
# Section 8 (same sources): balance and functional training at least 2 sessions a week.
BALANCE_SESSIONS_PER_WEEK = 2
# Section 8 (same sources): aerobic activity at least 150 minutes a week.
AEROBIC_MINUTES_PER_WEEK = 150

# What can be logged. Impact and posture work are part of the same guidance but
# carry no weekly number, so they are logged and charted without a target.
KINDS: tuple[str, ...] = ("resistance", "balance", "impact", "aerobic", "posture")

# Section 8: shown when a vertebral fracture is on file.
VERTEBRAL_FRACTURE_SAFETY_NOTE = (
    "With a spine fracture, avoid repeated forward bending, twisting, and heavy lifting while bent."
)

Unit = Literal["sessions", "minutes"]
Session = tuple[date, str, int]


@dataclass(frozen=True, kw_only=True)
class Target:
    kind: str
    label: str
    unit: Unit
    goal: int
    done: int

    @property
    def met(self) -> bool:
        return self.done >= self.goal

    @property
    def remaining(self) -> int:
        """What is still to do this week; 0 once met (doing more is not a debt)."""
        return max(self.goal - self.done, 0)


@dataclass(frozen=True, kw_only=True)
class WeekSummary:
    start: date  # Monday
    end: date  # Sunday
    targets: tuple[Target, ...]  # resistance sessions, balance sessions, aerobic minutes
    minutes_by_kind: tuple[tuple[str, int], ...]  # every kind in KINDS order, zero-filled

    @property
    def all_met(self) -> bool:
        return all(target.met for target in self.targets)


def week_start(day: date) -> date:
    """The Monday of the ISO week containing `day`."""
    return day - timedelta(days=day.weekday())


def _validated(sessions: Iterable[Session]) -> list[Session]:
    # A loader or form bug should fail loudly, not show up as a quietly missing session.
    checked: list[Session] = []
    for day, kind, minutes in sessions:
        if kind not in KINDS:
            raise ValueError(f"unknown exercise kind {kind!r}; expected one of {KINDS}")
        if minutes < 0:
            raise ValueError(f"negative minutes ({minutes}) for a {kind} session on {day}")
        checked.append((day, kind, minutes))
    return checked


def _minutes_by_kind(sessions: Iterable[Session]) -> tuple[tuple[str, int], ...]:
    totals = dict.fromkeys(KINDS, 0)
    for _, kind, minutes in sessions:
        totals[kind] += minutes
    return tuple(totals.items())


def week_summary(sessions: Iterable[Session], today: date) -> WeekSummary:
    """Progress towards the section 8 targets in the ISO week (Monday-Sunday) containing today.

    Every logged session counts as one session, whatever its length: the
    guidance counts sessions, and a short one still counts as practice.
    """
    start = week_start(today)
    end = start + timedelta(days=6)
    this_week = [s for s in _validated(sessions) if start <= s[0] <= end]

    def count(kind: str) -> int:
        return sum(1 for _, k, _ in this_week if k == kind)

    minutes = _minutes_by_kind(this_week)
    targets = (
        Target(
            kind="resistance",
            label="Resistance training",
            unit="sessions",
            goal=RESISTANCE_SESSIONS_PER_WEEK,
            done=count("resistance"),
        ),
        Target(
            kind="balance",
            label="Balance and functional training",
            unit="sessions",
            goal=BALANCE_SESSIONS_PER_WEEK,
            done=count("balance"),
        ),
        Target(
            kind="aerobic",
            label="Aerobic activity",
            unit="minutes",
            goal=AEROBIC_MINUTES_PER_WEEK,
            done=dict(minutes)["aerobic"],
        ),
    )
    return WeekSummary(start=start, end=end, targets=targets, minutes_by_kind=minutes)


def weekly_totals(
    sessions: Iterable[Session], *, weeks: int, today: date
) -> tuple[tuple[date, tuple[tuple[str, int], ...]], ...]:
    """Minutes per kind for each of the last `weeks` ISO weeks, this week included.

    One row per week, oldest first, keyed by its Monday; weeks and kinds with
    nothing logged are zero, so a chart gets a complete, evenly spaced series.
    """
    if weeks < 0:
        raise ValueError(f"weeks must be 0 or more, not {weeks}")
    last = week_start(today)
    mondays = [last - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    by_week: dict[date, list[Session]] = {monday: [] for monday in mondays}
    for session in _validated(sessions):
        bucket = by_week.get(week_start(session[0]))
        if bucket is not None:
            bucket.append(session)
    return tuple((monday, _minutes_by_kind(by_week[monday])) for monday in mondays)


def needs_spine_safety_note(history: PatientHistory) -> bool:
    """Section 8: with a vertebral fracture on file (clinical, on imaging, or found by
    VFA on a scan), exercise advice carries VERTEBRAL_FRACTURE_SAFETY_NOTE."""
    return any(f.site in VERTEBRAL_FRACTURE_SITES for f in history.fractures) or any(
        scan.vertebral_fracture_found for scan in history.scans
    )
