"""The clinician's "Fracture service quality" page (issue 12, item 7): the quarters and
the open deadlines of a known cohort, who is audited, and the query budget and time
with 5,000 patients. The KPI rules themselves are tested in tests/clinical/test_quality.py;
the page's ladder is in tests/test_ladders.py."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import link, make_patient
from tests.records.factories import make_course, make_scan, panel_patients
from tracker.accounts.models import AuditEvent
from tracker.dashboard import quality_views
from tracker.records import models as m

TODAY = dt.date(2026, 11, 21)
URL = "/fracture-service/"


@pytest.fixture(autouse=True)
def on_the_clock(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def broke(patient, days_ago: int, site="hip", fragility=True):
    return m.Fracture.objects.create(
        patient=patient, entered_by=patient.user, date=ago(days_ago), site=site, fragility=fragility
    )


def assessed(patient, days_ago: int, by):
    return m.FallsAssessment.objects.create(
        patient=patient, entered_by=by, date=ago(days_ago), assessed_by=by.full_name
    )


@pytest.fixture
def cohort(patient, clinician, other_clinician):
    """Pat: a hip fracture 200 days ago (Q2 2026), scanned at day 20, assessed at day 100
    (late), alendronate from day 50: DXA met, falls missed, treatment met, 52 weeks open.
    Nora: a wrist fracture 10 days ago (Q4 2026), nothing yet: all open. Pat's trauma
    fracture and a stranger's fracture are not counted."""
    make_scan(patient, ago(180))
    make_course(patient, "alendronate", ago(150))
    assessed(patient, 100, clinician)
    broke(patient, 200)
    broke(patient, 30, site="other", fragility=False)
    nora = make_patient("nora@example.com", "Nora New")
    link(nora, clinician)
    broke(nora, 10, site="wrist_forearm")
    stranger = make_patient("stan@example.com", "Sam Stranger")
    link(stranger, other_clinician)
    broke(stranger, 10)
    return {"pat": patient, "nora": nora}


def test_quarters_and_open_deadlines_of_a_known_cohort(client, clinician, cohort):
    client.force_login(clinician)
    response = client.get(URL)
    assert response.status_code == 200
    quarters = {row.label: (row, cells) for row, cells in response.context["quarters"]}
    assert set(quarters) == {"2026 Q4", "2026 Q2"}
    q2, cells = quarters["2026 Q2"]
    assert q2.fractures == 1
    assert [t.percent_met for _, t in cells] == [100, 0, 100, None]
    assert [(t.met, t.missed, t.open) for _, t in cells][3] == (0, 0, 1)
    rows = response.context["rows"]
    # Nora's three, soonest first (DXA and falls on day 84, treatment on day 112), then
    # Pat's 52 weeks and Nora's.
    assert [(r.patient, r.kpi) for r in rows] == [
        ("Nora New", "DXA within 12 weeks"),
        ("Nora New", "Falls assessment within 12 weeks"),
        ("Nora New", "Bone treatment started within 16 weeks"),
        ("Pat Patient", "On treatment at 52 weeks"),
        ("Nora New", "On treatment at 52 weeks"),
    ]
    first = rows[0]
    assert (first.deadline, first.days_left) == ("3 Feb 2027", 74)
    assert first.fracture == "wrist or forearm, 11 Nov 2026"
    html = response.content.decode()
    assert f'href="{reverse("dashboard:patient", args=[cohort["nora"].pk])}"' in html
    assert reverse("records:add", args=[cohort["nora"].pk, "falls-assessments"]) in html
    assert "Sam Stranger" not in html
    assert "Javaid" in html and "FLS-DB" in html


def test_each_listed_patient_reads_it_as_a_view_of_their_record(client, clinician, cohort):
    client.force_login(clinician)
    client.get(URL)
    reads = AuditEvent.objects.filter(actor=clinician, action="view")
    assert sorted(reads.values_list("patient_id", flat=True)) == sorted(
        [cohort["pat"].pk, cohort["nora"].pk]
    )
    assert reads.first().summary == quality_views.QUALITY_READ


