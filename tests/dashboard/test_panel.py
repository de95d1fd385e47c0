"""The clinician panel at a glance (issue 12, item 4): which items are open, by name,
most severe first, kept true by the write path and the daily run; its CSV export
(every patient the search and filter select, audited, formula-safe); the query
budgets with 5,000 patients; and the panel at any size (issue 13): each clinician's
entries kept by the write path, pages by key, the search folded the same way on
SQLite and PostgreSQL, and every page one range of one index."""

import csv
import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import link, make_patient
from tests.records.factories import make_course, make_scan, panel_patients, settle
from tracker.accounts.models import AuditEvent, CareLink, Patient
from tracker.dashboard.panel import CSV_HEADERS
from tracker.dashboard.views import PANEL_EXPORT, PANEL_READ
from tracker.records import panel_entries
from tracker.records.models import AlertState, PanelEntry, PatientSummary
from tracker.records.search import NAME_KEY_LENGTH, name_key
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
    assert 'href="?q=Ann+%26+Co&amp;page=2&amp;after=' in html  # and the last row's key
    assert len(_rows(client, "?q=Ann+%26+Co")) == 30
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
    deep = client.get(url + "?page=149").context["next_url"]  # page 150, by key
    # The session, the user, the two-step device, the page (with the count of links; a
    # deep page by number also finds where it starts), the audit of the page's reads; a
    # search reads the word index first.
    for query, budget in (
        ("", 5),  # the first page
        (deep, 5),
        ("?page=150", 6),  # a deep page by number
        ("?filter=late-denosumab", 5),
        ("?q=Patient 0012", 6),
        ("?filter=anabolic&page=2", 6),
    ):
        with django_assert_max_num_queries(budget):
            response = client.get(url + query)
        assert response.status_code == 200, query
    assert len(response.context["rows"]) == 25  # page 2 of the patients on an anabolic
    # Counting every link would read all 5,001: the panel counts to 1,001 and says so.
    assert response.context["sharing"] == 1001
    assert "More than 1,000 patients share their record" in response.content.decode()
    assert response.context["rows"][0].open_items  # the names come from the summary
    # The export: the session, the user, the two-step device, one INSERT ... SELECT for
    # the audit of every patient exported and one SELECT for the rows, however many.
    late = len(range(0, 5000, 11))
    for query, count, budget in (
        ("", 5000, 5),
        ("?q=Patient 0012", 10, 6),  # and the word index
        ("?filter=late-denosumab", late, 5),
    ):
        with django_assert_max_num_queries(budget):
            assert len(_rows(client, query)) == count, query
    assert AuditEvent.objects.filter(summary=PANEL_EXPORT).count() == 5000 + 10 + late
    assert AuditEvent.objects.filter(summary=PANEL_READ).count() == 7 * 25 + 10  # pages read


# --- at any size (issue 13): each clinician's entries, pages by key, the search -----------


def _page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context


def _names(context) -> list[str]:
    return [row.name for row in context["rows"]]


def _all_pages(client, url: str = "") -> list:
    """Every page from the first, following the Next links; the contexts in order."""
    pages = [_page(client, reverse(PANEL) + url)]
    while pages[-1]["next_url"]:
        pages.append(_page(client, reverse(PANEL) + pages[-1]["next_url"]))
    return pages


def test_next_links_go_by_key_and_cover_every_patient_once_in_the_export_order(
    client, clinician, other_clinician
):
    panel_patients(clinician, 80)
    panel_patients(other_clinician, 30, prefix="theirs")  # on another panel: never here
    client.force_login(clinician)
    pages = _all_pages(client)
    assert [page["number"] for page in pages] == [1, 2, 3, 4]
    assert all("&after=" in page["next_url"] for page in pages[:-1])
    listed = [row.pk for page in pages for row in page["rows"]]
    assert len(listed) == len(set(listed)) == 80
    assert listed == [int(row["patient_id"]) for row in _rows(client)]  # the CSV's order
    # A page number alone (a typed address) shows the rows the keyed link shows.
    assert [row.pk for row in _page(client, reverse(PANEL) + "?page=3")["rows"]] == [
        row.pk for row in pages[2]["rows"]
    ]
    assert client.get(reverse(PANEL) + "?page=5").status_code == 404  # past the end


