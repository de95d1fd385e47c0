"""The exercise figure: minutes per kind per week, stacked, with the aerobic target line.

Shows the weekly exercise targets of rule book section 8 (aerobic minutes,
resistance and balance sessions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from tracker.clinical.exercise import (
    AEROBIC_MINUTES_PER_WEEK,
    BALANCE_SESSIONS_PER_WEEK,
    RESISTANCE_SESSIONS_PER_WEEK,
    Session,
    week_start,
    weekly_totals,
)
from tracker.dashboard.charts.common import (
    BLACK,
    BLUE,
    FONT_SIZE,
    GREEN,
    MONTHS,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    Figure,
    _base_layout,
    _plural,
)

# Aerobic first: it is the bottom of each stack, so its top meets the 150-minute line.
EXERCISE_ORDER: tuple[str, ...] = ("aerobic", "resistance", "balance", "impact", "posture")
EXERCISE_LABELS: dict[str, str] = {
    "aerobic": "Aerobic",
    "resistance": "Resistance (strength)",
    "balance": "Balance / functional",
    "impact": "Weight-bearing or impact",
    "posture": "Posture / flexibility",
}
EXERCISE_COLOURS: dict[str, str] = {
    "aerobic": SKY_BLUE,
    "resistance": BLUE,
    "balance": GREEN,
    "impact": ORANGE,
    "posture": PURPLE,
}
EXERCISE_TARGETS_NOTE = (
    f"Targets: aerobic ≥ {AEROBIC_MINUTES_PER_WEEK} min; resistance ≥ "
    f"{RESISTANCE_SESSIONS_PER_WEEK} and balance ≥ {BALANCE_SESSIONS_PER_WEEK} sessions a week"
)


def _week_label(monday: date, with_year: bool) -> str:
    label = f"{monday.day} {MONTHS[monday.month - 1][:3]}"
    return f"{label} {monday.year}" if with_year else label


def exercise_weekly(sessions: Iterable[Session], *, today: date, weeks: int = 12) -> Figure:
    """Minutes per kind per ISO week, stacked, with the 150-minute aerobic target line.

    Trace order: one bar trace per kind in EXERCISE_ORDER (aerobic first, so it
    is the bottom of each stack). The x axis is categorical: "2 Jun" is the
    week starting Monday 2 June (the year is added beyond 52 weeks).
    """
    sessions = list(sessions)
    totals = weekly_totals(sessions, weeks=weeks, today=today)
    counts = Counter((week_start(day), kind) for day, kind, _ in sessions)
    labels = [_week_label(monday, weeks > 52) for monday, _ in totals]
    traces = []
    for kind in EXERCISE_ORDER:
        name = EXERCISE_LABELS[kind]
        traces.append(
            {
                "type": "bar",
                "name": name,
                "x": labels,
                "y": [dict(minutes)[kind] for _, minutes in totals],
                "customdata": [_plural(counts[(monday, kind)], "session") for monday, _ in totals],
                "hovertemplate": (
                    f"<b>{name}</b><br>week of %{{x}}: %{{y}} min, %{{customdata}}<extra></extra>"
                ),
                "marker": {"color": EXERCISE_COLOURS[kind]},
            }
        )
    layout = _base_layout("Exercise per week", subtitle=EXERCISE_TARGETS_NOTE)
    layout["barmode"] = "stack"
    # No axis title: a horizontal legend sits where it would be; the hover says "week of".
    # The legend hangs below the week labels (which turn on a phone), not over them.
    layout["xaxis"] = {"type": "category", "automargin": True}
    layout["margin"]["b"] = 120
    highest = max((sum(m for _, m in week) for _, week in totals), default=0)
    # An explicit range keeps the target line and its label inside the plot.
    layout["yaxis"] = {
        "title": {"text": "Minutes"},
        "range": [0, round(max(highest, AEROBIC_MINUTES_PER_WEEK) * 1.2)],
        "automargin": True,
    }
    layout["legend"].update(traceorder="normal", y=-0.35, yanchor="top")
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": AEROBIC_MINUTES_PER_WEEK,
            "y1": AEROBIC_MINUTES_PER_WEEK,
            "line": {"color": BLACK, "width": 2, "dash": "dash"},
            "label": {
                "text": f"aerobic target {AEROBIC_MINUTES_PER_WEEK} min",
                "textposition": "end",
                "yanchor": "bottom",
                "font": {"size": FONT_SIZE},
            },
        }
    ]
    return {"data": traces, "layout": layout}
