"""The words of the rule book: one entry per rule and per group of thresholds.

Entries name their constants; `rulebook.py` looks the values up in the engine
and renders the book. A `{NAME}` in a meaning or severity is replaced by the
value of that constant, which the entry must list. To document a new rule, add
its entry here under the section the specification gives it.
"""

from __future__ import annotations

from tracker.clinical import classify

REFERENCES: tuple[dict[str, object], ...] = (
    dict(
        section="1.1",
        title="Bone density (BMD)",
        meaning="A BMD at or below {BMD_REJECT_AT_OR_BELOW} or above {BMD_REJECT_ABOVE} g/cm² "
        "is refused; one below {BMD_CHECK_BELOW} or above {BMD_CHECK_ABOVE} is accepted only "
        "after a double-check. A refused value of {MG_HINT_MIN} or more that divided by "
        "{MG_PER_G} would be plausible is probably in mg/cm², and the message says so.",
        constants=(
            "BMD_REJECT_AT_OR_BELOW",
            "BMD_REJECT_ABOVE",
            "BMD_CHECK_BELOW",
            "BMD_CHECK_ABOVE",
            "MG_HINT_MIN",
            "MG_PER_G",
        ),
        source="ours (section 1.1)",
    ),
    dict(
        section="1.1",
        title="T-scores and Z-scores",
        meaning="A score below {SCORE_REJECT_BELOW} or above {SCORE_REJECT_ABOVE} is refused; "
        "one below {SCORE_CHECK_BELOW} or above {SCORE_CHECK_ABOVE} is accepted only after a "
        "double-check.",
        constants=(
            "SCORE_REJECT_BELOW",
            "SCORE_REJECT_ABOVE",
            "SCORE_CHECK_BELOW",
            "SCORE_CHECK_ABOVE",
        ),
        source="ours (section 1.1)",
    ),
    dict(
        section="1.1",
        title="Change between scans",
        meaning="A change against the previous scan of the same site and side of more than "
        "{MAX_CHANGE_PCT_PER_YEAR} % a year, or two scans of one site fewer than "
        "{MIN_SCAN_GAP_DAYS} days apart, asks for a double-check.",
        constants=("MAX_CHANGE_PCT_PER_YEAR", "MIN_SCAN_GAP_DAYS"),
        source="ours (section 1.1)",
    ),
    dict(
        section="2",
        title="WHO categories (2.1)",
        meaning="The lowest T-score of lumbar spine, total hip, femoral neck and 33 % radius "
        "on the latest scan: normal at T ≥ {T_NORMAL_MIN}, osteoporosis at T ≤ "
        "{T_OSTEOPOROSIS_MAX}, low bone mass between. Men are classified this way from age "
        "{WHO_MIN_AGE_MEN}.",
        constants=("T_NORMAL_MIN", "T_OSTEOPOROSIS_MAX", "WHO_MIN_AGE_MEN"),
        source=classify.SOURCE_WHO,
    ),
    dict(
        section="2",
        title="Z-score mode (2.2)",
        meaning="Premenopausal women and men under {WHO_MIN_AGE_MEN} get no WHO label: "
        "Z ≤ {Z_BELOW_EXPECTED_MAX} is below the expected range for age. Under "
        "{MIN_AGE_FOR_CATEGORY} there is no category at all.",
        constants=("Z_BELOW_EXPECTED_MAX", "MIN_AGE_FOR_CATEGORY", "WHO_MIN_AGE_MEN"),
        source=classify.SOURCE_Z,
    ),
    dict(
        section="2",
        title="Standing diagnosis",
        meaning="A fragility fracture of the first group of sites establishes osteoporosis at "
        "any BMD; one of the second group only with low bone mass; a vertebral fracture found "
        "on imaging does not on its own. Once made, the diagnosis is never downgraded by a "
        'better scan. It is only ever "osteoporosis": "severe" describes the latest scan.',
        constants=("FRACTURE_ESTABLISHES_ANY_BMD", "FRACTURE_ESTABLISHES_WITH_LOW_MASS"),
        source="AACE/ACE 2020 (section 2.1)",
    ),
    dict(
        section="3",
        title="Least significant change",
        meaning="LSC = {LSC_PRECISION_FACTOR} × precision error. Without a facility LSC the "
        'default percentage per site applies, and the change is marked "estimated". A change '
        "counts only when it equals or exceeds the LSC.",
        constants=("LSC_PRECISION_FACTOR", "DEFAULT_LSC_PCT"),
        source="ISCD precision calculator; defaults ours, from ISCD minimum precision "
        "(section 3.1, 3.2)",
    ),
    dict(
        section="3",
        title="Fewer than four lumbar vertebrae (3.3)",
        meaning="The lumbar spine LSC is multiplied by this factor for the number of vertebrae "
        "used.",
        constants=("VERTEBRAE_LSC_MULTIPLIER",),
        source="Manitoba BMD Registry, J Clin Densitom 2024 (section 3.3)",
    ),
    dict(
        section="3",
        title="Different scanners (3.4)",
        meaning="A different manufacturer starts a new trend with a new baseline: no change is "
        "computed across the break. The same make with a different model or facility is "
        'compared but marked "comparability uncertain".',
        source="Genant et al. JBMR 1994 (section 3.4)",
    ),
    dict(
        section="6",
        title="Treat-to-target",
        meaning="The default goal is a T-score above {DEFAULT_TARGET_T_SCORE} at "
        "{TARGET_SITES}; a clinician may set another per patient. The gap to the target is "
        "shown.",
        constants=("DEFAULT_TARGET_T_SCORE", "TARGET_SITES"),
        source="Cummings 2013; Lewiecki 2017; ASBMR/BHOF 2024 (section 6)",
    ),
)

