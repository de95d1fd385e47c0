"""The calcium and vitamin D log and the falls-prevention checklist (issue 11, items 4
and 5): pages of the record, read by its owner, a caring clinician and a caregiver,
who may all write them (a caregiver removes or unticks only what they entered).
Nudges only: nothing here makes an alert."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tracker.accounts.access import patient_for, require_add, require_change
from tracker.accounts.models import AuditEvent
from tracker.clinical import nutrition
from tracker.records import guards
from tracker.records import models as m
from tracker.records.changes import change_record
from tracker.records.lifestyle import HomeSafetyCheck, HomeSafetyItem, IntakeEntry
from tracker.records.lifestyle_forms import IntakeForm, SupplementForm, TickForm

Action = AuditEvent.Action
WEEKS_SHOWN = 8
QUICK_FOODS = ("skimmed_milk", "whole_milk", "yoghurt", "cheddar", "sardines", "egg")


def _forms(request, patient, today, *, data=None, which=None):
    kwargs = {"patient": patient, "today": today, "user": request.user}
    initial = {"date": today, "portions": 1}
    return {
        name: form(data if which == name else None, prefix=name, initial=initial, **kwargs)
        for name, form in (("food", IntakeForm), ("supplement", SupplementForm))
    }


@require_http_methods(["GET", "POST"])
def calcium(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened your calcium and vitamin D log")
    today = timezone.localdate()
    url = reverse("records:calcium", args=[patient.pk])
    which = request.POST.get("which")
    if request.method == "POST" and "remove" in request.POST:
        return _remove(request, patient, url)
    forms = _forms(request, patient, today, data=request.POST or None, which=which)
    if which in forms:
        require_add(request, patient, "calcium")
        form = forms[which]
        form.instance.patient, form.instance.entered_by = patient, request.user
        if done := guards.save(request, patient, form, url=lambda _: url):
            return done
    return render(request, "records/calcium.html", _calcium_context(patient, today, forms))


def _calcium_context(patient, today, forms) -> dict:
    target = nutrition.daily_target(patient.age_on(today), patient.sex)
    since = nutrition.week_start(today) - dt.timedelta(weeks=WEEKS_SHOWN - 1)
    entries = list(
        IntakeEntry.objects.for_patient(patient).filter(date__gte=since).order_by("-date", "-pk")
    )
    intakes = [(e.date, e.total_calcium_mg, e.total_vitamin_d_iu) for e in entries]
    weeks = nutrition.weekly_summary(intakes, target=target, today=today, weeks=WEEKS_SHOWN)
    calcium_today, vitamin_d_today = nutrition.day_totals(intakes, today)
    return {
        "patient": patient,
        "today": today,
        "target": target,
        "calcium_today": calcium_today,
        "vitamin_d_today": vitamin_d_today,
        "today_entries": [e for e in entries if e.date == today],
        "weeks": [(week, nutrition.nudge(week, target)) for week in weeks],
        "quick": [nutrition.FOODS_BY_CODE[code] for code in QUICK_FOODS],
        "token": guards.new_token,
        **{f"{name}_form": form for name, form in forms.items()},
    }


def _pk(request, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _remove(request, patient, url):
    entry = get_object_or_404(IntakeEntry.objects.for_patient(patient), pk=_pk(request, "remove"))
    require_change(request, patient, entry)
    with change_record(request, patient) as change:
        change.audit(Action.DELETE, entry, str(entry))
        entry.delete()
    messages.success(request, f"Removed: {entry}.")
    return redirect(url)


@require_http_methods(["GET", "POST"])
def falls_checklist(request, patient_id: int):
    patient = patient_for(request, patient_id, what="opened your falls checklist")
    today = timezone.localdate()
    url = reverse("records:falls-checklist", args=[patient.pk])
    if request.method == "POST" and "untick" in request.POST:
        return _untick(request, patient, today, url)
    form = TickForm(request.POST or None, patient=patient, today=today, user=request.user)
    if request.method == "POST":
        require_add(request, patient, "falls-checklist")
        form.instance.patient, form.instance.entered_by = patient, request.user
        if done := guards.save(request, patient, form, url=lambda _: url):
            return done
        messages.error(
            request, "Not ticked: " + " ".join(e for es in form.errors.values() for e in es)
        )
    ticks = {t.item: t for t in HomeSafetyCheck.objects.for_patient(patient).ticked()}
    return render(
        request,
        "records/falls_checklist.html",
        {
            "patient": patient,
            "today": today,
            "items": [(value, label, ticks.get(value)) for value, label in HomeSafetyItem.choices],
            "done": len(ticks),
            "total": len(HomeSafetyItem.choices),
            "falls": m.Fall.objects.for_patient(patient).order_by("-date", "-pk")[:20],
            "token": guards.new_token,
        },
    )


def _untick(request, patient, today, url):
    tick = get_object_or_404(
        HomeSafetyCheck.objects.for_patient(patient).ticked(), pk=_pk(request, "untick")
    )
    require_change(request, patient, tick)
    with change_record(request, patient) as change:
        tick.unticked = max(today, tick.date)
        tick.save(update_fields=["unticked", "updated_at"])
        change.audit(Action.UPDATE, tick, f"unticked: {tick.get_item_display()}")
    messages.success(request, f"Unticked: {tick.get_item_display()}.")
    return redirect(url)
