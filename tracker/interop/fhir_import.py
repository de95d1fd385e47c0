"""Importing a FHIR R4 Bundle into a record (issue 10 item 7): one file, one
transaction, through the one write path. A resource that cannot be read refuses the
whole file with an error per resource and field; what the record already holds
(matched on natural keys: date, kind and values) is not added again.

Scans are written by `save_scans`, the one place to change when they go through the
review screen for scans instead.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from tracker.accounts.models import AuditEvent, Patient
from tracker.clinical import plausibility
from tracker.clinical.dates import display_date
from tracker.clinical.drugs import CATALOGUE
from tracker.interop import fhir_codes as c
from tracker.interop import fhir_fracture_care as care
from tracker.interop.fhir_read import (
    Bundle,
    Problem,
    code_in,
    day,
    extension,
    is_dxa_report,
    notes,
    number,
    read_bundle,
    read_scan,
    text_of,
)
from tracker.interop.models import UploadedReport
from tracker.interop.uploads import FHIR_JSON
from tracker.records import models as m
from tracker.records.changes import change_record

FHIR = m.Provenance.FHIR
LABELS = {
    "scans": "DXA scans",
    "courses": "medication courses",
    "doses": "doses",
    "heights": "heights",
    "fractures": "fractures",
    "falls": "falls",
    "events": "clinical events",
    "labs": "lab results",
    "exercise": "exercise sessions",
    **care.LABELS,
}


@dataclass
class ImportResult:
    added: Counter = field(default_factory=Counter)
    already_there: int = 0
    ignored: list[str] = field(default_factory=list)
    # Kinds only a clinician adds, in a patient's import (issue 12): left out.
    clinician_only: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # DXA reports waiting on the review screen (scans are saved only once checked)
    to_review: list = field(default_factory=list)

    @property
    def added_any(self) -> bool:
        return any(self.added.values()) or bool(self.to_review)

    def summary(self) -> str:
        parts = [f"{n} {LABELS[kind]}" for kind, n in self.added.items() if n]
        if self.to_review:
            parts.append(f"{len(self.to_review)} DXA scans to check on the review screen")
        return ", ".join(parts) or "nothing new"


@dataclass
class _Plan:
    """What a Bundle adds, by kind: (natural key, unsaved row) pairs."""

    rows: dict[str, list] = field(default_factory=dict)
    scans: list[dict] = field(default_factory=list)
    doses: list[tuple[tuple, m.Dose]] = field(default_factory=list)

    def add(self, kind: str, key: tuple, row) -> None:
        self.rows.setdefault(kind, []).append((key, row))


def import_bundle(patient: Patient, data, *, request) -> ImportResult:
    """Add what `data` (a parsed FHIR Bundle) holds to `patient`'s record, or nothing."""
    result = ImportResult()
    bundle = read_bundle(data)
    result.errors += bundle.errors
    plan = _Plan()
    today = timezone.localdate()
    used = {
        id(bundle.get(ref))
        for _, r in bundle.entries
        if is_dxa_report(r)
        for ref in r.get("result") or []
    }
    for label, resource in bundle.entries:
        if id(resource) in used:
            continue
        try:
            _read(bundle, resource, plan, patient, today, result)
        except Problem as problem:
            result.errors.append(f"{label}: {problem}")
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                result.errors += [f"{label}, {name}: {text}" for text in messages]
    if not result.errors:
        try:
            _write(request, patient, plan, result)
        except Problem as problem:  # rolled back with the change
            result.errors.append(str(problem))
            result.added.clear()
    return result


def _check_date(when, patient: Patient, today, what: str = "effectiveDateTime") -> None:
    for finding in plausibility.check_scan_date(when, birth_date=patient.birth_date, today=today):
        if finding.level == "reject":
            raise Problem(f"{what}: " + finding.message.replace("The scan date", "the date"))


def _valid(row, *, exclude=("patient", "entered_by", "course", "scan")):
    row.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    return row


def _drug(resource: dict) -> str:
    concept = resource.get("medicationCodeableConcept")
    ours = code_in(concept, c.own("drug"))
    if ours in CATALOGUE:
        return ours
    rxnorm = code_in(concept, c.RXNORM)
    for drug, code in c.RXNORM_CODES.items():
        if rxnorm == code:
            return drug
    name = text_of(concept).strip().lower()
    for drug in CATALOGUE.values():
        if name and name in (drug.name.lower(), *(b.lower() for b in drug.brands)):
            return drug.code
    raise Problem(f"medicationCodeableConcept: {text_of(concept) or '?'!r} is not a known drug.")


