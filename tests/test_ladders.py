"""The access ladder (style.md), one test case per URL and role: anonymous goes to
sign in; the owner, a caring clinician and the owner's caregiver read; another patient,
another clinician, an admin, another patient's caregiver and a caregiver whose link
ended get 404 for a record (its existence is not leaked) and 403 for a page their role
does not have. A caregiver (issue 12) adds only the everyday kinds, changes only what
they entered (the cast's entries are the owner's), and imports and exports nothing."""

import pytest
from django.urls import reverse

from tests.ladder import READERS, ROLES, rung
from tracker.accounts.access import CAREGIVER_MAY_ADD
from tracker.learn import topics
from tracker.records.kinds import KINDS

EVERYONE = dict.fromkeys(ROLES, 200) | {"anonymous": 302}
PATIENT_PAGE = EVERYONE | {"clinician": 403, "other_clinician": 403, "admin": 403}
# Pages of one's own record: the cast's caregiver and ended caregiver have none.
OWN_RECORD_PAGE = PATIENT_PAGE | {"caregiver": 403, "ended_caregiver": 403}
CARERS = ("caregiver", "other_caregiver", "ended_caregiver")  # patient-role accounts
CLINICIAN_PAGE = (
    EVERYONE | {"owner": 403, "other_patient": 403, "admin": 403} | dict.fromkeys(CARERS, 403)
)
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
    yield "dashboard:changes", None  # the full change table (issue 13)
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
    ("accounts:sharing", OWN_RECORD_PAGE),
    ("accounts:access-log", OWN_RECORD_PAGE),
    # An account without a record starts one from its profile page (issue 12).
    ("accounts:profile", PATIENT_PAGE),
    ("accounts:caring", NOT_ADMIN),
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
    ("interop:download-everything", OWN_RECORD_PAGE),
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
    # 44 records pages, the dashboard, its print view, its full change table, CSV, the
    # calcium log, the checklist, the FRAX page
    assert len(RECORD_PAGES) == 52
    assert CLINICIAN_ONLY_KINDS == {"falls-assessments", "frax"}


# What the owner's caregiver gets on each record page: reads, and the forms to add the
# kinds CAREGIVER_MAY_ADD names; 403 for the rest (the entries are the owner's).
CAREGIVER_READS = {"records:history", "records:scan", "records:detail", "dashboard:patient"}
CAREGIVER_READS |= {
    "dashboard:print",
    "dashboard:changes",
    "records:calcium",
    "records:falls-checklist",
    "records:frax",
}


def caregiver_expects(name: str, about: str | None) -> int:
    if name in CAREGIVER_READS:
        return 200
    if name == "records:add" and about in CAREGIVER_MAY_ADD:
        return 200
    return 403


def test_the_caregiver_reads_and_adds_what_the_issue_names():
    allowed = {(n, about) for n, about in RECORD_PAGES if caregiver_expects(n, about) == 200}
    adds = {about for name, about in allowed if name == "records:add"}
    assert adds == {"exercise", "falls", "heights"}  # doses from their course, calcium on its page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "about"), RECORD_PAGES)
def test_record_page_ladder(as_role, patient, entries, name, about, role):
    if role == "caregiver":
        expected = caregiver_expects(name, about)
    else:
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
    (
        "dashboard:clinical-settings",
        None,
        {**READERS, "owner": 403, "clinician": 302, "caregiver": 403},
    ),
    ("reminders:done", None, {**READERS, "owner": 302, "clinician": 403, "caregiver": 403}),
    ("reminders:snooze", None, {**READERS, "owner": 302, "clinician": 403, "caregiver": 403}),
    (
        "reminders:acknowledge",
        None,
        {**READERS, "owner": 403, "clinician": 302, "caregiver": 403},
    ),
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


# Importing and exporting are not a caregiver's (issue 12): 403. Reading an uploaded
# report (its download and its page images) is reading the record: 200.
NO_CAREGIVER = {**READERS, "caregiver": 403}
CAREGIVER_READS_REPORT = {"interop:report-download", "interop:report-page"}


@pytest.mark.parametrize("role", ROLES)
def test_report_upload_ladder(as_role, patient, role):
    url = reverse("interop:report-upload", args=[patient.pk])
    rung(as_role, url, role, NO_CAREGIVER[role])


