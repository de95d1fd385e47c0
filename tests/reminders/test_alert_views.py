"""In the app: open alerts on the record; done, snooze and acknowledge by stable key."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.records.factories import make_course
from tracker.accounts.models import AuditEvent
from tracker.records.models import AlertState


def dashboard(client, patient):
    return client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()


def key_of(rule_id, patient):
    from tracker.clinical.assess import assess
    from tracker.records.history import load_history

    return next(
        a.key
        for a in assess(load_history(patient), dt.date(2026, 11, 21)).alerts
        if a.rule_id == rule_id
    )


@pytest.fixture
def long_delay(patient, today):
    last = today - dt.timedelta(days=300)
    return make_course(patient, "denosumab", last, doses=[last])


def test_open_alerts_show_reason_and_source(client, patient, late_denosumab, today):
    client.force_login(patient.user)
    page = dashboard(client, patient)
    assert 'data-rule="DMAB-LATE"' in page
    assert "Lyu" not in page  # sources are for clinicians; patients get the learn page
    assert 'href="/learn/denosumab/"' in page and "What this means" in page
    assert "decisions belong to you and your clinician" in page


def test_patient_marks_a_warning_done(client, patient, late_denosumab, today):
    client.force_login(patient.user)
    key = key_of("SCAN-BASELINE", patient)
    response = client.post(reverse("reminders:done", args=[patient.pk]), {"key": key})
    assert response.status_code == 302
    assert AlertState.objects.get(key=key).status == "done"
    assert 'data-rule="SCAN-BASELINE"' not in dashboard(client, patient)
    assert AuditEvent.objects.filter(action="done", summary=key).exists()


def test_a_late_injection_is_closed_by_the_dose_not_by_done(client, patient, late_denosumab, today):
    """Issue 9, item 1: on a due or late injection the patient's action is "I had it"."""
    client.force_login(patient.user)
    page = dashboard(client, patient)
    item = page[page.index('data-rule="DMAB-LATE"') :][:3000]
    course_page = reverse("records:detail", args=[patient.pk, "medications", late_denosumab.pk])
    assert f'href="{course_page}#dose-form"' in item and "I had it" in item
    assert ">Done</button>" not in item
    key = key_of("DMAB-LATE", patient)
    client.post(reverse("reminders:done", args=[patient.pk]), {"key": key})
    assert not AlertState.objects.exists()  # "Done" does not close it
    assert 'id="dose-form"' in client.get(course_page).content.decode()
    client.post(
        reverse("records:dose-add", args=[patient.pk, late_denosumab.pk]), {"date": "2026-11-21"}
    )
    assert 'data-rule="DMAB-LATE"' not in dashboard(client, patient)  # the dose closed it


def test_clinicians_get_no_i_had_it(client, patient, clinician, late_denosumab, today):
    client.force_login(clinician)
    assert "I had it" not in dashboard(client, patient)


@pytest.mark.parametrize(
    ("until", "ok"),
    [("2026-11-21", False), ("2026-11-22", True), ("2027-11-21", True), ("2027-11-22", False)],
)
def test_snooze_until_a_date(client, patient, late_denosumab, today, until, ok):
    client.force_login(patient.user)
    key = key_of("DMAB-LATE", patient)
    client.post(reverse("reminders:snooze", args=[patient.pk]), {"key": key, "until": until})
    assert AlertState.objects.filter(key=key, status="snoozed").exists() is ok


def test_snoozed_item_returns_after_the_date(client, patient, late_denosumab, today, time_machine):
    client.force_login(patient.user)
    key = key_of("DMAB-LATE", patient)
    client.post(reverse("reminders:snooze", args=[patient.pk]), {"key": key, "until": "2026-11-25"})
    assert 'data-rule="DMAB-LATE"' not in dashboard(client, patient)
    time_machine.move_to(dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC), tick=False)
    client.force_login(patient.user)
    assert 'data-rule="DMAB-LATE"' in dashboard(client, patient)


def test_patient_cannot_dismiss_an_alert_level_item(client, patient, long_delay):
    client.force_login(patient.user)
    key = key_of("DMAB-LONG-DELAY", patient)
    assert (
        client.post(reverse("reminders:done", args=[patient.pk]), {"key": key}).status_code == 403
    )
    assert not AlertState.objects.exists()
    assert "stays until your clinician acknowledges it" in dashboard(client, patient)


def test_clinician_acknowledges_with_a_note(client, patient, clinician, long_delay):
    client.force_login(clinician)
    key = key_of("DMAB-LONG-DELAY", patient)
    assert 'data-rule="DMAB-LONG-DELAY"' in dashboard(client, patient)
    client.post(
        reverse("reminders:acknowledge", args=[patient.pk]),
        {"key": key, "note": "Called; booked for Monday"},
    )
    state = AlertState.objects.get(key=key)
    assert (state.status, state.note, state.by) == (
        "acknowledged",
        "Called; booked for Monday",
        clinician,
    )
    assert AuditEvent.objects.filter(action="acknowledge").exists()
    client.force_login(patient.user)
    assert 'data-rule="DMAB-LONG-DELAY"' not in dashboard(client, patient)


