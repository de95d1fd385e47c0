"""The medication figure: one row per drug, a bar per course, doses and drug holidays.

Shows the drug catalogue and classes of rule book section 5, and the
bisphosphonate drug holidays of section 5.1 as the engine defines them
(`therapy.drug_holidays`). `shared_x_range` lines this figure up with the bone
density one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from tracker.clinical.assess import Assessment
from tracker.clinical.history import Course, PatientHistory
from tracker.clinical.therapy import drug_holidays, drug_of, last_day
from tracker.dashboard.charts.common import (
    BLACK,
    BLUE,
    DATE_HOVER,
    MS_PER_DAY,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    Figure,
    _base_layout,
    _day,
    _duration,
    _empty_note,
)

CLASS_ORDER: tuple[str, ...] = ("antiresorptive", "weak_antiresorptive", "anabolic", "dual")
CLASS_LABELS: dict[str, str] = {
    "antiresorptive": "Antiresorptive",
    "weak_antiresorptive": "Weak antiresorptive",
    "anabolic": "Anabolic",
    "dual": "Dual action",
}
CLASS_COLOURS: dict[str, str] = {
    "antiresorptive": BLUE,
    "weak_antiresorptive": SKY_BLUE,
    "anabolic": ORANGE,
    "dual": PURPLE,
}
HOLIDAY_LABEL = "drug holiday"
DOSE_LABEL = "dose"
STOP_REASON_LABELS: dict[str, str] = {
    "course_completed": "course completed",
    "drug_holiday": "stopped for a drug holiday",
    "side_effects": "stopped for side effects",
    "switched": "switched to another drug",
    "other": "stopped",
}


def _courses_until(history: PatientHistory, today: date) -> list[Course]:
    return sorted((c for c in history.courses if c.start <= today), key=lambda c: (c.start, c.id))


def shared_x_range(history: PatientHistory, today: date) -> list[str]:
    """An x range from the first scan or course to today, with a small margin both sides.

    Pass it as `x_range` to `bmd_trend` and `medication_timeline` so the two
    charts line up.
    """
    starts = [s.date for s in history.scans if s.date <= today]
    starts += [c.start for c in history.courses if c.start <= today]
    first = min(starts, default=today - timedelta(days=365))
    margin = timedelta(days=max(30, (today - first).days // 40))
    return [(first - margin).isoformat(), (today + margin).isoformat()]


def medication_timeline(
    history: PatientHistory, assessment: Assessment, *, x_range: Sequence[str] | None = None
) -> Figure:
    """One row per drug: a bar per course coloured by class, doses as markers, holidays hatched.

    Trace order: one horizontal bar trace per drug class present (in
    CLASS_ORDER), then the "drug holiday" bar trace if any, then the "dose"
    marker trace if any dose was recorded. Bars sit on a date axis: `base` is
    the first day and `x` the length in milliseconds; a running course ends today.
    """
    today = assessment.today
    courses = _courses_until(history, today)
    names: list[str] = []
    for course in courses:
        name = drug_of(course).name
        if name not in names:
            names.append(name)
    layout = _base_layout("Medication", height=min(600, max(300, 160 + 44 * len(names))))
    layout["barmode"] = "overlay"
    layout["xaxis"] = {"type": "date"}
    layout["yaxis"] = {
        "type": "category",
        "automargin": True,
        "categoryorder": "array",
        "categoryarray": names,
        "autorange": "reversed",
    }
    if x_range is not None:
        layout["xaxis"]["range"] = list(x_range)
    if not courses:
        layout["annotations"] = [_empty_note("No osteoporosis medicine recorded yet.")]
        return {"data": [], "layout": layout}

    by_class: dict[str, list[Course]] = defaultdict(list)
    for course in courses:
        by_class[drug_of(course).drug_class].append(course)
    traces: list[dict[str, Any]] = []
    for drug_class in CLASS_ORDER:
        group = by_class.get(drug_class)
        if not group:
            continue
        y, base, x, custom = [], [], [], []
        for course in group:
            last = last_day(course, today)
            running = course.end is None or course.end >= today
            y.append(drug_of(course).name)
            base.append(course.start.isoformat())
            x.append(((last - course.start).days + 1) * MS_PER_DAY)
            until = "today" if running else _day(last)
            note = "ongoing" if running else STOP_REASON_LABELS.get(course.stop_reason or "", "")
            length = _duration((last - course.start).days + 1)
            custom.append([f"{_day(course.start)} – {until} ({length})", note])
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": CLASS_LABELS[drug_class],
                "legendgroup": drug_class,
                "y": y,
                "base": base,
                "x": x,
                "width": 0.6,
                "customdata": custom,
                "hovertemplate": (
                    "<b>%{y}</b><br>%{customdata[0]}<br>%{customdata[1]}"
                    f"<extra>{CLASS_LABELS[drug_class]}</extra>"
                ),
                "marker": {"color": CLASS_COLOURS[drug_class]},
            }
        )

    holidays = drug_holidays(history, today)
    if holidays:
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": HOLIDAY_LABEL,
                "legendgroup": "holiday",
                "y": [drug_of(h.course).name for h in holidays],
                "base": [h.first_day.isoformat() for h in holidays],
                "x": [((h.last_day - h.first_day).days + 1) * MS_PER_DAY for h in holidays],
                "width": 0.6,
                "text": [HOLIDAY_LABEL] * len(holidays),
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"color": BLACK},
                "customdata": [
                    f"{_day(h.first_day)} – {'today' if h.last_day == today else _day(h.last_day)} "
                    f"({_duration((h.last_day - h.first_day).days + 1)})"
                    for h in holidays
                ],
                "hovertemplate": "<b>Drug holiday from %{y}</b><br>%{customdata}<extra></extra>",
                "marker": {
                    "color": "#EEEEEE",
                    "line": {"color": "#666666", "width": 1},
                    "pattern": {"shape": "/", "fgcolor": "#777777", "size": 8},
                },
            }
        )

    doses = sorted(
        (dose.date, drug_of(course).name)
        for course in courses
        for dose in course.doses
        if dose.date <= today
    )
    if doses:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": DOSE_LABEL,
                "legendgroup": "dose",
                "x": [day.isoformat() for day, _ in doses],
                "y": [name for _, name in doses],
                "hovertemplate": f"<b>%{{y}}</b>: dose<br>{DATE_HOVER}<extra></extra>",
                "marker": {
                    "symbol": "circle",
                    "size": 9,
                    "color": "#FFFFFF",
                    "line": {"color": BLACK, "width": 1.5},
                },
            }
        )
    return {"data": traces, "layout": layout}
