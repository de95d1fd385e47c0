"""Dashboard figures: plain dicts that plotly accepts, built from the engine's results.

No database: histories are built in memory and every figure is checked by
`plotly.graph_objects.Figure`, which raises on any property plotly does not know.
"""

import gzip
import json
from datetime import date, timedelta

import plotly.graph_objects as go
import pytest

from tests.clinical.builders import (
    D,
    course,
    height,
    history,
    profile,
    scan,
    site,
)
from tracker.clinical.assess import assess
from tracker.clinical.exercise import KINDS
from tracker.clinical.therapy import bp_holiday
from tracker.dashboard import charts
from tracker.dashboard.charts.medication import CLASS_COLOURS

TODAY = date(2025, 6, 15)
MS_PER_DAY = 86_400_000
S1, S2, S3, S4 = date(2017, 1, 10), date(2019, 1, 10), date(2021, 1, 12), date(2023, 1, 10)


def valid(fig: dict) -> dict:
    """The figure is plain JSON and plotly accepts every property in it."""
    json.dumps(fig)  # no default=: Decimal or date left in would raise here
    go.Figure(fig)
    return fig


def names(fig):
    return [trace["name"] for trace in fig["data"]]


def buttons(fig):
    (menu,) = fig["layout"]["updatemenus"]
    return menu["buttons"]


def bands(shapes):
    return [s for s in shapes if s["type"] == "rect"]


def gz_size(fig) -> int:
    return len(gzip.compress(json.dumps(fig).encode()))


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


# --- BMD trend ----------------------------------------------------------------------


def test_bmd_trend_one_line_per_site_then_markers_then_hidden_t_score_lines():
    hist = two_site_history()
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    assert names(fig) == [
        "Lumbar spine",
        "Total hip (left)",
        "significant change",
        "Lumbar spine",
        "Total hip (left)",
    ]
    bmd_spine, bmd_hip, marks, t_spine, t_hip = fig["data"]
    assert bmd_spine["mode"] == "lines+markers"
    assert bmd_spine["x"] == [S1.isoformat(), S2.isoformat(), S3.isoformat(), S4.isoformat()]
    assert bmd_spine["y"] == [0.8, 0.86, 0.87, 0.8]
    assert bmd_hip["line"]["color"] != bmd_spine["line"]["color"]
    assert all(trace.get("visible", True) is True for trace in (bmd_spine, bmd_hip, marks))
    assert t_spine["visible"] is False and t_hip["visible"] is False
    # The scan without a T-score has no point on the T-score line.
    assert t_spine["x"] == [S1.isoformat(), S2.isoformat(), S4.isoformat()]
    assert t_spine["y"] == [-2.7, -2.2, -2.7]
    assert t_spine["line"]["color"] == bmd_spine["line"]["color"]
    layout = fig["layout"]
    assert layout["yaxis"]["title"]["text"] == "BMD (g/cm²)"
    assert layout["hovermode"] == "closest"
    assert layout["legend"]["orientation"] == "h"
    assert layout["font"]["size"] >= 14
    assert layout["autosize"] is True and layout["height"] == 420
    assert "template" not in layout


def test_bmd_and_t_score_buttons_swap_traces_axis_title_and_who_bands():
    hist = two_site_history()
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    bmd, t_score = buttons(fig)
    assert [bmd["label"], t_score["label"]] == ["BMD", "T-score"]
    assert bmd["method"] == t_score["method"] == "update"
    assert bmd["args"][0]["visible"] == [True, True, True, False, False]
    assert t_score["args"][0]["visible"] == [False, False, False, True, True]
    assert bmd["args"][1]["yaxis.title.text"] == "BMD (g/cm²)"
    assert t_score["args"][1]["yaxis.title.text"] == "T-score"

    # Shapes cannot follow trace visibility, so each button carries its own.
    assert bands(bmd["args"][1]["shapes"]) == []
    assert bands(fig["layout"]["shapes"]) == []
    normal, low, osteoporosis = bands(t_score["args"][1]["shapes"])
    assert normal["y0"] == -1.0 and normal["y1"] > -1.0
    assert (low["y0"], low["y1"]) == (-2.5, -1.0)
    assert osteoporosis["y1"] == -2.5 and osteoporosis["y0"] < min(-2.7, -2.5)
    assert normal["label"]["text"].startswith("Normal")
    assert low["label"]["text"].startswith("Osteopenia")
    assert osteoporosis["label"]["text"].startswith("Osteoporosis")
    assert all(band["layer"] == "below" and band["yref"] == "y" for band in (normal, low))


