"""Sections 5.1 (RALOX-VTE, DRUG-OVERLAP), 6 (TREATMENT-FAILURE, FRACTURE-ON-THERAPY,
SEVERE-OSTEOPOROSIS) and 7 (HEIGHT-LOSS)."""

from datetime import date, timedelta

import pytest

from tracker.clinical.assess import assess
from tracker.clinical.dates import add_months

from .builders import TODAY, course, event, fracture, height, history, profile, scan, site


def _rules(hist, today=TODAY):
    found = {}
    for alert in assess(hist, today).alerts:
        found.setdefault(alert.rule_id, []).append(alert)
    return found


# --- RALOX-VTE ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raloxifene", "events", "alerted"),
    [
        (
            course(1, "raloxifene", date(2023, 1, 1)),
            (event(4, date(2020, 1, 1), "blood_clot"),),
            True,
        ),
        (
            course(1, "raloxifene", date(2023, 1, 1)),
            (event(4, date(2024, 1, 1), "blood_clot"),),
            True,
        ),
        (course(1, "raloxifene", date(2023, 1, 1)), (event(4, date(2024, 1, 1), "stroke"),), False),
        (
            course(1, "raloxifene", date(2023, 1, 1), date(2024, 2, 1), "side_effects"),
            (event(4, date(2024, 1, 1), "blood_clot"),),
            False,
        ),
    ],
)
def test_ralox_vte(raloxifene, events, alerted):
    found = _rules(history(courses=(raloxifene,), events=events))
    assert ("RALOX-VTE" in found) is alerted
    if alerted:
        (alert,) = found["RALOX-VTE"]
        assert (alert.severity, alert.key) == ("alert", "RALOX-VTE:course-1:event-4")
        assert alert.due_date == max(date(2023, 1, 1), events[0].date)


# --- DRUG-OVERLAP [ours] -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "alerted"),
    [
        ("alendronate", "denosumab", True),  # two antiresorptives
        ("raloxifene", "hormone_therapy", True),
        ("calcitonin", "risedronate", True),
        ("teriparatide", "denosumab", True),  # anabolic with denosumab
        ("denosumab", "abaloparatide", True),
        ("romosozumab", "denosumab", True),
        ("romosozumab", "alendronate", False),  # 11.15: romosozumab counts as an anabolic
        ("romosozumab", "teriparatide", False),
        ("teriparatide", "alendronate", False),
        ("teriparatide", "raloxifene", False),
    ],
)
def test_drug_overlap_pairs(a, b, alerted):
    hist = history(courses=(course(1, a, date(2024, 1, 1)), course(2, b, date(2024, 3, 1))))
    found = _rules(hist)
    assert ("DRUG-OVERLAP" in found) is alerted
    if alerted:
        (alert,) = found["DRUG-OVERLAP"]
        assert (alert.severity, alert.key) == ("warn", "DRUG-OVERLAP:course-1:course-2")
        assert alert.due_date == date(2024, 3, 1)


@pytest.mark.parametrize("intended", [(True, False), (False, True)])
def test_drug_overlap_marked_intended_is_quiet(intended):
    hist = history(
        courses=(
            course(1, "alendronate", date(2024, 1, 1), intended=intended[0]),
            course(2, "hormone_therapy", date(2024, 3, 1), intended=intended[1]),
        )
    )
    assert "DRUG-OVERLAP" not in _rules(hist)


def test_drug_overlap_11_15_not_for_a_one_shared_day_switch():
    hist = history(
        courses=(
            course(1, "alendronate", date(2020, 1, 1), TODAY, "switched"),
            course(2, "denosumab", TODAY),
        )
    )
    assert "DRUG-OVERLAP" not in _rules(hist)


@pytest.mark.parametrize(
    ("new_start", "old_end", "alerted"),
    [
        (TODAY, TODAY, False),  # one shared day (the switch day): not an overlap
        (TODAY - timedelta(days=1), TODAY, True),  # two shared days: an overlap
        (TODAY, TODAY + timedelta(days=1), True),  # two shared days, the second after today
    ],
    ids=["11_15_one_shared_day", "11_15_two_shared_days", "11_15_two_shared_days_to_come"],
)
def test_drug_overlap_11_15_two_shared_days_is_an_overlap(new_start, old_end, alerted):
    hist = history(
        courses=(
            course(1, "alendronate", date(2020, 1, 1), old_end, "switched"),
            course(2, "denosumab", new_start),
        )
    )
    assert ("DRUG-OVERLAP" in _rules(hist)) is alerted


