"""Section 8: calcium and vitamin D, for the daily log and gentle nudges (never alerts).

An intake is `(date, calcium_mg, vitamin_d_iu)`: the amounts of one logged food or
supplement, already multiplied by the portions. Weeks are ISO weeks, Monday to
Sunday, as for exercise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# Section 8 (BHOF 2022): calcium 1000 mg a day for men aged 50 to 70.
CALCIUM_MG_MEN_50_70 = 1000
# Section 8 (BHOF 2022): calcium 1200 mg a day for women from 51 and men from 71.
CALCIUM_MG_WOMEN_51_MEN_71 = 1200
MEN_CALCIUM_FROM_AGE = 50
WOMEN_HIGHER_CALCIUM_FROM_AGE = 51
MEN_HIGHER_CALCIUM_FROM_AGE = 71
# Section 8 names no amount for women under 51 or men under 50. Both get 1000 mg,
# the adult amount the BHOF's figures come from (US National Academies, 2011), so
# the target only ever rises with age.
CALCIUM_MG_YOUNGER_ADULTS = 1000

# Section 8 (BHOF 2022): vitamin D 800-1000 IU a day from age 50.
VITAMIN_D_IU_FROM_50 = (800, 1000)
VITAMIN_D_FROM_AGE = 50
# Section 8 names no amount under 50; the BHOF's own advice for adults under 50 is
# 400-800 IU a day.
VITAMIN_D_IU_UNDER_50 = (400, 800)


@dataclass(frozen=True, kw_only=True)
class Food:
    code: str
    label: str
    portion: str
    calcium_mg: int
    vitamin_d_iu: int = 0


# Section 8 (NIH Office of Dietary Supplements, from USDA FoodData Central;
# approximate, the patient may edit): calcium and vitamin D per portion, in the
# order section 8 lists them. Fortified cereal is "as on the pack" and supplements
# "as labelled", so the patient types those amounts.
FOODS: tuple[Food, ...] = (
    Food(code="yoghurt", label="Plain low-fat yoghurt", portion="225 g", calcium_mg=415),
    Food(
        code="fortified_orange_juice",
        label="Orange juice with added calcium",
        portion="240 mL",
        calcium_mg=349,
    ),
    Food(code="mozzarella", label="Part-skim mozzarella", portion="42 g", calcium_mg=333),
    Food(code="sardines", label="Canned sardines with bones", portion="85 g", calcium_mg=325),
    Food(code="cheddar", label="Cheddar cheese", portion="42 g", calcium_mg=307),
    Food(code="skimmed_milk", label="Skimmed milk", portion="240 mL", calcium_mg=299),
    Food(
        code="fortified_soy_drink",
        label="Soy drink with added calcium",
        portion="240 mL",
        calcium_mg=299,
    ),
    Food(code="whole_milk", label="Whole milk", portion="240 mL", calcium_mg=276),
    Food(
        code="tofu",
        label="Firm tofu made with calcium sulphate",
        portion="125 g",
        calcium_mg=253,
    ),
    Food(code="pink_salmon", label="Canned pink salmon with bones", portion="85 g", calcium_mg=181),
    Food(code="cottage_cheese", label="Cottage cheese", portion="225 g", calcium_mg=138),
    Food(code="turnip_greens", label="Cooked turnip greens", portion="80 g", calcium_mg=99),
    Food(code="kale", label="Cooked kale", portion="130 g", calcium_mg=94),
    Food(code="pak_choi", label="Raw pak choi", portion="70 g", calcium_mg=74),
    Food(code="wholemeal_bread", label="Wholemeal bread", portion="1 slice", calcium_mg=30),
    Food(
        code="cooked_salmon",
        label="Cooked salmon",
        portion="85 g",
        calcium_mg=0,
        vitamin_d_iu=570,
    ),
    Food(
        code="fortified_milk",
        label="Milk with added vitamin D",
        portion="240 mL",
        calcium_mg=0,
        vitamin_d_iu=120,
    ),
    Food(code="egg", label="Egg", portion="1 egg", calcium_mg=0, vitamin_d_iu=44),
)
FOODS_BY_CODE: dict[str, Food] = {food.code: food for food in FOODS}
# Typed by the patient: amounts as on the pack or the label.
SUPPLEMENT = "supplement"
FORTIFIED_CEREAL = "fortified_cereal"
TYPED = {
    SUPPLEMENT: "Supplement (as on the label)",
    FORTIFIED_CEREAL: "Breakfast cereal with added calcium (as on the pack)",
}


@dataclass(frozen=True, kw_only=True)
class DailyTarget:
    calcium_mg: int
    vitamin_d_iu: tuple[int, int]  # (at least, up to)


def daily_target(age: int, sex: str) -> DailyTarget:
    """The day's calcium and vitamin D for a person of `age` (years) and `sex`."""
    higher_from = WOMEN_HIGHER_CALCIUM_FROM_AGE if sex == "female" else MEN_HIGHER_CALCIUM_FROM_AGE
    if age >= higher_from:
        calcium = CALCIUM_MG_WOMEN_51_MEN_71
    elif sex == "male" and age >= MEN_CALCIUM_FROM_AGE:
        calcium = CALCIUM_MG_MEN_50_70
    else:
        calcium = CALCIUM_MG_YOUNGER_ADULTS
    vitamin_d = VITAMIN_D_IU_FROM_50 if age >= VITAMIN_D_FROM_AGE else VITAMIN_D_IU_UNDER_50
    return DailyTarget(calcium_mg=calcium, vitamin_d_iu=vitamin_d)


