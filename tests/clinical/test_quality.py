"""The fracture-service quality clock (issue 12, item 7): IOF Capture the Fracture /
FLS-DB patient-level KPIs per fragility fracture, tested on known histories with
both sides of every boundary, and the cohort's quarters and open deadlines."""

import dataclasses
from datetime import date, timedelta

import pytest

from tests.clinical.builders import course, fracture, history, scan, site
from tracker.clinical import quality as q
from tracker.clinical.quality import (
    DXA,
    FALLS_ASSESSMENT,
    KPIS,
    MET,
    MISSED,
    ON_TREATMENT_52_WEEKS,
    OPEN,
    TREATMENT_STARTED,
    FallsAssessment,
    FractureKpis,
    KpiResult,
    OpenDeadline,
    QuarterRow,
    Tally,
    by_quarter,
    fracture_kpis,
    open_deadlines,
    quarter_start,
    quarters_back,
)

BROKE = date(2025, 1, 10)
LONG_AFTER = BROKE + timedelta(days=800)


def day(n: int) -> date:
    """Day n after the fracture (day 0 is the fracture day)."""
    return BROKE + timedelta(days=n)


def kpis(*, scans=(), courses=(), assessed=(), fractures=None, today=LONG_AFTER):
    fractures = [fracture(1, BROKE, "hip")] if fractures is None else fractures
    past = history(scans=scans, courses=courses, fractures=fractures)
    falls = [FallsAssessment(id=i, date=d) for i, d in enumerate(assessed, start=1)]
    return fracture_kpis(past, falls, today)


def only(results: tuple[FractureKpis, ...], kpi: str) -> KpiResult:
    (case,) = results
    return case.result(kpi)


def test_the_thresholds_are_those_of_the_kpi_set():
    assert q.DXA_WITHIN_DAYS == 12 * 7
    assert q.FALLS_ASSESSMENT_WITHIN_DAYS == 12 * 7
    assert q.TREATMENT_STARTED_WITHIN_DAYS == 16 * 7
    assert q.ON_TREATMENT_AT_DAYS == 52 * 7 == 364
    assert "Javaid" in q.SOURCE_IOF and "FLS-DB" in q.SOURCE_FLS_DB


# --- a) DXA within 12 weeks ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("scan_day", "today", "state", "met_on"),
    [
        (0, day(0), MET, day(0)),  # on the fracture day
        (84, day(84), MET, day(84)),  # the last day that counts
        (85, day(85), MISSED, None),  # one day late
        (-84, day(30), MET, day(-84)),  # 12 weeks before: still counts [ours]
        (-85, day(30), OPEN, None),  # 12 weeks and a day before: does not
        (-85, day(84), OPEN, None),  # open on the deadline itself...
        (-85, day(85), MISSED, None),  # ...missed the day after
        (None, day(10), OPEN, None),
        (None, LONG_AFTER, MISSED, None),
    ],
)
def test_dxa_within_12_weeks(scan_day, today, state, met_on):
    scans = [] if scan_day is None else [scan(7, day(scan_day), site())]
    result = only(kpis(scans=scans, today=today), DXA)
    assert (result.state, result.met_on, result.deadline) == (state, met_on, day(84))


def test_the_earliest_qualifying_scan_meets_dxa():
    scans = [scan(1, day(200), site()), scan(2, day(40), site()), scan(3, day(-10), site())]
    assert only(kpis(scans=scans), DXA).met_on == day(-10)


# --- b) a falls assessment within 12 weeks -------------------------------------------------


@pytest.mark.parametrize(
    ("assessed", "today", "state"),
    [
        ((0,), day(0), MET),
        ((84,), day(84), MET),
        ((85,), day(85), MISSED),
        ((-1,), day(10), OPEN),  # before the fracture: it does not respond to it
        ((-1,), day(85), MISSED),
        ((), day(84), OPEN),
        ((), day(85), MISSED),
        ((120, 30), LONG_AFTER, MET),
    ],
)
def test_falls_assessment_within_12_weeks(assessed, today, state):
    result = only(kpis(assessed=[day(n) for n in assessed], today=today), FALLS_ASSESSMENT)
    assert (result.state, result.deadline) == (state, day(84))
    if state == MET:
        assert result.met_on == day(min(n for n in assessed if 0 <= n <= 84))


