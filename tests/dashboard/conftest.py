"""What the chart tests share: the day, the scan dates, the histories and the checks.

No database: histories are built in memory and every figure is checked by
`plotly.graph_objects.Figure`, which raises on any property plotly does not know.
"""

import json
from datetime import date

import plotly.graph_objects as go

from tests.clinical.builders import course, history, scan, site

TODAY = date(2025, 6, 15)
S1, S2, S3, S4 = date(2017, 1, 10), date(2019, 1, 10), date(2021, 1, 12), date(2023, 1, 10)


def valid(fig: dict) -> dict:
    """The figure is plain JSON and plotly accepts every property in it."""
    json.dumps(fig)  # no default=: Decimal or date left in would raise here
    go.Figure(fig)
    return fig


def names(fig):
    return [trace["name"] for trace in fig["data"]]


def two_site_history(**extra):
    """Spine and left hip on four Hologic scans; spine changes are chosen against its 5.3 % LSC."""
    return history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800", t="-2.7"), site("total_hip", "0.700")),
            scan(2, S2, site("lumbar_spine", "0.860", t="-2.2"), site("total_hip", "0.705")),
            scan(3, S3, site("lumbar_spine", "0.870", t=None), site("total_hip", "0.710")),
            scan(4, S4, site("lumbar_spine", "0.800", t="-2.7"), site("total_hip", "0.712")),
        ),
        **extra,
    )


def make_change_history():
    """Hologic twice, then GE Lunar twice: two trend segments."""
    return history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800", t="-2.7")),
            scan(2, S2, site("lumbar_spine", "0.860", t="-2.2")),
            scan(3, S3, site("lumbar_spine", "0.950", t="-2.0"), make="ge_lunar"),
            scan(4, S4, site("lumbar_spine", "1.010", t="-1.5"), make="ge_lunar"),
        )
    )


def medication_history():
    return history(
        courses=(
            course(1, "teriparatide", date(2013, 1, 1), date(2014, 12, 31), "course_completed"),
            course(2, "alendronate", date(2015, 1, 1), date(2019, 12, 31), "drug_holiday"),
            course(
                3,
                "denosumab",
                date(2021, 3, 1),
                doses=(date(2021, 3, 1), date(2021, 9, 1), date(2025, 3, 1), date(2025, 9, 1)),
            ),
            course(4, "romosozumab", date(2020, 1, 6), date(2020, 2, 6), "other"),
        ),
        scans=(scan(1, date(2012, 6, 1), site()),),
    )
