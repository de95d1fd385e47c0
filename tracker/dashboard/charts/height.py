"""The height figure: measured and self-reported heights, the reference and the alert line.

Shows the HEIGHT-LOSS rule of rule book section 7: the reference height
(`height_reference`) and the threshold at which a spine X-ray or VFA is worth
asking about.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from tracker.clinical.alerts import HEIGHT_LOSS_FROM_TALLEST_CM, HEIGHT_LOSS_MEASURED_CM
from tracker.clinical.dates import add_months
from tracker.clinical.history import Height, PatientHistory
from tracker.dashboard.charts.common import (
    BLACK,
    BLUE,
    DATE_HOVER,
    FONT_SIZE,
    GREEN,
    VERMILLION,
    Figure,
    _base_layout,
    _empty_note,
    _num,
)


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
    if len(heights) == 1:
        # One point: plotly would span a few milliseconds around it; show a year of dates.
        only = heights[0].date
        layout["xaxis"].update(
            range=[add_months(only, -6).isoformat(), add_months(only, 6).isoformat()],
            tickformat="%b %Y",
        )
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
                f"{drop:.1f} cm below it: {reference.threshold_cm:.1f} cm, ask about a spine X-ray",
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
