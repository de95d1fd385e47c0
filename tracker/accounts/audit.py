"""Writing the audit trail (architecture.md: every read by another person, every change)."""

from django.conf import settings
from django.db import models

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
