"""A record out to a zip of CSV files and back in (issue 10, items 8 and 9).

The format is described in tracker.interop.csv_format. Import validates every row with
the same forms and plausibility rules as typed input, writes through the one write
path in one transaction (nothing is saved if any row is wrong), and skips every row
the record already holds (same kind, dates and values), so importing a file twice
adds nothing the second time.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.forms import modelform_factory
from django.utils import timezone

from tracker.accounts.forms import PatientProfileForm
from tracker.accounts.models import AuditEvent, Patient
from tracker.interop.csv_checks import ImportRefused, Problem, parse, unpack
from tracker.interop.csv_format import FILES, PROFILE, Column, CsvKind, escape
from tracker.records import forms as f
from tracker.records import fracture_care_forms, lifestyle_forms
from tracker.records import models as m
from tracker.records.changes import change_record

# The profile is exported with the fields its form edits (one list).
PROFILE_FIELDS = PatientProfileForm._meta.fields
FORMS = {
    m.Scan: f.ScanForm,
    m.MedicationCourse: f.CourseForm,
    m.Dose: f.DoseForm,
    m.ExerciseSession: f.ExerciseForm,
    m.Fracture: f.FractureForm,
    m.Fall: f.FallForm,
    m.HeightMeasurement: f.HeightForm,
    m.LabResult: f.LabForm,
    m.ClinicalEvent: f.EventForm,
    m.IntakeEntry: lifestyle_forms.IntakeForm,
    m.HomeSafetyCheck: lifestyle_forms.TickForm,
    m.FallsAssessment: fracture_care_forms.FallsAssessmentForm,
    m.FraxResult: fracture_care_forms.FraxResultForm,
}
# Kinds only a clinician adds (tracker.records.kinds): a patient's import skips them.
CLINICIAN_ONLY = {m.FallsAssessment: "falls assessments", m.FraxResult: "FRAX results"}
SettingsForm = modelform_factory(
    m.ClinicalSettings, fields=[c.field for c in FILES["clinical_settings.csv"].columns]
)


# --- export -------------------------------------------------------------------------


def _value(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


def _cell(value, column) -> str:
    if value is None or value == "":
        return ""
    if column.type == "bool":
        return "true" if value else "false"
    if column.type == "date":
        return value.isoformat()
    if column.type == "text":
        return escape(str(value))
    return str(value)


def _row(kind: CsvKind, obj, site=None) -> dict[str, str]:
    row = {}
    for column in kind.columns:
        source = site if kind.model is m.Scan and column.field in _SITE_FIELDS else obj
        row[column.header] = "" if source is None else _cell(_value(source, column.field), column)
    return row


_SITE_FIELDS = {c.field for c in FILES["scans.csv"].columns[6:]}


def _provenance(obj) -> dict[str, str]:
    by = obj.entered_by.full_name if getattr(obj, "entered_by", None) else ""
    return {"entered_by": escape(by), "entered_via": getattr(obj, "entered_via", "")}


def rows(patient: Patient, kind: CsvKind) -> list[dict[str, str]]:
    """The rows of one file, oldest first, in a fixed number of queries."""
    model = kind.model
    if model is m.ClinicalSettings:
        found = model.objects.filter(patient=patient).select_related("updated_by").first()
        if found is None:
            return []
        by = found.updated_by.full_name if found.updated_by else ""
        return [{**_row(kind, found), "entered_by": escape(by), "entered_via": ""}]
    queryset = model.objects.for_patient(patient).select_related("entered_by")
    if model is m.Scan:
        queryset = queryset.prefetch_related("sites")
    if model is m.Dose:
        queryset = queryset.select_related("course")
    order = ["start", "pk"] if model is m.MedicationCourse else ["date", "pk"]
    out = []
    for obj in queryset.order_by(*order):
        if model is m.Scan:
            sites = list(obj.sites.all()) or [None]
            out += [{**_row(kind, obj, site), **_provenance(obj)} for site in sites]
        else:
            out.append({**_row(kind, obj), **_provenance(obj)})
    return out


def _csv_text(headers: list[str], table: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


def profile_csv(patient: Patient) -> str:
    """The profile the record belongs to, for reading (FHIR's Patient, in CSV)."""
    row = {"full_name": escape(patient.name), "email": patient.user.email}
    for name in PROFILE_FIELDS:
        value = getattr(patient, name)
        kind = "bool" if isinstance(value, bool) else "date" if "date" in name else "number"
        if name == "glucocorticoids_since":
            kind = "date"
        if name in ("sex", "menopausal_status"):
            kind = "choice"
        row[name] = _cell(value, Column(name, name, kind))
    return _csv_text(list(row), [row])


def csv_files(patient: Patient) -> dict[str, str]:
    """{file name: CSV text} for every file of the format, empty kinds included."""
    files = {name: _csv_text(kind.headers, rows(patient, kind)) for name, kind in FILES.items()}
    return {**files, PROFILE: profile_csv(patient)}


def csv_zip(patient: Patient) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(patient).items():
            archive.writestr(name, text)
    return out.getvalue()


# --- import -------------------------------------------------------------------------


@dataclass
class Outcome:
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # already in the record
    notes: list[str] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


def _form_data(kind: CsvKind, row: dict, columns=None) -> dict:
    data = {}
    for column in columns or kind.columns:
        if "." in column.field:
            continue
        value = row[column.header]
        if column.type == "bool":
            if value == "true":
                data[column.field] = "on"
        else:
            data[column.field] = value
    return data


def _add_form_errors(problems, kind: CsvKind, number: int, form, columns=None) -> None:
    headers = {c.field: c.header for c in (columns or kind.columns)}
    for name, messages in form.errors.items():
        for message in messages:
            problems.append(Problem(kind.filename, number, headers.get(name, ""), message))


def _key(kind: CsvKind, table: list[dict]) -> tuple:
    """What makes rows the same entry: every column but provenance."""
    return tuple(tuple(row[c.header] for c in kind.columns) for row in table)


class _Importer:
    def __init__(self, request, patient: Patient, change, problems: list[Problem]):
        self.request, self.patient, self.change = request, patient, change
        self.problems, self.outcome = problems, Outcome()
        self.today = timezone.localdate()
        self.user = getattr(request, "user", None)
        self.clinician = bool(self.user and self.user.is_approved_clinician)

    def new(self, model, **extra) -> models.Model:
        return model(
            patient=self.patient, entered_by=self.user, entered_via=m.Provenance.CSV, **extra
        )

    def form(self, model, data, instance, **extra):
        return FORMS[model](
            data, instance=instance, patient=self.patient, today=self.today, user=self.user, **extra
        )

    def existing(self, kind: CsvKind) -> set:
        if kind.model is m.Scan:
            groups: dict = {}
            for row in rows(self.patient, kind):
                groups.setdefault(tuple(row[c.header] for c in kind.columns[:6]), []).append(row)
            return {_key(kind, sorted(g, key=_site_order)) for g in groups.values()}
        return {_key(kind, [row]) for row in rows(self.patient, kind)}

    def count(self, kind: CsvKind, added: bool) -> None:
        bucket = self.outcome.added if added else self.outcome.skipped
        bucket[kind.filename] = bucket.get(kind.filename, 0) + 1

    def simple(self, kind: CsvKind, parsed) -> None:
        seen = self.existing(kind)
        for number, row in parsed:
            if _key(kind, [row]) in seen or _key(kind, [self.normal(kind, row)]) in seen:
                self.count(kind, added=False)
                continue
            if kind.model in CLINICIAN_ONLY and not self.clinician:
                self.note(f"Not added: only a clinician can add {CLINICIAN_ONLY[kind.model]}.")
                continue
            instance, extra = self.new(kind.model), {}
            if kind.model is m.Dose:
                course = m.MedicationCourse.objects.filter(
                    patient=self.patient, drug=row["drug"], start=row["course_start_date"] or None
                ).first()
                if course is None:
                    self.problems.append(
                        Problem(
                            kind.filename,
                            number,
                            "course_start_date",
                            "No medication with this drug and start date is in the record "
                            "or in medications.csv.",
                        )
                    )
                    continue
                instance.course, extra = course, {"course": course}
            if kind.model is m.MedicationCourse and row["intended_overlap"] == "true":
                if not self.clinician:
                    row = {**row, "intended_overlap": "false"}
                    self.note("Only a clinician can mark an overlap of drugs as intended.")
            form = self.form(kind.model, _form_data(kind, row), instance, **extra)
            if not form.is_valid():
                _add_form_errors(self.problems, kind, number, form)
                continue
            saved = form.save()
            seen.add(_key(kind, [_row(kind, saved)]))
            self.count(kind, added=True)

    def normal(self, kind: CsvKind, row: dict) -> dict:
        """The row as export would write it once saved (0.81 -> 0.810)."""
        out = dict(row)
        for column in kind.columns:
            if column.type == "number" and row[column.header] and "." not in column.field:
                try:
                    places = _model_field(kind, column).decimal_places
                except AttributeError:
                    continue
                if places is not None:
                    value = Decimal(row[column.header])
                    out[column.header] = str(value.quantize(Decimal(1).scaleb(-places)))
        return out

    def scans(self, kind: CsvKind, parsed) -> None:
        scan_columns, site_columns = kind.columns[:6], kind.columns[6:]
        groups: dict = {}
        for number, row in parsed:
            key = tuple(row[c.header] for c in scan_columns)
            groups.setdefault(key, []).append((number, row))
        seen = self.existing(kind)
        for group in groups.values():
            table = sorted((self.normal(kind, row) for _, row in group), key=_site_order)
            if _key(kind, table) in seen:
                self.count(kind, added=False)
                continue
            first, row = group[0]
            scan_form = self.form(m.Scan, _form_data(kind, row, scan_columns), self.new(m.Scan))
            if not scan_form.is_valid():
                _add_form_errors(self.problems, kind, first, scan_form, scan_columns)
                continue
            site_forms = []
            for number, site_row in group:
                if not site_row["site"]:
                    continue
                data = {**_form_data(kind, site_row, site_columns), "checked": "on"}
                site_form = f.SiteResultForm(data)
                if site_form.is_valid():
                    site_forms.append(site_form)
                else:
                    _add_form_errors(self.problems, kind, number, site_form, site_columns)
            if len(site_forms) != sum(1 for _, r in group if r["site"]):
                continue
            scan = scan_form.save()
            for site_form in site_forms:
                site_form.instance.scan = scan
                site_form.save()
            seen.add(_key(kind, table))
            self.count(kind, added=True)

    def settings(self, kind: CsvKind, parsed) -> None:
        if len(parsed) > 1:
            self.problems.append(
                Problem(kind.filename, parsed[1][0], "", "Only one row of settings is allowed.")
            )
            return
        for number, row in parsed:
            if _key(kind, [self.normal(kind, row)]) in self.existing(kind):
                self.count(kind, added=False)
                return
            if not self.clinician:
                self.note("Clinician settings are not changed: only a clinician can set them.")
                return
            instance = m.ClinicalSettings.objects.filter(patient=self.patient).first()
            form = SettingsForm(
                _form_data(kind, row),
                instance=instance or m.ClinicalSettings(patient=self.patient),
            )
            if not form.is_valid():
                _add_form_errors(self.problems, kind, number, form)
                return
            form.instance.updated_by = self.user
            form.save()
            self.count(kind, added=True)

    def note(self, text: str) -> None:
        if text not in self.outcome.notes:
            self.outcome.notes.append(text)


def _model_field(kind: CsvKind, column):
    return (
        kind.model._meta.get_field(column.field)
        if column.field in _own(kind)
        else (m.SiteResult._meta.get_field(column.field))
    )


def _own(kind: CsvKind) -> set[str]:
    return {fld.name for fld in kind.model._meta.get_fields()}


def _site_order(row: dict) -> tuple:
    return (row["site"], row["side"])


class _NothingToAdd(Exception):
    pass


def import_csv_zip(patient: Patient, data: bytes, *, request) -> Outcome:
    """Add the rows of an exported zip to `patient`'s record, or raise ImportRefused
    with every problem found; nothing is saved unless every row is right."""
    texts = unpack(data)
    problems: list[Problem] = []
    parsed = {
        name: parse(texts[name], kind, problems) for name, kind in FILES.items() if name in texts
    }
    if problems:
        raise ImportRefused(problems)
    if not parsed:
        raise ImportRefused([Problem("the upload", None, "", "The zip holds no CSV files.")])
    outcome = Outcome()
    try:
        with change_record(request, patient) as change:
            importer = _Importer(request, patient, change, problems)
            for name, kind in FILES.items():
                if name not in parsed:
                    continue
                if kind.model is m.Scan:
                    importer.scans(kind, parsed[name])
                elif kind.model is m.ClinicalSettings:
                    importer.settings(kind, parsed[name])
                else:
                    importer.simple(kind, parsed[name])
            outcome = importer.outcome
            if problems:
                raise ImportRefused(problems)
            if not outcome.total_added:
                raise _NothingToAdd
            for name, count in outcome.added.items():
                change.audit(
                    AuditEvent.Action.CREATE,
                    summary=f"imported {count} row(s) of {name} from a CSV file",
                )
    except _NothingToAdd:
        pass
    if PROFILE in texts:
        outcome.notes.append("Your profile is not changed by an import.")
    return outcome
