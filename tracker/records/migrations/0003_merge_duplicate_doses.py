"""Merge doses stored twice (same course, same date) before 0004 makes them unique.

Before issue 9 a double click or two people at once could store one dose two or
three times, and the extra doses counted (a false "dose 14, the limit is 12"). The
earliest row is kept; notes the others carried that it lacks are added to it; each
removed row leaves an audit event. A migration cannot use the one write path
(tracker.records.changes: it is today's code, not this migration's), so it writes
the audit rows itself and, for every patient it touched, bumps the record version
(the dashboard's cache key) and dates the panel summary back, so the next
`sendreminders` run (every few minutes under cron) refreshes it.
"""

import datetime as dt

from django.db import migrations
from django.db.models import Count, F

NOTES_MAX = 200
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def merge_duplicate_doses(apps, schema_editor):
    Dose = apps.get_model("records", "Dose")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    PatientSummary = apps.get_model("records", "PatientSummary")
    doubled = (
        Dose.objects.values("course_id", "date")
        .annotate(copies=Count("id"))
        .filter(copies__gt=1)
        .order_by("course_id", "date")
    )
    touched = set()
    for pair in doubled:
        kept, *extra = Dose.objects.filter(course_id=pair["course_id"], date=pair["date"]).order_by(
            "created_at", "pk"
        )
        notes = [kept.notes] if kept.notes else []
        for dose in extra:
            if dose.notes and dose.notes not in notes:
                notes.append(dose.notes)
            AuditEvent.objects.create(
                actor=None,
                actor_label="migration records 0003",
                patient_id=dose.patient_id,
                action="delete",
                object_type="dose",
                object_id=str(dose.pk),
                summary=(
                    f"Duplicate dose merged: {dose.date:%d %b %Y} was stored twice for "
                    f"the same course; dose {kept.pk} kept"
                ),
            )
            dose.delete()
        merged = "; ".join(notes)[:NOTES_MAX]
        if merged != kept.notes:
            kept.notes = merged
            kept.save(update_fields=["notes"])
        touched.add(kept.patient_id)
    PatientSummary.objects.filter(patient_id__in=touched).update(
        record_version=F("record_version") + 1, refreshed_at=LONG_AGO
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_time_zone"),
        ("records", "0002_patientsummary_alertstate"),
    ]

    operations = [migrations.RunPython(merge_duplicate_doses, migrations.RunPython.noop)]
