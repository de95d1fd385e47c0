"""Issue 11, items 2, 6 and 10: patients' pages link every term to its learn page and
show no rule ids, source codes or ISO dates; clinicians still see rule ids and sources;
an empty chart says what will appear there."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.records.factories import big_history, settle
from tracker.learn import topics

TODAY = dt.date(2026, 11, 21)
RULE_ID = re.compile(r"\b[A-Z]{2,}-[A-Z]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Text(HTMLParser):
    """The visible text: no attributes, scripts (chart data) or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def big(patient, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC))
    big_history(patient, today=TODAY)
    settle(patient)
    return patient


def _get(client, user, name, patient):
    client.force_login(user)
    response = client.get(reverse(name, args=[patient.pk]))
    assert response.status_code == 200
    return response, response.content.decode()


@pytest.mark.parametrize("name", ["dashboard:patient", "dashboard:print"])
def test_patient_sees_words_and_learn_links_not_rule_ids(client, big, name):
    response, html = _get(client, big.user, name, big)
    text = visible_text(html)
    alerts = response.context["open_alerts"]
    assert alerts, "the big history has open alerts"
    assert not RULE_ID.findall(text), RULE_ID.findall(text)
    for word in ("Gourlay", "Source:", "LSC", "estimated LSC"):
        assert word not in text, word
    for alert in alerts:
        assert f'href="{topics.rule_url(alert.rule_id)}"' in html, alert.rule_id
    assert html.count("What this means") >= len(alerts)
    for part in (
        "latest-scan",
        "standing-diagnosis",
        "next-scan",
        "treatment",
        "targets",
        "bmd-chart",
        "change-table",
        "medication-chart",
        "exercise-chart",
        "height-chart",
    ):
        assert f'href="{topics.part_url(part)}"' in html, part
    assert f"{reverse('learn:rules')}#rule-" not in html  # the rule book's entries: clinicians


@pytest.mark.parametrize("name", ["dashboard:patient", "dashboard:print"])
def test_clinician_still_sees_rule_ids_and_sources(client, big, clinician, name):
    response, html = _get(client, clinician, name, big)
    text = visible_text(html)
    for alert in response.context["open_alerts"]:
        assert alert.rule_id in text
    assert "Source:" in text
    if name == "dashboard:patient":
        assert f"{reverse('learn:rules')}#rule-" in html


@pytest.mark.parametrize("name", ["dashboard:patient", "dashboard:print", "records:history"])
def test_patient_pages_write_no_iso_dates(client, big, name):
    _, html = _get(client, big.user, name, big)
    text = visible_text(html)
    assert not ISO_DATE.findall(text), ISO_DATE.findall(text)


@pytest.mark.parametrize(
    ("chart", "words"),
    [
        ("bmd", "Your bone density will be drawn here after your first scan"),
        ("medication", "Your bone medicines will be drawn here"),
        ("exercise", "Your exercise minutes, week by week, will be drawn here"),
        ("height", "Your height will be drawn here after you add a measurement"),
    ],
)
def test_an_empty_chart_says_what_will_appear_there(client, patient, chart, words):
    _, html = _get(client, patient.user, "dashboard:patient", patient)
    assert f'data-empty="{chart}"' in html and words in html
    assert f'id="chart-{chart}"' not in html  # no empty axes
    _, printed = _get(client, patient.user, "dashboard:print", patient)
    assert words in printed and f'id="chart-{chart}"' not in printed
