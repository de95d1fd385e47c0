"""The FHIR pages: a download through the gate, an upload refused or summarised."""

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from tests.interop.test_fhir_import import confirm_reviews, other_system_bundle
from tests.records.factories import big_history, make_scan
from tracker.accounts.models import AuditEvent
from tracker.records import models as m

TODAY = dt.date(2026, 11, 21)


def test_download_is_an_attachment_of_fhir_json(client, patient):
    make_scan(patient, dt.date(2024, 3, 1))
    client.force_login(patient.user)
    response = client.get(reverse("interop:export-fhir", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["Content-Disposition"].startswith("attachment;")
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"DiagnosticReport"}


def test_a_clinicians_download_is_audited_as_a_read(client, patient, clinician):
    client.force_login(clinician)
    client.get(reverse("interop:export-fhir", args=[patient.pk]))
    event = AuditEvent.objects.get(patient=patient, actor=clinician, action="view")
    assert event.summary == "downloaded the record as a FHIR file"


def test_the_record_page_links_the_download(client, patient):
    client.force_login(patient.user)
    page = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert reverse("interop:export-fhir", args=[patient.pk]) in page
    assert reverse("interop:import-fhir", args=[patient.pk]) in page


def test_download_of_a_25_year_record_has_a_fixed_query_budget(
    client, patient, django_assert_max_num_queries
):
    big_history(patient, today=TODAY)
    client.force_login(patient.user)
    url = reverse("interop:export-fhir", args=[patient.pk])
    client.get(url)
    # session + user + device + gate + scans + sites + courses + doses + 7 other kinds
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert len(json.loads(response.content)["entry"]) > 5000


def upload(client, patient, content: bytes, name="record.json"):
    return client.post(
        reverse("interop:import-fhir", args=[patient.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/json")},
    )


def test_clinician_imports_a_report_from_another_system(client, patient, clinician):
    client.force_login(clinician)
    response = upload(client, patient, json.dumps(other_system_bundle()).encode())
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 DXA scans to check on the review screen" in page
    assert "Check the scan of 2023-06-14" in page
    assert not m.Scan.objects.filter(patient=patient).exists()  # saved once checked
    confirm_reviews(client, patient)
    scan = m.Scan.objects.get(patient=patient)
    assert scan.entered_by == clinician and scan.entered_via == "fhir"
    again = upload(client, patient, json.dumps(other_system_bundle()).encode()).content.decode()
    assert "Nothing new to add" in again
    assert "1 entry was already in the record" in again


def test_bad_files_are_refused_with_a_reason(client, patient):
    client.force_login(patient.user)
    for content, reason in [
        (b"%PDF-1.4 not json", "This is not a FHIR JSON file."),
        (b"{not json", "This file is not valid JSON."),
        (b"\xff\xfe\x00", "This is not a FHIR JSON file (not text)."),
        (b"[" * 100000 + b"]" * 100000, "This is not a FHIR JSON file."),
        (b'{"a":' * 100000 + b"1" + b"}" * 100000, "This file is not valid JSON."),
        (b'{"resourceType": "Patient"}', "The file is not a FHIR Bundle"),
    ]:
        page = upload(client, patient, content).content.decode()
        assert reason in page, reason
    assert not m.Scan.objects.filter(patient=patient).exists()


def test_a_file_over_10_mb_is_refused(client, patient):
    client.force_login(patient.user)
    page = upload(client, patient, b"{" + b" " * (10 * 1024 * 1024) + b"}").content.decode()
    assert "The file is larger than 10 MB." in page
