"""The engine's input: one patient's history as frozen dataclasses.

Everything here is plain data. The records app loads a patient's rows and
builds one `PatientHistory`; `clinical.assess.assess(history, today)` reads it.

Conventions (shared with the loader):

- Callers may pass the tuples (scans, courses, doses, fractures, ...) in any
  order: the engine sorts by date (then id) wherever order matters.
- BMD is `Decimal` in g/cm² (3 dp), T- and Z-scores `Decimal` (1 dp), heights
  `Decimal` cm. Ints, strings and floats are converted on construction
  (floats through `str`, so 0.1 stays 0.1); anything else is rejected.
- A course's `start` is the first day on the drug and `end` the LAST day on
  it (inclusive); `end=None` means it is still running. For the drugs a
  clinician gives at intervals, record each injection or infusion as a `Dose`.
- Codes are validated on construction so a loader bug fails loudly, not as a
  silently missing warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from tracker.clinical.drugs import CATALOGUE

Sex = Literal["female", "male"]
SEXES: tuple[str, ...] = ("female", "male")

MenopausalStatus = Literal["premenopausal", "perimenopausal", "postmenopausal", "not_applicable"]
MENOPAUSAL_STATUSES: tuple[str, ...] = (
    "premenopausal",
    "perimenopausal",
    "postmenopausal",
    "not_applicable",
)

# Section 1: the four sites that classify, then three that are stored only.
CLASSIFYING_SITES: tuple[str, ...] = ("lumbar_spine", "total_hip", "femoral_neck", "radius_33")
STORED_ONLY_SITES: tuple[str, ...] = ("trochanter", "wards", "total_body")
SITES: tuple[str, ...] = CLASSIFYING_SITES + STORED_ONLY_SITES
SITE_LABELS: Mapping[str, str] = {
    "lumbar_spine": "lumbar spine",
    "total_hip": "total hip",
    "femoral_neck": "femoral neck",
    "radius_33": "33% radius",
    "trochanter": "trochanter",
    "wards": "Ward's area",
    "total_body": "total body",
}
SIDES: tuple[str, ...] = ("left", "right", "none")

MANUFACTURERS: tuple[str, ...] = ("hologic", "ge_lunar", "other")

STOP_REASONS: tuple[str, ...] = (
    "course_completed",
    "drug_holiday",
    "side_effects",
    "switched",
    "other",
)

# Section 7: fracture sites; the major osteoporotic ones follow FRAX.
FRACTURE_SITES: tuple[str, ...] = (
    "hip",
    "clinical_vertebral",
    "imaging_vertebral",
    "wrist_forearm",
    "upper_arm",
    "other",
)
FRACTURE_SITE_LABELS: Mapping[str, str] = {
    "hip": "hip",
    "clinical_vertebral": "spine",
    "imaging_vertebral": "spine (found on imaging)",
    "wrist_forearm": "wrist or forearm",
    "upper_arm": "upper arm",
    "other": "other site",
}
VERTEBRAL_FRACTURE_SITES: tuple[str, ...] = ("clinical_vertebral", "imaging_vertebral")
MAJOR_OSTEOPOROTIC_FRACTURE_SITES: tuple[str, ...] = (
    "hip",
    "clinical_vertebral",
    "wrist_forearm",
    "upper_arm",
)

EVENT_KINDS: tuple[str, ...] = ("heart_attack", "stroke", "blood_clot")

# Section 3.3 covers one to four lumbar vertebrae.
MIN_VERTEBRAE = 1
MAX_VERTEBRAE = 4


def to_decimal(value: object, name: str) -> Decimal:
    """Convert a number to Decimal exactly as written (floats via their repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number, not a bool")
    if isinstance(value, int | float | str):
        return Decimal(str(value))
    raise TypeError(f"{name} must be a Decimal, int, float or str, not {type(value).__name__}")


def _optional_decimal(obj: object, attr: str) -> None:
    value = getattr(obj, attr)
    if value is not None:
        object.__setattr__(obj, attr, to_decimal(value, attr))


def _check_choice(value: str, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


def _as_tuple(obj: object, attr: str) -> None:
    # Lists are accepted for convenience and frozen here, so the dataclass stays hashable.
    object.__setattr__(obj, attr, tuple(getattr(obj, attr)))


@dataclass(frozen=True)
class RiskFactors:
    """FRAX inputs (section 8), also used for the baseline-scan indications (section 4)."""

    current_smoking: bool = False
    alcohol_3_or_more_units: bool = False
    # Oral glucocorticoids >= 5 mg/day prednisolone-equivalent for >= 3 months.
    glucocorticoids: bool = False
    glucocorticoids_since: date | None = None
    parental_hip_fracture: bool = False
    rheumatoid_arthritis: bool = False
    secondary_causes: bool = False

    @property
    def any(self) -> bool:
        return (
            self.current_smoking
            or self.alcohol_3_or_more_units
            or self.glucocorticoids
            or self.parental_hip_fracture
            or self.rheumatoid_arthritis
            or self.secondary_causes
        )


@dataclass(frozen=True)
class Profile:
    birth_date: date
    sex: str
    menopausal_status: str
    tallest_height_cm: Decimal | None = None
    risk_factors: RiskFactors = field(default_factory=RiskFactors)

    def __post_init__(self) -> None:
        _check_choice(self.sex, SEXES, "sex")
        _check_choice(self.menopausal_status, MENOPAUSAL_STATUSES, "menopausal_status")
        _optional_decimal(self, "tallest_height_cm")


@dataclass(frozen=True)
class SiteResult:
    site: str
    side: str
    bmd: Decimal
    t_score: Decimal | None
    z_score: Decimal | None
    # Lumbar spine only: how many of L1-L4 were used (section 3.3).
    vertebrae_count: int = 4
    # The facility's least significant change for this site, when its report gives one.
    facility_lsc_g: Decimal | None = None
    facility_lsc_pct: Decimal | None = None

    def __post_init__(self) -> None:
        _check_choice(self.site, SITES, "site")
        _check_choice(self.side, SIDES, "side")
        object.__setattr__(self, "bmd", to_decimal(self.bmd, "bmd"))
        for attr in ("t_score", "z_score", "facility_lsc_g", "facility_lsc_pct"):
            _optional_decimal(self, attr)
        if not MIN_VERTEBRAE <= self.vertebrae_count <= MAX_VERTEBRAE:
            raise ValueError(
                f"vertebrae_count must be {MIN_VERTEBRAE}-{MAX_VERTEBRAE}; "
                f"got {self.vertebrae_count}"
            )


@dataclass(frozen=True)
class Scan:
    id: int
    date: date
    manufacturer: str
    model: str = ""
    facility: str = ""
    vertebral_fracture_found: bool = False
    sites: tuple[SiteResult, ...] = ()
    # Optional extra: menopausal status at the time of this scan, when known.
    # None means "use the profile's current status" (section 2.2 needs it per scan).
    menopausal_status: str | None = None

    def __post_init__(self) -> None:
        _check_choice(self.manufacturer, MANUFACTURERS, "manufacturer")
        if self.menopausal_status is not None:
            _check_choice(self.menopausal_status, MENOPAUSAL_STATUSES, "menopausal_status")
        _as_tuple(self, "sites")


@dataclass(frozen=True)
class Dose:
    id: int
    date: date


@dataclass(frozen=True)
class Course:
    id: int
    drug: str
    start: date
    # Last day on the drug, inclusive; None while the course is running.
    end: date | None = None
    stop_reason: str | None = None
    doses: tuple[Dose, ...] = ()
    # Set by a clinician: an overlap with another course is deliberate (DRUG-OVERLAP).
    intended_overlap: bool = False

    def __post_init__(self) -> None:
        _check_choice(self.drug, tuple(CATALOGUE), "drug")
        if self.stop_reason is not None:
            _check_choice(self.stop_reason, STOP_REASONS, "stop_reason")
        if self.end is not None and self.end < self.start:
            raise ValueError(f"course {self.id}: end {self.end} is before start {self.start}")
        _as_tuple(self, "doses")


@dataclass(frozen=True)
class Fracture:
    id: int
    date: date
    site: str
    # A fall from standing height or less (section 7).
    fragility: bool

    def __post_init__(self) -> None:
        _check_choice(self.site, FRACTURE_SITES, "fracture site")


@dataclass(frozen=True)
class Fall:
    id: int
    date: date
    injured: bool


@dataclass(frozen=True)
class Height:
    id: int
    date: date
    cm: Decimal
    # True when measured with a stadiometer, False when reported by the patient.
    measured: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "cm", to_decimal(self.cm, "cm"))


@dataclass(frozen=True)
class ClinicalEvent:
    id: int
    date: date
    kind: str

    def __post_init__(self) -> None:
        _check_choice(self.kind, EVENT_KINDS, "event kind")


@dataclass(frozen=True)
class FraxResult:
    """A FRAX result a clinician copied from the official calculator (section 10):
    10-year probabilities in %, one decimal. The engine never calculates FRAX."""

    id: int
    date: date
    major: Decimal  # a major osteoporotic fracture
    hip: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "major", to_decimal(self.major, "major"))
        object.__setattr__(self, "hip", to_decimal(self.hip, "hip"))


