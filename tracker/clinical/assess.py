"""assess(history, today): everything the engine knows about one patient, in one result.

Views, the reminders command, calendars and exports all read this one
`Assessment`; none of them re-derives a rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from tracker.clinical.alerts import (
    DMAB_LATE_AFTER_DAYS,
    ORAL_BP_REASSESS_DAYS,
    PTH_LIFETIME_LIMIT_DAYS,
    ROMO_MAX_DOSES,
    Alert,
    all_alerts,
    bp_exposure,
    bp_reassess_due,
    bp_used_edge,
    infusion_share,
    pth_days_edges,
    romo_doses,
)
from tracker.clinical.change import ChangeRow, change_rows
from tracker.clinical.classify import (
    Classification,
    StandingDiagnosis,
    classification_mode,
    classify_latest,
    mode_edges,
    sorted_scans,
    standing_diagnosis,
)
from tracker.clinical.dates import add_months, days_covered, first_day
from tracker.clinical.drugs import Drug
from tracker.clinical.history import CLASSIFYING_SITES, PatientHistory
from tracker.clinical.schedule import NextScan, next_scan
from tracker.clinical.therapy import (
    active_on,
    as_of,
    courses_by_start,
    drug_of,
    last_day,
    last_dose,
    sorted_doses,
)

# Section 6 (Cummings 2013; Lewiecki 2017; ASBMR/BHOF 2024): the default goal is
# a T-score above -2.5 at these sites; a clinician may set another per patient.
# Every site that classifies has a target (issue 11): the 33% radius, when measured,
# can make the diagnosis, so a card saying "met" without it contradicts the headline.
DEFAULT_TARGET_T_SCORE = Decimal("-2.5")
TARGET_SITES: tuple[str, ...] = CLASSIFYING_SITES
# Section 7: "falls in the last 12 months" is a count.
FALLS_WINDOW_MONTHS = 12

DISCLAIMER = "For information; decisions belong to you and your clinician."


@dataclass(frozen=True, kw_only=True)
class TargetGap:
    """Treat-to-target at one site: met when the T-score is above the target."""

    site: str
    side: str
    t_score: Decimal
    target: Decimal
    met: bool
    # target - t_score: how far the T-score is below the target. The target is met
    # only when the T-score is above it, so met is exactly gap < 0.
    gap: Decimal
    scan_id: int
    scan_date: date
    target_set_by_clinician: bool


@dataclass(frozen=True, kw_only=True)
class NextDose:
    """For calendars: the next clinician-given dose of a running course."""

    course_id: int
    drug: str
    drug_name: str
    last_dose_id: int | None  # None when the course start stands in for the first dose
    last_dose_date: date
    due_date: date
    dose_number: int | None  # romosozumab: the number the next dose will have
    # Denosumab: the last dose came more than 7 months after the one before (Lyu 2020).
    last_dose_late: bool


@dataclass(frozen=True, kw_only=True)
class CurrentDrug:
    course_id: int
    drug: str
    name: str
    drug_class: str
    start: date
    days_on: int


@dataclass(frozen=True, kw_only=True)
class CourseLimit:
    """Where a running course meets its limit: an end (romosozumab, PTH) or a review."""

    course_id: int
    drug: str
    kind: Literal["end", "reassess"]
    date: date
    reached: bool  # True: the date is in the past; False: projected if the course goes on
    text: str


@dataclass(frozen=True, kw_only=True)
class Assessment:
    today: date
    latest_scan: Classification  # category of the most recent classifiable scan
    standing: StandingDiagnosis  # "osteoporosis" or none, never downgraded (section 11.7)
    change_rows: tuple[ChangeRow, ...]
    next_scan: NextScan
    targets: tuple[TargetGap, ...]
    alerts: tuple[Alert, ...]  # most severe first
    next_doses: tuple[NextDose, ...]
    current_drugs: tuple[CurrentDrug, ...]
    course_limits: tuple[CourseLimit, ...]
    falls_last_12_months: int
    disclaimer: str = DISCLAIMER


def _next_due(drug: Drug, last: date) -> date:
    if drug.dose_interval_months is not None:
        return add_months(last, drug.dose_interval_months)
    assert drug.dose_interval_days is not None
    return last + timedelta(days=drug.dose_interval_days)


def next_doses(history: PatientHistory, today: date) -> tuple[NextDose, ...]:
    found = []
    romo_count = len(romo_doses([c for c in history.courses if c.drug == "romosozumab"]))
    for course in courses_by_start(history):
        drug = drug_of(course)
        if not drug.doses_recorded or not active_on(course, today):
            continue
        dose, last = last_dose(course)
        number = None
        if course.drug == "romosozumab":
            if romo_count >= ROMO_MAX_DOSES:
                continue
            number = romo_count + 1
        late = False
        doses = sorted_doses(course)
        if course.drug == "denosumab" and len(doses) >= 2:
            late = (doses[-1].date - doses[-2].date).days > DMAB_LATE_AFTER_DAYS
        found.append(
            NextDose(
                course_id=course.id,
                drug=course.drug,
                drug_name=drug.name,
                last_dose_id=dose.id if dose else None,
                last_dose_date=last,
                due_date=_next_due(drug, last),
                dose_number=number,
                last_dose_late=late,
            )
        )
    return tuple(found)


def current_drugs(history: PatientHistory, today: date) -> tuple[CurrentDrug, ...]:
    return tuple(
        CurrentDrug(
            course_id=c.id,
            drug=c.drug,
            name=drug_of(c).name,
            drug_class=drug_of(c).drug_class,
            start=c.start,
            days_on=(today - c.start).days + 1,
        )
        for c in courses_by_start(history)
        if active_on(c, today)
    )


def course_limits(history: PatientHistory, today: date) -> tuple[CourseLimit, ...]:
    found: list[CourseLimit] = []
    running = [c for c in courses_by_start(history) if active_on(c, today)]

    romo = romo_doses([c for c in history.courses if c.drug == "romosozumab"])
    for course in running:
        if course.drug != "romosozumab":
            continue
        if len(romo) >= ROMO_MAX_DOSES:
            day, reached = romo[ROMO_MAX_DOSES - 1][2], True
        else:
            # Monthly from the dose actually given.
            day, reached = add_months(romo[-1][2], ROMO_MAX_DOSES - len(romo)), False
        found.append(
            CourseLimit(
                course_id=course.id,
                drug=course.drug,
                kind="end",
                date=day,
                reached=reached,
                text=f"dose {ROMO_MAX_DOSES}",
            )
        )

    pth = [c for c in history.courses if drug_of(c).is_pth_analog]
    intervals = [(c.start, last_day(c, today)) for c in pth]
    total = days_covered(intervals, today)
    for course in running:
        if not drug_of(course).is_pth_analog:
            continue
        if total >= PTH_LIFETIME_LIMIT_DAYS:
            earliest = min(c.start for c in pth)
            day_reached = first_day(
                lambda d: days_covered(intervals, d) >= PTH_LIFETIME_LIMIT_DAYS, earliest, today
            )
            assert day_reached is not None
            day, reached = day_reached, True
        else:
            day, reached = today + timedelta(days=PTH_LIFETIME_LIMIT_DAYS - total), False
        found.append(
            CourseLimit(
                course_id=course.id,
                drug=course.drug,
                kind="end",
                date=day,
                reached=reached,
                text=f"{PTH_LIFETIME_LIMIT_DAYS} days of PTH analogs in a lifetime",
            )
        )

    used = bp_exposure(history, today).reassess_used
    for course in running:
        drug = drug_of(course)
        if not drug.is_bisphosphonate:
            continue
        if used >= 1:
            earliest = min(c.start for c in history.courses if drug_of(c).is_bisphosphonate)
            day = first_day(lambda d: bp_reassess_due(history, d), earliest, today)
            assert day is not None
        elif drug.is_oral_bisphosphonate:
            day = today + timedelta(days=math.ceil((1 - used) * ORAL_BP_REASSESS_DAYS))
        else:
            assert drug.dose_interval_months is not None
            # Section 11.11: a zoledronic acid infusion is 1/3 of the limit, an IV
            # ibandronate one 3 months of oral-equivalent time (1/20).
            doses_left = math.ceil((1 - used) / infusion_share(course.drug, "reassess"))
            _, last = last_dose(course)
            day = add_months(last, drug.dose_interval_months * doses_left)
        found.append(
            CourseLimit(
                course_id=course.id,
                drug=course.drug,
                kind="reassess",
                date=day,
                reached=used >= 1,
                text="reassess: continue or drug holiday",
            )
        )
    return tuple(found)


def assessment_edges(history: PatientHistory, today: date) -> list[date]:
    """Days on which the parts read outside the alerts and the scan schedule may change:
    a fall leaves the 12-month count (a day early at the end of February: harmless),
    the scale of the targets is read on today (classify.mode_edges), and course limits
    are reached: PTH's 730 days, and an IV bisphosphonate's doses left before the
    review, which shrink as tablets taken alongside add up. `history` as of today."""
    found = [
        add_months(fall.date, FALLS_WINDOW_MONTHS) + timedelta(days=1) for fall in history.falls
    ]
    found += mode_edges(history.profile)
    found += pth_days_edges(history, today, PTH_LIFETIME_LIMIT_DAYS)
    iv = [c for c in history.courses if drug_of(c).is_iv_bisphosphonate]
    if iv and (used := bp_exposure(history, today).reassess_used) < 1:
        for course in iv:
            # ceil((1 - used) / share) doses left (course_limits): one fewer from the
            # day `used` reaches 1 - k * share, k the count after that drop.
            share = infusion_share(course.drug, "reassess")
            after = math.ceil((1 - used) / share) - 1
            edge = bp_used_edge(history, today, 1 - after * share, "reassess")
            if edge is not None:
                found.append(edge)
    return found


def targets(history: PatientHistory, today: date) -> tuple[TargetGap, ...]:
    """Gap to the treat-to-target T-score at each target site, latest scan with it."""
    if classification_mode(history.profile, today)[0] != "who":
        return ()
    override = history.overrides.target_t_score
    target = DEFAULT_TARGET_T_SCORE if override is None else override
    latest: dict[tuple[str, str], TargetGap] = {}
    for scan in sorted_scans(history):
        for result in scan.sites:
            if result.site not in TARGET_SITES or result.t_score is None:
                continue
            latest[(result.site, result.side)] = TargetGap(
                site=result.site,
                side=result.side,
                t_score=result.t_score,
                target=target,
                met=result.t_score > target,
                gap=target - result.t_score,
                scan_id=scan.id,
                scan_date=scan.date,
                target_set_by_clinician=override is not None,
            )
    order = {site: i for i, site in enumerate(TARGET_SITES)}
    return tuple(sorted(latest.values(), key=lambda t: (order[t.site], t.side)))


def falls_in_last_12_months(history: PatientHistory, today: date) -> int:
    since = add_months(today, -FALLS_WINDOW_MONTHS)
    return sum(1 for fall in history.falls if since <= fall.date <= today)


def assess(history: PatientHistory, today: date) -> Assessment:
    """Everything above for one patient on `today`. Entries dated after today are ignored."""
    history = as_of(history, today)
    latest = classify_latest(history)
    standing = standing_diagnosis(history, latest)
    rows = change_rows(history)
    scan = next_scan(history, standing, today, rows)
    return Assessment(
        today=today,
        latest_scan=latest,
        standing=standing,
        change_rows=rows,
        next_scan=scan,
        targets=targets(history, today),
        alerts=all_alerts(history, today, rows, latest, scan),
        next_doses=next_doses(history, today),
        current_drugs=current_drugs(history, today),
        course_limits=course_limits(history, today),
        falls_last_12_months=falls_in_last_12_months(history, today),
    )