Intake = tuple[date, int | Decimal, int | Decimal]


@dataclass(frozen=True, kw_only=True)
class Week:
    start: date  # the Monday
    days_logged: int
    calcium_mg: int  # average a day over the days logged
    vitamin_d_iu: int  # average a day over the days logged
    calcium_met: bool
    vitamin_d_met: bool


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def day_totals(intakes: Iterable[Intake], day: date) -> tuple[int, int]:
    """Calcium (mg) and vitamin D (IU) logged on `day`."""
    calcium = vitamin_d = 0
    for when, mg, iu in intakes:
        if when == day:
            calcium, vitamin_d = calcium + mg, vitamin_d + iu
    return round(calcium), round(vitamin_d)


def weekly_summary(
    intakes: Iterable[Intake], *, target: DailyTarget, today: date, weeks: int
) -> list[Week]:
    """The last `weeks` ISO weeks up to `today`, newest first: the days something was
    logged and the average a day on those days, against the target. A day without a
    log is unknown, not zero, so it does not pull the average down."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    days: dict[date, list] = {}
    for when, mg, iu in intakes:
        if first <= when <= today:
            totals = days.setdefault(when, [0, 0])
            totals[0] += mg
            totals[1] += iu
    out = []
    for n in range(weeks):
        start = first + timedelta(weeks=n)
        logged = [totals for day, totals in days.items() if week_start(day) == start]
        calcium = round(sum(t[0] for t in logged) / len(logged)) if logged else 0
        vitamin_d = round(sum(t[1] for t in logged) / len(logged)) if logged else 0
        out.append(
            Week(
                start=start,
                days_logged=len(logged),
                calcium_mg=calcium,
                vitamin_d_iu=vitamin_d,
                calcium_met=bool(logged) and calcium >= target.calcium_mg,
                vitamin_d_met=bool(logged) and vitamin_d >= target.vitamin_d_iu[0],
            )
        )
    return out[::-1]


def nudge(week: Week, target: DailyTarget) -> str:
    """A gentle word about one week, in plain language."""
    if not week.days_logged:
        return "Nothing logged this week yet."
    if week.calcium_met and week.vitamin_d_met:
        return "Well done: on the days you logged, you reached your calcium and vitamin D."
    if not week.calcium_met:
        short = target.calcium_mg - week.calcium_mg
        return (
            f"About {short} mg of calcium short a day. A glass of milk or a pot of "
            "yoghurt would cover much of it."
        )
    return "Calcium reached. For vitamin D, think of oily fish, eggs or a supplement."
