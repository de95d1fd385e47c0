"""Dashboard charts as plain, JSON-ready dicts for `Plotly.newPlot(el, fig.data, fig.layout)`.

Pure functions: they read the engine's `PatientHistory` and `Assessment` and
never re-derive a rule (segments, significance and holidays come from
`tracker.clinical`). No plotly import: building a `go.Figure` per request is
slow and the browser only needs the dict. Decimals become rounded floats and
dates ISO strings, so `json.dumps` (and Django's `json_script`) take the result
as it is, and a 25-year history stays well under 50 KB gzipped per chart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from tracker.clinical.alerts import HEIGHT_LOSS_FROM_TALLEST_CM, HEIGHT_LOSS_MEASURED_CM
from tracker.clinical.assess import Assessment
from tracker.clinical.change import MANUFACTURER_LABELS, Change, ChangeRow, same_make
from tracker.clinical.classify import T_NORMAL_MIN, T_OSTEOPOROSIS_MAX
from tracker.clinical.exercise import (
    AEROBIC_MINUTES_PER_WEEK,
    BALANCE_SESSIONS_PER_WEEK,
    RESISTANCE_SESSIONS_PER_WEEK,
    Session,
    week_start,
    weekly_totals,
)
from tracker.clinical.history import (
    CLASSIFYING_SITES,
    SITE_LABELS,
    Course,
    Height,
    PatientHistory,
    Scan,
    SiteResult,
)
from tracker.clinical.therapy import drug_of, last_day

Figure = dict[str, Any]

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SERIES_COLOURS: tuple[str, ...] = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK)

FONT_SIZE = 14
HEIGHT_PX = 420
MS_PER_DAY = 86_400_000
DATE_HOVER = "%{x|%-d %b %Y}"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

SIDE_ORDER = {"none": 0, "left": 1, "right": 2}

BMD_AXIS_TITLE = "BMD (g/cm²)"
T_AXIS_TITLE = "T-score"
BREAK_LABEL = "new scanner make: not comparable"
SIGNIFICANT_LABEL = "significant change"

# Section 2.1 WHO bands for the T-score view; light fills so the lines stay readable.
BAND_NORMAL = "rgba(0, 158, 115, 0.12)"
BAND_LOW = "rgba(240, 228, 66, 0.22)"
BAND_OSTEOPOROSIS = "rgba(213, 94, 0, 0.14)"

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


# --- formatting helpers -------------------------------------------------------------


def _num(value: Decimal, places: int) -> float:
    return round(float(value), places)


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def _month(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _duration(days: int) -> str:
    months = round(days / 30.4375)
    if months < 1:
        return "1 day" if days == 1 else f"{days} days"
    if months < 24:
        return "1 month" if months == 1 else f"{months} months"
    return f"{months // 12} years"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def site_label(site: str, side: str) -> str:
    """Human-readable series name: "Lumbar spine", "Total hip (left)"."""
    label = SITE_LABELS[site]
    label = label[:1].upper() + label[1:]
    return label if side == "none" else f"{label} ({side})"


def _base_layout(title: str, *, subtitle: str = "", height: int = HEIGHT_PX) -> Figure:
    title_dict: dict[str, Any] = {"text": title, "x": 0, "xanchor": "left"}
    if subtitle:
        title_dict["subtitle"] = {"text": subtitle}
    return {
        "title": title_dict,
        "autosize": True,
        "height": height,
        "font": {"size": FONT_SIZE},
        "margin": {"l": 64, "r": 24, "t": 80 if subtitle else 64, "b": 48},
        "hovermode": "closest",
        "legend": {"orientation": "h"},
    }


def _empty_note(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": FONT_SIZE},
    }


# --- BMD trend ----------------------------------------------------------------------


def _series_keys(rows: Iterable[ChangeRow]) -> list[tuple[str, str]]:
    keys = {(row.site, row.side) for row in rows}
    return sorted(keys, key=lambda k: (CLASSIFYING_SITES.index(k[0]), SIDE_ORDER[k[1]]))


def site_results(history: PatientHistory) -> dict[tuple[int, str, str], SiteResult]:
    # change_rows keeps the first result of a site and side on a scan; so do we.
    found: dict[tuple[int, str, str], SiteResult] = {}
    for scan in history.scans:
        for result in scan.sites:
            found.setdefault((scan.id, result.site, result.side), result)
    return found


def _score(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _change_text(change: Change | None, row: ChangeRow) -> str:
    if change is None:
        return "new baseline (new scanner make)" if row.segment > 0 else "baseline"
    verdict = "significant" if change.significant else "within LSC"
    if change.estimated:
        verdict += ", estimated LSC"
    if change.comparability == "uncertain":
        verdict += ", comparability uncertain"
    pct = "0.0" if change.pct == 0 else f"{change.pct:+.1f}"
    return f"{pct} % ({verdict})"


def _make_label(scan: Scan) -> str:
    if scan.manufacturer == "other" and scan.model.strip():
        return scan.model.strip()
    return MANUFACTURER_LABELS[scan.manufacturer]


def _segment_starts(
    history: PatientHistory, rows: Sequence[ChangeRow], today: date
) -> list[tuple[date, str]]:
    """(first scan date, "Hologic, then GE Lunar") for every trend segment after the first.

    The segments are the engine's (`ChangeRow.segment`); the first scan of the new
    make is found among all scans, as a scan without a classifying site still
    starts a segment.
    """
    scans = sorted((s for s in history.scans if s.date <= today), key=lambda s: (s.date, s.id))
    index = {scan.id: i for i, scan in enumerate(scans)}
    first_row: dict[int, ChangeRow] = {}
    for row in rows:
        current = first_row.get(row.segment)
        if row.segment > 0 and (current is None or row.scan_date < current.scan_date):
            first_row[row.segment] = row
    starts = []
    for segment in sorted(first_row):
        i = index[first_row[segment].scan_id]
        while i > 0 and same_make(scans[i - 1], scans[i]):
            i -= 1
        before, after = scans[i - 1], scans[i]
        starts.append((after.date, f"{_make_label(before)}, then {_make_label(after)}"))
    return starts


def _break_shapes(starts: Sequence[tuple[date, str]]) -> list[dict[str, Any]]:
    return [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": day.isoformat(),
            "x1": day.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": BLACK, "width": 1.5, "dash": "dot"},
        }
        for day, _ in starts
    ]


def _break_annotations(starts: Sequence[tuple[date, str]]) -> list[dict[str, Any]]:
    return [
        {
            "text": BREAK_LABEL,
            "hovertext": f"{reason}: a new baseline starts here",
            "xref": "x",
            "yref": "paper",
            "x": day.isoformat(),
            "y": 1,
            # Text ends at the line: a recent break sits at the right edge of the chart.
            "xanchor": "right",
            "yanchor": "top",
            "showarrow": False,
            "bgcolor": "rgba(255, 255, 255, 0.85)",
            "font": {"size": FONT_SIZE},
        }
        for day, reason in starts
    ]


def _who_bands(t_values: Sequence[float]) -> list[dict[str, Any]]:
    """WHO category rectangles (section 2.1), sized so every band shows around the data."""
    low_edge, high_edge = float(T_OSTEOPOROSIS_MAX), float(T_NORMAL_MIN)
    bottom = min([*t_values, low_edge - 1.0]) - 0.5
    top = max([*t_values, high_edge + 1.0]) + 0.5
    # Labels at the outer edges, where the 0.5 of padding keeps them clear of the lines.
    bands = (
        (high_edge, top, BAND_NORMAL, "Normal (T ≥ -1.0)", "top left"),
        (low_edge, high_edge, BAND_LOW, "Osteopenia (-2.5 < T < -1.0)", "top left"),
        (bottom, low_edge, BAND_OSTEOPOROSIS, "Osteoporosis (T ≤ -2.5)", "bottom left"),
    )
    return [
        {
            "type": "rect",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": round(y0, 1),
            "y1": round(y1, 1),
            "fillcolor": colour,
            "line": {"width": 0},
            "layer": "below",
            "label": {"text": text, "textposition": where, "font": {"size": FONT_SIZE}},
        }
        for y0, y1, colour, text, where in bands
    ]


def bmd_trend(
    history: PatientHistory, assessment: Assessment, *, x_range: Sequence[str] | None = None
) -> Figure:
    """BMD per site and side over time, with a T-score view behind the "T-score" button.

    Trace order: the BMD lines (per series, one trace per trend segment), then
    one "significant change" marker trace per series that has one, then the
    T-score lines (per series and segment, `visible: false`). The updatemenu's
    button 0 ("BMD") and 1 ("T-score") swap the visibility, the y-axis title and
    `layout.shapes` (the WHO bands appear with the T-score view only).
    """
    rows = assessment.change_rows
    layout = _base_layout("Bone density over time")
    layout["xaxis"] = {"type": "date"}
    layout["yaxis"] = {"title": {"text": BMD_AXIS_TITLE}, "automargin": True}
    if x_range is not None:
        layout["xaxis"]["range"] = list(x_range)
    if not rows:
        layout["annotations"] = [_empty_note("No bone density scans recorded yet.")]
        return {"data": [], "layout": layout}

    results = site_results(history)
    bmd_traces: list[dict[str, Any]] = []
    marker_traces: list[dict[str, Any]] = []
    t_traces: list[dict[str, Any]] = []
    t_values: list[float] = []
    for index, key in enumerate(_series_keys(rows)):
        site, side = key
        name = site_label(site, side)
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        dash = "solid" if index < len(SERIES_COLOURS) else "dash"
        series = sorted(
            (r for r in rows if (r.site, r.side) == key), key=lambda r: (r.scan_date, r.scan_id)
        )
        segments: dict[int, list[ChangeRow]] = defaultdict(list)
        for row in series:
            segments[row.segment].append(row)
        bmd_hover = (
            f"<b>{name}</b><br>{DATE_HOVER}<br>BMD %{{y:.3f}} g/cm²"
            "<br>T %{customdata[0]}, Z %{customdata[1]}"
            "<br>vs previous: %{customdata[2]}<br>vs baseline: %{customdata[3]}<extra></extra>"
        )
        t_hover = (
            f"<b>{name}</b><br>{DATE_HOVER}<br>T-score %{{y:.1f}}, Z %{{customdata[0]}}"
            "<br>BMD %{customdata[1]} g/cm²<extra></extra>"
        )
        t_shown = False
        for position, segment in enumerate(sorted(segments)):
            seg_rows = segments[segment]
            x = [r.scan_date.isoformat() for r in seg_rows]
            custom = []
            t_x, t_y, t_custom = [], [], []
            for r in seg_rows:
                result = results[(r.scan_id, r.site, r.side)]
                custom.append(
                    [
                        _score(result.t_score),
                        _score(result.z_score),
                        _change_text(r.vs_previous, r),
                        _change_text(r.vs_baseline, r),
                    ]
                )
                if result.t_score is not None:
                    t_x.append(r.scan_date.isoformat())
                    t_y.append(_num(result.t_score, 1))
                    t_custom.append([_score(result.z_score), f"{r.bmd:.3f}"])
            bmd_traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "legendgroup": f"bmd:{site}:{side}",
                    "showlegend": position == 0,
                    "x": x,
                    "y": [_num(r.bmd, 3) for r in seg_rows],
                    "customdata": custom,
                    "hovertemplate": bmd_hover,
                    "line": {"color": colour, "width": 2, "dash": dash},
                    "marker": {"color": colour, "size": 7},
                }
            )
            if t_x:
                t_values.extend(t_y)
                t_traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines+markers",
                        "name": name,
                        "legendgroup": f"t:{site}:{side}",
                        "showlegend": not t_shown,
                        "visible": False,
                        "x": t_x,
                        "y": t_y,
                        "customdata": t_custom,
                        "hovertemplate": t_hover,
                        "line": {"color": colour, "width": 2, "dash": dash},
                        "marker": {"color": colour, "size": 7},
                    }
                )
                t_shown = True
        significant = [r for r in series if r.vs_previous is not None and r.vs_previous.significant]
        if significant:
            marker_traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": SIGNIFICANT_LABEL,
                    "legendgroup": "significant",
                    "showlegend": not marker_traces,
                    "x": [r.scan_date.isoformat() for r in significant],
                    "y": [_num(r.bmd, 3) for r in significant],
                    # The line's own point underneath answers the hover.
                    "hoverinfo": "skip",
                    "marker": {
                        "symbol": "star",
                        "size": 16,
                        "color": colour,
                        "line": {"color": BLACK, "width": 1},
                    },
                }
            )

    starts = _segment_starts(history, rows, assessment.today)
    breaks = _break_shapes(starts)
    # WHO categories apply only in WHO mode (section 2.2: not before menopause or under 50).
    bands = _who_bands(t_values) if assessment.latest_scan.mode == "who" else []
    shown = len(bmd_traces) + len(marker_traces)
    bmd_view = [True] * shown + [False] * len(t_traces)
    t_view = [False] * shown + [True] * len(t_traces)
    layout["shapes"] = breaks
    if starts:
        layout["annotations"] = _break_annotations(starts)
    layout["updatemenus"] = [
        {
            "type": "buttons",
            "direction": "right",
            "active": 0,
            "showactive": True,
            "x": 1,
            "xanchor": "right",
            "y": 1.02,
            "yanchor": "bottom",
            "font": {"size": FONT_SIZE},
            "buttons": [
                {
                    "label": "BMD",
                    "method": "update",
                    "args": [
                        {"visible": bmd_view},
                        {
                            "shapes": breaks,
                            "yaxis.title.text": BMD_AXIS_TITLE,
                            "yaxis.autorange": True,
                        },
                    ],
                },
                {
                    "label": "T-score",
                    "method": "update",
                    "args": [
                        {"visible": t_view},
                        {
                            "shapes": bands + breaks,
                            "yaxis.title.text": T_AXIS_TITLE,
                            "yaxis.autorange": True,
                        },
                    ],
                },
            ],
        }
    ]
    return {"data": bmd_traces + marker_traces + t_traces, "layout": layout}


# --- medication timeline ------------------------------------------------------------


def _courses_until(history: PatientHistory, today: date) -> list[Course]:
    return sorted((c for c in history.courses if c.start <= today), key=lambda c: (c.start, c.id))


def drug_holidays(history: PatientHistory, today: date) -> list[tuple[Course, date, date]]:
    """(bisphosphonate course, first holiday day, last holiday day) for every holiday so far.

    The rule of `therapy.bp_holiday` (section 5.1) applied to past courses too: a
    bisphosphonate course ended for a "drug holiday" and no other drug carried
    on past its end. The holiday lasts until the next course starts, or today.
    """
    courses = _courses_until(history, today)
    found = []
    for course in courses:
        if not (
            drug_of(course).is_bisphosphonate
            and course.stop_reason == "drug_holiday"
            and course.end is not None
            and course.end < today
        ):
            continue
        end = course.end
        others = [o for o in courses if o is not course]
        if any(o.start <= end < last_day(o, today) for o in others):
            continue
        next_start = min((o.start for o in others if o.start > end), default=None)
        last = today if next_start is None else next_start - timedelta(days=1)
        if last > end:
            found.append((course, end + timedelta(days=1), last))
    return found


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
                "y": [drug_of(course).name for course, _, _ in holidays],
                "base": [first.isoformat() for _, first, _ in holidays],
                "x": [((last - first).days + 1) * MS_PER_DAY for _, first, last in holidays],
                "width": 0.6,
                "text": [HOLIDAY_LABEL] * len(holidays),
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"color": BLACK},
                "customdata": [
                    f"{_day(first)} – {'today' if last == today else _day(last)} "
                    f"({_duration((last - first).days + 1)})"
                    for _, first, last in holidays
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


# --- exercise -----------------------------------------------------------------------


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
    layout["xaxis"] = {"type": "category"}
    highest = max((sum(m for _, m in week) for _, week in totals), default=0)
    # An explicit range keeps the target line and its label inside the plot.
    layout["yaxis"] = {
        "title": {"text": "Minutes"},
        "range": [0, round(max(highest, AEROBIC_MINUTES_PER_WEEK) * 1.2)],
        "automargin": True,
    }
    layout["legend"]["traceorder"] = "normal"
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


# --- height -------------------------------------------------------------------------


class HeightReference(NamedTuple):
    cm: Decimal
    threshold_cm: Decimal  # at or below this, HEIGHT-LOSS applies (section 7)
    name: str  # "tallest recalled height" or "tallest measured height"
    recalled: bool


def height_reference(history: PatientHistory) -> HeightReference | None:
    """The height the HEIGHT-LOSS alert compares with, and its threshold (section 7).

    With a tallest recalled height the threshold is 4.0 cm below it. Without
    one, the alert compares measured heights with each other (a drop of 2.0 cm
    from an earlier one), so the reference is the tallest measured height and
    the threshold 2.0 cm below it: the line then means what the alert means.
    """
    tallest = history.profile.tallest_height_cm
    if tallest is not None:
        return HeightReference(
            tallest, tallest - HEIGHT_LOSS_FROM_TALLEST_CM, "tallest recalled height", True
        )
    measured = [h.cm for h in history.heights if h.measured]
    if not measured:
        return None
    top = max(measured)
    return HeightReference(top, top - HEIGHT_LOSS_MEASURED_CM, "tallest measured height", False)


def _height_trace(heights: list[Height], name: str, colour: str, dash: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [h.date.isoformat() for h in heights],
        "y": [_num(h.cm, 1) for h in heights],
        "hovertemplate": f"<b>{name}</b><br>{DATE_HOVER}<br>%{{y:.1f}} cm<extra></extra>",
        "line": {"color": colour, "width": 2, "dash": dash},
        "marker": {"color": colour, "size": 8},
    }


def _hline(y: float, text: str, dash: str, anchor: str, colour: str = BLACK) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "paper",
        "yref": "y",
        "x0": 0,
        "x1": 1,
        "y0": y,
        "y1": y,
        "line": {"color": colour, "width": 2, "dash": dash},
        "label": {
            "text": text,
            "textposition": "start",
            "yanchor": anchor,
            "font": {"size": FONT_SIZE},
        },
    }


def height_chart(history: PatientHistory) -> Figure:
    """Measured and self-reported heights, the reference height and the HEIGHT-LOSS line.

    Trace order: "Measured", then "Self-reported" (each only when it has
    points). `layout.shapes`: [reference line (dashed), threshold line], both
    labelled; the y range is set so both lines and their labels show.
    """
    heights = sorted(history.heights, key=lambda h: (h.date, h.id))
    measured = [h for h in heights if h.measured]
    reported = [h for h in heights if not h.measured]
    traces = []
    if measured:
        traces.append(_height_trace(measured, "Measured", BLUE, "solid"))
    if reported:
        traces.append(_height_trace(reported, "Self-reported", GREEN, "dot"))
    layout = _base_layout("Height")
    layout["xaxis"] = {"type": "date"}
    layout["yaxis"] = {"title": {"text": "Height (cm)"}, "automargin": True}
    reference = height_reference(history)
    if reference is not None:
        note = "" if reference.recalled else " (no tallest recalled height on file)"
        drop = reference.cm - reference.threshold_cm
        layout["shapes"] = [
            # Labels sit between the two lines, where the range below leaves room.
            _hline(
                _num(reference.cm, 1),
                f"{reference.name}: {reference.cm:.1f} cm{note}",
                "dash",
                "top",
            ),
            _hline(
                _num(reference.threshold_cm, 1),
                f"{drop:.1f} cm below it: {reference.threshold_cm:.1f} cm, "
                "ask about a spine X-ray or VFA",
                "solid",
                "bottom",
                colour=VERMILLION,
            ),
        ]
        values = [float(h.cm) for h in heights] + [
            float(reference.cm),
            float(reference.threshold_cm),
        ]
        layout["yaxis"]["range"] = [round(min(values) - 1.0, 1), round(max(values) + 1.0, 1)]
    if not heights:
        layout["annotations"] = [_empty_note("No heights recorded yet.")]
    return {"data": traces, "layout": layout}


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
        f"at or past the {drop:.1f} cm mark where a spine X-ray or VFA is worth asking about"
        if loss >= drop
        else f"less than the {drop:.1f} cm mark for height loss"
    )
    joiner = " that is" if reference.recalled else ""
    return f"{text}{joiner} {loss:.1f} cm lower, {verdict}."


# --- summaries ----------------------------------------------------------------------


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
                f"{name} BMD {latest.bmd:.3f} g/cm² on {_day(latest.scan_date)}, "
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
            verdict += " (estimated LSC)"
        sentences.append(f"{name} BMD {moved} since {change.ref_date.year}, {verdict}{t_note}.")
    for day, makes in _segment_starts(history, rows, assessment.today):
        sentences.append(
            f"The scanner make changed on {_day(day)} ({makes}): scans before and after are "
            "not comparable, so changes are measured from a new baseline."
        )
    return " ".join(sentences)


def _years(first: date, last: date) -> str:
    return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"


def medication_summary(history: PatientHistory, assessment: Assessment) -> str:
    today = assessment.today
    courses = _courses_until(history, today)
    if not courses:
        return "Medication: no osteoporosis medicine recorded."

    def lower(name: str) -> str:
        return name[:1].lower() + name[1:]

    running = [c for c in courses if c.end is None or c.end >= today]
    ended = sorted(
        (c for c in courses if c not in running), key=lambda c: (c.end, c.id), reverse=True
    )
    parts = [
        f"{lower(drug_of(c).name)} since {_month(c.start)} "
        f"({_duration((today - c.start).days + 1)})"
        for c in running
    ]
    parts += [f"{lower(drug_of(c).name)} {_years(c.start, last_day(c, today))}" for c in ended]
    text = "Medication: " + "; ".join(parts) + "."
    holidays = drug_holidays(history, today)
    if holidays and holidays[-1][2] == today:
        course, first, _ = holidays[-1]
        text += (
            f" Drug holiday from {lower(drug_of(course).name)} since {_month(first)} "
            f"({_duration((today - first).days + 1)})."
        )
    return text


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
