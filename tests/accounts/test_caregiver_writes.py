"""What a caregiver may write (issue 12), kind by kind: add doses, exercise, falls,
heights and calcium and tick the falls checklist; change or remove only what they
entered (records keep `entered_by`); nothing else. Each write goes through the one
write path and is audited with the caregiver as actor; the buttons they may not use
are not shown to them."""

import datetime as dt

import pytest
from django.urls import reverse

from tracker.accounts.access import CAREGIVER_MAY_ADD, can_add, can_change
from tracker.accounts.models import AuditEvent
from tracker.records import models as m
from tracker.records.kinds import KINDS
from tracker.records.lifestyle import HomeSafetyCheck, IntakeEntry

Action = AuditEvent.Action

ADDS = {
    "exercise": {"date": "2026-11-02", "kind": "balance", "minutes": "20"},
    "falls": {"date": "2026-10-01", "injured": "on"},
    "heights": {"date": "2026-10-01", "cm": "160.2", "measured": "on"},
}
REFUSED = ["medications", "fractures", "labs", "events"]


@pytest.fixture
def helper(client, caregiver):
    client.force_login(caregiver)
    return client


def test_the_issue_names_the_kinds():
    assert CAREGIVER_MAY_ADD == {
        "doses",
        "exercise",
        "falls",
        "heights",
        "calcium",
        "falls-checklist",
    }
    assert {slug for slug in CAREGIVER_MAY_ADD if slug in KINDS} == {
        "doses",
        "exercise",
        "falls",
        "heights",
    }


@pytest.mark.parametrize("kind", sorted(ADDS))
def test_a_caregiver_adds_everyday_entries_as_herself(helper, patient, caregiver, kind):
    response = helper.post(reverse("records:add", args=[patient.pk, kind]), ADDS[kind])
    assert response.status_code == 302
    entry = KINDS[kind].model.objects.get(patient=patient)
    assert entry.entered_by == caregiver
    entry.patient = patient
    assert entry.entered_by_label() == "Carla Carer"
    event = AuditEvent.objects.get(action=Action.CREATE, patient=patient)
    assert (event.actor, event.object_id) == (caregiver, str(entry.pk))


@pytest.mark.parametrize("kind", REFUSED)
def test_a_caregiver_adds_no_clinical_kinds(helper, patient, kind):
    url = reverse("records:add", args=[patient.pk, kind])
    assert helper.get(url).status_code == 403
    assert helper.post(url, {"date": "2026-10-01"}).status_code == 403
    assert not KINDS[kind].model.objects.exists()


def test_a_caregiver_adds_no_scan(helper, patient):
    assert helper.get(reverse("records:scan-add", args=[patient.pk])).status_code == 403
    assert helper.post(reverse("records:scan-add", args=[patient.pk]), {}).status_code == 403


def test_a_caregiver_records_a_dose_on_its_course(helper, patient, caregiver, entries):
    course = entries["medications"]
    url = reverse("records:dose-add", args=[patient.pk, course.pk])
    assert helper.post(url, {"date": "2024-07-10"}).status_code == 302
    dose = m.Dose.objects.get(date=dt.date(2024, 7, 10))
    assert dose.entered_by == caregiver
    assert AuditEvent.objects.get(action=Action.CREATE, object_id=str(dose.pk)).actor == caregiver


