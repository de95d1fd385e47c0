"""Radiologists' narrative reports: the values in sentences.

"The lumbar spine (L1-L4) BMD is 0.851 g/cm2, T-score -1.9, Z-score -0.4."
Each mention of a site opens a stretch of text that runs to the next mention;
the BMD, T-score and Z-score are read from that stretch only.
"""

import re

from . import numbers
from .tables import Row

_SITE_MENTIONS: list[tuple[str, re.Pattern[str]]] = [
    ("lumbar_spine", re.compile(r"\blumbar spine\b|\bAP spine\b|\bspine\b", re.I)),
    ("femoral_neck", re.compile(r"\bfemoral neck\b", re.I)),
    ("total_hip", re.compile(r"\btotal hip\b|\btotal femur\b", re.I)),
    ("radius_33", re.compile(r"\b(?:33\s*%|one[- ]third|1/3)\s+(?:distal\s+)?radius\b", re.I)),
    ("trochanter", re.compile(r"\btrochanter\b", re.I)),
]
_SIDE = re.compile(r"\b(left|right)\b", re.I)
_VERT = re.compile(r"\(?\b(L[1-4])\s*-\s*(L[1-4])\b\)?", re.I)
_BMD = re.compile(r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>mg|g)\s*/\s*cm\s*(?:2|²)", re.I)
_T = re.compile(r"\bT[- ]?scores?\s*(?:of|is|was|=|:)?\s*(?P<value>[-+]?\d+(?:\.\d+)?)", re.I)
_Z = re.compile(r"\bZ[- ]?scores?\s*(?:of|is|was|=|:)?\s*(?P<value>[-+]?\d+(?:\.\d+)?)", re.I)
_AVERAGE = re.compile(r"\b(?:mean|average|difference)\b", re.I)


def read_narrative(text: str) -> tuple[list[Row], list[str], bool]:
    """Rows read from sentences, notes, and whether any BMD was in mg/cm²."""
    text = " ".join(numbers.clean_line(line) for line in text.splitlines())
    mentions = sorted(
        (match.start(), match.end(), site)
        for site, pattern in _SITE_MENTIONS
        for match in pattern.finditer(text)
    )
    mentions = _drop_overlaps(mentions)
    rows: list[Row] = []
    notes: list[str] = []
    used_mg = False
    for index, (start, end, site) in enumerate(mentions):
        stop = mentions[index + 1][0] if index + 1 < len(mentions) else len(text)
        stretch = text[end:stop]
        bmd_match = _BMD.search(stretch)
        t_match = _T.search(stretch)
        if not bmd_match and not t_match:
            continue
        before = re.split(r"[.;:]\s", text[max(0, start - 40) : start])[-1]
        if _AVERAGE.search(before + text[start:end]):
            continue
        mg = bool(bmd_match and bmd_match["unit"].lower() == "mg")
        used_mg = used_mg or mg
        z_match = _Z.search(stretch)
        vertebrae = None
        side = "none"
        if site == "lumbar_spine":
            vert = _VERT.search(text[start : min(stop, end + 40)])
            if vert:
                vertebrae = f"{vert[1].upper()}-{vert[2].upper()}"
        elif site != "radius_33":
            side_match = _last_side(before) or _SIDE.search(stretch[:20])
            if not side_match:
                notes.append(f"The side of the {text[start:end]} was not found: enter it by hand.")
                continue
            side = side_match[1].lower()
        rows.append(
            Row(
                site=site,
                side=side,
                bmd=numbers.bmd(bmd_match["value"], mg=mg) if bmd_match else None,
                t_score=numbers.score(t_match["value"]) if t_match else None,
                z_score=numbers.score(z_match["value"]) if z_match else None,
                vertebrae=vertebrae,
            )
        )
    return rows, notes, used_mg


def _drop_overlaps(mentions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for mention in mentions:
        if kept and mention[0] < kept[-1][1]:
            continue
        kept.append(mention)
    return kept


def _last_side(text: str) -> re.Match[str] | None:
    matches = list(_SIDE.finditer(text))
    return matches[-1] if matches else None
