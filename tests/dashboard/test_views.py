"""Dashboard, print view, clinician settings and the clinician panel: the access
ladder, what people see, and the query budget against a large history."""

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.conftest import link, make_patient
from tests.records.factories import big_history, make_course, make_scan, settle
from tracker.records.models import ClinicalSettings, PatientSummary

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize("name", ["dashboard:patient", "dashboard:print", "dashboard:changes"])
def test_patient_pages_refuse_post(as_role, patient, name):
    # The ladder of every page is in tests/test_ladders.py.
    assert as_role("owner").post(reverse(name, args=[patient.pk])).status_code == 405


def test_panel_refuses_post(as_role):
    assert as_role("clinician").post(reverse("dashboard:panel")).status_code == 405


SETTINGS = {
    "target_t_score": "-2.0",
    "scan_interval_months": "12",
    "scan_interval_reason": "on glucocorticoids",
    "lsc_lumbar_spine_pct": "3.0",
}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("owner", 403),
        ("other_patient", 404),
        ("other_clinician", 404),
        ("admin", 404),
        ("clinician", 302),
    ],
)
def test_clinical_settings_ladder(as_role, patient, role, status):
    response = as_role(role).post(
        reverse("dashboard:clinical-settings", args=[patient.pk]), SETTINGS
    )
    assert response.status_code == status
    assert ClinicalSettings.objects.exists() is (role == "clinician")


def test_clinician_settings_take_part_in_the_assessment(client, patient, clinician):
    make_scan(
        patient,
        TODAY - dt.timedelta(days=200),
        sites=[("lumbar_spine", "none", "0.800", "-2.2", "-1.0")],
    )
    client.force_login(clinician)
    client.post(reverse("dashboard:clinical-settings", args=[patient.pk]), SETTINGS)
    settings = ClinicalSettings.objects.get()
    assert (settings.updated_by, settings.target_t_score) == (clinician, Decimal("-2.0"))
    client.force_login(patient.user)
    page = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert "on glucocorticoids" in page and "set by your clinician" in page
    assert "T-score above -2.0" in page
    assert "settings_form" not in page and "Clinician settings for" not in page


def test_clinician_settings_refusal_keeps_input(client, patient, clinician):
    client.force_login(clinician)
    bad = {**SETTINGS, "scan_interval_reason": "", "lsc_total_hip_pct": "40"}
    response = client.post(reverse("dashboard:clinical-settings", args=[patient.pk]), bad)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the reason" in html and "between 0.5 % and 20 %" in html and 'value="40"' in html
    assert not ClinicalSettings.objects.exists()


def test_dashboard_shows_disclaimer_category_and_charts(client, patient):
    make_scan(
        patient,
        TODAY - dt.timedelta(days=400),
        sites=[("lumbar_spine", "none", "0.700", "-2.8", "-1.5")],
    )
    client.force_login(patient.user)
    html = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert "Osteoporosis" in html
    assert "decisions belong to you and your clinician" in html
    assert 'data-figure="chart-bmd-data"' in html and 'id="chart-bmd-data"' in html
    assert 'data-empty="exercise"' in html  # no session yet: words, not empty axes
    assert "<script>" not in html and " style=" not in html


@pytest.fixture
def big(patient):
    big_history(patient, today=TODAY)
    settle(patient)
    return patient


def test_each_chart_is_small_with_25_years_of_data(client, big):
    client.force_login(big.user)
    response = client.get(reverse("dashboard:patient", args=[big.pk]))
    for name in ("bmd", "medication", "exercise", "height"):
        figure = response.context["heavy"]["figures"][name]
        assert len(gzip.compress(json.dumps(figure, default=str).encode())) <= 50_000, name


def test_print_view_has_everything_and_no_forms(client, big):
    client.force_login(big.user)
    html = client.get(reverse("dashboard:print", args=[big.pk])).content.decode()
    for text in (
        "Change table",
        "Medication",
        "Open reminders and warnings",
        "Print",
        "decisions belong to you",
    ):
        assert text in html
    assert "Log session" not in html and "Snooze" not in html


def test_panel_sorts_and_filters(client, patient, clinician):
    urgent = make_patient("urgent@example.com", "Una Urgent")
    link(urgent, clinician)
    quiet = make_patient("quiet@example.com", "Quinn Quiet")
    link(quiet, clinician)
    last = timezone.localdate() - dt.timedelta(days=230)
    make_course(urgent, "denosumab", last, doses=[last])
    for p in (patient, urgent, quiet):
        settle(p)
    client.force_login(clinician)

    def shown(query=""):
        return [row.pk for row in client.get(reverse("dashboard:panel") + query).context["rows"]]

    assert shown()[0] == urgent.pk
    assert shown("?filter=late-denosumab") == [urgent.pk]
    assert shown("?q=quinn") == [quiet.pk]
    assert client.get(reverse("dashboard:panel") + "?page=2").status_code == 404  # past the end
    assert shown("?page=x")[0] == urgent.pk


