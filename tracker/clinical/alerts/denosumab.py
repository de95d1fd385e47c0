"""Section 5.1 denosumab: DMAB-DUE, DMAB-LATE, DMAB-LONG-DELAY, DMAB-STOP-NO-TRANSITION."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.clinical.alerts.base import (
    Alert,
    _alert,
    _courses_of,
    _d,
)
from tracker.clinical.history import Course, PatientHistory
from tracker.clinical.therapy import (
    active_on,
    dose_ref,
    drug_of,
    last_day,
    last_dose,
)

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


def _deciding(history: PatientHistory) -> Course | None:
    """The course holding the most recent injection decides; a restart is a new course."""
    courses = _courses_of(history, "denosumab")
    return max(courses, key=lambda c: (last_dose(c)[1], c.start, c.id)) if courses else None


def denosumab_edges(history: PatientHistory, today: date) -> list[date]:
    """Days counted from the last injection on which the stage changes: DMAB-DUE shows
    from day 168, DMAB-LATE from day 211, DMAB-LONG-DELAY from day 295, and the
    transition check from day 211 (stopped) or 295 (still running)."""
    course = _deciding(history)
    if course is None:
        return []
    _, last = last_dose(course)
    return [
        last + timedelta(days=DMAB_DUE_DAYS - DMAB_DUE_SHOWN_DAYS_BEFORE),
        last + timedelta(days=DMAB_LATE_AFTER_DAYS + 1),
        last + timedelta(days=DMAB_LONG_DELAY_AFTER_DAYS + 1),
        last + timedelta(days=DMAB_TRANSITION_BY_DAYS + 1),
    ]


def denosumab_alerts(history: PatientHistory, today: date) -> list[Alert]:
    course = _deciding(history)
    if course is None:
        return []
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
        # Section 11.12: a bisphosphonate closes it whenever it starts, even after the
        # deadline (the clinician's acknowledgement stays in the audit trail).
        if counts and last_day(other, today) >= last:
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
