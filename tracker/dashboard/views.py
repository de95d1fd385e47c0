import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tracker.accounts.access import patient_for
from tracker.clinical import exercise
from tracker.clinical.assess import assess
from tracker.records import forms
from tracker.records import models as m
from tracker.records.history import load_history
from tracker.records.kinds import KINDS
from tracker.reminders.models import open_alerts

RECENT = 5
SNOOZE_DEFAULT = dt.timedelta(days=7)


@require_GET
def patient(request, patient_id: int):
    patient = patient_for(request, patient_id, what="dashboard")
    today = timezone.localdate()
    assessment = assess(load_history(patient), today)
    alerts = open_alerts(patient, assessment.alerts, today)
    if request.user.is_clinician:
        alerts = [alert for alert in alerts if alert.severity != "info"]
    sessions = m.ExerciseSession.objects.for_patient(patient)
    week = sessions.filter(date__gte=exercise.week_start(today))
    last_kind = sessions.order_by("-date", "-pk").values_list("kind", flat=True).first()
    quick_add = forms.ExerciseForm(
        initial={"date": today, "kind": last_kind or "resistance", "minutes": 30},
        patient=patient,
        today=today,
        user=request.user,
    )
    context = {
        "patient": patient,
        "assessment": assessment,
        "open_alerts": alerts,
        "snooze_default": today + SNOOZE_DEFAULT,
        "kinds": KINDS.values(),
        "scans": m.Scan.objects.for_patient(patient).prefetch_related("sites")[:RECENT],
        "courses": m.MedicationCourse.objects.for_patient(patient)[:RECENT],
        "week": exercise.week_summary(week.values_list("date", "kind", "minutes"), today),
        "quick_add": quick_add,
        "today": today,
    }
    return render(request, "dashboard/patient.html", context)
