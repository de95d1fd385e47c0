import datetime as dt

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker.accounts.access import patient_for, require_add, require_change, require_clinician
from tracker.accounts.models import AuditEvent
from tracker.clinical.dates import display_date
from tracker.records import forms, guards, history_list
from tracker.records import models as m
from tracker.records.changes import change_record
from tracker.records.history import history_page, previous_results
from tracker.records.kinds import KINDS


def _kind(slug: str, *, scans: bool = False):
    # Scans have their own add, view and edit pages (the scan and its sites together).
    if slug not in KINDS or (slug == "scans" and not scans):
        raise Http404
    return KINDS[slug]


def _may_change(request, patient, kind) -> None:
    """A page that adds, edits or deletes an entry of a clinician-only kind (a falls
    assessment, a FRAX result) answers 403 to anyone but a clinician; called once the
    entry is found, so another record's entry is still 404."""
    if kind.clinician_only:
        require_clinician(request, patient)


def _entry(patient, kind, pk: int):
    entry = get_object_or_404(
        kind.model.objects.for_patient(patient).select_related(*kind.select_related), pk=pk
    )
    entry.patient = patient
    return entry


Action = AuditEvent.Action


def _seen(page: str, slug: str, pk: int | None = None) -> str:
    """What another person saw, for the patient's "Who viewed my record":
    "opened the delete page for a fall (entry 12)"."""
    label = KINDS[slug].label if slug in KINDS else "an entry"
    return f"opened {page} {label}" + (f" (entry {pk})" if pk else "")


def _record_url(patient):
    return redirect("dashboard:patient", patient_id=patient.pk)


def _form_kwargs(request, patient, **extra):
    return {"patient": patient, "today": timezone.localdate(), "user": request.user, **extra}


@require_http_methods(["GET", "POST"])
def entry_add(request, patient_id: int, kind: str):
    patient = patient_for(request, patient_id, what=_seen("the form to add", kind))
    kind = _kind(kind)
    _may_change(request, patient, kind)
    if kind.slug == "doses":
        raise Http404  # doses are added from their course
    require_add(request, patient, kind.slug)
    initial = {"date": timezone.localdate()} if kind.date_field == "date" else {}
    form = kind.form(request.POST or None, initial=initial, **_form_kwargs(request, patient))
    if request.method == "POST":
        form.instance.patient, form.instance.entered_by = patient, request.user
        if done := guards.save(request, patient, form, url=lambda entry: _added(kind, entry)):
            return done
    context = {"patient": patient, "kind": kind, "form": form}
    if request.method == "GET":
        context["form_html"] = _blank_form_html(form)
    return render(request, "records/entry_form.html", context)


# The fields of an empty add form, drawn once a day per kind of form (issue 13, item 6:
# a person adding an entry loads this page first). Only the one-time submission token
# differs per request: a placeholder in the cached text, filled on every response.
BLANK_FORM_SECONDS = 24 * 60 * 60
SUBMISSION_PLACEHOLDER = "ph" + salted_hmac("tracker.records.views", "submission").hexdigest()[:20]


def _blank_form_html(form) -> str | None:
    """The crispy rendering of an empty add form, or None for a form that sets itself
    up per patient, course or user (its own __init__): those are drawn every time."""
    if form.is_bound or form.instance.pk or type(form).__init__ is not forms.EntryForm.__init__:
        return None
    field = form.fields["submission"]
    token = field.initial

    def build() -> str:
        field.initial = SUBMISSION_PLACEHOLDER
        try:
            return str(as_crispy_form(form))
        finally:
            field.initial = token

    kind = f"{type(form).__module__}.{type(form).__qualname__}"
    html = cache.get_or_set(
        f"blank-form:{kind}:{form.today.isoformat()}", build, BLANK_FORM_SECONDS
    )
    return mark_safe(html.replace(SUBMISSION_PLACEHOLDER, token))  # noqa: S308 (crispy's own HTML)


def _added(kind, entry) -> str:
    if kind.slug == "medications" and entry.drug_info.doses_recorded:
        return reverse("records:detail", args=[entry.patient_id, "medications", entry.pk])
    if kind.slug == "frax":
        return reverse("records:frax", args=[entry.patient_id])
    return reverse("dashboard:patient", args=[entry.patient_id])


def _detail_url(kind):
    return lambda entry: reverse("records:detail", args=[entry.patient_id, kind.slug, entry.pk])


@require_GET
def entry_detail(request, patient_id: int, kind: str, pk: int):
    patient = patient_for(request, patient_id, what=_seen("the page of", kind, pk))
    kind = _kind(kind)
    entry = _entry(patient, kind, pk)
    context = {
        "patient": patient,
        "kind": kind,
        "entry": entry,
        "fields": _shown_fields(kind, entry),
        "may_change": not kind.clinician_only or request.user.is_approved_clinician,
    }
    if kind.slug == "medications":
        context["doses"] = entry.doses.select_related("entered_by").order_by("-date")
        context["dose_form"] = forms.DoseForm(
            initial={"date": timezone.localdate()}, course=entry, **_form_kwargs(request, patient)
        )
    return render(request, "records/entry_detail.html", context)


