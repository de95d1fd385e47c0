"""Stand-ins for the report reader and a kept upload, for the upload and review tests."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile

from tracker.interop import reports, uploads
from tracker.interop.models import UploadedReport

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def reports_storage_in(monkeypatch, folder) -> None:
    """The field's storage is made once, from settings, when the model loads."""
    from django.core.files.storage import FileSystemStorage

    field = UploadedReport._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(folder)))


def png_page() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 50), "white").save(out, format="PNG")
    return out.getvalue()


def read_result(*, bmd="0.812", sites=None, pages=(), **fields) -> reports.ReadReport:
    if sites is None:
        sites = (
            reports.ReadSite(
                site="lumbar_spine",
                side="none",
                bmd=Decimal(bmd),
                t_score=Decimal("-2.1"),
                z_score=None,
            ),
            reports.ReadSite(
                site="total_hip",
                side="left",
                bmd=Decimal("0.701"),
                t_score=Decimal("-1.9"),
                z_score=Decimal("-0.8"),
            ),
        )
    values = {
        "method": "pdf-text",
        "text": "DXA Results Summary\nL1-L4 0.812 -2.1",
        "is_report": True,
        "date": dt.date(2025, 3, 4),
        "manufacturer": "hologic",
        "model": "Horizon A",
        "facility": "City Bone Clinic",
        "vertebrae": "L1-L4",
        "sites": tuple(sites),
        "notes": (),
        "pages": tuple(pages),
    }
    return reports.ReadReport(**(values | fields))


def kept_report(patient, user, read=None, data=PDF_BYTES) -> UploadedReport:
    """An upload waiting for review, as the upload page leaves it."""
    read = read or read_result(pages=(png_page(),))
    upload = uploads.Upload(data=data, name="report.pdf", content_type=uploads.PDF)
    report = uploads.keep(upload=upload, read=read, patient=patient, user=user)
    report.save()
    return report


def file_of(data: bytes, name: str):
    return ContentFile(data, name=name)
