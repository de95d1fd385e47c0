"""Sections 4, 5.1, 6 and 7: the warnings, each under its stable rule id.

Severity (section 5.1): "info" is for the patient, "warn" for patient and
clinician, "alert" must be acknowledged by the clinician.

One module per concern: `base` (Alert, severities, SOURCES, sorting),
`denosumab`, `romosozumab`, `pth` (PTH analogs and ANABOLIC-NO-FOLLOWON),
`bisphosphonates`, `scans` (SCAN-*) and `safety` (RALOX-VTE, DRUG-OVERLAP,
TREATMENT-FAILURE, FRACTURE-ON-THERAPY, SEVERE-OSTEOPOROSIS, HEIGHT-LOSS).
This package re-exports every public name, so `tracker.clinical.alerts.NAME`
works for every constant and function.

Keys and topics (what the reminders layer stores):

- `key` = rule id + ":" + what the alert is about, e.g. "DMAB-LATE:course-12:dose-45".
  It names the facts that triggered the alert (the dose, the course, the
  fracture, the scan), so an acknowledgement sticks while those facts stand
  and a new situation (a new dose, a new fracture, a new scan) gets a new key.
  Courses without recorded doses use "start" in place of the dose
  ("DMAB-DUE:course-12:start").
- `topic` groups the stages of one situation that escalate one another, e.g.
  DMAB-DUE -> DMAB-LATE -> DMAB-LONG-DELAY for the same last dose all have
  topic "dmab:course-12:dose-45". The engine emits only the current stage of a
  topic; when a later stage appears, the reminders layer may close the earlier
  one's state and must deliver the new one even if the earlier was acknowledged.
  An alert that escalates nothing has its key as its topic.

Topics in use: "dmab:course-<id>:dose-<id>" (DMAB-DUE -> DMAB-LATE ->
DMAB-LONG-DELAY), "pth:lifetime" (PTH-NEAR-LIMIT -> PTH-OVER-LIMIT),
"bp:course-<id>" (BP-REASSESS -> BP-LONG), "bp-holiday:course-<id>"
(BP-HOLIDAY-REVIEW 24 months -> 36 months or a resume trigger),
"therapy:since-<date>" (FRACTURE-ON-THERAPY -> TREATMENT-FAILURE) and
"scan:after-scan-<id>" (SCAN-DUE upcoming -> due -> SCAN-OVERDUE).
ROMO-DUE and ZOL-DUE escalate nothing: like DMAB-DUE they are about the course
and its last dose ("ROMO-DUE:course-<id>:dose-<id>"), and the key is the topic.

`due_date` is the day the alert's situation began: the dose or scan due date
for DMAB-DUE, ROMO-DUE, ZOL-DUE and SCAN-DUE, the first day past the limit for the
"late"/"over" rules, the event's date for fractures, clots and the like.

SCAN-PROMPT (a new fragility fracture or glucocorticoids since the last scan:
"talk to your clinician about a scan now") is our id for section 4's prompt row.
"""

from __future__ import annotations

from datetime import date

from tracker.clinical.alerts.base import (
    CLINICIAN_TITLES,
    SEVERITY_RANK,
    SOURCES,
    Alert,
    Severity,
    severity_rank,
    sort_alerts,
)
from tracker.clinical.alerts.bisphosphonates import (
    BP_HOLIDAY_REVIEW_INFO_MONTHS,
    BP_HOLIDAY_REVIEW_WARN_MONTHS,
    IV_BP_LONG_YEARS,
    IV_BP_REASSESS_YEARS,
    IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS,
    ORAL_BP_LONG_DAYS,
    ORAL_BP_LONG_YEARS,
    ORAL_BP_REASSESS_DAYS,
    ORAL_BP_REASSESS_YEARS,
    ZOL_DUE_SHOWN_DAYS_BEFORE,
    ZOL_INTERVAL_MONTHS,
    BpExposure,
    bisphosphonate_alerts,
    bisphosphonate_edges,
    bp_exposure,
    bp_reassess_due,
    bp_used_edge,
    infusion_share,
)
from tracker.clinical.alerts.denosumab import (
    DMAB_DUE_DAYS,
    DMAB_DUE_SHOWN_DAYS_BEFORE,
    DMAB_LATE_AFTER_DAYS,
    DMAB_LONG_DELAY_AFTER_DAYS,
    DMAB_TRANSITION_BY_DAYS,
    DMAB_TRANSITION_NEEDS_BISPHOSPHONATE,
    denosumab_alerts,
    denosumab_edges,
)
from tracker.clinical.alerts.pth import (
    ANABOLIC_FOLLOWON_WINDOW_DAYS,
    PTH_LIFETIME_LIMIT_DAYS,
    PTH_NEAR_LIMIT_DAYS,
    anabolic_followon_alerts,
    anabolic_followon_edges,
    pth_alerts,
    pth_days_edges,
    pth_edges,
)
from tracker.clinical.alerts.romosozumab import (
    ROMO_COURSE_END_FROM_DOSE,
    ROMO_CV_EVENT_KINDS,
    ROMO_CV_LOOKBACK_DAYS,
    ROMO_DUE_INTERVAL_MONTHS,
    ROMO_DUE_SHOWN_DAYS_BEFORE,
    ROMO_MAX_COURSE_MONTHS,
    ROMO_MAX_DOSES,
    romo_doses,
    romosozumab_alerts,
    romosozumab_edges,
)
from tracker.clinical.alerts.safety import (
    HEIGHT_LOSS_FROM_TALLEST_CM,
    HEIGHT_LOSS_MEASURED_CM,
    OVERLAP_ANTIRESORPTIVE_CLASSES,
    TREATMENT_FAILURE_BMD_SITES,
    TREATMENT_FAILURE_MIN_FRACTURES,
    TREATMENT_FAILURE_MIN_MONTHS,
    height_alerts,
    overlap_alerts,
    raloxifene_alerts,
    severe_osteoporosis_alerts,
    treatment_alerts,
    treatment_edges,
)
from tracker.clinical.alerts.scans import scan_alerts, scan_edges
from tracker.clinical.change import ChangeRow
from tracker.clinical.classify import SEVERE_OSTEOPOROSIS, Classification
from tracker.clinical.history import CLASSIFYING_SITES, PatientHistory
from tracker.clinical.schedule import NextScan