def test_summary_follows_record_changes(client, patient):
    client.force_login(patient.user)
    client.post(
        reverse("records:add", args=[patient.pk, "medications"]),
        {"drug": "denosumab", "start": (timezone.localdate() - dt.timedelta(days=10)).isoformat()},
    )
    assert PatientSummary.objects.get(patient=patient).current_drug == "Denosumab"


def test_cached_picture_follows_every_change(client, patient):
    """The dashboard caches its heavy part per record version and day: a change
    to the record, or a new day, must show at once."""
    client.force_login(patient.user)
    url = reverse("dashboard:patient", args=[patient.pk])
    page = client.get(url).content.decode()
    assert "will be drawn here after your first scan" in page and "No osteoporosis drug" in page
    client.post(
        reverse("records:add", args=[patient.pk, "medications"]),
        {
            "drug": "alendronate",
            "start": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        },
    )
    assert "No osteoporosis drug" not in client.get(url).content.decode()
    make_scan(
        patient,
        timezone.localdate() - dt.timedelta(days=3),
        sites=[("lumbar_spine", "none", "0.700", "-2.8", "-1.5")],
    )
    assert (
        "will be drawn here after your first scan" in client.get(url).content.decode()
    )  # a direct write bypasses the views...
    settle(patient)  # ...which is why every change goes through the one write path
    assert "will be drawn here after your first scan" not in client.get(url).content.decode()


def test_cached_picture_moves_with_the_date(client, patient, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    last = dt.date(2026, 11, 21) - dt.timedelta(days=210)
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    client.force_login(patient.user)
    url = reverse("dashboard:patient", args=[patient.pk])
    assert 'data-rule="DMAB-LATE"' not in client.get(url).content.decode()
    time_machine.move_to(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False)
    client.force_login(patient.user)
    assert 'data-rule="DMAB-LATE"' in client.get(url).content.decode()


def test_panel_rows_escape_names_and_link_to_the_patient(client, clinician):
    sneaky = make_patient("sneaky@example.com", "<script>alert(1)</script> Sam")
    link(sneaky, clinician)
    settle(sneaky)
    client.force_login(clinician)
    html = client.get(reverse("dashboard:panel")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Sam" in html
    assert f'href="{reverse("dashboard:patient", args=[sneaky.pk])}"' in html


def test_saved_settings_show_in_the_cached_form(client, patient, clinician):
    client.force_login(clinician)
    url = reverse("dashboard:patient", args=[patient.pk])
    assert 'value="on glucocorticoids"' not in client.get(url).content.decode()
    client.post(reverse("dashboard:clinical-settings", args=[patient.pk]), SETTINGS)
    assert 'value="on glucocorticoids"' in client.get(url).content.decode()


# Query budgets with 25 years of data (style.md): warm (the cached page), on the first
# view after a change to the record (a new record version: the page is rebuilt; here
# without the write path's snapshot, which a test's transaction never commits, see
# test_page_cache.py), and on a cold cache (a new app server), for each kind of viewer.
# A clinician's view costs two more: the second step's device and the audit row of the
# read; a caregiver's as much, and one more for the header (on a cold cache, whom they
# care for, and their own record or none).
# The dashboard's content is cached whole, so its warm budget is the access gate's and
# the header's.
BUDGETS = {  # name: {viewer: (warm, after a change, cold cache)}
    "dashboard:patient": {"owner": (3, 11, 11), "clinician": (5, 12, 12), "caregiver": (6, 13, 14)},
    # The full change table (issue 13): the history and nothing else.
    "dashboard:changes": {"owner": (3, 8, 8), "clinician": (5, 10, 10), "caregiver": (6, 11, 12)},
    # The questions for the next visit (issue 11) assess the record once more after a
    # change or on a cold cache (cached by version after that).
    "dashboard:print": {"owner": (4, 15, 15), "clinician": (6, 17, 17), "caregiver": (7, 18, 19)},
    "records:history": {
        "owner": (10, 10, 10),
        "clinician": (12, 12, 12),
        "caregiver": (13, 13, 14),
    },
}


@pytest.mark.parametrize("viewer", ["owner", "clinician", "caregiver"])
@pytest.mark.parametrize("name", list(BUDGETS))
def test_record_pages_query_budgets_warm_and_cold(
    client, big, clinician, caregiver, django_assert_max_num_queries, time_machine, viewer, name
):
    warm, after_change, cold = BUDGETS[name][viewer]
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    client.force_login({"owner": big.user, "clinician": clinician, "caregiver": caregiver}[viewer])
    url = reverse(name, args=[big.pk])
    client.get(url)
    with django_assert_max_num_queries(warm):
        assert client.get(url).status_code == 200
    settle(big)
    with django_assert_max_num_queries(after_change):
        assert client.get(url).status_code == 200
    cache.clear()
    with django_assert_max_num_queries(cold):
        assert client.get(url).status_code == 200