def test_drug_overlap_end_date_after_today_still_counts():
    hist = history(
        courses=(
            course(9, "alendronate", date(2020, 1, 1), TODAY + timedelta(days=30), "switched"),
            course(3, "denosumab", date(2025, 1, 1)),
        )
    )
    (alert,) = _rules(hist)["DRUG-OVERLAP"]
    assert alert.key == "DRUG-OVERLAP:course-3:course-9"


def test_drug_overlap_past_overlap_is_not_raised():
    hist = history(
        courses=(
            course(1, "alendronate", date(2020, 1, 1), date(2021, 1, 1), "switched"),
            course(2, "raloxifene", date(2020, 6, 1), date(2021, 1, 1), "other"),
        )
    )
    assert "DRUG-OVERLAP" not in _rules(hist)


# --- TREATMENT-FAILURE / FRACTURE-ON-THERAPY (IOF 2012) ----------------------------------

T0 = date(2022, 1, 1)  # therapy start


def _on_therapy(*extra_courses):
    return (course(1, "alendronate", T0), *extra_courses)


@pytest.mark.parametrize(
    ("today", "rule_id"),
    [
        (add_months(T0, 12) - timedelta(days=1), "FRACTURE-ON-THERAPY"),  # < 12 months on therapy
        (add_months(T0, 12), "TREATMENT-FAILURE"),
    ],
)
def test_treatment_failure_11_13_two_fractures_counted_to_today(today, rule_id):
    hist = history(
        courses=_on_therapy(),
        fractures=(
            fracture(1, date(2022, 3, 1), "wrist_forearm"),
            fracture(2, date(2022, 6, 1), "other"),
        ),
    )
    found = _rules(hist, today)
    therapy = {"TREATMENT-FAILURE", "FRACTURE-ON-THERAPY"} & set(found)
    assert therapy == {rule_id}  # one stage per topic
    (alert,) = found[rule_id]
    assert alert.topic == "therapy:since-2022-01-01"
    if rule_id == "TREATMENT-FAILURE":
        assert alert.severity == "alert"
        assert alert.key == "TREATMENT-FAILURE:since-2022-01-01:fracture-1:fracture-2"
        assert alert.due_date == add_months(T0, 12)
    else:
        assert alert.severity == "warn"
        assert alert.key == "FRACTURE-ON-THERAPY:fracture-2"


@pytest.mark.parametrize(("day", "counted"), [(T0 - timedelta(days=1), False), (T0, True)])
def test_fracture_on_therapy_11_13_from_the_first_day_on_therapy(day, counted):
    found = _rules(history(courses=_on_therapy(), fractures=(fracture(1, day, "hip"),)))
    assert ("FRACTURE-ON-THERAPY" in found) is counted


def test_fracture_on_therapy_one_fracture():
    hist = history(courses=_on_therapy(), fractures=(fracture(1, date(2024, 3, 1), "upper_arm"),))
    found = _rules(hist)
    assert "TREATMENT-FAILURE" not in found
    (alert,) = found["FRACTURE-ON-THERAPY"]
    assert alert.due_date == date(2024, 3, 1)


@pytest.mark.parametrize(
    "fractures",
    [
        (fracture(1, date(2023, 1, 1), "hip", fragility=False),),
        (fracture(1, date(2021, 1, 1), "hip"),),
    ],
)
def test_fracture_on_therapy_fractures_that_do_not_count(fractures):
    found = _rules(history(courses=_on_therapy(), fractures=fractures))
    assert not {"TREATMENT-FAILURE", "FRACTURE-ON-THERAPY"} & set(found)


def test_treatment_failure_needs_current_therapy():
    hist = history(
        courses=(course(1, "alendronate", T0, date(2023, 1, 1), "other"),),
        fractures=(fracture(1, date(2022, 3, 1)), fracture(2, date(2022, 6, 1))),
    )
    assert not {"TREATMENT-FAILURE", "FRACTURE-ON-THERAPY"} & set(_rules(hist))


def test_treatment_failure_switch_keeps_one_episode():
    hist = history(
        courses=(
            course(1, "alendronate", T0, date(2023, 1, 1), "switched"),
            course(2, "denosumab", date(2023, 3, 1)),  # 58 days without a drug
        ),
        fractures=(fracture(1, date(2022, 6, 1)), fracture(2, date(2023, 6, 1))),
    )
    (alert,) = _rules(hist)["TREATMENT-FAILURE"]
    assert alert.topic == "therapy:since-2022-01-01"


