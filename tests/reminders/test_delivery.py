"""sendreminders: each due item is emailed once, escalations again, several workers
at once never send twice, and an SMTP failure loses nothing."""

import datetime as dt
import os
import signal
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import make_patient
from tests.records.factories import make_course
from tracker.records.models import AlertState
from tracker.reminders import delivery
from tracker.reminders.delivery import deliver_pending, queue_due
from tracker.reminders.models import Delivery, ReminderPreference

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def run(today=TODAY, now=NOW):
    queue_due(today)
    return deliver_pending(now)


def dmab_patient(email: str, name: str, days_since_last: int):
    patient = make_patient(email, name)
    last = TODAY - dt.timedelta(days=days_since_last)
    make_course(
        patient,
        "denosumab",
        last - dt.timedelta(days=182),
        doses=[last - dt.timedelta(days=182), last],
    )
    return patient


def test_due_items_are_sent_once(patient, late_denosumab, mailoutbox):
    assert run() == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["pat@example.com"]
    assert message.subject.startswith("BoneTrack: ")
    late = Delivery.objects.get(rule_id="DMAB-LATE")
    assert late.title in message.body and late.explanation in message.body
    assert "/patients/" in message.body
    assert "decisions belong to you and your clinician" in message.body
    html = message.alternatives[0][0]
    assert "<h2>" in html
    assert run() == 0
    assert len(mailoutbox) == 1


def test_escalation_is_sent_again(patient, late_denosumab, mailoutbox):
    run()
    keys = set(Delivery.objects.values_list("rule_id", flat=True))
    assert "DMAB-LATE" in keys
    later = TODAY + dt.timedelta(days=80)  # day 300 after the last dose: DMAB-LONG-DELAY
    run(later, NOW + dt.timedelta(days=80))
    assert len(mailoutbox) == 2
    assert "DMAB-LONG-DELAY" in set(Delivery.objects.values_list("rule_id", flat=True))
    assert run(later, NOW + dt.timedelta(days=80)) == 0


def test_clinician_gets_a_digest_of_alert_level_items_only(patient, clinician, mailoutbox):
    last = TODAY - dt.timedelta(days=300)  # DMAB-LONG-DELAY: alert level
    make_course(patient, "denosumab", last, doses=[last])
    run()
    to_clinician = [m for m in mailoutbox if m.to == ["doc@example.com"]]
    assert len(to_clinician) == 1
    assert "P. P." in to_clinician[0].body
    assert set(Delivery.objects.filter(recipient=clinician).values_list("severity", flat=True)) == {
        "alert"
    }


def test_preferences_choose_severities(patient, late_denosumab, mailoutbox):
    ReminderPreference.objects.create(user=patient.user, email_warn=False)
    run()
    assert not Delivery.objects.filter(severity="warn").exists()


def test_done_and_snoozed_items_are_not_emailed(patient, late_denosumab, mailoutbox):
    from tracker.clinical.assess import assess
    from tracker.records.history import load_history

    alerts = assess(load_history(patient), TODAY).alerts
    for alert in alerts:
        AlertState.objects.create(
            patient=patient,
            key=alert.key,
            rule_id=alert.rule_id,
            severity=alert.severity,
            status="snoozed",
            snoozed_until=TODAY + dt.timedelta(days=3),
        )
    assert run() == 0
    assert run(TODAY + dt.timedelta(days=3), NOW + dt.timedelta(days=3)) == 1


