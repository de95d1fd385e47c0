"""FHIR import (issue 10 items 7 and 9): through the one write path, one transaction,
twice adds nothing, a bad resource refuses the whole file; and the round trip."""

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import link, make_patient, seed_demo
from tracker.accounts.models import AuditEvent, Patient, User
from tracker.interop.fhir import export_bundle, import_bundle, scans_from_bundle
from tracker.records import models as m

LOINC = "http://loinc.org"


def obs(id_, code, value, unit, body=None):
    resource = {
        "resourceType": "Observation",
        "id": id_,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "effectiveDateTime": "2023-06-14T10:30:00Z",
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org"},
    }
    if body:
        resource["bodySite"] = {"text": body}
    return {"fullUrl": f"http://other.example/fhir/Observation/{id_}", "resource": resource}


def other_system_bundle() -> dict:
    """A DXA report as another system sends it: LOINC codes only, mg/cm², relative refs."""
    observations = [
        obs("o1", "24966-4", 912, "mg/cm2", "Lumbar spine L2-L4"),
        obs("o2", "38267-1", -1.2, "1"),
        obs("o3", "46279-6", 0.801, "g/cm2"),
        obs("o4", "80945-9", -1.5, "1"),
        obs("o5", "80953-3", 0.655, "g/cm2", "Right femoral neck"),
        obs("o6", "80947-5", -2.1, "1", "Right femoral neck"),
        obs("o7", "80939-2", -0.9, "1", "Right femoral neck"),
    ]
    device = {
        "resourceType": "Device",
        "id": "d1",
        "manufacturer": "GE Healthcare Lunar",
        "deviceName": [{"name": "Prodigy", "type": "model-name"}],
    }
    for o in observations:
        o["resource"]["device"] = {"reference": "Device/d1"}
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "83311-1"}]},
        "effectiveDateTime": "2023-06-14",
        "performer": [{"display": "Elsewhere Imaging"}],
        "result": [{"reference": f"Observation/o{n}"} for n in range(1, 8)],
    }
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": report}, {"resource": device}, *observations],
    }


def test_scans_from_another_systems_report():
    (scan,) = scans_from_bundle(other_system_bundle())
    assert scan["date"] == dt.date(2023, 6, 14)
    assert (scan["manufacturer"], scan["model"]) == ("ge_lunar", "Prodigy")
    assert scan["facility"] == "Elsewhere Imaging"
    assert scan["vertebrae"] == "L2-L4"
    sites = {(s["site"], s["side"]): s for s in scan["sites"]}
    assert sites[("lumbar_spine", "none")]["bmd"] == Decimal("0.912")
    assert sites[("lumbar_spine", "none")]["t_score"] == Decimal("-1.2")
    assert sites[("total_hip", "right")]["z_score"] is None
    assert sites[("femoral_neck", "right")] == {
        "site": "femoral_neck",
        "side": "right",
        "bmd": Decimal("0.655"),
        "t_score": Decimal("-2.1"),
        "z_score": Decimal("-0.9"),
    }


def confirm_reviews(client, patient) -> None:
    """Check and save every scan waiting on the review screen, as read (issue 10, item 7)."""
    from tracker.interop import review
    from tracker.interop.models import UploadedReport

    for report in UploadedReport.objects.filter(patient=patient, status="pending"):
        url = reverse("interop:report-review", args=[patient.pk, report.pk])
        response = client.post(url, review.prefill(report.read).data)
        assert response.status_code == 302, response.content.decode()[:3000]


def test_import_writes_through_the_one_path_once(patient, rf, client):
    request = rf.post("/")
    request.user = patient.user
    result = import_bundle(patient, other_system_bundle(), request=request)
    assert not result.errors, result.errors
    assert len(result.to_review) == 1 and not m.Scan.objects.filter(patient=patient).exists()
    waiting = import_bundle(patient, other_system_bundle(), request=request)
    assert waiting.to_review == [] and waiting.already_there == 1  # one review, not two
    client.force_login(patient.user)
    confirm_reviews(client, patient)
    scan = m.Scan.objects.get(patient=patient)
    assert scan.entered_via == "fhir" and scan.entered_by == patient.user
    assert scan.sites.count() == 3
    assert AuditEvent.objects.filter(patient=patient, action="create").count() == 2
    patient.refresh_from_db()
    assert patient.summary.last_scan_date == dt.date(2023, 6, 14)
    again = import_bundle(patient, other_system_bundle(), request=request)
    assert not again.errors and not any(again.added.values())
    assert again.already_there == 1
    assert m.Scan.objects.filter(patient=patient).count() == 1


