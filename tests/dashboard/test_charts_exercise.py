"""The exercise figure (charts.exercise): minutes per kind per week and the target line."""

from datetime import date, timedelta

from tests.dashboard.conftest import TODAY, names, valid
from tracker.dashboard.charts.exercise import exercise_weekly


def test_exercise_stacks_minutes_per_kind_per_week_with_the_150_minute_line():
    monday = date(2025, 6, 9)  # the week of TODAY
    sessions = [
        (monday, "aerobic", 100),
        (monday + timedelta(days=2), "aerobic", 60),
        (monday, "resistance", 30),
        (monday + timedelta(days=1), "resistance", 25),
        (monday - timedelta(days=7), "balance", 20),
        (monday - timedelta(weeks=20), "aerobic", 500),  # outside the 12 weeks
    ]
    fig = valid(exercise_weekly(iter(sessions), today=TODAY))
    assert names(fig) == [
        "Aerobic",
        "Resistance (strength)",
        "Balance / functional",
        "Weight-bearing or impact",
        "Posture / flexibility",
    ]
    assert all(t["type"] == "bar" for t in fig["data"])
    assert fig["layout"]["barmode"] == "stack"
    aerobic, resistance, balance, impact, _ = fig["data"]
    assert len(aerobic["x"]) == 12
    assert aerobic["x"][-1] == "9 Jun" and aerobic["x"][-2] == "2 Jun"
    assert aerobic["y"][-1] == 160 and sum(aerobic["y"]) == 160
    assert resistance["y"][-1] == 55 and resistance["customdata"][-1] == "2 sessions"
    assert balance["y"][-2] == 20 and balance["customdata"][-2] == "1 session"
    assert impact["y"] == [0] * 12

    (line,) = fig["layout"]["shapes"]
    assert line["type"] == "line" and line["line"]["dash"] == "dash"
    assert line["y0"] == line["y1"] == 150
    assert (line["xref"], line["x0"], line["x1"]) == ("paper", 0, 1)
    assert "150" in line["label"]["text"]
    assert fig["layout"]["yaxis"]["range"][1] > 160  # line, label and tallest bar all show
    subtitle = fig["layout"]["title"]["subtitle"]["text"]
    assert "resistance ≥ 2" in subtitle and "balance ≥ 2" in subtitle and "150" in subtitle


def test_exercise_long_ranges_name_the_year():
    fig = valid(exercise_weekly([], today=TODAY, weeks=60))
    labels = fig["data"][0]["x"]
    assert len(labels) == len(set(labels)) == 60
    assert labels[-1] == "9 Jun 2025"


def test_the_legend_sits_below_the_week_labels():
    """Issue 11, item 8: the horizontal legend covered the x-axis labels."""
    layout = valid(exercise_weekly([(TODAY, "aerobic", 30)], today=TODAY))["layout"]
    assert layout["xaxis"]["automargin"] is True
    legend = layout["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top"
    assert legend["y"] <= -0.3  # below the week labels, even when they turn on a phone
    assert layout["margin"]["b"] >= 120
