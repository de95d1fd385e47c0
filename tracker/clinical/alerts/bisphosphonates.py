"""Section 5.1 bisphosphonates: BP-REASSESS, BP-LONG, BP-HOLIDAY-REVIEW, ZOL-DUE."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from tracker.clinical.alerts.base import (
    Alert,
    Severity,
    _alert,
    _d,
)
from tracker.clinical.change import ChangeRow, describe_site, significant_decreases
from tracker.clinical.dates import add_months, days_covered, first_day
from tracker.clinical.history import CLASSIFYING_SITES, PatientHistory
from tracker.clinical.therapy import (
    active_on,
    bp_holiday,
    courses_by_start,
    dose_ref,
    drug_of,
    last_day,
    last_dose,
)

# --- Bisphosphonates (section 5.1; ASBMR task force 2016) ---
# Years of oral drug are counted in days on it: 5 years = 1826 days and
# 10 years = 3652 days (5 x 365.25 and 10 x 365.25, rounded down) [ours conversion].
ORAL_BP_REASSESS_DAYS = 1826  # BP-REASSESS: oral >= 5 years
ORAL_BP_LONG_DAYS = 3652  # BP-LONG: oral more than 10 years
# IV exposure: each infusion counts for its dosing interval (zoledronic acid
# 1 year, IV ibandronate 3 months), so 3 zoledronic infusions = 3 years.
IV_BP_REASSESS_YEARS = 3  # BP-REASSESS: >= 3 zoledronic acid infusions
IV_BP_LONG_YEARS = 6  # BP-LONG: IV more than 6 years
BP_HOLIDAY_REVIEW_INFO_MONTHS = 24  # [ours, within ASBMR's 2-3 years]
BP_HOLIDAY_REVIEW_WARN_MONTHS = 36  # [ours]
ZOL_INTERVAL_MONTHS = 12  # ZOL-DUE: 12 months after the last infusion
ZOL_DUE_SHOWN_DAYS_BEFORE = 30  # [ours]


def bp_exposure(history: PatientHistory, day: date) -> tuple[int, Fraction]:
    """(days on an oral bisphosphonate, years covered by IV infusions) up to `day`."""
    oral = [
        (c.start, last_day(c, day))
        for c in history.courses
        if drug_of(c).is_oral_bisphosphonate and c.start <= day
    ]
    iv_years = Fraction(0)
    for c in history.courses:
        kind = drug_of(c)
        if not kind.is_iv_bisphosphonate:
            continue
        assert kind.dose_interval_months is not None
        dates = [dose.date for dose in c.doses] or [c.start]
        iv_years += Fraction(kind.dose_interval_months, 12) * sum(1 for d in dates if d <= day)
    return days_covered(oral, day), iv_years


def bp_reassess_due(history: PatientHistory, day: date) -> bool:
    oral, iv = bp_exposure(history, day)
    return Fraction(oral, ORAL_BP_REASSESS_DAYS) + iv / IV_BP_REASSESS_YEARS >= 1


def _long_due(history: PatientHistory, day: date) -> bool:
    oral, iv = bp_exposure(history, day)
    return Fraction(oral, ORAL_BP_LONG_DAYS) + iv / IV_BP_LONG_YEARS > 1


def _years_text(oral_days: int, iv_years: Fraction) -> str:
    parts = []
    if oral_days:
        parts.append(f"{oral_days / Decimal('365.25'):.1f} years of tablets")
    if iv_years:
        parts.append(f"{float(iv_years):g} years of infusions")
    return " and ".join(parts)


def bisphosphonate_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    found: list[Alert] = []
    bps = [c for c in courses_by_start(history) if drug_of(c).is_bisphosphonate]
    running = [c for c in bps if active_on(c, today)]
    if running:
        course = running[-1]
        oral, iv = bp_exposure(history, today)
        exposure = _years_text(oral, iv)
        earliest = bps[0].start
        if _long_due(history, today):
            since = first_day(lambda d: _long_due(history, d), earliest, today)
            assert since is not None
            found.append(
                _alert(
                    "BP-LONG",
                    "warn",
                    "Bisphosphonate use beyond the studied length",
                    f"You have had {exposure}. That is longer than the trials studied "
                    "(10 years of tablets or 6 years of infusions). Ask your clinician "
                    "whether to continue.",
                    f"Bisphosphonate exposure {exposure}: beyond trial evidence.",
                    since,
                    f"course-{course.id}",
                    f"bp:course-{course.id}",
                )
            )
        elif bp_reassess_due(history, today):
            since = first_day(lambda d: bp_reassess_due(history, d), earliest, today)
            assert since is not None
            found.append(
                _alert(
                    "BP-REASSESS",
                    "warn",
                    "Time to reassess your bisphosphonate",
                    f"You have had {exposure}. After 5 years of tablets or 3 yearly "
                    "infusions, guidelines advise a review: continue, or take a drug "
                    "holiday. Ask your clinician.",
                    f"Bisphosphonate exposure {exposure}: reassess (continue or holiday).",
                    since,
                    f"course-{course.id}",
                    f"bp:course-{course.id}",
                )
            )

    found.extend(_holiday_alerts(history, today, rows))

    for course in running:
        if course.drug != "zoledronic_acid":
            continue
        dose, last = last_dose(course)
        due = add_months(last, ZOL_INTERVAL_MONTHS)
        if today >= due - timedelta(days=ZOL_DUE_SHOWN_DAYS_BEFORE):
            found.append(
                _alert(
                    "ZOL-DUE",
                    "info",
                    f"Next zoledronic acid infusion due {_d(due)}",
                    f"Your last zoledronic acid (Reclast, Aclasta) infusion was on {_d(last)}; "
                    f"the next is due 12 months later, on {_d(due)}.",
                    f"Zoledronic acid infusion due {_d(due)}.",
                    due,
                    dose_ref(course, dose),
                )
            )
    return found


def _holiday_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    holiday = bp_holiday(history, today)
    if holiday is None:
        return []
    # Section 11.1: the holiday starts the day after the last day on the drug.
    course, start = holiday.course, holiday.first_day
    topic = f"bp-holiday:course-{course.id}"
    resume = (
        "Reasons to restart sooner: a new fracture, or bone density falling by more "
        "than the least significant change."
    )
    fractures = sorted(
        (f for f in history.fractures if f.fragility and f.date >= start),
        key=lambda f: (f.date, f.id),
    )
    losses = significant_decreases(rows, CLASSIFYING_SITES, after=start - timedelta(days=1))
    if fractures or losses:
        events = [(f.date, f"a fracture on {_d(f.date)}", f"fracture-{f.id}") for f in fractures]
        events += [
            (
                row.scan_date,
                f"a significant loss at the {describe_site(row)} on {_d(row.scan_date)}",
                f"scan-{row.scan_id}-{row.site}-{row.side}",
            )
            for row, _ in losses
        ]
        events.sort()
        what = "; ".join(text for _, text, _ in events)
        return [
            _alert(
                "BP-HOLIDAY-REVIEW",
                "warn",
                "Review your bisphosphonate holiday now",
                f"Since your drug holiday began on {_d(start)} there has been {what}. "
                f"{resume} Talk to your clinician about restarting treatment.",
                f"Bisphosphonate holiday since {_d(start)}: resume trigger ({what}).",
                events[0][0],
                f"course-{course.id}:" + ":".join(ident for _, _, ident in events),
                topic,
            )
        ]
    warn_from = add_months(start, BP_HOLIDAY_REVIEW_WARN_MONTHS)
    info_from = add_months(start, BP_HOLIDAY_REVIEW_INFO_MONTHS)
    if today >= warn_from:
        severity: Severity = "warn"
        months, since = BP_HOLIDAY_REVIEW_WARN_MONTHS, warn_from
    elif today >= info_from:
        severity, months, since = "info", BP_HOLIDAY_REVIEW_INFO_MONTHS, info_from
    else:
        return []
    return [
        _alert(
            "BP-HOLIDAY-REVIEW",
            severity,
            f"Bisphosphonate holiday: {months // 12} years, time for a review",
            f"Your bisphosphonate drug holiday began on {_d(start)}. Holidays are usually "
            f"reviewed after 2 to 3 years. {resume}",
            f"Bisphosphonate holiday since {_d(start)}: {months} months, review.",
            since,
            f"course-{course.id}:{months}-months",
            topic,
        )
    ]
