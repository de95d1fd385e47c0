"""Writing the audit trail (architecture.md: every read by another person, every change)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, models
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
    """One "viewed" event per patient in one INSERT: a page that lists many patients.
    `patient_ids` may also be a queryset of ids (the panel's CSV export: thousands of
    patients), which is written with one INSERT ... SELECT whatever its size."""
    if actor is None:
        actor = request.user
    event = {
        "actor": actor,
        "actor_label": actor.email,
        "action": Action.VIEW,
        "summary": summary[:255],
        "ip": client_ip(request),
    }
    if isinstance(patient_ids, models.QuerySet):
        _insert_for_each(AuditEvent(**event), patient_ids)
    else:
        AuditEvent.objects.bulk_create(
            AuditEvent(patient_id=patient_id, **event) for patient_id in patient_ids
        )


def _insert_for_each(event: AuditEvent, patient_ids: models.QuerySet) -> None:
    """`event` once per patient id the queryset selects (one column: a values_list of
    ids) in one statement, whatever the number of patients: bulk_create would take an
    INSERT per 140 rows on SQLite (999 parameters a query)."""
    fields = [
        field
        for field in AuditEvent._meta.local_concrete_fields
        if not field.primary_key and field.name != "patient"
    ]
    values = [field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields]
    try:
        select, select_params = patient_ids.order_by().query.sql_with_params()
    except EmptyResultSet:  # a selection that can match nothing (an empty id list)
        return
    patient = AuditEvent._meta.get_field("patient")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in [*fields, patient])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} "
            f"({columns}) SELECT {', '.join(['%s'] * len(values))}, ids.* FROM ({select}) ids",
            [*values, *select_params],
        )
