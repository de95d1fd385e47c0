import csv
import datetime as dt
from itertools import chain
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from tracker.accounts.access import (
    clinician_required,
    is_own_record,
    listed,
    patient_for,
    require_clinician,
)
from tracker.accounts.models import CareLink, Patient
from tracker.clinical import exercise
from tracker.dashboard import page as cached_page
from tracker.dashboard import panel_pages, tables
from tracker.dashboard.forms import ClinicalSettingsForm
from tracker.dashboard.panel import CSV_HEADERS, PanelRow, csv_cells, panel_url_prefix
from tracker.dashboard.picture import Picture, cache_key
from tracker.learn import questions, topics
from tracker.records import guards, panel_entries
from tracker.records import models as m
from tracker.records.kinds import addable
from tracker.records.lifestyle import HomeSafetyCheck, HomeSafetyItem
from tracker.records.search import folded_words, starts_of
from tracker.records.summary import open_alerts
from tracker.reminders.models import dose_course_id

PICTURE_CACHE_SECONDS = 24 * 60 * 60
SNOOZE_DEFAULT = dt.timedelta(days=7)
PANEL_MAX_PAGE = 1_000_000  # 25 million patients: far past any clinician's panel
# Each patient listed reads this under "Who viewed my record".
PANEL_READ = (
    "saw your line on the clinician's patient list "
    "(name, age, latest scan, medicine, next date, alerts)"
)
PANEL_EXPORT = (
    "downloaded your line of the clinician's patient list as a spreadsheet "
    "(name, age, latest scan, medicine, next date, alerts)"
)
PANEL_CSV_CHUNK = 2000  # rows fetched at a time while the CSV streams
# Excel reads a CSV as UTF-8 only after a byte order mark; without it "José" is garbled.
CSV_BOM = "\ufeff"
# On the clinician's panel entries (tracker.records.panel_entries): each is in its index.
PANEL_FILTERS = {
    "alerts": ("Has alerts", Q(alerts=True)),
    "overdue": ("Overdue scan", Q(overdue_scan=True)),
    "late-denosumab": ("Late denosumab", Q(late_denosumab=True)),
    "anabolic": ("On anabolic", Q(on_anabolic=True)),
}


# Each part of the dashboard -> its learn page (issue 11), keyed "bmd_chart" for templates.
# Lazy (the URLconf is not loaded at import); the same for every patient, so cached
# fragments may hold the links.
LEARN_URLS = SimpleLazyObject(
    lambda: {part.replace("-", "_"): topics.part_url(part) for part in topics.PART_PAGES}
)


def _picture(request, patient) -> dict:
    """The dashboard's context: the cached light part, the viewer's open alerts, and
    the heavy part as a lazy object that only a missing template fragment evaluates."""
    today = timezone.localdate()
    key = cache_key(patient, today)
    picture = Picture(patient, today)
    light = cache.get(key)
    if light is None:
        light = picture.light()
        cache.set(key, light, PICTURE_CACHE_SECONDS)
    alerts = open_alerts(
        patient, light["assessment"].alerts, today, for_clinician=request.user.is_clinician
    )
    return {
        **light,
        "patient": patient,
        "today": today,
        "age": patient.age_on(today),
        "open_alerts": alerts,
        "alert_rows": [
            (alert, _had_it_url(request, patient, alert), topics.rule_url(alert.rule_id))
            for alert in alerts
        ],
        "learn": LEARN_URLS,
        "alert_urls": {
            action: reverse(f"reminders:{action}", args=[patient.pk])
            for action in ("done", "snooze", "acknowledge")
        },
        "safety_note": exercise.VERTEBRAL_FRACTURE_SAFETY_NOTE,
        "fragment_key": key,
        "heavy": SimpleLazyObject(lambda: picture.heavy),
    }


def _had_it_url(request, patient, alert) -> str | None:
    """For the patient (or a caregiver, issue 12), a due or late dose's "I had it": the
    course's dose form."""
    course_id = dose_course_id(alert.rule_id, alert.key)
    if course_id is None or not (patient.access.is_owner or patient.access.is_caregiver):
        return None
    return reverse("records:detail", args=[patient.pk, "medications", course_id]) + "#dose-form"


