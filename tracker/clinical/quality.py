"""The fracture-service quality clock (issue 12, item 7).

For each fragility fracture, the four patient-level KPIs a fracture liaison service
(FLS) is measured by, each met, missed or still open with its deadline; and a
clinician's cohort as the share met per KPI per calendar quarter of the fracture
date, with the deadlines still open, soonest first.

Sources: the IOF Capture the Fracture Best Practice Framework and its patient-level
KPI set (Javaid et al., Osteoporos Int 2020; 31: 1193-1204), and the Royal College
of Physicians Fracture Liaison Service Database (FLS-DB) KPIs.

Pure: the input is a patient's `PatientHistory` (its fractures, scans and courses)
plus the falls assessments a clinician recorded, and `today`.

Decided here (each a named constant, tested on both sides):

- Only fragility fractures count (rule book section 7: a fall from standing height
  or less); each one is its own case, even two on one day.
- A KPI is met by the first qualifying event in its window and stays met; it is
  missed once `today` is past its deadline with none; until then it is open. The
  deadline is the last day that still counts (day 84 meets, day 85 does not).
- "On treatment at 52 weeks" can only be judged on that day: it is open until then.
- A course counts whatever its drug, as long as it is in the catalogue (rule book
  section 11.27: every catalogue drug is treatment, hormone therapy included); a
  course runs from its start to its last day, or to today while it has no end.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tracker.clinical.history import Course, Fracture, PatientHistory

SOURCE_IOF = (
    "IOF Capture the Fracture Best Practice Framework, patient-level KPIs "
    "(Javaid et al., Osteoporos Int 2020)"
)
SOURCE_FLS_DB = "Royal College of Physicians, Fracture Liaison Service Database (FLS-DB) KPIs"

# KPI a) DXA within 12 weeks of the fracture (IOF KPI set; FLS-DB).
DXA_WITHIN_DAYS = 84
# [ours] A scan in the 12 weeks BEFORE the fracture counts too: the KPI asks whether
# bone health was assessed (FLS-DB counts a DXA "performed or recommended"), and a
# repeat scan weeks after one measures nothing new (no change reaches the LSC in
# weeks; rule book section 4 never schedules scans under 12 months apart). The
# patient still sees SCAN-PROMPT, which is a prompt to talk, not this KPI.
DXA_COUNTS_DAYS_BEFORE = 84
# KPI b) a falls assessment recorded within 12 weeks (IOF KPI set; FLS-DB). Only an
# assessment on or after the fracture day counts: the fracture is what it responds to.
FALLS_ASSESSMENT_WITHIN_DAYS = 84
# KPI c) bone treatment started within 16 weeks (IOF KPI set; FLS-DB).
TREATMENT_STARTED_WITHIN_DAYS = 112
# [ours, as FLS-DB, which counts a patient "on treatment"] A course already running
# on the day of the fracture meets KPI c): there is nothing left to start.
RUNNING_TREATMENT_MEETS_START = True
# KPI d) still on treatment 52 weeks after the fracture (IOF KPI set; FLS-DB).
ON_TREATMENT_AT_DAYS = 52 * 7

DXA = "dxa"
FALLS_ASSESSMENT = "falls_assessment"
TREATMENT_STARTED = "treatment_started"
ON_TREATMENT_52_WEEKS = "on_treatment_52_weeks"
KPIS: tuple[str, ...] = (DXA, FALLS_ASSESSMENT, TREATMENT_STARTED, ON_TREATMENT_52_WEEKS)
KPI_LABELS: dict[str, str] = {
    DXA: "DXA within 12 weeks",
    FALLS_ASSESSMENT: "Falls assessment within 12 weeks",
    TREATMENT_STARTED: "Bone treatment started within 16 weeks",
    ON_TREATMENT_52_WEEKS: "On treatment at 52 weeks",
}

MET = "met"
MISSED = "missed"
OPEN = "open"


@dataclass(frozen=True, kw_only=True)
class FallsAssessment:
    """A falls assessment a clinician recorded (records: FallsAssessment)."""

    id: int
    date: date


@dataclass(frozen=True, kw_only=True)
class KpiResult:
    kpi: str
    state: str  # MET, MISSED or OPEN
    # The last day that counts; KPI d) is judged on this day.
    deadline: date
    # The day of what met it (a scan, an assessment, a course start or, for a course
    # already running, the fracture day), when met.
    met_on: date | None = None

    @property
    def label(self) -> str:
        return KPI_LABELS[self.kpi]


@dataclass(frozen=True, kw_only=True)
class FractureKpis:
    fracture: Fracture
    results: tuple[KpiResult, ...]  # in KPIS order

    def result(self, kpi: str) -> KpiResult:
        return self.results[KPIS.index(kpi)]


def fracture_kpis(
    history: PatientHistory, falls_assessments: Iterable[FallsAssessment], today: date
) -> tuple[FractureKpis, ...]:
    """The four KPIs of each fragility fracture in `history`, oldest fracture first."""
    assessed = [a.date for a in falls_assessments]
    scanned = [scan.date for scan in history.scans]
    fractures = sorted((f for f in history.fractures if f.fragility), key=lambda f: (f.date, f.id))
    return tuple(
        FractureKpis(
            fracture=fracture,
            results=(
                _window(
                    DXA,
                    scanned,
                    first=fracture.date - timedelta(days=DXA_COUNTS_DAYS_BEFORE),
                    deadline=fracture.date + timedelta(days=DXA_WITHIN_DAYS),
                    today=today,
                ),
                _window(
                    FALLS_ASSESSMENT,
                    assessed,
                    first=fracture.date,
                    deadline=fracture.date + timedelta(days=FALLS_ASSESSMENT_WITHIN_DAYS),
                    today=today,
                ),
                _treatment_started(fracture, history.courses, today),
                _on_treatment(fracture, history.courses, today),
            ),
        )
        for fracture in fractures
    )


def _decide(kpi: str, met_on: date | None, deadline: date, today: date) -> KpiResult:
    if met_on is not None:
        state = MET
    else:
        state = MISSED if today > deadline else OPEN
    return KpiResult(kpi=kpi, state=state, deadline=deadline, met_on=met_on)


def _window(
    kpi: str, days: Iterable[date], *, first: date, deadline: date, today: date
) -> KpiResult:
    met_on = min((day for day in days if first <= day <= deadline), default=None)
    return _decide(kpi, met_on, deadline, today)


def _runs_on(course: Course, day: date) -> bool:
    return course.start <= day and (course.end is None or course.end >= day)


def _treatment_started(fracture: Fracture, courses: tuple[Course, ...], today: date) -> KpiResult:
    deadline = fracture.date + timedelta(days=TREATMENT_STARTED_WITHIN_DAYS)
    running = RUNNING_TREATMENT_MEETS_START and any(
        _runs_on(course, fracture.date) for course in courses
    )
    if running:
        return _decide(TREATMENT_STARTED, fracture.date, deadline, today)
    starts = (course.start for course in courses)
    return _window(TREATMENT_STARTED, starts, first=fracture.date, deadline=deadline, today=today)


def _on_treatment(fracture: Fracture, courses: tuple[Course, ...], today: date) -> KpiResult:
    day = fracture.date + timedelta(days=ON_TREATMENT_AT_DAYS)
    if today < day:
        return KpiResult(kpi=ON_TREATMENT_52_WEEKS, state=OPEN, deadline=day)
    if any(_runs_on(course, day) for course in courses):
        return KpiResult(kpi=ON_TREATMENT_52_WEEKS, state=MET, deadline=day, met_on=day)
    return KpiResult(kpi=ON_TREATMENT_52_WEEKS, state=MISSED, deadline=day)


# --- the cohort -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Tally:
    met: int = 0
    missed: int = 0
    open: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def percent_met(self) -> int | None:
        """met / (met + missed) as a whole percentage, half up; open cases do not count
        (they may still be met). None when nothing is decided yet."""
        if not self.decided:
            return None
        share = Decimal(100 * self.met) / Decimal(self.decided)
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def add(self, state: str) -> Tally:
        return Tally(
            met=self.met + (state == MET),
            missed=self.missed + (state == MISSED),
            open=self.open + (state == OPEN),
        )


@dataclass(frozen=True, kw_only=True)
class QuarterRow:
    """The fractures of one calendar quarter (by fracture date) and their KPIs."""

    start: date  # the quarter's first day
    fractures: int
    tallies: tuple[Tally, ...]  # in KPIS order

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"


def quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarters_back(today: date, count: int) -> date:
    """The first day of the quarter `count - 1` quarters before today's: `count`
    calendar quarters in all, today's included."""
    index = today.year * 4 + (today.month - 1) // 3 - (count - 1)
    return date(index // 4, index % 4 * 3 + 1, 1)


def by_quarter(cases: Iterable[FractureKpis]) -> tuple[QuarterRow, ...]:
    """The cases counted per calendar quarter of the fracture date, newest quarter first."""
    counts: dict[date, tuple[int, tuple[Tally, ...]]] = {}
    for case in cases:
        start = quarter_start(case.fracture.date)
        fractures, tallies = counts.get(start, (0, tuple(Tally() for _ in KPIS)))
        tallies = tuple(
            tally.add(result.state) for tally, result in zip(tallies, case.results, strict=True)
        )
        counts[start] = (fractures + 1, tallies)
    return tuple(
        QuarterRow(start=start, fractures=fractures, tallies=tallies)
        for start, (fractures, tallies) in sorted(counts.items(), reverse=True)
    )


@dataclass(frozen=True, kw_only=True)
class OpenDeadline:
    deadline: date
    # Whose fracture: an opaque key (the caller's patient id); the engine knows no patients.
    owner: Hashable
    fracture: Fracture
    kpi: str

    @property
    def label(self) -> str:
        return KPI_LABELS[self.kpi]

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days


def open_deadlines(cases: Iterable[tuple[Hashable, FractureKpis]]) -> tuple[OpenDeadline, ...]:
    """Every open KPI of the cohort, soonest deadline first (then by fracture date and
    the KPIs' order, so the list is stable)."""
    found = [
        (
            result.deadline,
            case.fracture.date,
            case.fracture.id,
            KPIS.index(result.kpi),
            OpenDeadline(
                deadline=result.deadline, owner=owner, fracture=case.fracture, kpi=result.kpi
            ),
        )
        for owner, case in cases
        for result in case.results
        if result.state == OPEN
    ]
    found.sort(key=lambda row: row[:4])
    return tuple(row[-1] for row in found)
