"""The clinician's fracture-care entries (issue 12): falls assessments and FRAX results
are clinician-only kinds (the patient reads, a clinician adds, edits, deletes), go
through the one write path, and FRAX results are checked and shown beside the headline;
the "Fracture risk (FRAX)" page gathers the inputs. The ladder of every page is in
tests/test_ladders.py."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import seed_demo
from tests.records.factories import make_scan, settle
from tracker.accounts.models import AuditEvent, Patient
from tracker.records import models as m

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def on_the_clock(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)


def _add(client, patient, kind, data):
    return client.post(reverse("records:add", args=[patient.pk, kind]), data)


FRAX = {"date": "2026-11-20", "major": "18.0", "hip": "3.4", "bmd_used": "with_bmd"}
ASSESSED = {"date": "2026-11-20", "assessed_by": "Dr Dee Doc", "outcome": "referred"}


def test_a_clinician_records_a_falls_assessment_through_the_write_path(
    client, patient, clinician, on_the_clock
):
    client.force_login(clinician)
    page = client.get(reverse("records:add", args=[patient.pk, "falls-assessments"]))
    assert 'value="Dr Dee Doc"' in page.content.decode()  # who assessed: the clinician
    response = _add(client, patient, "falls-assessments", ASSESSED)
    assert response.status_code == 302
    saved = m.FallsAssessment.objects.get(patient=patient)
    assert (saved.entered_by, saved.assessed_by, saved.outcome) == (
        clinician,
        "Dr Dee Doc",
        "referred",
    )
    event = AuditEvent.objects.get(action="create", patient=patient)
    assert (event.actor, event.object_type) == (clinician, "falls assessment")
    patient.summary.refresh_from_db()
    assert patient.summary.record_version >= 1


@pytest.mark.parametrize("kind", ["falls-assessments", "frax"])
def test_the_patient_reads_but_may_not_add_change_or_delete(client, patient, entries, kind):
    client.force_login(patient.user)
    entry = entries[kind]
    for name in ("records:edit", "records:delete"):
        url = reverse(name, args=[patient.pk, kind, entry.pk])
        assert client.post(url, FRAX | ASSESSED).status_code == 403
    assert _add(client, patient, kind, FRAX | ASSESSED).status_code == 403
    assert type(entry).objects.filter(patient=patient).count() == 1
    page = client.get(reverse("records:detail", args=[patient.pk, kind, entry.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Only your clinician can change this entry." in html
    assert reverse("records:edit", args=[patient.pk, kind, entry.pk]) not in html
    # ...and is not offered the buttons on the dashboard (a cached fragment per role).
    dashboard = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert reverse("records:add", args=[patient.pk, kind]) not in dashboard


def test_the_clinician_is_offered_the_clinician_only_kinds(client, patient, clinician):
    client.force_login(patient.user)
    client.get(reverse("dashboard:patient", args=[patient.pk]))  # caches the patient's
    client.force_login(clinician)
    html = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert reverse("records:add", args=[patient.pk, "frax"]) in html
    assert reverse("records:add", args=[patient.pk, "falls-assessments"]) in html


@pytest.mark.parametrize(
    ("major", "hip", "message"),
    [
        ("12.0", "12.5", "cannot be higher than the major osteoporotic fracture probability"),
        ("150", "3", "A probability is between 0 and 100 %."),
        ("18", "-1", "A probability is between 0 and 100 %."),
    ],
)
def test_a_frax_result_is_checked(client, patient, clinician, on_the_clock, major, hip, message):
    client.force_login(clinician)
    response = _add(client, patient, "frax", {**FRAX, "major": major, "hip": hip})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not m.FraxResult.objects.exists()


def test_a_frax_result_goes_to_the_frax_page_and_beside_the_headline(
    client, patient, clinician, on_the_clock
):
    client.force_login(patient.user)
    dashboard = reverse("dashboard:patient", args=[patient.pk])
    assert "No fracture risk (FRAX) result recorded yet." in client.get(dashboard).content.decode()
    client.force_login(clinician)
    response = _add(client, patient, "frax", FRAX)
    assert response["Location"] == reverse("records:frax", args=[patient.pk])
    client.force_login(patient.user)
    html = client.get(dashboard).content.decode()  # a new record version: a new picture
    assert "Chance of a major fracture in the next 10 years: 18 %" in html
    assert "(of a hip fracture: 3.4 %; FRAX, 20 Nov 2026)" in html
    assert "Your" not in html.split("data-frax-latest")[1][:200]  # words for every reader
    client.force_login(clinician)
    result = m.FraxResult.objects.get()
    deleted = client.post(reverse("records:delete", args=[patient.pk, "frax", result.pk]))
    assert deleted["Location"] == reverse("records:frax", args=[patient.pk])
    assert not m.FraxResult.objects.exists()


def test_the_latest_frax_result_wins(client, patient, clinician, on_the_clock):
    common = {"patient": patient, "entered_by": clinician}
    m.FraxResult.objects.create(date=dt.date(2026, 1, 5), major="25.0", hip="6.0", **common)
    m.FraxResult.objects.create(date=dt.date(2026, 6, 5), major="14.5", hip="2.0", **common)
    m.FraxResult.objects.create(date=dt.date(2025, 6, 5), major="30.0", hip="9.0", **common)
    settle(patient)
    client.force_login(patient.user)
    html = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert "next 10 years: 14.5 %" in html and "5 Jun 2026" in html


def test_the_frax_page_gathers_the_inputs_and_the_history(client, patient, clinician, on_the_clock):
    patient.parental_hip_fracture = True
    patient.save()
    make_scan(
        patient,
        dt.date(2026, 3, 1),
        sites=[("femoral_neck", "left", "0.601", "-2.2", "-0.9")],
        manufacturer="ge_lunar",
    )
    m.FraxResult.objects.create(
        patient=patient, entered_by=clinician, date=dt.date(2026, 3, 2), major="21.0", hip="5.2"
    )
    url = reverse("records:frax", args=[patient.pk])
    client.force_login(patient.user)
    html = client.get(url).content.decode()
    assert 'href="https://frax.shef.ac.uk/FRAX/"' in html
    assert "0.601 g/cm², T-score -2.2 (left)" in html and "GE Lunar" in html
    assert 'data-input="parental_hip_fracture"' in html
    assert "Not in the record: Weight; Height." in html
    assert "21.0 %" in html and "2 Mar 2026" in html
    assert "Record a FRAX result" not in html
    client.force_login(clinician)
    html = client.get(url).content.decode()
    assert "Record a FRAX result" in html
    read = AuditEvent.objects.filter(actor=clinician, patient=patient, action="view").first()
    assert read.summary == "opened the fracture risk (FRAX) page"


def test_frax_page_query_budget(client, patient, django_assert_max_num_queries):
    from tests.records.factories import big_history

    big_history(patient, today=timezone.localdate())
    client.force_login(patient.user)
    url = reverse("records:frax", args=[patient.pk])
    client.get(url)
    # session, user, the gate, the history (5), the results
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_new_kinds_are_in_the_history(client, patient, entries):
    client.force_login(patient.user)
    html = client.get(reverse("records:history", args=[patient.pk])).content.decode()
    assert "Falls assessment" in html and "FRAX: major 18.0 %, hip 3.4 %" in html
    one = client.get(reverse("records:history", args=[patient.pk]) + "?kind=frax")
    assert [kind.slug for kind, _ in one.context["entries"]] == ["frax"]


def test_the_demo_has_a_falls_assessment_and_a_frax_result(db):
    seed_demo()
    olive = Patient.objects.get(user__email="olive@example.com")
    assert m.FallsAssessment.objects.get(patient=olive).entered_by.is_clinician
    assert m.FraxResult.objects.get(patient=olive).major == 18
    assert m.Fracture.objects.filter(patient=olive, fragility=True).exists()
