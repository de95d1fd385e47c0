"""Import a DXA report: upload, review beside the source, confirm (the one write path);
the kept file is downloaded and deleted only through the access gate."""

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts.access import patient_for
from tracker.accounts.models import AuditEvent
from tracker.interop import reports, review, uploads
from tracker.interop.models import UploadedReport
from tracker.records import forms, guards
from tracker.records.changes import change_record
from tracker.records.history import previous_results
from tracker.records.models import Provenance, Scan

Action = AuditEvent.Action
SAFE_TYPES = {uploads.PDF, uploads.PNG, uploads.JPEG, uploads.FHIR_JSON}
SHOWN = ("date", "manufacturer", "model", "facility", "vertebral_fracture_found", "notes")


class UploadForm(django_forms.Form):
    file = django_forms.FileField(
        label="Report file (PDF, or a photo as JPEG or PNG)",
        widget=django_forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png"}
        ),
    )


def _report(patient, report_id: int) -> UploadedReport:
    return get_object_or_404(UploadedReport.objects.for_patient(patient), pk=report_id)


@csrf_exempt  # the CSRF check runs below, after the size limit is in place
@require_http_methods(["GET", "POST"])
def report_upload(request, patient_id: int):
    patient = patient_for(
        request, patient_id, what="opened the page to upload a report", caregivers=False
    )
    limit = uploads.SizeLimitHandler(request)
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > reports.MAX_BYTES + uploads.FORM_OVERHEAD:
            return _upload_page(request, patient, UploadForm(), uploads.too_big_message(), 413)
        request.upload_handlers.insert(0, limit)
    return _upload(request, patient, limit)


@csrf_protect
def _upload(request, patient, limit):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _upload_page(request, patient, form)
    if limit.exceeded:
        return _upload_page(request, patient, UploadForm(), uploads.too_big_message(), 413)
    if not form.is_valid():
        return _upload_page(request, patient, form)
    sent = form.cleaned_data["file"]
    try:
        upload = uploads.check(sent.read(reports.MAX_BYTES + 1), sent.name)
        read = reports.read_report(upload.data, filename=upload.name)
        if not read.is_report:
            raise reports.ReportError(
                "This does not look like a DXA (bone density) report. Check the file, "
                "or type the values into the scan form."
            )
        report = uploads.keep(upload=upload, read=read, patient=patient, user=request.user)
    except reports.ReportError as refused:
        return _upload_page(request, patient, form, str(refused))
    with change_record(request, patient) as change:
        report.save()
        change.audit(Action.CREATE, report, "uploaded a report for review")
    return redirect("interop:report-review", patient_id=patient.pk, report_id=report.pk)


