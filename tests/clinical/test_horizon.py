"""next_change: the day on which the engine's answer about a patient next changes
(issue 13), each rule's edge on both sides, a property walk over generated
histories, and the rules version."""

from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.clinical import alerts, version
from tracker.clinical.assess import Assessment, assess
from tracker.clinical.dates import add_months, birthday
from tracker.clinical.drugs import CATALOGUE
from tracker.clinical.history import (
    MENOPAUSAL_STATUSES,
    SEXES,
    ClinicalEvent,
    Course,
    Dose,
    Fall,
    Fracture,
    Height,
    Overrides,
    PatientHistory,
    Profile,
    RiskFactors,
)
from tracker.clinical.horizon import next_change

from .builders import TODAY, course, days, event, fracture, height, history, profile, scan, site

T = TODAY


def answer(assessment: Assessment) -> Assessment:
    """What must hold until the next change: everything but the day itself and the
    words that count days as they speak (an explanation's "220 days ago", a
    clinician line's total, a course's days on the drug)."""
    return replace(
        assessment,
        today=date.min,
        current_drugs=tuple(replace(c, days_on=0) for c in assessment.current_drugs),
        alerts=tuple(replace(a, explanation="", clinician_line="") for a in assessment.alerts),
    )


def change_of(hist: PatientHistory, today: date) -> date | None:
    return next_change(hist, assess(hist, today))


def rules(hist: PatientHistory, day: date) -> set[str]:
    return {a.rule_id for a in assess(hist, day).alerts}


def fall(id: int, day: date) -> Fall:
    return Fall(id=id, date=day, injured=False)


def aged(years: int, sex: str = "female", status: str | None = None, **extra) -> Profile:
    return profile(years, sex, status, **extra)


L = T - days(100)  # a denosumab dose 100 days ago
DMAB = history(courses=(course(1, "denosumab", L, doses=(L,)),))
ROMO_FIRST = T - days(350)
ROMO_12 = history(
    courses=(
        course(1, "alendronate", T - days(1000), ROMO_FIRST - days(1), "switched"),
        course(2, "romosozumab", ROMO_FIRST, doses=[add_months(ROMO_FIRST, i) for i in range(12)]),
    )
)
NO_HIP_SCAN = scan(1, T - days(600), site("lumbar_spine", "1.000", "-1.0"))
HOLIDAY_START = T - days(99)


def _dmab(since_last: int, end_after: int | None = None) -> PatientHistory:
    last = T - days(since_last)
    end = None if end_after is None else last + days(end_after)
    return history(courses=(course(1, "denosumab", last, end, doses=(last,)),))


def _running(drug: str, since: int, **extra) -> PatientHistory:
    return history(courses=(course(1, drug, T - days(since)),), **extra)


