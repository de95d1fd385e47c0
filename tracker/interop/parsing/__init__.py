"""From report text to values: pure parsing, no files, no Django."""

import re

from ..report_types import ReadReport, ReadSite
from . import header, numbers
from .narrative import read_narrative
from .tables import Row, read_tables

_REPORT_WORDS = re.compile(r"\bBMD\b|T[- ]?score|densitometr|\bDXA\b|\bDEXA\b", re.I)
NOT_A_REPORT = "This does not look like a bone density (DXA) report: nothing was read from it."
_SITE_ORDER = ("lumbar_spine", "femoral_neck", "total_hip", "radius_33", "trochanter", "wards")
_SIDE_ORDER = ("none", "left", "right")


def parse_text(text: str, *, method: str = "pdf-text") -> ReadReport:
    """Read the date, the scanner, the vertebrae and the site values from report text."""
    lines = [numbers.clean_line(line) for line in text.splitlines()]
    notes: list[str] = []
    make = header.manufacturer(text)
    tables = read_tables(lines)
    rows = tables.rows
    notes.extend(tables.notes)
    mg = tables.mg and any(row.bmd is not None for row in rows)
    if not rows:
        rows, narrative_notes, mg = read_narrative(text)
        notes.extend(narrative_notes)
    sites, vertebrae = _sites(rows, tables.vertebra_rows, notes)
    if mg:
        notes.append("BMD was printed in mg/cm² and converted to g/cm² (divided by 1000).")
    date = header.scan_date(lines, us=make == "ge_lunar", notes=notes)
    is_report = bool(sites) or len(_REPORT_WORDS.findall(text)) >= 2
    if is_report and date is None and not any("date" in note for note in notes):
        notes.append("The scan date was not found: enter it by hand.")
    if is_report and make is None:
        notes.append("The scanner make was not found: choose it by hand.")
    if is_report and vertebrae is None and any(s.site == "lumbar_spine" for s in sites):
        notes.append("Which vertebrae were used was not found: choose them by hand.")
    if is_report and not sites:
        notes.append("No site values were found: enter them by hand.")
    return ReadReport(
        method=method,
        text=text,
        is_report=is_report,
        date=date if is_report else None,
        manufacturer=make if is_report else None,
        model=header.model(lines) if is_report else "",
        facility=header.facility(lines) if is_report else "",
        vertebrae=vertebrae,
        sites=sites if is_report else (),
        notes=tuple(notes) if is_report else (NOT_A_REPORT,),
    )


def _sites(
    rows: list[Row], vertebra_rows: list[str], notes: list[str]
) -> tuple[tuple[ReadSite, ...], str | None]:
    found: dict[tuple[str, str], ReadSite] = {}
    conflicting: set[tuple[str, str]] = set()
    vertebrae = None
    for row in rows:
        key = (row.site, row.side)
        site = ReadSite(
            site=row.site, side=row.side, bmd=row.bmd, t_score=row.t_score, z_score=row.z_score
        )
        if row.site == "lumbar_spine":
            vertebrae = row.vertebrae or _all_four(vertebra_rows) or vertebrae
        if key in found and found[key] != site:
            conflicting.add(key)
        found.setdefault(key, site)
    for key in conflicting:
        notes.append(
            f"Two different values were found for the {key[0].replace('_', ' ')}"
            f"{'' if key[1] == 'none' else ' (' + key[1] + ')'}: enter them by hand."
        )
        site, side = key
        found[key] = ReadSite(site=site, side=side, bmd=None, t_score=None, z_score=None)
    ordered = sorted(
        found.values(), key=lambda s: (_SITE_ORDER.index(s.site), _SIDE_ORDER.index(s.side))
    )
    return tuple(ordered), vertebrae


def _all_four(vertebra_rows: list[str]) -> str | None:
    """A total row labelled only "Total" covers L1-L4 when all four rows are there.

    With fewer rows seen (one excluded, or lost to OCR) the vertebrae are not guessed.
    """
    return "L1-L4" if set(vertebra_rows) >= {"L1", "L2", "L3", "L4"} else None
