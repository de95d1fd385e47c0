"""Emails carry no health detail where anyone but the reader may see it (issue 9,
item 11): subjects are neutral, and the clinician's digest names patients by their
initials with a link to the record."""

import datetime as dt

from tests.conftest import link, make_patient
from tests.records.factories import make_course
from tracker.reminders.delivery import build_email, deliver_pending, queue_due
from tracker.reminders.models import Delivery

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC)
HEALTH_WORDS = ("denosumab", "injection", "late", "scan", "fracture", "alert", "dose")


def _run():
    queue_due(TODAY)
    deliver_pending(NOW)


def test_a_patients_subject_says_how_many_not_what(patient, late_denosumab, mailoutbox):
    _run()
    (message,) = mailoutbox
    assert message.subject.startswith("BoneTrack: you have ")
    assert not any(word in message.subject.lower() for word in HEALTH_WORDS)
    late = Delivery.objects.select_related("recipient").get(rule_id="DMAB-LATE")
    assert build_email([late]).subject == "BoneTrack: you have 1 reminder"


def test_several_items_are_counted(patient, mailoutbox):
    last = TODAY - dt.timedelta(days=300)
    make_course(patient, "denosumab", last, doses=[last])
    _run()
    (message,) = mailoutbox
    assert message.subject.startswith("BoneTrack: you have ")
    assert message.subject.endswith(" reminders")


def test_the_clinician_digest_names_patients_by_initials_with_a_link(
    patient, clinician, mailoutbox, settings
):
    settings.SITE_URL = "https://bonetrack.example.org"
    last = TODAY - dt.timedelta(days=300)  # DMAB-LONG-DELAY: alert level
    make_course(patient, "denosumab", last, doses=[last])
    olive = make_patient("olive@example.com", "Olive Mary Oak")
    link(olive, clinician)
    make_course(olive, "denosumab", last, doses=[last])
    _run()
    (digest,) = [m for m in mailoutbox if m.to == ["doc@example.com"]]
    html = digest.alternatives[0][0]
    for body in (digest.body, html):
        assert "Pat Patient" not in body and "Olive Mary Oak" not in body
        assert "P. P." in body and "O. M. O." in body
        assert f"https://bonetrack.example.org/patients/{patient.pk}/" in body
        assert f"https://bonetrack.example.org/patients/{olive.pk}/" in body
    assert not any(word in digest.subject.lower() for word in HEALTH_WORDS)