# (history, today, the day the answer changes, what changes there): the day before
# answers as today does, and the day itself does not.
EDGES = [
    pytest.param(_dmab(100), T, L + days(168), "DMAB-DUE shown", id="DMAB-DUE"),
    pytest.param(_dmab(170), T, T + days(41), "DMAB-LATE after 210 days", id="DMAB-LATE"),
    pytest.param(_dmab(250), T, T + days(45), "after 294 days", id="DMAB-LONG-DELAY"),
    pytest.param(_dmab(170, 30), T, T + days(41), "no transition", id="DMAB-STOP-NO-TRANSITION"),
    pytest.param(
        history(
            courses=(course(1, "romosozumab", T - days(40), doses=(T - days(40), T - days(10))),)
        ),
        T,
        add_months(T - days(10), 1) - days(7),
        "shown 7 days before",
        id="ROMO-DUE",
    ),
    pytest.param(
        ROMO_12, T, add_months(ROMO_FIRST, 12) + days(1), "past 12 months", id="ROMO-OVER-12"
    ),
    pytest.param(_running("teriparatide", 600), T, T + days(99), "700 days", id="PTH-NEAR-LIMIT"),
    pytest.param(
        _running("teriparatide", 710), T, T + days(19), "730 days: limit reached", id="PTH-limit"
    ),
    pytest.param(_running("abaloparatide", 729), T, T + days(1), "731 days", id="PTH-OVER-LIMIT"),
    pytest.param(
        history(courses=(course(1, "teriparatide", T - days(400), T - days(10)),)),
        T,
        T + days(81),
        "day 91 after the last day",
        id="ANABOLIC-NO-FOLLOWON",
    ),
    pytest.param(_running("alendronate", 1800), T, T + days(25), "1826 days", id="BP-REASSESS"),
    pytest.param(_running("risedronate", 3600), T, T + days(52), "3653 days", id="BP-LONG"),
    pytest.param(
        history(courses=(course(1, "alendronate", T - days(2000), T - days(100), "drug_holiday"),)),
        T,
        add_months(HOLIDAY_START, 24),
        "24 months into the holiday",
        id="BP-HOLIDAY-REVIEW-info",
    ),
    pytest.param(
        history(courses=(course(1, "alendronate", T - days(2000), T - days(100), "drug_holiday"),)),
        add_months(HOLIDAY_START, 24),
        add_months(HOLIDAY_START, 36),
        "36 months into the holiday",
        id="BP-HOLIDAY-REVIEW-warn",
    ),
    pytest.param(
        history(courses=(course(1, "zoledronic_acid", T - days(200), doses=(T - days(200),)),)),
        T,
        add_months(T - days(200), 12) - days(30),
        "30 days before",
        id="ZOL-DUE",
    ),
    pytest.param(
        _running(
            "alendronate",
            300,
            fractures=(
                fracture(1, T - days(200), "wrist_forearm"),
                fracture(2, T - days(100), "wrist_forearm"),
            ),
        ),
        T,
        add_months(T - days(300), 12),
        "12 months on therapy",
        id="TREATMENT-FAILURE",
    ),
    pytest.param(
        history(scans=(NO_HIP_SCAN,)),
        T,
        add_months(NO_HIP_SCAN.date, 24) - days(60),
        "60 days before",
        id="SCAN-DUE-upcoming",
    ),
    pytest.param(
        history(scans=(NO_HIP_SCAN,)),
        add_months(NO_HIP_SCAN.date, 24) - days(60),
        add_months(NO_HIP_SCAN.date, 24),
        "due",
        id="SCAN-DUE-due",
    ),
    pytest.param(
        history(scans=(NO_HIP_SCAN,)),
        add_months(NO_HIP_SCAN.date, 24),
        add_months(NO_HIP_SCAN.date, 24) + days(90),
        "90 days after",
        id="SCAN-OVERDUE",
    ),
    pytest.param(
        history(aged(64)),
        T,
        birthday(aged(64).birth_date, 65),
        "woman aged 65",
        id="SCAN-BASELINE-woman-65",
    ),
    pytest.param(
        history(aged(69, "male")),
        T,
        birthday(aged(69, "male").birth_date, 70),
        "man aged 70",
        id="SCAN-BASELINE-man-70",
    ),
    pytest.param(
        history(aged(49, "male", risk=RiskFactors(current_smoking=True))),
        T,
        birthday(aged(49, "male").birth_date, 50),
        "man aged 50 with a risk factor",
        id="SCAN-BASELINE-man-50",
    ),
    pytest.param(
        history(aged(19, status="premenopausal", risk=RiskFactors(rheumatoid_arthritis=True))),
        T,
        birthday(aged(19).birth_date, 20),
        "adult at 20",
        id="SCAN-BASELINE-adult",
    ),
    pytest.param(
        history(aged(55, risk=RiskFactors(current_smoking=True))),
        T,
        T + days(1),
        "an indication dated today moves with it",
        id="SCAN-BASELINE-today",
    ),
    pytest.param(
        history(aged(49, "male"), scans=(scan(1, T - days(30), site(t="-2.6")),)),
        T,
        birthday(aged(49, "male").birth_date, 50),
        "targets from 50 (WHO scale)",
        id="targets-at-50",
    ),
    pytest.param(
        history(falls=(fall(1, T - days(100)),)),
        T,
        add_months(T - days(100), 12) + days(1),
        "the fall leaves the 12 months",
        id="falls-window",
    ),
    pytest.param(
        history(
            courses=(
                course(1, "alendronate", T - days(200)),
                course(2, "ibandronate_iv", T - days(30), doses=(T - days(30),)),
            )
        ),
        T,
        T + days(73),
        "IV doses left before the review: 17 -> 16",
        id="course-limit-iv-with-tablets",
    ),
    pytest.param(history(scans=(scan(1, T + days(10), site()),)), T, T + days(10), "", id="scan"),
    pytest.param(
        _running("raloxifene", 10, events=(event(1, T + days(3), "blood_clot"),)),
        T,
        T + days(3),
        "",
        id="event",
    ),
    pytest.param(
        history(courses=(course(1, "raloxifene", T - days(10), T + days(4)),)),
        T,
        T + days(5),
        "the day after the last day",
        id="course-end",
    ),
    pytest.param(
        history(courses=(course(1, "alendronate", T + days(8)),)), T, T + days(8), "", id="course"
    ),
    pytest.param(
        history(courses=(course(1, "denosumab", T - days(20), doses=(T - days(20), T + days(6))),)),
        T,
        T + days(6),
        "",
        id="dose",
    ),
    pytest.param(history(fractures=(fracture(1, T + days(2)),)), T, T + days(2), "", id="fracture"),
    pytest.param(history(falls=(fall(1, T + days(2)),)), T, T + days(2), "", id="fall"),
    pytest.param(
        history(aged(70, tallest="170.0"), heights=(height(1, T + days(9), "165.0"),)),
        T,
        T + days(9),
        "",
        id="height",
    ),
]


