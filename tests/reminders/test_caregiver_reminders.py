"""Missed-injection escalation (issue 12, item 2): with the patient's consent, a
caregiver gets the patient's due and late injection and infusion reminders
(CAREGIVER_RULES) by email and in their own calendar feed, once per item, through the
same idempotent delivery; never without consent, after the link ended, or to an
unconfirmed address."""

import datetime as dt

import icalendar
from django.urls import reverse

from tests.conftest import make_caregiver, make_patient
from tests.records.factories import make_course
from tracker.accounts.models import AuditEvent, CaregiverLink
from tracker.reminders import calendar
from tracker.reminders.delivery import deliver_pending, queue_due
from tracker.reminders.models import CAREGIVER_RULES, Delivery, ReminderPreference

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)


def run(today=TODAY, now=NOW):
    queue_due(today)
    return deliver_pending(now)


def to(mailoutbox, email):
    return [message for message in mailoutbox if message.to == [email]]


def test_the_rules_are_the_issues():
    assert CAREGIVER_RULES == ("DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY", "ZOL-DUE", "ROMO-DUE")


def test_patient_and_caregiver_each_get_the_late_injection_once(
    patient, caregiver, late_denosumab, mailoutbox
):
    assert run() == 2
    late = Delivery.objects.filter(rule_id="DMAB-LATE")
    assert set(late.values_list("recipient__email", flat=True)) == {
        "pat@example.com",
        "carla@example.com",
    }
    [message] = to(mailoutbox, "carla@example.com")
    assert "P. P.: Denosumab injection is late" in message.body
    assert "Pat Patient" not in message.body and "Pat Patient" not in message.subject
    assert "people you help" in message.body
    assert reverse("dashboard:patient", args=[patient.pk]) in message.body
    assert "P. P.: Denosumab injection is late" in message.alternatives[0][0]
    assert run() == 0  # a second run sends nothing new
    assert len(mailoutbox) == 2


def test_an_escalation_goes_to_the_caregiver_again(patient, caregiver, late_denosumab, mailoutbox):
    run()
    later = TODAY + dt.timedelta(days=80)  # day 300: DMAB-LONG-DELAY
    run(later, NOW + dt.timedelta(days=80))
    rules = Delivery.objects.filter(recipient=caregiver).values_list("rule_id", flat=True)
    assert sorted(rules) == ["DMAB-LATE", "DMAB-LONG-DELAY"]
    assert len(to(mailoutbox, "carla@example.com")) == 2


def test_only_the_injection_rules_are_escalated(patient, caregiver, late_denosumab, mailoutbox):
    run()
    to_patient = set(
        Delivery.objects.filter(recipient=patient.user).values_list("rule_id", flat=True)
    )
    to_carer = set(Delivery.objects.filter(recipient=caregiver).values_list("rule_id", flat=True))
    assert to_carer <= set(CAREGIVER_RULES)
    assert to_patient - set(CAREGIVER_RULES)  # the scan reminder, say, is the patient's own
    assert to_carer == {"DMAB-LATE"}


def test_no_consent_no_reminders(patient, caregiver, late_denosumab, mailoutbox):
    CaregiverLink.objects.filter(caregiver=caregiver).update(gets_injection_reminders=False)
    run()
    assert not Delivery.objects.filter(recipient=caregiver).exists()
    assert not to(mailoutbox, "carla@example.com")


def test_nothing_after_the_link_ended(patient, ended_caregiver, late_denosumab, mailoutbox):
    CaregiverLink.objects.filter(caregiver=ended_caregiver).update(gets_injection_reminders=True)
    run()
    assert not Delivery.objects.filter(recipient=ended_caregiver).exists()


def test_a_link_ended_between_queueing_and_sending_sends_nothing(
    patient, caregiver, late_denosumab, mailoutbox
):
    queue_due(TODAY)
    assert Delivery.objects.filter(recipient=caregiver).exists()
    CaregiverLink.objects.filter(caregiver=caregiver).update(status="ended")
    deliver_pending(NOW)
    assert not to(mailoutbox, "carla@example.com")
    assert to(mailoutbox, "pat@example.com")
    assert not Delivery.objects.filter(recipient=caregiver).exists()  # dropped, unsent


def test_consent_withdrawn_before_sending_sends_nothing(
    patient, caregiver, late_denosumab, mailoutbox
):
    queue_due(TODAY)
    CaregiverLink.objects.filter(caregiver=caregiver).update(gets_injection_reminders=False)
    deliver_pending(NOW)
    assert not to(mailoutbox, "carla@example.com")


def test_not_to_an_unconfirmed_address(patient, caregiver, late_denosumab, mailoutbox):
    caregiver.email_verified_at = None
    caregiver.save()
    run()
    assert not Delivery.objects.filter(recipient=caregiver).exists()
    assert not to(mailoutbox, "carla@example.com")


def test_the_caregivers_own_settings_choose_severities(
    patient, caregiver, late_denosumab, mailoutbox
):
    ReminderPreference.objects.create(user=caregiver, email_warn=False)  # DMAB-LATE is a warning
    run()
    assert not to(mailoutbox, "carla@example.com")


