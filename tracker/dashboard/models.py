from dataclasses import asdict

from django.db import models
from django.utils import timezone

from tracker.accounts.models import Patient
from tracker.clinical.summary import Summary


class PatientSummaryQuerySet(models.QuerySet):
    def by_urgency(self) -> "PatientSummaryQuerySet":
        """Alert-level items first, then anything overdue, then warnings, then what is
        due soonest. Exactly the order of the summary_urgency index, so a page is read
        straight from it; patients with nothing due come wherever each database puts
        an empty date within their group (first on SQLite, last on PostgreSQL)."""
        return self.order_by(
            "-alert_count", "-overdue", "-warn_count", "next_due_date", "patient_id"
        )


class PatientSummary(models.Model):
    """One row per patient for the clinician panel, refreshed whenever the record
    changes and by sendreminders every run (time alone moves alerts on), so the
    panel never assesses thousands of patients per request."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    last_scan_date = models.DateField(null=True)
    lowest_t_score = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    category = models.CharField(max_length=24)
    category_label = models.CharField(max_length=60)
    current_drug = models.CharField(max_length=200, blank=True)
    on_anabolic = models.BooleanField(default=False)
    next_due_date = models.DateField(null=True)
    next_due_what = models.CharField(max_length=80, blank=True)
    alert_count = models.PositiveSmallIntegerField(default=0)
    warn_count = models.PositiveSmallIntegerField(default=0)
    info_count = models.PositiveSmallIntegerField(default=0)
    overdue = models.BooleanField(default=False)
    overdue_scan = models.BooleanField(default=False)
    late_denosumab = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField(default=timezone.now)
    # Bumped by every change to the record (not by sendreminders' daily refresh):
    # with the date, it keys the dashboard's cached picture.
    record_version = models.PositiveIntegerField(default=0)

    objects = PatientSummaryQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["-alert_count", "-overdue", "-warn_count", "next_due_date", "patient"],
                name="summary_urgency",
            ),
        ]

    def __str__(self) -> str:
        return f"Summary of {self.patient_id}"

    @classmethod
    def store(cls, patient: Patient, summary: Summary) -> None:
        """Save the summary after a change to the record, and bump its version."""
        values = {**asdict(summary), "refreshed_at": timezone.now()}
        if not cls.objects.filter(patient=patient).update(
            **values, record_version=models.F("record_version") + 1
        ):
            cls.objects.create(patient=patient, record_version=1, **values)
