"""What the dashboard shows about one patient on one day.

Two parts, so a warm page costs little: the light part (headline, alerts, this
week's exercise) is cached per record version and day; the heavy part (charts,
tables) is only computed when a cached template fragment is missing.
"""

import dataclasses
import datetime as dt
from functools import cached_property

from tracker.clinical import exercise, response
from tracker.clinical.assess import assess
from tracker.clinical.version import RULES_VERSION
from tracker.dashboard import charts, tables
from tracker.records import models as m
from tracker.records import snapshot

CHART_WEEKS = 12


def cache_key(patient, today: dt.date) -> str:
    """The record's version, the date and the rules: what the engine says changes with
    nothing else (a rule change re-assesses everyone, issue 13)."""
    # A patient whose summary the daily run has not made yet (created outside the
    # app) is version 0 until its first change.
    version = snapshot.version_of(patient)
    return f"dashboard:{RULES_VERSION}:{patient.pk}:{version}:{today.isoformat()}"


class Picture:
    def __init__(self, patient, today: dt.date):
        self.patient, self.today = patient, today

    @cached_property
    def _snapshot(self):
        # The write path's history and assessment of this version when it left them
        # (issue 13): the first view after a change neither loads nor assesses again.
        return snapshot.taken(self.patient, self.today)

    @cached_property
    def history(self):
        return self._snapshot[0]

    @cached_property
    def assessment(self):
        return self._snapshot[1] or assess(self.history, self.today)

    @cached_property
    def sessions(self) -> list[tuple[dt.date, str, int]]:
        since = exercise.week_start(self.today) - dt.timedelta(weeks=CHART_WEEKS - 1)
        return list(
            m.ExerciseSession.objects.for_patient(self.patient)
            .filter(date__gte=since, date__lte=self.today)
            .order_by("date", "pk")
            .values_list("date", "kind", "minutes")
        )

    def light(self) -> dict:
        history, assessment = self.history, self.assessment
        return {
            # The change rows are the heavy part's; the headline and alerts need the rest.
            "assessment": dataclasses.replace(assessment, change_rows=()),
            "targets": tables.target_lines(assessment),
            "week": exercise.week_summary(self.sessions, self.today),
            "last_kind": self.sessions[-1][1] if self.sessions else None,
            "vertebral_fracture": exercise.needs_spine_safety_note(history),
            # Issue 12: the latest FRAX result beside the headline, from the history (no
            # query of its own).
            "frax": history.latest_frax,
        }

    @cached_property
    def heavy(self) -> dict:
        history, assessment, today = self.history, self.assessment, self.today
        x_range = charts.shared_x_range(history, today)
        return {
            "figures": {
                "bmd": charts.bmd_trend(history, assessment, x_range=x_range),
                "medication": charts.medication_timeline(history, assessment, x_range=x_range),
                "exercise": charts.exercise_weekly(self.sessions, today=today, weeks=CHART_WEEKS),
                "height": charts.height_chart(history),
            },
            "chart_texts": charts.summaries(
                history, assessment, sessions=self.sessions, weeks=CHART_WEEKS
            ),
            "change_table": tables.ChangeTables(
                tables.change_table(history, assessment), self.patient.pk
            ),
            "change_table_latest": tables.CHANGE_TABLE_LATEST,
            # What each drug did (issue 12): from the history already loaded, no query.
            "response_table": tables.response_table(response.course_responses(history, today)),
            "drug_history": tables.drug_history(history),
            "has_exercise": bool(self.sessions),
            "exercise_weeks": tables.exercise_weeks(self.sessions, today=today, weeks=CHART_WEEKS),
            "exercise_kinds": [label for _, label in m.ExerciseKind.choices],
            "heights": sorted(history.heights, key=lambda h: h.date, reverse=True),
        }
