"""The test corpus, made by the tests: synthetic DXA reports and non-reports.

Each report is drawn as a PDF with reportlab in a vendor's layout (section 1.0
of the rule book: Hologic and GE Lunar tables, a narrative report, mg/cm²) and
carries the truth it was drawn from. `photo()` turns a page into what a phone
gives: rendered, slightly rotated, noisy, a JPEG with GPS data in its EXIF.
"""

import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal as D

import pypdfium2
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

Values = tuple[D | None, D | None, D | None]  # BMD g/cm², T, Z


@dataclass(frozen=True)
class Truth:
    date: datetime.date | None = None
    manufacturer: str | None = None
    model: str = ""
    vertebrae: str | None = None
    sites: dict[tuple[str, str], Values] = field(default_factory=dict)
    is_report: bool = True


@dataclass(frozen=True)
class Sample:
    name: str
    pdf: bytes
    truth: Truth


def v(bmd: str, t: str, z: str | None = None) -> Values:
    return (D(bmd), D(t), D(z) if z is not None else None)


def percent(score: D) -> str:
    """The percentage of the reference mean printed beside a score (about 11 % per SD)."""
    return f"{round(100 + 11 * score)}"


class Page:
    """A letter page drawn top-down, one line at a time."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=letter, invariant=1)
        self.y = 740.0

    def line(self, text: str, *, size: int = 10, x: float = 50, bold: bool = False) -> None:
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        self.canvas.drawString(x, self.y, text)
        self.y -= size + 6

    def row(self, cells: list[str], xs: list[float], *, bold: bool = False) -> None:
        self.canvas.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
        for cell, x in zip(cells, xs, strict=True):
            self.canvas.drawString(x, self.y, cell)
        self.y -= 16

    def gap(self, points: float = 10) -> None:
        self.y -= points

    def new_page(self) -> None:
        self.canvas.showPage()
        self.y = 740.0

    def pdf(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


# Hologic APEX: Region, Area, BMC, BMD, T-score, PR, Z-score, AM.
HOLOGIC_X = [50, 120, 190, 250, 330, 400, 450, 520]
HOLOGIC_NO_Z_X = [50, 130, 210, 290, 380, 460]


def _hologic_head(page: Page, model: str, date: str) -> None:
    page.line("Northside Imaging", size=14, bold=True)
    page.line("Facility: Northside Imaging, Bone Density Unit")
    page.line(f"Scanner: Hologic {model}   Software: APEX 5.6")
    page.line("Patient: Test, Pat    Birth Date: 11/02/1954    Sex: Female")
    page.line(f"Scan Date: {date}    Printed: 04/01/2024")
    page.gap()


def _hologic_table(page, title, rows, *, z: bool = True, total_label: str = "Total") -> None:
    page.line(title, size=12, bold=True)
    page.line("DXA Results Summary:", bold=True)
    if z:
        head = ["Region", "Area (cm²)", "BMC (g)", "BMD (g/cm²)", "T-score", "PR (%)"]
        head += ["Z-score", "AM (%)"]
        xs = HOLOGIC_X
    else:
        head = ["Region", "Area (cm²)", "BMC (g)", "BMD (g/cm²)", "T-score", "PR (%)"]
        xs = HOLOGIC_NO_Z_X
    page.row(head, xs, bold=True)
    for label, area, bmc, values in rows:
        bmd, t, zs = values
        cells = [label, area, bmc, f"{bmd}", f"{t}", percent(t)]
        if z:
            cells += [f"{zs}", percent(zs)]
        page.row(cells, xs)
    page.gap()


def _spine_rows(values: dict[str, Values], total_label: str):
    rows = [
        (name, f"{14 + i}.{20 + i}", f"{11 + i}.{40 + i}", value)
        for i, (name, value) in enumerate(values.items())
    ]
    return rows[:-1] + [(total_label, "61.50", "52.34", rows[-1][3])]


def hologic_spine_left_hip() -> Sample:
    spine_total = v("0.851", "-1.9", "-0.4")
    neck, total = v("0.712", "-1.6", "-0.2"), v("0.803", "-1.5", "-0.5")
    page = Page()
    _hologic_head(page, "Horizon A", "March 14, 2024")
    spine = {
        "L1": v("0.771", "-1.8", "-0.3"),
        "L2": v("0.842", "-2.0", "-0.5"),
        "L3": v("0.880", "-1.9", "-0.4"),
        "L4": v("0.899", "-2.0", "-0.6"),
        "Total": spine_total,
    }
    _hologic_table(page, "AP Spine Bone Density", _spine_rows(spine, "Total"))
    hip = [
        ("Neck", "4.91", "3.50", neck),
        ("Troch", "11.32", "7.10", v("0.627", "-1.2", "-0.1")),
        ("Inter", "18.02", "18.20", v("1.010", "-1.1", "-0.4")),
        ("Total", "34.25", "27.50", total),
        ("Ward's", "1.02", "0.55", v("0.540", "-2.2", "0.4")),
    ]
    _hologic_table(page, "Left Hip Bone Density", hip)
    truth = Truth(
        date=datetime.date(2024, 3, 14),
        manufacturer="hologic",
        model="Horizon A",
        vertebrae="L1-L4",
        sites={
            ("lumbar_spine", "none"): spine_total,
            ("femoral_neck", "left"): neck,
            ("total_hip", "left"): total,
            ("trochanter", "left"): v("0.627", "-1.2", "-0.1"),
            ("wards", "left"): v("0.540", "-2.2", "0.4"),
        },
    )
    return Sample("hologic-spine-left-hip", page.pdf(), truth)


def hologic_two_hips_radius() -> Sample:
    spine_total = v("0.934", "-1.2", "0.3")
    page = Page()
    _hologic_head(page, "Discovery Wi", "2023-11-02")
    spine = {
        "L1": v("0.866", "-1.0", "0.5"),
        "L2": v("0.921", "-1.3", "0.2"),
        "L3": v("0.960", "-1.2", "0.3"),
        "L4": v("0.983", "-1.3", "0.2"),
        "L1-L4": spine_total,
    }
    _hologic_table(page, "Lumbar Spine", _spine_rows(spine, "L1-L4"), total_label="L1-L4")
    sites = {("lumbar_spine", "none"): spine_total}
    for side, neck, total in [
        ("Left", v("0.655", "-2.1", "-0.7"), v("0.744", "-1.9", "-0.8")),
        ("Right", v("0.668", "-2.0", "-0.6"), v("0.760", "-1.8", "-0.7")),
    ]:
        rows = [
            ("Neck", "4.88", "3.20", neck),
            ("Troch", "11.10", "6.90", v("0.602", "-1.4", "-0.3")),
            ("Inter", "17.55", "17.40", v("0.990", "-1.3", "-0.5")),
            ("Total", "33.53", "27.50", total),
            ("Ward's", "1.10", "0.52", v("0.475", "-2.6", "-0.1")),
        ]
        _hologic_table(page, f"{side} Hip", rows)
        low = side.lower()
        sites |= {
            ("femoral_neck", low): neck,
            ("total_hip", low): total,
            ("trochanter", low): v("0.602", "-1.4", "-0.3"),
            ("wards", low): v("0.475", "-2.6", "-0.1"),
        }
    page.new_page()
    radius = v("0.701", "-0.8", "0.6")
    forearm = [
        ("UD", "3.30", "1.20", v("0.364", "-1.7", "-0.2")),
        ("MID", "8.10", "4.50", v("0.556", "-1.1", "0.1")),
        ("1/3", "2.90", "2.03", radius),
        ("Total", "14.30", "7.73", v("0.540", "-1.3", "0.0")),
    ]
    _hologic_table(page, "Left Forearm", forearm)
    sites[("radius_33", "left")] = radius
    truth = Truth(
        date=datetime.date(2023, 11, 2),
        manufacturer="hologic",
        model="Discovery Wi",
        vertebrae="L1-L4",
        sites=sites,
    )
    return Sample("hologic-two-hips-radius", page.pdf(), truth)


def hologic_no_z_l1_l3() -> Sample:
    spine_total = v("0.812", "-2.6")
    page = Page()
    _hologic_head(page, "QDR 4500", "7 June 2022")
    spine = {
        "L1": v("0.760", "-2.4"),
        "L2": v("0.801", "-2.7"),
        "L3": v("0.866", "-2.5"),
        "L1-L3": spine_total,
    }
    _hologic_table(page, "Lumbar Spine", _spine_rows(spine, "L1-L3"), z=False)
    page.line("L4 excluded: degenerative change.")
    neck, total = v("0.590", "-2.7"), v("0.701", "-2.4")
    hip = [("Neck", "4.90", "2.90", neck), ("Total", "32.10", "22.50", total)]
    _hologic_table(page, "Right Hip", hip, z=False)
    truth = Truth(
        date=datetime.date(2022, 6, 7),
        manufacturer="hologic",
        model="QDR 4500",
        vertebrae="L1-L3",
        sites={
            ("lumbar_spine", "none"): spine_total,
            ("femoral_neck", "right"): neck,
            ("total_hip", "right"): total,
        },
    )
    return Sample("hologic-no-z-l1-l3", page.pdf(), truth)


# GE Lunar enCORE: Region, BMD, Young-Adult (%), T-Score, Age-Matched (%), Z-Score.
LUNAR_X = [50, 150, 240, 340, 420, 520]


def _lunar_head(page: Page, model: str, measured: str) -> None:
    page.line("Lakeside Medical Center", size=14, bold=True)
    page.line("GE Healthcare Lunar " + model + "    enCORE 18")
    page.line("Facility: Lakeside Medical Center")
    page.line(f"Patient: Test, Pat    DOB: 2/9/1950    Measured: {measured}")
    page.line("Analyzed: 3/5/2024 (18.0)")
    page.gap()


def _lunar_table(page: Page, title: str, rows, *, mg: bool = False) -> None:
    page.line(title, size=12, bold=True)
    unit = "BMD (mg/cm²)" if mg else "BMD (g/cm²)"
    head = ["Region", unit, "Young-Adult (%)", "T-Score", "Age-Matched (%)", "Z-Score"]
    page.row(head, LUNAR_X, bold=True)
    for label, (bmd, t, z) in rows:
        shown = f"{int(bmd * 1000)}" if mg else f"{bmd}"
        page.row([label, shown, percent(t), f"{t}", percent(z), f"{z}"], LUNAR_X)
    page.gap()


def lunar_dual_femur() -> Sample:
    spine = v("1.012", "-1.4", "-0.2")
    neck_l, total_l = v("0.781", "-2.0", "-0.9"), v("0.866", "-1.1", "-0.4")
    neck_r, total_r = v("0.799", "-1.9", "-0.8"), v("0.879", "-1.0", "-0.3")
    page = Page()
    _lunar_head(page, "Prodigy", "3/4/2024")
    _lunar_table(page, "AP Spine L1-L4", [("L1-L4", spine)])
    rows = [
        ("Neck Left", neck_l),
        ("Total Left", total_l),
        ("Neck Right", neck_r),
        ("Total Right", total_r),
        ("Neck Mean", v("0.790", "-2.0", "-0.9")),
        ("Total Mean", v("0.873", "-1.1", "-0.4")),
        ("Neck Diff.", v("0.018", "0.1", "0.1")),
        ("Total Diff.", v("0.013", "0.1", "0.1")),
    ]
    _lunar_table(page, "DualFemur Bone Density", rows)
    truth = Truth(
        date=datetime.date(2024, 3, 4),
        manufacturer="ge_lunar",
        model="Prodigy",
        vertebrae="L1-L4",
        sites={
            ("lumbar_spine", "none"): spine,
            ("femoral_neck", "left"): neck_l,
            ("total_hip", "left"): total_l,
            ("femoral_neck", "right"): neck_r,
            ("total_hip", "right"): total_r,
        },
    )
    return Sample("lunar-dual-femur", page.pdf(), truth)


def lunar_mg() -> Sample:
    spine = v("1.105", "-0.6", "0.4")
    neck, total = v("0.874", "-1.3", "-0.1"), v("0.931", "-0.6", "0.2")
    page = Page()
    _lunar_head(page, "iDXA", "10/22/2021")
    _lunar_table(page, "AP Spine L2-L4", [("L2-L4", spine)], mg=True)
    _lunar_table(page, "Right Femur", [("Neck", neck), ("Total", total)], mg=True)
    truth = Truth(
        date=datetime.date(2021, 10, 22),
        manufacturer="ge_lunar",
        model="iDXA",
        vertebrae="L2-L4",
        sites={
            ("lumbar_spine", "none"): spine,
            ("femoral_neck", "right"): neck,
            ("total_hip", "right"): total,
        },
    )
    return Sample("lunar-mg", page.pdf(), truth)


def narrative() -> Sample:
    page = Page()
    page.line("Riverside Radiology", size=14, bold=True)
    page.line("Facility: Riverside Radiology")
    page.line("BONE DENSITOMETRY (DXA) REPORT")
    page.line("Date of examination: 2 May 2023")
    page.line("Technique: DXA of the lumbar spine and left hip on a Hologic Discovery A scanner.")
    page.gap()
    page.line("Findings:")
    page.line("The lumbar spine (L1-L4) BMD is 0.851 g/cm2, T-score -1.9, Z-score -0.4.")
    page.line("The left femoral neck BMD is 0.702 g/cm2, with a T-score of -1.7 and")
    page.line("a Z-score of -0.3. The left total hip BMD is 0.812 g/cm2, T-score -1.4,")
    page.line("Z-score -0.5.")
    page.gap()
    page.line("Impression: low bone mass (osteopenia). Repeat DXA in 2 years.")
    truth = Truth(
        date=datetime.date(2023, 5, 2),
        manufacturer="hologic",
        model="Discovery A",
        vertebrae="L1-L4",
        sites={
            ("lumbar_spine", "none"): v("0.851", "-1.9", "-0.4"),
            ("femoral_neck", "left"): v("0.702", "-1.7", "-0.3"),
            ("total_hip", "left"): v("0.812", "-1.4", "-0.5"),
        },
    )
    return Sample("narrative", page.pdf(), truth)


def blank_page() -> Sample:
    page = Page()
    return Sample("blank-page", page.pdf(), Truth(is_report=False))


def utility_bill() -> Sample:
    page = Page()
    page.line("City Power & Light", size=14, bold=True)
    page.line("Electricity bill    Account 0042-118-77")
    page.line("Statement date: 01/05/2024    Due date: 01/26/2024")
    page.gap()
    page.row(["Period", "Usage (kWh)", "Rate", "Amount"], [50, 200, 320, 420], bold=True)
    page.row(["Dec 2023", "412", "0.182", "74.98"], [50, 200, 320, 420])
    page.row(["Total", "412", "", "84.20"], [50, 200, 320, 420])
    page.line("Thank you for your payment of 79.10 on 12/12/2023.")
    return Sample("utility-bill", page.pdf(), Truth(is_report=False))


def reports() -> list[Sample]:
    return [
        hologic_spine_left_hip(),
        hologic_two_hips_radius(),
        hologic_no_z_l1_l3(),
        lunar_dual_femur(),
        lunar_mg(),
        narrative(),
    ]


def non_reports() -> list[Sample]:
    return [blank_page(), utility_bill()]


# Photos


def page_image(pdf: bytes, index: int = 0, dpi: int = 200) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[index].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


GPS_IFD = 0x8825


def photo(pdf: bytes, index: int = 0, *, seed: int = 0, dpi: int = 200) -> bytes:
    """A phone photo of a page: slightly rotated (±2°), noisy, JPEG, GPS in its EXIF."""
    rng = random.Random(seed)
    image = page_image(pdf, index, dpi)
    angle = rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
    image = image.rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(250, 250, 245)
    )
    noise = Image.frombytes("L", image.size, rng.randbytes(image.size[0] * image.size[1]))
    noise = noise.convert("RGB")
    image = Image.blend(image, noise, 0.12).filter(ImageFilter.GaussianBlur(0.6))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, exif=exif)
    return out.getvalue()


def photos(sample: Sample, *, seed: int = 0) -> list[bytes]:
    return [photo(sample.pdf, i, seed=seed + i) for i in range(page_count(sample.pdf))]
