"""Adding, editing and deleting entries: provenance, audit, refusals that keep input."""

import datetime as dt

import pytest
from django.urls import reverse

from tracker.accounts.models import AuditEvent
from tracker.records import models as m


@pytest.fixture
def owner(client, patient):
    client.force_login(patient.user)
    return client


def test_patient_adds_a_fall_self_reported_and_audited(owner, patient):
    response = owner.post(
        reverse("records:add", args=[patient.pk, "falls"]), {"date": "2026-10-01", "injured": "on"}
    )
    assert response.status_code == 302
    fall = m.Fall.objects.get()
    fall.patient = patient
    assert fall.entered_by_label() == "self-reported" and fall.injured
    assert AuditEvent.objects.filter(
        action="create", patient=patient, object_id=str(fall.pk)
    ).exists()


def test_clinician_entry_shows_their_name(client, patient, clinician):
    client.force_login(clinician)
    client.post(
        reverse("records:add", args=[patient.pk, "heights"]),
        {"date": "2026-10-01", "cm": "160.2", "measured": "on"},
    )
    height = m.HeightMeasurement.objects.get()
    page = client.get(
        reverse("records:detail", args=[patient.pk, "heights", height.pk])
    ).content.decode()
    assert "Entered by Dr Dee Doc" in page


def test_delete_needs_confirmation(owner, patient, entries):
    url = reverse("records:delete", args=[patient.pk, "falls", entries["falls"].pk])
    page = owner.get(url)
    assert b"Yes, delete it" in page.content
    assert m.Fall.objects.exists()
    owner.post(url)
    assert not m.Fall.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="fall").exists()


def test_edit_is_audited(owner, patient, entries):
    url = reverse("records:edit", args=[patient.pk, "exercise", entries["exercise"].pk])
    owner.post(url, {"date": "2026-11-02", "kind": "aerobic", "minutes": "45"})
    entries["exercise"].refresh_from_db()
    assert entries["exercise"].minutes == 45
    assert AuditEvent.objects.filter(action="update", object_type="exercise session").exists()


