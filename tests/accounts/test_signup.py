import pytest
from django.urls import reverse

from tracker.accounts.models import AuditEvent, Patient, User

GOOD = {
    "account-full_name": "Nora New",
    "account-email": "Nora@Example.com",
    "account-password1": "a-long-enough-passphrase",
    "account-password2": "a-long-enough-passphrase",
    "profile-birth_date": "1950-04-01",
    "profile-sex": "female",
    "profile-menopausal_status": "postmenopausal",
    "profile-tallest_height_cm": "164.5",
    "profile-parental_hip_fracture": "on",
}


def test_signup_creates_user_and_profile_and_logs_in(client, db):
    response = client.post(reverse("accounts:signup"), GOOD)
    assert response.status_code == 302
    patient = Patient.objects.get()
    assert patient.user.email == "nora@example.com"
    assert patient.user.role == "patient"
    assert patient.parental_hip_fracture and str(patient.tallest_height_cm) == "164.5"
    assert patient.user.password.startswith("md5$")  # conftest's fast hasher
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="login").exists()


def test_production_hasher_is_argon2(settings):
    from django.conf import settings as live

    assert live.PASSWORD_HASHERS  # the fixture swapped it; the module default is argon2
    from tracker import settings as module

    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("account-password1", "short-pass", "at least 12 characters"),
        ("account-email", "not-an-email", "valid email"),
        ("profile-birth_date", "2999-01-01", "cannot be in the future"),
        ("profile-tallest_height_cm", "250", "between 100 and 230"),
        ("profile-menopausal_status", "not_applicable", "Choose premenopausal"),
    ],
)
def test_signup_refusals_keep_input_and_save_nothing(client, db, field, value, message):
    data = {**GOOD, field: value}
    if field == "account-password1":
        data["account-password2"] = value
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Nora New"' in html
    assert not User.objects.exists()


def test_duplicate_email_is_refused(client, patient):
    response = client.post(reverse("accounts:signup"), {**GOOD, "account-email": "PAT@example.com"})
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_clinician_signup_waits_for_approval(client, db, patient):
    response = client.post(
        reverse("accounts:clinician-signup"),
        {
            "account-full_name": "Dr Pending",
            "account-email": "pending@example.com",
            "account-password1": "a-long-enough-passphrase",
            "account-password2": "a-long-enough-passphrase",
        },
        follow=True,
    )
    # First the second step's setup (issue 9), with the news about approval.
    assert response.request["PATH_INFO"] == reverse("accounts:two-factor-setup")
    assert b"waits for an administrator" in response.content
    user = User.objects.get(email="pending@example.com")
    assert user.role == "clinician" and user.approved_at is None
    assert not Patient.objects.visible_to(user).exists()


def test_password_reset_sends_an_email(client, patient, mailoutbox):
    client.post(reverse("accounts:password-reset"), {"email": patient.user.email})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body


def test_profile_edit_is_audited_and_validated(client, patient):
    client.force_login(patient.user)
    url = reverse("accounts:profile")
    bad = client.post(
        url, {"birth_date": "1955-05-17", "sex": "male", "menopausal_status": "postmenopausal"}
    )
    assert "For men" in bad.content.decode()
    client.post(
        url,
        {
            "birth_date": "1955-05-17",
            "sex": "female",
            "menopausal_status": "postmenopausal",
            "current_smoking": "on",
        },
    )
    patient.refresh_from_db()
    assert patient.current_smoking
    assert AuditEvent.objects.filter(action="update", patient=patient).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"profile-glucocorticoids_since": "2026-01-01"}, "Tick this too"),
        (
            {"profile-glucocorticoids": "on", "profile-glucocorticoids_since": "2999-01-01"},
            "cannot be in the future",
        ),
    ],
)
def test_glucocorticoid_start_date_is_checked(client, db, extra, message):
    response = client.post(reverse("accounts:signup"), {**GOOD, **extra})
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_glucocorticoid_start_reaches_the_engine(client, db):
    from tracker.records.history import load_history

    client.post(
        reverse("accounts:signup"),
        {**GOOD, "profile-glucocorticoids": "on", "profile-glucocorticoids_since": "2026-06-01"},
    )
    history = load_history(Patient.objects.get())
    assert str(history.profile.risk_factors.glucocorticoids_since) == "2026-06-01"