@pytest.mark.parametrize(("hist", "today", "edge", "what"), EDGES)
def test_the_answer_holds_until_the_edge_and_changes_on_it(hist, today, edge, what):
    first = answer(assess(hist, today))
    assert change_of(hist, today) == edge
    assert answer(assess(hist, edge - days(1))) == first
    assert answer(assess(hist, edge)) != first, what


@pytest.mark.parametrize(
    ("hist", "before", "rule"),
    [
        (_dmab(100), T + days(67), "DMAB-DUE"),
        (_dmab(100), T + days(110), "DMAB-LATE"),
        (_dmab(100), T + days(194), "DMAB-LONG-DELAY"),
        (ROMO_12, add_months(ROMO_FIRST, 12), "ROMO-OVER-12"),
        (_running("teriparatide", 0), T + days(729), "PTH-OVER-LIMIT"),
    ],
)
def test_a_stage_reached_on_the_edge_was_not_there_the_day_before(hist, before, rule):
    edge = change_of(hist, before)
    assert rule not in rules(hist, before)
    assert edge == before + days(1) or rule not in rules(hist, edge - days(1))
    assert rule in rules(hist, edge) or rule in rules(hist, change_of(hist, edge))


def test_a_day_early_is_allowed_at_the_end_of_february():
    """A fall on 28 Feb 2023 counts until 29 Feb 2024 (28 Feb 2023 is still within 12
    months of it); the edge says 29 Feb: one assessment more, never a day late."""
    hist = history(falls=(fall(1, date(2023, 2, 28)),))
    today = date(2024, 1, 1)
    assert change_of(hist, today) == date(2024, 2, 29)
    assert assess(hist, date(2024, 2, 29)).falls_last_12_months == 1
    assert assess(hist, date(2024, 3, 1)).falls_last_12_months == 0


def test_a_stopped_denosumab_course_is_looked_at_again_on_day_168_too():
    """The DMAB-DUE edge stays for a stopped course (nothing shows then): early, safe."""
    hist = _dmab(100, 30)
    assert change_of(hist, T) == L + days(168)
    assert answer(assess(hist, L + days(168))) == answer(assess(hist, T))