def test_previous_links_go_back_to_the_same_pages(client, clinician):
    panel_patients(clinician, 80)
    client.force_login(clinician)
    pages = _all_pages(client)
    assert pages[0]["previous_url"] is None  # page 1 has none
    assert pages[1]["previous_url"] == reverse(PANEL)  # page 2's: page 1's own address
    back = pages[3]
    for number in (3, 2, 1):
        assert "&before=" in back["previous_url"] or number == 1
        back = _page(client, reverse(PANEL) + back["previous_url"].removeprefix(reverse(PANEL)))
        assert back["number"] == number
        assert [row.pk for row in back["rows"]] == [row.pk for row in pages[number - 1]["rows"]]


def test_keys_keep_the_search_and_the_filter(client, clinician):
    panel_patients(clinician, 60, names=[f"Ann Smith {i}" for i in range(60)])
    client.force_login(clinician)
    pages = _all_pages(client, "?q=smith&filter=alerts")
    assert all(page["next_url"].startswith("?q=smith&filter=alerts&page=") for page in pages[:-1])
    shown = [row.pk for page in pages for row in page["rows"]]
    assert shown == [int(row["patient_id"]) for row in _rows(client, "?q=smith&filter=alerts")]
    assert len(shown) == len([i for i in range(60) if i % 97 == 0 or i % 3])  # alerts: a warning


def test_a_malformed_key_is_ignored_and_the_number_decides(client, clinician):
    panel_patients(clinician, 30)
    client.force_login(clinician)
    second = [row.pk for row in _page(client, reverse(PANEL) + "?page=2")["rows"]]
    for key in (
        "nonsense",
        "1_2_3",
        "-1_2027-13-01_5",
        "1_2027-01-01",
        "x_2027-01-01_5",
        "1_2027-01-01_" + "9" * 30,  # more than any database integer
    ):
        context = _page(client, reverse(PANEL) + f"?page=2&after={key}")
        assert [row.pk for row in context["rows"]] == second, key


def test_urgency_order_is_the_same_on_every_database(client, clinician):
    # Alert-level first, then overdue, then warnings, then the soonest due date, then
    # nothing due (section 5.1's severities; an empty date sorts last everywhere).
    patients = panel_patients(
        clinician, 6, names=["Nothing due", "Due later", "Due soon", "Warned", "Overdue", "Alert"]
    )
    summaries = PatientSummary.objects.filter(patient__in=patients)
    summaries.update(alert_count=0, warn_count=0, overdue=False)
    soon = dt.date(2027, 1, 1)
    for patient, values in zip(
        patients,
        [
            {"next_due_date": None},
            {"next_due_date": soon + dt.timedelta(days=30)},
            {"next_due_date": soon},
            {"warn_count": 2, "next_due_date": None},
            {"overdue": True, "next_due_date": soon},
            {"alert_count": 1, "next_due_date": None},
        ],
        strict=True,
    ):
        PatientSummary.objects.filter(patient=patient).update(**values)
    panel_entries.rebuild([patient.pk for patient in patients])
    client.force_login(clinician)
    assert _names(_page(client, reverse(PANEL))) == [
        "Alert",
        "Overdue",
        "Warned",
        "Due soon",
        "Due later",
        "Nothing due",
    ]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("smith", ["Ann Smith-Jones", "Zoë Smithers"]),
        ("SMI", ["Ann Smith-Jones", "Zoë Smithers"]),
        ("jones ann", ["Ann Smith-Jones"]),  # every word, in any order
        ("ann-s", ["Ann Smith-Jones"]),
        ("zoe", ["Zoë Smithers"]),  # accents are not needed
        ("ZOË", ["Zoë Smithers"]),  # upper case beyond ASCII, on SQLite as on PostgreSQL
        ("obrien", ["Seán O'Brien"]),
        ("o'brien", ["Seán O'Brien"]),
        ("sean", ["Seán O'Brien"]),
        ("mith", []),  # the start of a word, not its middle
        ("100%", []),  # LIKE's wildcards are not wildcards
        ("_", ["Ann Smith-Jones", "Seán O'Brien", "Zoë Smithers"]),  # no word: everyone
    ],
)
def test_search_finds_the_start_of_any_word_folded(client, clinician, query, found):
    panel_patients(clinician, 3, names=["Ann Smith-Jones", "Zoë Smithers", "Seán O'Brien"])
    client.force_login(clinician)
    context = _page(client, reverse(PANEL) + "?" + urlencode({"q": query}))
    assert sorted(_names(context)) == found
    assert sorted(row["name"] for row in _rows(client, "?" + urlencode({"q": query}))) == found


