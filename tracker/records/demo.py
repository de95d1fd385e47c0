"""A realistic multi-year record for each demo patient (seed_demo).

Every date is relative to `today`, so the demo alerts stay live whenever the
demo is seeded:

- Margaret: osteoporosis with an old wrist fracture; alendronate, then switched
  to denosumab about four years ago; her last injection was 228 days ago, so
  DMAB-LATE (> 210 days) shows but DMAB-LONG-DELAY (> 294) does not yet.
- Rosa: severe osteoporosis (clinical L1 fracture); romosozumab dose 11 of 12
  three weeks ago, no follow-on drug planned yet (ROMO-COURSE-END); a 2.5 cm
  drop between two measured heights (HEIGHT-LOSS).
- Olive: untreated osteopenia; her third scan is on a GE Lunar after two on a
  Hologic, so the trend starts a new segment; a wrist fracture a month ago, with a
  falls assessment and a FRAX result (tracker.records.demo_fracture_care).
- anyone else (Uma): one recent, near-normal scan and a little exercise.

T- and Z-scores are derived from the BMD with the young-adult reference means
below (rounded half away from zero to one decimal) so that the three numbers on
each demo report agree; the app itself always stores the printed values and
never recomputes them (rule book section 1).

Deterministic: the only randomness is `random.Random` seeded with the e-mail.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tracker.accounts.models import Patient, User
from tracker.records import demo_fracture_care
from tracker.records.kinds import KINDS
from tracker.records.models import (
    Dose,
    ExerciseSession,
    Fall,
    Fracture,
    HeightMeasurement,
    LabResult,
    MedicationCourse,
    Provenance,
    Scan,
    SiteResult,
)

# Young-adult female reference (mean, SD) in g/cm² per scanner make and site.
# Hologic: its own spine and forearm database, NHANES III for the hip. GE Lunar
# reads about 12 % higher at the spine (Genant 1994), so its means are higher.
REFERENCE: dict[str, dict[str, tuple[Decimal, Decimal]]] = {
    "hologic": {
        "lumbar_spine": (Decimal("1.047"), Decimal("0.110")),
        "total_hip": (Decimal("0.942"), Decimal("0.122")),
        "femoral_neck": (Decimal("0.858"), Decimal("0.120")),
        "radius_33": (Decimal("0.681"), Decimal("0.056")),
    },
    "ge_lunar": {
        "lumbar_spine": (Decimal("1.180"), Decimal("0.120")),
        "total_hip": (Decimal("1.000"), Decimal("0.120")),
        "femoral_neck": (Decimal("0.960"), Decimal("0.120")),
        "radius_33": (Decimal("0.870"), Decimal("0.060")),
    },
}

# The age-matched mean falls below the young-adult mean by this many SDs per
# year after 45 (women), which turns a T-score into a plausible Z-score.
AGE_DRIFT_SD_PER_YEAR: dict[str, Decimal] = {
    "lumbar_spine": Decimal("0.045"),
    "total_hip": Decimal("0.060"),
    "femoral_neck": Decimal("0.070"),
    "radius_33": Decimal("0.060"),
}
AGE_DRIFT_FROM = 45

ONE_DP = Decimal("0.1")


def t_and_z(manufacturer: str, site: str, bmd: Decimal, age: int) -> tuple[Decimal, Decimal]:
    """T- and Z-score for a BMD on the demo reference, one decimal each."""
    mean, sd = REFERENCE[manufacturer][site]
    t = (bmd - mean) / sd
    z = t + AGE_DRIFT_SD_PER_YEAR[site] * max(0, age - AGE_DRIFT_FROM)
    return t.quantize(ONE_DP, ROUND_HALF_UP), z.quantize(ONE_DP, ROUND_HALF_UP)


# ---------------------------------------------------------------------- builder


@dataclass
class _ScanSpec:
    days_ago: int
    manufacturer: str
    model: str
    facility: str
    # (site, side, BMD as a 3-decimal string); vertebrae applies to the spine.
    sites: Sequence[tuple[str, str, str]]
    by_clinician: bool = True
    via: str = Provenance.FORM
    vertebrae: str = "L1-L4"
    vfa_fracture: bool = False
    notes: str = ""


@dataclass
class _History:
    """Collects one patient's rows, then writes them with one bulk_create per model."""

    patient: Patient
    today: date
    clinician: User | None
    rng: random.Random
    scans: list[_ScanSpec] = field(default_factory=list)
    courses: list[tuple[MedicationCourse, list[date]]] = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def me(self) -> User:
        return self.patient.user

    @property
    def doctor(self) -> User:
        return self.clinician or self.patient.user

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def entry(self, model, *, by: User, via: str = Provenance.FORM, **fields):
        self.rows.append(model(patient=self.patient, entered_by=by, entered_via=via, **fields))

    def course(self, drug: str, start_ago: int, *, end_ago: int | None = None, doses=(), **fields):
        course = MedicationCourse(
            patient=self.patient,
            entered_by=self.doctor,
            drug=drug,
            start=self.ago(start_ago),
            end=None if end_ago is None else self.ago(end_ago),
            **fields,
        )
        self.courses.append((course, [self.ago(d) for d in doses]))

    def height(self, days_ago: int, cm: str, *, measured: bool) -> None:
        by = self.doctor if measured else self.me
        self.entry(
            HeightMeasurement, by=by, date=self.ago(days_ago), cm=Decimal(cm), measured=measured
        )

    def exercise(
        self, weeks: int, plan: Sequence[tuple[int, str, int, int, str]], per_week
    ) -> None:
        """`per_week` sessions in each of the last `weeks` weeks, drawn from the plan.

        A plan slot is (day in the week 0-6, kind, shortest, longest minutes, note).
        """
        for week in range(weeks):
            week_start = self.ago(7 * week + 6)
            count = min(len(plan), self.rng.choice(per_week))
            for offset, kind, low, high, note in sorted(self.rng.sample(list(plan), count)):
                minutes = self.rng.randrange(low, high + 1, 5)
                effort = (
                    self.rng.randint(4, 7) if kind in ("resistance", "impact", "aerobic") else None
                )
                self.entry(
                    ExerciseSession,
                    by=self.me,
                    date=week_start + timedelta(days=offset),
                    kind=kind,
                    minutes=minutes,
                    effort=effort,
                    note=note,
                )

    def save(self) -> None:
        scans = []
        for spec in self.scans:
            scans.append(
                Scan(
                    patient=self.patient,
                    entered_by=self.doctor if spec.by_clinician else self.me,
                    entered_via=spec.via,
                    date=self.ago(spec.days_ago),
                    facility=spec.facility,
                    manufacturer=spec.manufacturer,
                    model=spec.model,
                    vertebral_fracture_found=spec.vfa_fracture,
                    notes=spec.notes,
                )
            )
        Scan.objects.bulk_create(scans)
        results = []
        for scan, spec in zip(scans, self.scans, strict=True):
            age = self.patient.age_on(scan.date)
            for site, side, bmd in spec.sites:
                value = Decimal(bmd)
                t, z = t_and_z(spec.manufacturer, site, value, age)
                results.append(
                    SiteResult(
                        scan=scan,
                        site=site,
                        side=side,
                        bmd=value,
                        t_score=t,
                        z_score=z,
                        vertebrae=spec.vertebrae if site == "lumbar_spine" else "",
                    )
                )
        SiteResult.objects.bulk_create(results)

        MedicationCourse.objects.bulk_create([course for course, _ in self.courses])
        Dose.objects.bulk_create(
            Dose(patient=self.patient, entered_by=self.doctor, course=course, date=day)
            for course, days in self.courses
            for day in days
        )

        by_model: dict[type, list] = {}
        for row in self.rows:
            by_model.setdefault(type(row), []).append(row)
        for model, rows in by_model.items():
            model.objects.bulk_create(rows)


