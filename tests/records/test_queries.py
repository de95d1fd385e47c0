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


def _from_instances(patient) -> tuple:
    """The scans and courses as the loader built them from model instances before it
    read plain rows (issue 13 item 6): what the rows must equal, order included."""
    from tracker.clinical import history as h
    from tracker.records import models as m

    scans = tuple(
        h.Scan(
            id=scan.pk,
            date=scan.date,
            manufacturer=scan.manufacturer,
            model=scan.model,
            facility=scan.facility,
            vertebral_fracture_found=scan.vertebral_fracture_found,
            sites=tuple(
                h.SiteResult(
                    site=site.site,
                    side=site.side,
                    bmd=site.bmd,
                    t_score=site.t_score,
                    z_score=site.z_score,
                    vertebrae_count=site.vertebrae_count,
                    facility_lsc_g=site.facility_lsc_g,
                    facility_lsc_pct=site.facility_lsc_pct,
                )
                for site in scan.sites.all()
            ),
        )
        for scan in m.Scan.objects.filter(patient=patient).prefetch_related("sites")
    )
    courses = tuple(
        h.Course(
            id=course.pk,
            drug=course.drug,
            start=course.start,
            end=course.end,
            stop_reason=course.stop_reason or None,
            doses=tuple(h.Dose(id=dose.pk, date=dose.date) for dose in course.doses.all()),
            intended_overlap=course.intended_overlap,
        )
        for course in m.MedicationCourse.objects.filter(patient=patient).prefetch_related("doses")
    )
    return scans, courses


def test_the_loader_s_rows_are_the_models_values(patient):
    from tests.records.factories import make_scan
    from tracker.records.models import SiteResult

    big_history(patient, today=TODAY)
    scan = make_scan(patient, TODAY - dt.timedelta(days=3), facility="Here", model="Horizon A")
    SiteResult.objects.filter(scan=scan, site="lumbar_spine").update(
        vertebrae="L2-L4", facility_lsc_g="0.021", facility_lsc_pct="2.5"
    )
    history = load_history(patient)
    assert (history.scans, history.courses) == _from_instances(patient)
    assert repr((history.scans, history.courses)) == repr(_from_instances(patient))
    lumbar = next(site for site in history.scans[0].sites if site.site == "lumbar_spine")
    assert lumbar.vertebrae_count == 3


def test_an_equal_history_is_not_assessed_again(patient, monkeypatch):
    """The write path and the dashboard remember the latest assessments of their
    process: the engine is pure, so an equal history on the same day is not assessed
    again; another history, or another day, is."""
    from tracker.clinical.assess import assess
    from tracker.records import snapshot

    big_history(patient, today=TODAY)
    calls = []
    monkeypatch.setattr(snapshot, "assess", lambda *a: calls.append(a) or assess(*a))
    first = snapshot.assessed(load_history(patient), TODAY)
    again = snapshot.assessed(load_history(patient), TODAY)  # loaded anew: equal, not the same
    assert again is first and len(calls) == 1
    assert first == assess(load_history(patient), TODAY)
    snapshot.assessed(load_history(patient), TODAY + dt.timedelta(days=1))
    from tracker.records.models import Fall

    Fall.objects.create(patient=patient, date=TODAY, injured=True)
    changed = snapshot.assessed(load_history(patient), TODAY)
    assert len(calls) == 3 and changed == assess(load_history(patient), TODAY)