def test_nothing_left_to_change_says_none():
    assert change_of(history(aged(80)), T) is None


def test_tablets_already_past_the_review_add_no_reassess_edge():
    hist = _running("alendronate", 1900)
    assert change_of(hist, T) == T - days(1900) + days(3652)


def test_infusions_alone_do_not_grow_with_the_days():
    hist = history(
        courses=(
            course(1, "alendronate", T - days(3000), T - days(1000)),
            course(2, "zoledronic_acid", T - days(900), doses=(T - days(900), T - days(100))),
        )
    )
    assert change_of(hist, T) == add_months(T - days(100), 12) - days(30)


def test_every_rule_that_reads_today_has_its_edges_next_to_it():
    """A new rule must say when its answer changes, or that it reads no date."""
    called = set(alerts.all_alerts.__code__.co_names)
    rule_functions = {n for n in called if n.endswith("_alerts")} - {"sort_alerts"}
    assert len(rule_functions) == 11
    gathered = set(alerts.alert_edges.__code__.co_names)
    for name in rule_functions - set(alerts.WITHOUT_EDGES):
        assert name.removesuffix("_alerts") + "_edges" in gathered, name
    assert set(alerts.WITHOUT_EDGES) <= rule_functions


# ------------------------------------------------------------------ the property walk

# Deterministic and without a local example database: CI must not flake. Each
# example walks EVERY day of WALK_DAYS from today, one assessment a day, and asks
# next_change again on each day it named: every edge inside the walk is checked,
# not only the first. The walk is capped at WALK_DAYS (about 10 s in all on one
# core); each history centres one rule family's facts (FOCUS) where its edges fall
# inside the walk (last doses, course ends, PTH and tablet totals reaching their
# limits after years, holidays, scans), among random other courses, scans,
# fractures, falls, events, birthdays and clinician overrides.
WALK_DAYS = 200
EXAMPLES_PER_FOCUS = 10
WALK = settings(database=None, derandomize=True, max_examples=EXAMPLES_PER_FOCUS, deadline=None)
FOCUS = (
    "dmab",
    "romo",
    "pth",
    "tablets",
    "zol",
    "holiday",
    "anabolic",
    "treatment",
    "scan",
    "baseline",
)
# Other courses would end a holiday, blur an episode, put a scan "on therapy" or
# bring an indication for a first scan.
ALONE = ("holiday", "treatment", "scan", "baseline")
INTERVAL_DAYS = {"denosumab": 182, "romosozumab": 30, "zoledronic_acid": 365, "ibandronate_iv": 91}
# Drugs given at intervals and the ones with lifetime totals come more often.
DRUGS = sorted(CATALOGUE) + ["denosumab", "romosozumab", "zoledronic_acid", "alendronate"] * 2
STOP_REASONS = (None, "course_completed", "drug_holiday", "side_effects", "switched")
# Ages just under a birthday that changes a rule (20, 50, 65, 70), or any adult age.
AGES_DAYS = st.sampled_from([20, 50, 65, 70]).flatmap(
    lambda years: st.integers(years * 365 - 200, years * 365 + 5)
) | st.integers(18 * 365, 85 * 365)


def _day(draw, low: int, high: int) -> date:
    return T + timedelta(days=draw(st.integers(low, high)))


def _doses(ids: itertools.count, last: date, count: int, every: int) -> tuple[Dose, ...]:
    return tuple(
        Dose(id=next(ids), date=last - timedelta(days=every * i)) for i in reversed(range(count))
    )


@st.composite
def courses(draw, ids: itertools.count) -> Course:
    """Any course, its last dose, start or end somewhere around today."""
    drug = draw(st.sampled_from(DRUGS))
    doses = ()
    if drug in INTERVAL_DAYS and (count := draw(st.integers(0, 13))):
        every = INTERVAL_DAYS[drug] + draw(st.integers(-10, 60))
        doses = _doses(ids, _day(draw, -500, 30), count, every)
        start = doses[0].date - timedelta(days=draw(st.integers(0, 5)))
    else:
        start = _day(draw, -4000, 30)
    end = draw(st.none() | st.integers(-1200, 200).map(lambda n: T + timedelta(days=n)))
    if end is not None and end < start:
        start, end = end, start
    return Course(
        id=next(ids),
        drug=drug,
        start=start,
        end=end,
        stop_reason=None if end is None else draw(st.sampled_from(STOP_REASONS)),
        doses=doses,
        intended_overlap=draw(st.booleans()),
    )


