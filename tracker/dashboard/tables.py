"""Tables in the form clinicians know from DXA trend reports, and the data behind
each chart for people who cannot see it. Built from the history and assessment."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracker.clinical.assess import Assessment
from tracker.clinical.change import Change
from tracker.clinical.drugs import CATALOGUE
from tracker.clinical.exercise import KINDS, weekly_totals
from tracker.clinical.history import CLASSIFYING_SITES, PatientHistory
from tracker.clinical.response import MIN_ANNUALISED_DAYS, CourseResponse, SiteResponse
from tracker.clinical.therapy import drug_of
from tracker.dashboard.charts.common import (
    SIDE_ORDER,
    _years,
    lower_first,
    signed_pct,
    site_label,
    site_results,
)


@dataclass(frozen=True)
class ChangeLine:
    scan_id: int
    scan_date: date
    bmd: Decimal
    t_score: Decimal | None
    z_score: Decimal | None
    vs_baseline: Change | None
    vs_previous: Change | None
    new_segment_reason: str


@dataclass(frozen=True)
class SiteTable:
    label: str
    lines: tuple[ChangeLine, ...]


def change_table(history: PatientHistory, assessment: Assessment) -> list[SiteTable]:
    """Per site and side, each scan's BMD and T-score with its change vs baseline and previous."""
    results = site_results(history)
    by_site: dict[tuple[str, str], list[ChangeLine]] = {}
    for row in sorted(assessment.change_rows, key=lambda r: (r.scan_date, r.scan_id)):
        result = results[(row.scan_id, row.site, row.side)]
        by_site.setdefault((row.site, row.side), []).append(
            ChangeLine(
                scan_id=row.scan_id,
                scan_date=row.scan_date,
                bmd=row.bmd,
                t_score=result.t_score,
                z_score=result.z_score,
                vs_baseline=row.vs_baseline,
                vs_previous=row.vs_previous,
                new_segment_reason=row.new_segment_reason,
            )
        )
    order = sorted(by_site, key=lambda key: (CLASSIFYING_SITES.index(key[0]), SIDE_ORDER[key[1]]))
    return [SiteTable(site_label(*key), tuple(by_site[key])) for key in order]


# The change table is drawn here, not with a template include per cell: 25 years of
# scans were 400 includes and number filters, a third of a cold dashboard (issue 13).
# The markup is what templates/dashboard/includes/bone_density.html had.
CHANGE_TABLE_LATEST = 5  # scans of each place on the dashboard; all on dashboard:changes
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TENTH = Decimal("0.1")
CHANGE_HEAD = (
    '<thead><tr><th scope="col">Scan</th><th scope="col">Bone density (BMD, g/cm²)</th>'
    '<th scope="col">T-score</th><th scope="col">vs baseline</th>'
    '<th scope="col">vs previous</th></tr></thead>'
)


def day_month_year(day: date) -> str:
    """As the templates' `date:"j M Y"` writes it: "5 Sep 2020"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def one_decimal(value: Decimal) -> str:
    """As `floatformat:"1"` writes it: half up, "0.0" never "-0.0"."""
    rounded = Decimal(value).quantize(TENTH, ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:f}"


def _change_cell(change: Change | None) -> str:
    if change is None:
        return "—"
    bold = "fw-bold" if change.significant else ""
    star = (
        ' <span aria-hidden="true">★</span><span class="visually-hidden">significant</span>'
        if change.significant
        else ""
    )
    notes = ", estimated" if change.estimated else ""
    if change.comparability == "uncertain":
        notes += ", comparability uncertain"
    return (
        f'<span class="{bold}">{one_decimal(change.pct)} %</span>{star}\n'
        f'<span class="d-block small text-body-secondary">margin of error '
        f"{_number(change.lsc_pct)} %{notes}</span>"
    )


def change_table_html(
    sites: list[SiteTable], *, patient_id: int, latest: int | None = None, links: bool = True
) -> SafeString:
    """The change table's <table>: every scan of each place, or its `latest` few; each
    scan's date links to the scan unless `links` is off (the print view)."""
    scan_url = reverse("records:scan", args=[patient_id, 0]).removesuffix("0/") if links else ""
    parts = [
        '<table class="table table-sm align-middle change-table stack-sm" '
        'aria-labelledby="change-h">',
        CHANGE_HEAD,
    ]
    for site in sites:
        parts.append(
            f'<tbody><tr class="table-light"><th scope="rowgroup" colspan="5">'
            f"{escape(site.label)}</th></tr>"
        )
        for line in site.lines[-latest:] if latest else site.lines:
            shown = day_month_year(line.scan_date)
            if links:
                shown = f'<a href="{scan_url}{line.scan_id}/">{shown}</a>'
            reason = line.new_segment_reason
            if reason:
                shown += (
                    f'\n<div class="small text-danger">{escape(reason)}: new baseline, '
                    "not comparable</div>"
                )
            row = '<tr class="segment-break">' if reason else "<tr>"
            parts.append(
                f"{row}"
                f'<td data-label="Scan">{shown}</td>'
                f'<td data-label="Bone density (g/cm²)">{_number(line.bmd)}</td>'
                f'<td data-label="T-score">{_number(line.t_score)}</td>'
                f'<td data-label="vs baseline">{_change_cell(line.vs_baseline)}</td>'
                f'<td data-label="vs previous">{_change_cell(line.vs_previous)}</td></tr>'
            )
        parts.append("</tbody>")
    parts.append("</table>")
    return mark_safe("".join(parts))  # noqa: S308 - every text from the record is escaped


