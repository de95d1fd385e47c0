"""Properties that must hold for any input, not just the boundary tables."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.clinical.alerts import denosumab_alerts
from tracker.clinical.change import compare
from tracker.clinical.classify import LOW_BONE_MASS, NORMAL, OSTEOPOROSIS, who_category
from tracker.clinical.dates import add_months, days_covered

from .builders import course, history, scan, site

# Deterministic and without a local example database: CI must not flake.
PROPERTY = settings(database=None, derandomize=True, max_examples=200, deadline=None)

t_scores = st.decimals(min_value=-8, max_value=8, places=1)
bmds = st.decimals(min_value=Decimal("0.350"), max_value=Decimal("1.600"), places=3)
RANK = {NORMAL: 0, LOW_BONE_MASS: 1, OSTEOPOROSIS: 2}


@PROPERTY
@given(t_scores, t_scores)
def test_who_category_never_improves_as_t_falls(a, b):
    low, high = sorted((a, b))
    assert RANK[who_category(low)] >= RANK[who_category(high)]


@PROPERTY
@given(bmds, bmds, st.sampled_from(["lumbar_spine", "total_hip", "femoral_neck", "radius_33"]))
def test_significance_matches_the_shown_lsc(ref, now, code):
    first, second = site(code, str(ref)), site(code, str(now))
    change = compare(
        scan(2, date(2022, 1, 1), second), second, scan(1, date(2020, 1, 1), first), first
    )
    # The displayed (rounded-up) LSC gives the same verdict as the exact one.
    assert change.significant == (abs(change.delta_g) >= change.lsc_g)
    assert change.delta_g == now - ref


@PROPERTY
@given(st.integers(min_value=0, max_value=400))
def test_dmab_emits_at_most_one_stage_per_dose(day):
    last = date(2024, 1, 1)
    hist = history(courses=(course(1, "denosumab", last, doses=(last,)),))
    stages = [
        a
        for a in denosumab_alerts(hist, last + timedelta(days=day))
        if a.rule_id in ("DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY")
    ]
    assert len(stages) <= 1
    assert (len(stages) == 1) is (day >= 168)


@PROPERTY
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), st.integers(-240, 240))
def test_add_months_round_trips_on_the_day_of_month(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 400)), min_size=1, max_size=6))
def test_days_covered_is_the_size_of_the_union(spans):
    base = date(2015, 1, 1)
    intervals = [(base + timedelta(days=s), base + timedelta(days=s + n)) for s, n in spans]
    union = {
        start + timedelta(days=i) for start, end in intervals for i in range((end - start).days + 1)
    }
    assert days_covered(intervals, base + timedelta(days=5000)) == len(union)