def test_treatment_failure_gap_over_90_days_new_episode():
    hist = history(
        courses=(
            course(1, "alendronate", T0, date(2023, 1, 1), "other"),
            course(2, "denosumab", date(2023, 4, 2)),  # 90 days without a drug -> still one
            course(3, "raloxifene", date(2010, 1, 1), date(2011, 1, 1), "other"),
        ),
        fractures=(fracture(1, date(2022, 6, 1)), fracture(2, date(2023, 6, 1))),
    )
    assert _rules(hist)["TREATMENT-FAILURE"][0].topic == "therapy:since-2022-01-01"
    hist = history(
        courses=(
            course(1, "alendronate", T0, date(2023, 1, 1), "other"),
            course(2, "denosumab", date(2023, 4, 3)),  # 91 days without a drug
        ),
        fractures=(fracture(1, date(2022, 6, 1)), fracture(2, date(2023, 6, 1))),
    )
    found = _rules(hist)
    assert "TREATMENT-FAILURE" not in found  # only one fracture in the new episode
    assert found["FRACTURE-ON-THERAPY"][0].topic == "therapy:since-2023-04-03"


@pytest.mark.parametrize(
    ("site_code", "now_bmd", "alerted"),
    [
        ("lumbar_spine", "0.947", True),  # -0.053 = LSC 5.3 % of 1.000: significant
        ("lumbar_spine", "0.948", False),
        ("total_hip", "0.950", True),
        ("femoral_neck", "0.900", False),  # only lumbar spine and total hip count
    ],
)
def test_treatment_failure_bmd_loss_on_therapy(site_code, now_bmd, alerted):
    hist = history(
        courses=_on_therapy(),
        scans=(
            scan(1, date(2021, 12, 1), site(site_code, "1.000")),
            scan(2, date(2024, 1, 1), site(site_code, now_bmd)),
        ),
    )
    found = _rules(hist)
    assert ("TREATMENT-FAILURE" in found) is alerted
    if alerted:
        (alert,) = found["TREATMENT-FAILURE"]
        side = "none" if site_code == "lumbar_spine" else "left"
        assert alert.key == f"TREATMENT-FAILURE:since-2022-01-01:scan-2-{site_code}-{side}"
        assert alert.due_date == date(2024, 1, 1)


def test_treatment_failure_loss_before_therapy_does_not_count():
    hist = history(
        courses=_on_therapy(),
        scans=(
            scan(1, date(2018, 1, 1), site("total_hip", "1.100")),
            scan(2, date(2021, 12, 1), site("total_hip", "1.000")),  # treatment baseline
            scan(3, date(2024, 1, 1), site("total_hip", "0.990")),
        ),
    )
    assert "TREATMENT-FAILURE" not in _rules(hist)


def test_treatment_failure_11_23_comparability_uncertain_counts():
    hist = history(
        courses=_on_therapy(),
        scans=(
            scan(1, date(2022, 2, 1), site("total_hip", "1.000")),  # first scan on therapy
            scan(2, date(2024, 1, 1), site("total_hip", "0.900"), facility="Other clinic"),
        ),
    )
    (alert,) = _rules(hist)["TREATMENT-FAILURE"]
    assert "not fully comparable: different facility" in alert.explanation


# --- SEVERE-OSTEOPOROSIS ----------------------------------------------------------------------


@pytest.mark.parametrize(("t", "shown"), [("-2.5", True), ("-2.4", False)])
def test_severe_osteoporosis_info(t, shown):
    hist = history(
        scans=(scan(1, date(2024, 1, 1), site(t=t)),),
        fractures=(fracture(1, date(2023, 1, 1), "wrist_forearm"),),
    )
    found = _rules(hist)
    assert ("SEVERE-OSTEOPOROSIS" in found) is shown
    if shown:
        (alert,) = found["SEVERE-OSTEOPOROSIS"]
        assert (alert.severity, alert.key) == ("info", "SEVERE-OSTEOPOROSIS:patient")
        assert alert.due_date == date(2024, 1, 1)
        assert "not a recommendation" in alert.explanation


