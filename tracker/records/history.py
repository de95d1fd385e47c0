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
    scans = m.Scan.objects.for_patient(patient).prefetch_related("sites")
    courses = m.MedicationCourse.objects.for_patient(patient).prefetch_related("doses")
    settings = m.ClinicalSettings.objects.filter(patient=patient).first()
    return h.PatientHistory(
        profile=h.Profile(
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
        ),
        scans=tuple(
            h.Scan(
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
            for scan in scans
        ),
        courses=tuple(
            h.Course(
                id=course.pk,
                drug=course.drug,
                start=course.start,
                end=course.end,
                stop_reason=course.stop_reason or None,
                doses=tuple(h.Dose(id=dose.pk, date=dose.date) for dose in course.doses.all()),
                intended_overlap=course.intended_overlap,
            )
            for course in courses
        ),
        fractures=tuple(
            h.Fracture(id=pk, date=date, site=site, fragility=fragility)
            for pk, date, site, fragility in m.Fracture.objects.for_patient(patient).values_list(
                "pk", "date", "site", "fragility"
            )
        ),
        falls=tuple(
            h.Fall(id=pk, date=date, injured=injured)
            for pk, date, injured in m.Fall.objects.for_patient(patient).values_list(
                "pk", "date", "injured"
            )
        ),
        heights=tuple(
            h.Height(id=pk, date=date, cm=cm, measured=measured)
            for pk, date, cm, measured in m.HeightMeasurement.objects.for_patient(
                patient
            ).values_list("pk", "date", "cm", "measured")
        ),
        events=tuple(
            h.ClinicalEvent(id=pk, date=date, kind=kind)
            for pk, date, kind in m.ClinicalEvent.objects.for_patient(patient).values_list(
                "pk", "date", "kind"
            )
        ),
        overrides=overrides_from(settings),
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
