"""The whole record as a FHIR R4 Bundle (type "collection"), a JSON-ready dict.

The mapping (record kind -> resource, codes, units) is in tracker.interop.fhir_codes
and the README. The record is read in a fixed number of queries whatever its size.
Entries are ordered by date and value, never by database id, so two copies of one
record export the same Bundle apart from ids.
"""

import uuid
from decimal import Decimal

from tracker.accounts.models import Patient
from tracker.clinical import history as h
from tracker.clinical.drugs import CATALOGUE
from tracker.interop import fhir_codes as c
from tracker.records import models as m

NAMESPACE = uuid.UUID("6f1c3c52-3a4e-4a53-9a51-9d1f0b5e7a10")


def _num(value: Decimal) -> float:
    return float(value)


def _concept(system: str, code: str, text: str, display: str | None = None) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display or text}], "text": text}


def _own(what: str, code: str, text: str) -> dict:
    return _concept(c.own(what), code, text)


def _notes(*texts: str) -> list[dict]:
    return [{"text": text} for text in texts if text]


class _Builder:
    def __init__(self, patient: Patient):
        self.patient = patient
        self.entries: list[dict] = []
        self.devices: set[str] = set()
        self.subject = {"reference": self.ref("Patient", "patient")}

    def ref(self, kind: str, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.patient.pk}/{kind}/{key}')}"

    def add(self, kind: str, key: str, resource: dict) -> str:
        url = self.ref(kind, key)
        self.entries.append(
            {"fullUrl": url, "resource": {"resourceType": kind, "id": url[9:], **resource}}
        )
        return url


def export_bundle(patient: Patient) -> dict:
    """A FHIR R4 Bundle of everything the record holds that FHIR can carry."""
    b = _Builder(patient)
    b.add("Patient", "patient", _patient(patient))
    scans = m.Scan.objects.filter(patient=patient).prefetch_related("sites")
    for scan in sorted(scans, key=lambda s: (s.date, s.facility, s.model, s.pk)):
        _scan(b, scan)
    courses = m.MedicationCourse.objects.filter(patient=patient).prefetch_related("doses")
    for course in sorted(courses, key=lambda x: (x.start, x.drug, x.end or x.start)):
        _course(b, course)
    for height in m.HeightMeasurement.objects.filter(patient=patient).order_by("date", "cm"):
        _height(b, height)
    for fracture in m.Fracture.objects.filter(patient=patient).order_by("date", "site"):
        _fracture(b, fracture)
    for fall in m.Fall.objects.filter(patient=patient).order_by("date", "injured", "notes"):
        _fall(b, fall)
    for event in m.ClinicalEvent.objects.filter(patient=patient).order_by("date", "kind"):
        _event(b, event)
    for lab in m.LabResult.objects.filter(patient=patient).order_by("date", *m.LabResult.ANALYTES):
        _lab(b, lab)
    sessions = m.ExerciseSession.objects.filter(patient=patient)
    for session in sessions.order_by("date", "kind", "minutes", "effort", "note"):
        _exercise(b, session)
    assessments = m.FallsAssessment.objects.filter(patient=patient)
    for assessment in assessments.order_by("date", "assessed_by", "outcome", "notes"):
        _falls_assessment(b, assessment)
    for result in m.FraxResult.objects.filter(patient=patient).order_by("date", "major", "hip"):
        _frax(b, result)
    return {"resourceType": "Bundle", "type": "collection", "entry": b.entries}


def _patient(patient: Patient) -> dict:
    return {
        "name": [{"text": patient.user.full_name}],
        "gender": patient.sex,
        "birthDate": patient.birth_date.isoformat(),
    }


def _device(b: _Builder, scan: m.Scan) -> str:
    key = f"device/{scan.manufacturer}/{scan.model}"
    url = b.ref("Device", key)
    if url not in b.devices:
        b.devices.add(url)
        device = {"manufacturer": scan.get_manufacturer_display()}
        if scan.model:
            device["deviceName"] = [{"name": scan.model, "type": "model-name"}]
        b.add("Device", key, device)
    return url


def _scan(b: _Builder, scan: m.Scan) -> None:
    device = _device(b, scan)
    key = f"scan/{scan.pk}"
    when = scan.date.isoformat()
    results = []
    for site in sorted(scan.sites.all(), key=lambda s: (h.SITES.index(s.site), s.side)):
        for measure in c.MEASURES:
            value = getattr(site, measure)
            if value is None:
                continue
            results.append(
                {
                    "reference": b.add(
                        "Observation",
                        f"{key}/{site.pk}/{measure}",
                        _site_obs(b, site, measure, value, when, device),
                    )
                }
            )
    report = {
        "status": "final",
        "code": c_dxa(),
        "subject": b.subject,
        "effectiveDateTime": when,
        "result": results,
    }
    if scan.facility:
        report["performer"] = [{"display": scan.facility}]
    if scan.vertebral_fracture_found:
        report["conclusionCode"] = [{"text": VFA_TEXT}]
    if scan.notes:
        report["conclusion"] = scan.notes
    b.add("DiagnosticReport", key, report)


