"""The one-step functions of `sendreminders` (tests call these directly).

queue_due(now): assess the patients whose answer may have changed, on their own
day, batch by batch, and queue one Delivery per (recipient, alert key) that the
recipient wants by email. The unique constraint makes the queue idempotent: a
second run queues nothing new, an escalation (a new key) is queued again.

Issue 13 item 7, reminders cost what changes, not who exists: each patient's
summary row says when a run must look again (`assess_at`): at the next run after a
change to the record (the write path) or to who is reminded (`assess_soon`): both
set ASSESS_NOW, before any run's `now` whatever the hosts' clocks say; else
at local midnight of the day the engine's answer next changes
(tracker.clinical.horizon), and at the latest at the patient's own time of day,
within 24 hours of the last look (the rolling daily sweep, spread over the day:
sweep_at). A run first marks due every row stored under other rules
(tracker.clinical.version: a rule change re-assesses everyone) and makes the rows
of patients who have none, then claims due rows BATCH_SIZE at a time with one
conditional UPDATE (several hosts may run at once: each row goes to one run; a
run that dies leaves a claim that expires after LEASE), assesses them, and in one
transaction per batch stores the rows it still holds and queues their deliveries.
Due rows are one range of the `assess_at` index, taken from its start: a run in
which nothing changed is three statements (and the claim reads no row).

deliver_pending(now): claim recipients' pending rows with a conditional UPDATE
(several workers can run at once; each row goes to exactly one), send one email
per recipient, mark it sent. An SMTP failure releases the claim for the next
run; a worker that dies leaves a claim that expires after CLAIM_TIMEOUT.
"""

import datetime as dt
import logging
import secrets
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tracker.accounts.models import CaregiverLink, CareLink, Patient, Role, User
from tracker.clinical.assess import assess
from tracker.clinical.horizon import next_change
from tracker.clinical.summary import summarize
from tracker.clinical.version import RULES_VERSION
from tracker.records.history import load_histories
from tracker.records.models import ASSESS_NOW, AlertState, PatientSummary
from tracker.records.search import name_key
from tracker.records.summary import Assessed, store_assessed
from tracker.reminders.models import CAREGIVER_RULES, Delivery, ReminderPreference

log = logging.getLogger(__name__)

BATCH_SIZE = 500
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
# A run holds the patients it claimed this long: one that dies leaves them to others.
LEASE = dt.timedelta(minutes=15)
# The rolling daily sweep: every patient is assessed at least this often, each at a
# time of day of their own (sweep_at), so that a run that assessed everyone (a first
# deployment, a rules change) is not repeated whole 24 hours later.
SWEEP = dt.timedelta(hours=24)
_SECONDS_A_SWEEP = int(SWEEP.total_seconds())
# Knuth's multiplicative hash: consecutive ids land far apart in the day.
_SPREAD = 2654435761
# Clinicians get a digest of their patients' alert-level items only (issue 4).
CLINICIAN_SEVERITIES = ("alert",)
DEFAULT_PREFERENCE = ReminderPreference()


def _wants(user, severity: str) -> bool:
    preference = getattr(user, "reminder_preference", None) or DEFAULT_PREFERENCE
    return preference.wants(severity)


def mark_due() -> int:
    """A rule change re-assesses everyone: rows stored under other rules are due at
    this run (one UPDATE, which changes nothing when the rules are the same)."""
    return (
        PatientSummary.objects.exclude(rules_version=RULES_VERSION)
        .exclude(assess_at=ASSESS_NOW)  # (not a range of the index: one plain scan)
        .update(assess_at=ASSESS_NOW)
    )


