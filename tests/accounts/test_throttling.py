"""Login throttling (issue 9, item 7): repeated failures are slowed, then the
account-and-address pair is locked for a while; failures are audited; password
reset or an admin unlocks."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.accounts.models import AuditEvent

LOGIN = reverse("accounts:login")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
WRONG = "wrong-password-123"


def attempt(client, email, password=WRONG, ip="203.0.113.7", **headers):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and "/login/" not in response["Location"]


def fail(client, email, times, clock, **kwargs):
    """`times` failures, each after any wait has passed."""
    for _ in range(times):
        clock.shift(dt.timedelta(minutes=5))
        response = attempt(client, email, **kwargs)
        assert response.status_code in (200, 429)
    return response


def test_three_typos_cost_nothing(client, patient):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            response = attempt(client, patient.user.email)
            assert "Please enter a correct email" in response.content.decode()
        assert signed_in(attempt(client, patient.user.email, PASSWORD))


def test_after_four_failures_the_next_try_waits_and_the_wait_grows(client, patient):
    email = patient.user.email
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            attempt(client, email)
        clock.shift(dt.timedelta(seconds=9))
        response = attempt(client, email, PASSWORD)  # the right password, too soon
        assert response.status_code == 200 and not signed_in(response)
        assert "Too many failed sign-ins. Wait 1 second" in response.content.decode()
        clock.shift(dt.timedelta(seconds=1))
        attempt(client, email)  # the fifth failure: now 20 seconds
        clock.shift(dt.timedelta(seconds=19))
        assert "Wait 1 second" in attempt(client, email, PASSWORD).content.decode()
        clock.shift(dt.timedelta(seconds=1))
        assert signed_in(attempt(client, email, PASSWORD))


def test_a_throttled_try_is_not_counted_as_a_failure(client, patient):
    email = patient.user.email
    with time_machine.travel(START, tick=False):
        for _ in range(4):
            attempt(client, email)
        for _ in range(20):
            response = attempt(client, email)  # refused before the password is checked
            assert "Too many failed sign-ins" in response.content.decode()
        failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count()
        assert failures == 4


def test_ten_failures_lock_the_pair_for_fifteen_minutes(client, patient):
    email = patient.user.email
    with time_machine.travel(START, tick=False) as clock:
        fail(client, email, 9, clock)
        clock.shift(dt.timedelta(minutes=5))
        assert attempt(client, email).status_code == 429  # the tenth failure locks
        clock.shift(dt.timedelta(minutes=14, seconds=59))
        assert attempt(client, email, PASSWORD).status_code == 429
    # That try, made during the lock, started its 15 minutes again.
    locked_at = START + dt.timedelta(minutes=64, seconds=59)
    with time_machine.travel(locked_at + dt.timedelta(minutes=14, seconds=59), tick=False):
        assert attempt(client, email, PASSWORD).status_code == 429
    locked_at += dt.timedelta(minutes=14, seconds=59)
    with time_machine.travel(locked_at + dt.timedelta(minutes=15, seconds=1), tick=False):
        assert signed_in(attempt(client, email, PASSWORD))


def test_a_lock_ends_after_fifteen_minutes_without_tries(client, patient):
    email = patient.user.email
    with time_machine.travel(START, tick=False) as clock:
        fail(client, email, 10, clock)
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert signed_in(attempt(client, email, PASSWORD))


def test_the_lockout_page_says_what_happened_and_the_way_back(client, patient):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, patient.user.email, 10, clock)
        response = attempt(client, patient.user.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in is paused" in page and "for 15 minutes" in page
    assert reverse("accounts:password-reset") in page
    assert "administrator" in page


def test_nine_failures_do_not_lock(client, patient):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, patient.user.email, 9, clock)
        clock.shift(dt.timedelta(minutes=5))
        assert signed_in(attempt(client, patient.user.email, PASSWORD))


def test_a_lock_holds_one_account_from_one_address_only(client, patient, clinician):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, clinician.email, 10, clock)
        assert attempt(client, clinician.email, PASSWORD).status_code == 429
        # The clinician signs in from their own address; the attacker cannot lock them out.
        assert signed_in(attempt(client, clinician.email, PASSWORD, ip="198.51.100.20"))
        client.logout()
        # Another account from the locked address is not held.
        assert signed_in(attempt(client, patient.user.email, PASSWORD))


def test_the_email_is_one_account_whatever_its_case(client, patient):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, patient.user.email.upper(), 10, clock)
        assert attempt(client, patient.user.email, PASSWORD).status_code == 429


def test_behind_the_proxy_the_clients_own_address_counts(client, settings, patient):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    email = patient.user.email
    with time_machine.travel(START, tick=False) as clock:
        for i in range(10):
            clock.shift(dt.timedelta(minutes=5))
            # The left part is whatever the client sent; our proxy adds the right-most.
            attempt(client, email, ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 9.9.9.9")
        locked = attempt(client, email, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9")
        assert locked.status_code == 429
        other = attempt(client, email, PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.8")
        assert signed_in(other)
    ips = set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True))
    assert ips == {"9.9.9.9"}


def test_every_failure_is_audited_with_the_address(client, patient):
    with time_machine.travel(START, tick=False) as clock:
        fail(client, patient.user.email, 11, clock)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert events.count() == 11
    assert set(events.values_list("ip", "actor")) == {("203.0.113.7", patient.user.pk)}


def test_a_password_reset_ends_the_lock(client, patient, mailoutbox):
    email = patient.user.email
    with time_machine.travel(START, tick=False) as clock:
        fail(client, email, 10, clock)
        assert attempt(client, email, PASSWORD).status_code == 429
        client.post(reverse("accounts:password-reset"), {"email": email})
        link = re.search(r"http://\S+/password/reset/\S+/", mailoutbox[0].body).group(0)
        form = client.get(link, follow=True)
        new = "a-brand-new-passphrase-42"
        done = client.post(form.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
        assert done.status_code == 302
        assert signed_in(attempt(client, email, new))


@pytest.mark.parametrize("role", ["owner", "clinician"])
def test_only_admins_reach_the_lockouts(as_role, role):
    response = as_role(role).get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_admin_unlocks_a_pair(client, as_role, patient):
    email = patient.user.email
    with time_machine.travel(START, tick=False) as clock:
        fail(client, email, 10, clock)
        admin = as_role("admin")
        page = admin.get(reverse("admin:axes_accessattempt_changelist"))
        assert page.status_code == 200 and email in page.content.decode()
        from axes.models import AccessAttempt

        pair = AccessAttempt.objects.get(username=email)
        assert pair.ip_address == "203.0.113.7"
        url = reverse("admin:axes_accessattempt_delete", args=[pair.pk])
        assert admin.post(url, {"post": "yes"}).status_code == 302
        admin.logout()
        assert signed_in(attempt(client, email, PASSWORD))
