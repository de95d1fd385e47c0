"""Keeping the clinician panel's per-patient row true."""

from django.utils import timezone

from tracker.accounts.models import Patient
from tracker.clinical.assess import assess
from tracker.clinical.summary import summarize
from tracker.dashboard.models import PatientSummary
from tracker.records.history import load_history
from tracker.reminders.models import open_alerts


def refresh_summary(patient: Patient) -> None:
    """Call after anything that changes what the engine would say about this patient."""
    today = timezone.localdate()
    assessment = assess(load_history(patient), today)
    return PatientSummary.store(
        patient, summarize(assessment, open_alerts(patient, assessment.alerts, today))
    )
