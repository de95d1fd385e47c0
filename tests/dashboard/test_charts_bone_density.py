"""The bone density figure (charts.bone_density): BMD and T-score views, scanner breaks."""

from datetime import date, timedelta

from tests.clinical.builders import D, course, history, profile, scan, site
from tests.dashboard.conftest import (
    S1,
    S2,
    S3,
    S4,
    TODAY,
    make_change_history,
    names,
    two_site_history,
    valid,
)
from tracker.clinical.assess import assess
from tracker.dashboard.charts.bone_density import bmd_trend
from tracker.dashboard.charts.medication import shared_x_range


def buttons(fig):
    (menu,) = fig["layout"]["updatemenus"]
    return menu["buttons"]


def bands(shapes):
    return [s for s in shapes if s["type"] == "rect"]


def test_bmd_trend_one_line_per_site_then_markers_then_hidden_t_score_lines():
    hist = two_site_history()
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
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
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
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
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
    assert bands(buttons(fig)[1]["args"][1]["shapes"]) == []


def test_hover_shows_scores_and_both_changes_with_the_lsc_verdict():
    hist = two_site_history()
    spine = valid(bmd_trend(hist, assess(hist, TODAY)))["data"][0]
    template = spine["hovertemplate"]
    for part in ("Lumbar spine", "%{x|", "%{y:.3f}", "%{customdata[0]}", "%{customdata[3]}"):
        assert part in template
    assert spine["customdata"] == [
        ["-2.7", "0.0", "baseline", "baseline"],
        ["-2.2", "0.0"] + ["+7.5 % (significant, estimated margin)"] * 2,
        [
            "n/a",
            "0.0",
            "+1.2 % (within the margin of error, estimated margin)",
            "+8.8 % (significant, estimated margin)",
        ],
        [
            "-2.7",
            "0.0",
            "-8.0 % (significant, estimated margin)",
            "0.0 % (within the margin of error, estimated margin)",
        ],
    ]


def test_facility_lsc_is_not_called_estimated():
    hist = history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800", facility_lsc_g=D("0.020"))),
            scan(2, S2, site("lumbar_spine", "0.815", facility_lsc_g=D("0.020"))),
        )
    )
    spine = valid(bmd_trend(hist, assess(hist, TODAY)))["data"][0]
    assert spine["customdata"][1][2] == "+1.9 % (within the margin of error)"


def test_significant_changes_vs_previous_are_starred_once_in_the_legend():
    hist = history(
        scans=(
            scan(1, S1, site("lumbar_spine", "0.800"), site("total_hip", "0.700")),
            scan(2, S2, site("lumbar_spine", "0.860"), site("total_hip", "0.600")),
            scan(3, S3, site("lumbar_spine", "0.870"), site("total_hip", "0.605")),
            scan(4, S4, site("lumbar_spine", "0.800"), site("total_hip", "0.607")),
        )
    )
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
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
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
    assert names(fig) == ["Lumbar spine", "Lumbar spine"]


def test_a_new_scanner_make_breaks_the_line_and_is_labelled():
    hist = make_change_history()
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
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
    assert after["customdata"][1][3] == "+6.3 % (significant, estimated margin)"


def test_bmd_trend_without_scans_says_so():
    hist = history()
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
    assert fig["data"] == []
    assert "No bone density scans" in fig["layout"]["annotations"][0]["text"]
    assert "updatemenus" not in fig["layout"]


def test_bmd_trend_shares_the_x_range():
    hist = make_change_history()
    x_range = shared_x_range(hist, TODAY)
    fig = valid(bmd_trend(hist, assess(hist, TODAY), x_range=x_range))
    assert fig["layout"]["xaxis"]["range"] == x_range


# --- what each drug did: a shaded period per course (issue 12, item 6) ---------------------


def courses_of(shapes):
    return [s for s in shapes if s.get("legendgroup", "").startswith("course:")]


def test_each_course_is_a_shaded_period_coloured_by_class_in_the_bmd_view():
    courses = (
        course(1, "alendronate", date(2016, 3, 1), date(2019, 2, 28), "switched"),
        course(2, "teriparatide", date(2019, 3, 1), date(2020, 12, 31), "course_completed"),
        course(3, "denosumab", date(2021, 2, 1)),
        course(4, "raloxifene", date(2021, 6, 1), date(2022, 1, 1), "other"),
        course(5, "zoledronic_acid", TODAY + timedelta(days=1)),  # not started yet: not drawn
    )
    hist = two_site_history(courses=courses)
    fig = valid(bmd_trend(hist, assess(hist, TODAY)))
    shaded = courses_of(fig["layout"]["shapes"])
    assert [(s["x0"], s["x1"]) for s in shaded] == [
        ("2016-03-01", "2019-02-28"),
        ("2019-03-01", "2020-12-31"),
        ("2021-02-01", TODAY.isoformat()),  # running: to today
        ("2021-06-01", "2022-01-01"),
    ]
    assert [s["label"]["text"] for s in shaded] == [
        "Alendronate",
        "Teriparatide",
        "Denosumab",
        "Raloxifene",
    ]
    # Light shades of the medication chart's class colours, behind the lines.
    assert shaded[0]["fillcolor"] == "rgba(0, 114, 178, 0.12)"  # antiresorptive blue
    assert shaded[1]["fillcolor"] == "rgba(230, 159, 0, 0.12)"  # anabolic orange
    assert all(s["layer"] == "below" and s["yref"] == "paper" for s in shaded)
    assert all(s["label"]["font"]["size"] >= 14 for s in shaded)
    # One legend entry per class.
    assert [(s["name"], s["showlegend"]) for s in shaded] == [
        ("Antiresorptive (shaded)", True),
        ("Anabolic (shaded)", True),
        ("Antiresorptive (shaded)", False),
        ("Antiresorptive (shaded)", False),
    ]
    # A course starting within a year of the one before puts its name at the bottom.
    assert [s["label"]["textposition"] for s in shaded] == [
        "top left",
        "top left",
        "top left",
        "bottom left",
    ]
    bmd, t_score = buttons(fig)
    assert courses_of(bmd["args"][1]["shapes"]) == shaded
    # Change is judged on BMD; the T-score view shades the WHO bands instead.
    assert courses_of(t_score["args"][1]["shapes"]) == []


def test_no_shading_without_a_course():
    hist = two_site_history()
    assert courses_of(valid(bmd_trend(hist, assess(hist, TODAY)))["layout"]["shapes"]) == []
