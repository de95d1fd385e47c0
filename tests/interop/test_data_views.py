"""The data pages: CSV download and upload, download everything, delete my account."""

import datetime as dt
import importlib.util
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.records.factories import big_history
from tracker.accounts.models import AuditEvent, CareLink, Patient, User
from tracker.interop import owner
from tracker.interop.csv_io import csv_zip
from tracker.records import models as m
from tracker.records.changes import Action, change_record

pytestmark = pytest.mark.django_db


def _names(response) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())


def test_clinician_downloads_the_csv_and_it_is_audited(client, patient, clinician, entries):
    client.force_login(clinician)
    response = client.get(reverse("interop:export-csv", args=[patient.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "scans.csv" in _names(response)
    assert AuditEvent.objects.filter(
        patient=patient, actor=clinician, summary="downloaded the record as CSV files"
    ).exists()


def test_upload_shows_what_was_added_then_nothing_new(client, patient, other_patient, entries):
    data = csv_zip(patient)
    client.force_login(other_patient.user)
    url = reverse("interop:import-csv", args=[other_patient.pk])
    page = client.post(url, {"file": SimpleUploadedFile("r.zip", data)})
    assert "Added" in page.content.decode()
    assert m.Fall.objects.filter(patient=other_patient, entered_via="csv").count() == 1
    again = client.post(url, {"file": SimpleUploadedFile("r.zip", data)})
    assert "Nothing new" in again.content.decode()


def test_upload_of_a_bad_file_lists_the_problems_and_saves_nothing(client, patient):
    client.force_login(patient.user)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("falls.csv", "date,injured,notes\n2020-01-01,false,\n2020-13-01,false,\n")
    page = client.post(
        reverse("interop:import-csv", args=[patient.pk]),
        {"file": SimpleUploadedFile("r.zip", out.getvalue())},
    )
    text = page.content.decode()
    assert "Nothing was saved" in text and "falls.csv, row 3, date" in text
    assert not m.Fall.objects.filter(patient=patient).exists()


def test_download_everything_has_csv_and_fhir_when_installed(client, patient, entries):
    client.force_login(patient.user)
    names = _names(client.get(reverse("interop:download-everything")))
    assert {"csv/scans.csv", "csv/profile.csv", "csv/doses.csv"} <= names
    has_fhir = importlib.util.find_spec("tracker.interop.fhir") is not None
    assert ("fhir/bundle.json" in names) == has_fhir


def test_profile_and_account_pages_link_the_data_pages(client, patient):
    client.force_login(patient.user)
    for page in ("accounts:profile", "accounts:account"):
        text = client.get(reverse(page)).content.decode()
        assert reverse("interop:download-everything") in text
        assert reverse("interop:delete-account") in text


def test_delete_needs_the_password(client, patient):
    client.force_login(patient.user)
    page = client.post(reverse("interop:delete-account"), {"password": "wrong"})
    assert "That is not your password" in page.content.decode()
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_delete_my_account(client, patient, clinician, entries):
    user_id, patient_id = patient.user_id, patient.pk
    with change_record(None, patient, actor=clinician) as change:
        fall = m.Fall.objects.create(
            patient=patient, entered_by=clinician, date=dt.date(2020, 1, 1)
        )
        change.audit(Action.CREATE, fall, "a fall on the stairs at home")
    client.force_login(patient.user)
    client.get(reverse("accounts:profile"))
    page = client.get(reverse("interop:delete-account"))
    assert "including the entries your clinicians" in page.content.decode()
    response = client.post(reverse("interop:delete-account"), {"password": PASSWORD})
    assert response.status_code == 302
    # Signed out; the user, the patient and every entry (the clinician's too) are gone.
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=user_id).exists()
    assert not Patient.objects.filter(pk=patient_id).exists()
    assert not m.Fall.objects.filter(pk=fall.pk).exists()
    assert not CareLink.objects.filter(clinician=clinician).exists()
    # The trail: actor, action and time kept, summaries scrubbed, a tombstone and the scrub.
    clinician_event = AuditEvent.objects.get(actor=clinician, object_id=str(fall.pk))
    assert clinician_event.action == Action.CREATE and clinician_event.summary == owner.SCRUBBED
    assert not AuditEvent.objects.filter(summary__contains="stairs").exists()
    assert not AuditEvent.objects.filter(actor_label=patient.user.email).exists()
    tombstone = AuditEvent.objects.get(object_type="user", object_id=str(user_id))
    assert tombstone.action == Action.DELETE and "deleted by its owner" in tombstone.summary
    assert "Pat" not in tombstone.summary and "pat@" not in tombstone.actor_label
    assert AuditEvent.objects.filter(summary__startswith="scrubbed the summaries").exists()
    # The clinician sees the patient gone.
    client.force_login(clinician)
    assert client.get(reverse("dashboard:patient", args=[patient_id])).status_code == 404
    assert "Pat Patient" not in client.get(reverse("dashboard:panel")).content.decode()


def test_delete_removes_stored_files(patient, monkeypatch, django_capture_on_commit_callbacks):
    deleted = []

    class Stored:
        name = "reports/1.pdf"
        storage = type("S", (), {"delete": lambda self, name: deleted.append(name)})()

    monkeypatch.setattr(owner, "_patient_files", lambda p: [Stored()])
    with django_capture_on_commit_callbacks(execute=True):
        owner.delete_account(patient.user)
    assert deleted == ["reports/1.pdf"]


def test_export_query_budget_holds_on_a_large_record(patient, django_assert_max_num_queries):
    big_history(patient, today=timezone.localdate())
    with django_assert_max_num_queries(15):
        data = csv_zip(patient)
    assert len(data) > 10_000
