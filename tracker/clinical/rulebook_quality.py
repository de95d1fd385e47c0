"""The rule book's words for the fracture-service quality clock (section 7) and FRAX
(section 10), issue 12. Kept apart from `rulebook_text.py`, which is near its size
limit; `rulebook.py` adds these references to the others."""

from __future__ import annotations

from tracker.clinical import frax, quality

REFERENCES: tuple[dict[str, object], ...] = (
    dict(
        section="7",
        title="Fracture-service quality clock: DXA within 12 weeks",
        meaning="For each fragility fracture, met by a DXA scan from "
        "{DXA_COUNTS_DAYS_BEFORE} days before the fracture [ours: a recent scan already "
        "assesses bone health] to {DXA_WITHIN_DAYS} days after it. Each KPI of the clock is "
        "met by the first qualifying event, missed once its deadline (the last day that "
        "counts) has passed without one, and open until then.",
        constants=("DXA_COUNTS_DAYS_BEFORE", "DXA_WITHIN_DAYS"),
        source=f"{quality.SOURCE_IOF}; {quality.SOURCE_FLS_DB}",
    ),
    dict(
        section="7",
        title="Fracture-service quality clock: falls assessment",
        meaning="Met by a falls assessment a clinician recorded from the fracture day to "
        "{FALLS_ASSESSMENT_WITHIN_DAYS} days after it.",
        constants=("FALLS_ASSESSMENT_WITHIN_DAYS",),
        source=f"{quality.SOURCE_IOF}; {quality.SOURCE_FLS_DB}",
    ),
    dict(
        section="7",
        title="Fracture-service quality clock: bone treatment started",
        meaning="Met by a course of any catalogue drug starting from the fracture day to "
        "{TREATMENT_STARTED_WITHIN_DAYS} days after it. Does a course already running on the "
        "fracture day meet it? {RUNNING_TREATMENT_MEETS_START}, as FLS-DB counts a patient "
        '"on treatment" [ours].',
        constants=("TREATMENT_STARTED_WITHIN_DAYS", "RUNNING_TREATMENT_MEETS_START"),
        source=f"{quality.SOURCE_IOF}; {quality.SOURCE_FLS_DB}",
    ),
    dict(
        section="7",
        title="Fracture-service quality clock: on treatment at 52 weeks",
        meaning="Met when a course runs on day {ON_TREATMENT_AT_DAYS} after the fracture; "
        "open until that day, missed from it when none runs. A clinician's cohort shows the "
        "share met, met ÷ (met + missed), per calendar quarter of the fracture date.",
        constants=("ON_TREATMENT_AT_DAYS",),
        source=f"{quality.SOURCE_IOF}; {quality.SOURCE_FLS_DB}",
    ),
    dict(
        section="10",
        title="FRAX",
        meaning="FRAX's equations are not published: BoneTrack gathers its inputs, says which "
        "are missing, links to the official calculator and records the result a clinician "
        "copies from it. A recorded probability is from {PROBABILITY_MIN} to "
        "{PROBABILITY_MAX} %, and the hip fracture probability is never above the major "
        "osteoporotic one. The calculator takes ages {FRAX_MIN_AGE} to {FRAX_MAX_AGE}.",
        constants=("PROBABILITY_MIN", "PROBABILITY_MAX", "FRAX_MIN_AGE", "FRAX_MAX_AGE"),
        source=frax.SOURCE,
    ),
)
