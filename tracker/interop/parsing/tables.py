"""Vendor result tables: Hologic "DXA Results Summary" and GE Lunar enCORE.

A header line names the columns; each row is a region label then its cells.
Only the BMD, T-score and Z-score columns are ever read: Area, BMC, PR, AM,
Young-Adult and Age-Matched never are, and Mean and Diff rows are never a side.
A row whose cells do not line up with its header is left unread (missing).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import numbers

_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    ("area", re.compile(r"\barea\b", re.I)),
    ("bmc", re.compile(r"\bb[mn]c\b", re.I)),
    ("bmd", re.compile(r"\bb[mn]d\b", re.I)),
    ("t", re.compile(r"(?<![a-z])t[- ]?score\b", re.I)),
    ("z", re.compile(r"(?<![a-z])z[- ]?score\b", re.I)),
    ("pr", re.compile(r"\bpr\b", re.I)),
    ("am", re.compile(r"\bam\b", re.I)),
    ("ya", re.compile(r"\byoung[- ]?adult\b", re.I)),
    ("agem", re.compile(r"\bage[- ]?matched\b", re.I)),
]
# The vendors' layouts (section 1.0): a header of which OCR lost a column name
# is completed from the one layout that has the row's number of cells.
_LAYOUTS: list[list[str]] = [
    ["area", "bmc", "bmd", "t", "pr", "z", "am"],
    ["area", "bmc", "bmd", "t", "pr"],
    ["bmd", "ya", "t", "agem", "z"],
    ["bmd", "ya", "t", "agem"],
]
_MG = re.compile(r"mg\s*/\s*cm", re.I)

_SIDE = r"(?P<side>left|right|mean|diff\.?|avg\.?)"
_VERT = r"L[1-4]\s*-\s*L[1-4]"
# (pattern at the start of a row, site or None for a row that is never a site)
_ROWS: list[tuple[re.Pattern[str], str | None]] = [
    (re.compile(rf"^(?P<vert>{_VERT})\b", re.I), "lumbar_spine"),
    (re.compile(r"^(?P<one>L[1-4])\b", re.I), None),
    (re.compile(rf"^neck\s+{_SIDE}(?![a-z])", re.I), "femoral_neck"),
    (re.compile(rf"^total\s+{_SIDE}(?![a-z])", re.I), "total_hip"),
    (re.compile(rf"^troch(?:anter)?\s+{_SIDE}(?![a-z])", re.I), "trochanter"),
    (re.compile(rf"^ward'?s\s+{_SIDE}(?![a-z])", re.I), "wards"),
    (re.compile(r"^(?:radius\s*33\s*%|1/3|33\s*%)", re.I), "radius_33"),
    (re.compile(r"^neck\b", re.I), "femoral_neck"),
    (re.compile(r"^troch(?:anter)?\b", re.I), "trochanter"),
    (re.compile(r"^ward'?s\b", re.I), "wards"),
    (re.compile(r"^total\b", re.I), "total"),
    (
        re.compile(r"^(?:inter|upper neck|shaft|ud|mid|ultra[- ]?distal|head|arms?|legs?)\b", re.I),
        None,
    ),
]
_REGION_HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    ("spine", re.compile(r"\b(?:lumbar|spine)\b", re.I)),
    ("hip", re.compile(r"\b(?:hip|femur|dualfemur)\b", re.I)),
    ("forearm", re.compile(r"\b(?:forearm|radius)\b", re.I)),
]
_HEADING_SIDE = re.compile(r"\b(left|right)\b", re.I)


@dataclass
class Row:
    site: str
    side: str
    bmd: Decimal | None
    t_score: Decimal | None
    z_score: Decimal | None
    vertebrae: str | None = None


@dataclass
class Tables:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mg: bool = False
    vertebra_rows: list[str] = field(default_factory=list)


def header_columns(line: str) -> list[str] | None:
    """The value columns a header line names, in order; None if it is no header."""
    found = sorted(
        (match.start(), name) for name, pattern in _COLUMNS for match in pattern.finditer(line)
    )
    names = [name for _, name in found]
    if "bmd" not in names or "t" not in names or len(set(names)) != len(names):
        return None
    return names


def _layout_for(columns: list[str], count: int) -> list[str] | None:
    """The one vendor layout with `count` columns that contains the header's columns in order."""
    fits = [layout for layout in _LAYOUTS if len(layout) == count and _in_order(columns, layout)]
    return fits[0] if len(fits) == 1 else None


