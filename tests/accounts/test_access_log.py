"""Reads are audited as what they were (issue 9, item 13): the clinician panel, a
calendar feed once a day per feed, and a page opened is not an action taken."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import link, make_patient
from tests.records.factories import settle
from tracker.accounts.models import AuditEvent
from tracker.reminders.models import ReminderPreference


def _access_log(client, patient) -> str:
    client.force_login(patient.user)
    return client.get(reverse("accounts:access-log")).content.decode()


def test_opening_the_delete_page_is_not_deleting(client, patient, clinician, entries):
    client.force_login(clinician)
    page = client.get(reverse("records:delete", args=[patient.pk, "falls", entries["falls"].pk]))
    assert page.status_code == 200
    log = _access_log(client, patient)
    assert "Opened the delete page for a fall" in log
    assert "Deleted" not in log and "delete falls" not in log


@pytest.mark.parametrize(
    ("name", "args", "seen"),
    [
        ("dashboard:patient", [], "Opened your record"),
        ("dashboard:print", [], "Opened the print view of your record"),
        ("records:history", [], "Opened the history of your record"),
        ("records:edit", ["falls"], "Opened the edit page for a fall"),
        ("records:detail", ["falls"], "Opened the page of a fall"),
        ("records:add", ["falls"], "Opened the form to add a fall"),
    ],
)
def test_each_page_says_what_was_seen(client, patient, clinician, entries, name, args, seen):
    url_args = [patient.pk, *args]
    if name in ("records:edit", "records:detail"):
        url_args.append(entries["falls"].pk)
    client.force_login(clinician)
    assert client.get(reverse(name, args=url_args)).status_code == 200
    assert seen in _access_log(client, patient)


def test_reading_the_panel_is_audited_for_each_patient_listed(client, patient, clinician):
    other = make_patient("olive@example.com", "Olive Oak")
    link(other, clinician)
    unshown = make_patient("uma@example.com", "Uma Unlinked")
    for someone in (patient, other, unshown):
        settle(someone)
    client.force_login(clinician)
    assert client.get(reverse("dashboard:panel")).status_code == 200
    reads = AuditEvent.objects.filter(actor=clinician, action=AuditEvent.Action.VIEW)
    assert set(reads.values_list("patient_id", flat=True)) == {patient.pk, other.pk}
    assert not AuditEvent.objects.filter(patient=unshown).exclude(actor=unshown.user).exists()
    assert "Saw your line on the clinician&#x27;s patient list" in _access_log(client, patient)


def test_a_search_that_finds_nobody_audits_nobody(client, patient, clinician):
    settle(patient)
    client.force_login(clinician)
    client.get(reverse("dashboard:panel") + "?q=nobody-by-this-name")
    assert not AuditEvent.objects.filter(actor=clinician, action=AuditEvent.Action.VIEW).exists()


def _feed_token(user) -> str:
    preference = ReminderPreference.objects.create(user=user)
    preference.new_calendar_token()
    preference.save()
    return preference.calendar_token


def test_a_calendar_feed_is_audited_once_a_day_not_on_every_poll(
    client, patient, clinician, time_machine
):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    url = reverse("reminders:calendar-feed", args=[_feed_token(clinician)])
    reads = AuditEvent.objects.filter(actor=clinician, patient=patient)
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert reads.count() == 1
    assert "Fetched the calendar feed" in _access_log(client, patient)
    client.logout()
    time_machine.move_to(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False)
    client.get(url)
    client.get(url)
    assert reads.count() == 2


def test_a_patients_own_feed_is_audited_once_a_day(client, patient, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    url = reverse("reminders:calendar-feed", args=[_feed_token(patient.user)])
    client.get(url)
    client.get(url)
    assert AuditEvent.objects.filter(actor=patient.user, patient=patient).count() == 1


def test_events_written_before_keep_the_action_in_front(client, patient, clinician):
    AuditEvent.objects.create(
        actor=clinician, patient=patient, action=AuditEvent.Action.VIEW, summary="delete falls 3"
    )
    log = _access_log(client, patient)
    assert "Viewed: delete falls 3" in log
