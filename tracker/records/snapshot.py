"""The history the one write path loaded, and its assessment, left in the cache for
the first view after the write (issue 13, item 4).

`refresh_after_change` loads the whole history to assess it; the dashboard's first
view after the change needs the same rows. The write path keeps them here, keyed by
patient and the record version the change made, once its transaction has committed
(a rolled-back change leaves nothing behind that a later change of the same version
number could be mistaken for). A reader of that version takes the rows from here
instead of loading them again; anyone else loads them (`history_of`).

Only the rows are taken from the snapshot as they are: the profile and the
clinician's settings come from the reader's own patient object (loaded by the access
gate after the commit), so a snapshot can never show settings older than the
reader's; the assessment is used only when those are the writer's too, and the day
is the same.
"""

import datetime as dt

from django.core.cache import cache
from django.db import transaction

from tracker.clinical import history as h
from tracker.clinical.assess import Assessment
from tracker.clinical.version import RULES_VERSION
from tracker.records.history import load_history, with_profile_of
from tracker.records.models import PatientSummary

# Long enough for the first views after a write; the dashboard caches what it draws.
SNAPSHOT_SECONDS = 10 * 60


def key(patient_id: int, version: int) -> str:
    return f"history:{RULES_VERSION}:{patient_id}:{version}"


def version_of(patient) -> int:
    """The record version the patient object was loaded at (0 before any summary)."""
    summary = getattr(patient, "summary", None)
    return summary.record_version if summary is not None else 0


def keep(patient, history: h.PatientHistory, assessment: Assessment) -> None:
    """From inside the write path's transaction, after the version was bumped: cache
    the history and its assessment under the new version once the transaction commits."""
    version = (
        PatientSummary.objects.filter(patient=patient)
        .values_list("record_version", flat=True)
        .first()
    )
    if version is None:
        return
    patient_id = patient.pk
    transaction.on_commit(
        lambda: cache.set(key(patient_id, version), (history, assessment), SNAPSHOT_SECONDS)
    )


def taken(patient, today: dt.date) -> tuple[h.PatientHistory, Assessment | None]:
    """The patient's history at the version the access gate loaded, and its assessment
    on `today` when the write path's one still holds: from the snapshot of that version
    when there is one, else the history loaded (5-6 queries) and no assessment."""
    found = cache.get(key(patient.pk, version_of(patient)))
    if found is None:
        return load_history(patient), None
    history, assessment = found
    mine = with_profile_of(history, patient)
    # The engine reads the profile and the clinician's settings as well as the rows:
    # the writer's assessment stands only if the reader's are the same, on the same day.
    same = (mine.profile, mine.overrides) == (history.profile, history.overrides)
    return mine, assessment if same and assessment.today == today else None
