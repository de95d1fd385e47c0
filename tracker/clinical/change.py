"""Section 3: is a change in BMD real? Least significant change and comparability.

Change is judged on BMD in g/cm², never on T-scores. Each scan's result at a
site and side is compared with the baseline (first scan of its trend segment)
and with the previous scan of that segment, as the vendors' trend tables do.
A change of scanner make starts a new segment: no change is computed across it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from tracker.clinical.history import (
    CLASSIFYING_SITES,
    SITE_LABELS,
    Overrides,
    PatientHistory,
    Scan,
    SiteResult,
)

# Section 3.1 (ISCD precision calculator): LSC = 2.77 x precision error (95 % confidence).
LSC_PRECISION_FACTOR = Decimal("2.77")

# Section 3.2 [ours, conservative; from ISCD minimum acceptable technologist precision]:
# default LSC in % of the reference BMD when the facility gives none.
DEFAULT_LSC_PCT: Mapping[str, Decimal] = {
    "lumbar_spine": Decimal("5.3"),
    "total_hip": Decimal("5.0"),
    "femoral_neck": Decimal("6.9"),
    "radius_33": Decimal("6.9"),  # [ours]
}

# Section 3.3 (Manitoba BMD Registry, J Clin Densitom 2024): fewer lumbar
# vertebrae widen the LSC.
VERTEBRAE_LSC_MULTIPLIER: Mapping[int, Decimal] = {
    4: Decimal("1.00"),
    3: Decimal("1.07"),
    2: Decimal("1.24"),
    1: Decimal("1.65"),
}

# BMD is recorded to 3 dp (section 1); the LSC is shown rounded UP to that step,
# which gives the same verdict as the exact value for any 3-dp delta.
BMD_STEP = Decimal("0.001")
PCT_STEP = Decimal("0.1")

MANUFACTURER_LABELS: Mapping[str, str] = {
    "hologic": "Hologic",
    "ge_lunar": "GE Lunar",
    "other": "another make",
}

SOURCE = "ISCD precision calculator; Genant 1994 (section 3)"

LscSource = Literal["clinician", "facility_g", "facility_pct", "default"]
Direction = Literal["increase", "decrease", "stable"]


@dataclass(frozen=True, kw_only=True)
class Comparability:
    same_make: bool
    uncertain: bool
    reasons: tuple[str, ...]

    @property
    def status(self) -> Literal["comparable", "uncertain", "not_comparable"]:
        if not self.same_make:
            return "not_comparable"
        return "uncertain" if self.uncertain else "comparable"


@dataclass(frozen=True, kw_only=True)
class Change:
    """One comparison of a site's BMD with a reference scan."""

    ref_scan_id: int
    ref_date: date
    ref_bmd: Decimal
    delta_g: Decimal
    pct: Decimal  # rounded to 0.1 for display
    lsc_g: Decimal  # rounded up to 0.001; significant iff abs(delta_g) >= lsc_g
    lsc_pct: Decimal  # lsc_g as % of ref_bmd, rounded to 0.1
    lsc_source: LscSource
    estimated: bool  # True when the default LSC was used: show the word "estimated"
    significant: bool
    direction: Direction
    comparability: Literal["comparable", "uncertain"]
    notes: tuple[str, ...]
    days: int


@dataclass(frozen=True, kw_only=True)
class ChangeRow:
    """One site and side on one scan, with its change against baseline and previous."""

    scan_id: int
    scan_date: date
    site: str
    side: str
    bmd: Decimal
    segment: int  # trend segment; a new scanner make starts the next one
    is_baseline: bool
    new_segment_reason: str
    vs_baseline: Change | None
    vs_previous: Change | None


