"""Section 4: next DXA due (SCAN-DUE, SCAN-OVERDUE, SCAN-BASELINE) with the reason."""

from datetime import date, timedelta

import pytest

from tracker.clinical.classify import classify_latest, standing_diagnosis
from tracker.clinical.dates import add_months, display_date
from tracker.clinical.history import Overrides, RiskFactors
from tracker.clinical.schedule import baseline_indications, next_scan, therapy_changes

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


# The profile's birthday is 30 days before TODAY: a 50-year-old turned 50 on 2025-05-16.
@pytest.mark.parametrize(
    ("prof_kwargs", "fracture_day", "fragility", "indicated"),
    [
        ({"age": 50, "sex": "male"}, date(2025, 5, 16), True, True),  # at 50: indicated
        ({"age": 50, "sex": "male"}, date(2025, 5, 15), True, False),  # at 49: not
        ({"age": 60, "sex": "male"}, date(2024, 1, 1), True, True),
        ({"age": 60, "sex": "male"}, TODAY - timedelta(days=400), False, False),  # not fragility
        ({"age": 35, "status": "premenopausal"}, date(2024, 1, 1), True, False),  # before 50
    ],
    ids=[
        "11_16_fragility_fracture_at_50",
        "11_16_fragility_fracture_at_49",
        "11_16_fragility_fracture_at_58",
        "11_16_not_a_fragility_fracture",
        "11_16_fragility_fracture_at_34",
    ],
)
def test_scan_baseline_11_16_fracture_after_50_is_a_fragility_fracture_at_50_or_over(
    prof_kwargs, fracture_day, fragility, indicated
):
    hist = history(
        profile(**prof_kwargs), fractures=(fracture(1, fracture_day, fragility=fragility),)
    )
    result = _next(hist)
    assert (result.rule_id == "SCAN-BASELINE") is indicated
    if indicated:
        assert "a fragility fracture at 50 or over" in result.reason


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


@pytest.mark.parametrize(
    ("end", "basis", "due"),
    [
        # 11.2: a stop is dated by the first day off the drug (end + 1 day).
        (date(2024, 9, 1), "therapy_changed", date(2025, 9, 2)),
        (LAST - timedelta(days=1), "therapy_changed", add_months(LAST, 12)),  # off on scan day
        (LAST - timedelta(days=2), "untreated", add_months(LAST, 24)),  # off before the scan
        (TODAY - timedelta(days=1), "therapy_changed", date(2026, 6, 15)),  # first day off today
        (TODAY, "stable_therapy", add_months(LAST, 24)),  # still on it today
    ],
)
def test_therapy_stopped_11_2_dated_by_the_first_day_off(end, basis, due):
    hist = history(
        scans=(_hip_scan("-2.0"),),
        courses=(course(1, "raloxifene", date(2020, 1, 1), end, "side_effects"),),
    )
    result = _next(hist)
    assert (result.basis, result.due_date) == (basis, due)


@pytest.mark.parametrize(
    ("new_start", "due"),
    [
        (date(2024, 5, 10), date(2025, 5, 1)),  # the stop (first day off 2024-05-01) is first
        (date(2024, 4, 20), date(2025, 4, 20)),  # the start is first
    ],
)
def test_therapy_changes_11_2_the_earliest_dates_the_interval(new_start, due):
    hist = history(
        scans=(_hip_scan("-2.6"),),
        courses=(
            course(1, "alendronate", date(2020, 1, 1), date(2024, 4, 30), "switched"),
            course(2, "denosumab", new_start),
        ),
    )
    result = _next(hist)
    assert (result.basis, result.due_date) == ("therapy_changed", due)
    assert therapy_changes(hist, LAST, TODAY)[0] == due.replace(year=due.year - 1)


@pytest.mark.parametrize(
    ("end", "basis", "due"),
    [
        # 11.2: stopping for a drug holiday is a change: 1 year after the first holiday day...
        (date(2024, 6, 30), "therapy_changed", date(2025, 7, 1)),
        # ... unless the holiday row (2 years after the last scan) comes first.
        (date(2025, 4, 30), "bp_holiday", add_months(LAST, 24)),
    ],
)
def test_drug_holiday_11_2_is_a_change_and_the_earlier_due_date_wins(end, basis, due):
    holiday = course(1, "alendronate", date(2015, 1, 1), end, "drug_holiday")
    result = _next(history(scans=(_hip_scan("-2.0"),), courses=(holiday,)))
    assert (result.basis, result.due_date) == (basis, due)


