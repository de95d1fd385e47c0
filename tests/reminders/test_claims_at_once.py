"""Issue 13 item 7: runs that claim patients at the same instant, each on a connection
of its own, never hold the same patient, and between them assess everyone.

On PostgreSQL (the CI run with DATABASE_URL set to it) this is the real race: the
claim's subquery skips rows another run is locking and the UPDATE checks its
condition again on each row. SQLite writes one statement at a time, so there is no
race to show there: the test runs on PostgreSQL only.
"""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from tests.conftest import make_patient
from tracker.records.models import PatientSummary
from tracker.reminders import delivery

NOW = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)
RUNS = 4
PATIENTS = 60


@pytest.mark.django_db(transaction=True)
def test_runs_claiming_at_once_never_hold_the_same_patient():
    if connection.vendor != "postgresql":
        pytest.skip("a race needs concurrent writers: run with DATABASE_URL on PostgreSQL")
    for i in range(PATIENTS):
        make_patient(f"race{i}@example.com", f"Race {i}")
    delivery.make_missing_rows()
    start = threading.Barrier(RUNS)
    held: dict[str, list[int]] = {}
    errors = []

    def run(worker: str) -> None:
        from django.db import connection as own

        mine = held.setdefault(worker, [])
        try:
            start.wait()
            while batch := delivery.claim(worker, NOW, batch_size=7):
                mine += [patient.pk for patient in batch]
                # As the run's store does: looked at, released.
                PatientSummary.objects.filter(claimed_by=worker).update(
                    claimed_by="", claimed_until=None, assess_at=NOW + dt.timedelta(days=1)
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(f"run-{n}",)) for n in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    counts = Counter(pk for claimed in held.values() for pk in claimed)
    assert set(counts.values()) == {1}, "a patient was claimed twice"
    assert len(counts) == PATIENTS
    assert sum(1 for claimed in held.values() if claimed) > 1  # the work was shared
