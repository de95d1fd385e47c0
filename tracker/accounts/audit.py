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
        _insert_rows(AuditEvent(**event), list(patient_ids))


def _columns(event: AuditEvent) -> tuple[list, list]:
    """The event's columns but its id and patient, with their values as saved."""
    fields = [
        field
        for field in AuditEvent._meta.local_concrete_fields
        if not field.primary_key and field.name != "patient"
    ]
    fields.append(AuditEvent._meta.get_field("patient"))
    values = [
        field.get_db_prep_save(getattr(event, field.attname), connection) for field in fields[:-1]
    ]
    return fields, values


def _insert_rows(event: AuditEvent, patient_ids: list[int]) -> None:
    """`event` once per patient id, in a plain INSERT: on PostgreSQL the ids as one
    array parameter; on SQLite many rows of values (as many as it takes parameters:
    999). bulk_create builds a model per row and compiles its SQL on every call: a
    tenth of a panel page's time, for 25 rows (and on PostgreSQL nine parameters a row
    cost as much again). A clinician's read of one record (access.patient_for) comes
    here too."""
    if not patient_ids:
        return
    fields, values = _columns(event)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = 999 // len(fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the ids as one array: one parameter
            cursor.execute(
                _without_waiting_for_the_disk() + f"INSERT INTO {table} ({columns}) "
                f"SELECT {', '.join(['%s'] * len(values))}, unnest(%s::bigint[])",
                [*values, patient_ids],
            )
            return
        for start in range(0, len(patient_ids), per_statement):
            part = patient_ids[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(part))}",
                [value for patient_id in part for value in (*values, patient_id)],
            )


def _without_waiting_for_the_disk() -> str:
    """On PostgreSQL, outside a transaction, what makes a read's audit rows not wait
    for their commit to reach the disk (synchronous_commit off: 1-3 ms a read on this
    machine's disk), sent with the INSERT: the two statements of one query string run
    as one transaction, so the setting is theirs alone. A crash of the database server
    may lose the last fraction of a second of such rows, never corrupt them: the
    durability SQLite's WAL with synchronous=NORMAL (our SQLite settings) gives every
    commit. Inside a transaction that is already open (a change to the record, whose
    rows must be durable) nothing is added."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return ""
    return "SET LOCAL synchronous_commit TO OFF; "


def _insert_for_each(event: AuditEvent, patient_ids: models.QuerySet) -> None:
    """`event` once per patient id the queryset selects (one column: a values_list of
    ids) in one statement, whatever the number of patients: bulk_create would take an
    INSERT per 140 rows on SQLite (999 parameters a query)."""
    fields, values = _columns(event)
    try:
        select, select_params = patient_ids.order_by().query.sql_with_params()
    except EmptyResultSet:  # a selection that can match nothing (an empty id list)
        return
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} "
            f"({columns}) SELECT {', '.join(['%s'] * len(values))}, ids.* FROM ({select}) ids",
            [*values, *select_params],
        )
