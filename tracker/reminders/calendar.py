"""A private iCalendar feed: the next scan, the next injection or infusion and
the end of a course, each with an alarm. Any calendar app can subscribe."""

import datetime as dt
import hashlib

from django.conf import settings
from icalendar import Alarm, Calendar, Event

from tracker.clinical.assess import Assessment
from tracker.reminders.models import CAREGIVER_RULES

ALARM_BEFORE = dt.timedelta(days=7)
PRODID = "-//BoneTrack//Reminders//EN"
DISCLAIMER = "BoneTrack is for information; decisions belong to you and your clinician."


def _event(uid: str, day: dt.date, summary: str, description: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@bonetrack")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{description}\n\n{DISCLAIMER}")
    event.add("url", settings.SITE_URL)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def events_for(
    assessment: Assessment,
    *,
    patient_id: int,
    label: str,
    stamp: dt.datetime,
    record_start: dt.date,
) -> list[Event]:
    """`label` names the patient in a clinician's calendar ("" in the patient's own).
    A date before the record existed (a baseline scan due since the patient turned
    65, say) goes on the record's first day: "now", not years in the past (issue 9)."""
    suffix = f" ({label})" if label else ""
    found = []
    scan = assessment.next_scan
    if scan.due_date is not None:
        found.append(
            _event(
                f"scan-{patient_id}",
                max(scan.due_date, record_start),
                f"DXA scan due{suffix}",
                scan.reason,
                stamp,
            )
        )
    for dose in assessment.next_doses:
        found.append(
            _event(
                f"dose-{patient_id}-{dose.course_id}",
                max(dose.due_date, record_start),
                f"{dose.drug_name} due{suffix}",
                f"Next {dose.drug_name} dose: due {dose.due_date:%d %b %Y} "
                f"(last given {dose.last_dose_date:%d %b %Y}).",
                stamp,
            )
        )
    for limit in assessment.course_limits:
        if not limit.reached:
            found.append(
                _event(
                    f"course-{patient_id}-{limit.course_id}-{limit.kind}",
                    limit.date,
                    f"{limit.text}{suffix}",
                    limit.text,
                    stamp,
                )
            )
    return found


def caregiver_events(
    assessment: Assessment,
    *,
    patient_id: int,
    label: str,
    stamp: dt.datetime,
    record_start: dt.date,
) -> list[Event]:
    """Issue 12: in a caregiver's calendar, the patient's due and late injections and
    infusions (CAREGIVER_RULES), one event per item (its key makes the UID, so an
    escalation is a new event), on the day it is due or became late."""
    return [
        _event(
            f"reminder-{patient_id}-{hashlib.sha256(alert.key.encode()).hexdigest()[:16]}",
            max(alert.due_date, record_start),
            f"{alert.title} ({label})",
            f"A reminder for {label}, whom you help, written to them: {alert.explanation}",
            stamp,
        )
        for alert in assessment.alerts
        if alert.rule_id in CAREGIVER_RULES
    ]


def build_calendar(events: list[Event], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
