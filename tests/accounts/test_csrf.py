from django.test import Client
from django.urls import reverse


def test_post_without_csrf_token_is_refused(patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    response = client.post(reverse("accounts:sharing"), {"email": "doc@example.com"})
    assert response.status_code == 403


def test_login_without_csrf_token_is_refused(patient):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": patient.user.email, "password": "x"}
    )
    assert response.status_code == 403


def test_post_with_csrf_token_passes(patient, other_clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient.user)
    client.get(reverse("accounts:sharing"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:sharing"), {"email": other_clinician.email, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
