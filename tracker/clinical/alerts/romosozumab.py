"""Section 5.1 romosozumab: ROMO-COUNT, ROMO-DUE, ROMO-COURSE-END, ROMO-OVER-12, ROMO-CV."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.clinical.alerts.base import (
    Alert,
    _alert,
    _courses_of,
    _d,
)
from tracker.clinical.dates import add_months
from tracker.clinical.history import Course, Dose, PatientHistory
from tracker.clinical.therapy import (
    active_on,
    dose_ref,
    drug_of,
    first_dose_date,
    last_day,
    sorted_doses,
)

# --- Romosozumab (section 5.1; Evenity label) ---
ROMO_MAX_DOSES = 12  # counted over a lifetime [ours: the safer reading of "12 doses"]
ROMO_COURSE_END_FROM_DOSE = 10  # ROMO-COURSE-END from dose 10
ROMO_MAX_COURSE_MONTHS = 12  # ROMO-OVER-12: course running past 12 months
ROMO_CV_LOOKBACK_DAYS = 365  # ROMO-CV: heart attack or stroke in the 365 days before
ROMO_CV_EVENT_KINDS: tuple[str, ...] = ("heart_attack", "stroke")
# ROMO-DUE: the next monthly dose is due 1 calendar month after the dose actually
# given (section 11.1: clamped to a shorter month's end), shown from 7 days before
# [ours]. There is no "late" stage: ROMO-OVER-12 covers a course that drags on.
ROMO_DUE_INTERVAL_MONTHS = 1
ROMO_DUE_SHOWN_DAYS_BEFORE = 7


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
            found.extend(_romo_due(course, dose, n, day, today))
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
        # Section 11.14: raised while the course runs past 12 months, and kept after it
        # ends (until a clinician acknowledges it), so it is judged on the last day on it.
        if last_day(course, today) > limit:
            ran = (
                "is still recorded as running"
                if running
                else f"ran until {_d(last_day(course, today))},"
            )
            found.append(
                _alert(
                    "ROMO-OVER-12",
                    "alert",
                    "Romosozumab course has run past 12 months",
                    f"Your romosozumab (Evenity) course began on {_d(first)} and {ran} more "
                    f"than {ROMO_MAX_COURSE_MONTHS} months later. The course should end after "
                    "12 monthly doses. If it has ended earlier, correct the end date; "
                    "otherwise talk to your clinician.",
                    f"Romosozumab course since {_d(first)} ran past 12 months.",
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


def romosozumab_edges(history: PatientHistory, today: date) -> list[date]:
    """ROMO-DUE shows from 7 days before each course's next dose (until dose 12), and
    ROMO-OVER-12 is raised the day after 12 months from the first dose while the
    course runs. Counts and ROMO-CV move only with the record."""
    courses = _courses_of(history, "romosozumab")
    numbered = list(enumerate(romo_doses(courses), start=1))
    found = []
    for course in courses:
        n, (_, _, day) = [(n, item) for n, item in numbered if item[0] is course][-1]
        if n < ROMO_MAX_DOSES:
            found.append(
                add_months(day, ROMO_DUE_INTERVAL_MONTHS)
                - timedelta(days=ROMO_DUE_SHOWN_DAYS_BEFORE)
            )
        found.append(
            add_months(first_dose_date(course), ROMO_MAX_COURSE_MONTHS) + timedelta(days=1)
        )
    return found


def _romo_due(course: Course, dose: Dose | None, n: int, last: date, today: date) -> list[Alert]:
    """ROMO-DUE for a running course whose latest dose is lifetime dose `n`.

    None after dose 12: the course is complete and no further dose is due.
    """
    if n >= ROMO_MAX_DOSES:
        return []
    due = add_months(last, ROMO_DUE_INTERVAL_MONTHS)
    if today < due - timedelta(days=ROMO_DUE_SHOWN_DAYS_BEFORE):
        return []
    return [
        _alert(
            "ROMO-DUE",
            "info",
            f"Next romosozumab injection due {_d(due)}",
            f"Your last romosozumab (Evenity) injection, dose {n} of {ROMO_MAX_DOSES}, was on "
            f"{_d(last)}. Dose {n + 1} is due a month later, on {_d(due)}.",
            f"Romosozumab dose {n + 1}/{ROMO_MAX_DOSES} due {_d(due)}.",
            due,
            dose_ref(course, dose),
        )
    ]


def _antiresorptive_since(history: PatientHistory, since: date, exclude: Course) -> bool:
    """A full antiresorptive course (not calcitonin) started on or after `since`."""
    return any(
        c is not exclude and drug_of(c).drug_class == "antiresorptive" and c.start >= since
        for c in history.courses
    )
