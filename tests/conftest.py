"""The cast (style.md): a patient, another patient, a clinician who cares for the
first patient, a clinician who does not, an admin; and (issue 12) the first patient's
caregiver, another patient's caregiver and a caregiver whose link to the first patient
ended. Test-only settings live here."""

import datetime as dt

import pytest

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session", autouse=True)
def _cache_of_this_session():
    """With REDIS_URL set (CI runs the dashboard tests so, on a Redis database of their
    own), this test session's entries carry a key prefix of their own: it never reads
    what an earlier or a parallel session left there."""
    import uuid

    from django.conf import settings
    from django.test import override_settings

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith("RedisCache"):
        yield
        return
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    with override_settings(
        CACHES={**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _force_login_is_verified(monkeypatch):
    """force_login skips the password; here it skips the second step too, as a verified
    authenticator app. The two-step requirement stays on in every test: the gate runs,
    loads the device on each request, and refuses anyone who signs in with the real form
    until they verify (tests/accounts/test_two_factor.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tracker.accounts import two_factor

    force_login = Client.force_login

    def verified_force_login(self, user, backend=None):
        force_login(self, user, backend)
        if two_factor.required_for(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="test app", defaults={"confirmed": True}
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", verified_force_login)


def seed_demo() -> None:
    """seed_demo refuses to run with DEBUG off, as pytest-django runs every test."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)


def make_user(email: str, name: str, role: str, **fields):
    """A user whose address is confirmed; pass email_verified_at=None for one who is not."""
    from django.utils import timezone

    from tracker.accounts.models import User

    fields.setdefault("email_verified_at", timezone.now())
    return User.objects.create_user(email, PASSWORD, full_name=name, role=role, **fields)


def make_patient(email: str, name: str, **fields):
    from tracker.accounts.models import Patient, Role

    user = make_user(email, name, Role.PATIENT)
    defaults = {
        "birth_date": dt.date(1955, 5, 17),
        "sex": "female",
        "menopausal_status": "postmenopausal",
        # The cast's records have existed for years (tests move the clock to 2026):
        # a due date before a record's first day is shown as "now".
        "created_at": dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
    }
    return Patient.objects.create(user=user, **{**defaults, **fields})


def link(patient, clinician, status="active"):
    """A care link made straight in the ORM; as sharing does through the write path,
    the clinician's panel entries follow (tracker.records.panel_entries)."""
    from tracker.accounts.models import CareLink
    from tracker.records import panel_entries

    created = CareLink.objects.create(
        patient=patient, clinician=clinician, status=status, initiated_by="patient"
    )
    panel_entries.rebuild([patient.pk])
    return created


def make_caregiver(patient, email: str, name: str, *, status="active", reminders=True, **fields):
    """A caregiver link to `patient` (issue 12) for a new account with no record of its
    own, or for the account given as `user=`. Returns the link."""
    from django.utils import timezone

    from tracker.accounts.models import CaregiverLink, Role

    user = fields.pop("user", None) or make_user(email, name, Role.PATIENT, **fields)
    ended = status in ("ended", "declined")
    if status == "active":  # as caregivers.accept does: the navigation's hint
        user.cares_for_someone = True
        user.save(update_fields=["cares_for_someone"])
    return CaregiverLink.objects.create(
        patient=patient,
        caregiver=user,
        email=user.email,
        status=status,
        gets_injection_reminders=reminders,
        accepted_at=timezone.now(),
        ended_at=timezone.now() if ended else None,
    )


@pytest.fixture
def patient(db):
    return make_patient("pat@example.com", "Pat Patient")


@pytest.fixture
def other_patient(db):
    return make_patient("olga@example.com", "Olga Other")


@pytest.fixture
def clinician(db, patient):
    from django.utils import timezone

    from tracker.accounts.models import Role

    user = make_user("doc@example.com", "Dr Dee Doc", Role.CLINICIAN, approved_at=timezone.now())
    link(patient, user)
    return user


@pytest.fixture
def other_clinician(db):
    from django.utils import timezone

    from tracker.accounts.models import Role

    return make_user(
        "stranger@example.com", "Dr Stan Stranger", Role.CLINICIAN, approved_at=timezone.now()
    )


@pytest.fixture
def admin_user(db):
    from tracker.accounts.models import Role

    return make_user("root@example.com", "Ada Admin", Role.ADMIN, is_superuser=True)


@pytest.fixture
def caregiver(db, patient):
    """The patient's daughter: an account made to care for her (no record of its own),
    with the patient's consent to send her the injection reminders."""
    return make_caregiver(patient, "carla@example.com", "Carla Carer").caregiver


@pytest.fixture
def other_caregiver(db, other_patient):
    """A patient who also helps another patient (not ours): her own record, and a link."""
    helper = make_patient("otto@example.com", "Otto Helper")
    return make_caregiver(other_patient, "", "", user=helper.user).caregiver


@pytest.fixture
def ended_caregiver(db, patient):
    """Cared for the patient until the link ended."""
    return make_caregiver(patient, "eddie@example.com", "Eddie Ended", status="ended").caregiver


@pytest.fixture
def cast(
    patient,
    other_patient,
    clinician,
    other_clinician,
    admin_user,
    caregiver,
    other_caregiver,
    ended_caregiver,
):
    return {
        "anonymous": None,
        "owner": patient.user,
        "other_patient": other_patient.user,
        "clinician": clinician,
        "other_clinician": other_clinician,
        "admin": admin_user,
        "caregiver": caregiver,
        "other_caregiver": other_caregiver,
        "ended_caregiver": ended_caregiver,
    }


@pytest.fixture
def as_role(client, cast):
    """Log the test client in as one member of the cast (or not at all)."""

    def login(role: str):
        user = cast[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def entries(patient):
    """One entry of every kind on the patient's record."""
    from tracker.records import models as m

    user = patient.user
    common = {"patient": patient, "entered_by": user}
    scan = m.Scan.objects.create(date=dt.date(2024, 5, 2), manufacturer="hologic", **common)
    m.SiteResult.objects.create(
        scan=scan, site="lumbar_spine", side="none", bmd="0.850", t_score="-1.9", z_score="-0.6"
    )
    course = m.MedicationCourse.objects.create(
        drug="denosumab", start=dt.date(2024, 1, 10), **common
    )
    return {
        "scans": scan,
        "medications": course,
        "doses": m.Dose.objects.create(course=course, date=dt.date(2024, 1, 10), **common),
        "exercise": m.ExerciseSession.objects.create(
            date=dt.date(2026, 11, 2), kind="balance", minutes=20, **common
        ),
        "fractures": m.Fracture.objects.create(
            date=dt.date(2019, 3, 4), site="wrist_forearm", fragility=True, **common
        ),
        "falls": m.Fall.objects.create(date=dt.date(2026, 1, 5), injured=False, **common),
        "heights": m.HeightMeasurement.objects.create(
            date=dt.date(2025, 6, 1), cm="162.5", measured=True, **common
        ),
        "labs": m.LabResult.objects.create(date=dt.date(2025, 6, 1), vitamin_d="32.0", **common),
        "events": m.ClinicalEvent.objects.create(date=dt.date(2020, 6, 1), kind="stroke", **common),
        # Clinician-only kinds (issue 12); entered by the owner here only to have one.
        "falls-assessments": m.FallsAssessment.objects.create(
            date=dt.date(2019, 4, 1), assessed_by="Dr Dee Doc", **common
        ),
        "frax": m.FraxResult.objects.create(
            date=dt.date(2025, 6, 1), major="18.0", hip="3.4", **common
        ),
    }
