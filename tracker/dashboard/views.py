from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.accounts.access import patient_for


@require_GET
def patient(request, patient_id: int):
    patient = patient_for(request, patient_id, what="dashboard")
    return render(request, "dashboard/patient.html", {"patient": patient})