def lsc_from_precision(precision_error_g: Decimal) -> Decimal:
    """A facility's LSC in g/cm² from its precision error (RMS-SD), section 3.1."""
    return LSC_PRECISION_FACTOR * precision_error_g


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def same_make(a: Scan, b: Scan) -> bool:
    """Same manufacturer. Two "other" scans count as one make only with the same model.

    "other" hides the real make, so without a matching model the safer reading
    is "not comparable".
    """
    if a.manufacturer != b.manufacturer:
        return False
    if a.manufacturer != "other":
        return True
    return bool(_norm(a.model)) and _norm(a.model) == _norm(b.model)


def comparability(now: Scan, ref: Scan) -> Comparability:
    """Section 3.4: different make -> not comparable; other model or facility -> uncertain."""
    if not same_make(now, ref):
        return Comparability(
            same_make=False,
            uncertain=False,
            reasons=(
                f"different scanner make ({MANUFACTURER_LABELS[ref.manufacturer]} then "
                f"{MANUFACTURER_LABELS[now.manufacturer]})",
            ),
        )
    reasons = []
    if _norm(now.model) != _norm(ref.model):
        reasons.append("different scanner model")
    if _norm(now.facility) != _norm(ref.facility):
        reasons.append("different facility")
    return Comparability(same_make=True, uncertain=bool(reasons), reasons=tuple(reasons))


def _facility_lsc(result: SiteResult, ref_bmd: Decimal) -> tuple[LscSource, Decimal] | None:
    """A scan's own facility LSC in g/cm², g/cm² before % (section 3.2), if it gives one."""
    if result.facility_lsc_g is not None:
        return "facility_g", result.facility_lsc_g
    if result.facility_lsc_pct is not None:
        return "facility_pct", result.facility_lsc_pct / 100 * ref_bmd
    return None


def _lsc_base(
    site: str, now: SiteResult, ref: SiteResult, overrides: Overrides, other_facility: bool
) -> tuple[LscSource, Decimal]:
    """Which LSC applies, in g/cm² before any vertebrae multiplier: (source, lsc).

    A clinician's per-patient figure wins over what a scan report says (section
    11.8); then the facility's: when only one scan gives one, that one (section
    11.22); when both do and the facilities differ, the larger (section 11.8);
    otherwise the newer scan's. Else the default for the site.
    """
    clinician_pct = overrides.lsc_pct_for(site)
    if clinician_pct is not None:
        return "clinician", clinician_pct / 100 * ref.bmd
    given = [lsc for lsc in (_facility_lsc(now, ref.bmd), _facility_lsc(ref, ref.bmd)) if lsc]
    if given and other_facility:
        return max(given, key=lambda lsc: lsc[1])
    if given:
        return given[0]
    return "default", DEFAULT_LSC_PCT[site] / 100 * ref.bmd


def compare(
    now_scan: Scan,
    now: SiteResult,
    ref_scan: Scan,
    ref: SiteResult,
    overrides: Overrides | None = None,
) -> Change:
    """Change of one site from `ref` to `now` (section 3.2). Scans must be the same make."""
    overrides = overrides or Overrides()
    comp = comparability(now_scan, ref_scan)
    if not comp.same_make:
        raise ValueError("no change is computed across scanner makes (section 3.4)")
    notes = list(comp.reasons)
    uncertain = comp.uncertain

    delta = now.bmd - ref.bmd
    other_facility = _norm(now_scan.facility) != _norm(ref_scan.facility)
    source, lsc_g = _lsc_base(now.site, now, ref, overrides, other_facility)
    if now.site == "lumbar_spine":
        # Section 11.8: the larger multiplier of the two scans; section 11.22: a
        # clinician's LSC is taken as given, without it.
        multiplier = max(
            VERTEBRAE_LSC_MULTIPLIER[now.vertebrae_count],
            VERTEBRAE_LSC_MULTIPLIER[ref.vertebrae_count],
        )
        if source != "clinician":
            lsc_g *= multiplier
        if now.vertebrae_count != ref.vertebrae_count:
            # ISCD compares the same vertebrae; the wider LSC is used meanwhile.
            uncertain = True
            notes.append(
                f"different number of vertebrae ({ref.vertebrae_count} then {now.vertebrae_count})"
            )
    significant = abs(delta) >= lsc_g
    if not significant:
        direction: Direction = "stable"
    elif delta > 0:
        direction = "increase"
    else:
        direction = "decrease"
    return Change(
        ref_scan_id=ref_scan.id,
        ref_date=ref_scan.date,
        ref_bmd=ref.bmd,
        delta_g=delta,
        pct=(100 * delta / ref.bmd).quantize(PCT_STEP, ROUND_HALF_UP),
        lsc_g=lsc_g.quantize(BMD_STEP, ROUND_CEILING),
        lsc_pct=(100 * lsc_g / ref.bmd).quantize(PCT_STEP, ROUND_HALF_UP),
        lsc_source=source,
        estimated=source == "default",
        significant=significant,
        direction=direction,
        comparability="uncertain" if uncertain else "comparable",
        notes=tuple(notes),
        days=(now_scan.date - ref_scan.date).days,
    )