def test_a_clinicians_panel_lists_only_their_patients(client, clinician, other_clinician):
    mine = panel_patients(clinician, 3, names=["Mine A", "Mine B", "Mine C"])
    panel_patients(other_clinician, 40, prefix="theirs")
    client.force_login(clinician)
    context = _page(client, reverse(PANEL))
    assert sorted(row.pk for row in context["rows"]) == sorted(p.pk for p in mine)
    assert context["next_url"] is None and context["sharing"] == 4  # with the cast patient
    assert _page(client, reverse(PANEL) + "?q=theirs")["rows"] == []


def test_the_gate_decides_even_where_an_entry_is_stale(client, clinician, other_clinician):
    # An entry is an index, not the rule: one left over from a link ended outside the
    # write path, or for a deactivated account, lists nobody.
    (theirs,) = panel_patients(other_clinician, 1, prefix="theirs")
    ended = panel_patients(clinician, 2, names=["Ended link", "Deactivated"])
    stale = PanelEntry.objects.get(patient=theirs)
    PanelEntry.objects.create(
        **{f.attname: getattr(stale, f.attname) for f in PanelEntry._meta.concrete_fields[1:]}
        | {"clinician_id": clinician.pk}
    )
    CareLink.objects.filter(patient=ended[0], clinician=clinician).update(status="ended")
    ended[1].user.__class__.objects.filter(pk=ended[1].user_id).update(is_active=False)
    client.force_login(clinician)
    assert _names(_page(client, reverse(PANEL))) == []
    assert _rows(client) == []


def test_the_write_path_keeps_the_entries(client, clinician):
    patient = make_patient("new@example.com", "Nora New")
    settle(patient)  # a summary, but no link yet: on nobody's panel
    assert not PanelEntry.objects.filter(patient=patient).exists()
    link(patient, clinician)
    settle(patient)  # a link is made through the write path (accounts.sharing)
    assert list(PanelEntry.objects.filter(patient=patient).values_list("clinician", flat=True)) == [
        clinician.pk
    ]
    client.force_login(patient.user)
    care_link = CareLink.objects.get(patient=patient, clinician=clinician)
    client.post(reverse("accounts:link-end", args=[care_link.pk]))  # the patient ends it
    assert not PanelEntry.objects.filter(patient=patient).exists()
    client.force_login(clinician)
    assert _page(client, reverse(PANEL) + "?q=nora")["rows"] == []


def test_a_change_that_moves_nothing_on_the_panel_leaves_its_entries(clinician):
    """The write path's rebuild compares first: an entry the same as before is not
    rewritten (issue 13 item 6); one whose summary moved is."""
    patient = make_patient("same@example.com", "Sam Same")
    link(patient, clinician)
    settle(patient)
    entry = PanelEntry.objects.get(patient=patient)
    words = sorted(panel_entries.PanelWord.objects.filter(patient=patient).values_list("pk"))
    with CaptureQueriesContext(connection) as queries:
        settle(patient)
    assert not [q for q in queries.captured_queries if "DELETE" in q["sql"] and "panel" in q["sql"]]
    assert PanelEntry.objects.get(patient=patient).pk == entry.pk
    assert sorted(panel_entries.PanelWord.objects.filter(patient=patient).values_list("pk")) == (
        words
    )
    make_scan(patient, timezone.localdate() - dt.timedelta(days=30))
    settle(patient)  # a first scan: the next date moves, and the entry follows
    moved = PanelEntry.objects.get(patient=patient)
    assert moved.pk != entry.pk
    assert (moved.urgency, moved.due_order) != (entry.urgency, entry.due_order)


def test_a_new_name_is_found_after_the_change_that_made_it(client, clinician, patient):
    settle(patient)
    patient.user.full_name = "Renée Renamed"
    patient.user.save()
    settle(patient)  # an admin's change to a patient's account goes through the write path
    client.force_login(clinician)
    assert _names(_page(client, reverse(PANEL) + "?q=renee")) == ["Renée Renamed"]
    assert _page(client, reverse(PANEL) + "?q=pat")["rows"] == []


def test_the_daily_run_puts_patients_loaded_in_bulk_on_their_panels(client, clinician):
    # Summaries first made by sendreminders (a bulk load, the bench) are on the panel
    # and found by name the same day.
    patient = make_patient("bulk@example.com", "Bea Bulk")
    link(patient, clinician)
    assert not PatientSummary.objects.filter(patient=patient).exists()
    queue_due(timezone.localdate())
    client.force_login(clinician)
    assert _names(_page(client, reverse(PANEL) + "?q=bea")) == ["Bea Bulk"]