@pytest.mark.parametrize("role", ROLES)
def test_report_upload_post_ladder(as_role, patient, role):
    url = reverse("interop:report-upload", args=[patient.pk])
    rung(as_role, url, role, NO_CAREGIVER[role], method="post")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", REPORT_PAGES)
def test_report_page_ladder(as_role, uploaded, name, role):
    expected = READERS if name in CAREGIVER_READS_REPORT else NO_CAREGIVER
    rung(as_role, report_url(name, uploaded), role, expected[role])


@pytest.mark.parametrize("role", ROLES)
def test_report_discard_ladder(as_role, uploaded, role):
    expected = {**NO_CAREGIVER, "owner": 302, "clinician": 302}
    rung(as_role, report_url("interop:report-discard", uploaded), role, expected[role], "post")


def test_report_discard_refuses_get(as_role, uploaded):
    url = report_url("interop:report-discard", uploaded)
    assert as_role("owner").get(url).status_code == 405


# Issue 10, FHIR: download and import a record (the patient and a caring clinician).
FHIR_PAGES = ["interop:export-fhir", "interop:import-fhir"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", FHIR_PAGES)
def test_fhir_page_ladder(as_role, patient, name, role):
    rung(as_role, reverse(name, args=[patient.pk]), role, NO_CAREGIVER[role])


@pytest.mark.parametrize("role", ROLES)
def test_fhir_import_post_ladder(as_role, patient, role):
    url = reverse("interop:import-fhir", args=[patient.pk])
    rung(as_role, url, role, NO_CAREGIVER[role], method="post")


# Issue 12, caregivers' own pages. The invitation is open to whoever holds its link (a
# signed-in person with another address is told so, and cannot accept: 400); ending a
# link and its reminders belong to its two sides; the reminders are the patient's.
@pytest.fixture
def token(patient, rf, mailoutbox):
    """The secret of an invitation the owner sent to an address nobody in the cast has."""
    import re

    from tracker.accounts import caregivers

    request = rf.post("/")
    request.user = patient.user
    caregivers.invite(request, patient=patient, email="newhelper@example.com", reminders=True)
    return re.search(r"/caregivers/invitation/([^/]+)/", mailoutbox[-1].body).group(1)


ANYONE = dict.fromkeys(ROLES, 200)
INVITATION_PAGES = [
    ("accounts:caregiver-invitation", "get", ANYONE),
    ("accounts:caregiver-signup", "get", dict.fromkeys(ROLES, 302) | {"anonymous": 200}),
    ("accounts:caregiver-decline", "post", ANYONE),
    ("accounts:caregiver-accept", "post", dict.fromkeys(ROLES, 400) | {"anonymous": 302}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "expected"), INVITATION_PAGES)
def test_invitation_ladder(as_role, cast, token, name, method, expected, role):
    response = getattr(as_role(role), method)(reverse(name, args=[token]))
    assert response.status_code == expected[role], (name, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["accounts:caregiver-invitation", "accounts:caregiver-decline"])
def test_an_unknown_invitation_is_404(as_role, cast, name, role):
    client = as_role(role)
    url = reverse(name, args=["not-a-real-token"])
    response = client.get(url) if name.endswith("invitation") else client.post(url)
    assert response.status_code == 404


SIDES = dict.fromkeys(ROLES, 404) | {"anonymous": 302, "owner": 200, "caregiver": 200}
CAREGIVER_LINK_PAGES = [
    ("accounts:caregiver-end", "get", SIDES),
    ("accounts:caregiver-reminders", "post", SIDES | {"owner": 302, "caregiver": 403}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "expected"), CAREGIVER_LINK_PAGES)
def test_caregiver_link_ladder(as_role, cast, patient, name, method, expected, role):
    link = patient.caregiver_links.active().get()
    rung(as_role, reverse(name, args=[link.pk]), role, expected[role], method=method)


def test_caregiver_link_pages_refuse_other_methods(as_role, cast, patient):
    link = patient.caregiver_links.active().get()
    assert (
        as_role("owner").get(reverse("accounts:caregiver-reminders", args=[link.pk])).status_code
        == 405
    )
    assert (
        as_role("owner").put(reverse("accounts:caregiver-end", args=[link.pk])).status_code == 405
    )