def test_therapy_changes_ignores_courses_after_today():
    hist = history(courses=(course(1, "alendronate", TODAY + timedelta(days=1)),))
    assert therapy_changes(hist, LAST, TODAY) == []


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
    # 11.1: the holiday starts on 2023-06-02, so the review (2025-06-02) comes before
    # last scan + 24 months (2026-03-01).
    assert result.basis == "bp_holiday"
    assert result.due_date == date(2025, 6, 2)
    assert "holiday since 2 Jun 2023" in result.reason
    early = course(1, "alendronate", date(2015, 1, 1), date(2022, 5, 1), "drug_holiday")
    result = _next(history(scans=(_hip_scan("-2.0"),), courses=(early,)))
    assert result.due_date == add_months(LAST, 12)  # review 2024-05-01 is too soon
    assert "not sooner than 1 year after the last scan" in result.reason


def test_bp_holiday_every_2_years_when_review_is_later():
    # Begun more than a year after the last scan: 2 years after the scan comes first.
    holiday = course(1, "zoledronic_acid", date(2018, 1, 1), date(2025, 4, 30), "drug_holiday")
    result = _next(history(scans=(_hip_scan("-2.0"),), courses=(holiday,)))
    assert (result.basis, result.due_date) == ("bp_holiday", add_months(LAST, 24))
    assert result.reason == "on a bisphosphonate drug holiday: every 2 years"


# --- 11.21: a holiday resume trigger makes the scan due at once ---------------------------

HOLIDAY_END = date(2025, 4, 30)  # last day on the drug: the holiday starts on 2025-05-01


def _resume_case(fractures=(), scan_day=LAST, overrides=None):
    holiday = course(1, "alendronate", date(2015, 1, 1), HOLIDAY_END, "drug_holiday")
    return history(
        scans=(_hip_scan("-2.0", day=scan_day),),
        courses=(holiday,),
        fractures=fractures,
        overrides=overrides or Overrides(),
    )


@pytest.mark.parametrize(
    ("fractures", "basis", "due"),
    [
        # No trigger: the holiday row (2 years after the last scan).
        ((), "bp_holiday", add_months(LAST, 24)),
        # A fracture that is not a fragility fracture is no trigger.
        ((fracture(1, date(2025, 5, 20), fragility=False),), "bp_holiday", add_months(LAST, 24)),
        # 11.1: the last day on the drug is not yet the holiday.
        ((fracture(1, HOLIDAY_END),), "bp_holiday", add_months(LAST, 24)),
        # A fragility fracture on the holiday's first day or later: due at once.
        ((fracture(1, date(2025, 5, 1)),), "bp_holiday_resume", date(2025, 5, 1)),
        ((fracture(1, date(2025, 5, 20)),), "bp_holiday_resume", date(2025, 5, 20)),
    ],
)
def test_holiday_resume_trigger_11_21_makes_the_scan_due_at_once(fractures, basis, due):
    result = _next(_resume_case(fractures))
    assert (result.basis, result.due_date) == (basis, due)
    if basis == "bp_holiday_resume":
        assert result.level == "due" and result.rule_id == "SCAN-DUE"
        assert result.interval_months is None
        assert result.reason == (
            f"a reason to end the bisphosphonate drug holiday early (a fracture on "
            f"{display_date(due)}): a scan is due now"
        )


def test_holiday_resume_trigger_11_21_bmd_loss_floor_holds():
    # A loss is found on a scan, so "at once" meets the 12-month floor after that scan.
    holiday = course(1, "alendronate", date(2015, 1, 1), date(2023, 6, 1), "drug_holiday")
    scans = (
        scan(1, date(2022, 1, 1), site("total_hip", "0.800")),
        scan(2, date(2025, 1, 15), site("total_hip", "0.700")),
    )
    result = _next(history(scans=scans, courses=(holiday,)))
    assert (result.basis, result.due_date) == ("bp_holiday_resume", date(2026, 1, 15))
    assert "a significant loss at the total hip (left) on 15 Jan 2025" in result.reason
    assert result.reason.endswith("; not sooner than 1 year after the last scan")


