"""Section 2: WHO categories, Z-score mode, standing diagnosis."""

from datetime import date

import pytest

from tracker.clinical.classify import (
    BELOW_EXPECTED_RANGE,
    LOW_BONE_MASS,
    NO_CATEGORY,
    NO_SCAN,
    NORMAL,
    OSTEOPOROSIS,
    SEVERE_OSTEOPOROSIS,
    WITHIN_EXPECTED_RANGE,
    classification_mode,
    classify_latest,
    standing_diagnosis,
    who_category,
    z_category,
)

from .builders import TODAY, D, fracture, history, profile, scan, site

Y2020 = date(2020, 6, 1)


@pytest.mark.parametrize(
    ("t", "category"),
    [
        ("0.5", NORMAL),
        ("-1.0", NORMAL),  # boundary: T = -1.0 is normal
        ("-1.1", LOW_BONE_MASS),
        ("-2.4", LOW_BONE_MASS),
        ("-2.5", OSTEOPOROSIS),  # boundary: T = -2.5 is osteoporosis
        ("-3.9", OSTEOPOROSIS),
    ],
)
def test_who_category_boundaries(t, category):
    assert who_category(D(t)) == category


@pytest.mark.parametrize(
    ("t", "category"),
    [("-2.5", SEVERE_OSTEOPOROSIS), ("-2.4", LOW_BONE_MASS), ("-0.5", NORMAL)],
)
def test_severe_needs_t_at_most_minus_2_5_and_a_fragility_fracture(t, category):
    assert who_category(D(t), fragility_fracture=True) == category


@pytest.mark.parametrize(
    ("z", "category"),
    [
        ("-2.0", BELOW_EXPECTED_RANGE),
        ("-1.9", WITHIN_EXPECTED_RANGE),
        ("-2.1", BELOW_EXPECTED_RANGE),
    ],
)
def test_z_category_boundary(z, category):
    assert z_category(D(z)) == category


@pytest.mark.parametrize(
    ("age", "sex", "status", "mode"),
    [
        (19, "female", "postmenopausal", "none"),  # under 20 [ours]
        (20, "female", "premenopausal", "z_score"),
        (19, "male", "not_applicable", "none"),
        (20, "male", "not_applicable", "z_score"),
        (49, "male", "not_applicable", "z_score"),
        (50, "male", "not_applicable", "who"),
        (45, "female", "postmenopausal", "who"),  # early menopause: WHO applies
        (48, "female", "perimenopausal", "who"),  # ISCD: from the menopausal transition
        (52, "female", "premenopausal", "z_score"),
        (49, "female", "not_applicable", "z_score"),
        (50, "female", "not_applicable", "who"),
    ],
)
def test_classification_mode_11_4_perimenopausal_is_who_11_5_age_on_the_day(age, sex, status, mode):
    prof = profile(age=age, sex=sex, status=status)
    assert classification_mode(prof, TODAY)[0] == mode


def test_scan_status_wins_over_profile_status():
    prof = profile(age=45, status="postmenopausal")
    assert classification_mode(prof, TODAY, "premenopausal")[0] == "z_score"


def test_no_scan():
    result = classify_latest(history())
    assert result.category == NO_SCAN
    assert result.score is None


def test_lowest_t_of_the_four_sites_on_the_latest_scan():
    old = scan(1, date(2018, 1, 1), site("lumbar_spine", t="-3.5"))
    latest = scan(
        2,
        Y2020,
        site("lumbar_spine", t="-1.2"),
        site("total_hip", t="-0.4", side="left"),
        site("total_hip", t="-1.9", side="right"),
        site("femoral_neck", t="-1.5"),
        site("radius_33", t="-1.6"),
        site("trochanter", t="-3.0"),  # stored, never classifies
        site("wards", t="-3.1"),
        site("total_body", t="-3.2"),
    )
    result = classify_latest(history(scans=(latest, old)))  # any order
    assert result.mode == "who"
    assert result.category == LOW_BONE_MASS
    assert (result.score, result.site, result.side) == (D("-1.9"), "total_hip", "right")
    assert result.scan_id == 2
    assert "-1.9" in result.reason and "total hip" in result.reason


def test_radius_33_classifies_when_measured():
    latest = scan(2, Y2020, site("lumbar_spine", t="-1.0"), site("radius_33", t="-2.5"))
    assert classify_latest(history(scans=(latest,))).category == OSTEOPOROSIS


def test_latest_scan_without_classifying_site_falls_back_to_an_earlier_one():
    earlier = scan(1, date(2019, 1, 1), site("femoral_neck", t="-2.6"))
    body_only = scan(2, Y2020, site("total_body", t="-0.1"))
    result = classify_latest(history(scans=(earlier, body_only)))
    assert result.scan_id == 1
    assert result.category == OSTEOPOROSIS


