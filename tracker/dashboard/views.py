from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tracker.accounts.access import patient_for
from tracker.clinical import exercise
from tracker.records import forms
from tracker.records import models as m
from tracker.records.kinds import KINDS

RECENT = 5


@require_GET
def patient(request, patient_id: int):
    patient = patient_for(request, patient_id, what="dashboard")
    today = timezone.localdate()
    week = m.ExerciseSession.objects.for_patient(patient).filter(
        date__gte=exercise.week_start(today)
    )
    last_kind = (
        m.ExerciseSession.objects.for_patient(patient)
        .order_by("-date", "-pk")
        .values_list("kind", flat=True)
        .first()
    )
    quick_add = forms.ExerciseForm(
        initial={"date": today, "kind": last_kind or "resistance", "minutes": 30},
        patient=patient,
        today=today,
        user=request.user,
    )
    context = {
        "patient": patient,
        "kinds": KINDS.values(),
        "scans": m.Scan.objects.for_patient(patient).prefetch_related("sites")[:RECENT],
        "courses": m.MedicationCourse.objects.for_patient(patient)[:RECENT],
        "week": exercise.week_summary(week.values_list("date", "kind", "minutes"), today),
        "quick_add": quick_add,
        "today": today,
    }
    return render(request, "dashboard/patient.html", context)
