"""The bench's data, in bulk, into one database that grows section by section.

- One patient with 25 years of data (`tests.records.factories.big_history`: 50
  scans x 4 sites, 12 courses with 150 doses, 5,000 exercise sessions), linked to
  Dr Bench, and passed once through the one write path (`settle`).
- Small patients, added in bulk up to any total: each with a scan, half of them on
  denosumab with a dose, every address confirmed (reminders go only to those). The
  first `panel` of them are linked to Dr Bench (the clinician panel).
- Their panel summaries precomputed: a small patient's record is one of `SHAPES`
  shapes (birth date, scan date and T-score, drug and dose date), so the engine
  assesses one patient of each shape and every patient of that shape gets the same
  summary row. The rows are dated yesterday, as if the last daily sweep of
  `sendreminders` was yesterday's: the next run refreshes them all, as the first
  run of a day does.
- Dr Lists, who sees every patient (the 50,000-patient lists), and Dr Few, who
  sees three of them, linked when the lists are measured.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

CHUNK = 5000  # patients per bulk insert: bounded memory at 100,000
SHAPES = 840  # distinct small records (see the module's docstring)


def name_of(i: int) -> str:
    """Small patient number i's name: unique, so a search for it matches one patient."""
    return f"Patient {i:06d}"


def _shape(s: int, today: dt.date) -> dict:
    return {
        "birth_date": dt.date(1940 + s % 30, 1 + s % 12, 1 + s % 28),
        "scan_date": today - dt.timedelta(days=200 + (s * 37) % 900),
        "t_score": f"-{1 + (s % 20) / 10:.1f}",
        "denosumab": s % 2 == 0,
        "dose_date": today - dt.timedelta(days=150 + (s * 7) % 200),
    }


@dataclass
class Cast:
    owner: object  # the big record's patient (a User)
    big: object  # their Patient
    clinician: object  # Dr Bench: the big record and the panel
    lists_clinician: object  # Dr Lists: every patient
    few_clinician: object  # Dr Few: three patients
    few_patients: list[int] = field(default_factory=list)


