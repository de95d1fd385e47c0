from datetime import date
from decimal import Decimal

import pytest

from tracker.clinical.history import (
    ClinicalEvent,
    Course,
    Fracture,
    Height,
    Overrides,
    PatientHistory,
    Profile,
    RiskFactors,
    Scan,
    SiteResult,
    to_decimal,
)

from .builders import profile, site


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.812"), Decimal("0.812")),
        (1, Decimal("1")),
        ("-2.5", Decimal("-2.5")),
        (0.1, Decimal("0.1")),  # through str: no binary-float tail
    ],
)
def test_to_decimal_keeps_the_written_value(value, expected):
    assert to_decimal(value, "bmd") == expected
    assert str(to_decimal(value, "bmd")) == str(expected)


@pytest.mark.parametrize("value", [True, None, [1]])
def test_to_decimal_rejects_non_numbers(value):
    with pytest.raises(TypeError):
        to_decimal(value, "bmd")


def test_site_result_converts_numbers():
    result = SiteResult("total_hip", "left", "0.8", -2.5, "-1.0", facility_lsc_pct=3)
    assert result.bmd == Decimal("0.8")
    assert result.t_score == Decimal("-2.5")
    assert result.z_score == Decimal("-1.0")
    assert result.facility_lsc_pct == Decimal("3")
    assert result.facility_lsc_g is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: SiteResult("knee", "none", Decimal("1"), None, None),
        lambda: SiteResult("total_hip", "middle", Decimal("1"), None, None),
        lambda: SiteResult("lumbar_spine", "none", Decimal("1"), None, None, vertebrae_count=0),
        lambda: SiteResult("lumbar_spine", "none", Decimal("1"), None, None, vertebrae_count=5),
        lambda: Profile(date(1950, 1, 1), "other", "postmenopausal"),
        lambda: Profile(date(1950, 1, 1), "female", "menopause"),
        lambda: Scan(1, date(2020, 1, 1), "norland"),
        lambda: Scan(1, date(2020, 1, 1), "hologic", menopausal_status="late"),
        lambda: Course(1, "aspirin", date(2020, 1, 1)),
        lambda: Course(1, "denosumab", date(2020, 1, 1), stop_reason="bored"),
        lambda: Course(1, "denosumab", date(2020, 1, 2), end=date(2020, 1, 1)),
        lambda: Fracture(1, date(2020, 1, 1), "toe", True),
        lambda: ClinicalEvent(1, date(2020, 1, 1), "flu"),
        lambda: Overrides(facility_lsc_pct={"knee": 3}),
        lambda: Overrides(facility_lsc_pct=(("total_hip", 3), ("total_hip", 4))),
        lambda: Overrides(scan_interval_months=0),
    ],
)
def test_bad_codes_fail_loudly(build):
    with pytest.raises(ValueError):
        build()


def test_scan_course_and_history_freeze_lists_into_tuples():
    scan = Scan(1, date(2020, 1, 1), "hologic", sites=[site()], menopausal_status="premenopausal")
    course = Course(1, "denosumab", date(2020, 1, 1), date(2021, 1, 1), "switched", doses=[])
    hist = PatientHistory(profile(), scans=[scan], courses=[course])
    assert isinstance(scan.sites, tuple)
    assert isinstance(course.doses, tuple)
    assert hist.scans == (scan,) and hist.courses == (course,)
    hash(hist)  # frozen all the way down


def test_height_and_profile_convert_cm():
    assert Height(1, date(2020, 1, 1), "160.5", True).cm == Decimal("160.5")
    assert Profile(date(1950, 1, 1), "male", "not_applicable", 180).tallest_height_cm == 180


def test_overrides_facility_lsc_from_dict_is_sorted_pairs():
    overrides = Overrides(
        facility_lsc_pct={"total_hip": "3.6", "lumbar_spine": 3}, target_t_score="-2.0"
    )
    assert overrides.facility_lsc_pct == (
        ("lumbar_spine", Decimal("3")),
        ("total_hip", Decimal("3.6")),
    )
    assert overrides.lsc_pct_for("total_hip") == Decimal("3.6")
    assert overrides.lsc_pct_for("femoral_neck") is None
    assert overrides.target_t_score == Decimal("-2.0")


@pytest.mark.parametrize(
    "flag",
    [
        "current_smoking",
        "alcohol_3_or_more_units",
        "glucocorticoids",
        "parental_hip_fracture",
        "rheumatoid_arthritis",
        "secondary_causes",
    ],
)
def test_any_risk_factor(flag):
    assert not RiskFactors().any
    assert RiskFactors(**{flag: True}).any