def _spaced(last_days_ago: int, intervals: Iterable[int]) -> list[int]:
    """Days-ago of doses, oldest first, given the gaps between them (oldest gap first)."""
    gaps = list(intervals)
    days = [last_days_ago]
    for gap in reversed(gaps):
        days.append(days[-1] + gap)
    return sorted(days, reverse=True)


# ------------------------------------------------------------------- the cast


def _sites(
    spine: str, hip: str, neck: str, radius: str | None = None, *, radius_side: str = "left"
):
    sites = [
        ("lumbar_spine", "none", spine),
        ("total_hip", "left", hip),
        ("femoral_neck", "left", neck),
    ]
    if radius is not None:
        sites.append(("radius_33", radius_side, radius))
    return sites


# Margaret's denosumab: eight injections, the fifth one late (216 days: more than
# 4 weeks after it was due), the last one 228 days before today.
MARGARET_LAST_DMAB_DAYS_AGO = 228
MARGARET_DMAB_GAPS = (183, 180, 186, 216, 182, 184, 181)


def _margaret(h: _History) -> None:
    facility = "St Mary's Hospital Bone Density Unit"
    for days_ago, sites, via in (
        (3215, _sites("0.748", "0.690", "0.560", "0.530"), Provenance.FORM),
        (2480, _sites("0.771", "0.699", "0.566"), Provenance.FORM),
        (1580, _sites("0.779", "0.701", "0.563", "0.524"), Provenance.CSV),
        (830, _sites("0.806", "0.712", "0.571"), Provenance.FORM),
        (150, _sites("0.824", "0.721", "0.577", "0.526"), Provenance.FHIR),
    ):
        h.scans.append(_ScanSpec(days_ago, "hologic", "Discovery A", facility, sites, via=via))

    dmab = _spaced(MARGARET_LAST_DMAB_DAYS_AGO, MARGARET_DMAB_GAPS)
    first_dmab = dmab[0]
    h.course(
        "alendronate",
        3150,
        end_ago=first_dmab + 1,
        stop_reason="switched",
        notes="70 mg weekly. Switched to denosumab: only a small gain at the spine.",
    )
    h.course(
        "denosumab",
        first_dmab,
        doses=dmab,
        notes="60 mg every 6 months at the practice.",
    )

    h.entry(
        Fracture,
        by=h.me,
        date=h.ago(3300),
        site="wrist_forearm",
        fragility=True,
        notes="Slipped on an icy pavement; right wrist, plaster for six weeks.",
    )
    h.height(3215, "164.1", measured=True)
    h.height(2480, "163.9", measured=False)
    h.height(1580, "163.7", measured=True)
    h.height(830, "163.4", measured=True)
    h.height(150, "162.9", measured=True)

    h.entry(
        LabResult,
        by=h.doctor,
        date=h.ago(first_dmab + 14),
        ctx=Decimal("0.452"),
        p1np=Decimal("48.0"),
        vitamin_d=Decimal("24.0"),
        calcium=Decimal("9.30"),
        egfr=Decimal("72.0"),
        fasting_morning=True,
    )
    h.entry(
        LabResult,
        by=h.doctor,
        date=h.ago(400),
        ctx=Decimal("0.098"),
        p1np=Decimal("18.5"),
        vitamin_d=Decimal("36.0"),
        calcium=Decimal("9.50"),
        egfr=Decimal("68.0"),
        fasting_morning=True,
    )

    h.exercise(
        12,
        [
            (1, "resistance", 30, 45, "Strong bones class at the leisure centre"),
            (3, "balance", 20, 30, "Balance exercises at home"),
            (5, "aerobic", 30, 60, "Brisk walk"),
            (6, "impact", 10, 15, "Heel drops and stepping"),
        ],
        per_week=(2, 3, 3, 4),
    )


