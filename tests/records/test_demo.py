"""The demo histories (seed_demo) and the big test history (factories.big_history)."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import seed_demo
from tracker.accounts.models import Patient
from tracker.clinical.drugs import CATALOGUE
from tracker.records import demo
from tracker.records.kinds import KINDS
from tracker.records.models import (
    ClinicalEvent,
    Dose,
    ExerciseSession,
    Fall,
    Fracture,
    HeightMeasurement,
    LabResult,
    MedicationCourse,
    Scan,
    SiteResult,
)

from .factories import BIG_COURSES, BIG_DOSES, BIG_OTHERS, big_history, make_course, make_scan

ENTRY_MODELS = tuple(kind.model for kind in KINDS.values())
ALL_MODELS = (*ENTRY_MODELS, SiteResult)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


@pytest.fixture
def seeded(db):
    seed_demo()
    return {p.user.email: p for p in Patient.objects.select_related("user")}


def rows_of(model, patient):
    return model.objects.filter(patient=patient)


def test_seed_demo_grows_a_history_for_every_demo_patient(seeded):
    for email in (
        "margaret@example.com",
        "rosa@example.com",
        "olive@example.com",
        "uma@example.com",
    ):
        patient = seeded[email]
        assert rows_of(Scan, patient).exists(), email
        assert rows_of(ExerciseSession, patient).exists(), email
    assert rows_of(Scan, seeded["uma@example.com"]).count() == 1
    assert not rows_of(MedicationCourse, seeded["olive@example.com"]).exists()


def test_seed_demo_is_idempotent(seeded):
    before = counts()
    seed_demo()
    assert counts() == before


def test_seed_demo_gives_margaret_a_caregiver_who_gets_her_injection_reminders(seeded):
    """Issue 12 in the demo: Colin helps his mother Margaret; he has no record of his
    own, sees hers, and her denosumab reminders are escalated to him. Written through the
    one write path (audited on her record); a second run adds no second link."""
    from tracker.accounts.access import access_of
    from tracker.accounts.models import AuditEvent, CaregiverLink, User
    from tracker.records.management.commands.seed_demo import CAREGIVER

    margaret = seeded["margaret@example.com"]
    colin = User.objects.get(email=CAREGIVER[0])
    assert not colin.has_record and colin.cares_for_someone and colin.email_verified
    link = CaregiverLink.objects.active().get(caregiver=colin)
    assert link.patient == margaret and link.gets_injection_reminders
    assert access_of(colin, margaret).is_caregiver
    assert AuditEvent.objects.filter(patient=margaret, summary__contains="caregiver").exists()
    seed_demo()
    assert CaregiverLink.objects.filter(caregiver=colin).count() == 1


def test_seed_history_does_nothing_when_the_patient_has_records(seeded):
    margaret = seeded["margaret@example.com"]
    before = counts()
    demo.seed_history(margaret, today=timezone.localdate())
    assert counts() == before


def test_every_demo_entry_is_dated_sensibly(seeded):
    today = timezone.localdate()
    for patient in seeded.values():
        for model in ENTRY_MODELS:
            field = "start" if model is MedicationCourse else "date"
            for day in rows_of(model, patient).values_list(field, flat=True):
                assert patient.birth_date < day <= today, (patient, model.__name__, day)
    for dose in Dose.objects.select_related("course"):
        assert dose.course.start <= dose.date
        assert dose.course.end is None or dose.date <= dose.course.end


def test_demo_t_and_z_scores_agree_with_the_bmd(seeded):
    results = SiteResult.objects.select_related("scan__patient")
    assert results.exists()
    for result in results:
        assert result.bmd == result.bmd.quantize(Decimal("0.001"))
        mean, sd = demo.REFERENCE[result.scan.manufacturer][result.site]
        assert abs((result.bmd - mean) / sd - result.t_score) <= Decimal("0.05")
        assert result.z_score >= result.t_score


def test_demo_provenance(seeded):
    margaret = seeded["margaret@example.com"]
    clinician_id = margaret.care_links.get().clinician_id
    assert set(rows_of(Dose, margaret).values_list("entered_by", flat=True)) == {clinician_id}
    assert set(rows_of(ExerciseSession, margaret).values_list("entered_by", flat=True)) == {
        margaret.user_id
    }
    uma = seeded["uma@example.com"]
    assert set(rows_of(Scan, uma).values_list("entered_by", flat=True)) == {uma.user_id}


def test_margaret_is_late_for_denosumab_but_not_long_delayed(seeded):
    margaret = seeded["margaret@example.com"]
    today = timezone.localdate()
    dmab = rows_of(MedicationCourse, margaret).get(drug="denosumab")
    assert dmab.end is None
    doses = list(dmab.doses.order_by("date").values_list("date", flat=True))
    assert 7 <= len(doses) <= 9
    assert 211 <= (today - doses[-1]).days <= 294
    gaps = [(b - a).days for a, b in zip(doses, doses[1:], strict=False)]
    assert sum(gap > 210 for gap in gaps) == 1  # one late injection
    alendronate = rows_of(MedicationCourse, margaret).get(drug="alendronate")
    assert alendronate.stop_reason == "switched"
    assert alendronate.end < dmab.start
    scans = rows_of(Scan, margaret)
    assert 4 <= scans.count() <= 5
    assert set(scans.values_list("manufacturer", flat=True)) == {"hologic"}
    assert len(set(scans.values_list("facility", flat=True))) == 1
    assert rows_of(Fracture, margaret).get().site == "wrist_forearm"
    heights = rows_of(HeightMeasurement, margaret)
    assert margaret.tallest_height_cm - min(h.cm for h in heights) < 4


def test_rosa_has_eleven_romosozumab_doses_and_nothing_after(seeded):
    rosa = seeded["rosa@example.com"]
    romo = rows_of(MedicationCourse, rosa).get(drug="romosozumab")
    assert romo.end is None
    doses = list(romo.doses.order_by("date").values_list("date", flat=True))
    assert len(doses) == 11
    assert 14 <= (timezone.localdate() - doses[-1]).days <= 31
    later = rows_of(MedicationCourse, rosa).filter(start__gt=romo.start)
    assert not [c for c in later if CATALOGUE[c.drug].is_antiresorptive]
    assert rows_of(Fracture, rosa).get().site == "clinical_vertebral"
    assert rows_of(Fall, rosa).filter(date__gt=timezone.localdate() - timedelta(days=365)).exists()
    measured = sorted(rows_of(HeightMeasurement, rosa).filter(measured=True), key=lambda h: h.date)
    assert measured[0].cm - measured[-1].cm == Decimal("2.5")


def test_olives_scanner_make_changes(seeded):
    olive = seeded["olive@example.com"]
    makes = list(rows_of(Scan, olive).order_by("date").values_list("manufacturer", flat=True))
    assert makes == ["hologic", "hologic", "ge_lunar"]
    lowest = min(SiteResult.objects.filter(scan__patient=olive).values_list("t_score", flat=True))
    assert Decimal("-2.0") <= lowest <= Decimal("-1.6")
    assert rows_of(Fall, olive).get().injured is False


def test_make_scan_and_make_course(patient):
    scan = make_scan(patient, date(2024, 3, 1))
    assert scan.sites.count() == 3
    assert scan.entered_by == patient.user
    course = make_course(
        patient, "denosumab", date(2023, 1, 1), doses=[date(2023, 1, 1), date(2023, 7, 1)]
    )
    assert list(course.doses.values_list("date", flat=True).order_by("date")) == [
        date(2023, 1, 1),
        date(2023, 7, 1),
    ]


def test_big_history_is_big_and_fast(patient):
    today = date(2026, 1, 15)
    started = time.perf_counter()
    big_history(patient, today=today)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"big_history took {elapsed:.1f} s"

    assert rows_of(Scan, patient).count() == 50
    assert SiteResult.objects.filter(scan__patient=patient).count() == 200
    assert rows_of(MedicationCourse, patient).count() == 12 == len(BIG_COURSES)
    assert rows_of(Dose, patient).count() == 150 == BIG_DOSES
    assert rows_of(ExerciseSession, patient).count() == 5000
    for model in (Fracture, Fall, HeightMeasurement, LabResult, ClinicalEvent):
        assert rows_of(model, patient).count() == BIG_OTHERS

    interval_drugs = {"denosumab", "zoledronic_acid", "romosozumab", "ibandronate_iv"}
    for dose in Dose.objects.filter(patient=patient).select_related("course"):
        assert dose.course.drug in interval_drugs
        assert dose.course.start <= dose.date <= (dose.course.end or today)
    oldest = today - timedelta(days=25 * 365)
    for model in (
        Scan,
        ExerciseSession,
        Fracture,
        Fall,
        HeightMeasurement,
        LabResult,
        ClinicalEvent,
    ):
        days = rows_of(model, patient).values_list("date", flat=True)
        assert oldest <= min(days) and max(days) <= today


def rule_ids(patient) -> set[str]:
    from tracker.clinical.assess import assess
    from tracker.records.history import load_history

    return {alert.rule_id for alert in assess(load_history(patient), timezone.localdate()).alerts}


def test_the_demo_shows_the_alerts_it_was_built_for(seeded):
    margaret = rule_ids(seeded["margaret@example.com"])
    assert "DMAB-LATE" in margaret
    assert not margaret & {
        "DMAB-LONG-DELAY",
        "DMAB-STOP-NO-TRANSITION",
        "HEIGHT-LOSS",
        "DRUG-OVERLAP",
    }
    rosa = rule_ids(seeded["rosa@example.com"])
    assert {"ROMO-COUNT", "ROMO-COURSE-END", "HEIGHT-LOSS"} <= rosa
    assert not rosa & {"ROMO-OVER-12", "ROMO-CV"}
    assert not rule_ids(seeded["uma@example.com"])


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("seed_demo", verbosity=0)
    assert not Patient.objects.exists()


def test_seed_demo_enrols_the_demo_clinician_admin_and_caregiver_and_prints_how(
    db, settings, capsys
):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tracker.accounts import two_factor
    from tracker.records.management.commands.seed_demo import DEMO_BACKUP_CODES, DEMO_TOTP_KEYS

    settings.DEBUG = True
    call_command("seed_demo")
    printed = capsys.readouterr().out
    for email, key in DEMO_TOTP_KEYS.items():
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        assert device.key == key
        assert two_factor.secret(device) in printed
        assert " ".join(DEMO_BACKUP_CODES[email]) in printed
        code = f"{totp(device.bin_key):06d}"
        assert device.verify_token(code)
    # Of the patient-role accounts only Colin, who helps Margaret (caregivers must).
    enrolled = TOTPDevice.objects.filter(user__role="patient").values_list("user__email", flat=True)
    assert list(enrolled) == ["colin@example.com"]
    call_command("seed_demo")  # idempotent: nothing new to print
    assert "nothing changed" in capsys.readouterr().out
    assert TOTPDevice.objects.count() == 3
