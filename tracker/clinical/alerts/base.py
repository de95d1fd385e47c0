"""Shared by every rule: the Alert, severities, sources and the helpers that word alerts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from tracker.clinical.dates import display_date
from tracker.clinical.history import Course, PatientHistory
from tracker.clinical.therapy import courses_by_start

Severity = Literal["info", "warn", "alert"]
# Most severe first.
SEVERITY_RANK: dict[str, int] = {"alert": 0, "warn": 1, "info": 2}


SOURCES: dict[str, str] = {
    "DMAB-DUE": "Prolia label (section 5.1)",
    "DMAB-LATE": "Lyu et al., Ann Intern Med 2020 (section 5.1)",
    "DMAB-LONG-DELAY": "Lyu et al., Ann Intern Med 2020 (section 5.1)",
    "DMAB-STOP-NO-TRANSITION": "ECTS 2021 (Tsourdi); Endocrine Society 2019 (section 5.1)",
    "ROMO-COUNT": "Evenity label (section 5.1)",
    "ROMO-DUE": "Evenity label; 7 days' notice ours (section 5.1)",
    "ROMO-COURSE-END": "Evenity label; Endocrine Society 2020 (section 5.1)",
    "ROMO-OVER-12": "Evenity label (section 5.1)",
    "ROMO-CV": "Evenity label, boxed warning (section 5.1)",
    "PTH-NEAR-LIMIT": "Forteo and Tymlos labels; threshold ours (section 5.1)",
    "PTH-OVER-LIMIT": "Forteo 2020 and Tymlos labels (section 5.1)",
    "ANABOLIC-NO-FOLLOWON": "Endocrine Society 2020; 90-day window ours (section 5.1)",
    "BP-REASSESS": "ASBMR task force 2016, Adler et al. (section 5.1)",
    "BP-LONG": "ASBMR task force 2016, Adler et al. (section 5.1)",
    "BP-HOLIDAY-REVIEW": "ASBMR task force 2016; 24/36 months ours (section 5.1)",
    "ZOL-DUE": "Reclast label; 30 days' notice ours (section 5.1)",
    "RALOX-VTE": "Evista label, boxed warning (section 5.1)",
    "DRUG-OVERLAP": "ours (section 5.1)",
    "TREATMENT-FAILURE": "IOF working group, Diez-Perez et al. 2012 (section 6)",
    "FRACTURE-ON-THERAPY": "IOF working group, Diez-Perez et al. 2012 (section 6)",
    "SEVERE-OSTEOPOROSIS": "ASBMR/BHOF 2024 (section 6)",
    "HEIGHT-LOSS": "NOF 2014; Siminoski et al. 2006 (section 7)",
    "SCAN-DUE": "BHOF/NOF; Endocrine Society; Gourlay 2012 (section 4)",
    "SCAN-OVERDUE": "BHOF/NOF; Endocrine Society; reminder levels ours (section 4)",
    "SCAN-BASELINE": "ISCD 2023 indications (section 4)",
    "SCAN-PROMPT": "ISCD indications (section 4)",
}

# The clinician's short name for each rule (issue 12): what the panel lists for a
# patient ("Denosumab injection late · Scan overdue") and the heading of the alert on
# the clinician's view of a record. One per rule id, never addressed to the patient
# (the title and explanation are the patient's: "You have lost height").
CLINICIAN_TITLES: dict[str, str] = {
    "DMAB-DUE": "Denosumab injection due",
    "DMAB-LATE": "Denosumab injection late",
    "DMAB-LONG-DELAY": "Denosumab injection very late",
    "DMAB-STOP-NO-TRANSITION": "Denosumab stopped, no transition",
    "ROMO-COUNT": "Romosozumab dose count",
    "ROMO-DUE": "Romosozumab injection due",
    "ROMO-COURSE-END": "Romosozumab ending: plan follow-on",
    "ROMO-OVER-12": "Romosozumab past 12 doses or months",
    "ROMO-CV": "Romosozumab after MI or stroke",
    "PTH-NEAR-LIMIT": "PTH analog near 2-year limit",
    "PTH-OVER-LIMIT": "PTH analog over 2 years",
    "ANABOLIC-NO-FOLLOWON": "No antiresorptive after anabolic",
    "BP-REASSESS": "Bisphosphonate reassessment due",
    "BP-LONG": "Bisphosphonate past studied length",
    "BP-HOLIDAY-REVIEW": "Bisphosphonate holiday review",
    "ZOL-DUE": "Zoledronic acid infusion due",
    "RALOX-VTE": "Raloxifene with VTE",
    "DRUG-OVERLAP": "Antiresorptives overlap",
    "TREATMENT-FAILURE": "Possible treatment failure",
    "FRACTURE-ON-THERAPY": "Fracture on therapy",
    "SEVERE-OSTEOPOROSIS": "Severe osteoporosis",
    "HEIGHT-LOSS": "Height loss",
    "SCAN-DUE": "Scan due",
    "SCAN-OVERDUE": "Scan overdue",
    "SCAN-BASELINE": "Baseline scan indicated",
    "SCAN-PROMPT": "Scan advised: new risk factor",
}


@dataclass(frozen=True, kw_only=True)
class Alert:
    rule_id: str
    severity: Severity
    title: str  # plain language, for the patient
    explanation: str  # plain language, says why
    clinician_line: str  # one short line for the clinician panel
    due_date: date  # the day it became due
    key: str  # stable: see the module docstring
    topic: str  # shared by the stages that escalate one another
    source: str

    @property
    def clinician_title(self) -> str:
        """A few words for the clinician, the same for every alert of the rule."""
        return CLINICIAN_TITLES[self.rule_id]

    @property
    def rank(self) -> int:
        """0 for the most severe; sort ascending to put the most severe first."""
        return SEVERITY_RANK[self.severity]


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK[severity]


def sort_alerts(alerts: Iterable[Alert]) -> tuple[Alert, ...]:
    """Most severe first; within a severity, the longest outstanding first."""
    return tuple(sorted(alerts, key=lambda a: (a.rank, a.due_date, a.rule_id, a.key)))


def _alert(
    rule_id: str,
    severity: Severity,
    title: str,
    explanation: str,
    clinician_line: str,
    due_date: date,
    about: str,
    topic: str | None = None,
) -> Alert:
    key = f"{rule_id}:{about}"
    return Alert(
        rule_id=rule_id,
        severity=severity,
        title=title,
        explanation=explanation,
        clinician_line=clinician_line,
        due_date=due_date,
        key=key,
        topic=topic or key,
        source=SOURCES[rule_id],
    )


def _d(day: date) -> str:
    """Dates in alert texts read as on the pages: "5 Jul 2026"."""
    return display_date(day)


def _key_day(day: date) -> str:
    """Dates in alert keys and topics stay ISO: stored reminder states refer to them."""
    return day.isoformat()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _courses_of(history: PatientHistory, *codes: str) -> list[Course]:
    return [c for c in courses_by_start(history) if c.drug in codes]
