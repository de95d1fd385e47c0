"""The bone density figure: BMD per site and side over time, with a T-score view.

Shows rule book section 3 (change against the least significant change, section
3.2; no trend line across a change of scanner make, section 3.4) and, in the
T-score view, the WHO categories of section 2.1 where section 2.2 lets them apply.
Each course of treatment is a shaded period behind the lines (what each drug did,
rule book 11.28), coloured by drug class as in the medication chart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from tracker.clinical.assess import Assessment
from tracker.clinical.change import MANUFACTURER_LABELS, Change, ChangeRow, same_make
from tracker.clinical.classify import T_NORMAL_MIN, T_OSTEOPOROSIS_MAX
from tracker.clinical.history import CLASSIFYING_SITES, Course, PatientHistory, Scan
from tracker.clinical.therapy import drug_of, last_day
from tracker.dashboard.charts.common import (
    BLACK,
    DATE_HOVER,
    FONT_SIZE,
    SERIES_COLOURS,
    SIDE_ORDER,
    Figure,
    _base_layout,
    _empty_note,
    _num,
    plain_text,
    signed_pct,
    site_label,
    site_results,
)
from tracker.dashboard.charts.medication import CLASS_COLOURS, CLASS_LABELS, _courses_until

BMD_AXIS_TITLE = "BMD (g/cm²)"
T_AXIS_TITLE = "T-score"
BREAK_LABEL = "new scanner make: not comparable"
SIGNIFICANT_LABEL = "significant change"

# Section 2.1 WHO bands for the T-score view; light fills so the lines stay readable.
BAND_NORMAL = "rgba(0, 158, 115, 0.12)"
BAND_LOW = "rgba(240, 228, 66, 0.22)"
BAND_OSTEOPOROSIS = "rgba(213, 94, 0, 0.14)"

# Courses of treatment: the medication chart's class colour, this light, so the lines
# and their markers keep their contrast over it; where two courses overlap, the shades add.
COURSE_SHADE_ALPHA = 0.12
COURSE_EDGE_ALPHA = 0.6
COURSE_LEGEND_SUFFIX = " (shaded)"
# Two courses starting closer than this would print their names on top of each other.
LABEL_CROWDED_DAYS = 365


def _series_keys(rows: Iterable[ChangeRow]) -> list[tuple[str, str]]:
    keys = {(row.site, row.side) for row in rows}
    return sorted(keys, key=lambda k: (CLASSIFYING_SITES.index(k[0]), SIDE_ORDER[k[1]]))


def _score(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _change_text(change: Change | None, row: ChangeRow) -> str:
    if change is None:
        return "new baseline (new scanner make)" if row.segment > 0 else "baseline"
    verdict = "significant" if change.significant else "within the margin of error"
    if change.estimated:
        verdict += ", estimated margin"
    if change.comparability == "uncertain":
        verdict += ", comparability uncertain"
    return f"{signed_pct(change.pct)} % ({verdict})"


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
            # The reason names scanner models someone typed: text, never markup.
            "hovertext": f"{plain_text(reason)}: a new baseline starts here",
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


def _shade(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def course_periods(history: PatientHistory, today: date) -> list[tuple[Course, date]]:
    """(course, last day so far) for every course started by `today`, oldest first."""
    return [(course, last_day(course, today)) for course in _courses_until(history, today)]


def _course_shapes(history: PatientHistory, today: date) -> list[dict[str, Any]]:
    """A shaded period per course, labelled with the drug; one legend entry per class.

    A course that starts within a year of the one before has its label at the
    bottom, so two names never sit on top of each other.
    """
    shapes: list[dict[str, Any]] = []
    shown: set[str] = set()
    previous: tuple[date, str] | None = None  # the course before: its start and label place
    for course, last in course_periods(history, today):
        drug = drug_of(course)
        where = "top left"
        if previous is not None and previous[1] == where:
            if (course.start - previous[0]).days < LABEL_CROWDED_DAYS:
                where = "bottom left"
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": course.start.isoformat(),
                "x1": last.isoformat(),
                "y0": 0,
                "y1": 1,
                "fillcolor": _shade(CLASS_COLOURS[drug.drug_class], COURSE_SHADE_ALPHA),
                # An edge in the class colour: two courses of one class in a row stay two.
                "line": {
                    "color": _shade(CLASS_COLOURS[drug.drug_class], COURSE_EDGE_ALPHA),
                    "width": 1,
                },
                "layer": "below",
                "name": CLASS_LABELS[drug.drug_class] + COURSE_LEGEND_SUFFIX,
                "legendgroup": f"course:{drug.drug_class}",
                "showlegend": drug.drug_class not in shown,
                "label": {"text": drug.name, "textposition": where, "font": {"size": FONT_SIZE}},
            }
        )
        shown.add(drug.drug_class)
        previous = (course.start, where)
    return shapes


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
    `layout.shapes` (the WHO bands appear with the T-score view only, the shaded
    courses of treatment with the BMD view only: change is judged on BMD).
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
    courses = _course_shapes(history, assessment.today)
    # WHO categories apply only in WHO mode (section 2.2: not before menopause or under 50).
    bands = _who_bands(t_values) if assessment.latest_scan.mode == "who" else []
    shown = len(bmd_traces) + len(marker_traces)
    bmd_view = [True] * shown + [False] * len(t_traces)
    t_view = [False] * shown + [True] * len(t_traces)
    layout["shapes"] = courses + breaks
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
                            "shapes": courses + breaks,
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
                            # The WHO bands instead of the courses: both shaded, they blur.
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
