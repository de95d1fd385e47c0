"""What each drug did as a table (tables.response_table): the engine's figures in a
patient's plain words and a clinician's terms (issue 12, item 6; rule book 11.28)."""

import re
from datetime import date, timedelta

import pytest

from tests.clinical.builders import D, course, history, scan, site
from tests.dashboard.conftest import TODAY
from tracker.clinical.change import comparability, compare
from tracker.clinical.history import Overrides
from tracker.clinical.response import MIN_ANNUALISED_DAYS, course_responses
from tracker.dashboard.tables import UNCERTAIN_WORDS, response_table

START, END = date(2018, 3, 1), date(2022, 2, 28)
BEFORE, DURING = date(2018, 1, 10), date(2021, 12, 1)
JARGON = re.compile(r"\bLSC\b|\bBMD\b|section|\b\d+\.\d+\)|[A-Z]{2,}-[A-Z]")


def _table(scans, courses=None, overrides=None, today=TODAY):
    courses = courses or (course(1, "alendronate", START, END, "switched"),)
    hist = history(scans=scans, courses=courses, overrides=overrides or Overrides())
    return response_table(course_responses(hist, today))


def _patient_words(table):
    for line in table.courses:
        yield line.message
        yield line.overlap
        yield line.summary
        for s in line.sites:
            yield from (s.verdict, s.note, s.change_text, s.per_year_text)
    yield table.note


def test_the_issues_example_in_words():
    # "alendronate 2018-2022: lumbar spine +4.1 %, a real change; total hip +1.2 %, within the
    # margin": here with the facility's spine LSC at 3 %, so 4.1 % is real.
    spine_lsc = {"facility_lsc_pct": D("3.0")}
    scans = (
        scan(1, BEFORE, site("lumbar_spine", "1.000", **spine_lsc), site("total_hip", "0.800")),
        scan(2, DURING, site("lumbar_spine", "1.041", **spine_lsc), site("total_hip", "0.810")),
    )
    table = _table(scans)
    (line,) = table.courses
    assert line.summary == (
        "alendronate 2018–2022: lumbar spine +4.1 %, a real change; "
        "total hip (left) +1.3 %, within the margin of error"
    )
    assert (line.name, line.start, line.last_day, line.ongoing) == (
        "Alendronate",
        START,
        END,
        False,
    )
    assert (line.baseline_date, line.end_date) == (BEFORE, DURING)
    spine, hip = line.sites
    assert (spine.label, spine.change_text, spine.significant) == ("Lumbar spine", "+4.1 %", True)
    # 4.1 % over 3.89 years.
    assert spine.per_year_text == "+1.1 % a year" and spine.per_year == D("1.1")
    assert (spine.verdict, spine.verdict_clinician) == ("a real change", "significant (≥ LSC)")
    assert spine.note == "margin of error 3.0 %"
    assert spine.note_clinician == "LSC 3.0 % (the facility's)"
    assert (hip.verdict, hip.verdict_clinician) == (
        "within the margin of error",
        "not significant (< LSC)",
    )
    assert hip.note == "margin of error 5.0 %, estimated"
    assert hip.note_clinician == "LSC 5.0 % (default, estimated)"
    assert line.message == line.message_clinician == line.overlap == ""


def test_a_loss_and_no_change_are_signed_as_the_change_table_signs_them():
    scans = (
        scan(1, BEFORE, site("lumbar_spine", "1.000"), site("total_hip", "0.800")),
        scan(2, DURING, site("lumbar_spine", "0.940"), site("total_hip", "0.800")),
    )
    spine, hip = _table(scans).courses[0].sites
    assert (spine.change_text, spine.verdict) == ("-6.0 %", "a real change")
    assert (hip.change_text, hip.per_year_text) == ("0.0 %", "0.0 % a year")


def test_per_year_is_left_out_under_half_a_year():
    close = START + timedelta(days=MIN_ANNUALISED_DAYS - 1) - (START - BEFORE)
    scans = (scan(1, BEFORE, site("total_hip", "0.800")), scan(2, close, site("total_hip", "0.84")))
    (hip,) = _table(scans).courses[0].sites
    assert hip.per_year is None and hip.per_year_text == "—"
    assert f"less than {MIN_ANNUALISED_DAYS} days" in _table(scans).note


