"""Reminders cost what changes, not who exists (issue 13 item 7): a run assesses only
the patients whose record changed, whose next change date has come, whose rules are
not the running ones, or whom the daily sweep reaches; several runs at once split
the patients without overlap; a change during a run is not overwritten by it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_patient
from tests.records.factories import make_course, settle
from tracker.clinical.version import RULES_VERSION
from tracker.records.changes import Action, change_record
from tracker.records.models import ASSESS_NOW, Dose, PatientSummary
from tracker.reminders import delivery
from tracker.reminders.delivery import (
    LEASE,
    SWEEP,
    assess_again_at,
    claim,
    deliver_pending,
    queue_due,
    sweep_at,
)
from tracker.reminders.models import Delivery

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)
TOMORROW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)  # midnight, UTC (the tests' zone)


@pytest.fixture(autouse=True)
def utc(settings):
    settings.TIME_ZONE = "UTC"


@pytest.fixture
def assessed(monkeypatch):
    """The ids of the patients each run loaded and assessed, in order."""
    seen = []
    real = delivery.load_histories

    def counting(patients):
        seen.extend(patient.pk for patient in patients)
        return real(patients)

    monkeypatch.setattr(delivery, "load_histories", counting)
    return seen


def late_from(patient, day: dt.date):
    """Denosumab whose DMAB-LATE starts on `day` (210 days after the last dose)."""
    last = day - dt.timedelta(days=211)
    return make_course(patient, "denosumab", last, doses=[last])


@pytest.fixture
def sweep_a_day_later(monkeypatch):
    """The daily sweep a whole SWEEP after each look, whoever the patient (their own
    time of day depends on their id: tests of the change date keep it out of the way)."""
    monkeypatch.setattr(delivery, "sweep_at", lambda patient_id, now: now + SWEEP)


def summary_of(patient) -> PatientSummary:
    return PatientSummary.objects.get(patient=patient)


def rule_ids(patient) -> set[str]:
    return set(Delivery.objects.filter(patient=patient).values_list("rule_id", flat=True))


def test_a_patient_whose_date_has_not_come_is_not_assessed(patient, assessed, sweep_a_day_later):
    late_from(patient, dt.date(2026, 11, 22))  # late from tomorrow
    queue_due(now=NOW)
    assert len(assessed) == 1
    row = summary_of(patient)
    assert row.next_change_on == dt.date(2026, 11, 22)
    assert row.rules_version == RULES_VERSION
    assert row.assess_at == TOMORROW  # local midnight of the next change
    assert (row.claimed_by, row.claimed_until) == ("", None)  # released
    queue_due(now=NOW + dt.timedelta(hours=13))  # 23:00: not yet
    assert len(assessed) == 1
    assert "DMAB-LATE" not in rule_ids(patient)


def test_one_whose_date_came_is_assessed_and_its_reminder_sent(patient, assessed, mailoutbox):
    late_from(patient, dt.date(2026, 11, 22))
    queue_due(now=NOW)
    queue_due(now=TOMORROW + dt.timedelta(minutes=5))
    assert len(assessed) == 2
    assert "DMAB-LATE" in rule_ids(patient)
    assert deliver_pending(TOMORROW + dt.timedelta(minutes=5)) == 1
    assert mailoutbox[0].to == ["pat@example.com"]


def test_the_date_is_midnight_in_the_patients_own_zone(patient, sweep_a_day_later):
    from tracker.accounts.models import User

    User.objects.filter(pk=patient.user_id).update(time_zone="Europe/Paris")
    patient.user.refresh_from_db()
    late_from(patient, dt.date(2026, 11, 22))
    queue_due(now=NOW)
    assert summary_of(patient).assess_at == TOMORROW - dt.timedelta(hours=1)  # CET


def test_a_change_through_the_write_path_is_queued_by_the_next_run(patient, assessed, time_machine):
    time_machine.move_to(NOW, tick=False)
    queue_due(now=NOW)  # the next look is up to a day away
    assert summary_of(patient).assess_at > NOW
    assert "DMAB-LATE" not in rule_ids(patient)
    late_from(patient, dt.date(2026, 11, 1))  # written straight to the ORM, then...
    settle(patient)  # ...through the one write path
    row = summary_of(patient)
    assert (row.assess_at, row.rules_version) == (ASSESS_NOW, RULES_VERSION)
    assert row.next_change_on is not None
    queue_due(now=NOW + dt.timedelta(minutes=5))
    assert "DMAB-LATE" in rule_ids(patient)
    assert len(assessed) == 2


def test_other_rules_re_assess_everyone(db, assessed):
    patients = [make_patient(f"r{i}@example.com", f"R {i}") for i in range(3)]
    queue_due(now=NOW)
    assert len(assessed) == 3
    queue_due(now=NOW + dt.timedelta(minutes=5))
    assert len(assessed) == 3  # nothing changed
    PatientSummary.objects.update(rules_version="0-older")  # a deploy with new rules
    queue_due(now=NOW + dt.timedelta(minutes=10))
    assert len(assessed) == 6
    assert set(PatientSummary.objects.values_list("rules_version", flat=True)) == {RULES_VERSION}
    assert PatientSummary.objects.count() == len(patients)


def test_the_daily_sweep_looks_at_everyone_at_least_once_a_day(patient, assessed):
    queue_due(now=NOW)
    row = summary_of(patient)
    assert row.next_change_on is None or row.next_change_on > TODAY + dt.timedelta(days=1)
    assert row.assess_at == sweep_at(patient.pk, NOW)
    assert NOW < row.assess_at <= NOW + SWEEP
    queue_due(now=row.assess_at - dt.timedelta(minutes=1))
    assert len(assessed) == 1
    queue_due(now=row.assess_at)
    assert len(assessed) == 2
    # Then every SWEEP, at the same time of day.
    assert summary_of(patient).assess_at == row.assess_at + SWEEP


# A few moments of a day, and its edges.
MOMENTS = [
    NOW,
    dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 21, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # a clock change in Europe
]


@pytest.mark.parametrize("now", MOMENTS)
def test_each_patients_sweep_is_within_a_day_and_a_day_apart(now):
    for patient_id in (1, 2, 3, 500, 10**6, 2**31 + 7):
        first = sweep_at(patient_id, now)
        assert now < first <= now + SWEEP
        assert sweep_at(patient_id, first) == first + SWEEP
        assert sweep_at(patient_id, first - dt.timedelta(microseconds=1)) == first


def test_patients_assessed_together_are_swept_again_spread_over_the_day():
    """The known limit it mends: a run that assessed everyone (a first deployment, a
    rules change) came back whole 24 hours later. Now 10,000 consecutive ids fall in
    every hour of the day, none with more than twice its share."""
    hours = [0] * 24
    for patient_id in range(1, 10_001):
        hours[(sweep_at(patient_id, NOW) - NOW) // dt.timedelta(hours=1)] += 1
    share = 10_000 / 24
    assert min(hours) > share / 2 and max(hours) < share * 2, hours


def test_a_full_run_comes_back_a_few_patients_at_a_time(db, assessed):
    for i in range(24):
        make_patient(f"s{i}@example.com", f"S {i}")
    queue_due(now=NOW)
    assert len(assessed) == 24
    # The next day's runs (hourly here) each take only the patients whose time came.
    runs = []
    for hour in range(1, 25):
        before = len(assessed)
        queue_due(now=NOW + dt.timedelta(hours=hour))
        runs.append(len(assessed) - before)
    assert sum(runs) == 24, runs  # each patient once in those 24 hours
    assert max(runs) <= 6, runs  # not 24 at once, a day later


@pytest.mark.parametrize(
    ("next_change_on", "expected"),
    [
        (None, "sweep"),
        (dt.date(2027, 3, 1), "sweep"),
        (dt.date(2026, 11, 22), TOMORROW),
        # Only when a test's day is not the patient's: never at or before `now`.
        (dt.date(2026, 11, 20), NOW + dt.timedelta(microseconds=1)),
    ],
)
def test_when_to_look_again(next_change_on, expected):
    from zoneinfo import ZoneInfo

    late = next(pk for pk in range(1, 100) if sweep_at(pk, NOW) > TOMORROW)
    expected = sweep_at(late, NOW) if expected == "sweep" else expected
    assert assess_again_at(next_change_on, ZoneInfo("UTC"), NOW, patient_id=late) == expected


def test_a_sweep_before_the_next_change_comes_first():
    from zoneinfo import ZoneInfo

    early = next(pk for pk in range(1, 100) if sweep_at(pk, NOW) < TOMORROW)
    tomorrow = dt.date(2026, 11, 22)
    assert assess_again_at(tomorrow, ZoneInfo("UTC"), NOW, patient_id=early) == sweep_at(early, NOW)


def test_a_patient_with_no_summary_is_due(patient, assessed):
    assert not PatientSummary.objects.filter(patient=patient).exists()
    queue_due(now=NOW)
    assert len(assessed) == 1 and summary_of(patient).assess_at > NOW


def test_an_inactive_patient_is_not_assessed(patient, other_patient, assessed):
    from tracker.accounts.models import User

    User.objects.filter(pk=other_patient.user_id).update(is_active=False)
    queue_due(now=NOW)
    assert assessed == [patient.pk]
    assert summary_of(other_patient).assess_at == NOW + SWEEP  # looked at again in a day


def test_a_deactivated_patients_due_row_waits_a_day_unassessed(patient, assessed):
    from tracker.accounts.models import User

    settle(patient)  # a summary, due
    User.objects.filter(pk=patient.user_id).update(is_active=False)
    queue_due(now=NOW)
    assert assessed == []
    row = summary_of(patient)
    assert (row.assess_at, row.claimed_by, row.claimed_until) == (NOW + SWEEP, "", None)


# --- Several runs at once -------------------------------------------------------------


def due_patients(n: int) -> list:
    patients = [make_patient(f"c{i}@example.com", f"C {i}") for i in range(n)]
    delivery.make_missing_rows()
    return patients


def held_by(worker: str) -> set[int]:
    return set(
        PatientSummary.objects.filter(claimed_by=worker).values_list("patient_id", flat=True)
    )


def test_two_runs_never_hold_the_same_patient(db):
    patients = due_patients(3)
    a = {p.pk for p in claim("run-a", NOW, batch_size=2)}
    b = {p.pk for p in claim("run-b", NOW, batch_size=2)}
    assert len(a) == 2 and len(b) == 1 and not a & b
    assert a | b == {p.pk for p in patients}
    assert claim("run-c", NOW, batch_size=2) == []  # all held
    assert (held_by("run-a"), held_by("run-b")) == (a, b)


def test_a_dead_runs_lease_expires(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    due_patients(2)
    mine = {p.pk for p in claim("dead", NOW)}
    time_machine.move_to(NOW + LEASE - dt.timedelta(seconds=1), tick=False)
    assert claim("alive", NOW) == []
    time_machine.move_to(NOW + LEASE + dt.timedelta(seconds=1), tick=False)
    assert {p.pk for p in claim("alive", NOW)} == mine
    assert held_by("dead") == set()


def test_a_run_assesses_what_it_claimed_and_another_run_the_rest(db, assessed, monkeypatch):
    """Run B starts while run A holds its first batch: each patient is assessed once."""
    due_patients(4)
    real = delivery.load_histories
    started = []

    def load_while_another_run_starts(patients):
        if not started:
            started.append(True)
            queue_due(now=NOW, batch_size=2, worker="run-b")
        return real(patients)

    monkeypatch.setattr(delivery, "load_histories", load_while_another_run_starts)
    queue_due(now=NOW, batch_size=2, worker="run-a")
    assert sorted(assessed) == sorted(set(assessed)) and len(assessed) == 4
    assert PatientSummary.objects.filter(assess_at__gt=NOW, claimed_by="").count() == 4


def test_a_change_during_a_run_breaks_its_claim_and_is_not_overwritten(
    patient, assessed, monkeypatch, time_machine
):
    """The run read the record before a dose was entered: it stores nothing and queues
    nothing from what it read; the patient is due again, and assessed on the new record
    (by the same run, here)."""
    time_machine.move_to(NOW, tick=False)
    course = late_from(patient, dt.date(2026, 11, 1))
    settle(patient)
    real = delivery.load_histories
    stored = []

    def load_then_a_dose_is_entered(patients):
        histories = real(patients)
        if not stored:
            with change_record(None, patient, actor=patient.user) as change:
                dose = Dose.objects.create(
                    patient=patient, entered_by=patient.user, course=course, date=TODAY
                )
                change.audit(Action.CREATE, dose)
            stored.append(summary_of(patient))
        return histories

    monkeypatch.setattr(delivery, "load_histories", load_then_a_dose_is_entered)
    real_store = delivery.store_assessed
    held = []
    monkeypatch.setattr(
        delivery, "store_assessed", lambda *a, **k: held.append(real_store(*a, **k)) or held[-1]
    )
    queue_due(now=NOW)
    (after_change,) = stored
    assert (after_change.assess_at, after_change.claimed_by) == (ASSESS_NOW, "")  # claim broken
    assert held == [set(), {patient.pk}]  # the stale answer was not stored
    assert assessed == [patient.pk, patient.pk]
    assert "DMAB-LATE" not in rule_ids(patient)  # the stale answer's item was not queued
    row = summary_of(patient)
    assert not row.late_denosumab and row.assess_at > NOW and row.claimed_by == ""


# --- Queries ----------------------------------------------------------------------------


def test_a_run_in_which_nothing_changed_costs_the_same_few_queries(
    db, django_assert_max_num_queries
):
    def unchanged_run(n: int) -> int:
        for i in range(n):
            patient = make_patient(f"n{n}-{i}@example.com", f"N {i}")
            late_from(patient, dt.date(2026, 10, 1))
        queue_due(now=NOW, batch_size=10)
        with CaptureQueriesContext(connection) as ctx:
            queue_due(now=NOW + dt.timedelta(minutes=5), batch_size=10)
        return len(ctx.captured_queries)

    assert unchanged_run(3) == unchanged_run(30)
    with django_assert_max_num_queries(6):  # rules, two counts, one empty claim
        queue_due(now=NOW + dt.timedelta(minutes=10), batch_size=10)


def test_queries_per_batch_do_not_grow_with_the_batch(db):
    def full_run(n: int) -> int:
        for i in range(n):
            patient = make_patient(f"f{n}-{i}@example.com", f"F {i}")
            late_from(patient, dt.date(2026, 10, 1))
        with CaptureQueriesContext(connection) as ctx:
            queue_due(now=NOW, batch_size=n)  # one batch, plus the empty claim
        return len(ctx.captured_queries)

    assert full_run(3) == full_run(30)


# --- Who is reminded changes without the record ----------------------------------------


def test_the_visit_questions_cache_key_carries_the_rules_version(monkeypatch):
    from tracker.learn import questions

    key = questions.cache_key(1, 2, TODAY)
    assert RULES_VERSION in key
    monkeypatch.setattr(questions, "RULES_VERSION", "0-other")
    assert questions.cache_key(1, 2, TODAY) != key


def not_due(*patients) -> None:
    """As after a run: each patient's next look is a day away, claimed by no run."""
    queue_due(now=NOW)
    for patient in patients:
        assert summary_of(patient).assess_at > NOW


