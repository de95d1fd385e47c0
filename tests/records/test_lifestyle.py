"""The calcium and vitamin D log and the falls checklist (issue 11, items 4 and 5)."""

import datetime as dt

import pytest
from django.urls import reverse

from tracker.accounts.models import AuditEvent
from tracker.interop.csv_io import csv_zip, import_csv_zip
from tracker.records import models as m
from tracker.records.lifestyle import HomeSafetyCheck, HomeSafetyItem, IntakeEntry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 15)  # a Wednesday; the patient (born 1955, female) is 71


@pytest.fixture
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC), tick=False)
    return TODAY


def _calcium(client, patient, **data):
    return client.post(reverse("records:calcium", args=[patient.pk]), data, follow=True)


def test_quick_add_copies_the_amounts_per_portion_and_totals_today(client, patient, today):
    client.force_login(patient.user)
    response = _calcium(
        client,
        patient,
        which="food",
        **{"food-food": "yoghurt", "food-portions": "2", "food-date": "2026-07-15"},
    )
    entry = IntakeEntry.objects.get(patient=patient)
    assert (entry.calcium_mg, entry.vitamin_d_iu, entry.total_calcium_mg) == (415, 0, 830)
    assert entry.entered_by == patient.user
    text = response.content.decode()
    assert "830 mg</strong> of 1200 mg" in text  # a woman of 71: 1200 mg (section 8)
    assert "800 to 1000 IU of vitamin D" in text
    event = AuditEvent.objects.filter(patient=patient, action="create").latest("at")
    assert "Plain low-fat yoghurt" in event.summary
    patient.summary.refresh_from_db()
    assert patient.summary.record_version >= 1


def test_the_amount_logged_stays_when_typed_over_the_table(client, patient, today):
    client.force_login(patient.user)
    _calcium(
        client,
        patient,
        which="food",
        **{
            "food-food": "cheddar",
            "food-portions": "1",
            "food-date": "2026-07-15",
            "food-calcium_mg": "250",
        },
    )
    assert IntakeEntry.objects.get().calcium_mg == 250


def test_a_supplement_takes_mg_and_iu_and_needs_one_of_them(client, patient, today):
    client.force_login(patient.user)
    response = _calcium(client, patient, which="supplement", **{"supplement-date": "2026-07-15"})
    assert "Type the amount from the label" in response.content.decode()
    assert not IntakeEntry.objects.exists()
    _calcium(
        client,
        patient,
        which="supplement",
        **{
            "supplement-date": "2026-07-15",
            "supplement-calcium_mg": "500",
            "supplement-vitamin_d_iu": "800",
        },
    )
    entry = IntakeEntry.objects.get()
    assert (entry.food, entry.calcium_mg, entry.vitamin_d_iu, entry.portions) == (
        "supplement",
        500,
        800,
        1,
    )


def test_week_by_week_against_the_target_with_a_gentle_nudge(client, patient, today):
    common = {"patient": patient, "entered_by": patient.user}
    IntakeEntry.objects.create(date=TODAY, food="whole_milk", calcium_mg=276, **common)
    IntakeEntry.objects.create(
        date=TODAY - dt.timedelta(days=7),
        food="supplement",
        calcium_mg=1200,
        vitamin_d_iu=800,
        **common,
    )
    client.force_login(patient.user)
    text = client.get(reverse("records:calcium", args=[patient.pk])).content.decode()
    assert "13 Jul 2026" in text and "6 Jul 2026" in text
    assert "About 924 mg of calcium short a day" in text
    assert "Well done" in text
    assert not m.AlertState.objects.exists()  # nudges only, never alerts


def test_remove_an_entry_through_the_write_path(client, patient, clinician, today):
    entry = IntakeEntry.objects.create(
        patient=patient, date=TODAY, food="egg", calcium_mg=0, vitamin_d_iu=44
    )
    client.force_login(clinician)
    response = _calcium(client, patient, remove=str(entry.pk))
    assert response.status_code == 200
    assert not IntakeEntry.objects.exists()
    assert AuditEvent.objects.filter(patient=patient, action="delete", actor=clinician).exists()
    assert _calcium(client, patient, remove="x").status_code == 404


def test_another_patients_entry_cannot_be_removed(client, patient, other_patient, today):
    entry = IntakeEntry.objects.create(
        patient=other_patient, date=TODAY, food="egg", calcium_mg=0, vitamin_d_iu=44
    )
    client.force_login(patient.user)
    assert _calcium(client, patient, remove=str(entry.pk)).status_code == 404
    assert IntakeEntry.objects.exists()