def test_a_caregiver_changes_and_deletes_only_her_own_entries(helper, patient, caregiver, entries):
    helper.post(reverse("records:add", args=[patient.pk, "exercise"]), ADDS["exercise"])
    mine = m.ExerciseSession.objects.get(entered_by=caregiver)
    theirs = entries["exercise"]
    edit = {"date": "2026-11-03", "kind": "aerobic", "minutes": "45"}
    assert (
        helper.post(
            reverse("records:edit", args=[patient.pk, "exercise", mine.pk]), edit
        ).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.minutes == 45
    for name in ("records:edit", "records:delete"):
        url = reverse(name, args=[patient.pk, "exercise", theirs.pk])
        assert helper.get(url).status_code == 403
        assert helper.post(url, edit).status_code == 403
    theirs.refresh_from_db()
    assert theirs.minutes == 20
    delete = reverse("records:delete", args=[patient.pk, "exercise", mine.pk])
    assert helper.post(delete).status_code == 302
    assert not m.ExerciseSession.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.get(action=Action.DELETE).actor == caregiver


@pytest.mark.parametrize("kind", ["scans", "medications", "doses", "fractures", "labs"])
def test_nothing_the_patient_entered_is_hers_to_delete(helper, patient, entries, kind):
    url = reverse("records:delete", args=[patient.pk, kind, entries[kind].pk])
    assert helper.post(url).status_code == 403
    assert type(entries[kind]).objects.filter(pk=entries[kind].pk).exists()


def test_no_edit_or_delete_buttons_on_the_patients_entries(helper, patient, entries):
    course = entries["medications"]
    page = helper.get(reverse("records:detail", args=[patient.pk, "medications", course.pk]))
    text = page.content.decode()
    assert reverse("records:edit", args=[patient.pk, "medications", course.pk]) not in text
    assert reverse("records:delete", args=[patient.pk, "doses", entries["doses"].pk]) not in text
    assert "Save the dose" in text  # she may record a dose
    scan = helper.get(reverse("records:scan", args=[patient.pk, entries["scans"].pk]))
    assert reverse("records:scan-edit", args=[patient.pk, entries["scans"].pk]) not in (
        scan.content.decode()
    )


def test_the_dashboard_shows_a_caregiver_only_her_buttons(helper, client, patient, entries):
    text = helper.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert reverse("records:add", args=[patient.pk, "falls"]) in text
    assert reverse("records:calcium", args=[patient.pk]) in text
    for hidden in (
        reverse("records:scan-add", args=[patient.pk]),
        reverse("records:add", args=[patient.pk, "labs"]),
        reverse("interop:export-fhir", args=[patient.pk]),
        reverse("interop:import-fhir", args=[patient.pk]),
        reverse("interop:report-upload", args=[patient.pk]),
        reverse("accounts:sharing"),
    ):
        assert hidden not in text, hidden
    # The owner's page, cached a moment later, still has all of hers.
    client.force_login(patient.user)
    owner = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert reverse("records:scan-add", args=[patient.pk]) in owner


def test_calcium_she_logs_and_removes_only_her_own(helper, patient, caregiver, time_machine):
    time_machine.move_to(dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC), tick=False)
    theirs = IntakeEntry.objects.create(
        patient=patient,
        entered_by=patient.user,
        date=dt.date(2026, 7, 15),
        food="egg",
        calcium_mg=25,
        vitamin_d_iu=64,
    )
    url = reverse("records:calcium", args=[patient.pk])
    food = {
        "which": "food",
        "food-food": "yoghurt",
        "food-portions": "1",
        "food-date": "2026-07-15",
    }
    assert helper.post(url, food).status_code == 302
    mine = IntakeEntry.objects.get(entered_by=caregiver)
    page = helper.get(url).content.decode()
    assert f'name="remove" value="{mine.pk}"' in page
    assert f'name="remove" value="{theirs.pk}"' not in page
    assert helper.post(url, {"remove": str(theirs.pk)}).status_code == 403
    assert helper.post(url, {"remove": str(mine.pk)}).status_code == 302
    assert list(IntakeEntry.objects.all()) == [theirs]


def test_she_ticks_the_falls_checklist_and_unticks_only_her_ticks(
    helper, patient, caregiver, time_machine
):
    time_machine.move_to(dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC), tick=False)
    theirs = HomeSafetyCheck.objects.create(
        patient=patient, entered_by=patient.user, item="grab_bars", date=dt.date(2026, 7, 1)
    )
    url = reverse("records:falls-checklist", args=[patient.pk])
    assert helper.post(url, {"item": "night_lights", "date": "2026-07-14"}).status_code == 302
    mine = HomeSafetyCheck.objects.get(entered_by=caregiver)
    assert AuditEvent.objects.get(action=Action.CREATE, object_id=str(mine.pk)).actor == caregiver
    page = helper.get(url).content.decode()
    assert f'name="untick" value="{theirs.pk}"' not in page
    assert helper.post(url, {"untick": str(theirs.pk)}).status_code == 403
    assert helper.post(url, {"untick": str(mine.pk)}).status_code == 302


def test_the_patient_and_her_clinician_change_anything(patient, clinician, caregiver, entries):
    for user in (patient.user, clinician):
        assert can_add(user, patient, "scans") and can_change(user, patient, entries["scans"])
    assert not can_add(caregiver, patient, "scans")
    assert not can_change(caregiver, patient, entries["falls"])
    assert can_add(caregiver, patient, "falls")


def test_someone_who_sees_nothing_may_do_nothing(patient, other_patient, ended_caregiver, entries):
    for user in (other_patient.user, ended_caregiver):
        assert not can_add(user, patient, "falls")
        assert not can_change(user, patient, entries["falls"])
