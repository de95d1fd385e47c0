"""Section 5.1 bisphosphonates: BP-REASSESS, BP-LONG, BP-HOLIDAY-REVIEW, ZOL-DUE."""

from datetime import date, timedelta

import pytest

from tracker.clinical.assess import assess
from tracker.clinical.dates import add_months, display_date

from .builders import course, fracture, history, scan, site

S = date(2010, 1, 1)


def _rules(hist, today):
    found = {}
    for alert in assess(hist, today).alerts:
        found.setdefault(alert.rule_id, []).append(alert)
    return found


def _yearly(n, start=date(2018, 3, 1)):
    return tuple(add_months(start, 12 * k) for k in range(n))


@pytest.mark.parametrize(
    ("days_on", "rule_id"),
    [
        (1825, None),
        (1826, "BP-REASSESS"),  # oral >= 5 years (1826 days)
        (3652, "BP-REASSESS"),
        (3653, "BP-LONG"),  # oral > 10 years (3652 days)
    ],
)
def test_bp_reassess_and_bp_long_11_10_11_26_oral_years(days_on, rule_id):
    today = S + timedelta(days=days_on - 1)
    found = _rules(history(courses=(course(1, "alendronate", S),)), today)
    bp = {"BP-REASSESS", "BP-LONG"} & set(found)
    assert bp == ({rule_id} if rule_id else set())
    if rule_id:
        (alert,) = found[rule_id]
        assert alert.severity == "warn"
        assert alert.key == f"{rule_id}:course-1"
        assert alert.topic == "bp:course-1"
        threshold = 1826 if rule_id == "BP-REASSESS" else 3653
        assert alert.due_date == S + timedelta(days=threshold - 1)


def test_bp_reassess_oral_courses_add_up():
    hist = history(
        courses=(
            course(1, "alendronate", S, S + timedelta(days=999), "switched"),
            course(2, "risedronate", S + timedelta(days=1000)),
        )
    )
    found = _rules(hist, S + timedelta(days=1825))
    assert found["BP-REASSESS"][0].key == "BP-REASSESS:course-2"


@pytest.mark.parametrize(
    ("infusions", "rule_id"),
    [(2, None), (3, "BP-REASSESS"), (6, "BP-REASSESS"), (7, "BP-LONG")],
)
def test_bp_reassess_and_bp_long_zoledronic_infusions(infusions, rule_id):
    doses = _yearly(infusions)
    hist = history(courses=(course(1, "zoledronic_acid", doses[0], doses=doses),))
    found = _rules(hist, doses[-1] + timedelta(days=5))
    bp = {"BP-REASSESS", "BP-LONG"} & set(found)
    assert bp == ({rule_id} if rule_id else set())
    if rule_id == "BP-REASSESS":
        assert found[rule_id][0].due_date == doses[2]  # the 3rd infusion
    if rule_id == "BP-LONG":
        assert found[rule_id][0].due_date == doses[6]


def _quarterly(n, start=date(2015, 1, 1)):
    return tuple(add_months(start, 3 * k) for k in range(n))


@pytest.mark.parametrize(
    ("doses", "rule_id"),
    [
        (12, None),  # the old 1/12-of-3-years reading raised BP-REASSESS here
        (19, None),
        (20, "BP-REASSESS"),  # 20 x 3 months = 5 years of oral-equivalent time
        (40, "BP-REASSESS"),  # 40 x 3 months = 10 years: not MORE than 10
        (41, "BP-LONG"),
    ],
)
def test_bp_reassess_and_bp_long_11_11_iv_ibandronate_3_months_per_dose(doses, rule_id):
    given = _quarterly(doses)
    hist = history(courses=(course(1, "ibandronate_iv", given[0], doses=given),))
    found = _rules(hist, given[-1] + timedelta(days=1))
    assert {"BP-REASSESS", "BP-LONG"} & set(found) == ({rule_id} if rule_id else set())
    if rule_id:
        assert found[rule_id][0].due_date == given[19 if rule_id == "BP-REASSESS" else 40]


