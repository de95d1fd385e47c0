"""The day on which the engine's answer about a patient next changes (issue 13).

`assess(history, today)` reads `today` in a few places only: the record as it
stood that day (an entry dated later comes into view on its date; a course stops
running the day after its last day), each rule's day counts and windows, and
ages (the scale of the targets, the baseline-scan indications: section 11.5).
Each of them says, next to itself, on which days its answer may change:
`therapy.record_edges`, each rule's `*_edges` (tracker.clinical.alerts),
`schedule.next_scan_edges` and `assess.assessment_edges`. `next_change` is the
earliest of those after today.

Until that day nothing that reminders, the panel or the dashboard act on moves:
alert keys, severities, due dates and titles, the next scan, doses, targets,
course limits, counts. Only the words that count days as they speak ("220 days
ago" in an explanation, a course's days on the drug) do. A property test walks
generated histories day by day to show it. A day earlier than needed costs one
more assessment; a later one would hide a warning for good, so every edge errs
early, never late.
"""

from __future__ import annotations

from datetime import date

from tracker.clinical.alerts import alert_edges
from tracker.clinical.assess import Assessment, assessment_edges
from tracker.clinical.history import PatientHistory
from tracker.clinical.therapy import as_of, record_edges


def next_change(history: PatientHistory, assessment: Assessment) -> date | None:
    """The earliest day after `assessment.today` on which `assess(history, day)` may
    answer otherwise (see above); None when only a change to the record can.

    `assessment` must be `assess(history, assessment.today)`.
    """
    today = assessment.today
    current = as_of(history, today)
    edges = [
        *record_edges(history),
        *alert_edges(current, today, assessment.next_scan),
        *assessment_edges(current, today),
    ]
    return min((day for day in edges if day > today), default=None)
