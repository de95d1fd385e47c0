"""Two-step sign-in (issue 9, item 8): required for clinicians and admins before any
patient page, the panel or the admin; optional for patients. Enrolment, verification
and a lost device each have a page. These tests sign in with the real form (the
patched force_login of conftest counts as verified) and make their own devices."""

import re
import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tracker.accounts.models import AuditEvent

SETUP = reverse("accounts:two-factor-setup")
VERIFY = reverse("accounts:two-factor-verify")
LOST = reverse("accounts:two-factor-lost")


def sign_in(user) -> Client:
    """Email and password only: the second step is still to come."""
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def code(device) -> str:
    """What the person's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    codes = ["backup0001", "backup0002"]
    for token in codes:
        backup.token_set.create(token=token)
    return device, codes


def panel():
    return reverse("dashboard:panel")


def record(patient):
    return reverse("dashboard:patient", args=[patient.pk])


# --- the requirement -----------------------------------------------------------------


def test_a_clinician_without_a_device_is_sent_to_set_one_up(clinician):
    client = sign_in(clinician)
    response = client.get(panel())
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert "next=" in response["Location"]


def test_a_clinician_sees_no_patient_before_the_second_step(clinician, patient):
    enrol(clinician)
    client = sign_in(clinician)
    for url in (record(patient), panel(), reverse("records:history", args=[patient.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(VERIFY), url
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()


def test_a_clinician_verifies_with_a_code_and_reaches_the_panel(clinician, patient):
    device, _ = enrol(clinician)
    client = sign_in(clinician)
    page = client.get(f"{VERIFY}?next={record(patient)}")
    assert page.status_code == 200 and "code from your authenticator app" in page.content.decode()
    wrong = client.post(f"{VERIFY}?next={record(patient)}", {"code": "000000"})
    assert wrong.status_code == 200 and "did not match" in wrong.content.decode()
    # django-otp slows a device down after a wrong code (1 s, doubling).
    with time_machine.travel(time.time() + 2):
        right = client.post(f"{VERIFY}?next={record(patient)}", {"code": code(device)})
    assert right.status_code == 302 and right["Location"] == record(patient)
    assert client.get(record(patient)).status_code == 200
    assert client.get(panel()).status_code == 200


def test_a_wrong_code_is_audited(clinician):
    enrol(clinician)
    client = sign_in(clinician)
    client.post(VERIFY, {"code": "000000"})
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).get()
    assert event.actor == clinician and "two-step" in event.summary


def test_the_verify_page_refuses_an_open_redirect(clinician):
    device, _ = enrol(clinician)
    client = sign_in(clinician)
    response = client.post(f"{VERIFY}?next=https://evil.example/", {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_an_admin_verifies_before_the_admin(admin_user):
    device, _ = enrol(admin_user)
    client = sign_in(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_is_our_sign_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/admin/"


def test_an_unverified_clinician_can_still_sign_out(clinician):
    enrol(clinician)
    client = sign_in(clinician)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_patient_without_a_device_needs_no_second_step(patient):
    client = sign_in(patient.user)
    assert client.get(record(patient)).status_code == 200


def test_a_patient_who_set_it_up_must_verify_too(patient):
    device, _ = enrol(patient.user)
    client = sign_in(patient.user)
    response = client.get(record(patient))
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code(device)})
    assert client.get(record(patient)).status_code == 200


# --- enrolment ------------------------------------------------------------------------


def test_a_clinician_sets_up_an_app_and_gets_backup_codes_once(clinician, patient):
    client = sign_in(clinician)
    page = client.get(f"{SETUP}?next={record(patient)}")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in text  # the QR code, drawn here
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', text).group(1)
    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    wrong = client.post(f"{SETUP}?next={record(patient)}", {"code": "123456"})
    assert "did not match" in wrong.content.decode()
    with time_machine.travel(time.time() + 2):  # past django-otp's wait after a wrong code
        done = client.post(f"{SETUP}?next={record(patient)}", {"code": code(device)})
    text = done.content.decode()
    codes = re.findall(r'<li class="backup-code"><code>([a-z2-7]{8})</code></li>', text)
    assert len(codes) == 10
    assert f'href="{record(patient)}"' in text
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(record(patient)).status_code == 200  # verified by setting it up
    assert AuditEvent.objects.filter(actor=clinician, summary="two-step sign-in set up").exists()
    # The codes are shown once: the setup page never shows them again.
    assert codes[0] not in client.get(SETUP).content.decode()


def test_a_stolen_password_cannot_replace_the_device(clinician):
    enrol(clinician)
    client = sign_in(clinician)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=clinician).count() == 1


def test_a_verified_user_can_replace_the_device(clinician):
    old, _ = enrol(clinician)
    client = sign_in(clinician)
    client.post(VERIFY, {"code": code(old)})
    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=clinician, confirmed=False)
    client.post(SETUP, {"code": code(new)})
    assert list(TOTPDevice.objects.filter(user=clinician)) == [new]
    assert StaticDevice.objects.get(user=clinician).token_set.count() == 10


def test_a_patient_may_set_it_up(patient):
    client = sign_in(patient.user)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=patient.user)
    assert client.post(SETUP, {"code": code(device)}).status_code == 200
    assert TOTPDevice.objects.get(user=patient.user).confirmed


# --- a lost device --------------------------------------------------------------------


def test_a_backup_code_gets_a_clinician_in_once(clinician):
    _, codes = enrol(clinician)
    client = sign_in(clinician)
    assert LOST in client.get(VERIFY).content.decode()
    assert client.get(LOST).status_code == 200
    response = client.post(f"{LOST}?next={panel()}", {"code": codes[0]})
    assert response.status_code == 302 and response["Location"] == panel()
    assert client.get(panel()).status_code == 200
    again = sign_in(clinician)
    reused = again.post(LOST, {"code": codes[0]})
    assert reused.status_code == 200 and "did not match" in reused.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, summary__contains="backup"
    ).exists()


def test_an_admin_resets_a_users_two_step_sign_in(as_role, clinician):
    device, _ = enrol(clinician)
    verified = sign_in(clinician)
    verified.post(VERIFY, {"code": code(device)})
    assert verified.get(panel()).status_code == 200
    admin = as_role("admin")
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [clinician.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert not StaticDevice.objects.filter(user=clinician).exists()
    assert AuditEvent.objects.filter(summary="two-step sign-in reset (admin)").exists()
    # The session verified by the old device is verified no more: set up a new one.
    response = verified.get(panel())
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_admins_never_see_anyones_secret(as_role, clinician):
    enrol(clinician)
    admin = as_role("admin")
    assert b"otp_totp" not in admin.get(reverse("admin:index")).content


@pytest.mark.parametrize("role", ["clinician", "admin"])
def test_force_login_in_tests_counts_as_verified(as_role, role):
    """conftest: force_login skips the password, and the second step with it."""
    home = as_role(role).get(reverse("home"))
    assert home.status_code == 302 and not home["Location"].startswith(VERIFY)
