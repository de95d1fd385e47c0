"""Reading DXA reports: the corpus (clean PDFs, photos, non-reports), the limits
on bad input, and the metadata stripped from photos. The parser's own rules are
in test_parsing.py."""

import io
import os
import zlib

import pytest
from PIL import Image
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tracker.interop import reports
from tracker.interop.reports import ReportError, ocr_available, read_report

from . import accuracy, corpus

REPORTS = corpus.reports()


@pytest.fixture
def tesseract():
    """OCR tests skip, with the reason, where Tesseract is missing; in CI they fail."""
    if not ocr_available():
        reason = "Tesseract (Debian tesseract-ocr) is not installed: photos cannot be read"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI installs it in .ci/run)")
        pytest.skip(reason)


@pytest.mark.parametrize("sample", REPORTS, ids=[s.name for s in REPORTS])
def test_clean_pdf_every_value_read_and_none_wrong(sample):
    report = read_report(sample.pdf, filename="report.pdf")
    counts = accuracy.score(sample.name, sample.truth, report)
    assert counts.wrong_values == []
    assert counts.correct == counts.present
    assert report.method == "pdf-text"
    assert report.is_report


def test_two_reports_of_different_makes_are_told_apart():
    makes = {s.name: read_report(s.pdf).manufacturer for s in REPORTS}
    assert makes["hologic-spine-left-hip"] == "hologic"
    assert makes["lunar-dual-femur"] == "ge_lunar"


def test_mg_report_is_converted_and_says_so():
    report = read_report(corpus.lunar_mg().pdf)
    assert any("mg/cm²" in note for note in report.notes)


@pytest.mark.parametrize("sample", corpus.non_reports(), ids=lambda s: s.name)
def test_non_reports_are_not_read_as_reports(sample):
    if sample.name == "blank-page" and not ocr_available():
        with pytest.raises(ReportError, match="without text"):
            read_report(sample.pdf)
        return
    report = read_report(sample.pdf)
    assert not report.is_report
    assert report.sites == ()
    assert report.date is None and report.manufacturer is None
    assert any("does not look like" in note for note in report.notes)


def test_pdf_pages_come_back_as_images():
    sample = corpus.hologic_two_hips_radius()
    report = read_report(sample.pdf)
    assert len(report.pages) == 2
    assert all(page.startswith(b"\x89PNG\r\n\x1a\n") for page in report.pages)


@pytest.fixture(scope="module")
def measured():
    if not ocr_available():
        return None
    return accuracy.measure()


def test_photo_accuracy_goals(tesseract, measured):
    photos = measured["photo"]
    print("\n" + accuracy.table(measured))
    assert photos.share(photos.correct) >= 95, accuracy.table(measured)
    assert photos.share(photos.wrong) < 1, photos.wrong_values
    assert measured["pdf"].correct == measured["pdf"].present
    assert measured["pdf"].wrong == 0


def test_photo_is_read_with_ocr_and_its_metadata_stripped(tesseract):
    sample = corpus.lunar_dual_femur()
    photo = corpus.photo(sample.pdf)
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get(corpus.GPS_IFD)  # the test photo does carry GPS
    report = read_report(photo, filename="IMG_0001.jpg")
    assert report.method == "ocr"
    assert report.is_report
    assert len(report.pages) == 1
    with Image.open(io.BytesIO(report.pages[0])) as page:
        assert page.format == "PNG"
        assert not page.getexif()
        assert not page.info.get("exif")
        assert set(page.info) <= {"dpi"}


def test_exif_orientation_is_applied_before_the_metadata_goes():
    image = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise when taken
    exif[corpus.GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.5)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    clean = reports.clean_image(out.getvalue())
    assert clean.size == (20, 40)
    assert not clean.getexif()
    assert clean.info == {}


def test_scanned_pdf_goes_to_ocr(tesseract):
    sample = corpus.lunar_dual_femur()
    image = corpus.page_image(sample.pdf, dpi=200)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=letter)
    pdf.drawImage(ImageReader(image), 0, 0, width=letter[0], height=letter[1])
    pdf.showPage()
    pdf.save()
    report = read_report(out.getvalue())
    assert report.method == "ocr"
    counts = accuracy.score("scanned", sample.truth, report)
    assert counts.wrong_values == []
    assert counts.correct >= 0.9 * counts.present
    assert any("OCR" in note for note in report.notes)


def test_photo_without_tesseract_says_so(monkeypatch):
    monkeypatch.setattr(reports, "ocr_available", lambda: False)
    photo = corpus.photo(corpus.narrative().pdf)
    with pytest.raises(ReportError, match="not installed"):
        read_report(photo)


def test_text_pdf_reads_without_tesseract(monkeypatch):
    monkeypatch.setattr(reports, "ocr_available", lambda: False)
    report = read_report(corpus.narrative().pdf)
    assert report.is_report and len(report.sites) == 3


# Bad input: each refused with a message the person can act on.


def _pages(count: int) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=letter)
    for number in range(count):
        pdf.drawString(50, 700, f"Page {number + 1} of a long document")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _pdf_bomb() -> bytes:
    """A valid PDF whose one content stream inflates to 1 GB of zeros (about 1 MB on disk)."""
    squeeze = zlib.compressobj(9)
    chunk = b"\0" * (1024 * 1024)
    body = b"".join(squeeze.compress(chunk) for _ in range(1024)) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    for number, obj in enumerate(objects, start=1):
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    return out + b"trailer\n<< /Root 1 0 R /Size 5 >>\n%%EOF\n"


def _image_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 million pixels, a few kB
    return out.getvalue()


BAD_INPUT = [
    ("empty", lambda: b"", "empty"),
    ("oversized", lambda: b"%PDF-1.4\n" + b"0" * (reports.MAX_BYTES + 1), "limit is 10 MB"),
    ("too-many-pages", lambda: _pages(reports.MAX_PAGES + 1), "21 pages; the limit is 20"),
    ("pdf-bomb", _pdf_bomb, "bomb"),
    ("image-bomb", _image_bomb, "million pixels"),
    ("text-named-pdf", lambda: b"Scan date 2024-03-14, BMD 0.851 g/cm2", "neither a PDF nor"),
    ("html", lambda: b"<!doctype html><html><script>alert(1)</script></html>", "neither a PDF"),
    ("broken-pdf", lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog", "could not be"),
    ("broken-jpeg", lambda: b"\xff\xd8\xff\xe0" + b"\0" * 100, "could not be read"),
]


@pytest.mark.parametrize(
    ("make", "message"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_is_refused_with_a_clear_message(make, message):
    data = make()
    with pytest.raises(ReportError, match=message):
        read_report(data, filename="report.pdf")


def test_decompression_bomb_guard_of_pillow_is_an_error_too(monkeypatch):
    monkeypatch.setattr(reports, "MAX_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(ReportError, match="too large"):
        reports.clean_image(_image_bomb())


def test_parse_time_is_limited(monkeypatch):
    monkeypatch.setattr(reports, "PARSE_SECONDS", -1)
    with pytest.raises(ReportError, match="longer than"):
        read_report(corpus.narrative().pdf)


def test_type_comes_from_the_content_not_the_name():
    pdf = corpus.narrative().pdf
    assert read_report(pdf, filename="holiday.jpg").is_report
