"""The one write path (tracker.records.changes), walked: every view, admin action and
command that writes a patient's record moves the record version, leaves an audit
row, and the clinician panel and the dashboard (both warmed before the change, so a
stale cache would show) tell the truth afterwards."""

import datetime as dt
from dataclasses import asdict, replace

import pytest
from django.urls import reverse

from tests.conftest import seed_demo
from tests.records.factories import make_course, make_scan, settle
from tracker.accounts.models import AuditEvent, CareLink, Patient
from tracker.clinical.assess import assess
from tracker.clinical.summary import summarize
from tracker.records import models as m
from tracker.records.changes import UnauditedChange, change_record
from tracker.records.history import load_history
from tracker.records.summary import open_for_the_panel

TODAY = dt.date(2026, 11, 21)
SPINE_LOW = [("lumbar_spine", "none", "0.700", "-3.1", "-1.5")]


def day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


@pytest.fixture
def world(patient, clinician, time_machine):
    """A patient with a scan, a denosumab course and one of every other kind of entry,
    shared with a clinician; everything settled through the write path once."""
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    user = patient.user
    common = {"patient": patient, "entered_by": user}
    make_scan(patient, TODAY - dt.timedelta(days=400))
    course = make_course(
        patient, "denosumab", TODAY - dt.timedelta(days=600), doses=[TODAY - dt.timedelta(days=250)]
    )
    entries = {
        "scans": m.Scan.objects.get(patient=patient),
        "medications": course,
        "doses": m.Dose.objects.get(course=course),
        "exercise": m.ExerciseSession.objects.create(
            date=TODAY, kind="balance", minutes=20, **common
        ),
        "fractures": m.Fracture.objects.create(
            date=TODAY - dt.timedelta(days=900), site="wrist_forearm", fragility=True, **common
        ),
        "falls": m.Fall.objects.create(date=TODAY - dt.timedelta(days=30), **common),
        "heights": m.HeightMeasurement.objects.create(
            date=TODAY - dt.timedelta(days=30), cm="162.5", measured=True, **common
        ),
        "labs": m.LabResult.objects.create(
            date=TODAY - dt.timedelta(days=30), vitamin_d="32.0", **common
        ),
        "events": m.ClinicalEvent.objects.create(
            date=TODAY - dt.timedelta(days=3000), kind="stroke", **common
        ),
    }
    settle(patient)
    return {"patient": patient, "clinician": clinician, "entries": entries}


def _truth(patient):
    assessment = assess(load_history(patient), TODAY)
    return assessment, summarize(assessment, open_for_the_panel(patient, assessment.alerts, TODAY))


def _version(patient) -> int:
    return m.PatientSummary.objects.get(patient=patient).record_version


def _warm(client, world) -> None:
    patient, clinician = world["patient"], world["clinician"]
    for user in (patient.user, clinician):
        client.force_login(user)
        assert client.get(reverse("dashboard:patient", args=[patient.pk])).status_code == 200
    assert client.get(reverse("dashboard:panel")).status_code == 200


def _assert_true_everywhere(client, world) -> None:
    patient, clinician = world["patient"], world["clinician"]
    assessment, summary = _truth(Patient.objects.get(pk=patient.pk))
    stored = m.PatientSummary.objects.get(patient=patient)
    expected = asdict(summary) | {"open_items": [asdict(item) for item in summary.open_items]}
    assert {field: getattr(stored, field) for field in asdict(summary)} == expected  # JSON: lists
    for user in (patient.user, clinician):
        client.force_login(user)
        page = client.get(reverse("dashboard:patient", args=[patient.pk]))
        # The cached light picture keeps all but the change rows (the heavy part's).
        assert page.context["assessment"] == replace(assessment, change_rows=())
    client.force_login(clinician)
    rows = {row.pk: row for row in client.get(reverse("dashboard:panel")).context["rows"]}
    row = rows[patient.pk]
    assert (row.drug, row.alerts, row.warnings, row.category) == (
        summary.current_drug or "—",
        summary.alert_count,
        summary.warn_count,
        summary.category_label,
    )
    assert [item.title for item in row.open_items] == [  # issue 12: which items are open
        item.title for item in summary.open_items if item.severity != "info"
    ]