def test_a_name_that_folds_into_many_characters_is_kept_short_enough_to_index(clinician):
    # U+FDFA folds (NFKD) into 18 letters: 150 of them would not fit in an index entry.
    (patient,) = panel_patients(clinician, 1, names=["\ufdfa" * 150])
    settle(patient)  # the write path stores the folded name and the entry
    stored = PanelEntry.objects.get(patient=patient).search_name
    assert len(stored) == NAME_KEY_LENGTH and len(name_key("Ann " * 37)) == 37 * 4


def test_names_are_escaped_in_the_rows(client, clinician):
    panel_patients(clinician, 1, names=['<script>alert("x")</script> & Co'])
    client.force_login(clinician)
    html = client.get(reverse(PANEL)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</a>" in html


def test_each_page_reads_one_range_of_the_clinicians_index(client, clinician):
    # The plan, not a timing: every page of the panel (the first, by key, by number, a
    # search, a filter) can be read from the clinician's range of panel_order, in
    # order, on either database. (PostgreSQL would sort 60 rows rather than use an
    # index; told to avoid sorts and full scans, it shows that the index serves.)
    panel_patients(clinician, 60)
    client.force_login(clinician)
    pages = _all_pages(client)
    for url in ("", pages[1]["next_url"], "?page=3", "?q=patient 0001", "?filter=anabolic"):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(PANEL) + url)
        reads = [q["sql"] for q in queries.captured_queries if "records_panelentry" in q["sql"]]
        assert reads, url
        for sql in reads:
            assert "panel_order" in _plan(sql), (url, _plan(sql))


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql)
        return " ".join(str(line) for line in cursor.fetchall())


# --- the search at any size (issue 13, item 8): the word index ----------------------------

SEARCH_NAMES = ["Ann Smith", "Ann Smithers", "Anna Jones", "Bob Annan", "Cy Smith"]


@pytest.mark.parametrize("few", [1, 2, 500])  # past `few` names a word is read in order
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ann", ["Ann Smith", "Ann Smithers", "Anna Jones", "Bob Annan"]),
        ("ann smith", ["Ann Smith", "Ann Smithers"]),
        ("smith ann", ["Ann Smith", "Ann Smithers"]),
        ("smithers", ["Ann Smithers"]),
        ("cy", ["Cy Smith"]),
        ("zed", []),
        ("ann zed", []),
    ],
)
def test_the_search_finds_the_same_through_the_word_index_or_the_walk(
    client, clinician, other_clinician, monkeypatch, few, query, found
):
    panel_patients(clinician, 5, names=SEARCH_NAMES)
    panel_patients(
        other_clinician, 3, names=["Ann Theirs", "Smith Theirs", "Cy Theirs"], prefix="theirs"
    )
    monkeypatch.setattr(panel_entries, "FEW_MATCHES", few)
    client.force_login(clinician)
    context = _page(client, reverse(PANEL) + "?" + urlencode({"q": query}))
    assert sorted(_names(context)) == found
    assert sorted(row["name"] for row in _rows(client, "?" + urlencode({"q": query}))) == found


def test_the_word_index_follows_the_names_and_the_links(client, clinician, other_clinician):
    (patient,) = panel_patients(clinician, 1, names=["Olga Old-Name"])
    words = panel_entries.PanelWord.objects.filter(patient=patient)
    assert sorted(words.values_list("word", flat=True)) == ["name", "old", "olga"]
    patient.user.full_name = "Nina New"
    patient.user.save()
    link(patient, other_clinician)
    settle(patient)  # the change goes through the write path
    assert sorted(words.values_list("clinician_id", "word")) == sorted(
        (clinician_id, word)
        for clinician_id in (clinician.pk, other_clinician.pk)
        for word in ("new", "nina")
    )
    CareLink.objects.filter(patient=patient, clinician=clinician).update(status="ended")
    settle(patient)
    assert set(words.values_list("clinician_id", flat=True)) == {other_clinician.pk}


def test_a_sparse_search_reads_the_word_index(client, clinician):
    # The plan, not a timing: the words typed are looked up in panel_word, a range of
    # the clinician's words, on either database.
    panel_patients(clinician, 60)
    client.force_login(clinician)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(PANEL) + "?q=patient 0001")
    (lookup,) = [q["sql"] for q in queries.captured_queries if "records_panelword" in q["sql"]]
    assert "panel_word" in _plan(lookup)