def test_severe_on_the_latest_scan_with_any_fragility_fracture():
    latest = scan(1, Y2020, site("lumbar_spine", t="-2.8"))
    hist = history(scans=(latest,), fractures=(fracture(1, date(2019, 1, 1), "other"),))
    assert classify_latest(hist).category == SEVERE_OSTEOPOROSIS


def test_vertebral_fracture_on_the_scan_counts_as_fragility_fracture():
    latest = scan(1, Y2020, site("lumbar_spine", t="-2.5"), vertebral_fracture_found=True)
    assert classify_latest(history(scans=(latest,))).category == SEVERE_OSTEOPOROSIS


def test_non_fragility_fracture_does_not_make_severe():
    latest = scan(1, Y2020, site("lumbar_spine", t="-2.8"))
    hist = history(scans=(latest,), fractures=(fracture(1, date(2019, 1, 1), fragility=False),))
    assert classify_latest(hist).category == OSTEOPOROSIS


@pytest.mark.parametrize(
    ("z", "category"), [("-2.0", BELOW_EXPECTED_RANGE), ("-1.9", WITHIN_EXPECTED_RANGE)]
)
def test_premenopausal_woman_gets_z_score_label(z, category):
    prof = profile(age=40, status="premenopausal")
    latest = scan(1, Y2020, site("lumbar_spine", t="-2.9", z=z))
    result = classify_latest(history(prof, scans=(latest,)))
    assert result.mode == "z_score"
    assert result.category == category
    assert result.score == D(z)


@pytest.mark.parametrize(
    ("age", "mode", "category"),
    [(49, "z_score", WITHIN_EXPECTED_RANGE), (50, "who", OSTEOPOROSIS)],
)
def test_man_at_49_and_50(age, mode, category):
    prof = profile(age=age, sex="male", on=Y2020)
    latest = scan(1, Y2020, site("lumbar_spine", t="-2.7", z="-1.5"))
    result = classify_latest(history(prof, scans=(latest,)))
    assert (result.mode, result.category) == (mode, category)


@pytest.mark.parametrize(("age", "category"), [(19, NO_CATEGORY), (20, BELOW_EXPECTED_RANGE)])
def test_no_category_under_20(age, category):
    prof = profile(age=age, status="premenopausal", on=Y2020)
    latest = scan(1, Y2020, site("lumbar_spine", t="-3.0", z="-2.5"))
    result = classify_latest(history(prof, scans=(latest,)))
    assert result.category == category
    if category == NO_CATEGORY:
        assert result.mode == "none" and "under 20" in result.reason


def test_scores_missing_for_the_scale_in_use():
    latest = scan(1, Y2020, site("lumbar_spine", t=None, z="-1.0"))
    result = classify_latest(history(scans=(latest,)))
    assert result.category == NO_CATEGORY
    assert result.mode == "who"
    assert "no scan has a T-score" in result.reason


def test_z_scores_missing_in_z_mode():
    prof = profile(age=35, status="premenopausal")
    latest = scan(1, Y2020, site("lumbar_spine", t="-1.0", z=None))
    result = classify_latest(history(prof, scans=(latest,)))
    assert (result.category, result.mode) == (NO_CATEGORY, "z_score")
    assert "Z-score" in result.reason


# --- standing diagnosis: never downgraded -------------------------------------------------


def _standing(hist):
    return standing_diagnosis(hist, classify_latest(hist))


def test_no_standing_diagnosis_without_reason():
    hist = history(scans=(scan(1, Y2020, site(t="-2.4")),))
    result = _standing(hist)
    assert result.category is None
    assert result.since is None and not result.differs_from_latest_scan


def test_osteoporosis_stands_after_a_better_scan():
    hist = history(
        scans=(
            scan(1, date(2016, 1, 1), site(t="-2.5")),
            scan(2, Y2020, site(t="-2.0")),
        )
    )
    latest = classify_latest(hist)
    result = standing_diagnosis(hist, latest)
    assert latest.category == LOW_BONE_MASS
    assert result.category == OSTEOPOROSIS
    assert result.since == date(2016, 1, 1)
    assert result.differs_from_latest_scan
    assert "T-score -2.5 at lumbar spine on 1 Jan 2016" in result.basis


@pytest.mark.parametrize("site_code", ["hip", "clinical_vertebral"])
def test_hip_or_clinical_vertebral_fracture_establishes_at_any_bmd_11_7(site_code):
    hist = history(
        scans=(scan(1, Y2020, site(t="-0.5")),),
        fractures=(fracture(1, date(2019, 3, 1), site_code),),
    )
    result = _standing(hist)
    assert result.category == OSTEOPOROSIS
    assert result.since == date(2019, 3, 1)