@pytest.mark.parametrize(("iband", "reassess"), [(7, False), (8, True)])
def test_bp_reassess_11_11_tablets_and_iv_ibandronate_add_up(iband, reassess):
    # 3 years of tablets (1096/1826 = 0.600) + 8 infusions x 3 months (8/20 = 0.400) >= 1;
    # with 7 infusions (0.350) it falls short.
    oral = course(1, "alendronate", date(2012, 1, 1), date(2014, 12, 31), "switched")
    given = _quarterly(iband)
    hist = history(courses=(oral, course(2, "ibandronate_iv", given[0], doses=given)))
    assert ("BP-REASSESS" in _rules(hist, given[-1] + timedelta(days=1))) is reassess


@pytest.mark.parametrize(("zol", "reassess"), [(1, False), (2, True)])
def test_bp_reassess_11_11_mixed_oral_and_iv_fractions(zol, reassess):
    # 3 years of tablets (1096/1826 = 0.60) + 1 infusion (0.33) < 1 <= + 2 infusions (0.67).
    oral = course(1, "alendronate", date(2015, 1, 1), date(2017, 12, 31), "switched")
    doses = _yearly(zol, date(2018, 1, 1))
    hist = history(courses=(oral, course(2, "zoledronic_acid", doses[0], doses=doses)))
    assert ("BP-REASSESS" in _rules(hist, doses[-1] + timedelta(days=10))) is reassess


def test_bp_reassess_11_24_only_while_on_a_bisphosphonate():
    hist = history(courses=(course(1, "alendronate", S, S + timedelta(days=2000), "other"),))
    assert "BP-REASSESS" not in _rules(hist, S + timedelta(days=2100))


def test_bp_reassess_explains_the_exposure():
    hist = history(courses=(course(1, "alendronate", S),))
    (alert,) = _rules(hist, S + timedelta(days=1826))["BP-REASSESS"]
    assert "5.0 years of tablets" in alert.explanation
    doses = _yearly(3)
    zol = history(courses=(course(1, "zoledronic_acid", doses[0], doses=doses),))
    (alert,) = _rules(zol, doses[-1])["BP-REASSESS"]
    assert "3 zoledronic acid infusions" in alert.explanation
    given = _quarterly(20)
    iband = history(courses=(course(1, "ibandronate_iv", given[0], doses=given),))
    (alert,) = _rules(iband, given[-1])["BP-REASSESS"]
    assert "20 IV ibandronate infusions (5.0 years of tablets' worth)" in alert.explanation


# --- BP-HOLIDAY-REVIEW [ours: 24 months info, 36 months warn] -----------------------------

E = date(2020, 3, 15)  # last day on the bisphosphonate
FIRST = E + timedelta(days=1)  # section 11.1: the first day of the holiday


def _holiday(reason="drug_holiday"):
    return course(1, "alendronate", date(2014, 1, 1), E, reason)


@pytest.mark.parametrize(
    ("today", "severity", "key"),
    [
        (add_months(FIRST, 24) - timedelta(days=1), None, None),
        (add_months(FIRST, 24), "info", "BP-HOLIDAY-REVIEW:course-1:24-months"),
        (add_months(FIRST, 36) - timedelta(days=1), "info", "BP-HOLIDAY-REVIEW:course-1:24-months"),
        (add_months(FIRST, 36), "warn", "BP-HOLIDAY-REVIEW:course-1:36-months"),
    ],
)
def test_bp_holiday_review_11_1_24_and_36_months_from_the_day_after_the_last_dose(
    today, severity, key
):
    found = _rules(history(courses=(_holiday(),)), today)
    if severity is None:
        assert "BP-HOLIDAY-REVIEW" not in found
        return
    (alert,) = found["BP-HOLIDAY-REVIEW"]
    assert (alert.severity, alert.key, alert.topic) == (severity, key, "bp-holiday:course-1")
    assert alert.due_date == add_months(FIRST, 24 if severity == "info" else 36)
    assert f"holiday began on {display_date(FIRST)}" in alert.explanation
    assert "a new fracture" in alert.explanation  # resume triggers shown


