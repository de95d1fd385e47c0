"""Import a DXA report: upload, review, confirm; the kept file's download and delete."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.interop.helpers import PDF_BYTES, kept_report, read_result
from tracker.accounts.models import AuditEvent
from tracker.interop import reports
from tracker.interop.models import UploadedReport
from tracker.records.models import PatientSummary, Scan, SiteResult


@pytest.fixture
def reader(monkeypatch):
    """The reader stand-in: returns `result`, records what it was given."""
    calls = []
    state = {"result": read_result()}

    def read_report(data, *, filename=""):
        calls.append((data, filename))
        return state["result"]

    monkeypatch.setattr(reports, "read_report", read_report)
    state["calls"] = calls
    return state


def upload_url(patient):
    return reverse("interop:report-upload", args=[patient.pk])


def review_url(report):
    return reverse("interop:report-review", args=[report.patient_id, report.pk])


def post_file(client, patient, data: bytes, name: str):
    return client.post(upload_url(patient), {"file": SimpleUploadedFile(name, data)})


def version(patient) -> int:
    return (
        PatientSummary.objects.filter(patient=patient)
        .values_list("record_version", flat=True)
        .first()
        or 0
    )


def test_upload_keeps_the_file_and_opens_the_review(client, patient, reader):
    client.force_login(patient.user)
    response = post_file(client, patient, PDF_BYTES, "scan.pdf")
    report = UploadedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == review_url(report)
    assert report.content_type == "application/pdf" and report.original_name == "scan.pdf"
    assert report.size == len(PDF_BYTES) and report.status == "pending"
    assert report.file.read() == PDF_BYTES
    assert report.read["sites"][0]["bmd"] == "0.812"
    assert reader["calls"][0] == (PDF_BYTES, "scan.pdf")
    assert not Scan.objects.exists()  # nothing in the record before the review


def test_type_is_read_from_the_content_not_the_name(client, patient, reader):
    client.force_login(patient.user)
    response = post_file(client, patient, b"<html><script>alert(1)</script></html>", "report.pdf")
    assert response.status_code == 200  # the form again, with why
    assert "not a PDF, JPEG or PNG" in response.content.decode()
    assert not UploadedReport.objects.exists() and reader["calls"] == []


def test_a_file_over_the_limit_is_refused(client, patient, reader, monkeypatch):
    monkeypatch.setattr(reports, "MAX_BYTES", 1000)
    client.force_login(patient.user)
    response = post_file(client, patient, PDF_BYTES + b"0" * 2000, "big.pdf")
    assert response.status_code == 200  # the form again, with why
    assert "larger than" in response.content.decode()
    assert not UploadedReport.objects.exists() and reader["calls"] == []


def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(client, patient, reader):
    client.force_login(patient.user)
    response = client.post(
        upload_url(patient),
        data=b"x",
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(reports.MAX_BYTES * 2),
    )
    assert response.status_code == 413
    assert "larger than 10 MB" in response.content.decode()


def test_the_streamed_upload_stops_at_the_limit():
    from tracker.interop.uploads import SizeLimitHandler, StopUpload

    handler = SizeLimitHandler(limit=10)
    handler.receive_data_chunk(b"x" * 10, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x", 10)
    assert handler.exceeded


def test_photos_say_when_text_recognition_is_missing(client, patient, reader, monkeypatch):
    from tracker.interop import reports

    monkeypatch.setattr(reports, "ocr_available", lambda: False)  # a server without Tesseract
    client.force_login(patient.user)
    page = client.get(upload_url(patient)).content.decode()
    assert "Photos cannot be read on this server yet" in page
    response = post_file(client, patient, b"\xff\xd8\xff\xe0" + b"0" * 100, "photo.jpg")
    assert "Photos cannot be read on this server yet" in response.content.decode()
    assert not UploadedReport.objects.exists()


def test_a_file_that_is_not_a_report_is_refused(client, patient, reader):
    reader["result"] = read_result(is_report=False, sites=())
    client.force_login(patient.user)
    response = post_file(client, patient, PDF_BYTES, "bill.pdf")
    assert "does not look like a DXA" in response.content.decode()
    assert not UploadedReport.objects.exists()


def test_the_reader_refusal_is_shown(client, patient, monkeypatch):
    def refuse(data, *, filename=""):
        raise reports.ReportError("This PDF has more than 20 pages.")

    monkeypatch.setattr(reports, "read_report", refuse)
    client.force_login(patient.user)
    response = post_file(client, patient, PDF_BYTES, "long.pdf")
    assert "more than 20 pages" in response.content.decode()


def test_upload_page_shows_progress_without_inline_script(client, patient):
    client.force_login(patient.user)
    page = client.get(upload_url(patient)).content.decode()
    assert "Reading your report" in page and "js/report_upload.js" in page
    assert "<script>" not in page and "onsubmit" not in page


def test_review_marks_read_and_missing_values_and_saves_nothing(client, patient):
    report = kept_report(patient, patient.user)
    client.force_login(patient.user)
    page = client.get(review_url(report)).content.decode()
    assert page.count("Read from the report") >= 8  # date, make, model, facility, 4 values
    assert "please type it from the report" in page  # the spine's Z-score
    assert 'value="0.812"' in page and 'value="Horizon A"' in page
    assert reverse("interop:report-page", args=[patient.pk, report.pk, 0]) in page
    assert not Scan.objects.exists()


def test_a_bmd_read_in_mg_gets_the_typed_input_message(client, patient):
    for read in ("812", "1.2e3"):
        report = kept_report(patient, patient.user, read=read_result(bmd=read))
        client.force_login(patient.user)
        page = client.get(review_url(report)).content.decode()
        assert "it looks like mg/cm²" in page, read
        data = _posted(client, report) | {"sites-0-checked": "on"}
        response = client.post(review_url(report), data)
        assert response.status_code == 200 and "it looks like mg/cm²" in response.content.decode()
        assert not Scan.objects.exists()


def _posted(client, report) -> dict:
    from tracker.interop.review import prefill

    return prefill(report.read).data | {"z_score": ""}


def test_confirm_saves_through_the_write_path(client, patient, clinician):
    report = kept_report(patient, patient.user)
    before = version(patient)
    client.force_login(clinician)
    data = _posted(client, report) | {"sites-0-z_score": "-0.9"}
    response = client.post(review_url(report), data)
    scan = Scan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("records:scan", args=[patient.pk, scan.pk])
    assert scan.entered_via == "report" and scan.entered_by == clinician
    assert scan.model == "Horizon A" and str(scan.date) == "2025-03-04"
    assert SiteResult.objects.filter(scan=scan).count() == 2
    assert SiteResult.objects.get(scan=scan, site="lumbar_spine").z_score == Decimal("-0.9")
    report.refresh_from_db()
    assert report.scan == scan and report.status == "imported"
    assert report.checked_by == clinician and report.checked_at is not None
    assert version(patient) == before + 1
    assert AuditEvent.objects.filter(
        patient=patient, action="create", object_type="scan", object_id=str(scan.pk)
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Imported from a report, checked by Dr Dee Doc on" in page.replace(
        clinician.full_name, "Dr Dee Doc"
    )
    assert reverse("interop:report-download", args=[patient.pk, report.pk]) in page
    assert reverse("interop:report-delete", args=[patient.pk, report.pk]) in page
    # Sent twice: saved once.
    client.post(review_url(report), data)
    assert Scan.objects.count() == 1


def test_discard_deletes_the_upload(
    client, patient, _reports_storage, django_capture_on_commit_callbacks
):
    report = kept_report(patient, patient.user)
    client.force_login(patient.user)
    url = reverse("interop:report-discard", args=[patient.pk, report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not UploadedReport.objects.exists() and not Scan.objects.exists()
    assert not [path for path in Path(_reports_storage).rglob("*") if path.is_file()]


def test_download_is_an_attachment_never_run_by_a_browser(client, patient, clinician):
    report = kept_report(patient, patient.user)
    client.force_login(clinician)
    response = client.get(reverse("interop:report-download", args=[patient.pk, report.pk]))
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_of_another_type_is_never_served(client, patient):
    report = kept_report(patient, patient.user)
    UploadedReport.objects.filter(pk=report.pk).update(content_type="text/html")
    client.force_login(patient.user)
    url = reverse("interop:report-download", args=[patient.pk, report.pk])
    assert client.get(url).status_code == 404


def test_page_images_are_png_through_the_gate(client, patient):
    report = kept_report(patient, patient.user)
    client.force_login(patient.user)
    response = client.get(reverse("interop:report-page", args=[patient.pk, report.pk, 0]))
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")
    assert response["X-Content-Type-Options"] == "nosniff"
    missing = reverse("interop:report-page", args=[patient.pk, report.pk, 1])
    assert client.get(missing).status_code == 404


def test_delete_asks_first_then_deletes_through_the_write_path(
    client, patient, _reports_storage, django_capture_on_commit_callbacks
):
    report = kept_report(patient, patient.user)
    client.force_login(patient.user)
    url = reverse("interop:report-delete", args=[patient.pk, report.pk])
    page = client.get(url)
    assert "Yes, delete the file" in page.content.decode()
    assert UploadedReport.objects.exists()
    before = version(patient)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not UploadedReport.objects.exists()
    assert not [path for path in Path(_reports_storage).rglob("*") if path.is_file()]
    assert version(patient) == before + 1
    assert AuditEvent.objects.filter(patient=patient, action="delete").exists()


def test_photo_is_kept_without_its_location(client, patient, reader, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(reports, "ocr_available", lambda: True)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    photo = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(photo, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(photo.getvalue())).getexif().get_ifd(0x8825)
    client.force_login(patient.user)
    post_file(client, patient, photo.getvalue(), "IMG_0001.jpg")
    report = UploadedReport.objects.get()
    stored = report.file.read()
    assert report.content_type == "image/jpeg"
    kept = Image.open(io.BytesIO(stored))
    assert not kept.getexif() and b"PhoneMaker" not in stored and b"Exif" not in stored
    assert kept.size == (60, 80)


def test_files_are_kept_outside_static_files():
    root = Path(django_settings.REPORTS_STORAGE_ROOT).resolve()
    static = [Path(django_settings.STATIC_ROOT), *map(Path, django_settings.STATICFILES_DIRS)]
    for folder in static:
        assert not root.is_relative_to(folder.resolve())
    assert django_settings.STORAGES["reports"]["BACKEND"].endswith("FileSystemStorage")


def test_review_query_budget(client, patient, django_assert_max_num_queries):
    report = kept_report(patient, patient.user)
    client.force_login(patient.user)
    with django_assert_max_num_queries(16):
        assert client.get(review_url(report)).status_code == 200


def test_the_upload_still_checks_the_csrf_token(patient, reader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    response = post_file(client, patient, PDF_BYTES, "scan.pdf")
    assert response.status_code == 403
    assert not UploadedReport.objects.exists() and reader["calls"] == []


def test_the_upload_is_offered_where_scans_are_added(client, patient):
    client.force_login(patient.user)
    url = upload_url(patient)
    assert url in client.get(reverse("records:scan-add", args=[patient.pk])).content.decode()
    assert url in client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
