"""Section 11 of the rule book: the decided conventions and edge cases, in our words.

Each names the constants it rests on where one exists; to tie a convention to a
constant added later, add the name to its `constants`. A `{NAME}` in a text is
replaced by that constant's value, and the convention must list it.
"""

from __future__ import annotations

CONVENTIONS: tuple[dict[str, object], ...] = (
    dict(
        number="11.1",
        title="Days and months",
        text="A course's end date is its last day on the drug: both ends count. "
        '"N months after" steps calendar months, clamped to the end of a shorter month '
        "(31 January + 1 month = 28 or 29 February). Day limits ({DMAB_DUE_DAYS}, "
        "{DMAB_LATE_AFTER_DAYS}, {DMAB_LONG_DELAY_AFTER_DAYS}, {PTH_NEAR_LIMIT_DAYS}, "
        "{PTH_LIFETIME_LIMIT_DAYS}) count days. A drug holiday "
        "starts the day after the last day on the bisphosphonate.",
        constants=(
            "DMAB_DUE_DAYS",
            "DMAB_LATE_AFTER_DAYS",
            "DMAB_LONG_DELAY_AFTER_DAYS",
            "PTH_NEAR_LIMIT_DAYS",
            "PTH_LIFETIME_LIMIT_DAYS",
        ),
    ),
    dict(
        number="11.2",
        title="Therapy changed since the last scan",
        text="The change date is the first day on a new drug, or the first day off a stopped "
        "one. With several changes, the earliest dates the interval. Stopping for a drug "
        "holiday is a change.",
        constants=("THERAPY_CHANGED_INTERVAL_MONTHS",),
    ),
    dict(
        number="11.3",
        title="Untreated osteoporosis",
        text="The untreated-osteoporosis interval ({UNTREATED_OSTEOPOROSIS_INTERVAL_MONTHS} "
        "months) applies only when the latest scan classifies as osteoporosis in WHO mode or "
        'a standing diagnosis exists. In Z-score mode and under 20, "any other adult" '
        "({UNTREATED_INTERVAL_MONTHS} months) applies.",
        constants=("UNTREATED_OSTEOPOROSIS_INTERVAL_MONTHS", "UNTREATED_INTERVAL_MONTHS"),
    ),
    dict(
        number="11.4",
        title="Perimenopausal women",
        text="Classified with the WHO T-score categories, like postmenopausal women.",
    ),
    dict(
        number="11.5",
        title="Ages",
        text="Age is taken on the scan's date for classification and for Gourlay, and on "
        "today's date for the baseline scan indications.",
    ),
    dict(
        number="11.6",
        title="Gourlay",
        text="Uses the lowest T-score of total hip and femoral neck, either side, on the "
        "latest scan. On one decimal the bands read: T ≥ −1.4 → 15 years; −1.9 to −1.5 → "
        '5 years; −2.4 to −2.0 → 1 year. "Untreated" means no osteoporosis drug ever recorded.',
        constants=("GOURLAY_BANDS", "GOURLAY_HIP_SITES"),
    ),
    dict(
        number="11.7",
        title="Standing diagnosis",
        text="A hip or clinical vertebral fragility fracture establishes osteoporosis at any "
        "BMD; a wrist, forearm or upper arm one only with low bone mass. Once established, "
        '"osteoporosis" stands; "severe" describes the latest scan only.',
        constants=("FRACTURE_ESTABLISHES_ANY_BMD", "FRACTURE_ESTABLISHES_WITH_LOW_MASS"),
    ),
    dict(
        number="11.8",
        title="LSC across two scans that differ",
        text="With different vertebra counts the larger multiplier applies; with different "
        "facilities of one make the larger facility LSC applies. Either way the change is "
        '"comparability uncertain". A clinician\'s LSC for the patient overrides both.',
        constants=("VERTEBRAE_LSC_MULTIPLIER",),
    ),
    dict(
        number="11.9",
        title="Height loss",
        text="Historical loss compares the latest measured height with the tallest recalled "
        "height; prospective loss compares it with the highest earlier measured height. "
        "Self-reported heights are shown but never raise HEIGHT-LOSS.",
        constants=("HEIGHT_LOSS_FROM_TALLEST_CM", "HEIGHT_LOSS_MEASURED_CM"),
    ),
    dict(
        number="11.10",
        title="Escalation chains",
        text="Where rules are stages of one concern (DMAB-DUE → DMAB-LATE → DMAB-LONG-DELAY; "
        "SCAN-DUE → SCAN-OVERDUE; PTH-NEAR-LIMIT → PTH-OVER-LIMIT; BP-REASSESS → BP-LONG), "
        "only the highest stage reached is open. Reaching a higher stage is an escalation: "
        "a new key, sent again.",
    ),
    dict(
        number="11.11",
        title="Bisphosphonate exposure",
        text="Oral years and IV exposure add up as fractions of each limit "
        "({ORAL_BP_REASSESS_YEARS} oral years or {IV_BP_REASSESS_YEARS} zoledronic acid "
        "infusions for BP-REASSESS; {ORAL_BP_LONG_YEARS} oral years or {IV_BP_LONG_YEARS} "
        "infusions for BP-LONG). Zoledronic acid counts by infusions; IV ibandronate counts "
        "each infusion as {IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS} months of oral-equivalent "
        "time (a quarter of a 365.25-day year, never rounded to whole days: 1/20 of "
        "BP-REASSESS, 1/40 of BP-LONG).",
        constants=(
            "ORAL_BP_REASSESS_YEARS",
            "ORAL_BP_REASSESS_DAYS",
            "IV_BP_REASSESS_YEARS",
            "ORAL_BP_LONG_YEARS",
            "ORAL_BP_LONG_DAYS",
            "IV_BP_LONG_YEARS",
            "IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS",
        ),
    ),
    dict(
        number="11.12",
        title="DMAB-STOP-NO-TRANSITION closes",
        text="It closes when a bisphosphonate starts, even late; a clinician's "
        "acknowledgement stays in the audit trail.",
    ),
    dict(
        number="11.13",
        title="Treatment failure",
        text='"On therapy for at least 12 months" is counted to today; fractures in the '
        "first year count towards the two. FRACTURE-ON-THERAPY applies from the first day "
        "on therapy.",
        constants=("TREATMENT_FAILURE_MIN_MONTHS", "TREATMENT_FAILURE_MIN_FRACTURES"),
    ),
    dict(
        number="11.14",
        title="ROMO-OVER-12",
        text="A dose beyond the {ROMO_MAX_DOSES}th, or today more than "
        "{ROMO_MAX_COURSE_MONTHS} months after the first dose while the "
        "course runs. It stays open until a clinician acknowledges it, even after the "
        "course ends.",
        constants=("ROMO_MAX_DOSES", "ROMO_MAX_COURSE_MONTHS"),
    ),
    dict(
        number="11.15",
        title="DRUG-OVERLAP",
        text="Two courses overlap when they share two days or more, so a switch where the "
        "old course's last day is the new one's first day is not an overlap. Romosozumab "
        "counts as an anabolic. Denosumab has no tail here: the transition rule covers the "
        "hand-over.",
    ),
    dict(
        number="11.16",
        title="SCAN-BASELINE",
        text='"Fracture after 50" means a fragility fracture at age 50 or over. '
        "Glucocorticoid use (5 mg a day or more for 3 months or more) is a yes or no on the "
        "profile, with its start date.",
        constants=("BASELINE_FRACTURE_AFTER_AGE",),
    ),
    dict(
        number="11.17",
        title="Target gap",
        text="The target (by default {DEFAULT_TARGET_T_SCORE}) is met only when the T-score "
        "is above it; exactly at the target "
        "the gap is 0.0 and the target is not met.",
        constants=("DEFAULT_TARGET_T_SCORE",),
    ),
    dict(
        number="11.18",
        title="A patient closing an item",
        text="A patient (or a caregiver for them) marking an item done or snoozing it changes "
        "only their own list and emails. What a clinician sees (warn and alert items) stays "
        "open until the record resolves it or a clinician acknowledges it.",
    ),
    dict(
        number="11.19",
        title="ANABOLIC-NO-FOLLOWON",
        text="It closes when an antiresorptive starts, even after the "
        "{ANABOLIC_FOLLOWON_WINDOW_DAYS}-day window. Switching "
        "between anabolics is not the end of anabolic therapy: the follow-on is due after "
        "the last anabolic course ends.",
        constants=("ANABOLIC_FOLLOWON_WINDOW_DAYS",),
    ),
    dict(
        number="11.20",
        title="Gourlay versus osteoporosis",
        text="Gourlay applies only when the latest scan is not osteoporosis and there is no "
        'standing diagnosis; otherwise "untreated with osteoporosis" (1 year) applies, '
        "whatever the hips show.",
    ),
    dict(
        number="11.21",
        title="Holiday resume triggers and scans",
        text="When BP-HOLIDAY-REVIEW is raised early by a fracture or a BMD loss, the next "
        "scan is due at once; the {MIN_SCAN_INTERVAL_MONTHS}-month floor still holds unless a "
        "clinician set a shorter interval.",
        constants=("MIN_SCAN_INTERVAL_MONTHS",),
    ),
    dict(
        number="11.22",
        title="LSC sources",
        text="When only one of the two scans has a facility LSC, that one is used. A "
        "clinician's LSC for the patient is taken as given, without the vertebrae multiplier.",
    ),
    dict(
        number="11.23",
        title="Treatment failure and comparability",
        text='"Comparability uncertain" counts as comparable for TREATMENT-FAILURE (with '
        'the wider LSC); "not comparable" does not.',
    ),
    dict(
        number="11.24",
        title="BP-REASSESS closes",
        text="It closes when the course ends for a drug holiday; BP-HOLIDAY-REVIEW takes over.",
    ),
    dict(
        number="11.25",
        title='"By 7 months"',
        text="In DMAB-STOP-NO-TRANSITION this is {DMAB_TRANSITION_BY_DAYS} days after the "
        "last dose, the same edge as DMAB-LATE ({DMAB_LATE_AFTER_DAYS} days).",
        constants=("DMAB_TRANSITION_BY_DAYS", "DMAB_LATE_AFTER_DAYS"),
    ),
    dict(
        number="11.26",
        title="Bisphosphonate years",
        text="A year is 365.25 days: 5 years = {ORAL_BP_REASSESS_DAYS} days, 10 years = "
        "{ORAL_BP_LONG_DAYS} days.",
        constants=("ORAL_BP_REASSESS_DAYS", "ORAL_BP_LONG_DAYS"),
    ),
    dict(
        number="11.27",
        title='"Untreated"',
        text="No drug of the catalogue ever recorded, menopausal hormone therapy included.",
    ),
    dict(
        number="11.28",
        title="What each drug did",
        text="Each course is measured from its baseline, the last scan on or before its first "
        "day, to its end scan, the last scan after the first day and no later than the last "
        "day on the drug ({END_SCAN_GRACE_DAYS} days of grace), or today while it runs; only "
        "scans with one of the four classifying sites count. Every site and side on both "
        "scans is compared as in section 3 (LSC, vertebrae, clinician's LSC, comparability): "
        "across a scanner make it is not comparable and no number is shown. The change per "
        "year is the change divided by the years between the two scans (365.25 days), shown "
        "only when they are {MIN_ANNUALISED_DAYS} days apart or more. Each course is judged "
        "on its own; one that shares {OVERLAP_MIN_SHARED_DAYS} days or more with another "
        "says so.",
        constants=("END_SCAN_GRACE_DAYS", "MIN_ANNUALISED_DAYS", "OVERLAP_MIN_SHARED_DAYS"),
    ),
)
