"""Loading a patient's record: the clinical history in a fixed number of queries,
and the chronological list of every entry for the history page."""

from django.core.paginator import Paginator
from django.db.models import CharField, F, Value

from tracker.accounts.models import Patient
from tracker.clinical import history as h
from tracker.records import models as m
from tracker.records.kinds import KINDS


def load_history(patient: Patient) -> h.PatientHistory:
    """Everything the clinical engine reads, in 9 queries whatever the record's size."""
    return load_histories([patient])[patient.pk]


def load_histories(patients: list[Patient]) -> dict[int, h.PatientHistory]:
    """The histories of many patients in the same 9 queries: one per kind of row."""
    ids = [patient.pk for patient in patients]

    def rows(model, *fields):
        grouped: dict[int, list] = {pk: [] for pk in ids}
        for row in model.objects.filter(patient_id__in=ids).values_list("patient_id", *fields):
            grouped[row[0]].append(row[1:])
        return grouped

    scans: dict[int, list] = {pk: [] for pk in ids}
    for scan in m.Scan.objects.filter(patient_id__in=ids).prefetch_related("sites"):
        scans[scan.patient_id].append(_scan(scan))
    courses: dict[int, list] = {pk: [] for pk in ids}
    for course in m.MedicationCourse.objects.filter(patient_id__in=ids).prefetch_related("doses"):
        courses[course.patient_id].append(_course(course))
    fractures = rows(m.Fracture, "pk", "date", "site", "fragility")
    falls = rows(m.Fall, "pk", "date", "injured")
    heights = rows(m.HeightMeasurement, "pk", "date", "cm", "measured")
    events = rows(m.ClinicalEvent, "pk", "date", "kind")
    settings = {s.patient_id: s for s in m.ClinicalSettings.objects.filter(patient_id__in=ids)}
    return {
        patient.pk: h.PatientHistory(
            profile=_profile(patient),
            scans=tuple(scans[patient.pk]),
            courses=tuple(courses[patient.pk]),
            fractures=tuple(
                h.Fracture(id=pk, date=d, site=site, fragility=f)
                for pk, d, site, f in fractures[patient.pk]
            ),
            falls=tuple(h.Fall(id=pk, date=d, injured=i) for pk, d, i in falls[patient.pk]),
            heights=tuple(
                h.Height(id=pk, date=d, cm=cm, measured=ms) for pk, d, cm, ms in heights[patient.pk]
            ),
            events=tuple(h.ClinicalEvent(id=pk, date=d, kind=k) for pk, d, k in events[patient.pk]),
            overrides=overrides_from(settings.get(patient.pk)),
        )
        for patient in patients
    }


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
            parental_hip_fracture=patient.parental_hip_fracture,
            rheumatoid_arthritis=patient.rheumatoid_arthritis,
            secondary_causes=patient.secondary_causes,
        ),
    )


def _scan(scan: m.Scan) -> h.Scan:
    return h.Scan(
        id=scan.pk,
        date=scan.date,
        manufacturer=scan.manufacturer,
        model=scan.model,
        facility=scan.facility,
        vertebral_fracture_found=scan.vertebral_fracture_found,
        sites=tuple(
            h.SiteResult(
                site=site.site,
                side=site.side,
                bmd=site.bmd,
                t_score=site.t_score,
                z_score=site.z_score,
                vertebrae_count=site.vertebrae_count,
                facility_lsc_g=site.facility_lsc_g,
                facility_lsc_pct=site.facility_lsc_pct,
            )
            for site in scan.sites.all()
        ),
    )


def _course(course: m.MedicationCourse) -> h.Course:
    return h.Course(
        id=course.pk,
        drug=course.drug,
        start=course.start,
        end=course.end,
        stop_reason=course.stop_reason or None,
        doses=tuple(h.Dose(id=dose.pk, date=dose.date) for dose in course.doses.all()),
        intended_overlap=course.intended_overlap,
    )


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
    """One page of every entry, newest first: a UNION of (kind, id, date) rows,
    then one query per kind present on the page."""
    slugs = [kind] if kind in KINDS else list(KINDS)
    rows = [
        KINDS[slug]
        .model.objects.for_patient(patient)
        .annotate(entry_kind=Value(slug, output_field=CharField()), when=F(KINDS[slug].date_field))
        .values_list("pk", "entry_kind", "when")
        .order_by()
        for slug in slugs
    ]
    union = rows[0].union(*rows[1:], all=True) if len(rows) > 1 else rows[0]
    paginator = Paginator(union.order_by("-when", "-pk"), per_page)
    current = paginator.get_page(page)
    wanted: dict[str, list[int]] = {}
    for pk, slug, _when in current.object_list:
        wanted.setdefault(slug, []).append(pk)
    loaded = {
        slug: KINDS[slug].model.objects.select_related(*KINDS[slug].select_related).in_bulk(ids)
        for slug, ids in wanted.items()
    }
    entries = []
    for pk, slug, _when in current.object_list:
        entry = loaded[slug][pk]
        entry.patient = patient  # entered_by_label() compares with the patient's user
        entries.append((KINDS[slug], entry))
    return current, entries
