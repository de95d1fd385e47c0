"""No state shared between users' forms (issue 9, item 2).

Crispy writes "is-invalid" into a field's widget.attrs when it renders an error. A
widget instance shared by every form (a module-level DateInput handed to each form)
carried one user's error into every other user's form until restart.
"""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import tracker
from tracker.accounts import forms as account_forms
from tracker.dashboard import forms as dashboard_forms
from tracker.records import forms as record_forms
from tracker.records import models as m
from tracker.reminders import forms as reminder_forms


def _tracker_modules():
    for info in pkgutil.walk_packages(tracker.__path__, "tracker."):
        if ".migrations" in info.name or info.name.endswith(".management.commands"):
            continue
        yield importlib.import_module(info.name)


def test_no_module_holds_a_widget_or_field_instance():
    shared = [
        f"{module.__name__}.{name}"
        for module in _tracker_modules()
        for name, value in vars(module).items()
        if isinstance(value, forms.Widget | forms.Field)
    ]
    assert shared == []


def _forms(patient, user):
    today = dt.date(2026, 11, 20)
    course = m.MedicationCourse(patient=patient, drug="denosumab", start=dt.date(2025, 1, 1))
    entry = {"patient": patient, "today": today, "user": user}
    built = [
        account_forms.EmailAuthenticationForm(),
        account_forms.AccountForm(),
        account_forms.PatientProfileForm(),
        account_forms.EmailForm(),
        dashboard_forms.ClinicalSettingsForm(),
        record_forms.SiteResultForm(),
        record_forms.DoseForm(course=course, **entry),
        reminder_forms.PreferenceForm(),
        reminder_forms.SnoozeForm(today=today),
        reminder_forms.AcknowledgeForm(),
        reminder_forms.KeyForm(),
    ]
    for cls in vars(record_forms).values():
        if (
            inspect.isclass(cls)
            and issubclass(cls, record_forms.EntryForm)
            and cls not in (record_forms.EntryForm, record_forms.DoseForm)
        ):
            built.append(cls(**entry))
    return built


def _widgets(form):
    for field in form.fields.values():
        yield field.widget
        yield from getattr(field.widget, "widgets", ())


def test_two_instances_of_each_form_share_no_widget(patient):
    first, second = _forms(patient, patient.user), _forms(patient, patient.user)
    assert len(first) >= 18
    for a, b in zip(first, second, strict=True):
        mine = {id(widget) for widget in _widgets(a)}
        shared = [w for w in _widgets(b) if id(w) in mine]
        assert shared == [], type(a).__name__


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("fractures", {"date": "2999-01-01", "site": "wrist_forearm"}),
        ("falls", {"date": "not a date"}),
    ],
)
def test_one_users_error_leaves_the_next_users_form_clean(
    client, patient, other_patient, kind, data
):
    client.force_login(patient.user)
    url = reverse("records:add", args=[patient.pk, kind])
    refused = client.post(url, data).content.decode()
    assert "is-invalid" in refused

    client.force_login(other_patient.user)
    fresh = client.get(reverse("records:add", args=[other_patient.pk, kind])).content.decode()
    assert "is-invalid" not in fresh
