"""The demo's fracture care (issue 12): a fracture for the quality clock with its KPIs
in different states, a falls assessment and a FRAX result (seed_demo, through
tracker.records.demo, whose module is near its size limit).

- Olive breaks her wrist in a small fall 30 days before today. Her last scan was 90
  days before the fracture, just outside the 12 weeks before it that count, so the DXA
  KPI is open; the clinician assessed her falls 10 days ago (met); no treatment has
  started yet (open); 52 weeks is open. The clinician ran FRAX on the day of the
  falls assessment and recorded it.
- Rosa's spine fracture (in tracker.records.demo) was scanned within 12 weeks (met),
  treated within 16 (met), is still treated at 52 weeks (met), but her falls were never
  assessed (missed).
"""

from decimal import Decimal

from tracker.records.fracture_care import BmdUsed, FallsAssessment, FraxResult
from tracker.records.models import Fracture

OLIVE_FRACTURE_DAYS_AGO = 30
OLIVE_ASSESSED_DAYS_AGO = 10


def olive(h) -> None:
    """`h` is tracker.records.demo's history builder for Olive."""
    h.entry(
        Fracture,
        by=h.doctor,
        date=h.ago(OLIVE_FRACTURE_DAYS_AGO),
        site="wrist_forearm",
        fragility=True,
        notes="Tripped on a kerb; left wrist, in plaster.",
    )
    h.entry(
        FallsAssessment,
        by=h.doctor,
        date=h.ago(OLIVE_ASSESSED_DAYS_AGO),
        assessed_by=h.doctor.full_name,
        outcome="Referred to the strength and balance class",
        notes="Timed up and go 14 s; one fall in the year before.",
    )
    h.entry(
        FraxResult,
        by=h.doctor,
        date=h.ago(OLIVE_ASSESSED_DAYS_AGO),
        major=Decimal("18.0"),
        hip=Decimal("3.4"),
        bmd_used=BmdUsed.WITH_BMD,
        model_note="UK",
    )
