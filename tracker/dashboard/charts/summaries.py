"""Plain-language text per chart, for screen readers and the no-JavaScript page.

Each summary says in words what its figure draws: bone density change (rule
book sections 3.2 and 3.4), medication and drug holidays (section 5.1),
exercise against the weekly targets (section 8) and height loss (section 7).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tracker.clinical.assess import Assessment
from tracker.clinical.exercise import (
    AEROBIC_MINUTES_PER_WEEK,
    BALANCE_SESSIONS_PER_WEEK,
    RESISTANCE_SESSIONS_PER_WEEK,
    Session,
    week_start,
    weekly_totals,
)
from tracker.clinical.history import PatientHistory
from tracker.clinical.therapy import bp_holiday, drug_of, last_day
from tracker.dashboard.charts.bone_density import _segment_starts, _series_keys, course_periods
from tracker.dashboard.charts.common import (
    _day,
    _duration,
    _month,
    _plural,
    _years,
    lower_first,
    site_label,
    site_results,
)
from tracker.dashboard.charts.height import height_reference
from tracker.dashboard.charts.medication import _courses_until


def bmd_summary(history: PatientHistory, assessment: Assessment) -> str:
    rows = assessment.change_rows
    if not rows:
        return "No bone density scans recorded yet."
    results = site_results(history)
    sentences = []
    for key in _series_keys(rows):
        latest = max(
            (r for r in rows if (r.site, r.side) == key), key=lambda r: (r.scan_date, r.scan_id)
        )
        name = site_label(*key)
        t_score = results[(latest.scan_id, *key)].t_score
        t_note = "" if t_score is None else f"; latest T-score {t_score:.1f}"
        change = latest.vs_baseline
        if change is None:
            where = " on the new scanner make" if latest.segment > 0 else ""
            sentences.append(
                f"{name} bone density (BMD) {latest.bmd:.3f} g/cm² on {_day(latest.scan_date)}, "
                f"the first scan{where}, so no change yet{t_note}."
            )
            continue
        if change.pct > 0:
            moved = f"rose {change.pct:.1f} %"
        elif change.pct < 0:
            moved = f"fell {-change.pct:.1f} %"
        else:
            moved = "changed by 0.0 %"
        verdict = "a significant change" if change.significant else "not a significant change"
        if change.estimated:
            verdict += " (judged with an estimated margin of error)"
        sentences.append(
            f"{name} bone density {moved} since {change.ref_date.year}, {verdict}{t_note}."
        )
    for day, makes in _segment_starts(history, rows, assessment.today):
        sentences.append(
            f"The scanner make changed on {_day(day)} ({makes}): scans before and after are "
            "not comparable, so changes are measured from a new baseline."
        )
    today = assessment.today
    periods = [
        f"{lower_first(drug_of(course).name)} "
        + (
            f"since {_month(course.start)}"
            if course.end is None or course.end >= today
            else _years(course.start, last)
        )
        for course, last in course_periods(history, today)
    ]
    if periods:
        sentences.append(
            "Shaded periods are the courses of treatment (what each drug did is in the table "
            "below): " + "; ".join(periods) + "."
        )
    return " ".join(sentences)


def medication_summary(history: PatientHistory, assessment: Assessment) -> str:
    today = assessment.today
    courses = _courses_until(history, today)
    if not courses:
        return "Medication: no osteoporosis medicine recorded."

    running = [c for c in courses if c.end is None or c.end >= today]
    ended = sorted(
        (c for c in courses if c not in running), key=lambda c: (c.end, c.id), reverse=True
    )
    parts = [
        f"{lower_first(drug_of(c).name)} since {_month(c.start)} "
        f"({_duration((today - c.start).days + 1)})"
        for c in running
    ]
    parts += [
        f"{lower_first(drug_of(c).name)} {_years(c.start, last_day(c, today))}" for c in ended
    ]
    text = "Medication: " + "; ".join(parts) + "."
    # The holiday in progress today, as the engine defines it (therapy.drug_holidays).
    holiday = bp_holiday(history, today)
    if holiday is not None:
        first = holiday.first_day
        text += (
            f" Drug holiday from {lower_first(drug_of(holiday.course).name)} since {_month(first)} "
            f"({_duration((today - first).days + 1)})."
        )
    return text


def exercise_summary(sessions: Iterable[Session], *, today: date, weeks: int = 12) -> str:
    sessions = list(sessions)
    totals = weekly_totals(sessions, weeks=weeks, today=today)
    if not any(minutes for _, week in totals for _, minutes in week):
        return f"Exercise: nothing logged in the last {_plural(weeks, 'week')}."
    counts = Counter((week_start(day), kind) for day, kind, _ in sessions)
    aerobic = [dict(week)["aerobic"] for _, week in totals]
    aerobic_met = sum(1 for minutes in aerobic if minutes >= AEROBIC_MINUTES_PER_WEEK)
    resistance_met = sum(
        1 for monday, _ in totals if counts[(monday, "resistance")] >= RESISTANCE_SESSIONS_PER_WEEK
    )
    balance_met = sum(
        1 for monday, _ in totals if counts[(monday, "balance")] >= BALANCE_SESSIONS_PER_WEEK
    )
    average = round(sum(aerobic) / len(aerobic))
    return (
        f"Exercise over the last {_plural(weeks, 'week')}: on average {average} aerobic minutes "
        f"a week; the aerobic target of {AEROBIC_MINUTES_PER_WEEK} minutes was met in "
        f"{aerobic_met} of {weeks} weeks, resistance training {RESISTANCE_SESSIONS_PER_WEEK} or "
        f"more times in {resistance_met} weeks, and balance training "
        f"{BALANCE_SESSIONS_PER_WEEK} or more times in {balance_met} weeks."
    )


def height_summary(history: PatientHistory) -> str:
    heights = sorted(history.heights, key=lambda h: (h.date, h.id))
    if not heights:
        return "Height: no heights recorded yet."
    latest = heights[-1]
    how = "measured" if latest.measured else "self-reported"
    text = f"Height: latest {latest.cm:.1f} cm ({how}, {_day(latest.date)})."
    reference = height_reference(history)
    if reference is None:
        return text + " No tallest recalled or measured height to compare with."
    drop = reference.cm - reference.threshold_cm
    if reference.recalled:
        # The alert compares the latest height of either kind with the recalled one.
        current = latest
        text += f" Compared with your {reference.name}, {reference.cm:.1f} cm,"
    else:
        current = [h for h in heights if h.measured][-1]
        text += (
            f" No tallest recalled height is on file, so the chart compares with the "
            f"{reference.name}, {reference.cm:.1f} cm: the latest measured height "
            f"({current.cm:.1f} cm) is"
        )
    loss = reference.cm - current.cm
    verdict = (
        f"at or past the {drop:.1f} cm mark where a spine X-ray or a vertebral fracture "
        "assessment (VFA) is worth asking about"
        if loss >= drop
        else f"less than the {drop:.1f} cm mark for height loss"
    )
    joiner = " that is" if reference.recalled else ""
    return f"{text}{joiner} {loss:.1f} cm lower, {verdict}."


def summaries(
    history: PatientHistory,
    assessment: Assessment,
    *,
    sessions: Iterable[Session] | None = None,
    weeks: int = 12,
) -> dict[str, str]:
    """Plain-language text per chart, for screen readers and the no-JavaScript page.

    Keys: "bmd", "medication", "height", and "exercise" when `sessions` is given.
    """
    found = {
        "bmd": bmd_summary(history, assessment),
        "medication": medication_summary(history, assessment),
        "height": height_summary(history),
    }
    if sessions is not None:
        found["exercise"] = exercise_summary(sessions, today=assessment.today, weeks=weeks)
    return found
