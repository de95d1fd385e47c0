"""One line per patient for the clinician panel (issue 5): what to sort and filter on.

Pure: built from an Assessment and the alerts still open for that patient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.clinical.alerts import Alert, sort_alerts
from tracker.clinical.assess import Assessment

# Rule ids that make the "late denosumab" filter of the clinician panel.
LATE_DENOSUMAB_RULES = ("DMAB-LATE", "DMAB-LONG-DELAY", "DMAB-STOP-NO-TRANSITION")
SCAN_OVERDUE_RULES = ("SCAN-OVERDUE",)


@dataclass(frozen=True, kw_only=True)
class OpenItem:
    """One open item as the panel lists it (issue 12): which rule, how severe, and
    the clinician's short title, so the panel names items without assessing anyone."""

    rule_id: str
    severity: str
    title: str


@dataclass(frozen=True, kw_only=True)
class Summary:
    last_scan_date: date | None
    lowest_t_score: Decimal | None
    category: str
    category_label: str
    current_drug: str
    on_anabolic: bool
    next_due_date: date | None
    next_due_what: str
    alert_count: int
    warn_count: int
    info_count: int
    # "Overdue": a scan past its overdue date or an injection later than it should be.
    overdue: bool
    overdue_scan: bool
    late_denosumab: bool
    # The open items, one per rule, most severe first, then as the engine orders a
    # level (the longest outstanding first, then rule id and key): a stable order.
    open_items: tuple[OpenItem, ...]


def summarize(assessment: Assessment, open_alerts: Iterable[Alert]) -> Summary:
    alerts = sort_alerts(open_alerts)
    rules = {alert.rule_id for alert in alerts}
    latest = assessment.latest_scan
    dues = []
    if assessment.next_scan.due_date is not None:
        dues.append((assessment.next_scan.due_date, "DXA scan"))
    dues += [(dose.due_date, f"{dose.drug_name} dose") for dose in assessment.next_doses]
    next_due = min(dues) if dues else (None, "")
    late_denosumab = bool(rules & set(LATE_DENOSUMAB_RULES))
    overdue_scan = bool(rules & set(SCAN_OVERDUE_RULES))
    return Summary(
        last_scan_date=latest.scan_date,
        lowest_t_score=latest.score if latest.mode == "who" else None,
        category=latest.category,
        category_label=latest.label,
        current_drug=", ".join(drug.name for drug in assessment.current_drugs),
        on_anabolic=any(
            drug.drug_class in ("anabolic", "dual") for drug in assessment.current_drugs
        ),
        next_due_date=next_due[0],
        next_due_what=next_due[1],
        alert_count=sum(alert.severity == "alert" for alert in alerts),
        warn_count=sum(alert.severity == "warn" for alert in alerts),
        info_count=sum(alert.severity == "info" for alert in alerts),
        overdue=overdue_scan or late_denosumab,
        overdue_scan=overdue_scan,
        late_denosumab=late_denosumab,
        open_items=_one_per_rule(alerts),
    )


def _one_per_rule(alerts: tuple[Alert, ...]) -> tuple[OpenItem, ...]:
    """A rule named once even when two of its alerts are open (HEIGHT-LOSS from the
    tallest recalled height and between measurements), at its most severe."""
    items: dict[str, OpenItem] = {}
    for alert in alerts:
        items.setdefault(
            alert.rule_id,
            OpenItem(rule_id=alert.rule_id, severity=alert.severity, title=alert.clinician_title),
        )
    return tuple(items.values())
