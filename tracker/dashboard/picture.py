"""What the dashboard shows about one patient on one day.

Two parts, so a warm page costs little: the light part (headline, alerts, this
week's exercise) is cached per record version and day; the heavy part (charts,
tables) is only computed when a cached template fragment is missing.
"""

import dataclasses
import datetime as dt
from functools import cached_property

from tracker.clinical import exercise, response
from tracker.clinical.version import RULES_VERSION
from tracker.dashboard import charts, tables
from tracker.dashboard.charts.summaries import (
    bmd_summary,
    exercise_summary,
    height_summary,
    medication_summary,
)
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
        return self._snapshot[1] or snapshot.assessed(self.history, self.today)

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
            # What the charts and tables are drawn from (see Heavy), as digests: the
            # history and the sessions of the exercise chart, on this day.
            "drawn_from": {
                "history": f"{self.patient.pk}:{self.today.isoformat()}:{hash(history):x}",
                "sessions": f"{self.patient.pk}:{self.today.isoformat()}:"
                f"{hash(tuple(self.sessions)):x}",
            },
        }

    @property
    def heavy(self) -> "Heavy":
        return Heavy(self)


class _Lazy:
    """A mapping whose values are computed on first use: a template that reads one
    part (a missing fragment) computes that part alone."""

    def __init__(self, makers: dict):
        self._makers, self._made = makers, {}

    def __getitem__(self, name: str):
        if name not in self._made:
            self._made[name] = self._makers[name]()
        return self._made[name]

    def __contains__(self, name: str) -> bool:
        return name in self._makers

    def keys(self):
        return self._makers.keys()


class Heavy(_Lazy):
    """The charts and tables, each computed only when a fragment showing it is missing
    from the cache (the fragments are keyed by a digest of what they are drawn from,
    so a change to one part of the record leaves the others cached)."""

    def __init__(self, picture: Picture):
        p, weeks = picture, CHART_WEEKS
        x_range = _Lazy({"x": lambda: charts.shared_x_range(p.history, p.today)})
        super().__init__(
            {
                "figures": lambda: _Lazy(
                    {
                        "bmd": lambda: charts.bmd_trend(
                            p.history, p.assessment, x_range=x_range["x"]
                        ),
                        "medication": lambda: charts.medication_timeline(
                            p.history, p.assessment, x_range=x_range["x"]
                        ),
                        "exercise": lambda: charts.exercise_weekly(
                            p.sessions, today=p.today, weeks=weeks
                        ),
                        "height": lambda: charts.height_chart(p.history),
                    }
                ),
                "chart_texts": lambda: _Lazy(
                    {
                        "bmd": lambda: bmd_summary(p.history, p.assessment),
                        "medication": lambda: medication_summary(p.history, p.assessment),
                        "height": lambda: height_summary(p.history),
                        "exercise": lambda: exercise_summary(
                            p.sessions, today=p.today, weeks=weeks
                        ),
                    }
                ),
                "change_table": lambda: tables.ChangeTables(
                    tables.change_table(p.history, p.assessment), p.patient.pk
                ),
                "change_table_latest": lambda: tables.CHANGE_TABLE_LATEST,
                # What each drug did (issue 12): from the history already loaded, no query.
                "response_table": lambda: tables.response_table(
                    response.course_responses(p.history, p.today)
                ),
                "drug_history": lambda: tables.drug_history(p.history),
                "has_exercise": lambda: bool(p.sessions),
                "exercise_weeks": lambda: tables.exercise_weeks(
                    p.sessions, today=p.today, weeks=weeks
                ),
                "exercise_kinds": lambda: [label for _, label in m.ExerciseKind.choices],
                "heights": lambda: sorted(p.history.heights, key=lambda h: h.date, reverse=True),
            }
        )