def _in_order(part: list[str], whole: list[str]) -> bool:
    rest = iter(whole)
    return all(name in rest for name in part)


def _match_row(line: str) -> tuple[re.Match[str], str | None] | None:
    for pattern, site in _ROWS:
        match = pattern.match(line)
        if match:
            return match, site
    return None


def _cells(rest: str) -> list[str]:
    return [token for token in rest.split() if numbers.is_value_token(token)]


def read_tables(lines: list[str]) -> Tables:
    out = Tables()
    columns: list[str] | None = None
    mg = False
    region: str | None = None
    side: str | None = None
    for raw in lines:
        line = raw.strip().lstrip("|[](){}_*•·.,:;'\" ")
        head = header_columns(line)
        if head:
            columns, mg = head, bool(_MG.search(line))
            continue
        if columns and not mg and _MG.search(line) and not _match_row(line):
            mg = True  # a units line under the header
            continue
        matched = _match_row(line) if columns else None
        if not matched:
            for name, pattern in _REGION_HEADINGS:
                if pattern.search(line) and len(line) < 60:
                    region = name
                    heading_side = _HEADING_SIDE.search(line)
                    side = heading_side[1].lower() if heading_side else None
                    break
            continue
        match, site = matched
        if site is None:
            if match.groupdict().get("one"):
                out.vertebra_rows.append(match["one"].upper())
            continue
        _read_row(out, columns, mg, match, site, region, side, line)
    out.mg = out.mg or mg
    return out


def _read_row(out, columns, mg, match, site, region, heading_side, line) -> None:
    groups = match.groupdict()
    label = re.sub(r"\s+", " ", match[0])
    vertebrae = None
    row_side = (groups.get("side") or "").lower().rstrip(".")
    if row_side in ("mean", "diff", "avg"):
        return
    if site == "total":
        if region == "spine":
            site = "lumbar_spine"
        elif region == "hip":
            site = "total_hip"
        else:
            return  # a forearm or body total is not a site we read
    if site == "lumbar_spine":
        side = "none"
        if groups.get("vert"):
            vertebrae = re.sub(r"\s+", "", groups["vert"]).upper()
    elif site == "radius_33":
        side = row_side or heading_side or "none"
    else:
        side = row_side or heading_side
        if side is None:
            out.notes.append(f"The side of the {label} row was not found: enter it by hand.")
            return
    cells = _cells(line[match.end() :])
    if len(cells) != len(columns):
        columns = _layout_for(columns, len(cells)) or columns
    if len(cells) != len(columns):
        out.notes.append(
            f"The {label} row could not be lined up with its columns: enter its values by hand."
        )
        values = dict.fromkeys(columns)
    else:
        values = dict(zip(columns, cells, strict=True))
    t_score = _signed(out, label, "T-score", numbers.score(values.get("t")), values, ("pr", "ya"))
    z_score = _signed(out, label, "Z-score", numbers.score(values.get("z")), values, ("am", "agem"))
    row = Row(
        site=site,
        side=side,
        bmd=numbers.bmd(values.get("bmd"), mg=mg),
        t_score=t_score,
        z_score=z_score,
        vertebrae=vertebrae,
    )
    out.rows.append(row)


def _signed(out, label, name, value, values, percent_columns) -> Decimal | None:
    """A score whose sign disagrees with its printed percentage is not read.

    A score below 0 goes with a percentage of the reference mean below 100 and
    the other way round; OCR often loses a minus sign, and this catches it. The
    percentage is only a check here: it is never entered.
    """
    if value is None or value == 0:
        return value
    for column in percent_columns:
        percent = values.get(column)
        if percent is None or not percent.isdigit():
            continue
        if (value < 0 and int(percent) > 100) or (value > 0 and int(percent) < 100):
            out.notes.append(
                f"The {name} of the {label} row did not agree with its percentage "
                "(a lost minus sign?): enter it by hand."
            )
            return None
    return value