@pytest.mark.parametrize(("day", "trigger"), [(E, False), (FIRST, True)])
def test_bp_holiday_review_11_1_fracture_on_the_last_day_on_the_drug_is_not_a_trigger(day, trigger):
    hist = history(courses=(_holiday(),), fractures=(fracture(9, day, "wrist_forearm"),))
    found = _rules(hist, FIRST + timedelta(days=30))
    assert ("BP-HOLIDAY-REVIEW" in found) is trigger
    if trigger:
        assert found["BP-HOLIDAY-REVIEW"][0].key == "BP-HOLIDAY-REVIEW:course-1:fracture-9"


@pytest.mark.parametrize(("scan_day", "trigger"), [(E, False), (FIRST, True)])
def test_bp_holiday_review_11_1_loss_on_the_last_day_on_the_drug_is_not_a_trigger(
    scan_day, trigger
):
    scans = (
        scan(1, date(2018, 1, 10), site("total_hip", "0.800")),
        scan(2, scan_day, site("total_hip", "0.700")),
    )
    hist = history(courses=(_holiday(),), scans=scans)
    assert ("BP-HOLIDAY-REVIEW" in _rules(hist, FIRST + timedelta(days=30))) is trigger


@pytest.mark.parametrize(
    "courses",
    [
        (_holiday("side_effects"),),
        (_holiday(), course(2, "denosumab", E + timedelta(days=30))),  # another drug follows
        (_holiday(), course(2, "hormone_therapy", date(2019, 1, 1))),  # still running after
    ],
)
def test_bp_holiday_review_needs_a_holiday(courses):
    assert "BP-HOLIDAY-REVIEW" not in _rules(history(courses=courses), add_months(E, 40))


def test_bp_holiday_review_earlier_course_does_not_cancel():
    hist = history(
        courses=(_holiday(), course(2, "raloxifene", date(2012, 1, 1), date(2013, 1, 1)))
    )
    assert "BP-HOLIDAY-REVIEW" in _rules(hist, add_months(E, 25))


def test_bp_holiday_review_latest_holiday_decides():
    hist = history(
        courses=(
            course(1, "alendronate", date(2008, 1, 1), date(2012, 1, 1), "drug_holiday"),
            course(2, "risedronate", date(2015, 1, 1), E, "drug_holiday"),
        )
    )
    (alert,) = _rules(hist, add_months(E, 25))["BP-HOLIDAY-REVIEW"]
    assert alert.key == "BP-HOLIDAY-REVIEW:course-2:24-months"


def test_bp_holiday_review_new_fracture_is_a_resume_trigger():
    hist = history(
        courses=(_holiday(),),
        fractures=(
            fracture(7, E - timedelta(days=10), "wrist_forearm"),  # before: not a trigger
            fracture(8, E + timedelta(days=100), "wrist_forearm", fragility=False),
            fracture(9, E + timedelta(days=200), "wrist_forearm"),
        ),
    )
    (alert,) = _rules(hist, E + timedelta(days=210))["BP-HOLIDAY-REVIEW"]
    assert alert.severity == "warn"
    assert alert.key == "BP-HOLIDAY-REVIEW:course-1:fracture-9"
    assert alert.due_date == E + timedelta(days=200)


def test_bp_holiday_review_bmd_loss_is_a_resume_trigger():
    scans = (
        scan(1, date(2020, 1, 10), site("total_hip", "0.800")),
        scan(2, date(2021, 6, 1), site("total_hip", "0.760")),  # -0.040 >= 0.040
    )
    hist = history(courses=(_holiday(),), scans=scans)
    (alert,) = _rules(hist, date(2021, 7, 1))["BP-HOLIDAY-REVIEW"]
    assert alert.key == "BP-HOLIDAY-REVIEW:course-1:scan-2-total_hip-left"
    assert "significant loss at the total hip (left)" in alert.explanation