@pytest.mark.parametrize(
    ("scans", "today", "patient", "clinician"),
    [
        (
            (scan(1, DURING, site()),),
            TODAY,
            "No scan before it started, so there is nothing to compare with.",
            "No baseline: no scan on or before the first day (section 11.28).",
        ),
        (
            (scan(1, BEFORE, site()),),
            TODAY,
            "No scan during it, so no change to show.",
            "No scan during the course: after the first day, up to the last day on the drug "
            "(section 11.28).",
        ),
        (
            (scan(1, BEFORE, site()),),
            END - timedelta(days=1),  # still running
            "No scan during it yet, so no change to show.",
            "No scan during the course yet: after the first day, up to the last day on the drug "
            "(section 11.28).",
        ),
        (
            (scan(1, BEFORE, site("lumbar_spine")), scan(2, DURING, site("total_hip"))),
            TODAY,
            "The scans before and during it measured different parts of the body, so no change "
            "to show.",
            "No site and side measured on both scans.",
        ),
        (
            (scan(1, BEFORE, site()), scan(2, DURING, site(), make="ge_lunar")),
            TODAY,
            "Cannot be compared: the scans were made on two makes of scanner (Hologic then GE "
            "Lunar), whose numbers differ.",
            "Not comparable: different scanner make (Hologic then GE Lunar); no change across "
            "makes (section 3.4).",
        ),
    ],
)
def test_no_number_says_why(scans, today, patient, clinician):
    (line,) = _table(scans, today=today).courses
    assert line.sites == ()
    assert (line.message, line.message_clinician) == (patient, clinician)
    assert line.summary.endswith(": " + patient[0].lower() + patient[1:-1])


def test_a_running_course_says_since():
    scans = (scan(1, BEFORE, site()), scan(2, DURING, site()))
    (line,) = _table(scans, courses=(course(1, "denosumab", START),)).courses
    assert line.ongoing and line.last_day == TODAY
    assert line.summary.startswith("denosumab since 2018: lumbar spine 0.0 %")


@pytest.mark.parametrize(
    ("extra", "ref_vertebrae", "plain", "clinician"),
    [
        ({"facility": "Town"}, 4, "another scanning place", "different facility"),
        ({"model": "Discovery"}, 4, "another scanner model", "different scanner model"),
        (
            {},
            3,
            "a different number of spine bones measured (3, then 4)",
            "different number of vertebrae (3 then 4)",
        ),
    ],
)
def test_uncertain_comparability_is_marked(extra, ref_vertebrae, plain, clinician):
    scans = (
        scan(1, BEFORE, site("lumbar_spine", "1.000", vertebrae_count=ref_vertebrae)),
        scan(2, DURING, site("lumbar_spine", "1.010"), **extra),
    )
    (spine,) = _table(scans).courses[0].sites
    assert spine.note.endswith(f"; less certain: {plain}")
    assert spine.note_clinician.endswith(f"; comparability uncertain: {clinician} (section 11.8)")


def test_every_reason_the_engine_gives_for_doubt_has_plain_words():
    first = scan(1, BEFORE, site(), model="A", facility="X")
    second = scan(2, DURING, site(), model="B", facility="Y")
    assert set(comparability(second, first).reasons) == set(UNCERTAIN_WORDS)
    ref = site(vertebrae_count=4)
    now = site(vertebrae_count=2)
    notes = compare(scan(2, DURING, now), now, scan(1, BEFORE, ref), ref).notes
    assert notes == ("different number of vertebrae (4 then 2)",)


def test_a_clinicians_lsc_is_named_as_theirs():
    overrides = Overrides(facility_lsc_pct={"lumbar_spine": "3.0"})
    scans = (
        scan(1, BEFORE, site("lumbar_spine", "1.000")),
        scan(2, DURING, site("lumbar_spine", "1.030")),
    )
    (spine,) = _table(scans, overrides=overrides).courses[0].sites
    assert spine.significant and spine.note == "margin of error 3.0 %"
    assert spine.note_clinician == "LSC 3.0 % (set by a clinician)"


def test_overlapping_courses_say_so():
    courses = (
        course(1, "alendronate", START, END, "switched"),
        course(2, "raloxifene", date(2020, 1, 1)),
    )
    scans = (scan(1, BEFORE, site()), scan(2, DURING, site()))
    first, second = _table(scans, courses=courses).courses
    assert first.overlap == (
        "Taken at the same time as raloxifene: the change cannot be put down to alendronate alone."
    )
    assert (
        first.overlap_clinician
        == "Overlaps raloxifene (section 11.15): not attributable to one drug."
    )
    assert second.overlap.startswith("Taken at the same time as alendronate")


def test_patients_words_have_no_jargon():
    overrides = Overrides(facility_lsc_pct={"total_hip": "2.0"})
    courses = (
        course(1, "alendronate", START, END, "switched"),
        course(2, "raloxifene", date(2020, 1, 1), date(2023, 1, 1), "other"),
        course(3, "denosumab", date(2023, 6, 1)),
        course(4, "zoledronic_acid", date(2024, 6, 1)),
    )
    scans = (
        scan(1, BEFORE, site("lumbar_spine", "1.000", vertebrae_count=3), site("total_hip")),
        scan(2, DURING, site("lumbar_spine", "1.060"), site("total_hip", "1.100"), facility="Y"),
        scan(3, date(2024, 1, 1), site("lumbar_spine"), make="ge_lunar"),
    )
    table = _table(scans, courses=courses, overrides=overrides)
    words = [w for w in _patient_words(table) if w]
    assert len(words) > 10
    for text in words:
        assert not JARGON.search(text), text
        assert "vertebra" not in text and "comparab" not in text, text
