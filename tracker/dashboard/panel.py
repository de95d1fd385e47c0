"""One line of the clinician panel, formatted once here (dates, the T-score) so
that the template, which shows 25 of them, does no formatting of its own."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from tracker.dashboard.models import PatientSummary


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


@dataclass(frozen=True)
class PanelRow:
    pk: int
    name: str
    url: str
    age: int
    last_scan: str
    lowest_t: str
    category: str
    drug: str
    next_due: str
    next_due_what: str
    overdue: bool
    alerts: int
    warnings: int

    @classmethod
    def of(cls, s: PatientSummary, today: dt.date, url_prefix: str) -> "PanelRow":
        return cls(
            pk=s.patient_id,
            name=s.patient.user.full_name,
            url=f"{url_prefix}{s.patient_id}/",
            age=s.patient.age_on(today),
            last_scan=_day(s.last_scan_date),
            lowest_t="" if s.lowest_t_score is None else f"{s.lowest_t_score} · ",
            category=s.category_label,
            drug=s.current_drug or "—",
            next_due=_day(s.next_due_date),
            next_due_what=s.next_due_what if s.next_due_date else "",
            overdue=s.overdue,
            alerts=s.alert_count,
            warnings=s.warn_count,
        )


def panel_url_prefix() -> str:
    """/patients/: a patient's page is this prefix, the id and a slash (see urls.py)."""
    return reverse("dashboard:panel")
