"""Reading an uploaded DXA report: a text PDF, a scanned PDF or a photo.

Everything runs on this server: PDF text with pdfplumber, page images with
pypdfium2, photos with Pillow and Tesseract OCR (the `tesseract` command).
The type comes from the content, never from the file name. Limits: size,
pages, pixels, decompressed size and time; over any of them, a ReportError
with a message the person can act on. Nothing here saves anything.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import warnings
import zlib
from dataclasses import replace

import pdfplumber
import pypdfium2
from PIL import Image, ImageOps

from .parsing import parse_text
from .report_types import ReadReport, ReadSite, ReportError

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "MAX_PIXELS",
    "PARSE_SECONDS",
    "ReadReport",
    "ReadSite",
    "ReportError",
    "ocr_available",
    "parse_text",
    "read_report",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 20
MAX_PIXELS = 40_000_000
PARSE_SECONDS = 90
# A PDF's compressed streams may expand to at most this much, all together.
MAX_INFLATED = 400 * 1024 * 1024
_CHUNK = 1024 * 1024
PAGE_DPI = 100  # page images for the review screen
OCR_DPI = 300  # scanned PDF pages for Tesseract
PAGE_PIXELS = 2_000_000
OCR_PIXELS = 12_000_000
PREVIEW_LONG_SIDE = 2000
OCR_LONG_SIDE = 3300  # a letter page at 300 dpi
_MIN_TEXT_CHARS = 20

# pdfium is not thread-safe: one PDF at a time per process.
_PDFIUM = threading.Lock()
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_ENDSTREAM = b"endstream"


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None


def read_report(data: bytes, *, filename: str = "") -> ReadReport:
    """Read a report; the filename is used in messages only, never for the type."""
    deadline = time.monotonic() + PARSE_SECONDS
    if not data:
        raise ReportError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ReportError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB."
        )
    kind = _sniff(data)
    if kind == "pdf":
        return _read_pdf(data, deadline)
    if kind == "image":
        return _read_photo(data, deadline)
    raise ReportError(
        "This file is neither a PDF nor a photo (JPEG, PNG or WebP), whatever its name says."
    )


def _sniff(data: bytes) -> str | None:
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    return None


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise ReportError(
            f"Reading the report took longer than {PARSE_SECONDS} seconds and was stopped: "
            "try a smaller file or type the values."
        )


# PDFs


def _check_inflation(data: bytes) -> None:
    """Refuse a PDF whose Flate streams expand beyond MAX_INFLATED (a PDF bomb).

    Counted in chunks and thrown away, so the check itself holds little memory.
    """
    budget = MAX_INFLATED
    for match in _STREAM.finditer(data):
        end = data.find(_ENDSTREAM, match.end())
        if end < 0:
            break
        inflater = zlib.decompressobj()
        pending = data[match.end() : end]
        try:
            while pending and not inflater.eof:
                budget -= len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
                if budget < 0:
                    raise ReportError(
                        "This PDF expands to far more data than a report holds "
                        "(a compressed 'bomb'), so it was refused."
                    )
        except zlib.error:
            continue  # not Flate data (a JPEG image, another filter)


def _read_pdf(data: bytes, deadline: float) -> ReadReport:
    _check_inflation(data)
    with _PDFIUM:  # text and images under the lock; the slow OCR after it
        texts, pages, scans = _pdf_pages(data, deadline)
    for index, image in scans.items():
        texts[index] = _ocr(image, deadline)
    notes: list[str] = []
    if scans:
        notes.append(
            "Some pages had no text layer and were read with OCR: check every value."
            if len(scans) < len(texts)
            else "This PDF is a scan and was read with OCR: check every value."
        )
    report = parse_text("\n\n".join(texts), method="ocr" if scans else "pdf-text")
    return _with(report, pages=tuple(pages), notes=notes)


def _pdf_pages(data: bytes, deadline: float):
    """Each page's text, its image for the review screen, and images to OCR by page."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise ReportError(
            "This PDF could not be opened (damaged, or protected by a password)."
        ) from error
    texts: list[str] = []
    pages: list[bytes] = []
    scans: dict[int, Image.Image] = {}
    try:
        count = len(document)
        if count == 0:
            raise ReportError("This PDF has no pages.")
        if count > MAX_PAGES:
            raise ReportError(f"This PDF has {count} pages; the limit is {MAX_PAGES}.")
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, page in enumerate(pdf.pages):
                _check_deadline(deadline)
                text = page.extract_text() or ""
                pages.append(_png(_render(document[index], PAGE_DPI, PAGE_PIXELS)))
                if len(text.strip()) < _MIN_TEXT_CHARS and ocr_available():
                    scans[index] = _render(document[index], OCR_DPI, OCR_PIXELS)
                texts.append(text)
    except ReportError:
        raise
    except Exception as error:  # pdfminer raises many kinds on a malformed file
        raise ReportError("This PDF could not be read (it may be damaged).") from error
    finally:
        document.close()
    if not ocr_available() and not any(t.strip() for t in texts):
        raise ReportError(
            "This PDF is a scan without text, and OCR (Tesseract) is not installed on this "
            "server: type the values instead."
        )
    return texts, pages, scans


