"""The accounts pages that list things keep a fixed query budget however long the list."""

from django.urls import reverse

from tests.conftest import make_patient
from tracker.accounts.models import AuditEvent, CareLink


def test_access_requests_page_budget(client, clinician, django_assert_max_num_queries):
    for i in range(120):
        patient = make_patient(f"many{i}@example.com", f"Many {i:03d}")
        CareLink.objects.create(
            patient=patient,
            clinician=clinician,
            status="active" if i % 4 else "pending",
            initiated_by="patient",
        )
    client.force_login(clinician)
    url = reverse("accounts:my-patients")
    client.get(url)
    with django_assert_max_num_queries(7):
        response = client.get(url + "?page=2")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_access_log_budget(client, patient, clinician, django_assert_max_num_queries):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=clinician,
            actor_label=clinician.email,
            patient=patient,
            action="view",
            summary="dashboard",
        )
        for _ in range(500)
    )
    client.force_login(patient.user)
    url = reverse("accounts:access-log")
    client.get(url)
    with django_assert_max_num_queries(6):
        response = client.get(url + "?page=3")
    assert response.status_code == 200
    assert "Dr Dee Doc" in response.content.decode()


def test_sharing_page_budget(client, patient, django_assert_max_num_queries):
    client.force_login(patient.user)
    url = reverse("accounts:sharing")
    client.get(url)
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200


def test_caregiver_pages_budgets_however_many_links(
    client, patient, caregiver, django_assert_max_num_queries
):
    """Issue 12: Sharing with many caregivers, and People I care for with many people,
    warm and on a cold cache (the navigation's menu is cached)."""
    from django.core.cache import cache

    from tests.conftest import make_caregiver

    for i in range(30):
        make_caregiver(patient, f"helper{i}@example.com", f"Helper {i:02d}")
        other = make_patient(f"cared{i}@example.com", f"Cared {i:02d}")
        make_caregiver(other, "", "", user=caregiver)
    for user, name, budget in (
        (patient.user, "accounts:sharing", 6),
        # A caregiver's page also loads her second step's device, as a clinician's does.
        (caregiver, "accounts:caring", 6),
    ):
        client.force_login(user)
        url = reverse(name)
        client.get(url)
        with django_assert_max_num_queries(budget - 1):
            assert client.get(url).status_code == 200
        cache.clear()
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.content.decode().count("Helper" if user == patient.user else "Cared") >= 30