# Rosa's romosozumab: eleven monthly injections, the 11th 21 days before today.
ROSA_LAST_ROMO_DAYS_AGO = 21
ROSA_ROMO_GAPS = (30, 31, 28, 30, 32, 29, 30, 31, 30, 29)


def _rosa(h: _History) -> None:
    romo = _spaced(ROSA_LAST_ROMO_DAYS_AGO, ROSA_ROMO_GAPS)
    first = romo[0]
    facility = "City Hospital Osteoporosis Clinic"
    # L1 is fractured, so it is left out of the spine BMD (ISCD): L2-L4.
    h.scans.append(
        _ScanSpec(
            first + 24,
            "ge_lunar",
            "iDXA",
            facility,
            _sites("0.790", "0.640", "0.590"),
            vertebrae="L2-L4",
            vfa_fracture=True,
            notes="VFA: grade 2 wedge fracture of L1. L1 excluded from the spine BMD.",
        )
    )
    h.scans.append(
        _ScanSpec(
            first - 274,
            "ge_lunar",
            "iDXA",
            facility,
            _sites("0.877", "0.662", "0.608"),
            vertebrae="L2-L4",
            notes="Nine months on romosozumab.",
        )
    )
    h.course(
        "romosozumab",
        first,
        doses=romo,
        notes="210 mg monthly for 12 months. Calcium and vitamin D alongside.",
    )
    h.entry(
        Fracture,
        by=h.doctor,
        date=h.ago(first + 60),
        site="clinical_vertebral",
        fragility=True,
        notes="Sudden back pain lifting a bag of shopping; L1 wedge fracture on X-ray.",
    )
    h.entry(Fall, by=h.me, date=h.ago(150), injured=False, notes="Tripped on the rug at home.")
    h.height(1100, "157.6", measured=True)
    h.height(first + 24, "155.1", measured=True)
    h.entry(
        LabResult,
        by=h.doctor,
        date=h.ago(first + 20),
        ctx=Decimal("0.510"),
        p1np=Decimal("42.0"),
        vitamin_d=Decimal("28.0"),
        calcium=Decimal("9.40"),
        egfr=Decimal("58.0"),
        fasting_morning=True,
    )
    h.exercise(
        12,
        [
            (0, "posture", 15, 20, "Back extension exercises from the physio"),
            (2, "balance", 20, 30, "Tai chi group"),
            (4, "aerobic", 20, 30, "Walk to the park"),
            (5, "resistance", 15, 25, "Light bands, sitting"),
        ],
        per_week=(2, 3, 3, 4),
    )