class Seeder:
    """Seeds the cast, then grows the database to any number of patients."""

    def __init__(self, *, today: dt.date | None = None, big: bool = True):
        self.today = today or timezone.localdate()
        self.big_history = big
        self.summaries: dict[int, dict] = {}  # shape -> summary row values
        self.added = 0  # small patients so far (names and shapes go by this number)
        self.lists_linked_to = 0  # patient pk up to which Dr Lists is linked

    # ------------------------------------------------------------------ the cast

    def cast(self, *, panel: int) -> Cast:
        """The cast and Dr Bench's panel of `panel` small patients besides the big one."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.records.factories import big_history, make_scan, settle
        from tracker.accounts.models import CareLink, Patient, User

        now = timezone.now()

        def clinician(email: str, name: str) -> User:
            user = User.objects.create_user(
                email, None, full_name=name, role="clinician", approved_at=now
            )
            # Clinicians pass the second step of sign-in (issue 9): a verified app.
            TOTPDevice.objects.create(user=user, name="bench app", confirmed=True)
            return user

        doc = clinician("bench-doc@example.com", "Dr Bench")
        owner = User.objects.create_user(
            "bench@example.com", None, full_name="Bea Bench", email_verified_at=now
        )
        big = Patient.objects.create(
            user=owner,
            birth_date=dt.date(1945, 3, 3),
            sex="female",
            menopausal_status="postmenopausal",
        )
        CareLink.objects.create(patient=big, clinician=doc, status="active", initiated_by="patient")
        if self.big_history:
            big_history(big, today=self.today)
        else:  # the smoke test: a small record is enough
            make_scan(big, self.today - dt.timedelta(days=400))
        settle(big)
        self.add(panel, link=doc)
        return Cast(
            owner=owner,
            big=big,
            clinician=doc,
            lists_clinician=clinician("bench-lists@example.com", "Dr Lists"),
            few_clinician=clinician("bench-few@example.com", "Dr Few"),
        )

    def grow(self, total: int) -> None:
        """Add small patients until the database holds `total` patients in all."""
        from tracker.accounts.models import Patient

        missing = total - Patient.objects.count()
        if missing > 0:
            self.add(missing)

    def link_lists(self, cast: Cast) -> None:
        """Dr Lists sees every patient; Dr Few three, spread over the database. Their
        panel entries are written as the write path would (panel_entries.rebuild)."""
        from tracker.accounts.models import CareLink, Patient
        from tracker.records import panel_entries

        ids = list(
            Patient.objects.filter(pk__gt=self.lists_linked_to)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), CHUNK):
            CareLink.objects.bulk_create(
                CareLink(
                    patient_id=pk,
                    clinician=cast.lists_clinician,
                    status="active",
                    initiated_by="patient",
                )
                for pk in ids[start : start + CHUNK]
            )
            panel_entries.rebuild(ids[start : start + CHUNK])
        if ids:
            self.lists_linked_to = ids[-1]
        if not cast.few_patients:
            every = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
            cast.few_patients = [every[len(every) * k // 4] for k in (1, 2, 3)]
            CareLink.objects.bulk_create(
                CareLink(
                    patient_id=pk,
                    clinician=cast.few_clinician,
                    status="active",
                    initiated_by="patient",
                )
                for pk in cast.few_patients
            )
            panel_entries.rebuild(cast.few_patients)
        analyze()

    # ------------------------------------------------------------------ in bulk

    def add(self, count: int, *, link=None) -> None:
        for start in range(0, count, CHUNK):
            self._add_chunk(min(CHUNK, count - start), link)
        analyze()

    def _add_chunk(self, count: int, link) -> None:
        from tracker.accounts.models import CareLink, Patient, User
        from tracker.records import panel_entries
        from tracker.records.models import Dose, MedicationCourse, PatientSummary, Scan, SiteResult
        from tracker.records.search import name_key

        now, first = timezone.now(), self.added
        self.added += count
        numbers = range(first, first + count)
        shapes = [_shape(i % SHAPES, self.today) for i in numbers]
        users = User.objects.bulk_create(
            User(
                email=f"p{i}@example.com",
                full_name=name_of(i),
                role="patient",
                email_verified_at=now,
            )
            for i in numbers
        )
        patients = Patient.objects.bulk_create(
            Patient(
                user=user,
                birth_date=shape["birth_date"],
                sex="female",
                menopausal_status="postmenopausal",
            )
            for user, shape in zip(users, shapes, strict=True)
        )
        if link is not None:
            CareLink.objects.bulk_create(
                CareLink(patient=p, clinician=link, status="active", initiated_by="patient")
                for p in patients
            )
        scans = Scan.objects.bulk_create(
            Scan(
                patient=p,
                entered_by_id=p.user_id,
                date=shape["scan_date"],
                manufacturer="hologic",
            )
            for p, shape in zip(patients, shapes, strict=True)
        )
        SiteResult.objects.bulk_create(
            SiteResult(
                scan=scan,
                site="lumbar_spine",
                side="none",
                bmd="0.780",
                t_score=shape["t_score"],
                z_score="-0.5",
            )
            for scan, shape in zip(scans, shapes, strict=True)
        )
        treated = [(p, s) for p, s in zip(patients, shapes, strict=True) if s["denosumab"]]
        courses = MedicationCourse.objects.bulk_create(
            MedicationCourse(
                patient=p,
                entered_by_id=p.user_id,
                drug="denosumab",
                start=self.today - dt.timedelta(days=400),
            )
            for p, _ in treated
        )
        Dose.objects.bulk_create(
            Dose(
                patient_id=course.patient_id,
                entered_by_id=course.entered_by_id,
                course=course,
                date=shape["dose_date"],
            )
            for course, (_, shape) in zip(courses, treated, strict=True)
        )
        self._learn_shapes(patients, numbers)
        yesterday = now - dt.timedelta(days=1)
        PatientSummary.objects.bulk_create(
            PatientSummary(
                patient=p,
                **{**self.summaries[i % SHAPES], "refreshed_at": yesterday},
                search_name=name_key(name_of(i)),  # as the panel searches it
            )
            for p, i in zip(patients, numbers, strict=True)
        )
        if link is not None:  # the panel reads its entries, as the write path keeps them
            panel_entries.rebuild([p.pk for p in patients])

    def _learn_shapes(self, patients, numbers) -> None:
        """Assess one patient of each shape not yet known: its summary is every such
        patient's (no alert states yet: every alert counts, as on the panel)."""
        from tracker.clinical.assess import assess
        from tracker.clinical.summary import summarize
        from tracker.records.history import load_histories
        from tracker.records.models import PatientSummary

        examples = {}
        for patient, i in zip(patients, numbers, strict=True):
            if i % SHAPES not in self.summaries:
                examples.setdefault(i % SHAPES, patient)
        if not examples:
            return
        histories = load_histories(list(examples.values()))
        for s, patient in examples.items():
            assessment = assess(histories[patient.pk], self.today)
            self.summaries[s] = PatientSummary.values_of(summarize(assessment, assessment.alerts))


def analyze() -> None:
    """Table statistics, and on PostgreSQL the visibility map, as autovacuum keeps
    them in production (without it an index-only scan reads every row's page too).
    VACUUM cannot run in a transaction (the bench's own test runs in one)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def signed_in(user) -> Client:
    """A test client signed in as `user`, past the second step for a clinician."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, name="bench app").first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def session_cookies(user, count: int) -> list[str]:
    """`count` separate sessions of `user`, as Cookie header values (one per simulated
    browser: concurrent users do not share a session)."""
    name = settings.SESSION_COOKIE_NAME
    return [f"{name}={signed_in(user).cookies[name].value}" for _ in range(count)]
