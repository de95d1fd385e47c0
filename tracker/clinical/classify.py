"""Section 2: WHO category of the latest scan, Z-score mode, standing diagnosis.

The latest scan's category and the standing diagnosis are separate results:
a diagnosis of osteoporosis, once made, is never downgraded by a better scan
(AACE/ACE 2020), and the page shows both. The standing diagnosis is only ever
"osteoporosis"; "severe" describes the latest scan only (section 11.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from tracker.clinical.dates import age_on, birthday, display_date
from tracker.clinical.history import (
    CLASSIFYING_SITES,
    FRACTURE_SITE_LABELS,
    SITE_LABELS,
    PatientHistory,
    Profile,
    Scan,
    SiteResult,
)

# Section 2.1, WHO 1994 / ISCD / AACE 2020: boundaries exact on one decimal.
T_NORMAL_MIN = Decimal("-1.0")  # T >= -1.0 is normal
T_OSTEOPOROSIS_MAX = Decimal("-2.5")  # T <= -2.5 is osteoporosis
# Section 2.2, ISCD official positions: Z <= -2.0 is below the expected range for age.
Z_BELOW_EXPECTED_MAX = Decimal("-2.0")
# Section 2.2 [ours: adult app]: no densitometric category under 20.
MIN_AGE_FOR_CATEGORY = 20
# Section 2.1/2.2: WHO labels for men from 50 (ISCD); also used for women whose
# menopausal status is "not_applicable" [ours: the age the WHO rule uses for men].
WHO_MIN_AGE_MEN = 50
# Section 11.7 (AACE 2020): a hip or CLINICAL vertebral fragility fracture
# establishes osteoporosis whatever the T-score; a wrist/forearm or upper arm one
# does so with low bone mass. A vertebral fracture found on imaging (a fracture
# record or a VFA finding on a scan) is in neither list: it counts towards
# "severe" on the latest scan (section 2.1), but does not diagnose on its own.
FRACTURE_ESTABLISHES_ANY_BMD: tuple[str, ...] = ("hip", "clinical_vertebral")
FRACTURE_ESTABLISHES_WITH_LOW_MASS: tuple[str, ...] = ("wrist_forearm", "upper_arm")

Mode = Literal["who", "z_score", "none"]

NORMAL = "normal"
LOW_BONE_MASS = "low_bone_mass"
OSTEOPOROSIS = "osteoporosis"
SEVERE_OSTEOPOROSIS = "severe_osteoporosis"
BELOW_EXPECTED_RANGE = "below_expected_range"
WITHIN_EXPECTED_RANGE = "within_expected_range"
NO_CATEGORY = "no_category"
NO_SCAN = "no_scan"

CATEGORY_LABELS: dict[str, str] = {
    NORMAL: "Normal bone density",
    LOW_BONE_MASS: "Low bone mass (osteopenia)",
    OSTEOPOROSIS: "Osteoporosis",
    SEVERE_OSTEOPOROSIS: "Severe (established) osteoporosis",
    BELOW_EXPECTED_RANGE: "Below the expected range for age",
    WITHIN_EXPECTED_RANGE: "Within the expected range for age",
    NO_CATEGORY: "No category",
    NO_SCAN: "No scan on record",
}

SOURCE_WHO = "WHO 1994; ISCD; AACE/ACE 2020 (section 2.1)"
SOURCE_Z = "ISCD official positions (section 2.2)"


@dataclass(frozen=True, kw_only=True)
class Classification:
    """The category of one scan (the most recent one that can be classified)."""

    mode: Mode
    category: str
    label: str
    # The lowest T-score (WHO mode) or Z-score (Z-score mode) and where it was.
    score: Decimal | None
    site: str | None
    side: str | None
    scan_id: int | None
    scan_date: date | None
    reason: str
    source: str


@dataclass(frozen=True, kw_only=True)
class StandingDiagnosis:
    """Osteoporosis once diagnosed stands, even when a later scan looks better."""

    category: str | None  # OSTEOPOROSIS or None: never "severe" (section 11.7)
    label: str
    since: date | None
    basis: tuple[str, ...]
    # True when the latest scan alone would say less: show both, never downgrade silently.
    differs_from_latest_scan: bool
    source: str = "AACE/ACE 2020 (section 2.1)"


def classification_mode(profile: Profile, on: date, status: str | None = None) -> tuple[Mode, str]:
    """Which scale applies on a day, and why (section 2.2)."""
    age = age_on(profile.birth_date, on)
    if age < MIN_AGE_FOR_CATEGORY:
        return "none", f"under {MIN_AGE_FOR_CATEGORY}: no bone density category for children"
    if profile.sex == "male":
        if age >= WHO_MIN_AGE_MEN:
            return "who", f"man aged {WHO_MIN_AGE_MEN} or over: WHO T-score categories"
        return "z_score", f"man under {WHO_MIN_AGE_MEN}: Z-score compared with people of his age"
    status = status or profile.menopausal_status
    if status in ("postmenopausal", "perimenopausal"):
        # ISCD applies T-scores from the menopausal transition on.
        return "who", f"{status} woman: WHO T-score categories"
    if status == "premenopausal":
        return "z_score", "premenopausal woman: Z-score compared with women of her age"
    if age >= WHO_MIN_AGE_MEN:
        return "who", f"woman aged {WHO_MIN_AGE_MEN} or over: WHO T-score categories"
    return "z_score", f"woman under {WHO_MIN_AGE_MEN}: Z-score compared with women of her age"


def mode_edges(profile: Profile) -> list[date]:
    """The birthdays on which `classification_mode` read on today may change: 20 (a
    category at all) and 50 (WHO categories for men, and for women without a
    menopausal status)."""
    return [birthday(profile.birth_date, age) for age in (MIN_AGE_FOR_CATEGORY, WHO_MIN_AGE_MEN)]


def who_category(t_score: Decimal, fragility_fracture: bool = False) -> str:
    """WHO category of one T-score; severe needs a fragility fracture too."""
    if t_score <= T_OSTEOPOROSIS_MAX:
        return SEVERE_OSTEOPOROSIS if fragility_fracture else OSTEOPOROSIS
    if t_score < T_NORMAL_MIN:
        return LOW_BONE_MASS
    return NORMAL


def z_category(z_score: Decimal) -> str:
    if z_score <= Z_BELOW_EXPECTED_MAX:
        return BELOW_EXPECTED_RANGE
    return WITHIN_EXPECTED_RANGE


def lowest_result(
    scan: Scan, score: Literal["t_score", "z_score"]
) -> tuple[SiteResult, Decimal] | None:
    """The classifying site with the lowest score, and that score.

    Trochanter, Ward's area and total body never count (section 1).
    """
    scored = [
        (result, value)
        for result in scan.sites
        if result.site in CLASSIFYING_SITES and (value := getattr(result, score)) is not None
    ]
    if not scored:
        return None
    return min(scored, key=lambda pair: pair[1])


def _mode_for_scan(profile: Profile, scan: Scan) -> tuple[Mode, str]:
    return classification_mode(profile, scan.date, scan.menopausal_status)


def first_fragility_day(history: PatientHistory) -> date | None:
    """The first fragility fracture on record, a VFA finding on a scan included."""
    days = [f.date for f in history.fractures if f.fragility]
    days += [scan.date for scan in history.scans if scan.vertebral_fracture_found]
    return min(days, default=None)


def severe_since(history: PatientHistory, latest: Classification) -> date | None:
    """When the latest scan became "severe" (section 2.1, 11.7): the later of the scan
    and the first fragility fracture; None when the latest scan is not severe."""
    if latest.category != SEVERE_OSTEOPOROSIS:
        return None
    assert latest.scan_date is not None
    fractured = first_fragility_day(history)
    assert fractured is not None
    return max(latest.scan_date, fractured)


def sorted_scans(history: PatientHistory) -> list[Scan]:
    return sorted(history.scans, key=lambda scan: (scan.date, scan.id))


def classify_latest(history: PatientHistory) -> Classification:
    """Category of the most recent scan that carries a score the patient's scale can use."""
    scans = sorted_scans(history)
    if not scans:
        return Classification(
            mode="none",
            category=NO_SCAN,
            label=CATEGORY_LABELS[NO_SCAN],
            score=None,
            site=None,
            side=None,
            scan_id=None,
            scan_date=None,
            reason="",
            source="",
        )
    for scan in reversed(scans):
        mode, why = _mode_for_scan(history.profile, scan)
        if mode == "none":
            continue
        found = lowest_result(scan, "t_score" if mode == "who" else "z_score")
        if found is None:
            continue
        result, score = found
        if mode == "who":
            category = who_category(score, first_fragility_day(history) is not None)
            source = SOURCE_WHO
            what = f"lowest T-score {score} at {SITE_LABELS[result.site]}"
        else:
            category = z_category(score)
            source = SOURCE_Z
            what = f"lowest Z-score {score} at {SITE_LABELS[result.site]}"
        return Classification(
            mode=mode,
            category=category,
            label=CATEGORY_LABELS[category],
            score=score,
            site=result.site,
            side=result.side,
            scan_id=scan.id,
            scan_date=scan.date,
            reason=f"{why}; {what} on the scan of {display_date(scan.date)}",
            source=source,
        )
    latest = scans[-1]
    mode, why = _mode_for_scan(history.profile, latest)
    if mode == "none":
        reason = why
    else:
        wanted = "T-score" if mode == "who" else "Z-score"
        reason = (
            f"{why}; no scan has a {wanted} at lumbar spine, total hip, femoral neck or 33% radius"
        )
    return Classification(
        mode=mode,
        category=NO_CATEGORY,
        label=CATEGORY_LABELS[NO_CATEGORY],
        score=None,
        site=None,
        side=None,
        scan_id=latest.id,
        scan_date=latest.date,
        reason=reason,
        source=SOURCE_Z if mode == "z_score" else SOURCE_WHO,
    )