@pytest.mark.parametrize(
    ("kind", "data", "field_message"),
    [
        ("falls", {"date": "2999-01-01"}, "is in the future"),
        ("falls", {"date": "1900-01-01"}, "before the date of birth"),
        ("heights", {"date": "2026-01-01", "cm": "16"}, "between 50 and 250"),
        ("labs", {"date": "2026-01-01"}, "at least one result"),
        ("labs", {"date": "2026-01-01", "calcium": "-1"}, "cannot be negative"),
        (
            "exercise",
            {"date": "2026-01-01", "kind": "aerobic", "minutes": "0"},
            "greater than or equal to 1",
        ),
        (
            "exercise",
            {"date": "2026-01-01", "kind": "aerobic", "minutes": "30", "effort": "11"},
            "less than or equal to 10",
        ),
        (
            "medications",
            {"drug": "denosumab", "start": "2026-01-01", "end": "2025-01-01"},
            "before the start date",
        ),
        (
            "medications",
            {"drug": "denosumab", "start": "2026-01-01", "stop_reason": "side_effects"},
            "Give the end date",
        ),
        ("medications", {"drug": "aspirin", "start": "2026-01-01"}, "Select a valid choice"),
    ],
)
def test_refusals_name_the_reason_and_save_nothing(owner, patient, kind, data, field_message):
    model = {
        "falls": m.Fall,
        "heights": m.HeightMeasurement,
        "labs": m.LabResult,
        "exercise": m.ExerciseSession,
        "medications": m.MedicationCourse,
    }[kind]
    response = owner.post(reverse("records:add", args=[patient.pk, kind]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_message in html
    for value in data.values():
        assert (
            f'value="{value}"' in html
            or f'<option value="{value}" selected' in html
            or value == "aspirin"
        )
    assert not model.objects.exists()


def test_dose_outside_course_is_refused_with_course_dates(owner, patient):
    course = m.MedicationCourse.objects.create(
        patient=patient,
        drug="denosumab",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        stop_reason="switched",
    )
    response = owner.post(
        reverse("records:dose-add", args=[patient.pk, course.pk]), {"date": "2026-02-01"}
    )
    assert "runs from 01 Jan 2025 to 31 Dec 2025" in response.content.decode()
    assert not m.Dose.objects.exists()
    owner.post(reverse("records:dose-add", args=[patient.pk, course.pk]), {"date": "2025-07-01"})
    dose = m.Dose.objects.get()
    assert (dose.course, dose.patient, dose.date) == (course, patient, dt.date(2025, 7, 1))


def test_same_dose_date_twice_is_refused(owner, patient, entries):
    url = reverse("records:dose-add", args=[patient.pk, entries["medications"].pk])
    response = owner.post(url, {"date": "2024-01-10"})
    assert "already recorded" in response.content.decode()
    assert m.Dose.objects.count() == 1


def test_doses_only_for_drugs_given_at_intervals(owner, patient):
    course = m.MedicationCourse.objects.create(
        patient=patient, drug="alendronate", start=dt.date(2025, 1, 1)
    )
    assert (
        owner.post(
            reverse("records:dose-add", args=[patient.pk, course.pk]), {"date": "2025-07-01"}
        ).status_code
        == 404
    )


def test_course_edit_cannot_strand_doses(owner, patient, entries):
    url = reverse("records:edit", args=[patient.pk, "medications", entries["medications"].pk])
    response = owner.post(url, {"drug": "denosumab", "start": "2024-06-01"})
    assert "would fall outside these dates" in response.content.decode()
    entries["medications"].refresh_from_db()
    assert entries["medications"].start == dt.date(2024, 1, 10)


def test_intended_overlap_is_for_clinicians_only(client, patient, clinician):
    client.force_login(patient.user)
    assert (
        "intended_overlap"
        not in client.get(reverse("records:add", args=[patient.pk, "medications"])).content.decode()
    )
    client.force_login(clinician)
    assert (
        "intended_overlap"
        in client.get(reverse("records:add", args=[patient.pk, "medications"])).content.decode()
    )


def test_quick_add_exercise_and_remember_last_kind(owner, patient):
    owner.post(
        reverse("records:add", args=[patient.pk, "exercise"]),
        {"date": "2026-11-20", "kind": "balance", "minutes": "15"},
    )
    assert m.ExerciseSession.objects.get().kind == "balance"
    page = owner.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert '<option value="balance" selected>' in page


def test_quick_add_refusal_keeps_input(owner, patient):
    response = owner.post(
        reverse("records:add", args=[patient.pk, "exercise"]),
        {"date": "2026-11-20", "kind": "balance", "minutes": "0"},
    )
    assert response.status_code == 200
    assert 'value="0"' in response.content.decode()
    assert not m.ExerciseSession.objects.exists()


def test_history_lists_everything_newest_first_and_filters(owner, patient, entries):
    page = owner.get(reverse("records:history", args=[patient.pk])).content.decode()
    order = [
        page.index(text)
        for text in [
            "Balance / functional 20 min",
            "Fall</a>",
            "DXA scan 02 May 2024",
            "Fracture: wrist",
        ]
    ]
    assert order == sorted(order)
    only_falls = owner.get(
        reverse("records:history", args=[patient.pk]) + "?kind=falls"
    ).content.decode()
    assert "Fall</a>" in only_falls and "DXA scan 02" not in only_falls


@pytest.mark.parametrize("kind", ["exercise", "falls", "heights", "medications"])
def test_an_empty_add_form_is_drawn_as_crispy_draws_it_with_a_fresh_token(owner, patient, kind):
    """The fields of an empty add form are drawn once a day per kind (issue 13 item 6);
    each page has its own submission token, and the fields are what crispy draws."""
    import re

    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
    from django.utils import timezone

    from tracker.records.kinds import KINDS

    url = reverse("records:add", args=[patient.pk, kind])
    pages = [owner.get(url).content.decode() for _ in range(2)]
    token = re.compile(r'name="submission" value="([^"]+)"')
    first, second = (token.search(page).group(1) for page in pages)
    assert first != second and 'name="submission" value="ph' not in pages[0]
    today = timezone.localdate()
    for page, sent in zip(pages, (first, second), strict=True):
        # A fresh form each time: crispy writes into the widgets it draws.
        form = KINDS[kind].form(
            None, initial={"date": today}, patient=patient, today=today, user=patient.user
        )
        form.fields["submission"].initial = sent
        assert str(as_crispy_form(form)) in page
