"""Section 4 as alerts: SCAN-DUE, SCAN-OVERDUE, SCAN-BASELINE and SCAN-PROMPT.

The schedule (tracker.clinical.schedule) decides the due date and level; this
module only words the reminder.
"""

from __future__ import annotations

from datetime import date

from tracker.clinical.alerts.base import (
    Alert,
    _alert,
    _d,
    _key_day,
    _sentence,
)
from tracker.clinical.history import PatientHistory
from tracker.clinical.schedule import NextScan, next_scan_edges


def scan_edges(history: PatientHistory, today: date, scan: NextScan) -> list[date]:
    """The schedule's dates (upcoming, due, overdue; or, with no scan, the birthdays
    that bring an indication): `schedule.next_scan_edges`."""
    return next_scan_edges(history, today, scan)


def scan_alerts(scan: NextScan) -> list[Alert]:
    found = []
    if scan.level == "baseline":
        assert scan.due_date is not None
        found.append(
            _alert(
                "SCAN-BASELINE",
                "warn",
                "A baseline bone density scan is recommended",
                f"{_sentence(scan.reason)} "
                "A first scan shows where your bones stand. Ask your clinician.",
                f"No DXA on record; baseline indicated ({scan.reason}).",
                scan.due_date,
                "no-scan",
            )
        )
    elif scan.rule_id is not None:
        assert scan.due_date is not None and scan.overdue_from is not None
        about = f"after-scan-{scan.last_scan_id}:due-{_key_day(scan.due_date)}"
        topic = f"scan:after-scan-{scan.last_scan_id}"
        if scan.level == "overdue":
            found.append(
                _alert(
                    "SCAN-OVERDUE",
                    "warn",
                    "Bone density scan overdue",
                    f"Your next DXA scan was due on {_d(scan.due_date)}. Why: {scan.reason}.",
                    f"DXA overdue since {_d(scan.due_date)} ({scan.reason}).",
                    scan.overdue_from,
                    about,
                    topic,
                )
            )
        elif scan.level == "due":
            found.append(
                _alert(
                    "SCAN-DUE",
                    "warn",
                    "Bone density scan due",
                    f"Your next DXA scan is due now ({_d(scan.due_date)}). Why: {scan.reason}.",
                    f"DXA due {_d(scan.due_date)} ({scan.reason}).",
                    scan.due_date,
                    f"{about}:due",
                    topic,
                )
            )
        else:
            found.append(
                _alert(
                    "SCAN-DUE",
                    "info",
                    f"Bone density scan coming up on {_d(scan.due_date)}",
                    f"Your next DXA scan is due on {_d(scan.due_date)}. Why: {scan.reason}.",
                    f"DXA due {_d(scan.due_date)} ({scan.reason}).",
                    scan.due_date,
                    f"{about}:upcoming",
                    topic,
                )
            )
    for prompt in scan.prompts:
        # Prompts exist only when there is a last scan.
        last_scan = scan.last_scan_date
        assert last_scan is not None
        found.append(
            _alert(
                "SCAN-PROMPT",
                "warn",
                "Talk to your clinician about a scan now",
                f"{_sentence(prompt.reason)} A scan shows whether bone has been lost.",
                f"DXA indicated now: {prompt.kind} after the last scan.",
                prompt.date or last_scan,
                prompt.key,
            )
        )
    return found
