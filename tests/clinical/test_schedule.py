"""Section 4: next DXA due (SCAN-DUE, SCAN-OVERDUE, SCAN-BASELINE) with the reason."""

from datetime import date, timedelta

import pytest

from tracker.clinical.classify import classify_latest, standing_diagnosis
from tracker.clinical.dates import add_months
from tracker.clinical.history import Overrides, RiskFactors
from tracker.clinical.schedule import baseline_indications, next_scan

from .builders import TODAY, course, fracture, history, profile, scan, site

LAST = date(2024, 3, 1)


def _next(hist, today=TODAY):
    return next_scan(hist, standing_diagnosis(hist, classify_latest(hist)), today)


def _hip_scan(t, day=LAST, **extra):
    return scan(1, day, site("total_hip", t=t), site("lumbar_spine", t="-0.5"), **extra)


# --- no scan: SCAN-BASELINE ------------------------------------------------------------


@pytest.mark.parametrize(
    ("prof_kwargs", "fractures", "courses", "indicated"),
    [
        ({"age": 64}, (), (), False),
        ({"age": 65}, (), (), True),  # woman >= 65
        ({"age": 69, "sex": "male"}, (), (), False),
        ({"age": 70, "sex": "male"}, (), (), True),  # man >= 70
        (
            {"age": 60, "sex": "male"},
            (fracture(1, TODAY - timedelta(days=400), fragility=False),),
            (),
            True,
        ),
        (
            {"age": 50, "sex": "male"},
            (fracture(1, date(2024, 1, 1), fragility=False),),
            (),
            False,
        ),  # aged 49 then
        (
            {"age": 35, "status": "premenopausal"},
            (fracture(1, date(2024, 1, 1)),),
            (),
            True,
        ),  # fragility
        ({"age": 55}, (), (course(1, "raloxifene", date(2024, 1, 1)),), True),  # on therapy
        ({"age": 55}, (), (course(1, "raloxifene", date(2020, 1, 1), date(2021, 1, 1)),), False),
        ({"age": 19, "sex": "male"}, (fracture(1, date(2024, 1, 1)),), (), False),  # not an adult
    ],
)
def test_scan_baseline_indications(prof_kwargs, fractures, courses, indicated):
    hist = history(profile(**prof_kwargs), fractures=fractures, courses=courses)
    result = _next(hist)
    if indicated:
        assert (result.rule_id, result.level) == ("SCAN-BASELINE", "baseline")
        assert "a baseline scan is recommended" in result.reason
    else:
        assert (result.rule_id, result.level, result.due_date) == (None, "none", None)
        assert "no scan on record" in result.reason


@pytest.mark.parametrize(
    ("prof_kwargs", "risk", "indicated"),
    [
        ({"age": 55}, RiskFactors(current_smoking=True), True),
        ({"age": 48, "status": "perimenopausal"}, RiskFactors(parental_hip_fracture=True), True),
        ({"age": 40, "status": "premenopausal"}, RiskFactors(current_smoking=True), False),
        ({"age": 49, "sex": "male"}, RiskFactors(alcohol_3_or_more_units=True), False),
        ({"age": 50, "sex": "male"}, RiskFactors(alcohol_3_or_more_units=True), True),
        ({"age": 30, "sex": "male"}, RiskFactors(glucocorticoids=True), True),
        ({"age": 30, "sex": "male"}, RiskFactors(rheumatoid_arthritis=True), True),
        ({"age": 30, "status": "premenopausal"}, RiskFactors(secondary_causes=True), True),
    ],
)
def test_scan_baseline_for_risk_factors(prof_kwargs, risk, indicated):
    result = _next(history(profile(risk=risk, **prof_kwargs)))
    assert (result.rule_id == "SCAN-BASELINE") is indicated


def test_scan_baseline_due_from_the_earliest_indication():
    prof = profile(
        age=72, risk=RiskFactors(glucocorticoids=True, glucocorticoids_since=date(2010, 5, 1))
    )
    result = _next(history(prof))
    assert result.due_date == date(2010, 5, 1)
    reasons = [why for _, why in baseline_indications(history(prof), TODAY)]
    assert reasons == ["woman aged 65+", "menopause with a risk factor", "glucocorticoid tablets"]


def test_scan_baseline_date_for_age_is_the_birthday():
    prof = profile(age=66)
    assert _next(history(prof)).due_date == prof.birth_date.replace(year=prof.birth_date.year + 65)


def test_scan_baseline_on_therapy_names_the_drug():
    hist = history(profile(age=55), courses=(course(1, "denosumab", date(2024, 1, 1)),))
    assert "on denosumab" in _next(hist).reason
    assert _next(hist).due_date == date(2024, 1, 1)


