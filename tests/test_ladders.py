"""The access ladder (style.md), one test case per URL and role: anonymous goes to
sign in; the owner and a caring clinician read; another patient, another clinician
and an admin get 404 for a record (its existence is not leaked) and 403 for a page
their role does not have."""

import pytest
from django.urls import reverse

from tests.ladder import READERS, ROLES, rung
from tracker.learn import topics
from tracker.records.kinds import KINDS

EVERYONE = dict.fromkeys(ROLES, 200) | {"anonymous": 302}
PATIENT_PAGE = EVERYONE | {"clinician": 403, "other_clinician": 403, "admin": 403}
CLINICIAN_PAGE = EVERYONE | {"owner": 403, "other_patient": 403, "admin": 403}
NOT_ADMIN = EVERYONE | {"admin": 403}


def _record_pages():
    """(URL name, what it is about) for every page of a patient's record."""
    yield "records:history", None
    yield "records:scan-add", None
    yield "records:scan", "scans"
    yield "records:scan-edit", "scans"
    for slug in KINDS:
        if slug not in ("scans", "doses"):
            yield "records:add", slug
        if slug != "scans":
            yield "records:detail", slug
            yield "records:edit", slug
        yield "records:delete", slug
    yield "dashboard:patient", None
    yield "dashboard:print", None
    yield "interop:export-csv", None
    yield "interop:import-csv", None
    yield "records:calcium", None
    yield "records:falls-checklist", None
    yield "records:frax", None


RECORD_PAGES = list(_record_pages())
# Issue 12: falls assessments and FRAX results are clinician-only kinds. The owner
# reads them (their detail page, the history, the FRAX page) but may not open the
# pages that add, edit or delete one: 403 (the record is visible, the write is not).
CLINICIAN_ONLY_KINDS = {slug for slug, kind in KINDS.items() if kind.clinician_only}
CHANGE_PAGES = {"records:add", "records:edit", "records:delete"}


def record_page_expected(name: str, about: str | None, role: str) -> int:
    if about in CLINICIAN_ONLY_KINDS and name in CHANGE_PAGES and role == "owner":
        return 403
    return READERS[role]


OTHER_PAGES = [
    ("dashboard:panel", CLINICIAN_PAGE),
    ("dashboard:quality", CLINICIAN_PAGE),
    ("dashboard:panel-csv", CLINICIAN_PAGE),
    ("accounts:my-patients", CLINICIAN_PAGE),
    ("accounts:sharing", PATIENT_PAGE),
    ("accounts:access-log", PATIENT_PAGE),
    ("accounts:profile", PATIENT_PAGE),
    ("accounts:password-change", EVERYONE),
    ("accounts:account", EVERYONE),
    ("accounts:confirm-email-send", EVERYONE),
    ("reminders:settings", NOT_ADMIN),
    ("learn:rules", EVERYONE),
    ("learn:index", EVERYONE),
    # Two-step sign-in: everyone may set it up; verify sends a verified user (or one
    # with nothing to verify) on; the lost-device page asks for a backup code.
    ("accounts:two-factor-setup", EVERYONE),
    ("accounts:two-factor-verify", dict.fromkeys(ROLES, 302)),
    ("accounts:two-factor-lost", EVERYONE),
    ("interop:download-everything", PATIENT_PAGE),
    ("interop:delete-account", PATIENT_PAGE),
]


def record_url(name: str, about: str | None, patient, entries) -> str:
    if about is None:
        return reverse(name, args=[patient.pk])
    entry = entries[about]
    if name in ("records:scan", "records:scan-edit"):
        return reverse(name, args=[patient.pk, entry.pk])
    if name == "records:add":
        return reverse(name, args=[patient.pk, about])
    return reverse(name, args=[patient.pk, about, entry.pk])


def test_every_record_page_is_on_the_ladder():
    # 44 records pages, the dashboard, its print view, CSV, the calcium log, the
    # checklist, the FRAX page
    assert len(RECORD_PAGES) == 51
    assert CLINICIAN_ONLY_KINDS == {"falls-assessments", "frax"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "about"), RECORD_PAGES)
def test_record_page_ladder(as_role, patient, entries, name, about, role):
    expected = record_page_expected(name, about, role)
    rung(as_role, record_url(name, about, patient, entries), role, expected)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "expected"), OTHER_PAGES)
def test_role_page_ladder(as_role, name, expected, role):
    rung(as_role, reverse(name), role, expected[role])


# The plain-language learn pages (issue 11): every page, for everyone signed in.
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("slug", topics.PAGES)
def test_learn_page_ladder(as_role, slug, role):
    rung(as_role, reverse("learn:page", args=[slug]), role, EVERYONE[role])


