"""The clinician's "Fracture service quality" page (issue 12, item 7): the share of
fragility fractures meeting each IOF Capture the Fracture / FLS-DB KPI per calendar
quarter of the fracture date, and the deadlines still open, soonest first."""

from dataclasses import dataclass

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tracker.accounts.access import clinician_required, listed
from tracker.clinical import quality
from tracker.clinical.dates import display_date
from tracker.clinical.history import FRACTURE_SITE_LABELS
from tracker.dashboard.quality import QUARTERS_SHOWN, load_cohort

DEADLINES_PAGE_SIZE = 25
# Each patient on the shown page of open deadlines reads this under "Who viewed my
# record"; patients only counted in the quarters' percentages are not listed, so not
# audited (the panel's rule: what a page names is what it read).
QUALITY_READ = (
    "saw your fracture on the clinician's fracture service quality page "
    "(fracture date and site, what is still due and by when)"
)


@dataclass(frozen=True, kw_only=True)
class DeadlineRow:
    """One open deadline, formatted once here so the template does no formatting."""

    patient: str
    url: str
    fracture: str
    kpi: str
    deadline: str
    days_left: int
    # Where to record what meets it, when a form does: (words, address).
    action: tuple[str, str] | None


def _action(deadline: quality.OpenDeadline) -> tuple[str, str] | None:
    patient = deadline.owner
    if deadline.kpi == quality.FALLS_ASSESSMENT:
        url = reverse("records:add", args=[patient, "falls-assessments"])
        return "Record a falls assessment", url
    if deadline.kpi == quality.DXA:
        return "Add a scan", reverse("records:scan-add", args=[patient])
    if deadline.kpi == quality.TREATMENT_STARTED:
        return "Add a medicine", reverse("records:add", args=[patient, "medications"])
    return None


def _row(deadline: quality.OpenDeadline, names: dict[int, str], today) -> DeadlineRow:
    fracture = deadline.fracture
    return DeadlineRow(
        patient=names[deadline.owner],
        url=reverse("dashboard:patient", args=[deadline.owner]),
        fracture=f"{FRACTURE_SITE_LABELS[fracture.site]}, {display_date(fracture.date)}",
        kpi=deadline.label,
        deadline=display_date(deadline.deadline),
        days_left=deadline.days_left(today),
        action=_action(deadline),
    )


@clinician_required
@require_GET
def quality_page(request):
    today = timezone.localdate()
    cohort = load_cohort(request.user, today)
    deadlines = quality.open_deadlines(cohort.cases)
    paginator = Paginator(deadlines, DEADLINES_PAGE_SIZE, allow_empty_first_page=True)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as wrong:  # not a number, or past the end
        raise Http404("No such page.") from wrong
    listed(request, sorted({d.owner for d in page.object_list}), what=QUALITY_READ)
    labels = [quality.KPI_LABELS[kpi] for kpi in quality.KPIS]
    return render(
        request,
        "dashboard/quality.html",
        {
            "quarters": [
                (row, list(zip(labels, row.tallies, strict=True)))
                for row in quality.by_quarter(case for _, case in cohort.cases)
            ],
            "kpis": labels,
            "page": page,
            "rows": [_row(d, cohort.names, today) for d in page.object_list],
            "open_count": len(deadlines),
            "since": cohort.since,
            "quarters_shown": QUARTERS_SHOWN,
            "approved": request.user.is_approved_clinician,
            "sources": (quality.SOURCE_IOF, quality.SOURCE_FLS_DB),
            "thresholds": _thresholds(),
        },
    )


def _thresholds() -> list[tuple[str, str]]:
    """What each KPI counts, for clinicians, with the choices the engine makes."""
    q = quality
    return [
        (
            q.KPI_LABELS[q.DXA],
            f"a DXA scan from {q.DXA_COUNTS_DAYS_BEFORE} days before the fracture to "
            f"{q.DXA_WITHIN_DAYS} days after it (a recent scan counts: ours)",
        ),
        (
            q.KPI_LABELS[q.FALLS_ASSESSMENT],
            f"a falls assessment recorded from the fracture day to {q.FALLS_ASSESSMENT_WITHIN_DAYS}"
            " days after it",
        ),
        (
            q.KPI_LABELS[q.TREATMENT_STARTED],
            f"a bone drug course starting within {q.TREATMENT_STARTED_WITHIN_DAYS} days of the "
            "fracture, or already running on the fracture day (FLS-DB: on treatment)",
        ),
        (
            q.KPI_LABELS[q.ON_TREATMENT_52_WEEKS],
            f"a course running on day {q.ON_TREATMENT_AT_DAYS} after the fracture; open until then",
        ),
    ]
