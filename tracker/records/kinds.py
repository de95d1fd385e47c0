"""The kinds of entry a record holds, for the generic add/view/edit/delete pages and the history."""

from dataclasses import dataclass

from django.db import models

from tracker.records import forms
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
    ]
}
