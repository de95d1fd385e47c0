"""Larger text (issue 11, item 12): a setting on the account, chosen on the Account page,
kept for the user, audited, and applied to every page they open."""

import re

import pytest
from django.urls import reverse

from tracker.accounts.models import AuditEvent, User

URL = "/accounts/account/"
LARGE = '<html lang="en" class="text-large">'


def choose(client, large: bool):
    data = {"form": "text_size"}
    if large:
        data["text-large_text"] = "on"
    return client.post(URL, data)


def test_larger_text_is_off_for_a_new_account(patient):
    assert patient.user.large_text is False


def test_choosing_larger_text_is_saved_and_audited(client, patient):
    client.force_login(patient.user)
    response = choose(client, True)
    assert response.status_code == 302
    assert User.objects.get(pk=patient.user_id).large_text is True
    event = AuditEvent.objects.get(action="update", summary="text size: larger")
    assert (event.actor, event.patient) == (patient.user, patient)
    page = client.get(URL).content.decode()
    assert re.search(r'<input type="checkbox" name="text-large_text"[^>]* checked>', page)

    choose(client, False)
    assert User.objects.get(pk=patient.user_id).large_text is False
    assert AuditEvent.objects.filter(summary="text size: standard").count() == 1


def test_saving_the_same_text_size_again_is_not_audited_twice(client, clinician):
    client.force_login(clinician)
    choose(client, True)
    choose(client, True)
    assert AuditEvent.objects.filter(summary__startswith="text size").count() == 1


@pytest.mark.parametrize(
    "page",
    ["accounts:account", "accounts:sharing", "accounts:access-log", "reminders:settings"],
)
def test_every_page_of_a_user_who_chose_larger_text_carries_the_class(client, patient, page):
    client.force_login(patient.user)
    assert LARGE not in client.get(reverse(page)).content.decode()
    choose(client, True)
    assert LARGE in client.get(reverse(page)).content.decode()


def test_the_record_page_carries_it_and_another_users_pages_do_not(client, patient, clinician):
    client.force_login(patient.user)
    choose(client, True)
    assert LARGE in client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    client.force_login(clinician)
    assert LARGE not in client.get(reverse("dashboard:patient", args=[patient.pk])).content.decode()
    client.logout()
    assert LARGE not in client.get(reverse("accounts:login")).content.decode()