# --- c) bone treatment started within 16 weeks ---------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "today", "state", "met_on"),
    [
        (0, None, day(0), MET, day(0)),
        (112, None, day(112), MET, day(112)),  # the last day that counts
        (113, None, day(113), MISSED, None),  # a day late
        (113, None, day(112), OPEN, None),  # (not started yet on the deadline)
        (-400, None, day(5), MET, day(0)),  # already running: "on treatment" (FLS-DB)
        (-400, 0, day(5), MET, day(0)),  # its last day is the fracture day
        (-400, -1, day(5), OPEN, None),  # stopped the day before: nothing running
        (-400, -1, day(113), MISSED, None),
        (None, None, day(112), OPEN, None),
        (None, None, day(113), MISSED, None),
    ],
)
def test_treatment_started_within_16_weeks(start, end, today, state, met_on):
    courses = []
    if start is not None:
        courses = [course(1, "alendronate", day(start), None if end is None else day(end))]
    result = only(kpis(courses=courses, today=today), TREATMENT_STARTED)
    assert (result.state, result.met_on, result.deadline) == (state, met_on, day(112))


def test_any_catalogue_drug_counts_as_treatment():
    courses = [course(1, "hormone_therapy", day(20))]
    assert only(kpis(courses=courses), TREATMENT_STARTED).state == MET


def test_a_running_course_meets_only_because_the_constant_says_so(monkeypatch):
    monkeypatch.setattr(q, "RUNNING_TREATMENT_MEETS_START", False)
    courses = [course(1, "alendronate", day(-400))]
    assert only(kpis(courses=courses), TREATMENT_STARTED).state == MISSED


# --- d) still on treatment at 52 weeks -----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "today", "state"),
    [
        (30, None, day(363), OPEN),  # judged only on the day itself
        (30, None, day(364), MET),  # exactly 52 weeks: still running
        (30, 364, day(364), MET),  # its last day is that day
        (30, 363, day(364), MISSED),  # stopped the day before
        (30, 363, day(363), OPEN),
        (365, None, day(400), MISSED),  # started only after the day
        (-400, None, day(364), MET),  # running since before the fracture
        (None, None, day(364), MISSED),
        (None, None, day(10), OPEN),
    ],
)
def test_on_treatment_at_52_weeks(start, end, today, state):
    courses = []
    if start is not None:
        courses = [course(1, "denosumab", day(start), None if end is None else day(end))]
    result = only(kpis(courses=courses, today=today), ON_TREATMENT_52_WEEKS)
    assert (result.state, result.deadline) == (state, day(364))
    assert result.met_on == (day(364) if state == MET else None)


def test_a_switch_keeps_the_patient_on_treatment():
    courses = [
        course(1, "alendronate", day(20), day(200), reason="switched"),
        course(2, "denosumab", day(201)),
    ]
    assert only(kpis(courses=courses), ON_TREATMENT_52_WEEKS).state == MET


# --- which fractures -----------------------------------------------------------------------


def test_a_fracture_that_is_not_a_fragility_fracture_is_ignored():
    fractures = [fracture(1, BROKE, "wrist_forearm", fragility=False)]
    assert kpis(fractures=fractures) == ()


def test_each_fragility_fracture_is_its_own_case_oldest_first():
    second = day(200)
    fractures = [
        fracture(2, second, "wrist_forearm"),
        fracture(1, BROKE, "hip"),
        fracture(3, day(100), "other", fragility=False),
    ]
    results = kpis(
        fractures=fractures,
        scans=[scan(1, day(250), site())],  # 50 days after the second only
        courses=[course(1, "zoledronic_acid", day(150), doses=(day(150),))],
        assessed=[day(10)],
        today=day(260),
    )
    first, later = results
    assert (first.fracture.id, later.fracture.id) == (1, 2)
    assert [r.state for r in first.results] == [MISSED, MET, MISSED, OPEN]
    # The course started before the second fracture and still runs: met at once.
    assert [r.state for r in later.results] == [MET, OPEN, MET, OPEN]
    assert later.result(TREATMENT_STARTED).met_on == second
    assert later.result(FALLS_ASSESSMENT).deadline == second + timedelta(days=84)


def test_a_known_history_met_missed_and_open_at_once():
    """Rosa-like: a spine fracture 16 months ago, scanned at 5 weeks, romosozumab from
    week 9 and still running, never a falls assessment."""
    results = kpis(
        fractures=[fracture(1, BROKE, "clinical_vertebral")],
        scans=[scan(1, day(36), site())],
        courses=[course(1, "romosozumab", day(60), doses=(day(60),))],
        today=day(480),
    )
    (case,) = results
    assert [(r.kpi, r.state) for r in case.results] == [
        (DXA, MET),
        (FALLS_ASSESSMENT, MISSED),
        (TREATMENT_STARTED, MET),
        (ON_TREATMENT_52_WEEKS, MET),
    ]
    assert [r.label for r in case.results] == [q.KPI_LABELS[k] for k in KPIS]


