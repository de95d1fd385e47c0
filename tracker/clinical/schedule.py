"""Section 4: when is the next DXA scan due, and why (SCAN-DUE, SCAN-OVERDUE, SCAN-BASELINE).

One rule decides the interval, in this order: a clinician's override; a
bisphosphonate holiday or therapy started or changed since the last scan
(both can apply, since stopping for a holiday is a change, section 11.2: the
earlier due date wins); stable therapy; untreated (osteoporosis, then Gourlay
2012 for older women, then everyone else). A resume trigger during a
bisphosphonate holiday then makes the scan due at once, subject to the 12-month
floor or a clinician's shorter interval (section 11.21). The reminder level then
follows from today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from tracker.clinical.change import ChangeRow, change_rows
from tracker.clinical.classify import (
    T_OSTEOPOROSIS_MAX,
    StandingDiagnosis,
    classification_mode,
    lowest_result,
    sorted_scans,
)
from tracker.clinical.dates import add_months, age_on, birthday, display_date
from tracker.clinical.history import VERTEBRAL_FRACTURE_SITES, PatientHistory, Scan
from tracker.clinical.therapy import active_on, bp_holiday, drug_of, holiday_resume_triggers

# Section 4 [ours]: never remind sooner than 12 months after the last scan,
# unless a clinician set a shorter interval.
MIN_SCAN_INTERVAL_MONTHS = 12
# Section 4 (BHOF/NOF; Endocrine Society: every 1-2 years on therapy).
THERAPY_CHANGED_INTERVAL_MONTHS = 12
STABLE_THERAPY_INTERVAL_MONTHS = 24
# Section 4 (ASBMR 2016): on a bisphosphonate holiday, 2 years after the last
# scan or at the holiday review, whichever comes first.
BP_HOLIDAY_SCAN_INTERVAL_MONTHS = 24
BP_HOLIDAY_REVIEW_MONTHS = 24  # section 5.1 BP-HOLIDAY-REVIEW info [ours]
# Section 4 (Gourlay, NEJM 2012): untreated postmenopausal women aged 65 or
# over, no hip or vertebral fracture; bands on the lowest hip T-score. Each
# band is (lowest T-score in the band, interval in months); a value between
# bands (e.g. -1.495) falls in the shorter interval.
GOURLAY_MIN_AGE = 65
GOURLAY_BANDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal("-1.49"), 15 * 12),
    (Decimal("-1.99"), 5 * 12),
    (Decimal("-2.49"), 1 * 12),
)
GOURLAY_HIP_SITES: tuple[str, ...] = ("total_hip", "femoral_neck")
# Section 4 [ours]: any other untreated adult; a clinician may change it.
UNTREATED_INTERVAL_MONTHS = 24
# Section 4 [ours, in line with Gourlay's shortest band]: untreated with
# osteoporosis (T <= -2.5 on a scan read in WHO mode, or a standing diagnosis;
# section 11.3): every year, as the table of section 4 says.
UNTREATED_OSTEOPOROSIS_INTERVAL_MONTHS = 12
# Section 4 [ours]: reminder levels around the due date.
UPCOMING_DAYS_BEFORE = 60  # info
OVERDUE_DAYS_AFTER = 90  # warn
# Section 4 (ISCD 2023 indications for a baseline scan).
BASELINE_WOMAN_AGE = 65
BASELINE_MAN_AGE = 70
BASELINE_FRACTURE_AFTER_AGE = 50
# ISCD also lists men under 70 with a risk factor; we start that at 50, the
# age the WHO categories start for men [ours].
BASELINE_MAN_WITH_RISK_FACTOR_AGE = 50
ADULT_AGE = 20

SOURCE = "BHOF/NOF; Endocrine Society; ASBMR 2016; Gourlay NEJM 2012; ISCD 2023 (section 4)"

Level = Literal["none", "not_yet", "upcoming", "due", "overdue", "baseline"]


@dataclass(frozen=True, kw_only=True)
class ScanPrompt:
    """ "Talk to your clinician about a scan now": a new fracture or a bone-losing drug."""

    kind: Literal["fracture", "glucocorticoids"]
    date: date | None
    reason: str
    key: str  # stable id of what triggered it, e.g. "fracture-7"


@dataclass(frozen=True, kw_only=True)
class NextScan:
    due_date: date | None
    # Always says why, e.g. "on stable therapy: every 2 years".
    reason: str
    rule_id: str | None  # "SCAN-DUE", "SCAN-OVERDUE", "SCAN-BASELINE" or None
    level: Level
    basis: str  # which row of the table decided: "override", "stable_therapy", ...
    interval_months: int | None
    last_scan_id: int | None
    last_scan_date: date | None
    overridden: bool
    upcoming_from: date | None
    overdue_from: date | None
    prompts: tuple[ScanPrompt, ...]
    source: str = SOURCE


def _years(months: int) -> str:
    if months % 12:
        return f"{months} months"
    years = months // 12
    return "1 year" if years == 1 else f"{years} years"


def _lowest_hip_t(scan: Scan) -> Decimal | None:
    scores = [
        r.t_score for r in scan.sites if r.site in GOURLAY_HIP_SITES and r.t_score is not None
    ]
    return min(scores) if scores else None


def _untreated_osteoporosis(
    history: PatientHistory, last: Scan, standing: StandingDiagnosis
) -> bool:
    """Section 11.3: a standing diagnosis, or T <= -2.5 on a latest scan read in WHO mode.

    In Z-score mode (premenopausal women, men under 50) and under 20 a low
    T-score does not count: "any other adult" applies.
    """
    if standing.category is not None:
        return True
    mode, _ = classification_mode(history.profile, last.date, last.menopausal_status)
    found = lowest_result(last, "t_score")
    return mode == "who" and found is not None and found[1] <= T_OSTEOPOROSIS_MAX


def therapy_changes(history: PatientHistory, since: date, today: date) -> list[date]:
    """The dates of therapy changes from `since` to `today`, oldest first (section 11.2).

    A change is dated by the first day on a new drug (its start) or the first day
    off a stopped drug (its end + 1 day: the end is the last day on it). Stopping
    for a drug holiday is a change like any other stop.
    """
    changes = set()
    for course in history.courses:
        if since <= course.start <= today:
            changes.add(course.start)
        if course.end is not None and since <= course.end + timedelta(days=1) <= today:
            changes.add(course.end + timedelta(days=1))
    return sorted(changes)


def _holiday_row(
    history: PatientHistory, last: Scan, today: date
) -> tuple[str, date, int | None, str] | None:
    holiday = bp_holiday(history, today)
    if holiday is None:
        return None
    by_scan = add_months(last.date, BP_HOLIDAY_SCAN_INTERVAL_MONTHS)
    review = add_months(holiday.first_day, BP_HOLIDAY_REVIEW_MONTHS)
    if review < by_scan:
        return (
            "bp_holiday",
            review,
            None,
            f"bisphosphonate drug holiday since {display_date(holiday.first_day)}: "
            f"a scan at the holiday review, {_years(BP_HOLIDAY_REVIEW_MONTHS)} "
            "into the holiday",
        )
    return (
        "bp_holiday",
        by_scan,
        BP_HOLIDAY_SCAN_INTERVAL_MONTHS,
        f"on a bisphosphonate drug holiday: every {_years(BP_HOLIDAY_SCAN_INTERVAL_MONTHS)}",
    )


def _resume(
    history: PatientHistory, rows: tuple[ChangeRow, ...], today: date
) -> tuple[date, str] | None:
    """Section 11.21: (due at once from, why) when a resume trigger raised BP-HOLIDAY-REVIEW."""
    holiday = bp_holiday(history, today)
    if holiday is None:
        return None
    triggers = holiday_resume_triggers(history, holiday, rows)
    if not triggers:
        return None
    what = "; ".join(t.text for t in triggers)
    return (
        triggers[0].date,
        f"a reason to end the bisphosphonate drug holiday early ({what}): a scan is due now",
    )


def _interval(
    history: PatientHistory, last: Scan, standing: StandingDiagnosis, today: date
) -> tuple[str, date, int | None, str]:
    """(basis, due date before the 12-month floor, interval in months, reason)."""
    holiday = _holiday_row(history, last, today)
    # Section 11.2: the earliest change since the last scan dates the interval; a
    # change on the scan's own day counts (that scan is the change's baseline).
    changes = therapy_changes(history, last.date, today)
    if changes:
        change = changes[0]
        changed = (
            "therapy_changed",
            add_months(change, THERAPY_CHANGED_INTERVAL_MONTHS),
            THERAPY_CHANGED_INTERVAL_MONTHS,
            f"treatment started or changed on {display_date(change)}, after the last scan: "
            f"{_years(THERAPY_CHANGED_INTERVAL_MONTHS)} after the change",
        )
        # A holiday begun since the last scan is also a change (section 11.2): both
        # rows apply, and the earlier due date wins [ours].
        if holiday is not None and holiday[1] < changed[1]:
            return holiday
        return changed
    if holiday is not None:
        return holiday

    if any(active_on(course, today) for course in history.courses):
        return (
            "stable_therapy",
            add_months(last.date, STABLE_THERAPY_INTERVAL_MONTHS),
            STABLE_THERAPY_INTERVAL_MONTHS,
            f"on stable therapy: every {_years(STABLE_THERAPY_INTERVAL_MONTHS)}",
        )

    if _untreated_osteoporosis(history, last, standing):
        months = UNTREATED_OSTEOPOROSIS_INTERVAL_MONTHS
        return (
            "untreated_osteoporosis",
            add_months(last.date, months),
            months,
            f"osteoporosis without current treatment: every {_years(months)}",
        )

    profile = history.profile
    hip_t = _lowest_hip_t(last)
    hip_or_spine_fracture = any(
        f.site in ("hip", *VERTEBRAL_FRACTURE_SITES) for f in history.fractures
    ) or any(scan.vertebral_fracture_found for scan in history.scans)
    status = last.menopausal_status or profile.menopausal_status
    if (
        profile.sex == "female"
        and status == "postmenopausal"
        and age_on(profile.birth_date, last.date) >= GOURLAY_MIN_AGE
        and not history.courses
        and not hip_or_spine_fracture
        and hip_t is not None
    ):
        # Below the last band's floor but above -2.5 (e.g. -2.495): the shortest band.
        months = next(
            (months for floor, months in GOURLAY_BANDS if hip_t >= floor), GOURLAY_BANDS[-1][1]
        )
        return (
            "gourlay",
            add_months(last.date, months),
            months,
            f"untreated, aged {GOURLAY_MIN_AGE} or over, lowest hip T-score {hip_t}: "
            f"every {_years(months)}",
        )
    return (
        "untreated",
        add_months(last.date, UNTREATED_INTERVAL_MONTHS),
        UNTREATED_INTERVAL_MONTHS,
        f"not on treatment: every {_years(UNTREATED_INTERVAL_MONTHS)}",
    )


def _prompts(history: PatientHistory, last: Scan) -> tuple[ScanPrompt, ...]:
    prompts = [
        ScanPrompt(
            kind="fracture",
            date=f.date,
            reason=f"a fragility fracture on {display_date(f.date)}, after your last scan: "
            "talk to your clinician about a scan now",
            key=f"fracture-{f.id}",
        )
        for f in sorted(history.fractures, key=lambda f: (f.date, f.id))
        if f.fragility and f.date > last.date
    ]
    risk = history.profile.risk_factors
    since = risk.glucocorticoids_since
    # An unknown start date cannot be placed before the last scan, so it prompts too.
    if risk.glucocorticoids and (since is None or since > last.date):
        prompts.append(
            ScanPrompt(
                kind="glucocorticoids",
                date=since,
                reason="glucocorticoid tablets (5 mg a day or more for 3 months or more) "
                "can thin bones: talk to your clinician about a scan now",
                key=f"glucocorticoids-since-{since.isoformat() if since else 'unknown'}",
            )
        )
    return tuple(prompts)


def baseline_indications(history: PatientHistory, today: date) -> tuple[tuple[date, str], ...]:
    """ISCD indications for a first scan that apply today: (since when, why)."""
    profile = history.profile
    age = age_on(profile.birth_date, today)
    if age < ADULT_AGE:
        return ()
    found: list[tuple[date, str]] = []
    female = profile.sex == "female"
    if female and age >= BASELINE_WOMAN_AGE:
        found.append(
            (birthday(profile.birth_date, BASELINE_WOMAN_AGE), f"woman aged {BASELINE_WOMAN_AGE}+")
        )
    if not female and age >= BASELINE_MAN_AGE:
        found.append(
            (birthday(profile.birth_date, BASELINE_MAN_AGE), f"man aged {BASELINE_MAN_AGE}+")
        )
    for f in sorted(history.fractures, key=lambda f: (f.date, f.id)):
        # Section 11.16: "fracture after 50" is a fragility fracture at age 50 or over.
        if f.fragility and age_on(profile.birth_date, f.date) >= BASELINE_FRACTURE_AFTER_AGE:
            found.append((f.date, f"a fragility fracture at {BASELINE_FRACTURE_AFTER_AGE} or over"))
            break
    risk = profile.risk_factors
    if risk.any:
        if female and profile.menopausal_status in ("postmenopausal", "perimenopausal"):
            found.append((today, "menopause with a risk factor"))
        elif not female and age >= BASELINE_MAN_WITH_RISK_FACTOR_AGE:
            found.append(
                (today, f"man aged {BASELINE_MAN_WITH_RISK_FACTOR_AGE}+ with a risk factor")
            )
    if risk.glucocorticoids:
        found.append((risk.glucocorticoids_since or today, "glucocorticoid tablets"))
    if risk.rheumatoid_arthritis or risk.secondary_causes:
        found.append((today, "a condition that causes bone loss"))
    current = [c for c in history.courses if active_on(c, today)]
    if current:
        start = min(c.start for c in current)
        found.append((start, f"on {drug_of(min(current, key=lambda c: c.start)).name.lower()}"))
    return tuple(found)


def _first_scan(indications: list[tuple[date, str]]) -> NextScan:
    """No scan on record: SCAN-BASELINE when an ISCD indication applies (section 4)."""
    why = "; ".join(dict.fromkeys(reason for _, reason in indications))
    return NextScan(
        due_date=min((since for since, _ in indications), default=None),
        reason=f"no scan on record; a baseline scan is recommended ({why})"
        if indications
        else "no scan on record, and no reason for a first scan was found",
        rule_id="SCAN-BASELINE" if indications else None,
        level="baseline" if indications else "none",
        basis="baseline" if indications else "no_indication",
        interval_months=None,
        last_scan_id=None,
        last_scan_date=None,
        overridden=False,
        upcoming_from=None,
        overdue_from=None,
        prompts=(),
    )


def next_scan(
    history: PatientHistory,
    standing: StandingDiagnosis,
    today: date,
    rows: tuple[ChangeRow, ...] | None = None,
) -> NextScan:
    """When the next DXA is due, with the reason and today's reminder level.

    `rows` are the history's change rows (computed when not given).
    """
    scans = sorted_scans(history)
    if not scans:
        return _first_scan(baseline_indications(history, today))

    last = scans[-1]
    overrides = history.overrides
    if overrides.scan_interval_months is not None:
        months = overrides.scan_interval_months
        due = add_months(last.date, months)
        basis, interval = "override", months
        reason = f"set by your clinician: every {_years(months)}"
        if overrides.scan_interval_reason:
            reason += f" ({overrides.scan_interval_reason})"
        floor_months = min(months, MIN_SCAN_INTERVAL_MONTHS)
    else:
        basis, due, interval, reason = _interval(history, last, standing, today)
        floor_months = MIN_SCAN_INTERVAL_MONTHS
    floor = add_months(last.date, floor_months)
    floor_text = f"; not sooner than {_years(floor_months)} after the last scan"
    if floor_months < MIN_SCAN_INTERVAL_MONTHS:
        floor_text += " (the interval your clinician set)"
    if due < floor:
        due = floor
        reason += floor_text
    # Section 11.21: a resume trigger makes the scan due at once; the 12-month floor
    # holds unless a clinician set a shorter interval (then that interval is the floor).
    resume = _resume(history, change_rows(history) if rows is None else rows, today)
    if resume is not None and max(resume[0], floor) <= due:
        basis, interval, reason = "bp_holiday_resume", None, resume[1]
        due = max(resume[0], floor)
        if resume[0] < floor:
            reason += floor_text

    upcoming_from = due - timedelta(days=UPCOMING_DAYS_BEFORE)
    overdue_from = due + timedelta(days=OVERDUE_DAYS_AFTER)
    level: Level
    if today >= overdue_from:
        level, rule_id = "overdue", "SCAN-OVERDUE"
    elif today >= due:
        level, rule_id = "due", "SCAN-DUE"
    elif today >= upcoming_from:
        level, rule_id = "upcoming", "SCAN-DUE"
    else:
        level, rule_id = "not_yet", None
    return NextScan(
        due_date=due,
        reason=reason,
        rule_id=rule_id,
        level=level,
        basis=basis,
        interval_months=interval,
        last_scan_id=last.id,
        last_scan_date=last.date,
        overridden=basis == "override",
        upcoming_from=upcoming_from,
        overdue_from=overdue_from,
        prompts=_prompts(history, last),
    )


def next_scan_edges(history: PatientHistory, today: date, scan: NextScan) -> list[date]:
    """Days on which `next_scan` may answer differently with no change to the record.

    With a scan on record, the reminder level changes on the upcoming, due and
    overdue dates; the interval itself moves only with the record (therapy
    changes and holidays date from course starts and ends: therapy.record_edges).
    With none, an ISCD indication comes with a birthday (20, 50 for a man with a
    risk factor, 65 for a woman, 70 for a man; section 11.5: ages on today), and
    an indication dated today (a risk factor without a date) moves with today.
    """
    if scan.last_scan_id is not None:
        assert scan.upcoming_from and scan.due_date and scan.overdue_from
        return [scan.upcoming_from, scan.due_date, scan.overdue_from]
    ages = (ADULT_AGE, BASELINE_MAN_WITH_RISK_FACTOR_AGE, BASELINE_WOMAN_AGE, BASELINE_MAN_AGE)
    found = [birthday(history.profile.birth_date, age) for age in ages]
    if scan.due_date == today:
        found.append(today + timedelta(days=1))
    return found