def _shown_fields(kind, entry):
    rows = []
    for name in kind.fields:
        field = entry._meta.get_field(name)
        value = getattr(entry, f"get_{name}_display")() if field.choices else getattr(entry, name)
        if isinstance(value, dt.date):  # "5 Jul 2026", never ISO, on a page
            value = display_date(value)
        rows.append((field.verbose_name, value))
    return rows


@require_http_methods(["GET", "POST"])
def entry_edit(request, patient_id: int, kind: str, pk: int):
    patient = patient_for(request, patient_id, what=_seen("the edit page for", kind, pk))
    kind = _kind(kind)
    entry = _entry(patient, kind, pk)
    _may_change(request, patient, kind)
    require_change(request, patient, entry)
    extra = {"course": entry.course} if kind.slug == "doses" else {}
    form = kind.form(
        request.POST or None, instance=entry, **_form_kwargs(request, patient, **extra)
    )
    if request.method == "POST":
        if done := guards.save(request, patient, form, url=_detail_url(kind)):
            return done
    return render(
        request,
        "records/entry_form.html",
        {"patient": patient, "kind": kind, "form": form, "entry": entry},
    )


@require_http_methods(["GET", "POST"])
def entry_delete(request, patient_id: int, kind: str, pk: int):
    patient = patient_for(request, patient_id, what=_seen("the delete page for", kind, pk))
    kind = _kind(kind, scans=True)
    entry = _entry(patient, kind, pk)
    _may_change(request, patient, kind)
    require_change(request, patient, entry)
    if request.method == "POST":
        label = str(entry)
        with change_record(request, patient) as change:
            change.audit(Action.DELETE, entry, label)
            entry.delete()
        messages.success(request, f"Deleted: {label}.")
        if kind.slug == "doses":
            return redirect(
                "records:detail", patient_id=patient.pk, kind="medications", pk=entry.course_id
            )
        if kind.slug == "frax":
            return redirect("records:frax", patient_id=patient.pk)
        return _record_url(patient)
    return render(
        request,
        "records/entry_confirm_delete.html",
        {"patient": patient, "kind": kind, "entry": entry},
    )


@require_POST
def dose_add(request, patient_id: int, course_id: int):
    patient = patient_for(
        request, patient_id, what=_seen("the dose form of", "medications", course_id)
    )
    course = _entry(patient, KINDS["medications"], course_id)
    if not course.drug_info.doses_recorded:
        raise Http404
    require_add(request, patient, "doses")
    form = forms.DoseForm(request.POST, course=course, **_form_kwargs(request, patient))
    course_url = reverse("records:detail", args=[patient.pk, "medications", course.pk])
    form.instance.patient, form.instance.course = patient, course
    form.instance.entered_by = request.user
    if done := guards.save(request, patient, form, url=lambda dose: course_url):
        return done
    course.patient = patient
    return render(
        request,
        "records/entry_detail.html",
        {
            "patient": patient,
            "kind": KINDS["medications"],
            "entry": course,
            "fields": _shown_fields(KINDS["medications"], course),
            "may_change": True,
            "doses": course.doses.select_related("entered_by").order_by("-date"),
            "dose_form": form,
        },
        status=200,
    )


@require_http_methods(["GET", "POST"])
def scan_form(request, patient_id: int, pk: int | None = None):
    """A scan and its sites on one page, saved together or not at all."""
    patient = patient_for(
        request,
        patient_id,
        what=_seen("the edit page for", "scans", pk) if pk else _seen("the form to add", "scans"),
    )
    scan = _entry(patient, KINDS["scans"], pk) if pk else m.Scan(patient=patient)
    if pk:
        require_change(request, patient, scan)
    else:
        require_add(request, patient, "scans")
    form = forms.ScanForm(request.POST or None, instance=scan, **_form_kwargs(request, patient))
    scan_date = (
        form.cleaned_data.get("date") if request.method == "POST" and form.is_valid() else None
    )
    sites = forms.site_formset(
        request.POST or None,
        scan=scan,
        previous=previous_results(patient, scan.pk),
        scan_date=scan_date,
    )
    if request.method == "POST":
        if scan.pk is None:
            scan.entered_by = request.user
        saved = guards.save(
            request, patient, form, url=_scan_url, also=_save_sites(sites), valid=sites.is_valid()
        )
        if saved:
            return saved
    return render(
        request,
        "records/scan_form.html",
        {"patient": patient, "form": form, "sites": sites, "scan": scan},
    )


def _scan_url(scan) -> str:
    return reverse("records:scan", args=[scan.patient_id, scan.pk])


def _save_sites(sites):
    def save(scan):
        sites.instance = scan
        sites.save()

    return save


@require_GET
def scan_detail(request, patient_id: int, pk: int):
    patient = patient_for(request, patient_id, what=_seen("the page of", "scans", pk))
    scan = _entry(patient, KINDS["scans"], pk)
    return render(
        request,
        "records/scan_detail.html",
        {"patient": patient, "scan": scan, "sites": scan.sites.all()},
    )


@require_GET
def history(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened the history of your record")
    kind = request.GET.get("kind") or None
    page, entries = history_page(patient, kind=kind, page=request.GET.get("page"))
    return render(
        request,
        "records/history.html",
        {
            "patient": patient,
            "page": page,
            "entries": entries,
            "rows": history_list.rows_html(patient, entries),
            "kinds": KINDS.values(),
            "current_kind": kind if kind in KINDS else None,
            "querystring": f"kind={kind}" if kind in KINDS else "",
        },
    )
