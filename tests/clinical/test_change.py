"""Section 3: least significant change, vertebrae multiplier, comparability."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.clinical.change import (
    DEFAULT_LSC_PCT,
    VERTEBRAE_LSC_MULTIPLIER,
    change_rows,
    comparability,
    compare,
    describe_site,
    lsc_from_precision,
    same_make,
    significant_decreases,
)
from tracker.clinical.history import Overrides

from .builders import D, history, scan, site

A, B, C = date(2020, 1, 10), date(2022, 1, 10), date(2024, 1, 10)


def _pair(site_code, ref_bmd, now_bmd, *, ref_extra=None, now_extra=None, **scan_extra):
    ref_site = site(site_code, ref_bmd, **(ref_extra or {}))
    now_site = site(site_code, now_bmd, **(now_extra or {}))
    return scan(1, A, ref_site), ref_site, scan(2, B, now_site, **scan_extra), now_site


def _compare(site_code, ref_bmd, now_bmd, overrides=None, **kwargs):
    ref_scan, ref_site, now_scan, now_site = _pair(site_code, ref_bmd, now_bmd, **kwargs)
    return compare(now_scan, now_site, ref_scan, ref_site, overrides)


def test_default_lsc_table_section_3_2():
    assert DEFAULT_LSC_PCT == {
        "lumbar_spine": D("5.3"),
        "total_hip": D("5.0"),
        "femoral_neck": D("6.9"),
        "radius_33": D("6.9"),
    }


def test_lsc_from_precision_is_2_77_times():
    assert lsc_from_precision(D("0.010")) == D("0.02770")


@pytest.mark.parametrize(
    ("site_code", "now", "significant", "direction"),
    [
        # 5.3 % of 1.000 = 0.053: exactly equal is significant (section 3.1).
        ("lumbar_spine", "1.053", True, "increase"),
        ("lumbar_spine", "1.052", False, "stable"),
        ("lumbar_spine", "0.947", True, "decrease"),
        ("lumbar_spine", "0.948", False, "stable"),
        ("total_hip", "1.050", True, "increase"),
        ("total_hip", "0.951", False, "stable"),
        ("femoral_neck", "0.931", True, "decrease"),
        ("femoral_neck", "0.932", False, "stable"),
        ("radius_33", "1.069", True, "increase"),
        ("radius_33", "1.068", False, "stable"),
    ],
)
def test_default_lsc_boundaries(site_code, now, significant, direction):
    change = _compare(site_code, "1.000", now)
    assert change.significant is significant
    assert change.direction == direction
    assert change.estimated is True
    assert change.lsc_source == "default"
    assert change.lsc_pct == DEFAULT_LSC_PCT[site_code]


def test_change_values():
    change = _compare("total_hip", "0.800", "0.760")
    assert change.delta_g == D("-0.040")
    assert change.pct == D("-5.0")
    assert change.lsc_g == D("0.040")  # 5.0 % of 0.800
    assert change.significant
    assert change.ref_scan_id == 1 and change.ref_date == A and change.ref_bmd == D("0.800")
    assert change.days == (B - A).days
    assert change.comparability == "comparable" and change.notes == ()


def test_lsc_is_shown_rounded_up_so_the_verdict_matches():
    # 5.3 % of 0.901 = 0.047753 -> shown 0.048; a 0.047 loss is not significant.
    change = _compare("lumbar_spine", "0.901", "0.854")
    assert change.lsc_g == D("0.048")
    assert not change.significant
    assert _compare("lumbar_spine", "0.901", "0.853").significant


@pytest.mark.parametrize(
    ("vertebrae", "multiplier"), [(4, "1.00"), (3, "1.07"), (2, "1.24"), (1, "1.65")]
)
def test_vertebrae_multiplier_section_3_3(vertebrae, multiplier):
    assert VERTEBRAE_LSC_MULTIPLIER[vertebrae] == D(multiplier)
    extra = {"vertebrae_count": vertebrae}
    lsc = D("0.053") * D(multiplier)
    just_enough = str(D("1.000") + lsc.quantize(D("0.001"), rounding="ROUND_CEILING"))
    change = _compare("lumbar_spine", "1.000", just_enough, ref_extra=extra, now_extra=extra)
    assert change.significant
    assert change.comparability == "comparable"
    below = str(D(just_enough) - D("0.001"))
    assert not _compare(
        "lumbar_spine", "1.000", below, ref_extra=extra, now_extra=extra
    ).significant


def test_different_vertebrae_use_the_wider_lsc_and_are_uncertain():
    change = _compare(
        "lumbar_spine",
        "1.000",
        "1.060",
        ref_extra={"vertebrae_count": 4},
        now_extra={"vertebrae_count": 2},
    )
    assert change.lsc_g == D("0.066")  # 0.053 x 1.24 = 0.06572, shown 0.066
    assert not change.significant
    assert change.comparability == "uncertain"
    assert "different number of vertebrae (4 then 2)" in change.notes


def test_multiplier_is_for_lumbar_spine_only():
    # vertebrae_count on a hip result is meaningless and must not widen the LSC.
    change = _compare("total_hip", "1.000", "1.050", ref_extra={"vertebrae_count": 1}, now_extra={})
    assert change.significant


@pytest.mark.parametrize(
    ("ref_extra", "now_extra", "lsc_g", "source"),
    [
        ({"facility_lsc_g": D("0.030")}, {}, "0.030", "facility_g"),
        ({}, {"facility_lsc_g": D("0.020")}, "0.020", "facility_g"),
        ({}, {"facility_lsc_pct": D("3.0")}, "0.030", "facility_pct"),
        ({"facility_lsc_pct": D("2.0")}, {}, "0.020", "facility_pct"),
        # g/cm² wins over % on the same result.
        ({}, {"facility_lsc_g": D("0.025"), "facility_lsc_pct": D("9.9")}, "0.025", "facility_g"),
        # the newer scan's figure wins over the reference's.
        ({"facility_lsc_g": D("0.040")}, {"facility_lsc_pct": D("2.5")}, "0.025", "facility_pct"),
    ],
)
def test_facility_lsc_wins_over_default(ref_extra, now_extra, lsc_g, source):
    change = _compare("lumbar_spine", "1.000", "1.030", ref_extra=ref_extra, now_extra=now_extra)
    assert change.lsc_g == D(lsc_g)
    assert change.lsc_source == source
    assert change.estimated is False


def test_facility_lsc_g_still_widened_by_vertebrae():
    extra = {"facility_lsc_g": D("0.030"), "vertebrae_count": 3}
    change = _compare("lumbar_spine", "1.000", "1.032", ref_extra=extra, now_extra=extra)
    assert change.lsc_g == D("0.033")  # 0.0321 rounded up
    assert not change.significant


def test_clinician_facility_lsc_override_wins():
    overrides = Overrides(facility_lsc_pct={"lumbar_spine": "3.0"})
    change = _compare(
        "lumbar_spine", "1.000", "1.030", overrides, now_extra={"facility_lsc_g": D("0.050")}
    )
    assert change.lsc_source == "clinician"
    assert change.lsc_g == D("0.030")
    assert change.significant
    assert not change.estimated


@pytest.mark.parametrize(
    ("facility", "lsc_g", "source"),
    [
        # 11.8: different facilities of the same make: the larger of the two LSCs.
        ("Other clinic", "0.040", "facility_g"),
        # Same facility: the newer scan's figure.
        ("", "0.025", "facility_pct"),
    ],
)
def test_lsc_11_8_different_facilities_take_the_larger(facility, lsc_g, source):
    change = _compare(
        "lumbar_spine",
        "1.000",
        "1.030",
        ref_extra={"facility_lsc_g": D("0.040")},
        now_extra={"facility_lsc_pct": D("2.5")},
        facility=facility,
    )
    assert (change.lsc_g, change.lsc_source) == (D(lsc_g), source)
    assert (change.comparability == "uncertain") is bool(facility)


@pytest.mark.parametrize(
    ("ref_extra", "now_extra", "lsc_g"),
    [
        # 11.22: only one scan gives a facility LSC: that one, whichever scan it is on.
        ({"facility_lsc_g": D("0.030")}, {}, "0.030"),
        ({}, {"facility_lsc_g": D("0.030")}, "0.030"),
    ],
)
def test_lsc_11_22_only_one_scan_gives_one(ref_extra, now_extra, lsc_g):
    change = _compare(
        "lumbar_spine", "1.000", "1.030", ref_extra=ref_extra, now_extra=now_extra, facility="X"
    )
    assert change.lsc_g == D(lsc_g)


@pytest.mark.parametrize(
    ("overrides", "lsc_g", "source"),
    [
        # 11.22: a clinician's LSC is taken as given, without the vertebrae multiplier...
        (Overrides(facility_lsc_pct={"lumbar_spine": "3.0"}), "0.030", "clinician"),
        # ... while the default is widened (5.3 % x 1.24 for 2 vertebrae).
        (None, "0.066", "default"),
    ],
)
def test_lsc_11_22_clinician_lsc_without_the_vertebrae_multiplier(overrides, lsc_g, source):
    extra = {"vertebrae_count": 2}
    change = _compare("lumbar_spine", "1.000", "1.030", overrides, ref_extra=extra, now_extra=extra)
    assert (change.lsc_g, change.lsc_source) == (D(lsc_g), source)


@pytest.mark.parametrize(
    ("a", "b", "same", "status", "reasons"),
    [
        (("hologic", "", ""), ("hologic", "", ""), True, "comparable", ()),
        (
            ("hologic", "Horizon A", "City"),
            ("hologic", "horizon  a", "city"),
            True,
            "comparable",
            (),
        ),
        (
            ("hologic", "Horizon", ""),
            ("hologic", "Discovery", ""),
            True,
            "uncertain",
            ("different scanner model",),
        ),
        (
            ("hologic", "", "City"),
            ("hologic", "", "Town"),
            True,
            "uncertain",
            ("different facility",),
        ),
        (("hologic", "", ""), ("ge_lunar", "", ""), False, "not_comparable", None),
        (("other", "Norland XR", ""), ("other", "norland xr", ""), True, "comparable", ()),
        (("other", "Norland XR", ""), ("other", "Stratos", ""), False, "not_comparable", None),
        (("other", "", ""), ("other", "", ""), False, "not_comparable", None),
        (("other", "X", ""), ("hologic", "X", ""), False, "not_comparable", None),
    ],
)
def test_comparability_section_3_4(a, b, same, status, reasons):
    first = scan(1, A, make=a[0], model=a[1], facility=a[2])
    second = scan(2, B, make=b[0], model=b[1], facility=b[2])
    assert same_make(second, first) is same
    comp = comparability(second, first)
    assert comp.status == status
    if reasons is not None:
        assert comp.reasons == reasons
    else:
        assert comp.reasons[0].startswith("different scanner make")


def test_compare_refuses_across_makes():
    ref_scan, ref_site, now_scan, now_site = _pair("total_hip", "1.0", "0.9", make="ge_lunar")
    with pytest.raises(ValueError):
        compare(now_scan, now_site, ref_scan, ref_site)


def test_uncertain_comparisons_are_still_computed_and_can_be_significant():
    change = _compare("total_hip", "1.000", "0.900", model="Discovery")
    assert change.significant
    assert change.comparability == "uncertain"


# --- trend table -------------------------------------------------------------------------


def test_rows_vs_baseline_and_previous_per_site_and_side():
    hist = history(
        scans=(
            scan(
                3,
                C,
                site("total_hip", "0.900", side="left"),
                site("total_hip", "0.950", side="right"),
            ),
            scan(1, A, site("total_hip", "1.000", side="left"), site("trochanter", "0.7")),
            scan(
                2,
                B,
                site("total_hip", "0.960", side="left"),
                site("total_hip", "0.990", side="right"),
            ),
        )
    )
    rows = change_rows(hist)
    assert [(r.scan_id, r.side) for r in rows] == [
        (1, "left"),
        (2, "left"),
        (2, "right"),
        (3, "left"),
        (3, "right"),
    ]
    first, second, right_base, third, right_third = rows
    assert first.is_baseline and first.vs_baseline is None and first.vs_previous is None
    assert second.vs_baseline.delta_g == D("-0.040") and second.vs_previous.ref_scan_id == 1
    assert right_base.is_baseline  # the right hip starts its own baseline
    assert third.vs_baseline.ref_scan_id == 1 and third.vs_baseline.delta_g == D("-0.100")
    assert third.vs_baseline.significant
    assert third.vs_previous.ref_scan_id == 2 and third.vs_previous.delta_g == D("-0.060")
    assert right_third.vs_baseline.ref_scan_id == 2
    assert all(r.segment == 0 for r in rows)


def test_new_make_starts_a_new_segment_and_no_change_across_it():
    hist = history(
        scans=(
            scan(1, A, site("lumbar_spine", "1.000")),
            scan(2, B, site("lumbar_spine", "1.120"), make="ge_lunar"),
            scan(3, C, site("lumbar_spine", "1.060"), make="ge_lunar"),
        )
    )
    rows = change_rows(hist)
    assert [r.segment for r in rows] == [0, 1, 1]
    assert rows[1].is_baseline and rows[1].vs_baseline is None
    assert rows[1].new_segment_reason.startswith("different scanner make (Hologic then GE Lunar)")
    assert rows[2].vs_baseline.ref_scan_id == 2
    assert rows[2].new_segment_reason == ""
    assert rows[0].new_segment_reason == ""


def test_duplicate_site_on_one_scan_is_counted_once():
    hist = history(scans=(scan(1, A, site("lumbar_spine", "1.0"), site("lumbar_spine", "1.1")),))
    assert len(change_rows(hist)) == 1


def test_significant_decreases_filters():
    hist = history(
        scans=(
            scan(1, A, site("lumbar_spine", "1.000"), site("total_hip", "1.000")),
            scan(2, B, site("lumbar_spine", "0.900"), site("total_hip", "1.100")),
            scan(3, C, site("lumbar_spine", "0.900"), site("total_hip", "0.900")),
        )
    )
    rows = change_rows(hist)
    found = significant_decreases(rows, ["lumbar_spine", "total_hip"])
    assert [(r.scan_id, r.site, c.ref_scan_id) for r, c in found] == [
        (2, "lumbar_spine", 1),
        (3, "lumbar_spine", 1),  # no loss vs previous; loss vs baseline
        (3, "total_hip", 2),
    ]
    assert [r.scan_id for r, _ in significant_decreases(rows, ["lumbar_spine"], after=B)] == [3]
    from_b = significant_decreases(rows, ["lumbar_spine", "total_hip"], ref_from=B)
    assert [(r.site, c.ref_scan_id) for r, c in from_b] == [("total_hip", 2)]


@pytest.mark.parametrize(
    ("side", "text"), [("none", "lumbar spine"), ("left", "lumbar spine (left)")]
)
def test_describe_site(side, text):
    row = change_rows(history(scans=(scan(1, A, site("lumbar_spine", side=side)),)))[0]
    assert describe_site(row) == text


def test_decimal_exactness_no_float():
    change = _compare("total_hip", "0.700", "0.665")
    assert isinstance(change.delta_g, Decimal) and change.delta_g == D("-0.035")
    assert change.significant  # 5.0 % of 0.700 = 0.035 exactly
