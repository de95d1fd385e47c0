"""The kinds of entry a record holds, for the generic add/view/edit/delete pages and the history."""

from dataclasses import dataclass

from django.db import models

from tracker.records import forms
from tracker.records import fracture_care_forms as care
from tracker.records import models as m


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[models.Model]
    form: type[forms.EntryForm]
    label: str  # one entry: "a fall"
    plural: str  # the section: "Falls"
    date_field: str = "date"
    # (field, label) pairs shown on the detail page; the form's fields when empty
    select_related: tuple[str, ...] = ("entered_by",)
    # Only a clinician adds, edits or deletes one; the patient reads it (issue 12).
    clinician_only: bool = False

    @property
    def fields(self) -> list[str]:
        return list(self.form._meta.fields)


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in [
        Kind("scans", m.Scan, forms.ScanForm, "a DXA scan", "DXA scans"),
        Kind(
            "medications",
            m.MedicationCourse,
            forms.CourseForm,
            "a medication course",
            "Medications",
            "start",
        ),
        Kind(
            "doses",
            m.Dose,
            forms.DoseForm,
            "a dose",
            "Doses",
            select_related=("entered_by", "course"),
        ),
        Kind("exercise", m.ExerciseSession, forms.ExerciseForm, "an exercise session", "Exercise"),
        Kind("fractures", m.Fracture, forms.FractureForm, "a fracture", "Fractures"),
        Kind("falls", m.Fall, forms.FallForm, "a fall", "Falls"),
        Kind("heights", m.HeightMeasurement, forms.HeightForm, "a height", "Height"),
        Kind("labs", m.LabResult, forms.LabForm, "lab results", "Labs"),
        Kind(
            "events",
            m.ClinicalEvent,
            forms.EventForm,
            "a heart attack, stroke or blood clot",
            "Clinical events",
        ),
        Kind(
            "falls-assessments",
            m.FallsAssessment,
            care.FallsAssessmentForm,
            "a falls assessment",
            "Falls assessments",
            clinician_only=True,
        ),
        Kind(
            "frax",
            m.FraxResult,
            care.FraxResultForm,
            "a FRAX result",
            "FRAX results",
            clinician_only=True,
        ),
    ]
}


def addable(user) -> list[Kind]:
    """The kinds `user` may add to a record they can see: clinician-only ones for an
    approved clinician alone."""
    clinician = user.is_approved_clinician
    return [kind for kind in KINDS.values() if clinician or not kind.clinician_only]
