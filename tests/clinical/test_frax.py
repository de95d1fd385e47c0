"""FRAX (rule book sections 8 and 10): the inputs BoneTrack holds, what is missing, and
the checks on a result copied from the official calculator. Nothing is calculated."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from tests.clinical.builders import TODAY, D, fracture, height, history, profile, scan, site
from tracker.clinical import frax
from tracker.clinical.frax import FraxInput, FraxInputs, check_result, frax_inputs
from tracker.clinical.history import FraxResult, RiskFactors


def shown(inputs: FraxInputs) -> dict[str, tuple[str | None, str]]:
    return {item.code: (item.value, item.note) for item in inputs.items}


def test_an_empty_record_holds_the_profile_and_misses_weight_height_and_bmd():
    inputs = frax_inputs(history(profile(age=70)), TODAY)
    values = shown(inputs)
    assert [item.code for item in inputs.items] == [
        "age",
        "sex",
        "weight",
        "height",
        "previous_fracture",
        "parental_hip_fracture",
        "current_smoking",
        "glucocorticoids",
        "rheumatoid_arthritis",
        "secondary_causes",
        "alcohol",
        "femoral_neck",
    ]
    assert values["age"][0] == "70 years"
    assert "calculator takes" not in values["age"][1]
    assert values["sex"][0] == "female"
    assert values["previous_fracture"] == ("no", "none recorded")
    assert all(values[code][0] == "no" for code in ("current_smoking", "alcohol"))
    assert [item.code for item in inputs.missing] == ["weight", "height", "femoral_neck"]
    assert "without it" in values["femoral_neck"][1]


def test_the_profile_risk_factors_are_shown_as_held():
    risk = RiskFactors(
        current_smoking=True,
        alcohol_3_or_more_units=True,
        glucocorticoids=True,
        parental_hip_fracture=True,
        rheumatoid_arthritis=True,
        secondary_causes=True,
    )
    values = shown(frax_inputs(history(profile(risk=risk)), TODAY))
    for code in (
        "parental_hip_fracture",
        "current_smoking",
        "glucocorticoids",
        "rheumatoid_arthritis",
        "secondary_causes",
        "alcohol",
    ):
        assert values[code] == ("yes", "from the profile"), code


@pytest.mark.parametrize(
    ("age", "outside"),
    [(39, True), (40, False), (90, False), (91, True)],
)
def test_ages_outside_the_calculator_range_are_said(age, outside):
    note = shown(frax_inputs(history(profile(age=age)), TODAY))["age"][1]
    assert ("the calculator takes ages 40 to 90" in note) is outside


def test_the_latest_height_counts_measured_first_on_one_day():
    heights = (
        height(1, date(2020, 1, 1), "165.0"),
        height(2, date(2024, 3, 5), "162.4", measured=False),
        height(3, date(2024, 3, 5), "162.0", measured=True),
    )
    values = shown(frax_inputs(history(heights=heights), TODAY))
    assert values["height"] == ("162.0 cm", "measured, 5 Mar 2024")
    self_reported = shown(frax_inputs(history(heights=heights[:2]), TODAY))["height"]
    assert self_reported == ("162.4 cm", "self-reported, 5 Mar 2024")


def test_previous_fractures_are_fragility_fractures_and_vfa_findings():
    fractures = (
        fracture(1, date(2019, 3, 4), "wrist_forearm"),
        fracture(2, date(2018, 1, 2), "hip", fragility=False),
    )
    scans = (scan(1, date(2021, 6, 1), site(), vertebral_fracture_found=True),)
    value, note = shown(frax_inputs(history(fractures=fractures, scans=scans), TODAY))[
        "previous_fracture"
    ]
    assert value == "yes"
    assert note == "wrist or forearm (4 Mar 2019); spine, found on the scan of 1 Jun 2021"
    only_trauma = history(fractures=fractures[1:])
    assert shown(frax_inputs(only_trauma, TODAY))["previous_fracture"][0] == "no"


def test_femoral_neck_comes_from_the_latest_scan_that_has_one_with_its_make():
    older = scan(
        1,
        date(2022, 1, 1),
        site("femoral_neck", "0.600", "-2.1", side="left"),
        site("femoral_neck", "0.620", None, side="right"),
    )
    newer = scan(2, date(2024, 1, 1), site("lumbar_spine", "0.900"), make="ge_lunar")
    value, note = shown(frax_inputs(history(scans=(newer, older)), TODAY))["femoral_neck"]
    assert value == "0.600 g/cm², T-score -2.1 (left); 0.620 g/cm² (right)"
    assert note.startswith("scan of 1 Jan 2022 on a Hologic scanner")
    latest = scan(
        3, date(2024, 6, 1), site("femoral_neck", "0.700", "-1.3", side="none"), make="ge_lunar"
    )
    value, note = shown(frax_inputs(history(scans=(older, latest)), TODAY))["femoral_neck"]
    assert (value, note[:35]) == (
        "0.700 g/cm², T-score -1.3",
        "scan of 1 Jun 2024 on a GE Lunar sc",
    )


@pytest.mark.parametrize(
    ("major", "hip", "fields"),
    [
        ("18.0", "3.4", ()),
        ("0", "0", ()),
        ("100", "100", ()),  # equal is allowed
        ("12.0", "12.1", ("hip",)),  # hip above major
        ("-0.1", "0", ("major",)),
        ("100.1", "5", ("major",)),
        ("20", "-1", ("hip",)),
        ("101", "102", ("major", "hip")),  # out of range: the order is not judged too
    ],
)
def test_check_result(major, hip, fields):
    problems = check_result(major=D(major), hip=D(hip))
    assert tuple(name for name, _ in problems) == fields


def test_the_calculator_is_linked_not_called():
    assert frax.CALCULATOR_URL == "https://frax.shef.ac.uk/FRAX/"
    assert frax.PROBABILITY_MAX == Decimal(100)


@pytest.mark.parametrize("cls", [FraxInput, FraxInputs])
def test_results_are_keyword_only(cls):
    assert all(field.kw_only for field in dataclasses.fields(cls))


def test_a_recorded_result_in_the_history_and_the_latest_one():
    older = FraxResult(1, date(2024, 1, 1), major="20.5", hip=4)
    newer = FraxResult(2, date(2025, 1, 1), major=12.5, hip="2.0")
    same_day = FraxResult(3, date(2025, 1, 1), major="11.0", hip="1.0")
    assert (older.major, older.hip) == (Decimal("20.5"), Decimal(4))
    assert newer.major == Decimal("12.5")
    assert history(frax_results=[older, same_day, newer]).latest_frax == same_day
    assert history().latest_frax is None