def _checklist(client, patient, **data):
    return client.post(reverse("records:falls-checklist", args=[patient.pk]), data, follow=True)


def test_tick_and_untick_with_their_dates(client, patient, today):
    client.force_login(patient.user)
    response = _checklist(client, patient, item="grab_bars", date="2026-07-01")
    text = response.content.decode()
    assert "1 of 9 done" in text and "Done on 1 Jul 2026" in text
    tick = HomeSafetyCheck.objects.get()
    assert (tick.item, tick.date, tick.unticked) == ("grab_bars", dt.date(2026, 7, 1), None)
    assert (
        "already ticked"
        in _checklist(client, patient, item="grab_bars", date="2026-07-02").content.decode()
    )
    assert "0 of 9 done" in _checklist(client, patient, untick=str(tick.pk)).content.decode()
    tick.refresh_from_db()
    assert tick.unticked == TODAY
    assert AuditEvent.objects.filter(patient=patient, summary__startswith="unticked").exists()
    _checklist(client, patient, item="grab_bars", date="2026-07-15")
    assert HomeSafetyCheck.objects.count() == 2  # the history stays
    assert _checklist(client, patient, item="grab_bars", date="2026-07-16").status_code == 200
    assert HomeSafetyCheck.objects.count() == 2  # no future dates


def test_checklist_lists_every_item_and_the_falls_beside_it(client, patient, entries, today):
    client.force_login(patient.user)
    text = client.get(reverse("records:falls-checklist", args=[patient.pk])).content.decode()
    for _, label in HomeSafetyItem.choices:
        assert label in text
    assert len(HomeSafetyItem.choices) == 9
    assert "5 Jan 2026" in text  # the fall of the cast's entries
    assert reverse("records:detail", args=[patient.pk, "falls", entries["falls"].pk]) in text


def test_calcium_and_checklist_round_trip_through_csv(patient, other_patient, today):
    common = {"patient": patient, "entered_by": patient.user}
    IntakeEntry.objects.create(date=TODAY, food="yoghurt", portions="1.5", calcium_mg=415, **common)
    HomeSafetyCheck.objects.create(
        item="shoes", date=dt.date(2026, 5, 1), unticked=dt.date(2026, 6, 1), **common
    )
    HomeSafetyCheck.objects.create(item="shoes", date=dt.date(2026, 6, 2), **common)
    request = type("R", (), {"user": other_patient.user, "META": {}})()
    outcome = import_csv_zip(other_patient, csv_zip(patient), request=request)
    assert outcome.added["calcium_vitamin_d.csv"] == 1
    assert outcome.added["falls_checklist.csv"] == 2
    copied = IntakeEntry.objects.get(patient=other_patient)
    assert (copied.portions, copied.calcium_mg, copied.entered_via) == (1.5, 415, "csv")
    again = import_csv_zip(other_patient, csv_zip(patient), request=request)
    assert again.total_added == 0
    assert HomeSafetyCheck.objects.filter(patient=other_patient).ticked().count() == 1


def test_lifestyle_pages_have_a_fixed_query_budget(
    client, patient, today, django_assert_max_num_queries
):
    common = {"patient": patient, "entered_by": patient.user}
    IntakeEntry.objects.bulk_create(
        IntakeEntry(
            date=TODAY - dt.timedelta(days=d % 60),
            food="egg",
            calcium_mg=0,
            vitamin_d_iu=44,
            **common,
        )
        for d in range(300)
    )
    m.Fall.objects.bulk_create(m.Fall(date=dt.date(2020, 1, 1), **common) for _ in range(50))
    HomeSafetyCheck.objects.create(item="shoes", date=TODAY, **common)
    client.force_login(patient.user)
    for name in ("records:calcium", "records:falls-checklist"):
        url = reverse(name, args=[patient.pk])
        client.get(url)
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200


def test_the_food_form_leaves_vitamin_d_empty_so_the_table_amount_is_used(client, patient, today):
    client.force_login(patient.user)
    page = client.get(reverse("records:calcium", args=[patient.pk])).content.decode()
    assert 'name="food-vitamin_d_iu" value="0"' not in page
    _calcium(
        client,
        patient,
        which="food",
        **{
            "food-food": "cooked_salmon",
            "food-portions": "1",
            "food-date": "2026-07-15",
            "food-calcium_mg": "",
            "food-vitamin_d_iu": "",
        },
    )
    entry = IntakeEntry.objects.get()
    assert (entry.vitamin_d_iu, str(entry)) == (570, "1 × Cooked salmon (85 g)")
