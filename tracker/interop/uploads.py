"""Keeping an uploaded report: its type from its bytes, a photo's metadata stripped,
the reader's result kept as JSON for the review, the size limit enforced while the
upload streams in."""

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils import timezone

from tracker.interop import reports
from tracker.interop.models import UploadedReport

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
# A DXA report imported from FHIR waits on the review screen with its resources as
# the source (issue 10, item 7); it is served only as a download, like the others.
FHIR_JSON = "application/fhir+json"
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", FHIR_JSON: "json"}
# A multipart body is the file plus a little: the other fields and the boundaries.
FORM_OVERHEAD = 64 * 1024
TOO_BIG = "This file is larger than {mb} MB. Upload a smaller file (one report)."
NOT_A_REPORT_TYPE = "This file is not a PDF, JPEG or PNG. Upload the report as a PDF or a photo."
NO_OCR = (
    "Photos cannot be read on this server yet (text recognition is not installed). "
    "Upload the PDF of the report, or type the values into the scan form."
)


def too_big_message() -> str:
    return TOO_BIG.format(mb=reports.MAX_BYTES // (1024 * 1024))


def sniff(data: bytes) -> str | None:
    """The type from the first bytes; the name and the browser's claim are ignored."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def strip_photo(data: bytes, content_type: str) -> bytes:
    """The photo re-encoded from its pixels alone: EXIF (GPS position, camera, time),
    XMP, comments and text chunks are not carried over. The EXIF orientation is
    applied first so the picture stays upright."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        out = io.BytesIO()
        if content_type == JPEG:
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=90)
        else:
            image.save(out, format="PNG")
    return out.getvalue()


class SizeLimitHandler(FileUploadHandler):
    """Stops an upload as soon as it passes the limit, before it is all read (a client
    can lie about, or leave out, the Content-Length)."""

    def __init__(self, request=None, limit: int = reports.MAX_BYTES):
        super().__init__(request)
        self.limit, self.received, self.exceeded = limit, 0, False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def to_json(read: "reports.ReadReport", pages: list[str]) -> dict:
    def number(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "method": read.method,
        "is_report": read.is_report,
        "date": read.date.isoformat() if read.date else None,
        "manufacturer": read.manufacturer,
        "model": read.model,
        "facility": read.facility,
        "vertebrae": read.vertebrae,
        "sites": [
            {
                "site": site.site,
                "side": site.side,
                "bmd": number(site.bmd),
                "t_score": number(site.t_score),
                "z_score": number(site.z_score),
            }
            for site in read.sites
        ],
        "notes": list(read.notes),
        "text": read.text[:100_000],
        "pages": pages,
    }


@dataclass(frozen=True)
class Upload:
    data: bytes
    name: str
    content_type: str


def check(data: bytes, name: str) -> Upload:
    """Refuse what is too big or not a PDF, JPEG or PNG (raises reports.ReportError)."""
    if len(data) > reports.MAX_BYTES:
        raise reports.ReportError(too_big_message())
    content_type = sniff(data)
    if content_type is None:
        raise reports.ReportError(NOT_A_REPORT_TYPE)
    if content_type != PDF and not reports.ocr_available():
        raise reports.ReportError(NO_OCR)
    return Upload(data=data, name=name[:255], content_type=content_type)


def keep(*, upload: Upload, read: "reports.ReadReport", patient, user) -> UploadedReport:
    """Store the bytes (a photo without its metadata) and its page images; the caller
    saves the returned row inside the write path."""
    stored = (
        upload.data if upload.content_type == PDF else strip_photo(upload.data, upload.content_type)
    )
    storage = UploadedReport._meta.get_field("file").storage
    stamp = timezone.now().strftime("%Y/%m")
    pages = [storage.save(f"reports/{stamp}/page.png", ContentFile(png)) for png in read.pages[:20]]
    report = UploadedReport(
        patient=patient,
        content_type=upload.content_type,
        original_name=upload.name,
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        uploaded_by=user,
        read=to_json(read, pages),
    )
    report.file.save(f"report.{EXTENSIONS[upload.content_type]}", ContentFile(stored), save=False)
    return report