# --- with a scan: which row of the table ------------------------------------------------


def test_clinician_override_wins_even_below_12_months():
    hist = history(
        scans=(_hip_scan("-1.0"),),
        overrides=Overrides(scan_interval_months=6, scan_interval_reason="new steroid course"),
    )
    result = _next(hist)
    assert result.due_date == add_months(LAST, 6)
    assert result.overridden and result.basis == "override"
    assert result.reason == "set by your clinician: every 6 months (new steroid course)"


def test_override_without_reason():
    hist = history(scans=(_hip_scan("-1.0"),), overrides=Overrides(scan_interval_months=36))
    assert _next(hist).reason == "set by your clinician: every 3 years"


def test_therapy_started_since_last_scan_one_year_after_start():
    hist = history(
        scans=(_hip_scan("-2.6"),), courses=(course(1, "alendronate", date(2024, 5, 10)),)
    )
    result = _next(hist)
    assert result.basis == "therapy_changed"
    assert result.due_date == date(2025, 5, 10)
    assert "1 year after the change" in result.reason


def test_therapy_started_on_the_scan_day_counts_as_a_change():
    hist = history(scans=(_hip_scan("-2.6"),), courses=(course(1, "alendronate", LAST),))
    assert _next(hist).due_date == add_months(LAST, 12)


def test_therapy_stopped_since_last_scan_is_a_change():
    hist = history(
        scans=(_hip_scan("-2.0"),),
        courses=(course(1, "raloxifene", date(2020, 1, 1), date(2024, 9, 1), "side_effects"),),
    )
    result = _next(hist)
    assert (result.basis, result.due_date) == ("therapy_changed", date(2025, 9, 1))


def test_stable_therapy_every_2_years():
    hist = history(
        scans=(_hip_scan("-2.6"),), courses=(course(1, "alendronate", date(2022, 1, 1)),)
    )
    result = _next(hist)
    assert result.basis == "stable_therapy"
    assert result.due_date == add_months(LAST, 24)
    assert result.reason == "on stable therapy: every 2 years"
    assert result.interval_months == 24


def test_bp_holiday_review_comes_first_but_not_sooner_than_12_months():
    holiday = course(1, "alendronate", date(2015, 1, 1), date(2023, 6, 1), "drug_holiday")
    hist = history(scans=(_hip_scan("-2.0"),), courses=(holiday,))
    result = _next(hist)
    # The review (2025-06-01) comes before last scan + 24 months (2026-03-01).
    assert result.basis == "bp_holiday"
    assert result.due_date == date(2025, 6, 1)
    early = course(1, "alendronate", date(2015, 1, 1), date(2022, 5, 1), "drug_holiday")
    result = _next(history(scans=(_hip_scan("-2.0"),), courses=(early,)))
    assert result.due_date == add_months(LAST, 12)  # review 2024-05-01 is too soon
    assert "not sooner than 1 year after the last scan" in result.reason


def test_bp_holiday_every_2_years_when_review_is_later():
    holiday = course(1, "zoledronic_acid", date(2018, 1, 1), date(2024, 6, 1), "drug_holiday")
    result = _next(history(scans=(_hip_scan("-2.0"),), courses=(holiday,)))
    assert (result.basis, result.due_date) == ("bp_holiday", add_months(LAST, 24))
    assert result.reason == "on a bisphosphonate drug holiday: every 2 years"


def test_holiday_ends_when_another_drug_follows():
    holiday = course(1, "alendronate", date(2015, 1, 1), date(2023, 6, 1), "drug_holiday")
    after = course(2, "raloxifene", date(2023, 9, 1))
    result = _next(history(scans=(_hip_scan("-2.0"),), courses=(holiday, after)))
    assert result.basis == "stable_therapy"


@pytest.mark.parametrize(
    ("hip_t", "months"),
    [
        ("-1.00", 180),
        ("-1.49", 180),  # Gourlay: T >= -1.49 -> 15 years
        ("-1.50", 60),
        ("-1.99", 60),  # -1.99 .. -1.50 -> 5 years
        ("-2.00", 12),
        ("-2.49", 12),  # -2.49 .. -2.00 -> 1 year
        ("-1.495", 60),  # between bands: the shorter interval
        ("-2.495", 12),  # below the last band but not osteoporosis
    ],
)
def test_gourlay_bands(hip_t, months):
    result = _next(history(profile(age=70), scans=(_hip_scan(hip_t),)))
    assert result.basis == "gourlay"
    assert result.due_date == add_months(LAST, months)
    assert result.interval_months == months
    assert "Gourlay 2012" in result.reason


