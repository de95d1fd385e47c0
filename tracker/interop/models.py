"""An uploaded DXA report, kept with the scan it became (rule book section 1: provenance).

The bytes live in the "reports" storage (settings.STORAGES), never under static files,
and are served only through the access gate (views_reports)."""

from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from tracker.accounts.models import Patient, User
from tracker.records.models import Scan


def reports_storage():
    return storages["reports"]


class UploadedReportQuerySet(models.QuerySet):
    def for_patient(self, patient: Patient) -> "UploadedReportQuerySet":
        return self.filter(patient=patient)


class UploadedReport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "waiting for review"
        IMPORTED = "imported", "imported"
        DISCARDED = "discarded", "discarded"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(storage=reports_storage, upload_to="reports/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=40)  # from the bytes, never from the name
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    # What the reader found, so the review can be opened again; page images are files
    # in the same storage, named in read["pages"].
    read = models.JSONField(default=dict)
    scan = models.OneToOneField(
        Scan, on_delete=models.CASCADE, null=True, blank=True, related_name="report"
    )
    checked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    objects = UploadedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "uploaded report"

    def __str__(self) -> str:
        return f"report {self.original_name or self.pk}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"

    @property
    def page_names(self) -> list[str]:
        return list(self.read.get("pages", []))

    def stored_names(self) -> list[str]:
        return [name for name in [self.file.name, *self.page_names] if name]

    def delete_files_on_commit(self) -> None:
        """Remove the stored bytes once the deletion of the row has committed: a rolled
        back deletion keeps its files."""
        storage, names = self.file.storage, self.stored_names()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


@receiver(post_delete, sender=UploadedReport)
def _delete_files(sender, instance: UploadedReport, **kwargs) -> None:
    # Housekeeping, not a rule: however the row goes (discarded, deleted, its scan or
    # patient deleted), its bytes go with it.
    instance.delete_files_on_commit()