VFA_TEXT = "vertebral fracture found on the scan (VFA)"


def c_dxa() -> dict:
    return _concept(c.LOINC, c.DXA_PANEL, "DXA bone density report")


def _site_obs(b, site: m.SiteResult, measure: str, value, when: str, device: str) -> dict:
    label = h.SITE_LABELS[site.site]
    text = f"{label} {c.MEASURE_LABELS[measure]}"
    code = c.loinc_for(site.site, site.side, measure)
    concept = _concept(c.LOINC, code, text) if code else {"text": text}
    concept.setdefault("coding", []).append(
        {"system": c.own("measure"), "code": f"{site.site}/{measure}", "display": text}
    )
    region = label
    if site.site == "lumbar_spine" and site.vertebrae:
        region = f"{label} {site.vertebrae}"
    body = {"coding": [{"system": c.own("site"), "code": site.site, "display": label}]}
    if site.side in c.LATERALITY:
        snomed, display = c.LATERALITY[site.side]
        body["coding"].append({"system": c.SNOMED, "code": snomed, "display": display})
        region = f"{region}, {site.side}"
    body["text"] = region
    unit, shown = c.UNITS[measure]
    return {
        "status": "final",
        "category": [_concept(OBS_CATEGORY, "imaging", "Imaging")],
        "code": concept,
        "subject": b.subject,
        "effectiveDateTime": when,
        "valueQuantity": {"value": _num(value), "unit": shown, "system": c.UCUM, "code": unit},
        "bodySite": body,
        "device": {"reference": device},
    }


OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def medication_concept(drug: str) -> dict:
    name = CATALOGUE[drug].name
    coding = [{"system": c.own("drug"), "code": drug, "display": name}]
    if drug in c.RXNORM_CODES:
        coding.insert(0, {"system": c.RXNORM, "code": c.RXNORM_CODES[drug], "display": name})
    return {"coding": coding, "text": name}


def _course(b: _Builder, course: m.MedicationCourse) -> None:
    key = f"course/{course.pk}"
    period = {"start": course.start.isoformat()}
    if course.end:
        period["end"] = course.end.isoformat()
    statement = {
        "status": "active" if course.end is None else "completed",
        "medicationCodeableConcept": medication_concept(course.drug),
        "subject": b.subject,
        "effectivePeriod": period,
    }
    if course.stop_reason:
        statement["statusReason"] = [
            _own("stop-reason", course.stop_reason, course.get_stop_reason_display())
        ]
    if course.intended_overlap:
        statement["extension"] = [{"url": c.own("intended-overlap"), "valueBoolean": True}]
    if notes := _notes(course.notes):
        statement["note"] = notes
    url = b.add("MedicationStatement", key, statement)
    for dose in sorted(course.doses.all(), key=lambda d: d.date):
        given = {
            "status": "completed",
            "medicationCodeableConcept": medication_concept(course.drug),
            "subject": b.subject,
            "effectiveDateTime": dose.date.isoformat(),
            "supportingInformation": [{"reference": url}],
        }
        if notes := _notes(dose.notes):
            given["note"] = notes
        b.add("MedicationAdministration", f"dose/{dose.pk}", given)


def _height(b: _Builder, height: m.HeightMeasurement) -> None:
    how = "measured by a clinician" if height.measured else "self-reported"
    b.add(
        "Observation",
        f"height/{height.pk}",
        {
            "status": "final",
            "category": [_concept(OBS_CATEGORY, "vital-signs", "Vital Signs")],
            "code": _concept(c.LOINC, c.HEIGHT, "Body height"),
            "subject": b.subject,
            "effectiveDateTime": height.date.isoformat(),
            "valueQuantity": {
                "value": _num(height.cm),
                "unit": "cm",
                "system": c.UCUM,
                "code": "cm",
            },
            "method": _own("height-method", "measured" if height.measured else "reported", how),
        },
    )


def _fracture(b: _Builder, fracture: m.Fracture) -> None:
    label = h.FRACTURE_SITE_LABELS[fracture.site]
    fragility = "fragility fracture" if fracture.fragility else "not a fragility fracture"
    b.add(
        "Condition",
        f"fracture/{fracture.pk}",
        {
            "extension": [{"url": c.own("fragility-fracture"), "valueBoolean": fracture.fragility}],
            "category": [_own("condition", "fracture", "fracture")],
            "code": _own("fracture", fracture.site, f"fracture of the {label}"),
            "bodySite": [_own("fracture-site", fracture.site, label)],
            "subject": b.subject,
            "onsetDateTime": fracture.date.isoformat(),
            "note": _notes(fragility, fracture.notes),
        },
    )


