import datetime as dt

import pytest

from tracker.records import models as m

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def entries(patient):
    """One entry of every kind on the patient's record."""
    user = patient.user
    common = {"patient": patient, "entered_by": user}
    scan = m.Scan.objects.create(date=dt.date(2024, 5, 2), manufacturer="hologic", **common)
    m.SiteResult.objects.create(
        scan=scan, site="lumbar_spine", side="none", bmd="0.850", t_score="-1.9", z_score="-0.6"
    )
    course = m.MedicationCourse.objects.create(
        drug="denosumab", start=dt.date(2024, 1, 10), **common
    )
    return {
        "scans": scan,
        "medications": course,
        "doses": m.Dose.objects.create(course=course, date=dt.date(2024, 1, 10), **common),
        "exercise": m.ExerciseSession.objects.create(
            date=dt.date(2026, 11, 2), kind="balance", minutes=20, **common
        ),
        "fractures": m.Fracture.objects.create(
            date=dt.date(2019, 3, 4), site="wrist_forearm", fragility=True, **common
        ),
        "falls": m.Fall.objects.create(date=dt.date(2026, 1, 5), injured=False, **common),
        "heights": m.HeightMeasurement.objects.create(
            date=dt.date(2025, 6, 1), cm="162.5", measured=True, **common
        ),
        "labs": m.LabResult.objects.create(date=dt.date(2025, 6, 1), vitamin_d="32.0", **common),
        "events": m.ClinicalEvent.objects.create(date=dt.date(2020, 6, 1), kind="stroke", **common),
    }
