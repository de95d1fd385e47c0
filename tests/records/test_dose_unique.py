"""Issue 9: a dose is stored once per course and date, whoever sends it and however
often; doses already doubled are merged by migration records 0003, each merge audited."""

import contextlib
import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.records.factories import make_course, settle
from tracker.accounts.models import AuditEvent
from tracker.clinical.assess import assess
from tracker.records import forms
from tracker.records import models as m
from tracker.records.history import load_history

SENDERS = 6


def test_the_database_refuses_a_second_dose_on_the_same_day(patient):
    course = make_course(patient, "denosumab", dt.date(2025, 1, 1), doses=[dt.date(2025, 1, 1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Dose.objects.create(patient=patient, course=course, date=dt.date(2025, 1, 1))


def test_a_dose_saved_by_someone_else_after_the_form_was_checked_is_answered_on_the_form(
    client, patient, monkeypatch
):
    """The race of two senders, made deterministic: the other dose lands between this
    form's check for a dose that day and its write."""
    today = timezone.localdate()
    course = make_course(patient, "denosumab", today - dt.timedelta(days=30))
    clean_date = forms.DoseForm.clean_date

    def check_then_other_sender_saves(form):
        when = clean_date(form)
        m.Dose.objects.create(patient=patient, course=course, date=when)
        return when

    monkeypatch.setattr(forms.DoseForm, "clean_date", check_then_other_sender_saves)
    client.force_login(patient.user)
    response = client.post(
        reverse("records:dose-add", args=[patient.pk, course.pk]), {"date": today.isoformat()}
    )
    assert response.status_code == 200
    assert "This dose is already recorded" in response.content.decode()
    assert course.doses.count() == 1


@pytest.fixture
def romo(patient):
    """Romosozumab dose 11 of 12 (monthly), the 12th due today."""
    today = timezone.localdate()
    course = make_course(
        patient,
        "romosozumab",
        today - dt.timedelta(days=330),
        doses=[today - dt.timedelta(days=30 * n) for n in range(11, 0, -1)],
    )
    settle(patient)
    return course


def _send_at_once(patient, course, tokens: list[str]) -> list[int]:
    """Every sender posts the same dose at the same moment, each in its own thread and
    database connection. The test database on SQLite is in memory, where a second
    writer fails at once ("table is locked") instead of waiting as it does on the
    app's SQLite file (WAL, BEGIN IMMEDIATE, busy timeout): there the requests take
    turns; on PostgreSQL they truly race."""
    url = reverse("records:dose-add", args=[patient.pk, course.pk])
    start, statuses = threading.Barrier(len(tokens)), []
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def send(token):
        try:
            client = Client()
            with turns:
                client.force_login(patient.user)
            start.wait(timeout=30)
            data = {"date": timezone.localdate().isoformat(), "submission": token}
            with turns:
                statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "tokens",
    [["one-click"] * SENDERS, [f"window-{n}" for n in range(SENDERS)]],
    ids=["one-form-sent-six-times", "six-forms-at-once"],
)
def test_six_parallel_submissions_of_one_dose_store_one(patient, romo, tokens):
    statuses = _send_at_once(patient, romo, tokens)

    assert len(statuses) == SENDERS and set(statuses) <= {200, 302}
    assert romo.doses.count() == 12
    rules = {alert.rule_id for alert in assess(load_history(patient), timezone.localdate()).alerts}
    assert "ROMO-OVER-12" not in rules
    assert m.PatientSummary.objects.get(patient=patient).alert_count == 0


# ---------------------------------------------------------------- the merging migration

BEFORE = [("records", "0002_patientsummary_alertstate")]
AFTER = [("records", "0004_one_dose_per_day_and_submissions")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_doses_stored_twice_and_audits_each_merge(patient):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Course, Dose = (
            apps.get_model("records", "MedicationCourse"),
            apps.get_model("records", "Dose"),
        )
        Summary = apps.get_model("records", "PatientSummary")
        Summary.objects.create(
            patient_id=patient.pk, record_version=4, category="", category_label=""
        )
        course = Course.objects.create(
            patient_id=patient.pk, drug="romosozumab", start="2025-01-01"
        )
        common = {"patient_id": patient.pk, "course": course}
        first = Dose.objects.create(date="2025-02-01", notes="left arm", **common)
        Dose.objects.create(date="2025-02-01", notes="left arm", **common)
        Dose.objects.create(date="2025-02-01", notes="nurse: second pen", **common)
        single = Dose.objects.create(date="2025-03-01", **common)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)

        kept = m.Dose.objects.filter(course_id=course.pk).order_by("date")
        assert [dose.pk for dose in kept] == [first.pk, single.pk]
        assert kept[0].notes == "left arm; nurse: second pen"
        merges = AuditEvent.objects.filter(patient=patient, action="delete", object_type="dose")
        assert merges.count() == 2
        assert all("Duplicate dose merged" in event.summary for event in merges)
        # The summary as of AFTER: fields added later (issue 12's open items) are not there yet.
        after = executor.loader.project_state(AFTER).apps
        summary = after.get_model("records", "PatientSummary").objects.get(patient_id=patient.pk)
        assert summary.record_version == 5  # the dashboard's cache moves on
        assert summary.refreshed_at.year == 2000  # the next sendreminders refreshes the row
    finally:  # the later migrations back, for the tests that follow
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
