"""Loading a patient's record: the clinical history in a fixed number of queries,
and the chronological list of every entry for the history page."""

import dataclasses
from collections import defaultdict
from decimal import Decimal

from django.db.models import BooleanField, CharField, DecimalField, F, Value
from django.db.models.functions import Cast

from tracker.accounts.models import Patient
from tracker.clinical import history as h
from tracker.records import history_list
from tracker.records import models as m


def load_history(patient: Patient) -> h.PatientHistory:
    """Everything the clinical engine reads, in 6 queries whatever the record's size
    (5 when the access gate has already joined the clinician's settings)."""
    return load_histories([patient])[patient.pk]


def load_histories(patients: list[Patient]) -> dict[int, h.PatientHistory]:
    """The histories of many patients in the same 6 queries."""
    ids = [patient.pk for patient in patients]

    scans = _scans(ids)
    courses = _courses(ids)
    small: dict[int, dict[str, list]] = {pk: defaultdict(list) for pk in ids}
    for patient_id, kind, pk, day, text, number, flag in _small_rows(ids):
        small[patient_id][kind].append(SMALL_ROWS[kind](pk, day, text, number, flag))
    settings = _settings(patients)
    return {
        patient.pk: h.PatientHistory(
            profile=_profile(patient),
            scans=tuple(scans[patient.pk]),
            courses=tuple(courses[patient.pk]),
            fractures=tuple(small[patient.pk]["fracture"]),
            falls=tuple(small[patient.pk]["fall"]),
            heights=tuple(small[patient.pk]["height"]),
            events=tuple(small[patient.pk]["event"]),
            overrides=overrides_from(settings.get(patient.pk)),
            frax_results=tuple(small[patient.pk]["frax"]),
        )
        for patient in patients
    }


# The five small kinds of row come in ONE query (a UNION over common columns:
# text, number, flag), so the whole history costs 5 or 6 queries, not 10.
TENTH = Decimal("0.1")
SMALL_ROWS = {
    "fracture": lambda pk, day, text, number, flag: h.Fracture(pk, day, site=text, fragility=flag),
    "fall": lambda pk, day, text, number, flag: h.Fall(pk, day, injured=flag),
    # A UNION loses the column's Decimal converter on SQLite: 160.4 came back as
    # 160.400000000000 and was shown so (issue 9). Heights are stored to 0.1 cm.
    "height": lambda pk, day, text, number, flag: h.Height(
        pk, day, cm=number.quantize(TENTH), measured=flag
    ),
    "event": lambda pk, day, text, number, flag: h.ClinicalEvent(pk, day, kind=text),
    # A FRAX result's two probabilities: the major one in the number column, the hip
    # one as text (each database writes a decimal as text its own way: "3.4", "18").
    "frax": lambda pk, day, text, number, flag: h.FraxResult(
        pk, day, major=number.quantize(TENTH), hip=Decimal(text).quantize(TENTH)
    ),
}


def _small_rows(ids: list[int]):
    text, flag = CharField(), BooleanField()
    number = DecimalField(max_digits=4, decimal_places=1)

    def rows(model, kind, text_value, number_value, flag_value):
        return (
            model.objects.filter(patient_id__in=ids)
            .annotate(
                row_kind=Value(kind, output_field=text),
                row_text=Cast(text_value, text),
                row_number=Cast(number_value, number),
                row_flag=Cast(flag_value, flag),
            )
            .values_list(
                "patient_id", "row_kind", "pk", "date", "row_text", "row_number", "row_flag"
            )
            .order_by()
        )

    none = Value(None)
    return rows(m.Fracture, "fracture", F("site"), none, F("fragility")).union(
        rows(m.Fall, "fall", Value(""), none, F("injured")),
        rows(m.HeightMeasurement, "height", Value(""), F("cm"), F("measured")),
        rows(m.ClinicalEvent, "event", F("kind"), none, Value(False)),
        rows(m.FraxResult, "frax", F("hip"), F("major"), Value(False)),
        all=True,
    )


def with_profile_of(history: h.PatientHistory, patient: Patient) -> h.PatientHistory:
    """`history`'s rows with `patient`'s profile and clinician's settings as loaded now
    (a history kept from an earlier load: the write path's snapshot)."""
    settings = _settings([patient])
    return dataclasses.replace(
        history, profile=_profile(patient), overrides=overrides_from(settings.get(patient.pk))
    )


def _settings(patients: list[Patient]) -> dict[int, m.ClinicalSettings]:
    # The access gate already joins a single patient's settings (select_related).
    if len(patients) == 1 and Patient.clinical_settings.is_cached(patients[0]):
        found = getattr(patients[0], "clinical_settings", None)
        return {patients[0].pk: found} if found else {}
    return {s.patient_id: s for s in m.ClinicalSettings.objects.filter(patient__in=patients)}


