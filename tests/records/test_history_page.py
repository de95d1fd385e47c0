"""The history page (issue 13): every kind of entry, newest first, a page at a time,
in a fixed number of queries at any depth (tracker.records.history_list)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_user
from tests.records.factories import big_history
from tracker.records import models as m
from tracker.records.history import history_page
from tracker.records.kinds import KINDS

TODAY = dt.date(2026, 11, 21)


def _url(patient) -> str:
    return reverse("records:history", args=[patient.pk])


def _listed(page_entries) -> list[tuple[str, int]]:
    return [(kind.slug, entry.pk) for kind, entry in page_entries]


def test_every_kind_is_listed_newest_first_with_a_link_to_its_page(client, patient, entries):
    assert set(entries) == set(KINDS)  # the fixture has one entry of every kind
    client.force_login(patient.user)
    response = client.get(_url(patient))
    shown = response.context["entries"]
    assert sorted(_listed(shown)) == sorted((slug, entry.pk) for slug, entry in entries.items())
    days = [entry.date for _, entry in shown]
    assert days == sorted(days, reverse=True)
    html = response.content.decode()
    for slug, entry in entries.items():
        url = (
            reverse("records:scan", args=[patient.pk, entry.pk])
            if slug == "scans"
            else reverse("records:detail", args=[patient.pk, slug, entry.pk])
        )
        assert f'<a href="{url}">{entry}</a> <span class="badge text-bg-light">' in html


def test_a_row_reads_as_the_template_wrote_it(client, patient, entries):
    client.force_login(patient.user)
    html = client.get(_url(patient) + "?kind=scans").content.decode()
    scan = entries["scans"]
    assert (
        '<tr><td class="text-nowrap">2 May 2024</td>'
        f'<td><a href="/patients/{patient.pk}/scans/{scan.pk}/">DXA scan 02 May 2024</a> '
        '<span class="badge text-bg-light">DXA scans</span></td>'
        '<td class="small">self-reported</td></tr>'
    ) in html


def test_pages_neither_repeat_nor_skip_an_entry(patient, entries):
    # Heights, labs and the FRAX result share a day, and ids repeat across tables.
    seen = []
    for number in range(1, 7):
        page, shown = history_page(patient, kind=None, page=str(number), per_page=2)
        assert page.number == number and page.paginator.num_pages == 6
        seen += _listed(shown)
    assert len(seen) == len(set(seen)) == len(KINDS)
    again = [
        _listed(history_page(patient, kind=None, page=str(n), per_page=2)[1]) for n in range(1, 7)
    ]
    assert sum(again, []) == seen  # the same order every time


@pytest.mark.parametrize(
    "asked, number",
    [
        ("4", 3),  # past the end: the last page, as Django's Paginator.get_page
        ("0", 3),
        ("-1", 3),
        ("9" * 40, 3),
        ("abc", 1),  # not a number: the first page
        (None, 1),
        ("1e400", 1),
        ("2", 2),
    ],
)
def test_a_page_number_out_of_range_is_the_last_page(patient, entries, asked, number):
    page, shown = history_page(patient, kind=None, page=asked, per_page=5)
    assert page.number == number
    assert _listed(shown) == _listed(
        history_page(patient, kind=None, page=str(number), per_page=5)[1]
    )
    assert len(shown) == (1 if number == 3 else 5)


def test_an_empty_record_and_an_empty_kind(client, patient):
    client.force_login(patient.user)
    for url in (_url(patient), _url(patient) + "?kind=frax&page=3"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Nothing recorded yet." in response.content.decode()
        assert response.context["page"].number == 1


def test_a_filter_lists_its_kind_only_and_an_unknown_kind_lists_everything(patient, entries):
    for slug in KINDS:
        _, shown = history_page(patient, kind=slug, page=None)
        assert _listed(shown) == [(slug, entries[slug].pk)]
    _, shown = history_page(patient, kind="nonsense", page=None)
    assert len(shown) == len(KINDS)


def test_who_entered_each_entry_with_the_name_escaped(client, patient, clinician):
    clinician.full_name = "Dr <b>Bold</b>"
    clinician.save()
    common = {"patient": patient, "date": dt.date(2026, 1, 5)}
    m.Fall.objects.create(entered_by=patient.user, **common)
    m.Fall.objects.create(entered_by=clinician, **common)
    m.Fall.objects.create(entered_by=None, **common)
    client.force_login(patient.user)
    html = client.get(_url(patient)).content.decode()
    assert '<td class="small">self-reported</td>' in html
    assert '<td class="small">Dr &lt;b&gt;Bold&lt;/b&gt;</td>' in html
    assert '<td class="small">unknown</td>' in html


def _queries(client, url) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["entries"]


def test_a_deep_page_costs_what_the_first_costs(client, patient):
    big_history(patient, today=TODAY)
    client.force_login(patient.user)
    client.get(_url(patient))  # warm the session
    for query in ("", "?page=40", "?page=200", "?kind=exercise&page=150", "?kind=doses&page=6"):
        count, shown = _queries(client, _url(patient) + query)
        kinds = {kind.slug for kind, _ in shown}
        assert shown, query
        # session, user, the gate, the count, the page, then one query per kind on it
        assert count == 5 + len(kinds), (query, count, kinds)


def test_the_clinician_reads_it_in_a_fixed_budget_and_it_is_audited(client, patient, clinician):
    big_history(patient, today=TODAY, entered_by=clinician)
    client.force_login(clinician)
    client.get(_url(patient))
    count, shown = _queries(client, _url(patient) + "?page=40")
    kinds = {kind.slug for kind, _ in shown}
    # the patient's 5 + one per kind, and the clinician's extra: their second step,
    # the audit's INSERT, and the names of those who entered the page (one query)
    assert count <= 8 + len(kinds), (count, kinds)
    assert all(entry.entered_by_label() == clinician.full_name for _, entry in shown)


def test_a_clinicians_read_is_in_the_patients_audit(client, patient, clinician):
    from tracker.accounts.models import AuditEvent

    client.force_login(clinician)
    client.get(_url(patient))
    assert AuditEvent.objects.filter(
        patient=patient, actor=clinician, summary="opened the history of your record"
    ).exists()


def test_someone_else_cannot_read_it(client, patient, entries):
    stranger = make_user("stranger@example.com", "Stranger", "patient")
    client.force_login(stranger)
    assert client.get(_url(patient)).status_code == 404
