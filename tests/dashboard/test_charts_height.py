"""The height figure (charts.height): heights, the reference and the HEIGHT-LOSS line."""

from datetime import date

import pytest

from tests.clinical.builders import height, history, profile
from tests.dashboard.conftest import TODAY, names, valid
from tracker.clinical.assess import assess
from tracker.dashboard.charts.height import height_chart


def test_height_measured_and_self_reported_with_tallest_and_threshold_lines():
    hist = history(
        profile(tallest="165.0"),
        heights=(
            height(1, date(2017, 1, 1), "163.0"),
            height(2, date(2023, 1, 1), "160.5"),
            height(3, date(2024, 1, 1), "161.0", measured=False),
        ),
    )
    fig = valid(height_chart(hist))
    assert names(fig) == ["Measured", "Self-reported"]
    measured, reported = fig["data"]
    assert measured["mode"] == reported["mode"] == "lines+markers"
    assert measured["y"] == [163.0, 160.5] and reported["y"] == [161.0]
    tallest, threshold = fig["layout"]["shapes"]
    assert tallest["y0"] == tallest["y1"] == 165.0 and tallest["line"]["dash"] == "dash"
    assert "tallest recalled height" in tallest["label"]["text"]
    assert threshold["y0"] == threshold["y1"] == 161.0  # 165.0 - 4.0 (section 7)
    assert "4.0 cm" in threshold["label"]["text"]
    assert "ask about a spine X-ray" in threshold["label"]["text"]
    low, high = fig["layout"]["yaxis"]["range"]
    assert low < 160.5 and high > 165.0


@pytest.mark.parametrize(("latest", "alerted"), [("161.1", False), ("161.0", True)])
def test_without_a_tallest_height_the_line_is_the_measured_drop_the_alert_uses(latest, alerted):
    hist = history(
        heights=(
            height(1, date(2017, 1, 1), "162.0"),
            height(2, date(2019, 1, 1), "163.0"),
            height(3, date(2024, 1, 1), latest),
        )
    )
    fig = valid(height_chart(hist))
    reference, threshold = fig["layout"]["shapes"]
    assert reference["y0"] == 163.0
    assert "tallest measured height" in reference["label"]["text"]
    assert "no tallest recalled height on file" in reference["label"]["text"]
    assert threshold["y0"] == 161.0  # a drop of 2.0 cm between measured heights
    below = float(latest) <= threshold["y0"]
    engine = any(a.rule_id == "HEIGHT-LOSS" for a in assess(hist, TODAY).alerts)
    assert below == engine == alerted


def test_height_chart_with_no_heights():
    fig = valid(height_chart(history()))
    assert fig["data"] == []
    assert "shapes" not in fig["layout"]
    assert "No heights" in fig["layout"]["annotations"][0]["text"]


def test_a_single_height_gets_a_date_axis_around_it():
    """Issue 11, item 8: one height drew an axis in milliseconds; give it a year of dates."""
    hist = history(profile(), heights=(height(1, date(2024, 3, 15), "160.5"),))
    xaxis = valid(height_chart(hist))["layout"]["xaxis"]
    assert xaxis["type"] == "date"
    assert xaxis["range"] == ["2023-09-15", "2024-09-15"]
    assert xaxis["tickformat"] == "%b %Y"


def test_several_heights_keep_plotlys_own_range():
    hist = history(
        profile(),
        heights=(height(1, date(2020, 1, 1), "161.0"), height(2, date(2024, 1, 1), "160.0")),
    )
    assert "range" not in valid(height_chart(hist))["layout"]["xaxis"]
