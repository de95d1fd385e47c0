"""The parser on text: vendor tables, narrative sentences, OCR damage, dates
and makes. Table-driven: each case is report text and what must (not) be read."""

import datetime
from decimal import Decimal as D

import pytest

from tracker.interop.reports import ReadSite, parse_text
from tracker.records.models import VERTEBRAE_CHOICES

HOLOGIC_HEAD = "Region Area (cm²) BMC (g) BMD (g/cm²) T-score PR (%) Z-score AM (%)"
LUNAR_HEAD = "Region BMD (g/cm²) Young-Adult (%) T-Score Age-Matched (%) Z-Score"


def site(code, side, bmd, t, z=None) -> ReadSite:
    return ReadSite(
        site=code,
        side=side,
        bmd=D(bmd) if bmd else None,
        t_score=D(t) if t else None,
        z_score=D(z) if z else None,
    )


def sites_of(text: str) -> tuple[ReadSite, ...]:
    return parse_text(text).sites


SITE_CASES = [
    (
        "hologic spine: the total row only, never a vertebra, Area or BMC",
        f"Lumbar Spine\n{HOLOGIC_HEAD}\nL1 14.20 11.40 0.771 -1.8 80 -0.3 97\n"
        "Total 61.50 52.34 0.851 -1.9 79 -0.4 96",
        [site("lumbar_spine", "none", "0.851", "-1.9", "-0.4")],
    ),
    (
        "hologic hip per side from the heading; Inter never read",
        f"Right Hip\n{HOLOGIC_HEAD}\nNeck 4.91 3.50 0.712 -1.6 82 -0.2 98\n"
        "Inter 18.02 18.20 1.010 -1.1 88 -0.4 96\nTotal 34.25 27.50 0.803 -1.5 84 -0.5 94",
        [
            site("femoral_neck", "right", "0.712", "-1.6", "-0.2"),
            site("total_hip", "right", "0.803", "-1.5", "-0.5"),
        ],
    ),
    (
        "hologic forearm: the 1/3 row is the 33 % radius; the forearm total is not a site",
        f"Left Forearm\n{HOLOGIC_HEAD}\n1/3 2.90 2.03 0.701 -0.8 91 0.6 107\n"
        "Total 14.30 7.73 0.540 -1.3 86 0.0 100",
        [site("radius_33", "left", "0.701", "-0.8", "0.6")],
    ),
    (
        "lunar dual femur: Mean and Diff rows are never a side",
        f"DualFemur\n{LUNAR_HEAD}\nNeck Left 0.781 78 -2.0 90 -0.9\n"
        "Neck Right 0.799 79 -1.9 91 -0.8\nNeck Mean 0.790 78 -2.0 90 -0.9\n"
        "Neck Diff. 0.018 2 0.1 1 0.1\nTotal Mean 0.873 88 -1.1 96 -0.4",
        [
            site("femoral_neck", "left", "0.781", "-2.0", "-0.9"),
            site("femoral_neck", "right", "0.799", "-1.9", "-0.8"),
        ],
    ),
    (
        "lunar radius 33 %",
        f"Forearm\n{LUNAR_HEAD}\nRadius 33% 0.690 92 -0.7 99 -0.1",
        [site("radius_33", "none", "0.690", "-0.7", "-0.1")],
    ),
    (
        "mg/cm² converted",
        f"AP Spine\n{LUNAR_HEAD.replace('g/cm²', 'mg/cm²')}\nL1-L4 1105 107 0.6 104 0.4",
        [site("lumbar_spine", "none", "1.105", "0.6", "0.4")],
    ),
    (
        "no Z-score column: Z missing, PR not taken for it",
        "Lumbar Spine\nRegion Area (cm²) BMC (g) BMD (g/cm²) T-score PR (%)\n"
        "L1-L3 45.10 36.60 0.812 -2.6 71",
        [site("lumbar_spine", "none", "0.812", "-2.6")],
    ),
    (
        "OCR damage mended: '-1 .9', 'O.851', a stray bar",
        f"Lumbar Spine\n{HOLOGIC_HEAD}\n| Total 61.50 52.34 O.851 -1 .9 79 - 0.4 96",
        [site("lumbar_spine", "none", "0.851", "-1.9", "-0.4")],
    ),
    (
        "OCR damage not guessed: a lost point leaves the value missing",
        f"Lumbar Spine\n{HOLOGIC_HEAD}\nTotal 61.50 52.34 0851 -1.9 79 -04 96",
        [site("lumbar_spine", "none", None, "-1.9", None)],
    ),
    (
        "a lost minus sign disagrees with the percentage: missing, not wrong",
        f"Lumbar Spine\n{HOLOGIC_HEAD}\nTotal 61.50 52.34 0.851 1.9 79 -0.4 96",
        [site("lumbar_spine", "none", "0.851", None, "-0.4")],
    ),
    (
        "a row that does not line up with its columns: all missing",
        f"Lumbar Spine\n{HOLOGIC_HEAD}\nTotal 61.50 0.851 -1.9 79 -0.4 96",
        [site("lumbar_spine", "none", None, None, None)],
    ),
    (
        "a header column lost to OCR is completed from the vendor layout",
        "Lumbar Spine\nRegion Area (cm²) BNC (g) BMD (g/cm²) T-score PR (%) Z-score AM (%)\n"
        "Total 61.50 52.34 0.851 -1.9 79 -0.4 96",
        [site("lumbar_spine", "none", "0.851", "-1.9", "-0.4")],
    ),
    (
        "narrative sentences, side from the sentence",
        "The lumbar spine (L1-L4) BMD is 0.851 g/cm2, T-score -1.9, Z-score -0.4.\n"
        "The right femoral neck BMD is 0.702 g/cm2 with a T-score of -1.7 and\n"
        "a Z-score of -0.3. The right total hip BMD is 812 mg/cm2, T-score -1.4.",
        [
            site("lumbar_spine", "none", "0.851", "-1.9", "-0.4"),
            site("femoral_neck", "right", "0.702", "-1.7", "-0.3"),
            site("total_hip", "right", "0.812", "-1.4"),
        ],
    ),
    (
        "narrative: no side, no hip value",
        "DXA report. The femoral neck BMD is 0.702 g/cm2, T-score -1.7.",
        [],
    ),
    (
        "two different values for one site: neither is taken",
        f"Lumbar Spine\n{HOLOGIC_HEAD}\nTotal 61.50 52.34 0.851 -1.9 79 -0.4 96\n"
        "Lumbar Spine\nTotal 61.50 52.34 0.861 -1.8 80 -0.4 96",
        [site("lumbar_spine", "none", None, None, None)],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in SITE_CASES], ids=[c[0] for c in SITE_CASES]
)
def test_sites(text, expected):
    assert list(sites_of(text)) == expected