def _fall(b: _Builder, fall: m.Fall) -> None:
    injured = "injured" if fall.injured else "not injured"
    fall_obs = {
        "status": "final",
        "code": _own("observation", "fall", "fall"),
        "subject": b.subject,
        "effectiveDateTime": fall.date.isoformat(),
        "valueCodeableConcept": _own("fall-outcome", injured.replace(" ", "-"), injured),
    }
    if notes := _notes(fall.notes):
        fall_obs["note"] = notes
    b.add("Observation", f"fall/{fall.pk}", fall_obs)


def _event(b: _Builder, event: m.ClinicalEvent) -> None:
    condition = {
        "category": [_own("condition", "clinical-event", "clinical event")],
        "code": _own("clinical-event", event.kind, event.get_kind_display()),
        "subject": b.subject,
        "onsetDateTime": event.date.isoformat(),
    }
    if notes := _notes(event.notes):
        condition["note"] = notes
    b.add("Condition", f"event/{event.pk}", condition)


def _lab(b: _Builder, lab: m.LabResult) -> None:
    components = []
    for analyte in m.LabResult.ANALYTES:
        value = getattr(lab, analyte)
        if value is None:
            continue
        label, unit = c.LAB_UNITS[analyte]
        components.append(
            {
                "code": _own("lab", analyte, label),
                "valueQuantity": {
                    "value": _num(value),
                    "unit": unit,
                    "system": c.UCUM,
                    "code": unit,
                },
            }
        )
    components.append(
        {
            "code": _own("lab", "fasting_morning", "drawn fasting in the morning"),
            "valueBoolean": lab.fasting_morning,
        }
    )
    b.add(
        "Observation",
        f"lab/{lab.pk}",
        {
            "status": "final",
            "category": [_concept(OBS_CATEGORY, "laboratory", "Laboratory")],
            "code": _own("observation", "bone-labs", "bone health blood tests"),
            "subject": b.subject,
            "effectiveDateTime": lab.date.isoformat(),
            "component": components,
        },
    )


def _exercise(b: _Builder, session: m.ExerciseSession) -> None:
    components = [
        {
            "code": _own("exercise", "kind", "kind of exercise"),
            "valueCodeableConcept": _own("exercise-kind", session.kind, session.get_kind_display()),
        },
        {
            "code": _own("exercise", "minutes", "duration"),
            "valueQuantity": {
                "value": session.minutes,
                "unit": "min",
                "system": c.UCUM,
                "code": "min",
            },
        },
    ]
    if session.effort is not None:
        components.append(
            {"code": _own("exercise", "effort", "effort (1-10)"), "valueInteger": session.effort}
        )
    obs = {
        "status": "final",
        "category": [_concept(OBS_CATEGORY, "activity", "Activity")],
        "code": _own("observation", "exercise", "exercise session"),
        "subject": b.subject,
        "effectiveDateTime": session.date.isoformat(),
        "component": components,
    }
    if notes := _notes(session.note):
        obs["note"] = notes
    b.add("Observation", f"exercise/{session.pk}", obs)


def _falls_assessment(b: _Builder, assessment: m.FallsAssessment) -> None:
    """A Procedure with text and BoneTrack's own code: the rule book gives no code."""
    procedure = {
        "status": "completed",
        "code": _own("procedure", c.FALLS_ASSESSMENT, "falls risk assessment"),
        "subject": b.subject,
        "performedDateTime": assessment.date.isoformat(),
        "performer": [{"actor": {"display": assessment.assessed_by}}],
    }
    if assessment.outcome:
        procedure["outcome"] = {"text": assessment.outcome}
    if notes := _notes(assessment.notes):
        procedure["note"] = notes
    b.add("Procedure", f"falls-assessment/{assessment.pk}", procedure)


def _frax(b: _Builder, result: m.FraxResult) -> None:
    """An Observation with text and BoneTrack's own codes (FRAX has none in the rule
    book): one component per 10-year probability, in %."""
    components = [
        {
            "code": _own("frax", part, c.FRAX_PARTS[part]),
            "valueQuantity": {
                "value": _num(getattr(result, part)),
                "unit": "%",
                "system": c.UCUM,
                "code": "%",
            },
        }
        for part in c.FRAX_PARTS
    ]
    obs = {
        "status": "final",
        "code": _own("observation", c.FRAX, "FRAX 10-year fracture probability"),
        "subject": b.subject,
        "effectiveDateTime": result.date.isoformat(),
        "component": components,
    }
    if result.bmd_used:
        obs["method"] = _own("frax-bmd", result.bmd_used, result.get_bmd_used_display())
    if notes := _notes(result.model_note):
        obs["note"] = notes
    b.add("Observation", f"frax/{result.pk}", obs)
