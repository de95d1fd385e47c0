import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tracker.accounts import audit
from tracker.accounts.access import clinician_required, patient_for, require_clinician
from tracker.accounts.models import Patient
from tracker.clinical import exercise
from tracker.clinical.assess import assess
from tracker.dashboard import charts, tables
from tracker.dashboard.forms import ClinicalSettingsForm
from tracker.dashboard.summary import refresh_summary
from tracker.records import forms as record_forms
from tracker.records import models as m
from tracker.records.history import load_history
from tracker.records.kinds import KINDS
from tracker.reminders.models import open_alerts

CHART_WEEKS = 12
SNOOZE_DEFAULT = dt.timedelta(days=7)
PANEL_PAGE_SIZE = 25
PANEL_FILTERS = {
    "alerts": ("Has alerts", Q(summary__alert_count__gt=0) | Q(summary__warn_count__gt=0)),
    "overdue": ("Overdue scan", Q(summary__overdue_scan=True)),
    "late-denosumab": ("Late denosumab", Q(summary__late_denosumab=True)),
    "anabolic": ("On anabolic", Q(summary__on_anabolic=True)),
}


def _picture(request, patient):
    """Everything the dashboard and its print view show, from one load and one assessment."""
    today = timezone.localdate()
    history = load_history(patient)
    assessment = assess(history, today)
    alerts = open_alerts(patient, assessment.alerts, today)
    if request.user.is_clinician:
        alerts = [alert for alert in alerts if alert.severity != "info"]
    since = exercise.week_start(today) - dt.timedelta(weeks=CHART_WEEKS - 1)
    sessions = list(
        m.ExerciseSession.objects.for_patient(patient)
        .filter(date__gte=since, date__lte=today)
        .order_by("date", "pk")
        .values_list("date", "kind", "minutes")
    )
    x_range = charts.shared_x_range(history, today)
    return {
        "patient": patient,
        "today": today,
        "assessment": assessment,
        "open_alerts": alerts,
        "figures": {
            "bmd": charts.bmd_trend(history, assessment, x_range=x_range),
            "medication": charts.medication_timeline(history, assessment, x_range=x_range),
            "exercise": charts.exercise_weekly(sessions, today=today, weeks=CHART_WEEKS),
            "height": charts.height_chart(history),
        },
        "chart_texts": charts.summaries(history, assessment, sessions=sessions, weeks=CHART_WEEKS),
        "age": patient.age_on(today),
        "targets": tables.target_lines(assessment),
        "change_table": tables.change_table(history, assessment),
        "drug_history": tables.drug_history(history),
        "exercise_weeks": tables.exercise_weeks(sessions, today=today, weeks=CHART_WEEKS),
        "exercise_kinds": [label for _, label in m.ExerciseKind.choices],
        "heights": sorted(history.heights, key=lambda h: h.date, reverse=True),
        "week": exercise.week_summary(sessions, today),
        "vertebral_fracture": any(
            f.site in ("clinical_vertebral", "imaging_vertebral") for f in history.fractures
        )
        or any(scan.vertebral_fracture_found for scan in history.scans),
        "safety_note": exercise.VERTEBRAL_FRACTURE_SAFETY_NOTE,
        "sessions": sessions,
    }


@require_GET
def patient(request, patient_id: int):
    patient = patient_for(request, patient_id, what="dashboard")
    context = _picture(request, patient)
    sessions = context.pop("sessions")
    last_kind = sessions[-1][1] if sessions else "resistance"
    context.update(
        kinds=KINDS.values(),
        snooze_default=context["today"] + SNOOZE_DEFAULT,
        quick_add=record_forms.ExerciseForm(
            initial={"date": context["today"], "kind": last_kind, "minutes": 30},
            patient=patient,
            today=context["today"],
            user=request.user,
        ),
    )
    if request.user.is_clinician:
        context["settings_form"] = ClinicalSettingsForm(instance=_settings(patient))
    return render(request, "dashboard/patient.html", context)


@require_GET
def print_view(request, patient_id: int):
    patient = patient_for(request, patient_id, what="print view")
    context = _picture(request, patient)
    context.pop("sessions")
    return render(request, "dashboard/print.html", context)


def _settings(patient) -> m.ClinicalSettings:
    existing = getattr(patient, "clinical_settings", None)
    return existing or m.ClinicalSettings(patient=patient)


@require_POST
def clinical_settings(request, patient_id: int):
    patient = patient_for(request, patient_id, what="clinical settings")
    require_clinician(request)
    form = ClinicalSettingsForm(request.POST, instance=_settings(patient))
    if form.is_valid():
        settings = form.save(commit=False)
        settings.updated_by = request.user
        settings.save()
        audit.record(
            request, audit.Action.UPDATE, patient=patient, obj=settings, summary="clinical settings"
        )
        refresh_summary(patient)
        messages.success(request, "Targets and intervals saved.")
        return redirect("dashboard:patient", patient_id=patient.pk)
    messages.error(request, "Not saved: please correct the clinician settings below.")
    context = _picture(request, patient)
    context.pop("sessions")
    context.update(
        settings_form=form, kinds=KINDS.values(), snooze_default=context["today"] + SNOOZE_DEFAULT
    )
    return render(request, "dashboard/patient.html", context)


@clinician_required
@require_GET
def panel(request):
    patients = Patient.objects.visible_to(request.user).select_related("user", "summary")
    query = request.GET.get("q", "").strip()
    if query:
        patients = patients.filter(user__full_name__icontains=query)
    chosen = request.GET.get("filter", "")
    if chosen in PANEL_FILTERS:
        patients = patients.filter(PANEL_FILTERS[chosen][1])
    patients = patients.order_by(
        F("summary__alert_count").desc(nulls_last=True),
        F("summary__overdue").desc(nulls_last=True),
        F("summary__warn_count").desc(nulls_last=True),
        F("summary__next_due_date").asc(nulls_last=True),
        "user__full_name",
        "pk",
    )
    page = Paginator(patients, PANEL_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in page:
        row.age = row.age_on(today)
    keep = "&".join(f"{key}={value}" for key, value in (("q", query), ("filter", chosen)) if value)
    return render(
        request,
        "dashboard/panel.html",
        {
            "page": page,
            "query": query,
            "chosen": chosen,
            "filters": [(key, label) for key, (label, _) in PANEL_FILTERS.items()],
            "querystring": keep,
            "today": today,
            "approved": request.user.is_approved_clinician,
        },
    )
