"""Demo accounts and their health records, written through the one write path.

Idempotent: running it again changes nothing that exists. The password, and the
demo clinician's, admin's and caregiver's two-step sign-in secret and backup codes, are for
local use only and are printed when created. It refuses to run with DEBUG off, so
no demo account can exist on a real server.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts import two_factor
from tracker.accounts.models import AuditEvent, CaregiverLink, CareLink, Patient, Role, User
from tracker.records.changes import change_record
from tracker.records.demo import seed_history

DEMO_PASSWORD = "demo-password-2026"
DEMO_RECORD_AGE = dt.timedelta(days=20 * 365)

CLINICIAN = ("clinician@example.com", "Dr Chris Carter")
ADMIN = ("admin@example.com", "Ada Admin")
# Issue 12: Margaret's son helps her; he has no record of his own and gets her
# injection reminders too.
CAREGIVER = ("colin@example.com", "Colin Denholm", "margaret@example.com")
# Two-step sign-in for the demo clinician, admin and caregiver (who must use it):
# fixed, public, local use only.
DEMO_TOTP_KEYS = {
    CLINICIAN[0]: b"BoneTrack demo doc!!".hex(),
    ADMIN[0]: b"BoneTrack demo admin".hex(),
    CAREGIVER[0]: b"BoneTrack demo Colin".hex(),
}
DEMO_BACKUP_CODES = {
    CLINICIAN[0]: [f"doc{n:05d}" for n in range(1, 11)],
    ADMIN[0]: [f"admin{n:05d}" for n in range(1, 11)],
    CAREGIVER[0]: [f"colin{n:05d}" for n in range(1, 11)],
}
# email, name, birth date, sex, menopausal status, tallest height, linked to the clinician
PATIENTS = [
    (
        "margaret@example.com",
        "Margaret Denholm",
        dt.date(1952, 3, 14),
        "female",
        "postmenopausal",
        "165.0",
        True,
    ),
    (
        "rosa@example.com",
        "Rosa Romero",
        dt.date(1948, 9, 2),
        "female",
        "postmenopausal",
        "160.0",
        True,
    ),
    (
        "olive@example.com",
        "Olive Osborne",
        dt.date(1957, 6, 21),
        "female",
        "postmenopausal",
        "168.0",
        True,
    ),
    (
        "uma@example.com",
        "Uma Unlinked",
        dt.date(1960, 1, 9),
        "female",
        "postmenopausal",
        None,
        False,
    ),
]


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent). Passwords are for local use only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo makes accounts with published passwords: it runs only with DEBUG=1 "
                "(local development), never on a real server."
            )
        with transaction.atomic():
            created = self.seed()
            enrolled = self.enrol_demo_staff()
        if options["verbosity"] == 0:
            return
        if created:
            self.stdout.write(self.style.SUCCESS("Demo accounts created (local use only):"))
            for email in created:
                self.stdout.write(f"  {email:28} password: {DEMO_PASSWORD}")
        for device in enrolled:
            email = device.user.email
            self.stdout.write(
                f"  {email:28} two-step sign-in key: {two_factor.secret(device)}\n"
                f"  {'':28} backup codes: {' '.join(DEMO_BACKUP_CODES[email])}"
            )
        if not created and not enrolled:
            self.stdout.write("Demo data already present; nothing changed.")

    def enrol_demo_staff(self) -> list[TOTPDevice]:
        """The demo clinician, admin and caregiver get an authenticator app with a fixed
        key, so the demo works: add the printed key to any authenticator app."""
        enrolled = []
        for email, key in DEMO_TOTP_KEYS.items():
            user = User.objects.filter(email=email).first()
            if user is None or two_factor.has_app(user):
                continue
            device = TOTPDevice.objects.create(
                user=user, name=two_factor.APP_DEVICE, key=key, confirmed=True
            )
            two_factor.new_backup_codes(user, DEMO_BACKUP_CODES[email])
            enrolled.append(device)
        return enrolled

    def seed(self) -> list[str]:
        created = []
        clinician, new = self.user(*CLINICIAN, role=Role.CLINICIAN, approved_at=timezone.now())
        created += [clinician.email] if new else []
        admin, new = self.user(*ADMIN, role=Role.ADMIN, is_superuser=True)
        created += [admin.email] if new else []
        for email, name, born, sex, status, height, linked in PATIENTS:
            user, new = self.user(email, name, role=Role.PATIENT)
            if not new:
                continue
            created.append(email)
            patient = Patient(
                user=user,
                birth_date=born,
                sex=sex,
                menopausal_status=status,
                tallest_height_cm=height,
                # The demo records have been kept here for years: their history (and
                # what was due in it) predates today's seeding.
                created_at=timezone.now() - DEMO_RECORD_AGE,
            )
            with change_record(None, patient, actor=user) as change:
                patient.save()
                if linked:
                    CareLink.objects.create(
                        patient=patient,
                        clinician=clinician,
                        status=CareLink.Status.ACTIVE,
                        initiated_by=CareLink.Initiator.PATIENT,
                        responded_at=timezone.now(),
                    )
                seed_history(
                    patient,
                    today=timezone.localdate(),
                    clinician=clinician if linked else None,
                )
                change.audit(AuditEvent.Action.CREATE, patient, "demo record")
                if helper := self.seed_caregiver(patient, change):
                    created.append(helper)
        return created

    def seed_caregiver(self, patient: Patient, change) -> str | None:
        """Colin, with an active link to Margaret, as if he had accepted her invitation
        (tracker.accounts.caregivers.accept), in the change that creates her record."""
        email, name, of = CAREGIVER
        if patient.user.email != of:
            return None
        helper, new = self.user(email, name, role=Role.PATIENT, cares_for_someone=True)
        link = CaregiverLink.objects.create(
            patient=patient,
            caregiver=helper,
            email=email,
            status=CaregiverLink.Status.ACTIVE,
            gets_injection_reminders=True,
            accepted_at=timezone.now(),
        )
        change.audit(AuditEvent.Action.CREATE, link, f"demo caregiver {name}")
        return email if new else None

    def user(self, email: str, name: str, **fields) -> tuple[User, bool]:
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user, False
        # Demo addresses count as confirmed (issue 9), so reminders and sharing work.
        fields.setdefault("email_verified_at", timezone.now())
        return User.objects.create_user(email, DEMO_PASSWORD, full_name=name, **fields), True
