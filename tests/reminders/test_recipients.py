"""Who reminder emails reach (issue 9): only confirmed addresses, and each patient's
items fall due on the patient's own day."""

import datetime as dt

from tests.records.factories import make_course
from tracker.accounts.models import User
from tracker.records.summary import assess_soon_for
from tracker.reminders.delivery import deliver_pending, queue_due
from tracker.reminders.models import Delivery

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def unverify(user) -> None:
    User.objects.filter(pk=user.pk).update(email_verified_at=None)


def test_an_unconfirmed_patient_gets_no_email_until_confirmed(patient, late_denosumab, mailoutbox):
    unverify(patient.user)
    queue_due(TODAY)
    assert deliver_pending(NOW) == 0
    assert mailoutbox == []
    # Nothing is lost: once the address is confirmed, the next run sends it (confirming
    # marks the patients the address hears about due: tests/reminders/test_assess_soon).
    User.objects.filter(pk=patient.user_id).update(email_verified_at=NOW)
    assess_soon_for(patient.user)
    queue_due(TODAY)
    assert deliver_pending(NOW) == 1
    assert mailoutbox[0].to == ["pat@example.com"]


def test_an_unconfirmed_clinician_gets_no_digest(patient, clinician, mailoutbox):
    last = TODAY - dt.timedelta(days=400)  # DMAB-LONG-DELAY: alert level, for clinicians too
    make_course(patient, "denosumab", last - dt.timedelta(days=182), doses=[last])
    unverify(clinician)
    queue_due(TODAY)
    deliver_pending(NOW)
    assert [m.to for m in mailoutbox] == [["pat@example.com"]]
    assert not Delivery.objects.filter(recipient=clinician).exists()


def test_queued_items_wait_while_an_address_is_unconfirmed(patient, late_denosumab, mailoutbox):
    """An admin who corrects an address makes it unconfirmed: what was queued waits."""
    queue_due(TODAY)
    unverify(patient.user)
    assert deliver_pending(NOW) == 0
    assert Delivery.objects.pending().filter(recipient=patient.user).exists()


def _late_from(patient, day: dt.date) -> None:
    """Denosumab whose DMAB-LATE starts on `day` (210 days after the last dose)."""
    last = day - dt.timedelta(days=211)
    make_course(patient, "denosumab", last, doses=[last])


def keys_for(patient) -> set[str]:
    return set(Delivery.objects.filter(patient=patient).values_list("rule_id", flat=True))


def test_each_patient_is_assessed_on_their_own_day(patient, other_patient, settings):
    settings.TIME_ZONE = "UTC"
    # At 10:00 UTC on 21 November it is already 22 November on Kiritimati (UTC+14).
    User.objects.filter(pk=patient.user_id).update(time_zone="Pacific/Kiritimati")
    _late_from(patient, dt.date(2026, 11, 22))
    _late_from(other_patient, dt.date(2026, 11, 22))
    queue_due(now=NOW)
    assert "DMAB-LATE" in keys_for(patient)
    assert "DMAB-LATE" not in keys_for(other_patient)


def test_a_patient_behind_the_server_waits_for_their_day(patient, other_patient, settings):
    settings.TIME_ZONE = "UTC"
    # At 10:00 UTC on 21 November it is still 20 November in Pago Pago (UTC-11).
    User.objects.filter(pk=patient.user_id).update(time_zone="Pacific/Pago_Pago")
    _late_from(patient, dt.date(2026, 11, 21))
    _late_from(other_patient, dt.date(2026, 11, 21))
    queue_due(now=NOW)
    assert "DMAB-LATE" not in keys_for(patient)
    assert "DMAB-LATE" in keys_for(other_patient)


def test_a_fixed_day_still_applies_to_everyone(patient, settings):
    """Tests (and callers that pass a day) keep one day for every patient."""
    User.objects.filter(pk=patient.user_id).update(time_zone="Pacific/Kiritimati")
    _late_from(patient, dt.date(2026, 11, 22))
    queue_due(TODAY)
    assert "DMAB-LATE" not in keys_for(patient)


def test_the_command_uses_each_patients_day(patient, settings, time_machine):
    from django.core.management import call_command

    settings.TIME_ZONE = "UTC"
    time_machine.move_to(NOW, tick=False)
    User.objects.filter(pk=patient.user_id).update(time_zone="Pacific/Kiritimati")
    _late_from(patient, dt.date(2026, 11, 22))
    call_command("sendreminders")
    assert "DMAB-LATE" in keys_for(patient)