@pytest.mark.parametrize("role", ROLES)
def test_questions_ladder(as_role, patient, role):
    rung(as_role, reverse("learn:questions", args=[patient.pk]), role, READERS[role])


# Views that only take POST. A write to someone else's record is 404 (not visible)
# or 403 (visible, but not this role's to do); the test sends an empty or invalid
# form, so a permitted role gets the form back (200) or a redirect (302).
WRITES = [
    ("records:dose-add", "medications", {**READERS, "owner": 200, "clinician": 200}),
    ("dashboard:clinical-settings", None, {**READERS, "owner": 403, "clinician": 302}),
    ("reminders:done", None, {**READERS, "owner": 302, "clinician": 403}),
    ("reminders:snooze", None, {**READERS, "owner": 302, "clinician": 403}),
    ("reminders:acknowledge", None, {**READERS, "owner": 403, "clinician": 302}),
]


def write_url(name: str, about: str | None, patient, entries) -> str:
    args = [patient.pk] if about is None else [patient.pk, entries[about].pk]
    return reverse(name, args=args)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "about", "expected"), WRITES)
def test_write_view_ladder(as_role, patient, entries, name, about, expected, role):
    rung(as_role, write_url(name, about, patient, entries), role, expected[role], method="post")


@pytest.mark.parametrize(("name", "about", "expected"), WRITES)
def test_write_views_refuse_get(as_role, patient, entries, name, about, expected):
    assert as_role("owner").get(write_url(name, about, patient, entries)).status_code == 405


# The calcium log and the falls checklist take their forms on their own pages: the
# owner and a caring clinician may write (an empty form comes back, 200).
LIFESTYLE_PAGES = ["records:calcium", "records:falls-checklist"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", LIFESTYLE_PAGES)
def test_lifestyle_post_ladder(as_role, patient, name, role):
    rung(as_role, reverse(name, args=[patient.pk]), role, READERS[role], method="post")


@pytest.mark.parametrize("name", LIFESTYLE_PAGES)
def test_lifestyle_pages_refuse_put(as_role, patient, name):
    assert as_role("owner").put(reverse(name, args=[patient.pk])).status_code == 405


# Importing a DXA report (issue 10): the upload page, the review of an upload, its
# page images, its download and its delete page are read like the record; discarding
# an upload is a write of the owner or a caring clinician.
REPORT_PAGES = [
    "interop:report-review",
    "interop:report-download",
    "interop:report-page",
    "interop:report-delete",
]


@pytest.fixture
def uploaded(patient, monkeypatch, tmp_path):
    from tests.interop.helpers import kept_report, reports_storage_in

    reports_storage_in(monkeypatch, tmp_path / "reports")
    return kept_report(patient, patient.user)


def report_url(name: str, report) -> str:
    args = [report.patient_id, report.pk] + ([0] if name == "interop:report-page" else [])
    return reverse(name, args=args)


@pytest.mark.parametrize("role", ROLES)
def test_report_upload_ladder(as_role, patient, role):
    rung(as_role, reverse("interop:report-upload", args=[patient.pk]), role, READERS[role])


@pytest.mark.parametrize("role", ROLES)
def test_report_upload_post_ladder(as_role, patient, role):
    url = reverse("interop:report-upload", args=[patient.pk])
    rung(as_role, url, role, READERS[role], method="post")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", REPORT_PAGES)
def test_report_page_ladder(as_role, uploaded, name, role):
    rung(as_role, report_url(name, uploaded), role, READERS[role])


@pytest.mark.parametrize("role", ROLES)
def test_report_discard_ladder(as_role, uploaded, role):
    expected = {**READERS, "owner": 302, "clinician": 302}
    rung(as_role, report_url("interop:report-discard", uploaded), role, expected[role], "post")


def test_report_discard_refuses_get(as_role, uploaded):
    url = report_url("interop:report-discard", uploaded)
    assert as_role("owner").get(url).status_code == 405


# Issue 10, FHIR: download and import a record (the patient and a caring clinician).
FHIR_PAGES = ["interop:export-fhir", "interop:import-fhir"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", FHIR_PAGES)
def test_fhir_page_ladder(as_role, patient, name, role):
    rung(as_role, reverse(name, args=[patient.pk]), role, READERS[role])


@pytest.mark.parametrize("role", ROLES)
def test_fhir_import_post_ladder(as_role, patient, role):
    url = reverse("interop:import-fhir", args=[patient.pk])
    rung(as_role, url, role, READERS[role], method="post")
