"""The "Fracture risk (FRAX)" page of a record (issue 12, item 8): every FRAX input the
record holds in one place, what is missing, the link to the official calculator, and
the results clinicians recorded from it. The patient reads it; only a clinician adds
a result (through the generic entry pages: the `frax` kind is clinician-only)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tracker.accounts.access import patient_for
from tracker.clinical import frax
from tracker.records.fracture_care import FraxResult
from tracker.records.history import load_history


@require_GET
def frax_page(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened the fracture risk (FRAX) page")
    today = timezone.localdate()
    results = FraxResult.objects.for_patient(patient).select_related("entered_by")
    return render(
        request,
        "records/frax.html",
        {
            "patient": patient,
            "inputs": frax.frax_inputs(load_history(patient), today),
            "results": results.order_by("-date", "-pk"),
            "calculator_url": frax.CALCULATOR_URL,
            "may_add": request.user.is_approved_clinician,
        },
    )