@pytest.mark.parametrize(("latest_t", "shown"), [("-2.5", True), ("-2.4", False)])
def test_severe_osteoporosis_reads_the_latest_scan_only_11_7(latest_t, shown):
    # An earlier T of -3.0 with a fracture no longer makes it severe once the latest
    # scan is above -2.5: the standing diagnosis is "osteoporosis", never "severe".
    hist = history(
        scans=(
            scan(1, date(2020, 1, 1), site(t="-3.0")),
            scan(2, date(2024, 1, 1), site(t=latest_t)),
        ),
        fractures=(fracture(1, date(2021, 1, 1), "upper_arm"),),
    )
    assert ("SEVERE-OSTEOPOROSIS" in _rules(hist)) is shown


@pytest.mark.parametrize(
    ("fracture_day", "due"),
    [(date(2023, 12, 31), date(2024, 1, 1)), (date(2024, 3, 1), date(2024, 3, 1))],
)
def test_severe_osteoporosis_dated_by_the_later_of_scan_and_first_fracture(fracture_day, due):
    hist = history(
        scans=(scan(1, date(2024, 1, 1), site(t="-2.7")),),
        fractures=(fracture(1, fracture_day, "other"),),
    )
    (alert,) = _rules(hist)["SEVERE-OSTEOPOROSIS"]
    assert alert.due_date == due


# --- HEIGHT-LOSS --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "measured", "warned"),
    [
        ("156.1", True, False),
        ("156.0", True, True),
        ("150.0", False, False),  # 11.9: a self-reported height never raises it
    ],
)
def test_height_loss_11_9_measured_height_against_tallest_recalled(current, measured, warned):
    prof = profile(tallest="160.0")
    hist = history(prof, heights=(height(1, date(2024, 1, 1), current, measured=measured),))
    found = _rules(hist)
    assert ("HEIGHT-LOSS" in found) is warned
    if warned:
        (alert,) = found["HEIGHT-LOSS"]
        assert alert.key == "HEIGHT-LOSS:recalled:height-1"
        assert "4.0 cm" in alert.explanation and "VFA" in alert.explanation


def test_height_loss_key_sticks_while_the_loss_persists():
    prof = profile(tallest="160.0")
    hist = history(
        prof,
        heights=(
            height(1, date(2022, 1, 1), "155.5"),
            height(2, date(2023, 1, 1), "157.0"),  # recovered (re-measured): run broken
            height(3, date(2024, 1, 1), "155.9"),
            height(4, date(2025, 1, 1), "155.0"),
        ),
    )
    keys = [a.key for a in _rules(hist)["HEIGHT-LOSS"] if ":recalled:" in a.key]
    assert keys == ["HEIGHT-LOSS:recalled:height-3"]


def test_height_loss_current_height_decides():
    prof = profile(tallest="160.0")
    hist = history(
        prof,
        heights=(
            height(1, date(2022, 1, 1), "155.0", False),
            height(2, date(2024, 1, 1), "159.0", False),
        ),
    )
    assert "HEIGHT-LOSS" not in _rules(hist)


@pytest.mark.parametrize(("later", "warned"), [("158.1", False), ("158.0", True)])
def test_height_loss_between_measured_heights(later, warned):
    hist = history(
        heights=(
            height(1, date(2020, 1, 1), "160.0"),
            height(2, date(2021, 1, 1), "159.5", measured=False),  # reported: ignored
            height(3, date(2023, 1, 1), later),
        )
    )
    found = _rules(hist)
    assert ("HEIGHT-LOSS" in found) is warned
    if warned:
        (alert,) = found["HEIGHT-LOSS"]
        assert alert.key == "HEIGHT-LOSS:measured:height-3"
        assert alert.due_date == date(2023, 1, 1)
        assert "2.0 cm" in alert.explanation


def test_height_loss_needs_heights():
    assert "HEIGHT-LOSS" not in _rules(history(profile(tallest="170")))


@pytest.mark.parametrize(("make", "alerted"), [("hologic", True), ("ge_lunar", False)])
def test_treatment_failure_11_23_not_comparable_does_not_count(make, alerted):
    hist = history(
        courses=_on_therapy(),
        scans=(
            scan(1, date(2022, 2, 1), site("total_hip", "1.000")),
            scan(2, date(2024, 1, 1), site("total_hip", "0.900"), make=make),
        ),
    )
    assert ("TREATMENT-FAILURE" in _rules(hist)) is alerted
