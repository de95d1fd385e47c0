"""One line of the clinician panel, formatted once here (dates, the T-score) so
that the template, which shows 25 of them, does no formatting of its own."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from tracker.clinical.dates import age_on


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


def _due(day: dt.date | None, record_created: dt.datetime) -> str:
    # A date before the record existed is "now" (issue 9): a baseline scan due
    # since the patient turned 65 is due now, not in 2018.
    if day is not None and day < timezone.localdate(record_created):
        return "now"
    return _day(day)


@dataclass(frozen=True)
class PanelRow:
    COLUMNS = (
        "patient_id",
        "patient__user__full_name",
        "patient__birth_date",
        "patient__created_at",
        "last_scan_date",
        "lowest_t_score",
        "category_label",
        "current_drug",
        "next_due_date",
        "next_due_what",
        "overdue",
        "alert_count",
        "warn_count",
    )

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
    def of(cls, row: dict, today: dt.date, url_prefix: str) -> "PanelRow":
        """`row` holds COLUMNS of one PatientSummary (a .values() row)."""
        return cls(
            pk=row["patient_id"],
            name=row["patient__user__full_name"],
            url=f"{url_prefix}{row['patient_id']}/",
            age=age_on(row["patient__birth_date"], today),
            last_scan=_day(row["last_scan_date"]),
            lowest_t="" if row["lowest_t_score"] is None else f"{row['lowest_t_score']} · ",
            category=row["category_label"],
            drug=row["current_drug"] or "—",
            next_due=_due(row["next_due_date"], row["patient__created_at"]),
            next_due_what=row["next_due_what"] if row["next_due_date"] else "",
            overdue=row["overdue"],
            alerts=row["alert_count"],
            warnings=row["warn_count"],
        )


def panel_url_prefix() -> str:
    """/patients/: a patient's page is this prefix, the id and a slash (see urls.py)."""
    return reverse("dashboard:panel")
