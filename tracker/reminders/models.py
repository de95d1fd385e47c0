"""Delivering what tracker.clinical finds: who was emailed what, and how each
person wants to be reminded. What people did with each alert (AlertState) is
part of the record and lives in tracker.records.

Deliveries are stored by the alert's stable key: a new dose or an escalation
makes a new key, so an escalation is sent again.
"""

import re
import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tracker.accounts.models import Patient, User

# Section 5.1 severities: a patient may mark done or snooze these; alert-level
# items stay until a linked clinician acknowledges them.
PATIENT_MAY_CLOSE = ("info", "warn")
# A due or late injection or infusion is closed by recording the dose, never by
# "Done" (issue 9): the patient's action is "I had it", which opens the dose form.
DOSE_RULES = ("DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY", "ZOL-DUE", "ROMO-DUE")
# Issue 12, item 2 ("missed-injection escalation"): with the patient's consent on the
# caregiver link, these of the patient's reminders also go to the caregiver, by email
# and in the caregiver's calendar feed: due and late injections and infusions, and
# nothing else. The list, word for word (today the same as DOSE_RULES).
CAREGIVER_RULES = ("DMAB-DUE", "DMAB-LATE", "DMAB-LONG-DELAY", "ZOL-DUE", "ROMO-DUE")
# The engine's keys name what an alert is about ("DMAB-LATE:course-12:dose-45").
COURSE_IN_KEY = re.compile(r":course-(\d+)(?::|$)")


def dose_course_id(rule_id: str, key: str) -> int | None:
    """The course whose next dose a due or late dose alert is about, else None."""
    found = COURSE_IN_KEY.search(key) if rule_id in DOSE_RULES else None
    return int(found.group(1)) if found else None


class ReminderPreference(models.Model):
    """How one person wants to be reminded: email severities and a calendar feed."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reminder_preference")
    email_info = models.BooleanField(
        "email me information (e.g. an injection is due soon)", default=True
    )
    email_warn = models.BooleanField("email me warnings", default=True)
    email_alert = models.BooleanField("email me alerts that need a clinician", default=True)
    calendar_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"

    def wants(self, severity: str) -> bool:
        return getattr(self, f"email_{severity}")

    def new_calendar_token(self) -> str:
        # 43 URL-safe characters, 256 bits: unguessable, and a new one revokes the old.
        self.calendar_token = secrets.token_urlsafe(32)
        return self.calendar_token


class DeliveryQuerySet(models.QuerySet):
    def pending(self) -> "DeliveryQuerySet":
        return self.filter(sent_at__isnull=True)


class Delivery(models.Model):
    """One alert to email to one person: created once per (recipient, key), so the
    same alert is never sent twice; an escalation has a new key and is sent again."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deliveries")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    # Text, not a bounded CharField: a key names what the alert is about, e.g.
    # every fracture behind a TREATMENT-FAILURE, so it has no fixed length.
    key = models.TextField()
    rule_id = models.CharField(max_length=40)
    severity = models.CharField(max_length=5)
    title = models.CharField(max_length=200)
    explanation = models.TextField()
    clinician_line = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)
    due_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # A worker claims a recipient's pending rows with a conditional UPDATE;
    # a claim older than CLAIM_TIMEOUT is abandoned (the worker died) and re-claimed.
    claimed_by = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_delivery_per_alert")
        ]
        indexes = [
            models.Index(fields=["sent_at", "recipient"]),
            # A run reads back the pending rows it just claimed (delivery.deliver_pending)
            # without reading every pending row (issue 13: 100,000 patients).
            models.Index(
                fields=["claimed_by"], condition=Q(sent_at__isnull=True), name="delivery_claimed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient}"