@dataclass(frozen=True)
class Overrides:
    """Per-patient settings a clinician may change.

    `facility_lsc_pct` is an immutable tuple of `(site_code, percent)` pairs,
    e.g. `(("lumbar_spine", Decimal("3.0")),)`; a dict is accepted and frozen
    into that form. Look values up with `lsc_pct_for(site)`.
    """

    scan_interval_months: int | None = None
    scan_interval_reason: str = ""
    target_t_score: Decimal | None = None
    facility_lsc_pct: tuple[tuple[str, Decimal], ...] = ()

    def __post_init__(self) -> None:
        _optional_decimal(self, "target_t_score")
        raw = self.facility_lsc_pct
        pairs = raw.items() if isinstance(raw, Mapping) else raw
        frozen = []
        for site, pct in pairs:
            _check_choice(site, SITES, "facility_lsc_pct site")
            frozen.append((site, to_decimal(pct, "facility_lsc_pct")))
        if len({site for site, _ in frozen}) != len(frozen):
            raise ValueError("facility_lsc_pct names a site twice")
        object.__setattr__(self, "facility_lsc_pct", tuple(sorted(frozen)))
        if self.scan_interval_months is not None and self.scan_interval_months < 1:
            raise ValueError("scan_interval_months must be at least 1")

    def lsc_pct_for(self, site: str) -> Decimal | None:
        for code, pct in self.facility_lsc_pct:
            if code == site:
                return pct
        return None


@dataclass(frozen=True)
class PatientHistory:
    """Everything the engine knows about one patient. Items may come in any order."""

    profile: Profile
    scans: tuple[Scan, ...] = ()
    courses: tuple[Course, ...] = ()
    fractures: tuple[Fracture, ...] = ()
    falls: tuple[Fall, ...] = ()
    heights: tuple[Height, ...] = ()
    events: tuple[ClinicalEvent, ...] = ()
    overrides: Overrides = field(default_factory=Overrides)
    # Issue 12: shown beside the headline; no rule reads them.
    frax_results: tuple[FraxResult, ...] = ()

    def __post_init__(self) -> None:
        for attr in ("scans", "courses", "fractures", "falls", "heights", "events"):
            _as_tuple(self, attr)
        _as_tuple(self, "frax_results")

    @property
    def latest_frax(self) -> FraxResult | None:
        return max(self.frax_results, key=lambda r: (r.date, r.id), default=None)