@dataclass(frozen=True)
class ChangeTables:
    """The change table of a record, drawn on demand: the dashboard's few latest
    scans of each place, the full one (its own page), the printed one."""

    sites: list[SiteTable]
    patient_id: int

    def __bool__(self) -> bool:
        return bool(self.sites)

    @property
    def scans(self) -> int:
        """Scans in the longest list of one place."""
        return max((len(site.lines) for site in self.sites), default=0)

    @property
    def cut(self) -> bool:
        """Does the dashboard show only the latest few of some place?"""
        return self.scans > CHANGE_TABLE_LATEST

    @cached_property
    def latest(self) -> SafeString:
        return change_table_html(self.sites, patient_id=self.patient_id, latest=CHANGE_TABLE_LATEST)

    @cached_property
    def full(self) -> SafeString:
        return change_table_html(self.sites, patient_id=self.patient_id)

    @cached_property
    def printed(self) -> SafeString:
        return change_table_html(self.sites, patient_id=self.patient_id, links=False)


@dataclass(frozen=True)
class CourseLine:
    course_id: int
    name: str
    drug_class: str
    start: date
    end: date | None
    stop_reason: str | None
    doses: int


def drug_history(history: PatientHistory) -> list[CourseLine]:
    return [
        CourseLine(
            course.id,
            CATALOGUE[course.drug].name,
            CATALOGUE[course.drug].drug_class.replace("_", " "),
            course.start,
            course.end,
            (course.stop_reason or "").replace("_", " ") or None,
            len(course.doses),
        )
        for course in sorted(history.courses, key=lambda c: (c.start, c.id), reverse=True)
    ]


def exercise_weeks(sessions, *, today: date, weeks: int = 12) -> list[tuple[date, list[int], int]]:
    """(Monday, minutes per kind in KINDS order, total) for each recent week, newest first."""
    rows = []
    for monday, minutes in weekly_totals(sessions, weeks=weeks, today=today):
        values = [dict(minutes).get(kind, 0) for kind in KINDS]
        rows.append((monday, values, sum(values)))
    return rows[::-1]


@dataclass(frozen=True)
class TargetLine:
    label: str
    t_score: Decimal
    target: Decimal
    met: bool
    gap: Decimal


def target_lines(assessment: Assessment) -> list[TargetLine]:
    """Treat-to-target (rule book section 6): each site's gap to the target T-score."""
    return [
        TargetLine(site_label(t.site, t.side), t.t_score, t.target, t.met, t.gap)
        for t in assessment.targets
    ]


