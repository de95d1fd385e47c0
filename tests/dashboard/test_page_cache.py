"""The dashboard's content cached whole (issue 13, items 4-6): per patient, record
version, rules version, day and kind of viewer; what is per request filled on every
response; one rebuild per version; the write path's snapshot read by the first view
after a change; and the change table drawn in Python, its latest scans on the
dashboard and all of them on their own page."""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.dashboard.test_views import SETTINGS
from tests.records.factories import big_history, make_course, make_scan, settle
from tracker.clinical.version import RULES_VERSION
from tracker.dashboard import page, tables
from tracker.dashboard.picture import cache_key
from tracker.records import snapshot
from tracker.records.changes import change_record
from tracker.records.models import ExerciseSession, PatientSummary

pytestmark = pytest.mark.django_db

OWNER_ONLY = "Log session"  # the quick add form: the patient's and the clinician's
CLINICIAN_ONLY = "Clinician settings for"
NOT_FOR_CAREGIVERS = "Download (FHIR)"
COACH = "Everyday bone health"  # every viewer; the progress meter is the owner's
METER = 'id="falls-meter"'


def _url(patient) -> str:
    return reverse("dashboard:patient", args=[patient.pk])


def _page(client, user, patient) -> str:
    client.force_login(user)
    response = client.get(_url(patient))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def record(patient):
    make_scan(
        patient,
        timezone.localdate() - dt.timedelta(days=400),
        sites=[("lumbar_spine", "none", "0.700", "-2.8", "-1.5")],
    )
    last = timezone.localdate() - dt.timedelta(days=250)
    make_course(patient, "denosumab", last, doses=[last])  # a late dose: an alert for all
    settle(patient)
    return patient


def _is_owners(html: str) -> bool:
    return METER in html and CLINICIAN_ONLY not in html and NOT_FOR_CAREGIVERS in html


def _is_clinicians(html: str) -> bool:
    return CLINICIAN_ONLY in html and METER not in html and NOT_FOR_CAREGIVERS in html


def _is_caregivers(html: str) -> bool:
    return NOT_FOR_CAREGIVERS not in html and CLINICIAN_ONLY not in html and METER not in html


@pytest.mark.parametrize(
    "order",
    [
        ("owner", "clinician", "caregiver"),
        ("caregiver", "clinician", "owner"),
        ("clinician", "owner", "caregiver"),
    ],
)
def test_each_kind_of_viewer_gets_its_own_page_whoever_came_first(
    client, record, clinician, caregiver, order
):
    users = {"owner": record.user, "clinician": clinician, "caregiver": caregiver}
    checks = {"owner": _is_owners, "clinician": _is_clinicians, "caregiver": _is_caregivers}
    for _ in range(2):  # the first round builds each page, the second reads it cached
        for viewer in order:
            html = _page(client, users[viewer], record)
            assert checks[viewer](html), viewer
            assert 'data-rule="' in html  # an alert: every viewer gets its own words
    # Three pages under three keys, the same version and day.
    prefix = cache_key(record, timezone.localdate()) + ":page:"
    assert {
        page.key(prefix.removesuffix(":page:"), _Request(u), _Access(record, u))
        for u in users.values()
    } == {  # noqa: E501
        prefix + "owner:patient:-",
        prefix + "clinician:clinician:approved",
        prefix + "caregiver:patient:-",
    }


class _Request:
    def __init__(self, user):
        self.user = user


class _Access:
    """The patient as the access gate hands it to the view, for page.key."""

    def __init__(self, patient, user):
        from tracker.accounts.access import access_of

        self.access = access_of(user, patient)


def test_a_clinician_who_is_family_reads_as_a_caregiver_in_clinician_words(
    client, record, other_clinician
):
    from tests.conftest import make_caregiver

    make_caregiver(record, "", "", user=other_clinician)
    html = _page(client, other_clinician, record)
    assert _is_caregivers(html)
    request, seen = _Request(other_clinician), _Access(record, other_clinician)
    assert page.viewer_kind(request, seen) == "caregiver:clinician:approved"


