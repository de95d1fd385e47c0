"""A page number past the end, negative, absurd or not a number never gives a 500
(issue 9, item 15): the last page, the first page or a 404."""

import pytest
from django.urls import reverse

from tests.records.factories import settle

BAD_PAGES = ["999999999", "-1", "abc", "0", "1e400", "9" * 40, "nan", "inf"]


@pytest.mark.parametrize("number", BAD_PAGES)
def test_patient_pages(client, patient, clinician, number):
    client.force_login(clinician)
    client.get(reverse("dashboard:patient", args=[patient.pk]))  # one access-log row
    urls = {
        clinician: [
            reverse("records:history", args=[patient.pk]),
            reverse("accounts:my-patients"),
            reverse("dashboard:panel"),
            reverse("dashboard:panel") + "?filter=alerts&q=Pat",
        ],
        patient.user: [reverse("accounts:access-log")],
    }
    settle(patient)
    for user, pages in urls.items():
        client.force_login(user)
        for url in pages:
            joiner = "&" if "?" in url else "?"
            response = client.get(f"{url}{joiner}page={number}")
            assert response.status_code in (200, 404), (url, number, response.status_code)


def test_a_panel_page_past_the_end_is_404(client, patient, clinician):
    settle(patient)
    client.force_login(clinician)
    assert client.get(reverse("dashboard:panel") + "?page=2").status_code == 404
    assert client.get(reverse("dashboard:panel") + "?page=1").status_code == 200