def _olive(h: _History) -> None:
    h.scans += [
        _ScanSpec(
            2250,
            "hologic",
            "Horizon A",
            "Northside Imaging",
            _sites("0.905", "0.790", "0.660"),
            by_clinician=False,
        ),
        _ScanSpec(
            1470,
            "hologic",
            "Horizon A",
            "Northside Imaging",
            _sites("0.893", "0.779", "0.648"),
            by_clinician=False,
        ),
        _ScanSpec(
            120,
            "ge_lunar",
            "Prodigy",
            "Riverside Hospital",
            _sites("1.040", "0.830", "0.745"),
            notes="New scanner make: not comparable with the Hologic scans.",
        ),
    ]
    h.entry(
        Fall, by=h.me, date=h.ago(210), injured=False, notes="Slipped on wet leaves in the garden."
    )
    h.height(2250, "167.3", measured=True)
    h.height(1470, "167.0", measured=False)
    h.height(120, "166.6", measured=True)
    h.entry(
        LabResult, by=h.doctor, date=h.ago(2240), vitamin_d=Decimal("22.0"), calcium=Decimal("9.60")
    )
    demo_fracture_care.olive(h)
    h.exercise(
        12,
        [
            (0, "aerobic", 40, 60, "Nordic walking"),
            (2, "resistance", 30, 45, "Gym: squats, rows, step-ups"),
            (4, "impact", 10, 20, "Skipping and hopping"),
            (6, "balance", 15, 20, "Yoga"),
        ],
        per_week=(2, 3, 4),
    )


def _anyone(h: _History) -> None:
    h.scans.append(
        _ScanSpec(
            60,
            "hologic",
            "Horizon W",
            "High Street Diagnostics",
            _sites("0.985", "0.880", "0.760"),
            by_clinician=False,
        )
    )
    h.exercise(
        4,
        [(2, "aerobic", 30, 45, "Walk"), (5, "posture", 20, 30, "Pilates")],
        per_week=(1, 2),
    )


CAST = {
    "margaret@example.com": _margaret,
    "rosa@example.com": _rosa,
    "olive@example.com": _olive,
}


def has_history(patient: Patient) -> bool:
    return any(
        model.objects.filter(patient=patient).exists()
        for model in (kind.model for kind in KINDS.values())
    )


def seed_history(patient: Patient, *, today: date, clinician: User | None = None) -> None:
    """Grow the demo history for `patient` (chosen by e-mail); no-op if any record exists.

    Self-reported entries are entered by the patient; doses, measured heights,
    labs and most scans by `clinician`, or by the patient when there is none.
    """
    if has_history(patient):
        return
    email = patient.user.email.lower()
    history = _History(patient, today, clinician, random.Random(f"bonetrack-demo:{email}"))
    CAST.get(email, _anyone)(history)
    history.save()
