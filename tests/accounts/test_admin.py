"""Admins manage accounts, care links and read the audit trail; nobody else gets in."""

import pytest
from django.urls import reverse

from tests.conftest import link, make_user
from tracker.accounts.models import AuditEvent, CareLink, Role

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


# Issue 9, item 6: only a patient gives consent. Admins end links and approve
# clinicians; they cannot create, activate or move a link. Every admin change is
# audited; the audit list shows actions and objects, not clinical details.
def test_admin_cannot_create_a_care_link(as_role, patient, other_clinician):
    client = as_role("admin")
    assert client.get(reverse("admin:accounts_carelink_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_carelink_add"),
        {
            "patient": patient.pk,
            "clinician": other_clinician.pk,
            "status": "active",
            "initiated_by": "patient",
        },
    )
    assert response.status_code == 403
    assert not CareLink.objects.filter(clinician=other_clinician).exists()


def test_admin_cannot_activate_or_move_a_link(as_role, patient, other_patient, other_clinician):
    pending = link(patient, other_clinician, status="pending")
    client = as_role("admin")
    response = client.post(
        reverse("admin:accounts_carelink_change", args=[pending.pk]),
        {"patient": other_patient.pk, "clinician": other_clinician.pk, "status": "active"},
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert (pending.patient_id, pending.status) == (patient.pk, "pending")
    assert (
        client.get(reverse("admin:accounts_carelink_change", args=[pending.pk])).status_code == 200
    )
    delete = reverse("admin:accounts_carelink_delete", args=[pending.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403


def test_admin_ends_a_link_through_the_write_path(as_role, patient, clinician):
    active = CareLink.objects.get(patient=patient, clinician=clinician)
    admin_client = as_role("admin")
    admin_client.post(
        reverse("admin:accounts_carelink_changelist"),
        {"action": "end_links", "_selected_action": [active.pk]},
    )
    active.refresh_from_db()
    assert active.status == "ended"
    assert AuditEvent.objects.filter(action="revoke", patient=patient).exists()
    client = as_role("clinician")
    assert client.get(reverse("dashboard:patient", args=[patient.pk])).status_code == 404


def test_every_admin_change_to_an_account_is_audited(as_role, db, cast):
    pending = make_user("new@example.com", "Dr New", Role.CLINICIAN)
    client = as_role("admin")
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "approve_clinicians", "_selected_action": [pending.pk]},
    )
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [pending.pk]},
    )
    summaries = set(
        AuditEvent.objects.filter(actor=cast["admin"], object_id=str(pending.pk)).values_list(
            "summary", flat=True
        )
    )
    assert summaries == {"clinician approved", "account deactivated"}


def test_admin_cannot_delete_an_account(as_role, patient):
    url = reverse("admin:accounts_user_delete", args=[patient.user.pk])
    assert as_role("admin").post(url, {"post": "yes"}).status_code == 403
    assert patient.user.__class__.objects.filter(pk=patient.user.pk).exists()


def test_the_admin_audit_list_shows_no_clinical_details(as_role, patient):
    event = AuditEvent.objects.create(
        action="create",
        actor=patient.user,
        actor_label=patient.user.email,
        patient=patient,
        object_type="fracture",
        object_id="7",
        summary="Fracture hip 2019 fragility",
    )
    client = as_role("admin")
    for url in (
        reverse("admin:accounts_auditevent_changelist"),
        reverse("admin:accounts_auditevent_change", args=[event.pk]),
    ):
        page = client.get(url).content.decode()
        assert "fracture" in page and "Fracture hip" not in page, url
    assert (
        "Fracture hip"
        not in client.get(
            reverse("admin:accounts_auditevent_changelist") + "?q=hip"
        ).content.decode()
    )
