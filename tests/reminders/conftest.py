import datetime as dt

import pytest

from tests.records.factories import make_course

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def late_denosumab(patient):
    """Last injection 220 days ago: DMAB-LATE (warn), not yet DMAB-LONG-DELAY."""
    last = TODAY - dt.timedelta(days=220)
    return make_course(
        patient,
        "denosumab",
        last - dt.timedelta(days=182),
        doses=[last - dt.timedelta(days=182), last],
    )


@pytest.fixture
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False)
    return TODAY
