import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def login(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def dashboard(patient):
    return reverse("dashboard:patient", args=[patient.pk])


def test_idle_timeout_after_30_minutes(client, patient):
    with time_machine.travel(START, tick=False) as clock:
        login(client, patient.user)
        clock.shift(dt.timedelta(minutes=29, seconds=59))
        assert client.get(dashboard(patient)).status_code == 200
        clock.shift(dt.timedelta(minutes=29, seconds=59))  # activity reset the idle clock
        assert client.get(dashboard(patient)).status_code == 200
        clock.shift(dt.timedelta(minutes=30))
        response = client.get(dashboard(patient))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_absolute_timeout_after_12_hours_even_when_active(client, patient):
    with time_machine.travel(START, tick=False) as clock:
        login(client, patient.user)
        for _ in range(12 * 3 - 1):  # a request every 20 minutes for 11h40
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(dashboard(patient)).status_code == 200
        clock.shift(dt.timedelta(minutes=20))
        assert client.get(dashboard(patient)).status_code == 302


def test_new_session_key_on_login(client, patient):
    client.get(reverse("accounts:login"))
    client.session["probe"] = 1
    before = client.session.session_key
    login(client, patient.user)
    assert client.session.session_key != before


def test_old_cookie_is_useless_after_logout(patient):
    client = login(Client(), patient.user)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(dashboard(patient)).status_code == 302


def test_login_and_failed_login_are_audited(client, patient):
    from tracker.accounts.models import AuditEvent

    client.post(
        reverse("accounts:login"),
        {"username": patient.user.email, "password": "wrong-password-123"},
    )
    login(client, patient.user)
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "ip"))
    assert events == [("login_failed", "127.0.0.1"), ("login", "127.0.0.1")]


def test_login_refusal_keeps_the_email(client, patient):
    response = client.post(
        reverse("accounts:login"), {"username": patient.user.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert f'value="{patient.user.email}"' in response.content.decode()
