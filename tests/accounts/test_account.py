"""The Account page (issue 9, items 3 and 9): change the email address (the new one is
confirmed by a link; the old one stays in use until then) and choose the time zone."""

import re
import zoneinfo

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_patient
from tracker.accounts.models import AuditEvent, User

SITE = "https://bonetrack.example.org"
URL = "/accounts/account/"


def change_email(client, address: str, password: str = PASSWORD):
    return client.post(
        reverse("accounts:account"),
        {"form": "email", "email-email": address, "email-password": password},
        follow=True,
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body).group(0)


def follow(client, message):
    return client.get(link_in(message).removeprefix(SITE))


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def test_the_page_is_at_its_address_and_in_the_user_menu(client, clinician):
    assert reverse("accounts:account") == URL
    client.force_login(clinician)
    html = client.get(reverse("learn:rules")).content.decode()
    assert f'href="{URL}"' in html
    page = client.get(URL).content.decode()
    assert "doc@example.com" in page


def test_changing_the_address_confirms_the_new_one_first(client, patient, mailoutbox):
    client.force_login(patient.user)
    page = change_email(client, "Pat.New@Example.com")
    assert "We sent a link to pat.new@example.com" in page.content.decode()
    user = User.objects.get(pk=patient.user_id)
    # The old address stays in use (sign-in, reminders) until the new one is confirmed.
    assert (user.email, user.pending_email) == ("pat@example.com", "pat.new@example.com")
    assert user.email_verified_at is not None
    assert "pat.new@example.com" in client.get(URL).content.decode()
    to_new, to_old = mailoutbox
    assert to_new.to == ["pat.new@example.com"] and link_in(to_new).startswith(SITE)
    assert to_old.to == ["pat@example.com"] and "pat.new@example.com" in to_old.body
    assert "/accounts/confirm/" not in to_old.body
    asked = AuditEvent.objects.get(action="email_change")
    assert (asked.actor, asked.patient) == (user, patient)
    assert "pat@example.com" in asked.summary and "pat.new@example.com" in asked.summary

    client.logout()
    done = follow(client, to_new).content.decode()
    assert "pat.new@example.com is now your email address" in done
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("pat.new@example.com", "")
    assert user.email_verified_at is not None
    changed = AuditEvent.objects.get(action="email_changed")
    assert changed.actor == user and changed.patient == patient
    assert "from pat@example.com to pat.new@example.com" in changed.summary
    signed_in = client.post(
        reverse("accounts:login"), {"username": "pat.new@example.com", "password": PASSWORD}
    )
    assert signed_in.status_code == 302  # the new address signs in
    assert "already confirmed" in follow(client, to_new).content.decode()


def test_an_email_change_needs_the_current_password(client, patient, mailoutbox):
    client.force_login(patient.user)
    page = change_email(client, "pat.new@example.com", password="wrong-password")
    assert "Your password was not right" in page.content.decode()
    assert User.objects.get(pk=patient.user_id).pending_email == ""
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("OLGA@example.com", "Another account uses this email address"),
        ("pat@example.com", "This is already your email address"),
        ("not-an-email", "Enter a valid email address"),
    ],
)
def test_email_change_refusals(client, patient, other_patient, mailoutbox, address, message):
    client.force_login(patient.user)
    assert message in change_email(client, address).content.decode()
    assert User.objects.get(pk=patient.user_id).pending_email == ""
    assert mailoutbox == []


def test_an_address_taken_before_it_is_confirmed_is_not_switched(client, patient, mailoutbox):
    client.force_login(patient.user)
    change_email(client, "pat.new@example.com")
    make_patient("pat.new@example.com", "Someone Quicker")
    page = follow(client, mailoutbox[0]).content.decode()
    assert "Another account now uses pat.new@example.com" in page
    user = User.objects.get(pk=patient.user_id)
    assert user.email == "pat@example.com"


def test_a_link_for_a_replaced_address_no_longer_works(client, patient, mailoutbox):
    client.force_login(patient.user)
    change_email(client, "first@example.com")
    change_email(client, "second@example.com")
    first = [m for m in mailoutbox if m.to == ["first@example.com"]][0]
    assert "no longer waiting to be confirmed" in follow(client, first).content.decode()
    user = User.objects.get(pk=patient.user_id)
    assert (user.email, user.pending_email) == ("pat@example.com", "second@example.com")


def test_a_pending_change_can_be_cancelled(client, patient, mailoutbox):
    client.force_login(patient.user)
    change_email(client, "pat.new@example.com")
    client.post(URL, {"form": "cancel"})
    assert User.objects.get(pk=patient.user_id).pending_email == ""
    assert "no longer waiting to be confirmed" in follow(client, mailoutbox[0]).content.decode()
    assert AuditEvent.objects.filter(action="email_change", summary__contains="cancel").exists()


def test_an_unverified_user_fixes_a_typo_by_changing_the_address(client, patient, mailoutbox):
    User.objects.filter(pk=patient.user_id).update(email_verified_at=None)
    client.force_login(patient.user)
    change_email(client, "pat@exampel.com")
    follow(client, mailoutbox[0])
    user = User.objects.get(pk=patient.user_id)
    assert (user.email, user.email_verified_at is not None) == ("pat@exampel.com", True)


def test_the_time_zone_select_lists_every_zone_sorted_with_the_server_default(
    client, patient, settings
):
    settings.TIME_ZONE = "Europe/London"
    client.force_login(patient.user)
    html = client.get(URL).content.decode()
    select = re.search(r'<select name="zone-time_zone".*?</select>', html, re.S).group(0)
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values[0] == ""
    assert values[1:] == sorted(zoneinfo.available_timezones())
    assert "Server default (Europe/London)" in select


def test_choosing_a_time_zone_is_saved_and_audited(client, patient):
    client.force_login(patient.user)
    response = client.post(URL, {"form": "time_zone", "zone-time_zone": "Pacific/Auckland"})
    assert response.status_code == 302
    user = User.objects.get(pk=patient.user_id)
    assert user.time_zone == "Pacific/Auckland"
    event = AuditEvent.objects.get(action="update", summary__contains="time zone")
    assert (event.actor, event.patient) == (user, patient)
    assert "Pacific/Auckland" in event.summary
    page = client.get(URL).content.decode()
    assert 'value="Pacific/Auckland" selected' in page

    client.post(URL, {"form": "time_zone", "zone-time_zone": ""})
    assert User.objects.get(pk=patient.user_id).time_zone == ""


def test_an_unknown_time_zone_is_refused(client, clinician):
    client.force_login(clinician)
    page = client.post(URL, {"form": "time_zone", "zone-time_zone": "Mars/Olympus_Mons"})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert User.objects.get(pk=clinician.pk).time_zone == ""


def test_an_admin_who_edits_an_address_makes_it_unconfirmed(as_role, clinician):
    client = as_role("admin")
    url = reverse("admin:accounts_user_change", args=[clinician.pk])
    form = client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields and value is not None and key != "password"
    }
    data.update(
        email="doc.typo.fixed@example.com",
        approved_at_0=clinician.approved_at.strftime("%Y-%m-%d"),
        approved_at_1=clinician.approved_at.strftime("%H:%M:%S"),
    )
    data.pop("approved_at", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    clinician.refresh_from_db()
    assert clinician.email == "doc.typo.fixed@example.com"
    assert clinician.email_verified_at is None
