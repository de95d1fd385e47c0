"""Falls assessments and FRAX results (issue 12) in the data pages: the CSV and FHIR
export and import (a clinician's import adds them, a patient's leaves them out), the
download-everything zip and the account deletion."""

import copy
import csv
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, link
from tests.interop.test_fhir_export import resources, validate
from tracker.interop import fhir_codes as c
from tracker.interop.csv_checks import ImportRefused
from tracker.interop.csv_io import csv_files, csv_zip, import_csv_zip
from tracker.interop.fhir import export_bundle, import_bundle
from tracker.records import models as m


def _request(user):
    return SimpleNamespace(user=user, META={})


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_files_hold_both_kinds(patient, entries):
    files = csv_files(patient)
    (assessment,) = _rows(files["falls_assessments.csv"])
    assert (assessment["date"], assessment["assessed_by"]) == ("2019-04-01", "Dr Dee Doc")
    (frax,) = _rows(files["frax_results.csv"])
    assert frax["major_osteoporotic_10y_pct"] == "18.0" and frax["hip_10y_pct"] == "3.4"


def test_a_clinicians_csv_import_adds_them_a_patients_leaves_them_out(
    patient, entries, other_patient, clinician
):
    data = csv_zip(patient)
    mine = import_csv_zip(other_patient, data, request=_request(other_patient.user))
    assert not m.FraxResult.objects.filter(patient=other_patient).exists()
    assert not m.FallsAssessment.objects.filter(patient=other_patient).exists()
    assert "Not added: only a clinician can add falls assessments." in mine.notes
    assert "Not added: only a clinician can add FRAX results." in mine.notes
    link(other_patient, clinician)
    theirs = import_csv_zip(other_patient, data, request=_request(clinician))
    assert theirs.added["frax_results.csv"] == theirs.added["falls_assessments.csv"] == 1
    saved = m.FraxResult.objects.get(patient=other_patient)
    assert (saved.entered_by, saved.entered_via, str(saved.hip)) == (clinician, "csv", "3.4")
    again = import_csv_zip(other_patient, data, request=_request(clinician))
    assert "frax_results.csv" not in again.added


def test_a_frax_row_is_checked_on_import(patient, clinician):
    rows = "date,major_osteoporotic_10y_pct,hip_10y_pct,bmd_used,country_or_model\n"
    rows += "2025-01-01,10.0,12.0,,\n"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("frax_results.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        import_csv_zip(patient, out.getvalue(), request=_request(clinician))
    problems = [str(p) for p in refused.value.problems]
    assert any(p.startswith("frax_results.csv, row 2, hip_10y_pct: The hip") for p in problems)


def test_fhir_export_has_a_procedure_and_an_observation_that_validate(patient, entries):
    m.FallsAssessment.objects.filter(patient=patient).update(outcome="referred", notes="TUG 14 s")
    bundle = export_bundle(patient)
    validate(bundle)
    (procedure,) = resources(bundle, "Procedure")
    assert procedure["code"]["coding"][0] == {
        "system": "urn:bonetrack:procedure",
        "code": c.FALLS_ASSESSMENT,
        "display": "falls risk assessment",
    }
    assert procedure["performer"] == [{"actor": {"display": "Dr Dee Doc"}}]
    assert procedure["outcome"] == {"text": "referred"}
    (frax,) = [
        r for r in resources(bundle, "Observation") if r["code"]["coding"][0]["code"] == "frax"
    ]
    values = {
        part["code"]["coding"][0]["code"]: part["valueQuantity"] for part in frax["component"]
    }
    assert values["major"]["value"] == 18.0 and values["hip"]["code"] == "%"
    assert "loinc" not in str(frax).lower()  # no code the rule book does not give


def test_fhir_import_by_a_clinician_and_by_the_patient(
    patient, entries, other_patient, clinician, rf
):
    bundle = export_bundle(patient)
    request = rf.post("/")
    request.user = other_patient.user
    mine = import_bundle(other_patient, copy.deepcopy(bundle), request=request)
    assert not mine.errors and mine.clinician_only == ["falls assessments", "FRAX results"]
    assert not m.FraxResult.objects.filter(patient=other_patient).exists()
    link(other_patient, clinician)
    request.user = clinician
    theirs = import_bundle(other_patient, copy.deepcopy(bundle), request=request)
    assert theirs.added["frax"] == theirs.added["falls_assessments"] == 1
    assessment = m.FallsAssessment.objects.get(patient=other_patient)
    assert (assessment.assessed_by, assessment.entered_via) == ("Dr Dee Doc", "fhir")
    again = import_bundle(other_patient, copy.deepcopy(bundle), request=request)
    assert not again.added["frax"]


def test_a_wrong_frax_observation_refuses_the_file(patient, entries, clinician, rf):
    bundle = export_bundle(patient)
    for entry in bundle["entry"]:
        for part in entry["resource"].get("component", []):
            if part["code"]["coding"][0] == {
                "system": "urn:bonetrack:frax",
                "code": "hip",
                "display": c.FRAX_PARTS["hip"],
            }:
                part["valueQuantity"]["value"] = 40.0
    request = rf.post("/")
    request.user = clinician
    result = import_bundle(patient, bundle, request=request)
    assert any("component hip: The hip fracture probability" in e for e in result.errors)


def test_download_everything_and_delete_my_account(client, patient, entries):
    client.force_login(patient.user)
    data = client.get(reverse("interop:download-everything")).content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        bundle = archive.read("fhir/bundle.json").decode()
    assert {"csv/falls_assessments.csv", "csv/frax_results.csv"} <= names
    assert '"Procedure"' in bundle and "urn:bonetrack:frax" in bundle
    page = client.get(reverse("interop:delete-account")).content.decode()
    assert "falls assessments and fracture risk (FRAX) results" in page
    client.post(reverse("interop:delete-account"), {"password": PASSWORD})
    assert not m.FallsAssessment.objects.exists() and not m.FraxResult.objects.exists()
