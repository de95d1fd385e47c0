"""Section 1.1 [ours]: is an entered scan value plausible?

Two levels: "reject" refuses the value with a clear message; "check" accepts it
only after the person ticks "I checked this value". A rejected value gets only
its reject finding: a second "check" about the same field would only distract
from the one thing to fix.

Messages are plain language, name the value and the limit, and are shown as
they are: the form does not rephrase them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Literal

from tracker.clinical.dates import display_date

Level = Literal["reject", "check"]

# 1.1 [ours]: BMD in g/cm². Reject when <= 0 or > 2.5; check when < 0.35 or > 1.6.
BMD_REJECT_AT_OR_BELOW = Decimal("0")
BMD_REJECT_ABOVE = Decimal("2.5")
BMD_CHECK_BELOW = Decimal("0.35")
BMD_CHECK_ABOVE = Decimal("1.6")

# 1.1 ("a value of 1200 for BMD is almost always mg/cm²"): a BMD above the reject
# limit that is at least this big, and that divided by 1000 would be a possible
# g/cm² value, gets the "did you mean" hint [ours: below 100 a value is more
# likely a typo than mg/cm², since 99 mg/cm² would be an implausible 0.099 g/cm²].
MG_HINT_MIN = Decimal("100")
MG_PER_G = 1000

# 1.1 [ours]: T- and Z-scores. Reject when < -8 or > +8; check when < -5.0 or > +4.0.
SCORE_REJECT_BELOW = Decimal("-8")
SCORE_REJECT_ABOVE = Decimal("8")
SCORE_CHECK_BELOW = Decimal("-5.0")
SCORE_CHECK_ABOVE = Decimal("4.0")
SCORE_LABELS: dict[str, str] = {"t_score": "T-score", "z_score": "Z-score"}

# 1.1 [ours]: check a change vs the previous scan at the same site and side of
# more than 15 % per year. Years are days / 365.25 so leap years do not move
# the limit.
MAX_CHANGE_PCT_PER_YEAR = Decimal("15")
DAYS_PER_YEAR = Decimal("365.25")

# 1.1 [ours]: check any two scans of one site less than 6 months apart. Six
# months is taken as 183 days (half of 365.25, rounded up) so the rule does not
# depend on month lengths. Such a pair is more often a duplicate entry or a
# mistyped date than a real repeat scan, and is too close to show real change.
MIN_SCAN_GAP_DAYS = 183


@dataclass(frozen=True, kw_only=True)
class Finding:
    field: str  # "bmd", "t_score", "z_score", "date": the form field the message belongs to
    level: Level
    message: str


def _fixed(value: Decimal, places: int) -> str:
    """The value with at least `places` decimals, as reports print it.

    Never rounds: a message about a limit must show the value that was tested
    (2.5004 rounded to "2.500" would seem to be within the limit).
    """
    padded = f"{value:.{places}f}"
    return padded if Decimal(padded) == value else f"{value:f}"


def _signed(value: Decimal) -> str:
    """A score with its sign, as printed on DXA reports ("+4.1", "-5.1")."""
    text = _fixed(value, 1)
    return text if text.startswith("-") else f"+{text}"


def bmd_possible(bmd: Decimal) -> bool:
    """True when check_bmd would not reject the value (0 < BMD <= 2.5 g/cm²)."""
    # is_finite first: ordering a NaN raises InvalidOperation.
    return bmd.is_finite() and BMD_REJECT_AT_OR_BELOW < bmd <= BMD_REJECT_ABOVE


def check_bmd(bmd: Decimal) -> tuple[Finding, ...]:
    """Section 1.1 limits for a BMD in g/cm²."""
    if not bmd.is_finite():
        return (
            Finding(field="bmd", level="reject", message="The BMD must be a number, in g/cm²."),
        )
    shown = _fixed(bmd, 3)
    if bmd <= BMD_REJECT_AT_OR_BELOW:
        return (
            Finding(
                field="bmd",
                level="reject",
                message=f"A BMD of {shown} g/cm² is not possible: it must be greater than "
                f"{BMD_REJECT_AT_OR_BELOW}.",
            ),
        )
    if bmd > BMD_REJECT_ABOVE:
        in_grams = bmd.scaleb(-3)
        if bmd >= MG_HINT_MIN and bmd_possible(in_grams):
            return (
                Finding(
                    field="bmd",
                    level="reject",
                    message=(
                        f"A BMD of {bmd.normalize():f} is out of range for g/cm²; it looks "
                        f"like mg/cm². Did you mean {_fixed(in_grams, 3)} g/cm²?"
                    ),
                ),
            )
        return (
            Finding(
                field="bmd",
                level="reject",
                message=f"A BMD of {shown} g/cm² is out of range: it cannot be above "
                f"{BMD_REJECT_ABOVE} g/cm². Please check the report.",
            ),
        )
    if bmd < BMD_CHECK_BELOW:
        return (
            Finding(
                field="bmd",
                level="check",
                message=f"A BMD of {shown} g/cm² is unusually low (below {BMD_CHECK_BELOW}). "
                "Please check it against the report.",
            ),
        )
    if bmd > BMD_CHECK_ABOVE:
        return (
            Finding(
                field="bmd",
                level="check",
                message=f"A BMD of {shown} g/cm² is unusually high (above {BMD_CHECK_ABOVE}). "
                "Please check it against the report.",
            ),
        )
    return ()


def check_score(value: Decimal, field: str) -> tuple[Finding, ...]:
    """Section 1.1 limits for a T-score (`field="t_score"`) or Z-score (`"z_score"`)."""
    if field not in SCORE_LABELS:
        raise ValueError(f"unknown score field {field!r}; expected one of {sorted(SCORE_LABELS)}")
    label = SCORE_LABELS[field]
    if not value.is_finite():
        return (Finding(field=field, level="reject", message=f"The {label} must be a number."),)
    shown = _signed(value)
    if value < SCORE_REJECT_BELOW or value > SCORE_REJECT_ABOVE:
        return (
            Finding(
                field=field,
                level="reject",
                message=f"A {label} of {shown} is out of range: {label}s lie between "
                f"{SCORE_REJECT_BELOW:+} and {SCORE_REJECT_ABOVE:+}. Please check the report.",
            ),
        )
    if value < SCORE_CHECK_BELOW:
        return (
            Finding(
                field=field,
                level="check",
                message=f"A {label} of {shown} is unusually low (below {SCORE_CHECK_BELOW:+}). "
                "Please check it against the report.",
            ),
        )
    if value > SCORE_CHECK_ABOVE:
        return (
            Finding(
                field=field,
                level="check",
                message=f"A {label} of {shown} is unusually high (above {SCORE_CHECK_ABOVE:+}). "
                "Please check it against the report.",
            ),
        )
    return ()


def check_scan_date(
    scan_date: date, *, birth_date: date | None, today: date
) -> tuple[Finding, ...]:
    """Section 1.1: a scan cannot be in the future or before the patient's birth.

    A scan today or on the day of birth is accepted. Both findings are returned
    when both apply: each names a different fact to correct.
    """
    findings: list[Finding] = []
    if scan_date > today:
        findings.append(
            Finding(
                field="date",
                level="reject",
                message=f"The scan date {display_date(scan_date)} is in the future "
                f"(today is {display_date(today)}).",
            )
        )
    if birth_date is not None and scan_date < birth_date:
        findings.append(
            Finding(
                field="date",
                level="reject",
                message=f"The scan date {display_date(scan_date)} is before the date of birth "
                f"({display_date(birth_date)}).",
            )
        )
    return tuple(findings)


def _change_finding(
    scan_date: date, bmd: Decimal, earlier: Sequence[tuple[date, Decimal]], site_label: str
) -> Finding | None:
    if not earlier:
        return None
    # The nearest previous scan: the latest one dated before this one.
    ref_date, ref_bmd = max(earlier, key=lambda item: item[0])
    if not (bmd_possible(bmd) and bmd_possible(ref_bmd)):
        # check_bmd already refuses such a value; a change computed from it
        # would be noise (and a zero reference would divide by zero).
        return None
    days = (scan_date - ref_date).days  # >= 1: same-day scans are not "earlier"
    delta = bmd - ref_bmd
    # Compare |pct| / years > limit cross-multiplied, so the boundary is exact
    # in Decimal: |delta| * 100 * 365.25 > limit * ref * days.
    if abs(delta) * 100 * DAYS_PER_YEAR <= MAX_CHANGE_PCT_PER_YEAR * ref_bmd * days:
        return None
    pct = abs(delta) * 100 / ref_bmd
    # Rounded up so the rate shown is never the limit itself ("15.0 % ... more than 15 %").
    per_year = (pct * DAYS_PER_YEAR / days).quantize(Decimal("0.1"), rounding=ROUND_UP)
    direction = "higher" if delta > 0 else "lower"
    return Finding(
        field="bmd",
        level="check",
        message=f"The {site_label} BMD of {_fixed(bmd, 3)} g/cm² is "
        f"{pct.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} % {direction} than on "
        f"{display_date(ref_date)} ({_fixed(ref_bmd, 3)} g/cm²), a change of {per_year} % per year "
        f"(more than {MAX_CHANGE_PCT_PER_YEAR} % per year is unusual). "
        "Please check it against the report.",
    )


def _gap_finding(
    scan_date: date, others: Sequence[tuple[date, Decimal]], site_label: str
) -> Finding | None:
    close = [other for other, _ in others if abs((other - scan_date).days) < MIN_SCAN_GAP_DAYS]
    if not close:
        return None
    # Name the closest one (the earlier on a tie): it is the likeliest duplicate.
    nearest = min(close, key=lambda other: (abs((other - scan_date).days), other))
    gap = abs((nearest - scan_date).days)
    if gap == 0:
        where = f"on the same day as another {site_label} scan"
    else:
        where = f"only {gap} days from the {site_label} scan of {display_date(nearest)}"
    return Finding(
        field="date",
        level="check",
        message=f"This scan ({display_date(scan_date)}) is {where}. Scans less than 6 months "
        f"({MIN_SCAN_GAP_DAYS} days) apart are unusual. Please check the date.",
    )


def check_change(
    *,
    scan_date: date,
    bmd: Decimal,
    previous: Sequence[tuple[date, Decimal]],
    site_label: str,
) -> tuple[Finding, ...]:
    """Section 1.1: change vs the previous scan at the same site and side, and scan spacing.

    `previous` holds the other scans' (date, BMD) at this site and side, dated
    before or after this one, without the scan being checked itself. The change
    is measured against the latest scan dated before `scan_date`; the spacing
    against every other scan.
    """
    earlier = [item for item in previous if item[0] < scan_date]
    found = (
        _change_finding(scan_date, bmd, earlier, site_label),
        _gap_finding(scan_date, previous, site_label),
    )
    return tuple(finding for finding in found if finding is not None)
