"""The private calendar feed: parses, holds the expected events, and revokes."""

import datetime as dt

import icalendar
from django.urls import reverse

from tracker.reminders.models import ReminderPreference


def feed(client, token):
    return client.get(reverse("reminders:calendar-feed", args=[token]))


def test_patient_feed_holds_scan_injection_and_alarms(client, patient, late_denosumab, today):
    client.force_login(patient.user)
    client.post(reverse("reminders:calendar-new"))
    token = ReminderPreference.objects.get(user=patient.user).calendar_token
    assert len(token) >= 40
    client.logout()
    response = feed(client, token)  # no session: the token is the credential
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert "Denosumab due" in events
    assert events["Denosumab due"].decoded("dtstart") == today - dt.timedelta(
        days=220
    ) + dt.timedelta(days=182)
    assert any(summary.startswith("DXA scan") for summary in events)
    for event in events.values():
        alarms = event.walk("VALARM")
        assert alarms and alarms[0].decoded("trigger") == -dt.timedelta(days=7)


def test_new_address_revokes_the_old_one(client, patient, today):
    client.force_login(patient.user)
    client.post(reverse("reminders:calendar-new"))
    old = ReminderPreference.objects.get(user=patient.user).calendar_token
    client.post(reverse("reminders:calendar-new"))
    new = ReminderPreference.objects.get(user=patient.user).calendar_token
    assert old != new
    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200
    client.post(reverse("reminders:calendar-revoke"))
    assert feed(client, new).status_code == 404


def test_wrong_token_is_404(client, db):
    assert feed(client, "not-a-token").status_code == 404


def test_clinician_feed_names_patients_by_initials(
    client, patient, clinician, late_denosumab, today
):
    client.force_login(clinician)
    client.post(reverse("reminders:calendar-new"))
    token = ReminderPreference.objects.get(user=clinician).calendar_token
    body = feed(client, token).content.decode()
    assert "Denosumab due (P. P.)" in body
    assert "Pat Patient" not in body


def test_deactivated_user_feed_is_404(client, patient, today):
    client.force_login(patient.user)
    client.post(reverse("reminders:calendar-new"))
    token = ReminderPreference.objects.get(user=patient.user).calendar_token
    patient.user.is_active = False
    patient.user.save()
    assert feed(client, token).status_code == 404


def test_settings_save_preferences(client, patient):
    client.force_login(patient.user)
    client.post(reverse("reminders:settings"), {"email_alert": "on"})
    preference = ReminderPreference.objects.get(user=patient.user)
    assert (preference.email_info, preference.email_warn, preference.email_alert) == (
        False,
        False,
        True,
    )


def test_calendar_buttons_are_post_only(as_role):
    client = as_role("owner")
    assert client.get(reverse("reminders:calendar-new")).status_code == 405
    assert client.get(reverse("reminders:calendar-revoke")).status_code == 405


def test_clinician_feed_has_a_fixed_query_budget(
    client, clinician, today, django_assert_max_num_queries
):
    from tests.conftest import link, make_patient
    from tests.records.factories import make_course

    for i in range(30):
        other = make_patient(f"cal{i}@example.com", f"Cal {i}")
        link(other, clinician)
        make_course(
            other,
            "denosumab",
            today - dt.timedelta(days=100),
            doses=[today - dt.timedelta(days=100)],
        )
    client.force_login(clinician)
    client.post(reverse("reminders:calendar-new"))
    token = ReminderPreference.objects.get(user=clinician).calendar_token
    client.logout()
    with django_assert_max_num_queries(10):
        body = feed(client, token).content.decode()
    assert body.count("BEGIN:VEVENT") >= 30


def test_the_feed_follows_its_owners_day(client, patient, time_machine, monkeypatch):
    """Issue 9, item 3: "today" is the user's own day, in the calendar feed too."""
    import datetime as dt

    from tracker.reminders import views

    # 23:30 in UTC on 20 Nov is already 21 Nov in Auckland.
    time_machine.move_to(dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC), tick=False)
    client.force_login(patient.user)
    client.post(reverse("reminders:calendar-new"))
    token = ReminderPreference.objects.get(user=patient.user).calendar_token
    client.logout()
    seen = []
    real_assess = views.assess
    monkeypatch.setattr(
        views, "assess", lambda history, today: seen.append(today) or real_assess(history, today)
    )
    for zone in ("Pacific/Auckland", "UTC"):
        patient.user.time_zone = zone
        patient.user.save()
        assert feed(client, token).status_code == 200
    assert seen == [dt.date(2026, 11, 21), dt.date(2026, 11, 20)]