def test_two_workers_at_once_send_each_item_once(db, mailoutbox, monkeypatch):
    for i in range(4):
        dmab_patient(f"p{i}@example.com", f"Patient {i}", 220)
    queue_due(TODAY)
    real = delivery.build_email
    calls = {"n": 0}

    def build_while_another_worker_runs(items, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:  # a second copy starts between our claim and our send
            deliver_pending(NOW)
        return real(items, **kwargs)

    monkeypatch.setattr(delivery, "build_email", build_while_another_worker_runs)
    deliver_pending(NOW)
    assert sorted(m.to[0] for m in mailoutbox) == [f"p{i}@example.com" for i in range(4)]
    assert not Delivery.objects.pending().exists()


def test_smtp_failure_leaves_unsent_items_for_the_next_run(db, mailoutbox, monkeypatch):
    for i in range(3):
        dmab_patient(f"p{i}@example.com", f"Patient {i}", 220)
    queue_due(TODAY)
    real_send = delivery.EmailMultiAlternatives.send

    def flaky(message, *args, **kwargs):
        if message.to == ["p1@example.com"]:
            raise ConnectionRefusedError("SMTP down")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(delivery.EmailMultiAlternatives, "send", flaky)
    assert deliver_pending(NOW) == 2
    stuck = set(
        Delivery.objects.pending().values_list("recipient__email", "claimed_by", "attempts")
    )
    assert stuck == {("p1@example.com", "", 1)}
    monkeypatch.undo()
    assert deliver_pending(NOW + dt.timedelta(minutes=5)) == 1
    assert sorted(m.to[0] for m in mailoutbox) == [
        "p0@example.com",
        "p1@example.com",
        "p2@example.com",
    ]


def test_a_dead_workers_claim_expires(patient, late_denosumab, mailoutbox):
    queue_due(TODAY)
    Delivery.objects.update(claimed_by="dead-worker", claimed_at=NOW)
    assert deliver_pending(NOW + dt.timedelta(minutes=5)) == 0  # still held
    assert deliver_pending(NOW + delivery.CLAIM_TIMEOUT + dt.timedelta(seconds=1)) == 1


def test_queries_are_bounded_per_batch_not_per_patient(db, django_assert_max_num_queries):
    def count(n: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for i in range(n):
            dmab_patient(f"q{n}-{i}@example.com", f"Q {i}", 220)
        with CaptureQueriesContext(connection) as ctx:
            queue_due(TODAY, batch_size=100)
        Delivery.objects.all().delete()
        from tracker.accounts.models import Patient

        Patient.objects.all().delete()
        return len(ctx.captured_queries)

    assert count(3) == count(30)


def test_command_runs_once(patient, late_denosumab, mailoutbox, capsys, time_machine):
    time_machine.move_to(NOW, tick=False)
    call_command("sendreminders")
    assert "1 email(s) sent" in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_loop_stops_cleanly_on_sigterm(db, capsys):
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.start()
    previous = signal.getsignal(signal.SIGTERM)
    try:
        call_command("sendreminders", "--loop", "--interval", "60")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert "stopped" in capsys.readouterr().out


@pytest.mark.parametrize("severity", ["info", "warn", "alert"])
def test_default_preference_wants_every_severity(severity):
    assert ReminderPreference().wants(severity)


def test_now_is_aware():
    assert timezone.is_aware(NOW)


def test_long_alert_keys_are_stored_and_sent(patient, mailoutbox):
    """A TREATMENT-FAILURE key names every fracture behind it: no length limit."""
    from tracker.records.models import Fracture

    start = TODAY - dt.timedelta(days=3 * 365)
    make_course(patient, "alendronate", start)
    Fracture.objects.bulk_create(
        Fracture(
            patient=patient,
            date=start + dt.timedelta(days=40 * (i + 1)),
            site="wrist_forearm",
            fragility=True,
        )
        for i in range(25)
    )
    run()
    longest = max(Delivery.objects.values_list("key", flat=True), key=len)
    assert longest.startswith("TREATMENT-FAILURE") and len(longest) > 200
    assert len(mailoutbox) == 1


def test_the_run_refreshes_a_summary_on_the_day_it_changes_without_a_new_version(
    patient, time_machine
):
    """The safety net behind the one write path: time alone moves alerts on, on the day
    the engine said (issue 13 item 7), not at every run."""
    from tests.records.factories import settle
    from tracker.records.models import PatientSummary

    time_machine.move_to(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False)
    last = dt.date(2026, 11, 20) - dt.timedelta(days=210)  # DMAB-LATE from tomorrow
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    summary = PatientSummary.objects.get(patient=patient)
    assert (summary.late_denosumab, summary.record_version) == (False, 1)
    assert summary.next_change_on == dt.date(2026, 11, 21)
    warnings = summary.warn_count

    queue_due(dt.date(2026, 11, 20))  # the change made it due: the same answer
    refreshed = PatientSummary.objects.get(patient=patient).refreshed_at
    time_machine.move_to(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False)
    queue_due(dt.date(2026, 11, 20))  # not again the same day
    assert PatientSummary.objects.get(patient=patient).refreshed_at == refreshed

    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    queue_due(TODAY)
    summary = PatientSummary.objects.get(patient=patient)
    assert (summary.late_denosumab, summary.warn_count, summary.record_version) == (
        True,
        warnings + 1,
        1,
    )


def test_the_daily_run_makes_a_missing_summary(patient):
    from tracker.records.models import PatientSummary

    queue_due(TODAY)
    assert PatientSummary.objects.get(patient=patient).record_version == 0


@pytest.mark.django_db
def test_a_run_reads_back_its_claimed_rows_from_their_own_index():
    # The plan, not a timing (issue 13): a run's rows are found by its claim, not by
    # reading every pending row (100,000 patients leave tens of thousands pending).
    from django.db import connection

    mine = Delivery.objects.pending().filter(claimed_by="worker-1")
    sql, params = mine.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(str(line) for line in cursor.fetchall())
    assert "delivery_claimed" in plan, plan
