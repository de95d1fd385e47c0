"""Every free-text field has a length limit with a clear message (issue 9, item 15):
a 1 MB note is refused, said why, and nothing is saved."""

import pytest
from django.urls import reverse

from tracker.records import models as m
from tracker.records.forms import NOTES_MAX_LENGTH

MEGABYTE = "x" * (1024 * 1024)
TOO_LONG = "Keep this to"


@pytest.mark.parametrize(
    ("kind", "data", "model"),
    [
        ("medications", {"drug": "alendronate", "start": "2025-01-01"}, m.MedicationCourse),
        ("fractures", {"date": "2025-01-01", "site": "wrist_forearm"}, m.Fracture),
        ("falls", {"date": "2025-01-01"}, m.Fall),
        ("events", {"date": "2025-01-01", "kind": "stroke"}, m.ClinicalEvent),
        ("exercise", {"date": "2025-01-01", "kind": "balance", "minutes": "20"}, m.ExerciseSession),
    ],
)
def test_a_megabyte_note_is_refused_and_nothing_saved(client, patient, kind, data, model):
    client.force_login(patient.user)
    field = "note" if kind == "exercise" else "notes"
    response = client.post(
        reverse("records:add", args=[patient.pk, kind]), {**data, field: MEGABYTE}
    )
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not model.objects.exists()
    # A long but reasonable note still saves.
    limit = 200 if kind == "exercise" else NOTES_MAX_LENGTH
    client.post(reverse("records:add", args=[patient.pk, kind]), {**data, field: "y" * limit})
    assert model.objects.count() == 1


@pytest.mark.parametrize("field", ["notes", "facility", "model"])
def test_scan_text_fields_are_limited(client, patient, field):
    client.force_login(patient.user)
    data = {
        "date": "2025-01-01",
        "manufacturer": "other",
        "sites-TOTAL_FORMS": "1",
        "sites-INITIAL_FORMS": "0",
        "sites-0-site": "lumbar_spine",
        "sites-0-side": "none",
        "sites-0-bmd": "0.900",
        field: MEGABYTE,
    }
    response = client.post(reverse("records:scan-add", args=[patient.pk]), data)
    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    assert not m.Scan.objects.exists()


def test_the_note_box_says_its_limit_to_the_browser(client, patient):
    client.force_login(patient.user)
    page = client.get(reverse("records:add", args=[patient.pk, "falls"])).content.decode()
    assert f'maxlength="{NOTES_MAX_LENGTH}"' in page


def test_a_megabyte_interval_reason_is_refused(client, patient, clinician):
    client.force_login(clinician)
    response = client.post(
        reverse("dashboard:clinical-settings", args=[patient.pk]),
        {"scan_interval_months": "24", "scan_interval_reason": MEGABYTE},
    )
    assert response.status_code == 200
    assert not m.ClinicalSettings.objects.exists()
