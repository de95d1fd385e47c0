"""What the engine says about a patient, kept in the summary row the clinician panel reads.

Only two writers: the one write path (`tracker.records.changes`), after every
change, and `sendreminders` (`store_assessed`), for the patients whose date has
come, because time alone moves alerts on. Nothing else refreshes a summary.

Issue 13 item 7: with the summary the row keeps the day on which the engine's
answer next changes (`next_change_on`, tracker.clinical.horizon), the rules that
gave it (`rules_version`) and when sendreminders must look again (`assess_at`;
ASSESS_NOW: at its next run). A change to the record makes the patient due at once,
and breaks the claim of a run assessing them (so that run's older answer is not
stored over the new one); `assess_soon` does the same for what changes who is
reminded without changing the record (preferences, a confirmed address, an
approved clinician).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from tracker.accounts.models import CaregiverLink, CareLink, Patient, User
from tracker.clinical.alerts import Alert
from tracker.clinical.assess import Assessment
from tracker.clinical.history import PatientHistory
from tracker.clinical.horizon import next_change
from tracker.clinical.summary import Summary, summarize
from tracker.clinical.version import RULES_VERSION
from tracker.records import panel_entries, snapshot
from tracker.records.history import load_history
from tracker.records.models import ASSESS_NOW, AlertState, PatientSummary
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


# A row due at the next sendreminders run, claimed by no run (issue 13 item 7).
DUE_NOW = {"assess_at": ASSESS_NOW, "claimed_by": "", "claimed_until": None}


def refresh_after_change(patient: Patient, today: dt.date) -> tuple[PatientHistory, Assessment]:
    """Bump the record version and store what the engine now says. Called by
    `tracker.records.changes.change_record` inside its transaction, nowhere else.
    Returns the history it loaded and its assessment (the write path's snapshot)."""
    _bump_version(patient)
    history = load_history(patient)
    assessment = snapshot.assessed(history, today)  # not again for an equal history
    summary = summarize(assessment, open_for_the_panel(patient, assessment.alerts, today))
    PatientSummary.objects.filter(patient=patient).update(
        **PatientSummary.values_of(summary),
        search_name=name_key(patient.user.full_name),
        # Issue 13 item 7: due at the next run (which queues what the change made due),
        # and no run still assessing the older record may store its answer.
        next_change_on=next_change(history, assessment),
        rules_version=RULES_VERSION,
        **DUE_NOW,
    )
    # The change may be to a care link or the account as well as to the record.
    panel_entries.rebuild([patient.pk])
    return history, assessment


def assess_soon(patient_ids) -> int:
    """Issue 13 item 7: the next sendreminders run assesses these patients (a list of
    ids or a queryset of them), for a change to who is reminded that is not a change
    to their record. One UPDATE; returns the rows marked. It breaks a run's claim, as
    a change does: a run that read the old settings does not store over the mark."""
    return PatientSummary.objects.filter(patient_id__in=patient_ids).update(**DUE_NOW)


def patients_reminding(user: User):
    """The ids (a queryset) of the patients whose reminders `user` receives: their own
    record, the patients who share theirs with them as a clinician (active care link),
    those they help as a caregiver (active link)."""
    return Patient.objects.filter(
        Q(user=user)
        | Q(pk__in=CareLink.objects.active().filter(clinician=user).values("patient_id"))
        | Q(pk__in=CaregiverLink.objects.active().filter(caregiver=user).values("patient_id"))
    ).values("pk")


def assess_soon_for(user: User) -> int:
    """`assess_soon` for every patient `user` is reminded about (one UPDATE): after a
    change to their reminder settings, their confirmed address or their approval."""
    return assess_soon(patients_reminding(user))


@dataclass(frozen=True)
class Assessed:
    """What one sendreminders run found for one patient, to store."""

    summary: Summary
    next_change_on: dt.date | None
    assess_at: dt.datetime  # when a run must look again
    search_name: str


STORED_FIELDS = [
    *Summary.__dataclass_fields__,
    "refreshed_at",
    "search_name",
    "next_change_on",
    "rules_version",
    *DUE_NOW,
]


def store_assessed(assessed: dict[int, Assessed], *, worker: str) -> set[int]:
    """Issue 13 item 7: store sendreminders' answers by patient id, for the rows
    `worker` still holds, and release them; returns those ids. The record version is
    not bumped (the dashboard's cache key carries the date). A row whose claim a
    change broke meanwhile (the write path stored a newer answer and made it due) is
    left as it is: the caller queues nothing for it either, in the same transaction.
    Also the names as the panel searches them and the patients' panel entries: a row
    first made by a run (a bulk load) is on its clinicians' panels and found by name.
    A constant number of queries: a locking read, one upsert, the panel's two."""
    if not assessed:
        return set()
    with transaction.atomic(savepoint=False):  # no panel misses these patients between
        held = set(
            PatientSummary.objects.select_for_update()
            .filter(pk__in=list(assessed), claimed_by=worker)
            .values_list("pk", flat=True)
        )
        rows = [
            PatientSummary(
                patient_id=patient_id,
                search_name=found.search_name,
                next_change_on=found.next_change_on,
                rules_version=RULES_VERSION,
                assess_at=found.assess_at,
                claimed_by="",
                claimed_until=None,
                **PatientSummary.values_of(found.summary),
            )
            for patient_id, found in assessed.items()
            if patient_id in held
        ]
        PatientSummary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["patient"], update_fields=STORED_FIELDS
        )
        panel_entries.rebuild(sorted(held))
    return held