def test_gourlay_uses_the_lowest_hip_t_of_total_hip_and_femoral_neck():
    last = scan(1, LAST, site("total_hip", t="-1.2"), site("femoral_neck", t="-2.1"))
    assert _next(history(profile(age=70), scans=(last,))).interval_months == 12


def test_untreated_osteoporosis_every_year_ours():
    result = _next(history(profile(age=70), scans=(_hip_scan("-2.5"),)))
    assert result.basis == "untreated_osteoporosis"
    assert result.due_date == add_months(LAST, 12)


def test_untreated_with_standing_diagnosis_every_year():
    hist = history(
        profile(age=70),
        scans=(_hip_scan("-1.2"),),
        fractures=(fracture(1, date(2020, 1, 1), "clinical_vertebral"),),
    )
    assert _next(hist).basis == "untreated_osteoporosis"


@pytest.mark.parametrize(
    "variant",
    [
        {"prof": profile(age=64, on=LAST)},  # under 65 at the scan
        {"prof": profile(age=70, sex="male")},
        {"prof": profile(age=70, status="not_applicable")},
        {
            "courses": (course(1, "raloxifene", date(2015, 1, 1), date(2016, 1, 1)),)
        },  # treated before
        {"fractures": (fracture(1, date(2020, 1, 1), "hip", fragility=False),)},
        {"scans": (scan(1, LAST, site("lumbar_spine", t="-1.2")),)},  # no hip T-score
    ],
)
def test_untreated_other_adult_every_2_years(variant):
    hist = history(
        variant.get("prof", profile(age=70)),
        scans=variant.get("scans", (_hip_scan("-1.2"),)),
        courses=variant.get("courses", ()),
        fractures=variant.get("fractures", ()),
    )
    result = _next(hist)
    assert result.basis == "untreated"
    assert result.due_date == add_months(LAST, 24)
    assert result.reason == "not on treatment: every 2 years"


def test_latest_scan_is_the_reference_whatever_the_order():
    hist = history(
        scans=(_hip_scan("-1.2"), scan(2, date(2016, 1, 1), site("total_hip", t="-1.0")))
    )
    assert _next(hist).last_scan_id == 1


# --- reminder levels [ours] ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "level", "rule_id"),
    [
        (-61, "not_yet", None),
        (-60, "upcoming", "SCAN-DUE"),
        (-1, "upcoming", "SCAN-DUE"),
        (0, "due", "SCAN-DUE"),
        (89, "due", "SCAN-DUE"),
        (90, "overdue", "SCAN-OVERDUE"),
    ],
)
def test_scan_due_scan_overdue_reminder_levels(offset, level, rule_id):
    hist = history(profile(age=70, sex="male"), scans=(_hip_scan("-1.2"),))
    due = add_months(LAST, 24)
    result = _next(hist, due + timedelta(days=offset))
    assert (result.level, result.rule_id) == (level, rule_id)
    assert result.upcoming_from == due - timedelta(days=60)
    assert result.overdue_from == due + timedelta(days=90)


# --- prompts: "talk to your clinician about a scan now" --------------------------------------


def test_prompt_for_a_new_fragility_fracture_only():
    hist = history(
        scans=(_hip_scan("-1.2"),),
        fractures=(
            fracture(1, LAST, "wrist_forearm"),  # same day as the scan: not new
            fracture(2, date(2024, 8, 1), "wrist_forearm", fragility=False),
            fracture(3, date(2024, 9, 1), "upper_arm"),
        ),
    )
    prompts = _next(hist).prompts
    assert [(p.kind, p.key, p.date) for p in prompts] == [
        ("fracture", "fracture-3", date(2024, 9, 1))
    ]
    assert "talk to your clinician about a scan now" in prompts[0].reason


@pytest.mark.parametrize(
    ("since", "prompted", "key"),
    [
        (date(2024, 4, 1), True, "glucocorticoids-since-2024-04-01"),
        (date(2023, 1, 1), False, None),
        (LAST, False, None),
        (None, True, "glucocorticoids-since-unknown"),
    ],
)
def test_prompt_for_glucocorticoids_started_after_the_scan(since, prompted, key):
    prof = profile(risk=RiskFactors(glucocorticoids=True, glucocorticoids_since=since))
    prompts = _next(history(prof, scans=(_hip_scan("-1.2"),))).prompts
    assert bool(prompts) is prompted
    if prompted:
        assert prompts[0].key == key and prompts[0].kind == "glucocorticoids"