# --- the cohort ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "missed", "open_", "percent"),
    [
        (0, 0, 3, None),  # nothing decided yet
        (1, 0, 5, 100),
        (0, 2, 0, 0),
        (2, 1, 9, 67),  # 66.67 rounds up
        (1, 7, 0, 13),  # 12.5 rounds half up, not to even
        (1, 2, 0, 33),
    ],
)
def test_percent_met_counts_met_over_met_and_missed(met, missed, open_, percent):
    tally = Tally(met=met, missed=missed, open=open_)
    assert tally.percent_met == percent
    assert tally.decided == met + missed


@pytest.mark.parametrize(
    ("day_", "start"),
    [
        (date(2026, 1, 1), date(2026, 1, 1)),
        (date(2026, 3, 31), date(2026, 1, 1)),
        (date(2026, 4, 1), date(2026, 4, 1)),
        (date(2026, 9, 30), date(2026, 7, 1)),
        (date(2026, 12, 31), date(2026, 10, 1)),
    ],
)
def test_quarter_start(day_, start):
    assert quarter_start(day_) == start


@pytest.mark.parametrize(
    ("today", "count", "first"),
    [
        (date(2026, 5, 20), 1, date(2026, 4, 1)),
        (date(2026, 5, 20), 2, date(2026, 1, 1)),
        (date(2026, 5, 20), 3, date(2025, 10, 1)),
        (date(2026, 5, 20), 8, date(2024, 7, 1)),
        (date(2026, 1, 1), 5, date(2025, 1, 1)),
    ],
)
def test_quarters_back(today, count, first):
    assert quarters_back(today, count) == first


def _case(fracture_id: int, when: date, *states: str) -> FractureKpis:
    return FractureKpis(
        fracture=fracture(fracture_id, when),
        results=tuple(
            KpiResult(kpi=kpi, state=state, deadline=when + timedelta(days=84))
            for kpi, state in zip(KPIS, states, strict=True)
        ),
    )


def test_by_quarter_counts_each_kpi_per_quarter_of_the_fracture_date_newest_first():
    rows = by_quarter(
        [
            _case(1, date(2025, 1, 5), MET, MISSED, MET, MET),
            _case(2, date(2025, 3, 31), MET, MET, OPEN, OPEN),
            _case(3, date(2025, 4, 1), MISSED, OPEN, OPEN, OPEN),
        ]
    )
    assert [row.label for row in rows] == ["2025 Q2", "2025 Q1"]
    q2, q1 = rows
    assert (q1.fractures, q2.fractures) == (2, 1)
    assert q1.tallies[0] == Tally(met=2)
    assert q1.tallies[1] == Tally(met=1, missed=1)
    assert q1.tallies[2] == Tally(met=1, open=1)
    assert [t.percent_met for t in q1.tallies] == [100, 50, 100, 100]
    assert [t.percent_met for t in q2.tallies] == [0, None, None, None]
    assert by_quarter([]) == ()


def test_open_deadlines_soonest_first_with_their_owner():
    cases = [
        ("ann", _case(1, date(2025, 3, 1), OPEN, MET, OPEN, OPEN)),
        ("bob", _case(2, date(2025, 2, 1), MET, OPEN, MISSED, MET)),
    ]
    found = open_deadlines(cases)
    assert [(d.owner, d.kpi) for d in found] == [
        ("bob", FALLS_ASSESSMENT),
        ("ann", DXA),
        ("ann", TREATMENT_STARTED),
        ("ann", ON_TREATMENT_52_WEEKS),
    ]
    first = found[0]
    assert first.deadline == date(2025, 2, 1) + timedelta(days=84)
    assert first.label == "Falls assessment within 12 weeks"
    assert first.days_left(date(2025, 4, 20)) == 6
    assert open_deadlines([]) == ()


@pytest.mark.parametrize(
    "cls", [FallsAssessment, KpiResult, FractureKpis, Tally, QuarterRow, OpenDeadline]
)
def test_results_are_frozen_and_keyword_only(cls):
    assert all(field.kw_only for field in dataclasses.fields(cls))
    with pytest.raises(TypeError):
        cls(*range(len(dataclasses.fields(cls))))
