"""Account events (issue 9): changes to a person's account rather than to a record
(email confirmation and change, time zone). Each is audited with the account's
owner as actor; the patient is named only on a patient's own account."""

from django.conf import settings

from tracker.accounts import audit
from tracker.accounts.models import Patient, User


def patient_of(user: User) -> Patient | None:
    return Patient.objects.filter(user=user).first() if user.is_patient else None


def record(request, user: User, action: str, summary: str) -> None:
    audit.record(request, action, actor=user, patient=patient_of(user), obj=user, summary=summary)


def set_time_zone(request, *, form) -> str:
    """Save the TimeZoneForm of `request.user`; returns the zone's name as shown."""
    user = form.save()
    name = user.time_zone or f"server default ({settings.TIME_ZONE})"
    if form.has_changed():
        record(request, user, audit.Action.UPDATE, f"time zone {name}")
    return name
