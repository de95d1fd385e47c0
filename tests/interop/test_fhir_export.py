"""FHIR R4 export (issue 10 item 6): the mapping, and every Bundle validates (R4B models)."""

import datetime as dt
from decimal import Decimal

from fhir.resources.R4B.bundle import Bundle

from tests.conftest import seed_demo
from tests.records.factories import make_course, make_scan
from tracker.accounts.models import Patient
from tracker.interop.fhir import export_bundle
from tracker.records import models as m

D = dt.date(2024, 3, 1)


def validate(bundle: dict) -> Bundle:
    return Bundle.model_validate(bundle)


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(resource: dict, system: str = "http://loinc.org") -> set[str]:
    return {c["code"] for c in resource["code"].get("coding", []) if c["system"] == system}


def by_ref(bundle: dict) -> dict:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def test_patient_name_gender_and_birth_date(patient):
    bundle = export_bundle(patient)
    validate(bundle)
    assert bundle["type"] == "collection"
    (person,) = resources(bundle, "Patient")
    assert person["name"] == [{"text": "Pat Patient"}]
    assert person["gender"] == "female"
    assert person["birthDate"] == "1955-05-17"


def test_a_scan_is_a_dxa_report_with_an_observation_per_site_and_measure(patient):
    make_scan(
        patient,
        D,
        sites=[
            ("lumbar_spine", "none", "0.850", "-1.8", "-0.5"),
            ("total_hip", "left", "0.780", "-1.3", None),
            ("femoral_neck", "right", "0.650", "-1.7", "-0.4"),
            ("radius_33", "none", "0.600", "-2.6", "-1.0"),
            ("total_body", "none", "1.000", None, None),
        ],
        model="Horizon A",
        facility="City Hospital",
        vertebral_fracture_found=True,
    )
    bundle = export_bundle(patient)
    validate(bundle)
    (report,) = resources(bundle, "DiagnosticReport")
    assert codes(report) == {"83311-1"}
    assert report["effectiveDateTime"] == "2024-03-01"
    assert report["performer"] == [{"display": "City Hospital"}]
    refs = by_ref(bundle)
    observations = [refs[r["reference"]] for r in report["result"]]
    assert len(observations) == 3 + 2 + 3 + 3 + 1
    found = {(frozenset(codes(o)), o["valueQuantity"]["value"]) for o in observations}
    assert (frozenset({"24966-4"}), 0.85) in found
    assert (frozenset({"38267-1"}), -1.8) in found
    assert (frozenset({"85394-5"}), -0.5) in found
    assert (frozenset({"46278-8"}), 0.78) in found  # left total hip BMD
    assert (frozenset({"80946-7"}), -1.3) in found  # left total hip T
    assert (frozenset({"80953-3"}), 0.65) in found  # right femur BMD
    assert (frozenset({"80947-5"}), -1.7) in found
    assert (frozenset({"80939-2"}), -0.4) in found
    assert (frozenset({"24890-6"}), 0.6) in found
    assert (frozenset({"38265-5"}), -2.6) in found
    assert (frozenset({"80932-7"}), -1.0) in found
    assert (frozenset(), 1.0) in found  # total body: no code in section 9, text only
    units = {o["valueQuantity"]["code"] for o in observations}
    assert units == {"g/cm2", "1"}
    neck = next(o for o in observations if "80953-3" in codes(o))
    assert neck["bodySite"]["text"] == "femoral neck, right"
    assert {"system": "http://snomed.info/sct", "code": "24028007", "display": "Right"} in neck[
        "bodySite"
    ]["coding"]
    spine = next(o for o in observations if "24966-4" in codes(o))
    assert spine["bodySite"]["text"] == "lumbar spine L1-L4"
    device = refs[spine["device"]["reference"]]
    assert device["manufacturer"] == "Hologic"
    assert device["deviceName"] == [{"name": "Horizon A", "type": "model-name"}]


def test_courses_doses_and_heights(patient):
    course = make_course(
        patient, "zoledronic_acid", D, D.replace(year=2026), doses=[D, D.replace(year=2025)]
    )
    course.stop_reason = "course_completed"
    course.save()
    make_course(patient, "alendronate", D.replace(year=2020), notes="with water")
    m.HeightMeasurement.objects.create(patient=patient, date=D, cm=Decimal("160.4"), measured=True)
    bundle = export_bundle(patient)
    validate(bundle)
    statements = resources(bundle, "MedicationStatement")
    assert [s["medicationCodeableConcept"]["text"] for s in statements] == [
        "Alendronate",
        "Zoledronic acid",
    ]
    alendronate, zoledronic = statements
    rxnorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    assert not [
        c for c in alendronate["medicationCodeableConcept"]["coding"] if c["system"] == rxnorm
    ]
    assert zoledronic["medicationCodeableConcept"]["coding"][0] == {
        "system": rxnorm,
        "code": "77655",
        "display": "Zoledronic acid",
    }
    assert zoledronic["status"] == "completed"
    assert zoledronic["effectivePeriod"] == {"start": "2024-03-01", "end": "2026-03-01"}
    assert alendronate["status"] == "active"
    doses = resources(bundle, "MedicationAdministration")
    assert [d["effectiveDateTime"] for d in doses] == ["2024-03-01", "2025-03-01"]
    (height,) = [o for o in resources(bundle, "Observation") if codes(o) == {"8302-2"}]
    assert height["valueQuantity"] == {
        "value": 160.4,
        "unit": "cm",
        "system": "http://unitsofmeasure.org",
        "code": "cm",
    }


def test_fractures_falls_events_labs_and_exercise(patient):
    common = {"patient": patient, "date": D}
    m.Fracture.objects.create(**common, site="wrist_forearm", fragility=True)
    m.Fall.objects.create(**common, injured=True, notes="on ice")
    m.ClinicalEvent.objects.create(**common, kind="stroke")
    m.LabResult.objects.create(**common, vitamin_d=Decimal("30.0"), calcium=Decimal("9.40"))
    m.ExerciseSession.objects.create(**common, kind="balance", minutes=30, effort=5)
    bundle = export_bundle(patient)
    validate(bundle)
    fracture, event = resources(bundle, "Condition")
    assert fracture["bodySite"][0]["text"] == "wrist or forearm"
    assert fracture["extension"][0]["valueBoolean"] is True
    assert fracture["onsetDateTime"] == "2024-03-01"
    assert event["code"]["text"] == "stroke"
    kinds = [o["code"]["text"] for o in resources(bundle, "Observation")]
    assert kinds == ["fall", "bone health blood tests", "exercise session"]


def test_every_demo_record_exports_a_valid_bundle(db):
    seed_demo()
    patients = list(Patient.objects.all())
    assert len(patients) >= 4
    for patient in patients:
        bundle = export_bundle(patient)
        validate(bundle)
        assert resources(bundle, "DiagnosticReport") or patient.user.email == "uma@example.com"