def make_missing_rows(batch_size: int = BATCH_SIZE) -> int:
    """Patients with no summary row (loaded in bulk, or from before summaries) get
    one, due at once, so that they are claimed like everyone else. A row belongs to a
    patient (its key), so equal counts mean none is missing: two counts, and the
    search only when they differ."""
    if PatientSummary.objects.count() >= Patient.objects.count():
        return 0
    missing = Patient.objects.filter(summary__isnull=True)
    ids = list(missing.order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        PatientSummary.objects.bulk_create(
            [PatientSummary(patient_id=pk, assess_at=ASSESS_NOW) for pk in chunk],
            ignore_conflicts=True,
        )
    return len(ids)


def claim(worker: str, now: dt.datetime, batch_size: int = BATCH_SIZE) -> list[Patient]:
    """Up to `batch_size` patients due at `now` that no live run holds, now held by
    `worker`, earliest due first: one conditional UPDATE. On PostgreSQL its subquery
    skips rows another run is claiming this instant (FOR UPDATE SKIP LOCKED) and the
    UPDATE checks its condition again on each row it writes, so two runs never hold
    the same patient; SQLite writes one at a time. The lease runs on the wall clock,
    whatever `now` a test passes."""
    clock = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=clock)
    candidates = PatientSummary.objects.filter(free, assess_at__lte=now).order_by("assess_at")
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True)
    with transaction.atomic():  # FOR UPDATE needs one, around the one statement
        claimed = PatientSummary.objects.filter(
            free, pk__in=candidates.values("pk")[:batch_size]
        ).update(claimed_by=worker, claimed_until=clock + LEASE)
    if not claimed:
        return []
    return list(
        Patient.objects.filter(summary__claimed_by=worker, summary__claimed_until__isnull=False)
        .select_related("user__reminder_preference", "summary")
        .order_by("pk")
    )


def rest(patient_ids: list[int], *, worker: str, now: dt.datetime) -> None:
    """Deactivated patients are not assessed: their rows wait a day (reactivating an
    account makes them due again: tracker.accounts.admin)."""
    PatientSummary.objects.filter(pk__in=patient_ids, claimed_by=worker).update(
        assess_at=now + SWEEP, claimed_by="", claimed_until=None
    )


def sweep_at(patient_id: int, now: dt.datetime) -> dt.datetime:
    """The daily sweep's next look at a patient: their own time of day (UTC, from
    their id), the first after `now`: within SWEEP of `now`, and SWEEP apart from one
    sweep to the next. Patients assessed together are looked at again spread over
    the day, a few at each run, not all at once a day later."""
    start = dt.datetime.combine(now.astimezone(dt.UTC).date(), dt.time.min, tzinfo=dt.UTC)
    slot = start + dt.timedelta(seconds=(patient_id * _SPREAD) % _SECONDS_A_SWEEP)
    while slot <= now:
        slot += SWEEP
    return slot


