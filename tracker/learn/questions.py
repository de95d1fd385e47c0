"""Questions for my next visit (issue 11, item 3): the engine's open items, the latest
change and the next scan, put as plain questions a patient can take to the clinic.

`build` only words what the engine found (no rule of its own); `for_visit` gathers
what it needs for one viewer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache

from tracker.clinical.alerts.base import Alert
from tracker.clinical.assess import Assessment, assess
from tracker.clinical.drugs import CATALOGUE
from tracker.clinical.version import RULES_VERSION
from tracker.learn import topics
from tracker.records.history import load_history
from tracker.records.summary import open_alerts

SITE_WORDS = {
    "lumbar_spine": "spine",
    "total_hip": "whole hip",
    "femoral_neck": "hip (neck of the thigh bone)",
    "radius_33": "forearm",
}
HOLIDAY_RULES = ("BP-REASSESS", "BP-LONG")
DENOSUMAB_DOSE_RULES = ("DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY")
FOLLOW_ON_RULES = ("ROMO-COURSE-END", "ANABOLIC-NO-FOLLOWON", "DMAB-STOP-NO-TRANSITION")
# The next-scan question covers these.
SCAN_RULES = ("SCAN-DUE", "SCAN-OVERDUE", "SCAN-BASELINE")


@dataclass(frozen=True)
class Question:
    text: str
    url: str


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _bisphosphonate(assessment: Assessment):
    for drug in assessment.current_drugs:
        if CATALOGUE[drug.drug].is_bisphosphonate:
            return drug
    return None


def _alert_question(alert: Alert, assessment: Assessment) -> str | None:
    rule = alert.rule_id
    if rule in SCAN_RULES:
        return None
    if rule in HOLIDAY_RULES:
        drug = _bisphosphonate(assessment)
        if drug is None:
            return "Ask whether to continue your bisphosphonate or take a break."
        name, years = drug.name.lower(), int(drug.days_on / 365.25)
        taken = f" (you have taken it for {years} years)" if years >= 1 else ""
        return f"Ask whether to continue {name} or take a break{taken}."
    if rule == "BP-HOLIDAY-REVIEW":
        return "Ask whether your drug holiday should go on, or whether to start again."
    if rule in DENOSUMAB_DOSE_RULES:
        due = [d.due_date for d in assessment.next_doses if d.drug == "denosumab"]
        when = f": it was due on {_day(due[0])}" if due else ""
        return f"Ask when your next denosumab injection can be booked{when}."
    if rule in FOLLOW_ON_RULES:
        return "Ask which drug should follow, so that you keep the bone you gained."
    return alert.title.rstrip(".") + "."


def _change_question(assessment: Assessment) -> str | None:
    """The latest scan's real changes against the scan before it."""
    rows = [row for row in assessment.change_rows if row.vs_previous is not None]
    if not rows:
        return None
    latest = max(row.scan_date for row in rows)
    changes = []
    for row in rows:
        change = row.vs_previous
        if row.scan_date != latest or not change.significant or row.site not in SITE_WORDS:
            continue
        side = f" {row.side}" if row.side in ("left", "right") else ""
        way = "went down" if change.direction == "decrease" else "went up"
        changes.append(
            f"your{side} {SITE_WORDS[row.site]} bone density {way} by {abs(change.pct)} %"
        )
    if not changes:
        return "Ask what your latest scan means: no change was bigger than the margin of error."
    return f"Ask what your latest scan means: {'; '.join(changes)}, more than the margin of error."


def _scan_question(assessment: Assessment) -> str | None:
    next_scan = assessment.next_scan
    if next_scan.rule_id == "SCAN-BASELINE":
        return "Ask whether you need a first bone density scan."
    if next_scan.due_date is None:
        return None
    due = _day(next_scan.due_date)
    if next_scan.due_date < assessment.today:
        return f"Your next bone density scan was due on {due}: ask to book it."
    return f"Your next bone density scan is due on {due}: ask whether to book it."


def build(assessment: Assessment, alerts: list[Alert]) -> list[Question]:
    """The questions, most urgent first: the open items in the engine's order, then
    the latest change, then the next scan. The same question is asked once."""
    found: list[Question] = []
    for alert in alerts:
        text = _alert_question(alert, assessment)
        if text and text not in [q.text for q in found]:
            found.append(Question(text, topics.rule_url(alert.rule_id)))
    if text := _change_question(assessment):
        found.append(Question(text, topics.part_url("change-table")))
    if text := _scan_question(assessment):
        found.append(Question(text, topics.part_url("next-scan")))
    return found


VISIT_CACHE_SECONDS = 24 * 60 * 60


def cache_key(patient_id: int, record_version: int, today: dt.date) -> str:
    return f"visit-questions:{patient_id}:{record_version}:{today.isoformat()}:{RULES_VERSION}"


def _assessment(patient, today: dt.date) -> Assessment:
    """The engine's view of the record, cached by the record's version, the date and
    the rules (what it depends on; issue 13 item 7: a rule change is a new key), so a
    repeat view or the print view does not load it again."""
    summary = getattr(patient, "summary", None)
    version = summary.record_version if summary is not None else 0
    key = cache_key(patient.pk, version, today)
    assessment = cache.get(key)
    if assessment is None:
        assessment = assess(load_history(patient), today)
        cache.set(key, assessment, VISIT_CACHE_SECONDS)
    return assessment


def for_visit(
    request, patient, today: dt.date, alerts: list[Alert] | None = None
) -> list[Question]:
    """The viewer's questions; `alerts` are the viewer's open alerts when the caller
    has them already."""
    assessment = _assessment(patient, today)
    if alerts is None:
        alerts = open_alerts(
            patient, assessment.alerts, today, for_clinician=request.user.is_clinician
        )
    return build(assessment, alerts)