# Everything `tracker.clinical.alerts.NAME` offers: other code and the rule book read these.
__all__ = [
    "ANABOLIC_FOLLOWON_WINDOW_DAYS",
    "Alert",
    "BP_HOLIDAY_REVIEW_INFO_MONTHS",
    "BP_HOLIDAY_REVIEW_WARN_MONTHS",
    "BpExposure",
    "CLASSIFYING_SITES",
    "CLINICIAN_TITLES",
    "DMAB_DUE_DAYS",
    "DMAB_DUE_SHOWN_DAYS_BEFORE",
    "DMAB_LATE_AFTER_DAYS",
    "DMAB_LONG_DELAY_AFTER_DAYS",
    "DMAB_TRANSITION_BY_DAYS",
    "DMAB_TRANSITION_NEEDS_BISPHOSPHONATE",
    "HEIGHT_LOSS_FROM_TALLEST_CM",
    "HEIGHT_LOSS_MEASURED_CM",
    "IV_BP_LONG_YEARS",
    "IV_BP_REASSESS_YEARS",
    "IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS",
    "ORAL_BP_LONG_DAYS",
    "ORAL_BP_LONG_YEARS",
    "OVERLAP_ANTIRESORPTIVE_CLASSES",
    "ORAL_BP_REASSESS_DAYS",
    "ORAL_BP_REASSESS_YEARS",
    "PTH_LIFETIME_LIMIT_DAYS",
    "PTH_NEAR_LIMIT_DAYS",
    "ROMO_COURSE_END_FROM_DOSE",
    "ROMO_CV_EVENT_KINDS",
    "ROMO_CV_LOOKBACK_DAYS",
    "ROMO_DUE_INTERVAL_MONTHS",
    "ROMO_DUE_SHOWN_DAYS_BEFORE",
    "ROMO_MAX_COURSE_MONTHS",
    "ROMO_MAX_DOSES",
    "SEVERE_OSTEOPOROSIS",
    "SEVERITY_RANK",
    "SOURCES",
    "Severity",
    "TREATMENT_FAILURE_BMD_SITES",
    "TREATMENT_FAILURE_MIN_FRACTURES",
    "TREATMENT_FAILURE_MIN_MONTHS",
    "ZOL_DUE_SHOWN_DAYS_BEFORE",
    "ZOL_INTERVAL_MONTHS",
    "WITHOUT_EDGES",
    "alert_edges",
    "all_alerts",
    "anabolic_followon_alerts",
    "anabolic_followon_edges",
    "bisphosphonate_alerts",
    "bisphosphonate_edges",
    "bp_exposure",
    "bp_reassess_due",
    "bp_used_edge",
    "infusion_share",
    "denosumab_alerts",
    "denosumab_edges",
    "height_alerts",
    "overlap_alerts",
    "pth_alerts",
    "pth_days_edges",
    "pth_edges",
    "raloxifene_alerts",
    "romo_doses",
    "romosozumab_alerts",
    "romosozumab_edges",
    "scan_alerts",
    "scan_edges",
    "severe_osteoporosis_alerts",
    "severity_rank",
    "sort_alerts",
    "treatment_alerts",
    "treatment_edges",
]

# Each rule that reads `today` says, next to itself, on which days its answer may
# change (`denosumab_alerts` and `denosumab_edges`, ...): `alert_edges` below
# gathers them for tracker.clinical.horizon. These rules read no date but the
# record's own (entries coming into view, courses ending: therapy.record_edges),
# so they have no edges of their own. A new rule needs one or the other (a test).
WITHOUT_EDGES: tuple[str, ...] = (
    "raloxifene_alerts",
    "overlap_alerts",
    "severe_osteoporosis_alerts",
    "height_alerts",
)


def all_alerts(
    history: PatientHistory,
    today: date,
    rows: tuple[ChangeRow, ...],
    latest: Classification,
    scan: NextScan,
) -> tuple[Alert, ...]:
    """Every rule for one patient, most severe first. `history` must be as of `today`."""
    found: list[Alert] = []
    found += denosumab_alerts(history, today)
    found += romosozumab_alerts(history, today)
    found += pth_alerts(history, today)
    found += anabolic_followon_alerts(history, today)
    found += bisphosphonate_alerts(history, today, rows)
    found += raloxifene_alerts(history, today)
    found += overlap_alerts(history, today)
    found += treatment_alerts(history, today, rows)
    found += severe_osteoporosis_alerts(history, latest)
    found += height_alerts(history)
    found += scan_alerts(scan)
    return sort_alerts(found)


def alert_edges(history: PatientHistory, today: date, scan: NextScan) -> list[date]:
    """Every rule's edges (some may be on or before today: callers keep the later ones).
    `history` must be as of `today` and `scan` its next scan, as for `all_alerts`."""
    return [
        *denosumab_edges(history, today),
        *romosozumab_edges(history, today),
        *pth_edges(history, today),
        *anabolic_followon_edges(history, today),
        *bisphosphonate_edges(history, today),
        *treatment_edges(history, today),
        *scan_edges(history, today, scan),
    ]