@pytest.mark.parametrize(
    ("months", "due"),
    [
        (None, date(2026, 1, 15)),  # the 12-month floor holds
        (6, date(2025, 7, 15)),  # a clinician's shorter interval wins over the floor
        (12, date(2026, 1, 15)),
        # A clinician's longer interval: the trigger still brings it to the floor.
        (24, date(2026, 1, 15)),
    ],
)
def test_holiday_resume_trigger_11_21_floor_and_clinician_interval(months, due):
    hist = _resume_case(
        (fracture(1, date(2025, 5, 20)),),
        scan_day=date(2025, 1, 15),
        overrides=Overrides(scan_interval_months=months),
    )
    result = _next(hist)
    assert (result.basis, result.due_date) == ("bp_holiday_resume", due)
    assert "(a fracture on 20 May 2025): a scan is due now" in result.reason
    assert not result.overridden
    assert result.reason.endswith(
        "; not sooner than 6 months after the last scan (the interval your clinician set)"
        if months == 6
        else "; not sooner than 1 year after the last scan"
    )


def test_holiday_resume_trigger_11_21_only_during_the_holiday():
    # Treatment resumed: the therapy-changed row applies, not the trigger.
    hist = _resume_case((fracture(1, date(2025, 5, 20)),))
    resumed = course(2, "alendronate", date(2025, 6, 1))
    hist = history(scans=hist.scans, courses=(*hist.courses, resumed), fractures=hist.fractures)
    assert _next(hist).basis == "therapy_changed"


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
    assert "Gourlay" not in result.reason  # the source is for clinicians (issue 11)
    assert "Gourlay NEJM 2012" in result.source


def test_gourlay_uses_the_lowest_hip_t_of_total_hip_and_femoral_neck():
    last = scan(1, LAST, site("total_hip", t="-1.2"), site("femoral_neck", t="-2.1"))
    assert _next(history(profile(age=70), scans=(last,))).interval_months == 12


@pytest.mark.parametrize(
    ("prof", "scan_status", "t", "basis"),
    [
        # 11.3: WHO mode with T <= -2.5: untreated osteoporosis, 1 year.
        (profile(age=70), None, "-2.5", "untreated_osteoporosis"),
        (profile(age=48, status="perimenopausal"), None, "-2.5", "untreated_osteoporosis"),  # 11.4
        (profile(age=50, sex="male", on=LAST), None, "-2.5", "untreated_osteoporosis"),
        # ... and not above -2.5.
        (profile(age=48, status="perimenopausal"), None, "-2.4", "untreated"),
        # Z-score mode and under 20: "any other adult", 2 years, whatever the T-score.
        (profile(age=40, status="premenopausal"), None, "-2.6", "untreated"),
        (profile(age=49, sex="male", on=LAST), None, "-2.6", "untreated"),
        (profile(age=19, sex="male"), None, "-2.6", "untreated"),
        (profile(age=55), "premenopausal", "-2.6", "untreated"),  # the scan's own status
    ],
)
def test_untreated_osteoporosis_11_3_only_in_who_mode(prof, scan_status, t, basis):
    last = scan(1, LAST, site("lumbar_spine", t=t, z="-1.0"), menopausal_status=scan_status)
    result = _next(history(prof, scans=(last,)))
    assert result.basis == basis
    assert result.due_date == add_months(LAST, 12 if basis == "untreated_osteoporosis" else 24)


def test_untreated_osteoporosis_11_20_whatever_the_hips_show():
    last = scan(1, LAST, site("total_hip", t="-1.2"), site("lumbar_spine", t="-2.6"))
    result = _next(history(profile(age=70), scans=(last,)))
    assert (result.basis, result.interval_months) == ("untreated_osteoporosis", 12)


@pytest.mark.parametrize(
    ("hip_t", "months"),
    [("-1.4", 180), ("-1.5", 60), ("-1.9", 60), ("-2.0", 12), ("-2.4", 12)],
)
def test_gourlay_11_6_one_decimal_bands(hip_t, months):
    result = _next(history(profile(age=70), scans=(_hip_scan(hip_t),)))
    assert (result.basis, result.interval_months) == ("gourlay", months)


@pytest.mark.parametrize(("age_at_scan", "basis"), [(64, "untreated"), (65, "gourlay")])
def test_gourlay_11_5_age_on_the_scan_date(age_at_scan, basis):
    prof = profile(age=age_at_scan, on=LAST + timedelta(days=1))  # a year older by today
    assert _next(history(prof, scans=(_hip_scan("-1.2"),))).basis == basis


@pytest.mark.parametrize(
    ("courses", "basis"),
    [
        ((), "gourlay"),
        ((course(1, "hormone_therapy", date(2000, 1, 1), date(2005, 1, 1), "other"),), "untreated"),
    ],
)
def test_gourlay_11_27_untreated_means_no_catalogue_drug_ever(courses, basis):
    hist = history(profile(age=70), scans=(_hip_scan("-1.2"),), courses=courses)
    assert _next(hist).basis == basis


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
