"""The clinician panel at a glance (issue 12, item 4): which items are open, by name,
most severe first, kept true by the write path and the daily run; its CSV export
(every patient the search and filter select, audited, formula-safe); and the query
budgets with 5,000 patients."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.conftest import link, make_patient
from tests.records.factories import make_course, make_scan, panel_patients, settle
from tracker.accounts.models import AuditEvent, Patient
from tracker.dashboard.panel import CSV_HEADERS
from tracker.dashboard.views import PANEL_EXPORT, PANEL_READ
from tracker.records.models import AlertState, PatientSummary
from tracker.reminders.delivery import queue_due

PANEL = "dashboard:panel"
CSV = "dashboard:panel-csv"


def _rows(client, query: str = "") -> list[dict]:
    response = client.get(reverse(CSV) + query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only after a byte order mark
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(lines[0]) == CSV_HEADERS
    return [dict(zip(CSV_HEADERS, line, strict=True)) for line in lines[1:]]


# --- which items are open ----------------------------------------------------------------


def test_panel_names_the_open_items_most_severe_first(client, patient, clinician):
    today = timezone.localdate()
    make_scan(
        patient,
        today - dt.timedelta(days=4 * 365),
        sites=[("lumbar_spine", "none", "0.700", "-2.8", "-1.5")],
    )
    last = today - dt.timedelta(days=300)  # past DMAB-LONG-DELAY, no follow-on drug
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    client.force_login(clinician)
    response = client.get(reverse(PANEL))
    (row,) = response.context["rows"]
    assert {item.rule_id for item in row.open_items[:2]} == {
        "DMAB-LONG-DELAY",
        "DMAB-STOP-NO-TRANSITION",
    }
    html = response.content.decode()
    assert "<strong>Denosumab injection very late</strong>" in html  # alert level stands out
    assert "Denosumab stopped, no transition</strong>" in html and "(Alert)" in html
    assert "Denosumab injection very overdue" not in html  # the patient's title is not used


def test_info_items_are_stored_but_not_on_the_panel(client, patient, clinician):
    # Section 5.1: info is for the patient; the panel names warn and alert items.
    last = timezone.localdate() - dt.timedelta(days=175)  # DMAB-DUE (info) from day 168
    make_scan(patient, timezone.localdate() - dt.timedelta(days=100))
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    stored = PatientSummary.objects.get(patient=patient).open_items
    assert {"rule_id": "DMAB-DUE", "severity": "info", "title": "Denosumab injection due"} in (
        stored
    )
    client.force_login(clinician)
    (row,) = client.get(reverse(PANEL)).context["rows"]
    assert "DMAB-DUE" not in [item.rule_id for item in row.open_items]


def test_an_acknowledged_item_leaves_the_panel(client, patient, clinician):
    last = timezone.localdate() - dt.timedelta(days=230)
    make_scan(patient, timezone.localdate() - dt.timedelta(days=100))
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    client.force_login(clinician)
    (row,) = client.get(reverse(PANEL)).context["rows"]
    assert [item.title for item in row.open_items] == ["Denosumab injection late"]
    before = PatientSummary.objects.get(patient=patient)
    alert_key = next(
        a.key
        for a in client.get(reverse("dashboard:patient", args=[patient.pk])).context["open_alerts"]
        if a.rule_id == "DMAB-LATE"
    )
    response = client.post(
        reverse("reminders:acknowledge", args=[patient.pk]), {"key": alert_key}, follow=True
    )
    assert "Acknowledged: Denosumab injection late (DMAB-LATE)" in response.content.decode()
    assert AlertState.objects.filter(key=alert_key, status="acknowledged").exists()
    (row,) = client.get(reverse(PANEL)).context["rows"]
    assert row.open_items == ()
    # The acknowledgement went through the one write path, which stored the summary anew.
    assert before.record_version < PatientSummary.objects.get(patient=patient).record_version


def test_the_daily_run_names_what_time_alone_opened(client, patient, clinician, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False)
    last = dt.date(2026, 11, 20) - dt.timedelta(days=210)  # DMAB-LATE from tomorrow
    make_scan(patient, dt.date(2026, 6, 1))
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    client.force_login(clinician)
    (row,) = client.get(reverse(PANEL)).context["rows"]
    assert row.open_items == ()
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    queue_due(dt.date(2026, 11, 21))
    client.force_login(clinician)
    (row,) = client.get(reverse(PANEL)).context["rows"]
    assert [item.title for item in row.open_items] == ["Denosumab injection late"]


def test_a_summary_without_items_yet_still_shows_its_counts(client, clinician):
    # Rows stored before issue 12 have counts but no items until the next daily run.
    panel_patients(clinician, 1, open_items=[])
    client.force_login(clinician)
    html = client.get(reverse(PANEL)).content.decode()
    assert "1 alert" in html and "Denosumab stopped" not in html


def test_panel_links_keep_the_search_and_filter_encoded(client, clinician):
    panel_patients(clinician, 30, names=[f"Ann & Co {i}" for i in range(30)])
    client.force_login(clinician)
    html = client.get(reverse(PANEL) + "?q=Ann+%26+Co&filter=alerts").content.decode()
    assert 'href="/patients/export.csv?q=Ann+%26+Co&amp;filter=alerts"' in html
    html = client.get(reverse(PANEL) + "?q=Ann+%26+Co").content.decode()
    assert 'href="?q=Ann+%26+Co&amp;page=2"' in html and len(_rows(client, "?q=Ann+%26+Co")) == 30
    unknown = client.get(reverse(PANEL) + "?filter=nonsense").context
    assert unknown["chosen"] == "" and len(unknown["rows"]) == 25  # an unknown filter: all


# --- the CSV export -----------------------------------------------------------------------


def test_csv_has_every_patient_the_search_and_filter_select(client, clinician, other_clinician):
    panel_patients(clinician, 40)
    mine = Patient.objects.get(user__email="p3@example.com")
    theirs = make_patient("theirs@example.com", "Patient Theirs")
    link(theirs, other_clinician)
    settle(theirs)
    client.force_login(clinician)
    rows = _rows(client)
    assert len(rows) == 40  # all pages, and not the other clinician's patient
    page_one = [row.pk for row in client.get(reverse(PANEL)).context["rows"]]
    assert [int(row["patient_id"]) for row in rows[:25]] == page_one  # the panel's order
    assert [row["name"] for row in _rows(client, "?q=patient 00003")] == ["Patient 00003"]
    late = _rows(client, "?filter=late-denosumab")
    assert [row["name"] for row in late] == [f"Patient {i:05d}" for i in (0, 11, 22, 33)]
    line = next(row for row in rows if int(row["patient_id"]) == mine.pk)
    assert line == {
        "patient_id": str(mine.pk),
        "name": "Patient 00003",
        "age": str(mine.age_on(timezone.localdate())),
        "last_scan_date": "",
        "lowest_t_score": "-2.7",  # a number, not escaped
        "category": "Osteoporosis",
        "current_drug": "",
        "next_due_date": "2027-01-04",
        "next_due_what": "",
        "overdue": "false",
        "alerts": "0",
        "warnings": "0",
        "open_items": "Denosumab stopped · Scan overdue · Denosumab injection late",
        "open_rule_ids": "DMAB-STOP-NO-TRANSITION SCAN-OVERDUE DMAB-LATE",
    }


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-Ann", "'-Ann"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\tTabby", "'\tTabby"),
        ("\rCarrie", "'\rCarrie"),
        ("Ann Plain", "Ann Plain"),
    ],
)
def test_csv_escapes_text_a_spreadsheet_would_run(client, clinician, name, written):
    # OWASP CSV injection: the record CSV's escaping (interop.csv_format), not a second one.
    panel_patients(clinician, 1, names=[name], current_drug="=1+1", next_due_what="-x")
    client.force_login(clinician)
    (row,) = _rows(client)
    assert row["name"] == written
    assert (row["current_drug"], row["next_due_what"]) == ("'=1+1", "'-x")
    assert row["lowest_t_score"] == "-2.7"  # negative T-scores stay numbers


def test_csv_is_a_read_of_each_exported_record(client, clinician, patient):
    exported = panel_patients(clinician, 30)
    settle(patient)  # the cast patient too
    client.force_login(clinician)
    AuditEvent.objects.all().delete()
    assert len(_rows(client)) == 31
    events = AuditEvent.objects.filter(action="view", summary=PANEL_EXPORT)
    assert sorted(events.values_list("patient_id", flat=True)) == sorted(
        [p.pk for p in exported] + [patient.pk]
    )
    assert {(e.actor, e.actor_label, e.ip) for e in events} == {
        (clinician, clinician.email, "127.0.0.1")
    }
    assert events.first().at.date() == timezone.now().date()
    client.force_login(patient.user)
    log = client.get(reverse("accounts:access-log")).content.decode()
    assert "downloaded your line of the clinician&#x27;s patient list" in log
    client.force_login(clinician)
    AuditEvent.objects.all().delete()
    assert len(_rows(client, "?q=patient 0001")) == 10  # patients 00010 to 00019
    assert AuditEvent.objects.filter(summary=PANEL_EXPORT).count() == 10


def test_csv_download_is_named_and_refuses_post(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse(CSV))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="patients-{timezone.localdate().isoformat()}.csv"'
    )
    assert client.post(reverse(CSV)).status_code == 405


# --- query budgets with 5,000 patients ----------------------------------------------------


def test_panel_and_csv_query_budgets_with_5000_patients(
    client, clinician, django_assert_max_num_queries
):
    panel_patients(clinician, 5000)
    client.force_login(clinician)
    url = reverse(PANEL)
    client.get(url)
    cache.clear()  # the panel keeps nothing in the cache: cold costs the same as warm
    for query in (
        "",  # the first page
        "?page=150",  # a deep page
        "?filter=late-denosumab",
        "?q=Patient 0012",
        "?filter=anabolic&page=2",
    ):
        with django_assert_max_num_queries(10):
            response = client.get(url + query)
        assert response.status_code == 200, query
    assert len(response.context["rows"]) == 25  # page 2 of the patients on an anabolic
    assert response.context["sharing"] == 5001
    assert response.context["rows"][0].open_items  # the names come from the summary
    # The export: the session, the user, the two-step device, one INSERT ... SELECT for
    # the audit of every patient exported and one SELECT for the rows, however many.
    late = len(range(0, 5000, 11))
    for query, count in (("", 5000), ("?q=Patient 0012", 10), ("?filter=late-denosumab", late)):
        with django_assert_max_num_queries(5):
            assert len(_rows(client, query)) == count, query
    assert AuditEvent.objects.filter(summary=PANEL_EXPORT).count() == 5000 + 10 + late
    assert AuditEvent.objects.filter(summary=PANEL_READ).count() == 5 * 25 + 10  # pages read