def _read(bundle: Bundle, r: dict, plan: _Plan, patient, today, result) -> None:
    kind = r["resourceType"]
    common = {"patient": patient, "entered_via": FHIR}
    if is_dxa_report(r):
        scan = read_scan(bundle, r)
        _check_date(scan["date"], patient, today)
        _check_scan(scan)
        plan.scans.append(scan)
    elif kind == "MedicationStatement":
        period = r.get("effectivePeriod") or {}
        start = day(period.get("start"), "effectivePeriod.start")
        end = day(period["end"], "effectivePeriod.end") if period.get("end") else None
        _check_date(start, patient, today, "effectivePeriod.start")
        reasons = r.get("statusReason") or [{}]
        course = m.MedicationCourse(
            **common,
            drug=_drug(r),
            start=start,
            end=end,
            stop_reason=code_in(reasons[0], c.own("stop-reason")) or "",
            intended_overlap=bool(extension(r, "intended-overlap")),
            notes=notes(r),
        )
        plan.add("courses", (course.drug, start), _valid(course))
        plan.rows.setdefault("_by_ref", []).append((id(r), course))
    elif kind == "MedicationAdministration":
        when = day(r.get("effectiveDateTime"), "effectiveDateTime")
        _check_date(when, patient, today)
        statement = next(iter(bundle.get(x) for x in r.get("supportingInformation") or []), None)
        drug = _drug(r)
        dose = _valid(m.Dose(**common, date=when, notes=notes(r)))
        dose.statement = id(statement) if statement else None
        plan.doses.append(((drug, when), dose))
    elif kind == "Observation":
        _read_observation(r, plan, common, patient, today, result)
    elif kind == "Condition":
        _read_condition(r, plan, common, patient, today, result)
    elif care.is_falls_assessment(r):
        when = day(r.get("performedDateTime"), "performedDateTime")
        _check_date(when, patient, today, "performedDateTime")
        row = care.falls_assessment(r, when, common)
        plan.add("falls_assessments", care.KEYS["falls_assessments"][1](row), _valid(row))
    elif kind not in ("Patient", "Device"):
        result.ignored.append(f"{kind} {r.get('id', '')}".strip())


def _check_scan(scan: dict) -> None:
    if not scan["sites"]:
        raise Problem("a DXA report without a BMD result.")
    for row in scan["sites"]:
        findings = plausibility.check_bmd(row["bmd"])
        for score in ("t_score", "z_score"):
            if row[score] is not None:
                findings += plausibility.check_score(row[score], score)
        for finding in findings:
            if finding.level == "reject":
                raise Problem(f"{row['site']} ({row['side']}): {finding.message}")
        _valid(m.SiteResult(**row, vertebrae=scan["vertebrae"] or "L1-L4"))
    _valid(
        m.Scan(
            date=scan["date"],
            manufacturer=scan["manufacturer"],
            model=scan["model"],
            facility=scan["facility"],
            notes=scan["notes"],
        )
    )


def _read_observation(r: dict, plan: _Plan, common: dict, patient, today, result) -> None:
    when = day(r.get("effectiveDateTime"), "effectiveDateTime")
    ours = code_in(r.get("code"), c.own("observation"))
    if code_in(r.get("code"), c.LOINC) == c.HEIGHT:
        _check_date(when, patient, today)
        quantity = r.get("valueQuantity") or {}
        if quantity.get("code", "cm") != "cm":
            raise Problem(f"valueQuantity: a height in {quantity.get('code')!r}; expected cm.")
        cm = number(quantity.get("value"), "valueQuantity.value")
        measured = code_in(r.get("method"), c.own("height-method")) == "measured"
        row = m.HeightMeasurement(**common, date=when, cm=cm, measured=measured)
        plan.add("heights", (when, cm), _valid(row))
    elif ours == "fall":
        _check_date(when, patient, today)
        injured = code_in(r.get("valueCodeableConcept"), c.own("fall-outcome")) == "injured"
        row = m.Fall(**common, date=when, injured=injured, notes=notes(r))
        plan.add("falls", (when, injured, row.notes), _valid(row))
    elif ours == "bone-labs":
        _check_date(when, patient, today)
        values = _components(r)
        row = m.LabResult(**common, date=when, **values)
        key = (when, *(values.get(a) for a in m.LabResult.ANALYTES))
        plan.add("labs", key, _valid(row))
    elif care.is_frax(r):
        _check_date(when, patient, today)
        row = care.frax_result(r, when, common)
        plan.add("frax", care.KEYS["frax"][1](row), _valid(row))
    elif ours == "exercise":
        _check_date(when, patient, today)
        values = _components(r)
        row = m.ExerciseSession(**common, date=when, note=notes(r), **values)
        key = (when, row.kind, row.minutes, row.effort, row.note)
        plan.add("exercise", key, _valid(row))
    else:
        result.ignored.append(f"Observation {r.get('id', '')} ({text_of(r.get('code'))})")


