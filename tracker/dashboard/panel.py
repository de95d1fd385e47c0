"""One line of the clinician panel, formatted once here (dates, the T-score, the open
items) so that the template, which shows 25 of them, does no formatting of its own;
and the same lines as CSV cells for the panel's export."""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from tracker.clinical.dates import age_on
from tracker.interop.csv_format import escape

# Section 5.1: info items are the patient's; the clinician sees warn and alert items,
# on the panel as on their view of a record (records.summary.open_alerts).
CLINICIAN_SEVERITIES = ("alert", "warn")
SEVERITY_LABELS = {"alert": "Alert", "warn": "Warning"}
ITEM_SEPARATOR = " · "


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


def _due(day: dt.date | None, record_created: dt.datetime) -> str:
    # A date before the record existed is "now" (issue 9): a baseline scan due
    # since the patient turned 65 is due now, not in 2018.
    if day is not None and day < timezone.localdate(record_created):
        return "now"
    return _day(day)


@dataclass(frozen=True)
class OpenItem:
    severity: str
    label: str  # "Alert" or "Warning": not by colour alone
    title: str  # the clinician's short title of the rule
    rule_id: str


def open_items(stored: list[dict]) -> tuple[OpenItem, ...]:
    """The summary's open items a clinician sees, most severe first (as stored)."""
    return tuple(
        OpenItem(
            severity=item["severity"],
            label=SEVERITY_LABELS[item["severity"]],
            title=item["title"],
            rule_id=item["rule_id"],
        )
        for item in stored
        if item["severity"] in CLINICIAN_SEVERITIES
    )


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
        "open_items",
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
    open_items: tuple[OpenItem, ...]

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
            open_items=open_items(row["open_items"]),
        )


# The panel's CSV (issue 12): the conventions of the record's CSV (interop.csv_format):
# ISO dates, numbers as numbers, true/false, and every text cell escaped so that no
# spreadsheet runs it as a formula.
CSV_HEADERS = (
    "patient_id",
    "name",
    "age",
    "last_scan_date",
    "lowest_t_score",
    "category",
    "current_drug",
    "next_due_date",
    "next_due_what",
    "overdue",
    "alerts",
    "warnings",
    "open_items",
    "open_rule_ids",
)


def csv_cells(row: dict, today: dt.date) -> list:
    """One patient's line of the CSV from the same COLUMNS as the panel's row."""
    items = open_items(row["open_items"])
    return [
        row["patient_id"],
        escape(row["patient__user__full_name"]),
        age_on(row["patient__birth_date"], today),
        row["last_scan_date"] or "",
        "" if row["lowest_t_score"] is None else row["lowest_t_score"],
        escape(row["category_label"]),
        escape(row["current_drug"]),
        row["next_due_date"] or "",
        escape(row["next_due_what"] if row["next_due_date"] else ""),
        "true" if row["overdue"] else "false",
        row["alert_count"],
        row["warn_count"],
        escape(ITEM_SEPARATOR.join(item.title for item in items)),
        escape(" ".join(item.rule_id for item in items)),
    ]


def panel_url_prefix() -> str:
    """/patients/: a patient's page is this prefix, the id and a slash (see urls.py)."""
    return reverse("dashboard:panel")