def _render(page, dpi: int, max_pixels: int) -> Image.Image:
    """The page at `dpi`, or smaller when that would exceed max_pixels (a poster-sized page)."""
    width, height = page.get_size()
    scale = min(dpi / 72, (max_pixels / max(width * height, 1)) ** 0.5)
    return page.render(scale=scale).to_pil()


# Photos


def _read_photo(data: bytes, deadline: float) -> ReadReport:
    # A damaged or oversized photo is refused for what it is, with or without OCR here.
    image = clean_image(data)
    if not ocr_available():
        raise ReportError(
            "Photos are read with OCR (Tesseract), which is not installed on this server. "
            "Upload the PDF report instead, or type the values."
        )
    text = _ocr(image, deadline)
    report = parse_text(text, method="ocr")
    preview = image.copy()
    preview.thumbnail((PREVIEW_LONG_SIDE, PREVIEW_LONG_SIDE))
    return _with(
        report,
        pages=(_png(preview),),
        notes=["This photo was read with OCR: check every value."],
    )


def clean_image(data: bytes) -> Image.Image:
    """The photo upright (EXIF orientation applied), as pixels only: no metadata left."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "WEBP"]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ReportError(
                        f"This image is {width} × {height} pixels; the limit is "
                        f"{MAX_PIXELS // 1_000_000} million pixels."
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                mode = "L" if upright.mode in ("L", "1", "I;16") else "RGB"
                pixels = upright.convert(mode)
    except ReportError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ReportError("This image is too large to read (a decompression 'bomb').") from error
    except (OSError, ValueError, SyntaxError) as error:
        raise ReportError("This image could not be read (it may be damaged).") from error
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    return clean


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


# OCR


def _ocr(image: Image.Image, deadline: float) -> str:
    """Tesseract on one image, on this server, within the time left."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        _check_deadline(deadline)
    gray = image.convert("L")
    long_side = max(gray.size)
    if long_side < OCR_LONG_SIDE:  # Tesseract reads small print better enlarged
        scale = min(2.0, OCR_LONG_SIDE / long_side)
        size = (round(gray.width * scale), round(gray.height * scale))
        gray = gray.resize(size, Image.Resampling.BICUBIC)
    with tempfile.TemporaryDirectory(prefix="bonetrack-ocr-") as folder:
        path = os.path.join(folder, "page.png")
        gray.save(path, format="PNG")
        try:
            result = subprocess.run(
                ["tesseract", path, "stdout", "-l", "eng", "--psm", "6"],
                capture_output=True,
                timeout=remaining,
                check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except subprocess.TimeoutExpired as error:
            raise ReportError(
                f"Reading the report took longer than {PARSE_SECONDS} seconds and was stopped."
            ) from error
        except OSError as error:
            raise ReportError("OCR (Tesseract) could not be started on this server.") from error
    if result.returncode != 0:
        raise ReportError("OCR (Tesseract) could not read this image.")
    return result.stdout.decode("utf-8", errors="replace")


def _with(report: ReadReport, *, pages: tuple[bytes, ...], notes: list[str]) -> ReadReport:
    return replace(report, pages=pages, notes=tuple(notes) + report.notes)
