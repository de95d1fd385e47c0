from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Getting data in and out: DXA reports (PDF text, local OCR) with a review step,
    FHIR R4 and CSV export and import, the patient's full download and account deletion.
    Everything imported is written through the one write path (tracker.records.changes)."""

    name = "tracker.interop"
    label = "interop"
    default_auto_field = "django.db.models.BigAutoField"
