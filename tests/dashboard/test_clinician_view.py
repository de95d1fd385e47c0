"""A clinician's view of a record (issue 12, item 5): their alerts, acknowledgements and
settings come first, in the clinician's words (short title, line, rule id, source, the
rule book's link), never in the patient's ("You have lost height"); the patient's own
view is as it was."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import seed_demo
from tests.records.factories import make_course, make_scan, settle
from tracker.accounts.models import Patient, User
from tracker.clinical.assess import assess
from tracker.records.history import load_history
from tracker.records.management.commands.seed_demo import CLINICIAN
from tracker.records.summary import open_alerts

SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


def _items(html: str) -> dict[str, str]:
    """Each alert on the page by rule id: its card's visible text."""
    found = {}
    cards = re.findall(r'<li class="card[^"]*" data-rule="([^"]+)">(.*?)</li>', html, re.S)
    for rule_id, block in cards:
        found.setdefault(rule_id, "")
        found[rule_id] += " ".join(re.sub(r"<[^>]+>", " ", block).split()) + "\n"
    return found


def _check_clinician_page(client, patient) -> set[str]:
    """The clinician's dashboard of `patient` against every alert the engine raises."""
    today = timezone.localdate()
    html = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    alerts = assess(load_history(patient), today).alerts
    for alert in alerts:  # info items too: none of the patient's wording, anywhere
        for text in (alert.title, alert.explanation):
            if SECOND_PERSON.search(text):
                assert escape(text) not in html, (alert.rule_id, text)
    items = _items(html)
    shown = open_alerts(patient, alerts, today, for_clinician=True)
    assert set(items) == {alert.rule_id for alert in shown}
    for alert in shown:
        text = items[alert.rule_id]
        assert not SECOND_PERSON.search(text), (alert.rule_id, text)
        for words in (alert.clinician_title, alert.clinician_line, alert.source, alert.rule_id):
            assert " ".join(escape(words).split()) in text, (alert.rule_id, words)
        assert f'href="{reverse("learn:rules")}#rule-{alert.rule_id}"' in html
    return set(items)


def test_the_demo_clinician_reads_clinician_words_only(client, db):
    seed_demo()
    clinician = User.objects.get(email=CLINICIAN[0])
    client.force_login(clinician)
    seen = set()
    for patient in Patient.objects.visible_to(clinician):
        seen |= _check_clinician_page(client, patient)
    # The demo's open items include the example, "You have lost height".
    assert {"DMAB-LATE", "HEIGHT-LOSS", "ROMO-COURSE-END"} <= seen


def test_the_cast_s_alerts_read_in_clinician_words(client, patient, clinician, entries):
    # One entry of every kind: denosumab long stopped, a fracture, a stroke and more.
    patient.tallest_height_cm = "170.0"
    patient.save()
    settle(patient)
    client.force_login(clinician)
    seen = _check_clinician_page(client, patient)
    assert {"DMAB-LONG-DELAY", "DMAB-STOP-NO-TRANSITION", "HEIGHT-LOSS"} <= seen


@pytest.fixture
def late(patient):
    last = timezone.localdate() - dt.timedelta(days=230)
    make_scan(patient, timezone.localdate() - dt.timedelta(days=100))
    make_course(patient, "denosumab", last, doses=[last])
    settle(patient)
    return patient


def _at(html: str, *marks: str) -> list[int]:
    return [html.index(mark) for mark in marks]


def test_the_clinician_s_controls_come_before_the_record(client, late, clinician):
    client.force_login(clinician)
    html = client.get(reverse("dashboard:patient", args=[late.pk])).content.decode()
    alerts, controls, summary, add = _at(
        html, 'id="alerts-h"', 'id="controls-h"', 'aria-label="Summary"', 'id="add-h"'
    )
    assert alerts < controls < summary < add  # a side column from a large screen on
    assert "clinician-column" in html and "Acknowledge" in html
    assert "The patient's questions for the next visit" in html
    assert "Questions for my next visit" not in html


def test_the_patient_s_own_view_is_unchanged(client, late):
    client.force_login(late.user)
    html = client.get(reverse("dashboard:patient", args=[late.pk])).content.decode()
    alerts, summary = _at(html, 'id="alerts-h"', 'aria-label="Summary"')
    assert alerts < summary  # the most urgent first (issue 11)
    assert "controls-h" not in html and "clinician-column" not in html
    assert "Denosumab injection is late" in html and "Book the injection" in html
    assert "DMAB-LATE" not in re.sub(r"<[^>]+>", " ", html)  # no rule id in the text
    assert "Denosumab late:" not in html  # the clinician's line is the clinician's
    assert "Questions for my next visit" in html