VERTEBRAE_CASES = [
    (f"Lumbar Spine\n{HOLOGIC_HEAD}\nL1-L3 45.10 36.60 0.812 -2.6 71 -1.0 89", "L1-L3"),
    (
        f"Spine\n{HOLOGIC_HEAD}\n"
        + "".join(f"L{n} 14.20 11.40 0.771 -1.8 80 -0.3 97\n" for n in (1, 2, 3, 4))
        + "Total 61.50 52.34 0.851 -1.9 79 -0.4 96",
        "L1-L4",
    ),
    (  # a vertebra row lost: not guessed
        f"Spine\n{HOLOGIC_HEAD}\nL1 14.20 11.40 0.771 -1.8 80 -0.3 97\n"
        "Total 61.50 52.34 0.851 -1.9 79 -0.4 96",
        None,
    ),
    ("The lumbar spine (L2-L4) BMD is 0.851 g/cm2, T-score -1.9.", "L2-L4"),
]


@pytest.mark.parametrize(("text", "expected"), VERTEBRAE_CASES)
def test_vertebrae(text, expected):
    report = parse_text(text)
    assert report.vertebrae == expected
    if expected:
        assert expected in dict(VERTEBRAE_CHOICES)
    else:
        assert any("vertebrae" in note for note in report.notes)


DATE_CASES = [
    ("Scan Date: March 14, 2024", datetime.date(2024, 3, 14)),
    ("Scan Date: 14 Mar 2024    Printed: 04/01/2024", datetime.date(2024, 3, 14)),
    ("Exam date: 2023-11-02", datetime.date(2023, 11, 2)),
    ("Birth Date: 11/02/1954    Scan Date: 25/03/2024", datetime.date(2024, 3, 25)),
    ("Scan Date: 03/25/2024", datetime.date(2024, 3, 25)),
    ("Scan Date: 03/04/2024", None),  # day/month or month/day: not guessed
    ("GE Lunar Prodigy\nDOB: 2/9/1950  Measured: 3/4/2024", datetime.date(2024, 3, 4)),
    ("Birth Date: 11/02/1954", None),
    ("Date of examination: 2 May 2023", datetime.date(2023, 5, 2)),
    ("Scan Date: 31/02/2024", None),
]


@pytest.mark.parametrize(("line", "expected"), DATE_CASES)
def test_scan_date(line, expected):
    text = f"{line}\nDXA Results Summary\n{HOLOGIC_HEAD}\nLumbar Spine"
    report = parse_text(text)
    assert report.date == expected
    if expected is None:
        assert any("date" in note for note in report.notes)


MAKE_CASES = [
    ("Scanner: Hologic Horizon A", "hologic", "Horizon A"),
    ("Hologic QDR 4500W, APEX 4.0", "hologic", "QDR 4500W"),
    ("GE Healthcare Lunar iDXA enCORE 18", "ge_lunar", "iDXA"),
    ("Lunar Prodigy Advance", "ge_lunar", "Prodigy Advance"),
    ("Norland XR-800", "other", "Norland XR-800"),
    ("Scanner: unknown", None, "unknown"),
]


@pytest.mark.parametrize(("line", "make", "model"), MAKE_CASES)
def test_make_and_model(line, make, model):
    report = parse_text(f"{line}\nBMD 0.851 g/cm2, T-score -1.9")
    assert report.manufacturer == make
    assert report.model == model


def test_facility_read_from_its_label():
    report = parse_text("Facility: Northside Imaging\nDXA BMD T-score")
    assert report.facility == "Northside Imaging"


@pytest.mark.parametrize(
    "text",
    ["", "   \n ", "Electricity bill\nTotal 412 0.182 84.20\nDue date: 01/26/2024"],
)
def test_not_a_report(text):
    report = parse_text(text)
    assert not report.is_report
    assert report.sites == ()
    assert report.date is None


def test_method_is_passed_through():
    assert parse_text("", method="ocr").method == "ocr"