def test_the_patients_snooze_does_not_silence_the_escalation(
    client, patient, caregiver, late_denosumab, mailoutbox, today
):
    queue_due(TODAY)
    key = Delivery.objects.get(rule_id="DMAB-LATE", recipient=caregiver).key
    Delivery.objects.all().delete()
    client.force_login(patient.user)
    client.post(reverse("reminders:snooze", args=[patient.pk]), {"key": key, "until": "2026-12-01"})
    run()
    assert not Delivery.objects.filter(recipient=patient.user, rule_id="DMAB-LATE").exists()
    assert "Denosumab injection is late" in to(mailoutbox, "carla@example.com")[0].body


def test_one_email_for_a_caregiver_of_two_with_her_own_reminders(
    patient, other_patient, late_denosumab, mailoutbox
):
    """Otto has a record of his own (a late injection too) and helps two people."""
    otto = make_patient("otto@example.com", "Otto Helper")
    for person in (otto, other_patient):
        last = TODAY - dt.timedelta(days=220)
        make_course(
            person,
            "denosumab",
            last - dt.timedelta(days=182),
            doses=[last - dt.timedelta(days=182), last],
        )
    make_caregiver(patient, "", "", user=otto.user)
    make_caregiver(other_patient, "", "", user=otto.user)
    run()
    [message] = to(mailoutbox, "otto@example.com")
    assert "See your record" in message.body
    assert "P. P.: Denosumab injection is late" in message.body
    assert "O. O.: Denosumab injection is late" in message.body
    count = Delivery.objects.filter(recipient=otto.user).count()
    assert count >= 3 and message.subject == f"BoneTrack: you have {count} reminders"


def test_a_clinician_who_is_also_the_caregiver_gets_each_item_once(patient, clinician, mailoutbox):
    last = TODAY - dt.timedelta(days=300)  # DMAB-LONG-DELAY, alert level: both would send it
    make_course(patient, "denosumab", last, doses=[last])
    make_caregiver(patient, "", "", user=clinician)
    run()
    assert Delivery.objects.filter(recipient=clinician, rule_id="DMAB-LONG-DELAY").count() == 1
    assert len(to(mailoutbox, "doc@example.com")) == 1


# --- The caregiver's calendar feed ---------------------------------------------------


def feed_of(client, user):
    client.force_login(user)
    client.post(reverse("reminders:calendar-new"))
    token = ReminderPreference.objects.get(user=user).calendar_token
    client.logout()
    response = client.get(reverse("reminders:calendar-feed", args=[token]))
    assert response.status_code == 200
    return {
        str(e["summary"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_the_caregivers_feed_holds_the_late_injection_by_initials(
    client, patient, caregiver, late_denosumab, today
):
    events = feed_of(client, caregiver)
    assert list(events) == ["Denosumab injection is late (P. P.)"]
    event = events["Denosumab injection is late (P. P.)"]
    assert event.decoded("dtstart") == today - dt.timedelta(days=220) + dt.timedelta(days=211)
    assert "A reminder for P. P., whom you help" in str(event["description"])
    assert "Pat Patient" not in str(event["description"])
    assert AuditEvent.objects.filter(actor=caregiver, patient=patient, action="view").exists()


def test_the_feed_item_is_stable_and_an_escalation_is_a_new_one(
    client, patient, caregiver, late_denosumab, today, time_machine
):
    uid = str(feed_of(client, caregiver)["Denosumab injection is late (P. P.)"]["uid"])
    assert uid == str(feed_of(client, caregiver)["Denosumab injection is late (P. P.)"]["uid"])
    time_machine.move_to(dt.datetime(2027, 2, 9, 10, tzinfo=dt.UTC), tick=False)  # day 300
    later = feed_of(client, caregiver)
    assert list(later) == ["Denosumab injection very overdue (P. P.)"]
    assert str(later["Denosumab injection very overdue (P. P.)"]["uid"]) != uid


def test_no_consent_or_an_ended_link_keeps_the_patient_out_of_the_feed(
    client, patient, caregiver, ended_caregiver, late_denosumab, today
):
    CaregiverLink.objects.filter(caregiver=caregiver).update(gets_injection_reminders=False)
    assert feed_of(client, caregiver) == {}
    assert feed_of(client, ended_caregiver) == {}
    assert not AuditEvent.objects.filter(actor=caregiver, action="view").exists()


def test_a_patient_who_cares_for_someone_keeps_her_own_feed_whole(
    client, patient, other_patient, late_denosumab, today
):
    make_caregiver(other_patient, "", "", user=patient.user)
    last = TODAY - dt.timedelta(days=220)
    make_course(
        other_patient,
        "denosumab",
        last - dt.timedelta(days=182),
        doses=[last - dt.timedelta(days=182), last],
    )
    events = feed_of(client, patient.user)
    assert "Denosumab due" in events and any(s.startswith("DXA scan") for s in events)
    assert "Denosumab injection is late (O. O.)" in events
    assert not any("(O. O.)" in s and "DXA" in s for s in events)


def test_caregiver_events_only_for_the_rules():
    class Alert:
        def __init__(self, rule_id):
            self.rule_id, self.key, self.due_date = rule_id, f"{rule_id}:x", dt.date(2026, 1, 1)
            self.title, self.explanation = "t", "e"

    class Assessment:
        alerts = [Alert(rule) for rule in (*CAREGIVER_RULES, "SCAN-DUE", "BP-LONG")]

    events = calendar.caregiver_events(
        Assessment(), patient_id=1, label="A. B.", stamp=NOW, record_start=dt.date(2020, 1, 1)
    )
    assert len(events) == len(CAREGIVER_RULES)
