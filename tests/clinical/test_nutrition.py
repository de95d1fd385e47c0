"""Section 8: calcium and vitamin D targets by age and sex, and the weekly summary."""

from datetime import date

import pytest

from tracker.clinical import nutrition as n

TODAY = date(2026, 7, 15)  # a Wednesday


@pytest.mark.parametrize(
    ("age", "sex", "calcium", "vitamin_d"),
    [
        # Women: 1200 mg from 51 (section 8); 1000 mg before (decided: the adult amount).
        (49, "female", 1000, (400, 800)),
        (50, "female", 1000, (800, 1000)),
        (51, "female", 1200, (800, 1000)),
        (90, "female", 1200, (800, 1000)),
        # Men: 1000 mg from 50 to 70, 1200 mg from 71; 1000 mg before 50 (decided).
        (49, "male", 1000, (400, 800)),
        (50, "male", 1000, (800, 1000)),
        (70, "male", 1000, (800, 1000)),
        (71, "male", 1200, (800, 1000)),
    ],
)
def test_daily_target_on_both_sides_of_every_age_boundary(age, sex, calcium, vitamin_d):
    target = n.daily_target(age, sex)
    assert (target.calcium_mg, target.vitamin_d_iu) == (calcium, vitamin_d)


def test_the_food_table_is_section_8_exactly():
    table = {f.code: (f.portion, f.calcium_mg, f.vitamin_d_iu) for f in n.FOODS}
    assert table == {
        "yoghurt": ("225 g", 415, 0),
        "fortified_orange_juice": ("240 mL", 349, 0),
        "mozzarella": ("42 g", 333, 0),
        "sardines": ("85 g", 325, 0),
        "cheddar": ("42 g", 307, 0),
        "skimmed_milk": ("240 mL", 299, 0),
        "fortified_soy_drink": ("240 mL", 299, 0),
        "whole_milk": ("240 mL", 276, 0),
        "tofu": ("125 g", 253, 0),
        "pink_salmon": ("85 g", 181, 0),
        "cottage_cheese": ("225 g", 138, 0),
        "turnip_greens": ("80 g", 99, 0),
        "kale": ("130 g", 94, 0),
        "pak_choi": ("70 g", 74, 0),
        "wholemeal_bread": ("1 slice", 30, 0),
        "cooked_salmon": ("85 g", 0, 570),
        "fortified_milk": ("240 mL", 0, 120),
        "egg": ("1 egg", 0, 44),
    }
    assert n.FOODS_BY_CODE["egg"].label == "Egg"
    assert set(n.TYPED) == {n.SUPPLEMENT, n.FORTIFIED_CEREAL}


def test_day_totals_add_only_that_day():
    intakes = [(TODAY, 415, 0), (TODAY, 600, 800), (date(2026, 7, 14), 299, 120)]
    assert n.day_totals(intakes, TODAY) == (1015, 800)
    assert n.day_totals([], TODAY) == (0, 0)


TARGET = n.daily_target(75, "female")  # 1200 mg, 800-1000 IU


def test_week_start_is_monday():
    assert n.week_start(TODAY) == date(2026, 7, 13)
    assert n.week_start(date(2026, 7, 13)) == date(2026, 7, 13)


def test_weekly_summary_averages_over_the_days_logged_newest_first():
    intakes = [
        (date(2026, 7, 13), 1000, 800),  # this week: Monday
        (date(2026, 7, 13), 400, 200),  # Monday again: 1400 mg, 1000 IU that day
        (date(2026, 7, 15), 1000, 600),  # Wednesday (today): 1000 mg, 600 IU
        (date(2026, 7, 16), 5000, 5000),  # tomorrow: not counted
        (date(2026, 7, 8), 1200, 1000),  # last week
        (date(2026, 6, 1), 5000, 5000),  # before the window
    ]
    weeks = n.weekly_summary(intakes, target=TARGET, today=TODAY, weeks=3)
    assert [w.start for w in weeks] == [date(2026, 7, 13), date(2026, 7, 6), date(2026, 6, 29)]
    this, last, empty = weeks
    assert (this.days_logged, this.calcium_mg, this.vitamin_d_iu) == (2, 1200, 800)
    assert this.calcium_met and this.vitamin_d_met
    assert (last.days_logged, last.calcium_mg, last.vitamin_d_iu) == (1, 1200, 1000)
    assert (empty.days_logged, empty.calcium_mg, empty.calcium_met) == (0, 0, False)
    assert not empty.vitamin_d_met


@pytest.mark.parametrize(
    ("calcium", "vitamin_d", "met", "words"),
    [
        (1199, 800, (False, True), "About 1 mg of calcium short"),
        (1200, 799, (True, False), "For vitamin D"),
        (1200, 800, (True, True), "Well done"),
    ],
)
def test_targets_met_on_both_sides_and_the_nudge_says_so(calcium, vitamin_d, met, words):
    (week,) = n.weekly_summary([(TODAY, calcium, vitamin_d)], target=TARGET, today=TODAY, weeks=1)
    assert (week.calcium_met, week.vitamin_d_met) == met
    assert words in n.nudge(week, TARGET)


def test_nudge_for_an_empty_week():
    (week,) = n.weekly_summary([], target=TARGET, today=TODAY, weeks=1)
    assert n.nudge(week, TARGET) == "Nothing logged this week yet."
