"""What each drug did on the dashboard and the print view (issue 12, item 6): plain
words for the patient, the LSC and sections for a clinician, and no extra query."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboard.test_plain_words import visible_text
from tests.records.factories import big_history, make_course, make_scan, settle
from tracker.dashboard import tables
from tracker.learn import topics

TODAY = dt.date(2026, 11, 21)
HEADING = "What each drug did"


@pytest.fixture
def treated(patient, time_machine):
    """Alendronate with a real gain at the spine and a small one at the hip; then denosumab
    with no scan yet."""
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    make_scan(
        patient,
        dt.date(2019, 1, 10),
        sites=[
            ("lumbar_spine", "none", "0.800", "-2.3", "-1.0"),
            ("total_hip", "left", "0.700", "-2.0", "-0.9"),
        ],
    )
    make_scan(
        patient,
        dt.date(2023, 1, 10),
        sites=[
            ("lumbar_spine", "none", "0.850", "-1.8", "-0.6"),
            ("total_hip", "left", "0.710", "-1.9", "-0.8"),
        ],
    )
    make_course(patient, "alendronate", dt.date(2019, 2, 1), end=dt.date(2024, 1, 31))
    make_course(patient, "denosumab", dt.date(2024, 2, 1))
    settle(patient)
    return patient


def _section(html: str) -> str:
    """The text of the "What each drug did" part, up to the end of its section."""
    text = " ".join(visible_text(html).split()).replace(" ,", ",")
    start = text.index(HEADING)
    return text[start : text.index("Medication", start)]


@pytest.mark.parametrize("name", ["dashboard:patient", "dashboard:print"])
def test_the_patient_reads_plain_words(client, treated, name):
    client.force_login(treated.user)
    html = client.get(reverse(name, args=[treated.pk])).content.decode()
    part = _section(html)
    assert "Alendronate, 1 Feb 2019 to 31 Jan 2024" in part
    assert "Scan of 10 Jan 2019 compared with the scan of 10 Jan 2023" in part
    assert "+6.3 %" in part and "A real change" in part  # spine, 5.3 % default margin
    assert "+1.4 %" in part and "Within the margin of error" in part  # hip
    assert "Denosumab, 1 Feb 2024 to now" in part
    assert "No scan during it yet, so no change to show." in part
    for word in ("LSC", "BMD", "section", "significant"):
        assert word not in part, word
    assert f'href="{topics.part_url("response-table")}"' in html


@pytest.mark.parametrize("name", ["dashboard:patient", "dashboard:print"])
def test_the_clinician_reads_the_lsc_and_the_rule(client, treated, clinician, name):
    client.force_login(clinician)
    html = client.get(reverse(name, args=[treated.pk])).content.decode()
    part = _section(html)
    assert "Significant (≥ LSC)" in part and "Not significant (< LSC)" in part
    assert "LSC 5.3 % (default, estimated)" in part
    assert "No scan during the course yet" in part and "section 11.28" in part
    assert f"{reverse('learn:rules')}#convention-11-28" in html


def test_each_role_gets_its_own_cached_words(client, treated, clinician):
    url = reverse("dashboard:patient", args=[treated.pk])
    client.force_login(clinician)
    assert "LSC" in _section(client.get(url).content.decode())
    client.force_login(treated.user)
    assert "LSC" not in _section(client.get(url).content.decode())
    client.force_login(clinician)
    assert "LSC" in _section(client.get(url).content.decode())


def test_no_table_without_a_course(client, patient):
    make_scan(patient, dt.date(2023, 1, 10), sites=[("lumbar_spine", "none", "0.8", "-2.3", "-1")])
    settle(patient)
    client.force_login(patient.user)
    html = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert HEADING not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("viewer", ["owner", "clinician"])
def test_the_table_costs_no_query_warm_or_cold(
    client, patient, clinician, time_machine, monkeypatch, viewer
):
    """25 years of records: the page costs the same with the table as without it, warm
    (cached fragments) and after a change to the record (the picture is rebuilt)."""
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    big_history(patient, today=TODAY)
    settle(patient)
    client.force_login(patient.user if viewer == "owner" else clinician)
    url = reverse("dashboard:patient", args=[patient.pk])
    client.get(url)  # the first request after signing in has its own costs

    def counts():
        cache.clear()
        first = _queries(client, url)
        warm = _queries(client, url)
        settle(patient)
        after_change = _queries(client, url)
        return first, warm, after_change, client.get(url).content.decode()

    with_table = counts()
    assert HEADING in with_table[3]
    empty = tables.ResponseTable(courses=[])
    monkeypatch.setattr(tables, "response_table", lambda responses: empty)
    without = counts()
    assert HEADING not in without[3]
    assert with_table[:3] == without[:3]
    assert with_table[1] <= 6  # the warm budget of test_views