def _profile(patient: Patient) -> h.Profile:
    return h.Profile(
        birth_date=patient.birth_date,
        sex=patient.sex,
        menopausal_status=patient.menopausal_status,
        tallest_height_cm=patient.tallest_height_cm,
        risk_factors=h.RiskFactors(
            current_smoking=patient.current_smoking,
            alcohol_3_or_more_units=patient.alcohol_3_or_more_units,
            glucocorticoids=patient.glucocorticoids,
            glucocorticoids_since=patient.glucocorticoids_since,
            parental_hip_fracture=patient.parental_hip_fracture,
            rheumatoid_arthritis=patient.rheumatoid_arthritis,
            secondary_causes=patient.secondary_causes,
        ),
    )


# Scans and courses with their sites and doses as plain rows (values_list): only the
# columns the engine reads, without building a model instance per row (issue 13: the
# write path loads the whole history on every change). The same 4 queries and the
# same order as the models' own (a scan's sites by site and side, a course's doses
# newest first), so the histories are equal to those built from model instances.
SCAN_COLUMNS = ("pk", "patient_id", "date", "manufacturer", "model", "facility")
SITE_COLUMNS = ("site", "side", "bmd", "t_score", "z_score", "vertebrae")


def _scans(ids: list[int]) -> dict[int, list[h.Scan]]:
    sites: dict[int, list] = defaultdict(list)
    rows = m.SiteResult.objects.filter(scan__patient_id__in=ids).order_by("scan_id", "site", "side")
    for scan_id, site, side, bmd, t, z, vertebrae, lsc_g, lsc_pct in rows.values_list(
        "scan_id", *SITE_COLUMNS, "facility_lsc_g", "facility_lsc_pct"
    ):
        sites[scan_id].append(
            h.SiteResult(
                site=site,
                side=side,
                bmd=bmd,
                t_score=t,
                z_score=z,
                vertebrae_count=_vertebrae_count(site, vertebrae),
                facility_lsc_g=lsc_g,
                facility_lsc_pct=lsc_pct,
            )
        )
    scans: dict[int, list] = {pk: [] for pk in ids}
    found = m.Scan.objects.filter(patient_id__in=ids).order_by("-date", "-pk")
    for pk, patient_id, day, manufacturer, model, facility, vfa in found.values_list(
        *SCAN_COLUMNS, "vertebral_fracture_found"
    ):
        scans[patient_id].append(
            h.Scan(
                id=pk,
                date=day,
                manufacturer=manufacturer,
                model=model,
                facility=facility,
                vertebral_fracture_found=vfa,
                sites=tuple(sites.get(pk, ())),
            )
        )
    return scans


def _vertebrae_count(site: str, vertebrae: str) -> int:
    """m.SiteResult.vertebrae_count, from the row's two columns."""
    if site != "lumbar_spine" or not vertebrae:
        return 4
    return m.vertebrae_count(vertebrae)


def _courses(ids: list[int]) -> dict[int, list[h.Course]]:
    doses: dict[int, list] = defaultdict(list)
    given = m.Dose.objects.filter(course__patient_id__in=ids).order_by("-date", "-pk")
    for pk, course_id, day in given.values_list("pk", "course_id", "date"):
        doses[course_id].append(h.Dose(id=pk, date=day))
    courses: dict[int, list] = {pk: [] for pk in ids}
    found = m.MedicationCourse.objects.filter(patient_id__in=ids).order_by("-start", "-pk")
    for pk, patient_id, drug, start, end, stop_reason, overlap in found.values_list(
        "pk", "patient_id", "drug", "start", "end", "stop_reason", "intended_overlap"
    ):
        courses[patient_id].append(
            h.Course(
                id=pk,
                drug=drug,
                start=start,
                end=end,
                stop_reason=stop_reason or None,
                doses=tuple(doses.get(pk, ())),
                intended_overlap=overlap,
            )
        )
    return courses


def overrides_from(settings: m.ClinicalSettings | None) -> h.Overrides:
    if settings is None:
        return h.Overrides()
    lsc = {
        site: getattr(settings, f"lsc_{site}_pct")
        for site in ("lumbar_spine", "total_hip", "femoral_neck", "radius_33")
        if getattr(settings, f"lsc_{site}_pct") is not None
    }
    return h.Overrides(
        scan_interval_months=settings.scan_interval_months,
        scan_interval_reason=settings.scan_interval_reason,
        target_t_score=settings.target_t_score,
        facility_lsc_pct=lsc,
    )


def history_page(patient: Patient, *, kind: str | None, page: str | None, per_page: int = 25):
    """One page of every entry (or of `kind`), newest first: the page (Django's Page:
    its number, the number of pages) and its (kind, entry) pairs. One query finds the
    page and counts the record, then one per kind present on it (history_list)."""
    found = history_list.read(patient, kind=kind, page=page, per_page=per_page)
    return found.page, found.entries


def previous_results(patient: Patient, exclude_scan_id: int | None = None) -> dict:
    """{(site, side): [(scan date, BMD), ...]} of the patient's other scans: what the
    scan form's change-per-year check compares a new value with (rule book 1.1)."""
    previous = defaultdict(list)
    rows = m.SiteResult.objects.filter(scan__patient=patient).exclude(scan_id=exclude_scan_id)
    for site, side, when, bmd in rows.values_list("site", "side", "scan__date", "bmd"):
        previous[(site, side)].append((when, bmd))
    return previous