def test_bp_holiday_review_loss_below_lsc_is_not_a_trigger():
    scans = (
        scan(1, date(2020, 1, 10), site("total_hip", "0.800")),
        scan(2, date(2021, 6, 1), site("total_hip", "0.761")),
    )
    hist = history(courses=(_holiday(),), scans=scans)
    assert "BP-HOLIDAY-REVIEW" not in _rules(hist, date(2021, 7, 1))


# --- ZOL-DUE [ours: shown 30 days before] ----------------------------------------------------


@pytest.mark.parametrize(("before", "shown"), [(31, False), (30, True), (-100, True)])
def test_zol_due_shown_from_30_days_before(before, shown):
    doses = _yearly(2)
    hist = history(courses=(course(1, "zoledronic_acid", doses[0], doses=doses),))
    due = add_months(doses[-1], 12)
    found = _rules(hist, due - timedelta(days=before))
    assert ("ZOL-DUE" in found) is shown
    if shown:
        (alert,) = found["ZOL-DUE"]
        assert (alert.severity, alert.due_date) == ("info", due)
        assert alert.key == "ZOL-DUE:course-1:dose-102"


def test_zol_due_not_for_an_ended_course():
    doses = _yearly(1)
    hist = history(courses=(course(1, "zoledronic_acid", doses[0], doses[0], "other", doses),))
    assert "ZOL-DUE" not in _rules(hist, add_months(doses[0], 12))


def test_iv_next_doses_for_calendars():
    zol = _yearly(1)
    iband = (date(2018, 5, 31),)
    hist = history(
        courses=(
            course(1, "zoledronic_acid", zol[0], doses=zol),
            course(2, "ibandronate_iv", iband[0], doses=iband),
            course(3, "alendronate", date(2018, 1, 1)),  # tablets: no dose schedule
        )
    )
    doses = assess(hist, date(2018, 6, 1)).next_doses
    assert [(d.course_id, d.due_date) for d in doses] == [
        (1, date(2019, 3, 1)),
        (2, date(2018, 8, 31)),
    ]


# --- reassessment dates for calendars -------------------------------------------------------


def test_oral_reassess_date_projected_and_reached():
    hist = history(courses=(course(1, "alendronate", S),))
    (limit,) = assess(hist, S + timedelta(days=99)).course_limits
    assert (limit.kind, limit.date, limit.reached) == ("reassess", S + timedelta(days=1825), False)
    (limit,) = assess(hist, S + timedelta(days=2000)).course_limits
    assert (limit.date, limit.reached) == (S + timedelta(days=1825), True)


def test_zol_reassess_date_is_the_third_infusion():
    doses = _yearly(1)
    hist = history(courses=(course(1, "zoledronic_acid", doses[0], doses=doses),))
    (limit,) = assess(hist, doses[0] + timedelta(days=1)).course_limits
    assert (limit.date, limit.reached) == (add_months(doses[0], 24), False)


@pytest.mark.parametrize(("given", "due"), [(1, 19), (19, 19)])
def test_iv_ibandronate_reassess_date_11_11_is_the_20th_infusion(given, due):
    doses = _quarterly(given)
    hist = history(courses=(course(1, "ibandronate_iv", doses[0], doses=doses),))
    (limit,) = assess(hist, doses[-1] + timedelta(days=1)).course_limits
    assert (limit.date, limit.reached) == (add_months(doses[0], 3 * due), False)
    reached = _quarterly(20)
    hist = history(courses=(course(1, "ibandronate_iv", reached[0], doses=reached),))
    (limit,) = assess(hist, reached[-1] + timedelta(days=1)).course_limits
    assert (limit.date, limit.reached) == (reached[19], True)


@pytest.mark.parametrize(("offset", "reassess"), [(0, True), (1, False)])
def test_bp_reassess_11_24_closes_when_the_course_ends_for_a_holiday(offset, reassess):
    end = S + timedelta(days=2000)
    hist = history(courses=(course(1, "alendronate", S, end, "drug_holiday"),))
    assert ("BP-REASSESS" in _rules(hist, end + timedelta(days=offset))) is reassess
