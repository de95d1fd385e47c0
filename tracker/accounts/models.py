from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from tracker.clinical.dates import age_on


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINICIAN = "clinician", "Clinician"
    ADMIN = "admin", "Admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(role=Role.ADMIN, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PATIENT)
    is_active = models.BooleanField(
        default=True, help_text="Untick to deactivate: access ends on the next request."
    )
    approved_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Clinicians see no patient until an admin approves them.",
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # "Today" is the user's own day (issue 9): due dates, reminders and pages use it.
    # Empty means the server's TIME_ZONE; validated against the IANA names by forms.
    time_zone = models.CharField(max_length=64, blank=True)
    # Issue 9: an address is used for reminders and sharing only once its owner has
    # followed the link we sent to it (tracker.accounts.verification).
    email_verified_at = models.DateTimeField(
        "email confirmed",
        null=True,
        blank=True,
        help_text="When the owner followed the link sent to this address. Empty: not yet.",
    )
    # A change of address waits here until the new address is confirmed; the old
    # one stays in use (sign-in, reminders) until then.
    pending_email = models.EmailField("new email, waiting for confirmation", blank=True)
    # Issue 11: every page in larger type for this person (chosen on the Account page).
    large_text = models.BooleanField("larger text", default=False)
    # Issue 12: a hint, never an access decision (the caregiver links decide): set when
    # this person accepts a caregiver link, cleared when their last one ends, so the
    # navigation looks for "People I care for" only for those who may have some.
    cares_for_someone = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone, or the server's when none (or an unknown one) is set."""
        try:
            return ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(settings.TIME_ZONE)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def address_to_confirm(self) -> str:
        """The address a confirmation link would be for: a pending new one first."""
        if self.pending_email:
            return self.pending_email
        return "" if self.email_verified else self.email

    @property
    def initials(self) -> str:
        """ "M. S." for Margaret Smith: how a patient is named where a third party may
        read it (a calendar app, a mailbox); a link then opens the record."""
        return " ".join(f"{part[0]}." for part in self.full_name.split() if part) or "patient"

    @property
    def is_staff(self) -> bool:
        # Only admins reach the Django admin; it is derived, never stored.
        return self.role == Role.ADMIN

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def has_record(self) -> bool:
        """A patient's own record exists; an account made only to care for someone
        (issue 12) has none until its owner starts one from the profile page."""
        return self.role == Role.PATIENT and hasattr(self, "patient")

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_approved_clinician(self) -> bool:
        return self.role == Role.CLINICIAN and self.approved_at is not None


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class MenopausalStatus(models.TextChoices):
    PREMENOPAUSAL = "premenopausal", "Premenopausal"
    PERIMENOPAUSAL = "perimenopausal", "Perimenopausal"
    POSTMENOPAUSAL = "postmenopausal", "Postmenopausal"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PatientQuerySet":
        """The one rule of who may see a patient's record.

        The patient sees their own; an approved clinician sees the patients
        with an active care link; anyone but an admin also sees the people they
        care for (an active caregiver link, issue 12); nobody else sees any.
        """
        if not user.is_authenticated or not user.is_active or user.role == Role.ADMIN:
            return self.none()
        # One condition on the primary key over a UNION of indexed lookups: one query,
        # each patient once, and a semi-join the database plans from the link indexes
        # (an OR of two joins would repeat rows and scan every patient).
        ids = CaregiverLink.objects.active().filter(caregiver=user).values("patient_id")
        if user.role == Role.PATIENT:
            own = self.model.objects.filter(user=user).values("pk")
            ids = ids.order_by().union(own.order_by())
        elif user.is_approved_clinician:
            shared = CareLink.objects.active().filter(clinician=user).values("patient_id")
            ids = ids.order_by().union(shared.order_by())
        return self.filter(user__is_active=True, pk__in=ids)

    def visible_record(self, user, pk: int) -> "PatientQuerySet":
        """`visible_to` asked of one record (the access gate): the same rule, by that
        record's own links. `visible_to`'s list of every record the user sees costs what
        the user's links number (5,000 for a busy clinician, read on every page); this
        costs one index lookup per kind of link, whoever asks."""
        if not user.is_authenticated or not user.is_active or user.role == Role.ADMIN:
            return self.none()
        its = {"patient": OuterRef("pk")}
        sees = Q(Exists(CaregiverLink.objects.active().filter(caregiver=user, **its)))
        if user.role == Role.PATIENT:
            sees |= Q(user=user)
        elif user.is_approved_clinician:
            sees |= Q(Exists(CareLink.objects.active().filter(clinician=user, **its)))
        return self.filter(sees, user__is_active=True, pk=pk)

    def shared_with_clinician(self, user) -> "PatientQuerySet":
        """The patients who share their record with `user` as their clinician (an active
        care link): the clinician's panel, never the people they care for as family."""
        if not user.is_active or not user.is_approved_clinician:
            return self.none()
        return self.filter(
            user__is_active=True,
            care_links__clinician=user,
            care_links__status=CareLink.Status.ACTIVE,
        )

    def cared_for_by(self, user) -> "PatientQuerySet":
        """The people `user` cares for (an active caregiver link), for the navigation."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            user__is_active=True,
            caregiver_links__caregiver=user,
            caregiver_links__status=CaregiverLink.Status.ACTIVE,
        )


class Patient(models.Model):
    """A patient's profile: the facts the clinical rules need (rule book sections 2.2 and 8)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="patient")
    birth_date = models.DateField("date of birth")
    sex = models.CharField(max_length=6, choices=Sex.choices)
    menopausal_status = models.CharField(max_length=16, choices=MenopausalStatus.choices)
    tallest_height_cm = models.DecimalField(
        "tallest recalled height (cm)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    # FRAX-style risk factors, rule book section 8.
    current_smoking = models.BooleanField("current smoker", default=False)
    alcohol_3_or_more_units = models.BooleanField("alcohol 3 or more units a day", default=False)
    glucocorticoids = models.BooleanField(
        "oral glucocorticoids 5 mg/day or more for 3 months or more", default=False
    )
    glucocorticoids_since = models.DateField(
        "taking them since",
        null=True,
        blank=True,
        help_text="When you started them, if you take them: a new bone-losing drug "
        "is a reason to talk about a scan.",
    )
    parental_hip_fracture = models.BooleanField("a parent broke a hip", default=False)
    rheumatoid_arthritis = models.BooleanField(default=False)
    secondary_causes = models.BooleanField(
        "secondary causes of osteoporosis",
        default=False,
        help_text="e.g. untreated hyperthyroidism, early menopause, malabsorption",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return self.user.full_name

    def age_on(self, day) -> int:
        return age_on(self.birth_date, day)

    @property
    def record_start(self):
        """The record's first day: a due date before it is shown as "now" (issue 9)."""
        return timezone.localdate(self.created_at)


class CareLinkQuerySet(models.QuerySet):
    def open(self) -> "CareLinkQuerySet":
        return self.filter(status__in=[CareLink.Status.PENDING, CareLink.Status.ACTIVE])

    def active(self) -> "CareLinkQuerySet":
        return self.filter(status=CareLink.Status.ACTIVE)

    def pending(self) -> "CareLinkQuerySet":
        return self.filter(status=CareLink.Status.PENDING)


class CareLink(models.Model):
    """Consent: a patient's record is visible to a clinician while a link is active."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the patient"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    class Initiator(models.TextChoices):
        PATIENT = "patient", "Patient shared"
        CLINICIAN = "clinician", "Clinician asked"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_links")
    clinician = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="care_links",
        limit_choices_to={"role": Role.CLINICIAN},
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    initiated_by = models.CharField(max_length=9, choices=Initiator.choices)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "clinician"],
                condition=Q(status__in=["pending", "active"]),
                name="one_open_care_link_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["clinician", "status"])]

    def __str__(self) -> str:
        return f"{self.patient} ↔ {self.clinician} ({self.get_status_display()})"

    def involves(self, user) -> bool:
        return user.pk in (self.clinician_id, self.patient.user_id)


class CaregiverLinkQuerySet(models.QuerySet):
    def open(self) -> "CaregiverLinkQuerySet":
        return self.filter(status__in=[CaregiverLink.Status.PENDING, CaregiverLink.Status.ACTIVE])

    def active(self) -> "CaregiverLinkQuerySet":
        return self.filter(status=CaregiverLink.Status.ACTIVE)

    def pending(self) -> "CaregiverLinkQuerySet":
        return self.filter(status=CaregiverLink.Status.PENDING)


class CaregiverLink(models.Model):
    """Issue 12: a patient lets someone who helps them (a daughter, a husband) see the
    record and log entries for them. Being a caregiver is this link, not a role: a
    patient or a clinician may also care for someone. The invitation goes to an email
    address; the person who accepts it with that address becomes `caregiver`."""

    class Status(models.TextChoices):
        PENDING = "pending", "Invited"
        ACTIVE = "active", "Active"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Ended"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="caregiver_links")
    caregiver = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="caring_for"
    )
    email = models.EmailField("invited email address")
    # The invitation's single-use secret, as its SHA-256: the database never holds a
    # working link. Emptied once the invitation is answered.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # The patient's consent to "missed-injection escalation" (issue 12, item 2).
    gets_injection_reminders = models.BooleanField(
        "send my injection and infusion reminders to this person", default=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CaregiverLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "caregiver"],
                condition=Q(status__in=["pending", "active"]),
                name="one_open_caregiver_link_per_pair",
            ),
            models.UniqueConstraint(
                fields=["patient", "email"],
                condition=Q(status="pending"),
                name="one_pending_caregiver_invite_per_address",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(caregiver__isnull=False),
                name="active_caregiver_link_has_caregiver",
            ),
        ]
        indexes = [models.Index(fields=["caregiver", "status"])]

    def __str__(self) -> str:
        who = self.caregiver or self.email
        return f"{who} cares for {self.patient} ({self.get_status_display()})"

    @property
    def name(self) -> str:
        """How the patient's pages name the caregiver: their name once accepted."""
        return str(self.caregiver) if self.caregiver_id else self.email

    def involves(self, user) -> bool:
        return user.pk is not None and user.pk in (self.caregiver_id, self.patient.user_id)


class AuditEvent(models.Model):
    """Append-only trail of reads by others, changes, sharing and logins."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Added"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        SHARE = "share", "Shared record"
        REQUEST = "request", "Asked for access"
        ACCEPT = "accept", "Accepted request"
        DECLINE = "decline", "Declined request"
        REVOKE = "revoke", "Ended sharing"
        ACKNOWLEDGE = "acknowledge", "Acknowledged alert"
        SNOOZE = "snooze", "Snoozed alert"
        DONE = "done", "Marked alert done"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOGOUT = "logout", "Signed out"
        EMAIL_CONFIRMED = "email_confirmed", "Confirmed email address"
        EMAIL_CHANGE = "email_change", "Asked to change email address"
        EMAIL_CHANGED = "email_changed", "Changed email address"
        # Issue 12: caregivers.
        CARE_INVITE = "care_invite", "Invited a caregiver"
        CARE_ACCEPT = "care_accept", "Caregiver accepted"
        CARE_DECLINE = "care_decline", "Caregiver declined"
        CARE_END = "care_end", "Caregiver access ended"
        CARE_REMINDERS = "care_reminders", "Changed a caregiver's reminders"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"])]

    # A read's summary says what was seen ("opened the delete page for a fall"); events
    # written before it did ("delete falls 3") keep the action's name in front.
    SEEN_PREFIXES = ("opened ", "saw ", "fetched ", "used ", "sent ")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")

    @property
    def description(self) -> str:
        """What the patient reads under "Who viewed my record"."""
        if self.action == self.Action.VIEW and self.summary.startswith(self.SEEN_PREFIXES):
            return self.summary[:1].upper() + self.summary[1:]
        label = self.get_action_display()
        return f"{label}: {self.summary}" if self.summary else label
