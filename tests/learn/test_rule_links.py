"""Every alert shown to a clinician links to its rule's entry in the rule book;
patients see the alert without its rule id."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.records.factories import make_course
from tracker.clinical.rulebook import rule

URL = "/learn/rules/"
TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def late_denosumab(patient, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False)
    last = TODAY - dt.timedelta(days=220)  # DMAB-LATE
    first = last - dt.timedelta(days=182)
    return make_course(patient, "denosumab", first, doses=[first, last])


def _dashboard(client, patient):
    return client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()


def test_clinician_alert_links_to_its_rule(client, patient, clinician, late_denosumab):
    client.force_login(clinician)
    page = _dashboard(client, patient)
    assert 'data-rule="DMAB-LATE"' in page
    assert f'href="{URL}#rule-DMAB-LATE"' in page
    assert rule("DMAB-LATE").anchor == "rule-DMAB-LATE"


def test_patient_sees_no_rule_ids(client, patient, late_denosumab):
    client.force_login(patient.user)
    page = _dashboard(client, patient)
    assert 'data-rule="DMAB-LATE"' in page  # the alert is there ...
    assert "<code>DMAB-LATE</code>" not in page  # ... without its rule id
    assert "#rule-DMAB-LATE" not in page


def test_clinician_digest_links_each_rule(patient, clinician, mailoutbox, settings, time_machine):
    from tracker.reminders.delivery import deliver_pending, queue_due

    settings.SITE_URL = "https://bonetrack.example.org"
    now = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)
    time_machine.move_to(now, tick=False)
    last = TODAY - dt.timedelta(days=300)  # DMAB-LONG-DELAY: alert level, in the digest
    make_course(patient, "denosumab", last, doses=[last])
    queue_due(TODAY)
    deliver_pending(now)
    digest = next(m for m in mailoutbox if m.to == ["doc@example.com"])
    link = "https://bonetrack.example.org/learn/rules/#rule-DMAB-LONG-DELAY"
    assert link in digest.body
    assert f'<a href="{link}">DMAB-LONG-DELAY</a>' in digest.alternatives[0][0]
