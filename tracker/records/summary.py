"""What the engine says about a patient, kept in the summary row the clinician panel reads.

Only two callers: the one write path (`tracker.records.changes`), after every
change, and the daily safety net of `sendreminders` (`store_daily`), because
time alone moves alerts on. Nothing else refreshes a summary.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from tracker.accounts.models import Patient
from tracker.clinical.alerts import Alert
from tracker.clinical.assess import Assessment, assess
from tracker.clinical.history import PatientHistory
from tracker.clinical.summary import Summary, summarize
from tracker.records import panel_entries
from tracker.records.history import load_history
from tracker.records.models import AlertState, PatientSummary
from tracker.records.search import name_key


def open_alerts(
    patient: Patient, alerts: tuple[Alert, ...], today: dt.date, *, for_clinician: bool = False
) -> list[Alert]:
    """The alerts still asking for attention, most severe first (the engine's order).
    Clinicians see the warn and alert items (section 5.1); info items are the patient's.
    What is closed depends on who looks (section 11.18, `AlertState.objects.closed`)."""
    states = AlertState.objects.filter(patient=patient).closed(today, for_clinician=for_clinician)
    hidden = set(states.values_list("key", flat=True))
    return [
        alert
        for alert in alerts
        if alert.key not in hidden and not (for_clinician and alert.severity == "info")
    ]


def open_for_the_panel(patient: Patient, alerts: tuple[Alert, ...], today: dt.date) -> list[Alert]:
    """What the summary counts: every item a clinician has not acknowledged (section
    11.18: a patient's done or snooze never hides a warning from the panel)."""
    states = AlertState.objects.filter(patient=patient).closed(today, for_clinician=True)
    hidden = set(states.values_list("key", flat=True))
    return [alert for alert in alerts if alert.key not in hidden]


def _bump_version(patient: Patient) -> None:
    """Take the summary row's lock first: a concurrent change waits here until the
    other commits, so the history loaded next includes it (READ COMMITTED)."""
    summaries = PatientSummary.objects.filter(patient=patient)
    if summaries.update(record_version=F("record_version") + 1):
        return
    try:
        with transaction.atomic():
            PatientSummary.objects.create(patient=patient, record_version=1)
    except IntegrityError:  # a concurrent first change created it
        summaries.update(record_version=F("record_version") + 1)


def refresh_after_change(patient: Patient, today: dt.date) -> tuple[PatientHistory, Assessment]:
    """Bump the record version and store what the engine now says. Called by
    `tracker.records.changes.change_record` inside its transaction, nowhere else.
    Returns the history it loaded and its assessment (the write path's snapshot)."""
    _bump_version(patient)
    history = load_history(patient)
    assessment = assess(history, today)
    summary = summarize(assessment, open_for_the_panel(patient, assessment.alerts, today))
    PatientSummary.objects.filter(patient=patient).update(
        **PatientSummary.values_of(summary), search_name=name_key(patient.user.full_name)
    )
    # The change may be to a care link or the account as well as to the record.
    panel_entries.rebuild([patient.pk])
    return history, assessment


def store_daily(summaries: dict[int, Summary]) -> None:
    """The daily safety net (sendreminders): store summaries by patient id without
    bumping the record version (the dashboard's cache key carries the date), the names
    as the panel searches them and the patients' panel entries (four queries a batch):
    a row first made here (a bulk load) is on its clinicians' panels and found by name,
    and anything changed outside the write path catches up."""
    names = Patient.objects.filter(pk__in=summaries).values_list("pk", "user__full_name")
    keys = {patient_id: name_key(full_name) for patient_id, full_name in names}
    rows = [
        PatientSummary(
            patient_id=patient_id,
            search_name=keys.get(patient_id, ""),
            **PatientSummary.values_of(summary),
        )
        for patient_id, summary in summaries.items()
    ]
    with transaction.atomic():  # no panel misses these patients between the two
        PatientSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["patient"],
            update_fields=[*Summary.__dataclass_fields__, "refreshed_at", "search_name"],
        )
        panel_entries.rebuild(list(summaries))
