"""Issue 9: a form sent twice saves once; an edit of an entry (or of the clinician
settings) someone changed since it was loaded is refused, showing both versions,
and nothing typed is lost."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import link, make_user
from tracker.accounts.models import Role
from tracker.records import models as m
from tracker.records.kinds import KINDS

TOKEN = re.compile(r'name="submission" value="([^"]+)"')
VERSION = re.compile(r'name="version"(?: value="([^"]*)")?')


def _hidden(pattern, response) -> str:
    found = pattern.findall(response.content.decode())
    assert len(found) == 1, found
    return found[0]


def day(days_ago: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat()


def _sites(prefix_rows: list[dict], initial: int = 0) -> dict:
    data = {
        "sites-TOTAL_FORMS": str(len(prefix_rows)),
        "sites-INITIAL_FORMS": str(initial),
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(prefix_rows):
        data.update({f"sites-{i}-{key}": value for key, value in row.items()})
    return data


SPINE = {"site": "lumbar_spine", "side": "none", "bmd": "0.850", "vertebrae": "L1-L4"}

# (kind, form data) for a new entry of each kind.
ADDS = {
    "falls": {"date": day(3)},
    "exercise": {"date": day(1), "kind": "aerobic", "minutes": "30"},
    "fractures": {"date": day(40), "site": "wrist_forearm", "fragility": "on"},
    "heights": {"date": day(2), "cm": "160.0"},
    "labs": {"date": day(5), "vitamin_d": "30.0"},
    "events": {"date": day(50), "kind": "stroke"},
    "medications": {"drug": "alendronate", "start": day(60)},
    "scans": {"date": day(9), "manufacturer": "hologic", **_sites([SPINE])},
}


@pytest.fixture
def owner(client, patient):
    client.force_login(patient.user)
    return client


def _add_page(kind: str, patient, course=None) -> tuple[str, str]:
    """(the page holding the add form, the URL it posts to)."""
    if kind == "scans":
        url = reverse("records:scan-add", args=[patient.pk])
        return url, url
    if kind == "doses":
        return (
            reverse("records:detail", args=[patient.pk, "medications", course.pk]),
            reverse("records:dose-add", args=[patient.pk, course.pk]),
        )
    if kind == "quick-exercise":
        return (
            reverse("dashboard:patient", args=[patient.pk]),
            reverse("records:add", args=[patient.pk, "exercise"]),
        )
    url = reverse("records:add", args=[patient.pk, kind])
    return url, url


@pytest.mark.parametrize("kind", [*ADDS, "doses", "quick-exercise"])
def test_every_add_form_sent_twice_stores_one_entry(owner, patient, kind):
    course = None
    if kind == "doses":
        course = m.MedicationCourse.objects.create(
            patient=patient, entered_by=patient.user, drug="denosumab", start=day(200)
        )
    page, action = _add_page(kind, patient, course)
    data = {"date": day(3)} if kind == "doses" else ADDS.get(kind, ADDS["exercise"])
    data = {**data, "submission": _hidden(TOKEN, owner.get(page))}
    model = KINDS["exercise" if kind == "quick-exercise" else kind].model

    first = owner.post(action, data)
    second = owner.post(action, data, follow=True)

    assert first.status_code == 302
    assert model.objects.filter(patient=patient).count() == 1
    assert second.redirect_chain[0][0] == first["Location"]
    assert "Already saved: this form was sent twice and kept once." in second.content.decode()


def test_a_fresh_form_gets_a_fresh_token(owner, patient):
    url = reverse("records:add", args=[patient.pk, "falls"])
    assert _hidden(TOKEN, owner.get(url)) != _hidden(TOKEN, owner.get(url))


# ---------------------------------------------------------------- concurrent edits

# (form data of the entry as the `entries` fixture holds it, the field both change)
EDITS = {
    "scans": ({"date": "2024-05-02", "manufacturer": "hologic"}, "notes"),
    "medications": ({"drug": "denosumab", "start": "2024-01-10"}, "notes"),
    "doses": ({"date": "2024-01-10"}, "notes"),
    "exercise": ({"date": "2026-11-02", "kind": "balance", "minutes": "20"}, "note"),
    "fractures": ({"date": "2019-03-04", "site": "wrist_forearm", "fragility": "on"}, "notes"),
    "falls": ({"date": "2026-01-05"}, "notes"),
    "heights": ({"date": "2025-06-01", "measured": "on"}, "cm"),
    "labs": ({"date": "2025-06-01"}, "vitamin_d"),
    "events": ({"date": "2020-06-01", "kind": "stroke"}, "notes"),
}
# What each side types into the changed field.
THEIRS = {"cm": "161.5", "vitamin_d": "41.0"}
MINE = {"cm": "158.5", "vitamin_d": "22.0"}


def _edit_url(patient, kind, entry) -> str:
    if kind == "scans":
        return reverse("records:scan-edit", args=[patient.pk, entry.pk])
    return reverse("records:edit", args=[patient.pk, kind, entry.pk])


def _edit_data(kind, entry, field, value, page) -> dict:
    data, _ = EDITS[kind]
    data = {**data, field: value, "version": _hidden(VERSION, page)}
    data["submission"] = _hidden(TOKEN, page)
    if kind == "scans":
        site = entry.sites.get()
        data.update(_sites([{**SPINE, "id": str(site.pk)}], initial=1))
    return data


@pytest.mark.parametrize("kind", EDITS)
def test_an_edit_of_an_entry_changed_since_is_refused_with_both_versions(
    client, patient, clinician, entries, kind
):
    entry = entries[kind]
    _, field = EDITS[kind]
    theirs, mine = THEIRS.get(field, "Seen by Dr Doc"), MINE.get(field, "My own note")
    url = _edit_url(patient, kind, entry)
    client.force_login(patient.user)
    patient_page = client.get(url)  # the patient opens the form ...

    client.force_login(clinician)  # ... the clinician edits and saves meanwhile ...
    saved = client.post(url, _edit_data(kind, entry, field, theirs, client.get(url)))
    assert saved.status_code == 302

    client.force_login(patient.user)  # ... then the patient saves the stale form
    refused = client.post(url, _edit_data(kind, entry, field, mine, patient_page))

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved: this was changed by your clinician, Dr Dee Doc, on " in page
    assert theirs in page and mine in page  # both versions shown, what was typed kept
    entry.refresh_from_db()
    assert str(getattr(entry, field)) == theirs

    # Saved again from the refused form, deliberately: the patient's version wins.
    again = client.post(url, _edit_data(kind, entry, field, mine, refused))
    assert again.status_code == 302
    entry.refresh_from_db()
    assert str(getattr(entry, field)) == mine


def test_the_clinician_is_told_the_patient_changed_it(client, patient, clinician, entries):
    url = _edit_url(patient, "falls", entries["falls"])
    client.force_login(clinician)
    stale = client.get(url)
    client.force_login(patient.user)
    client.post(url, _edit_data("falls", None, "notes", "I tripped", client.get(url)))
    client.force_login(clinician)
    page = client.post(url, _edit_data("falls", None, "notes", "Seen", stale)).content.decode()
    assert "Not saved: this was changed by the patient" in page


def test_a_change_landing_after_the_form_was_checked_is_still_caught(
    owner, patient, entries, monkeypatch
):
    """The version is checked inside the write's transaction, not when the request
    starts: a change saved between the check of the form and the write is refused."""
    fall = entries["falls"]
    url = _edit_url(patient, "falls", fall)
    data = _edit_data("falls", fall, "notes", "mine", owner.get(url))
    form_class = KINDS["falls"].form
    clean = form_class.clean

    def clean_then_someone_saves(form):
        m.Fall.objects.filter(pk=fall.pk).update(notes="theirs", updated_at=timezone.now())
        return clean(form)

    monkeypatch.setattr(form_class, "clean", clean_then_someone_saves)
    response = owner.post(url, data)
    assert response.status_code == 200
    fall.refresh_from_db()
    assert fall.notes == "theirs"


# ---------------------------------------------------------------- clinician settings


@pytest.fixture
def colleague(patient):
    user = make_user(
        "col@example.com", "Dr Cole League", Role.CLINICIAN, approved_at=timezone.now()
    )
    link(patient, user)
    return user


SETTINGS = {"target_t_score": "-2.0"}


@pytest.mark.parametrize("existing", [False, True], ids=["first-settings", "existing-settings"])
def test_clinician_settings_changed_since_are_refused(
    client, patient, clinician, colleague, existing
):
    if existing:
        m.ClinicalSettings.objects.create(patient=patient, target_t_score="-2.5")
    dashboard = reverse("dashboard:patient", args=[patient.pk])
    url = reverse("dashboard:clinical-settings", args=[patient.pk])

    def form_of(page, **values):
        version = _hidden(VERSION, page)
        token = re.search(
            r'name="submission" value="([^"]+)" id="id_submission"', page.content.decode()
        )
        return {**values, "version": version, "submission": token.group(1)}

    client.force_login(clinician)
    stale = client.get(dashboard)
    client.force_login(colleague)
    assert (
        client.post(url, form_of(client.get(dashboard), target_t_score="-1.5")).status_code == 302
    )

    client.force_login(clinician)
    refused = client.post(url, form_of(stale, target_t_score="-2.0"))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Not saved: this was changed by Dr Cole League" in page
    assert "-1.5" in page and 'value="-2.0"' in page
    assert float(m.ClinicalSettings.objects.get(patient=patient).target_t_score) == -1.5
    assert client.post(url, form_of(refused, target_t_score="-2.0")).status_code == 302
    assert float(m.ClinicalSettings.objects.get(patient=patient).target_t_score) == -2.0
