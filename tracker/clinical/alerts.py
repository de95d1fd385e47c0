"""Sections 4, 5.1, 6 and 7: the warnings, each under its stable rule id.

Severity (section 5.1): "info" is for the patient, "warn" for patient and
clinician, "alert" must be acknowledged by the clinician.

Keys and topics (what the reminders layer stores):

- `key` = rule id + ":" + what the alert is about, e.g. "DMAB-LATE:course-12:dose-45".
  It names the facts that triggered the alert (the dose, the course, the
  fracture, the scan), so an acknowledgement sticks while those facts stand
  and a new situation (a new dose, a new fracture, a new scan) gets a new key.
  Courses without recorded doses use "start" in place of the dose
  ("DMAB-DUE:course-12:start").
- `topic` groups the stages of one situation that escalate one another, e.g.
  DMAB-DUE -> DMAB-LATE -> DMAB-LONG-DELAY for the same last dose all have
  topic "dmab:course-12:dose-45". The engine emits only the current stage of a
  topic; when a later stage appears, the reminders layer may close the earlier
  one's state and must deliver the new one even if the earlier was acknowledged.
  An alert that escalates nothing has its key as its topic.

Topics in use: "dmab:course-<id>:dose-<id>" (DMAB-DUE -> DMAB-LATE ->
DMAB-LONG-DELAY), "pth:lifetime" (PTH-NEAR-LIMIT -> PTH-OVER-LIMIT),
"bp:course-<id>" (BP-REASSESS -> BP-LONG), "bp-holiday:course-<id>"
(BP-HOLIDAY-REVIEW 24 months -> 36 months or a resume trigger),
"therapy:since-<date>" (FRACTURE-ON-THERAPY -> TREATMENT-FAILURE) and
"scan:after-scan-<id>" (SCAN-DUE upcoming -> due -> SCAN-OVERDUE).

`due_date` is the day the alert's situation began: the dose or scan due date
for DMAB-DUE, ZOL-DUE and SCAN-DUE, the first day past the limit for the
"late"/"over" rules, the event's date for fractures, clots and the like.

SCAN-PROMPT (a new fragility fracture or glucocorticoids since the last scan:
"talk to your clinician about a scan now") is our id for section 4's prompt row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from tracker.clinical.change import ChangeRow, describe_site, significant_decreases
from tracker.clinical.classify import SEVERE_OSTEOPOROSIS, StandingDiagnosis
from tracker.clinical.dates import add_months, days_covered, first_day
from tracker.clinical.history import CLASSIFYING_SITES, Course, Dose, PatientHistory
from tracker.clinical.schedule import NextScan
from tracker.clinical.therapy import (
    active_on,
    bp_holiday,
    courses_by_start,
    dose_ref,
    drug_of,
    episode_start,
    first_dose_date,
    last_day,
    last_dose,
    sorted_doses,
)

Severity = Literal["info", "warn", "alert"]
# Most severe first.
SEVERITY_RANK: dict[str, int] = {"alert": 0, "warn": 1, "info": 2}

# --- Denosumab (section 5.1; Prolia label; Lyu, Ann Intern Med 2020; ECTS 2021) ---
DMAB_DUE_DAYS = 182  # next dose 6 months after the dose actually given
DMAB_DUE_SHOWN_DAYS_BEFORE = 14  # DMAB-DUE shown from day 168
DMAB_LATE_AFTER_DAYS = 210  # DMAB-LATE: more than 7 months (Lyu 2020: due + 4 weeks)
DMAB_LONG_DELAY_AFTER_DAYS = 294  # DMAB-LONG-DELAY: more than 6 months + 16 weeks
DMAB_TRANSITION_BY_DAYS = 210  # DMAB-STOP-NO-TRANSITION: next drug by 7 months
# [ours, ECTS 2021] only a bisphosphonate counts as the transition: raloxifene,
# hormone therapy and calcitonin have not been shown to prevent the rebound, and
# PTH analogs after denosumab worsen bone loss. A clinician acknowledges otherwise.
DMAB_TRANSITION_NEEDS_BISPHOSPHONATE = True

# --- Romosozumab (section 5.1; Evenity label) ---
ROMO_MAX_DOSES = 12  # counted over a lifetime [ours: the safer reading of "12 doses"]
ROMO_COURSE_END_FROM_DOSE = 10  # ROMO-COURSE-END from dose 10
ROMO_MAX_COURSE_MONTHS = 12  # ROMO-OVER-12: course running past 12 months
ROMO_CV_LOOKBACK_DAYS = 365  # ROMO-CV: heart attack or stroke in the 365 days before
ROMO_CV_EVENT_KINDS: tuple[str, ...] = ("heart_attack", "stroke")

# --- PTH analogs (section 5.1; Forteo 2020 and Tymlos labels) ---
PTH_NEAR_LIMIT_DAYS = 700  # [ours] PTH-NEAR-LIMIT at cumulative >= 700 days
PTH_LIFETIME_LIMIT_DAYS = 730  # PTH-OVER-LIMIT when cumulative > 730 days

# --- After an anabolic (section 5.1; Endocrine Society 2020) ---
ANABOLIC_FOLLOWON_WINDOW_DAYS = 90  # [ours window]

# --- Bisphosphonates (section 5.1; ASBMR task force 2016) ---
# Years of oral drug are counted in days on it: 5 years = 1826 days and
# 10 years = 3652 days (5 x 365.25 and 10 x 365.25, rounded down) [ours conversion].
ORAL_BP_REASSESS_DAYS = 1826  # BP-REASSESS: oral >= 5 years
ORAL_BP_LONG_DAYS = 3652  # BP-LONG: oral more than 10 years
# IV exposure: each infusion counts for its dosing interval (zoledronic acid
# 1 year, IV ibandronate 3 months), so 3 zoledronic infusions = 3 years.
IV_BP_REASSESS_YEARS = 3  # BP-REASSESS: >= 3 zoledronic acid infusions
IV_BP_LONG_YEARS = 6  # BP-LONG: IV more than 6 years
BP_HOLIDAY_REVIEW_INFO_MONTHS = 24  # [ours, within ASBMR's 2-3 years]
BP_HOLIDAY_REVIEW_WARN_MONTHS = 36  # [ours]
ZOL_INTERVAL_MONTHS = 12  # ZOL-DUE: 12 months after the last infusion
ZOL_DUE_SHOWN_DAYS_BEFORE = 30  # [ours]

# --- Treatment failure (section 6; IOF, Diez-Perez 2012) ---
TREATMENT_FAILURE_MIN_MONTHS = 12
TREATMENT_FAILURE_MIN_FRACTURES = 2
TREATMENT_FAILURE_BMD_SITES: tuple[str, ...] = ("lumbar_spine", "total_hip")

# --- Height (section 7; NOF 2014; Siminoski 2006) ---
HEIGHT_LOSS_FROM_TALLEST_CM = Decimal("4.0")
HEIGHT_LOSS_MEASURED_CM = Decimal("2.0")

SOURCES: dict[str, str] = {
    "DMAB-DUE": "Prolia label (clinical-rules 5.1)",
    "DMAB-LATE": "Lyu et al., Ann Intern Med 2020 (clinical-rules 5.1)",
    "DMAB-LONG-DELAY": "Lyu et al., Ann Intern Med 2020 (clinical-rules 5.1)",
    "DMAB-STOP-NO-TRANSITION": "ECTS 2021 (Tsourdi); Endocrine Society 2019 (clinical-rules 5.1)",
    "ROMO-COUNT": "Evenity label (clinical-rules 5.1)",
    "ROMO-COURSE-END": "Evenity label; Endocrine Society 2020 (clinical-rules 5.1)",
    "ROMO-OVER-12": "Evenity label (clinical-rules 5.1)",
    "ROMO-CV": "Evenity label, boxed warning (clinical-rules 5.1)",
    "PTH-NEAR-LIMIT": "Forteo and Tymlos labels; threshold ours (clinical-rules 5.1)",
    "PTH-OVER-LIMIT": "Forteo 2020 and Tymlos labels (clinical-rules 5.1)",
    "ANABOLIC-NO-FOLLOWON": "Endocrine Society 2020; 90-day window ours (clinical-rules 5.1)",
    "BP-REASSESS": "ASBMR task force 2016, Adler et al. (clinical-rules 5.1)",
    "BP-LONG": "ASBMR task force 2016, Adler et al. (clinical-rules 5.1)",
    "BP-HOLIDAY-REVIEW": "ASBMR task force 2016; 24/36 months ours (clinical-rules 5.1)",
    "ZOL-DUE": "Reclast label; 30 days' notice ours (clinical-rules 5.1)",
    "RALOX-VTE": "Evista label, boxed warning (clinical-rules 5.1)",
    "DRUG-OVERLAP": "ours (clinical-rules 5.1)",
    "TREATMENT-FAILURE": "IOF working group, Diez-Perez et al. 2012 (clinical-rules 6)",
    "FRACTURE-ON-THERAPY": "IOF working group, Diez-Perez et al. 2012 (clinical-rules 6)",
    "SEVERE-OSTEOPOROSIS": "ASBMR/BHOF 2024 (clinical-rules 6)",
    "HEIGHT-LOSS": "NOF 2014; Siminoski et al. 2006 (clinical-rules 7)",
    "SCAN-DUE": "BHOF/NOF; Endocrine Society; Gourlay 2012 (clinical-rules 4)",
    "SCAN-OVERDUE": "BHOF/NOF; Endocrine Society; reminder levels ours (clinical-rules 4)",
    "SCAN-BASELINE": "ISCD 2023 indications (clinical-rules 4)",
    "SCAN-PROMPT": "ISCD indications (clinical-rules 4)",
}


@dataclass(frozen=True)
class Alert:
    rule_id: str
    severity: Severity
    title: str  # plain language, for the patient
    explanation: str  # plain language, says why
    clinician_line: str  # one short line for the clinician panel
    due_date: date  # the day it became due
    key: str  # stable: see the module docstring
    topic: str  # shared by the stages that escalate one another
    source: str

    @property
    def rank(self) -> int:
        """0 for the most severe; sort ascending to put the most severe first."""
        return SEVERITY_RANK[self.severity]


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK[severity]


def sort_alerts(alerts: Iterable[Alert]) -> tuple[Alert, ...]:
    """Most severe first; within a severity, the longest outstanding first."""
    return tuple(sorted(alerts, key=lambda a: (a.rank, a.due_date, a.rule_id, a.key)))


def _alert(
    rule_id: str,
    severity: Severity,
    title: str,
    explanation: str,
    clinician_line: str,
    due_date: date,
    about: str,
    topic: str | None = None,
) -> Alert:
    key = f"{rule_id}:{about}"
    return Alert(
        rule_id=rule_id,
        severity=severity,
        title=title,
        explanation=explanation,
        clinician_line=clinician_line,
        due_date=due_date,
        key=key,
        topic=topic or key,
        source=SOURCES[rule_id],
    )


def _d(day: date) -> str:
    return day.isoformat()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _courses_of(history: PatientHistory, *codes: str) -> list[Course]:
    return [c for c in courses_by_start(history) if c.drug in codes]


# --------------------------------------------------------------------------- denosumab


def denosumab_alerts(history: PatientHistory, today: date) -> list[Alert]:
    courses = _courses_of(history, "denosumab")
    if not courses:
        return []
    # The course holding the most recent injection decides; a restart is a new course.
    course = max(courses, key=lambda c: (last_dose(c)[1], c.start, c.id))
    dose, last = last_dose(course)
    ref = dose_ref(course, dose)
    topic = f"dmab:{ref}"
    day = (today - last).days
    found: list[Alert] = []
    running = active_on(course, today)
    given = f"Your last denosumab (Prolia) injection was on {_d(last)}"

    if running and day > DMAB_LONG_DELAY_AFTER_DAYS:
        found.append(
            _alert(
                "DMAB-LONG-DELAY",
                "alert",
                "Denosumab injection very overdue",
                f"{given}, {day} days ago. More than {DMAB_LONG_DELAY_AFTER_DAYS} days "
                "(6 months + 16 weeks) without it, the risk of spine fractures rises "
                "sharply (about 4 times in one large study). Contact your clinician now.",
                f"Denosumab {day} days since last dose ({_d(last)}): vertebral fracture "
                "risk, HR 3.91 (Lyu 2020).",
                last + timedelta(days=DMAB_LONG_DELAY_AFTER_DAYS + 1),
                ref,
                topic,
            )
        )
    elif running and day > DMAB_LATE_AFTER_DAYS:
        found.append(
            _alert(
                "DMAB-LATE",
                "warn",
                "Denosumab injection is late",
                f"{given}, {day} days ago. The next one was due after 6 months; more than "
                "7 months without it lets bone loss restart quickly. Book the injection "
                "as soon as you can.",
                f"Denosumab late: {day} days since last dose ({_d(last)}).",
                last + timedelta(days=DMAB_LATE_AFTER_DAYS + 1),
                ref,
                topic,
            )
        )
    elif running and day >= DMAB_DUE_DAYS - DMAB_DUE_SHOWN_DAYS_BEFORE:
        due = last + timedelta(days=DMAB_DUE_DAYS)
        found.append(
            _alert(
                "DMAB-DUE",
                "info",
                f"Next denosumab injection due {_d(due)}",
                f"{given}. The next one is due 6 months ({DMAB_DUE_DAYS} days) later, on "
                f"{_d(due)}. Keeping to the schedule keeps its protection.",
                f"Denosumab dose due {_d(due)}.",
                due,
                ref,
                topic,
            )
        )

    if (running and day <= DMAB_LONG_DELAY_AFTER_DAYS) or day <= DMAB_TRANSITION_BY_DAYS:
        return found
    deadline = last + timedelta(days=DMAB_TRANSITION_BY_DAYS)
    for other in history.courses:
        kind = drug_of(other)
        counts = kind.is_bisphosphonate or (
            not DMAB_TRANSITION_NEEDS_BISPHOSPHONATE and kind.drug_class == "antiresorptive"
        )
        if counts and other.start <= deadline and last_day(other, today) >= last:
            return found
    stopped = "was stopped" if not running else "has not been given for a long time"
    found.append(
        _alert(
            "DMAB-STOP-NO-TRANSITION",
            "alert",
            "Denosumab stopped without a follow-on treatment",
            f"{given}. Denosumab {stopped}, and no bisphosphonate was started within "
            "7 months of the last injection. Stopping denosumab without a follow-on "
            "drug lets bone loss rebound and can cause several spine fractures. "
            "Talk to your clinician now.",
            f"Denosumab: last dose {_d(last)}, no bisphosphonate by {_d(deadline)} "
            "(ECTS 2021: transition needed).",
            deadline + timedelta(days=1),
            ref,
        )
    )
    return found


# ------------------------------------------------------------------------- romosozumab


def romo_doses(courses: list[Course]) -> list[tuple[Course, Dose | None, date]]:
    """Every romosozumab dose over a lifetime, oldest first; a course without
    recorded doses counts its start as one dose."""
    doses: list[tuple[Course, Dose | None, date]] = []
    for course in courses:
        recorded = sorted_doses(course)
        if recorded:
            doses.extend((course, dose, dose.date) for dose in recorded)
        else:
            doses.append((course, None, course.start))
    doses.sort(key=lambda item: (item[2], item[1].id if item[1] else 0))
    return doses


def romosozumab_alerts(history: PatientHistory, today: date) -> list[Alert]:
    courses = _courses_of(history, "romosozumab")
    found: list[Alert] = []
    numbered = [(n, item) for n, item in enumerate(romo_doses(courses), start=1)]
    for course in courses:
        own = [(n, dose, day) for n, (c, dose, day) in numbered if c is course]
        n, dose, day = own[-1]
        ref = dose_ref(course, dose)
        running = active_on(course, today)
        first_over = next((when for m, _, when in own if m > ROMO_MAX_DOSES), None)
        if first_over is not None:
            found.append(
                _alert(
                    "ROMO-OVER-12",
                    "alert",
                    f"Romosozumab: dose {n} recorded, the limit is {ROMO_MAX_DOSES}",
                    f"Romosozumab (Evenity) is given for {ROMO_MAX_DOSES} monthly doses at "
                    f"most; dose {n} was recorded on {_d(day)}. Its benefit and safety "
                    "beyond that are not established. Talk to your clinician.",
                    f"Romosozumab dose {n} (> {ROMO_MAX_DOSES}) on {_d(day)}.",
                    first_over,
                    ref,
                )
            )
        elif running:
            found.append(
                _alert(
                    "ROMO-COUNT",
                    "info",
                    f"Romosozumab: dose {n} of {ROMO_MAX_DOSES}",
                    f"You had romosozumab (Evenity) dose {n} of {ROMO_MAX_DOSES} on {_d(day)}. "
                    f"The course is {ROMO_MAX_DOSES} monthly doses.",
                    f"Romosozumab dose {n}/{ROMO_MAX_DOSES} on {_d(day)}.",
                    day,
                    ref,
                )
            )
            if n >= ROMO_COURSE_END_FROM_DOSE and not _antiresorptive_since(
                history, course.start, exclude=course
            ):
                tenth = next(when for m, (_, _, when) in numbered if m == ROMO_COURSE_END_FROM_DOSE)
                found.append(
                    _alert(
                        "ROMO-COURSE-END",
                        "warn",
                        "Romosozumab course ending: plan what follows",
                        f"You are at dose {n} of {ROMO_MAX_DOSES}. The bone gained on "
                        "romosozumab is lost unless an antiresorptive drug (for example a "
                        "bisphosphonate or denosumab) follows it. Plan it with your clinician.",
                        f"Romosozumab dose {n}/{ROMO_MAX_DOSES}: plan antiresorptive follow-on.",
                        max(tenth, course.start),
                        f"course-{course.id}",
                    )
                )
        first = first_dose_date(course)
        limit = add_months(first, ROMO_MAX_COURSE_MONTHS)
        if running and today > limit:
            found.append(
                _alert(
                    "ROMO-OVER-12",
                    "alert",
                    "Romosozumab course has run past 12 months",
                    f"Your romosozumab (Evenity) course began on {_d(first)} and is still "
                    f"recorded as running more than {ROMO_MAX_COURSE_MONTHS} months later. "
                    "The course should end after 12 monthly doses. If it has ended, record "
                    "the end date; otherwise talk to your clinician.",
                    f"Romosozumab course running since {_d(first)} (> 12 months).",
                    limit + timedelta(days=1),
                    f"course-{course.id}:over-12-months",
                )
            )
        window_start = first - timedelta(days=ROMO_CV_LOOKBACK_DAYS)
        window_end = last_day(course, today)
        for event in sorted(history.events, key=lambda e: (e.date, e.id)):
            if event.kind not in ROMO_CV_EVENT_KINDS or not (
                window_start <= event.date <= window_end
            ):
                continue
            what = event.kind.replace("_", " ")
            when = "before the first dose" if event.date < first else "during the course"
            found.append(
                _alert(
                    "ROMO-CV",
                    "alert",
                    f"Romosozumab and a recent {what}",
                    f"A {what} was recorded on {_d(event.date)}, {when} of romosozumab "
                    "(Evenity). Its label warns not to start it within a year of a heart "
                    "attack or stroke, and to stop it if one happens. Talk to your "
                    "clinician now.",
                    f"Romosozumab with {what} on {_d(event.date)} ({when}): boxed warning.",
                    max(event.date, first),
                    f"course-{course.id}:event-{event.id}",
                )
            )
    return found


def _antiresorptive_since(history: PatientHistory, since: date, exclude: Course) -> bool:
    """A full antiresorptive course (not calcitonin) started on or after `since`."""
    return any(
        c is not exclude and drug_of(c).drug_class == "antiresorptive" and c.start >= since
        for c in history.courses
    )


# ------------------------------------------------------------------------- PTH analogs


def pth_alerts(history: PatientHistory, today: date) -> list[Alert]:
    courses = [c for c in history.courses if drug_of(c).is_pth_analog]
    if not courses:
        return []
    intervals = [(c.start, last_day(c, today)) for c in courses]
    total = days_covered(intervals, today)
    earliest = min(c.start for c in courses)

    def reached(days: int) -> date:
        # The threshold was crossed on or before today, so a day is always found.
        day = first_day(lambda d: days_covered(intervals, d) >= days, earliest, today)
        assert day is not None
        return day

    if total > PTH_LIFETIME_LIMIT_DAYS:
        abaloparatide = any(c.drug == "abaloparatide" for c in courses)
        severity: Severity = "alert" if abaloparatide else "warn"
        if abaloparatide:
            why = "Abaloparatide (Tymlos) is not recommended beyond 2 years in a lifetime."
        else:
            why = (
                "Teriparatide (Forteo) beyond 2 years in a lifetime is only for people "
                "whose fracture risk stays high (label changed 2020)."
            )
        return [
            _alert(
                "PTH-OVER-LIMIT",
                severity,
                "Over 2 years of teriparatide/abaloparatide",
                f"You have had {total} days of teriparatide or abaloparatide in total; the "
                f"lifetime limit is {PTH_LIFETIME_LIMIT_DAYS} days (2 years). {why} "
                "Talk to your clinician.",
                f"PTH analogs: {total} cumulative days (> {PTH_LIFETIME_LIMIT_DAYS}).",
                reached(PTH_LIFETIME_LIMIT_DAYS + 1),
                f"lifetime:{'abaloparatide' if abaloparatide else 'teriparatide'}",
                "pth:lifetime",
            )
        ]
    if total >= PTH_NEAR_LIMIT_DAYS:
        return [
            _alert(
                "PTH-NEAR-LIMIT",
                "warn",
                "Nearing 2 years of teriparatide/abaloparatide",
                f"You have had {total} of the {PTH_LIFETIME_LIMIT_DAYS} days (2 years) of "
                "teriparatide or abaloparatide allowed over a lifetime (the two drugs add "
                "up). Plan the end of the course and the antiresorptive that follows.",
                f"PTH analogs: {total}/{PTH_LIFETIME_LIMIT_DAYS} cumulative days.",
                reached(PTH_NEAR_LIMIT_DAYS),
                "lifetime",
                "pth:lifetime",
            )
        ]
    return []


# -------------------------------------------------------------------- after an anabolic


def anabolic_followon_alerts(history: PatientHistory, today: date) -> list[Alert]:
    found = []
    for course in courses_by_start(history):
        if not drug_of(course).is_anabolic or course.end is None or course.end >= today:
            continue
        window_end = course.end + timedelta(days=ANABOLIC_FOLLOWON_WINDOW_DAYS)
        if today <= window_end:
            continue
        followed = False
        for other in history.courses:
            if other is course or other.start > window_end:
                continue
            kind = drug_of(other)
            # A full antiresorptive still running after the anabolic ended.
            if kind.drug_class == "antiresorptive" and last_day(other, today) > course.end:
                followed = True
            # Another anabolic after this one carries the duty to follow on.
            if kind.is_anabolic and other.start > course.start:
                followed = True
        if followed:
            continue
        name = drug_of(course).name
        found.append(
            _alert(
                "ANABOLIC-NO-FOLLOWON",
                "alert",
                f"No follow-on treatment after {name.lower()}",
                f"Your {name} course ended on {_d(course.end)}, and no antiresorptive drug "
                f"(such as a bisphosphonate or denosumab) was started within "
                f"{ANABOLIC_FOLLOWON_WINDOW_DAYS} days. The bone gained is lost without one. "
                "Talk to your clinician.",
                f"{name} ended {_d(course.end)}; no antiresorptive within "
                f"{ANABOLIC_FOLLOWON_WINDOW_DAYS} days.",
                window_end + timedelta(days=1),
                f"course-{course.id}",
            )
        )
    return found


# ---------------------------------------------------------------------- bisphosphonates


def bp_exposure(history: PatientHistory, day: date) -> tuple[int, Fraction]:
    """(days on an oral bisphosphonate, years covered by IV infusions) up to `day`."""
    oral = [
        (c.start, last_day(c, day))
        for c in history.courses
        if drug_of(c).is_oral_bisphosphonate and c.start <= day
    ]
    iv_years = Fraction(0)
    for c in history.courses:
        kind = drug_of(c)
        if not kind.is_iv_bisphosphonate:
            continue
        assert kind.dose_interval_months is not None
        dates = [dose.date for dose in c.doses] or [c.start]
        iv_years += Fraction(kind.dose_interval_months, 12) * sum(1 for d in dates if d <= day)
    return days_covered(oral, day), iv_years


def bp_reassess_due(history: PatientHistory, day: date) -> bool:
    oral, iv = bp_exposure(history, day)
    return Fraction(oral, ORAL_BP_REASSESS_DAYS) + iv / IV_BP_REASSESS_YEARS >= 1


def _long_due(history: PatientHistory, day: date) -> bool:
    oral, iv = bp_exposure(history, day)
    return Fraction(oral, ORAL_BP_LONG_DAYS) + iv / IV_BP_LONG_YEARS > 1


def _years_text(oral_days: int, iv_years: Fraction) -> str:
    parts = []
    if oral_days:
        parts.append(f"{oral_days / Decimal('365.25'):.1f} years of tablets")
    if iv_years:
        parts.append(f"{float(iv_years):g} years of infusions")
    return " and ".join(parts)


def bisphosphonate_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    found: list[Alert] = []
    bps = [c for c in courses_by_start(history) if drug_of(c).is_bisphosphonate]
    running = [c for c in bps if active_on(c, today)]
    if running:
        course = running[-1]
        oral, iv = bp_exposure(history, today)
        exposure = _years_text(oral, iv)
        earliest = bps[0].start
        if _long_due(history, today):
            since = first_day(lambda d: _long_due(history, d), earliest, today)
            assert since is not None
            found.append(
                _alert(
                    "BP-LONG",
                    "warn",
                    "Bisphosphonate use beyond the studied length",
                    f"You have had {exposure}. That is longer than the trials studied "
                    "(10 years of tablets or 6 years of infusions). Ask your clinician "
                    "whether to continue.",
                    f"Bisphosphonate exposure {exposure}: beyond trial evidence.",
                    since,
                    f"course-{course.id}",
                    f"bp:course-{course.id}",
                )
            )
        elif bp_reassess_due(history, today):
            since = first_day(lambda d: bp_reassess_due(history, d), earliest, today)
            assert since is not None
            found.append(
                _alert(
                    "BP-REASSESS",
                    "warn",
                    "Time to reassess your bisphosphonate",
                    f"You have had {exposure}. After 5 years of tablets or 3 yearly "
                    "infusions, guidelines advise a review: continue, or take a drug "
                    "holiday. Ask your clinician.",
                    f"Bisphosphonate exposure {exposure}: reassess (continue or holiday).",
                    since,
                    f"course-{course.id}",
                    f"bp:course-{course.id}",
                )
            )

    found.extend(_holiday_alerts(history, today, rows))

    for course in running:
        if course.drug != "zoledronic_acid":
            continue
        dose, last = last_dose(course)
        due = add_months(last, ZOL_INTERVAL_MONTHS)
        if today >= due - timedelta(days=ZOL_DUE_SHOWN_DAYS_BEFORE):
            found.append(
                _alert(
                    "ZOL-DUE",
                    "info",
                    f"Next zoledronic acid infusion due {_d(due)}",
                    f"Your last zoledronic acid (Reclast, Aclasta) infusion was on {_d(last)}; "
                    f"the next is due 12 months later, on {_d(due)}.",
                    f"Zoledronic acid infusion due {_d(due)}.",
                    due,
                    dose_ref(course, dose),
                )
            )
    return found


def _holiday_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    holiday = bp_holiday(history, today)
    if holiday is None:
        return []
    course, start = holiday.course, holiday.start
    topic = f"bp-holiday:course-{course.id}"
    resume = (
        "Reasons to restart sooner: a new fracture, or bone density falling by more "
        "than the least significant change."
    )
    fractures = sorted(
        (f for f in history.fractures if f.fragility and f.date > start),
        key=lambda f: (f.date, f.id),
    )
    losses = significant_decreases(rows, CLASSIFYING_SITES, after=start)
    if fractures or losses:
        events = [(f.date, f"a fracture on {_d(f.date)}", f"fracture-{f.id}") for f in fractures]
        events += [
            (
                row.scan_date,
                f"a significant loss at the {describe_site(row)} on {_d(row.scan_date)}",
                f"scan-{row.scan_id}-{row.site}-{row.side}",
            )
            for row, _ in losses
        ]
        events.sort()
        what = "; ".join(text for _, text, _ in events)
        return [
            _alert(
                "BP-HOLIDAY-REVIEW",
                "warn",
                "Review your bisphosphonate holiday now",
                f"Since your drug holiday began on {_d(start)} there has been {what}. "
                f"{resume} Talk to your clinician about restarting treatment.",
                f"Bisphosphonate holiday since {_d(start)}: resume trigger ({what}).",
                events[0][0],
                f"course-{course.id}:" + ":".join(ident for _, _, ident in events),
                topic,
            )
        ]
    warn_from = add_months(start, BP_HOLIDAY_REVIEW_WARN_MONTHS)
    info_from = add_months(start, BP_HOLIDAY_REVIEW_INFO_MONTHS)
    if today >= warn_from:
        severity: Severity = "warn"
        months, since = BP_HOLIDAY_REVIEW_WARN_MONTHS, warn_from
    elif today >= info_from:
        severity, months, since = "info", BP_HOLIDAY_REVIEW_INFO_MONTHS, info_from
    else:
        return []
    return [
        _alert(
            "BP-HOLIDAY-REVIEW",
            severity,
            f"Bisphosphonate holiday: {months // 12} years, time for a review",
            f"Your bisphosphonate drug holiday began on {_d(start)}. Holidays are usually "
            f"reviewed after 2 to 3 years. {resume}",
            f"Bisphosphonate holiday since {_d(start)}: {months} months, review.",
            since,
            f"course-{course.id}:{months}-months",
            topic,
        )
    ]


# ------------------------------------------------------------------------------ others


def raloxifene_alerts(history: PatientHistory, today: date) -> list[Alert]:
    found = []
    clots = sorted(
        (e for e in history.events if e.kind == "blood_clot"), key=lambda e: (e.date, e.id)
    )
    for course in _courses_of(history, "raloxifene"):
        if not active_on(course, today):
            continue
        for clot in clots:
            found.append(
                _alert(
                    "RALOX-VTE",
                    "alert",
                    "Raloxifene and a blood clot",
                    f"You take raloxifene (Evista) and a blood clot was recorded on "
                    f"{_d(clot.date)}. Raloxifene raises the risk of clots, and its label "
                    "says not to use it after one. Talk to your clinician now.",
                    f"Raloxifene with blood clot on {_d(clot.date)}: boxed warning.",
                    max(clot.date, course.start),
                    f"course-{course.id}:event-{clot.id}",
                )
            )
    return found


def _conflict(a: Course, b: Course) -> bool:
    """Two antiresorptives at once, or an anabolic with denosumab (DRUG-OVERLAP)."""
    da, db = drug_of(a), drug_of(b)
    if da.is_antiresorptive and db.is_antiresorptive:
        return True
    return (da.is_anabolic and b.drug == "denosumab") or (db.is_anabolic and a.drug == "denosumab")


def overlap_alerts(history: PatientHistory, today: date) -> list[Alert]:
    found = []
    running = [c for c in courses_by_start(history) if active_on(c, today)]
    for i, a in enumerate(running):
        for b in running[i + 1 :]:
            if a.intended_overlap or b.intended_overlap or not _conflict(a, b):
                continue
            first = max(a.start, b.start)
            ends = [c.end for c in (a, b) if c.end is not None]
            # A switch recorded as "old ends the day the new starts" is not an overlap.
            if ends and min(ends) <= first:
                continue
            name_a, name_b = drug_of(a).name, drug_of(b).name
            low, high = sorted((a.id, b.id))
            found.append(
                _alert(
                    "DRUG-OVERLAP",
                    "warn",
                    f"{name_a} and {name_b} at the same time",
                    f"Your record shows {name_a} and {name_b} both running since {_d(first)}. "
                    "These are not usually combined. If one has stopped, record its end "
                    "date; if the combination is intended, your clinician can mark it so.",
                    f"Overlap: {name_a} + {name_b} since {_d(first)} (not marked intended).",
                    first,
                    f"course-{low}:course-{high}",
                )
            )
    return found


def treatment_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    """TREATMENT-FAILURE and FRACTURE-ON-THERAPY, for the treatment episode running today."""
    start = episode_start(history, today)
    if start is None:
        return []
    topic = f"therapy:since-{_d(start)}"
    fractures = sorted(
        (f for f in history.fractures if f.fragility and f.date > start),
        key=lambda f: (f.date, f.id),
    )
    # Losses are measured from the last scan before treatment (or from scans on it).
    before = [s.date for s in history.scans if s.date <= start]
    losses = significant_decreases(
        rows, TREATMENT_FAILURE_BMD_SITES, after=start, ref_from=max(before, default=start)
    )
    settled = add_months(start, TREATMENT_FAILURE_MIN_MONTHS)
    if today >= settled:
        reasons: list[tuple[date, str, str]] = []
        if len(fractures) >= TREATMENT_FAILURE_MIN_FRACTURES:
            reasons.append(
                (
                    max(settled, fractures[TREATMENT_FAILURE_MIN_FRACTURES - 1].date),
                    f"{len(fractures)} fragility fractures since treatment began",
                    ":".join(f"fracture-{f.id}" for f in fractures),
                )
            )
        for row, change in losses:
            uncertain = (
                " (scans not fully comparable: " + ", ".join(change.notes) + ")"
                if change.comparability == "uncertain"
                else ""
            )
            reasons.append(
                (
                    max(settled, row.scan_date),
                    f"bone density at the {describe_site(row)} fell by "
                    f"{abs(change.delta_g)} g/cm² ({change.pct}%) on {_d(row.scan_date)}, "
                    f"at least the least significant change{uncertain}",
                    f"scan-{row.scan_id}-{row.site}-{row.side}",
                )
            )
        if reasons:
            reasons.sort()
            what = "; ".join(text for _, text, _ in reasons)
            return [
                _alert(
                    "TREATMENT-FAILURE",
                    "alert",
                    "Your treatment may not be working well enough",
                    f"You have been on treatment since {_d(start)}, and there has been: "
                    f"{what}. Experts call this a possible treatment failure; it is a reason "
                    "for your clinician to review the treatment, not to stop it on your own.",
                    f"Treatment failure criteria (IOF) on therapy since {_d(start)}: {what}.",
                    reasons[0][0],
                    f"since-{_d(start)}:" + ":".join(ident for _, _, ident in reasons),
                    topic,
                )
            ]
    if fractures:
        latest = fractures[-1]
        return [
            _alert(
                "FRACTURE-ON-THERAPY",
                "warn",
                "A fracture while on treatment",
                f"A fragility fracture on {_d(latest.date)} happened while you were on "
                f"treatment (since {_d(start)}). Please ask your clinician to review your "
                "treatment.",
                f"Fragility fracture {_d(latest.date)} on therapy since {_d(start)}: review.",
                latest.date,
                f"fracture-{latest.id}",
                topic,
            )
        ]
    return []


def severe_osteoporosis_alerts(standing: StandingDiagnosis) -> list[Alert]:
    if standing.category != SEVERE_OSTEOPOROSIS or standing.since is None:
        return []
    return [
        _alert(
            "SEVERE-OSTEOPOROSIS",
            "info",
            "Severe osteoporosis: ask about all treatment options",
            "A T-score of -2.5 or lower together with a fracture from a minor fall is "
            "called severe osteoporosis. Bone-building (anabolic) treatment is often "
            "considered first in this situation. This is information for a talk with "
            "your clinician, not a recommendation of any drug.",
            "Severe osteoporosis (T <= -2.5 with fragility fracture): anabolic-first "
            "often considered (ASBMR/BHOF 2024).",
            standing.since,
            "patient",
        )
    ]


def height_alerts(history: PatientHistory) -> list[Alert]:
    found = []
    heights = sorted(history.heights, key=lambda h: (h.date, h.id))
    tallest = history.profile.tallest_height_cm
    if tallest is not None and heights:
        run = None
        for height in heights:
            meets = tallest - height.cm >= HEIGHT_LOSS_FROM_TALLEST_CM
            run = (run or height) if meets else None
        if run is not None:
            loss = tallest - heights[-1].cm
            found.append(
                _alert(
                    "HEIGHT-LOSS",
                    "warn",
                    "You have lost height",
                    f"You are {loss} cm shorter than your tallest remembered height "
                    f"({tallest} cm). Losing {HEIGHT_LOSS_FROM_TALLEST_CM} cm or more can "
                    "be a sign of spine fractures that caused no pain. Ask about a spine "
                    "X-ray or a vertebral fracture assessment (VFA).",
                    f"Height loss {loss} cm from tallest recalled: consider spine X-ray/VFA.",
                    run.date,
                    f"recalled:height-{run.id}",
                )
            )
    measured = [h for h in heights if h.measured]
    run = None
    top = None
    for i, height in enumerate(measured):
        top = max((h.cm for h in measured[:i]), default=None)
        meets = top is not None and top - height.cm >= HEIGHT_LOSS_MEASURED_CM
        run = (run or height) if meets else None
    if run is not None:
        assert top is not None
        loss = top - measured[-1].cm
        found.append(
            _alert(
                "HEIGHT-LOSS",
                "warn",
                "Measured height has dropped",
                f"Your measured height has dropped by {loss} cm (from {top} cm). A drop "
                f"of {HEIGHT_LOSS_MEASURED_CM} cm or more between measurements can be a sign "
                "of spine fractures that caused no pain. Ask about a spine X-ray or a "
                "vertebral fracture assessment (VFA).",
                f"Measured height loss {loss} cm: consider spine X-ray/VFA.",
                run.date,
                f"measured:height-{run.id}",
            )
        )
    return found


def scan_alerts(scan: NextScan) -> list[Alert]:
    found = []
    if scan.level == "baseline":
        assert scan.due_date is not None
        found.append(
            _alert(
                "SCAN-BASELINE",
                "warn",
                "A baseline bone density scan is recommended",
                f"{_sentence(scan.reason)} "
                "A first scan shows where your bones stand. Ask your clinician.",
                f"No DXA on record; baseline indicated ({scan.reason}).",
                scan.due_date,
                "no-scan",
            )
        )
    elif scan.rule_id is not None:
        assert scan.due_date is not None and scan.overdue_from is not None
        about = f"after-scan-{scan.last_scan_id}:due-{_d(scan.due_date)}"
        topic = f"scan:after-scan-{scan.last_scan_id}"
        if scan.level == "overdue":
            found.append(
                _alert(
                    "SCAN-OVERDUE",
                    "warn",
                    "Bone density scan overdue",
                    f"Your next DXA scan was due on {_d(scan.due_date)}. Why: {scan.reason}.",
                    f"DXA overdue since {_d(scan.due_date)} ({scan.reason}).",
                    scan.overdue_from,
                    about,
                    topic,
                )
            )
        elif scan.level == "due":
            found.append(
                _alert(
                    "SCAN-DUE",
                    "warn",
                    "Bone density scan due",
                    f"Your next DXA scan is due now ({_d(scan.due_date)}). Why: {scan.reason}.",
                    f"DXA due {_d(scan.due_date)} ({scan.reason}).",
                    scan.due_date,
                    f"{about}:due",
                    topic,
                )
            )
        else:
            found.append(
                _alert(
                    "SCAN-DUE",
                    "info",
                    f"Bone density scan coming up on {_d(scan.due_date)}",
                    f"Your next DXA scan is due on {_d(scan.due_date)}. Why: {scan.reason}.",
                    f"DXA due {_d(scan.due_date)} ({scan.reason}).",
                    scan.due_date,
                    f"{about}:upcoming",
                    topic,
                )
            )
    for prompt in scan.prompts:
        # Prompts exist only when there is a last scan.
        last_scan = scan.last_scan_date
        assert last_scan is not None
        found.append(
            _alert(
                "SCAN-PROMPT",
                "warn",
                "Talk to your clinician about a scan now",
                f"{_sentence(prompt.reason)} A scan shows whether bone has been lost.",
                f"DXA indicated now: {prompt.kind} after the last scan.",
                prompt.date or last_scan,
                prompt.key,
            )
        )
    return found


def all_alerts(
    history: PatientHistory,
    today: date,
    rows: tuple[ChangeRow, ...],
    standing: StandingDiagnosis,
    scan: NextScan,
) -> tuple[Alert, ...]:
    """Every rule for one patient, most severe first. `history` must be as of `today`."""
    found: list[Alert] = []
    found += denosumab_alerts(history, today)
    found += romosozumab_alerts(history, today)
    found += pth_alerts(history, today)
    found += anabolic_followon_alerts(history, today)
    found += bisphosphonate_alerts(history, today, rows)
    found += raloxifene_alerts(history, today)
    found += overlap_alerts(history, today)
    found += treatment_alerts(history, today, rows)
    found += severe_osteoporosis_alerts(standing)
    found += height_alerts(history)
    found += scan_alerts(scan)
    return sort_alerts(found)