def test_no_who_bands_for_someone_the_t_score_categories_do_not_apply_to():
    # Section 2.2: premenopausal women are described by the Z-score, not WHO categories.
    hist = two_site_history(prof=profile(age=40, status="premenopausal"))
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    assert bands(buttons(fig)[1]["args"][1]["shapes"]) == []


def test_hover_shows_scores_and_both_changes_with_the_lsc_verdict():
    hist = two_site_history()
    spine = valid(charts.bmd_trend(hist, assess(hist, TODAY)))["data"][0]
    template = spine["hovertemplate"]
    for part in ("Lumbar spine", "%{x|", "%{y:.3f}", "%{customdata[0]}", "%{customdata[3]}"):
        assert part in template
    assert spine["customdata"] == [
        ["-2.7", "0.0", "baseline", "baseline"],
        ["-2.2", "0.0"] + ["+7.5 % (significant, estimated LSC)"] * 2,
        ["n/a", "0.0", "+1.2 % (within LSC, estimated LSC)", "+8.8 % (significant, estimated LSC)"],
        ["-2.7", "0.0", "-8.0 % (significant, estimated LSC)", "0.0 % (within LSC, estimated LSC)"],
    ]


def test_facility_lsc_is_not_called_estimated():
    hist = history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800", facility_lsc_g=D("0.020"))),
            scan(2, S2, site("lumbar_spine", "0.815", facility_lsc_g=D("0.020"))),
        )
    )
    spine = valid(charts.bmd_trend(hist, assess(hist, TODAY)))["data"][0]
    assert spine["customdata"][1][2] == "+1.9 % (within LSC)"


def test_significant_changes_vs_previous_are_starred_once_in_the_legend():
    hist = history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800"), site("total_hip", "0.700")),
            scan(2, S2, site("lumbar_spine", "0.860"), site("total_hip", "0.600")),
            scan(3, S3, site("lumbar_spine", "0.870"), site("total_hip", "0.605")),
            scan(4, S4, site("lumbar_spine", "0.800"), site("total_hip", "0.607")),
        )
    )
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    marks = [t for t in fig["data"] if t["name"] == "significant change"]
    assert len(marks) == 2
    spine_marks, hip_marks = marks
    # Spine: +7.5 % then -8.0 % are significant; +1.2 % is not.
    assert spine_marks["x"] == [S2.isoformat(), S4.isoformat()]
    assert spine_marks["y"] == [0.86, 0.8]
    assert hip_marks["x"] == [S2.isoformat()] and hip_marks["y"] == [0.6]
    assert [m["showlegend"] for m in marks] == [True, False]
    assert {m["legendgroup"] for m in marks} == {"significant"}
    assert all(m["mode"] == "markers" and m["marker"]["symbol"] == "star" for m in marks)
    # The line's point underneath answers the hover, with the full story.
    assert all(m["hoverinfo"] == "skip" for m in marks)
    assert spine_marks["marker"]["color"] == fig["data"][0]["line"]["color"]


def test_no_marker_trace_without_a_significant_change():
    hist = history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800")),
            scan(2, S2, site("lumbar_spine", "0.810")),
        )
    )
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    assert names(fig) == ["Lumbar spine", "Lumbar spine"]


def test_a_new_scanner_make_breaks_the_line_and_is_labelled():
    hist = make_change_history()
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    bmd_lines = [t for t in fig["data"] if t.get("visible", True) and t["mode"] != "markers"]
    assert len(bmd_lines) == 2
    before, after = bmd_lines
    assert before["x"] == [S1.isoformat(), S2.isoformat()]
    assert after["x"] == [S3.isoformat(), S4.isoformat()]
    # Same series: same colour and legend group, one legend entry.
    assert before["line"]["color"] == after["line"]["color"]
    assert before["legendgroup"] == after["legendgroup"]
    assert [before["showlegend"], after["showlegend"]] == [True, False]
    # No trace, in either view, draws a line across the break.
    for trace in fig["data"]:
        if "lines" in trace["mode"]:
            dates = [date.fromisoformat(x) for x in trace["x"]]
            assert all(d < S3 for d in dates) or all(d >= S3 for d in dates)
    t_lines = [t for t in fig["data"] if t.get("visible") is False]
    assert [t["x"] for t in t_lines] == [before["x"], after["x"]]

    (note,) = fig["layout"]["annotations"]
    assert note["text"] == "new scanner make: not comparable"
    assert note["x"] == S3.isoformat()
    assert "Hologic, then GE Lunar" in note["hovertext"]
    (line,) = fig["layout"]["shapes"]
    assert (line["x0"], line["x1"], line["line"]["dash"]) == (S3.isoformat(),) * 2 + ("dot",)
    bmd, t_score = buttons(fig)
    assert line in bmd["args"][1]["shapes"] and line in t_score["args"][1]["shapes"]
    # The first point of the new segment is a new baseline, not a change.
    assert after["customdata"][0][2:] == ["new baseline (new scanner make)"] * 2
    assert after["customdata"][1][3] == "+6.3 % (significant, estimated LSC)"


