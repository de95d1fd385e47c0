"""Section 8: weekly exercise targets (Osteoporosis Canada 2023; Royal Osteoporosis Soc. 2019)."""

from datetime import date, timedelta

import pytest

from tracker.clinical.exercise import (
    AEROBIC_MINUTES_PER_WEEK,
    BALANCE_SESSIONS_PER_WEEK,
    KINDS,
    RESISTANCE_SESSIONS_PER_WEEK,
    VERTEBRAL_FRACTURE_SAFETY_NOTE,
    Target,
    week_start,
    week_summary,
    weekly_totals,
)

MONDAY = date(2024, 6, 10)
WEDNESDAY = date(2024, 6, 12)
SUNDAY = date(2024, 6, 16)


def targets_by_kind(summary):
    return {target.kind: target for target in summary.targets}


def test_section_8_targets_and_safety_note():
    assert RESISTANCE_SESSIONS_PER_WEEK == 2
    assert BALANCE_SESSIONS_PER_WEEK == 2
    assert AEROBIC_MINUTES_PER_WEEK == 150
    assert KINDS == ("resistance", "balance", "impact", "aerobic", "posture")
    assert VERTEBRAL_FRACTURE_SAFETY_NOTE == (
        "With a spine fracture, avoid repeated forward bending, twisting, and heavy lifting "
        "while bent."
    )


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        pytest.param(MONDAY, MONDAY, id="8 ISO week: Monday starts its own week"),
        pytest.param(WEDNESDAY, MONDAY, id="8 ISO week: midweek"),
        pytest.param(SUNDAY, MONDAY, id="8 ISO week: Sunday ends the week"),
        pytest.param(SUNDAY + timedelta(days=1), date(2024, 6, 17), id="8 ISO week: next Monday"),
    ],
)
def test_week_start_and_summary_bounds(today, monday):
    assert week_start(today) == monday
    summary = week_summary([], today)
    assert (summary.start, summary.end) == (monday, monday + timedelta(days=6))


@pytest.mark.parametrize(
    ("kind", "sessions", "met", "remaining"),
    [
        pytest.param("resistance", 0, False, 2, id="8 resistance >= 2/week: 0 sessions"),
        pytest.param("resistance", 1, False, 1, id="8 resistance >= 2/week: 1 not met"),
        pytest.param("resistance", 2, True, 0, id="8 resistance >= 2/week: 2 met"),
        pytest.param("resistance", 3, True, 0, id="8 resistance >= 2/week: 3, nothing owed"),
        pytest.param("balance", 1, False, 1, id="8 balance >= 2/week: 1 not met"),
        pytest.param("balance", 2, True, 0, id="8 balance >= 2/week: 2 met"),
    ],
)
def test_session_targets(kind, sessions, met, remaining):
    # Short sessions still count as sessions.
    logged = [(WEDNESDAY, kind, 5)] * sessions
    target = targets_by_kind(week_summary(logged, WEDNESDAY))[kind]
    assert (target.unit, target.goal, target.done) == ("sessions", 2, sessions)
    assert (target.met, target.remaining) == (met, remaining)


@pytest.mark.parametrize(
    ("minutes", "met", "remaining"),
    [
        pytest.param([149], False, 1, id="8 aerobic >= 150 min/week: 149 not met"),
        pytest.param([150], True, 0, id="8 aerobic >= 150 min/week: 150 met"),
        pytest.param([100, 50], True, 0, id="8 aerobic >= 150 min/week: minutes add up"),
        pytest.param([200], True, 0, id="8 aerobic >= 150 min/week: 200, nothing owed"),
    ],
)
def test_aerobic_minutes_target(minutes, met, remaining):
    logged = [(WEDNESDAY, "aerobic", m) for m in minutes]
    target = targets_by_kind(week_summary(logged, WEDNESDAY))["aerobic"]
    assert (target.unit, target.goal, target.done) == ("minutes", 150, sum(minutes))
    assert (target.met, target.remaining) == (met, remaining)


def test_only_the_iso_week_containing_today_counts():
    logged = [
        (MONDAY - timedelta(days=1), "aerobic", 1000),  # last week's Sunday
        (MONDAY, "aerobic", 10),
        (SUNDAY, "aerobic", 20),
        (SUNDAY + timedelta(days=1), "aerobic", 1000),  # next week's Monday
    ]
    summary = week_summary(logged, WEDNESDAY)
    assert targets_by_kind(summary)["aerobic"].done == 30


def test_week_summary_lists_every_kind_zero_filled_and_the_targets_in_order():
    logged = iter(
        [
            (WEDNESDAY, "resistance", 30),
            (WEDNESDAY, "posture", 10),
            (MONDAY, "resistance", 20),
            (SUNDAY, "impact", 0),
        ]
    )
    summary = week_summary(logged, WEDNESDAY)
    assert summary.minutes_by_kind == (
        ("resistance", 50),
        ("balance", 0),
        ("impact", 0),
        ("aerobic", 0),
        ("posture", 10),
    )
    assert [(t.kind, t.label) for t in summary.targets] == [
        ("resistance", "Resistance training"),
        ("balance", "Balance and functional training"),
        ("aerobic", "Aerobic activity"),
    ]


