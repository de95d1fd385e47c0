"""Tables in the form clinicians know from DXA trend reports, and the data behind
each chart for people who cannot see it. Built from the history and assessment."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.clinical.assess import Assessment
from tracker.clinical.change import Change
from tracker.clinical.drugs import CATALOGUE
from tracker.clinical.exercise import KINDS, weekly_totals
from tracker.clinical.history import CLASSIFYING_SITES, PatientHistory
from tracker.dashboard.charts.common import SIDE_ORDER, site_label, site_results


@dataclass(frozen=True)
class ChangeLine:
    scan_id: int
    scan_date: date
    bmd: Decimal
    t_score: Decimal | None
    z_score: Decimal | None
    vs_baseline: Change | None
    vs_previous: Change | None
    new_segment_reason: str


@dataclass(frozen=True)
class SiteTable:
    label: str
    lines: tuple[ChangeLine, ...]


def change_table(history: PatientHistory, assessment: Assessment) -> list[SiteTable]:
    """Per site and side, each scan's BMD and T-score with its change vs baseline and previous."""
    results = site_results(history)
    by_site: dict[tuple[str, str], list[ChangeLine]] = {}
    for row in sorted(assessment.change_rows, key=lambda r: (r.scan_date, r.scan_id)):
        result = results[(row.scan_id, row.site, row.side)]
        by_site.setdefault((row.site, row.side), []).append(
            ChangeLine(
                scan_id=row.scan_id,
                scan_date=row.scan_date,
                bmd=row.bmd,
                t_score=result.t_score,
                z_score=result.z_score,
                vs_baseline=row.vs_baseline,
                vs_previous=row.vs_previous,
                new_segment_reason=row.new_segment_reason,
            )
        )
    order = sorted(by_site, key=lambda key: (CLASSIFYING_SITES.index(key[0]), SIDE_ORDER[key[1]]))
    return [SiteTable(site_label(*key), tuple(by_site[key])) for key in order]


@dataclass(frozen=True)
class CourseLine:
    course_id: int
    name: str
    drug_class: str
    start: date
    end: date | None
    stop_reason: str | None
    doses: int


def drug_history(history: PatientHistory) -> list[CourseLine]:
    return [
        CourseLine(
            course.id,
            CATALOGUE[course.drug].name,
            CATALOGUE[course.drug].drug_class.replace("_", " "),
            course.start,
            course.end,
            (course.stop_reason or "").replace("_", " ") or None,
            len(course.doses),
        )
        for course in sorted(history.courses, key=lambda c: (c.start, c.id), reverse=True)
    ]


def exercise_weeks(sessions, *, today: date, weeks: int = 12) -> list[tuple[date, list[int], int]]:
    """(Monday, minutes per kind in KINDS order, total) for each recent week, newest first."""
    rows = []
    for monday, minutes in weekly_totals(sessions, weeks=weeks, today=today):
        values = [dict(minutes).get(kind, 0) for kind in KINDS]
        rows.append((monday, values, sum(values)))
    return rows[::-1]


@dataclass(frozen=True)
class TargetLine:
    label: str
    t_score: Decimal
    target: Decimal
    met: bool
    gap: Decimal


def target_lines(assessment: Assessment) -> list[TargetLine]:
    """Treat-to-target (rule book section 6): each site's gap to the target T-score."""
    return [
        TargetLine(site_label(t.site, t.side), t.t_score, t.target, t.met, t.gap)
        for t in assessment.targets
    ]
