"""The text summaries (charts.summaries), one per chart."""

from datetime import date

from tests.clinical.builders import course, height, history, profile
from tests.dashboard.conftest import (
    TODAY,
    make_change_history,
    medication_history,
    two_site_history,
)
from tracker.clinical.assess import assess
from tracker.dashboard.charts.summaries import summaries


def test_bmd_summary_per_site_and_the_scanner_break():
    hist = two_site_history()
    text = summaries(hist, assess(hist, TODAY))["bmd"]
    assert (
        "Lumbar spine bone density changed by 0.0 % since 2017, not a significant change "
        "(judged with an estimated margin of error); latest T-score -2.7."
    ) in text
    assert "Total hip (left) bone density rose 1.7 % since 2017, not a significant change" in text

    hist = make_change_history()
    text = summaries(hist, assess(hist, TODAY))["bmd"]
    assert text.startswith(
        "Lumbar spine bone density rose 6.3 % since 2021, a significant change (judged with "
        "an estimated margin of error)"
    )
    assert "The scanner make changed on 12 Jan 2021 (Hologic, then GE Lunar)" in text
    assert "not comparable" in text


def test_medication_summary():
    hist = medication_history()
    text = summaries(hist, assess(hist, TODAY))["medication"]
    assert text == (
        "Medication: denosumab since March 2021 (4 years); romosozumab 2020; "
        "alendronate 2015–2019; teriparatide 2013–2014."
    )
    hist = history(
        courses=(course(1, "alendronate", date(2015, 1, 1), date(2022, 5, 31), "drug_holiday"),)
    )
    text = summaries(hist, assess(hist, TODAY))["medication"]
    assert text == (
        "Medication: alendronate 2015–2022. "
        "Drug holiday from alendronate since June 2022 (3 years)."
    )


def test_height_and_exercise_summaries():
    hist = history(profile(tallest="165.0"), heights=(height(1, date(2024, 1, 1), "160.5"),))
    found = summaries(hist, assess(hist, TODAY), sessions=[(TODAY, "aerobic", 150)])
    assert found["height"] == (
        "Height: latest 160.5 cm (measured, 1 Jan 2024). Compared with your tallest recalled "
        "height, 165.0 cm, that is 4.5 cm lower, at or past the 4.0 cm mark where a spine X-ray "
        "or a vertebral fracture assessment (VFA) is worth asking about."
    )
    assert found["exercise"].startswith("Exercise over the last 12 weeks")
    assert "met in 1 of 12 weeks" in found["exercise"]
    assert "exercise" not in summaries(hist, assess(hist, TODAY))
    empty = summaries(history(), assess(history(), TODAY), sessions=[])
    assert empty == {
        "bmd": "No bone density scans recorded yet.",
        "medication": "Medication: no osteoporosis medicine recorded.",
        "height": "Height: no heights recorded yet.",
        "exercise": "Exercise: nothing logged in the last 12 weeks.",
    }


def test_bmd_summary_names_the_shaded_courses():
    hist = two_site_history(
        courses=(
            course(1, "alendronate", date(2016, 3, 1), date(2019, 2, 28), "switched"),
            course(2, "denosumab", date(2019, 3, 1)),
            course(3, "raloxifene", date(2020, 1, 1), TODAY, "other"),  # ends today: running
        )
    )
    text = summaries(hist, assess(hist, TODAY))["bmd"]
    assert text.endswith(
        "Shaded periods are the courses of treatment (what each drug did is in the table "
        "below): alendronate 2016–2019; denosumab since March 2019; raloxifene since "
        "January 2020."
    )
    assert (
        "Shaded periods"
        not in summaries(two_site_history(), assess(two_site_history(), TODAY))["bmd"]
    )