# What each drug did (issue 12, item 6; rule book 11.28), in two voices: patients read
# plain words (no "LSC", "BMD" or section numbers), clinicians the terms and sections.
# Why a course has no number: status -> (patient, clinician); "{yet}" is " yet" while
# the course runs. "not_comparable" names the two makes, so it is written below.
RESPONSE_MESSAGES: dict[str, tuple[str, str]] = {
    "no_baseline": (
        "No scan before it started, so there is nothing to compare with.",
        "No baseline: no scan on or before the first day (section 11.28).",
    ),
    "no_scan_during": (
        "No scan during it{yet}, so no change to show.",
        "No scan during the course{yet}: after the first day, up to the last day on the "
        "drug (section 11.28).",
    ),
    "no_common_site": (
        "The scans before and during it measured different parts of the body, so no "
        "change to show.",
        "No site and side measured on both scans.",
    ),
}
# The engine's reasons for "comparability uncertain" (change.comparability and the
# vertebra count; rule book sections 3.4 and 11.8) in plain words.
UNCERTAIN_WORDS: dict[str, str] = {
    "different scanner model": "another scanner model",
    "different facility": "another scanning place",
}
VERTEBRAE_NOTE = "different number of vertebrae"
MAKE_NOTE = "different scanner make"
PER_YEAR_NOTES: tuple[str, str] = (
    "Per year: the change spread over the years between the two scans; left out when the "
    f"scans are less than {MIN_ANNUALISED_DAYS} days (about 6 months) apart. The shaded "
    "periods on the chart above are the same courses.",
    "Per year: the change divided by the years between the two scans (365.25 days), left "
    f"out under {MIN_ANNUALISED_DAYS} days. Courses that ran together are each measured on "
    "their own.",
)
LSC_SOURCE_WORDS: dict[str, str] = {
    "clinician": "set by a clinician",
    "facility_g": "the facility's",
    "facility_pct": "the facility's",
    "default": "default, estimated",
}


@dataclass(frozen=True)
class ResponseSite:
    label: str  # "Lumbar spine", "Total hip (left)"
    pct: Decimal
    per_year: Decimal | None  # None under response.MIN_ANNUALISED_DAYS
    change_text: str  # "+4.1 %"
    per_year_text: str  # "+1.0 % a year", or "—" when not annualised
    significant: bool
    verdict: str  # patient: "a real change", "within the margin of error"
    verdict_clinician: str
    note: str  # patient: the margin of error and any doubt about comparability
    note_clinician: str


@dataclass(frozen=True)
class ResponseCourse:
    course_id: int
    name: str  # "Alendronate"
    start: date
    last_day: date
    ongoing: bool
    baseline_date: date | None
    end_date: date | None
    message: str  # patient: why there is no number; "" when measured
    message_clinician: str
    overlap: str  # patient: "Taken at the same time as raloxifene: ..."; "" when none
    overlap_clinician: str
    sites: tuple[ResponseSite, ...]
    summary: str  # "alendronate 2018–2022: lumbar spine +4.1 %, a real change; ..."


def _plain_uncertain(note: str) -> str:
    if note.startswith(VERTEBRAE_NOTE):
        counts = note.removeprefix(VERTEBRAE_NOTE).strip(" ()").replace(" then ", ", then ")
        return f"a different number of spine bones measured ({counts})"
    return UNCERTAIN_WORDS.get(note, note)


def _response_site(found: SiteResponse) -> ResponseSite:
    change, per_year = found.change, found.pct_per_year
    estimated = ", estimated" if change.estimated else ""
    note = f"margin of error {change.lsc_pct} %{estimated}"
    note_clinician = f"LSC {change.lsc_pct} % ({LSC_SOURCE_WORDS[change.lsc_source]})"
    if change.comparability == "uncertain":
        note += "; less certain: " + ", ".join(_plain_uncertain(n) for n in change.notes)
        doubts = ", ".join(change.notes)
        note_clinician += f"; comparability uncertain: {doubts} (section 11.8)"
    if change.significant:
        verdict, verdict_clinician = "a real change", "significant (≥ LSC)"
    else:
        verdict, verdict_clinician = "within the margin of error", "not significant (< LSC)"
    return ResponseSite(
        label=site_label(found.site, found.side),
        pct=change.pct,
        per_year=found.pct_per_year,
        change_text=f"{signed_pct(change.pct)} %",
        per_year_text="—" if per_year is None else f"{signed_pct(per_year)} % a year",
        significant=change.significant,
        verdict=verdict,
        verdict_clinician=verdict_clinician,
        note=note,
        note_clinician=note_clinician,
    )


def _messages(found: CourseResponse) -> tuple[str, str]:
    """Why a course has no number, for the patient and for the clinician ("" when measured)."""
    if found.status == "measured":
        return "", ""
    if found.status == "not_comparable":
        makes = found.reason.removeprefix(MAKE_NOTE).strip()
        return (
            f"Cannot be compared: the scans were made on two makes of scanner {makes}, "
            "whose numbers differ.",
            f"Not comparable: {found.reason}; no change across makes (section 3.4).",
        )
    yet = " yet" if found.ongoing else ""
    patient, clinician = RESPONSE_MESSAGES[found.status]
    return patient.format(yet=yet), clinician.format(yet=yet)