def change_rows(history: PatientHistory) -> tuple[ChangeRow, ...]:
    """Trend table rows for the four classifying sites, oldest scan first."""
    scans = sorted(history.scans, key=lambda scan: (scan.date, scan.id))
    rows: list[ChangeRow] = []
    segment = -1
    previous_scan: Scan | None = None
    # (site, side) -> (scan, result) of the baseline and of the latest in this segment
    baseline: dict[tuple[str, str], tuple[Scan, SiteResult]] = {}
    latest: dict[tuple[str, str], tuple[Scan, SiteResult]] = {}
    for scan in scans:
        segment_reason = ""
        if previous_scan is None or not same_make(scan, previous_scan):
            segment += 1
            if previous_scan is not None:
                segment_reason = (
                    comparability(scan, previous_scan).reasons[0]
                    + ": a new baseline starts here; no change is computed across makes"
                )
            baseline, latest = {}, {}
        previous_scan = scan
        seen: set[tuple[str, str]] = set()
        for result in scan.sites:
            key = (result.site, result.side)
            if result.site not in CLASSIFYING_SITES or key in seen:
                continue
            seen.add(key)
            if key in baseline:
                base_scan, base = baseline[key]
                prev_scan, prev = latest[key]
                vs_baseline = compare(scan, result, base_scan, base, history.overrides)
                vs_previous = compare(scan, result, prev_scan, prev, history.overrides)
                is_baseline = False
            else:
                baseline[key] = (scan, result)
                vs_baseline = vs_previous = None
                is_baseline = True
            latest[key] = (scan, result)
            rows.append(
                ChangeRow(
                    scan_id=scan.id,
                    scan_date=scan.date,
                    site=result.site,
                    side=result.side,
                    bmd=result.bmd,
                    segment=segment,
                    is_baseline=is_baseline,
                    new_segment_reason=segment_reason if is_baseline else "",
                    vs_baseline=vs_baseline,
                    vs_previous=vs_previous,
                )
            )
    return tuple(rows)


def significant_decreases(
    rows: Iterable[ChangeRow],
    sites: Iterable[str],
    after: date | None = None,
    ref_from: date | None = None,
) -> tuple[tuple[ChangeRow, Change], ...]:
    """Significant losses at `sites` on scans dated after `after`.

    Each row is checked against its previous scan, then its baseline; with
    `ref_from`, only reference scans dated on or after that day count.
    """
    wanted = set(sites)
    found = []
    for row in rows:
        if row.site not in wanted or (after is not None and row.scan_date <= after):
            continue
        for change in (row.vs_previous, row.vs_baseline):
            if (
                change is not None
                and change.direction == "decrease"
                and (ref_from is None or change.ref_date >= ref_from)
            ):
                found.append((row, change))
                break
    return tuple(found)


def describe_site(row: ChangeRow) -> str:
    side = "" if row.side == "none" else f" ({row.side})"
    return f"{SITE_LABELS[row.site]}{side}"