def due(patient) -> bool:
    return summary_of(patient).assess_at == ASSESS_NOW


def test_assess_soon_marks_the_patients_due_and_breaks_a_claim(patient, other_patient):
    from tracker.records.summary import assess_soon

    not_due(patient, other_patient)
    PatientSummary.objects.filter(patient=patient).update(claimed_by="run-a")
    assert assess_soon([patient.pk]) == 1
    row = summary_of(patient)
    assert (row.assess_at, row.claimed_by, row.claimed_until) == (ASSESS_NOW, "", None)
    assert not due(other_patient)


def test_saved_reminder_settings_make_the_patients_due(client, patient, other_patient):
    from django.urls import reverse

    not_due(patient, other_patient)
    client.force_login(patient.user)
    client.post(reverse("reminders:settings"), {"email_warn": "on", "email_alert": "on"})
    assert due(patient) and not due(other_patient)


def test_a_clinicians_settings_make_their_patients_due(client, patient, clinician, other_patient):
    from django.urls import reverse

    not_due(patient, other_patient)
    client.force_login(clinician)
    client.post(reverse("reminders:settings"), {"email_alert": "on"})
    assert due(patient) and not due(other_patient)


def test_a_confirmed_address_makes_the_patients_it_hears_about_due(client, patient, caregiver):
    from django.core import signing
    from django.urls import reverse

    from tracker.accounts.models import User
    from tracker.accounts.verification import SALT, _fingerprint

    User.objects.filter(pk=caregiver.pk).update(email_verified_at=None)
    not_due(patient)
    token = signing.dumps({"user": caregiver.pk, "email": _fingerprint(caregiver.email)}, salt=SALT)
    client.get(reverse("accounts:confirm-email", args=[token]))
    caregiver.refresh_from_db()
    assert caregiver.email_verified and due(patient)