# A rule in alerts.SOURCES takes its source from there; "source" here is for the others.
RULES: tuple[dict[str, object], ...] = (
    # --- Section 4: reminders
    dict(
        rule_id="SCAN-DUE",
        section="4",
        title="DXA scan coming up or due",
        severity="info before the due date, warn from it",
        meaning="The next DXA scan is coming up (from {UPCOMING_DAYS_BEFORE} days before) or "
        "due. The interval rules below set the date, never sooner than "
        "{MIN_SCAN_INTERVAL_MONTHS} months after the last scan unless a clinician set a "
        "shorter interval.",
        constants=("UPCOMING_DAYS_BEFORE", "MIN_SCAN_INTERVAL_MONTHS"),
    ),
    dict(
        rule_id="SCAN-OVERDUE",
        section="4",
        title="DXA scan overdue",
        severity="warn",
        meaning="No new scan recorded {OVERDUE_DAYS_AFTER} days after the due date.",
        constants=("OVERDUE_DAYS_AFTER",),
    ),
    dict(
        rule_id="SCAN-BASELINE",
        section="4",
        title="Baseline DXA recommended",
        severity="warn",
        meaning="No scan on record and a reason for a first scan applies: a woman aged "
        "{BASELINE_WOMAN_AGE} or over, a man aged {BASELINE_MAN_AGE} or over, a fracture "
        "after {BASELINE_FRACTURE_AFTER_AGE} or a fragility fracture, menopause (or a man "
        "from {BASELINE_MAN_WITH_RISK_FACTOR_AGE}) with a risk factor, glucocorticoid "
        "tablets, a condition that causes bone loss, or current treatment. Never under "
        "{ADULT_AGE}.",
        constants=(
            "BASELINE_WOMAN_AGE",
            "BASELINE_MAN_AGE",
            "BASELINE_FRACTURE_AFTER_AGE",
            "BASELINE_MAN_WITH_RISK_FACTOR_AGE",
            "ADULT_AGE",
        ),
    ),
    dict(
        rule_id="SCAN-PROMPT",
        section="4",
        title="Scan indicated now",
        severity="warn",
        meaning="A new fragility fracture, or glucocorticoid tablets (5 mg a day or more for "
        "3 months or more) started, since the last scan: talk to the clinician about a scan "
        "now, whatever the interval.",
    ),
    # --- Section 4: intervals, in the order the engine tries them
    dict(
        rule_id="SCAN-INTERVAL-OVERRIDE",
        section="4",
        title="Interval set by a clinician",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="A clinician's interval for the patient wins over every other row, and its "
        "reason is shown. The 12-month floor does not apply to it.",
        source="ours (section 4)",
    ),
    dict(
        rule_id="SCAN-INTERVAL-BP-HOLIDAY",
        section="4",
        title="Bisphosphonate drug holiday",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="On a bisphosphonate drug holiday: {BP_HOLIDAY_SCAN_INTERVAL_MONTHS} months "
        "after the last scan, or at the holiday review ({BP_HOLIDAY_REVIEW_MONTHS} months "
        "into the holiday), whichever comes first. A resume trigger (a new fragility "
        "fracture or a BMD loss of at least the LSC during the holiday) makes it due at once, "
        "not sooner than {MIN_SCAN_INTERVAL_MONTHS} months after the last scan unless a "
        "clinician set a shorter interval (11.21).",
        constants=(
            "BP_HOLIDAY_SCAN_INTERVAL_MONTHS",
            "BP_HOLIDAY_REVIEW_MONTHS",
            "MIN_SCAN_INTERVAL_MONTHS",
        ),
        source="ASBMR task force 2016 (section 4)",
    ),
    dict(
        rule_id="SCAN-INTERVAL-THERAPY-CHANGED",
        section="4",
        title="Therapy started or changed since the last scan",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="A drug started or stopped after the last scan: the next scan is due "
        "{THERAPY_CHANGED_INTERVAL_MONTHS} months after the earliest such change.",
        constants=("THERAPY_CHANGED_INTERVAL_MONTHS",),
        source="BHOF/NOF; Endocrine Society (section 4)",
    ),
    dict(
        rule_id="SCAN-INTERVAL-STABLE-THERAPY",
        section="4",
        title="Stable therapy",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="On the same treatment since the last scan: every "
        "{STABLE_THERAPY_INTERVAL_MONTHS} months, long enough for a change to show.",
        constants=("STABLE_THERAPY_INTERVAL_MONTHS",),
        source="BHOF/NOF; Endocrine Society (section 4)",
    ),
    dict(
        rule_id="SCAN-INTERVAL-UNTREATED-OSTEOPOROSIS",
        section="4",
        title="Untreated osteoporosis",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="No current treatment, and the latest scan shows osteoporosis (T ≤ "
        "{T_OSTEOPOROSIS_MAX}) or a standing diagnosis exists: every "
        "{UNTREATED_OSTEOPOROSIS_INTERVAL_MONTHS} months.",
        constants=("UNTREATED_OSTEOPOROSIS_INTERVAL_MONTHS", "T_OSTEOPOROSIS_MAX"),
        source="ours, in line with Gourlay's shortest band (section 4)",
    ),
    dict(
        rule_id="SCAN-INTERVAL-GOURLAY",
        section="4",
        title="Untreated older woman (Gourlay)",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="A postmenopausal woman aged {GOURLAY_MIN_AGE} or over, never treated, with "
        "no hip or spine fracture: the lowest T-score at {GOURLAY_HIP_SITES} sets the "
        "interval. Bands, as (lowest T-score of the band, months): {GOURLAY_BANDS}.",
        constants=("GOURLAY_MIN_AGE", "GOURLAY_HIP_SITES", "GOURLAY_BANDS"),
        source="Gourlay et al., NEJM 2012 (section 4)",
    ),
    dict(
        rule_id="SCAN-INTERVAL-UNTREATED",
        section="4",
        title="Any other untreated adult",
        severity="sets the SCAN-DUE date (no alert of its own)",
        meaning="Everyone else without treatment: every {UNTREATED_INTERVAL_MONTHS} months; "
        "a clinician may change it.",
        constants=("UNTREATED_INTERVAL_MONTHS",),
        source="ours (section 4)",
    ),
    # --- Section 5.1: denosumab
    dict(
        rule_id="DMAB-DUE",
        section="5.1",
        title="Denosumab dose due",
        severity="info",
        meaning="The next denosumab (Prolia) injection is due {DMAB_DUE_DAYS} days (6 months) "
        "after the last one given; the reminder shows from {DMAB_DUE_SHOWN_DAYS_BEFORE} days "
        "before.",
        constants=("DMAB_DUE_DAYS", "DMAB_DUE_SHOWN_DAYS_BEFORE"),
    ),
    dict(
        rule_id="DMAB-LATE",
        section="5.1",
        title="Denosumab dose late",
        severity="warn",
        meaning="More than {DMAB_LATE_AFTER_DAYS} days (7 months) since the last injection "
        "while the course runs: bone loss can restart quickly.",
        constants=("DMAB_LATE_AFTER_DAYS",),
    ),
    dict(
        rule_id="DMAB-LONG-DELAY",
        section="5.1",
        title="Denosumab dose very late",
        severity="alert",
        meaning="More than {DMAB_LONG_DELAY_AFTER_DAYS} days (6 months + 16 weeks) since the "
        "last injection: the risk of spine fractures rises sharply (hazard ratio 3.91 in "
        "Lyu 2020).",
        constants=("DMAB_LONG_DELAY_AFTER_DAYS",),
    ),
    dict(
        rule_id="DMAB-STOP-NO-TRANSITION",
        section="5.1",
        title="Denosumab stopped without a transition",
        severity="alert",
        meaning="Denosumab stopped (or the long delay reached) and no bisphosphonate started "
        "by {DMAB_TRANSITION_BY_DAYS} days after the last injection. Only a bisphosphonate "
        "counts: raloxifene, hormone therapy and "
        "calcitonin do not prevent the rebound.",
        constants=("DMAB_TRANSITION_BY_DAYS", "DMAB_TRANSITION_NEEDS_BISPHOSPHONATE"),
    ),
    # --- Section 5.1: romosozumab
    dict(
        rule_id="ROMO-COUNT",
        section="5.1",
        title="Romosozumab dose count",
        severity="info",
        meaning='While a romosozumab (Evenity) course runs: "dose n of {ROMO_MAX_DOSES}".',
        constants=("ROMO_MAX_DOSES",),
    ),
    dict(
        rule_id="ROMO-DUE",
        section="5.1",
        title="Romosozumab dose due",
        severity="info",
        meaning="The next monthly dose is due {ROMO_DUE_INTERVAL_MONTHS} calendar month after "
        "the last one given; the reminder shows from {ROMO_DUE_SHOWN_DAYS_BEFORE} days "
        'before. There is no "late" stage: the course limits cover the rest.',
        constants=("ROMO_DUE_INTERVAL_MONTHS", "ROMO_DUE_SHOWN_DAYS_BEFORE"),
        source="Evenity label; 7 days' notice ours (section 5.1)",
    ),
    dict(
        rule_id="ROMO-COURSE-END",
        section="5.1",
        title="Romosozumab course ending",
        severity="warn",
        meaning="From dose {ROMO_COURSE_END_FROM_DOSE} of {ROMO_MAX_DOSES}, unless an "
        "antiresorptive has already started: plan the antiresorptive that must follow.",
        constants=("ROMO_COURSE_END_FROM_DOSE", "ROMO_MAX_DOSES"),
    ),
    dict(
        rule_id="ROMO-OVER-12",
        section="5.1",
        title="Romosozumab past 12 doses or 12 months",
        severity="alert",
        meaning="More than {ROMO_MAX_DOSES} doses recorded, or the course still running more "
        "than {ROMO_MAX_COURSE_MONTHS} months after its first dose. It stays open until a "
        "clinician acknowledges it.",
        constants=("ROMO_MAX_DOSES", "ROMO_MAX_COURSE_MONTHS"),
    ),
    dict(
        rule_id="ROMO-CV",
        section="5.1",
        title="Romosozumab and a heart attack or stroke",
        severity="alert",
        meaning="An event of the kinds {ROMO_CV_EVENT_KINDS} in the {ROMO_CV_LOOKBACK_DAYS} "
        "days before the first dose or during the course (boxed warning: do not start; stop "
        "if it happens).",
        constants=("ROMO_CV_LOOKBACK_DAYS", "ROMO_CV_EVENT_KINDS"),
    ),
    # --- Section 5.1: PTH analogs and after any anabolic
    dict(
        rule_id="PTH-NEAR-LIMIT",
        section="5.1",
        title="PTH analogs near the lifetime limit",
        severity="warn",
        meaning="Days on teriparatide and abaloparatide add up over a lifetime (limit "
        "{PTH_LIFETIME_LIMIT_DAYS} days). From {PTH_NEAR_LIMIT_DAYS} days, plan the end of the "
        "course and what follows.",
        constants=("PTH_NEAR_LIMIT_DAYS", "PTH_LIFETIME_LIMIT_DAYS"),
    ),
    dict(
        rule_id="PTH-OVER-LIMIT",
        section="5.1",
        title="PTH analogs over the lifetime limit",
        severity="alert if any abaloparatide is in the history, warn if teriparatide only",
        meaning="More than {PTH_LIFETIME_LIMIT_DAYS} days in total. Abaloparatide is not "
        "recommended beyond 2 years; teriparatide only if fracture risk stays high (2020 "
        "label).",
        constants=("PTH_LIFETIME_LIMIT_DAYS",),
    ),
    dict(
        rule_id="ANABOLIC-NO-FOLLOWON",
        section="5.1",
        title="No antiresorptive after an anabolic",
        severity="alert",
        meaning="A teriparatide, abaloparatide or romosozumab course ended and no "
        "antiresorptive started within {ANABOLIC_FOLLOWON_WINDOW_DAYS} days: the bone gained "
        "is lost without one. A switch to another anabolic moves the duty to the end of that "
        "course.",
        constants=("ANABOLIC_FOLLOWON_WINDOW_DAYS",),
    ),
    # --- Section 5.1: bisphosphonates
    dict(
        rule_id="BP-REASSESS",
        section="5.1",
        title="Bisphosphonate: time to reassess",
        severity="warn",
        meaning="{ORAL_BP_REASSESS_DAYS} days (5 years) of tablets or {IV_BP_REASSESS_YEARS} "
        "zoledronic acid infusions, added as fractions of each limit; an IV ibandronate "
        "infusion counts as {IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS} months of tablets: "
        "continue, or take a drug holiday?",
        constants=(
            "ORAL_BP_REASSESS_DAYS",
            "IV_BP_REASSESS_YEARS",
            "IV_IBANDRONATE_ORAL_EQUIVALENT_MONTHS",
        ),
    ),
    dict(
        rule_id="BP-LONG",
        section="5.1",
        title="Bisphosphonate beyond trial evidence",
        severity="warn",
        meaning="More than {ORAL_BP_LONG_DAYS} days (10 years) of tablets or "
        "{IV_BP_LONG_YEARS} zoledronic acid infusions, added the same way: longer than the trials "
        "studied.",
        constants=("ORAL_BP_LONG_DAYS", "IV_BP_LONG_YEARS"),
    ),
    dict(
        rule_id="BP-HOLIDAY-REVIEW",
        section="5.1",
        title="Bisphosphonate holiday review",
        severity="info at {BP_HOLIDAY_REVIEW_INFO_MONTHS} months of a holiday, warn at "
        "{BP_HOLIDAY_REVIEW_WARN_MONTHS} months; warn at once on a resume trigger",
        meaning="A holiday starts when a bisphosphonate course ends for a drug holiday and no "
        "other osteoporosis drug follows. A new fragility fracture, or a BMD loss of at least "
        "the LSC, during the holiday raises it at once.",
        constants=("BP_HOLIDAY_REVIEW_INFO_MONTHS", "BP_HOLIDAY_REVIEW_WARN_MONTHS"),
    ),
    dict(
        rule_id="ZOL-DUE",
        section="5.1",
        title="Zoledronic acid infusion due",
        severity="info",
        meaning="The next zoledronic acid infusion is due {ZOL_INTERVAL_MONTHS} months after "
        "the last one; the reminder shows from {ZOL_DUE_SHOWN_DAYS_BEFORE} days before.",
        constants=("ZOL_INTERVAL_MONTHS", "ZOL_DUE_SHOWN_DAYS_BEFORE"),
    ),
    # --- Section 5.1: others
    dict(
        rule_id="RALOX-VTE",
        section="5.1",
        title="Raloxifene with a blood clot",
        severity="alert",
        meaning="Raloxifene is running and a blood clot is on record (boxed warning).",
    ),
    dict(
        rule_id="DRUG-OVERLAP",
        section="5.1",
        title="Drugs that should not overlap",
        severity="warn",
        meaning="Two antiresorptives at once, or an anabolic with denosumab, sharing two days "
        "or more, unless a clinician marked the combination as intended.",
    ),
    # --- Section 6
    dict(
        rule_id="TREATMENT-FAILURE",
        section="6",
        title="Possible treatment failure",
        severity="alert",
        meaning="On therapy for at least {TREATMENT_FAILURE_MIN_MONTHS} months, with "
        "{TREATMENT_FAILURE_MIN_FRACTURES} or more fragility fractures since therapy started, "
        "or a BMD loss of at least the LSC at {TREATMENT_FAILURE_BMD_SITES} on a comparable "
        "scan. Courses at most {EPISODE_GAP_DAYS} days apart count as one episode.",
        constants=(
            "TREATMENT_FAILURE_MIN_MONTHS",
            "TREATMENT_FAILURE_MIN_FRACTURES",
            "TREATMENT_FAILURE_BMD_SITES",
            "EPISODE_GAP_DAYS",
        ),
    ),
    dict(
        rule_id="FRACTURE-ON-THERAPY",
        section="6",
        title="Fracture on therapy",
        severity="warn",
        meaning="One fragility fracture while on therapy, from its first day: review the "
        "treatment.",
    ),
    dict(
        rule_id="SEVERE-OSTEOPOROSIS",
        section="6",
        title="Severe osteoporosis",
        severity="info",
        meaning="T ≤ {T_OSTEOPOROSIS_MAX} on the latest scan with a fragility fracture "
        "(a vertebral fracture found on imaging included): anabolic therapy "
        "is often considered first. It informs; it never recommends a drug.",
        constants=("T_OSTEOPOROSIS_MAX",),
    ),
    # --- Section 7
    dict(
        rule_id="HEIGHT-LOSS",
        section="7",
        title="Height loss",
        severity="warn",
        meaning="Measured height at least {HEIGHT_LOSS_FROM_TALLEST_CM} cm below the tallest "
        "recalled height, or a drop of at least {HEIGHT_LOSS_MEASURED_CM} cm between two "
        "measured heights: ask about a spine X-ray or VFA.",
        constants=("HEIGHT_LOSS_FROM_TALLEST_CM", "HEIGHT_LOSS_MEASURED_CM"),
    ),
)
