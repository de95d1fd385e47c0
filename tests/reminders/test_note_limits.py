"""An acknowledgement note has a length limit with a clear message (issue 9, item 15)."""

import datetime as dt

from django.urls import reverse

from tests.records.factories import make_course
from tests.reminders.test_alert_views import key_of
from tracker.records.models import AlertState

MEGABYTE = "x" * (1024 * 1024)


def test_a_megabyte_acknowledgement_note_is_refused_with_a_message(
    client, patient, clinician, today
):
    last = today - dt.timedelta(days=300)
    make_course(patient, "denosumab", last, doses=[last])
    client.force_login(clinician)
    response = client.post(
        reverse("reminders:acknowledge", args=[patient.pk]),
        {"key": key_of("DMAB-LONG-DELAY", patient), "note": MEGABYTE},
        follow=True,
    )
    assert response.status_code == 200
    assert "Keep this to 1000 characters or fewer" in response.content.decode()
    assert not AlertState.objects.exists()