def test_clinicians_see_no_info_items(client, patient, clinician, today):
    last = today - dt.timedelta(days=175)  # DMAB-DUE: info
    make_course(patient, "denosumab", last, doses=[last])
    client.force_login(patient.user)
    assert 'data-rule="DMAB-DUE"' in dashboard(client, patient)
    client.force_login(clinician)
    assert 'data-rule="DMAB-DUE"' not in dashboard(client, patient)


@pytest.mark.parametrize(
    ("role", "name", "status"),
    [
        ("clinician", "reminders:done", 403),
        ("clinician", "reminders:snooze", 403),
        ("owner", "reminders:acknowledge", 403),
        ("other_patient", "reminders:done", 404),
        ("other_clinician", "reminders:acknowledge", 404),
        ("admin", "reminders:acknowledge", 404),
        ("anonymous", "reminders:done", 302),
    ],
)
def test_alert_actions_ladder(as_role, patient, late_denosumab, today, role, name, status):
    key = key_of("DMAB-LATE", patient)
    response = as_role(role).post(
        reverse(name, args=[patient.pk]), {"key": key, "until": "2026-12-01", "note": "x"}
    )
    assert response.status_code == status
    assert not AlertState.objects.exists()


def test_unknown_key_is_404(client, patient, late_denosumab, today):
    client.force_login(patient.user)
    assert (
        client.post(
            reverse("reminders:done", args=[patient.pk]), {"key": "DMAB-LATE:course-999"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["reminders:done", "reminders:snooze", "reminders:acknowledge"])
def test_actions_are_post_only(as_role, patient, name):
    assert as_role("owner").get(reverse(name, args=[patient.pk])).status_code == 405


# Section 11.18: a patient's done or snooze changes only the patient's own list and
# emails; what a clinician sees stays open until the record resolves it or a
# clinician acknowledges it.
def _panel_row(client, clinician, patient, query=""):
    client.force_login(clinician)
    rows = client.get(reverse("dashboard:panel") + query).context["rows"]
    return next((row for row in rows if row.pk == patient.pk), None)


@pytest.mark.parametrize(
    ("action", "rule", "panel_filter"),
    [
        ("reminders:done", "SCAN-BASELINE", "?filter=alerts"),
        ("reminders:snooze", "SCAN-BASELINE", "?filter=alerts"),
        ("reminders:snooze", "DMAB-LATE", "?filter=late-denosumab"),
    ],
)
def test_11_18_patient_closing_a_warning_keeps_it_open_for_the_clinician(
    client, patient, clinician, late_denosumab, today, action, rule, panel_filter
):
    client.force_login(patient.user)
    key = key_of(rule, patient)
    client.post(reverse(action, args=[patient.pk]), {"key": key, "until": "2026-12-21"})
    assert AlertState.objects.filter(key=key).exists()
    assert f'data-rule="{rule}"' not in dashboard(client, patient)  # the patient's list
    client.force_login(clinician)
    assert f'data-rule="{rule}"' in dashboard(client, patient)  # the clinician's page
    row = _panel_row(client, clinician, patient, panel_filter)
    assert row is not None and row.warnings >= 2


def test_11_18_a_clinician_acknowledgement_closes_it_for_everyone(
    client, patient, clinician, late_denosumab, today
):
    key = key_of("DMAB-LATE", patient)
    client.force_login(clinician)
    client.post(reverse("reminders:acknowledge", args=[patient.pk]), {"key": key, "note": "seen"})
    assert 'data-rule="DMAB-LATE"' not in dashboard(client, patient)
    assert _panel_row(client, clinician, patient, "?filter=late-denosumab") is None
    client.force_login(patient.user)
    assert 'data-rule="DMAB-LATE"' not in dashboard(client, patient)
    # A later "done" by the patient does not reopen it for the clinician.
    client.post(reverse("reminders:done", args=[patient.pk]), {"key": key})
    assert AlertState.objects.get(key=key).status == "acknowledged"
    assert _panel_row(client, clinician, patient, "?filter=late-denosumab") is None


def test_11_18_the_record_resolving_it_closes_it_for_the_clinician(
    client, patient, clinician, late_denosumab, today
):
    client.force_login(patient.user)
    client.post(reverse("reminders:done", args=[patient.pk]), {"key": key_of("DMAB-LATE", patient)})
    client.post(
        reverse("records:dose-add", args=[patient.pk, late_denosumab.pk]),
        {"date": "2026-11-20"},
    )
    client.force_login(clinician)
    assert 'data-rule="DMAB-LATE"' not in dashboard(client, patient)
    assert _panel_row(client, clinician, patient, "?filter=late-denosumab") is None


def test_11_18_a_patient_done_stops_the_patient_email_only(
    patient, clinician, late_denosumab, today
):
    from tracker.reminders.delivery import queue_due
    from tracker.reminders.models import Delivery

    AlertState.objects.create(
        patient=patient,
        key=key_of("DMAB-LATE", patient),
        rule_id="DMAB-LATE",
        severity="warn",
        status="done",
        by=patient.user,
    )
    queue_due(today)
    assert not Delivery.objects.filter(recipient=patient.user, rule_id="DMAB-LATE").exists()
