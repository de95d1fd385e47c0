"""FRAX (rule book sections 8 and 10): what BoneTrack holds of its inputs, and the
checks on a result a clinician copies from the official calculator.

FRAX's equations are not published (section 10), so BoneTrack never calculates a
probability: it gathers the inputs in one place, says which are missing, links to
the official calculator (University of Sheffield) and records what it gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.clinical.dates import age_on, display_date
from tracker.clinical.history import FRACTURE_SITE_LABELS, PatientHistory, Scan, SiteResult

SOURCE = "FRAX, University of Sheffield (rule book sections 8 and 10)"
# The official calculator: a link the user follows; the app never calls it.
CALCULATOR_URL = "https://frax.shef.ac.uk/FRAX/"
# The calculator takes ages 40 to 90 (it computes younger people as 40, older as 90).
FRAX_MIN_AGE = 40
FRAX_MAX_AGE = 90
# A 10-year probability is a percentage; the hip fracture probability is part of the
# major osteoporotic one (hip, clinical spine, forearm, upper arm: section 7), so it
# is never the larger.
PROBABILITY_MIN = Decimal(0)
PROBABILITY_MAX = Decimal(100)

MAKE_LABELS = {"hologic": "Hologic", "ge_lunar": "GE Lunar", "other": "another make"}


@dataclass(frozen=True, kw_only=True)
class FraxInput:
    code: str
    label: str  # plain words first, an abbreviation only beside them
    value: str | None  # as shown; None when BoneTrack does not hold it
    note: str = ""  # where it comes from, or what to do when it is missing

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True, kw_only=True)
class FraxInputs:
    items: tuple[FraxInput, ...]

    @property
    def missing(self) -> tuple[FraxInput, ...]:
        return tuple(item for item in self.items if item.missing)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _age(history: PatientHistory, today: date) -> FraxInput:
    age = age_on(history.profile.birth_date, today)
    note = f"born {display_date(history.profile.birth_date)}"
    if not FRAX_MIN_AGE <= age <= FRAX_MAX_AGE:
        note += f"; the calculator takes ages {FRAX_MIN_AGE} to {FRAX_MAX_AGE}"
    return FraxInput(code="age", label="Age", value=f"{age} years", note=note)


def _height(history: PatientHistory) -> FraxInput:
    latest = max(history.heights, key=lambda h: (h.date, h.measured, h.id), default=None)
    if latest is None:
        return FraxInput(
            code="height", label="Height", value=None, note="no height recorded: measure it"
        )
    how = "measured" if latest.measured else "self-reported"
    return FraxInput(
        code="height",
        label="Height",
        value=f"{latest.cm} cm",
        note=f"{how}, {display_date(latest.date)}",
    )


def _previous_fracture(history: PatientHistory) -> FraxInput:
    fractures = sorted((f for f in history.fractures if f.fragility), key=lambda f: f.date)
    found = [f"{FRACTURE_SITE_LABELS[f.site]} ({display_date(f.date)})" for f in fractures]
    found += [
        f"spine, found on the scan of {display_date(scan.date)}"
        for scan in sorted(history.scans, key=lambda s: s.date)
        if scan.vertebral_fracture_found
    ]
    if not found:
        return FraxInput(
            code="previous_fracture",
            label="Previous fracture from a small fall",
            value="no",
            note="none recorded",
        )
    return FraxInput(
        code="previous_fracture",
        label="Previous fracture from a small fall",
        value="yes",
        note="; ".join(found),
    )


def _femoral_neck(history: PatientHistory) -> FraxInput:
    label = "Bone density at the hip (femoral neck BMD)"
    scan, results = _latest_femoral_neck(history.scans)
    if scan is None:
        return FraxInput(
            code="femoral_neck",
            label=label,
            value=None,
            note="no femoral neck result on any scan: the calculator can work without it "
            "(it then uses weight and height)",
        )
    values = [
        f"{result.bmd} g/cm²"
        + (f", T-score {result.t_score}" if result.t_score is not None else "")
        + (f" ({result.side})" if result.side != "none" else "")
        for result in results
    ]
    return FraxInput(
        code="femoral_neck",
        label=label,
        value="; ".join(values),
        note=f"scan of {display_date(scan.date)} on a {MAKE_LABELS[scan.manufacturer]} "
        "scanner: choose this make in the calculator",
    )


def _latest_femoral_neck(scans) -> tuple[Scan | None, list[SiteResult]]:
    for scan in sorted(scans, key=lambda s: (s.date, s.id), reverse=True):
        results = [r for r in scan.sites if r.site == "femoral_neck"]
        if results:
            return scan, sorted(results, key=lambda r: r.side)
    return None, []


# The profile's yes/no risk factors (rule book section 8), in the calculator's order:
# (input code, label, field of the profile's risk factors).
PROFILE_FACTORS: tuple[tuple[str, str, str], ...] = (
    ("parental_hip_fracture", "A parent broke a hip", "parental_hip_fracture"),
    ("current_smoking", "Smokes now", "current_smoking"),
    (
        "glucocorticoids",
        "Steroid tablets (glucocorticoids) for 3 months or more",
        "glucocorticoids",
    ),
    ("rheumatoid_arthritis", "Rheumatoid arthritis", "rheumatoid_arthritis"),
    (
        "secondary_causes",
        "Other illness that thins the bones (secondary osteoporosis)",
        "secondary_causes",
    ),
    ("alcohol", "Alcohol 3 or more units a day", "alcohol_3_or_more_units"),
)


def frax_inputs(history: PatientHistory, today: date) -> FraxInputs:
    """Every FRAX input in the calculator's order: what the record holds, and what not."""
    profile, risk = history.profile, history.profile.risk_factors
    from_profile = "from the profile"
    return FraxInputs(
        items=(
            _age(history, today),
            FraxInput(code="sex", label="Sex", value=profile.sex, note=from_profile),
            FraxInput(
                code="weight",
                label="Weight",
                value=None,
                note="BoneTrack does not record weight: the calculator asks for it",
            ),
            _height(history),
            _previous_fracture(history),
            *(
                FraxInput(
                    code=code, label=label, value=_yes_no(getattr(risk, field)), note=from_profile
                )
                for code, label, field in PROFILE_FACTORS
            ),
            _femoral_neck(history),
        )
    )


def check_result(*, major: Decimal, hip: Decimal) -> tuple[tuple[str, str], ...]:
    """(field, message) for each thing wrong with a recorded result; empty when right."""
    problems = []
    for name, value in (("major", major), ("hip", hip)):
        if not PROBABILITY_MIN <= value <= PROBABILITY_MAX:
            problems.append(
                (name, f"A probability is between {PROBABILITY_MIN} and {PROBABILITY_MAX} %.")
            )
    if not problems and hip > major:
        problems.append(
            (
                "hip",
                "The hip fracture probability cannot be higher than the major osteoporotic "
                "fracture probability: a hip fracture is one of the major fractures.",
            )
        )
    return tuple(problems)
