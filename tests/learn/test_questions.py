"""Questions for my next visit (issue 11, item 3): each kind of question from a
history that produces it, the page, the print view and the dashboard link."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.records.factories import big_history, make_course, make_scan, settle
from tracker.clinical.assess import assess
from tracker.learn.questions import build
from tracker.records.history import load_history

TODAY = dt.date(2026, 3, 2)
SPINE_DROP = (
    ("lumbar_spine", "none", "0.799", "-2.3", "-1.0"),
    ("total_hip", "left", "0.780", "-1.3", "-0.2"),
    ("femoral_neck", "left", "0.650", "-1.7", "-0.4"),
)


def questions_for(patient, today=TODAY) -> list[str]:
    assessment = assess(load_history(patient), today)
    return [question.text for question in build(assessment, list(assessment.alerts))]


@pytest.fixture
def on_the_clock(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)


def test_five_years_of_alendronate_asks_about_a_break(patient):
    make_scan(patient, dt.date(2025, 6, 1))
    make_course(patient, "alendronate", start=dt.date(2020, 6, 1))
    assert (
        "Ask whether to continue alendronate or take a break (you have taken it for 5 years)."
        in questions_for(patient)
    )


def test_a_late_denosumab_injection_asks_for_a_booking(patient):
    make_scan(patient, dt.date(2025, 6, 1))
    make_course(patient, "denosumab", start=dt.date(2025, 1, 10), doses=[dt.date(2025, 7, 1)])
    # Due 182 days after the dose actually given.
    assert (
        "Ask when your next denosumab injection can be booked: it was due on 30 Dec 2025."
        in questions_for(patient)
    )


def test_a_real_drop_asks_what_the_scan_means(patient):
    make_scan(patient, dt.date(2024, 1, 10))
    make_scan(patient, dt.date(2026, 1, 10), sites=SPINE_DROP)
    assert (
        "Ask what your latest scan means: your spine bone density went down by 6.0 %, "
        "more than the margin of error." in questions_for(patient)
    )


def test_a_change_within_the_margin_says_so(patient):
    make_scan(patient, dt.date(2024, 1, 10))
    make_scan(patient, dt.date(2026, 1, 10))
    assert (
        "Ask what your latest scan means: no change was bigger than the margin of error."
        in questions_for(patient)
    )


def test_one_scan_asks_no_change_question(patient):
    make_scan(patient, dt.date(2026, 1, 10))
    assert not [q for q in questions_for(patient) if "latest scan" in q]


def test_the_next_scan_is_asked_with_its_date(patient):
    make_scan(patient, dt.date(2025, 6, 1))
    make_course(patient, "alendronate", start=dt.date(2025, 1, 1))
    due = assess(load_history(patient), TODAY).next_scan.due_date
    assert due is not None
    expected = (
        f"Your next bone density scan is due on {due.day} {due:%b %Y}: ask whether to book it."
    )
    assert questions_for(patient)[-1] == expected


def test_no_scan_asks_for_a_first_one(patient):
    # Born 1955: a woman of 65 or more with no scan on record.
    assert questions_for(patient) == ["Ask whether you need a first bone density scan."]


def test_every_question_links_to_a_learn_page(patient):
    make_course(patient, "denosumab", start=dt.date(2025, 1, 10), doses=[dt.date(2025, 7, 1)])
    assessment = assess(load_history(patient), TODAY)
    for question in build(assessment, list(assessment.alerts)):
        assert question.url.startswith("/learn/")


def test_page_shows_the_questions_and_a_print_button(as_role, patient, on_the_clock):
    make_scan(patient, dt.date(2025, 6, 1))
    make_course(patient, "alendronate", start=dt.date(2020, 6, 1))
    settle(patient)
    html = as_role("owner").get(reverse("learn:questions", args=[patient.pk])).content.decode()
    assert "Ask whether to continue alendronate or take a break" in html
    assert 'id="print-button"' in html and "js/print.js" in html
    assert "style=" not in html.split('id="main"')[1]
    assert "For information; decisions belong to you and your clinician." in html


def test_print_view_and_dashboard_carry_the_questions(as_role, patient, on_the_clock):
    make_scan(patient, dt.date(2025, 6, 1))
    make_course(patient, "alendronate", start=dt.date(2020, 6, 1))
    settle(patient)
    client = as_role("owner")
    printed = client.get(reverse("dashboard:print", args=[patient.pk])).content.decode()
    assert "Questions for my next visit" in printed
    assert "Ask whether to continue alendronate or take a break" in printed
    dashboard = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    assert reverse("learn:questions", args=[patient.pk]) in dashboard


def test_questions_query_budget(as_role, patient, on_the_clock, django_assert_max_num_queries):
    """25 years of record: the same few queries warm (the assessment cached by the
    record's version) and cold."""
    big_history(patient, today=TODAY)
    settle(patient)
    client = as_role("owner")
    url = reverse("learn:questions", args=[patient.pk])
    cache.clear()
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


def test_an_overdue_scan_is_asked_as_overdue(patient):
    make_scan(patient, dt.date(2022, 6, 1))
    make_course(patient, "alendronate", start=dt.date(2022, 1, 1))
    due = assess(load_history(patient), TODAY).next_scan.due_date
    assert due < TODAY
    expected = f"Your next bone density scan was due on {due.day} {due:%b %Y}: ask to book it."
    assert expected in questions_for(patient)
