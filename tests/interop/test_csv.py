"""The CSV format: export, import, round trip, formula escaping and bad input."""

import csv
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import timezone

from tests.conftest import link, make_patient, seed_demo
from tracker.accounts.models import Patient
from tracker.interop import csv_format
from tracker.interop.csv_io import ImportRefused, csv_files, csv_zip, import_csv_zip
from tracker.records import models as m
from tracker.records.kinds import KINDS

pytestmark = pytest.mark.django_db


def _request(user):
    return SimpleNamespace(user=user, META={})


def _files(data: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
            for name in archive.namelist()
        }


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _without_provenance(files):
    out = {}
    for name, table in files.items():
        if name == "profile.csv":
            continue
        out[name] = sorted(
            tuple((k, v) for k, v in row.items() if k not in csv_format.PROVENANCE) for row in table
        )
    return out


def _entries_count(patient) -> int:
    return sum(kind.model.objects.filter(patient=patient).count() for kind in KINDS.values())


def test_every_records_model_with_patient_data_is_in_the_format():
    covered = {kind.model for kind in csv_format.FILES.values()} | set(csv_format.NOT_EXPORTED)
    assert set(apps.get_app_config("records").get_models()) <= covered
    assert {kind.model for kind in KINDS.values()} <= {k.model for k in csv_format.FILES.values()}


def test_headers_carry_units_and_dates_are_iso(patient, entries):
    files = _files(csv_zip(patient))
    assert set(files) == {*csv_format.FILES, "profile.csv"}
    scan_row = files["scans.csv"][0]
    assert "bmd_g_cm2" in scan_row and "t_score" in scan_row
    assert scan_row["date"] == entries["scans"].date.isoformat()
    assert "height_cm" in files["heights.csv"][0]


def test_round_trip_is_identical_apart_from_ids_and_provenance():
    seed_demo()
    source = Patient.objects.get(user__email="margaret@example.com")
    first = csv_zip(source)
    target = make_patient("empty@example.com", "Emma Empty")
    clinician = m.ClinicalSettings.objects.filter(patient=source).first()
    doctor = source.care_links.first().clinician
    link(target, doctor)
    outcome = import_csv_zip(target, first, request=_request(doctor))
    assert outcome.total_added > 0
    second = csv_zip(target)
    assert _without_provenance(_files(first)) == _without_provenance(_files(second))
    assert all(row["entered_via"] == "csv" for row in _files(second)["falls.csv"])
    assert clinician is None or m.ClinicalSettings.objects.filter(patient=target).exists()


def test_importing_twice_adds_nothing_the_second_time(patient, entries, other_patient):
    data = csv_zip(patient)
    first = import_csv_zip(other_patient, data, request=_request(other_patient.user))
    count = _entries_count(other_patient)
    assert first.total_added == count > 0
    version = other_patient.summary.record_version
    second = import_csv_zip(other_patient, data, request=_request(other_patient.user))
    assert second.total_added == 0
    assert _entries_count(other_patient) == count
    other_patient.summary.refresh_from_db()
    assert other_patient.summary.record_version == version


def test_formula_cells_are_escaped_and_numbers_are_not(patient, other_patient):
    today = timezone.localdate()
    m.Fall.objects.create(patient=patient, date=today, notes='=HYPERLINK("x")')
    m.Fall.objects.create(patient=patient, date=today, notes="'quoted", injured=True)
    scan = m.Scan.objects.create(patient=patient, date=today, manufacturer="hologic")
    m.SiteResult.objects.create(scan=scan, site="lumbar_spine", bmd="0.812", t_score="-2.5")
    text = csv_files(patient)
    assert "'=HYPERLINK" in text["falls.csv"] and "''quoted" in text["falls.csv"]
    assert ",-2.5," in text["scans.csv"]
    import_csv_zip(other_patient, csv_zip(patient), request=_request(other_patient.user))
    notes = set(m.Fall.objects.filter(patient=other_patient).values_list("notes", flat=True))
    assert notes == {'=HYPERLINK("x")', "'quoted"}
    site = m.SiteResult.objects.get(scan__patient=other_patient)
    assert str(site.t_score) == "-2.5"


def _refused(patient, data) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_csv_zip(patient, data, request=_request(patient.user))
    assert _entries_count(patient) == 0
    return [str(problem) for problem in refused.value.problems]


FALLS = "date,injured,notes\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"falls.csv": "2020-01-01,false,x\n"}, "falls.csv, row 1, date: This column is missing"),
        (
            {"falls.csv": FALLS + "01/02/2020,false,\n"},
            "falls.csv, row 2, date: “01/02/2020” is not a date",
        ),
        (
            {"heights.csv": "date,height_cm,measured_by_clinician\n2020-01-01,tall,false\n"},
            "heights.csv, row 2, height_cm: “tall” is not a number",
        ),
        (
            {"events.csv": "date,kind,notes\n2020-01-01,picnic,\n"},
            "events.csv, row 2, kind: Select a valid choice",
        ),
        (
            {"falls.csv": FALLS + "2020-01-01,maybe,\n"},
            "falls.csv, row 2, injured: “maybe” is not true or false",
        ),
        ({"pets.csv": "name\nRex\n"}, "pets.csv: This file is not part of the CSV format"),
        ({"../falls.csv": FALLS}, "../falls.csv: This file is not part of the CSV format"),
        (
            {"falls.csv": FALLS + "2020-01-01,false,\n2999-01-01,false,\n"},
            "falls.csv, row 3, date:",
        ),
    ],
)
def test_malformed_files_are_refused_per_row_and_field_with_nothing_saved(patient, files, expected):
    problems = _refused(patient, _zip(files))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_good_file_beside_a_bad_one_saves_nothing(patient):
    _refused(
        patient,
        _zip({"falls.csv": FALLS + "2020-01-01,false,\n", "heights.csv": "date\n"}),
    )
    assert not m.Fall.objects.filter(patient=patient).exists()


def test_a_non_zip_and_a_zip_bomb_are_refused(patient):
    assert "not a zip file" in _refused(patient, b"%PDF-1.4 not a zip")[0]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("falls.csv", FALLS + " " * (60 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    assert "too large once unpacked" in _refused(patient, bomb.getvalue())[0]
    assert "larger than 10 MB" in _refused(patient, b"PK" + b"0" * (10 * 1024 * 1024))[0]


def test_a_patient_import_leaves_clinician_settings_alone(patient, other_patient, clinician):
    m.ClinicalSettings.objects.create(patient=patient, target_t_score="-2.0")
    outcome = import_csv_zip(
        other_patient,
        _zip({"clinical_settings.csv": csv_files(patient)["clinical_settings.csv"]}),
        request=_request(other_patient.user),
    )
    assert not m.ClinicalSettings.objects.filter(patient=other_patient).exists()
    assert "only a clinician" in outcome.notes[0]
