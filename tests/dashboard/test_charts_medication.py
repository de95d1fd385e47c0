"""The medication figure (charts.medication): courses by class, doses, drug holidays."""

from datetime import date, timedelta

import pytest

from tests.clinical.builders import course, history
from tests.dashboard.conftest import TODAY, medication_history, names, valid
from tracker.clinical.assess import assess
from tracker.clinical.therapy import bp_holiday, drug_holidays
from tracker.dashboard.charts import medication
from tracker.dashboard.charts.medication import (
    CLASS_COLOURS,
    medication_timeline,
    shared_x_range,
)

MS_PER_DAY = 86_400_000


def test_medication_bars_by_class_with_doses_and_holiday():
    hist = medication_history()
    fig = valid(medication_timeline(hist, assess(hist, TODAY)))
    assert names(fig) == ["Antiresorptive", "Anabolic", "Dual action", "drug holiday", "dose"]
    antiresorptive, anabolic, dual, holiday, doses = fig["data"]
    for trace, drug_class in ((antiresorptive, "antiresorptive"), (anabolic, "anabolic")):
        assert trace["type"] == "bar" and trace["orientation"] == "h"
        assert trace["marker"]["color"] == CLASS_COLOURS[drug_class]
    assert dual["marker"]["color"] == CLASS_COLOURS["dual"]
    assert len(set(CLASS_COLOURS.values())) == 4

    assert antiresorptive["y"] == ["Alendronate", "Denosumab"]
    assert antiresorptive["base"] == ["2015-01-01", "2021-03-01"]
    # The end date is the last day on the drug; a running course ends today.
    assert antiresorptive["x"] == [
        ((date(2019, 12, 31) - date(2015, 1, 1)).days + 1) * MS_PER_DAY,
        ((TODAY - date(2021, 3, 1)).days + 1) * MS_PER_DAY,
    ]
    assert antiresorptive["customdata"][1] == ["1 Mar 2021 – today (4 years)", "ongoing"]
    assert anabolic["y"] == ["Teriparatide"]

    # The holiday runs from the day after alendronate until romosozumab starts.
    assert holiday["y"] == ["Alendronate"]
    assert holiday["base"] == ["2020-01-01"]
    assert holiday["x"] == [5 * MS_PER_DAY]
    assert holiday["text"] == ["drug holiday"]
    assert holiday["marker"]["pattern"]["shape"] == "/"

    # Doses on their course's row; the one after today is not drawn yet.
    assert doses["mode"] == "markers"
    assert doses["x"] == ["2021-03-01", "2021-09-01", "2025-03-01"]
    assert doses["y"] == ["Denosumab"] * 3

    layout = fig["layout"]
    assert layout["barmode"] == "overlay"
    assert layout["xaxis"]["type"] == "date"
    assert layout["yaxis"]["type"] == "category"
    assert layout["yaxis"]["categoryarray"] == [
        "Teriparatide",
        "Alendronate",
        "Romosozumab",
        "Denosumab",
    ]


def test_a_holiday_in_progress_runs_to_today_like_the_engine_says():
    hist = history(
        courses=(course(1, "alendronate", date(2015, 1, 1), date(2022, 5, 31), "drug_holiday"),)
    )
    fig = valid(medication_timeline(hist, assess(hist, TODAY)))
    (holiday,) = [t for t in fig["data"] if t["name"] == "drug holiday"]
    assert holiday["base"] == ["2022-06-01"]
    assert holiday["x"] == [((TODAY - date(2022, 6, 1)).days + 1) * MS_PER_DAY]
    assert holiday["customdata"] == ["1 Jun 2022 – today (3 years)"]
    # Section 11.1: the engine's holiday starts the day after the last day on the drug.
    engine = bp_holiday(hist, TODAY)
    assert engine is not None and engine.first_day == date(2022, 6, 1)
    assert holiday["base"] == [engine.first_day.isoformat()]
    assert "dose" not in names(fig)


def test_holiday_bars_are_the_engines_drug_holidays():
    # One definition (therapy.drug_holidays): the chart keeps no copy of its own.
    assert getattr(medication, "drug_holidays", drug_holidays) is drug_holidays
    hist = history(
        courses=(
            course(1, "alendronate", date(2008, 1, 1), date(2012, 12, 31), "drug_holiday"),
            course(2, "risedronate", date(2014, 1, 1), date(2022, 5, 31), "drug_holiday"),
        )
    )
    fig = valid(medication_timeline(hist, assess(hist, TODAY)))
    (holiday,) = [t for t in fig["data"] if t["name"] == "drug holiday"]
    engine = drug_holidays(hist, TODAY)
    assert holiday["y"] == ["Alendronate", "Risedronate"]
    assert holiday["base"] == [h.first_day.isoformat() for h in engine]
    assert holiday["x"] == [((h.last_day - h.first_day).days + 1) * MS_PER_DAY for h in engine]
    assert holiday["customdata"] == [
        "1 Jan 2013 – 31 Dec 2013 (12 months)",
        "1 Jun 2022 – today (3 years)",
    ]


@pytest.mark.parametrize(
    "courses",
    [
        # Stopped for another reason: no holiday.
        (course(1, "alendronate", date(2015, 1, 1), date(2020, 1, 1), "switched"),),
        # Another drug carried on past the end: no holiday.
        (
            course(1, "alendronate", date(2015, 1, 1), date(2020, 1, 1), "drug_holiday"),
            course(2, "raloxifene", date(2019, 1, 1)),
        ),
        # Not a bisphosphonate.
        (course(1, "raloxifene", date(2015, 1, 1), date(2020, 1, 1), "drug_holiday"),),
        # The next course starts the day after.
        (
            course(1, "alendronate", date(2015, 1, 1), date(2020, 1, 1), "drug_holiday"),
            course(2, "denosumab", date(2020, 1, 2)),
        ),
    ],
)
def test_no_holiday_bar(courses):
    hist = history(courses=courses)
    fig = valid(medication_timeline(hist, assess(hist, TODAY)))
    assert "drug holiday" not in names(fig)


def test_medication_timeline_empty_and_future_courses():
    hist = history(courses=(course(1, "denosumab", TODAY + timedelta(days=3)),))
    fig = valid(medication_timeline(hist, assess(hist, TODAY)))
    assert fig["data"] == []
    assert "No osteoporosis medicine" in fig["layout"]["annotations"][0]["text"]


def test_shared_x_range_spans_first_scan_or_course_to_today():
    hist = medication_history()
    start, end = shared_x_range(hist, TODAY)
    first = date(2012, 6, 1)  # the scan comes before the first course
    assert date.fromisoformat(start) < first <= date.fromisoformat(start) + timedelta(days=200)
    assert TODAY < date.fromisoformat(end) <= TODAY + timedelta(days=200)
    fig = valid(medication_timeline(hist, assess(hist, TODAY), x_range=[start, end]))
    assert fig["layout"]["xaxis"]["range"] == [start, end]
    lone = shared_x_range(history(), TODAY)
    assert date.fromisoformat(lone[0]) < TODAY < date.fromisoformat(lone[1])
