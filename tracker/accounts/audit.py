"""Writing the audit trail (architecture.md: every read by another person, every change)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from tracker.accounts.models import AuditEvent, Patient

Action = AuditEvent.Action


def client_ip(request) -> str | None:
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        # Behind our proxy the right-most X-Forwarded-For entry is the one it added.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    request,
    action: str,
    *,
    patient: Patient | None = None,
    obj: models.Model | None = None,
    summary: str = "",
    actor=None,
) -> AuditEvent:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.email if actor is not None else "",
        patient=patient,
        action=action,
        object_type=obj._meta.verbose_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        ip=client_ip(request),
    )


def record_daily_reads(request, patient_ids, *, summary: str, actor) -> None:
    """record_reads, but once a day per actor, patient and summary: for what is
    fetched over and over by a machine (a calendar app polling a feed)."""
    since = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    done = set(
        AuditEvent.objects.filter(
            actor=actor, action=Action.VIEW, summary=summary[:255], at__gte=since
        ).values_list("patient_id", flat=True)
    )
    record_reads(
        request, [pk for pk in patient_ids if pk not in done], summary=summary, actor=actor
    )


def record_reads(request, patient_ids, *, summary: str, actor=None) -> None:
    """One "viewed" event per patient in one INSERT: a page that lists many patients."""
    if actor is None:
        actor = request.user
    ip = client_ip(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor,
            actor_label=actor.email,
            patient_id=patient_id,
            action=Action.VIEW,
            summary=summary[:255],
            ip=ip,
        )
        for patient_id in patient_ids
    )