def _components(r: dict) -> dict:
    values = {}
    for n, part in enumerate(r.get("component") or [], start=1):
        name = code_in(part.get("code"), c.own("lab")) or code_in(
            part.get("code"), c.own("exercise")
        )
        if name in c.LAB_UNITS or name == "minutes":
            values[name] = number((part.get("valueQuantity") or {}).get("value"), f"component {n}")
        elif name == "effort":
            values[name] = number(part.get("valueInteger"), f"component {n}")
        elif name == "fasting_morning":
            values[name] = bool(part.get("valueBoolean"))
        elif name == "kind":
            values[name] = code_in(part.get("valueCodeableConcept"), c.own("exercise-kind"))
    for whole in ("minutes", "effort"):
        if whole in values:
            if values[whole] != values[whole].to_integral_value():
                raise Problem(f"component {whole}: {values[whole]} is not a whole number.")
            values[whole] = int(values[whole])
    return values


def _read_condition(r: dict, plan: _Plan, common: dict, patient, today, result) -> None:
    when = day(r.get("onsetDateTime"), "onsetDateTime")
    site = code_in(r.get("code"), c.own("fracture"))
    event = code_in(r.get("code"), c.own("clinical-event"))
    if site:
        _check_date(when, patient, today)
        fragility = extension(r, "fragility-fracture")
        skip = ("fragility fracture", "not a fragility fracture")
        row = m.Fracture(
            **common,
            date=when,
            site=site,
            fragility=fragility is not False,
            notes=notes(r, skip=skip),
        )
        plan.add("fractures", (when, site), _valid(row))
    elif event:
        _check_date(when, patient, today, "onsetDateTime")
        row = m.ClinicalEvent(**common, date=when, kind=event, notes=notes(r))
        plan.add("events", (when, event), _valid(row))
    else:
        result.ignored.append(f"Condition {r.get('id', '')} ({text_of(r.get('code'))})")


# The natural key of a stored row, as _read builds it for a new one.
EXISTING = {
    "courses": (m.MedicationCourse, lambda x: (x.drug, x.start)),
    "heights": (m.HeightMeasurement, lambda x: (x.date, x.cm)),
    "falls": (m.Fall, lambda x: (x.date, x.injured, x.notes)),
    "labs": (m.LabResult, lambda x: (x.date, *(getattr(x, a) for a in m.LabResult.ANALYTES))),
    "exercise": (m.ExerciseSession, lambda x: (x.date, x.kind, x.minutes, x.effort, x.note)),
    "fractures": (m.Fracture, lambda x: (x.date, x.site)),
    "events": (m.ClinicalEvent, lambda x: (x.date, x.kind)),
    **care.KEYS,
}


