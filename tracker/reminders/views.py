from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts.access import (
    fetched_by_feed,
    is_own_record,
    patient_for,
    require_clinician,
)
from tracker.accounts.models import AuditEvent, CaregiverLink, Patient, Role
from tracker.clinical.assess import assess
from tracker.records.changes import change_record
from tracker.records.history import load_histories, load_history
from tracker.records.models import AlertState
from tracker.records.summary import assess_soon_for
from tracker.reminders import calendar
from tracker.reminders.forms import AcknowledgeForm, KeyForm, PreferenceForm, SnoozeForm
from tracker.reminders.models import DOSE_RULES, PATIENT_MAY_CLOSE, ReminderPreference

Action = AuditEvent.Action
# Calendar apps poll every few minutes: one audit event per feed and patient a day.
FEED_READ = "fetched the calendar feed (upcoming scans, doses and reminders)"


def _current_alert(patient, key: str, today):
    for alert in assess(load_history(patient), today).alerts:
        if alert.key == key:
            return alert
    raise Http404("This alert is no longer open.")


def _set_state(request, patient, alert, *, action: str, summary: str, **fields) -> None:
    with change_record(request, patient) as change:
        acknowledged = AlertState.objects.filter(
            patient=patient, key=alert.key, status=AlertState.Status.ACKNOWLEDGED
        )
        if fields["status"] != AlertState.Status.ACKNOWLEDGED and acknowledged.exists():
            # Section 11.18: a patient's done or snooze never reopens, for the
            # clinicians, an item a clinician has acknowledged.
            change.audit(action, summary=f"{summary} (already acknowledged)"[:255])
            return
        AlertState.objects.update_or_create(
            patient=patient,
            key=alert.key,
            defaults={
                "rule_id": alert.rule_id,
                "severity": alert.severity,
                "by": request.user,
                "at": timezone.now(),
                "snoozed_until": None,
                "note": "",
                **fields,
            },
        )
        change.audit(action, summary=summary[:255])


def _errors(form) -> list[str]:
    return [error for errors in form.errors.values() for error in errors]


def _back(patient):
    return redirect("dashboard:patient", patient_id=patient.pk)


def _patient_action(request, patient_id: int, form_class):
    """The patient's own info and warn items; alert-level ones wait for a clinician."""
    patient = patient_for(request, patient_id, what="used an alert button")
    if not is_own_record(request.user, patient):
        raise PermissionDenied("Only the patient can do this.")
    today = timezone.localdate()
    form = form_class(request.POST, **({"today": today} if form_class is SnoozeForm else {}))
    if not form.is_valid():
        messages.error(request, " ".join(_errors(form)))
        return patient, None, None
    alert = _current_alert(patient, form.cleaned_data["key"], today)
    if alert.severity not in PATIENT_MAY_CLOSE:
        raise PermissionDenied("Alert-level items stay until your clinician acknowledges them.")
    return patient, alert, form


@require_POST
def alert_done(request, patient_id: int):
    patient, alert, form = _patient_action(request, patient_id, KeyForm)
    if alert is not None and alert.rule_id in DOSE_RULES:
        messages.info(request, "Record the dose you had: that is what closes this reminder.")
    elif alert is not None:
        _set_state(
            request,
            patient,
            alert,
            action=Action.DONE,
            summary=alert.key,
            status=AlertState.Status.DONE,
        )
        messages.success(request, f"Marked done: {alert.title}")
    return _back(patient)


@require_POST
def alert_snooze(request, patient_id: int):
    patient, alert, form = _patient_action(request, patient_id, SnoozeForm)
    if alert is not None:
        until = form.cleaned_data["until"]
        _set_state(
            request,
            patient,
            alert,
            action=Action.SNOOZE,
            summary=f"{alert.key} until {until}",
            status=AlertState.Status.SNOOZED,
            snoozed_until=until,
        )
        messages.success(request, f"Snoozed until {until:%d %b %Y}: {alert.title}")
    return _back(patient)


