"""Account events (issue 9): changes to a person's account rather than to a record
(email confirmation and change, time zone). Each is audited with the account's
owner as actor; the patient is named only on a patient's own account."""

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from tracker.accounts import audit
from tracker.accounts.models import AuditEvent, Patient, User


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


def set_text_size(request, *, form) -> bool:
    """Save the TextSizeForm of `request.user`; returns whether text is now larger."""
    user = form.save()
    if form.has_changed():
        size = "larger" if user.large_text else "standard"
        record(request, user, audit.Action.UPDATE, f"text size: {size}")
    return user.large_text


SCRUBBED = "(removed when the account was deleted)"


def erase(user: User) -> AuditEvent:
    """Delete a patient's account and, by cascade, the record (issue 10, item 11).

    The audit trail stays append-only except for this one scrub: the events about the
    patient keep actor, action, object and time, and lose their free-text summary; the
    patient's own events also lose the email in actor_label and the IP address (so do
    their events on the records of people they cared for, which keep their summary). A
    tombstone names the account by number only, and the scrub is itself audited."""
    patient = patient_of(user)  # None: an account made to care for someone (issue 12)
    number, label = user.pk, f"deleted account {user.pk}"
    # What this person did on the record of someone they cared for stays in that
    # record's trail (under "deleted account N"): it is that patient's history.
    mine = Q(actor=user, patient__isnull=True)
    if patient is not None:
        mine |= Q(patient=patient)
    with transaction.atomic():
        scrubbed = AuditEvent.objects.filter(mine).update(summary=SCRUBBED)
        AuditEvent.objects.filter(actor=user).update(actor_label=label, ip=None)
        record = "no record" if patient is None else f"patient record {patient.pk}"
        summary = f"account {number} ({record}) deleted by its owner"
        # Cascades: patient, record, sharing and caregiver links (both ways: the
        # people who help this patient, and the people this account helps),
        # reminders, deliveries.
        user.delete()
        tombstone = audit.record(None, audit.Action.DELETE, summary=summary)
        AuditEvent.objects.filter(pk=tombstone.pk).update(
            actor_label=label, object_type="user", object_id=str(number)
        )
        audit.record(
            None,
            audit.Action.UPDATE,
            summary=f"scrubbed the summaries of {scrubbed} audit event(s) of account {number}",
        )
    return tombstone