def test_bmd_trend_without_scans_says_so():
    hist = history()
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY)))
    assert fig["data"] == []
    assert "No bone density scans" in fig["layout"]["annotations"][0]["text"]
    assert "updatemenus" not in fig["layout"]


def test_bmd_trend_shares_the_x_range():
    hist = make_change_history()
    x_range = charts.shared_x_range(hist, TODAY)
    fig = valid(charts.bmd_trend(hist, assess(hist, TODAY), x_range=x_range))
    assert fig["layout"]["xaxis"]["range"] == x_range


# --- medication timeline ------------------------------------------------------------


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


def test_medication_bars_by_class_with_doses_and_holiday():
    hist = medication_history()
    fig = valid(charts.medication_timeline(hist, assess(hist, TODAY)))
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
    fig = valid(charts.medication_timeline(hist, assess(hist, TODAY)))
    (holiday,) = [t for t in fig["data"] if t["name"] == "drug holiday"]
    assert holiday["base"] == ["2022-06-01"]
    assert holiday["x"] == [((TODAY - date(2022, 6, 1)).days + 1) * MS_PER_DAY]
    assert holiday["customdata"] == ["1 Jun 2022 – today (3 years)"]
    engine = bp_holiday(hist, TODAY)
    assert engine is not None and engine.start == date(2022, 5, 31)
    assert "dose" not in names(fig)


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
    fig = valid(charts.medication_timeline(hist, assess(hist, TODAY)))
    assert "drug holiday" not in names(fig)


def test_medication_timeline_empty_and_future_courses():
    hist = history(courses=(course(1, "denosumab", TODAY + timedelta(days=3)),))
    fig = valid(charts.medication_timeline(hist, assess(hist, TODAY)))
    assert fig["data"] == []
    assert "No osteoporosis medicine" in fig["layout"]["annotations"][0]["text"]


def test_shared_x_range_spans_first_scan_or_course_to_today():
    hist = medication_history()
    start, end = charts.shared_x_range(hist, TODAY)
    first = date(2012, 6, 1)  # the scan comes before the first course
    assert date.fromisoformat(start) < first <= date.fromisoformat(start) + timedelta(days=200)
    assert TODAY < date.fromisoformat(end) <= TODAY + timedelta(days=200)
    fig = valid(charts.medication_timeline(hist, assess(hist, TODAY), x_range=[start, end]))
    assert fig["layout"]["xaxis"]["range"] == [start, end]
    lone = charts.shared_x_range(history(), TODAY)
    assert date.fromisoformat(lone[0]) < TODAY < date.fromisoformat(lone[1])


# --- exercise -----------------------------------------------------------------------


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
    fig = valid(charts.exercise_weekly(iter(sessions), today=TODAY))
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
    fig = valid(charts.exercise_weekly([], today=TODAY, weeks=60))
    labels = fig["data"][0]["x"]
    assert len(labels) == len(set(labels)) == 60
    assert labels[-1] == "9 Jun 2025"


# --- height -------------------------------------------------------------------------