def test_a_bad_resource_refuses_the_whole_file(patient, rf, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    request = rf.post("/")
    request.user = patient.user
    bundle = other_system_bundle()
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Observation",
                "id": "h1",
                "code": {"coding": [{"system": LOINC, "code": "8302-2"}]},
                "effectiveDateTime": "2023-01-01",
                "valueQuantity": {"value": "tall", "code": "cm"},
            }
        }
    )
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "id": "ms1",
                "medicationCodeableConcept": {"text": "Snake oil"},
                "effectivePeriod": {"start": "2099-01-01"},
            }
        }
    )
    result = import_bundle(patient, bundle, request=request)
    assert result.errors == [
        "Observation h1: valueQuantity.value: 'tall' is not a number.",
        "MedicationStatement ms1: effectivePeriod.start: the date 1 Jan 2099 is in the future "
        "(today is 21 Nov 2026).",
    ]
    assert not m.Scan.objects.filter(patient=patient).exists()
    assert not AuditEvent.objects.filter(patient=patient, action="create").exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda b: b["entry"][2]["resource"].update(
                valueQuantity={"value": 812, "code": "g/cm2"}
            ),
            "DiagnosticReport r1: lumbar_spine (none): ",
        ),
        (
            lambda b: b["entry"][0]["resource"].update(effectiveDateTime="14/06/2023"),
            "DiagnosticReport r1: effectiveDateTime: '14/06/2023' is not a date (YYYY-MM-DD).",
        ),
        (
            lambda b: b["entry"][0]["resource"]["result"].append({"reference": "Observation/x"}),
            "DiagnosticReport r1: result 8: {'reference': 'Observation/x'} is not in the Bundle.",
        ),
    ],
)
def test_malformed_scans_are_refused(patient, rf, change, error):
    request = rf.post("/")
    request.user = patient.user
    bundle = other_system_bundle()
    change(bundle)
    result = import_bundle(patient, bundle, request=request)
    assert result.errors and result.errors[0].startswith(error), result.errors
    assert not m.Scan.objects.filter(patient=patient).exists()


def test_not_a_bundle(patient, rf):
    result = import_bundle(patient, {"resourceType": "Patient"}, request=rf.post("/"))
    assert result.errors == ['The file is not a FHIR Bundle (resourceType must be "Bundle").']


def normalised(bundle: dict) -> list[dict]:
    """The entries with ids, references and the patient's name replaced by their order."""
    text = json.dumps(bundle)
    for n, entry in enumerate(bundle["entry"]):
        text = text.replace(entry["fullUrl"], f"#{n}").replace(entry["resource"]["id"], f"#{n}")
    entries = [e["resource"] for e in json.loads(text)["entry"]]
    entries[0]["name"] = "(the patient)"
    return entries


def test_round_trip_of_every_demo_record(db, rf, client):
    seed_demo()
    # Falls assessments and FRAX results (issue 12) come in only by a clinician's import.
    doctor = User.objects.get(email="clinician@example.com")
    for source in Patient.objects.all():
        first = export_bundle(source)
        copy_of = make_patient(
            f"copy-{source.pk}@example.com",
            "Copy",
            birth_date=source.birth_date,
            sex=source.sex,
        )
        link(copy_of, doctor)
        request = rf.post("/")
        request.user = doctor
        result = import_bundle(copy_of, copy.deepcopy(first), request=request)
        assert not result.errors, result.errors
        assert not result.ignored
        client.force_login(copy_of.user)
        confirm_reviews(client, copy_of)  # the scans, checked on the review screen
        second = export_bundle(copy_of)
        assert normalised(second) == normalised(first), source
        again = import_bundle(copy_of, first, request=request)
        assert not any(again.added.values())


def statement(id_, text, start="2020-01-01"):
    return {
        "fullUrl": f"urn:x:{id_}",
        "resource": {
            "resourceType": "MedicationStatement",
            "id": id_,
            "status": "active",
            "medicationCodeableConcept": {"text": text},
            "effectivePeriod": {"start": start},
        },
    }


def test_drugs_are_read_by_name_or_refused(patient, rf):
    request = rf.post("/")
    request.user = patient.user
    bad = {"resourceType": "Bundle", "entry": [statement("s1", "Snake oil")]}
    assert import_bundle(patient, bad, request=request).errors == [
        "MedicationStatement s1: medicationCodeableConcept: 'Snake oil' is not a known drug."
    ]
    dose = {
        "resource": {
            "resourceType": "MedicationAdministration",
            "id": "a1",
            "status": "completed",
            "medicationCodeableConcept": {"text": "Prolia"},
            "effectiveDateTime": "2021-01-01",
        }
    }
    orphan = {"resourceType": "Bundle", "entry": [dose]}
    assert import_bundle(patient, orphan, request=request).errors == [
        "A dose of Denosumab on 1 Jan 2021 has no course."
    ]
    good = {"resourceType": "Bundle", "entry": [statement("s1", "denosumab"), dose]}
    result = import_bundle(patient, good, request=request)
    assert dict(result.added) == {"courses": 1, "doses": 1} | {
        kind: 0 for kind in result.added if kind not in ("courses", "doses")
    }
    course = m.MedicationCourse.objects.get(patient=patient)
    assert course.drug == "denosumab" and course.doses.get().date == dt.date(2021, 1, 1)
