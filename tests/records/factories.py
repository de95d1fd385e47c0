"""Record factories for tests: small helpers and one big 25-year history.

`big_history` is volume data for speed and paging tests. Its dose spacing is
not clinical (doses are spread evenly inside each course so that 150 fit); use
`tracker.records.demo` or the small helpers for clinically shaped data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from tracker.records.models import (
    ClinicalEvent,
    Dose,
    ExerciseKind,
    ExerciseSession,
    Fall,
    Fracture,
    HeightMeasurement,
    LabResult,
    MedicationCourse,
    Scan,
    SiteResult,
)

# (site, side, BMD, T-score, Z-score); BMD 3 dp, T and Z 1 dp or None. Hologic-consistent.
DEFAULT_SITES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("lumbar_spine", "none", "0.850", "-1.8", "-0.5"),
    ("total_hip", "left", "0.780", "-1.3", "-0.2"),
    ("femoral_neck", "left", "0.650", "-1.7", "-0.4"),
)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _site_results(scan: Scan, sites: Iterable[Sequence]) -> list[SiteResult]:
    return [
        SiteResult(
            scan=scan, site=site, side=side, bmd=Decimal(str(bmd)), t_score=_dec(t), z_score=_dec(z)
        )
        for site, side, bmd, t, z in sites
    ]


def make_scan(
    patient,
    date: date,
    sites: Iterable[Sequence] = DEFAULT_SITES,
    manufacturer: str = "hologic",
    entered_by=None,
    **fields,
) -> Scan:
    """One scan with its site results; `fields` go to the Scan (facility, model, notes...)."""
    scan = Scan.objects.create(
        patient=patient,
        entered_by=entered_by or patient.user,
        date=date,
        manufacturer=manufacturer,
        **fields,
    )
    SiteResult.objects.bulk_create(_site_results(scan, sites))
    return scan


def make_course(
    patient,
    drug: str,
    start: date,
    end: date | None = None,
    doses: Iterable[date] = (),
    entered_by=None,
    **fields,
) -> MedicationCourse:
    """One course and its doses (dates); `fields` go to the course (stop_reason, notes...)."""
    by = entered_by or patient.user
    course = MedicationCourse.objects.create(
        patient=patient, entered_by=by, drug=drug, start=start, end=end, **fields
    )
    Dose.objects.bulk_create(
        Dose(patient=patient, entered_by=by, course=course, date=day) for day in doses
    )
    return course


# ------------------------------------------------------------------ big history

BIG_YEARS = 25
BIG_DAYS = BIG_YEARS * 365
BIG_SCANS = 50
BIG_SITES_PER_SCAN = 4
# Oldest first: 12 courses back to back, the last one still running. The eight
# interval-dosed ones carry the doses (6 x 19 + 2 x 18 = 150).
BIG_COURSES: tuple[tuple[str, int], ...] = (
    ("alendronate", 0),
    ("ibandronate_iv", 19),
    ("zoledronic_acid", 19),
    ("raloxifene", 0),
    ("romosozumab", 19),
    ("denosumab", 19),
    ("risedronate", 0),
    ("ibandronate_iv", 19),
    ("zoledronic_acid", 19),
    ("teriparatide", 0),
    ("romosozumab", 18),
    ("denosumab", 18),
)
BIG_DOSES = sum(n for _, n in BIG_COURSES)
BIG_SESSIONS = 5000
BIG_OTHERS = 20  # of each: fractures, falls, heights, labs, clinical events
STOP_REASONS = ("course_completed", "switched", "drug_holiday", "side_effects", "other")
FRACTURE_SITES = (
    "wrist_forearm",
    "clinical_vertebral",
    "upper_arm",
    "other",
    "hip",
    "imaging_vertebral",
)
EVENT_KINDS = ("heart_attack", "stroke", "blood_clot")
KINDS = tuple(ExerciseKind.values)


def _big_scans(patient, today: date, by) -> None:
    scans = [
        Scan(
            patient=patient,
            entered_by=by,
            date=today - timedelta(days=182 * i + 7),
            facility="Big Test Hospital",
            manufacturer="hologic",
            model="Horizon A",
        )
        for i in range(BIG_SCANS)
    ]
    Scan.objects.bulk_create(scans)
    results = []
    for i, scan in enumerate(scans):
        # Slow loss into the past is slow gain forward: 0.2 % per scan, never implausible.
        k = Decimal(1) + Decimal(i) * Decimal("0.002")
        spine = (Decimal("0.850") / k).quantize(Decimal("0.001"))
        hip = (Decimal("0.780") / k).quantize(Decimal("0.001"))
        neck = (Decimal("0.650") / k).quantize(Decimal("0.001"))
        radius = (Decimal("0.600") / k).quantize(Decimal("0.001"))
        results += _site_results(
            scan,
            [
                ("lumbar_spine", "none", spine, _t(spine, "1.047", "0.110"), None),
                ("total_hip", "left", hip, _t(hip, "0.942", "0.122"), None),
                ("femoral_neck", "left", neck, _t(neck, "0.858", "0.120"), None),
                ("radius_33", "none", radius, _t(radius, "0.681", "0.056"), None),
            ],
        )
    SiteResult.objects.bulk_create(results)


def _t(bmd: Decimal, mean: str, sd: str) -> Decimal:
    return ((bmd - Decimal(mean)) / Decimal(sd)).quantize(Decimal("0.1"))


def _big_courses(patient, today: date, by) -> None:
    start0 = today - timedelta(days=BIG_DAYS)
    slot = BIG_DAYS // len(BIG_COURSES)
    courses, planned = [], []
    for i, (drug, n_doses) in enumerate(BIG_COURSES):
        start = start0 + timedelta(days=slot * i)
        last = i == len(BIG_COURSES) - 1
        end = None if last else start + timedelta(days=slot - 31)
        courses.append(
            MedicationCourse(
                patient=patient,
                entered_by=by,
                drug=drug,
                start=start,
                end=end,
                stop_reason="" if last else STOP_REASONS[i % len(STOP_REASONS)],
            )
        )
        dose_end = end or today - timedelta(days=30)
        step = (dose_end - start).days // max(n_doses, 1)
        planned.append([start + timedelta(days=step * k) for k in range(n_doses)])
    MedicationCourse.objects.bulk_create(courses)
    Dose.objects.bulk_create(
        Dose(patient=patient, entered_by=by, course=course, date=day)
        for course, days in zip(courses, planned, strict=True)
        for day in days
    )


def _big_sessions(patient, today: date, by) -> None:
    ExerciseSession.objects.bulk_create(
        ExerciseSession(
            patient=patient,
            entered_by=by,
            date=today - timedelta(days=i * BIG_DAYS // BIG_SESSIONS),
            kind=KINDS[i % len(KINDS)],
            minutes=20 + (i * 7) % 41,
            effort=(i % 10) + 1 if i % 3 else None,
        )
        for i in range(BIG_SESSIONS)
    )


def _big_others(patient, today: date, by) -> None:
    step = BIG_DAYS // BIG_OTHERS

    def day(i: int, shift: int) -> date:
        return today - timedelta(days=i * step + shift)

    n = range(BIG_OTHERS)
    Fracture.objects.bulk_create(
        Fracture(
            patient=patient,
            entered_by=by,
            date=day(i, 40),
            site=FRACTURE_SITES[i % len(FRACTURE_SITES)],
            fragility=i % 4 != 0,
        )
        for i in n
    )
    Fall.objects.bulk_create(
        Fall(patient=patient, entered_by=by, date=day(i, 20), injured=i % 3 == 0) for i in n
    )
    HeightMeasurement.objects.bulk_create(
        HeightMeasurement(
            patient=patient,
            entered_by=by,
            date=day(i, 10),
            cm=Decimal("160.0") + Decimal(i) * Decimal("0.2"),
            measured=i % 2 == 0,
        )
        for i in n
    )
    LabResult.objects.bulk_create(
        LabResult(
            patient=patient,
            entered_by=by,
            date=day(i, 5),
            ctx=Decimal("0.300") + Decimal(i) / 100,
            p1np=Decimal("35.0") + i,
            vitamin_d=Decimal("30.0"),
            calcium=Decimal("9.40"),
            egfr=Decimal("70.0"),
            fasting_morning=True,
        )
        for i in n
    )
    ClinicalEvent.objects.bulk_create(
        ClinicalEvent(
            patient=patient, entered_by=by, date=day(i, 60), kind=EVENT_KINDS[i % len(EVENT_KINDS)]
        )
        for i in n
    )


def big_history(patient, *, today: date, entered_by=None) -> None:
    """25 years of records in bulk: 50 scans x 4 sites, 12 courses with 150 doses,
    5,000 exercise sessions, and 20 each of fractures, falls, heights, labs and events.

    Everything is dated on or before `today` and after `today` minus 25 years.
    """
    by = entered_by or patient.user
    _big_scans(patient, today, by)
    _big_courses(patient, today, by)
    _big_sessions(patient, today, by)
    _big_others(patient, today, by)


def settle(patient, *, actor=None) -> None:
    """Factories write straight to the ORM (fast test data); this passes the patient
    once through the one write path, as a real change would, so the summary, the
    record version and the panel catch up."""
    from tracker.records.changes import Action, change_record

    with change_record(None, patient, actor=actor or patient.user) as change:
        change.audit(Action.UPDATE, summary="test data")


# The clinician panel's open items, as the summary stores them: most severe first, one per rule.
STORED_ITEMS = [  # as the summary stores them: most severe first, one per rule
    {"rule_id": "DMAB-STOP-NO-TRANSITION", "severity": "alert", "title": "Denosumab stopped"},
    {"rule_id": "SCAN-OVERDUE", "severity": "warn", "title": "Scan overdue"},
    {"rule_id": "DMAB-LATE", "severity": "warn", "title": "Denosumab injection late"},
    {"rule_id": "ZOL-DUE", "severity": "info", "title": "Zoledronic acid infusion due"},
]


def panel_patients(clinician, count: int, *, names=None, prefix="p", **summary):
    """`count` patients linked to the clinician, with panel summaries and the
    clinician's panel entries, in bulk (emails: {prefix}{i}@example.com)."""
    from tracker.accounts.models import CareLink, Patient, User
    from tracker.records import panel_entries
    from tracker.records.models import PatientSummary
    from tracker.records.search import name_key

    users = User.objects.bulk_create(
        User(
            email=f"{prefix}{i}@example.com",
            full_name=names[i] if names else f"Patient {i:05d}",
            role="patient",
        )
        for i in range(count)
    )
    patients = Patient.objects.bulk_create(
        Patient(
            user=u, birth_date=date(1950, 1, 1), sex="female", menopausal_status="postmenopausal"
        )
        for u in users
    )
    CareLink.objects.bulk_create(
        CareLink(patient=p, clinician=clinician, status="active", initiated_by="patient")
        for p in patients
    )
    PatientSummary.objects.bulk_create(
        PatientSummary(
            patient=p,
            search_name=name_key(users[i].full_name),
            category="osteoporosis",
            category_label="Osteoporosis",
            lowest_t_score="-2.7",
            alert_count=1 if i % 97 == 0 else 0,
            warn_count=i % 3,
            overdue=i % 11 == 0,
            late_denosumab=i % 11 == 0,
            on_anabolic=i % 13 == 0,
            next_due_date=date(2027, 1, 1) + timedelta(days=i % 300),
            **{"open_items": STORED_ITEMS[1:] if i % 3 else STORED_ITEMS, **summary},
        )
        for i, p in enumerate(patients)
    )
    panel_entries.rebuild(Patient.objects.filter(pk__in=[p.pk for p in patients]).values("pk"))
    return patients