def _end_of(day: dt.date) -> dt.datetime:
    """The last instant of `day` in the current time zone: a test's run on that day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def assess_again_at(
    next_change_on: dt.date | None, zone, now: dt.datetime, *, patient_id: int
) -> dt.datetime:
    """When a run must look at the patient again: local midnight of the day the
    engine's answer next changes, at the latest at their daily sweep (within SWEEP of
    `now`), and always after `now` (so a run never claims the same patient twice)."""
    latest = sweep_at(patient_id, now)
    if next_change_on is not None:
        midnight = timezone.make_aware(dt.datetime.combine(next_change_on, dt.time.min), zone)
        latest = min(latest, midnight)
    return max(latest, now + dt.timedelta(microseconds=1))


def queue_due(
    today: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
    worker: str | None = None,
) -> int:
    """Queue every wanted, not yet delivered, still open alert of the patients due at
    `now` (see the module's docstring; issue 13 item 7), and store what the engine
    says of each in their summary. Each patient is assessed on their own day (their
    time zone at `now`); a `today` passed in is one day for all (tests), and `now`
    then defaults to the end of that day. Returns rows attempted."""
    now = now or (_end_of(today) if today else timezone.now())
    worker = worker or secrets.token_hex(8)
    mark_due()
    make_missing_rows(batch_size)
    attempted = 0
    while batch := claim(worker, now, batch_size):
        if inactive := [patient.pk for patient in batch if not patient.user.is_active]:
            rest(inactive, worker=worker, now=now)
        # At most three days at once on Earth: a few queries per day, not per patient.
        by_day = defaultdict(list)
        for patient in (patient for patient in batch if patient.user.is_active):
            by_day[today or timezone.localdate(now, patient.user.zone)].append(patient)
        for day, patients in by_day.items():
            attempted += _queue_batch(patients, day, worker=worker, now=now)
    return attempted


def _queue_batch(patients: list[Patient], today: dt.date, *, worker: str, now: dt.datetime) -> int:
    ids = [patient.pk for patient in patients]
    histories = load_histories(patients)
    # Section 11.18: a patient's done or snooze closes an item for the patient's
    # emails only; clinicians' emails and the panel wait for an acknowledgement.
    hidden, acknowledged = defaultdict(set), defaultdict(set)
    states = AlertState.objects.filter(patient_id__in=ids).closed(today)
    for patient_id, key, status in states.values_list("patient_id", "key", "status"):
        hidden[patient_id].add(key)
        if status == AlertState.Status.ACKNOWLEDGED:
            acknowledged[patient_id].add(key)
    clinicians, caregivers = _clinicians_of(ids), _caregivers_of(ids)
    rows, assessed = [], {}
    for patient in patients:
        history = histories[patient.pk]
        assessment = assess(history, today)
        for_panel = [a for a in assessment.alerts if a.key not in acknowledged[patient.pk]]
        changes_on = next_change(history, assessment)
        assessed[patient.pk] = Assessed(
            summary=summarize(assessment, for_panel),
            next_change_on=changes_on,
            assess_at=assess_again_at(changes_on, patient.user.zone, now, patient_id=patient.pk),
            search_name=name_key(patient.user.full_name),
        )
        for alert in for_panel:
            recipients = []
            if (
                patient.user.email_verified
                and alert.key not in hidden[patient.pk]
                and _wants(patient.user, alert.severity)
            ):
                recipients.append(patient.user)
            if alert.severity in CLINICIAN_SEVERITIES:
                recipients += [c for c in clinicians[patient.pk] if _wants(c, alert.severity)]
            if alert.rule_id in CAREGIVER_RULES:
                recipients += [c for c in caregivers[patient.pk] if _wants(c, alert.severity)]
            recipients = list({recipient.pk: recipient for recipient in recipients}.values())
            rows += [
                Delivery(
                    recipient=recipient,
                    patient=patient,
                    key=alert.key,
                    rule_id=alert.rule_id,
                    severity=alert.severity,
                    title=alert.title[:200],
                    explanation=alert.explanation,
                    clinician_line=alert.clinician_line[:300],
                    source=alert.source[:300],
                    due_date=alert.due_date,
                )
                for recipient in recipients
            ]
    with transaction.atomic():
        # Only what this run still holds: a patient whose record changed since it was
        # read is due again, and the next look queues from the new record.
        held = store_assessed(assessed, worker=worker)
        rows = [row for row in rows if row.patient_id in held]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _clinicians_of(ids: list[int]) -> dict[int, list[User]]:
    """Each patient's clinicians who get alert-level items (confirmed addresses only)."""
    found = defaultdict(list)
    links = CareLink.objects.active().filter(
        patient_id__in=ids,
        clinician__is_active=True,
        clinician__role=Role.CLINICIAN,
        clinician__approved_at__isnull=False,
        clinician__email_verified_at__isnull=False,  # issue 9: confirmed addresses only
    )
    for link in links.select_related("clinician__reminder_preference"):
        found[link.patient_id].append(link.clinician)
    return found


def _caregivers_of(ids: list[int]) -> dict[int, list[User]]:
    """Issue 12: each patient's caregivers who get CAREGIVER_RULES items: an active link
    with the patient's consent, and a confirmed address (issue 9, as for everyone). A
    caregiver's own settings choose severities; the patient's snooze does not hold
    back what the patient asked to have escalated."""
    found = defaultdict(list)
    links = CaregiverLink.objects.active().filter(
        patient_id__in=ids,
        gets_injection_reminders=True,
        caregiver__is_active=True,
        caregiver__email_verified_at__isnull=False,
    )
    for link in links.select_related("caregiver__reminder_preference"):
        found[link.patient_id].append(link.caregiver)
    return found


def deliver_pending(now: dt.datetime, *, batch_size: int = BATCH_SIZE) -> int:
    """Email each recipient their pending items, once. Returns the number of emails sent."""
    worker = secrets.token_hex(8)
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    recipient_ids = list(
        Delivery.objects.pending()
        .filter(claimable, recipient__email_verified_at__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    with get_connection(fail_silently=False) as connection:
        for start in range(0, len(recipient_ids), batch_size):
            chunk = recipient_ids[start : start + batch_size]
            # The conditional UPDATE is the claim: rows another worker holds are not touched.
            Delivery.objects.pending().filter(claimable, recipient_id__in=chunk).update(
                claimed_by=worker, claimed_at=now
            )
            mine = (
                Delivery.objects.pending()
                .filter(claimed_by=worker)
                .select_related("recipient", "patient__user")
            )
            by_recipient = defaultdict(list)
            for delivery in mine.order_by("recipient_id", "patient_id", "pk"):
                by_recipient[delivery.recipient_id].append(delivery)
            for items in by_recipient.values():
                if items := _drop_withdrawn(items, worker=worker):
                    sent += _send(items, connection=connection, worker=worker, now=now)
    return sent


def _drop_withdrawn(items: list[Delivery], *, worker: str) -> list[Delivery]:
    """Issue 12: a reminder queued for a caregiver goes only while the link is active
    with the patient's consent: one that ended, or lost consent, since it was queued
    is dropped unsent (queued again, and sent, if consent comes back)."""
    recipient = items[0].recipient
    relayed = {
        item.patient_id
        for item in items
        if item.rule_id in CAREGIVER_RULES and item.patient.user_id != recipient.pk
    }
    if not relayed:
        return items
    allowed = set(
        CaregiverLink.objects.active()
        .filter(caregiver=recipient, gets_injection_reminders=True, patient_id__in=relayed)
        .values_list("patient_id", flat=True)
    )
    allowed |= set(
        CareLink.objects.active()
        .filter(clinician=recipient, patient_id__in=relayed)
        .values_list("patient_id", flat=True)
    )
    gone = [item for item in items if item.patient_id in relayed - allowed]
    gone = [item for item in gone if item.rule_id in CAREGIVER_RULES]
    Delivery.objects.filter(pk__in=[item.pk for item in gone], claimed_by=worker).delete()
    return [item for item in items if item not in gone]


def _send(items: list[Delivery], *, connection, worker: str, now: dt.datetime) -> int:
    ids = [item.pk for item in items]
    try:
        build_email(items, connection=connection).send()
    except Exception:  # SMTP down or refused: leave the rows for the next run
        log.exception("sending reminders to %s failed", items[0].recipient.email)
        Delivery.objects.filter(pk__in=ids, claimed_by=worker).update(
            claimed_by="", claimed_at=None, attempts=F("attempts") + 1
        )
        return 0
    Delivery.objects.filter(pk__in=ids, claimed_by=worker).update(sent_at=now)
    return 1


def build_email(items: list[Delivery], *, connection=None) -> EmailMultiAlternatives:
    recipient = items[0].recipient
    # Subjects show on lock screens and in shared inboxes: they say how many, never what.
    count = f"{len(items)} item" if len(items) == 1 else f"{len(items)} items"
    if recipient.role == Role.CLINICIAN:
        template = "reminders/email/clinician_digest"
        subject = f"BoneTrack: {count} to review for your patients"
    else:
        template = "reminders/email/patient"
        subject = (
            "BoneTrack: you have 1 reminder"
            if len(items) == 1
            else f"BoneTrack: you have {len(items)} reminders"
        )
    for item in items:
        item.record_url = settings.SITE_URL + reverse("dashboard:patient", args=[item.patient_id])
    context = {
        "recipient": recipient,
        "items": items,
        # Issue 12: a caregiver's email holds the reminders of the people they help
        # (named by initials) after their own.
        "own": [item for item in items if item.patient.user_id == recipient.pk],
        "helped": [item for item in items if item.patient.user_id != recipient.pk],
        "settings_url": settings.SITE_URL + reverse("reminders:settings"),
        "rules_url": settings.SITE_URL + reverse("learn:rules"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
