"""The charts package as the dashboard page uses it: every figure and summary at once.

A 25-year history, checked for size; the figures one by one are tested in the
test_charts_* modules next to this one.
"""

import gzip
import json
from datetime import date, timedelta

from tests.clinical.builders import course, height, history, profile, scan, site
from tests.dashboard.conftest import valid
from tracker.clinical.assess import assess
from tracker.clinical.exercise import KINDS
from tracker.dashboard import charts


def gz_size(fig) -> int:
    return len(gzip.compress(json.dumps(fig).encode()))


def long_history():
    """25 years: 50 scans x 4 sites (a change of make half way), 12 courses, 150 doses."""
    start = date(2000, 7, 1)
    scans = []
    for i in range(50):
        day = start + timedelta(days=182 * i)
        make = "hologic" if i < 25 else "ge_lunar"
        drift = (i % 7) * 9
        scans.append(
            scan(
                i + 1,
                day,
                site("lumbar_spine", f"{0.800 + drift / 1000:.3f}", t=f"{-2.5 + i % 5 / 10:.1f}"),
                site("total_hip", f"{0.700 + drift / 1000:.3f}", t="-2.1"),
                site("femoral_neck", f"{0.600 + drift / 1000:.3f}", t="-2.6"),
                site("radius_33", f"{0.650 + drift / 1000:.3f}", t="-1.9"),
                make=make,
            )
        )
    drugs = ["denosumab", "zoledronic_acid", "romosozumab", "ibandronate_iv"]
    courses = []
    for i in range(12):
        first = start + timedelta(days=730 * i)
        count = 13 if i < 6 else 12
        doses = tuple(first + timedelta(days=56 * k) for k in range(count))
        end = None if i == 11 else first + timedelta(days=729)
        courses.append(course(i + 1, drugs[i % 4], first, end, "switched", doses=doses))
    heights = tuple(
        height(i + 1, start + timedelta(days=365 * i), f"{165 - i * 0.2:.1f}", i % 2 == 0)
        for i in range(25)
    )
    return history(
        profile(tallest="166.0"), scans=tuple(scans), courses=tuple(courses), heights=heights
    )


def long_sessions():
    today = date(2025, 6, 30)
    return [
        (today - timedelta(days=i * 9125 // 5000), KINDS[i % len(KINDS)], 20 + i % 40)
        for i in range(5000)
    ]


def test_a_25_year_history_stays_small():
    hist = long_history()
    today = date(2025, 6, 30)
    assert sum(len(c.doses) for c in hist.courses) == 150
    assert sum(len(s.sites) for s in hist.scans) == 200
    assessment = assess(hist, today)
    sessions = long_sessions()
    x_range = charts.shared_x_range(hist, today)
    figures = {
        "bmd": charts.bmd_trend(hist, assessment, x_range=x_range),
        "medication": charts.medication_timeline(hist, assessment, x_range=x_range),
        "exercise": charts.exercise_weekly(sessions, today=today),
        "height": charts.height_chart(hist),
    }
    for fig in figures.values():
        valid(fig)
        assert gz_size(fig) <= 50_000
    # 4 sites x 2 segments, in both views.
    assert len([t for t in figures["bmd"]["data"] if t.get("visible") is False]) == 8
    assert sum(len(t["x"]) for t in figures["medication"]["data"] if t["name"] == "dose") == 150
    assert len(figures["bmd"]["layout"]["annotations"]) == 1

    found = charts.summaries(hist, assessment, sessions=sessions)
    assert set(found) == {"bmd", "medication", "height", "exercise"}
    assert found["bmd"].count("bone density") == 4
    assert "The scanner make changed on" in found["bmd"]
    assert found["medication"].startswith("Medication: ibandronate, IV since ")
    assert all(len(text) < 2_000 for text in found.values())