def _overlaps(found: CourseResponse, name: str) -> tuple[str, str]:
    others = ", ".join(lower_first(drug_of(o).name) for o in found.overlaps)
    if not others:
        return "", ""
    return (
        f"Taken at the same time as {others}: the change cannot be put down to "
        f"{lower_first(name)} alone.",
        f"Overlaps {others} (section 11.15): not attributable to one drug.",
    )


@dataclass(frozen=True)
class ResponseTable:
    courses: list[ResponseCourse]
    note: str = PER_YEAR_NOTES[0]
    note_clinician: str = PER_YEAR_NOTES[1]

    @cached_property
    def html_patient(self) -> SafeString:
        return response_table_html(self, clinician=False)

    @cached_property
    def html_clinician(self) -> SafeString:
        return response_table_html(self, clinician=True)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def response_table_html(table: ResponseTable, *, clinician: bool) -> SafeString:
    """The <table> of what each drug did, in the patient's or the clinician's words,
    drawn here rather than by a template loop (issue 13: the cold dashboard)."""
    verdict_head = "Verdict" if clinician else "What it means"
    parts = [
        '<table class="table table-sm align-middle response-table stack-sm" '
        'aria-labelledby="response-h">'
        '<thead><tr><th scope="col">Place measured</th><th scope="col">Change</th>'
        f'<th scope="col">Per year</th><th scope="col">{verdict_head}</th></tr></thead>'
    ]
    for course in table.courses:
        until = "now" if course.ongoing else day_month_year(course.last_day)
        head = f"{escape(course.name)}, {day_month_year(course.start)} to {until}"
        if course.baseline_date and course.end_date:
            head += (
                f'\n<span class="d-block small fw-normal">Scan of '
                f"{day_month_year(course.baseline_date)} compared with the scan of "
                f"{day_month_year(course.end_date)}</span>"
            )
        overlap = course.overlap_clinician if clinician else course.overlap
        if overlap:
            head += f'\n<span class="d-block small fw-normal">{escape(overlap)}</span>'
        parts.append(
            f'<tbody><tr class="table-light"><th scope="rowgroup" colspan="4">{head}</th></tr>'
        )
        for site in course.sites:
            bold = ' class="fw-bold"' if site.significant else ""
            if clinician:
                verdict, note = _capfirst(site.verdict_clinician), site.note_clinician
            else:
                verdict, note = _capfirst(site.verdict), _capfirst(site.note)
            parts.append(
                f'<tr><td data-label="Place measured">{escape(site.label)}</td>'
                f'<td data-label="Change"><span{bold}>{escape(site.change_text)}</span></td>'
                f'<td data-label="Per year">{escape(site.per_year_text)}</td>'
                f'<td data-label="{verdict_head}"><span{bold}>{escape(verdict)}</span>\n'
                f'<span class="d-block small text-body-secondary">{escape(note)}</span></td></tr>'
            )
        if not course.sites:
            message = course.message_clinician if clinician else course.message
            parts.append(
                f'<tr><td colspan="4" class="text-body-secondary">{escape(message)}</td></tr>'
            )
        parts.append("</tbody>")
    parts.append("</table>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped


def response_table(responses: tuple[CourseResponse, ...]) -> ResponseTable:
    """What each course did, oldest first: per site the change, per year and the verdict."""
    table = []
    for found in responses:
        name = drug_of(found.course).name
        sites = tuple(_response_site(s) for s in found.sites)
        message, message_clinician = _messages(found)
        overlap, overlap_clinician = _overlaps(found, name)
        if sites:
            results = "; ".join(
                f"{lower_first(s.label)} {s.change_text}, {s.verdict}" for s in sites
            )
        else:
            results = lower_first(message.rstrip("."))
        start = found.course.start
        years = f"since {start.year}" if found.ongoing else _years(start, found.last_day)
        table.append(
            ResponseCourse(
                course_id=found.course.id,
                name=name,
                start=start,
                last_day=found.last_day,
                ongoing=found.ongoing,
                baseline_date=found.baseline.date if found.baseline else None,
                end_date=found.end_scan.date if found.end_scan else None,
                message=message,
                message_clinician=message_clinician,
                overlap=overlap,
                overlap_clinician=overlap_clinician,
                sites=sites,
                summary=f"{lower_first(name)} {years}: {results}",
            )
        )
    return ResponseTable(courses=table)
