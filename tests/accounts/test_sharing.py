import pytest
from django.urls import reverse

from tests.conftest import make_user
from tracker.accounts.models import AuditEvent, CareLink, Role

DASHBOARD = "dashboard:patient"


def actions():
    return list(
        AuditEvent.objects.exclude(action="login").order_by("pk").values_list("action", flat=True)
    )


@pytest.fixture
def doc(other_clinician):
    return other_clinician


def test_patient_shares_and_access_is_immediate(client, patient, doc):
    client.force_login(patient.user)
    response = client.post(reverse("accounts:sharing"), {"email": "STRANGER@example.com"})
    assert response.status_code == 302
    link = CareLink.objects.get(patient=patient, clinician=doc)
    assert (link.status, link.initiated_by) == ("active", "patient")
    assert "share" in actions()
    client.force_login(doc)
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 200


def test_patient_stops_sharing_with_confirmation(client, patient, clinician):
    link = CareLink.objects.get(patient=patient, clinician=clinician)
    client.force_login(patient.user)
    confirm = client.get(reverse("accounts:link-end", args=[link.pk]))
    assert b"Stop sharing with" in confirm.content
    client.post(reverse("accounts:link-end", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == "ended" and link.ended_by == patient.user
    assert "revoke" in actions()
    client.force_login(clinician)
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 404


def test_clinician_ends_access(client, patient, clinician):
    link = CareLink.objects.get(patient=patient, clinician=clinician)
    client.force_login(clinician)
    client.post(reverse("accounts:link-end", args=[link.pk]))
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 404


def test_outsider_cannot_end_someone_elses_link(client, patient, clinician, other_patient):
    link = CareLink.objects.get(patient=patient, clinician=clinician)
    client.force_login(other_patient.user)
    assert client.post(reverse("accounts:link-end", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.status == "active"


def test_clinician_asks_patient_accepts(client, patient, doc):
    client.force_login(doc)
    client.post(reverse("accounts:my-patients"), {"email": patient.user.email})
    link = CareLink.objects.get(patient=patient, clinician=doc)
    assert link.status == "pending"
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 404

    client.force_login(patient.user)
    page = client.get(reverse("accounts:sharing"))
    assert b"asks to see your record" in page.content
    client.post(reverse("accounts:sharing-accept", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == "active"
    client.force_login(doc)
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 200
    assert actions()[:2] == ["request", "accept"]


def test_patient_declines(client, patient, doc):
    client.force_login(doc)
    client.post(reverse("accounts:my-patients"), {"email": patient.user.email})
    link = CareLink.objects.get(patient=patient, clinician=doc)
    client.force_login(patient.user)
    client.post(reverse("accounts:sharing-decline", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == "declined"
    assert "decline" in actions()
    client.force_login(doc)
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 404


def test_answering_twice_changes_nothing(client, patient, doc):
    link = CareLink.objects.create(
        patient=patient, clinician=doc, status="pending", initiated_by="clinician"
    )
    client.force_login(patient.user)
    client.post(reverse("accounts:sharing-decline", args=[link.pk]))
    response = client.post(reverse("accounts:sharing-accept", args=[link.pk]), follow=True)
    assert b"no longer waiting" in response.content
    link.refresh_from_db()
    assert link.status == "declined"


def test_patient_cannot_answer_another_patients_request(client, patient, other_patient, doc):
    link = CareLink.objects.create(
        patient=patient, clinician=doc, status="pending", initiated_by="clinician"
    )
    client.force_login(other_patient.user)
    assert client.post(reverse("accounts:sharing-accept", args=[link.pk])).status_code == 404


def test_sharing_answers_a_pending_request(client, patient, doc):
    link = CareLink.objects.create(
        patient=patient, clinician=doc, status="pending", initiated_by="clinician"
    )
    client.force_login(patient.user)
    client.post(reverse("accounts:sharing"), {"email": doc.email})
    link.refresh_from_db()
    assert link.status == "active"
    assert CareLink.objects.filter(patient=patient, clinician=doc).count() == 1


def test_deactivating_a_clinician_ends_access_on_next_request(client, patient, clinician):
    client.force_login(clinician)
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 200
    clinician.is_active = False
    clinician.save()
    response = client.get(reverse(DASHBOARD, args=[patient.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_deactivated_patient_record_is_hidden_from_clinicians(client, patient, clinician):
    patient.user.is_active = False
    patient.user.save()
    client.force_login(clinician)
    assert client.get(reverse(DASHBOARD, args=[patient.pk])).status_code == 404


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.com", "No clinician with this email"),
        ("olga@example.com", "not a clinician"),
        ("doc@example.com", "can already see your record"),
        ("not-an-email", "Enter a valid email address"),
    ],
)
def test_share_refusals(client, patient, clinician, other_patient, email, message):
    client.force_login(patient.user)
    before = CareLink.objects.count()
    response = client.post(reverse("accounts:sharing"), {"email": email})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'value="{email}"' in response.content.decode()
    assert CareLink.objects.count() == before


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.com", "No patient with this email"),
        ("doc@example.com", "No patient with this email"),
        ("pat@example.com", "already asked this patient"),
    ],
)
def test_request_refusals(client, patient, doc, email, message):
    CareLink.objects.create(
        patient=patient, clinician=doc, status="pending", initiated_by="clinician"
    )
    make_user("doc@example.com", "Dr Doc", Role.CLINICIAN)
    client.force_login(doc)
    before = CareLink.objects.count()
    response = client.post(reverse("accounts:my-patients"), {"email": email})
    assert message in response.content.decode()
    assert CareLink.objects.count() == before


def test_unapproved_clinician_cannot_ask(client, patient):
    pending = make_user("new@example.com", "Dr New", Role.CLINICIAN)
    client.force_login(pending)
    page = client.get(reverse("accounts:my-patients"))
    assert b"waiting for an administrator" in page.content
    client.post(reverse("accounts:my-patients"), {"email": patient.user.email})
    assert not CareLink.objects.filter(clinician=pending).exists()


def test_access_log_shows_who_viewed(client, patient, clinician):
    client.force_login(clinician)
    client.get(reverse(DASHBOARD, args=[patient.pk]))
    client.force_login(patient.user)
    page = client.get(reverse("accounts:access-log")).content.decode()
    assert "Dr Dee Doc" in page and "Opened your record" in page
