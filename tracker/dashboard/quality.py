"""The fracture-service quality page's data (issue 12, item 7): a clinician's cohort in
five queries, whatever its size.

Only patients with a fragility fracture in the quarters shown matter, so the page
never assesses every patient: it reads those fractures (one query, the access gate's
rule as a subquery), then the scans, courses and falls assessments of those patients
alone, as plain rows with no model instances, and runs the pure clock
(tracker.clinical.quality) on each fracture. Time moves the clock on (an open KPI
becomes missed), so nothing is stored: the answer is worked out on each visit.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from tracker.accounts.models import Patient
from tracker.clinical import history as h
from tracker.clinical import quality
from tracker.records import models as m

# Two years of fracture quarters, today's included: the period a fracture service
# reviews, and every KPI (the last at 52 weeks) is decided within it for all but the
# newest fractures.
QUARTERS_SHOWN = 8


@dataclass(frozen=True, kw_only=True)
class Cohort:
    since: dt.date  # the first day of the oldest quarter shown
    cases: list[tuple[int, quality.FractureKpis]]  # (patient id, one fracture's KPIs)
    names: dict[int, str]  # patient id -> name


def load_cohort(user, today: dt.date) -> Cohort:
    since = quality.quarters_back(today, QUARTERS_SHOWN)
    fractures = m.Fracture.objects.filter(
        patient__in=Patient.objects.shared_with_clinician(user),
        fragility=True,
        date__gte=since,
        date__lte=today,
    )
    patients = fractures.values("patient_id")
    by_patient: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for patient_id, pk, day, site in fractures.values_list("patient_id", "pk", "date", "site"):
        by_patient[patient_id]["fractures"].append(h.Fracture(pk, day, site=site, fragility=True))
    if not by_patient:
        return Cohort(since=since, cases=[], names={})
    # A scan up to DXA_COUNTS_DAYS_BEFORE before the oldest fracture can meet its KPI.
    first_scan = since - dt.timedelta(days=quality.DXA_COUNTS_DAYS_BEFORE)
    scans = m.Scan.objects.filter(patient_id__in=patients, date__gte=first_scan)
    for patient_id, pk, day, make in scans.values_list("patient_id", "pk", "date", "manufacturer"):
        by_patient[patient_id]["scans"].append(h.Scan(id=pk, date=day, manufacturer=make))
    courses = m.MedicationCourse.objects.filter(patient_id__in=patients).filter(
        Q(end__isnull=True) | Q(end__gte=since)
    )
    for patient_id, pk, drug, start, end in courses.values_list(
        "patient_id", "pk", "drug", "start", "end"
    ):
        by_patient[patient_id]["courses"].append(h.Course(pk, drug, start, end))
    assessed = m.FallsAssessment.objects.filter(patient_id__in=patients, date__gte=since)
    for patient_id, pk, day in assessed.values_list("patient_id", "pk", "date"):
        by_patient[patient_id]["assessed"].append(quality.FallsAssessment(id=pk, date=day))
    profiles = Patient.objects.filter(pk__in=patients).values_list(
        "pk", "birth_date", "sex", "menopausal_status", "user__full_name"
    )
    cases, names = [], {}
    for pk, born, sex, status, name in profiles:
        rows = by_patient[pk]
        names[pk] = name
        record = h.PatientHistory(
            profile=h.Profile(birth_date=born, sex=sex, menopausal_status=status),
            scans=rows["scans"],
            courses=rows["courses"],
            fractures=rows["fractures"],
        )
        cases += [(pk, case) for case in quality.fracture_kpis(record, rows["assessed"], today)]
    return Cohort(since=since, cases=cases, names=names)