def test_height_measured_and_self_reported_with_tallest_and_threshold_lines():
    hist = history(
        profile(tallest="165.0"),
        heights=(
            height(1, date(2017, 1, 1), "163.0"),
            height(2, date(2023, 1, 1), "160.5"),
            height(3, date(2024, 1, 1), "161.0", measured=False),
        ),
    )
    fig = valid(charts.height_chart(hist))
    assert names(fig) == ["Measured", "Self-reported"]
    measured, reported = fig["data"]
    assert measured["mode"] == reported["mode"] == "lines+markers"
    assert measured["y"] == [163.0, 160.5] and reported["y"] == [161.0]
    tallest, threshold = fig["layout"]["shapes"]
    assert tallest["y0"] == tallest["y1"] == 165.0 and tallest["line"]["dash"] == "dash"
    assert "tallest recalled height" in tallest["label"]["text"]
    assert threshold["y0"] == threshold["y1"] == 161.0  # 165.0 - 4.0 (section 7)
    assert "4.0 cm" in threshold["label"]["text"]
    assert "X-ray or VFA" in threshold["label"]["text"]
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
    fig = valid(charts.height_chart(hist))
    reference, threshold = fig["layout"]["shapes"]
    assert reference["y0"] == 163.0
    assert "tallest measured height" in reference["label"]["text"]
    assert "no tallest recalled height on file" in reference["label"]["text"]
    assert threshold["y0"] == 161.0  # a drop of 2.0 cm between measured heights
    below = float(latest) <= threshold["y0"]
    engine = any(a.rule_id == "HEIGHT-LOSS" for a in assess(hist, TODAY).alerts)
    assert below == engine == alerted


def test_height_chart_with_no_heights():
    fig = valid(charts.height_chart(history()))
    assert fig["data"] == []
    assert "shapes" not in fig["layout"]
    assert "No heights" in fig["layout"]["annotations"][0]["text"]


# --- summaries ----------------------------------------------------------------------


def test_bmd_summary_per_site_and_the_scanner_break():
    hist = two_site_history()
    text = charts.summaries(hist, assess(hist, TODAY))["bmd"]
    assert (
        "Lumbar spine BMD changed by 0.0 % since 2017, not a significant change "
        "(estimated LSC); latest T-score -2.7."
    ) in text
    assert "Total hip (left) BMD rose 1.7 % since 2017, not a significant change" in text

    hist = make_change_history()
    text = charts.summaries(hist, assess(hist, TODAY))["bmd"]
    assert text.startswith(
        "Lumbar spine BMD rose 6.3 % since 2021, a significant change (estimated LSC)"
    )
    assert "The scanner make changed on 12 Jan 2021 (Hologic, then GE Lunar)" in text
    assert "not comparable" in text


def test_medication_summary():
    hist = medication_history()
    text = charts.summaries(hist, assess(hist, TODAY))["medication"]
    assert text == (
        "Medication: denosumab since March 2021 (4 years); romosozumab 2020; "
        "alendronate 2015–2019; teriparatide 2013–2014."
    )
    hist = history(
        courses=(course(1, "alendronate", date(2015, 1, 1), date(2022, 5, 31), "drug_holiday"),)
    )
    text = charts.summaries(hist, assess(hist, TODAY))["medication"]
    assert text == (
        "Medication: alendronate 2015–2022. "
        "Drug holiday from alendronate since June 2022 (3 years)."
    )


def test_height_and_exercise_summaries():
    hist = history(profile(tallest="165.0"), heights=(height(1, date(2024, 1, 1), "160.5"),))
    found = charts.summaries(hist, assess(hist, TODAY), sessions=[(TODAY, "aerobic", 150)])
    assert found["height"] == (
        "Height: latest 160.5 cm (measured, 1 Jan 2024). Compared with your tallest recalled "
        "height, 165.0 cm, that is 4.5 cm lower, at or past the 4.0 cm mark where a spine X-ray "
        "or VFA is worth asking about."
    )
    assert found["exercise"].startswith("Exercise over the last 12 weeks")
    assert "met in 1 of 12 weeks" in found["exercise"]
    assert "exercise" not in charts.summaries(hist, assess(hist, TODAY))
    empty = charts.summaries(history(), assess(history(), TODAY), sessions=[])
    assert empty == {
        "bmd": "No bone density scans recorded yet.",
        "medication": "Medication: no osteoporosis medicine recorded.",
        "height": "Height: no heights recorded yet.",
        "exercise": "Exercise: nothing logged in the last 12 weeks.",
    }


# --- size ---------------------------------------------------------------------------


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
    assert found["bmd"].count("BMD") == 4
    assert "The scanner make changed on" in found["bmd"]
    assert found["medication"].startswith("Medication: ibandronate, IV since ")
    assert all(len(text) < 2_000 for text in found.values())
