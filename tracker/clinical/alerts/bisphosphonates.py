"""Section 5.1 bisphosphonates: BP-REASSESS, BP-LONG, BP-HOLIDAY-REVIEW, ZOL-DUE."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from tracker.clinical.alerts.base import (
    Alert,
    Severity,
    _alert,
    _d,
)
from tracker.clinical.change import ChangeRow
from tracker.clinical.dates import add_months, days_covered, first_day
from tracker.clinical.history import PatientHistory
from tracker.clinical.therapy import (
    active_on,
    bp_holiday,
    courses_by_start,
    dose_ref,
    drug_of,
    holiday_resume_triggers,
    last_day,
    last_dose,
)

# --- Bisphosphonates (section 5.1; ASBMR task force 2016) ---
# Years of oral drug are counted in days on it (section 11.26: a year is 365.25
# days): 5 years = 1826 days and 10 years = 3652 days (rounded down).
ORAL_BP_REASSESS_YEARS = 5
ORAL_BP_LONG_YEARS = 10
ORAL_BP_REASSESS_DAYS = 1826  # BP-REASSESS: oral >= 5 years
ORAL_BP_LONG_DAYS = 3652  # BP-LONG: oral more than 10 years
# Zoledronic acid counts by infusions (yearly), section 11.11.
IV_BP_REASSESS_YEARS = 3  # BP-REASSESS: >= 3 zoledronic acid infusions
IV_BP_LONG_YEARS = 6  # BP-LONG: more than 6 zoledronic acid infusions
# Section 11.11: IV ibandronate counts each infusion as 3 months of oral-equivalent
# time. 3 months is a quarter of a 365.25-day year (section 11.26), 91.3125 days;
# the engine never rounds it to whole days but takes it as 3/60 of the 5 years of
# BP-REASSESS (1/20) and 3/120 of the 10 years of BP-LONG (1/40), so 20 infusions
# reach BP-REASSESS and 40 infusions are exactly 10 years, not more.
IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS = 3
BP_HOLIDAY_REVIEW_INFO_MONTHS = 24  # [ours, within ASBMR's 2-3 years]
BP_HOLIDAY_REVIEW_WARN_MONTHS = 36  # [ours]
ZOL_INTERVAL_MONTHS = 12  # ZOL-DUE: 12 months after the last infusion
ZOL_DUE_SHOWN_DAYS_BEFORE = 30  # [ours]


def infusion_share(drug: str, limit: str) -> Fraction:
    """The part of a limit ("reassess" or "long") one infusion uses (section 11.11)."""
    if drug == "zoledronic_acid":
        return Fraction(1, IV_BP_REASSESS_YEARS if limit == "reassess" else IV_BP_LONG_YEARS)
    assert drug == "ibandronate_iv"
    years = ORAL_BP_REASSESS_YEARS if limit == "reassess" else ORAL_BP_LONG_YEARS
    return Fraction(IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS, 12 * years)


@dataclass(frozen=True, kw_only=True)
class BpExposure:
    """Bisphosphonate exposure up to a day, counted as section 11.11 says."""

    oral_days: int  # days on an oral bisphosphonate
    zoledronic_infusions: int
    ibandronate_infusions: int  # IV ibandronate

    def _used(self, oral_limit_days: int, limit: str) -> Fraction:
        return (
            Fraction(self.oral_days, oral_limit_days)
            + self.zoledronic_infusions * infusion_share("zoledronic_acid", limit)
            + self.ibandronate_infusions * infusion_share("ibandronate_iv", limit)
        )

    @property
    def reassess_used(self) -> Fraction:
        """The fraction of the BP-REASSESS limit used: it is due at 1."""
        return self._used(ORAL_BP_REASSESS_DAYS, "reassess")

    @property
    def long_used(self) -> Fraction:
        """The fraction of the BP-LONG limit used: it is due above 1."""
        return self._used(ORAL_BP_LONG_DAYS, "long")


def bp_exposure(history: PatientHistory, day: date) -> BpExposure:
    """Oral days and IV infusions of bisphosphonates up to `day`.

    Without a recorded infusion, the course start stands in for the first one.
    """
    oral = [
        (c.start, last_day(c, day))
        for c in history.courses
        if drug_of(c).is_oral_bisphosphonate and c.start <= day
    ]
    infusions = {"zoledronic_acid": 0, "ibandronate_iv": 0}
    for c in history.courses:
        if not drug_of(c).is_iv_bisphosphonate:
            continue
        dates = [dose.date for dose in c.doses] or [c.start]
        infusions[c.drug] += sum(1 for d in dates if d <= day)
    return BpExposure(
        oral_days=days_covered(oral, day),
        zoledronic_infusions=infusions["zoledronic_acid"],
        ibandronate_infusions=infusions["ibandronate_iv"],
    )


def bp_reassess_due(history: PatientHistory, day: date) -> bool:
    return bp_exposure(history, day).reassess_used >= 1


def _long_due(history: PatientHistory, day: date) -> bool:
    return bp_exposure(history, day).long_used > 1


def bp_used_edge(
    history: PatientHistory, today: date, target: Fraction, limit: str, *, above: bool = False
) -> date | None:
    """The day the part of a limit used ("reassess" or "long") reaches `target` (or
    passes it, with `above`) while an oral bisphosphonate runs: each day on tablets
    adds one oral day. None when no tablets run, or when it is there already."""
    if not any(drug_of(c).is_oral_bisphosphonate and active_on(c, today) for c in history.courses):
        return None
    exposure = bp_exposure(history, today)
    oral_limit = ORAL_BP_REASSESS_DAYS if limit == "reassess" else ORAL_BP_LONG_DAYS
    used = exposure.reassess_used if limit == "reassess" else exposure.long_used
    # The oral days that make `used` reach the target, the infusions staying as they are.
    wanted = (target - used) * oral_limit + exposure.oral_days
    needed = math.floor(wanted) + 1 if above else math.ceil(wanted)
    if needed <= exposure.oral_days:
        return None
    return today + timedelta(days=needed - exposure.oral_days)


def bisphosphonate_edges(history: PatientHistory, today: date) -> list[date]:
    """BP-REASSESS and BP-LONG as tablet days add up, the holiday review at 24 and 36
    months into the holiday, and ZOL-DUE 30 days before each infusion is due."""
    found = [
        bp_used_edge(history, today, Fraction(1), "reassess"),
        bp_used_edge(history, today, Fraction(1), "long", above=True),
    ]
    holiday = bp_holiday(history, today)
    if holiday is not None:
        found += [
            add_months(holiday.first_day, months)
            for months in (BP_HOLIDAY_REVIEW_INFO_MONTHS, BP_HOLIDAY_REVIEW_WARN_MONTHS)
        ]
    for course in history.courses:
        if course.drug == "zoledronic_acid":
            due = add_months(last_dose(course)[1], ZOL_INTERVAL_MONTHS)
            found.append(due - timedelta(days=ZOL_DUE_SHOWN_DAYS_BEFORE))
    return [day for day in found if day is not None]


def _plural(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


def _years_text(exposure: BpExposure) -> str:
    parts = []
    if exposure.oral_days:
        parts.append(f"{exposure.oral_days / Decimal('365.25'):.1f} years of tablets")
    if exposure.zoledronic_infusions:
        parts.append(_plural(exposure.zoledronic_infusions, "zoledronic acid infusion"))
    if exposure.ibandronate_infusions:
        months = exposure.ibandronate_infusions * IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS
        parts.append(
            _plural(exposure.ibandronate_infusions, "IV ibandronate infusion")
            + f" ({Decimal(months) / 12:.1f} years of tablets' worth)"
        )
    return " and ".join(parts)


def bisphosphonate_alerts(
    history: PatientHistory, today: date, rows: tuple[ChangeRow, ...]
) -> list[Alert]:
    found: list[Alert] = []
    bps = [c for c in courses_by_start(history) if drug_of(c).is_bisphosphonate]
    running = [c for c in bps if active_on(c, today)]
    if running:
        course = running[-1]
        exposure = _years_text(bp_exposure(history, today))
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
                    "(10 years of tablets or 6 zoledronic acid infusions). Ask your clinician "
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
    # The same triggers make the next scan due at once (schedule.py, section 11.21).
    triggers = holiday_resume_triggers(history, holiday, rows)
    if triggers:
        what = "; ".join(t.text for t in triggers)
        return [
            _alert(
                "BP-HOLIDAY-REVIEW",
                "warn",
                "Review your bisphosphonate holiday now",
                f"Since your drug holiday began on {_d(start)} there has been {what}. "
                f"{resume} Talk to your clinician about restarting treatment.",
                f"Bisphosphonate holiday since {_d(start)}: resume trigger ({what}).",
                triggers[0].date,
                f"course-{course.id}:" + ":".join(t.ident for t in triggers),
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
