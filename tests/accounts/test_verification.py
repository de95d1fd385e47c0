"""Email addresses are verified (issue 9, item 9): a new account confirms its address
by a signed link that expires; until then no reminder email and no sharing reach it."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.conftest import make_patient, make_user
from tests.ladder import ROLES
from tracker.accounts.models import AuditEvent, CareLink, Role, User

SITE = "https://bonetrack.example.org"
NOTICE = "Please confirm your email address"

SIGNUP = {
    "account-full_name": "Nora New",
    "account-email": "nora@example.com",
    "account-password1": "a-long-enough-passphrase",
    "account-password2": "a-long-enough-passphrase",
    "profile-birth_date": "1950-04-01",
    "profile-sex": "female",
    "profile-menopausal_status": "postmenopausal",
}


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return url.removeprefix(SITE)


@pytest.fixture
def site(settings, db):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def nora(db):
    """An unverified patient, as sign-up leaves her."""
    patient = make_patient("nora@example.com", "Nora New")
    User.objects.filter(pk=patient.user_id).update(email_verified_at=None)
    patient.user.refresh_from_db()
    return patient


def test_signup_sends_a_link_from_site_url_not_the_request_host(client, site, mailoutbox):
    response = client.post(reverse("accounts:signup"), SIGNUP, HTTP_HOST="localhost")
    assert response.status_code == 302
    user = User.objects.get(email="nora@example.com")
    assert user.email_verified_at is None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["nora@example.com"]
    assert "confirm" in message.subject.lower()
    assert link_in(message).startswith(SITE + "/accounts/confirm/")
    assert "localhost" not in message.body
    assert "3 days" in message.body


def test_the_link_does_not_carry_the_address(client, site, mailoutbox):
    """Links end up in proxy and server logs: they name the address by a keyed hash."""
    from django.core import signing

    from tracker.accounts import verification

    client.post(reverse("accounts:signup"), SIGNUP)
    token = link_in(mailoutbox[0]).split("/")[-2]
    payload = signing.loads(token, salt=verification.SALT)
    assert "nora" not in str(payload) and "nora" not in token


def test_clinician_signup_sends_a_link(client, site, db, mailoutbox):
    client.post(
        reverse("accounts:clinician-signup"),
        {
            "account-full_name": "Dr Pending",
            "account-email": "pending@example.com",
            "account-password1": "a-long-enough-passphrase",
            "account-password2": "a-long-enough-passphrase",
        },
    )
    assert User.objects.get(email="pending@example.com").email_verified_at is None
    assert [m.to for m in mailoutbox] == [["pending@example.com"]]
    assert link_in(mailoutbox[0]).startswith(SITE)


def test_following_the_link_confirms_the_address_once(client, site, mailoutbox):
    client.post(reverse("accounts:signup"), SIGNUP)
    client.logout()  # the link works from any browser, signed in or not
    url = path_of(link_in(mailoutbox[0]))
    page = client.get(url)
    assert page.status_code == 200
    assert "Your email address is confirmed" in page.content.decode()
    user = User.objects.get(email="nora@example.com")
    assert user.email_verified_at is not None
    event = AuditEvent.objects.get(action="email_confirmed")
    assert (event.actor, event.patient) == (user, user.patient)
    assert "nora@example.com" in event.summary

    again = client.get(url)  # idempotent: a second click changes nothing
    assert "already confirmed" in again.content.decode()
    user.refresh_from_db()
    assert AuditEvent.objects.filter(action="email_confirmed").count() == 1


def test_a_clinicians_confirmation_is_an_account_event_without_a_patient(
    client, site, db, mailoutbox
):
    from tracker.accounts import verification

    doc = make_user("new@example.com", "Dr New", Role.CLINICIAN, email_verified_at=None)
    verification.send_confirmation(doc)
    client.get(path_of(link_in(mailoutbox[0])))
    event = AuditEvent.objects.get(action="email_confirmed")
    assert (event.actor, event.patient) == (doc, None)


def test_an_expired_link_says_so_and_offers_a_new_one(client, site, mailoutbox, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    client.post(reverse("accounts:signup"), SIGNUP)
    time_machine.move_to(dt.datetime(2026, 11, 24, 9, 0, 1, tzinfo=dt.UTC), tick=False)
    page = client.get(path_of(link_in(mailoutbox[0])))
    html = page.content.decode()
    assert "This link has expired" in html
    assert reverse("accounts:confirm-email-send") in html
    assert User.objects.get(email="nora@example.com").email_verified_at is None


def test_a_link_works_until_it_expires(client, site, mailoutbox, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    client.post(reverse("accounts:signup"), SIGNUP)
    time_machine.move_to(dt.datetime(2026, 11, 24, 8, 59, tzinfo=dt.UTC), tick=False)
    client.get(path_of(link_in(mailoutbox[0])))
    assert User.objects.get(email="nora@example.com").email_verified_at is not None


def test_expiry_is_a_setting(client, site, settings, mailoutbox, time_machine):
    settings.EMAIL_CONFIRMATION_DAYS = 1
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    client.post(reverse("accounts:signup"), SIGNUP)
    assert "1 day" in mailoutbox[0].body
    time_machine.move_to(dt.datetime(2026, 11, 22, 9, 0, 1, tzinfo=dt.UTC), tick=False)
    assert "has expired" in client.get(path_of(link_in(mailoutbox[0]))).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_a_tampered_link_says_so_to_everyone(as_role, nora, site, mailoutbox, role):
    from tracker.accounts import verification

    verification.send_confirmation(nora.user)
    url = path_of(link_in(mailoutbox[0]))
    token = url.split("/")[-2]
    forged = url.replace(token, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"))
    page = as_role(role).get(forged)
    assert page.status_code == 200
    assert "This link is not valid" in page.content.decode()
    nora.user.refresh_from_db()
    assert nora.user.email_verified_at is None


def test_a_link_signed_for_another_purpose_is_refused(client, nora):
    from django.core import signing

    token = signing.dumps({"user": nora.user_id, "email": nora.user.email})  # no salt
    page = client.get(reverse("accounts:confirm-email", args=[token]))
    assert "This link is not valid" in page.content.decode()


def test_the_notice_is_on_every_page_until_confirmed(client, nora, mailoutbox):
    client.force_login(nora.user)
    for name in ("accounts:sharing", "accounts:profile", "learn:rules"):
        html = client.get(reverse(name)).content.decode()
        assert NOTICE in html and "nora@example.com" in html, name
        assert reverse("accounts:confirm-email-send") in html
    nora.user.email_verified_at = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    nora.user.save()
    assert NOTICE not in client.get(reverse("learn:rules")).content.decode()


def test_send_it_again(client, nora, site, mailoutbox):
    client.force_login(nora.user)
    page = client.get(reverse("accounts:confirm-email-send"))
    assert "nora@example.com" in page.content.decode()
    response = client.post(reverse("accounts:confirm-email-send"), follow=True)
    assert "We sent a new link to nora@example.com" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["nora@example.com"]]
    # A second click within a minute sends nothing (nobody's inbox is flooded).
    response = client.post(reverse("accounts:confirm-email-send"), follow=True)
    assert "less than a minute ago" in response.content.decode()
    assert len(mailoutbox) == 1
    client.get(path_of(link_in(mailoutbox[0])))
    nora.user.refresh_from_db()
    assert nora.user.email_verified_at is not None


def test_a_verified_address_is_not_sent_a_link(client, patient, mailoutbox):
    client.force_login(patient.user)
    response = client.post(reverse("accounts:confirm-email-send"), follow=True)
    assert "already confirmed" in response.content.decode()
    assert mailoutbox == []


def test_the_send_page_refuses_other_methods(client, patient):
    client.force_login(patient.user)
    assert client.put(reverse("accounts:confirm-email-send")).status_code == 405


def test_a_deactivated_account_cannot_be_confirmed(client, nora, site, mailoutbox):
    from tracker.accounts import verification

    verification.send_confirmation(nora.user)
    User.objects.filter(pk=nora.user_id).update(is_active=False)
    page = client.get(path_of(link_in(mailoutbox[0])))
    assert "This link is not valid" in page.content.decode()


# Sharing does not reach an unverified address, and an unverified patient shares nothing.


def test_a_patient_cannot_share_with_an_unverified_clinician(client, patient, db):
    make_user(
        "new@example.com",
        "Dr New",
        Role.CLINICIAN,
        approved_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        email_verified_at=None,
    )
    client.force_login(patient.user)
    page = client.post(reverse("accounts:sharing"), {"email": "new@example.com"})
    assert "has not confirmed their email address" in page.content.decode()
    assert not CareLink.objects.filter(clinician__email="new@example.com").exists()


def test_an_unverified_clinician_cannot_ask_for_access(client, patient, db):
    doc = make_user(
        "new@example.com",
        "Dr New",
        Role.CLINICIAN,
        approved_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        email_verified_at=None,
    )
    client.force_login(doc)
    page = client.post(reverse("accounts:my-patients"), {"email": patient.user.email})
    assert "Please confirm your email address first" in page.content.decode()
    assert not CareLink.objects.filter(clinician=doc).exists()


def test_a_clinician_cannot_ask_an_unverified_patient(client, nora, other_clinician):
    client.force_login(other_clinician)
    page = client.post(reverse("accounts:my-patients"), {"email": nora.user.email})
    assert "has not confirmed their email address" in page.content.decode()
    assert not CareLink.objects.filter(patient=nora).exists()


def test_an_unverified_patient_cannot_share(client, nora, other_clinician):
    client.force_login(nora.user)
    page = client.post(reverse("accounts:sharing"), {"email": other_clinician.email})
    assert "Please confirm your email address first" in page.content.decode()
    assert not CareLink.objects.filter(patient=nora).exists()


def test_an_unverified_patient_cannot_accept_but_can_decline_and_end(
    client, nora, other_clinician, clinician
):
    pending = CareLink.objects.create(
        patient=nora, clinician=other_clinician, status="pending", initiated_by="clinician"
    )
    active = CareLink.objects.create(
        patient=nora, clinician=clinician, status="active", initiated_by="patient"
    )
    client.force_login(nora.user)
    page = client.post(reverse("accounts:sharing-accept", args=[pending.pk]), follow=True)
    assert "Please confirm your email address first" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"
    # Taking consent back is never held up.
    client.post(reverse("accounts:sharing-decline", args=[pending.pk]))
    client.post(reverse("accounts:link-end", args=[active.pk]))
    pending.refresh_from_db()
    active.refresh_from_db()
    assert (pending.status, active.status) == ("declined", "ended")


def test_the_cast_and_the_demo_accounts_are_verified(cast, db):
    from tests.conftest import seed_demo

    assert all(user.email_verified_at for user in cast.values() if user is not None)
    seed_demo()
    assert not User.objects.filter(email_verified_at__isnull=True).exists()
