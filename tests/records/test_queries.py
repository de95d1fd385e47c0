"""Performance is a feature: a 25-year record costs a fixed number of queries."""

import datetime as dt

from django.urls import reverse

from tests.records.factories import big_history
from tracker.records.history import load_history

TODAY = dt.date(2026, 11, 21)


def test_loader_uses_a_fixed_number_of_queries(patient, django_assert_num_queries):
    big_history(patient, today=TODAY)
    with django_assert_num_queries(6):
        history = load_history(patient)
    assert len(history.scans) == 50
    assert sum(len(scan.sites) for scan in history.scans) == 200
    assert sum(len(course.doses) for course in history.courses) == 150


def test_history_page_has_a_fixed_query_budget(client, patient, django_assert_max_num_queries):
    big_history(patient, today=TODAY)
    client.force_login(patient.user)
    url = reverse("records:history", args=[patient.pk])
    client.get(url)  # warm the session
    # session + user + patient gate + count + page + one query per kind on the page
    # (at most all 11 kinds: tests/records/test_history_page.py counts exactly)
    with django_assert_max_num_queries(16):
        response = client.get(url + "?page=3")
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url + "?kind=exercise&page=150").status_code == 200


def test_record_page_has_a_fixed_query_budget(client, patient, django_assert_max_num_queries):
    big_history(patient, today=TODAY)
    client.force_login(patient.user)
    url = reverse("dashboard:patient", args=[patient.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_course_page_lists_its_doses_in_a_fixed_budget(
    client, patient, django_assert_max_num_queries
):
    from tests.records.factories import make_course

    start = TODAY.replace(year=2000)
    course = make_course(
        patient, "zoledronic_acid", start, doses=[start.replace(year=2000 + i) for i in range(25)]
    )
    client.force_login(patient.user)
    url = reverse("records:detail", args=[patient.pk, "medications", course.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("/doses/") >= 25


def test_scan_pages_list_their_sites_in_a_fixed_budget(
    client, patient, django_assert_max_num_queries
):
    big_history(patient, today=TODAY)  # 50 earlier scans feed the edit form's plausibility checks
    from tracker.records.models import Scan

    scan = Scan.objects.filter(patient=patient).latest("date")
    client.force_login(patient.user)
    for name, budget in (("records:scan", 6), ("records:scan-edit", 8)):
        url = reverse(name, args=[patient.pk, scan.pk])
        client.get(url)
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200
        assert (
            response.content.decode().count("total hip")
            + response.content.decode().count("Total hip")
            >= 1
        )
