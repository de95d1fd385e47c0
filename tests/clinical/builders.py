"""Small builders for clinical tests: plain values in, frozen history out."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tracker.clinical.history import (
    ClinicalEvent,
    Course,
    Dose,
    Fracture,
    Height,
    Overrides,
    PatientHistory,
    Profile,
    RiskFactors,
    Scan,
    SiteResult,
)

TODAY = date(2025, 6, 15)


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def born_aged(age: int, on: date = TODAY) -> date:
    """A birth date making someone exactly `age` (birthday 30 days earlier)."""
    day = on - timedelta(days=30)
    return day.replace(year=day.year - age)


def profile(
    age: int = 70,
    sex: str = "female",
    status: str | None = None,
    on: date = TODAY,
    tallest: str | None = None,
    risk: RiskFactors | None = None,
) -> Profile:
    if status is None:
        status = "postmenopausal" if sex == "female" else "not_applicable"
    return Profile(
        birth_date=born_aged(age, on),
        sex=sex,
        menopausal_status=status,
        tallest_height_cm=None if tallest is None else D(tallest),
        risk_factors=risk or RiskFactors(),
    )


def site(
    code: str = "lumbar_spine",
    bmd: str = "1.000",
    t: str | None = "-1.0",
    z: str | None = "0.0",
    side: str | None = None,
    **extra,
) -> SiteResult:
    if side is None:
        side = "none" if code in ("lumbar_spine", "radius_33", "total_body") else "left"
    return SiteResult(
        site=code,
        side=side,
        bmd=D(bmd),
        t_score=None if t is None else D(t),
        z_score=None if z is None else D(z),
        **extra,
    )


def scan(id: int, day: date, *sites: SiteResult, make: str = "hologic", **extra) -> Scan:
    return Scan(id=id, date=day, manufacturer=make, sites=tuple(sites), **extra)


def course(
    id: int,
    drug: str,
    start: date,
    end: date | None = None,
    reason: str | None = None,
    doses: tuple[date, ...] = (),
    intended: bool = False,
) -> Course:
    return Course(
        id=id,
        drug=drug,
        start=start,
        end=end,
        stop_reason=reason,
        doses=tuple(Dose(id=id * 100 + i, date=d) for i, d in enumerate(doses, start=1)),
        intended_overlap=intended,
    )


def fracture(id: int, day: date, site: str = "hip", fragility: bool = True) -> Fracture:
    return Fracture(id=id, date=day, site=site, fragility=fragility)


def height(id: int, day: date, cm: str, measured: bool = True) -> Height:
    return Height(id=id, date=day, cm=D(cm), measured=measured)


def event(id: int, day: date, kind: str) -> ClinicalEvent:
    return ClinicalEvent(id=id, date=day, kind=kind)


def history(prof: Profile | None = None, **parts) -> PatientHistory:
    parts.setdefault("overrides", Overrides())
    return PatientHistory(profile=prof or profile(), **parts)


def days(n: int) -> timedelta:
    return timedelta(days=n)
