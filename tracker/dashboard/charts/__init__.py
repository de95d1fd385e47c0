"""Dashboard charts as plain, JSON-ready dicts for `Plotly.newPlot(el, fig.data, fig.layout)`.

Pure functions: they read the engine's `PatientHistory` and `Assessment` and
never re-derive a rule (segments, significance and holidays come from
`tracker.clinical`). No plotly import: building a `go.Figure` per request is
slow and the browser only needs the dict. Decimals become rounded floats and
dates ISO strings, so `json.dumps` (and Django's `json_script`) take the result
as it is, and a 25-year history stays well under 50 KB gzipped per chart.

One module per figure (`bone_density`, `medication`, `exercise`, `height`), the
text summaries in `summaries` and what they share in `common`. The package
itself re-exports only what the dashboard page builds.
"""

from tracker.dashboard.charts.bone_density import bmd_trend
from tracker.dashboard.charts.exercise import exercise_weekly
from tracker.dashboard.charts.height import height_chart
from tracker.dashboard.charts.medication import medication_timeline, shared_x_range
from tracker.dashboard.charts.summaries import summaries

__all__ = [
    "bmd_trend",
    "exercise_weekly",
    "height_chart",
    "medication_timeline",
    "shared_x_range",
    "summaries",
]
