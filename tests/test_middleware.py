"""Privacy headers (issue 9, item 10): pages with health data are never stored by a
browser or proxy, and every response says which powerful browser features are off."""

import pytest
from django.urls import reverse


def _pages(patient):
    return [
        reverse("dashboard:patient", args=[patient.pk]),
        reverse("dashboard:print", args=[patient.pk]),
        reverse("records:history", args=[patient.pk]),
        reverse("accounts:access-log"),
        reverse("accounts:profile"),
    ]


def test_signed_in_pages_are_not_stored(client, patient):
    client.force_login(patient.user)
    for url in _pages(patient):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_clinician_panel_is_not_stored(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("dashboard:panel"))
    assert "no-store" in response["Cache-Control"]


def test_calendar_feed_is_not_stored(client, patient):
    from tracker.reminders.models import ReminderPreference

    preference = ReminderPreference.objects.create(user=patient.user)
    preference.new_calendar_token()
    preference.save()
    response = client.get(reverse("reminders:calendar-feed", args=[preference.calendar_token]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "max-age=900" not in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz"])
def test_every_response_has_a_permissions_policy(client, db, url):
    policy = client.get(url)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy


def test_signed_in_response_has_a_permissions_policy(client, patient):
    client.force_login(patient.user)
    response = client.get(reverse("dashboard:patient", args=[patient.pk]))
    assert "camera=()" in response["Permissions-Policy"]
