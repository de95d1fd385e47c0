"""FHIR R4 pages: download the whole record as a Bundle, and import one.

Both go through the one access gate: the patient and a clinician who cares for them."""

import json

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from tracker.accounts.access import patient_for
from tracker.interop.fhir import export_bundle, import_bundle

MAX_BYTES = 10 * 1024 * 1024  # issue 10, "Bad input": 10 MB a file


@require_GET
def export_fhir(request, patient_id: int):
    patient = patient_for(
        request, patient_id, what="downloaded the record as a FHIR file", caregivers=False
    )
    body = json.dumps(export_bundle(patient), indent=1, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bonetrack-{patient.pk}-fhir.json"'
    return response


class FhirUploadForm(forms.Form):
    file = forms.FileField(
        label="FHIR file (.json)",
        help_text="A FHIR R4 Bundle, for example one downloaded from BoneTrack. Up to 10 MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        raw = upload.read(MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("This is not a FHIR JSON file (not text).") from None
        if not text.lstrip().startswith("{"):
            raise forms.ValidationError("This is not a FHIR JSON file.")
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise forms.ValidationError("This file is not valid JSON.") from None


@require_http_methods(["GET", "POST"])
def import_fhir(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened the FHIR import page", caregivers=False)
    form = FhirUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_bundle(patient, form.cleaned_data["file"], request=request)
    return render(
        request, "interop/fhir_import.html", {"patient": patient, "form": form, "result": result}
    )


urlpatterns: list = [
    path("patients/<int:patient_id>/export/fhir/", export_fhir, name="export-fhir"),
    path("patients/<int:patient_id>/import/fhir/", import_fhir, name="import-fhir"),
]