def _hidden(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', html)


def test_tokens_are_fresh_on_every_response_and_no_placeholder_is_shown(client, record, clinician):
    for user in (record.user, clinician):
        first, second = _page(client, user, record), _page(client, user, record)
        for html in (first, second):
            assert page.Placeholders.csrf not in html
            assert not any(token in html for token in page.Placeholders.tokens)
        assert _hidden(first, "csrfmiddlewaretoken") and _hidden(first, "submission")
        assert set(_hidden(first, "submission")).isdisjoint(_hidden(second, "submission"))
        assert _hidden(first, "csrfmiddlewaretoken") != _hidden(second, "csrfmiddlewaretoken")
        assert len(set(_hidden(first, "submission"))) == len(_hidden(first, "submission"))
    assert client.cookies["csrftoken"].value  # get_token set the cookie, as the tag does


def test_the_cached_page_s_forms_are_accepted(client, record):
    """The quick add's tokens filled in a cached page save the entry (CSRF checked)."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(record.user)
    browser.get(_url(record))  # builds and caches
    html = browser.get(_url(record)).content.decode()  # from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    response = browser.post(
        reverse("records:add", args=[record.pk, "exercise"]),
        {
            "csrfmiddlewaretoken": token,
            "submission": submission,
            "kind": "resistance",
            "minutes": "30",
            "date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert ExerciseSession.objects.filter(patient=record).count() == 1


def test_a_settings_form_with_errors_is_never_cached(client, record, clinician):
    client.force_login(clinician)
    bad = {**SETTINGS, "scan_interval_reason": "", "lsc_total_hip_pct": "40"}
    sent = client.post(reverse("dashboard:clinical-settings", args=[record.pk]), bad)
    assert "Give the reason" in sent.content.decode() and 'value="40"' in sent.content.decode()
    again = _page(client, clinician, record)
    assert "Give the reason" not in again and 'value="40"' not in again
    assert "Give the reason" not in _page(client, clinician, record)


def test_every_dashboard_key_names_the_rules_version(record, clinician):
    key = cache_key(record, timezone.localdate())
    assert key.startswith(f"dashboard:{RULES_VERSION}:{record.pk}:")
    assert snapshot.key(record.pk, 3) == f"history:{RULES_VERSION}:{record.pk}:3"


# ------------------------------------------------------------------ one rebuild


def test_a_second_request_waits_for_the_first_build_instead_of_building(monkeypatch):
    built = []
    cache.add("k:building", True, page.LOCK_SECONDS)  # another request is building

    def finish():
        cache.set("k", "theirs")

    timer = threading.Timer(0.05, finish)
    timer.start()
    assert page.cached("k", lambda: built.append(1) or "mine") == "theirs"
    timer.join()
    assert built == []


def test_after_the_wait_a_request_builds_it_itself(monkeypatch):
    monkeypatch.setattr(page, "LOCK_SECONDS", 0.05)
    cache.add("k:building", True, 60)  # the first request never finishes
    assert page.cached("k", lambda: "mine") == "mine"
    assert cache.get("k") == "mine"
    assert cache.get("k:building")  # not ours to release


def test_the_first_build_takes_and_releases_the_lock():
    seen = []
    assert page.cached("k", lambda: seen.append(cache.get("k:building")) or "built") == "built"
    assert seen == [True] and cache.get("k:building") is None
    assert page.cached("k", lambda: "again") == "built"


def test_a_failed_build_releases_the_lock():
    def broken():
        raise RuntimeError

    with pytest.raises(RuntimeError):
        page.cached("k", broken)
    assert cache.get("k:building") is None


# ------------------------------------------------------------------ the write path's snapshot


@pytest.fixture
def big(patient):
    big_history(patient, today=timezone.localdate())
    settle(patient)
    return patient


def _change(patient, django_capture_on_commit_callbacks):
    # A test's transaction never commits: run the write path's after-commit work.
    with django_capture_on_commit_callbacks(execute=True):
        with change_record(None, patient, actor=patient.user) as change:
            change.audit("update", summary="test")


def test_the_first_view_after_a_write_reads_the_write_path_s_history(
    client, big, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(big.user)
    client.get(_url(big))
    _change(big, django_capture_on_commit_callbacks)
    assessed = []
    monkeypatch.setattr(snapshot, "assess", lambda *a: assessed.append(a) or None)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(_url(big)).content.decode()
    # The history's scans come with their site results, its courses with their doses.
    sql = [q["sql"] for q in queries.captured_queries]
    loaded = [q for q in sql if "records_siteresult" in q or "records_dose" in q]
    assert loaded == [] and assessed == []  # neither loaded nor assessed again
    assert "Change table" in html and 'data-figure="chart-bmd-data"' in html
    assert len(queries.captured_queries) <= 7


def test_a_snapshot_is_left_only_by_a_committed_change(big, django_capture_on_commit_callbacks):
    version = big.summary.record_version
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with change_record(None, big, actor=big.user) as change:
            change.audit("update", summary="test")
    assert snapshot.kept(big.pk, version + 1) is None  # not committed yet
    for callback in callbacks:
        callback()
    history, assessment = snapshot.kept(big.pk, version + 1)
    assert len(history.scans) == 50 and assessment.today == timezone.localdate()


def test_a_snapshot_in_the_process_follows_the_cache(big, django_capture_on_commit_callbacks):
    """With the local-memory cache the snapshot stays in the process, the cache naming
    it: what clears the cache (or expires the entry) drops the snapshot with it."""
    if not snapshot._in_process():
        pytest.skip("a shared cache (REDIS_URL) holds snapshots whole")
    _change(big, django_capture_on_commit_callbacks)
    version = PatientSummary.objects.get(patient=big).record_version
    assert isinstance(cache.get(snapshot.key(big.pk, version)), str)  # a token, not rows
    assert snapshot.kept(big.pk, version) is not None
    cache.clear()
    assert snapshot.kept(big.pk, version) is None


def test_a_shared_cache_holds_the_snapshot_whole(
    big, django_capture_on_commit_callbacks, monkeypatch
):
    """With Redis every process reads the snapshot: it is stored whole."""
    monkeypatch.setattr(snapshot, "_in_process", lambda: False)
    _change(big, django_capture_on_commit_callbacks)
    version = PatientSummary.objects.get(patient=big).record_version
    history, assessment = cache.get(snapshot.key(big.pk, version))
    assert snapshot.kept(big.pk, version) == (history, assessment)
    assert len(history.scans) == 50


def test_the_reader_s_settings_win_over_the_writer_s(big, django_capture_on_commit_callbacks):
    """A snapshot's rows are used as they are, but the profile and the clinician's
    settings are the reader's: a writer's older settings are never shown."""
    from tracker.accounts.models import Patient
    from tracker.records.models import ClinicalSettings

    _change(big, django_capture_on_commit_callbacks)
    # Meanwhile (no new version here: as if committed between the writer's load and
    # its lock) the clinician's settings changed.
    ClinicalSettings.objects.create(patient=big, target_t_score=Decimal("-1.0"))
    reader = Patient.objects.select_related("user", "clinical_settings", "summary").get(pk=big.pk)
    history, assessment = snapshot.taken(reader, timezone.localdate())
    assert history.overrides.target_t_score == Decimal("-1.0")
    assert assessment is None  # assessed again with the reader's settings
    reader_same = Patient.objects.select_related("user", "clinical_settings", "summary").get(
        pk=big.pk
    )
    ClinicalSettings.objects.filter(patient=big).delete()
    reader_same.clinical_settings = None
    _, assessment = snapshot.taken(reader_same, timezone.localdate())
    assert assessment is not None
    _, assessment = snapshot.taken(reader_same, timezone.localdate() + dt.timedelta(days=1))
    assert assessment is None  # another day: assessed on that day


# ------------------------------------------------------------------ the change table


def test_the_dashboard_shows_the_latest_scans_and_links_the_full_table(client, big, caregiver):
    html = _page(client, big.user, big)
    table = html.split('class="table table-sm align-middle change-table')[1].split("</table>")[0]
    assert table.count('<td data-label="Scan">') == 4 * tables.CHANGE_TABLE_LATEST
    full_url = reverse("dashboard:changes", args=[big.pk])
    assert f'href="{full_url}"' in html and "All 50 scans: the full change table" in html
    for user in (big.user, caregiver):
        client.force_login(user)
        full = client.get(full_url).content.decode()
        assert full.count('<td data-label="Scan">') == 4 * 50
        assert f'href="{reverse("dashboard:patient", args=[big.pk])}"' in full  # the way back
        assert "change-table stack-sm" in full


def test_the_print_view_keeps_every_scan_without_links(client, big):
    client.force_login(big.user)
    html = client.get(reverse("dashboard:print", args=[big.pk])).content.decode()
    table = html.split('class="table table-sm align-middle change-table')[1].split("</table>")[0]
    assert table.count('<td data-label="Scan">') == 4 * 50 and "<a " not in table


def test_a_short_record_shows_its_whole_table_and_no_link(client, record):
    html = _page(client, record.user, record)
    assert "change-table" in html and "the full change table" not in html
    client.force_login(record.user)
    empty = client.get(reverse("dashboard:changes", args=[record.pk]))
    assert empty.status_code == 200


def test_a_record_without_scans_has_an_empty_full_table_page(client, other_patient):
    client.force_login(other_patient.user)
    html = client.get(reverse("dashboard:changes", args=[other_patient.pk])).content.decode()
    assert "No scan yet" in html and reverse("records:scan-add", args=[other_patient.pk]) in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2.25"), "2.3"),
        (Decimal("-2.25"), "-2.3"),
        (Decimal("-0.04"), "0.0"),
        (Decimal("0"), "0.0"),
        (Decimal("12"), "12.0"),
        (Decimal("-3.1"), "-3.1"),
    ],
)
def test_percentages_are_written_as_floatformat_writes_them(value, shown):
    from django.template.defaultfilters import floatformat

    assert tables.one_decimal(value) == shown == floatformat(value, "1")


def test_dates_are_written_as_the_templates_write_them():
    from django.template.defaultfilters import date as date_filter

    for month in range(1, 13):
        day = dt.date(2020, month, 5)
        assert tables.day_month_year(day) == date_filter(day, "j M Y")


def test_the_change_table_s_cells(client, patient):
    make_scan(
        patient, dt.date(2020, 1, 10), sites=[("lumbar_spine", "none", "0.800", "-2.7", None)]
    )
    make_scan(patient, dt.date(2022, 1, 10), sites=[("lumbar_spine", "none", "0.860", None, None)])
    settle(patient)
    html = _page(client, patient.user, patient)
    table = html.split('class="table table-sm align-middle change-table')[1].split("</table>")[0]
    assert '<td data-label="Bone density (g/cm²)">0.800</td>' in table
    assert '<td data-label="T-score">-2.7</td>' in table
    assert '<td data-label="T-score">—</td>' in table  # no T-score given
    assert '<span class="fw-bold">7.5 %</span> <span aria-hidden="true">★</span>' in table
    assert "margin of error" in table and "10 Jan 2022" in table


# ------------------------------------------------------------------ parts by digest


def test_a_change_elsewhere_keeps_the_charts_it_does_not_touch(client, record, monkeypatch):
    """The charts and tables are cached by a digest of what they are drawn from: a new
    exercise session redraws the exercise chart, not the bone density one; a new scan
    redraws that."""
    from tracker.dashboard import charts

    drawn = []
    for name in ("bmd_trend", "exercise_weekly"):
        real = getattr(charts, name)
        monkeypatch.setattr(
            charts, name, lambda *a, real=real, name=name, **k: drawn.append(name) or real(*a, **k)
        )
    client.force_login(record.user)
    client.get(_url(record))
    assert drawn == ["bmd_trend"]  # no session yet: no exercise chart to draw
    drawn.clear()
    with change_record(None, record, actor=record.user) as change:
        session = ExerciseSession.objects.create(
            patient=record, date=timezone.localdate(), kind="aerobic", minutes=40
        )
        change.audit("create", session)
    html = client.get(_url(record)).content.decode()
    assert drawn == ["exercise_weekly"] and "40" in html
    drawn.clear()
    with change_record(None, record, actor=record.user) as change:
        scan = make_scan(
            record,
            timezone.localdate() - dt.timedelta(days=2),
            sites=[("lumbar_spine", "none", "0.755", "-2.3", "-1.0")],
        )
        change.audit("create", scan)
    html = client.get(_url(record)).content.decode()
    assert drawn == ["bmd_trend"] and "0.755" in html
