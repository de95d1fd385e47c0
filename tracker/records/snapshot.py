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

With the local-memory cache (each process its own cache, the default without
REDIS_URL) the rows and the assessment stay in the process as they are, and the
cache holds only a token that says which ones: taking a snapshot then costs no
pickling on the write and no unpickling on the first view (issue 13, item 6). What
the token names is immutable (frozen dataclasses and tuples), so the threads of a
process share it. The token keeps the cache's rules: expiry, `cache.clear()`.
With a shared cache (Redis) the snapshot is stored whole, for every process.
"""

import datetime as dt
import secrets
import threading
from collections import OrderedDict

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

from tracker.clinical import history as h
from tracker.clinical.assess import Assessment, assess
from tracker.clinical.version import RULES_VERSION
from tracker.records.history import load_history, with_profile_of
from tracker.records.models import PatientSummary

# Long enough for the first views after a write; the dashboard caches what it draws.
SNAPSHOT_SECONDS = 10 * 60
# Snapshots a process keeps in memory with the local-memory cache (the latest first
# to stay): a change leaves one; a 25-year record's takes about 0.6 MB.
KEPT_IN_PROCESS = 32
_kept: OrderedDict[str, tuple[str, tuple]] = OrderedDict()  # key -> (token, snapshot)
_kept_lock = threading.Lock()


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
    transaction.on_commit(lambda: _store(key(patient_id, version), (history, assessment)))


def _in_process() -> bool:
    return isinstance(caches["default"], LocMemCache)


def _store(name: str, found: tuple) -> None:
    if not _in_process():
        cache.set(name, found, SNAPSHOT_SECONDS)
        return
    token = secrets.token_hex(8)
    with _kept_lock:
        _kept[name] = (token, found)
        _kept.move_to_end(name)
        while len(_kept) > KEPT_IN_PROCESS:
            _kept.popitem(last=False)
    cache.set(name, token, SNAPSHOT_SECONDS)


def kept(patient_id: int, version: int) -> tuple[h.PatientHistory, Assessment] | None:
    """The snapshot the write path left for this version, if it is still there."""
    name = key(patient_id, version)
    found = cache.get(name)
    if not isinstance(found, str):
        return found
    with _kept_lock:
        token, snapshot = _kept.get(name, (None, None))
    return snapshot if token == found else None


def taken(patient, today: dt.date) -> tuple[h.PatientHistory, Assessment | None]:
    """The patient's history at the version the access gate loaded, and its assessment
    on `today` when the write path's one still holds: from the snapshot of that version
    when there is one, else the history loaded (5-6 queries) and no assessment."""
    found = kept(patient.pk, version_of(patient))
    if found is None:
        return load_history(patient), None
    history, assessment = found
    mine = with_profile_of(history, patient)
    # The engine reads the profile and the clinician's settings as well as the rows:
    # the writer's assessment stands only if the reader's are the same, on the same day.
    same = (mine.profile, mine.overrides) == (history.profile, history.overrides)
    return mine, assessment if same and assessment.today == today else None


# The latest assessments a process made (issue 13, item 6): the engine is pure, so an
# equal history assessed on the same day under the same rules has the same assessment.
# A change that leaves the history as it was (an exercise session, a note: rows the
# engine does not read) is then not assessed again, by the write path or by the first
# view of another process. Equal means equal in every field; the loader reads each
# decimal at its column's fixed scale, so equal histories read the same.
ASSESSED_IN_PROCESS = 32
_assessed: OrderedDict[int, tuple[dt.date, h.PatientHistory, Assessment]] = OrderedDict()


def assessed(history: h.PatientHistory, today: dt.date) -> Assessment:
    """`assess(history, today)`, remembered for the latest histories of this process."""
    digest = hash((RULES_VERSION, today, history))
    with _kept_lock:
        found = _assessed.get(digest)
    if found is not None and found[0] == today and found[1] == history:
        return found[2]
    assessment = assess(history, today)
    with _kept_lock:
        _assessed[digest] = (today, history, assessment)
        _assessed.move_to_end(digest)
        while len(_assessed) > ASSESSED_IN_PROCESS:
            _assessed.popitem(last=False)
    return assessment