def _focused(draw, ids: itertools.count, kind: str) -> list[Course]:
    """The course(s) that put one rule family's edges inside the walk."""
    if kind in ("dmab", "romo", "zol"):
        drug, every, last, most = {
            "dmab": ("denosumab", 190, (-295, 30), 4),
            "romo": ("romosozumab", 30, (-40, 30), 13),
            "zol": ("zoledronic_acid", 365, (-335, -135), 7),
        }[kind]
        doses = _doses(ids, _day(draw, *last), draw(st.integers(1, most)), every)
        return [Course(id=next(ids), drug=drug, start=doses[0].date, doses=doses)]
    if kind == "pth":
        drug = draw(st.sampled_from(["teriparatide", "abaloparatide"]))
        return [Course(id=next(ids), drug=drug, start=_day(draw, -731, -500))]
    if kind == "tablets":  # 1826 or 3653 days of tablets reached in the walk
        start = T - timedelta(days=draw(st.integers(1625, 1826) | st.integers(3452, 3653)))
        return [Course(id=next(ids), drug="alendronate", start=start)]
    if kind == "holiday":
        end = _day(draw, -1100, -530)
        start = end - timedelta(days=draw(st.integers(300, 2500)))
        return [
            Course(
                id=next(ids), drug="risedronate", start=start, end=end, stop_reason="drug_holiday"
            )
        ]
    if kind == "treatment":
        return [Course(id=next(ids), drug="raloxifene", start=_day(draw, -365, -165))]
    if kind in ("scan", "baseline"):
        return []
    end = _day(draw, -90, 110)  # anabolic
    return [Course(id=next(ids), drug="teriparatide", start=end - timedelta(days=400), end=end)]


@st.composite
def histories(draw, kind: str) -> PatientHistory:
    ids = itertools.count(1)
    since = draw(st.none() | st.integers(-2000, 60).map(lambda n: T + timedelta(days=n)))
    risk = RiskFactors(
        current_smoking=draw(st.booleans()),
        glucocorticoids=draw(st.booleans()),
        glucocorticoids_since=since,
        rheumatoid_arthritis=draw(st.booleans()),
    )
    prof = Profile(
        birth_date=T - timedelta(days=draw(AGES_DAYS)),
        sex=draw(st.sampled_from(SEXES)),
        menopausal_status=draw(st.sampled_from(MENOPAUSAL_STATUSES)),
        tallest_height_cm=draw(st.none() | st.just("168.0")),
        risk_factors=risk,
    )
    sites = st.builds(
        lambda code, t: site(code, "0.900", str(t)),
        st.sampled_from(["lumbar_spine", "total_hip", "femoral_neck"]),
        st.decimals(min_value=-3.5, max_value=0.5, places=1),
    )
    # A scan's reminder dates (upcoming, due, overdue) at 1, 2, 5 or 15 years fall in
    # the walk for scans 10 to 30 months back; a few are dated ahead.
    scan_days = (-1200, 60) if kind != "scan" else (-900, -300)
    scans = [
        scan(next(ids), _day(draw, *scan_days), *draw(st.lists(sites, min_size=1, max_size=3)))
        for _ in range(
            draw(st.integers(1 if kind == "scan" else 0, 0 if kind == "baseline" else 2))
        )
    ]
    main = _focused(draw, ids, kind)
    others = [] if kind in ALONE else draw(st.lists(courses(ids), max_size=2))
    # Treatment failure needs two fragility fractures since therapy began; a fracture
    # during a holiday would end it early (a resume trigger): before it, then.
    low, high = {"treatment": ((main[0].start - T).days if main else 0, 60)}.get(kind, (-400, 60))
    if kind == "holiday":
        low, high = -3000, -1101
    fractures = [
        Fracture(
            id=next(ids),
            date=_day(draw, low, high),
            site=draw(st.sampled_from(["hip", "wrist_forearm", "clinical_vertebral"])),
            fragility=kind == "treatment" or draw(st.booleans()),
        )
        for _ in range(
            draw(st.integers(*{"treatment": (2, 3), "baseline": (0, 0)}.get(kind, (0, 3))))
        )
    ]
    return PatientHistory(
        profile=prof,
        scans=tuple(scans),
        courses=(*main, *others),
        fractures=tuple(fractures),
        falls=tuple(fall(next(ids), _day(draw, -400, 60)) for _ in range(draw(st.integers(0, 2)))),
        heights=tuple(
            Height(id=next(ids), date=_day(draw, -2000, 60), cm="165.0", measured=True)
            for _ in range(draw(st.integers(0, 1)))
        ),
        events=tuple(
            ClinicalEvent(
                id=next(ids),
                date=_day(draw, -800, 60),
                kind=draw(st.sampled_from(["heart_attack", "blood_clot"])),
            )
            for _ in range(draw(st.integers(0, 1)))
        ),
        overrides=Overrides(scan_interval_months=draw(st.none() | st.integers(6, 36))),
    )