@require_POST
def alert_acknowledge(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened an alert to acknowledge it")
    require_clinician(request, patient)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not acknowledged: " + " ".join(_errors(form)))
        return _back(patient)
    alert = _current_alert(patient, form.cleaned_data["key"], timezone.localdate())
    note = form.cleaned_data["note"]
    _set_state(
        request,
        patient,
        alert,
        action=Action.ACKNOWLEDGE,
        summary=f"{alert.key}: {note}",
        status=AlertState.Status.ACKNOWLEDGED,
        note=note,
    )
    messages.success(request, f"Acknowledged: {alert.clinician_title} ({alert.rule_id})")
    return _back(patient)


def _preference(user) -> ReminderPreference:
    return ReminderPreference.objects.get_or_create(user=user)[0]


@require_http_methods(["GET", "POST"])
def settings_page(request):
    if request.user.role == Role.ADMIN:
        raise PermissionDenied
    preference = _preference(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        assess_soon_for(request.user)  # issue 13 item 7: the next run applies them
        messages.success(request, "Your reminder settings are saved.")
        return redirect("reminders:settings")
    feed_url = (
        request.build_absolute_uri(f"/calendar/{preference.calendar_token}.ics")
        if preference.calendar_token
        else None
    )
    return render(request, "reminders/settings.html", {"form": form, "feed_url": feed_url})


@require_POST
def calendar_new(request):
    if request.user.role == Role.ADMIN:
        raise PermissionDenied
    preference = _preference(request.user)
    had_one = preference.calendar_token is not None
    preference.new_calendar_token()
    preference.save(update_fields=["calendar_token"])
    messages.success(
        request,
        "A new calendar address is ready; the old one no longer works."
        if had_one
        else "Your private calendar address is ready.",
    )
    return redirect("reminders:settings")


@require_POST
def calendar_revoke(request):
    ReminderPreference.objects.filter(user=request.user).update(calendar_token=None)
    messages.success(request, "Your calendar address no longer works.")
    return redirect("reminders:settings")


def _feed_patients(user) -> list[Patient]:
    """The records in `user`'s feed, in one query: their own and their patients' in
    full; of the people they care for (issue 12), only those who consented to have
    their injection reminders sent to them, and only those reminders."""
    as_family = CaregiverLink.objects.active().filter(caregiver=user, patient=OuterRef("pk"))
    as_clinician = Patient.objects.shared_with_clinician(user).filter(pk=OuterRef("pk"))
    patients = Patient.objects.visible_to(user).annotate(
        consented=Exists(as_family.filter(gets_injection_reminders=True)),
        shared=Exists(as_clinician),
    )
    found = list(patients.select_related("user"))
    for patient in found:
        patient.only_reminders = patient.user_id != user.pk and not patient.shared
        patient.in_feed = not patient.only_reminders or patient.consented
    return found


@login_not_required
@require_GET
def calendar_feed(request, token: str):
    preference = (
        ReminderPreference.objects.select_related("user")
        .filter(calendar_token=token, user__is_active=True)
        .first()
    )
    if preference is None:
        raise Http404
    user, stamp = preference.user, timezone.now()
    today = timezone.localdate(stamp, timezone=user.zone)  # the feed owner's own day
    patients = [patient for patient in _feed_patients(user) if patient.in_feed]
    fetched_by_feed(request, user, [patient.pk for patient in patients], what=FEED_READ)
    histories = load_histories(patients)
    events = []
    for patient in patients:
        label = "" if patient.user_id == user.pk else patient.user.initials
        what = calendar.caregiver_events if patient.only_reminders else calendar.events_for
        events += what(
            assess(histories[patient.pk], today),
            patient_id=patient.pk,
            label=label,
            stamp=stamp,
            record_start=patient.record_start,
        )
    body = calendar.build_calendar(events, name="BoneTrack")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # Health data: no browser or proxy keeps a copy (calendar apps poll on their own
    # schedule whatever max-age says, so caching saved nothing).
    add_never_cache_headers(response)
    return response
