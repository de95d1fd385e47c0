"""Section 1.1 [ours]: plausibility of entered scan values, both sides of every limit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.clinical.plausibility import (
    BMD_CHECK_ABOVE,
    BMD_CHECK_BELOW,
    BMD_REJECT_ABOVE,
    BMD_REJECT_AT_OR_BELOW,
    MAX_CHANGE_PCT_PER_YEAR,
    MIN_SCAN_GAP_DAYS,
    SCORE_CHECK_ABOVE,
    SCORE_CHECK_BELOW,
    SCORE_REJECT_ABOVE,
    SCORE_REJECT_BELOW,
    Finding,
    bmd_possible,
    check_bmd,
    check_change,
    check_scan_date,
    check_score,
)

D = Decimal
TODAY = date(2024, 6, 15)
BIRTH = date(1950, 3, 1)
# 2020-01-01 to 2024-01-01 is 1461 days = exactly 4 years of 365.25 days,
# so 60 % over that span is exactly 15 % per year.
FOUR_YEARS_AGO, SCAN_DAY = date(2020, 1, 1), date(2024, 1, 1)


def levels(findings):
    return [(f.field, f.level) for f in findings]


def test_section_1_1_limits_are_the_documented_numbers():
    assert (BMD_REJECT_AT_OR_BELOW, BMD_REJECT_ABOVE) == (D("0"), D("2.5"))
    assert (BMD_CHECK_BELOW, BMD_CHECK_ABOVE) == (D("0.35"), D("1.6"))
    assert (SCORE_REJECT_BELOW, SCORE_REJECT_ABOVE) == (D("-8"), D("8"))
    assert (SCORE_CHECK_BELOW, SCORE_CHECK_ABOVE) == (D("-5.0"), D("4.0"))
    assert MAX_CHANGE_PCT_PER_YEAR == D("15")
    assert MIN_SCAN_GAP_DAYS == 183  # 6 months, as days


# --- BMD -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bmd", "expected"),
    [
        pytest.param("-0.500", [("bmd", "reject")], id="1.1 BMD reject <= 0: negative"),
        pytest.param("0", [("bmd", "reject")], id="1.1 BMD reject <= 0: 0 rejected"),
        pytest.param("0.001", [("bmd", "check")], id="1.1 BMD reject <= 0: 0.001 not rejected"),
        pytest.param("0.349", [("bmd", "check")], id="1.1 BMD check < 0.35: 0.349 checked"),
        pytest.param("0.350", [], id="1.1 BMD check < 0.35: 0.35 accepted"),
        pytest.param("0.950", [], id="1.1 BMD typical value accepted"),
        pytest.param("1.600", [], id="1.1 BMD check > 1.6: 1.6 accepted"),
        pytest.param("1.601", [("bmd", "check")], id="1.1 BMD check > 1.6: 1.601 checked"),
        pytest.param("2.500", [("bmd", "check")], id="1.1 BMD reject > 2.5: 2.5 not rejected"),
        pytest.param("2.501", [("bmd", "reject")], id="1.1 BMD reject > 2.5: 2.501 rejected"),
        pytest.param("1200", [("bmd", "reject")], id="1.1 BMD reject > 2.5: mg/cm² value"),
        pytest.param("NaN", [("bmd", "reject")], id="1.1 BMD reject: not a number"),
        pytest.param("Infinity", [("bmd", "reject")], id="1.1 BMD reject: infinity"),
    ],
)
def test_check_bmd_levels(bmd, expected):
    # One finding at most: a rejected value never also gets a "check".
    assert levels(check_bmd(D(bmd))) == expected


@pytest.mark.parametrize(
    ("bmd", "message"),
    [
        pytest.param(
            "0.3",
            "A BMD of 0.300 g/cm² is unusually low (below 0.35). "
            "Please check it against the report.",
            id="1.1 BMD check < 0.35 message",
        ),
        pytest.param(
            "1.75",
            "A BMD of 1.750 g/cm² is unusually high (above 1.6). "
            "Please check it against the report.",
            id="1.1 BMD check > 1.6 message",
        ),
        pytest.param(
            "0",
            "A BMD of 0.000 g/cm² is not possible: it must be greater than 0.",
            id="1.1 BMD reject <= 0 message",
        ),
        pytest.param(
            "3.1",
            "A BMD of 3.100 g/cm² is out of range: it cannot be above 2.5 g/cm². "
            "Please check the report.",
            id="1.1 BMD reject > 2.5 message",
        ),
        pytest.param(
            "2.5004",
            "A BMD of 2.5004 g/cm² is out of range: it cannot be above 2.5 g/cm². "
            "Please check the report.",
            id="1.1 BMD reject > 2.5 message shows the digits typed, unrounded",
        ),
        pytest.param(
            "1200",
            "A BMD of 1200 is out of range for g/cm²; it looks like mg/cm². "
            "Did you mean 1.200 g/cm²?",
            id="1.1 BMD mg/cm² hint: 1200",
        ),
        pytest.param(
            "1200.000",
            "A BMD of 1200 is out of range for g/cm²; it looks like mg/cm². "
            "Did you mean 1.200 g/cm²?",
            id="1.1 BMD mg/cm² hint: trailing zeros dropped",
        ),
        pytest.param(
            "1234.5",
            "A BMD of 1234.5 is out of range for g/cm²; it looks like mg/cm². "
            "Did you mean 1.2345 g/cm²?",
            id="1.1 BMD mg/cm² hint: keeps every digit",
        ),
        pytest.param(
            "NaN", "The BMD must be a number, in g/cm².", id="1.1 BMD reject not a number message"
        ),
    ],
)
def test_check_bmd_messages(bmd, message):
    assert [f.message for f in check_bmd(D(bmd))] == [message]


@pytest.mark.parametrize(
    ("bmd", "hint"),
    [
        pytest.param("99.999", False, id="1.1 BMD mg/cm² hint from 100: 99.999 no hint"),
        pytest.param("100", True, id="1.1 BMD mg/cm² hint from 100: 100 hinted (0.100 g/cm²)"),
        pytest.param("2500", True, id="1.1 BMD mg/cm² hint: 2500 hinted (2.500 g/cm² possible)"),
        pytest.param("2501", False, id="1.1 BMD mg/cm² hint: 2501 no hint (2.501 g/cm² rejected)"),
    ],
)
def test_mg_hint_only_when_dividing_by_1000_gives_a_possible_value(bmd, hint):
    (finding,) = check_bmd(D(bmd))
    assert finding.level == "reject"
    assert ("looks like mg/cm²" in finding.message) is hint


@pytest.mark.parametrize(
    ("bmd", "possible"),
    [
        pytest.param("0", False, id="1.1 BMD possible: 0 no"),
        pytest.param("0.001", True, id="1.1 BMD possible: 0.001 yes"),
        pytest.param("2.5", True, id="1.1 BMD possible: 2.5 yes"),
        pytest.param("2.501", False, id="1.1 BMD possible: 2.501 no"),
        pytest.param("NaN", False, id="1.1 BMD possible: NaN no"),
    ],
)
def test_bmd_possible_matches_check_bmd_reject(bmd, possible):
    assert bmd_possible(D(bmd)) is possible
    assert (not possible) == any(f.level == "reject" for f in check_bmd(D(bmd)))


# --- T- and Z-scores -------------------------------------------------------

SCORE_CASES = [
    pytest.param("-8.1", "reject", id="1.1 score reject < -8: -8.1 rejected"),
    pytest.param("-8.0", "check", id="1.1 score reject < -8: -8.0 not rejected"),
    pytest.param("-5.1", "check", id="1.1 score check < -5.0: -5.1 checked"),
    pytest.param("-5.0", None, id="1.1 score check < -5.0: -5.0 accepted"),
    pytest.param("0.0", None, id="1.1 score typical value accepted"),
    pytest.param("4.0", None, id="1.1 score check > +4.0: +4.0 accepted"),
    pytest.param("4.1", "check", id="1.1 score check > +4.0: +4.1 checked"),
    pytest.param("8.0", "check", id="1.1 score reject > +8: +8.0 not rejected"),
    pytest.param("8.1", "reject", id="1.1 score reject > +8: +8.1 rejected"),
    pytest.param("NaN", "reject", id="1.1 score reject: not a number"),
]


@pytest.mark.parametrize("field", ["t_score", "z_score"])
@pytest.mark.parametrize(("value", "level"), SCORE_CASES)
def test_check_score_levels(field, value, level):
    expected = [] if level is None else [(field, level)]
    assert levels(check_score(D(value), field)) == expected


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        pytest.param(
            "-5.1",
            "t_score",
            "A T-score of -5.1 is unusually low (below -5.0). Please check it against the report.",
            id="1.1 T-score check < -5.0 message",
        ),
        pytest.param(
            "4.1",
            "z_score",
            "A Z-score of +4.1 is unusually high (above +4.0). Please check it against the report.",
            id="1.1 Z-score check > +4.0 message",
        ),
        pytest.param(
            "8.1",
            "z_score",
            "A Z-score of +8.1 is out of range: Z-scores lie between -8 and +8. "
            "Please check the report.",
            id="1.1 Z-score reject > +8 message",
        ),
        pytest.param(
            "-8.05",
            "t_score",
            "A T-score of -8.05 is out of range: T-scores lie between -8 and +8. "
            "Please check the report.",
            id="1.1 T-score reject < -8 message shows the digits typed, unrounded",
        ),
        pytest.param(
            "Infinity", "t_score", "The T-score must be a number.", id="1.1 T-score not a number"
        ),
    ],
)
def test_check_score_messages(value, field, message):
    assert [f.message for f in check_score(D(value), field)] == [message]


def test_check_score_refuses_an_unknown_field():
    with pytest.raises(ValueError, match="unknown score field 'bmd'"):
        check_score(D("-1.0"), "bmd")


# --- scan date -------------------------------------------------------------


@pytest.mark.parametrize(
    ("scan_date", "birth_date", "expected"),
    [
        pytest.param(TODAY, BIRTH, [], id="1.1 date reject future: today accepted"),
        pytest.param(
            TODAY + timedelta(days=1),
            BIRTH,
            [("date", "reject")],
            id="1.1 date reject future: tomorrow rejected",
        ),
        pytest.param(BIRTH, BIRTH, [], id="1.1 date reject before birth: birth day accepted"),
        pytest.param(
            BIRTH - timedelta(days=1),
            BIRTH,
            [("date", "reject")],
            id="1.1 date reject before birth: day before rejected",
        ),
        pytest.param(
            date(1900, 1, 1), None, [], id="1.1 date reject before birth: no birth date known"
        ),
        pytest.param(
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=30),
            [("date", "reject"), ("date", "reject")],
            id="1.1 date reject: future and before birth, both named",
        ),
    ],
)
def test_check_scan_date(scan_date, birth_date, expected):
    assert levels(check_scan_date(scan_date, birth_date=birth_date, today=TODAY)) == expected


def test_check_scan_date_messages():
    assert [
        f.message
        for f in check_scan_date(date(2024, 6, 16), birth_date=date(2024, 7, 1), today=TODAY)
    ] == [
        "The scan date 16 Jun 2024 is in the future (today is 15 Jun 2024).",
        "The scan date 16 Jun 2024 is before the date of birth (1 Jul 2024).",
    ]


# --- change vs previous scan and spacing -----------------------------------


def _change(bmd, previous, scan_date=SCAN_DAY, site_label="lumbar spine"):
    return check_change(
        scan_date=scan_date,
        bmd=D(bmd),
        previous=[(day, D(value)) for day, value in previous],
        site_label=site_label,
    )


@pytest.mark.parametrize(
    ("bmd", "previous", "expected"),
    [
        pytest.param("1.000", [], [], id="1.1 change: no other scan"),
        pytest.param(
            "0.400",
            [(FOUR_YEARS_AGO, "1.000")],
            [],
            id="1.1 change > 15 %/yr: -15.0 %/yr not checked",
        ),
        pytest.param(
            "0.399",
            [(FOUR_YEARS_AGO, "1.000")],
            [("bmd", "check")],
            id="1.1 change > 15 %/yr: -15.025 %/yr checked",
        ),
        pytest.param(
            "1.600",
            [(FOUR_YEARS_AGO, "1.000")],
            [],
            id="1.1 change > 15 %/yr: +15.0 %/yr not checked",
        ),
        pytest.param(
            "1.601",
            [(FOUR_YEARS_AGO, "1.000")],
            [("bmd", "check")],
            id="1.1 change > 15 %/yr: +15.025 %/yr checked",
        ),
        pytest.param(
            "1.000",
            [(date(2016, 1, 1), "0.400"), (FOUR_YEARS_AGO, "1.000")],
            [],
            id="1.1 change: measured against the nearest previous scan, not an older one",
        ),
        pytest.param(
            "1.000",
            [(FOUR_YEARS_AGO, "1.000"), (date(2016, 1, 1), "0.400")],
            [],
            id="1.1 change: nearest previous found whatever the order given",
        ),
        pytest.param(
            "1.000",
            [(date(2025, 1, 1), "0.400")],
            [],
            id="1.1 change: a later scan is not the previous scan",
        ),
        pytest.param(
            "1200",
            [(FOUR_YEARS_AGO, "1.000")],
            [],
            id="1.1 change: a BMD check_bmd rejects gets no change finding",
        ),
        pytest.param(
            "1.000",
            [(FOUR_YEARS_AGO, "0")],
            [],
            id="1.1 change: an impossible previous BMD is skipped (no division by zero)",
        ),
        pytest.param(
            "0.800",
            [(SCAN_DAY - timedelta(days=100), "1.000")],
            [("bmd", "check"), ("date", "check")],
            id="1.1 change and < 6 months: both checked",
        ),
    ],
)
def test_check_change_per_year(bmd, previous, expected):
    assert levels(_change(bmd, previous)) == expected


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        pytest.param(
            SCAN_DAY - timedelta(days=182),
            [("date", "check")],
            id="1.1 scans < 6 months apart: 182 days before checked",
        ),
        pytest.param(
            SCAN_DAY - timedelta(days=183), [], id="1.1 scans < 6 months apart: 183 days before not"
        ),
        pytest.param(
            SCAN_DAY + timedelta(days=182),
            [("date", "check")],
            id="1.1 scans < 6 months apart: 182 days after checked",
        ),
        pytest.param(
            SCAN_DAY + timedelta(days=183), [], id="1.1 scans < 6 months apart: 183 days after not"
        ),
        pytest.param(
            SCAN_DAY, [("date", "check")], id="1.1 scans < 6 months apart: same day checked"
        ),
    ],
)
def test_check_change_spacing(other, expected):
    # Same BMD, so only the spacing can raise a finding.
    assert levels(_change("1.000", [(other, "1.000")])) == expected


def test_same_day_scan_is_checked_for_spacing_without_dividing_by_zero():
    findings = _change("0.500", [(SCAN_DAY, "1.000")], site_label="total hip")
    assert findings == (
        Finding(
            field="date",
            level="check",
            message=(
                "This scan (1 Jan 2024) is on the same day as another total hip scan. Scans "
                "less than 6 months (183 days) apart are unusual. Please check the date."
            ),
        ),
    )


def test_spacing_message_names_the_closest_scan():
    findings = _change(
        "1.000",
        [
            (SCAN_DAY - timedelta(days=150), "1.000"),
            (SCAN_DAY + timedelta(days=30), "1.000"),
            (SCAN_DAY - timedelta(days=30), "1.000"),
        ],
        site_label="total hip (left)",
    )
    assert [f.message for f in findings] == [
        "This scan (1 Jan 2024) is only 30 days from the total hip (left) scan of 2 Dec 2023. "
        "Scans less than 6 months (183 days) apart are unusual. Please check the date."
    ]


@pytest.mark.parametrize(
    ("bmd", "message"),
    [
        pytest.param(
            "0.399",
            "The lumbar spine BMD of 0.399 g/cm² is 60.1 % lower than on 1 Jan 2020 "
            "(1.000 g/cm²), a change of 15.1 % per year (more than 15 % per year is unusual). "
            "Please check it against the report.",
            id="1.1 change > 15 %/yr message: loss, rate rounded up",
        ),
        pytest.param(
            "1.700",
            "The lumbar spine BMD of 1.700 g/cm² is 70.0 % higher than on 1 Jan 2020 "
            "(1.000 g/cm²), a change of 17.5 % per year (more than 15 % per year is unusual). "
            "Please check it against the report.",
            id="1.1 change > 15 %/yr message: gain",
        ),
    ],
)
def test_change_message(bmd, message):
    assert [f.message for f in _change(bmd, [(FOUR_YEARS_AGO, "1.000")])] == [message]
