"""One line of the clinician panel, formatted once here (dates, the T-score, the open
items) and written as its table row here too (`PanelRow.html`); and the same lines as
CSV cells for the panel's export.

Why the row's markup is here and not in the template (issue 13): the template engine
resolves each variable and tag one by one, about 20 per row, and 25 rows of that cost
more than everything else on the page together (the session, the user, the query, the
audit); format_html, with its checks for lazy text on every value, costs nearly as
much. An f-string with every value escaped builds the same row in a tenth of that.
"""

import datetime as dt
import html
from dataclasses import dataclass

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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
    # What a row shows, read through the clinician's panel entry (PanelEntry), with its
    # patient_id: the patient's account and profile, and their summary.
    COLUMNS = {
        "name": F("patient__user__full_name"),
        "birth_date": F("patient__birth_date"),
        "record_created": F("patient__created_at"),
        **{
            name: F(f"patient__summary__{name}")
            for name in (
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
        },
    }

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
        """`row` holds COLUMNS and the patient_id (a .values() row)."""
        return cls(
            pk=row["patient_id"],
            name=row["name"],
            url=f"{url_prefix}{row['patient_id']}/",
            age=age_on(row["birth_date"], today),
            last_scan=_day(row["last_scan_date"]),
            lowest_t="" if row["lowest_t_score"] is None else f"{row['lowest_t_score']} · ",
            category=row["category_label"],
            drug=row["current_drug"] or "—",
            next_due=_due(row["next_due_date"], row["record_created"]),
            next_due_what=row["next_due_what"] if row["next_due_date"] else "",
            overdue=row["overdue"],
            alerts=row["alert_count"],
            warnings=row["warn_count"],
            open_items=open_items(row["open_items"]),
        )

    def html(self) -> SafeString:
        """The row of the panel's table (templates/dashboard/panel.html): every value
        escaped (`_e`), like the template engine would, and the markup written once.
        The cells carry a label for the stacked layout on a phone (css: .stack-sm);
        colour is never the only sign: each badge says its count and kind, each item
        its level to screen readers."""
        overdue = ' <span class="badge text-bg-warning">overdue</span>' if self.overdue else ""
        return mark_safe(
            f'<tr data-patient="{self.pk}"><th scope="row"><a href="{_e(self.url)}">'
            f"{_e(self.name)}</a></th>"
            f'<td data-label="Open items" class="open-items">{self._counts()}{self._items()}</td>'
            f'<td data-label="Lowest T · category">{_e(self.lowest_t)}{_e(self.category)}</td>'
            f'<td data-label="Next due">{_e(self.next_due)} <span class="small '
            f'text-body-secondary">{_e(self.next_due_what)}</span>{overdue}</td>'
            f'<td data-label="Current drug">{_e(self.drug)}</td>'
            f'<td data-label="Last scan">{_e(self.last_scan)}</td>'
            f'<td data-label="Age">{self.age}</td></tr>'
        )

    @staticmethod
    def table(rows: list["PanelRow"]) -> SafeString:
        """The rows of the table, written once: not through a template loop's lookups."""
        return mark_safe("\n".join(row.html() for row in rows))

    def _counts(self) -> str:
        badges = [
            f'<span class="badge text-bg-{style}">{count} {noun}{"" if count == 1 else "s"}</span>'
            for count, style, noun in (
                (self.alerts, "danger", "alert"),
                (self.warnings, "warning", "warning"),
            )
            if count
        ]
        return " ".join(badges) or "—"

    def _items(self) -> str:
        if not self.open_items:
            return ""
        items = [
            f'<li class="item-{_e(item.severity)}" data-rule="{_e(item.rule_id)}">'
            + (f"<strong>{_e(item.title)}</strong>" if item.severity == "alert" else _e(item.title))
            + f'<span class="visually-hidden"> ({_e(item.label)})</span>'
            for item in self.open_items
        ]
        separator = '<span aria-hidden="true"> · </span></li>'
        return f'<ul class="list-unstyled mb-0 mt-1">{separator.join(items)}</li></ul>'


def _e(text: str) -> str:
    """HTML-escaped as Django's templates escape (django.utils.html.escape is this,
    with a check for lazy text that costs more than the escaping: none comes here)."""
    return html.escape(text, quote=True)


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
        escape(row["name"]),
        age_on(row["birth_date"], today),
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