@pytest.mark.parametrize("kind", FOCUS)
@WALK
@given(data=st.data())
def test_the_answer_never_changes_before_the_stated_day(kind, data):
    hist = data.draw(histories(kind))
    said_on = T
    said = assess(hist, said_on)
    change = next_change(hist, said)
    for n in range(1, WALK_DAYS + 1):
        day = T + timedelta(days=n)
        now = assess(hist, day)
        if day == change:
            said_on, said, change = day, now, next_change(hist, now)
            assert change is None or change > day
        else:
            assert answer(now) == answer(said), f"changed on {day}, said {said_on}: {change}"


# ------------------------------------------------------------------ the rules version


def test_the_rules_version_is_the_engine_version_and_a_hash_of_the_constants():
    assert version.RULES_VERSION == version.rules_version()
    number, digest = version.RULES_VERSION.split("-")
    assert int(number) == version.ENGINE_VERSION and len(digest) == version.HASH_LENGTH
    text = version.constants_text()
    assert "tracker.clinical.alerts.denosumab.DMAB_LATE_AFTER_DAYS=210" in text
    assert "tracker.clinical.schedule.GOURLAY_BANDS=((Decimal('-1.49'),180)," in text
    assert "rulebook" not in text


def test_a_changed_constant_changes_the_rules_version(monkeypatch):
    from tracker.clinical.alerts import denosumab

    before = version.rules_version()
    monkeypatch.setattr(denosumab, "DMAB_LATE_AFTER_DAYS", 211)
    assert version.rules_version() != before
    monkeypatch.undo()
    assert version.rules_version() == before


def test_a_bumped_engine_version_changes_it(monkeypatch):
    text = version.constants_text()
    before = version.rules_version(text)
    monkeypatch.setattr(version, "ENGINE_VERSION", version.ENGINE_VERSION + 1)
    assert version.rules_version(text) != before


def test_the_rules_version_is_the_same_in_every_process():
    """Sets and dict orders must not leak the process's hash seed into the version."""
    code = "from tracker.clinical.version import RULES_VERSION; print(RULES_VERSION)"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert seen == {version.RULES_VERSION}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (frozenset({"b", "a"}), "{'a','b'}"),
        ({"k": (1, 2)}, "{'k':(1,2)}"),
        ([1], "(1)"),
        (Dose(id=1, date=date(2020, 1, 2)), "Dose(id=1,date=datetime.date(2020, 1, 2))"),
    ],
)
def test_constants_are_written_the_same_way_every_time(value, text):
    assert version._canonical(value) == text
