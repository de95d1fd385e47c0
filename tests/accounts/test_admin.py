"""Admins manage accounts, care links and read the audit trail; nobody else gets in."""

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tracker.accounts.models import AuditEvent, Role

PAGES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_carelink_changelist",
    "admin:accounts_auditevent_changelist",
    "admin:accounts_user_add",
]


@pytest.mark.parametrize("name", PAGES)
def test_admin_pages_ladder(as_role, name):
    assert as_role("admin").get(reverse(name)).status_code == 200
    for role in ("anonymous", "owner", "clinician"):
        response = as_role(role).get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"], role


def test_admin_has_no_clinical_record_pages(as_role):
    page = as_role("admin").get(reverse("admin:index")).content.decode()
    for model in ("Scan", "Medication", "Patient profile", "Exercise"):
        assert model not in page


def test_audit_trail_is_read_only(as_role, patient):
    event = AuditEvent.objects.create(
        action="login", actor=patient.user, actor_label=patient.user.email
    )
    client = as_role("admin")
    assert (
        client.get(reverse("admin:accounts_auditevent_change", args=[event.pk])).status_code == 200
    )
    assert (
        client.post(
            reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    with pytest.raises(ValueError):
        event.save()


def test_admin_approves_a_clinician(as_role, db, cast):
    pending = make_user("new@example.com", "Dr New", Role.CLINICIAN)
    client = as_role("admin")
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_clinicians", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.approved_at is not None


def test_clinician_created_by_an_admin_is_approved(as_role, cast):
    as_role("admin").post(
        reverse("admin:accounts_user_add"),
        {
            "email": "made@example.com",
            "full_name": "Dr Made",
            "role": "clinician",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    from tracker.accounts.models import User

    assert User.objects.get(email="made@example.com").approved_at is not None


def test_admin_deactivates_and_access_ends(as_role, client, patient, clinician):
    as_role("admin").post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [clinician.pk]},
    )
    client.force_login(clinician)
    response = client.get(reverse("dashboard:patient", args=[patient.pk]))
    assert response.status_code == 302