def _upload_page(request, patient, form, error: str = "", status: int = 200):
    if error and form.is_bound:
        form.add_error("file", error)
    context = {
        "patient": patient,
        "form": form,
        "error": error if not form.is_bound else "",
        "ocr": reports.ocr_available(),
        "max_mb": reports.MAX_BYTES // (1024 * 1024),
    }
    return render(request, "interop/report_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
def report_review(request, patient_id: int, report_id: int):
    patient = patient_for(
        request, patient_id, what="opened the review of an uploaded report", caregivers=False
    )
    report = _report(patient, report_id)
    if report.scan_id:
        return redirect("records:scan", patient_id=patient.pk, pk=report.scan_id)
    prefill = review.prefill(report.read)
    via = Provenance.FHIR if report.content_type == uploads.FHIR_JSON else Provenance.REPORT
    scan = Scan(patient=patient, entered_by=request.user, entered_via=via)
    data = request.POST if request.method == "POST" else prefill.data
    kwargs = {"patient": patient, "today": timezone.localdate(), "user": request.user}
    form = forms.ScanForm(data, instance=scan, **kwargs)
    scan_date = form.cleaned_data.get("date") if form.is_valid() else None
    sites = forms.site_formset(
        data, scan=scan, previous=previous_results(patient), scan_date=scan_date
    )
    if request.method == "POST":

        def also(saved):
            sites.instance = saved
            sites.save()
            report.scan, report.status = saved, UploadedReport.Status.IMPORTED
            report.checked_by, report.checked_at = request.user, timezone.now()
            report.save()

        done = guards.save(
            request,
            patient,
            form,
            url=lambda saved: reverse("records:scan", args=[patient.pk, saved.pk]),
            summary="imported a DXA scan from a report, checked on the review screen",
            also=also,
            valid=sites.is_valid(),
        )
        if done:
            return done
    else:
        sites.is_valid()  # show what the rules say about the read values at once
    return render(
        request,
        "interop/report_review.html",
        {
            "patient": patient,
            "report": report,
            "form": form,
            "sites": sites,
            "scan_fields": [(form[name], prefill.scan_marks.get(name)) for name in SHOWN],
            "site_rows": _with_marks(sites.forms, prefill.site_marks),
            "pages": range(len(report.page_names)),
            "notes": report.read.get("notes", []),
            "text": report.read.get("text", ""),
        },
    )


def _with_marks(site_forms, marks):
    return [(form, marks[i] if i < len(marks) else {}) for i, form in enumerate(site_forms)]


@require_POST
def report_discard(request, patient_id: int, report_id: int):
    patient = patient_for(
        request, patient_id, what="discarded an uploaded report", caregivers=False
    )
    report = _report(patient, report_id)
    if report.scan_id:
        raise Http404  # an imported report is deleted from its scan's page
    with change_record(request, patient) as change:
        change.audit(Action.DELETE, report, "discarded an uploaded report before import")
        report.delete()
    messages.success(request, "The upload was discarded: nothing was added to the record.")
    return redirect("dashboard:patient", patient_id=patient.pk)


def _file_response(report: UploadedReport, name: str, content_type: str, *, attach: bool):
    if content_type not in SAFE_TYPES:
        raise Http404  # never serve a type a browser would run
    with report.file.storage.open(name, "rb") as stored:
        response = HttpResponse(stored.read(), content_type=content_type)
    filename = f"dxa-report-{report.pk}.{uploads.EXTENSIONS[content_type]}"
    disposition = "attachment" if attach else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def report_download(request, patient_id: int, report_id: int):
    patient = patient_for(request, patient_id, what="downloaded an uploaded report")
    report = _report(patient, report_id)
    return _file_response(report, report.file.name, report.content_type, attach=True)


@require_GET
def report_page(request, patient_id: int, report_id: int, page: int):
    patient = patient_for(request, patient_id, what="looked at a page of an uploaded report")
    report = _report(patient, report_id)
    names = report.page_names
    if not 0 <= page < len(names):
        raise Http404
    return _file_response(report, names[page], uploads.PNG, attach=False)


@require_http_methods(["GET", "POST"])
def report_delete(request, patient_id: int, report_id: int):
    patient = patient_for(
        request, patient_id, what="opened the page to delete an uploaded report", caregivers=False
    )
    report = _report(patient, report_id)
    back = (
        reverse("records:scan", args=[patient.pk, report.scan_id])
        if report.scan_id
        else reverse("dashboard:patient", args=[patient.pk])
    )
    if request.method == "POST":
        with change_record(request, patient) as change:
            change.audit(Action.DELETE, report, "deleted the uploaded report file")
            report.delete()
        messages.success(request, "The report file was deleted. The scan's values are kept.")
        return redirect(back)
    return render(
        request,
        "interop/report_confirm_delete.html",
        {"patient": patient, "report": report, "back": back},
    )


urlpatterns = [
    path("patients/<int:patient_id>/reports/upload/", report_upload, name="report-upload"),
    path(
        "patients/<int:patient_id>/reports/<int:report_id>/review/",
        report_review,
        name="report-review",
    ),
    path(
        "patients/<int:patient_id>/reports/<int:report_id>/discard/",
        report_discard,
        name="report-discard",
    ),
    path(
        "patients/<int:patient_id>/reports/<int:report_id>/download/",
        report_download,
        name="report-download",
    ),
    path(
        "patients/<int:patient_id>/reports/<int:report_id>/pages/<int:page>/",
        report_page,
        name="report-page",
    ),
    path(
        "patients/<int:patient_id>/reports/<int:report_id>/delete-file/",
        report_delete,
        name="report-delete",
    ),
]