@pytest.mark.parametrize("t", ["-0.5", "-2.0"])
def test_vertebral_fracture_found_on_imaging_does_not_establish_11_7(t):
    # Section 11.7 names hip and CLINICAL vertebral fractures only (any BMD) and
    # wrist/forearm and upper arm ones (with low bone mass): an imaging finding is neither.
    hist = history(
        scans=(scan(1, Y2020, site(t=t)),),
        fractures=(fracture(1, date(2019, 3, 1), "imaging_vertebral"),),
    )
    assert _standing(hist).category is None


def test_fracture_establishes_osteoporosis_without_any_scan():
    hist = history(fractures=(fracture(1, date(2019, 3, 1), "hip"),))
    assert _standing(hist).category == OSTEOPOROSIS


def test_non_fragility_hip_fracture_does_not():
    hist = history(fractures=(fracture(1, date(2019, 3, 1), "hip", fragility=False),))
    assert _standing(hist).category is None


@pytest.mark.parametrize(("t", "expected"), [("-1.1", OSTEOPOROSIS), ("-1.0", None)])
def test_forearm_or_upper_arm_fracture_needs_low_bone_mass(t, expected):
    hist = history(
        scans=(scan(1, date(2021, 1, 1), site(t=t)),),
        fractures=(fracture(1, date(2019, 3, 1), "wrist_forearm"),),
    )
    result = _standing(hist)
    assert result.category == expected
    if expected:
        # Established when both facts were known: the later of fracture and scan.
        assert result.since == date(2021, 1, 1)


def test_other_site_fragility_fracture_does_not_establish_alone():
    hist = history(
        scans=(scan(1, Y2020, site(t="-1.5")),),
        fractures=(fracture(1, date(2019, 3, 1), "other"),),
    )
    assert _standing(hist).category is None


def test_fracture_in_a_man_under_50_does_not_establish():
    prof = profile(age=52, sex="male")
    hist = history(prof, fractures=(fracture(1, date(2019, 3, 1), "hip"),))  # he was 46
    assert _standing(hist).category is None


def test_low_t_while_premenopausal_does_not_diagnose():
    prof = profile(age=55)
    early = scan(1, date(2010, 1, 1), site(t="-2.8", z="-1.0"), menopausal_status="premenopausal")
    later = scan(2, Y2020, site(t="-2.0"))
    assert _standing(history(prof, scans=(early, later))).category is None


@pytest.mark.parametrize(("t", "standing"), [("-2.4", None), ("-2.5", OSTEOPOROSIS)])
def test_vfa_finding_alone_does_not_establish_11_7(t, standing):
    # Only the T-score can diagnose here: a VFA finding is not a clinical vertebral fracture.
    hist = history(scans=(scan(1, Y2020, site(t=t), vertebral_fracture_found=True),))
    result = _standing(hist)
    assert result.category == standing
    assert result.basis == ((f"T-score {t} at lumbar spine on 1 Jun 2020",) if standing else ())


def test_vfa_finding_in_z_mode_counts_only_towards_severe():
    prof = profile(age=40, status="premenopausal")
    hist = history(prof, scans=(scan(1, Y2020, site(t="-1.2"), vertebral_fracture_found=True),))
    assert _standing(hist).category is None


@pytest.mark.parametrize(
    ("latest_t", "latest_category", "differs"),
    [("-2.0", LOW_BONE_MASS, True), ("-2.6", SEVERE_OSTEOPOROSIS, False)],
)
def test_standing_is_osteoporosis_never_severe_11_7(latest_t, latest_category, differs):
    # Section 11.7: once established, "osteoporosis" stands; "severe" describes the
    # latest scan only, whether or not that scan still shows T <= -2.5.
    hist = history(
        scans=(
            scan(1, date(2016, 1, 1), site(t="-3.0")),
            scan(2, Y2020, site(t=latest_t)),
        ),
        fractures=(fracture(1, date(2017, 5, 1), "upper_arm"),),
    )
    latest = classify_latest(hist)
    result = standing_diagnosis(hist, latest)
    assert latest.category == latest_category
    assert result.category == OSTEOPOROSIS
    assert result.label == "Osteoporosis"
    assert result.since == date(2016, 1, 1)
    assert result.differs_from_latest_scan is differs


def test_standing_equal_to_latest_does_not_differ():
    hist = history(scans=(scan(1, Y2020, site(t="-2.7")),))
    result = _standing(hist)
    assert result.category == OSTEOPOROSIS
    assert not result.differs_from_latest_scan
