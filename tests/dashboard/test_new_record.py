"""Issue 9, item 3: a new record says true things. A due date from before the
record existed reads "now" with its reason; numbers keep their precision."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.conftest import link, make_patient
from tests.records.factories import settle
from tracker.records.models import HeightMeasurement

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def newcomer(db, time_machine):
    """Signed up today, aged 74, no scan: a baseline scan has been due since 2017."""
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    patient = make_patient(
        "nell@example.com",
        "Nell Newcomer",
        birth_date=dt.date(1952, 3, 1),
        created_at=dt.datetime(2026, 11, 21, 8, tzinfo=dt.UTC),
    )
    settle(patient)
    return patient


def test_a_due_date_before_the_record_is_shown_as_now_with_its_reason(client, newcomer):
    client.force_login(newcomer.user)
    page = client.get(reverse("dashboard:patient", args=[newcomer.pk])).content.decode()
    card = page[page.index("Next DXA scan") :][:600]
    assert "Now" in card and "baseline scan is recommended" in card
    assert not re.search(r"\b(2017|2018)\b", card)
    alerts = page[page.index("Reminders and warnings") :]
    assert "<code>SCAN-BASELINE</code>" not in alerts  # patients see words, not rule ids
    assert "since 1 Mar 2017" not in page and "now" in alerts


def test_the_panel_and_the_calendar_say_now_too(client, newcomer, clinician):
    link(newcomer, clinician)
    client.force_login(clinician)
    rows = client.get(reverse("dashboard:panel")).context["rows"]
    assert next(row for row in rows if row.pk == newcomer.pk).next_due == "now"
    client.force_login(newcomer.user)
    client.post(reverse("reminders:calendar-new"))
    token = newcomer.user.reminder_preference.calendar_token
    body = client.get(reverse("reminders:calendar-feed", args=[token])).content.decode()
    assert "DTSTART;VALUE=DATE:20261121" in body


def test_an_old_record_keeps_its_dates(client, patient, time_machine):
    """The other side: a record that existed when the date came shows the date."""
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    settle(patient)  # created 2015, born 1955: baseline due since 2020
    client.force_login(patient.user)
    page = client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    card = page[page.index("Next DXA scan") :][:600]
    assert "17 May 2020" in card and "Now" not in card


def test_numbers_are_shown_at_their_precision(client, patient, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
    patient.tallest_height_cm = "165.0"
    patient.save()
    client.force_login(patient.user)
    for day, cm in (("2026-10-01", "160.4"), ("2026-11-01", "158.1")):
        client.post(
            reverse("records:add", args=[patient.pk, "heights"]),
            {"date": day, "cm": cm, "measured": "on"},
        )
    assert HeightMeasurement.objects.count() == 2
    for name in ("dashboard:patient", "dashboard:print"):
        page = client.get(reverse(name, args=[patient.pk])).content.decode()
        assert "160.4" in page and "6.9 cm" in page  # the height-loss alert: 165.0 - 158.1
        assert not re.search(r"\d\.\d{3,} cm", page), name
