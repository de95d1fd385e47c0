"""The CSV format of a record: one file per record kind, in a zip (issue 10, item 8).

Every file has a header row; units are in the column names (`bmd_g_cm2`, `height_cm`);
dates are ISO (2024-03-01); yes/no columns read `true` or `false`; an empty cell is
"not recorded". `entered_by` and `entered_via` say who entered a row and how; they are
for reading and are ignored on import (an imported row is entered by the importer,
via "csv"). A text cell that starts with = + - @ (or a tab, a carriage return or a
single quote) gets a single quote in front, so no spreadsheet runs it as a formula;
import takes that quote off again. Number columns are never escaped: -2.5 stays a number.

`scans.csv` has one row per site result, the scan's own columns repeated on each row.
"""

from dataclasses import dataclass

from tracker.records import lifestyle
from tracker.records import models as m

PROVENANCE = ("entered_by", "entered_via")
PROFILE = "profile.csv"  # for reading; an import leaves the profile as it is
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the model's (and the form's) field name
    type: str = "text"  # text, number, date, bool or choice


def _c(header: str, field: str | None = None, type: str = "text") -> Column:  # noqa: A002
    return Column(header, field or header, type)


SCAN_COLUMNS = [
    _c("date", type="date"),
    _c("facility"),
    _c("scanner_make", "manufacturer", "choice"),
    _c("scanner_model", "model"),
    _c("vertebral_fracture_found", type="bool"),
    _c("scan_notes", "notes"),
]
SITE_COLUMNS = [
    _c("site", type="choice"),
    _c("side", type="choice"),
    _c("bmd_g_cm2", "bmd", "number"),
    _c("t_score", type="number"),
    _c("z_score", type="number"),
    _c("vertebrae", type="choice"),
    _c("facility_lsc_g_cm2", "facility_lsc_g", "number"),
    _c("facility_lsc_pct", type="number"),
]


@dataclass(frozen=True)
class CsvKind:
    """One file of the zip: which model it holds and its columns, in order."""

    filename: str
    model: type
    columns: list[Column]
    importable: bool = True

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns] + list(PROVENANCE)


FILES: dict[str, CsvKind] = {
    kind.filename: kind
    for kind in [
        CsvKind("scans.csv", m.Scan, SCAN_COLUMNS + SITE_COLUMNS),
        CsvKind(
            "medications.csv",
            m.MedicationCourse,
            [
                _c("drug", type="choice"),
                _c("start_date", "start", "date"),
                _c("end_date", "end", "date"),
                _c("stop_reason", type="choice"),
                _c("intended_overlap", type="bool"),
                _c("notes"),
            ],
        ),
        CsvKind(
            "doses.csv",
            m.Dose,
            [
                _c("drug", "course.drug", "choice"),
                _c("course_start_date", "course.start", "date"),
                _c("date", type="date"),
                _c("notes"),
            ],
        ),
        CsvKind(
            "exercise.csv",
            m.ExerciseSession,
            [
                _c("date", type="date"),
                _c("kind", type="choice"),
                _c("minutes", type="number"),
                _c("effort_1_10", "effort", "number"),
                _c("note"),
            ],
        ),
        CsvKind(
            "fractures.csv",
            m.Fracture,
            [
                _c("date", type="date"),
                _c("site", type="choice"),
                _c("fragility", type="bool"),
                _c("notes"),
            ],
        ),
        CsvKind(
            "falls.csv",
            m.Fall,
            [_c("date", type="date"), _c("injured", type="bool"), _c("notes")],
        ),
        CsvKind(
            "heights.csv",
            m.HeightMeasurement,
            [
                _c("date", type="date"),
                _c("height_cm", "cm", "number"),
                _c("measured_by_clinician", "measured", "bool"),
            ],
        ),
        CsvKind(
            "labs.csv",
            m.LabResult,
            [
                _c("date", type="date"),
                _c("ctx_ng_ml", "ctx", "number"),
                _c("p1np_ug_l", "p1np", "number"),
                _c("vitamin_d_ng_ml", "vitamin_d", "number"),
                _c("calcium_mg_dl", "calcium", "number"),
                _c("egfr_ml_min_1_73m2", "egfr", "number"),
                _c("fasting_morning", type="bool"),
            ],
        ),
        CsvKind(
            "events.csv",
            m.ClinicalEvent,
            [_c("date", type="date"), _c("kind", type="choice"), _c("notes")],
        ),
        CsvKind(
            "falls_assessments.csv",
            m.FallsAssessment,
            [
                _c("date", type="date"),
                _c("assessed_by"),
                _c("outcome"),
                _c("notes"),
            ],
        ),
        CsvKind(
            "frax_results.csv",
            m.FraxResult,
            [
                _c("date", type="date"),
                _c("major_osteoporotic_10y_pct", "major", "number"),
                _c("hip_10y_pct", "hip", "number"),
                _c("bmd_used", type="choice"),
                _c("country_or_model", "model_note"),
            ],
        ),
        CsvKind(
            "calcium_vitamin_d.csv",
            lifestyle.IntakeEntry,
            [
                _c("date", type="date"),
                _c("food", type="choice"),
                _c("portions", type="number"),
                _c("calcium_mg_per_portion", "calcium_mg", "number"),
                _c("vitamin_d_iu_per_portion", "vitamin_d_iu", "number"),
            ],
        ),
        CsvKind(
            "falls_checklist.csv",
            lifestyle.HomeSafetyCheck,
            [
                _c("item", type="choice"),
                _c("ticked_on", "date", "date"),
                _c("unticked_on", "unticked", "date"),
            ],
        ),
        CsvKind(
            "clinical_settings.csv",
            m.ClinicalSettings,
            [
                _c("scan_interval_months", type="number"),
                _c("scan_interval_reason"),
                _c("target_t_score", type="number"),
                _c("lsc_lumbar_spine_pct", type="number"),
                _c("lsc_total_hip_pct", type="number"),
                _c("lsc_femoral_neck_pct", type="number"),
                _c("lsc_radius_33_pct", type="number"),
            ],
        ),
    ]
}

# Models of the records app that hold no data of their own to move: each with why.
NOT_EXPORTED = {
    m.SiteResult: "in scans.csv, one row per site",
    m.Submission: "one-time form tokens, not part of the record",
    m.PatientSummary: "worked out again from the record",
    m.PanelEntry: "each clinician's panel, written again from the summary and care links",
    m.PanelWord: "the words of the panel's search, written again with the panel entries",
    m.AlertState: "what someone did with an alert of the moment; alerts are worked out "
    "again from the record, so the states do not move to another record",
}


def escape(text: str) -> str:
    """A text cell as written: a leading quote stops a spreadsheet running it."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape(text: str) -> str:
    return text[1:] if text.startswith("'") else text
