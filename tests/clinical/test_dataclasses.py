"""The engine's results are frozen, keyword-only dataclasses: built in many places, read by name."""

import dataclasses

import pytest

from tracker.clinical import assess as assess_module
from tracker.clinical import (
    change,
    classify,
    drugs,
    exercise,
    plausibility,
    response,
    schedule,
    summary,
    therapy,
)
from tracker.clinical.alerts import Alert

# --- result dataclasses are keyword-only ------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [
        Alert,
        schedule.NextScan,
        schedule.ScanPrompt,
        therapy.Holiday,
        change.Comparability,
        change.Change,
        change.ChangeRow,
        classify.Classification,
        classify.StandingDiagnosis,
        assess_module.TargetGap,
        assess_module.NextDose,
        assess_module.CurrentDrug,
        assess_module.CourseLimit,
        assess_module.Assessment,
        summary.Summary,
        summary.OpenItem,
        exercise.Target,
        exercise.WeekSummary,
        plausibility.Finding,
        drugs.Drug,
        response.SiteResponse,
        response.CourseResponse,
    ],
)
def test_result_dataclasses_are_keyword_only(cls):
    assert all(field.kw_only for field in dataclasses.fields(cls))
    with pytest.raises(TypeError):
        cls(*range(len(dataclasses.fields(cls))))