def test_a_confirmed_new_address_makes_the_patients_due(client, patient):
    from django.core import signing
    from django.urls import reverse

    from tracker.accounts.models import User
    from tracker.accounts.verification import SALT, _fingerprint

    User.objects.filter(pk=patient.user_id).update(pending_email="new@example.com")
    not_due(patient)
    token = signing.dumps(
        {"user": patient.user_id, "email": _fingerprint("new@example.com")}, salt=SALT
    )
    client.get(reverse("accounts:confirm-email", args=[token]))
    patient.user.refresh_from_db()
    assert patient.user.email == "new@example.com" and due(patient)


def test_a_caregivers_address_confirmed_by_an_invitation_makes_the_patient_due(patient, caregiver):
    from tracker.accounts import caregivers
    from tracker.accounts.models import User

    User.objects.filter(pk=caregiver.pk).update(email_verified_at=None)
    caregiver.refresh_from_db()
    not_due(patient)
    caregivers._confirm_address(None, caregiver)
    assert due(patient)


def test_a_clinician_approved_by_an_admin_makes_their_patients_due(
    as_role, patient, clinician, other_patient
):
    from django.urls import reverse

    from tracker.accounts.models import User

    User.objects.filter(pk=clinician.pk).update(approved_at=None)
    not_due(patient, other_patient)
    as_role("admin").post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_clinicians", "_selected_action": [clinician.pk]},
    )
    clinician.refresh_from_db()
    assert clinician.approved_at is not None
    assert due(patient) and not due(other_patient)