ADD = {
    "medications": {"drug": "alendronate", "start": day(0)},
    "exercise": {"date": day(0), "kind": "resistance", "minutes": "45"},
    "fractures": {"date": day(5), "site": "hip", "fragility": "on"},
    "falls": {"date": day(5), "injured": "on"},
    "heights": {"date": day(5), "cm": "158.0", "measured": "on"},
    "labs": {"date": day(5), "vitamin_d": "28.0"},
    "events": {"date": day(5), "kind": "blood_clot"},
}
EDIT = {
    "medications": {"drug": "denosumab", "start": day(600), "end": day(1), "stop_reason": "other"},
    "doses": {"date": day(20)},
    "exercise": {"date": day(0), "kind": "aerobic", "minutes": "60"},
    "fractures": {"date": day(900), "site": "hip", "fragility": "on"},
    "falls": {"date": day(31)},
    "heights": {"date": day(30), "cm": "157.0", "measured": "on"},
    "labs": {"date": day(30), "vitamin_d": "12.0"},
    "events": {"date": day(100), "kind": "stroke"},
}
SCAN = {
    "date": day(10),
    "manufacturer": "hologic",
    "sites-TOTAL_FORMS": "1",
    "sites-INITIAL_FORMS": "0",
    "sites-MIN_NUM_FORMS": "0",
    "sites-MAX_NUM_FORMS": "1000",
    "sites-0-site": "lumbar_spine",
    "sites-0-side": "none",
    "sites-0-bmd": "0.800",
    "sites-0-t_score": "-3.1",
    "sites-0-z_score": "-1.5",
    "sites-0-vertebrae": "L1-L4",
}


def _post(client, url, data, *, expect=302):
    response = client.post(url, data)
    context = response.context or {}
    errors = [
        form.errors
        for name in ("form", "sites", "settings_form")
        if (form := context.get(name)) is not None and getattr(form, "errors", None)
    ]
    assert response.status_code == expect, errors
    return response


def _view_cases():
    cases = []
    for kind, data in ADD.items():
        cases.append((f"add-{kind}", "create", kind, data))
    for kind, data in EDIT.items():
        cases.append((f"edit-{kind}", "update", kind, data))
    for kind in ["scans", *EDIT]:
        cases.append((f"delete-{kind}", "delete", kind, {}))
    return cases


@pytest.mark.parametrize("role", ["owner", "clinician"])
@pytest.mark.parametrize(("name", "action", "kind", "data"), _view_cases())
def test_every_entry_view_writes_through_the_one_path(
    client, world, role, name, action, kind, data
):
    patient = world["patient"]
    entry = world["entries"].get(kind)
    _warm(client, world)
    before, audited = _version(patient), AuditEvent.objects.filter(action=action).count()
    client.force_login(patient.user if role == "owner" else world["clinician"])
    if action == "create":
        url = reverse("records:add", args=[patient.pk, kind])
    else:
        url = reverse(
            f"records:{'edit' if action == 'update' else 'delete'}",
            args=[patient.pk, kind, entry.pk],
        )
    _post(client, url, data)
    assert _version(patient) == before + 1
    assert AuditEvent.objects.filter(action=action, patient=patient).count() == audited + 1
    _assert_true_everywhere(client, world)


@pytest.mark.parametrize("role", ["owner", "clinician"])
def test_scan_form_and_dose_form_write_through_the_one_path(client, world, role):
    patient = world["patient"]
    client.force_login(patient.user if role == "owner" else world["clinician"])
    _warm(client, world)
    client.force_login(patient.user if role == "owner" else world["clinician"])
    before = _version(patient)
    _post(client, reverse("records:scan-add", args=[patient.pk]), SCAN)
    assert _version(patient) == before + 1
    _assert_true_everywhere(client, world)
    client.force_login(world["clinician"])
    assert "-3.1" in client.get(reverse("dashboard:panel")).content.decode()

    client.force_login(patient.user if role == "owner" else world["clinician"])
    course = world["entries"]["medications"]
    _post(client, reverse("records:dose-add", args=[patient.pk, course.pk]), {"date": day(3)})
    assert _version(patient) == before + 2
    assert AuditEvent.objects.filter(action="create", object_type="dose").exists()
    _assert_true_everywhere(client, world)


def test_alert_states_write_through_the_one_path(client, world):
    patient, clinician = world["patient"], world["clinician"]
    _warm(client, world)
    keys = {alert.rule_id: alert.key for alert in _truth(patient)[0].alerts}
    client.force_login(patient.user)
    before = _version(patient)
    _post(
        client,
        reverse("reminders:snooze", args=[patient.pk]),
        {"key": keys["DMAB-LATE"], "until": day(-30)},
    )
    assert _version(patient) == before + 1
    assert AuditEvent.objects.filter(action="snooze", patient=patient).exists()
    _assert_true_everywhere(client, world)
    client.force_login(clinician)
    alert_key = keys["DMAB-LATE"]
    _post(
        client,
        reverse("reminders:acknowledge", args=[patient.pk]),
        {"key": alert_key, "note": "seen"},
    )
    assert _version(patient) == before + 2
    assert AuditEvent.objects.filter(action="acknowledge", patient=patient).exists()
    _assert_true_everywhere(client, world)


