"""`make bench`: the performance figures of the README, measured, never guessed.

Seeds a scratch SQLite database (or DATABASE_URL if set) with:
- one patient with 25 years of data (50 scans x 4 sites, 12 courses with 150
  doses, 5,000 exercise sessions), linked to a clinician;
- 5,000 more patients linked to that clinician, with panel summaries;
- 10,000 patients in all with a small history each, for sendreminders.
Then serves pages in-process with Django's test client and prints medians over
repeated runs as ratios to a minimal view (/healthz) measured in the same run.
"""

import datetime as dt
import gc
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bonetrack-bench-')}/bench.sqlite3"
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "25"))
PANEL_PATIENTS = 5000
REMINDER_PATIENTS = 10000


def seed():
    from tests.records.factories import big_history, settle
    from tracker.accounts.models import CareLink, Patient, User
    from tracker.records.models import Dose, MedicationCourse, Scan, SiteResult

    today = timezone.localdate()
    clinician = User.objects.create_user(
        "bench-doc@example.com",
        "bench-password-123",
        full_name="Dr Bench",
        role="clinician",
        approved_at=timezone.now(),
    )
    owner = User.objects.create_user(
        "bench@example.com", "bench-password-123", full_name="Bea Bench"
    )
    big = Patient.objects.create(
        user=owner, birth_date=dt.date(1945, 3, 3), sex="female", menopausal_status="postmenopausal"
    )
    CareLink.objects.create(
        patient=big, clinician=clinician, status="active", initiated_by="patient"
    )
    big_history(big, today=today)
    settle(big)

    users = User.objects.bulk_create(
        # Confirmed addresses: reminders go only to those (issue 9).
        User(
            email=f"p{i}@example.com",
            full_name=f"Patient {i:05d}",
            role="patient",
            email_verified_at=timezone.now(),
        )
        for i in range(REMINDER_PATIENTS)
    )
    patients = Patient.objects.bulk_create(
        Patient(
            user=u,
            birth_date=dt.date(1940 + i % 30, 1 + i % 12, 1 + i % 28),
            sex="female",
            menopausal_status="postmenopausal",
        )
        for i, u in enumerate(users)
    )
    CareLink.objects.bulk_create(
        CareLink(patient=p, clinician=clinician, status="active", initiated_by="patient")
        for p in patients[:PANEL_PATIENTS]
    )
    scans = Scan.objects.bulk_create(
        Scan(
            patient=p,
            entered_by_id=p.user_id,
            date=today - dt.timedelta(days=200 + i % 900),
            manufacturer="hologic",
        )
        for i, p in enumerate(patients)
    )
    SiteResult.objects.bulk_create(
        SiteResult(
            scan=s,
            site="lumbar_spine",
            side="none",
            bmd="0.780",
            t_score=f"-{1 + (i % 20) / 10:.1f}",
            z_score="-0.5",
        )
        for i, s in enumerate(scans)
    )
    courses = MedicationCourse.objects.bulk_create(
        MedicationCourse(
            patient=p,
            entered_by_id=p.user_id,
            drug="denosumab",
            start=today - dt.timedelta(days=400),
        )
        for p in patients[::2]
    )
    Dose.objects.bulk_create(
        Dose(
            patient_id=c.patient_id,
            entered_by_id=c.entered_by_id,
            course=c,
            date=today - dt.timedelta(days=150 + (i * 7) % 200),
        )
        for i, c in enumerate(courses)
    )
    return owner, clinician, big


def median_ms(client, url: str) -> float:
    client.get(url)  # warm caches and the session
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(
        [q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    )


def main() -> None:
    from tests.records.factories import settle

    # Not setup_test_environment(): it instruments every template render (for
    # response.context), a cost real requests never pay.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = False
    print(f"database: {connection.vendor}; {REPEAT} runs per page; medians")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    owner, clinician, big = seed()
    print(f"seeded in {time.perf_counter() - started:.1f} s")

    from tracker.accounts.models import Patient
    from tracker.reminders.delivery import deliver_pending, queue_due

    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        queued = queue_due(timezone.localdate())
        queue_s = time.perf_counter() - started
        started = time.perf_counter()
        sent = deliver_pending(timezone.now())
        deliver_s = time.perf_counter() - started
    total = Patient.objects.count()
    print(
        f"\nsendreminders over {total:,} patients: assess + queue {queue_s:.1f} s, "
        f"deliver {sent:,} emails {deliver_s:.1f} s, {len(ctx.captured_queries):,} queries "
        f"({queued:,} items checked)"
    )

    # A web server process does not hold 7,859 sent emails (the in-memory backend
    # keeps them): drop them so garbage collection costs what it would in a server.
    mail.outbox = []
    gc.collect()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # table statistics, as autovacuum keeps them in production

    patient_client, clinician_client, anonymous = Client(), Client(), Client()
    patient_client.force_login(owner)
    clinician_client.force_login(clinician)
    # Clinicians pass the second step of sign-in (issue 9): a verified app in the session.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    app = TOTPDevice.objects.create(user=clinician, name="bench app", confirmed=True)
    session = clinician_client.session
    session[DEVICE_ID_SESSION_KEY] = app.persistent_id
    session.save()
    # The minimal view: /healthz through the whole middleware stack for a signed-in
    # user (session and user loaded, as on every page people see).
    base = median_ms(patient_client, "/healthz")
    rows = [
        ("minimal view (/healthz), signed in", base, queries(patient_client, "/healthz")),
        ("minimal view (/healthz), anonymous", median_ms(anonymous, "/healthz"), 0),
    ]
    pages = [
        ("patient dashboard, 25 years of data", patient_client, f"/patients/{big.pk}/"),
        ("same dashboard, seen by the clinician", clinician_client, f"/patients/{big.pk}/"),
        ("clinician panel, 5,001 patients, page 1", clinician_client, "/patients/"),
        (
            "clinician panel, filtered: late denosumab",
            clinician_client,
            "/patients/?filter=late-denosumab",
        ),
        ("history page, 25 years of data", patient_client, f"/patients/{big.pk}/history/?page=40"),
    ]
    for label, client, url in pages:
        rows.append((label, median_ms(client, url), queries(client, url)))
    # The first view after a change to the record rebuilds the cached picture.
    cold = []
    for _ in range(REPEAT):
        settle(big)
        started = time.perf_counter()
        patient_client.get(f"/patients/{big.pk}/")
        cold.append((time.perf_counter() - started) * 1000)
    settle(big)
    rows.append(
        (
            "dashboard, first view after a change",
            statistics.median(cold),
            queries(patient_client, f"/patients/{big.pk}/"),
        )
    )
    print(f"\n{'page':45} {'median ms':>10} {'x minimal':>10} {'queries':>8}")
    for label, ms, count in rows:
        print(f"{label:45} {ms:10.1f} {ms / base:10.1f} {count:8d}")

    from tracker.dashboard.picture import Picture

    print("\nchart JSON, gzipped:")
    for name, figure in Picture(big, timezone.localdate()).heavy["figures"].items():
        size = len(gzip.compress(json.dumps(figure, default=str).encode()))
        print(f"  {name:12} {size / 1024:6.1f} KB")


if __name__ == "__main__":
    main()