def _write(request, patient: Patient, plan: _Plan, result: ImportResult) -> None:
    """Leave out what the record already holds, then write the rest in one change."""
    actor = getattr(request, "user", None)
    by = actor if getattr(actor, "is_authenticated", False) else None
    if not (by and by.is_approved_clinician):  # clinician-only kinds (issue 12)
        for kind, label in care.LABELS.items():
            if plan.rows.pop(kind, None):
                result.clinician_only.append(label)
    new, courses = _new_rows(patient, plan, result)
    doses = _new_doses(patient, plan, courses, result)
    scans = _new_scans(patient, plan.scans, result)
    if not (any(new.values()) or doses or scans):
        return
    with change_record(request, patient, actor=by) as change:
        for kind, rows in new.items():
            for row in rows:
                row.entered_by = by
            EXISTING[kind][0].objects.bulk_create(rows)
            result.added[kind] += len(rows)
        for dose in doses:
            dose.entered_by = by
            dose.course_id = dose.course.pk
        m.Dose.objects.bulk_create(doses)
        result.added["doses"] += len(doses)
        result.to_review += save_scans(patient, scans, by)
        change.audit(AuditEvent.Action.CREATE, summary=f"imported from FHIR: {result.summary()}")


def _new_rows(patient: Patient, plan: _Plan, result: ImportResult):
    new: dict[str, list] = {}
    courses: dict[tuple, m.MedicationCourse] = {}
    for kind, (model, key_of) in EXISTING.items():
        stored = {key_of(x): x for x in model.objects.filter(patient=patient)}
        if kind == "courses":
            courses = dict(stored)
        new[kind] = []
        for key, row in plan.rows.get(kind, []):
            if key in stored:
                result.already_there += 1
                if kind == "courses":
                    row.same_as = stored[key]
                continue
            stored[key] = row
            new[kind].append(row)
            if kind == "courses":
                courses[key] = row
    return new, courses


def _new_doses(patient, plan: _Plan, courses: dict, result) -> list[m.Dose]:
    by_ref = dict(plan.rows.get("_by_ref", []))
    existing = set(
        m.Dose.objects.filter(patient=patient).values_list("course__drug", "course__start", "date")
    )
    new = []
    for (drug, when), dose in plan.doses:
        course = by_ref.get(dose.statement)
        if course is None:
            covering = [
                x
                for x in courses.values()
                if x.drug == drug and x.start <= when and (x.end is None or when <= x.end)
            ]
            course = max(covering, key=lambda x: x.start, default=None)
        if course is None or course.drug != drug:
            raise Problem(
                f"A dose of {CATALOGUE[drug].name} on {display_date(when)} has no course."
            )
        course = getattr(course, "same_as", course)
        if (drug, course.start, when) in existing:
            result.already_there += 1
            continue
        existing.add((drug, course.start, when))
        dose.course = course
        new.append(dose)
    return new


def _new_scans(patient: Patient, scans: list[dict], result: ImportResult) -> list[dict]:
    existing = {
        (scan.date, frozenset((s.site, s.side, s.bmd) for s in scan.sites.all()))
        for scan in m.Scan.objects.filter(patient=patient).prefetch_related("sites")
    }
    waiting = set(
        UploadedReport.objects.filter(
            patient=patient, status=UploadedReport.Status.PENDING
        ).values_list("sha256", flat=True)
    )
    new = []
    for found in scans:
        key = (found["date"], frozenset((s["site"], s["side"], s["bmd"]) for s in found["sites"]))
        if key in existing or hashlib.sha256(_source(found)).hexdigest() in waiting:
            result.already_there += 1  # in the record, or already waiting for review
            continue
        existing.add(key)
        new.append(found)
    return new


def save_scans(patient: Patient, scans: list[dict], by) -> list[UploadedReport]:
    """Issue 10, item 7: an imported DXA report goes through the same review screen as
    an uploaded one. Each new scan waits there, with its values marked as read, until
    a person checks and confirms it; its resources are kept as the source."""
    waiting = []
    for found in scans:
        source = _source(found)
        digest = hashlib.sha256(source).hexdigest()
        report = UploadedReport(
            patient=patient,
            content_type=FHIR_JSON,
            original_name=f"FHIR DXA report {found['date']}",
            size=len(source),
            sha256=digest,
            uploaded_by=by,
            read={
                **_jsonable(found),
                "method": "fhir",
                "is_report": True,
                "text": source.decode(),
                "scan_notes": found.get("notes", ""),
                "notes": ["Read from a FHIR DiagnosticReport: check each value against it."],
                "pages": [],
            },
        )
        report.file.save("fhir-report.json", ContentFile(source), save=False)
        report.save()
        waiting.append(report)
    return waiting


def _source(found: dict) -> bytes:
    return json.dumps(_jsonable(found), indent=2, sort_keys=True).encode()


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value