def standing_diagnosis(history: PatientHistory, latest: Classification) -> StandingDiagnosis:
    """Osteoporosis established at any time (section 2.1, 11.7); `latest` is classify_latest().

    Only ever "osteoporosis" (or none): "severe" describes the latest scan only.
    """
    profile = history.profile
    # (date, reason) pairs; only days on which the WHO scale applied can diagnose.
    by_bmd: list[tuple[date, str]] = []
    low_mass_days: list[date] = []
    for scan in sorted_scans(history):
        mode, _ = _mode_for_scan(profile, scan)
        found = lowest_result(scan, "t_score")
        if mode != "who" or found is None:
            continue
        result, t_score = found
        if t_score <= T_OSTEOPOROSIS_MAX:
            by_bmd.append(
                (
                    scan.date,
                    f"T-score {t_score} at {SITE_LABELS[result.site]} on {display_date(scan.date)}",
                )
            )
        if t_score < T_NORMAL_MIN:
            low_mass_days.append(scan.date)

    by_fracture: list[tuple[date, str]] = []
    for fracture in sorted(history.fractures, key=lambda f: (f.date, f.id)):
        if not fracture.fragility:
            continue
        if classification_mode(profile, fracture.date)[0] != "who":
            continue
        if fracture.site in FRACTURE_ESTABLISHES_ANY_BMD:
            by_fracture.append(
                (
                    fracture.date,
                    f"fragility fracture ({FRACTURE_SITE_LABELS[fracture.site]}) "
                    f"on {display_date(fracture.date)}",
                )
            )
        elif fracture.site in FRACTURE_ESTABLISHES_WITH_LOW_MASS and low_mass_days:
            by_fracture.append(
                (
                    max(fracture.date, low_mass_days[0]),
                    f"fragility fracture ({FRACTURE_SITE_LABELS[fracture.site]}) "
                    f"on {display_date(fracture.date)} with low bone mass",
                )
            )

    bases = sorted(by_bmd + by_fracture)
    if not bases:
        return StandingDiagnosis(
            category=None,
            label="No standing diagnosis of osteoporosis",
            since=None,
            basis=(),
            differs_from_latest_scan=False,
        )
    return StandingDiagnosis(
        category=OSTEOPOROSIS,
        label=CATEGORY_LABELS[OSTEOPOROSIS],
        since=bases[0][0],
        basis=tuple(reason for _, reason in bases),
        differs_from_latest_scan=latest.category not in (OSTEOPOROSIS, SEVERE_OSTEOPOROSIS),
    )
