"""The dashboard's getting-started steps and the falls checklist card (issue 11, 5 and 6)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import link
from tracker.records import models as m
from tracker.records.changes import change_record
from tracker.records.lifestyle import HomeSafetyCheck

pytestmark = pytest.mark.django_db
START = "Getting started: three steps"


def _page(client, patient) -> str:
    return client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()


def _add(patient, model, **fields):
    with change_record(None, patient, actor=patient.user) as change:
        change.audit("create", model.objects.create(patient=patient, **fields))


def test_a_new_account_is_led_through_three_steps(client, other_patient):
    client.force_login(other_patient.user)  # no scan, no medicine, shares with nobody
    text = _page(client, other_patient)
    assert START in text
    assert reverse("records:scan-add", args=[other_patient.pk]) in text
    assert reverse("interop:report-upload", args=[other_patient.pk]) in text
    assert reverse("records:add", args=[other_patient.pk, "medications"]) in text
    assert reverse("accounts:sharing") in text
    assert "Done" not in text.split(START)[1].split("</section>")[0]


def test_each_step_is_marked_done_when_done(client, other_patient):
    client.force_login(other_patient.user)
    _add(other_patient, m.Scan, date=dt.date(2025, 1, 2), manufacturer="hologic")
    text = _page(client, other_patient).split(START)[1].split("</section>")[0]
    assert "Your latest bone scan (DXA) is in." in text
    assert "Type in my scan" not in text and "Add a medicine" in text
    _add(other_patient, m.MedicationCourse, drug="alendronate", start=dt.date(2025, 2, 1))
    assert START not in _page(client, other_patient)  # scan and medicine: set up


def test_sharing_with_a_clinician_ends_getting_started(client, other_patient, other_clinician):
    client.force_login(other_patient.user)
    assert START in _page(client, other_patient)
    with change_record(None, other_patient, actor=other_patient.user) as change:
        link(other_patient, other_clinician)
        change.audit("share", summary="shared")
    assert START not in _page(client, other_patient)


def test_a_clinician_never_sees_getting_started(client, other_patient, other_clinician):
    link(other_patient, other_clinician, status="active")
    m.Scan.objects.filter(patient=other_patient).delete()
    client.force_login(other_clinician)
    assert START not in _page(client, other_patient)


def test_the_falls_card_shows_progress_and_follows_ticks(client, patient, clinician):
    client.force_login(patient.user)
    text = _page(client, patient)
    assert "0 of 9 done" in text
    assert reverse("records:falls-checklist", args=[patient.pk]) in text
    assert reverse("records:calcium", args=[patient.pk]) in text
    for item in ("shoes", "lighting"):
        _add(patient, HomeSafetyCheck, item=item, date=dt.date(2026, 1, 1))
    assert "2 of 9 done" in _page(client, patient)
    # The clinician's dashboard is at its query budget: it links to the checklist,
    # whose page shows the progress.
    client.force_login(clinician)
    text = _page(client, patient)
    assert "of 9 done" not in text
    assert reverse("records:falls-checklist", args=[patient.pk]) in text