@pytest.mark.parametrize(
    ("logged", "all_met"),
    [
        pytest.param(
            [("resistance", 30)] * 2 + [("balance", 20)] * 2 + [("aerobic", 150)],
            True,
            id="8 all targets met",
        ),
        pytest.param(
            [("resistance", 30)] * 2 + [("balance", 20)] * 2 + [("aerobic", 149)],
            False,
            id="8 all targets: aerobic one minute short",
        ),
        pytest.param(
            [("resistance", 30)] + [("balance", 20)] * 2 + [("aerobic", 150)],
            False,
            id="8 all targets: one resistance session short",
        ),
        pytest.param([], False, id="8 all targets: nothing logged"),
    ],
)
def test_all_met(logged, all_met):
    sessions = [(WEDNESDAY, kind, minutes) for kind, minutes in logged]
    assert week_summary(sessions, WEDNESDAY).all_met is all_met


def test_target_properties_directly():
    target = Target(kind="aerobic", label="Aerobic activity", unit="minutes", goal=150, done=90)
    assert (target.met, target.remaining) == (False, 60)


@pytest.mark.parametrize(
    ("session", "error"),
    [
        pytest.param((WEDNESDAY, "yoga", 30), "unknown exercise kind 'yoga'", id="8 unknown kind"),
        pytest.param((WEDNESDAY, "aerobic", -1), "negative minutes", id="8 negative minutes"),
    ],
)
def test_bad_sessions_fail_loudly(session, error):
    with pytest.raises(ValueError, match=error):
        week_summary([session], WEDNESDAY)
    with pytest.raises(ValueError, match=error):
        weekly_totals([session], weeks=4, today=WEDNESDAY)


def test_weekly_totals_oldest_first_zero_filled():
    logged = [
        (MONDAY - timedelta(weeks=3), "aerobic", 999),  # before the window
        (MONDAY - timedelta(weeks=2), "aerobic", 40),  # oldest week's Monday
        (MONDAY - timedelta(days=8), "balance", 15),  # oldest week's Sunday
        (WEDNESDAY, "resistance", 30),
        (SUNDAY, "resistance", 20),  # later this week still counts
        (SUNDAY + timedelta(days=1), "aerobic", 999),  # next week
    ]
    rows = weekly_totals(logged, weeks=3, today=WEDNESDAY)
    zero = dict.fromkeys(KINDS, 0)
    assert [(monday, dict(minutes)) for monday, minutes in rows] == [
        (date(2024, 5, 27), {**zero, "aerobic": 40, "balance": 15}),
        (date(2024, 6, 3), zero),
        (MONDAY, {**zero, "resistance": 50}),
    ]
    # Every row lists every kind, in KINDS order, for a chart's fixed series.
    assert all(tuple(kind for kind, _ in minutes) == KINDS for _, minutes in rows)


@pytest.mark.parametrize(
    ("weeks", "count"),
    [
        pytest.param(0, 0, id="8 weekly totals: 0 weeks is empty"),
        pytest.param(1, 1, id="8 weekly totals: 1 week is this week"),
        pytest.param(12, 12, id="8 weekly totals: 12 weeks"),
    ],
)
def test_weekly_totals_length(weeks, count):
    rows = weekly_totals([], weeks=weeks, today=SUNDAY)
    assert len(rows) == count
    if rows:
        assert rows[-1][0] == MONDAY
        assert rows[0][0] == MONDAY - timedelta(weeks=weeks - 1)


def test_weekly_totals_refuses_negative_weeks():
    with pytest.raises(ValueError, match="weeks must be 0 or more"):
        weekly_totals([], weeks=-1, today=WEDNESDAY)


@pytest.mark.parametrize(
    ("fractures", "vfa", "expected"),
    [
        ((), False, False),
        (("wrist_forearm",), False, False),
        (("clinical_vertebral",), False, True),
        (("imaging_vertebral",), False, True),
        ((), True, True),
    ],
    ids=["8 none", "8 wrist only", "8 clinical spine", "8 spine on imaging", "8 VFA on a scan"],
)
def test_spine_safety_note(fractures, vfa, expected):
    from decimal import Decimal

    from tracker.clinical.exercise import needs_spine_safety_note
    from tracker.clinical.history import Fracture, PatientHistory, Profile, Scan, SiteResult

    history = PatientHistory(
        Profile(date(1950, 1, 1), "female", "postmenopausal"),
        scans=(
            Scan(
                1,
                date(2025, 1, 1),
                "hologic",
                vertebral_fracture_found=vfa,
                sites=(SiteResult("lumbar_spine", "none", Decimal("0.8"), None, None),),
            ),
        ),
        fractures=tuple(
            Fracture(i, date(2024, 1, 1), site, True) for i, site in enumerate(fractures)
        ),
    )
    assert needs_spine_safety_note(history) is expected
