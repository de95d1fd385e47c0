"""The record as CSV, the patient's full download and account deletion (issue 10, 8-11)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tracker.accounts.access import patient_for, patient_required, role_required
from tracker.accounts.models import Role
from tracker.interop import owner
from tracker.interop.csv_io import ImportRefused, csv_zip, import_csv_zip
from tracker.interop.forms import CsvUploadForm, DeleteAccountForm


def _zip_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def export_csv(request, patient_id: int):
    patient = patient_for(
        request, patient_id, what="downloaded the record as CSV files", caregivers=False
    )
    return _zip_response(csv_zip(patient), f"bonetrack-{timezone.localdate()}-csv.zip")


@require_http_methods(["GET", "POST"])
def import_csv(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened the CSV import page", caregivers=False)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    problems, outcome = [], None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = import_csv_zip(patient, form.cleaned_data["file"].read(), request=request)
        except ImportRefused as refused:
            problems = refused.problems
    context = {"patient": patient, "form": form, "problems": problems, "outcome": outcome}
    return render(request, "interop/import_csv.html", context)


@patient_required
@require_GET
def download_everything(request):
    data = owner.everything_zip(request.user.patient)
    return _zip_response(data, f"bonetrack-{timezone.localdate()}-everything.zip")


@role_required(Role.PATIENT)  # a caregiver's account without a record too (issue 12)
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        owner.delete_account(user)
        messages.success(request, "Your account and your record are deleted.")
        return redirect("accounts:login")
    return render(request, "interop/delete_account.html", {"form": form})


urlpatterns = [
    path("patients/<int:patient_id>/export/csv/", export_csv, name="export-csv"),
    path("patients/<int:patient_id>/import/csv/", import_csv, name="import-csv"),
    path("account/download/", download_everything, name="download-everything"),
    path("account/delete/", delete_account, name="delete-account"),
]
