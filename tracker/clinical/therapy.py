"""Facts about courses the other modules share: active or not, doses, holiday, episode."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.clinical.change import ChangeRow, describe_site, significant_decreases
from tracker.clinical.dates import display_date, merge_intervals
from tracker.clinical.drugs import CATALOGUE, Drug
from tracker.clinical.history import CLASSIFYING_SITES, Course, Dose, PatientHistory

# [ours] Courses separated by at most this many days form one treatment episode
# ("on therapy" for TREATMENT-FAILURE): a switch is rarely recorded to the day.
EPISODE_GAP_DAYS = 90


def drug_of(course: Course) -> Drug:
    return CATALOGUE[course.drug]


def active_on(course: Course, day: date) -> bool:
    return course.start <= day and (course.end is None or day <= course.end)


def last_day(course: Course, today: date) -> date:
    """The last day on the drug so far: its end, or today while it runs."""
    return today if course.end is None else min(course.end, today)


def sorted_doses(course: Course) -> list[Dose]:
    return sorted(course.doses, key=lambda dose: (dose.date, dose.id))


def first_dose_date(course: Course) -> date:
    """The first recorded dose, or the course start when none is recorded."""
    doses = sorted_doses(course)
    return doses[0].date if doses else course.start


def last_dose(course: Course) -> tuple[Dose | None, date]:
    """The latest recorded dose; without doses, the start counts as the first dose.

    Reminders must not fall silent because a dose was not typed in, so the
    course start stands in for an unrecorded first injection.
    """
    doses = sorted_doses(course)
    if doses:
        return doses[-1], doses[-1].date
    return None, course.start


def dose_ref(course: Course, dose: Dose | None) -> str:
    """Key fragment naming what a dose-based alert is about."""
    return f"course-{course.id}:" + (f"dose-{dose.id}" if dose else "start")


def courses_by_start(history: PatientHistory) -> list[Course]:
    return sorted(history.courses, key=lambda course: (course.start, course.id))


def record_edges(history: PatientHistory) -> list[date]:
    """Days on which the record, as the engine reads it, changes by itself.

    An entry dated after today comes into view on its date (`as_of`), and a course
    stops running the day after its last day (a stop, and a drug holiday, date
    from then: section 11.1). Every rule reads the record through these, so they
    are edges of every rule (tracker.clinical.horizon); callers keep the later ones.
    """
    days = [scan.date for scan in history.scans]
    for course in history.courses:
        days.append(course.start)
        days += [dose.date for dose in course.doses]
        if course.end is not None:
            days.append(course.end + timedelta(days=1))
    for entries in (history.fractures, history.falls, history.heights, history.events):
        days += [entry.date for entry in entries]
    return days


def as_of(history: PatientHistory, today: date) -> PatientHistory:
    """The history as it stood on `today`: anything dated later is left out."""
    courses = []
    for course in history.courses:
        if course.start > today:
            continue
        if any(dose.date > today for dose in course.doses):
            course = replace(course, doses=tuple(d for d in course.doses if d.date <= today))
        courses.append(course)
    return replace(
        history,
        scans=tuple(scan for scan in history.scans if scan.date <= today),
        courses=tuple(courses),
        fractures=tuple(f for f in history.fractures if f.date <= today),
        falls=tuple(f for f in history.falls if f.date <= today),
        heights=tuple(h for h in history.heights if h.date <= today),
        events=tuple(e for e in history.events if e.date <= today),
    )


@dataclass(frozen=True, kw_only=True)
class Holiday:
    """A bisphosphonate drug holiday (section 5.1 BP-HOLIDAY-REVIEW, section 11.1)."""

    course: Course  # the bisphosphonate course that ended for a drug holiday
    first_day: date  # the day after the last day on the drug (section 11.1)
    last_day: date  # the day before the next course starts, or today while it lasts


def drug_holidays(history: PatientHistory, today: date) -> list[Holiday]:
    """Every bisphosphonate drug holiday so far, past and current, oldest first.

    The one definition of a holiday (section 5.1 BP-HOLIDAY-REVIEW): a
    bisphosphonate course ends with the reason "drug holiday" and no other
    osteoporosis drug carries on past its last day. The holiday starts the day
    after that last day (section 11.1) and lasts until the day before the next
    course starts, or until today. Courses starting after `today` are ignored.
    """
    courses = [c for c in history.courses if c.start <= today]
    found = []
    for course in courses:
        if not (
            drug_of(course).is_bisphosphonate
            and course.stop_reason == "drug_holiday"
            and course.end is not None
            and course.end < today  # section 11.1: the holiday starts the day after
        ):
            continue
        end = course.end
        others = [o for o in courses if o is not course]
        if any(o.start <= end < last_day(o, today) for o in others):
            continue  # another drug carried on past the last day: no holiday
        next_start = min((o.start for o in others if o.start > end), default=None)
        last = today if next_start is None else next_start - timedelta(days=1)
        if last > end:  # a next course from the very next day is a switch, not a holiday
            found.append(Holiday(course=course, first_day=end + timedelta(days=1), last_day=last))
    found.sort(key=lambda h: (h.first_day, h.course.id))
    return found


def bp_holiday(history: PatientHistory, today: date) -> Holiday | None:
    """The bisphosphonate holiday in progress today, if any (from `drug_holidays`)."""
    current = [h for h in drug_holidays(history, today) if h.last_day == today]
    return current[-1] if current else None


@dataclass(frozen=True, kw_only=True)
class ResumeTrigger:
    """A reason to end a drug holiday early (section 5.1 BP-HOLIDAY-REVIEW, 11.21)."""

    date: date
    text: str  # e.g. "a fracture on 2024-05-01"
    ident: str  # stable id for alert keys, e.g. "fracture-7"


def holiday_resume_triggers(
    history: PatientHistory, holiday: Holiday, rows: tuple[ChangeRow, ...]
) -> tuple[ResumeTrigger, ...]:
    """New fragility fractures and BMD losses >= LSC since the holiday began, oldest first.

    The one definition, read by BP-HOLIDAY-REVIEW (raised as a warn at once) and by
    the scan schedule (due at once, section 11.21). From the holiday's first day
    (section 11.1); `history` and `rows` must be as of today.
    """
    start = holiday.first_day
    found = [
        ResumeTrigger(
            date=f.date, text=f"a fracture on {display_date(f.date)}", ident=f"fracture-{f.id}"
        )
        for f in history.fractures
        if f.fragility and f.date >= start
    ]
    found += [
        ResumeTrigger(
            date=row.scan_date,
            text=f"a significant loss at the {describe_site(row)} on {display_date(row.scan_date)}",
            ident=f"scan-{row.scan_id}-{row.site}-{row.side}",
        )
        for row, _ in significant_decreases(
            rows, CLASSIFYING_SITES, after=start - timedelta(days=1)
        )
    ]
    return tuple(sorted(found, key=lambda t: (t.date, t.text, t.ident)))


def episode_start(history: PatientHistory, today: date) -> date | None:
    """Start of the treatment episode running today (any catalogue drug), else None."""
    intervals = [
        (course.start, last_day(course, today) + timedelta(days=EPISODE_GAP_DAYS))
        for course in history.courses
    ]
    for start, padded_end in merge_intervals(intervals):
        if start <= today and padded_end - timedelta(days=EPISODE_GAP_DAYS) >= today:
            return start
    return None