def test_the_audit_is_capped_at_the_page_shown(client, clinician, monkeypatch, cohort):
    monkeypatch.setattr(quality_views, "DEADLINES_PAGE_SIZE", 1)
    client.force_login(clinician)
    response = client.get(URL)
    assert len(response.context["rows"]) == 1
    reads = AuditEvent.objects.filter(actor=clinician, action="view")
    assert list(reads.values_list("patient_id", flat=True)) == [cohort["nora"].pk]
    assert client.get(URL + "?page=5").status_code == 200
    assert client.get(URL + "?page=6").status_code == 404  # past the end
    assert client.get(URL + "?page=x").status_code == 404


def test_an_empty_cohort_and_an_unapproved_clinician(client, clinician):
    client.force_login(clinician)
    html = client.get(URL).content.decode()
    assert "No fragility fracture is recorded" in html and "No deadline is open." in html
    clinician.approved_at = None
    clinician.save()
    html = client.get(URL).content.decode()
    assert "waiting for an administrator's approval" in html


def test_the_page_is_in_the_clinicians_navigation(client, clinician, patient):
    client.force_login(clinician)
    assert 'href="/fracture-service/"' in client.get(reverse("dashboard:panel")).content.decode()
    client.force_login(patient.user)
    page = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert 'href="/fracture-service/"' not in page


def _fracture_service(clinician, count: int):
    """`count` patients linked to the clinician (the panel test's bulk builder), every
    fifth with a fragility fracture in the last two years, some scanned, treated and
    assessed, so the page has a real cohort to count."""
    patients = panel_patients(clinician, count)
    with_fracture = patients[::5]
    m.Fracture.objects.bulk_create(
        m.Fracture(patient=p, date=ago(5 + i % 700), site="wrist_forearm", fragility=i % 7 != 0)
        for i, p in enumerate(with_fracture)
    )
    m.Scan.objects.bulk_create(
        m.Scan(patient=p, date=ago(i % 700), manufacturer="hologic")
        for i, p in enumerate(with_fracture[::2])
    )
    m.MedicationCourse.objects.bulk_create(
        m.MedicationCourse(patient=p, drug="alendronate", start=ago(i % 650))
        for i, p in enumerate(with_fracture[::3])
    )
    m.FallsAssessment.objects.bulk_create(
        m.FallsAssessment(patient=p, date=ago(i % 690), assessed_by="Dr Dee Doc")
        for i, p in enumerate(with_fracture[::4])
    )


def test_query_budget_and_time_with_5000_patients(client, clinician, django_assert_max_num_queries):
    _fracture_service(clinician, 5000)
    client.force_login(clinician)
    client.get(URL)
    cache.clear()  # the page keeps nothing in the cache: cold costs the same as warm
    for query in ("", "?page=3"):
        started = time.perf_counter()
        # session, user, device (two-step), the fractures, scans, courses,
        # assessments, profiles (5), the audit of the page's patients (1)
        with django_assert_max_num_queries(9):
            response = client.get(URL + query)
        elapsed = time.perf_counter() - started
        print(f"fracture service page{query}: {elapsed * 1000:.0f} ms")
        assert response.status_code == 200
        # A sanity check, not a benchmark: well under a second on a laptop.
        assert elapsed < 5, f"{elapsed:.2f} s"
    assert sum(row.fractures for row, _ in response.context["quarters"]) > 800
    assert len(response.context["rows"]) == quality_views.DEADLINES_PAGE_SIZE
    assert response.context["open_count"] > 100
    # Three visits, each audits at most the patients of its one page of deadlines.
    reads = AuditEvent.objects.filter(actor=clinician, action="view").count()
    assert 0 < reads <= 3 * quality_views.DEADLINES_PAGE_SIZE
