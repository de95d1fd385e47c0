import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_POST

from tracker.accounts import audit
from tracker.accounts.access import clinician_required, patient_for, require_clinician
from tracker.accounts.models import Patient
from tracker.clinical import exercise
from tracker.dashboard.forms import ClinicalSettingsForm
from tracker.dashboard.models import PatientSummary
from tracker.dashboard.picture import Picture, cache_key
from tracker.dashboard.summary import refresh_summary
from tracker.records import models as m
from tracker.records.kinds import KINDS
from tracker.reminders.models import open_alerts

PICTURE_CACHE_SECONDS = 24 * 60 * 60
SNOOZE_DEFAULT = dt.timedelta(days=7)
PANEL_PAGE_SIZE = 25
SUMMARY_COLUMNS = (
    "last_scan_date",
    "lowest_t_score",
    "category_label",
    "current_drug",
    "next_due_date",
    "next_due_what",
    "overdue",
    "alert_count",
    "warn_count",
)
PANEL_FILTERS = {
    "alerts": ("Has alerts", Q(summary__alert_count__gt=0) | Q(summary__warn_count__gt=0)),
    "overdue": ("Overdue scan", Q(summary__overdue_scan=True)),
    "late-denosumab": ("Late denosumab", Q(summary__late_denosumab=True)),
    "anabolic": ("On anabolic", Q(summary__on_anabolic=True)),
}


def _picture(request, patient) -> dict:
    """The dashboard's context: the cached light part, the viewer's open alerts, and
    the heavy part as a lazy object that only a missing template fragment evaluates."""
    today = timezone.localdate()
    if getattr(patient, "summary", None) is None:  # an older record: make its summary now
        refresh_summary(patient)
        patient.summary = PatientSummary.objects.get(patient=patient)
    key = cache_key(patient, today)
    picture = Picture(patient, today)
    light = cache.get(key)
    if light is None:
        light = picture.light()
        cache.set(key, light, PICTURE_CACHE_SECONDS)
    alerts = open_alerts(patient, light["assessment"].alerts, today)
    if request.user.is_clinician:
        alerts = [alert for alert in alerts if alert.severity != "info"]
    return {
        **light,
        "patient": patient,
        "today": today,
        "age": patient.age_on(today),
        "open_alerts": alerts,
        "alert_urls": {
            action: reverse(f"reminders:{action}", args=[patient.pk])
            for action in ("done", "snooze", "acknowledge")
        },
        "safety_note": exercise.VERTEBRAL_FRACTURE_SAFETY_NOTE,
        "fragment_key": key,
        "heavy": SimpleLazyObject(lambda: picture.heavy),
    }


@require_GET
def patient(request, patient_id: int):
    patient = patient_for(request, patient_id, what="dashboard")
    return _dashboard(request, patient)


def _dashboard(request, patient, settings_form=None):
    context = _picture(request, patient)
    context.update(
        kinds=KINDS.values(),
        snooze_default=context["today"] + SNOOZE_DEFAULT,
        quick_add={"kinds": m.ExerciseKind.choices, "kind": context["last_kind"] or "resistance"},
    )
    if request.user.is_clinician:
        context["settings_form"] = settings_form or ClinicalSettingsForm(
            instance=_settings(patient)
        )
    return render(request, "dashboard/patient.html", context)


@require_GET
def print_view(request, patient_id: int):
    patient = patient_for(request, patient_id, what="print view")
    return render(request, "dashboard/print.html", _picture(request, patient))


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}" if day else "—"


@dataclass(frozen=True)
class PanelRow:
    """One panel line, formatted once here: the panel is the page with the most rows."""

    pk: int
    name: str
    age: int
    last_scan: str
    lowest_t: str
    category: str
    drug: str
    next_due: str
    next_due_what: str
    overdue: bool
    alerts: int
    warnings: int

    @classmethod
    def of(cls, patient, today) -> "PanelRow":
        s = getattr(patient, "summary", None) or PatientSummary(category_label="not assessed yet")
        return cls(
            pk=patient.pk,
            name=patient.user.full_name,
            age=patient.age_on(today),
            last_scan=_day(s.last_scan_date),
            lowest_t="" if s.lowest_t_score is None else f"{s.lowest_t_score} · ",
            category=s.category_label,
            drug=s.current_drug or "—",
            next_due=_day(s.next_due_date),
            next_due_what=s.next_due_what if s.next_due_date else "",
            overdue=s.overdue,
            alerts=s.alert_count,
            warnings=s.warn_count,
        )


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
    return _dashboard(request, patient, settings_form=form)


@clinician_required
@require_GET
def panel(request):
    patients = (
        Patient.objects.visible_to(request.user)
        .select_related("user", "summary")
        .only(
            "pk", "birth_date", "user__full_name", *(f"summary__{name}" for name in SUMMARY_COLUMNS)
        )
    )
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
    rows = [PanelRow.of(patient, today) for patient in page]
    keep = "&".join(f"{key}={value}" for key, value in (("q", query), ("filter", chosen)) if value)
    return render(
        request,
        "dashboard/panel.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "chosen": chosen,
            "filters": [(key, label) for key, (label, _) in PANEL_FILTERS.items()],
            "querystring": keep,
            "today": today,
            "approved": request.user.is_approved_clinician,
        },
    )
