"""Seeds the scratch database of tests/multiprocess (run as `python -m`, with
DATABASE_URL set): one patient who signs in, and patients whose denosumab is late
(a due reminder each). Prints their ids as JSON."""

import datetime as dt
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from tests.conftest import make_patient  # noqa: E402
from tests.records.factories import make_course, settle  # noqa: E402

# As tests/reminders/conftest.py: last injection 220 days ago, DMAB-LATE.
DAYS_SINCE_LAST_DOSE = 220


def main(late: int) -> None:
    today = timezone.localdate()
    signs_in = make_patient("walker@example.com", "Wendy Walker")
    settle(signs_in)
    ids = []
    for n in range(late):
        patient = make_patient(f"late{n}@example.com", f"Late Patient {n}")
        last = today - dt.timedelta(days=DAYS_SINCE_LAST_DOSE)
        first = last - dt.timedelta(days=182)
        make_course(patient, "denosumab", first, doses=[first, last])
        settle(patient)
        ids.append(patient.pk)
    print(json.dumps({"signs_in": signs_in.pk, "late": ids}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