@require_GET
def patient(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened your record")
    return _dashboard(request, patient)


def _dashboard(request, patient, settings_form=None):
    """The page around the content, which is cached whole per patient, version, day and
    kind of viewer (tracker.dashboard.page); a settings form sent back with errors is
    the one content not cached (its fields are what this clinician typed)."""
    if settings_form is not None:
        content = _content(request, patient, settings_form)
    else:
        key = cached_page.key(cache_key(patient, timezone.localdate()), request, patient)
        content = cached_page.fill(
            cached_page.cached(key, lambda: _content(request, patient)), request
        )
    return render(
        request, "dashboard/patient.html", {"patient": patient, "content": mark_safe(content)}
    )


def _content(request, patient, settings_form=None) -> str:
    """The dashboard below the header; unless a settings form is given (one sent back
    with errors), with placeholders for what is per request (page.fill)."""
    context = _picture(request, patient)
    cached = settings_form is None
    if is_own_record(request.user, patient):  # the clinician's page is at its query budget
        key = context["fragment_key"] + ":coach"
        context["coach"] = cache.get_or_set(key, lambda: _coach(patient), PICTURE_CACHE_SECONDS)
    if request.user.is_clinician and not patient.access.is_caregiver:  # family: no controls
        settings_form = settings_form or ClinicalSettingsForm(instance=_settings(patient))
        if cached:
            settings_form.fields["submission"].initial = cached_page.Placeholders.tokens[1]
        # Its fields are drawn from the settings row alone: cached by the row's id and
        # version, not the record's, so a change elsewhere in the record keeps them.
        instance = settings_form.instance
        context["settings_form"] = settings_form
        context["settings_key"] = f"{instance.pk}:{guards.version_of(instance)}"
    context.update(
        kinds=addable(request.user),
        snooze_default=context["today"] + SNOOZE_DEFAULT,
        quick_add={
            "kinds": m.ExerciseKind.choices,
            "kind": context["last_kind"] or "resistance",
            "submission": cached_page.Placeholders.tokens[0] if cached else guards.new_token(),
        },
    )
    if cached:
        context["csrf_token"] = cached_page.Placeholders.csrf
    return render_to_string("dashboard/includes/patient_content.html", context, request)


def _coach(patient) -> dict:
    """The getting-started steps and the falls checklist's progress, in one query."""
    mine = {"patient": OuterRef("pk")}
    ticks = HomeSafetyCheck.objects.ticked().filter(**mine).values("patient")
    return {
        **Patient.objects.filter(pk=patient.pk)
        .values(
            has_scan=Exists(m.Scan.objects.filter(**mine)),
            has_medicine=Exists(m.MedicationCourse.objects.filter(**mine)),
            shares=Exists(CareLink.objects.open().filter(**mine)),
            ticked=Coalesce(Subquery(ticks.annotate(n=Count("pk")).values("n")), 0),
        )
        .get(),
        "items": len(HomeSafetyItem.choices),
    }


@require_GET
def changes(request, patient_id: int):
    """The full change table (the dashboard shows each place's latest scans): drawn in
    Python, cached per record version and day like the dashboard's parts."""
    patient = patient_for(request, patient_id, what="opened the change table of your record")
    today = timezone.localdate()

    def table():
        picture = Picture(patient, today)
        sites = tables.change_table(picture.history, picture.assessment)
        return tables.ChangeTables(sites, patient.pk).full if sites else ""

    key = cache_key(patient, today) + ":changes"
    return render(
        request,
        "dashboard/changes.html",
        {
            "patient": patient,
            "table": cache.get_or_set(key, table, PICTURE_CACHE_SECONDS),
            "learn": LEARN_URLS,
        },
    )


@require_GET
def print_view(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened the print view of your record")
    context = _picture(request, patient)
    context["questions"] = questions.for_visit(
        request, patient, context["today"], alerts=context["open_alerts"]
    )
    return render(request, "dashboard/print.html", context)


def _settings(patient) -> m.ClinicalSettings:
    existing = getattr(patient, "clinical_settings", None)
    return existing or m.ClinicalSettings(patient=patient)


@require_POST
def clinical_settings(request, patient_id: int):
    patient = patient_for(request, patient_id, what="sent the clinician settings form")
    require_clinician(request, patient)
    form = ClinicalSettingsForm(request.POST, instance=_settings(patient))
    form.instance.updated_by = request.user
    if done := guards.save(
        request,
        patient,
        form,
        url=lambda _: reverse("dashboard:patient", args=[patient.pk]),
        summary="clinical settings",
        message=lambda _: "Targets and intervals saved.",
    ):
        return done
    if form.conflict is None:
        messages.error(request, "Not saved: please correct the clinician settings below.")
    else:
        messages.error(request, "Not saved: the clinician settings changed meanwhile; see below.")
    return _dashboard(request, patient, settings_form=form)


def _panel_selection(request):
    """What the clinician searched and filtered on (panel_pages.Criteria: a range of one
    index), with the search and the filter as understood."""
    query = request.GET.get("q", "").strip()
    chosen = request.GET.get("filter", "")
    if chosen not in PANEL_FILTERS:
        chosen = ""
    words = folded_words(query)
    # Words that start few names: those patients, from the word index (issue 13, item 8).
    patients = panel_entries.candidates(request.user, words) if words else None
    criteria = panel_pages.Criteria(
        words=tuple(starts_of(words)),
        filter_name=chosen,
        filter=PANEL_FILTERS[chosen][1] if chosen else None,
        patients=None if patients is None else tuple(patients),
    )
    return criteria, query, chosen


@clinician_required
@require_GET
def panel(request):
    number = _page_number(request)
    after = panel_pages.Place.parse(request.GET.get("after"))
    before = None if after else panel_pages.Place.parse(request.GET.get("before"))
    criteria, query, chosen = _panel_selection(request)
    page = panel_pages.read(
        request.user,
        criteria,
        number=number,
        after=after,
        before=before,
        columns=PanelRow.COLUMNS,
    )
    if number > 1 and not page.rows:
        raise Http404("No such page.")
    # Each patient listed reads it under "Who viewed my record": one INSERT ... SELECT.
    listed(request, [row["patient_id"] for row in page.rows], what=PANEL_READ)
    today, prefix = timezone.localdate(), panel_url_prefix()
    kept = [(key, value) for key, value in (("q", query), ("filter", chosen)) if value]
    rows = [PanelRow.of(row, today, prefix) for row in page.rows]
    sharing = page.sharing
    if sharing is None:  # no row brought it
        sharing = panel_pages.sharing_count(request.user)
    return render(
        request,
        "dashboard/panel.html",
        {
            "rows": rows,
            "rows_html": PanelRow.table(rows),
            "number": page.number,
            "next_url": page.next and _page_url(kept, page.number + 1, after=page.next),
            "previous_url": (
                _page_url(kept, page.number - 1, before=page.previous) if page.number > 1 else None
            ),
            "sharing": sharing,
            "sharing_more_than": (
                f"{panel_pages.SHARING_COUNTED:,}"
                if sharing > panel_pages.SHARING_COUNTED
                else None
            ),
            "query": query,
            "chosen": chosen,
            "filters": [(key, label) for key, (label, _) in PANEL_FILTERS.items()],
            "querystring": urlencode(kept),
            "today": today,
            "approved": request.user.is_approved_clinician,
        },
    )


def _page_url(kept: list, number: int, **place) -> str:
    """A page link: the search and filter, the page number shown, and the key of the
    row the page starts after (or ends before); page 1 is the panel's own address."""
    if number > 1:
        kept = [*kept, ("page", number)]
        kept += [(name, where.key()) for name, where in place.items() if where is not None]
    return "?" + urlencode(kept) if kept else panel_url_prefix()


class _Echo:
    """csv.writer's file: each row written is handed back, to stream it."""

    def write(self, value: str) -> str:
        return value


@clinician_required
@require_GET
def panel_csv(request):
    """Every patient the panel selects (its search and filter, all pages) as CSV,
    streamed: two queries (the audit and the rows) for any number of patients."""
    criteria, _, _ = _panel_selection(request)
    entries = panel_pages.selection(request.user, criteria).filter(panel_pages.gate(request.user))
    # Each patient exported reads it under "Who viewed my record", written before a row goes.
    listed(request, entries.values_list("patient_id", flat=True), what=PANEL_EXPORT)
    today = timezone.localdate()
    writer = csv.writer(_Echo())
    lines = entries.values("patient_id", **PanelRow.COLUMNS).iterator(chunk_size=PANEL_CSV_CHUNK)
    response = StreamingHttpResponse(
        chain(
            [CSV_BOM + writer.writerow(CSV_HEADERS)],
            (writer.writerow(csv_cells(row, today)) for row in lines),
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="patients-{today.isoformat()}.csv"'
    return response


def _page_number(request) -> int:
    """The panel pages without a COUNT, so it cannot know its last page: a number past
    the end is a 404 (see panel), and one no database offset can hold is one at once."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1
    if number > PANEL_MAX_PAGE:
        raise Http404("No such page.")
    return number
