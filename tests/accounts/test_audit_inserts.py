"""A read's audit rows (issue 13): a plain INSERT of every row at once; on PostgreSQL,
outside a transaction, one that does not wait for the disk (audit._insert_rows)."""

import pytest
from django.db import connection, transaction
from django.test import RequestFactory

from tracker.accounts import audit
from tracker.accounts.models import AuditEvent


def _request(user):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
    request.user = user
    return request


def test_each_patient_read_gets_its_row(cast, patient, other_patient):
    audit.record_reads(_request(cast["clinician"]), [patient.pk, other_patient.pk], summary="s")
    rows = AuditEvent.objects.order_by("patient_id")
    assert [(e.patient_id, e.actor_id, e.action, e.summary, e.ip) for e in rows] == [
        (pk, cast["clinician"].pk, "view", "s", "10.0.0.7")
        for pk in sorted([patient.pk, other_patient.pk])
    ]
    assert all(e.actor_label == cast["clinician"].email and e.at is not None for e in rows)


def test_more_rows_than_one_statement_takes(cast, patient):
    audit.record_reads(_request(cast["clinician"]), [patient.pk] * 250, summary="s")
    assert AuditEvent.objects.filter(patient=patient).count() == 250
    audit.record_reads(_request(cast["clinician"]), [], summary="s")
    assert AuditEvent.objects.count() == 250


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_rows_do_not_wait_for_the_disk_and_nothing_else_changes(
    cast, patient
):
    audit.record_reads(_request(cast["clinician"]), [patient.pk], summary="s")
    assert AuditEvent.objects.filter(patient=patient).count() == 1
    if connection.vendor != "postgresql":
        assert audit._without_waiting_for_the_disk() == ""
        return
    assert audit._without_waiting_for_the_disk().startswith("SET LOCAL synchronous_commit")
    with connection.cursor() as cursor:  # the setting was the INSERT's transaction's alone
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    with transaction.atomic():  # in a change's transaction: durable, as the change
        assert audit._without_waiting_for_the_disk() == ""