def test_clinician_settings_and_profile_write_through_the_one_path(client, world):
    patient, clinician = world["patient"], world["clinician"]
    _warm(client, world)
    before = _version(patient)
    client.force_login(clinician)
    _post(
        client,
        reverse("dashboard:clinical-settings", args=[patient.pk]),
        {"scan_interval_months": "12", "scan_interval_reason": "recent fracture"},
    )
    assert _version(patient) == before + 1
    assert m.ClinicalSettings.objects.get(patient=patient).scan_interval_months == 12
    _assert_true_everywhere(client, world)
    client.force_login(patient.user)
    _post(
        client,
        reverse("accounts:profile"),
        {
            "birth_date": "1950-05-17",
            "sex": "female",
            "menopausal_status": "postmenopausal",
            "glucocorticoids": "on",
            "glucocorticoids_since": day(60),
        },
    )
    assert _version(patient) == before + 2
    assert AuditEvent.objects.filter(action="update", summary="profile").exists()
    _assert_true_everywhere(client, world)


def test_sharing_writes_through_the_one_path(client, world, other_clinician):
    patient = world["patient"]
    before = _version(patient)
    client.force_login(patient.user)
    _post(client, reverse("accounts:sharing"), {"email": other_clinician.email})
    link = CareLink.objects.get(clinician=other_clinician, status="active")
    assert _version(patient) == before + 1
    _post(client, reverse("accounts:link-end", args=[link.pk]), {})
    assert _version(patient) == before + 2
    client.force_login(other_clinician)
    _post(client, reverse("accounts:my-patients"), {"email": patient.user.email})
    request = CareLink.objects.get(clinician=other_clinician, status="pending")
    client.force_login(patient.user)
    _post(client, reverse("accounts:sharing-accept", args=[request.pk]), {})
    assert _version(patient) == before + 4
    actions = set(AuditEvent.objects.filter(patient=patient).values_list("action", flat=True))
    assert {"share", "revoke", "request", "accept"} <= actions
    _assert_true_everywhere(client, world)


def test_sign_up_creates_the_summary_through_the_one_path(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {
            "account-full_name": "Nora New",
            "account-email": "nora@example.com",
            "account-password1": "a long enough password 1",
            "account-password2": "a long enough password 1",
            "profile-birth_date": "1950-01-01",
            "profile-sex": "female",
            "profile-menopausal_status": "postmenopausal",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    patient = Patient.objects.get(user__email="nora@example.com")
    assert _version(patient) == 1
    assert AuditEvent.objects.filter(patient=patient, action="create").exists()


def test_admin_writes_through_the_one_path(client, world, admin_user):
    patient = world["patient"]
    client.force_login(admin_user)
    before = _version(patient)
    link = CareLink.objects.get(patient=patient, clinician=world["clinician"])
    _post(
        client,
        reverse("admin:accounts_carelink_changelist"),
        {"action": "end_links", "_selected_action": [link.pk]},
    )
    assert _version(patient) == before + 1
    assert AuditEvent.objects.filter(patient=patient, action="revoke").exists()
    _post(
        client,
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [patient.user.pk]},
    )
    assert _version(patient) == before + 2
    assert AuditEvent.objects.filter(patient=patient, summary="account deactivated").exists()


def test_seed_demo_writes_through_the_one_path(db):
    seed_demo()
    for patient in Patient.objects.all():
        assert _version(patient) == 1
        assert AuditEvent.objects.filter(patient=patient, summary="demo record").exists()
        assessment, summary = _truth(patient)
        stored = m.PatientSummary.objects.get(patient=patient)
        assert stored.category_label == summary.category_label


def test_a_change_that_audits_nothing_is_refused_and_rolled_back(world):
    patient = world["patient"]
    before = _version(patient)
    with pytest.raises(UnauditedChange), change_record(None, patient, actor=patient.user):
        m.Fall.objects.create(patient=patient, date=TODAY)
    assert m.Fall.objects.filter(date=TODAY).count() == 0
    assert _version(patient) == before


def test_a_failed_change_leaves_nothing(world):
    patient = world["patient"]
    before, events = _version(patient), AuditEvent.objects.count()
    with pytest.raises(RuntimeError), change_record(None, patient) as change:
        change.audit(AuditEvent.Action.CREATE, summary="half")
        raise RuntimeError("the form blew up")
    assert (_version(patient), AuditEvent.objects.count()) == (before, events)
